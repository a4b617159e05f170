"""Bare pages for the page benchmark: the same rows as the real pages, fetched with a plain ORM
query and rendered with a plain template, with no access policy, no navigation, no summaries.
They exist only to give the benchmark a baseline measured in the same run."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from core.models import OrgKind, OrgNode, Person, Post, TeachingGroup

_TABLE = engines["django"].from_string(
    "<!doctype html><html><body><h1>{{ title }}</h1><table>"
    "{% for r in rows %}<tr>{% for v in r %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}"
    "</table></body></html>")


def _render(title: str, rows: Sequence[Sequence[object]]) -> HttpResponse:
    return HttpResponse(_TABLE.render({"title": title, "rows": rows}))


def _counts(ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Teachers and subject groups per school (the two figures the real tables show)."""
    teachers = dict(Person.objects.filter(org_id__in=ids).values_list("org_id").annotate(n=Count("id"))
                    .values_list("org_id", "n"))
    groups = dict(TeachingGroup.objects.filter(school_id__in=ids, kind="subject").values_list("school_id")
                  .annotate(n=Count("id")).values_list("school_id", "n"))
    return teachers, groups


def bare_schools(request: HttpRequest) -> HttpResponse:
    node = OrgNode.objects.get(code=request.GET["node"])
    qs = OrgNode.objects.filter(kind=OrgKind.SCHOOL, path__startswith=node.path)
    if request.GET.get("locale"):
        qs = qs.filter(locale=request.GET["locale"])
    page = int(request.GET.get("page", "1"))
    qs.count()
    listed = list(qs.order_by("path")[(page - 1) * 50: page * 50])
    teachers, groups = _counts([s.pk for s in listed])
    rows = [(s.code, s.name, s.school_type, s.locale, s.is_weak, s.class_count, teachers.get(s.pk, 0),
             groups.get(s.pk, 0)) for s in listed]
    return _render("学校", rows)


def bare_people(request: HttpRequest) -> HttpResponse:
    q = request.GET["q"]
    qs = Person.objects.filter(Q(pinyin__startswith=q) | Q(initials__startswith=q)).select_related("org")
    qs.count()
    rows = [(p.code, p.name, p.org.name, p.title) for p in qs.order_by("pinyin", "code")[:50]]
    return _render("人员", rows)


def bare_school(request: HttpRequest, code: str) -> HttpResponse:
    """The school page's rows: attributes, staff by subject and by title, leaders, groups."""
    school = OrgNode.objects.get(code=code)
    staff = Person.objects.filter(org=school)
    rows: list[tuple[object, ...]] = [(school.code, school.name, school.school_type, school.locale,
                                       school.class_count, school.student_count, school.address)]
    rows += [(r["main_subject__name"], r["n"]) for r in staff.values("main_subject__name").annotate(n=Count("id"))]
    rows += [(r["title"], r["n"]) for r in staff.values("title").annotate(n=Count("id"))]
    rows += [(p.person.name, p.role, p.subject.name if p.subject else "") for p in
             Post.objects.filter(org=school, role__in=["principal", "vice_principal", "middle_manager",
                                                       "group_leader"]).select_related("person", "subject")]
    rows += [(g.name, g.status) for g in TeachingGroup.objects.filter(school=school, kind="subject")]
    return _render(school.name, rows)


def bare_workbench(request: HttpRequest) -> HttpResponse:
    """The workbench's region figures and school table (teachers and groups per school), without
    the access policy and without the norms summary."""
    node = OrgNode.objects.get(code=request.GET["node"])
    schools = OrgNode.objects.filter(kind=OrgKind.SCHOOL, path__startswith=node.path)
    rows: list[tuple[object, ...]] = [(r["school_type"], r["locale"], r["n"]) for r in
                                      schools.values("school_type", "locale").annotate(n=Count("id"))]
    listed = list(schools.order_by("path")[:200])
    teachers, groups = _counts([s.pk for s in listed])
    rows += [(s.code, s.name, s.class_count, teachers.get(s.pk, 0), groups.get(s.pk, 0)) for s in listed]
    return _render(node.name, rows)


def bare_ping(request: HttpRequest) -> HttpResponse:
    """The cheapest logged-in page: the session and user loads every page pays, one short query,
    a plain template. The floor every page's ratio is measured against."""
    node = OrgNode.objects.filter(parent__isnull=True).order_by("pk").first()
    user = request.user
    return _render(node.name if node else "", [(getattr(user, "username", ""),)])


urlpatterns = [
    path("bare/ping/", bare_ping),
    path("bare/schools/", bare_schools),
    path("bare/people/", bare_people),
    path("bare/school/<str:code>/", bare_school),
    path("bare/workbench/", bare_workbench),
    path("", include("jiaoyan.urls")),
]
