"""The LEAD.* norms against their clause (004 (一)1, norms.md "Schools: leaders, groups,
teachers"): "school leaders' observations cover every teacher of the school", and the quota
page's pace rule and flag agreeing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.urls import reverse

from core import services as core_services
from core.compliance import compliance_for
from core.models import Norm, OrgKind
from observe.models import Observation
from observe.quotas import BEHIND, quota_report
from tests.conftest import Cast

TODAY = dt.date(2026, 11, 27)  # 62% of the cast's term gone


def _coverage(cast: Cast, school_code: str = "1140105001") -> tuple[int, int, set[str]]:
    report = quota_report(cast.users["sysadmin"], cast.county_a, cast.term, today=TODAY)
    cov = next(s for s in report.schools if s.school_code == school_code)
    return cov.teachers, cov.observed, {t.name for t in cov.unobserved}


def test_a_middle_managers_observation_does_not_cover_a_teacher(cast: Cast,
                                                                 rec: Callable[..., Observation]) -> None:
    # The clause binds 校领导 (principal, vice principal); 郑红梅 is a middle manager.
    rec("middle_manager", "teacher")
    _, observed, unobserved = _coverage(cast)
    assert observed == 0 and "何静" in unobserved
    rec("principal", "teacher")
    _, observed, unobserved = _coverage(cast)
    assert observed == 1 and "何静" not in unobserved


def test_a_teacher_without_a_post_record_still_counts(cast: Cast) -> None:
    before, _, _ = _coverage(cast)
    core_services.person_create(actor=None, code="T-nopost", name="林无岗", org=cast.school_a1)
    after, _, unobserved = _coverage(cast)
    assert after == before + 1 and "林无岗" in unobserved


def test_a_school_with_no_teachers_is_not_covered(cast: Cast) -> None:
    core_services.org_node_create(actor=None, code="1140105009", name="空白测试小学", kind=OrgKind.SCHOOL,
                                  parent=cast.county_a)
    teachers, observed, _ = _coverage(cast, "1140105009")
    assert teachers == 0 and observed == 0
    result = compliance_for(cast.users["sysadmin"], cast.county_a, cast.term, codes=["LEAD.COVERAGE"],
                            with_rows=True)[0]
    row = next(r for r in result.rows if r.label == "空白测试小学")
    assert not row.meets and row.progress < 100 and "没有教师记录" in row.detail


def test_the_pace_flag_agrees_with_the_number_shown(cast: Cast, rec: Callable[..., Observation]) -> None:
    # A quota of 5: 5 × 62% = 3.1 lessons by now, shown as 3 (whole lessons); with 3 observed the
    # leader is on pace, with 2 behind; the flag never contradicts "fewer than this is behind".
    core_services.norm_override_set(actor=None, norm=Norm.objects.get(code="LEAD.OBSERVE_HEAD"),
                                    region=cast.county_a, threshold=5)
    for _ in range(3):
        rec("principal", "teacher")
    rec("vice_principal", "teacher")
    rec("vice_principal", "teacher")
    report = quota_report(cast.users["principal"], cast.school_a1, cast.term, today=TODAY)
    heads = {r.name: r for r in report.leaders if r.norm == "LEAD.OBSERVE_HEAD"}
    for r in heads.values():
        assert r.expected == 3
        assert (r.status == BEHIND) == (r.count < r.expected)
    assert heads["孙国庆"].status != BEHIND and heads["吴海燕"].status == BEHIND
    page = cast.client("principal").get(reverse("observe:quota") + f"?node={cast.school_a1.code}").content.decode()
    assert "取整节数" in page and "少于此数即标为落后进度" in page
    assert "004 (一)1" not in page and "LEAD.COVERAGE" not in page
