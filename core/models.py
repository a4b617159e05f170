"""The trunk every domain hangs on: org tree, people and posts, terms, groups, norms, audit.

Visibility is decided in core.access, never here; these querysets only offer reusable filters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.paths import ancestor_paths, subtree_or_ancestors_q


class Stage(models.TextChoices):
    PRESCHOOL = "preschool", "学前"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中"


class OrgKind(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县（区）"
    TOWNSHIP = "township", "乡镇（街道）"
    SCHOOL = "school", "学校"


class SchoolType(models.TextChoices):
    KINDERGARTEN = "kindergarten", "幼儿园"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初级中学"
    SENIOR = "senior", "高级中学"
    NINE_YEAR = "nine_year", "九年一贯制学校"
    COMPLETE = "complete", "完全中学"
    TWELVE_YEAR = "twelve_year", "十二年一贯制学校"


# Which stages each school type teaches; a school's stages follow from its type.
SCHOOL_TYPE_STAGES: dict[str, tuple[str, ...]] = {
    SchoolType.KINDERGARTEN: (Stage.PRESCHOOL,),
    SchoolType.PRIMARY: (Stage.PRIMARY,),
    SchoolType.JUNIOR: (Stage.JUNIOR,),
    SchoolType.SENIOR: (Stage.SENIOR,),
    SchoolType.NINE_YEAR: (Stage.PRIMARY, Stage.JUNIOR),
    SchoolType.COMPLETE: (Stage.JUNIOR, Stage.SENIOR),
    SchoolType.TWELVE_YEAR: (Stage.PRIMARY, Stage.JUNIOR, Stage.SENIOR),
}


class Locale(models.TextChoices):
    URBAN = "urban", "城区"
    TOWN = "town", "镇区"
    RURAL = "rural", "乡村"


class OrgNodeQuerySet(models.QuerySet["OrgNode"]):
    def under(self, path: str) -> OrgNodeQuerySet:
        """Everything in the subtree rooted at the node with this path (itself included)."""
        return self.filter(path__startswith=path)

    def at_paths(self, paths: Iterable[str]) -> OrgNodeQuerySet:
        """The nodes with exactly these paths (ancestors for breadcrumbs, roll-up children)."""
        return self.filter(path__in=list(paths))

    def schools(self) -> OrgNodeQuerySet:
        return self.filter(kind=OrgKind.SCHOOL)

    def regions(self) -> OrgNodeQuerySet:
        return self.exclude(kind=OrgKind.SCHOOL)

    def subtree_or_ancestors(self, path: str) -> OrgNodeQuerySet:
        """The node with this path, everything under it and every region above it."""
        return self.filter(subtree_or_ancestors_q([path]))


class Affiliation(models.TextChoices):
    """Whom a school belongs to (学校隶属关系): routine-check rules (004 四(四): city-direct high
    schools every semester) and the yearly statistics by affiliation (001 一(一)) depend on it."""

    PROVINCE_DIRECT = "province_direct", "省直属"
    CITY_DIRECT = "city_direct", "市直属"
    COUNTY = "county", "区县属"
    TOWNSHIP = "township", "乡镇属"
    PRIVATE = "private", "民办"
    OTHER = "other", "其他"


class OrgNode(models.Model):
    """A region (province, city, county, township) or a school, in one tree.

    `path` is the chain of codes from the root, each followed by '/', so the subtree of a node
    is one indexed prefix query (`path LIKE 'a/b/%'`) on SQLite and PostgreSQL alike.
    Regions carry the 6-digit administrative-division code, schools the 10-digit 学校标识码.
    """

    code = models.CharField("代码", max_length=16, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类别", max_length=10, choices=OrgKind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField(default=0)
    # Regions: the names of their education bureau and 教研 institution.
    bureau_name = models.CharField("教育行政部门", max_length=100, blank=True)
    institute_name = models.CharField("教研机构", max_length=100, blank=True)
    # Schools.
    school_type = models.CharField("办学类型", max_length=16, choices=SchoolType.choices, blank=True)
    locale = models.CharField("城乡类别", max_length=8, choices=Locale.choices, blank=True)
    affiliation = models.CharField("隶属关系", max_length=16, choices=Affiliation.choices, blank=True, db_default="")
    is_weak = models.BooleanField("薄弱学校", default=False)
    is_teaching_point = models.BooleanField("教学点", default=False)
    class_count = models.PositiveIntegerField("班级数", default=0)
    student_count = models.PositiveIntegerField("学生数", default=0)
    address = models.CharField("地址", max_length=200, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgNodeQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = "组织节点"
        verbose_name_plural = "组织节点"
        indexes = [models.Index(fields=["kind", "path"], name="orgnode_kind_path")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="school") | Q(school_type=""), name="orgnode_only_schools_have_type"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_school(self) -> bool:
        return self.kind == OrgKind.SCHOOL

    @property
    def stages(self) -> tuple[str, ...]:
        return SCHOOL_TYPE_STAGES.get(self.school_type, ())

    @property
    def stage_labels(self) -> str:
        return "、".join(Stage(s).label for s in self.stages)

    def ancestor_paths(self) -> list[str]:
        """Paths of this node and every ancestor, root first."""
        return ancestor_paths(self.path)

    def ancestors(self) -> list[OrgNode]:
        paths = self.ancestor_paths()[:-1]
        return list(OrgNode.objects.filter(path__in=paths).order_by("depth"))


class Subject(models.Model):
    """A school subject per the national curriculum; `merge_key` is the data that says which
    small subjects share a 教研组 (GROUP.FORM: fewer than 3 teachers merge with a related subject)."""

    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=20)
    short = models.CharField("简称", max_length=4, blank=True)
    stages = models.JSONField("开设学段", default=list)
    merge_key = models.CharField("合并组", max_length=20, blank=True)
    merge_name = models.CharField("合并组名称", max_length=30, blank=True)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = "学科"
        verbose_name_plural = "学科"

    def __str__(self) -> str:
        return self.name


class Title(models.TextChoices):
    """Professional titles after the 2015 reform; old names are mapped on import (core.importing)."""

    SENIOR_PROF = "zhenggao", "正高级教师"
    SENIOR = "gaoji", "高级教师"
    FIRST = "yiji", "一级教师"
    SECOND = "erji", "二级教师"
    THIRD = "sanji", "三级教师"
    NONE = "none", "未定级"


# Title rank for comparisons such as RES.QUALIFY_TITLE (>= 中级, which is 一级教师).
TITLE_RANK: dict[str, int] = {
    Title.SENIOR_PROF: 5, Title.SENIOR: 4, Title.FIRST: 3, Title.SECOND: 2, Title.THIRD: 1, Title.NONE: 0,
}
TITLE_LEVEL_LABEL: dict[str, str] = {
    Title.SENIOR_PROF: "正高级", Title.SENIOR: "副高级", Title.FIRST: "中级", Title.SECOND: "初级",
    Title.THIRD: "初级", Title.NONE: "未定级",
}


class Gender(models.TextChoices):
    MALE = "m", "男"
    FEMALE = "f", "女"


class PersonQuerySet(models.QuerySet["Person"]):
    def under(self, path: str) -> PersonQuerySet:
        """People employed anywhere in the subtree rooted at the node with this path."""
        return self.filter(org__path__startswith=path)

    def search(self, q: str) -> PersonQuerySet:
        """Name, full pinyin or initials prefix (`zwh` finds 张文华), or staff code."""
        q = q.strip()
        if not q:
            return self
        lowered = q.lower().replace(" ", "")
        if lowered.isascii():
            # Latin letters are pinyin or initials, digits a staff code: all prefix lookups the
            # (pattern-ops) indexes answer, never a scan for a substring no Chinese name holds.
            cond = Q(code=q) | Q(code__startswith=q.upper())
            if lowered.isalpha():
                cond |= Q(pinyin__startswith=lowered) | Q(initials__startswith=lowered)
            return self.filter(cond)
        return self.filter(Q(name__contains=q) | Q(code=q))


class Person(models.Model):
    """A teacher, researcher or leader. `code` is the person's staff identifier (教职工号), the
    import key; `org` is the unit that employs the person (a school or a region's institute)."""

    code = models.CharField("人员编号", max_length=32, unique=True)
    name = models.CharField("姓名", max_length=40)
    pinyin = models.CharField("拼音", max_length=120, db_index=True)
    initials = models.CharField("拼音首字母", max_length=20, db_index=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField("出生年份", null=True, blank=True)
    org = models.ForeignKey(OrgNode, verbose_name="工作单位", on_delete=models.PROTECT, related_name="staff")
    title = models.CharField("职称", max_length=10, choices=Title.choices, default=Title.NONE)
    stage = models.CharField("任教学段", max_length=10, choices=Stage.choices, blank=True)
    main_subject = models.ForeignKey(Subject, verbose_name="主教学科", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="main_teachers")
    subjects = models.ManyToManyField(Subject, verbose_name="兼教学科", blank=True, related_name="+")
    teaching_since = models.PositiveSmallIntegerField("从教年份", null=True, blank=True)
    phone = models.CharField("电话", max_length=20, blank=True)
    is_active = models.BooleanField("在职", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["pinyin", "code"]
        verbose_name = "人员"
        verbose_name_plural = "人员"

    def __str__(self) -> str:
        return self.name

    @property
    def title_level(self) -> str:
        return TITLE_LEVEL_LABEL.get(self.title, "")

    def years_teaching(self, at: dt.date | None = None) -> int | None:
        if self.teaching_since is None:
            return None
        return (at or timezone.localdate()).year - self.teaching_since


class Role(models.TextChoices):
    ADMIN = "admin", "区域管理员"
    INSTITUTE_HEAD = "institute_head", "教研机构负责人"
    RESEARCHER = "researcher", "专职教研员"
    PART_TIME_RESEARCHER = "part_time_researcher", "兼职教研员"
    BUREAU_VIEWER = "bureau_viewer", "教育行政查看"
    PRINCIPAL = "principal", "校长"
    VICE_PRINCIPAL = "vice_principal", "教学副校长"
    MIDDLE_MANAGER = "middle_manager", "中层干部（教务/教科研）"
    GROUP_LEADER = "group_leader", "教研组长"
    PREP_LEADER = "prep_leader", "备课组长"
    HOMEROOM = "homeroom", "班主任"
    TEACHER = "teacher", "教师"


# Roles that count as school leaders (校领导) for LEAD.OBSERVE_HEAD, and middle managers.
SCHOOL_LEADER_ROLES = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)
REGION_ROLES = (Role.ADMIN, Role.INSTITUTE_HEAD, Role.RESEARCHER, Role.PART_TIME_RESEARCHER, Role.BUREAU_VIEWER)
RESEARCHER_ROLES = (Role.RESEARCHER, Role.PART_TIME_RESEARCHER)


class PostQuerySet(models.QuerySet["Post"]):
    def active(self, on: dt.date | None = None) -> PostQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(start__lte=day) | Q(start__isnull=True), Q(end__gte=day) | Q(end__isnull=True))

    def overlapping(self, start: dt.date, end: dt.date) -> PostQuerySet:
        return self.filter(Q(start__lte=end) | Q(start__isnull=True), Q(end__gte=start) | Q(end__isnull=True))


class Post(models.Model):
    """A role held at an org node, optionally for one subject and stage, for a time span."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="posts")
    role = models.CharField("岗位", max_length=24, choices=Role.choices)
    org = models.ForeignKey(OrgNode, verbose_name="单位", on_delete=models.PROTECT, related_name="posts")
    subject = models.ForeignKey(Subject, verbose_name="学科", null=True, blank=True, on_delete=models.PROTECT)
    stage = models.CharField("学段", max_length=10, choices=Stage.choices, blank=True)
    grade = models.PositiveSmallIntegerField("年级", null=True, blank=True)
    start = models.DateField("开始", null=True, blank=True)
    end = models.DateField("结束", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["person_id", "start"]
        verbose_name = "岗位任职"
        verbose_name_plural = "岗位任职"
        indexes = [models.Index(fields=["role", "org"], name="post_role_org")]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=models.F("start")),
                                   name="post_ends_after_start"),
        ]

    def __str__(self) -> str:
        bits = [self.org.name, self.get_role_display()]
        if self.subject is not None:
            bits.append(self.subject.name)
        return " ".join(bits)


class DesignationKind(models.TextChoices):
    LEADER = "leader", "学科带头人"
    BACKBONE = "backbone", "骨干教师"
    MASTER = "master", "名师"
    STAR = "star", "教学能手"
    PRINCIPAL_MASTER = "master_principal", "名校长"


class Level(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    SCHOOL = "school", "校级"


class Designation(models.Model):
    """A title of honour such as 骨干教师 from a programme, with level and period; not a role."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="designations")
    kind = models.CharField("称号", max_length=20, choices=DesignationKind.choices)
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    programme = models.CharField("项目", max_length=100, blank=True)
    start = models.DateField("开始", null=True, blank=True)
    end = models.DateField("结束", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start"]
        verbose_name = "荣誉称号"
        verbose_name_plural = "荣誉称号"

    def __str__(self) -> str:
        return f"{self.get_level_display()}{self.get_kind_display()}"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A login. Chinese names do not split into first and last, so there is one `name`."""

    username = models.CharField("用户名", max_length=64, unique=True)
    name = models.CharField("姓名", max_length=40, blank=True)
    person = models.OneToOneField(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="user")
    is_staff = models.BooleanField("可进入后台", default=False)
    is_active = models.BooleanField("启用", default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.name or self.username


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"


class LoginAttempt(models.Model):
    """Failed logins, kept in the database so throttling holds across server processes."""

    username = models.CharField(max_length=64, db_index=True)
    ip = models.CharField(max_length=45, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.username}@{self.ip}"


class Semester(models.IntegerChoices):
    FIRST = 1, "第一学期"
    SECOND = 2, "第二学期"


class Term(models.Model):
    """A semester of a school year as a region sets it; nodes below inherit the nearest one."""

    region = models.ForeignKey(OrgNode, on_delete=models.CASCADE, related_name="terms")
    school_year = models.PositiveSmallIntegerField("学年（起始年）")
    semester = models.PositiveSmallIntegerField("学期", choices=Semester.choices)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start"]
        verbose_name = "学期"
        verbose_name_plural = "学期"
        constraints = [
            models.UniqueConstraint(fields=["region", "school_year", "semester"], name="term_unique_per_region"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="term_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.school_year}—{self.school_year + 1}学年{Semester(self.semester).label}"

    @property
    def key(self) -> str:
        """Stable identifier of the semester across regions, e.g. '2026-1'."""
        return f"{self.school_year}-{self.semester}"


class GroupKind(models.TextChoices):
    SUBJECT = "subject", "教研组"
    PREP = "prep", "备课组"


class GroupStatus(models.TextChoices):
    PROPOSED = "proposed", "待确认"
    CONFIRMED = "confirmed", "已确认"


class TeachingGroup(models.Model):
    """A school's 教研组 or 备课组 for one semester (GROUP.FORM, GROUP.PREP)."""

    school = models.ForeignKey(OrgNode, on_delete=models.CASCADE, related_name="teaching_groups")
    term_key = models.CharField("学期", max_length=8)
    kind = models.CharField("类别", max_length=8, choices=GroupKind.choices)
    name = models.CharField("名称", max_length=40)
    subjects = models.ManyToManyField(Subject, verbose_name="学科", related_name="+")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="prep_groups")
    grade = models.PositiveSmallIntegerField("年级", null=True, blank=True)
    leader = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField("状态", max_length=10, choices=GroupStatus.choices, default=GroupStatus.PROPOSED)
    confirmed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["school", "kind", "name"]
        verbose_name = "教研组"
        verbose_name_plural = "教研组"
        constraints = [
            models.UniqueConstraint(fields=["school", "term_key", "name"], name="group_name_unique_per_term"),
            models.CheckConstraint(condition=Q(kind="subject", parent__isnull=True) | Q(kind="prep"),
                                   name="group_only_prep_has_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipRole(models.TextChoices):
    MAIN = "main", "主教学科"
    ATTENDING = "attending", "兼教参加"


class GroupMembership(models.Model):
    group = models.ForeignKey(TeachingGroup, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="group_memberships")
    role = models.CharField(max_length=10, choices=MembershipRole.choices, default=MembershipRole.MAIN)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "person"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.group} · {self.person}"


class Norm(models.Model):
    """A measurable requirement from spec/norms.md; the rows are loaded from core.norm_catalogue."""

    code = models.CharField("编码", max_length=32, unique=True)
    category = models.CharField("类别", max_length=30)
    title = models.CharField("要求", max_length=300)
    binds = models.CharField("适用对象", max_length=120, blank=True)
    period = models.CharField("周期", max_length=40, blank=True)
    source = models.CharField("出处", max_length=60)
    default_text = models.CharField("默认值", max_length=80, blank=True)
    # A norm is met within [threshold_min, threshold_max]; either end may be open (None).
    threshold_min = models.FloatField("默认最低值", null=True, blank=True)
    threshold_max = models.FloatField("默认最高值", null=True, blank=True)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort"]
        verbose_name = "规范"
        verbose_name_plural = "规范"

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def threshold(self) -> float | None:
        """The one number of a norm that has one: its minimum, else its maximum."""
        return self.threshold_min if self.threshold_min is not None else self.threshold_max


class NormOverride(models.Model):
    """A region's own threshold for a norm, applying to its subtree; the nearest one wins."""

    norm = models.ForeignKey(Norm, on_delete=models.CASCADE, related_name="overrides")
    region = models.ForeignKey(OrgNode, on_delete=models.CASCADE, related_name="norm_overrides")
    threshold_min = models.FloatField("最低值", null=True, blank=True)
    threshold_max = models.FloatField("最高值", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    set_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["norm", "region"], name="override_unique_per_region"),
            models.CheckConstraint(condition=Q(threshold_min__isnull=False) | Q(threshold_max__isnull=False),
                                   name="override_has_a_bound"),
            models.CheckConstraint(condition=Q(threshold_min__isnull=True) | Q(threshold_max__isnull=True)
                                   | Q(threshold_min__lte=models.F("threshold_max")), name="override_min_not_above_max"),
        ]

    def __str__(self) -> str:
        return f"{self.norm.code} @ {self.region}: {range_text(self.threshold_min, self.threshold_max)}"

    @property
    def threshold(self) -> float | None:
        """The override's minimum, else its maximum."""
        return self.threshold_min if self.threshold_min is not None else self.threshold_max

    @property
    def bounds(self) -> str:
        return range_text(self.threshold_min, self.threshold_max)


def range_text(low: float | None, high: float | None) -> str:
    """A threshold range as people write it: 1～4, ≥5, ≤3, —."""
    if low is not None and high is not None:
        return f"{low:g}" if low == high else f"{low:g}～{high:g}"
    if low is not None:
        return f"≥{low:g}"
    if high is not None:
        return f"≤{high:g}"
    return "—"


class AuditEvent(models.Model):
    """Who created, changed or deleted which record, when, with old and new values."""

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=8, choices=Action.choices)
    model = models.CharField(max_length=60, db_index=True)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(max_length=200)
    # The org path the record belongs to, so admins see only the events of their subtree.
    scope_path = models.CharField(max_length=255, blank=True, db_index=True)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"


