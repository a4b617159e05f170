"""Bulk import pages; included at the site root by core.urls."""

from django.urls import URLPattern, path

from core.views import imports

urlpatterns: list[URLPattern] = [
    path("import/", imports.import_home, name="import_home"),
    path("import/<str:kind>/template.xlsx", imports.import_template, name="import_template"),
    path("import/<str:kind>/", imports.import_upload, name="import_upload"),
]
