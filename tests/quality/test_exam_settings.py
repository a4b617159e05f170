"""An exam's settings and its stored analysis never disagree (issue 8 #9), and the access
selectors the import pages list batches with (issue 7)."""

from __future__ import annotations

import dataclasses

import pytest
from django.http import Http404
from django.urls import reverse

from core.models import AuditEvent
from quality import services
from quality.access import batches_visible_to, get_batch_for_user
from quality.conventions import ExamConventions
from quality.models import Exam, Paper, PaperSummary
from tests.conftest import Cast
from tests.quality.factories import apply, clean_rows, make_exam, math_paper, messy_xlsx, upload


def _exam(cast: Cast) -> Exam:
    exam = make_exam(cast.county_a)
    apply(upload(exam, messy_xlsx(clean_rows(30), school="小店第一中学")))
    return exam


def _form(conventions: ExamConventions) -> dict[str, str]:
    return {k: str(v) for k, v in dataclasses.asdict(conventions).items()}


def test_settings_page_changes_only_what_changed_and_recomputes(cast: Cast) -> None:
    exam = _exam(cast)
    url = reverse("quality:exam_settings", args=[exam.pk])
    c = cast.client("county_researcher")
    r = c.post(url, _form(dataclasses.replace(ExamConventions.of(exam), sd_kind="sample", min_group_size=5)))
    assert r.status_code == 302
    exam.refresh_from_db()
    assert exam.sd_kind == "sample" and exam.min_group_size == 5
    data = PaperSummary.objects.get(paper=math_paper(exam)).data
    assert data["conventions"] == exam.settings_lines() and "样本标准差" in data["conventions"][0]
    event = AuditEvent.objects.filter(model="quality.Exam", action=AuditEvent.Action.UPDATE).get()
    assert set(event.new or {}) == {"sd_kind", "min_group_size"}
    # Saving the same settings again writes nothing.
    assert c.post(url, _form(ExamConventions.of(exam))).status_code == 302
    assert AuditEvent.objects.filter(model="quality.Exam", action=AuditEvent.Action.UPDATE).count() == 1


def test_an_analysis_finished_after_a_settings_change_follows_the_new_settings(cast: Cast) -> None:
    """A score import loads the exam, then computes the paper's analysis at its end. If the
    settings changed in between, the stored analysis must follow the settings as committed."""
    exam = _exam(cast)
    stale = Paper.objects.select_related("exam__org").get(pk=math_paper(exam).pk)  # the import's copy
    assert stale.exam.sd_kind == "population"
    services.exam_update_conventions(actor=None, exam=Exam.objects.get(pk=exam.pk), conventions=dataclasses.replace(
        ExamConventions.of(exam), sd_kind="sample", denominator="registered"))
    services.summary_refresh(paper=stale)  # what the import does last
    exam.refresh_from_db()
    data = PaperSummary.objects.get(paper=stale).data
    assert data["conventions"] == exam.settings_lines()
    assert "样本标准差" in data["conventions"][0] and "应考人数" in data["conventions"][1]
    top = next(u for u in data["units"] if u["key"] == data["top"])
    fresh = services.summary_refresh(paper=Paper.objects.get(pk=stale.pk)).data
    assert top == next(u for u in fresh["units"] if u["key"] == fresh["top"])


def test_batches_visible_to_matches_get_batch_for_user(cast: Cast) -> None:
    """The list of an exam's import batches holds exactly the batches whose page opens: a
    principal does not see a county researcher's batch for many schools (issue 7 #1)."""
    exam = make_exam(cast.county_a)
    region = upload(exam, messy_xlsx(clean_rows(10), school="小店第一中学"),
                    actor=cast.users["county_researcher"])
    own = upload(exam, messy_xlsx(clean_rows(10, seed=2)), school=cast.school_a1, actor=cast.users["principal"])
    other = upload(exam, messy_xlsx(clean_rows(10, seed=3, prefix="A2")), school=cast.school_a2,
                   actor=cast.users["county_admin"])
    batches = (region, own, other)
    expected = {
        "county_researcher": {region, own, other}, "county_admin": {region, own, other},
        "principal": {own}, "vice_principal": {own}, "teacher": set(), "teacher_a2": set(),
        "outside_principal": set(), "outside_researcher": set(),
    }
    for role, seen in expected.items():
        user = cast.users[role]
        assert set(batches_visible_to(user, exam)) == seen, role
        for b in batches:
            if b in seen:
                assert get_batch_for_user(user, b.pk) == b
            else:
                with pytest.raises(Http404):
                    get_batch_for_user(user, b.pk)
