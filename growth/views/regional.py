"""What regions run: competitions with awards and yearly counts by level (001 一(二)三), master-
teacher studios (004 (二)6) and quality subject base schools with the groups they help (004 (二)5)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from core.access import require
from core.errors import DomainError
from core.http import AuthedRequest
from core.models import Level
from growth import access, selectors
from growth.models import AwardRank
from growth.services import records
from growth.views import scope_node, year_param

DATE = forms.DateInput(attrs={"type": "date"})


@login_required
def competitions(request: AuthedRequest) -> HttpResponse:
    user = request.user
    node = scope_node(request, user)
    year = year_param(request)
    comps = list(access.competitions_visible_to(user).filter(held_on__year=year).prefetch_related("rounds")[:200])
    awards = list(access.awards_visible_to(user).filter(awarded_on__year=year)[:300])
    return render(request, "growth/competitions.html", {
        "node": node, "year": year, "competitions": comps, "awards": awards,
        "editable": {a.pk for a in awards if access.can_record_for(user, a.person)},
        "counts": selectors.competition_counts(user, node, year) if node is not None else [],
        "can_record": access.can_record_somewhere(user), "can_create": bool(access.managed_regions(user))})


class AwardForm(forms.Form):
    person = forms.CharField(label="人员编号", max_length=32)
    title = forms.CharField(label="奖项名称", max_length=120)
    competition = forms.ChoiceField(label="所属比赛", required=False)
    level = forms.ChoiceField(label="级别", choices=Level.choices)
    rank = forms.ChoiceField(label="等次", choices=AwardRank.choices)
    awarded_on = forms.DateField(label="获奖日期", widget=DATE)
    issuer = forms.CharField(label="颁发单位", max_length=100, required=False)
    certificate = forms.FileField(label="证书（PDF/JPG/PNG）", required=False)


@login_required
@require_http_methods(["GET", "POST"])
def award_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_record_somewhere(user))
    form = AwardForm(request.POST or None, request.FILES or None)
    comps = {str(c.pk): c for c in access.competitions_visible_to(user).order_by("-held_on")[:100]}
    cast(forms.ChoiceField, form.fields["competition"]).choices = [("", "（不属于比赛）")] + [(k, c.name) for k, c in comps.items()]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        person = access.recordable_people(user).filter(code=d["person"].strip().upper()).select_related("org").first()
        if person is None:
            form.add_error("person", "人员编号：没有找到该人员，或不在您的管理范围内")
        else:
            try:
                records.award_record(actor=user, person=person, title=d["title"], level=d["level"], rank=d["rank"],
                                     awarded_on=d["awarded_on"], competition=comps.get(d["competition"] or ""),
                                     issuer=d["issuer"], certificate=d["certificate"])
            except DomainError as e:
                form.add_error(e.field if e.field in form.fields else None, e.message)
            else:
                messages.success(request, f"已登记{person.name}的获奖")
                return redirect("growth:competitions")
    return render(request, "growth/form.html", {"form": form, "title": "登记获奖", "back": "growth:competitions",
                                                "multipart": True})


@login_required
def studios(request: AuthedRequest) -> HttpResponse:
    user = request.user
    items = list(access.studios_visible_to(user).prefetch_related("members", "assessments")[:200])
    return render(request, "growth/studios.html", {"studios": items,
                                                   "can_create": bool(access.managed_regions(user))})


@login_required
def studio_detail(request: AuthedRequest, studio_id: int) -> HttpResponse:
    user = request.user
    studio = access.get_studio_for_user(user, studio_id)
    members = list(studio.members.filter(person__in=access.record_people_visible_to(user)).select_related("person"))
    return render(request, "growth/studio_detail.html", {
        "studio": studio, "members": members, "member_total": studio.members.count(),
        "activities": list(studio.entries.filter(kind="activity")[:100]),
        "outputs": list(studio.entries.filter(kind="output")[:100]),
        "assessments": list(studio.assessments.all())})


@login_required
def bases(request: AuthedRequest) -> HttpResponse:
    user = request.user
    items = list(access.bases_visible_to(user).prefetch_related("helps__school")[:300])
    groups: dict[tuple[str, str, str], list] = {}  # type: ignore[type-arg]  # base schools per (region, stage, subject)
    for b in items:
        groups.setdefault((b.region.name, b.get_stage_display(), b.subject.name), []).append(b)
    return render(request, "growth/bases.html", {"groups": [(k, v) for k, v in groups.items()],
                                                 "can_create": bool(access.managed_regions(user))})


urls: list[URLPattern] = [
    path("competitions/", competitions, name="competitions"),
    path("awards/new/", award_new, name="award_new"),
    path("studios/", studios, name="studios"),
    path("studios/<int:studio_id>/", studio_detail, name="studio_detail"),
    path("bases/", bases, name="bases"),
]
