"""PostgreSQL's COPY FROM STDIN in its text format, for the bulk writers (the demo generator in
core.demo.tables, the score import in quality.bulk): several times faster than INSERT, and no
per-value adaptation by the driver. Cells are strings already in COPY's text form: escaped with
`copy_escape`, ``\\N`` for NULL.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection


def copy_escape(text: str) -> str:
    """A text value as a COPY text cell (backslash, tab and line breaks escaped)."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_text(table: str, cols: str, data: Sequence[Sequence[str]]) -> None:
    """COPY columns of cells (one sequence per column, equally long) into `table` (quoted) naming
    `cols` (quoted, comma-separated), on the default connection, inside its transaction."""
    raw = connection.connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
        copy.write("\n".join(map("\t".join, zip(*data, strict=True))) + "\n")
