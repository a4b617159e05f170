"""Subject groups (教研组) and preparation groups (备课组) of schools, per term."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Query, Router

from api.auth import current_user
from api.pagination import Page, PageQuery, paginate
from core.access import (
    get_group_for_user,
    get_node_for_user,
    group_members_visible_to,
    groups_visible_to,
    visible_member_counts,
)
from core.api.schemas import GroupDetail, GroupOut, group_out, member_out
from core.models import GroupKind, GroupStatus, Subject
from core.paths import under_q

router = Router(tags=["教研组"])

TERM_KEY_PATTERN = r"^\d{4}-[12]$"


class GroupQuery(PageQuery):
    school: str | None = Field(None, title="学校代码", description="也可以是区域代码：列出其下各校的组")
    term: str | None = Field(None, pattern=TERM_KEY_PATTERN, title="学期标识", description="如 2026-1")
    kind: GroupKind | None = Field(None, title="类别")
    status: GroupStatus | None = Field(None, title="状态")


@router.get("", response=Page[GroupOut], url_name="group_list", summary="教研组列表（按学校、学期）")
def group_list(request: HttpRequest, filters: Query[GroupQuery]) -> Page[GroupOut]:
    user = current_user(request)
    qs = groups_visible_to(user)
    if filters.school:
        qs = qs.filter(under_q([get_node_for_user(user, filters.school).path], "school__path"))
    if filters.term:
        qs = qs.filter(term_key=filters.term)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    qs = (qs.prefetch_related(Prefetch("subjects", queryset=Subject.objects.order_by("sort")))
          .order_by("school__path", "term_key", "kind", "name"))
    counts: dict[int, int] = {}
    return paginate(qs, filters, lambda g: group_out(g, counts.get(g.pk, 0)),
                    prepare=lambda rows: counts.update(visible_member_counts(user, rows)))


@router.get("/{group_id}", response=GroupDetail, url_name="group_detail", summary="教研组详情（含成员）")
def group_detail(request: HttpRequest, group_id: int) -> GroupDetail:
    user = current_user(request)
    group = get_group_for_user(user, group_id)
    # The roster as the group page shows it: narrowed to the people the caller may see.
    members = list(group_members_visible_to(user, group))
    return GroupDetail(**group_out(group, len(members)).model_dump(), members=[member_out(m) for m in members])
