"""Forms of the quality pages: validation at the edge, clean values for the services."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from core.models import OrgNode, Person, PersonQuerySet, Stage, Subject
from quality.models import ActionKind, Exam, ExamKind, Item, RuleKind

UPLOAD_MAX_BYTES = 30 * 1024 * 1024


def _choices(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class ExamForm(forms.Form):
    org = forms.ModelChoiceField(queryset=OrgNode.objects.none(), label="组织单位",
                                 error_messages={"required": "请选择组织单位", "invalid_choice": "不能在该单位组织考试"})
    name = forms.CharField(label="考试名称", max_length=100, error_messages={"required": "请填写考试名称"})
    kind = forms.ChoiceField(label="考试类型", choices=ExamKind.choices)
    term_key = forms.ChoiceField(label="学期", choices=(),
                                 error_messages={"required": "请选择学期",
                                                 "invalid_choice": "请从列表中选择本区域设置的学期"})
    stage = forms.ChoiceField(label="学段", choices=[c for c in Stage.choices if c[0] != Stage.PRESCHOOL])
    grade = forms.IntegerField(label="年级", min_value=1, max_value=12,
                               error_messages={"min_value": "年级为1–12", "max_value": "年级为1–12"})
    held_on = forms.DateField(label="考试日期", widget=forms.DateInput(attrs={"type": "date"}),
                              error_messages={"invalid": "日期格式如 2026-11-10"})
    papers = forms.CharField(label="科目与满分", widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="每行一科：科目名称,满分，如“数学,120”",
                             error_messages={"required": "请至少填写一个科目"})

    def __init__(self, *args: Any, orgs: list[OrgNode], **kwargs: Any) -> None:
        from core.terms import current_of, terms_for

        super().__init__(*args, **kwargs)
        _choices(self, "org").queryset = OrgNode.objects.filter(pk__in=[o.pk for o in orgs])
        # The semesters in force at each unit the user may organise an exam in (core.terms).
        self.terms_by_org = {o.pk: terms_for(o) for o in orgs}
        seen: dict[str, str] = {}
        for terms in self.terms_by_org.values():
            for t in terms:
                seen.setdefault(t.key, t.label)
        term_field = self.fields["term_key"]
        assert isinstance(term_field, forms.ChoiceField)
        term_field.choices = sorted(seen.items(), reverse=True)
        current = current_of(next(iter(self.terms_by_org.values()), []))
        if current is not None:
            term_field.initial = current.key
        if not seen:
            term_field.help_text = "所在区域尚未设置学期，请先请管理员在“学期”中添加"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        org, key = data.get("org"), data.get("term_key")
        if org is not None and key and key not in {t.key for t in self.terms_by_org.get(org.pk, [])}:
            self.add_error("term_key", "该单位没有这个学期，请选择本单位适用的学期")
        return data

    def clean_papers(self) -> list[tuple[Subject, Decimal]]:
        subjects = {s.name: s for s in Subject.objects.all()} | {s.short: s for s in Subject.objects.all() if s.short}
        out: list[tuple[Subject, Decimal]] = []
        errors = []
        for n, line in enumerate(self.cleaned_data["papers"].splitlines(), start=1):
            line = line.replace("，", ",").strip()
            if not line:
                continue
            name, _, mark = line.partition(",")
            subject = subjects.get(name.strip())
            if subject is None:
                errors.append(f"第{n}行：没有学科“{name.strip()}”")
                continue
            try:
                full = Decimal(mark.strip())
            except InvalidOperation:
                errors.append(f"第{n}行：满分“{mark.strip()}”不是数字")
                continue
            if full <= 0 or full > 1000:
                errors.append(f"第{n}行：满分应在 0–1000 之间")
                continue
            if any(s.pk == subject.pk for s, _ in out):
                errors.append(f"第{n}行：{subject.name}重复")
                continue
            out.append((subject, full))
        if errors:
            raise forms.ValidationError(errors)
        if not out:
            raise forms.ValidationError("请至少填写一个科目")
        return out


class ConventionsForm(forms.ModelForm):  # type: ignore[type-arg]  # the stubs' generic parameter is not subscriptable at runtime
    class Meta:
        model = Exam
        fields = ["sd_kind", "denominator", "rank_method", "border_cut", "border_delta", "border_side",
                  "discrimination_method", "discrimination_scheme", "cheat_policy", "min_group_size", "va_model"]


class BlueprintForm(forms.Form):
    text = forms.CharField(label="双向细目表", widget=forms.Textarea(attrs={"rows": 14}),
                           help_text="每行一题：题号,题型（客观题/主观题）,满分,知识点,能力层级[,答案（客观题选项字母）]",
                           error_messages={"required": "请填写双向细目表"})


class ThresholdForm(forms.Form):
    excellent = forms.DecimalField(label="优秀线（满分的比例）", min_value=Decimal("0.01"), max_value=Decimal("1"),
                                   decimal_places=3)
    passing = forms.DecimalField(label="及格线", min_value=Decimal("0.01"), max_value=Decimal("1"), decimal_places=3)
    low = forms.DecimalField(label="低分线", min_value=Decimal("0"), max_value=Decimal("1"), decimal_places=3)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if {"excellent", "passing", "low"} <= data.keys() and not (data["low"] < data["passing"] < data["excellent"]):
            raise forms.ValidationError("应满足 低分线 < 及格线 < 优秀线")
        return data


class UploadForm(forms.Form):
    file = forms.FileField(label="成绩文件（.xlsx 或 .csv）",
                           error_messages={"required": "请选择要上传的文件", "empty": "上传的文件是空的"})
    school = forms.ModelChoiceField(queryset=OrgNode.objects.none(), required=False, label="学校（文件中没有学校列时选择）",
                                    error_messages={"invalid_choice": "不能为该学校导入"})

    def __init__(self, *args: Any, schools: list[OrgNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "school").queryset = OrgNode.objects.filter(pk__in=[s.pk for s in schools])

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        name = (f.name or "").lower()
        if not name.endswith((".xlsx", ".xls", ".csv")):
            raise forms.ValidationError("只能上传 .xlsx、.xls 或 .csv 文件")
        if f.size and f.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError("文件超过 30 MB，请按学校拆分后分批导入")
        return f


class ClassTeacherUploadForm(forms.Form):
    file = forms.FileField(label="任课安排文件（.xlsx 或 .csv）",
                           error_messages={"required": "请选择要上传的文件", "empty": "上传的文件是空的"})

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if not (f.name or "").lower().endswith((".xlsx", ".xls", ".csv")):
            raise forms.ValidationError("只能上传 .xlsx、.xls 或 .csv 文件")
        if f.size and f.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError("文件超过 30 MB，请按学校拆分后分批导入")
        return f


def owner_label(person: Person, duplicates: set[str]) -> str:
    """How a person is offered in the 负责人 picker: the name, with the subject when two share it."""
    if person.name in duplicates:
        subject = person.main_subject.name if person.main_subject else "无学科"
        return f"{person.name}（{subject}）"
    return person.name


class ActionForm(forms.Form):
    """One action on a warning. The 负责人 is typed (name or pinyin initials, with a list to pick
    from) and must be one of the people of the warned unit (`people`)."""

    kind = forms.ChoiceField(label="处理方式", choices=ActionKind.choices)
    owner = forms.CharField(label="负责人", max_length=60,
                            widget=forms.TextInput(attrs={"list": "owner-list", "autocomplete": "off",
                                                          "placeholder": "输入姓名或拼音首字母"}),
                            error_messages={"required": "请选择负责人"})
    due = forms.DateField(label="完成期限", widget=forms.DateInput(attrs={"type": "date"}),
                          error_messages={"required": "请填写完成期限", "invalid": "日期格式如 2026-12-01"})
    note = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                           error_messages={"required": "请填写处理内容"})

    def __init__(self, *args: Any, people: PersonQuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people
        candidates: list[Person] = list(people.select_related("main_subject"))
        names = [p.name for p in candidates]
        dupes = {n for n in names if names.count(n) > 1}
        self.owner_options: list[tuple[str, Person]] = [(owner_label(p, dupes), p) for p in candidates]

    def clean_owner(self) -> Person:
        typed = self.cleaned_data["owner"].strip()
        exact = [p for label, p in self.owner_options if label == typed]
        if len(exact) == 1:
            return exact[0]
        # A pk posted by an older form or a script is accepted only for a person of the unit.
        if typed.isdigit():
            by_pk = [p for _, p in self.owner_options if str(p.pk) == typed]
            if by_pk:
                return by_pk[0]
        found: list[Person] = list(self.people.search(typed)[:2])
        if len(found) == 1:
            return found[0]
        if len(found) > 1 or len(exact) > 1:
            raise forms.ValidationError("有多人符合，请从列表中选择负责人")
        raise forms.ValidationError("负责人须是预警单位的人员，请从列表中选择")

    def clean_due(self) -> dt.date:
        due: dt.date = self.cleaned_data["due"]
        if due < dt.date.today() - dt.timedelta(days=1):
            raise forms.ValidationError("完成期限不能早于今天")
        return due


class RuleForm(forms.Form):
    org = forms.ModelChoiceField(queryset=OrgNode.objects.none(), label="设定单位")
    kind = forms.ChoiceField(label="规则", choices=RuleKind.choices)
    k = forms.FloatField(label="k（标准差倍数）", required=False, initial=0.5, min_value=0)
    drop = forms.FloatField(label="下降幅度（超均率百分点）", required=False, initial=10, min_value=0)
    line = forms.FloatField(label="低分率警戒线（0–1）", required=False, initial=0.3, min_value=0, max_value=1)
    n = forms.IntegerField(label="连续次数 N", required=False, initial=3, min_value=1, max_value=20)
    level = forms.ChoiceField(label="单位", choices=[("school", "学校"), ("class", "班级")], required=False)

    def __init__(self, *args: Any, orgs: list[OrgNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "org").queryset = OrgNode.objects.filter(pk__in=[o.pk for o in orgs])

    def params(self) -> dict[str, Any]:
        d = self.cleaned_data
        kind = d["kind"]
        keys = {"below_region": ("k", "level"), "drop": ("drop", "level"), "low_rate": ("line", "level"),
                "teacher_below_peers": ("n",), "head_tenure": ()}[kind]
        defaults = {"k": 0.5, "drop": 10.0, "line": 0.3, "n": 3, "level": "school"}
        return {k: d.get(k) if d.get(k) not in (None, "") else defaults[k] for k in keys}


class ScoreCorrectionForm(forms.Form):
    """One input per item of the paper (`item_<id>`, blank for an empty cell) and the reason.
    Only the number is read here; ranges and the score step are the service's rules."""

    reason = forms.CharField(label="更正原因", max_length=200, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="例如：阅卷登分错误、复核改分",
                             error_messages={"required": "更正原因：请填写更正原因（例如：阅卷登分错误）",
                                             "max_length": "更正原因：不能超过200个字"})

    def __init__(self, *args: Any, items: list[Item], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for it in items:
            self.fields[f"item_{it.pk}"] = forms.CharField(
                label=f"第{it.label}题（满分 {float(it.max_score):g}）", required=False, max_length=20,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 5}))

    def item_fields(self) -> list[tuple[Item, forms.BoundField]]:
        return [(it, self[f"item_{it.pk}"]) for it in self.items]

    def clean(self) -> dict[str, Any]:
        from quality.importing import halfwidth

        data = super().clean() or {}
        for it in self.items:
            name = f"item_{it.pk}"
            text = halfwidth(str(data.get(name) or "")).strip().removesuffix("分").strip()
            if not text:
                data[name] = None
                continue
            try:
                value = float(text)
            except ValueError:
                self.add_error(name, f"第{it.label}题：“{data.get(name)}”不是数字")
                continue
            if not math.isfinite(value):
                self.add_error(name, f"第{it.label}题：“{data.get(name)}”不是数字")
                continue
            data[name] = value
        return data

    def values(self) -> dict[int, float | None]:
        return {it.pk: self.cleaned_data[f"item_{it.pk}"] for it in self.items}


