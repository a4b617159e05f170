"""The item bank (题库): list, item history, new item, linking an exam paper, assembling a paper."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.access import require
from core.exporting import xlsx_response
from core.http import AuthedRequest
from core.paging import paginate
from observe.attachments import attachment_response
from quality import charts
from quality.access import (
    bank_items_for_node,
    bank_items_visible_to,
    bank_nodes_for,
    can_manage_bank,
    can_manage_exam,
    drafts_visible_to,
    exams_visible_to,
    get_bank_item_for_user,
    get_draft_for_user,
    get_paper_for_user,
)
from quality.forms import AssembleForm, BankFilterForm, BankItemForm
from quality.models import BankItem, BankItemUse, DraftPaper, Item, Paper, ScoreBlock
from quality.selectors import bank_candidates
from quality.services.base import ServiceError
from quality.services.itembank import bank_item_create, bank_link_paper, draft_save, draft_to_paper
from quality.stats.assembly import TIME_LIMIT_S, Assembly, Candidate, Cell, assemble, predict

FORMULAS = ("预测难度 P̂ = Σ mᵢ·pᵢ ÷ Σ mᵢ（各题历史难度按分值加权平均，mᵢ 为分值，pᵢ 为历史难度）；"
            "预测信度 α̂ = k/(k−1) · (1 − Σσᵢ² ÷ (Σ rᵢσᵢ)²)，σᵢ 为题目历史标准差（无记录时取 mᵢ·√(pᵢ(1−pᵢ))），"
            "rᵢ 为历史题总相关，k 为题数；0/1 计分的题目上即 KR-20。预测假定本次考生与题目以往的考生相近。")


@login_required
def bank_list(request: AuthedRequest) -> HttpResponse:
    form = BankFilterForm(request.GET or None)
    qs = bank_items_visible_to(request.user)
    if form.is_valid():
        d = form.cleaned_data
        if d.get("subject"):
            qs = qs.filter(subject=d["subject"])
        if d.get("kp"):
            qs = qs.filter(knowledge_point__icontains=d["kp"].strip())
        if d.get("ability"):
            qs = qs.filter(ability=d["ability"].strip())
        if d.get("p_min") is not None:
            qs = qs.filter(difficulty__gte=d["p_min"])
        if d.get("p_max") is not None:
            qs = qs.filter(difficulty__lte=d["p_max"])
    elif form.is_bound:
        qs = qs.none()
    page = paginate(request, qs.order_by("subject__sort", "knowledge_point", "ability", "id"), per_page=30)
    writable = bank_nodes_for(request.user)
    drafts = list(drafts_visible_to(request.user)[:10]) if writable else []
    return render(request, "quality/bank_list.html", {"form": form, "page": page, "can_write": bool(writable),
                                                       "drafts": drafts})


@login_required
def bank_item_detail(request: AuthedRequest, item_id: int) -> HttpResponse:
    item = get_bank_item_for_user(request.user, item_id)
    history = list(BankItemUse.objects.filter(bank_item=item)
                   .select_related("paper_item__paper__exam", "paper_item__paper__subject")
                   .order_by("recorded_at", "id"))
    ctx: dict[str, Any] = {"item": item, "history": history}
    if history:
        labels = [f"{u.paper_item.paper.exam.held_on:%Y-%m} {u.paper_item.paper.exam.name}" for u in history]
        ctx["p_chart"] = charts.bars(labels, [u.difficulty for u in history], "各次考试中的难度", "P")
    return render(request, "quality/bank_item_detail.html", ctx)


@login_required
def bank_item_file(request: AuthedRequest, item_id: int) -> FileResponse:
    item = get_bank_item_for_user(request.user, item_id)
    require(bool(item.stem_file), "该题目没有文件")
    return attachment_response(item.stem_file.open("rb"), item.stem_file_name or "题目")


@login_required
@require_http_methods(["GET", "POST"])
def bank_item_new(request: AuthedRequest) -> HttpResponse:
    orgs = bank_nodes_for(request.user)
    require(bool(orgs), "没有可写入的题库")
    form = BankItemForm(request.POST or None, request.FILES or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            item = bank_item_create(actor=request.user, org=d["org"], subject=d["subject"], stage=d["stage"],
                                    grade=d.get("grade"), kind=d["kind"], max_score=d["max_score"],
                                    knowledge_point=d["knowledge_point"], ability=d["ability"], stem=d["stem"],
                                    answer=d["answer"], source="手工录入", stem_file=d.get("stem_file"))
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已加入题库：{item}")
            return redirect("quality:bank_item_detail", item.pk)
    return render(request, "quality/bank_item_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def paper_bank_link(request: AuthedRequest, paper_id: int) -> HttpResponse:
    paper = get_paper_for_user(request.user, paper_id)
    exam = paper.exam
    require(can_manage_exam(request.user, exam), "没有找到该试卷")
    items = list(Item.objects.filter(paper=paper).select_related("bank_item").order_by("number"))
    # Candidates for "the same item": the exam node's bank items of the same cell and marks.
    bank = BankItem.objects.filter(org=exam.org, subject=paper.subject, stage=exam.stage,
                                   knowledge_point__in={it.knowledge_point for it in items})
    by_cell: dict[tuple[str, str, Any], list[BankItem]] = {}
    for b in bank.order_by("id"):
        by_cell.setdefault((b.knowledge_point, b.ability, b.max_score), []).append(b)
    candidates = {it.pk: by_cell.get((it.knowledge_point, it.ability, it.max_score), []) for it in items}
    if request.method == "POST":
        matches: dict[int, int] = {}
        for it in items:
            value = request.POST.get(f"match_{it.pk}", "")
            if value.isdigit():
                matches[it.pk] = int(value)
        try:
            report = bank_link_paper(actor=request.user, paper=paper, matches=matches)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            if report.changed:
                messages.success(request, f"已加入题库：新建 {len(report.created)} 题，关联已有题目 {len(report.matched)} 题，"
                                          f"记录统计 {report.recorded} 条")
            else:
                messages.info(request, "本卷题目已在题库中，统计没有变化")
            return redirect("quality:paper_bank_link", paper.pk)
    rows = [{"item": it, "choices": candidates.get(it.pk, []),
             "selected": it.bank_item_id} for it in items]
    return render(request, "quality/paper_bank_link.html", {"paper": paper, "exam": exam, "rows": rows})


def _chosen_items(user: Any, node: Any, ids: list[int]) -> tuple[list[BankItem], list[Candidate]]:
    by_id = {b.pk: b for b in bank_items_for_node(user, node).filter(pk__in=ids)}
    require(len(by_id) == len(set(ids)), "组卷结果中有无法使用的题目")
    cands = {c.id: c for c in bank_candidates(bank_items_for_node(user, node).filter(pk__in=ids))}
    return [by_id[i] for i in ids], [cands[i] for i in ids]


def _export(draft_name: str, items: list[BankItem], cands: list[Candidate], note: str) -> HttpResponse:
    return xlsx_response(f"{draft_name}-组卷", "组卷",
                         ["序号", "题目编号", "知识点", "能力层级", "题型", "满分", "历史难度P", "历史区分度", "使用次数", "题干"],
                         ([n, b.code, b.knowledge_point, b.ability, b.get_kind_display(), float(b.max_score),
                           c.p, c.d, b.uses, b.stem] for n, (b, c) in enumerate(zip(items, cands, strict=True), 1)),
                         note=note)


def _note(pred: Any) -> str:
    d = "—" if pred.difficulty is None else f"{pred.difficulty:.3f}"
    r = "—" if pred.reliability is None else f"{pred.reliability:.3f}"
    return f"共 {pred.k} 题 {pred.total_marks:g} 分；预测难度 {d}；预测信度 {r}"


@login_required
@require_http_methods(["GET", "POST"])
def bank_assemble(request: AuthedRequest) -> HttpResponse:
    orgs = bank_nodes_for(request.user)
    require(bool(orgs), "没有可用于组卷的题库")
    form = AssembleForm(request.POST or None, orgs=orgs)
    ctx: dict[str, Any] = {"form": form, "formulas": FORMULAS}
    if request.method != "POST" or not form.is_valid():
        return render(request, "quality/bank_assemble.html", ctx)
    d = form.cleaned_data
    node = d["org"]
    require(can_manage_bank(request.user, node), "没有可用于组卷的题库")
    cells: list[Cell] = form.cells
    pool = bank_items_for_node(request.user, node).filter(subject=d["subject"], stage=d["stage"])
    action = request.POST.get("action", "")
    if action in ("xlsx", "save"):
        ids = [int(v) for v in request.POST.getlist("chosen") if v.isdigit()]
        items, cands = _chosen_items(request.user, node, ids)
        pred = predict(cands)
        if action == "xlsx":
            return _export(d["name"], items, cands, _note(pred))
        try:
            draft = draft_save(actor=request.user, org=node, subject=d["subject"], stage=d["stage"], name=d["name"],
                               target=d["target"], cells=cells, items=items, prediction=pred)
        except ServiceError as exc:
            messages.error(request, str(exc))
            return render(request, "quality/bank_assemble.html", ctx)
        messages.success(request, f"已保存组卷草稿：{draft.name}")
        return redirect("quality:draft_detail", draft.pk)
    result: Assembly = assemble(cells, bank_candidates(pool), target=d["target"])
    ctx["result"] = result
    ctx["time_limit"] = TIME_LIMIT_S
    if result.ok:
        items, cands = _chosen_items(request.user, node, result.chosen)
        ctx["rows"] = list(zip(items, cands, strict=True))
        ctx["pred"] = result.prediction
        ctx["coverage"] = [{"cell": f.cell, "n": len(f.chosen), "marks": f.marks, "difficulty": f.difficulty}
                           for f in result.cells]
        ctx["p_chart"] = charts.bars([f"{b.knowledge_point}·{b.ability}" for b in items], [c.p for c in cands],
                                     "所选各题的历史难度", "P")
    return render(request, "quality/bank_assemble.html", ctx)


@login_required
def draft_detail(request: AuthedRequest, draft_id: int) -> HttpResponse:
    draft: DraftPaper = get_draft_for_user(request.user, draft_id)
    ids = list(draft.rows.order_by("number").values_list("bank_item_id", flat=True))
    by_id = {b.pk: b for b in BankItem.objects.filter(pk__in=ids)}
    cands = {c.id: c for c in bank_candidates(BankItem.objects.filter(pk__in=ids))}
    items = [by_id[i] for i in ids]
    now = predict([cands[i] for i in ids])
    if request.GET.get("format") == "xlsx":
        return _export(draft.name, items, [cands[i] for i in ids], _note(now))
    return render(request, "quality/draft_detail.html", {"draft": draft, "rows": zip(items, [cands[i] for i in ids],
                                                                                      strict=True),
                                                          "now": now, "formulas": FORMULAS,
                                                          "papers": _papers_for_draft(request.user, draft)})


def _papers_for_draft(user: Any, draft: DraftPaper) -> list[Paper]:
    """Papers the draft may become the blueprint of: the user manages the exam, same subject and
    stage, and no scores are imported yet (blueprint_save refuses a paper with item scores anyway;
    this list leaves out every paper with scores, so it never decodes a score block)."""
    papers = (Paper.objects.filter(exam__in=exams_visible_to(user), subject=draft.subject, exam__stage=draft.stage)
              .exclude(pk__in=ScoreBlock.objects.filter(superseded_by__isnull=True).values("paper_id"))
              .select_related("exam__org", "subject").order_by("-exam__held_on", "-id")[:50])
    return [p for p in papers if can_manage_exam(user, p.exam)]


@login_required
@require_http_methods(["POST"])
def draft_use(request: AuthedRequest, draft_id: int) -> HttpResponse:
    draft = get_draft_for_user(request.user, draft_id)
    value = request.POST.get("paper", "")
    paper = next((p for p in _papers_for_draft(request.user, draft) if str(p.pk) == value), None)
    if paper is None:
        messages.error(request, "请选择一份可修改双向细目表的试卷")
        return redirect("quality:draft_detail", draft.pk)
    try:
        n = draft_to_paper(actor=request.user, draft=draft, paper=paper)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("quality:draft_detail", draft.pk)
    messages.success(request, f"已用组卷草稿的 {n} 道题作为“{paper}”的双向细目表；导入成绩后加入题库，各题历史会自动增加本次考试")
    return redirect("quality:paper_blueprint", paper.pk)
