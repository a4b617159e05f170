"""Access-matrix rows for subject-group life (research:groups_home, group pages and forms, 联组,
the term summary; api-v1:research_group_*, research_joint_group_*).

School A1's 数学组 is led by the cast's group leader. It is read by every post at A1 and by the
region roles over A1, except the county's Chinese researcher (a subject researcher sees the groups
of his subject); its records are written by its leader and A1's managers. The 联组 of county A
(A1 and A2, led by the county researcher) is read by the region roles over county A and by the
posts at its member schools."""

from __future__ import annotations

from typing import Any

from tests.access_cases import EVERYONE, SCHOOL_A1_ROLES, Case

SCHOOL_READERS = SCHOOL_A1_ROLES
MATH_GROUP_READERS = frozenset(SCHOOL_A1_ROLES - {"county_researcher"})
A1_MANAGERS = frozenset({"sysadmin", "principal", "vice_principal", "middle_manager"})
MATH_GROUP_EDITORS = frozenset(A1_MANAGERS | {"group_leader"})
JOINT_READERS = frozenset(SCHOOL_A1_ROLES | {"teacher_a2"})
# Who may set up some 联组: region organisers anywhere and schools' managers.
JOINT_CREATORS = frozenset({"sysadmin", "institute_head", "province_researcher", "city_researcher",
                            "county_researcher", "county_admin", "outside_researcher", "principal",
                            "vice_principal", "middle_manager", "outside_principal"})
A1 = "1140105001"


def math_group(cast: Any) -> Any:
    from tests.research.group_fixtures import make_groups

    return make_groups(cast, cast.term.key)["数学组"]


def _group(cast: Any) -> list[Any]:
    return [math_group(cast).pk]


def _plan_with_file(cast: Any) -> Any:
    from django.core.files.base import ContentFile

    from research.models.groups import GroupPlan

    plan = GroupPlan(group=math_group(cast), kind="semester", title="数学组学期计划", term_key=cast.term.key,
                     original_name="计划.pdf")
    plan.file.save("计划.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    plan.save()
    return plan


def _journal(cast: Any) -> list[Any]:
    from research.models.groups import JournalSubscription

    return [JournalSubscription.objects.create(group=math_group(cast), year=2026, title="数学通报").pk]


def _resource(cast: Any) -> list[Any]:
    from django.core.files.base import ContentFile

    from research.models.groups import GroupResource

    res = GroupResource(group=math_group(cast), kind="paper", title="期中试卷", original_name="试卷.pdf", grade=7)
    res.file.save("试卷.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    res.save()
    return [res.pk]


def _guide(cast: Any) -> list[Any]:
    from research.models.groups import GroupGuide

    return [GroupGuide.objects.create(group=math_group(cast), person=cast.people["vice_principal"]).pk]


def _key_subject(cast: Any) -> list[Any]:
    from core.models import Subject
    from research.models.groups import KeySubject

    return [KeySubject.objects.create(school=cast.school_a1, subject=Subject.objects.get(code="math"),
                                      from_year=2026).pk]


def make_joint_group(cast: Any) -> Any:
    from research.models.groups import JointGroup

    jg = JointGroup.objects.create(region=cast.county_a, name="小店区初中数学联组", lead_school=cast.school_a1,
                                   leader=cast.people["county_researcher"])
    jg.schools.set([cast.school_a1, cast.school_a2])
    return jg


CASES = [
    Case("research:groups_home", EVERYONE, note="一所学校的教研组；区域角色先选学校"),
    Case("research:groups_home", SCHOOL_READERS, query=f"school={A1}", note="A1 的教研组与两周条"),
    Case("research:group_detail", MATH_GROUP_READERS, args=_group),
    Case("research:group_plan_new", MATH_GROUP_EDITORS, args=_group, note="组长与学校管理人员"),
    Case("research:group_plan_edit", MATH_GROUP_EDITORS, args=lambda cast: [_plan_with_file(cast).pk]),
    Case("research:group_journal_new", MATH_GROUP_EDITORS, args=_group),
    Case("research:group_journal_new", MATH_GROUP_EDITORS, args=_group, method="POST", ok_status=(302,),
         data=lambda cast: {"title": "中学数学教学参考", "kind": "journal", "year": "2026"}, note="登记"),
    Case("research:group_institution_new", MATH_GROUP_EDITORS, args=_group),
    Case("research:group_resource_new", MATH_GROUP_EDITORS, args=_group),
    Case("research:group_guide_new", A1_MANAGERS, args=_group, note="包组由学校管理人员安排"),
    Case("research:group_leader_new", A1_MANAGERS, args=_group),
    Case("research:key_subject_new", A1_MANAGERS, args=lambda cast: [A1]),
    Case("research:school_institution_new", A1_MANAGERS, args=lambda cast: [A1]),
    Case("research:mentor_pair_new", A1_MANAGERS, args=lambda cast: [A1]),
    Case("research:group_plan_delete", MATH_GROUP_EDITORS, args=lambda cast: [_plan_with_file(cast).pk],
         method="POST", ok_status=(302,)),
    Case("research:group_journal_delete", MATH_GROUP_EDITORS, args=_journal, method="POST", ok_status=(302,)),
    Case("research:group_resource_delete", MATH_GROUP_EDITORS, args=_resource, method="POST", ok_status=(302,)),
    Case("research:group_guide_delete", A1_MANAGERS, args=_guide, method="POST", ok_status=(302,)),
    Case("research:key_subject_delete", A1_MANAGERS, args=_key_subject, method="POST", ok_status=(302,)),
    Case("research:group_file", MATH_GROUP_READERS, args=lambda cast: ["plan", _plan_with_file(cast).pk],
         note="文件按内容判定类型下载"),
    Case("research:group_file", MATH_GROUP_READERS, args=lambda cast: ["resource", _resource(cast)[0]],
         note="资源"),
    Case("research:group_summary", MATH_GROUP_READERS, args=_group, note="学期工作总结 Word"),
    Case("research:joint_groups", EVERYONE),
    Case("research:joint_group_new", JOINT_CREATORS),
    Case("research:joint_group_detail", JOINT_READERS, args=lambda cast: [make_joint_group(cast).pk]),
    Case("api-v1:research_group_list", EVERYONE, note="只列出可见的教研组"),
    Case("api-v1:research_group_list", SCHOOL_READERS, query=f"school={A1}", note="一所学校"),
    Case("api-v1:research_group_detail", MATH_GROUP_READERS, args=_group),
    Case("api-v1:research_group_plans", MATH_GROUP_EDITORS, args=_group, method="POST", ok_status=(201,),
         data=lambda cast: {"kind": "semester", "title": "学期计划", "text": "每两周一次集中教研"}),
    Case("api-v1:research_group_journals", MATH_GROUP_EDITORS, args=_group, method="POST", ok_status=(201,),
         data=lambda cast: {"title": "数学通报", "year": 2026}),
    Case("api-v1:research_joint_group_list", EVERYONE),
    Case("api-v1:research_joint_group_detail", JOINT_READERS, args=lambda cast: [make_joint_group(cast).pk]),
]
