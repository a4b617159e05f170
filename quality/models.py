"""Quality monitoring (质量监测): exams, papers, items, students, stored scores, analyses, warnings.

Scale (DESIGN.md "Scale we design for"): a provincial exam holds ~10⁸ item scores, so item scores
are never one row each. Each paper's scores for one school live in one `ScoreBlock` row as a
compact numpy archive (student ids, class indices, status codes, item units as uint16), and the
block carries its per-class sufficient statistics (quality.stats.ScoreMoments / ItemMoments) so a
school, county or city figure is a merge (analytics.md Part 2; DESIGN.md "Analytics design").
Only `Student` has one row per student, and it is small: a pseudonymous key, the school, the class,
an optional encrypted name.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import OrgNode, Person, Stage, Subject, User


class ExamKind(models.TextChoices):
    MONTHLY = "monthly", "月考"
    MIDTERM = "midterm", "期中"
    FINAL = "final", "期末"
    COUNTY = "county", "区县统考"
    CITY = "city", "市统考"
    PROFICIENCY = "proficiency", "学业水平考试"
    ZHONGKAO = "zhongkao", "中考"
    MONITORING = "monitoring", "质量监测"


class SDKind(models.TextChoices):
    POPULATION = "population", "总体标准差（÷n）"
    SAMPLE = "sample", "样本标准差（÷(n−1)）"


class RankMethod(models.TextChoices):
    COMPETITION = "competition", "竞争排名（1224，美式）"
    DENSE = "dense", "密集排名（1223，中国式）"


class Denominator(models.TextChoices):
    SAT = "sat", "实考人数"
    REGISTERED = "registered", "应考人数"


class DiscriminationMethod(models.TextChoices):
    CORRECTED = "corrected_item_total", "校正题总相关（题目与其余题总分的相关）"
    ITEM_TOTAL = "item_total", "题总相关（点二列）"
    UPPER_LOWER = "upper_lower_27", "27%高低分组法"


class DiscriminationScheme(models.TextChoices):
    EBEL = "ebel", "Ebel 标准（≥0.40 很好；0.30–0.39 良好；0.20–0.29 尚可；<0.20 差）"
    E9 = "e9", "简化标准（>0.3 良好；0.1–0.3 尚可；≤0.1 淘汰）"


class BorderSide(models.TextChoices):
    BELOW = "below", "线下（C−δ ≤ 分 < C）"
    ABOVE = "above", "线上（C ≤ 分 < C+δ）"
    BOTH = "both", "线上线下"


class BorderCut(models.TextChoices):
    PASS = "pass", "及格线"
    EXCELLENT = "excellent", "优秀线"


class CheatPolicy(models.TextChoices):
    EXCLUDE = "exclude", "作弊者计入应考、不计入实考"
    ZERO = "zero", "作弊者按0分计入实考"


class VAModel(models.TextChoices):
    RANDOM_INTERCEPT = "random_intercept", "多层随机截距模型（经验贝叶斯收缩）"
    OLS = "ols_residual", "残差（回归）模型"


class ExamQuerySet(models.QuerySet["Exam"]):
    def under(self, path: str) -> ExamQuerySet:
        return self.filter(org__path__startswith=path)


class Exam(models.Model):
    """An exam run by an org node (a school, county or city) for one term and grade.

    The analysis conventions the spec leaves open (analytics.md Part 2 "[C]" and every
    "Disagreement") are stored here, so every report can print the choices it was made with.
    """

    name = models.CharField("考试名称", max_length=100)
    kind = models.CharField("考试类型", max_length=12, choices=ExamKind.choices)
    org = models.ForeignKey(OrgNode, verbose_name="组织单位", on_delete=models.PROTECT, related_name="exams")
    term_key = models.CharField("学期", max_length=8)
    stage = models.CharField("学段", max_length=10, choices=Stage.choices)
    grade = models.PositiveSmallIntegerField("年级")
    held_on = models.DateField("考试日期")
    score_step = models.DecimalField("计分精度", max_digits=3, decimal_places=2, default=Decimal("0.5"))
    # Conventions (analytics.md §4–§8): each is a setting and is printed in every report.
    sd_kind = models.CharField("标准差口径", max_length=12, choices=SDKind.choices, default=SDKind.POPULATION)
    rank_method = models.CharField("排名并列规则", max_length=12, choices=RankMethod.choices,
                                   default=RankMethod.COMPETITION)
    denominator = models.CharField("比率分母", max_length=12, choices=Denominator.choices, default=Denominator.SAT)
    border_cut = models.CharField("临界线", max_length=10, choices=BorderCut.choices, default=BorderCut.PASS)
    border_delta = models.DecimalField("临界分差δ", max_digits=5, decimal_places=1, default=Decimal("5"))
    border_side = models.CharField("临界方向", max_length=6, choices=BorderSide.choices, default=BorderSide.BELOW)
    discrimination_method = models.CharField("区分度方法", max_length=24, choices=DiscriminationMethod.choices,
                                             default=DiscriminationMethod.CORRECTED)
    discrimination_scheme = models.CharField("区分度评价标准", max_length=6, choices=DiscriminationScheme.choices,
                                             default=DiscriminationScheme.EBEL)
    cheat_policy = models.CharField("作弊处理", max_length=8, choices=CheatPolicy.choices, default=CheatPolicy.EXCLUDE)
    # The exam's organising region sets it; it is also the minimum cell of the subgroup analysis
    # (quality.analysis.subgroups), so one number protects small groups on every page.
    min_group_size = models.PositiveSmallIntegerField(
        "最小报告人数", default=10,
        help_text="人数少于此数的单位不报告增值；分群体分析中人数少于此数的群体不显示")
    va_model = models.CharField("增值默认模型", max_length=20, choices=VAModel.choices,
                                default=VAModel.RANDOM_INTERCEPT)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[ExamQuerySet] = ExamQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs types as_manager() as a Manager, not the QuerySet it proxies

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = "考试"
        verbose_name_plural = "考试"
        indexes = [models.Index(fields=["org", "held_on"], name="exam_org_held")]
        constraints = [
            models.CheckConstraint(condition=Q(score_step__gt=0), name="exam_score_step_positive"),
            models.CheckConstraint(condition=Q(grade__gte=1) & Q(grade__lte=12), name="exam_grade_1_to_12"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def term_label(self) -> str:
        """The term as people say it: "2026—2027学年第一学期" for the key "2026-1"."""
        year, _, semester = self.term_key.partition("-")
        if not (year.isdigit() and semester in ("1", "2")):
            return self.term_key
        return f"{year}—{int(year) + 1}学年{'第一学期' if semester == '1' else '第二学期'}"

    @property
    def school_year(self) -> int:
        """The school year the exam belongs to, by its first calendar year: the term key's year
        ("2026" of "2026-1"), else the school year of the day it was held (1 September to 31 August).
        Score blocks carry it, as the key of their PostgreSQL partitions (quality.partitions)."""
        year = self.term_key.partition("-")[0]
        if year.isdigit():
            return int(year)
        return self.held_on.year if self.held_on.month >= 9 else self.held_on.year - 1

    def settings_lines(self) -> list[str]:
        """The conventions of this exam's analysis in plain Chinese (printed in every report)."""
        return [
            f"标准差：{self.get_sd_kind_display()}",
            f"一分三率分母：{self.get_denominator_display()}",
            f"排名并列规则：{self.get_rank_method_display()}",
            f"临界生：{self.get_border_cut_display()}附近 δ={self.border_delta} 分，{self.get_border_side_display()}",
            f"区分度：{self.get_discrimination_method_display()}；评价标准：{self.get_discrimination_scheme_display()}",
            "难度：P = 平均分 ÷ 满分（数值越大越容易）",
            f"作弊处理：{self.get_cheat_policy_display()}；免考者不计入应考",
            f"增值评价：默认{self.get_va_model_display()}，人数少于{self.min_group_size}的单位不报告",
            f"计分精度：{self.score_step} 分",
        ]


