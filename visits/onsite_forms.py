"""Edge validation for the on-site pages: Chinese messages naming the field; the cleaned values
go to visits.services.onsite."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from core.models import OrgNode, Person, Subject
from observe.forms import GRADE_CHOICES, PERIOD_CHOICES
from visits.models import Audience, CheckItem, CheckLevel, NoteKind


def _msgs(label: str, **extra: str) -> dict[str, str]:
    """Django's field messages in Chinese, each naming the field."""
    base = {"required": f"{label}：请填写", "invalid": f"{label}：格式不正确",
            "invalid_choice": f"{label}：请从列表中选择", "max_length": f"{label}：内容过长",
            "invalid_pk_value": f"{label}：请从列表中选择"}
    base.update(extra)
    return base

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _PersonChoice(forms.ModelChoiceField):  # type: ignore[type-arg]  # django-stubs' generic field
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.org.name}）" if isinstance(obj, Person) else str(obj)


class _PeopleChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # django-stubs' generic field
    def label_from_instance(self, obj: Any) -> str:
        if isinstance(obj, Person):
            return f"{obj.name}（{obj.main_subject.name}）" if obj.main_subject else obj.name
        return str(obj)


class _OnSiteForm(forms.Form):
    client_uuid = forms.CharField(widget=forms.HiddenInput, max_length=36, required=False)
    school = forms.ModelChoiceField(label="学校", queryset=OrgNode.objects.none(), error_messages=_msgs("学校"))

    def __init__(self, *args: Any, schools: list[OrgNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = OrgNode.objects.filter(pk__in=[s.pk for s in schools]).order_by("path")
        if len(schools) == 1:
            field.initial = schools[0].pk
            field.empty_label = None


class CheckForm(_OnSiteForm):
    item = forms.ChoiceField(label="检查项目", choices=CheckItem.choices, error_messages=_msgs("检查项目"))
    teacher = _PersonChoice(label="教师", queryset=Person.objects.none(), required=False,
                            error_messages=_msgs("教师"))
    subject = forms.ModelChoiceField(label="学科", queryset=Subject.objects.all(), required=False,
                                     to_field_name="code", empty_label="按教师任教学科", error_messages=_msgs("学科"))
    class_name = forms.CharField(label="班级", max_length=20, required=False, error_messages=_msgs("班级"))
    sample_count = forms.IntegerField(label="抽查数量（本/份）", min_value=1, max_value=500, initial=1,
                                      error_messages=_msgs("抽查数量", min_value="抽查数量：至少 1",
                                                           max_value="抽查数量：最多 500"))
    level = forms.ChoiceField(label="等级", choices=[("", "不评"), *CheckLevel.choices], required=False,
                              widget=forms.RadioSelect, error_messages=_msgs("等级"))
    strengths = forms.CharField(label="亮点", required=False, max_length=3000,
                                widget=forms.Textarea(attrs={"rows": 3}), error_messages=_msgs("亮点"))
    problems = forms.CharField(label="问题", required=False, max_length=3000,
                               widget=forms.Textarea(attrs={"rows": 3}), error_messages=_msgs("问题"))
    rubric = forms.IntegerField(widget=forms.HiddenInput, required=False)
    date = forms.DateField(label="检查日期", widget=DATE_INPUT,
                           error_messages=_msgs("检查日期", invalid="检查日期：格式应为 年-月-日"))

    def __init__(self, *args: Any, schools: list[OrgNode], teachers: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, schools=schools, **kwargs)
        field = self.fields["teacher"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = teachers


class NoteForm(_OnSiteForm):
    kind = forms.ChoiceField(label="类别", choices=NoteKind.choices, error_messages=_msgs("类别"))
    title = forms.CharField(label="标题", max_length=120, required=False, error_messages=_msgs("标题"))
    text = forms.CharField(label="内容", max_length=20000, widget=forms.Textarea(attrs={"rows": 8}),
                           error_messages=_msgs("内容"))
    date = forms.DateField(label="日期", widget=DATE_INPUT,
                           error_messages=_msgs("日期", invalid="日期：格式应为 年-月-日"))


class PhotoForm(forms.Form):
    client_uuid = forms.CharField(widget=forms.HiddenInput, max_length=36, required=False)
    school = forms.ModelChoiceField(label="学校", queryset=OrgNode.objects.none(), required=False,
                                    error_messages=_msgs("学校"))
    file = forms.FileField(label="照片或文件", error_messages=_msgs("照片或文件", required="照片或文件：请选择文件"))

    def __init__(self, *args: Any, schools: list[OrgNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = OrgNode.objects.filter(pk__in=[s.pk for s in schools]).order_by("path")


class QuestionnaireForm(_OnSiteForm):
    audience = forms.ChoiceField(label="对象", choices=Audience.choices, error_messages=_msgs("对象"))
    title = forms.CharField(label="标题", max_length=120, error_messages=_msgs("标题"))
    questions = forms.CharField(
        label="题目（每行一题：题干 | 题型 | 选项1/选项2/…；题型为单选、多选、量表或文字）",
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "老师布置的作业量合适吗？ | 单选 | 偏多/合适/偏少\n"
                                                               "你喜欢这门课吗？ | 量表\n你对学校教学有什么建议？ | 文字"}),
        error_messages=_msgs("题目"))
    closes_at = forms.DateTimeField(label="截止时间（可不填）", required=False,
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                    error_messages=_msgs("截止时间", invalid="截止时间：格式应为 年-月-日 时:分"))


class WalkthroughForm(_OnSiteForm):
    date = forms.DateField(label="日期", widget=DATE_INPUT, error_messages=_msgs("日期", invalid="日期：格式应为 年-月-日"))
    period = forms.TypedChoiceField(label="节次", choices=PERIOD_CHOICES, required=False, coerce=int,
                                    empty_value=None, error_messages=_msgs("节次"))
    grade = forms.TypedChoiceField(label="年级", choices=GRADE_CHOICES, required=False, coerce=int,
                                   empty_value=None, error_messages=_msgs("年级"))
    class_name = forms.CharField(label="班级", max_length=20, required=False, error_messages=_msgs("班级"))
    subject = forms.ModelChoiceField(label="学科", queryset=Subject.objects.all(), required=False,
                                     to_field_name="code", error_messages=_msgs("学科"))
    teacher = _PersonChoice(label="任课教师", queryset=Person.objects.none(), required=False,
                            error_messages=_msgs("任课教师"))
    seen = forms.CharField(label="巡课情况", max_length=3000, widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages=_msgs("巡课情况"))
    has_problem = forms.BooleanField(label="发现问题", required=False)

    def __init__(self, *args: Any, schools: list[OrgNode], teachers: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, schools=schools, **kwargs)
        field = self.fields["teacher"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = teachers


class SchoolCheckForm(_OnSiteForm):
    title = forms.CharField(label="检查名称", max_length=120, error_messages=_msgs("检查名称"))
    start = forms.DateField(label="开始日期", widget=DATE_INPUT,
                            error_messages=_msgs("开始日期", invalid="开始日期：格式应为 年-月-日"))
    end = forms.DateField(label="结束日期", widget=DATE_INPUT,
                          error_messages=_msgs("结束日期", invalid="结束日期：格式应为 年-月-日"))
    team = _PeopleChoice(label="检查组（教研组长）", queryset=Person.objects.none(),
                         widget=forms.CheckboxSelectMultiple,
                         error_messages={**_msgs("检查组"), "required": "检查组：请至少选择一位教研组长"})
    purpose = forms.CharField(label="检查重点", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}), error_messages=_msgs("检查重点"))

    def __init__(self, *args: Any, schools: list[OrgNode], team: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, schools=schools, **kwargs)
        field = self.fields["team"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = team
