"""The yearly report through its services: generated from the records of county A (training,
competitions, studios, programmes), edited, issued (frozen with who and when, figures kept when
records change), regenerated as the next revision; who may do what."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone
from docx import Document

from appraisal.models import YearlyReportStatus
from appraisal.report_access import get_yearly_report_for_user, reports_visible_to
from appraisal.services import reports as services
from appraisal.yearly_figures import from_json
from growth.services import records, regional
from tests.access_cases_growth import make_programme

TODAY = dt.date(2026, 12, 20)  # inside the cast's term; reports are for 2026


def _records(cast: Any) -> None:
    for who in ("teacher", "principal"):
        records.training_record(actor=None, person=cast.people[who], course="新课标研修", provider="县进修学校",
                                level="county", hours="12", start=dt.date(2026, 10, 9), end=dt.date(2026, 10, 11))
    regional.competition_create(actor=None, region=cast.county_a, name="小学语文优质课比赛", kind="quality_lesson",
                                level="county", held_on=dt.date(2026, 11, 5), entrants=37)
    regional.studio_create(actor=None, region=cast.county_a, name="孙国庆数学名师工作室", host=cast.people["principal"],
                           level="county", start=dt.date(2025, 9, 1))
    make_programme(cast)


@pytest.fixture
def draft(cast: Any) -> Any:
    _records(cast)
    return services.report_generate(actor=cast.users["county_admin"], region=cast.county_a, year=2026, today=TODAY)


def test_the_draft_carries_the_records_figures(cast: Any, draft: Any) -> None:
    f = from_json(draft.figures)
    assert (f.training_people, f.training_sessions, f.training_hours) == (2, 1, 24.0)
    assert f.competitions == [("县级", 1, 37, 0)]
    assert f.studios == 1 and f.programmes == [("小店区骨干教师培养工程", "县级", 1, 30)]
    assert "共培训教师2人" in draft.sections["training"]
    assert "参赛教师37人" in draft.sections["competitions"]
    assert draft.sections["visits"] == "暂无数据。"
    assert draft.status == YearlyReportStatus.DRAFT and draft.revision == 1
    assert draft.title.endswith("2026年度教研工作报告")


def test_an_issued_report_keeps_its_figures_when_records_change(cast: Any, draft: Any) -> None:
    admin = cast.users["county_admin"]
    services.report_save(actor=admin, report=draft, title=draft.title,
                         sections={**draft.sections, "plans": "明年继续加强培训。"})
    issued = services.report_issue(actor=admin, report=draft)
    assert issued.status == YearlyReportStatus.ISSUED and issued.issued_by == admin and issued.issued_at
    records.training_record(actor=None, person=cast.people["vice_principal"], course="命题培训", provider="县进修学校",
                            level="county", hours="6", start=dt.date(2026, 11, 20), end=dt.date(2026, 11, 21))
    issued.refresh_from_db()
    assert from_json(issued.figures).training_people == 2
    doc = Document(io.BytesIO(services.report_docx(issued)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "共培训教师2人" in text and "明年继续加强培训。" in text and "草稿" not in text
    with pytest.raises(services.YearlyReportError, match="已发布"):
        services.report_save(actor=admin, report=issued, title="改标题", sections={})
    with pytest.raises(services.YearlyReportError, match="已发布"):
        services.report_issue(actor=admin, report=issued)
    # Generating again starts the next revision from today's records; the issued one stays.
    second = services.report_generate(actor=admin, region=cast.county_a, year=2026, today=TODAY)
    assert second.pk != issued.pk and second.revision == 2 and second.is_draft
    assert from_json(second.figures).training_people == 3


def test_regenerating_a_draft_keeps_the_edited_sections(cast: Any, draft: Any) -> None:
    admin = cast.users["county_admin"]
    services.report_save(actor=admin, report=draft, title=draft.title,
                         sections={**draft.sections, "overview": "本年度工作总体平稳。"})
    records.training_record(actor=None, person=cast.people["vice_principal"], course="命题培训", provider="县进修学校",
                            level="county", hours="6", start=dt.date(2026, 11, 20), end=dt.date(2026, 11, 21))
    again = services.report_generate(actor=admin, region=cast.county_a, year=2026, today=TODAY)
    assert again.pk == draft.pk
    assert again.sections["overview"] == "本年度工作总体平稳。"
    assert "共培训教师3人" in again.sections["training"]


def test_researchers_write_but_only_managers_issue(cast: Any, draft: Any) -> None:
    researcher = cast.users["county_researcher"]
    services.report_save(actor=researcher, report=draft, title="小店区年度报告", sections=draft.sections)
    with pytest.raises(services.YearlyReportError, match="负责人或管理员"):
        services.report_issue(actor=researcher, report=draft)


def test_issuing_needs_an_overview(cast: Any, draft: Any) -> None:
    admin = cast.users["county_admin"]
    services.report_save(actor=admin, report=draft, title=draft.title, sections={**draft.sections, "overview": " "})
    with pytest.raises(services.YearlyReportError, match="总体情况：必填") as e:
        services.report_issue(actor=admin, report=draft)
    assert e.value.field == "overview"


def test_refusals_name_the_field(cast: Any) -> None:
    admin = cast.users["county_admin"]
    with pytest.raises(services.YearlyReportError, match="年度") as e:
        services.report_generate(actor=admin, region=cast.county_a, year=2027, today=TODAY)
    assert e.value.field == "year"
    with pytest.raises(services.YearlyReportError, match="教研机构"):
        services.report_generate(actor=admin, region=cast.school_a1, year=2026, today=TODAY)
    with pytest.raises(services.YearlyReportError, match="本机构"):
        services.report_generate(actor=cast.users["bureau_viewer"], region=cast.county_a, year=2026, today=TODAY)
    with pytest.raises(services.YearlyReportError, match="本机构"):
        services.report_generate(actor=cast.users["city_researcher"], region=cast.county_a, year=2026, today=TODAY)


def test_drafts_stay_with_the_institution_issued_reports_go_up_the_tree(cast: Any, draft: Any) -> None:
    def sees(key: str) -> bool:
        return reports_visible_to(cast.users[key]).filter(pk=draft.pk).exists()

    assert sees("county_admin") and sees("county_researcher") and sees("sysadmin")
    assert not sees("bureau_viewer") and not sees("institute_head") and not sees("city_researcher")
    services.report_issue(actor=cast.users["county_admin"], report=draft)
    assert sees("bureau_viewer") and sees("institute_head") and sees("city_researcher")
    for key in ("outside_researcher", "principal", "teacher", "no_post"):
        assert not sees(key)
    with pytest.raises(Http404):
        get_yearly_report_for_user(cast.users["bureau_viewer"], draft.pk, write=True)


def test_activities_count_once_held_not_while_planned(cast: Any) -> None:
    from research.services.activities import ActivityData, activity_create

    def activity(day: dt.date, title: str) -> None:
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(14, 0)))
        activity_create(actor=None, organiser=cast.county_a, data=ActivityData(
            form="group", level="county", term=cast.term, title=title, start=start,
            end=start + dt.timedelta(hours=2), place="区教研室"))

    activity(dt.date(2026, 10, 15), "小学语文单元整体教学研讨")
    activity(dt.date(2026, 12, 28), "期末复习研讨")
    report = services.report_generate(actor=cast.users["county_admin"], region=cast.county_a, year=2026, today=TODAY)
    assert from_json(report.figures).activities == 1
    assert "开展教研活动1次" in report.sections["activities"]
