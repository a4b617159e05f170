"""The roster sync pages over HTTP: preview, apply, the second upload's 无变化, rejected files,
the history, and runs of another region staying out of reach."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.access import scope_of
from core.importing.roster import roster_apply, roster_preview
from core.models import Person
from core.roster_codes import Source
from core.roster_models import SyncRun, SyncStatus
from tests.files.roster.sheets import teacher, teachers_sheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client: Any, content: bytes, name: str = "教职工信息.xlsx") -> Any:
    return client.post(reverse("roster_upload", args=["teachers"]),
                       {"file": SimpleUploadedFile(name, content, content_type=XLSX)})


def rows() -> list[list[Any]]:
    return [teacher(11, "葛文静", "1140105001", "化学"), teacher(12, "房立新", "1140105002", "科学", stage="小学")]


def test_preview_apply_and_the_second_upload_says_no_change(cast: Any) -> None:
    client = cast.client("county_admin")
    response = upload(client, teachers_sheet(rows()))
    assert response.status_code == 302
    run = SyncRun.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "同步预览" in page and "确认同步" in page and "葛文静（小店第一中学）" in page
    assert not Person.objects.filter(name="葛文静").exists()

    done = client.post(reverse("roster_run_apply", args=[run.pk]), follow=True).content.decode()
    assert "已同步" in done
    assert Person.objects.get(name="葛文静").org == cast.school_a1

    again = upload(client, teachers_sheet(rows()))
    page = client.get(again["Location"]).content.decode()
    assert "无变化" in page
    history = client.get(reverse("roster_home")).content.decode()
    assert history.count("教职工信息.xlsx") == 2


def test_a_bad_file_shows_its_rows_and_stages_nothing(cast: Any) -> None:
    bad = rows()
    bad[1][9] = "大学"
    page = upload(cast.client("county_admin"), teachers_sheet(bad)).content.decode()
    assert "整个文件都没有同步" in page and "无法识别的任教学段“大学”" in page and ">4<" in page
    assert not SyncRun.objects.exists()


def test_an_applied_run_cannot_be_applied_twice(cast: Any) -> None:
    client = cast.client("county_admin")
    upload(client, teachers_sheet(rows()))
    run = SyncRun.objects.get()
    client.post(reverse("roster_run_apply", args=[run.pk]))
    second = client.post(reverse("roster_run_apply", args=[run.pk]))
    assert second.status_code == 409 and "已经应用或放弃" in second.content.decode()
    assert Person.objects.filter(name="葛文静").count() == 1


def test_a_run_of_another_region_is_not_found(cast: Any) -> None:
    run = SyncRun.objects.create(source="teachers", root=cast.county_b, actor=None, filename="b.xlsx",
                                 digest="0" * 64, effective=dt.date(2026, 9, 1))
    client = cast.client("county_admin")
    assert client.get(reverse("roster_run", args=[run.pk])).status_code == 404
    assert client.post(reverse("roster_run_discard", args=[run.pk])).status_code == 404
    assert SyncRun.objects.get(pk=run.pk).status == SyncStatus.STAGED
    assert "b.xlsx" not in client.get(reverse("roster_home")).content.decode()


def test_queries_do_not_grow_with_rows(cast: Any) -> None:
    def queries(n: int, first: int, school: str) -> int:
        sheet = teachers_sheet([teacher(first + i, f"教师{first + i}", school, "数学、物理")
                                for i in range(n)])
        actor = cast.users["county_admin"]
        with CaptureQueriesContext(connection) as ctx:
            preview = roster_preview(actor=actor, source=Source.TEACHERS, content=sheet, filename="x.xlsx",
                                     root=cast.county_a, effective=dt.date(2026, 9, 1))
            assert preview.run is not None
            roster_apply(actor=actor, run=preview.run)
        return len(ctx.captured_queries)

    # The actor's scope is read once and kept on the user; read it before counting.
    scope_of(cast.users["county_admin"])
    # Each at a school the sync has not yet touched, so both runs only add. 30 teachers write 90
    # audit events, one INSERT on SQLite (which batches about 110 events per statement).
    assert queries(30, 100, "1140105001") == queries(4, 200, "1140105002")
