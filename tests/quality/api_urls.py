"""A URLconf that mounts quality.api on its own NinjaAPI, so the router is tested before the
lead mounts it under /api/v1/quality/."""

from django.urls import path
from ninja import NinjaAPI

from api.auth import SessionCsrfAuth
from api.tokens import BearerTokenAuth
from quality.api import build_router

api = NinjaAPI(urls_namespace="quality-api-test", auth=[BearerTokenAuth(), SessionCsrfAuth()])
api.add_router("/quality", build_router())
urlpatterns = [path("api/", api.urls)]
