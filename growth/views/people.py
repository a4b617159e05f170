"""A person's other growth records: researchers' rotation to schools (000 §12), awards and
mental-health education certificates (004 (二)2) with each school's coverage."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from core.access import require, schools_visible_to
from core.compliance import Thresholds
from core.errors import DomainError
from core.http import AuthedRequest
from core.paging import paginate
from growth import access, rules, selectors
from growth.models import PsyLevel
from growth.services import records
from growth.views import scope_node

DATE = forms.DateInput(attrs={"type": "date"})


NAMED = 30


@login_required
def rotation(request: AuthedRequest) -> HttpResponse:
    """Full-time researchers' rotation: overdue and due named first."""
    user = request.user
    node = scope_node(request, user)
    counted = selectors.rotation_rows_kept(user, node) if node is not None else None
    rows = counted.value if counted else []
    # A province has 2,000 full-time researchers: the table is paged (overdue, then due, first),
    # the two cards name the first NAMED of each, the records those of the page's researchers.
    page = paginate(request, rows, per_page=50)
    overdue = [r for r in rows if r.standing.state == rules.OVERDUE]
    due = [r for r in rows if r.standing.state == rules.DUE]
    return render(request, "growth/rotation.html", {
        "node": node, "page": page, "counted": counted, "overdue": overdue[:NAMED], "overdue_count": len(overdue),
        "due": due[:NAMED], "due_count": len(due), "can_create": access.can_import_trainings(user),
        "stints": list(access.rotations_visible_to(user).filter(person_id__in=[r.person_id for r in page.items])[:200])})


@login_required
def certificates(request: AuthedRequest) -> HttpResponse:
    """Each visible school's certificate coverage against the region's planned percentage."""
    user = request.user
    node = scope_node(request, user)
    schools = list(schools_visible_to(user).under(node.path)[:300]) if node is not None else []
    people = access.record_people_visible_to(user).filter(org__in=schools, is_active=True)
    teachers = dict(people.order_by().values("org_id").annotate(n=Count("id")).values_list("org_id", "n"))
    holders = dict(access.certificates_visible_to(user).filter(person__in=people).order_by()
                   .values("person__org_id").annotate(n=Count("person_id", distinct=True))
                   .values_list("person__org_id", "n"))
    target = Thresholds().at("PSY.CERT", node.path) if node is not None else None
    coverage = []
    for s in schools:
        n, h = teachers.get(s.pk, 0), holders.get(s.pk, 0)
        if n:
            pct = rules.coverage_percent(h, n)
            coverage.append({"school": s, "teachers": n, "holders": h, "percent": pct,
                             "meets": target is not None and pct >= target})
    items = list(access.certificates_visible_to(user).filter(person__in=people)[:300]) if schools else \
        list(access.certificates_visible_to(user)[:50])
    return render(request, "growth/certificates.html", {
        "node": node, "coverage": coverage, "target": target, "items": items,
        "editable": {c.pk for c in items if access.can_record_for(user, c.person)},
        "can_record": access.can_record_somewhere(user)})


class CertificateForm(forms.Form):
    person = forms.CharField(label="人员编号", max_length=32)
    level = forms.ChoiceField(label="等级", choices=PsyLevel.choices)
    issued_on = forms.DateField(label="发证日期", widget=DATE)
    number = forms.CharField(label="证书编号", max_length=60, required=False)
    issuer = forms.CharField(label="发证机构", max_length=100, required=False)
    file = forms.FileField(label="证书扫描件（PDF/JPG/PNG）", required=False)


@login_required
@require_http_methods(["GET", "POST"])
def certificate_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_record_somewhere(user))
    form = CertificateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        person = access.recordable_people(user).filter(code=d["person"].strip().upper()).select_related("org").first()
        if person is None:
            form.add_error("person", "人员编号：没有找到该人员，或不在您的管理范围内")
        else:
            try:
                records.certificate_record(actor=user, person=person, level=d["level"], issued_on=d["issued_on"],
                                           number=d["number"], issuer=d["issuer"], file=d["file"])
            except DomainError as e:
                form.add_error(e.field if e.field in form.fields else None, e.message)
            else:
                messages.success(request, f"已登记{person.name}的{PsyLevel(d['level']).label}")
                return redirect("growth:certificates")
    return render(request, "growth/form.html", {"form": form, "title": "登记心理健康教育证书",
                                                "back": "growth:certificates", "multipart": True})


urls: list[URLPattern] = [
    path("rotation/", rotation, name="rotation"),
    path("certificates/", certificates, name="certificates"),
    path("certificates/new/", certificate_new, name="certificate_new"),
]
