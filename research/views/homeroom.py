"""Pages of homeroom meetings (004 (一)2): the classes a user sees with the three HOMEROOM norms
each (parents' meeting per semester, student forum and subject-teachers' joint meeting per
month), a class's meeting record where its homeroom teacher records a meeting, and the pages
correcting one meeting (edit; delete after a confirmation page)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from core.access import home_node
from core.http import AuthedRequest
from core.models import OrgNode, Post, Term
from core.terms import current_term, term_by_key, terms_for
from research import access
from research.homeroom_selectors import class_norms, homeroom_classes
from research.models.homeroom import HomeroomMeeting, MeetingKind
from research.services import homeroom as svc


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=MeetingKind.choices, error_messages={"required": "类别：请选择"})
    held_on = forms.DateField(label="日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
                              error_messages={"required": "日期：请填写", "invalid": "日期：请填写有效日期，如2026-10-15"})
    attendance = forms.IntegerField(label="出席人数", min_value=1, max_value=svc.ATTENDANCE_LIMIT,
                                    error_messages={"required": "出席人数：请填写", "invalid": "出席人数：请填写整数",
                                                    "min_value": "出席人数：至少1人",
                                                    "max_value": f"出席人数：不超过{svc.ATTENDANCE_LIMIT}人"})
    topic = forms.CharField(label="主题", max_length=120, required=False)
    notes = forms.CharField(label="记录", max_length=8000, required=False, widget=forms.Textarea(attrs={"rows": 4}))


def _term(request: AuthedRequest, node: OrgNode) -> tuple[Term | None, list[Term]]:
    terms = terms_for(node)
    key = request.GET.get("term", "")
    term = term_by_key(node, key) if key else current_term(node)
    return term, terms


@login_required
def homeroom_list_view(request: AuthedRequest) -> HttpResponse:
    node = home_node(request.user)
    if node is None:
        raise Http404("没有可查看的班级")
    term, terms = _term(request, node)
    rows = class_norms(homeroom_classes(request.user, term, request.GET.get("school", "")[:16]), term) if term else []
    return render(request, "research/homeroom/list.html", {
        "rows": rows, "term": term, "terms": terms, "school": request.GET.get("school", ""),
        "short": sum(1 for r in rows if not r.all_met)})


@login_required
def homeroom_class_view(request: AuthedRequest, post_id: int) -> HttpResponse:
    post = access.get_homeroom_for_user(request.user, post_id, write=request.method == "POST")
    term, terms = _term(request, post.org)
    form = MeetingForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            svc.homeroom_meeting_record(actor=request.user, homeroom=post, kind=d["kind"], held_on=d["held_on"],
                                        attendance=d["attendance"], topic=d["topic"], notes=d["notes"])
        except svc.HomeroomError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            messages.success(request, "已记录")
            back = reverse("research:homeroom_class", args=[post.pk])
            return redirect(back + (f"?term={term.key}" if term else ""))
    meetings = list(HomeroomMeeting.objects.filter(homeroom=post).order_by("-held_on", "-id")[:200])
    norms = class_norms([post], term)[0] if term else None
    return render(request, "research/homeroom/class.html", {
        "post": post, "norms": norms, "term": term, "terms": terms, "meetings": meetings, "form": form,
        "can_record": access.can_record_homeroom(request.user, post)})


def _back(post: Post, term_key: str) -> str:
    return reverse("research:homeroom_class", args=[post.pk]) + (f"?term={term_key}" if term_key else "")


def _term_key(request: AuthedRequest) -> str:
    key = (request.POST.get("term") or request.GET.get("term") or "")[:8]
    return key if len(key) == 6 and key[:4].isdigit() and key[4] == "-" and key[5].isdigit() else ""


@login_required
def homeroom_meeting_edit_view(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access.get_homeroom_meeting_for_user(request.user, meeting_id, write=True)
    term_key = _term_key(request)
    form = MeetingForm(request.POST or None, initial={
        "kind": meeting.kind, "held_on": meeting.held_on, "attendance": meeting.attendance, "topic": meeting.topic,
        "notes": meeting.notes})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            svc.homeroom_meeting_update(actor=request.user, meeting=meeting, kind=d["kind"], held_on=d["held_on"],
                                        attendance=d["attendance"], topic=d["topic"], notes=d["notes"])
        except svc.HomeroomError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            messages.success(request, "已修改")
            return redirect(_back(meeting.homeroom, term_key))
    return render(request, "research/homeroom/meeting_edit.html", {
        "meeting": meeting, "post": meeting.homeroom, "form": form, "term_key": term_key,
        "back": _back(meeting.homeroom, term_key)})


@login_required
def homeroom_meeting_delete_view(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    meeting = access.get_homeroom_meeting_for_user(request.user, meeting_id, write=True)
    term_key = _term_key(request)
    error = ""
    if request.method == "POST":
        post = meeting.homeroom
        try:
            svc.homeroom_meeting_delete(actor=request.user, meeting=meeting)
        except svc.HomeroomError as e:
            error = e.message
        else:
            messages.success(request, "已删除")
            return redirect(_back(post, term_key))
    return render(request, "research/homeroom/meeting_delete.html", {
        "meeting": meeting, "post": meeting.homeroom, "term_key": term_key, "error": error,
        "back": _back(meeting.homeroom, term_key)})


urls: list[URLPattern] = [
    path("homeroom/", homeroom_list_view, name="homeroom_list"),
    path("homeroom/<int:post_id>/", homeroom_class_view, name="homeroom_class"),
    path("homeroom/meetings/<int:meeting_id>/edit/", homeroom_meeting_edit_view, name="homeroom_meeting_edit"),
    path("homeroom/meetings/<int:meeting_id>/delete/", homeroom_meeting_delete_view, name="homeroom_meeting_delete"),
]
