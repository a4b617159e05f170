"""Collective preparation through its services: the step order, who acts in each step, the
versions kept, and the audit trail; refusals name the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core.models import AuditEvent
from research.models.prep import PrepDocument, PrepDocumentKind, PrepMember, PrepStep
from research.services import prep as svc
from tests.research.prep_setup import PLAN_V1, PLAN_V2, open_session, run_steps


def test_members_are_the_group_and_versions_are_kept(cast: Any) -> None:
    session = open_session(cast)
    assert set(PrepMember.objects.filter(session=session).values_list("person_id", flat=True)) == {
        cast.people["group_leader"].pk, cast.people["principal"].pk}
    run_steps(cast, session, upto="sign_off")
    shared = PrepDocument.objects.filter(session=session, kind=PrepDocumentKind.SHARED).order_by("version")
    assert [(d.version, d.body) for d in shared] == [(1, PLAN_V1), (2, PLAN_V2)]
    session.refresh_from_db()
    assert session.step == PrepStep.PERSONAL and session.signed_off_by == cast.people["group_leader"]
    assert AuditEvent.objects.filter(model="research.PrepDocument", scope_path=cast.school_a1.path).count() == 3


def test_each_step_refuses_out_of_order_and_the_wrong_person(cast: Any) -> None:
    session = open_session(cast)
    lead, principal, teacher = cast.users["group_leader"], cast.users["principal"], cast.users["teacher"]
    with pytest.raises(svc.PrepError, match="只有主备人可以提交初备稿") as e:
        svc.prep_draft_save(actor=principal, session=session, body="x")
    assert e.value.field == "body"
    with pytest.raises(svc.PrepError, match="请先由主备人提交初备稿"):
        svc.prep_discussion_open(actor=lead, session=session)
    draft = svc.prep_draft_save(actor=lead, session=session, body=PLAN_V1)
    with pytest.raises(svc.PrepError, match="集体研讨环节开始后"):
        svc.prep_comment_add(actor=principal, session=session, document=draft, paragraph=0, body="好")
    svc.prep_discussion_open(actor=lead, session=session)
    with pytest.raises(svc.PrepError, match="只有本次备课的成员可以发表意见"):
        svc.prep_comment_add(actor=teacher, session=session, document=draft, paragraph=0, body="好")
    with pytest.raises(svc.PrepError, match="段落：应在1至6之间") as e:
        svc.prep_comment_add(actor=principal, session=session, document=draft, paragraph=6, body="好")
    assert e.value.field == "paragraph"
    with pytest.raises(svc.PrepError, match="集体研讨尚无意见"):
        svc.prep_shared_save(actor=lead, session=session, body=PLAN_V1)
    svc.prep_comment_add(actor=principal, session=session, document=draft, paragraph=1, body="目标可检测")
    with pytest.raises(svc.PrepError, match="只有主备人或组长可以修改共案"):
        svc.prep_shared_save(actor=principal, session=session, body=PLAN_V1)
    with pytest.raises(svc.PrepError, match="尚未形成共案"):
        svc.prep_sign_off(actor=lead, session=session)
    svc.prep_shared_save(actor=lead, session=session, body=PLAN_V2)
    with pytest.raises(svc.PrepError, match="只有组长可以审定"):
        svc.prep_sign_off(actor=principal, session=session)
    with pytest.raises(svc.PrepError, match="共案经组长审定后提交个案"):
        svc.prep_personal_save(actor=principal, session=session, body="个案")
    with pytest.raises(svc.PrepError, match="共案审定后才能检查"):
        svc.prep_check(actor=principal, session=session, note="好")
    svc.prep_sign_off(actor=lead, session=session)
    with pytest.raises(svc.PrepError, match="请先提交个案"):
        svc.prep_reflection_save(actor=principal, session=session, taught_on=dt.date(2026, 10, 9), body="好")
    with pytest.raises(svc.PrepError, match="请先检查再评价") as e:
        svc.prep_evaluate(actor=principal, session=session, rating="优")
    assert e.value.field == "rating"
    with pytest.raises(svc.PrepError, match="只有学校管理人员或教研组长可以检查"):
        svc.prep_check(actor=teacher, session=session, note="好")


def test_opening_refuses_another_group_and_a_date_outside_the_term(cast: Any) -> None:
    with pytest.raises(svc.PrepError, match="计划授课日期") as e:
        open_session(cast, teach_on=dt.date(2027, 3, 1))
    assert e.value.field == "teach_on"
    from tests.research.prep_setup import math_group

    with pytest.raises(svc.PrepError, match="只有本组组长、教研组长或学校管理人员"):
        svc.prep_session_open(actor=cast.users["teacher"], group=math_group(cast), term=cast.term, topic="x",
                              lead=cast.people["teacher"])


def test_reflections_close_the_session_and_can_be_revised(cast: Any) -> None:
    session = run_steps(cast, open_session(cast), upto="reflection")
    session.refresh_from_db()
    assert session.step == PrepStep.CLOSED
    svc.prep_reflection_save(actor=cast.users["principal"], session=session, taught_on=dt.date(2026, 10, 10),
                             body="补充：折纸活动有效")
    assert session.reflections.get(author=cast.people["principal"]).body == "补充：折纸活动有效"
