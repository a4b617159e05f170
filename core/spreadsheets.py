"""The one bounded reader for uploaded spreadsheets (.xlsx and .csv), used by every import.

A spreadsheet is a hostile input: an .xlsx is a zip archive whose members can expand a
thousandfold, and the reader (python-calamine) allocates the dense grid from the first to the
last cell of a sheet, so a 2 KB file with cells A1 and XFD1048576 asks for 17 billion cells and
kills the process. Everything that can cost memory is therefore checked *before* calamine sees the
file, against limits that the upload pages state next to the control:

1. the upload's size (`Limits.max_upload_bytes`), and its first bytes: an .xlsx must be a zip
   archive (a renamed .exe, image or old .xls is named as such);
2. every zip member's declared size and compression ratio, the total declared size, and the
   shared-strings table's size;
3. every member streamed through zlib in chunks, counting the real bytes (a declared size can
   lie); XML members must carry no DOCTYPE (entity expansion); each worksheet's cell references
   are scanned with a byte regex to find the real last row and column, and the dense grid that
   calamine would allocate (rows x columns) is checked against `max_rows`, `max_columns`,
   `max_cells`; a declared `<dimension>` beyond the limits is refused as well.

Only then does calamine read the sheet. CSV is read row by row with the same row, column and
cell budget, and trailing empty cells are dropped, so a file of commas costs nothing.

Callers get plain rows (lists of cells) once; they keep what they parsed and never read the
upload again (quality keeps the parsed table of a score batch, see quality.services).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import python_calamine

from core.errors import DomainError

Cell = Any
MB = 1024 * 1024


class ReadError(DomainError):
    """The file cannot be read within the limits; the message says why, in Chinese."""


@dataclass(frozen=True)
class Limits:
    """What one upload control accepts. `describe()` is the sentence shown next to it."""

    max_upload_bytes: int
    max_rows: int
    max_columns: int
    max_cells: int  # rows x columns of the grid as read (the dense area from A1 to the last cell)
    max_uncompressed_bytes: int = 256 * MB
    # Spreadsheet XML compresses 5-20x; a member past 1 MB compressing more than this is a bomb.
    max_compression_ratio: int = 100
    max_shared_strings_bytes: int = 32 * MB
    max_members: int = 2000

    def describe(self) -> str:
        return (f"文件不超过 {_size(self.max_upload_bytes)}，最多 {self.max_rows:,} 行、{self.max_columns} 列"
                f"（共 {self.max_cells:,} 个单元格）")


def _size(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n / 1024:.0f} KB"


# The core import (regions, schools, people, posts): one row per record, a dozen columns.
CORE_LIMITS = Limits(max_upload_bytes=10 * MB, max_rows=50_100, max_columns=64, max_cells=2_000_000)
# A score sheet: a county's students of one grade with item columns of several papers.
SCORE_LIMITS = Limits(max_upload_bytes=20 * MB, max_rows=200_000, max_columns=300, max_cells=6_000_000)
# 任课安排: four columns, one row per (school, class, subject).
CLASS_TEACHER_LIMITS = Limits(max_upload_bytes=5 * MB, max_rows=20_100, max_columns=32, max_cells=400_000)


@dataclass
class Table:
    """The rows of one sheet ('' for an empty cell) and its merged ranges ((r0, c0), (r1, c1))."""

    rows: list[list[Cell]]
    merges: list[tuple[tuple[int, int], tuple[int, int]]]


# ---------------------------------------------------------------- entry points


def check_upload_size(size: int | None, limits: Limits) -> None:
    """Refuse an upload by its size before its bytes are read into memory."""
    if size is not None and size > limits.max_upload_bytes:
        raise ReadError(f"文件过大：{size / MB:.1f} MB，上限 {_size(limits.max_upload_bytes)}，请拆分后分批导入")


def read_table(content: bytes, filename: str, limits: Limits, *, skip_sheets: Sequence[str] = (),
               csv_allowed: bool = True) -> Table:
    """The first sheet (the first whose name is not in `skip_sheets`) of an .xlsx or .csv upload."""
    check_upload_size(len(content), limits)
    name = filename.lower()
    if not content:
        raise ReadError("上传的文件是空的")
    if name.endswith(".csv") and csv_allowed:
        return Table(_read_csv(content, limits), [])
    if not name.endswith((".xlsx", ".xlsm")):
        if name.endswith((".xls", ".et", ".wps")):
            raise ReadError("不支持旧版 .xls/.et 文件：请在 Excel 或 WPS 中“另存为 → Excel 工作簿（*.xlsx）”后再上传")
        raise ReadError("只能导入 .xlsx" + ("或 .csv" if csv_allowed else "") + " 文件")
    return read_xlsx(content, limits, skip_sheets=skip_sheets)


def read_xlsx(content: bytes, limits: Limits, *, skip_sheets: Sequence[str] = ()) -> Table:
    """An .xlsx upload, whatever its name says: checked against `limits`, then read."""
    check_upload_size(len(content), limits)
    if not content:
        raise ReadError("上传的文件是空的")
    _sniff_xlsx(content)
    _check_archive(content, limits)
    return _read_xlsx(content, skip_sheets)


# ---------------------------------------------------------------- xlsx

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0", "旧版 .xls/.et 文件（或加密的工作簿）"),
    (b"MZ", "可执行程序"),
    (b"\x7fELF", "可执行程序"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"%PDF", "PDF 文件"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf", "7z 压缩包"),
)


def _sniff_xlsx(content: bytes) -> None:
    # An .xlsx starts with a zip local header. Zip readers also accept data *before* the archive
    # (a polyglot: an image or a page with a workbook appended), so the first bytes must be it.
    if content.startswith(b"PK\x03\x04"):
        return
    kind = next((label for sig, label in _SIGNATURES if content.startswith(sig)), None)
    if kind is not None:
        raise ReadError(f"该文件不是 Excel 工作簿，而是{kind}（只改了扩展名）；请上传用 Excel 或 WPS 保存的 .xlsx 文件")
    raise ReadError("该文件不是有效的 .xlsx 文件（可能是改了扩展名的其他文件）；"
                    "请在 Excel 或 WPS 中“另存为 → Excel 工作簿（*.xlsx）”后再上传")


_CORRUPT = "无法读取该文件：工作簿已损坏或不是 Excel 保存的 .xlsx 文件"
_XML_DECL = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.I)
_CHUNK = MB


def _check_archive(content: bytes, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ReadError(_CORRUPT) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            raise ReadError(f"文件结构异常：压缩包内有 {len(infos)} 个部件，上限 {limits.max_members}")
        declared = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise ReadError("文件已加密，请取消密码保护后再上传")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise ReadError(_CORRUPT)
            declared += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > MB and ratio > limits.max_compression_ratio:
                raise ReadError(f"文件过大：部件 {info.filename} 解压后 {info.file_size / MB:.0f} MB，压缩比 {ratio:.0f} 倍，"
                                f"上限 {limits.max_compression_ratio} 倍（疑似压缩炸弹）")
            if info.filename.lower().endswith("sharedstrings.xml") and info.file_size > limits.max_shared_strings_bytes:
                raise ReadError(f"文件过大：共享字符串表解压后 {info.file_size / MB:.0f} MB，"
                                f"上限 {_size(limits.max_shared_strings_bytes)}")
        if declared > limits.max_uncompressed_bytes:
            raise ReadError(f"文件过大：解压后 {declared / MB:.0f} MB，上限 {_size(limits.max_uncompressed_bytes)}")
        real = 0
        for info in infos:
            try:
                real = _scan_member(archive, info, limits, real, fast=True)
            except _Rescan:
                real = _scan_member(archive, info, limits, real, fast=False)


def _scan_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, real: int, *, fast: bool) -> int:
    """Stream one member, counting its real bytes onto `real` (returned), refusing DOCTYPE/ENTITY
    declarations in XML and bounding a worksheet's extent (`_SheetScan`)."""
    scan = _SheetScan(info.filename, limits, fast=fast) if _WORKSHEET.match(info.filename) else None
    is_xml = info.filename.lower().endswith((".xml", ".rels", ".vml"))
    tail = b""
    for chunk in _member_chunks(archive, info):
        real += len(chunk)
        if real > limits.max_uncompressed_bytes:
            raise ReadError(f"文件过大：解压后超过 {_size(limits.max_uncompressed_bytes)}")
        if is_xml and _XML_DECL.search(tail + chunk):
            raise ReadError("文件含有不允许的 XML 声明（DOCTYPE/ENTITY），不是 Excel 保存的工作簿")
        tail = chunk[-16:]
        if scan is not None:
            scan.feed(chunk)
    if scan is not None:
        scan.finish()
    return real


