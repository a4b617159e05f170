"""The score import against a hostile school (issue 8, findings 3, 5, 9) and the batch-list leak
(issue 7): each test attacks through the pages as the user would and fails on the old code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import OrgNode
from quality import services
from quality.models import BatchStatus, Exam, ImportBatch, Student
from quality.pseudonyms import decrypt_name, student_key
from tests.conftest import Cast
from tests.quality.factories import apply, make_exam, math_paper, upload


def _csv(rows: Sequence[Sequence[object]]) -> bytes:
    return "\n".join(",".join(str(v) for v in r) for r in rows).encode()


def _scores(ids: Sequence[str], *, cls: str = "8(1)班", name: str = "学生") -> bytes:
    return _csv([["考号", "姓名", "班级", "总分"]] + [[sid, f"{name}{i}", cls, 10] for i, sid in enumerate(ids)])


def _upload_and_apply(client: Client, exam: Exam, content: bytes, school: OrgNode) -> ImportBatch:
    """The two pages: upload (with the school chosen), then confirm the proposed mapping."""
    response = client.post(reverse("quality:import_list", args=[exam.pk]),
                           {"file": SimpleUploadedFile("成绩.csv", content), "school": school.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.order_by("-pk").first()
    assert batch is not None
    paper = math_paper(exam)
    form: dict[str, Any] = {}
    for c, col in enumerate(batch.mapping["columns"]):
        form[f"role_{c}"] = col["role"]
        form[f"paper_{c}"] = paper.pk if col["role"] in ("item", "total") else ""
        form[f"item_{c}"] = col.get("item", "")
    response = client.post(reverse("quality:import_detail", args=[batch.pk]), form)
    assert response.status_code == 302
    batch.refresh_from_db()
    return batch


def _students(school: OrgNode) -> dict[str, tuple[str, str]]:
    return {s.key: (s.class_label, decrypt_name(s.name_encrypted)) for s in Student.objects.filter(school=school)}


IDS = ["20269001", "20269002", "20269003"]


def test_a_principal_cannot_take_over_another_schools_students_and_undo_restores(cast: Cast) -> None:
    # County B's school B1 has these students (real names: minors).
    exam_b = make_exam(cast.county_b, blueprint=False)
    apply(upload(exam_b, _scores(IDS, name="乙校学生"), filename="b.csv", school=cast.school_b1))
    victims = _students(cast.school_b1)
    assert len(victims) == 3

    # The principal of A1 uploads the same student numbers for his own school.
    exam_a = make_exam(cast.county_a, blueprint=False)
    principal = cast.client("principal")
    batch = _upload_and_apply(principal, exam_a, _scores(IDS, cls="8(9)班", name="冒名"), cast.school_a1)
    assert batch.status == BatchStatus.APPLIED, batch.problems
    # B1's students are where they were, with their names and classes; A1 got its own records.
    assert _students(cast.school_b1) == victims
    assert set(_students(cast.school_a1)) == {student_key(i) for i in IDS}
    page = principal.get(reverse("quality:import_detail", args=[batch.pk])).content.decode()
    assert "乙校学生" not in page

    # Undo takes back everything the batch did: A1's new students go, B1's stay untouched.
    assert principal.post(reverse("quality:import_undo", args=[batch.pk])).status_code == 302
    assert _students(cast.school_a1) == {}
    assert _students(cast.school_b1) == victims


def test_undo_restores_the_class_and_name_a_batch_changed(cast: Cast) -> None:
    exam = make_exam(cast.county_a, blueprint=False)
    client = cast.client("county_researcher")
    first = _upload_and_apply(client, exam, _csv([["考号", "班级", "总分"]] + [[i, "8(1)班", 10] for i in IDS]),
                              cast.school_a1)
    before = _students(cast.school_a1)
    second = _upload_and_apply(client, exam, _scores(IDS, cls="8(2)班", name="新名"), cast.school_a1)
    assert {c for c, _n in _students(cast.school_a1).values()} == {"8(2)班"}
    client.post(reverse("quality:import_undo", args=[second.pk]))
    assert _students(cast.school_a1) == before
    assert first.status == BatchStatus.APPLIED


def test_a_default_school_outside_the_uploaders_schools_is_refused(cast: Cast) -> None:
    exam = make_exam(cast.county_a, blueprint=False)
    batch = upload(exam, _scores(IDS), filename="a.csv", school=cast.school_a2)
    with pytest.raises(services.ServiceError, match="无权"):
        services.scores_import(actor=cast.users["principal"], batch=batch, mapping=batch.mapping["columns"],
                               allowed_schools=[cast.school_a1])
    assert not Student.objects.exists()


def test_the_batch_list_shows_only_batches_whose_page_opens(cast: Cast) -> None:
    # A county researcher uploads a file with a school column (no school chosen on upload).
    exam = make_exam(cast.county_a, blueprint=False)
    rows: list[list[object]] = [["学校", "考号", "班级", "总分"], ["小店第一中学", "20261001", "8(1)班", 10]]
    researcher_batch = upload(exam, _csv(rows), filename="县里的文件.csv", school=None,
                              actor=cast.users["county_researcher"])
    principal = cast.client("principal")
    own = _upload_and_apply(principal, exam, _scores(IDS), cast.school_a1)
    listing = principal.get(reverse("quality:import_list", args=[exam.pk])).content.decode()
    assert "县里的文件.csv" not in listing  # the old list showed it; its page answers 404
    assert principal.get(reverse("quality:import_detail", args=[researcher_batch.pk])).status_code == 404
    assert reverse("quality:import_detail", args=[own.pk]) in listing
    assert principal.get(reverse("quality:import_detail", args=[own.pk])).status_code == 200
    # The researcher, who manages the exam, sees both.
    text = cast.client("county_researcher").get(reverse("quality:import_list", args=[exam.pk])).content.decode()
    assert "县里的文件.csv" in text and reverse("quality:import_detail", args=[own.pk]) in text


def test_a_batch_keeps_its_parsed_rows_not_the_upload(cast: Cast) -> None:
    exam = make_exam(cast.county_a, blueprint=False)
    batch = upload(exam, _scores(IDS), filename="a.csv", school=cast.school_a1)
    assert bytes(batch.content) == b"" and bytes(batch.table)
    assert batch.samples[0][:3] == ["20269001", "学生0", "8(1)班"]
    page = cast.client("county_researcher").get(reverse("quality:import_detail", args=[batch.pk])).content.decode()
    assert "20269001 · 20269002 · 20269003" in page  # sample values shown without reading a file
    assert apply(batch).status == BatchStatus.APPLIED


@pytest.mark.skipif(not connection.features.has_select_for_update, reason="SQLite has no row locks")
def test_the_import_locks_the_exam_row(cast: Cast) -> None:
    exam = make_exam(cast.county_a, blueprint=False)
    batch = upload(exam, _scores(IDS), filename="a.csv", school=cast.school_a1)
    with CaptureQueriesContext(connection) as queries:
        apply(batch)
    table = Exam._meta.db_table
    assert any("FOR UPDATE" in q["sql"] and f'FROM "{table}"' in q["sql"] for q in queries.captured_queries)
