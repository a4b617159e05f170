"""The integrations app's pages (channels per region, personal choices, delivery logs)."""

from django.urls import URLPattern, path

from integrations import views

app_name = "integrations"
urlpatterns: list[URLPattern] = [
    path("channels/", views.channel_list, name="channels"),
    path("channels/new/", views.channel_new, name="channel_new"),
    path("channels/<int:channel_id>/", views.channel_edit, name="channel_edit"),
    path("channels/<int:channel_id>/disable/", views.channel_disable, name="channel_disable"),
    path("channels/<int:channel_id>/test/", views.channel_test, name="channel_test"),
    path("deliveries/", views.delivery_log, name="deliveries"),
    path("preferences/", views.preferences, name="preferences"),
]
