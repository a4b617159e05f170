"""Projects for the projects tests: filed by the cast's teacher and moved on by the system."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.models import Person
from projects import services as svc
from projects.models import Project, ProjectStatus, Verdict

DOCS: dict[str, str] = {ProjectStatus.APPROVED: "application", ProjectStatus.OPENED: "opening",
        ProjectStatus.MIDTERM: "midterm", ProjectStatus.CONCLUDED: "final"}
LINE: list[str] = [ProjectStatus.APPROVED, ProjectStatus.OPENED, ProjectStatus.MIDTERM, ProjectStatus.CONCLUDED]


def make_project(cast: Any, *, leader: Person | None = None, level: str = "county", title: str = "初中语文整本书阅读教学研究",
                 applied_on: dt.date | None = None, planned_end: dt.date | None = None) -> Project:
    applied_on = applied_on or dt.date(2026, 3, 1)
    return svc.project_create(actor=None, leader=leader or cast.people["teacher"], title=title, level=level,
                              applied_on=applied_on, planned_end=planned_end or applied_on + dt.timedelta(days=700),
                              summary="以整本书阅读为抓手")


def run_to(cast: Any, project: Project, target: str, *, dates: list[dt.date] | None = None) -> Project:
    """Move the project along the main line up to `target`, adding each stage's document (and the
    结题 review) on the way; `dates` gives each step's date (else the applied date)."""
    done = LINE.index(project.status) if project.status in LINE else -1
    for i, stage in enumerate(LINE[:LINE.index(target) + 1]):
        if i <= done:
            continue
        svc.document_add(actor=None, project=project, kind=DOCS[stage], title=f"{stage}材料", text="正文")
        if stage == ProjectStatus.CONCLUDED:
            review = svc.review_assign(actor=None, project=project, stage=stage, expert=cast.people["county_researcher"])
            svc.review_submit(actor=None, review=review, score="88", verdict=Verdict.PASS, comments="同意结题")
        on = dates[i] if dates else project.applied_on
        project = svc.project_advance(actor=None, project=project, target=stage, on=on)
    return project