class Paper(models.Model):
    """One subject's paper of an exam, with its full mark. Items and thresholds hang on it."""

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="papers")
    subject = models.ForeignKey(Subject, verbose_name="学科", on_delete=models.PROTECT, related_name="+")
    full_mark = models.DecimalField("满分", max_digits=6, decimal_places=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["exam_id", "subject__sort"]
        verbose_name = "试卷"
        verbose_name_plural = "试卷"
        constraints = [
            models.UniqueConstraint(fields=["exam", "subject"], name="paper_one_per_subject"),
            models.CheckConstraint(condition=Q(full_mark__gt=0), name="paper_full_mark_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.exam.name} {self.subject.name}"


class ItemKind(models.TextChoices):
    OBJECTIVE = "objective", "客观题"
    SUBJECTIVE = "subjective", "主观题"


class Item(models.Model):
    """One scored item of a paper, with its row of the blueprint (双向细目表, analytics.md §6)."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField("序号")
    label = models.CharField("题号", max_length=20)
    kind = models.CharField("题型", max_length=10, choices=ItemKind.choices, default=ItemKind.SUBJECTIVE)
    max_score = models.DecimalField("满分", max_digits=5, decimal_places=1)
    knowledge_point = models.CharField("知识点", max_length=60, blank=True)
    ability = models.CharField("能力层级", max_length=30, blank=True)
    answer_key = models.CharField("答案", max_length=1, blank=True,
                                  help_text="客观题的正确选项（A–H）；填了答案，成绩表中的选项字母会自动判分并用于选项分析")
    bank_item = models.ForeignKey("BankItem", verbose_name="题库题目", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="paper_items")

    class Meta:
        ordering = ["paper_id", "number"]
        verbose_name = "试题"
        verbose_name_plural = "试题"
        constraints = [
            models.UniqueConstraint(fields=["paper", "number"], name="item_number_unique_per_paper"),
            models.UniqueConstraint(fields=["paper", "label"], name="item_label_unique_per_paper"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="item_max_positive"),
        ]

    def __str__(self) -> str:
        return self.label


class UpperOp(models.TextChoices):
    GE = ">=", "≥"
    GT = ">", ">"


class LowerOp(models.TextChoices):
    LT = "<", "<"
    LE = "<=", "≤"


class ThresholdProfile(models.Model):
    """优秀/及格/低分 lines of one paper as fractions of its full mark (analytics.md §4)."""

    paper = models.OneToOneField(Paper, on_delete=models.CASCADE, related_name="thresholds")
    excellent = models.DecimalField("优秀线（满分比例）", max_digits=4, decimal_places=3, default=Decimal("0.85"))
    passing = models.DecimalField("及格线（满分比例）", max_digits=4, decimal_places=3, default=Decimal("0.60"))
    low = models.DecimalField("低分线（满分比例）", max_digits=4, decimal_places=3, default=Decimal("0.40"))
    excellent_op = models.CharField(max_length=2, choices=UpperOp.choices, default=UpperOp.GE)
    passing_op = models.CharField(max_length=2, choices=UpperOp.choices, default=UpperOp.GE)
    low_op = models.CharField(max_length=2, choices=LowerOp.choices, default=LowerOp.LT)

    class Meta:
        verbose_name = "分数线"
        verbose_name_plural = "分数线"
        constraints = [
            models.CheckConstraint(condition=Q(low__lt=models.F("passing")) & Q(passing__lt=models.F("excellent"))
                                   & Q(excellent__lte=1) & Q(low__gte=0), name="threshold_lines_ordered"),
        ]

    def __str__(self) -> str:
        return f"优秀{self.excellent} 及格{self.passing} 低分{self.low}"


class Gender(models.TextChoices):
    MALE = "m", "男"
    FEMALE = "f", "女"


class Student(models.Model):
    """A student under a pseudonymous key (an HMAC of the school-issued ID; quality.pseudonyms).

    Students are minors: the real ID is never stored, the name is optional and encrypted at rest,
    and both are shown only to the student's own school (quality.access).

    A student's identity is (school, key): a school issues its own numbers, so the same number at
    another school is another student, and an upload for one school can never match, move or
    rename a student of another (issue 8, finding 5). A student who changes school is a new record
    there; linking across schools would need the region's student register.
    """

    key = models.CharField("学生代号", max_length=32)
    school = models.ForeignKey(OrgNode, verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    class_label = models.CharField("班级", max_length=30, blank=True)
    name_encrypted = models.TextField("姓名（加密）", blank=True)
    # The subgroups the region records (issue 15), for aggregate analysis only (quality.analysis.
    # subgroups suppresses small cells); blank / None is "not recorded".
    # db_default: quality.bulk inserts students with raw SQL naming only the identity columns.
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True, default="", db_default="")
    boarding = models.BooleanField("住校", null=True, blank=True)
    left_behind = models.BooleanField("留守儿童", null=True, blank=True)
    migrant = models.BooleanField("随迁子女", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "学生"
        verbose_name_plural = "学生"
        indexes = [models.Index(fields=["school", "class_label"], name="student_school_class")]
        constraints = [models.UniqueConstraint(fields=["school", "key"], name="student_key_unique_per_school")]

    def __str__(self) -> str:
        return self.key


class ClassTeacher(models.Model):
    """Who taught a subject in a class of a school in a term (for TEACHER.BELOW_PEERS, 依学评教)."""

    school = models.ForeignKey(OrgNode, on_delete=models.CASCADE, related_name="+")
    term_key = models.CharField("学期", max_length=8)
    grade = models.PositiveSmallIntegerField("年级")
    class_label = models.CharField("班级", max_length=30)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    teacher = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "任课安排"
        verbose_name_plural = "任课安排"
        constraints = [models.UniqueConstraint(fields=["school", "term_key", "grade", "class_label", "subject"],
                                               name="class_teacher_unique")]

    def __str__(self) -> str:
        return f"{self.class_label} {self.teacher_id}"


class BatchStatus(models.TextChoices):
    MAPPING = "mapping", "待确认列对应"
    REJECTED = "rejected", "有错误未导入"
    APPLIED = "applied", "已导入"
    UNDONE = "undone", "已撤销"


class ImportBatch(models.Model):
    """One uploaded score file: its column mapping, its problems, and what it wrote.

    Applying is atomic; undoing deletes the blocks it wrote and restores those it superseded, so a
    batch can be taken back as a whole (issue 4: "the import is atomic and can be undone").
    """

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="imports")
    school = models.ForeignKey(OrgNode, null=True, blank=True, verbose_name="学校（文件无学校列时）",
                               on_delete=models.PROTECT, related_name="+")
    filename = models.CharField("文件名", max_length=200)
    sha256 = models.CharField(max_length=64)
    # Batches made before the parsed table was kept hold the uploaded file here; newer ones keep
    # only `table`, so no page ever reads an upload twice (issue 8, finding 3).
    content = models.BinaryField("文件内容（旧批次）", default=b"", blank=True)
    table = models.BinaryField("解析后的表格", default=b"", blank=True)  # core.spreadsheets.pack_rows
    samples = models.JSONField("样例行", default=list)  # the first data rows as text, for the mapping page
    # What applying did to existing students, so undo can restore it: {"created": [ids],
    # "updated": [[id, old class, old name, new class, new name], ...]}.
    student_changes = models.JSONField("学生变更", default=dict)
    header_rows = models.JSONField("表头行", default=list)
    headers = models.JSONField("列标题", default=list)
    mapping = models.JSONField("列对应", default=dict)
    status = models.CharField("状态", max_length=10, choices=BatchStatus.choices, default=BatchStatus.MAPPING)
    problems = models.JSONField("问题", default=list)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    row_count = models.PositiveIntegerField(default=0)
    student_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "成绩导入批次"
        verbose_name_plural = "成绩导入批次"

    def __str__(self) -> str:
        return self.filename


class ScoreBlock(models.Model):
    """The scores of one paper at one school: a numpy archive (quality.blocks) plus its per-class
    sufficient statistics. A newer batch supersedes a block rather than deleting it, so undo can
    bring the old one back.

    On PostgreSQL the table is partitioned by `school_year` (a copy of the paper's exam's school
    year, set by the importer), one partition per school year plus a default (migration 0007,
    quality.partitions): the database's primary key is (id, school_year), `id` still comes from
    one sequence and stays the model's primary key, and nothing may reference a block by foreign
    key. An old year's blobs go with one `DROP TABLE` of its partition."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="blocks")
    school = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="blocks")
    superseded_by = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="superseded_blocks")
    school_year = models.PositiveSmallIntegerField("学年（起始年）")
    n_students = models.PositiveIntegerField(default=0)
    data = models.BinaryField()
    moments = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "成绩数据块"
        verbose_name_plural = "成绩数据块"
        constraints = [
            # The school year is a function of the paper, so this is "one current block per paper
            # and school"; it names the year because a partitioned table's unique keys must.
            models.UniqueConstraint(fields=["paper", "school", "school_year"], condition=Q(superseded_by__isnull=True),
                                    name="one_current_block_per_paper_school"),
        ]

    def __str__(self) -> str:
        return f"{self.paper_id}@{self.school_id}"


class PaperSummary(models.Model):
    """The precomputed analysis of a paper (every unit's indicators), re-merged after each import,
    so pages answer without touching the score blocks."""

    paper = models.OneToOneField(Paper, on_delete=models.CASCADE, related_name="summary")
    # Regions and schools, items, reliability, blueprint rates: what the overview reads. Class
    # rows are in ClassSummary, one row per school: a city exam has ~10⁴ classes per paper and
    # the overview must not parse them on every request.
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "试卷分析结果"
        verbose_name_plural = "试卷分析结果"

    def __str__(self) -> str:
        return f"试卷{self.paper_id}分析"


class ClassSummary(models.Model):
    """The precomputed class rows of one school for one paper (see PaperSummary)."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="class_summaries")
    school_key = models.CharField(max_length=24)  # "s:<学校标识码>", as in the summary's units
    rows = models.JSONField(default=list)

    class Meta:
        verbose_name = "班级分析结果"
        verbose_name_plural = "班级分析结果"
        constraints = [models.UniqueConstraint(fields=["paper", "school_key"], name="class_summary_unique")]

    def __str__(self) -> str:
        return self.school_key


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "计算中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class IrtRun(models.Model):
    """An IRT calibration (2PL or GRM, analytics.md §9) run as a background task."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="irt_runs")
    model = models.CharField("模型", max_length=4)
    status = models.CharField("状态", max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    result = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "IRT 计算"
        verbose_name_plural = "IRT 计算"

    def __str__(self) -> str:
        return f"{self.model} {self.get_status_display()}"


class RuleKind(models.TextChoices):
    BELOW_REGION = "below_region", "学校或班级低于区域均值超过 k 个标准差"
    DROP = "drop", "较本单位上次考试下降"
    LOW_RATE = "low_rate", "低分率高于警戒线"
    TEACHER_BELOW_PEERS = "teacher_below_peers", "教师连续 N 次低于本校平行班均分"
    HEAD_TENURE = "head_tenure", "校长任期内学校质量没有提升"


class WarningRule(models.Model):
    """A configurable early-warning rule set by a region for its subtree (004 (六)1 预警通报)."""

    org = models.ForeignKey(OrgNode, verbose_name="设定单位", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("规则", max_length=20, choices=RuleKind.choices)
    params = models.JSONField("参数", default=dict, blank=True)
    is_active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["org__path", "kind"]
        verbose_name = "预警规则"
        verbose_name_plural = "预警规则"

    def __str__(self) -> str:
        return self.get_kind_display()


class WarningStatus(models.TextChoices):
    OPEN = "open", "待处理"
    ACTING = "acting", "处理中"
    CLOSED = "closed", "已关闭"


class EarlyWarning(models.Model):
    """A warning raised by a rule for one unit (school, class, teacher, principal), with evidence."""

    rule = models.ForeignKey(WarningRule, on_delete=models.CASCADE, related_name="warnings")
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="warnings")
    paper = models.ForeignKey(Paper, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    norm_code = models.CharField("规范", max_length=32)
    school = models.ForeignKey(OrgNode, on_delete=models.CASCADE, related_name="+")
    class_label = models.CharField("班级", max_length=30, blank=True)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField("预警", max_length=200)
    evidence = models.JSONField("证据", default=dict)
    status = models.CharField("状态", max_length=8, choices=WarningStatus.choices, default=WarningStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "预警"
        verbose_name_plural = "预警"
        constraints = [
            models.UniqueConstraint(fields=["rule", "exam", "paper", "school", "class_label", "person"],
                                    name="warning_once_per_unit", nulls_distinct=False),
        ]

    def __str__(self) -> str:
        return self.title


class ActionKind(models.TextChoices):
    """What answers a warning. Later kinds (a diagnostic visit, a 送教 order, a rectification item)
    are new choices whose records live in their own apps, linked by `ref_app`/`ref_id`."""

    NOTE = "note", "处理意见"
    FOLLOW_UP = "follow_up", "跟进任务"
    VISIT = "visit", "诊断性视导"
    SEND_TEACHING = "send_teaching", "送教"
    RECTIFICATION = "rectification", "整改事项"


class WarningAction(models.Model):
    """An answer to a warning with an owner and a date; a generic reference points at the record
    of another app that carries it out (visits, liaison ...), so new kinds need no change here."""

    warning = models.ForeignKey(EarlyWarning, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField("方式", max_length=16, choices=ActionKind.choices)
    owner = models.ForeignKey(Person, verbose_name="负责人", on_delete=models.PROTECT, related_name="+")
    due = models.DateField("完成期限")
    note = models.TextField("内容")
    ref_app = models.CharField(max_length=30, blank=True)
    ref_id = models.CharField(max_length=40, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due", "id"]
        verbose_name = "预警处理"
        verbose_name_plural = "预警处理"

    def __str__(self) -> str:
        return self.get_kind_display()


# ---------------------------------------------------------------- item bank (题库, issue 15)


class BankItemQuerySet(models.QuerySet["BankItem"]):
    def under(self, path: str) -> BankItemQuerySet:
        return self.filter(org__path__startswith=path)


def bank_file_path(instance: BankItem, filename: str) -> str:
    import uuid

    return f"quality/bank/{uuid.uuid4().hex[:12]}-{filename[-80:]}"


class BankItem(models.Model):
    """An item of an org node's bank (题库): what it measures in the blueprint's vocabulary
    (知识点, 能力层级 as quality.models.Item), and its statistics from every exam it was used in
    (BankItemUse). The summary columns (`uses`, `difficulty`, ...) are recomputed from the uses
    by the link service, so the bank list filters by difficulty without reading the history."""

    org = models.ForeignKey(OrgNode, verbose_name="所属单位", on_delete=models.PROTECT, related_name="bank_items")
    subject = models.ForeignKey(Subject, verbose_name="学科", on_delete=models.PROTECT, related_name="+")
    stage = models.CharField("学段", max_length=10, choices=Stage.choices)
    grade = models.PositiveSmallIntegerField("年级", null=True, blank=True)
    kind = models.CharField("题型", max_length=10, choices=ItemKind.choices, default=ItemKind.SUBJECTIVE)
    max_score = models.DecimalField("满分", max_digits=5, decimal_places=1)
    knowledge_point = models.CharField("知识点", max_length=60)
    ability = models.CharField("能力层级", max_length=30)
    stem = models.TextField("题干", blank=True)
    # The item as set (a scan, a Word file with formulas and figures), checked on upload by
    # observe.attachments.check_upload and served by attachment_response.
    stem_file = models.FileField("题目文件", upload_to=bank_file_path, blank=True)
    stem_file_name = models.CharField("题目文件名", max_length=120, blank=True)
    answer = models.TextField("答案与评分要点", blank=True)
    source = models.CharField("来源", max_length=200, blank=True)
    # Summaries over the uses (n-weighted), refreshed by quality.services.itembank.
    uses = models.PositiveIntegerField("使用次数", default=0)
    students = models.PositiveIntegerField("累计作答人数", default=0)
    difficulty = models.FloatField("难度P", null=True, blank=True)
    discrimination = models.FloatField("区分度", null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[BankItemQuerySet] = BankItemQuerySet.as_manager()  # type: ignore[assignment]  # as Exam.objects

    class Meta:
        ordering = ["knowledge_point", "ability", "id"]
        verbose_name = "题库题目"
        verbose_name_plural = "题库题目"
        indexes = [models.Index(fields=["org", "subject", "stage"], name="bank_item_scope")]
        constraints = [
            models.CheckConstraint(condition=Q(max_score__gt=0), name="bank_item_max_positive"),
            models.CheckConstraint(condition=Q(grade__isnull=True) | (Q(grade__gte=1) & Q(grade__lte=12)),
                                   name="bank_item_grade_1_to_12"),
        ]

    def __str__(self) -> str:
        return f"{self.knowledge_point}·{self.ability}（{self.max_score}分）"

    @property
    def code(self) -> str:
        return f"TK{self.pk:06d}"


class BankItemUse(models.Model):
    """One use of a bank item in an exam: the exam paper's item and its statistics there
    (difficulty P = x̄/W, discrimination with its method, item SD and item–total r, the IRT a/b
    of the paper's latest finished calibration where one exists)."""

    bank_item = models.ForeignKey(BankItem, on_delete=models.CASCADE, related_name="history")
    paper_item = models.OneToOneField(Item, on_delete=models.CASCADE, related_name="bank_use")
    n = models.PositiveIntegerField("作答人数")
    difficulty = models.FloatField("难度P", null=True)
    discrimination = models.FloatField("区分度", null=True)
    discrimination_method = models.CharField("区分度方法", max_length=24, blank=True)
    item_total_r = models.FloatField("题总相关", null=True)
    sd = models.FloatField("标准差", null=True)
    irt_model = models.CharField("IRT 模型", max_length=4, blank=True)
    irt_a = models.FloatField("IRT 区分度a", null=True)
    irt_b = models.FloatField("IRT 难度b", null=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["bank_item_id", "recorded_at", "id"]
        verbose_name = "题目使用记录"
        verbose_name_plural = "题目使用记录"

    def __str__(self) -> str:
        return f"{self.bank_item_id}@{self.paper_item_id}"


class DraftPaper(models.Model):
    """A paper assembled from the bank (组卷): its blueprint, target, the chosen items in order
    and the prediction made when it was saved."""

    org = models.ForeignKey(OrgNode, verbose_name="题库单位", on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(Subject, verbose_name="学科", on_delete=models.PROTECT, related_name="+")
    stage = models.CharField("学段", max_length=10, choices=Stage.choices)
    name = models.CharField("试卷名称", max_length=100)
    target_difficulty = models.FloatField("目标难度")
    blueprint = models.JSONField("双向细目表", default=list)
    prediction = models.JSONField("预测", default=dict)
    items = models.ManyToManyField(BankItem, through="DraftPaperItem", related_name="+")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "组卷草稿"
        verbose_name_plural = "组卷草稿"

    def __str__(self) -> str:
        return self.name


class DraftPaperItem(models.Model):
    draft = models.ForeignKey(DraftPaper, on_delete=models.CASCADE, related_name="rows")
    bank_item = models.ForeignKey(BankItem, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField("序号")

    class Meta:
        ordering = ["draft_id", "number"]
        constraints = [models.UniqueConstraint(fields=["draft", "number"], name="draft_item_number_unique")]

    def __str__(self) -> str:
        return f"{self.draft_id}#{self.number}"
