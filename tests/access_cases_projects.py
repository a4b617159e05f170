"""Access-matrix rows for the projects app's pages and API (projects:*, api-v1:projects_project_*)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.access_cases import ALL_ROLES, COUNTY_A_ROLES, EVERYONE, Case

# A county-level project of school A1, led by the teacher, with the group leader as a member and
# teacher A2 as an assigned expert: county A's roles, A1's managers, the team and the expert read it.
READERS = frozenset(COUNTY_A_ROLES | {"principal", "vice_principal", "middle_manager", "teacher", "group_leader",
                                      "teacher_a2"})
# The approving body (county A): its admin, institute head and full-time researchers, or above.
MANAGERS = frozenset({"sysadmin", "institute_head", "province_researcher", "city_researcher", "county_researcher",
                      "county_admin"})
# Documents and outcomes: the leader, the members, the managers.
EDITORS = frozenset(MANAGERS | {"teacher", "group_leader"})
# The team is the leader's to form (and the managers').
TEAM_EDITORS = frozenset(MANAGERS | {"teacher"})
# Anyone with a person record and a post files a project.
FILERS = frozenset(set(ALL_ROLES) - {"no_post", "sysadmin"})
# The yearly counts: region roles and school managers (their own node).
STATS_READERS = frozenset(set(ALL_ROLES) - {"teacher", "group_leader", "teacher_a2", "outside_teacher", "no_post"})

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_project(cast: Any) -> Any:
    """The approved project the rows open (also seeded for the content crawl), its opening report
    in, so that 开题 may follow."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from projects import services as svc

    p = svc.project_create(actor=None, leader=cast.people["teacher"], title="小店区初中语文整本书阅读教学研究",
                           level="county", applied_on=dt.date(2026, 3, 1), planned_end=dt.date(2028, 6, 30),
                           application="研究设计")
    svc.member_add(actor=None, project=p, person=cast.people["group_leader"], role="core")
    p = svc.project_advance(actor=None, project=p, target="approved", on=dt.date(2026, 4, 1))
    svc.document_add(actor=None, project=p, kind="opening", title="开题报告",
                     upload=SimpleUploadedFile("开题报告.pdf", PDF))
    svc.review_assign(actor=None, project=p, stage="concluded", expert=cast.people["teacher_a2"])
    return p


def _project(cast: Any) -> list[Any]:
    return [make_project(cast).pk]


def _document(cast: Any) -> list[Any]:
    return [make_project(cast).documents.exclude(file="").get().pk]


def _review(cast: Any) -> list[Any]:
    return [make_project(cast).reviews.get().pk]



CASES = [
    Case("projects:home", EVERYONE, note="每个登录用户都能打开课题首页（只列出其可见的课题）"),
    Case("projects:home", EVERYONE, query="side=managed&level=county&status=approved&year=2026", note="filtered"),
    Case("projects:new", FILERS, note="有人员档案和岗位的用户可申报课题"),
    Case("projects:detail", READERS, args=_project),
    Case("projects:advance", MANAGERS, args=_project, method="POST", data=lambda c: {"target": "opened"},
         ok_status=(302,), note="立项单位的管理员、负责人和专职教研员变更阶段"),
    Case("projects:set_key", MANAGERS, args=_project, method="POST", data=lambda c: {"is_key": "on"},
         ok_status=(302,)),
    Case("projects:member_add", TEAM_EDITORS, args=_project, method="POST",
         data=lambda c: {"person": c.people["part_time_researcher"].code, "role": "member"}, ok_status=(302,)),
    Case("projects:document_add", EDITORS, args=_project, method="POST",
         data=lambda c: {"kind": "other", "title": "研究日志", "text": "第一次课例研讨"}, ok_status=(302,)),
    Case("projects:document_file", READERS, args=_document),
    Case("projects:review_assign", MANAGERS, args=_project, method="POST",
         data=lambda c: {"stage": "midterm", "expert": c.people["county_researcher"].code}, ok_status=(302,)),
    Case("projects:outcome_add", EDITORS, args=_project, method="POST",
         data=lambda c: {"kind": "paper", "title": "整本书阅读的课堂实践", "level": "county", "on": "2026-05-01"},
         ok_status=(302,)),
    Case("projects:reviews", EVERYONE, note="每个登录用户都能打开自己的评审任务"),
    Case("projects:review", frozenset({"teacher_a2"}), args=_review, note="只有被指派的评审专家"),
    Case("projects:stats", STATS_READERS),
    Case("projects:stats_xlsx", STATS_READERS),
    Case("api-v1:projects_project_list", EVERYONE),
    Case("api-v1:projects_project_list", FILERS, method="POST", ok_status=(201,), note="create",
         data=lambda c: {"title": "新申报课题", "level": "province", "planned_end": "2029-06-30"}),
    Case("api-v1:projects_project_detail", READERS, args=_project),
]


def _applied(cast: Any) -> list[Any]:
    from projects import services as svc

    p = svc.project_create(actor=None, leader=cast.people["teacher"], title="待立项的课题", level="county",
                           applied_on=dt.date(2026, 3, 1), planned_end=dt.date(2028, 6, 30))
    return [p.pk]


def _member(cast: Any) -> list[Any]:
    return [make_project(cast).members.get().pk]


# The basic fields: after 立项 the approving body's; before it, the leader's too.
CASES += [
    Case("projects:edit", MANAGERS, args=_project, note="已立项：立项单位"),
    Case("projects:edit", frozenset(MANAGERS | {"teacher"}), args=_applied, note="立项前：主持人也可修改"),
    Case("projects:member_edit", TEAM_EDITORS, args=_member),
    Case("projects:member_remove", TEAM_EDITORS, args=_member),
    Case("projects:member_remove", TEAM_EDITORS, args=_member, method="POST", ok_status=(302,), note="post"),
]
