"""People (teachers, researchers, leaders), keyed by the person code."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from core.access import can_manage_node
from core.audit import snapshot
from core.importing.cells import _choice, _choice_map, _code, _nfkc, _parse_cells, _text, _year, normalise_code
from core.importing.columns import (
    _LIST_SEPARATORS,
    _SUBJECT_LIMIT,
    OCCUPIED_PERSON_CODE,
    OLD_TITLE_NAMES,
    OUT_OF_SCOPE_ORG,
    SUBJECT_ALIASES,
    TITLE_LABELS,
    ImportReport,
    _Context,
    _labels,
    _Row,
    _RowProblem,
)
from core.importing.sheets import _bulk_save, _by_key, _duplicates, _set_changed
from core.models import (
    Gender,
    OrgNode,
    Person,
    Stage,
    Subject,
    Title,
)
from core.pinyin import name_keys

# ---------------------------------------------------------------- people


def _title_map() -> dict[str, str]:
    out = _choice_map(Title.choices, {"无": Title.NONE, "未评": Title.NONE, **OLD_TITLE_NAMES})
    # "高级", "中学高级": the 教师 suffix is often left off.
    for label, value in list(out.items()):
        if label.endswith("教师"):
            out.setdefault(label.removesuffix("教师"), value)
    return out


_TITLES = _title_map()
_GENDERS = _choice_map(Gender.choices, {"男性": Gender.MALE, "女性": Gender.FEMALE})
_STAGES = _choice_map(Stage.choices, {"幼儿园": Stage.PRESCHOOL, "学前教育": Stage.PRESCHOOL})
_PERSON_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")


class _Subjects:
    """Subject lookup by official name or everyday alias, loaded once per import."""

    def __init__(self) -> None:
        self.by_name = {_nfkc(s.name): s for s in Subject.objects.all()}
        for alias, name in SUBJECT_ALIASES.items():
            if _nfkc(name) in self.by_name:
                self.by_name.setdefault(alias, self.by_name[_nfkc(name)])

    def one(self, text: str) -> Subject | None:
        t = _nfkc(text).replace(" ", "")
        if not t:
            return None
        subject = self.by_name.get(t)
        if subject is None:
            raise _RowProblem(f"找不到学科“{text}”")
        return subject

    def many(self, text: str) -> list[Subject]:
        names = [n for n in _LIST_SEPARATORS.split(_nfkc(text)) if n]
        if len(names) > _SUBJECT_LIMIT:
            raise _RowProblem(f"最多{_SUBJECT_LIMIT}个学科")
        missing = [n for n in names if n not in self.by_name]
        if missing:
            raise _RowProblem(f"找不到学科“{'、'.join(missing)}”")
        return list({self.by_name[n].pk: self.by_name[n] for n in names}.values())


def _import_people(rows: list[_Row], ctx: _Context, report: ImportReport) -> None:
    subjects = _Subjects()
    field_parsers: tuple[tuple[str, str, Callable[[str], Any]], ...] = (
        ("姓名", "name", lambda t: _text(t, 40)),
        ("性别", "gender", lambda t: _choice(t, _GENDERS, _labels(Gender.choices)) if t else ""),
        ("出生年份", "birth_year", _year),
        ("职称", "title", lambda t: _choice(t, _TITLES, TITLE_LABELS) if t else Title.NONE),
        ("任教学段", "stage", lambda t: _choice(t, _STAGES, _labels(Stage.choices)) if t else ""),
        ("主教学科", "main_subject", subjects.one),
        ("兼教学科", "subjects", subjects.many),
        ("从教年份", "teaching_since", _year),
        ("电话", "phone", _phone),
    )
    parsed: list[tuple[int, str, str, dict[str, Any]]] = []
    for row in rows:
        c = row.cells
        ok = True
        code = _nfkc(c.get("人员编号", "")).replace(" ", "")
        code = normalise_code(code) if re.fullmatch(r"\d+\.0*", code) else code
        if not code:
            ctx.error(row.number, "人员编号", "必填")
            ok = False
        elif not _PERSON_CODE.fullmatch(code):
            ctx.error(row.number, "人员编号", f"只能包含字母、数字、短横线，不超过32位，实际为“{c['人员编号']}”")
            ok = False
        org_code = ""
        try:
            org_code = _code(c["工作单位代码"], (6, 9, 10)) if c.get("工作单位代码") else ""
            if not org_code:
                raise _RowProblem("必填")
        except _RowProblem as e:
            ctx.error(row.number, "工作单位代码", str(e))
            ok = False
        attrs: dict[str, Any] = {}
        parsed_cells, cells_ok = _parse_cells(ctx, row.number, c, field_parsers, ("姓名",))
        attrs.update(parsed_cells)
        ok = ok and cells_ok
        birth, since = attrs.get("birth_year"), attrs.get("teaching_since")
        if birth and since and since < birth + 16:
            ctx.error(row.number, "从教年份", f"从教年份{since}早于出生年份{birth}加16年")
            ok = False
        if ok:
            main = attrs.get("main_subject")
            if main is not None and "subjects" in attrs:
                # The main subject is not also a subject taught on the side.
                attrs["subjects"] = [s for s in attrs["subjects"] if s.pk != main.pk]
            parsed.append((row.number, code, org_code, attrs))
    dup = _duplicates(((n, code) for n, code, _o, _a in parsed), "人员编号", ctx)
    parsed = [p for p in parsed if p[0] not in dup]
    orgs = {n.code: n for n in _by_key(OrgNode.objects.all(), "code", {p[2] for p in parsed})}
    people = {p.code: p for p in _by_key(Person.objects.select_for_update().select_related("org"), "code",
                                         {p[1] for p in parsed})}
    current_subjects: dict[int, set[int]] = {}
    links: Any = _by_key(Person.subjects.through.objects.all(), "person_id", [p.pk for p in people.values()])
    for link in links:
        current_subjects.setdefault(link.person_id, set()).add(link.subject_id)

    creates: list[tuple[Person, list[Subject] | None]] = []
    updates: list[tuple[Person, dict[str, Any], list[str]]] = []
    subject_changes: dict[int, list[Subject]] = {}
    for number, code, org_code, attrs in parsed:
        org = orgs.get(org_code)
        if org is None or not can_manage_node(ctx.actor, org):
            ctx.error(number, "工作单位代码", OUT_OF_SCOPE_ORG)
            continue
        side: list[Subject] | None = attrs.pop("subjects", None)
        values: dict[str, Any] = {**attrs, "org_id": org.pk}
        if "main_subject" in values:
            main_subject: Subject | None = values.pop("main_subject")
            values["main_subject_id"] = main_subject.pk if main_subject is not None else None
        if "name" in values:
            values["pinyin"], values["initials"] = name_keys(values["name"])
        person = people.get(code)
        if person is None:
            # The org instance (not just its id) lets the audit event find the scope path.
            del values["org_id"]
            creates.append((Person(code=code, org=org, **values), side))
            continue
        if not can_manage_node(ctx.actor, person.org):
            # The same words whether the code is someone's elsewhere or the actor may not write it.
            ctx.error(number, "人员编号", OCCUPIED_PERSON_CODE)
            continue
        old = snapshot(person)
        changed = _set_changed(person, values)
        if "org_id" in changed:
            person.org = org
        subjects_changed = side is not None and {s.pk for s in side} != current_subjects.get(person.pk, set())
        if subjects_changed:
            assert side is not None
            subject_changes[person.pk] = side
            # The audit snapshot holds concrete fields only, so the change of side subjects is
            # recorded by touching updated_at; see the report to the lead about M2M in audits.
            changed.append("updated_at")
        if changed:
            updates.append((person, old, [f for f in changed if f != "updated_at"]))
        else:
            report.unchanged += 1
    if ctx.errors:
        return
    new_people = [p for p, _s in creates]
    _bulk_save(Person, ctx.actor, new_people, updates)
    through = Person.subjects.through
    if subject_changes:
        through.objects.filter(person_id__in=list(subject_changes)).delete()
    links = [through(person_id=p.pk, subject_id=s.pk) for p, side in creates for s in side or []]
    links += [through(person_id=pid, subject_id=s.pk) for pid, side in subject_changes.items() for s in side]
    through.objects.bulk_create(links, batch_size=1000)
    report.created, report.updated = len(new_people), len(updates)


def _phone(text: str) -> str:
    t = _nfkc(text).replace(" ", "")
    if t and not re.fullmatch(r"\+?[0-9][0-9-]{2,19}", t):
        raise _RowProblem(f"应为数字（可含短横线），实际为“{text}”")
    return t
