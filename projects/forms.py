"""The projects pages' forms: they validate the shape of what was typed; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from core.models import Level, Person, Stage, Subject
from core.pickers import resolve_person
from observe.attachments import ACCEPT
from projects import lifecycle
from projects.models import DocumentKind, MemberRole, OutcomeKind, Verdict

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NamedForm(forms.Form):
    """A form whose messages name the field: "计划结题日期：请填写"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            label = str(f.label)
            f.error_messages["required"] = f"{label}：请填写"
            if "invalid" in f.error_messages:
                f.error_messages["invalid"] = f"{label}：格式不正确"
            if "invalid_choice" in f.error_messages:
                f.error_messages["invalid_choice"] = f"{label}：请选择有效的选项"


class ProjectForm(NamedForm):
    title = forms.CharField(label="课题名称", max_length=200)
    level = forms.ChoiceField(label="申报级别", choices=Level.choices, initial=Level.SCHOOL)
    subject = forms.ModelChoiceField(label="学科", queryset=Subject.objects.order_by("code"), required=False,
                                     empty_label="（不限学科）")
    stage = forms.ChoiceField(label="学段", choices=[("", "（不限学段）"), *Stage.choices], required=False)
    planned_end = forms.DateField(label="计划结题日期", widget=DATE)
    summary = forms.CharField(label="研究内容摘要", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    application = forms.CharField(label="申报书（研究设计）", required=False, widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text="可在此填写申报书正文，或在课题页面上传申报书文件")


class AdvanceForm(NamedForm):
    target = forms.ChoiceField(label="变更为")
    on = forms.DateField(label="日期", widget=DATE, required=False)
    note = forms.CharField(label="说明（延期、撤销须填写原因）", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    new_end = forms.DateField(label="新的计划结题日期（延期）", widget=DATE, required=False)
    number = forms.CharField(label="立项编号", max_length=60, required=False)
    is_key = forms.BooleanField(label="列为重点课题", required=False)

    def __init__(self, *args: Any, status: str, withdraw_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        assert isinstance(field, forms.ChoiceField)
        steps = [lifecycle.WITHDRAWN] if withdraw_only else lifecycle.next_steps(status)
        field.choices = [(s, lifecycle.label(s)) for s in steps]
        if withdraw_only:
            for name in ("on", "new_end"):
                del self.fields[name]
        if status != lifecycle.APPLIED or withdraw_only:
            del self.fields["number"]
            del self.fields["is_key"]


class MemberForm(NamedForm):
    person = forms.CharField(label="成员", max_length=80,
                             widget=forms.TextInput(attrs={"list": "people-list", "placeholder": "姓名或人员编号"}))
    role = forms.ChoiceField(label="分工", choices=MemberRole.choices, initial=MemberRole.MEMBER)
    task = forms.CharField(label="承担任务", max_length=200, required=False)

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people

    def clean_person(self) -> Person:
        return resolve_person(self.people, self.cleaned_data.get("person") or "", "成员")


class DocumentForm(NamedForm):
    kind = forms.ChoiceField(label="材料类型", choices=DocumentKind.choices)
    title = forms.CharField(label="标题", max_length=200)
    text = forms.CharField(label="正文", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label="文件", required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))


class ReviewAssignForm(NamedForm):
    stage = forms.ChoiceField(label="评审阶段", choices=list(lifecycle.REVIEW_STAGES.items()))
    expert = forms.CharField(label="评审专家", max_length=80,
                             widget=forms.TextInput(attrs={"list": "people-list", "placeholder": "姓名或人员编号"}))
    due = forms.DateField(label="评审截止日期", widget=DATE, required=False)

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people

    def clean_expert(self) -> Person:
        return resolve_person(self.people, self.cleaned_data.get("expert") or "", "评审专家")


class OutcomeForm(NamedForm):
    kind = forms.ChoiceField(label="成果类型", choices=OutcomeKind.choices)
    title = forms.CharField(label="成果名称", max_length=200)
    level = forms.ChoiceField(label="级别", choices=[("", "（无）"), *Level.choices], required=False)
    on = forms.DateField(label="日期", widget=DATE)
    detail = forms.CharField(label="说明（刊物、奖项、推广范围）", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(NamedForm):
    # Kept as text so that a bad number comes back to the service, whose message names the range.
    score = forms.CharField(label="评分（0–100）", max_length=10,
                            widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    verdict = forms.ChoiceField(label="结论", choices=Verdict.choices)
    comments = forms.CharField(label="评审意见", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, rubric: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if rubric:
            # Scored with a rubric: the score is its total, not typed.
            del self.fields["score"]
