"""People: search within the caller's scope, one person with posts and designations, and
creating a person (region admins of the employing unit)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import field_validator

from api.auth import current_user
from api.errors import FieldError
from api.pagination import Page, PageQuery, paginate
from core import services
from core.access import can_manage_node, get_node_for_user, get_person_for_user, posts_visible_to, require
from core.api.schemas import PersonDetail, PersonOut, designation_out, person_out, post_out
from core.models import Gender, Person, Role, Stage, Subject, Title
from core.selectors import PeopleFilter, people_matching

router = Router(tags=["人员"])


class PersonQuery(PageQuery):
    q: str | None = Field(None, max_length=40, title="姓名、拼音、首字母或人员编号",
                          description="`zwh` 可找到张文华")
    subject: str | None = Field(None, title="学科代码", description="主教或兼教该学科")
    title: Title | None = Field(None, title="职称")
    stage: Stage | None = Field(None, title="任教学段")
    org: str | None = Field(None, title="单位代码", description="该单位（含下级）的人员")
    role: Role | None = Field(None, title="岗位", description="今天在任该岗位的人员")
    include_inactive: bool = Field(False, title="含离职人员", description="默认只列在职人员")


def _with_refs(qs: QuerySet[Person]) -> QuerySet[Person]:
    """What person_out reads, fetched with the page rather than per row."""
    return qs.select_related("org", "main_subject").prefetch_related(
        Prefetch("subjects", queryset=Subject.objects.order_by("sort", "code")))


@router.get("", response=Page[PersonOut], url_name="person_list", summary="人员列表")
def person_list(request: HttpRequest, filters: Query[PersonQuery]) -> Page[PersonOut]:
    user = current_user(request)
    chosen = PeopleFilter(q=filters.q or "", under=get_node_for_user(user, filters.org) if filters.org else None,
                          subject=filters.subject or "", title=filters.title or "", stage=filters.stage or "",
                          role=filters.role or "", include_inactive=filters.include_inactive)
    return paginate(_with_refs(people_matching(user, chosen)), filters, person_out)


def _detail(request: HttpRequest, person: Person) -> PersonDetail:
    user = current_user(request)
    today = timezone.localdate()
    posts = posts_visible_to(user).filter(person=person).order_by("-start", "pk")
    return PersonDetail(
        **person_out(person).model_dump(),
        birth_year=person.birth_year,
        posts=[post_out(p, today) for p in posts],
        designations=[designation_out(d) for d in person.designations.all()],
    )


@router.get("/{code}", response=PersonDetail, url_name="person_detail", summary="人员详情（含任职与荣誉称号）")
def person_detail(request: HttpRequest, code: str) -> PersonDetail:
    person = get_person_for_user(current_user(request), code)
    return _detail(request, person)


class PersonIn(Schema):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[0-9A-Za-z_-]+$", title="人员编号")
    name: str = Field(min_length=1, max_length=40, title="姓名")
    org: str = Field(min_length=1, max_length=16, title="工作单位代码")
    gender: Gender | None = Field(None, title="性别")
    birth_year: int | None = Field(None, ge=1940, le=2010, title="出生年份")
    title: Title = Field(Title.NONE, title="职称")
    stage: Stage | None = Field(None, title="任教学段")
    main_subject: str | None = Field(None, title="主教学科代码")
    subjects: list[str] = Field(default_factory=list, title="兼教学科代码")
    teaching_since: int | None = Field(None, ge=1950, le=2100, title="从教年份")
    phone: str = Field("", max_length=20, title="电话")

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("不能只含空格")
        return value

    @field_validator("teaching_since")
    @classmethod
    def _not_in_future(cls, value: int | None) -> int | None:
        if value is not None and value > dt.date.today().year:
            raise ValueError("不能晚于今年")
        return value


def _subjects(codes: list[str], field: str) -> list[Subject]:
    found = {s.code: s for s in Subject.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise FieldError(field, "没有这个学科：" + "、".join(unknown), label=PersonIn.model_fields[field].title)
    return [found[c] for c in codes]


@router.post("", response={201: PersonDetail}, url_name="person_list", summary="新增人员（区域管理员）")
def person_create(request: HttpRequest, payload: PersonIn) -> Status[PersonDetail]:
    user = current_user(request)
    org = get_node_for_user(user, payload.org)
    require(can_manage_node(user, org))
    main = _subjects([payload.main_subject], "main_subject")[0] if payload.main_subject else None
    subjects = _subjects(payload.subjects, "subjects")
    # The service is atomic: the person, their subjects and the audit event land together. A
    # taken code gets one answer whoever holds it (core.services.PERSON_CODE_TAKEN).
    person = services.person_create(
        actor=user, code=payload.code, name=payload.name, org=org, gender=payload.gender or "",
        birth_year=payload.birth_year, title=payload.title, stage=payload.stage or "", main_subject=main,
        subjects=subjects, teaching_since=payload.teaching_since, phone=payload.phone,
    )
    return Status(201, _detail(request, get_person_for_user(user, person.code)))