def _member_chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                yield chunk
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, NotImplementedError):
        # A CRC mismatch (a member longer than it declares), a truncated stream, a bad method.
        raise ReadError(_CORRUPT) from None


# Python's re only scans fast for a pattern that starts with a literal, so cell and row tags are
# counted with bytes.count, and references are matched on their attribute (` r="AB12"`): a row's
# r is digits only and never matches, and anything else that did would only make the bound larger.
# A sheet written with a namespace prefix (<x:c …>, rare) is counted with the slower patterns.
_REF_COL = re.compile(rb" r=\"([A-Z]{1,4})\d")
_REF_ROW = re.compile(rb" r=\"[A-Z]{1,4}(\d{1,8})\"")
_ROW_REF = re.compile(rb"<row [^>]*?r=\"(\d{1,8})\"")
_PREFIXED_CELL = re.compile(rb"<\w+:c[\s/>]")
_PREFIXED_ROW = re.compile(rb"<\w+:row[\s/>]")
_PREFIXED_ROW_REF = re.compile(rb"<\w+:row\s[^>]*?\br=\"(\d{1,8})\"")
# XML also allows an attribute as r = 'A1', after a tab or a line break, in lower case letters,
# and calamine honours every such form: each counts as a reference-less cell (one more column)
# *and* its value bounds the sheet, wherever it is (even inside another attribute's value).
_ANY_REF = re.compile(rb"\sr\s*=\s*[\"']([A-Za-z]{0,8})(\d{0,12})")
_ODD_ATTR = (b"\tr", b"\nr", b"\rr", b"r =", b"r\t", b"r\n", b"r\r", b"r= ", b"r=\t", b"r=\n", b"r=\r", b"r='")
_ODD_CELL = re.compile(rb"<c(?=[\s/>])(?! r=\"[A-Z]{1,4}\d{1,8}\")")
_ODD_ROW = re.compile(rb"<row(?=[\s/>])(?! r=\"\d{1,8}\")")
_CELL_REF = re.compile(rb"<c r=\"([A-Z]{1,4})(\d{1,8})\"")


