"""Shared set-up of the findings tests: a county supervision visit to school A1 led by the county
researcher, and a finding about the teacher owned by the school."""

from __future__ import annotations

import datetime as dt
from typing import Any

from visits.models import Finding, OwnerKind, Visit, VisitKind, VisitMember, VisitSchool
from visits.services.findings import FindingData, finding_record

FOUND = dt.date(2026, 10, 9)


def make_visit(cast: Any, *, kind: str = VisitKind.SUPERVISE, follows: Visit | None = None,
               title: str = "小店区秋季督办视导", start: dt.date = FOUND) -> Visit:
    visit = Visit.objects.create(organiser=cast.county_a, kind=kind, term=cast.term, title=title, start=start,
                                 end=start, lead=cast.people["county_researcher"], follows=follows)
    VisitSchool.objects.create(visit=visit, school=cast.school_a1, date=start)
    VisitMember.objects.create(visit=visit, person=cast.people["part_time_researcher"])
    return visit


def make_finding(cast: Any, visit: Visit, *, description: str = "作业批改不及时，缺少二次批改",
                 deadline: dt.date | None = dt.date(2026, 11, 9), **extra: Any) -> Finding:
    fields: dict[str, Any] = {"area": "homework", "teacher": cast.people["teacher"],
                              "measure": "每周检查作业批改记录", "owner_kind": OwnerKind.SCHOOL, **extra}
    data = FindingData(description=description, found_on=visit.start, visit=visit, deadline=deadline, **fields)
    return finding_record(actor=cast.users["county_researcher"], school=cast.school_a1, data=data)


def make_warning_action(cast: Any, *, due: dt.date) -> Any:
    """A county exam's early warning about school A1 with a rectification action owned by the
    principal (quality's own service writes the action)."""
    from quality.models import EarlyWarning, Exam, RuleKind, WarningRule
    from quality.services.warnings import warning_action_add

    exam = Exam.objects.create(name="小店区九年级期中", kind="midterm", org=cast.county_a, term_key=cast.term.key,
                               stage="junior", grade=9, held_on=dt.date(2026, 9, 20))
    rule = WarningRule.objects.create(org=cast.county_a, kind=RuleKind.values[0])
    warning = EarlyWarning.objects.create(rule=rule, exam=exam, norm_code="QM.BALANCE", school=cast.school_a1,
                                          title="小店第一中学及格率低于全区")
    return warning_action_add(actor=None, warning=warning, kind="rectification", owner=cast.people["principal"],
                              due=due, note="制定质量提升方案")
