"""The research app's pages. Each views module owns its own `urls` list (activities with sign-in
and calendars, subject-group life, collective preparation, homeroom meetings, 送教 orders), so
each area is read in one place."""

from django.urls import URLPattern

from research.views import activities, groups, homeroom, orders, prep

app_name = "research"
urlpatterns: list[URLPattern] = [*activities.urls, *groups.urls, *prep.urls, *homeroom.urls, *orders.urls]
