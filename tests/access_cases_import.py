"""Access-matrix rows for the bulk import pages: only the system admin and region admins."""

from __future__ import annotations

from typing import Any

from tests.access_cases import Case

IMPORTERS = frozenset({"sysadmin", "county_admin"})


def _no_file(cast: Any) -> dict[str, Any]:
    # A POST without a file: importers get the form back with "请选择要上传的文件" (200), which
    # proves the view was reached without writing anything.
    return {}


CASES: list[Case] = [
    Case("import_home", IMPORTERS),
    Case("import_template", IMPORTERS, args=lambda cast: ["schools"]),
    Case("import_template", IMPORTERS, args=lambda cast: ["people"], note="another kind"),
    Case("import_upload", IMPORTERS, args=lambda cast: ["posts"]),
    Case("import_upload", IMPORTERS, args=lambda cast: ["schools"], method="POST", data=_no_file),
]
