"""A selection round's member list imported into a programme: atomic, row-level Chinese errors,
designations recorded in the trunk for title-of-honour tiers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Designation
from growth.models import ProgrammeMember
from growth.services import programmes
from growth.services.member_import import HEADERS, members_import


def _csv(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(r) for r in [list(HEADERS), *rows]).encode()


def _programme(cast: Any) -> Any:
    p = programmes.programme_create(actor=None, region=cast.county_a, name="小店区人才梯队", kind="leader",
                                    level="county", start=dt.date(2026, 9, 1), end=dt.date(2029, 8, 31))
    programmes.tier_add(actor=None, programme=p, name="学科带头人", kind="leader", rank=1)
    programmes.tier_add(actor=None, programme=p, name="青年教师", kind="young", rank=2)
    return p


def test_members_are_imported_with_designations_or_refused_by_row(cast: Any) -> None:
    p = _programme(cast)
    principal, teacher = cast.people["principal"], cast.people["teacher"]
    bad = members_import(actor=cast.users["county_admin"], programme=p, filename="名单.csv", content=_csv([
        [principal.code, principal.name, "学科带头人", "", ""],
        [teacher.code, "", "骨干", "", ""],
        ["P99999", "", "青年教师", "", ""]]))
    assert [str(e) for e in bad.errors] == ["第3行「层级」：项目中没有层级“骨干”，应为：学科带头人、青年教师",
                                          "第4行「人员编号」：没有找到人员“P99999”"]
    assert not ProgrammeMember.objects.exists() and not Designation.objects.exists()
    ok = members_import(actor=cast.users["county_admin"], programme=p, filename="名单.csv", content=_csv([
        [principal.code, principal.name, "学科带头人", "", ""],
        [teacher.code, "", "青年教师", "2026-09-01", "2027-08-31"]]))
    assert ok.ok and ok.created == 2
    assert Designation.objects.get(person=principal).kind == "leader"
    assert ProgrammeMember.objects.get(person=teacher).end == dt.date(2027, 8, 31)
    again = members_import(actor=cast.users["county_admin"], programme=p, filename="名单.csv",
                           content=_csv([[teacher.code, "", "青年教师", "", ""]]))
    assert again.ok and again.unchanged == 1


def test_the_member_import_page(cast: Any) -> None:
    p = _programme(cast)
    url = reverse("growth:member_import", args=[p.pk])
    response = cast.client("county_admin").post(url, {"file": SimpleUploadedFile("名单.csv", _csv(
        [[cast.people["teacher"].code, "", "青年教师", "", ""]]))})
    assert "导入成功" in response.content.decode() and ProgrammeMember.objects.count() == 1
    assert cast.client("county_researcher").get(url).status_code == 404
