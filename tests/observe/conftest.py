"""Helpers for the observe tests, on top of the named cast of tests/conftest.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from core.models import OrgNode, Subject
from observe import services
from observe.models import Observation, RubricVersion
from tests.conftest import Cast


def general_version() -> RubricVersion:
    return RubricVersion.objects.get(template__key="LESSON.GENERAL", status="published")


def record(cast: Cast, observer: str, teacher: str, *, submit: bool = True, subject: str = "chinese",
           date: dt.date | None = None, purpose: str = "evaluative", kind: str = "push_in",
           ratings: dict[str, dict[str, Any]] | None = None, school: OrgNode | None = None,
           problems: str = "提问缺少层次", coding: list[services.CodingData] | None = None,
           topic: str = "荷塘月色", confirm_incomplete: bool = True) -> Observation:
    data = services.ObservationData(
        teacher=cast.people[teacher], school=school or cast.school_a1, date=date or dt.date(2026, 10, 12),
        subject=Subject.objects.get(code=subject), grade=8, class_name="2班", topic=topic, period=3,
        kind=kind, purpose=purpose, strengths="目标清晰", problems=problems, suggestions="增加学生讨论",
        overall_grade="good")
    return services.observation_record(actor=cast.users[observer], observer=cast.people[observer], data=data,
                                       version=general_version() if ratings is not None else None,
                                       ratings=ratings, submit=submit, coding=coding,
                                       confirm_incomplete=confirm_incomplete)


def full_ratings(version: RubricVersion, level: str = "优") -> dict[str, dict[str, Any]]:
    """Every rateable item of the version rated: levels at `level`, yes, full points."""
    from observe import rubrics

    out: dict[str, dict[str, Any]] = {}
    for leaf in rubrics.leaves(version.nodes):
        if leaf["mode"] == "levels":
            out[leaf["code"]] = {"level": level}
        elif leaf["mode"] == "yesno":
            out[leaf["code"]] = {"yes": True}
        elif leaf["mode"] == "points":
            out[leaf["code"]] = {"value": rubrics.node_value(leaf)}
    return out


@pytest.fixture
def rec(cast: Cast) -> Callable[..., Observation]:
    def make(observer: str, teacher: str, **kw: Any) -> Observation:
        return record(cast, observer, teacher, **kw)
    return make
