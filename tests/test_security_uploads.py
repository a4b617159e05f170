"""Hostile spreadsheets through every upload endpoint (issue 8, findings 2 and 3).

Each file of tests/files/hostile/ (built by make_hostile.py next to them) and the CSVs of empty
cells go over HTTP, as the role that may upload there, to the four core imports, the score upload
and the 任课安排 upload. Each must answer with a clear Chinese error, change no data, and cost
bounded memory: the process's peak RSS is reset before the request (/proc/self/clear_refs) and
read after it (VmHWM). Before the bounded reader, the sparse file aborted the process (calamine
allocates the dense grid) and the bombs cost gigabytes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent, OrgNode, Person, Post
from quality.models import ClassTeacher, Exam, ImportBatch, ScoreBlock, Student
from tests.conftest import Cast
from tests.files.hostile import make_hostile
from tests.quality.factories import make_exam

HOSTILE = Path(make_hostile.__file__).resolve().parent
MB = 1024 * 1024
# What a request may add to the peak RSS of the test process. Reading a refused file costs a few
# MB; the files themselves would cost from 400 MB (the bombs) to hundreds of GB (the sparse cell).
MEMORY_BUDGET = 120 * MB

# File -> a fragment of the Chinese answer; core imports refuse any .csv by its name first.
XLSX_FILES: dict[str, str] = {
    "sparse_far_cell.xlsx": "文件过大",
    "zip_bomb.xlsx": "文件过大",
    "zip_bomb_lying.xlsx": "无法读取该文件",
    "huge_shared_strings.xlsx": "文件过大",
    "xml_entities.xlsx": "不允许的 XML 声明",
    "renamed_exe.xlsx": "可执行程序",
    "renamed_png.xlsx": "PNG 图片",
    "polyglot_png.xlsx": "PNG 图片",
    "polyglot_html.xlsx": "不是有效的 .xlsx 文件",
}
CSV_FILES: dict[str, tuple[Callable[[], bytes], str]] = {
    "renamed_png.csv": ((HOSTILE / "renamed_png.csv").read_bytes, "不是 CSV 文本文件"),
    # The 29 MB file of commas, over every upload limit.
    "empty_cells_29mb.csv": (make_hostile.empty_cells_csv, "文件过大"),
    # 4 MB of empty rows: under the size limits, over the row limits.
    "empty_rows.csv": (lambda: b",\n" * (2 * MB), "文件过大"),
}


def _files() -> list[tuple[str, Callable[[], bytes], str]]:
    out = [(name, (HOSTILE / name).read_bytes, fragment) for name, fragment in XLSX_FILES.items()]
    out += [(name, make, fragment) for name, (make, fragment) in CSV_FILES.items()]
    return out


FILES = _files()


def test_the_corpus_on_disk_is_what_the_generator_builds() -> None:
    assert {p.name for p in HOSTILE.iterdir() if p.suffix in (".xlsx", ".csv")} == {
        *XLSX_FILES, "renamed_png.csv"}
    assert sum(p.stat().st_size for p in HOSTILE.iterdir()) < 1 * MB  # small on disk


def _status(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise AssertionError(field)


def _peak_during(call: Callable[[], Any]) -> tuple[Any, int]:
    """The call's result and how far the process's peak RSS rose above its RSS before it."""
    # "5" resets the peak RSS (VmHWM) to the current RSS (Linux >= 4.0); without it the peak only
    # rises, which still bounds the call from above.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    before = _status("VmRSS")
    result = call()
    return result, _status("VmHWM") - before


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (OrgNode, Person, Post, AuditEvent, ImportBatch, Student,
                                                     ScoreBlock, ClassTeacher)}


ENDPOINTS = ["core:regions", "core:schools", "core:people", "core:posts", "quality:scores", "quality:class_teachers"]


def _post(cast: Cast, exam: Exam, endpoint: str, name: str, content: bytes) -> Any:
    upload = SimpleUploadedFile(name, content)
    if endpoint.startswith("core:"):
        client: Client = cast.client("county_admin")
        return client.post(reverse("import_upload", args=[endpoint.split(":")[1]]), {"file": upload})
    client = cast.client("county_researcher")
    if endpoint == "quality:scores":
        return client.post(reverse("quality:import_list", args=[exam.pk]), {"file": upload})
    return client.post(reverse("quality:class_teacher_import", args=[exam.pk]), {"file": upload})


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(("name", "make", "fragment"), FILES, ids=[f[0] for f in FILES])
def test_hostile_file_is_refused_in_chinese_with_bounded_memory_and_no_change(
        cast: Cast, endpoint: str, name: str, make: Callable[[], bytes], fragment: str) -> None:
    exam = make_exam(cast.county_a)
    content = make()
    before = _counts()
    response, peak = _peak_during(lambda: _post(cast, exam, endpoint, name, content))
    assert response.status_code == 200
    body = response.content.decode()
    if endpoint.startswith("core:") and name.endswith(".csv"):
        expected = "文件过大" if len(content) > 10 * MB else "只能上传 .xlsx 文件"
    else:
        expected = fragment
    assert expected in body, (name, endpoint)
    assert peak < MEMORY_BUDGET, f"{name} via {endpoint}: peak RSS rose {peak / MB:.0f} MB"
    assert _counts() == before


def test_every_upload_page_states_its_limits(cast: Cast) -> None:
    exam = make_exam(cast.county_a)
    admin, researcher = cast.client("county_admin"), cast.client("county_researcher")
    pages = [admin.get(reverse("import_home")), admin.get(reverse("import_upload", args=["people"])),
             researcher.get(reverse("quality:import_list", args=[exam.pk])),
             researcher.get(reverse("quality:class_teacher_import", args=[exam.pk]))]
    for page in pages:
        text = page.content.decode()
        assert "上传限制：文件不超过" in text and "行" in text and "列" in text
    assert "文件不超过 10 MB，最多 50,100 行、64 列" in pages[0].content.decode()
    assert "文件不超过 20 MB，最多 200,000 行、300 列" in pages[2].content.decode()
