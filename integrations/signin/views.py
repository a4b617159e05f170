"""Sign-in pages: leaving for the identity platform and coming back (public), a region admin's
providers and identity mappings, and the login and activity log of their subtree."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.access import require
from core.http import AuthedRequest
from core.paging import paginate
from integrations.errors import IntegrationError
from integrations.signin import access, protocols, services
from integrations.signin.activity import METHOD_ATTRIBUTE
from integrations.signin.charts import active_users_chart, week_starts
from integrations.signin.forms import IdentityForm, LogFilterForm, ProviderForm
from integrations.signin.mapping import Refusal, find_user
from integrations.signin.models import MappingClaim, SignInProvider
from integrations.signin.selectors import LogFilter, login_list, page_view_list, weekly_active

log = logging.getLogger(__name__)

SESSION_KEY = "signin_pending"
# A sign-in not finished within this time must be started again.
PENDING_SECONDS = 600
MAX_PENDING = 5


def _settings_of(provider: SignInProvider) -> protocols.ProviderSettings:
    return protocols.ProviderSettings(kind=provider.kind, client_id=provider.client_id,
                                      client_secret=provider.client_secret, issuer=provider.issuer,
                                      authorize_url=provider.authorize_url, agent_id=provider.agent_id,
                                      claim_name=provider.claim_name)


def _redirect_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("signin:callback"))


def _refused(request: HttpRequest, title: str, message: str, *, status: int = 403,
             provider: SignInProvider | None = None) -> HttpResponse:
    return render(request, "integrations/signin/refused.html",
                  {"title": title, "message": message, "provider": provider}, status=status)


@never_cache
@require_GET
def start(request: HttpRequest, provider_id: int) -> HttpResponse:
    """Leave for the provider's login page with a fresh state, nonce and PKCE verifier."""
    provider = access.get_enabled_provider(provider_id)
    auth = protocols.AuthorizationRequest.new()
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = ""
    try:
        url = protocols.authorize_url(_settings_of(provider), auth, _redirect_uri(request))
    except protocols.ProtocolError as e:
        log.warning("sign-in start failed for provider %s: %s", provider.pk, e.detail)
        return _refused(request, "暂时无法登录", e.message, status=502, provider=provider)
    pending: dict[str, Any] = dict(request.session.get(SESSION_KEY, {}))
    now = int(time.time())
    pending = {k: v for k, v in pending.items() if now - int(v["at"]) < PENDING_SECONDS}
    for old in sorted(pending, key=lambda k: pending[k]["at"])[:max(0, len(pending) - MAX_PENDING + 1)]:
        del pending[old]
    pending[auth.state] = {**auth.as_dict(), "provider": provider.pk, "next": target, "at": now}
    request.session[SESSION_KEY] = pending
    return redirect(url)


@never_cache
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """Back from the platform: the state must be one this browser started, then the code
    becomes a verified identity, the identity one existing person, and the person is signed in."""
    state = request.GET.get("state", "")
    pending: dict[str, Any] = dict(request.session.get(SESSION_KEY, {}))
    entry = pending.pop(state, None) if state else None
    request.session[SESSION_KEY] = pending
    if entry is None or int(time.time()) - int(entry["at"]) >= PENDING_SECONDS:
        return _refused(request, "登录请求无效或已过期",
                        "这次登录不是从本平台的登录页发起的，或已超过10分钟。为了您的账号安全，请回到登录页重新登录。",
                        status=400)
    provider = access.enabled_providers().filter(pk=entry["provider"]).first()
    if provider is None:
        return _refused(request, "该登录方式已停用", "请回到登录页选择其他登录方式。", status=400)
    if request.GET.get("error") or not request.GET.get("code"):
        return _refused(request, "未完成登录", f"{provider.name}没有完成认证（您可能取消了授权）。请回到登录页重新登录。",
                        status=400, provider=provider)
    auth = protocols.AuthorizationRequest(state=entry["state"], nonce=entry["nonce"],
                                          code_verifier=entry["code_verifier"])
    try:
        identity = protocols.identity_from_code(_settings_of(provider), auth, code=request.GET["code"],
                                                redirect_uri=_redirect_uri(request))
    except protocols.ProtocolError as e:
        log.warning("sign-in failed for provider %s: %s", provider.pk, e.detail)
        return _refused(request, "登录失败", e.message, status=502, provider=provider)
    found = find_user(provider, identity)
    if isinstance(found, Refusal):
        return _refused(request, found.title, found.message, provider=provider)
    setattr(request, METHOD_ATTRIBUTE, (provider.kind, provider))
    login(request, found, backend=settings.AUTHENTICATION_BACKENDS[0])
    return redirect(entry["next"] or settings.LOGIN_REDIRECT_URL)


# ---------------------------------------------------------------- the region admin's pages

def _regions(request: AuthedRequest) -> list[tuple[str, str]]:
    return [(n.code, n.name) for n in access.provider_regions_for(request.user)]


def _show(form: ProviderForm | IdentityForm, e: IntegrationError) -> None:
    e.show_on(form)


