"""The round's progress: its exchange meetings (七(二)3), the on-site days of its linked people
in a semester (RES.ONSITE, the short named first), and the map of a county's links."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from core.compliance import effective_threshold
from core.http import AuthedRequest
from core.models import OrgKind, OrgNode, Term
from core.terms import current_of, terms_for
from liaison import rules
from liaison.access import get_round_for_user, links_visible_to, onsite_days_visible_to
from liaison.errors import LiaisonError
from liaison.models import LinkStatus, Round
from liaison.selectors import counties_of, links_by_county, node_xy
from liaison.services import rounds as services

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# ---------------------------------------------------------------- exchange meetings


class MeetingForm(forms.Form):
    term = forms.ChoiceField(label="学期")
    date = forms.DateField(label="日期", widget=DATE)
    title = forms.CharField(label="名称", max_length=120)
    place = forms.CharField(label="地点", max_length=120, required=False)
    attendees = forms.IntegerField(label="参会人数", min_value=0, max_value=10000, initial=0)
    summary = forms.CharField(label="交流内容", required=False, widget=forms.Textarea(attrs={"rows": 4}))


@login_required
def meeting_new(request: AuthedRequest, round_id: int) -> HttpResponse:
    user = request.user
    r = get_round_for_user(user, round_id, write=True)
    terms = [t for t in terms_for(r.institution) if rules.overlaps(t.start, t.end, r.prep_start, r.summary_end)]
    by_id = {str(t.pk): t for t in terms}
    current = current_of(terms)
    form = MeetingForm(request.POST or None, initial={"term": str(current.pk) if current else "",
                                                      "title": f"{r.title}工作交流会"})
    form.fields["term"].choices = [(k, t.label) for k, t in by_id.items()]  # type: ignore[attr-defined]  # a ChoiceField
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.meeting_record(actor=user, round_=r, term=by_id[d["term"]], date=d["date"], title=d["title"],
                                    place=d["place"], attendees=d["attendees"], summary=d["summary"])
        except LiaisonError as exc:
            exc.show_on(form)
        else:
            messages.success(request, "工作交流会已记录。")
            return redirect("liaison:round_detail", r.pk)
    return render(request, "liaison/meeting_form.html", {"r": r, "form": form})


# ---------------------------------------------------------------- on-site days (RES.ONSITE)


def _term_of(request: AuthedRequest, r: Round) -> tuple[Term | None, list[Term]]:
    terms = [t for t in terms_for(r.institution) if rules.overlaps(t.start, t.end, r.impl_start, r.impl_end)]
    wanted = request.GET.get("term", "")
    term = next((t for t in terms if t.key == wanted), None) or current_of(terms) or (terms[0] if terms else None)
    return term, terms


@login_required
def round_onsite(request: AuthedRequest, round_id: int) -> HttpResponse:
    """Working days on site per linked person in a semester (RES.ONSITE, ≥5), the short named first."""
    user = request.user
    r = get_round_for_user(user, round_id)
    term, terms = _term_of(request, r)
    links = list(links_visible_to(user).filter(round=r, status=LinkStatus.ACCEPTED))
    people: dict[int, dict[str, Any]] = {}
    for lk in links:
        entry = people.setdefault(lk.person_id, {"person": lk.person, "schools": [], "entries": []})
        entry["schools"].append(lk.school.name)
    if term is not None:
        for pid, day, portion in (onsite_days_visible_to(user).filter(link__in=links, date__gte=term.start,
                                                                      date__lte=term.end)
                                  .values_list("link__person_id", "date", "portion")):
            people[pid]["entries"].append((day, 1.0 if portion == "full" else 0.5))
    # The threshold in force at the institution (a region may set its own).
    target = effective_threshold("RES.ONSITE", r.institution) or 5.0
    rows = []
    for entry in people.values():
        days = rules.working_days(entry["entries"])
        rows.append({"person": entry["person"], "schools": entry["schools"], "days": days, "meets": days >= target,
                     "missing": max(0.0, target - days)})
    rows.sort(key=lambda x: (x["meets"], x["days"], x["person"].pinyin))
    return render(request, "liaison/round_onsite.html", {
        "r": r, "term": term, "terms": terms, "rows": rows, "target": target,
        "short": sum(1 for x in rows if not x["meets"])})


# ---------------------------------------------------------------- the map


@login_required
def round_map(request: AuthedRequest, round_id: int) -> HttpResponse:
    """A county's links drawn without map tiles: schools at their coordinates, a line from each
    to the institution of its researcher (or the unit of its backbone teacher)."""
    user = request.user
    r = get_round_for_user(user, round_id)
    links = list(links_visible_to(user).filter(round=r, school__kind=OrgKind.SCHOOL).exclude(status=LinkStatus.ENDED)
                 .select_related("person__org"))
    all_counties = counties_of(r)
    by_county = links_by_county(links, all_counties)
    counties = [c for c in all_counties if c.pk in by_county]
    wanted = request.GET.get("county", "")
    county = next((c for c in counties if c.code == wanted), counties[0] if counties else None)
    shown = by_county[county.pk] if county is not None else []
    return render(request, "liaison/round_map.html", {
        "r": r, "counties": counties, "county": county, "links": shown, "chart": map_option(shown, r)})


def map_option(links: list[Any], r: Round) -> dict[str, Any]:
    from core import echarts

    cache: dict[int, list[float] | None] = {}

    def xy(node: OrgNode) -> list[float] | None:
        if node.pk not in cache:
            found = node_xy(node)
            cache[node.pk] = list(found) if found is not None else None
        return cache[node.pk]

    schools: dict[int, dict[str, Any]] = {}
    bases: dict[int, dict[str, Any]] = {}
    lines = []
    for lk in links:
        s, home = xy(lk.school), xy(lk.person.org) or xy(r.institution)
        if s is None:
            continue
        schools[lk.school_id] = {"name": lk.school.name, "value": s, "weak": lk.school.is_weak}
        if home is not None:
            bases.setdefault(lk.person.org_id, {"name": lk.person.org.institute_name or lk.person.org.name,
                                                "value": home})
            lines.append({"coords": [home, s], "name": f"{lk.person.name}→{lk.school.name}"})
    option = echarts.base(f"{r.title} 联系示意图", tooltip="item",
                          grid={"left": 60, "right": 50, "top": 50, "bottom": 50})
    option.update(
        xAxis={"type": "value", "scale": True, "name": "经度"}, yAxis={"type": "value", "scale": True, "name": "纬度"},
        legend={"bottom": 0, "data": ["学校", "薄弱学校", "联系人单位"]},
        series=[
            {"type": "scatter", "name": "学校", "symbolSize": 10,
             "data": [{"name": v["name"], "value": v["value"]} for v in schools.values() if not v["weak"]]},
            {"type": "scatter", "name": "薄弱学校", "symbolSize": 12, "symbol": "diamond",
             "data": [{"name": v["name"], "value": v["value"]} for v in schools.values() if v["weak"]]},
            {"type": "scatter", "name": "联系人单位", "symbolSize": 16, "symbol": "triangle",
             "data": list(bases.values())},
            {"type": "lines", "coordinateSystem": "cartesian2d", "name": "联系", "polyline": False,
             "lineStyle": {"width": 1, "opacity": 0.6}, "data": lines},
        ])
    return option


urls: list[URLPattern] = [
    path("rounds/<int:round_id>/meetings/new/", meeting_new, name="meeting_new"),
    path("rounds/<int:round_id>/onsite/", round_onsite, name="round_onsite"),
    path("rounds/<int:round_id>/map/", round_map, name="round_map"),
]
