"""Access-matrix rows for the appraisal app's campaigns (appraisal:campaign*, api-v1:appraisal_campaign*).

The cast's campaign: county A's 教研组 evaluation of school A1's groups (数学组 led by the group
leader, 语文组 by the vice principal, 英语组 by the middle manager), the county researcher named
for the 区县评审 stage. The organiser's institution (the region posts over county A) sees every
subject; A1's principal and vice principal assess A1's groups (学校评价); a group's leader sees
their own group; nobody else sees anything."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.access_cases import COUNTY_A_ROLES, EVERYONE, SCHOOL_A1_ROLES, Case

RUNNERS = frozenset({"sysadmin", "institute_head", "province_researcher", "city_researcher", "county_researcher",
                     "county_admin"})
CAMPAIGN_READERS = frozenset(COUNTY_A_ROLES | {"principal", "vice_principal", "group_leader", "middle_manager"})
MATH_READERS = frozenset(COUNTY_A_ROLES | {"principal", "vice_principal", "group_leader"})
SELECTION_READERS = frozenset(SCHOOL_A1_ROLES | {"teacher_a2"})


def _opened(cast: Any) -> Any:
    from tests.appraisal.campaign_setup import group_campaign
    return group_campaign(cast)


def _published(cast: Any) -> Any:
    from appraisal.services import campaigns as svc
    from tests.appraisal.campaign_setup import score_all
    c = _opened(cast)
    score_all(cast, c, {"数学组": 0.95, "语文组": 0.85, "英语组": 0.5})
    return svc.campaign_publish(actor=None, campaign=c, today=timezone.localdate())


def _math(c: Any) -> Any:
    return c.subjects.get(label="数学组")


def _campaign(cast: Any) -> list[Any]:
    return [_opened(cast).pk]


def _draft_action(cast: Any) -> list[Any]:
    from tests.appraisal.campaign_setup import group_campaign
    return [group_campaign(cast, open_it=False).pk, "generate"]


def _published_campaign(cast: Any) -> list[Any]:
    return [_published(cast).pk]


def _subject(cast: Any) -> list[Any]:
    return [_math(_opened(cast)).pk]


def _published_subject(cast: Any) -> list[Any]:
    return [_math(_published(cast)).pk]


def _score(cast: Any) -> list[Any]:
    return [_math(_opened(cast)).pk, "self"]


def _evidence(cast: Any) -> list[Any]:
    from appraisal.services import campaigns as svc
    ev = svc.evidence_add(actor=None, subject=_math(_opened(cast)), indicator="4.1", kind="file", text="活动记录",
                          file=SimpleUploadedFile("记录.pdf", b"%PDF-1.4 evidence", content_type="application/pdf"))
    return [ev.pk]


def _objection(cast: Any) -> list[Any]:
    from appraisal.services import campaigns as svc
    o = svc.objection_raise(actor=None, subject=_math(_published(cast)), reason="资源库材料漏评",
                            today=timezone.localdate())
    return [o.pk]


def _selection(cast: Any) -> list[Any]:
    from appraisal.services import campaigns as svc
    c = _published(cast)
    sel = svc.selection_create(actor=None, campaign=c, kind="groups", title="小店区优秀教研组",
                               decided_on=timezone.localdate(), subject_ids=[_math(c).pk])
    return [sel.pk]


CASES = [
    Case("appraisal:campaigns", EVERYONE, note="每人只看到其组织、评审或作为对象的考评"),
    Case("appraisal:campaign_new", RUNNERS | {"outside_researcher"}, note="区域管理员、机构负责人与专职教研员"),
    Case("appraisal:campaign", CAMPAIGN_READERS, args=_campaign),
    Case("appraisal:campaign_action", RUNNERS, args=_draft_action, method="POST", ok_status=(302,)),
    Case("appraisal:campaign_assessor_add", RUNNERS, args=_campaign, method="POST", ok_status=(302,),
         data=lambda cast: {"stage": "district", "person": cast.people["city_researcher"].pk}),
    Case("appraisal:campaign_selection_new", RUNNERS, args=_published_campaign),
    Case("appraisal:campaign_selection", SELECTION_READERS, args=_selection, note="评选结果在本区域内公布"),
    Case("appraisal:campaign_subject", MATH_READERS, args=_subject),
    Case("appraisal:campaign_subject", MATH_READERS, args=_published_subject, note="published"),
    Case("appraisal:campaign_score", frozenset({"sysadmin", "group_leader"}), args=_score, note="自评：组长本人"),
    Case("appraisal:campaign_evidence_add", MATH_READERS, args=_subject, method="POST", ok_status=(302,),
         data=lambda cast: {"indicator": "4.1", "kind": "note", "text": "每两周一次集中教研"}),
    Case("appraisal:campaign_evidence_file", MATH_READERS, args=_evidence),
    Case("appraisal:campaign_objection_raise", frozenset({"group_leader"}), args=_published_subject, method="POST",
         ok_status=(302,), data=lambda cast: {"reason": "资源库材料漏评"}),
    Case("appraisal:campaign_objection", MATH_READERS, args=_objection),
    Case("api-v1:appraisal_campaign_list", EVERYONE),
    Case("api-v1:appraisal_campaign_detail", CAMPAIGN_READERS, args=_campaign),
    Case("api-v1:appraisal_campaign_subject", MATH_READERS, args=_subject),
    Case("api-v1:appraisal_campaign_score", frozenset({"sysadmin", "group_leader"}), args=_score, method="POST",
         data=lambda cast: {"ratings": {"1.1.1": {"value": 2}}, "reasons": {}, "submit": False}),
    Case("api-v1:appraisal_campaign_objection_raise", frozenset({"group_leader"}), args=_published_subject,
         method="POST", ok_status=(201,), data=lambda cast: {"reason": "资源库材料漏评"}),
    Case("api-v1:appraisal_campaign_objection_handle", RUNNERS, args=_objection, method="POST",
         data=lambda cast: {"upheld": False, "response": "复核无误"}),
    Case("api-v1:appraisal_campaign_selection_list", EVERYONE),
]
