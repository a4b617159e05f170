"""Login (ours and the admin's) with the throttle's message; logout is Django's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.module_loading import import_string

from core.security import WAIT_ATTRIBUTE, wait_message


class ThrottledAuthenticationForm(AuthenticationForm):
    """The throttle itself is core.security.ThrottledModelBackend (every login goes through
    it); the form only says why a throttled attempt was refused."""

    error_messages = {
        "invalid_login": "用户名或密码不正确。",
        "inactive": "该账号已停用。",
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"

    def get_invalid_login_error(self) -> forms.ValidationError:
        wait = getattr(self.request, WAIT_ATTRIBUTE, 0) if self.request is not None else 0
        if wait:
            return forms.ValidationError(wait_message(wait), code="locked")
        return super().get_invalid_login_error()

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        # settings.PASSWORD_LOGIN_POLICIES: e.g. a region that signs its people in only through
        # the provincial identity (integrations.signin).
        for path in getattr(settings, "PASSWORD_LOGIN_POLICIES", []):
            refusal: str = import_string(path)(user)
            if refusal:
                raise forms.ValidationError(refusal, code="policy")


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    def get_invalid_login_error(self) -> forms.ValidationError:
        wait = getattr(self.request, WAIT_ATTRIBUTE, 0) if self.request is not None else 0
        if wait:
            return forms.ValidationError(wait_message(wait), code="locked")
        return super().get_invalid_login_error()


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True
