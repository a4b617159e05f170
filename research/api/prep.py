"""JSON API of collective preparation: the sessions a user sees (the same selector as the
archive page) and one session with its steps, versions and members' standing."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from api.auth import current_user
from api.pagination import Page, PageQuery, paginate
from research import access
from research.models.prep import PrepSession, PrepStep
from research.prep_selectors import PrepFilter, prep_list, prep_workflow

router = Router()


class SessionOut(Schema):
    id: int
    topic: str
    school: str = Field(title="学校代码")
    group: str = Field(title="备课组")
    term: str = Field(title="学期", description="如 2026-1")
    lead: str = Field(title="主备人编号")
    step: str = Field(description="draft 个人初备 / discussion 集体研讨 / plan 教案生成 / personal 个性彰显 / "
                                  "reflection 课后反思 / closed 已完成")
    teach_on: dt.date | None = None
    signed_off: bool
    checked: bool
    rating: str = Field(title="评价等级", description="优/良/中/差，空为未评价")


class VersionOut(Schema):
    id: int
    kind: str = Field(description="draft 初备稿 / shared 共案 / personal 个案")
    author: str = Field(title="作者编号")
    version: int
    note: str
    body: str


class MemberOut(Schema):
    person: str = Field(title="人员编号")
    name: str
    personal: bool = Field(title="已交个案")
    reflected: bool = Field(title="已反思")


class SessionDetail(SessionOut):
    steps_done: list[str]
    missing: list[str] = Field(title="尚缺")
    versions: list[VersionOut]
    members: list[MemberOut]


def _out(s: PrepSession) -> SessionOut:
    return SessionOut(id=s.pk, topic=s.topic, school=s.school.code, group=s.group.name, term=s.term.key,
                      lead=s.lead.code, step=s.step, teach_on=s.teach_on, signed_off=s.signed_off_at is not None,
                      checked=s.checked_at is not None, rating=s.rating)


class SessionQuery(PageQuery):
    school: str = Field("", max_length=16, title="学校代码")
    term: str = Field("", max_length=8, title="学期", description="如 2026-1")
    group: int | None = Field(None, title="备课组id")
    step: PrepStep | None = Field(None, title="环节")


@router.get("/prep", response=Page[SessionOut], url_name="research_prep_list", summary="集体备课列表")
def session_list(request: HttpRequest, filters: Query[SessionQuery]) -> Page[SessionOut]:
    user = current_user(request)
    f = PrepFilter(school=filters.school, term=filters.term, group=filters.group,
                   step=filters.step.value if filters.step else "")
    return paginate(prep_list(user, f), filters, _out)


@router.get("/prep/{session_id}", response=SessionDetail, url_name="research_prep_detail", summary="集体备课详情")
def session_detail(request: HttpRequest, session_id: int) -> SessionDetail:
    user = current_user(request)
    s = access.get_prep_session_for_user(user, session_id)
    wf = prep_workflow(s)
    versions = [VersionOut(id=d.pk, kind=d.kind, author=d.author.code, version=d.version, note=d.note, body=d.body)
                for d in wf.drafts + wf.shared + wf.personal]
    members = [MemberOut(person=m["person"].code, name=m["person"].name, personal=m["personal"],
                         reflected=m["reflected"]) for m in wf.members]
    return SessionDetail(**_out(s).model_dump(), steps_done=[st["code"] for st in wf.steps if st["done"]],
                         missing=list(wf.missing), versions=versions, members=members)
