"""The workbooks for download: the blank template and the error report."""

from __future__ import annotations

import io
from collections.abc import Sequence

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from core.exporting import WORKBOOK_OPTIONS
from core.importing.columns import COLUMNS, ImportKind, ImportReport

# ---------------------------------------------------------------- workbooks for download


def template_workbook(kind: ImportKind) -> bytes:
    """The blank template: headers and one example row, dropdowns for enumerated columns, and a
    说明 sheet listing each column, whether it is required, its format and allowed values."""
    columns = COLUMNS[kind]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    head = book.add_format({"bold": True, "bg_color": "#E3F4EC", "border": 1})
    head_required = book.add_format({"bold": True, "bg_color": "#E3F4EC", "border": 1, "font_color": "#B42318"})
    text = book.add_format({"num_format": "@"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet = book.add_worksheet(kind.label)
    choices_sheet = book.add_worksheet("选项")
    notes = book.add_worksheet("说明")
    for j, col in enumerate(columns):
        sheet.write_string(0, j, col.header, head_required if col.required else head)
        sheet.set_column(j, j, max(10, len(col.header) * 2 + 4, len(col.example) + 2),
                         text if col.text else None)
        if col.example:
            sheet.write_string(1, j, col.example)
        if col.choices:
            # Lists longer than 255 characters cannot be inline, so every list lives on the
            # 选项 sheet and the validation refers to its range.
            for i, choice in enumerate(col.choices):
                choices_sheet.write_string(i, j, choice)
            letter = xl_col_to_name(j)
            sheet.data_validation(1, j, 5000, j, {
                "validate": "list", "source": f"=选项!${letter}$1:${letter}${len(col.choices)}",
                "error_type": "warning", "error_message": "请从下拉列表中选择"})
    sheet.freeze_panes(1, 0)
    choices_sheet.hide()
    notes.write_row(0, 0, ["列名", "是否必填", "格式", "可选值"], head)
    for i, col in enumerate(columns, start=1):
        notes.write_row(i, 0, [col.header, "必填" if col.required else "选填", col.fmt, "、".join(col.choices)], wrap)
    tail = len(columns) + 2
    notes.write_string(tail, 0, "第一行为列名，请勿修改；示例行请替换为实际数据。列的顺序可以调整。")
    notes.write_string(tail + 1, 0, "已存在的记录按代码（人员按人员编号）更新；选填列留空表示清空该项，整列删除则不修改该项。")
    notes.write_string(tail + 2, 0, "文件中任何一行有错误时，整个文件都不会导入；请按错误报告修改后重新上传。")
    notes.set_column(0, 0, 14)
    notes.set_column(1, 1, 10)
    notes.set_column(2, 2, 48)
    notes.set_column(3, 3, 60)
    book.close()
    return buffer.getvalue()


def error_workbook(report: ImportReport) -> bytes:
    """The errors of a failed import as a workbook (行, 列, 原因) the user can work through."""
    return errors_workbook(report.filename, [(e.row, e.column, e.reason) for e in report.errors])


def errors_workbook(filename: str, errors: Sequence[tuple[int, str, str]]) -> bytes:
    """The same from plain tuples, for errors kept in the session between requests."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    head = book.add_format({"bold": True, "bg_color": "#FDECEA", "border": 1})
    sheet = book.add_worksheet("错误报告")
    sheet.write_string(0, 0, f"文件：{filename}")
    sheet.write_row(1, 0, ["行", "列", "原因"], head)
    for i, (row, column, reason) in enumerate(errors, start=2):
        if row:
            sheet.write_number(i, 0, row)
        else:
            sheet.write_string(i, 0, "—")
        sheet.write_string(i, 1, column)
        sheet.write_string(i, 2, reason)
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 2, 80)
    sheet.freeze_panes(2, 0)
    book.close()
    return buffer.getvalue()