def _tags(data: bytes, name: bytes) -> int:
    return sum(data.count(b"<" + name + end) for end in (b" ", b">", b"/>", b"\t", b"\n", b"\r"))


_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?\bref=\"([A-Z]{1,4})?(\d{1,8})?(?::([A-Z]{1,4})(\d{1,8}))?\"")


def column_number(letters: bytes | str) -> int:
    """'A' -> 1, 'XFD' -> 16384 (lower case as upper)."""
    n = 0
    for ch in (letters.encode() if isinstance(letters, str) else letters).upper():
        n = n * 26 + ch - 64
    return n


def _at_most(value: bytes, lo: int, hi: int) -> bytes:
    """A regex for the strings over the bytes lo..hi (digits, or column letters) that are at most
    `value` read as a number or a column: shorter ones (at least one byte), or as long and
    smaller at the first difference; a tail of the largest byte (…999, …ZZ) takes any tail."""
    cls = b"[" + bytes([lo]) + b"-" + bytes([hi]) + b"]"
    k = len(value)
    j = len(value.rstrip(bytes([hi])))  # value[j:] is all `hi`
    alts = [cls + b"{1,%d}" % (k - 1)] if k > 1 else []
    for i in range(j):
        if value[i] > lo:
            rest = k - i - 1
            alts.append(value[:i] + b"[" + bytes([lo]) + b"-" + bytes([value[i] - 1]) + b"]"
                        + (cls + b"{%d}" % rest if rest else b""))
    alts.append(value[:j] + (cls + b"{%d}" % (k - j) if k > j else b""))
    return b"(?:" + b"|".join(alts) + b")"


def _suspect(col: int, row: int) -> re.Pattern[bytes]:
    """One literal-prefixed pattern matching a cell tag written `<c r="…` whose reference is not a
    well-formed one within column `col` and row `row` (upper-case letters, digits, the quote)."""
    return re.compile(rb'<c r="(?!' + _at_most(_letters(col), 65, 90) + _at_most(str(row).encode(), 48, 57) + rb'")')


def _round_up(n: int) -> int:
    """n rounded up to two significant digits, the rest nines: 100021 -> 109999, 57 -> 57 (a
    shorter pattern in `_suspect`; `_Rescan` makes the rounding harmless)."""
    text = str(n)
    return n if len(text) <= 2 else int(text[:2] + "9" * (len(text) - 2))


def _letters(n: int) -> bytes:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s.encode()


