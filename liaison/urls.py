"""The liaison app's pages (定点联系). Each views module owns its own `urls` list (rounds and
their links' proposals; their progress; a link's work and the responsibility zones; documents)."""

from django.urls import URLPattern

from liaison.views import documents, links, progress, rounds

app_name = "liaison"
urlpatterns: list[URLPattern] = [*rounds.urls, *progress.urls, *links.urls, *documents.urls]
