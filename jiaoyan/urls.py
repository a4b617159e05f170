from django.contrib import admin
from django.urls import include, path

from jiaoyan.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("observe/", include("observe.urls")),
    path("visits/", include("visits.urls")),
    path("quality/", include("quality.urls")),
    path("research/", include("research.urls")),
    path("liaison/", include("liaison.urls")),
    path("growth/", include("growth.urls")),
    path("projects/", include("projects.urls")),
    path("appraisal/", include("appraisal.urls")),
    path("integrations/", include("integrations.urls")),
    path("signin/", include("integrations.signin.urls")),
    path("", include("core.urls")),
]

handler403 = "core.views.errors.permission_denied"
handler404 = "core.views.errors.page_not_found"
handler500 = "core.views.errors.server_error"
