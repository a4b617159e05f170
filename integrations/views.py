"""Pages of the integrations app: a region admin's channels (list, new, edit with "发送测试消息",
disable) and the delivery log of their subtree; everyone's 我的通知设置."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.access import require
from core.http import AuthedRequest
from core.models import Person
from core.paging import paginate
from integrations import services
from integrations.access import (
    can_create_channel_at,
    can_manage_channels,
    channel_regions_for,
    channels_visible_to,
    get_channel_for_user,
)
from integrations.errors import IntegrationError
from integrations.forms import ChannelForm, DeliveryFilterForm, PreferenceForm
from integrations.models import DeliveryStatus, PreferenceMode
from integrations.selectors import DeliveryFilter, delivery_list


def _regions(request: AuthedRequest) -> list[tuple[str, str]]:
    return [(n.code, n.name) for n in channel_regions_for(request.user)]


@login_required
def channel_list(request: AuthedRequest) -> HttpResponse:
    require(can_manage_channels(request.user))
    channels = list(channels_visible_to(request.user))
    return render(request, "integrations/channel_list.html", {"channels": channels})


def _add_error(form: ChannelForm, e: IntegrationError) -> None:
    form.add_error(e.field if e.field in form.fields else None, e.message)


@login_required
def channel_new(request: AuthedRequest) -> HttpResponse:
    require(can_manage_channels(request.user))
    regions = _regions(request)
    form = ChannelForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        region = channel_regions_for(request.user).filter(code=d["region"]).first()
        require(region is not None and can_create_channel_at(request.user, region))
        assert region is not None
        try:
            channel = services.channel_create(actor=request.user, region=region, kind=d["kind"], name=d["name"],
                                              url=d["url"], secret=d["secret"], events=d["events"],
                                              enabled=d["enabled"], app_key=d["app_key"], agent_id=d["agent_id"])
        except IntegrationError as e:
            _add_error(form, e)
        else:
            messages.success(request, f"已添加渠道“{channel.name}”，可以发送测试消息检查是否接通")
            return redirect("integrations:channel_edit", channel.pk)
    return render(request, "integrations/channel_form.html", {"form": form, "channel": None})


@login_required
def channel_edit(request: AuthedRequest, channel_id: int) -> HttpResponse:
    channel = get_channel_for_user(request.user, channel_id, write=True)
    initial = {"name": channel.name, "events": channel.events, "enabled": channel.enabled,
               "app_key": channel.app_key, "agent_id": channel.agent_id}
    form = ChannelForm(request.POST or None, initial=initial, regions=[], editing=channel.kind)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.channel_update(actor=request.user, channel=channel, name=d["name"], url=d["url"] or channel.url,
                                    secret=d["secret"] or None, events=d["events"], enabled=d["enabled"],
                                    app_key=d.get("app_key"), agent_id=d.get("agent_id"))
        except IntegrationError as e:
            _add_error(form, e)
        else:
            messages.success(request, "已保存")
            return redirect("integrations:channel_edit", channel.pk)
    recent = list(delivery_list(request.user, DeliveryFilter(channel_id=channel.pk))[:10])
    return render(request, "integrations/channel_form.html", {"form": form, "channel": channel, "recent": recent})


@login_required
@require_POST
def channel_disable(request: AuthedRequest, channel_id: int) -> HttpResponse:
    channel = get_channel_for_user(request.user, channel_id, write=True)
    services.channel_disable(actor=request.user, channel=channel)
    messages.success(request, f"已停用渠道“{channel.name}”，不再向它发送消息")
    return redirect("integrations:channels")


@login_required
@require_POST
def channel_test(request: AuthedRequest, channel_id: int) -> HttpResponse:
    channel = get_channel_for_user(request.user, channel_id, write=True)
    delivery = services.channel_test(actor=request.user, channel=channel)
    if delivery.status == DeliveryStatus.SENT:
        messages.success(request, "测试消息已送达")
    else:
        messages.error(request, f"测试消息发送失败：{delivery.last_error}")
    return redirect("integrations:channel_edit", channel.pk)


@login_required
def delivery_log(request: AuthedRequest) -> HttpResponse:
    require(can_manage_channels(request.user))
    channels = [(c.pk, f"{c.name}（{c.region.name}）") for c in channels_visible_to(request.user)]
    form = DeliveryFilterForm(request.GET or None, channels=channels)
    f = DeliveryFilter()
    if form.is_valid():
        d = form.cleaned_data
        f = DeliveryFilter(channel_id=d["channel"], status=d["status"], event=d["event"])
    page = paginate(request, delivery_list(request.user, f))
    return render(request, "integrations/delivery_log.html", {"form": form, "page": page})


@login_required
def preferences(request: AuthedRequest) -> HttpResponse:
    """我的通知设置: the logged-in user's own choice (a user without a person record has none)."""
    person = Person.objects.filter(pk=request.user.person_id).first() if request.user.person_id else None
    current = services.preference_of(person.pk) if person is not None else PreferenceMode.IN_APP
    form = PreferenceForm(request.POST or None, initial={"mode": current})
    if request.method == "POST":
        require(person is not None, "您的账号没有关联人员档案")
    if request.method == "POST" and form.is_valid():
        assert person is not None
        try:
            services.preference_set(actor=request.user, person=person, mode=form.cleaned_data["mode"])
        except IntegrationError as e:
            form.add_error("mode", e.message)
        else:
            messages.success(request, "通知设置已保存")
            return redirect("integrations:preferences")
    return render(request, "integrations/preferences.html", {"form": form, "person": person})
