"""Edge validation for the observation pages: Chinese messages that name the field, and the
cleaned values handed to observe.services (DESIGN.md convention 7)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.models import Person, Stage, Subject
from core.rubric_levels import default_levels
from observe.coding.settings import CodingSettings, SettingsError, clean_settings, default_settings
from observe.contexts import context_kinds
from observe.models import GRADE_LABELS, ObservationKind, OverallGrade, Purpose, RubricPurpose
from observe.rubrics import RubricNode, Scoring, leaves
from observe.services import CodingData

GRADE_CHOICES = [("", "—")] + [(str(g), label) for g, label in enumerate(GRADE_LABELS, start=1)]
PERIOD_CHOICES = [("", "—")] + [(str(p), f"第{p}节") for p in range(1, 13)]


def _msgs(label: str, **extra: str) -> dict[str, str]:
    base = {"required": f"{label}：请填写", "invalid": f"{label}：格式不正确",
            "invalid_choice": f"{label}：请从列表中选择", "max_length": f"{label}：内容过长"}
    base.update(extra)
    return base


class ObservationForm(forms.Form):
    client_uuid = forms.CharField(widget=forms.HiddenInput, max_length=36, required=False)
    teacher = forms.CharField(label="授课教师", max_length=80, error_messages=_msgs("授课教师"))
    subject = forms.ModelChoiceField(label="学科", queryset=Subject.objects.all(), required=False,
                                     to_field_name="code", error_messages=_msgs("学科"))
    grade = forms.TypedChoiceField(label="年级", choices=GRADE_CHOICES, required=False, coerce=int,
                                   empty_value=None, error_messages=_msgs("年级"))
    class_name = forms.CharField(label="班级", max_length=20, required=False, error_messages=_msgs("班级"))
    topic = forms.CharField(label="课题", max_length=120, required=False, error_messages=_msgs("课题"))
    date = forms.DateField(label="听课日期", error_messages=_msgs("听课日期", invalid="听课日期：格式应为 年-月-日"))
    period = forms.TypedChoiceField(label="节次", choices=PERIOD_CHOICES, required=False, coerce=int,
                                    empty_value=None, error_messages=_msgs("节次"))
    kind = forms.ChoiceField(label="课型", choices=ObservationKind.choices, error_messages=_msgs("课型"))
    purpose = forms.ChoiceField(label="性质", choices=Purpose.choices, widget=forms.RadioSelect,
                                error_messages=_msgs("性质"))
    strengths = forms.CharField(label="优点", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                                error_messages=_msgs("优点"))
    problems = forms.CharField(label="问题", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                               error_messages=_msgs("问题"))
    suggestions = forms.CharField(label="建议", required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 3}), error_messages=_msgs("建议"))
    overall_grade = forms.ChoiceField(label="总体评价", choices=[("", "未评")] + list(OverallGrade.choices),
                                      required=False, widget=forms.RadioSelect, error_messages=_msgs("总体评价"))
    rubric = forms.IntegerField(widget=forms.HiddenInput, required=False)
    coding_st = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20000)
    coding_st_scheme = forms.CharField(widget=forms.HiddenInput, required=False, max_length=8)
    coding_fias = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40000)
    coding_settings = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)
    confirm_incomplete = forms.BooleanField(required=False, label="评分未完成也提交")

    def __init__(self, *args: Any, teachers: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The record of another app the lesson is observed in (observe.contexts): one hidden
        # field per registered kind, e.g. `visit` (the on-site page links here with ?visit=).
        self.context_params = [k.param for k in context_kinds()]
        for param in self.context_params:
            self.fields[param] = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
        self.teachers = teachers
        self.teacher_candidates: list[Person] = []
        self.fields["date"].initial = timezone.localdate()
        self.fields["purpose"].initial = Purpose.DEVELOPMENTAL

    @property
    def context_fields(self) -> list[forms.BoundField]:
        return [self[p] for p in self.context_params]

    @property
    def context_errors(self) -> list[str]:
        return [str(e) for f in self.context_fields for e in f.errors]

    def clean_client_uuid(self) -> str:
        value: str = self.cleaned_data.get("client_uuid") or ""
        if value and not re.fullmatch(r"[0-9a-fA-F-]{36}", value):
            raise forms.ValidationError("草稿编号无效，请刷新页面")
        return value

    def clean_teacher(self) -> Person:
        """The teacher typed: "姓名（编号）" from the list, the staff code, the exact name, the full
        pinyin or the initials (what the placeholder promises), among the teachers the observer
        may observe. Several matches are offered to choose from (`teacher_candidates`); the
        choice comes back as `teacher_choice`."""
        raw: str = self.cleaned_data["teacher"].strip()
        choice = (self.data.get("teacher_choice") or "").strip() if hasattr(self.data, "get") else ""
        if choice:
            picked = self.teachers.filter(code=choice).select_related("org").first()
            if picked is not None:
                return picked
        match = re.search(r"[（(]([0-9A-Za-z_-]+)[)）]\s*$", raw)
        by_code = self.teachers.filter(code=match.group(1) if match else raw).select_related("org").first()
        if by_code is not None:
            return by_code
        found = teacher_matches(self.teachers, raw)
        if len(found) == 1:
            return found[0]
        if found:
            self.teacher_candidates = found
            raise forms.ValidationError(f"授课教师：有 {len(found)} 位教师符合“{raw}”，请在下面选择一位")
        raise forms.ValidationError(
            f"授课教师：没有找到“{raw}”。可听课的是您所在单位及下属学校的在职教师（不含您本人），"
            "请输入姓名、全拼或拼音首字母，再从列表中选择")

    def clean_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError("听课日期：不能晚于今天")
        if value.year < 2000:
            raise forms.ValidationError("听课日期：年份不正确")
        return value

    def clean_coding_st_scheme(self) -> str:
        value: str = self.cleaned_data.get("coding_st_scheme") or ""
        if value not in ("", "ST", "STD"):
            raise forms.ValidationError("S-T 编码方案无效")
        return value

    def clean_coding_settings(self) -> CodingSettings:
        try:
            return clean_settings(self.cleaned_data.get("coding_settings") or "")
        except SettingsError as exc:
            raise forms.ValidationError(exc.message) from exc

    def coding(self) -> list[CodingData]:
        """The coded records typed on the phone, as space-free strings (S-T) or space-separated
        codes (FIAS), at the sampling intervals the observer set; empty strings mean no coding
        was done."""
        out = []
        settings: CodingSettings = self.cleaned_data.get("coding_settings") or default_settings()
        st = re.sub(r"\s+", "", self.cleaned_data.get("coding_st") or "").upper()
        if st:
            scheme = self.cleaned_data.get("coding_st_scheme") or ("STD" if "D" in st else "ST")
            out.append(CodingData(scheme, list(st), settings["st_interval"]))
        fias = (self.cleaned_data.get("coding_fias") or "").split()
        if fias:
            out.append(CodingData("FIAS", fias, settings["fias_interval"]))
        return out


TEACHER_CANDIDATES_SHOWN = 12


def teacher_matches(teachers: QuerySet[Person], raw: str) -> list[Person]:
    """Teachers whose name is exactly `raw`, or whose full pinyin or initials equal it (letters,
    case and spaces ignored); when no key equals it, those whose pinyin or initials start with it."""
    text = raw.strip()
    if not text:
        return []
    qs = teachers.select_related("org")
    key = text.lower().replace(" ", "")
    if not key.isascii():
        return list(qs.filter(name=text)[:TEACHER_CANDIDATES_SHOWN])
    if not key.isalpha():
        return []
    exact = list(qs.filter(Q(pinyin=key) | Q(initials=key))[:TEACHER_CANDIDATES_SHOWN])
    if exact:
        return exact
    return list(qs.filter(Q(pinyin__startswith=key) | Q(initials__startswith=key))[:TEACHER_CANDIDATES_SHOWN])


def ratings_from_post(data: Any, nodes: list[RubricNode]) -> dict[str, dict[str, Any]]:
    """Raw ratings of every leaf from the posted fields r_<code>, rc_<code> (comment)."""
    out: dict[str, dict[str, Any]] = {}
    for leaf in leaves(nodes):
        code = leaf["code"]
        value = (data.get(f"r_{code}") or "").strip()
        comment = (data.get(f"rc_{code}") or "").strip()
        if not value and not comment:
            continue
        key = {"points": "value", "levels": "level", "yesno": "yes"}.get(leaf["mode"], "value")
        out[code] = {key: value or None, "comment": comment} if leaf["mode"] != "comment" else {"comment": comment}
    return out


class FeedbackForm(forms.Form):
    reflection = forms.CharField(label="教学反思", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
                                 error_messages=_msgs("教学反思", required="教学反思：请填写反思内容"))


class TemplateCreateForm(forms.Form):
    name = forms.CharField(label="模板名称", max_length=100, error_messages=_msgs("模板名称"))
    owner = forms.ChoiceField(label="所属单位", error_messages=_msgs("所属单位"))
    purpose = forms.ChoiceField(label="用途", choices=RubricPurpose.choices, error_messages=_msgs("用途"))
    copy_of = forms.ChoiceField(label="以此为基础", required=False, error_messages=_msgs("以此为基础"))
    subject = forms.ModelChoiceField(label="适用学科", queryset=Subject.objects.all(), required=False,
                                     to_field_name="code", empty_label="各学科通用", error_messages=_msgs("适用学科"))
    stage = forms.ChoiceField(label="适用学段", required=False, choices=[("", "各学段通用"), *Stage.choices],
                              error_messages=_msgs("适用学段"))
    description = forms.CharField(label="说明", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class TreeForm(forms.Form):
    """The designer posts the whole tree as JSON (built by static/js/observe-designer.js, or
    typed by hand where scripts are off)."""

    tree = forms.CharField(label="指标树", widget=forms.Textarea(attrs={"rows": 20, "class": "mono"}),
                           error_messages=_msgs("指标树"))
    total = forms.FloatField(label="满分", required=False, min_value=0,
                             error_messages=_msgs("满分", min_value="满分：不能为负"))
    bands = forms.CharField(label="等级分段", required=False, max_length=300,
                            help_text="如：85=优秀,75=良好,60=合格,0=不合格")
    note = forms.CharField(label="修订说明", required=False, max_length=200)

    def clean_tree(self) -> list[dict[str, Any]]:
        try:
            nodes = json.loads(self.cleaned_data["tree"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"指标树：不是有效的 JSON（第{exc.lineno}行）") from None
        if not isinstance(nodes, list):
            raise forms.ValidationError("指标树：应为维度列表")
        try:
            return [_clean_node(n, "dimension") for n in nodes]
        except TreeInputError as exc:
            raise forms.ValidationError(f"指标树：{exc}") from None

    def clean_bands(self) -> list[dict[str, Any]]:
        out = []
        for part in re.split(r"[,，;；]\s*", self.cleaned_data.get("bands") or ""):
            if not part.strip():
                continue
            m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*[=＝:：]\s*(\S{1,10})\s*", part)
            if m is None:
                raise forms.ValidationError(f"等级分段：“{part}”应写成 分数=等级")
            out.append({"min": float(m.group(1)), "label": m.group(2)})
        return sorted(out, key=lambda b: -b["min"])

    def scoring(self) -> Scoring:
        total = self.cleaned_data.get("total")
        return {"method": "sum" if total is not None else "none", "total": total,
                "bands": self.cleaned_data.get("bands") or []}


KIND_CHILD = {"dimension": "indicator", "indicator": "point", "point": None}


class TreeInputError(Exception):
    """A node of the typed tree that cannot be read; the message names it."""


def _clean_node(raw: Any, kind: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise TreeInputError("每个节点应为对象")
    code = str(raw.get("code") or "").strip()
    title = str(raw.get("title") or "").strip()
    if not code or not title:
        raise TreeInputError("每个节点都需要编号和名称")
    mode = raw.get("mode") or "levels"
    value_key = "weight" if kind == "dimension" else "points"
    value = raw.get(value_key, raw.get("points", raw.get("weight")))
    try:
        value = None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        raise TreeInputError(f"{code} {title}：分值应为数字") from None
    children_raw = raw.get("children") or []
    child_kind = KIND_CHILD[kind]
    if children_raw and child_kind is None:
        raise TreeInputError(f"{code} {title}：观察点下不能再有下级")
    levels = raw.get("levels") or []
    if mode == "levels" and not levels:
        levels = default_levels()
    children = [_clean_node(c, child_kind) for c in children_raw] if child_kind else []
    return {"code": code, "title": title[:200], "kind": kind, value_key: value, "mode": mode, "levels": levels,
            "descriptor": str(raw.get("descriptor") or "")[:500], "tools": list(raw.get("tools") or []),
            "children": children}
