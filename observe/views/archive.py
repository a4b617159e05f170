"""The teacher teaching archive (TEACHER.ARCHIVE, 004 (一)4): every registered source's entries
in time order with a summary by year and kind, the problems found about the teacher with what was
done about each, notes written by the teacher or the school's leaders, and the same as a Word
document (the format bureaus exchange)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.access import require
from core.documents import docx_response
from core.errors import DomainError
from core.http import AuthedRequest, wants_fragment
from core.models import Person
from observe.access import (
    archive_notes_visible_to,
    can_write_archive,
    get_archive_note_for_user,
    get_archive_person_for_user,
)
from observe.archive import (
    ArchiveProblem,
    archive_entries,
    archive_entries_complete,
    archive_overview,
    archive_problems,
    school_year_label,
    school_year_of,
    school_year_window,
)
from observe.archive_document import archive_document
from observe.archive_notes import archive_note_add, archive_note_delete
from observe.models import ArchiveNote, ArchiveNoteKind


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=ArchiveNoteKind.choices, initial=ArchiveNoteKind.FOLLOW_UP)
    problem = forms.ChoiceField(label="跟进的问题", required=False)
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"required": "日期：必填", "invalid": "日期：格式应为 2026-09-01"})
    text = forms.CharField(label="内容（整改措施或成长记录）", widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "内容：必填"})
    deadline = forms.DateField(label="整改期限", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               error_messages={"invalid": "整改期限：格式应为 2026-09-01"})

    def __init__(self, *args: object, problems: list[ArchiveProblem], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        field = self.fields["problem"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "（成长记录不选）")] + [
            (f"{p.source}:{p.problem_id}", f"{p.date:%Y-%m-%d} {p.kind_label}：{p.title}"[:80]) for p in problems]


def _notes_by_problem(notes: list[ArchiveNote]) -> dict[tuple[str, int], list[ArchiveNote]]:
    out: dict[tuple[str, int], list[ArchiveNote]] = defaultdict(list)
    for n in sorted(notes, key=lambda x: (x.date, x.pk)):
        if n.problem_id is not None:
            out[(n.problem_source, n.problem_id)].append(n)
    return dict(out)


def _render(request: AuthedRequest, person: Person, form: NoteForm | None, problems: list[ArchiveProblem]
            ) -> HttpResponse:
    """The page: counts over every school year, the current school year's entries (and any dated
    later), earlier years collapsed, each loaded on demand (archive_year) or opened by ?year=."""
    user = request.user
    today = timezone.localdate()
    current = school_year_of(today)
    overview = archive_overview(user, person, (school_year_window(current)[0], dt.date.max))
    kinds = list(overview.counts)
    years = [(y, school_year_label(y), [overview.years[y].get(k, 0) for k in kinds])
             for y in sorted(overview.years, reverse=True)]
    opened = _year_param(request.GET.get("year"))
    earlier = []
    for y in sorted((y for y in overview.years if y < current), reverse=True):
        by_kind = overview.years[y]
        earlier.append({"year": y, "label": school_year_label(y), "total": sum(by_kind.values()),
                        "kinds": [(k, by_kind[k]) for k in kinds if by_kind.get(k)],
                        "entries": archive_entries(user, person, start=school_year_window(y)[0],
                                                   end=school_year_window(y)[1]) if y == opened else None})
    notes = _notes_by_problem(list(archive_notes_visible_to(user, person)))
    shown = [(p, notes.get((p.source, p.problem_id), [])) for p in problems]
    writable = can_write_archive(user, person)
    return render(request, "observe/archive.html", {
        "person": person, "entries": overview.entries, "counts": overview.counts, "kinds": kinds, "years": years,
        "current_label": school_year_label(current), "earlier": earlier,
        "problems": shown, "open_problems": sum(1 for p, n in shown if not (p.followed or n)),
        "can_write": writable, "form": form if form is not None else (NoteForm(problems=problems) if writable else None),
        "today": today,
    })


def _year_param(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and 1900 < int(raw) < 2200 else None


@login_required
def archive(request: AuthedRequest, code: str) -> HttpResponse:
    person = get_archive_person_for_user(request.user, code)
    return _render(request, person, None, archive_problems(request.user, person))


@login_required
@require_POST
def archive_note_create(request: AuthedRequest, code: str) -> HttpResponse:
    person = get_archive_person_for_user(request.user, code)
    require(can_write_archive(request.user, person))
    problems = archive_problems(request.user, person)
    form = NoteForm(request.POST, problems=problems)
    if form.is_valid():
        source, _, raw_id = form.cleaned_data["problem"].partition(":")
        try:
            archive_note_add(actor=request.user, person=person, kind=form.cleaned_data["kind"],
                             date=form.cleaned_data["date"], text=form.cleaned_data["text"],
                             problem_source=source, problem_id=int(raw_id) if raw_id.isdigit() else None,
                             deadline=form.cleaned_data["deadline"])
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(request, "已记入教学档案。")
            return redirect(reverse("observe:archive", args=[person.code]) + "#problems")
    return _render(request, person, form, problems)


@login_required
@require_POST
def archive_note_remove(request: AuthedRequest, note_id: int) -> HttpResponse:
    note = get_archive_note_for_user(request.user, note_id, write=True)
    code = note.person.code
    try:
        archive_note_delete(actor=request.user, note=note)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已删除该记录。")
    return redirect(reverse("observe:archive", args=[code]) + "#problems")


@login_required
def archive_year(request: AuthedRequest, code: str, year: int) -> HttpResponse:
    """One school year's entries of the time line, as the page loads a collapsed year (htmx); the
    same access as the page. Without htmx, the page with that year opened."""
    person = get_archive_person_for_user(request.user, code)
    if not wants_fragment(request):
        return redirect(reverse("observe:archive", args=[person.code]) + f"?year={year}#year-{year}")
    start, end = school_year_window(year)
    return render(request, "observe/_archive_entries.html",
                  {"entries": archive_entries(request.user, person, start=start, end=end)})


@login_required
def archive_docx(request: AuthedRequest, code: str) -> HttpResponse:
    person = get_archive_person_for_user(request.user, code)
    notes = _notes_by_problem(list(archive_notes_visible_to(request.user, person)))
    data = archive_document(person, archive_entries_complete(request.user, person),
                            archive_problems(request.user, person),
                            notes, exported=timezone.localtime())
    return docx_response(data, f"{person.name}教学档案.docx")
