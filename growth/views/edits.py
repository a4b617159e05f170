"""Correcting and deleting a person's growth records: training, awards and mental-health
certificates. Only those who may record for the person (growth.access.can_record_for: the
institution's managers over the person's unit, the principal and vice principal of the school)
open these pages; every change is audited by the services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from core.http import AuthedRequest
from core.models import Level
from growth import access
from growth.models import AwardRank, PsyLevel
from growth.services import records

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TrainingEditForm(forms.Form):
    course = forms.CharField(label="培训项目", max_length=120)
    provider = forms.CharField(label="培训机构", max_length=100)
    level = forms.ChoiceField(label="级别", choices=Level.choices)
    hours = forms.CharField(label="学时", max_length=8)
    start = forms.DateField(label="开始日期", widget=DATE)
    end = forms.DateField(label="结束日期", widget=DATE)
    certificate_no = forms.CharField(label="证书编号", max_length=60, required=False)
    certificate = forms.FileField(label="更换结业证书（PDF/JPG/PNG）", required=False)


class AwardEditForm(forms.Form):
    title = forms.CharField(label="奖项名称", max_length=120)
    level = forms.ChoiceField(label="级别", choices=Level.choices)
    rank = forms.ChoiceField(label="等次", choices=AwardRank.choices)
    awarded_on = forms.DateField(label="获奖日期", widget=DATE)
    issuer = forms.CharField(label="颁发单位", max_length=100, required=False)
    certificate = forms.FileField(label="更换证书（PDF/JPG/PNG）", required=False)


class CertificateEditForm(forms.Form):
    level = forms.ChoiceField(label="等级", choices=PsyLevel.choices)
    issued_on = forms.DateField(label="发证日期", widget=DATE)
    number = forms.CharField(label="证书编号", max_length=60, required=False)
    issuer = forms.CharField(label="发证机构", max_length=100, required=False)
    file = forms.FileField(label="更换证书扫描件（PDF/JPG/PNG）", required=False)


def _form_page(request: AuthedRequest, form: forms.Form, title: str, back_url: str) -> HttpResponse:
    return render(request, "growth/edit_form.html", {"form": form, "title": title, "back_url": back_url})


def _confirm_page(request: AuthedRequest, title: str, what: str, back_url: str) -> HttpResponse:
    return render(request, "growth/confirm_delete.html", {"title": title, "what": what, "back_url": back_url})


def _training_back(record_person_code: str, year: int) -> str:
    return reverse("growth:training_person", args=[record_person_code]) + f"?year={year}"


@login_required
@require_http_methods(["GET", "POST"])
def training_edit(request: AuthedRequest, training_id: int) -> HttpResponse:
    user = request.user
    record = access.get_training_for_user(user, training_id, write=True)
    back = _training_back(record.person.code, record.end.year)
    form = TrainingEditForm(request.POST or None, request.FILES or None, initial={
        "course": record.course, "provider": record.provider, "level": record.level,
        "hours": f"{record.hours.normalize():f}", "start": record.start, "end": record.end,
        "certificate_no": record.certificate_no})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            records.training_update(actor=user, record=record, course=d["course"], provider=d["provider"],
                                    level=d["level"], hours=d["hours"], start=d["start"], end=d["end"],
                                    certificate_no=d["certificate_no"], certificate=d["certificate"])
        except DomainError as e:
            e.show_on(form)
        else:
            messages.success(request, f"已修改{record.person.name}的培训《{record.course}》")
            return redirect(_training_back(record.person.code, record.end.year))
    return _form_page(request, form, f"修改{record.person.name}的培训记录", back)


@login_required
@require_http_methods(["GET", "POST"])
def training_delete(request: AuthedRequest, training_id: int) -> HttpResponse:
    user = request.user
    record = access.get_training_for_user(user, training_id, write=True)
    back = _training_back(record.person.code, record.end.year)
    if request.method == "POST":
        try:
            records.training_delete(actor=user, record=record)
        except DomainError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, f"已删除{record.person.name}的培训《{record.course}》")
        return redirect(back)
    return _confirm_page(request, "删除培训记录",
                         f"{record.person.name}：《{record.course}》（{record.start:%Y-%m-%d}至{record.end:%Y-%m-%d}，"
                         f"{record.hours.normalize():f}学时）", back)


@login_required
@require_http_methods(["GET", "POST"])
def award_edit(request: AuthedRequest, award_id: int) -> HttpResponse:
    user = request.user
    award = access.get_award_for_user(user, award_id, write=True)
    back = reverse("growth:competitions") + f"?year={award.awarded_on.year}"
    form = AwardEditForm(request.POST or None, request.FILES or None, initial={
        "title": award.title, "level": award.level, "rank": award.rank, "awarded_on": award.awarded_on,
        "issuer": award.issuer})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            records.award_update(actor=user, award=award, title=d["title"], level=d["level"], rank=d["rank"],
                                 awarded_on=d["awarded_on"], issuer=d["issuer"], certificate=d["certificate"])
        except DomainError as e:
            e.show_on(form)
        else:
            messages.success(request, f"已修改{award.person.name}的获奖记录")
            return redirect(reverse("growth:competitions") + f"?year={award.awarded_on.year}")
    return _form_page(request, form, f"修改{award.person.name}的获奖记录", back)


@login_required
@require_http_methods(["GET", "POST"])
def award_delete(request: AuthedRequest, award_id: int) -> HttpResponse:
    user = request.user
    award = access.get_award_for_user(user, award_id, write=True)
    back = reverse("growth:competitions") + f"?year={award.awarded_on.year}"
    if request.method == "POST":
        try:
            records.award_delete(actor=user, award=award)
        except DomainError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, f"已删除{award.person.name}的获奖记录《{award.title}》")
        return redirect(back)
    return _confirm_page(request, "删除获奖记录", f"{award.person.name}：{award.title} {award.get_level_display()}"
                         f"{award.get_rank_display()}（{award.awarded_on:%Y-%m-%d}）", back)


@login_required
@require_http_methods(["GET", "POST"])
def certificate_edit(request: AuthedRequest, cert_id: int) -> HttpResponse:
    user = request.user
    cert = access.get_certificate_for_user(user, cert_id, write=True)
    back = reverse("growth:certificates")
    form = CertificateEditForm(request.POST or None, request.FILES or None, initial={
        "level": cert.level, "issued_on": cert.issued_on, "number": cert.number, "issuer": cert.issuer})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            records.certificate_update(actor=user, cert=cert, level=d["level"], issued_on=d["issued_on"],
                                       number=d["number"], issuer=d["issuer"], file=d["file"])
        except DomainError as e:
            e.show_on(form)
        else:
            messages.success(request, f"已修改{cert.person.name}的心理健康教育证书")
            return redirect(back)
    return _form_page(request, form, f"修改{cert.person.name}的心理健康教育证书", back)


@login_required
@require_http_methods(["GET", "POST"])
def certificate_delete(request: AuthedRequest, cert_id: int) -> HttpResponse:
    user = request.user
    cert = access.get_certificate_for_user(user, cert_id, write=True)
    back = reverse("growth:certificates")
    if request.method == "POST":
        try:
            records.certificate_delete(actor=user, cert=cert)
        except DomainError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, f"已删除{cert.person.name}的{cert.get_level_display()}")
        return redirect(back)
    return _confirm_page(request, "删除心理健康教育证书",
                         f"{cert.person.name}：心理健康教育{cert.get_level_display()}（{cert.issued_on:%Y-%m-%d}）", back)


urls: list[URLPattern] = [
    path("training/<int:training_id>/edit/", training_edit, name="training_edit"),
    path("training/<int:training_id>/delete/", training_delete, name="training_delete"),
    path("awards/<int:award_id>/edit/", award_edit, name="award_edit"),
    path("awards/<int:award_id>/delete/", award_delete, name="award_delete"),
    path("certificates/<int:cert_id>/edit/", certificate_edit, name="certificate_edit"),
    path("certificates/<int:cert_id>/delete/", certificate_delete, name="certificate_delete"),
]
