"""Terms: school years and semesters per region, inherited down the tree, edited by the
region's admin."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from core import services
from core.access import can_manage_node, require
from core.errors import DomainError
from core.http import AuthedRequest
from core.models import OrgKind, Semester
from core.terms import terms_for
from core.views.common import chosen_node


class TermForm(forms.Form):
    school_year = forms.IntegerField(label="学年（起始年）", min_value=2000, max_value=2100,
                                     error_messages={"required": "请填写学年", "invalid": "学年应为四位年份"})
    semester = forms.TypedChoiceField(label="学期", choices=Semester.choices, coerce=int)
    start = forms.DateField(label="开始日期", error_messages={"required": "请填写开始日期", "invalid": "日期格式应为 2026-09-01"})
    end = forms.DateField(label="结束日期", error_messages={"required": "请填写结束日期", "invalid": "日期格式应为 2027-01-20"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: dt.date | None = data.get("start")
        end: dt.date | None = data.get("end")
        if start and end and end <= start:
            raise ValidationError("结束日期应晚于开始日期")
        return data


@login_required
def terms_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    node = chosen_node(request, user)
    if node is None:
        return render(request, "core/terms.html", {"node": None})
    can_edit = node.kind != OrgKind.SCHOOL and can_manage_node(user, node)
    form = TermForm()
    if request.method == "POST":
        require(can_edit)
        form = TermForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.term_save(actor=user, region=node, school_year=d["school_year"], semester=d["semester"],
                                   start=d["start"], end=d["end"])
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "学期已保存，下级区域和学校将沿用。")
                return redirect(f"{reverse('terms_list')}?node={node.code}")
    terms = terms_for(node)
    own = bool(terms) and terms[0].region_id == node.pk
    return render(request, "core/terms.html", {"node": node, "terms": terms, "own": own, "form": form,
                                               "can_edit": can_edit})