class NormResultRow(models.Model):
    """One subject of a norm (a school, a person, a region) and how it stands, as last refreshed.

    Written only by core.norm_results.refresh_units, one set of rows per refresh unit (a school or
    a region) and term; a page reads and counts them for the subtree it shows (`path` prefix),
    never computing a metric. `term_key` is blank for norms counted over no term.
    """

    norm_code = models.CharField(max_length=32)
    term_key = models.CharField(max_length=8, blank=True)
    # The refresh unit the row was computed for (a school or a region), and where the row itself
    # sits (a region metric may place each row at its own region).
    unit = models.ForeignKey(OrgNode, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=255)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)  # the metric's own order
    label = models.CharField(max_length=200)
    meets = models.BooleanField()
    value = models.FloatField(null=True, blank=True)
    target = models.FloatField(null=True, blank=True)
    # For a value that is a share (a percentage): the counted part and the whole (observed and all
    # teachers of a school), so a page can merge shares over many rows (sum of parts over sum of
    # wholes) without recomputing the metric. Blank for other norms.
    done = models.FloatField(null=True, blank=True)
    of = models.FloatField(null=True, blank=True)
    detail = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    context = models.CharField(max_length=200, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["norm_code", "term_key", "path"], name="normrow_code_term_path"),
            models.Index(fields=["unit", "term_key"], name="normrow_unit_term"),
        ]

    def __str__(self) -> str:
        return f"{self.norm_code} {self.label}"