@login_required
def provider_list(request: AuthedRequest) -> HttpResponse:
    require(access.can_manage_signin(request.user))
    providers = list(access.providers_visible_to(request.user))
    callback_url = _redirect_uri(request)
    return render(request, "integrations/signin/provider_list.html",
                  {"providers": providers, "callback_url": callback_url})


@login_required
def provider_new(request: AuthedRequest) -> HttpResponse:
    require(access.can_manage_signin(request.user))
    form = ProviderForm(request.POST or None, regions=_regions(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        region = access.provider_regions_for(request.user).filter(code=d["region"]).first()
        require(region is not None and access.can_manage_provider_at(request.user, region))
        assert region is not None
        try:
            provider = services.provider_create(
                actor=request.user, region=region, kind=d["kind"], name=d["name"], client_id=d["client_id"],
                client_secret=d["client_secret"], issuer=d["issuer"], authorize_url=d["authorize_url"],
                agent_id=d["agent_id"], claim=d["claim"], claim_name=d["claim_name"],
                password_allowed=d["password_allowed"], enabled=d["enabled"])
        except IntegrationError as e:
            _show(form, e)
        else:
            messages.success(request, f"已添加登录方式“{provider.name}”")
            return redirect("signin:provider_edit", provider.pk)
    return render(request, "integrations/signin/provider_form.html",
                  {"form": form, "provider": None, "callback_url": _redirect_uri(request)})


@login_required
def provider_edit(request: AuthedRequest, provider_id: int) -> HttpResponse:
    provider = access.get_provider_for_user(request.user, provider_id, write=True)
    initial = {f: getattr(provider, f) for f in ("name", "issuer", "authorize_url", "client_id", "agent_id", "claim",
                                                 "claim_name", "password_allowed", "enabled")}
    form = ProviderForm(request.POST or None, initial=initial, regions=[], editing=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.provider_update(actor=request.user, provider=provider, name=d["name"], client_id=d["client_id"],
                                     client_secret=d["client_secret"], issuer=d["issuer"],
                                     authorize_url=d["authorize_url"], agent_id=d["agent_id"], claim=d["claim"],
                                     claim_name=d["claim_name"], password_allowed=d["password_allowed"],
                                     enabled=d["enabled"])
        except IntegrationError as e:
            _show(form, e)
        else:
            messages.success(request, "已保存")
            return redirect("signin:provider_edit", provider.pk)
    return render(request, "integrations/signin/provider_form.html",
                  {"form": form, "provider": provider, "callback_url": _redirect_uri(request)})


@login_required
def identity_list(request: AuthedRequest) -> HttpResponse:
    require(access.can_manage_signin(request.user))
    form = IdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        person = access.mappable_people_for(request.user).filter(code=d["person"].strip()).first()
        if person is None:
            form.add_error("person", f"本人管理的区域内没有人员编号为“{d['person']}”的人员")
        else:
            try:
                services.identity_add(actor=request.user, person=person, value=d["value"],
                                      claim=MappingClaim.ID_NUMBER_HASH)
            except IntegrationError as e:
                _show(form, e)
            else:
                messages.success(request, f"已为“{person.name}”添加身份映射")
                return redirect("signin:identities")
    page = paginate(request, access.identities_visible_to(request.user))
    return render(request, "integrations/signin/identity_list.html", {"form": form, "page": page})


@login_required
@require_POST
def identity_delete(request: AuthedRequest, identity_id: int) -> HttpResponse:
    require(access.can_manage_signin(request.user))
    identity = access.get_identity_for_user(request.user, identity_id)
    services.identity_remove(actor=request.user, identity=identity)
    messages.success(request, f"已删除“{identity.person.name}”的身份映射")
    return redirect("signin:identities")


@login_required
def login_log(request: AuthedRequest) -> HttpResponse:
    """Who signed in, how, from where and when; the active users per school and week."""
    require(access.can_manage_signin(request.user))
    form = LogFilterForm(request.GET or None)
    f = LogFilter()
    if form.is_valid():
        f = LogFilter(method=form.cleaned_data["method"], q=form.cleaned_data["q"].strip())
    page = paginate(request, login_list(request.user, f))
    weeks = week_starts(timezone.localdate(), 8)
    since = timezone.make_aware(dt.datetime.combine(weeks[0], dt.time.min))
    chart = active_users_chart(weekly_active(request.user, since=since), weeks)
    return render(request, "integrations/signin/login_log.html", {"form": form, "page": page, "chart": chart,
                                                                  "retention_days": services.retention_days()})


@login_required
def activity_log(request: AuthedRequest) -> HttpResponse:
    """The pages people opened (each at most once an hour)."""
    require(access.can_manage_signin(request.user))
    form = LogFilterForm(request.GET or None)
    f = LogFilter()
    if form.is_valid():
        f = LogFilter(q=form.cleaned_data["q"].strip())
    page = paginate(request, page_view_list(request.user, f))
    return render(request, "integrations/signin/activity_log.html", {"form": form, "page": page})