class _Rescan(Exception):
    """A fast pass rounded a sheet's rows up and the rounded extent is past a limit: scan the
    sheet again exactly before refusing it."""


class _SheetScan:
    """The real extent of a worksheet from its XML, fed in chunks (a tag may straddle two)."""

    def __init__(self, name: str, limits: Limits, *, fast: bool = True) -> None:
        self.name, self.limits, self.fast = name, limits, fast
        self.rest = b""
        self.max_row = self.max_col = 0
        self.cells_without_ref = self.rows_without_ref = 0
        self.dimension_seen = False
        self.rounded = False  # max_row is a rounded-up bound (see _fast), not the exact last row

    def feed(self, chunk: bytes) -> None:
        data = self.rest + chunk
        cut = data.rfind(b">") + 1
        data, self.rest = data[:cut], data[cut:]
        if len(self.rest) > MB:
            raise ReadError(_CORRUPT)  # a tag longer than a megabyte is no spreadsheet
        if not self.dimension_seen and (m := _DIMENSION.search(data)):
            self.dimension_seen = True
            last_col, last_row = (m[3], m[4]) if m[3] else (m[1], m[2])
            self._check(int(last_row or 1), column_number(last_col or b"A"), declared=True)
        if not (self.fast and self._fast(data)):
            self._count(data)
        # Cells and rows without a reference follow the previous one, so they can only extend the
        # sheet by their number: an upper bound that stays exact for every file Excel writes.
        self._check(self.max_row + self.rows_without_ref, self.max_col + self.cells_without_ref)

    def _fast(self, data: bytes) -> bool:
        """The bound of a regular chunk without a match object per cell (≈1 s for a 100,000 × 20
        sheet): when every cell tag is written `<c r="…` (as Excel, WPS and the Python writers
        do; calamine then places each cell by its reference alone, whatever the row tags say),
        one literal-prefixed scan (`_suspect`) shows that every reference is well formed and
        within the columns known so far and the rows up to the chunk's last cell, rounded up.
        False (count exactly) for anything else: the first chunk, a namespace prefix, a cell
        tag in another form, any reference beyond."""
        if not self.max_col or b":c" in data or b":row" in data:
            return False
        cells, strict = data.count(b"<c"), data.count(b'<c r="')
        # <col>, <cfRule>, <customSheetView>, <cellWatch> … are other elements, not cells.
        if cells != strict and cells != strict + sum(data.count(o) for o in (b"<co", b"<cf", b"<cu", b"<ce")):
            return False
        last = data.rfind(b'<c r="')
        m = _CELL_REF.match(data, last) if last >= 0 else None
        if m is None:
            return False
        bound = _round_up(max(self.max_row, int(m[2])))
        if _suspect(self.max_col, bound).search(data):
            return False
        self.rounded = self.rounded or bound > max(self.max_row, int(m[2]))
        self.max_row = bound
        return True

    def _count(self, data: bytes) -> None:
        cells, row_tags = _tags(data, b"c"), _tags(data, b"row")
        row_refs = _ROW_REF.findall(data)
        if b":c" in data or b":row" in data:
            cells += len(_PREFIXED_CELL.findall(data))
            row_tags += len(_PREFIXED_ROW.findall(data))
            row_refs += _PREFIXED_ROW_REF.findall(data)
        cols = set(_REF_COL.findall(data))
        refs = _REF_ROW.findall(data)
        with_ref = len(refs)
        rows = set(refs)
        self.cells_without_ref += max(0, cells - with_ref)
        self.rows_without_ref += max(0, row_tags - len(row_refs))
        if cols:
            self.max_col = max(self.max_col, max(column_number(c) for c in cols))
        if rows:
            self.max_row = max(self.max_row, max(int(r) for r in rows))
        if row_refs:
            self.max_row = max(self.max_row, max(int(r) for r in row_refs))
        if any(odd in data for odd in _ODD_ATTR) or _ODD_CELL.search(data) or _ODD_ROW.search(data):
            for letters, digits in _ANY_REF.findall(data):
                if letters:
                    self.max_col = max(self.max_col, column_number(letters))
                if digits:
                    self.max_row = max(self.max_row, int(digits))

    def finish(self) -> None:
        self._check(self.max_row + self.rows_without_ref, self.max_col + self.cells_without_ref)

    def _check(self, rows: int, cols: int, *, declared: bool = False) -> None:
        lim = self.limits
        what = "工作表声明的范围" if declared else "工作表"
        if self.rounded and not declared and (rows > lim.max_rows or cols > lim.max_columns
                                               or rows * cols > lim.max_cells):
            raise _Rescan
        if rows > lim.max_rows:
            raise ReadError(f"文件过大：{what}有 {rows:,} 行，上限 {lim.max_rows:,} 行（最后一个单元格所在行），"
                            "请删除多余的行或拆分后分批导入")
        if cols > lim.max_columns:
            raise ReadError(f"文件过大：{what}有 {cols:,} 列，上限 {lim.max_columns} 列（最后一个单元格所在列），"
                            "请删除多余的列")
        if rows * cols > lim.max_cells:
            raise ReadError(f"文件过大：{what}共 {rows:,} 行 × {cols} 列 = {rows * cols:,} 个单元格，"
                            f"上限 {lim.max_cells:,} 个，请删除多余的行列或拆分后分批导入")


