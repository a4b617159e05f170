"""People: search by name, pinyin or initials, code, subject, title; person page; export."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from core.access import (
    AnyUser,
    get_node_for_user,
    get_person_for_user,
    groups_visible_to,
    nodes_visible_to,
    posts_visible_to,
)
from core.exporting import xlsx_response
from core.http import AuthedRequest, wants_fragment
from core.models import Role, Stage, Subject, Title
from core.paging import paginate
from core.selectors import PeopleFilter, people_matching

PEOPLE_HEADERS = ["人员编号", "姓名", "性别", "工作单位", "职称", "学段", "主教学科", "从教年份"]


class PeopleFilterForm(forms.Form):
    """The people page's filters, validated here and handed to core.selectors.people_matching
    (the API validates the same filters with core.api.people.PersonQuery)."""

    q = forms.CharField(max_length=40, required=False)
    node = forms.CharField(max_length=16, required=False)
    subject = forms.CharField(max_length=32, required=False)
    title = forms.ChoiceField(choices=[("", ""), *Title.choices], required=False)
    stage = forms.ChoiceField(choices=[("", ""), *Stage.choices], required=False)
    role = forms.ChoiceField(choices=[("", ""), *Role.choices], required=False)
    include_inactive = forms.BooleanField(required=False)

    def people_filter(self, user: AnyUser) -> PeopleFilter:
        # A filter that does not validate is left out, as an unknown query parameter would be.
        self.is_valid()
        d = self.cleaned_data
        node = get_node_for_user(user, d["node"]) if d.get("node") else None
        return PeopleFilter(q=d.get("q") or "", under=node, subject=d.get("subject") or "",
                            title=d.get("title") or "", stage=d.get("stage") or "", role=d.get("role") or "",
                            include_inactive=bool(d.get("include_inactive")))


@login_required
def people_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    f = {k: request.GET.get(k, "").strip() for k in ("q", "node", "subject", "title", "stage", "role",
                                                     "include_inactive")}
    chosen = PeopleFilterForm(request.GET).people_filter(user)
    scope_node = chosen.under
    qs = people_matching(user, chosen).select_related("org", "main_subject")
    if request.GET.get("format") == "xlsx":
        rows = ([p.code, p.name, p.get_gender_display(), p.org.name, p.get_title_display(), p.get_stage_display(),
                 p.main_subject.name if p.main_subject else "", p.teaching_since]
                for p in qs.iterator(chunk_size=2000))
        note = "筛选条件：" + ("；".join(f"{k}={v}" for k, v in f.items() if v) or "全部")
        return xlsx_response("人员名单", "人员", PEOPLE_HEADERS, rows, note=note)
    page = paginate(request, qs, per_page=50)
    # One template with a named partial: the search box's htmx requests get only the rows.
    template = "core/people_list.html#rows" if wants_fragment(request) else "core/people_list.html"
    response = render(request, template, {
        "page": page, "f": f, "scope_node": scope_node,
        "subjects": Subject.objects.all(), "titles": Title.choices, "stages": Stage.choices, "roles": Role.choices,
        "regions": nodes_visible_to(user).regions().order_by("path")[:300],
    })
    # A shared cache must not answer a full-page request with the fragment, or the reverse.
    patch_vary_headers(response, ("HX-Request",))
    return response


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
