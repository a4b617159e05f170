"""The site's URLs plus two views that fail, to see the 403 and 500 pages (tests/test_ui_pages.py)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from jiaoyan.urls import handler403, handler404, handler500
from jiaoyan.urls import urlpatterns as site


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("deliberate failure")


urlpatterns = [path("test-forbidden/", forbidden), path("test-boom/", boom),
               path("api/v1/test-boom/", boom), *site]
__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