# ---------------------------------------------------------------- item bank (题库)

ABILITY_SUGGESTIONS = ("了解", "理解", "掌握", "运用")
STAGES = [c for c in Stage.choices if c[0] != Stage.PRESCHOOL]


class BankFilterForm(forms.Form):
    subject = forms.ModelChoiceField(queryset=Subject.objects.all(), label="学科", required=False, empty_label="全部学科")
    kp = forms.CharField(label="知识点", max_length=60, required=False)
    ability = forms.CharField(label="能力层级", max_length=30, required=False)
    p_min = forms.FloatField(label="难度不低于", min_value=0, max_value=1, required=False,
                             error_messages={"min_value": "难度在0–1之间", "max_value": "难度在0–1之间",
                                             "invalid": "难度应为0–1之间的数"})
    p_max = forms.FloatField(label="难度不高于", min_value=0, max_value=1, required=False,
                             error_messages={"min_value": "难度在0–1之间", "max_value": "难度在0–1之间",
                                             "invalid": "难度应为0–1之间的数"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lo, hi = data.get("p_min"), data.get("p_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("p_max", "难度上限不能小于下限")
        return data


class BankItemForm(forms.Form):
    org = forms.ModelChoiceField(queryset=OrgNode.objects.none(), label="所属题库单位",
                                 error_messages={"required": "请选择题库单位", "invalid_choice": "不能写入该单位的题库"})
    subject = forms.ModelChoiceField(queryset=Subject.objects.all(), label="学科",
                                     error_messages={"required": "请选择学科"})
    stage = forms.ChoiceField(label="学段", choices=STAGES)
    grade = forms.IntegerField(label="年级", min_value=1, max_value=12, required=False,
                               error_messages={"min_value": "年级为1–12", "max_value": "年级为1–12"})
    kind = forms.ChoiceField(label="题型", choices=[("objective", "客观题"), ("subjective", "主观题")])
    max_score = forms.DecimalField(label="满分", max_digits=5, decimal_places=1, min_value=Decimal("0.1"),
                                   error_messages={"required": "请填写满分", "min_value": "满分必须大于0",
                                                   "max_decimal_places": "满分最多保留一位小数",
                                                   "invalid": "满分应为数字"})
    knowledge_point = forms.CharField(label="知识点", max_length=60, error_messages={"required": "请填写知识点"})
    ability = forms.CharField(label="能力层级", max_length=30, error_messages={"required": "请填写能力层级"},
                              help_text="与双向细目表一致，如 " + "、".join(ABILITY_SUGGESTIONS))
    stem = forms.CharField(label="题干", widget=forms.Textarea(attrs={"rows": 5}), required=False)
    stem_file = forms.FileField(label="题目文件", required=False,
                                help_text="可选：题目的扫描件或 Word/PDF 文件（照片或 PDF、Word 文件，不超过 20 MB）")
    answer = forms.CharField(label="答案与评分要点", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, orgs: list[OrgNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "org").queryset = OrgNode.objects.filter(pk__in=[o.pk for o in orgs])

    def clean_stem_file(self) -> Any:
        from observe.attachments import AttachmentRefused, check_upload

        upload = self.cleaned_data.get("stem_file")
        if not upload:
            return None
        try:
            return check_upload(upload.name or "", upload, upload.size or 0)
        except AttachmentRefused as exc:
            raise forms.ValidationError(str(exc)) from exc


class AssembleForm(forms.Form):
    org = forms.ModelChoiceField(queryset=OrgNode.objects.none(), label="题库单位",
                                 error_messages={"required": "请选择题库单位", "invalid_choice": "不能使用该单位的题库组卷"})
    subject = forms.ModelChoiceField(queryset=Subject.objects.all(), label="学科",
                                     error_messages={"required": "请选择学科"})
    stage = forms.ChoiceField(label="学段", choices=STAGES)
    name = forms.CharField(label="试卷名称", max_length=100, error_messages={"required": "请填写试卷名称"})
    target = forms.FloatField(label="目标难度P", min_value=0.05, max_value=0.95, initial=0.7,
                              help_text="全卷按分值加权的平均难度（越大越容易），常用 0.6–0.8",
                              error_messages={"required": "请填写目标难度", "min_value": "目标难度在0.05–0.95之间",
                                              "max_value": "目标难度在0.05–0.95之间", "invalid": "目标难度应为数字"})
    blueprint = forms.CharField(label="双向细目表", widget=forms.Textarea(attrs={"rows": 8}),
                                help_text="每行一格：知识点, 能力层级, 题数[, 分值]，如“数与代数, 理解, 3, 6”",
                                error_messages={"required": "请填写双向细目表"})

    def __init__(self, *args: Any, orgs: list[OrgNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "org").queryset = OrgNode.objects.filter(pk__in=[o.pk for o in orgs])
        if len(orgs) == 1:
            self.fields["org"].initial = orgs[0].pk

    def clean_blueprint(self) -> str:
        from quality.stats.assembly import parse_cells

        text = str(self.cleaned_data["blueprint"])
        self.cells, errors = parse_cells(text)
        if errors:
            raise forms.ValidationError(errors)
        return text
