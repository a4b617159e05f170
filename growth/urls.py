"""The growth app's pages (专业成长: training, rotation, talent programmes, awards, studios,
bases, mental-health certificates). Each views module owns its own `urls` list."""

from django.urls import URLPattern

from growth.views import edits, manage, people, programmes, regional, training

app_name = "growth"
urlpatterns: list[URLPattern] = [*training.urls, *people.urls, *programmes.urls, *regional.urls, *manage.urls,
                                   *edits.urls]
