"""Forms of the campaign pages: they validate what was typed and keep it; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from appraisal import campaign_rules as rules
from appraisal.models.campaigns import CampaignKind, EvidenceKind, SelectionKind
from core.errors import DomainError
from core.models import OrgNode, Person
from observe.models import RubricVersion
from quality.models import Paper


def _msgs(label: str) -> dict[str, str]:
    return {"required": f"{label}：请填写", "invalid": f"{label}：格式不正确",
            "invalid_choice": f"{label}：请从列表中选择", "max_length": f"{label}：内容过长",
            "min_value": f"{label}：数值过小", "max_value": f"{label}：数值过大"}


class CampaignForm(forms.Form):
    org = forms.ModelChoiceField(label="组织单位", queryset=OrgNode.objects.none(), error_messages=_msgs("组织单位"))
    kind = forms.ChoiceField(label="考评类别", choices=CampaignKind.choices, error_messages=_msgs("考评类别"))
    title = forms.CharField(label="名称", max_length=100, error_messages=_msgs("名称"))
    start = forms.DateField(label="考评期开始", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
                            error_messages=_msgs("考评期开始"))
    end = forms.DateField(label="考评期结束", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
                          error_messages=_msgs("考评期结束"))
    version = forms.ModelChoiceField(label="评价量表", queryset=RubricVersion.objects.none(),
                                     error_messages=_msgs("评价量表"))
    stages = forms.CharField(label="评审环节", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="每行一个环节：编码 名称 评审方（self 自评、school 所在学校、assigned 指定评审人）；"
                                       "留空按类别默认（教研组：自评 → 学校评价 → 区县评审）")
    cutoffs = forms.CharField(label="等级分数线", required=False, initial=rules.cutoffs_text(rules.DEFAULT_CUTOFFS),
                              help_text="从高到低，如“优秀 90，良好 80，合格 60”；低于最后一条为“待改进”")
    objection_days = forms.IntegerField(label="申诉期（天）", min_value=0, max_value=60, initial=7,
                                        error_messages=_msgs("申诉期"))
    value_added_code = forms.CharField(label="增值评价指标（评分项编码）", max_length=20, required=False,
                                       help_text="学校、校长考评：该评分项预填质量监测计算的增值（依进论出）")
    va_paper = forms.ModelChoiceField(label="增值评价：本次考试科目", queryset=Paper.objects.none(), required=False,
                                      error_messages=_msgs("本次考试科目"))
    va_prior = forms.ModelChoiceField(label="增值评价：前测考试科目", queryset=Paper.objects.none(), required=False,
                                      error_messages=_msgs("前测考试科目"))

    def __init__(self, *args: Any, orgs: list[OrgNode], versions: QuerySet[RubricVersion],
                 papers: QuerySet[Paper], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field = self.fields["org"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = OrgNode.objects.filter(pk__in=[o.pk for o in orgs])
        for name, qs in (("version", versions), ("va_paper", papers), ("va_prior", papers)):
            f = self.fields[name]
            assert isinstance(f, forms.ModelChoiceField)
            f.queryset = qs
        self.fields["version"].label_from_instance = lambda v: f"{v.template.name}（第{v.number}版）"  # type: ignore[attr-defined]  # ModelChoiceField's hook

    def clean_stages(self) -> list[rules.Stage] | None:
        text = self.cleaned_data.get("stages") or ""
        if not text.strip():
            return None
        try:
            return rules.parse_stages(text)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean_cutoffs(self) -> list[rules.Cutoff] | None:
        text = self.cleaned_data.get("cutoffs") or ""
        if not text.strip():
            return None
        try:
            return rules.parse_cutoffs(text)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc


class AssessorForm(forms.Form):
    stage = forms.ChoiceField(label="环节", error_messages=_msgs("环节"))
    person = forms.ModelChoiceField(label="评审人", queryset=Person.objects.none(), error_messages=_msgs("评审人"))
    within = forms.ModelChoiceField(label="负责范围", queryset=OrgNode.objects.none(), required=False,
                                    help_text="留空：全部考评对象")

    def __init__(self, *args: Any, stages: list[rules.Stage], people: QuerySet[Person], nodes: QuerySet[OrgNode],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stage_field = self.fields["stage"]
        assert isinstance(stage_field, forms.ChoiceField)
        stage_field.choices = [(s["key"], s["label"]) for s in stages if s["who"] == "assigned"]
        for name, qs in (("person", people), ("within", nodes)):
            f = self.fields[name]
            assert isinstance(f, forms.ModelChoiceField)
            f.queryset = qs


class ScoreForm(forms.Form):
    comments = forms.CharField(label="评语", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                               error_messages=_msgs("评语"))


class EvidenceForm(forms.Form):
    indicator = forms.ChoiceField(label="指标", error_messages=_msgs("指标"))
    kind = forms.ChoiceField(label="类别", choices=EvidenceKind.choices, error_messages=_msgs("类别"))
    text = forms.CharField(label="说明", required=False, max_length=500, error_messages=_msgs("说明"))
    url = forms.URLField(label="链接", required=False, max_length=500, assume_scheme="https", error_messages=_msgs("链接"))
    file = forms.FileField(label="文件", required=False, error_messages=_msgs("文件"))

    def __init__(self, *args: Any, indicators: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        f = self.fields["indicator"]
        assert isinstance(f, forms.ChoiceField)
        f.choices = indicators


class ObjectionForm(forms.Form):
    reason = forms.CharField(label="申诉理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages=_msgs("申诉理由"))


class HandleForm(forms.Form):
    decision = forms.ChoiceField(label="处理结果", choices=[("upheld", "申诉成立，改分"), ("rejected", "申诉不成立")],
                                 widget=forms.RadioSelect, error_messages=_msgs("处理结果"))
    new_score = forms.FloatField(label="改后得分", required=False, error_messages=_msgs("改后得分"))
    response = forms.CharField(label="处理意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                               error_messages=_msgs("处理意见"))


class SelectionForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=SelectionKind.choices, error_messages=_msgs("类别"))
    title = forms.CharField(label="名称", max_length=100, error_messages=_msgs("名称"))
    decided_on = forms.DateField(label="评选日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
                                 error_messages=_msgs("评选日期"))
    note = forms.CharField(label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    subjects = forms.MultipleChoiceField(label="入选名单", widget=forms.CheckboxSelectMultiple,
                                         error_messages=_msgs("入选名单"))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        f = self.fields["subjects"]
        assert isinstance(f, forms.MultipleChoiceField)
        f.choices = choices
