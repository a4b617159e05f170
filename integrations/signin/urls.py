"""Sign-in through a region's identity platform, its settings, and the login log."""

from django.urls import URLPattern, path

from integrations.signin import views

app_name = "signin"
urlpatterns: list[URLPattern] = [
    path("<int:provider_id>/start/", views.start, name="start"),
    path("callback/", views.callback, name="callback"),
    path("providers/", views.provider_list, name="providers"),
    path("providers/new/", views.provider_new, name="provider_new"),
    path("providers/<int:provider_id>/", views.provider_edit, name="provider_edit"),
    path("identities/", views.identity_list, name="identities"),
    path("identities/<int:identity_id>/delete/", views.identity_delete, name="identity_delete"),
    path("log/", views.login_log, name="log"),
    path("log/pages/", views.activity_log, name="activity"),
]