class NormUnit(models.Model):
    """The refresh state of one unit (a school or a region) for one term: when its norm rows were
    last computed, and whether a write since has made them stale (`dirty`). A unit with no row for
    a term has never been computed for it."""

    node = models.ForeignKey(OrgNode, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=255)
    term_key = models.CharField(max_length=8, blank=True)
    dirty = models.BooleanField(default=True)
    dirtied_at = models.DateTimeField(default=timezone.now)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    # The counts of the stored rows in the unit's whole subtree for the term (its own and every
    # computed unit below; the term's rows and the termless ones): {norm code: [total, met]},
    # kept by core.norm_results so a region's page sums nothing (a province holds millions of
    # rows). None until the unit is first computed.
    counts = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["node", "term_key"], name="normunit_unique_per_term")]
        indexes = [models.Index(fields=["term_key", "dirty", "path"], name="normunit_term_dirty_path"),
                   # A page's freshness over a subtree (core.norm_results._state): an index-only
                   # scan of the path prefix on PostgreSQL (pattern ops serve LIKE 'a/b/%').
                   models.Index(fields=["term_key", "path"], name="normunit_term_path_like",
                                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
                                include=["dirty", "refreshed_at"])]

    def __str__(self) -> str:
        return f"{self.path} {self.term_key} {'dirty' if self.dirty else 'clean'}"


# The roster sync's tables live in their own module (core/roster_models.py); importing them here
# registers them with the core app.
import core.roster_models  # noqa: E402, F401
