"""The observed teacher's side: feedback received, acknowledge, reflection (教学反思), release of
a developmental observation to appraisal; and the in-app notification list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.access import require, scope_of
from core.errors import DomainError
from core.http import AuthedRequest
from core.models import Person
from core.paging import paginate
from observe import services
from observe.access import get_observation_for_teacher, observations_visible_to
from observe.forms import FeedbackForm
from observe.models import Notification


@login_required
def received(request: AuthedRequest) -> HttpResponse:
    """All feedback on the user's own lessons; never another teacher's."""
    me = scope_of(request.user).person_id
    require(me is not None)
    qs = (observations_visible_to(request.user).submitted().filter(teacher_id=me)
          .select_related("assessment").order_by("-date", "-id"))
    return render(request, "observe/received.html", {"page": paginate(request, qs, per_page=30)})


@login_required
@require_POST
def acknowledge(request: AuthedRequest, observation_id: int) -> HttpResponse:
    obs = get_observation_for_teacher(request.user, observation_id)
    services.observation_acknowledge(actor=request.user, observation=obs)
    messages.success(request, "已确认收到评课意见。")
    return redirect("observe:detail", obs.pk)


@login_required
@require_POST
def reflect(request: AuthedRequest, observation_id: int) -> HttpResponse:
    obs = get_observation_for_teacher(request.user, observation_id)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.observation_reflect(actor=request.user, observation=obs, text=form.cleaned_data["reflection"])
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "教学反思已保存，听课人会收到通知。")
    else:
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(reverse("observe:detail", args=[obs.pk]) + "#feedback")


@login_required
@require_POST
def release(request: AuthedRequest, observation_id: int) -> HttpResponse:
    obs = get_observation_for_teacher(request.user, observation_id)
    try:
        services.observation_release(actor=request.user, observation=obs)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已同意将本次指导性听课用于评价。")
    return redirect("observe:detail", obs.pk)


@login_required
def notifications(request: AuthedRequest) -> HttpResponse:
    me = scope_of(request.user).person_id
    require(me is not None)
    if request.method == "POST":
        services.notifications_mark_read(person=Person.objects.get(pk=int(me or 0)))
        return redirect("observe:notifications")
    qs = Notification.objects.filter(recipient_id=me).select_related("observation")
    return render(request, "observe/notifications.html", {"page": paginate(request, qs, per_page=30)})
