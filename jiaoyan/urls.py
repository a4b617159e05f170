from django.contrib import admin
from django.urls import include, path

from jiaoyan.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("observe/", include("observe.urls")),
    path("quality/", include("quality.urls")),
    path("", include("core.urls")),
]
