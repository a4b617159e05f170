"""The bounded reader's checks one by one, with small limits (core.spreadsheets)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from core.spreadsheets import Limits, ReadError, pack_rows, read_table, unpack_rows
from tests.files.hostile import make_hostile

SMALL = Limits(max_upload_bytes=1024 * 1024, max_rows=100, max_columns=10, max_cells=500,
               max_shared_strings_bytes=2000)
HEAD = make_hostile._SHEET_HEAD


def _book(sheet: str, strings: str = make_hostile._EMPTY_STRINGS) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", make_hostile._CONTENT_TYPES)
        z.writestr("_rels/.rels", make_hostile._RELS)
        z.writestr("xl/workbook.xml", make_hostile._WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", make_hostile._WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", strings)
    return buf.getvalue()


def _sheet(body: str) -> str:
    return f"{HEAD}<sheetData>{body}</sheetData></worksheet>"


def test_a_workbook_within_the_limits_reads() -> None:
    rows = read_table(_book(_sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>考号</t></is></c>'
                                   '<c r="B1"><v>3</v></c></row>')), "a.xlsx", SMALL).rows
    assert rows == [["考号", 3.0]]


@pytest.mark.parametrize(("body", "what"), [
    ('<row r="101"><c r="A101"><v>1</v></c></row>', "101 行"),  # one far row
    ('<row r="1"><c r="K1"><v>1</v></c></row>', "11 列"),  # one far column
    ('<row r="1"><c r="J60"><v>1</v></c></row>', "600 个单元格"),  # a cell ref beyond its row
    ('<row r="1">' + "<c><v>1</v></c>" * 11 + "</row>", "11 列"),  # cells without references
    ("<row><c><v>1</v></c></row>" * 101, "101 行"),  # rows without references
    ('<x:row r="1"><x:c r="K1"><x:v>1</x:v></x:c></x:row>', "11 列"),  # a namespace prefix
])
def test_the_real_extent_of_a_sheet_is_checked_before_reading(body: str, what: str) -> None:
    with pytest.raises(ReadError, match=f"文件过大.*{what}"):
        read_table(_book(_sheet(body)), "a.xlsx", SMALL)


def test_a_declared_dimension_beyond_the_limits_is_refused() -> None:
    sheet = f'{HEAD}<dimension ref="A1:Z9999"/><sheetData></sheetData></worksheet>'
    with pytest.raises(ReadError, match="声明的范围"):
        read_table(_book(sheet), "a.xlsx", SMALL)


def test_shared_strings_and_upload_size_limits() -> None:
    strings = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>' + "字" * 1000 + "</t></si></sst>"
    with pytest.raises(ReadError, match="共享字符串表"):
        read_table(_book(_sheet(""), strings), "a.xlsx", SMALL)
    with pytest.raises(ReadError, match="文件过大：2.0 MB，上限 1 MB"):
        read_table(b"PK\x03\x04" + b"\0" * (2 * 1024 * 1024), "a.xlsx", SMALL)


def test_csv_rows_columns_and_cells_are_bounded() -> None:
    with pytest.raises(ReadError, match="超过 100 行"):
        read_table(b"1\n" * 101, "a.csv", SMALL)
    with pytest.raises(ReadError, match="第1行有 11 列"):
        read_table(b"1," * 10 + b"1\n", "a.csv", SMALL)
    with pytest.raises(ReadError, match="500 个单元格"):
        read_table(b"1,2,3,4,5,6,7,8,9,10\n" * 60, "a.csv", SMALL)
    # Trailing empty cells and empty rows cost nothing.
    assert read_table(b"a,b" + b"," * 8 + b"\n" + b"\n" * 50, "a.csv", SMALL).rows == [["a", "b"]]


def test_old_and_foreign_formats_are_named() -> None:
    with pytest.raises(ReadError, match="旧版 .xls"):
        read_table(b"\xd0\xcf\x11\xe0rest", "a.xls", SMALL)
    with pytest.raises(ReadError, match="只能导入 .xlsx"):
        read_table(b"x", "a.ods", SMALL)


def test_parsed_rows_survive_packing() -> None:
    rows = [["考号", 1.5, 2, None, True, dt.date(2026, 9, 1)]]
    assert unpack_rows(pack_rows(rows)) == [["考号", 1.5, 2, None, True, "2026-09-01"]]


# A sheet is scanned in chunks; after the first one, a regular chunk (every cell written
# `<c r="…"`) is bounded by a fast pass that rounds its last row up, and a rounded bound past a
# limit is scanned again exactly. Small chunks put these paths in reach of a small sheet.
def _rows(first: int, last: int, cols: str = "AB") -> str:
    return "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in cols) + "</row>"
                   for r in range(first, last + 1))


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    import core.spreadsheets
    monkeypatch.setattr(core.spreadsheets, "_CHUNK", 256)


@pytest.mark.usefixtures("small_chunks")
def test_a_sheet_at_the_row_limit_reads_although_its_fast_bound_is_rounded_past_it() -> None:
    # Rows 1..100 of a 100-row limit: the fast pass rounds row 100 up to 109 and scans again.
    rows = read_table(_book(_sheet(_rows(1, 100))), "a.xlsx", SMALL).rows
    assert len(rows) == 100 and rows[-1] == [100.0, 100.0]
    with pytest.raises(ReadError, match="文件过大.*101 行"):
        read_table(_book(_sheet(_rows(1, 101))), "a.xlsx", SMALL)


@pytest.mark.usefixtures("small_chunks")
@pytest.mark.parametrize(("late", "what"), [
    ('<row r="41"><c r="K41"><v>1</v></c></row>', "11 列"),  # a column beyond those seen so far
    ('<row r="41"><c r="A500"><v>1</v></c></row>', "500 行"),  # a cell placed far below its row
    ('<row r="41"><c r = "A500"><v>1</v></c></row>', "500 行"),  # spaces around '='
    ('<row r="41"><c\tr="A500"><v>1</v></c></row>', "500 行"),  # a tab before the attribute
    ("<row r=\"41\"><c r='A500'><v>1</v></c></row>", "500 行"),  # single quotes
    # An upper bound past the limit suffices where the place is not exact:
    ('<row r="41"><c r="k41"><v>1</v></c></row>', "1[12] 列"),  # a lower-case column
    ('<row r="41">' + "<c><v>1</v></c>" * 11 + "</row>", "1[1-3] 列"),  # cells without references
])
def test_an_odd_or_far_cell_in_a_later_chunk_is_still_counted(late: str, what: str) -> None:
    # Forty regular rows fill several chunks before the odd one comes.
    with pytest.raises(ReadError, match=f"文件过大.*{what}"):
        read_table(_book(_sheet(_rows(1, 40) + late)), "a.xlsx", SMALL)


@pytest.mark.usefixtures("small_chunks")
def test_regular_chunks_within_the_limits_read_whole() -> None:
    rows = read_table(_book(_sheet(_rows(1, 60, "ABCDE"))), "a.xlsx", SMALL).rows
    assert len(rows) == 60 and rows[59] == [60.0] * 5
