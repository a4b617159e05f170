"""Access-matrix rows for the roster sync pages: only the system admin and region admins."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.access_cases import Case

ADMINS = frozenset({"sysadmin", "county_admin"})


def _run(cast: Any) -> list[Any]:
    # A staged run of county A's admin: the county admin and the system admin open it.
    from core.roster_models import SyncRun
    from core.spreadsheets import pack_rows

    run = SyncRun.objects.create(source="teachers", root=cast.county_a, actor=cast.users["county_admin"],
                                 filename="教职工.xlsx", digest="0" * 64, effective=dt.date(2026, 9, 1),
                                 table=pack_rows([["姓名", "身份证件号", "学校标识码"]]),
                                 counts={"person": {"added": 1}})
    return [run.pk]


CASES: list[Case] = [
    Case("roster_home", ADMINS),
    Case("roster_upload", ADMINS, args=lambda cast: ["teachers"], method="POST", data=lambda cast: {}),
    Case("roster_upload", ADMINS, args=lambda cast: ["schools"], ok_status=(302,), note="GET goes back home"),
    Case("roster_run", ADMINS, args=_run),
    Case("roster_run_apply", ADMINS, args=_run, method="POST", ok_status=(302,),
         note="an empty staged run applies and shows its result"),
    Case("roster_run_discard", ADMINS, args=_run, method="POST", ok_status=(302,)),
]
