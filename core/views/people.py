"""People: search by name, pinyin or initials, code, subject, title; person page; export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from core.access import (
    get_node_for_user,
    get_person_for_user,
    groups_visible_to,
    nodes_visible_to,
    people_visible_to,
    posts_visible_to,
)
from core.exporting import xlsx_response
from core.http import AuthedRequest
from core.models import OrgKind, Role, Stage, Subject, Title
from core.paging import paginate

PEOPLE_HEADERS = ["人员编号", "姓名", "性别", "工作单位", "职称", "学段", "主教学科", "从教年份"]


@login_required
def people_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    f = {k: request.GET.get(k, "").strip() for k in ("q", "node", "subject", "title", "stage", "role")}
    qs = people_visible_to(user).select_related("org", "main_subject")
    scope_node = None
    if f["node"]:
        scope_node = get_node_for_user(user, f["node"])
        qs = qs.filter(org__path__startswith=scope_node.path)
    if f["q"]:
        qs = qs.search(f["q"])
    if f["subject"]:
        qs = qs.filter(main_subject__code=f["subject"])
    if f["title"]:
        qs = qs.filter(title=f["title"])
    if f["stage"]:
        qs = qs.filter(stage=f["stage"])
    if f["role"]:
        qs = qs.filter(pk__in=posts_visible_to(user).active().filter(role=f["role"]).values("person_id"))
    qs = qs.order_by("pinyin", "code")
    if request.GET.get("format") == "xlsx":
        rows = ([p.code, p.name, p.get_gender_display(), p.org.name, p.get_title_display(), p.get_stage_display(),
                 p.main_subject.name if p.main_subject else "", p.teaching_since]
                for p in qs.iterator(chunk_size=2000))
        note = "筛选条件：" + ("；".join(f"{k}={v}" for k, v in f.items() if v) or "全部")
        return xlsx_response("人员名单", "人员", PEOPLE_HEADERS, rows, note=note)
    page = paginate(request, qs, per_page=50)
    template = "core/_people_rows.html" if request.headers.get("HX-Request") else "core/people_list.html"
    return render(request, template, {
        "page": page, "f": f, "scope_node": scope_node,
        "subjects": Subject.objects.all(), "titles": Title.choices, "stages": Stage.choices, "roles": Role.choices,
        "regions": nodes_visible_to(user).exclude(kind=OrgKind.SCHOOL).order_by("path")[:300],
    })


@login_required
def person_detail(request: AuthedRequest, code: str) -> HttpResponse:
    user = request.user
    person = get_person_for_user(user, code)
    posts = posts_visible_to(user).filter(person=person).order_by("-start")
    groups = groups_visible_to(user).filter(memberships__person=person).order_by("-term_key", "name")
    return render(request, "core/person_detail.html", {
        "person": person, "posts": posts, "designations": person.designations.all(), "groups": groups,
        "subjects": person.subjects.all(),
    })
