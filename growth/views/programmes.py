"""Talent programmes (001 一(二)二): the list, a programme with its tiers, duties, members and the
term's duty shortfalls, selecting a member, and linking the observed lesson that fulfils a duty."""

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
from core.spreadsheets import check_upload_size
from core.terms import current_of, terms_for
from growth import access, selectors
from growth.models import MemberStatus
from growth.services import programmes as services
from growth.services.member_import import HEADERS, members_import
from growth.services.training_import import TRAINING_LIMITS
from observe.access import get_observation_for_user

DATE = forms.DateInput(attrs={"type": "date"})


@login_required
def programmes(request: AuthedRequest) -> HttpResponse:
    user = request.user
    items = list(access.programmes_visible_to(user).order_by("-start", "region__path", "name")[:200])
    summaries = selectors.programme_summaries(user, items)
    return render(request, "growth/programmes.html", {
        "can_create": bool(access.managed_regions(user)),
        "rows": [{"p": p, "members": summaries[p.pk][0], "quota": summaries[p.pk][1],
                  "can_manage": access.can_manage_region(user, p.region)} for p in items]})


@login_required
def programme_detail(request: AuthedRequest, programme_id: int) -> HttpResponse:
    user = request.user
    programme = access.get_programme_for_user(user, programme_id)
    terms = terms_for(programme.region)
    key = request.GET.get("term", "")
    term = next((t for t in terms if t.key == key), None) or current_of(terms)
    duty_rows = selectors.duty_rows(user, programme, term) if term is not None else []
    tiers = list(programme.tiers.prefetch_related("duties"))
    members = list(access.members_visible_to(user).filter(programme=programme).prefetch_related("assessments"))
    return render(request, "growth/programme_detail.html", {
        "programme": programme, "tiers": tiers, "members": members, "term": term, "terms": terms[:8],
        "duty_rows": duty_rows, "short": [r for r in duty_rows if not r.standing.meets],
        "rounds": list(programme.rounds.all()),
        "can_manage": access.can_manage_region(user, programme.region)})


class MemberForm(forms.Form):
    person = forms.CharField(label="人员编号", max_length=32)
    tier = forms.ChoiceField(label="层级")
    start = forms.DateField(label="开始日期", widget=DATE, required=False)
    end = forms.DateField(label="结束日期", widget=DATE, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: AuthedRequest, programme_id: int) -> HttpResponse:
    user = request.user
    programme = access.get_programme_for_user(user, programme_id, write=True)
    form = MemberForm(request.POST or None)
    tiers = {str(t.pk): t for t in programme.tiers.all()}
    cast(forms.ChoiceField, form.fields["tier"]).choices = [(k, t.name) for k, t in tiers.items()]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        person = (access.record_people_visible_to(user).filter(code=d["person"].strip().upper())
                  .select_related("org").first())
        if person is None:
            form.add_error("person", "人员编号：没有找到该人员")
        else:
            try:
                services.member_add(actor=user, programme=programme, tier=tiers[d["tier"]], person=person,
                                    start=d["start"], end=d["end"])
            except DomainError as e:
                form.add_error(e.field if e.field in form.fields else None, e.message)
            else:
                messages.success(request, f"已将{person.name}选入{tiers[d['tier']].name}")
                return redirect("growth:programme_detail", programme.pk)
    return render(request, "growth/form.html", {"form": form, "title": f"{programme.name}：选入成员",
                                                "back_url": programme.pk, "back": "growth:programme_detail"})


class FulfilmentForm(forms.Form):
    observation = forms.IntegerField(label="听课记录编号", min_value=1)


@login_required
@require_http_methods(["GET", "POST"])
def fulfilment_add(request: AuthedRequest, member_id: int) -> HttpResponse:
    """Link an observed lesson (by its number) to a member's duty."""
    user = request.user
    member = access.get_member_for_user(user, member_id, write=True)
    require(member.status == MemberStatus.ACTIVE, "该成员已不在培")
    form = FulfilmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        observation = get_observation_for_user(user, form.cleaned_data["observation"])
        try:
            services.fulfilment_link(actor=user, member=member, observation=observation)
        except DomainError as e:
            form.add_error("observation", e.message)
        else:
            messages.success(request, f"已登记{member.person.name}的{observation.get_kind_display()}")
            return redirect("growth:programme_detail", member.programme_id)
    return render(request, "growth/form.html", {"form": form, "title": f"{member.person.name}：登记完成的职责课",
                                                "back_url": member.programme_id, "back": "growth:programme_detail"})


class MemberImportForm(forms.Form):
    file = forms.FileField(label="遴选结果名单（.xlsx 或 .csv）")


@login_required
@require_http_methods(["GET", "POST"])
def member_import(request: AuthedRequest, programme_id: int) -> HttpResponse:
    """Import a selection round's list of members into the programme's tiers."""
    user = request.user
    programme = access.get_programme_for_user(user, programme_id, write=True)
    form = MemberImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_upload_size(upload.size, TRAINING_LIMITS)
            report = members_import(actor=user, programme=programme, content=upload.read(), filename=upload.name)
        except DomainError as e:
            form.add_error("file", e.message)
    return render(request, "growth/member_import.html", {
        "programme": programme, "form": form, "report": report, "headers": HEADERS,
        "tiers": [t.name for t in programme.tiers.all()], "limits": TRAINING_LIMITS.describe()})


urls: list[URLPattern] = [
    path("programmes/", programmes, name="programmes"),
    path("programmes/<int:programme_id>/", programme_detail, name="programme_detail"),
    path("programmes/<int:programme_id>/members/new/", member_add, name="member_add"),
    path("programmes/<int:programme_id>/members/import/", member_import, name="member_import"),
    path("members/<int:member_id>/fulfilments/new/", fulfilment_add, name="fulfilment_add"),
]
