"""Word analysis reports (python-docx) per exam and per school, charts drawn server-side by
quality.chart_png (Pillow, Noto Sans CJK SC; DESIGN.md "Charts ... for Word reports, charts
rendered server-side"), each subject followed by its written analysis.

The report prints the conventions of the analysis (issue 4: "print the choice in every report")
and shows only the rows its reader may see (the rows are chosen by the view).
"""

from __future__ import annotations

import io
from typing import Any

from docx.shared import Cm

from core.documents import SANS_FONT, document_bytes, new_document
from quality import chart_png
from quality.analysis.written import Section
from quality.models import Exam

FONT = SANS_FONT


def _table(doc: Any, headers: list[str], rows: list[list[Any]]) -> None:
    """A styled table. The body rows are copies of the header row's XML with their texts
    replaced (lxml, no python-docx cell objects): python-docx's ``add_row().cells`` and
    ``cell.text`` were most of a report's time once the charts were fast."""
    from copy import deepcopy

    from docx.oxml.ns import qn

    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Light Grid Accent 1"
    for c, h in enumerate(headers):
        t.rows[0].cells[c].text = h
    template = t.rows[0]._tr
    tbl = t._tbl
    w_t = qn("w:t")
    for r in rows:
        tr = deepcopy(template)
        for node, v in zip(tr.iter(w_t), r, strict=False):
            node.text = "—" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))
        tbl.append(tr)


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def _written(doc: Any, sections: list[Section]) -> None:
    doc.add_heading("分析与建议", level=2)
    for sec in sections:
        if sec.title:
            doc.add_paragraph().add_run(sec.title).bold = True
        for line in sec.lines:
            doc.add_paragraph(line, style="List Bullet")


def analysis_docx(exam: Exam, papers: list[tuple[str, dict[str, Any], list[dict[str, Any]]]], *,
                  title: str, balance: dict[str, dict[str, Any] | None], warnings: list[str],
                  analysis: dict[str, list[Section]] | None = None) -> bytes:
    """`papers`: (subject name, summary data, visible unit rows) per paper; `analysis`: the
    written analysis per subject (quality.analysis.written, possibly edited by the reader)."""
    doc = new_document(font=FONT, size_pt=10.5)
    doc.add_heading(title, level=0)
    doc.add_paragraph(f"考试：{exam.name}（{exam.get_kind_display()}）  组织单位：{exam.org.name}  "
                      f"日期：{exam.held_on:%Y-%m-%d}  年级：{exam.grade}")
    doc.add_heading("一、分析口径", level=1)
    for line in exam.settings_lines():
        doc.add_paragraph(line, style="List Bullet")
    for n, (subject, data, rows) in enumerate(papers, start=2):
        doc.add_heading(f"{'二三四五六七八九十'[min(n - 2, 8)]}、{subject}", level=1)
        if not data or not rows:
            doc.add_paragraph("尚未导入成绩。")
            continue
        doc.add_paragraph(data.get("rates_rule", ""))
        _table(doc, ["单位", "应考", "实考", "平均分", "标准差", "优秀率", "及格率", "低分率", "超均率%"],
               [[u["name"], u["registered"], u["sat"], u["mean"], u["sd"], _pct(u["excellent_rate"]),
                 _pct(u["pass_rate"]), _pct(u["low_rate"]), u["above_mean"]]
                for u in rows if u["level"] in ("region", "school")][:60])
        top = next((u for u in rows if u["key"] == data.get("top")), None)
        if top:
            labels, counts = data["band_labels"], top["bands"]
            png = chart_png.bars(labels, counts, f"{subject} 分数段分布", "人数")
            doc.add_picture(io.BytesIO(png), width=Cm(15))
        schools = [u for u in rows if u["level"] == "school" and u["sat"]]
        if len(schools) > 1:
            png = chart_png.boxes([s["name"][:6] for s in schools], [s["quantiles"] for s in schools],
                                  f"{subject} 各校成绩分布（箱线图）")
            doc.add_picture(io.BytesIO(png), width=Cm(15))
        classes = [u for u in rows if u["level"] == "class"]
        school_names = {u["key"]: u["name"] for u in rows if u["level"] == "school"}
        if classes and len(classes) <= 80:
            doc.add_paragraph("各班一分三率：")
            _table(doc, ["班级", "实考", "平均分", "优秀率", "及格率", "低分率"],
                   [[f"{school_names.get(c['parent'], '')} {c['name']}".strip(), c["sat"], c["mean"], _pct(c["excellent_rate"]),
                     _pct(c["pass_rate"]), _pct(c["low_rate"])] for c in classes])
        rel = data.get("reliability")
        if rel:
            doc.add_paragraph(f"信度：Cronbach α = {rel['alpha']:.3f}（{rel['confidence']:.0%} 置信区间 "
                              f"{rel['alpha_lower']:.3f}–{rel['alpha_upper']:.3f}，{rel['ci_method']}）；"
                              f"{rel['split_rule']}：Spearman–Brown {rel['spearman_brown']:.3f}，Rulon {rel['rulon']:.3f}。")
        items = data.get("items") or []
        if items:
            doc.add_paragraph(f"试题分析（难度 P = 平均分÷满分；区分度方法：{data.get('discrimination_method')}）：")
            _table(doc, ["题号", "满分", "知识点", "难度", "区分度"],
                   [[i["label"], i["max"], i["kp"], i["difficulty"], i["d"]] for i in items])
        b = balance.get(subject)
        if b:
            doc.add_paragraph(f"校际均衡：差异系数（按实考人数加权，教育部方法）{b['cv']:.3f}；不加权 {b['cv_unweighted']:.3f}；"
                              f"加权基尼系数 {b['gini']:.3f}" + (f"；泰尔指数 {b['theil']:.3f}" if b["theil"] else "")
                              + "。" + "".join(f"{v['label']}：{'达标' if v['passed'] else '未达标'}。"
                                               for v in b["verdicts"]))
        if analysis and analysis.get(subject):
            _written(doc, analysis[subject])
    if warnings:
        doc.add_heading("预警", level=1)
        for w in warnings:
            doc.add_paragraph(w, style="List Bullet")
    doc.add_paragraph("说明：本报告仅呈现集体统计结果，不公开学生个人成绩与名次（《未成年人学校保护规定》）。")
    return document_bytes(doc)