def _read_xlsx(content: bytes, skip_sheets: Sequence[str]) -> Table:
    # The archive passed every check above, so what calamine raises now is damage it found in the
    # XML; its exceptions share CalamineError, and a malformed value surfaces as ValueError.
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        names: list[str] = list(book.sheet_names)
        if not names:
            return Table([], [])
        name = next((n for n in names if n.strip() not in skip_sheets), names[0])
        sheet = book.get_sheet_by_name(name)
        rows: list[list[Cell]] = sheet.to_python(skip_empty_area=False)
        merges = list(sheet.merged_cell_ranges or [])
    except python_calamine.PasswordError:
        raise ReadError("文件已加密，请取消密码保护后再上传") from None
    except (python_calamine.CalamineError, ValueError, OverflowError):
        raise ReadError(_CORRUPT) from None
    return Table(rows, merges)


# ---------------------------------------------------------------- csv


def _read_csv(content: bytes, limits: Limits) -> list[list[Cell]]:
    head = content[:8192]
    if content.startswith(b"PK\x03\x04"):
        raise ReadError("该文件是 Excel 工作簿而不是 CSV，请把扩展名改回 .xlsx 后上传")
    if b"\x00" in head:
        kind = next((label for sig, label in _SIGNATURES if content.startswith(sig)), "二进制文件")
        raise ReadError(f"该文件不是 CSV 文本文件，而是{kind}（只改了扩展名）")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ReadError("无法识别该 CSV 文件的文字编码（支持 UTF-8 和 GBK/GB18030）")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[Cell]] = []
    width = 0
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            if number > limits.max_rows:
                raise ReadError(f"文件过大：超过 {limits.max_rows:,} 行，请拆分后分批导入")
            if len(row) > limits.max_columns:
                raise ReadError(f"文件过大：第{number}行有 {len(row)} 列，上限 {limits.max_columns} 列")
            while row and row[-1] == "":
                row.pop()  # trailing empty cells (Excel pads rows to the widest) cost nothing
            width = max(width, len(row))
            if number * width > limits.max_cells:
                raise ReadError(f"文件过大：超过 {limits.max_cells:,} 个单元格，请拆分后分批导入")
            rows.append(row)
    except csv.Error as exc:
        raise ReadError(f"CSV 文件格式有误：{exc}") from None
    # Rows of nothing at the end (a file padded with line breaks) are not data.
    while rows and not rows[-1]:
        rows.pop()
    return rows


# ---------------------------------------------------------------- keeping parsed rows


def pack_rows(rows: Sequence[Sequence[Cell]]) -> bytes:
    """Rows as compact compressed JSON, to keep what was parsed instead of the upload."""
    import json

    def plain(v: Cell) -> Cell:
        if v is None or isinstance(v, bool | int | float | str):
            return str(v) if isinstance(v, str) else v
        if isinstance(v, dt.datetime | dt.date | dt.time):
            return v.isoformat()
        return str(v)

    # Exact str, float and int cells (nearly all of them) go to JSON as they are; only the rest
    # (None, bools, dates, str subclasses such as merged header cells) through plain(). zlib level 1:
    # a third larger than level 6, a fifth of its time (the table of a 100,000-row file: 2.5 MB).
    fast = (str, float, int)
    return zlib.compress(json.dumps([[v if v.__class__ in fast else plain(v) for v in row] for row in rows],
                                    ensure_ascii=False, separators=(",", ":")).encode(), 1)


def unpack_rows(data: bytes) -> list[list[Cell]]:
    import json

    rows: list[list[Cell]] = json.loads(zlib.decompress(data))
    return rows
