"""Builds the hostile upload corpus next to this script: `python tests/files/hostile/make_hostile.py`.

Every file is small on disk and dangerous to a naive reader (issue 8, findings 2 and 3):

- sparse_far_cell.xlsx: two cells, A1 and XFD1048576 (the dense grid is 17 billion cells);
- zip_bomb.xlsx: a sheet padded with 400 MB of whitespace, about 400 KB compressed;
- zip_bomb_lying.xlsx: the same idea with sizes in the zip headers that claim 1 KB;
- huge_shared_strings.xlsx: a shared-strings table of one 64 MB string;
- xml_entities.xlsx: a sheet with a DOCTYPE defining nested entities (billion laughs);
- renamed_exe.xlsx, renamed_png.xlsx, renamed_png.csv: binaries with a spreadsheet's name;
- polyglot_png.xlsx, polyglot_html.xlsx: a PNG / an HTML page with a valid workbook appended
  (zip readers find the archive at the end and accept whatever comes before it).

The CSV of empty cells is large by nature (that is its attack), so `empty_cells_csv()` builds it in
memory for the tests instead of storing it.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
MB = 1024 * 1024

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="成绩" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
_EMPTY_STRINGS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                  '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>')


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _workbook(path: Path, sheet: str | None = None, *, strings: str = _EMPTY_STRINGS,
              sheet_chunks: tuple[str, int, str] | None = None, strings_chunks: tuple[str, int, str] | None = None
              ) -> None:
    """A minimal valid workbook. `*_chunks` = (head, megabytes of padding, tail) streams a member."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        for name, body, chunks in (("xl/worksheets/sheet1.xml", sheet, sheet_chunks),
                                   ("xl/sharedStrings.xml", strings, strings_chunks)):
            if chunks is None:
                z.writestr(name, body or "")
                continue
            head, megabytes, tail = chunks
            with z.open(name, "w", force_zip64=True) as member:
                member.write(head.encode())
                pad = (b" " if "sheet" in name else b"A") * MB
                for _ in range(megabytes):
                    member.write(pad)
                member.write(tail.encode())


def _lie_about_sizes(path: Path, member: str, claimed: int) -> None:
    """Patch the uncompressed size of `member` in its local header and central directory entry."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(member)
    struct.pack_into("<I", data, info.header_offset + 22, claimed)
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46:pos + 46 + name_len].decode() == member:
            struct.pack_into("<I", data, pos + 24, claimed)
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))


def tiny_png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def valid_score_sheet() -> bytes:
    """A small, honest workbook (the payload appended to the polyglots)."""
    path = HERE / "_payload.xlsx"
    rows = "".join(f'<row r="{r}">{_inline(f"A{r}", t1)}{_inline(f"B{r}", t2)}</row>'
                   for r, (t1, t2) in enumerate([("考号", "总分"), ("20260001", "88")], start=1))
    _workbook(path, f"{_SHEET_HEAD}<sheetData>{rows}</sheetData></worksheet>")
    data = path.read_bytes()
    path.unlink()
    return data


def empty_cells_csv(megabytes: int = 29) -> bytes:
    """Rows of nothing but commas, the size of the issue's 29 MB file by default."""
    row = b"," * 4095 + b"\n"
    return row * (megabytes * MB // len(row))


def build() -> list[Path]:
    out: list[Path] = []

    def target(name: str) -> Path:
        p = HERE / name
        out.append(p)
        return p

    _workbook(target("sparse_far_cell.xlsx"),
              f'{_SHEET_HEAD}<dimension ref="A1"/><sheetData><row r="1">{_inline("A1", "考号")}</row>'
              f'<row r="1048576">{_inline("XFD1048576", "x")}</row></sheetData></worksheet>')
    _workbook(target("zip_bomb.xlsx"), sheet_chunks=(f"{_SHEET_HEAD}<sheetData>", 400, "</sheetData></worksheet>"))
    lying = target("zip_bomb_lying.xlsx")
    _workbook(lying, sheet_chunks=(f"{_SHEET_HEAD}<sheetData>", 200, "</sheetData></worksheet>"))
    _lie_about_sizes(lying, "xl/worksheets/sheet1.xml", 1024)
    _workbook(target("huge_shared_strings.xlsx"),
              f'{_SHEET_HEAD}<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>',
              strings_chunks=('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns='
                              '"http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
                              "<si><t>", 64, "</t></si></sst>"))
    laughs = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    _workbook(target("xml_entities.xlsx"),
              f'<?xml version="1.0"?><!DOCTYPE worksheet [{laughs}]>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              '<row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData></worksheet>')
    target("renamed_exe.xlsx").write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
                                           + b"This program cannot be run in DOS mode.\r\n")
    target("renamed_png.xlsx").write_bytes(tiny_png())
    target("renamed_png.csv").write_bytes(tiny_png())
    payload = valid_score_sheet()
    target("polyglot_png.xlsx").write_bytes(tiny_png() + payload)
    target("polyglot_html.xlsx").write_bytes(b"<html><body><script>alert(document.cookie)</script></body></html>\n"
                                             + payload)
    return out


if __name__ == "__main__":
    for p in build():
        print(f"{p.name:28} {p.stat().st_size:>9,} bytes")
