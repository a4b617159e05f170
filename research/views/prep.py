"""Pages of collective lesson preparation (集体备课, 004 (四)1): the group's preparation archive,
opening a session, the session's five-step workflow on one page (each step's form for whoever
acts in it), and two versions compared side by side."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from core.access import groups_visible_to, people_visible_to
from core.http import AuthedRequest
from core.models import Person
from core.paging import paginate
from core.terms import term_by_key, term_name
from research import access
from research.models.prep import PrepCommentMode, PrepDocument, PrepRating, PrepScope, PrepStep
from research.prep_compare import change_counts, side_by_side
from research.prep_selectors import PrepFilter, member_counts, prep_list, prep_workflow
from research.services import prep as svc

DATE = {"type": "date"}


def _msgs(label: str) -> dict[str, str]:
    return {"required": f"{label}：请填写", "invalid": f"{label}：格式不正确"}


class SessionForm(forms.Form):
    group = forms.TypedChoiceField(label="备课组/教研组", coerce=int, error_messages=_msgs("备课组"))
    topic = forms.CharField(label="课题或单元", max_length=120, error_messages=_msgs("课题或单元"))
    scope = forms.ChoiceField(label="范围", choices=PrepScope.choices, initial=PrepScope.LESSON)
    lead = forms.TypedChoiceField(label="主备人", coerce=int, error_messages=_msgs("主备人"))
    teach_on = forms.DateField(label="计划授课日期", required=False, widget=forms.DateInput(attrs=DATE),
                               error_messages=_msgs("计划授课日期"))
    meeting_at = forms.DateTimeField(label="研讨时间", required=False,
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                     error_messages=_msgs("研讨时间"))
    place = forms.CharField(label="研讨地点", max_length=120, required=False)


class TextForm(forms.Form):
    body = forms.CharField(label="内容", max_length=svc.TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 10}),
                           error_messages=_msgs("内容"))
    note = forms.CharField(label="修改说明", max_length=200, required=False)


class CommentForm(forms.Form):
    document = forms.IntegerField(widget=forms.HiddenInput)
    paragraph = forms.IntegerField(label="段落", min_value=0, widget=forms.HiddenInput)
    mode = forms.ChoiceField(label="方式", choices=PrepCommentMode.choices, initial=PrepCommentMode.ASYNC)
    body = forms.CharField(label="意见", max_length=4000, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages=_msgs("意见"))


class ReflectionForm(forms.Form):
    taught_on = forms.DateField(label="授课日期", widget=forms.DateInput(attrs=DATE), error_messages=_msgs("授课日期"))
    body = forms.CharField(label="课后反思", max_length=svc.TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 6}),
                           error_messages=_msgs("课后反思"))


class CheckForm(forms.Form):
    check_note = forms.CharField(label="检查意见", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                                 error_messages=_msgs("检查意见"))


class EvaluateForm(forms.Form):
    rating = forms.ChoiceField(label="评价等级", choices=PrepRating.choices, error_messages=_msgs("评价等级"))
    evaluation = forms.CharField(label="评价意见", max_length=4000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "draft": TextForm, "shared": TextForm, "personal": TextForm, "comment": CommentForm,
    "reflect": ReflectionForm, "check": CheckForm, "evaluate": EvaluateForm,
}


@login_required
def prep_list_view(request: AuthedRequest) -> HttpResponse:
    g = request.GET
    group = g.get("group", "")
    f = PrepFilter(school=g.get("school", "")[:16], term=g.get("term", "")[:8],
                   group=int(group) if group.isdigit() else None, step=g.get("step", "")[:12])
    page = paginate(request, prep_list(request.user, f), per_page=30)
    members = member_counts(page.items)
    group_obj = groups_visible_to(request.user).filter(pk=f.group).first() if f.group is not None else None
    return render(request, "research/prep/list.html", {
        "page": page, "rows": [(s, members.get(s.pk, 0)) for s in page.items], "f": f, "steps": PrepStep.choices,
        "group": group_obj,
        "can_open": bool(access.prep_groups_for(request.user)),
    })


def _lead_choices(request: AuthedRequest, groups: list[Any]) -> list[Person]:
    schools = {g.school_id for g in groups}
    return list(people_visible_to(request.user).filter(org_id__in=schools, is_active=True).order_by("pinyin")[:500])


@login_required
def prep_new_view(request: AuthedRequest) -> HttpResponse:
    groups = access.prep_groups_for(request.user)
    if not groups:
        raise Http404("没有可以发起集体备课的备课组")
    people = {p.pk: p for p in _lead_choices(request, groups)}
    by_id = {g.pk: g for g in groups}
    form = SessionForm(request.POST or None, initial={"lead": request.user.person_id})
    form.fields["group"].choices = [(g.pk, f"{g.school.name} · {g.name}（{term_name(g.term_key)}）") for g in groups]  # type: ignore[attr-defined]  # a ChoiceField
    form.fields["lead"].choices = [(p.pk, p.name) for p in people.values()]  # type: ignore[attr-defined]  # a ChoiceField
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        group = by_id[d["group"]]
        term = term_by_key(group.school, group.term_key)
        if term is None:
            form.add_error("group", "备课组：该学期尚未设置")
        else:
            try:
                session = svc.prep_session_open(actor=request.user, group=group, term=term, topic=d["topic"],
                                                scope=d["scope"], lead=people[d["lead"]], teach_on=d["teach_on"],
                                                meeting_at=d["meeting_at"], place=d["place"])
            except svc.PrepError as e:
                form.add_error(e.field if e.field in form.fields else None, e.message)
            else:
                messages.success(request, "已发起集体备课")
                return redirect("research:prep_detail", session.pk)
    return render(request, "research/prep/new.html", {"form": form})


def _run(request: AuthedRequest, session: Any, action: str, form: forms.Form) -> None:
    d = form.cleaned_data
    user = request.user
    if action == "draft":
        svc.prep_draft_save(actor=user, session=session, body=d["body"], note=d["note"])
    elif action == "discuss":
        svc.prep_discussion_open(actor=user, session=session)
    elif action == "comment":
        doc = PrepDocument.objects.filter(session=session, pk=d["document"]).first()
        if doc is None:
            raise svc.PrepError("研讨意见：找不到所评论的文本", field="body")
        svc.prep_comment_add(actor=user, session=session, document=doc, paragraph=d["paragraph"], body=d["body"],
                             mode=d["mode"])
    elif action == "shared":
        svc.prep_shared_save(actor=user, session=session, body=d["body"], note=d["note"])
    elif action == "signoff":
        svc.prep_sign_off(actor=user, session=session)
    elif action == "personal":
        svc.prep_personal_save(actor=user, session=session, body=d["body"], note=d["note"])
    elif action == "reflect":
        svc.prep_reflection_save(actor=user, session=session, taught_on=d["taught_on"], body=d["body"])
    elif action == "check":
        svc.prep_check(actor=user, session=session, note=d["check_note"])
    elif action == "evaluate":
        svc.prep_evaluate(actor=user, session=session, rating=d["rating"], note=d["evaluation"])


@login_required
def prep_detail_view(request: AuthedRequest, session_id: int) -> HttpResponse:
    session = access.get_prep_session_for_user(request.user, session_id, write=request.method == "POST")
    bound: dict[str, forms.Form] = {}
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        form_cls = ACTION_FORMS.get(action)
        form = form_cls(request.POST) if form_cls else forms.Form(request.POST)
        if action not in ACTION_FORMS and action not in ("discuss", "signoff"):
            raise Http404("未知操作")
        if form.is_valid():
            try:
                _run(request, session, action, form)
            except svc.PrepError as e:
                error = e.message
                form.add_error(e.field if e.field in form.fields else None, e.message)
            else:
                messages.success(request, "已保存")
                return redirect(reverse("research:prep_detail", args=[session.pk]) + f"#{action}")
        bound[action] = form
        session.refresh_from_db()
    wf = prep_workflow(session)
    user = request.user
    pid = user.person_id
    latest_draft = wf.drafts[-1].body if wf.drafts else ""
    latest_shared = wf.shared[-1].body if wf.shared else latest_draft
    mine = [d for d in wf.personal if d.author_id == pid]
    reflection = session.reflections.filter(author_id=pid).first()
    ctx = {
        "s": session, "wf": wf, "error": error,
        "can_shared": access.can_write_shared(user, session),
        "can_sign": access.can_sign_off(user, session),
        "can_check": access.can_check_session(user, session),
        "is_member": pid is not None and any(m["person"].pk == pid for m in wf.members),
        "is_lead": session.lead_id == pid,
        "draft_form": bound.get("draft") or TextForm(initial={"body": latest_draft}),
        "shared_form": bound.get("shared") or TextForm(initial={"body": latest_shared}),
        "personal_form": bound.get("personal") or TextForm(initial={"body": mine[-1].body if mine else latest_shared}),
        "comment_form": bound.get("comment"),
        "reflect_form": bound.get("reflect") or ReflectionForm(initial={
            "taught_on": reflection.taught_on if reflection else (session.teach_on or timezone.localdate()),
            "body": reflection.body if reflection else ""}),
        "check_form": bound.get("check") or CheckForm(initial={"check_note": session.check_note}),
        "evaluate_form": bound.get("evaluate") or EvaluateForm(initial={"rating": session.rating,
                                                                        "evaluation": session.evaluation}),
        "modes": PrepCommentMode.choices,
        "versions": wf.drafts + wf.shared + wf.personal,
    }
    return render(request, "research/prep/detail.html", ctx)


@login_required
def prep_compare_view(request: AuthedRequest, session_id: int) -> HttpResponse:
    session = access.get_prep_session_for_user(request.user, session_id)
    docs = {d.pk: d for d in PrepDocument.objects.filter(session=session).select_related("author")
            .order_by("kind", "version")}
    if len(docs) < 1:
        raise Http404("还没有可以比较的版本")
    ordered = list(docs.values())
    a_id, b_id = request.GET.get("a", ""), request.GET.get("b", "")
    shared = [d for d in ordered if d.kind == "shared"]
    default_a = shared[-2] if len(shared) >= 2 else ordered[0]
    default_b = shared[-1] if shared else ordered[-1]
    a = docs.get(int(a_id)) if a_id.isdigit() else default_a
    b = docs.get(int(b_id)) if b_id.isdigit() else default_b
    if a is None or b is None:
        raise Http404("没有找到该版本")
    rows = side_by_side(a.body, b.body)
    return render(request, "research/prep/compare.html", {
        "s": session, "a": a, "b": b, "rows": rows, "counts": change_counts(rows), "versions": ordered})


urls: list[URLPattern] = [
    path("prep/", prep_list_view, name="prep_list"),
    path("prep/new/", prep_new_view, name="prep_new"),
    path("prep/<int:session_id>/", prep_detail_view, name="prep_detail"),
    path("prep/<int:session_id>/compare/", prep_compare_view, name="prep_compare"),
]
