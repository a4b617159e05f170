"""Training hours (000 §12: at least 72 class hours a year): the hours per person with who is
short, one person's records, the entry form, the provider's sheet import, the yearly counts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.access import get_person_for_user, require, scope_of
from core.errors import DomainError
from core.http import AuthedRequest
from core.models import Level
from core.paging import paginate
from core.spreadsheets import check_upload_size
from growth import access, rules, selectors
from growth.services import records
from growth.services.training_import import COLUMNS, TRAINING_LIMITS, trainings_import
from growth.views import scope_node, year_param

DATE = forms.DateInput(attrs={"type": "date"})


def _person_field_error(form: forms.Form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The growth overview: my own hours this year, my memberships and awards, and the links."""
    user = request.user
    year = year_param(request)
    me = user.person
    mine = selectors.hours_of(user, me, year) if me is not None else None
    return render(request, "growth/home.html", {
        "year": year, "mine": mine, "me": me,
        "memberships": list(access.members_visible_to(user).filter(person=me)) if me else [],
        "awards": list(access.awards_visible_to(user).filter(person=me)[:10]) if me else [],
        "can_record": access.can_record_somewhere(user), "can_import": access.can_import_trainings(user)})


SHORT_NAMED = 100


@login_required
def training(request: AuthedRequest) -> HttpResponse:
    """Hours per person under the node for the year, researchers first, the short named."""
    user = request.user
    node = scope_node(request, user)
    year = year_param(request)
    only = request.GET.get("researchers") == "1"
    figures = selectors.training_year(user, node, year, researchers_only=only) if node is not None else None
    rows = figures.value.rows if figures else []
    # The first SHORT_NAMED of those short are named; the table is paged (a region lists 500).
    short = [r for r in rows if not r.standing.meets][:SHORT_NAMED]
    page = paginate(request, rows, per_page=50)
    return render(request, "growth/training.html", {
        "node": node, "year": year, "rows": rows, "page": page, "short": short, "only": only, "counted": figures,
        "counts": figures.value.counts if figures else None, "n_short": figures.value.short if figures else 0,
        "n_people": figures.value.people if figures else 0,
        "target": selectors.training_target(node) if node is not None else 72,
        "years": list(range(year + 1 if year < _this_year() else year, year - 5, -1)),
        "can_record": access.can_record_somewhere(user), "can_import": access.can_import_trainings(user)})


def _this_year() -> int:
    return timezone.localdate().year


@login_required
def training_person(request: AuthedRequest, code: str) -> HttpResponse:
    """One person's training records of the year and their hours against the target."""
    user = request.user
    person = get_person_for_user(user, code)
    require(access.record_people_visible_to(user).filter(pk=person.pk).exists(), "没有找到该人员")
    year = year_param(request)
    first, last = rules.year_bounds(year)
    items = list(access.trainings_visible_to(user).filter(person=person, end__gte=first, end__lte=last))
    hours = rules.hours_by_person((r.person_id, r.hours) for r in items).get(person.pk)
    standing = rules.hours_standing(hours or Decimal(0), selectors.training_target(person.org))
    return render(request, "growth/training_person.html", {
        "person": person, "year": year, "items": items, "standing": standing,
        "is_me": scope_of(user).person_id == person.pk,
        "can_record": access.can_record_for(user, person)})


class TrainingForm(forms.Form):
    person = forms.CharField(label="人员编号", max_length=32)
    course = forms.CharField(label="培训项目", max_length=120)
    provider = forms.CharField(label="培训机构", max_length=100)
    level = forms.ChoiceField(label="级别", choices=Level.choices)
    hours = forms.CharField(label="学时", max_length=8)
    start = forms.DateField(label="开始日期", widget=DATE)
    end = forms.DateField(label="结束日期", widget=DATE)
    certificate_no = forms.CharField(label="证书编号", max_length=60, required=False)
    certificate = forms.FileField(label="结业证书（PDF/JPG/PNG）", required=False)


@login_required
@require_http_methods(["GET", "POST"])
def training_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_record_somewhere(user))
    form = TrainingForm(request.POST or None, request.FILES or None,
                        initial={"person": request.GET.get("person", "")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        person = access.recordable_people(user).filter(code=d["person"].strip().upper()).select_related("org").first()
        if person is None:
            form.add_error("person", "人员编号：没有找到该人员，或不在您的管理范围内")
        else:
            try:
                records.training_record(actor=user, person=person, course=d["course"], provider=d["provider"],
                                        level=d["level"], hours=d["hours"], start=d["start"], end=d["end"],
                                        certificate=d["certificate"], certificate_no=d["certificate_no"])
            except DomainError as e:
                _person_field_error(form, e)
            else:
                messages.success(request, f"已登记{person.name}的培训《{d['course']}》")
                return redirect(reverse("growth:training_person", args=[person.code]) + f"?year={d['end'].year}")
    return render(request, "growth/training_new.html", {"form": form})


class ImportForm(forms.Form):
    file = forms.FileField(label="培训学时名单（.xlsx 或 .csv）")


@login_required
@require_http_methods(["GET", "POST"])
def training_import(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_import_trainings(user))
    form = ImportForm(request.POST or None, request.FILES or None)
    report: Any = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_upload_size(upload.size, TRAINING_LIMITS)
            report = trainings_import(actor=user, content=upload.read(), filename=upload.name)
        except DomainError as e:
            form.add_error("file", e.message)
    return render(request, "growth/training_import.html", {
        "form": form, "report": report, "columns": COLUMNS, "limits": TRAINING_LIMITS.describe()})


urls: list[URLPattern] = [
    path("", home, name="home"),
    path("training/", training, name="training"),
    path("training/person/<str:code>/", training_person, name="training_person"),
    path("training/new/", training_new, name="training_new"),
    path("training/import/", training_import, name="training_import"),
]
