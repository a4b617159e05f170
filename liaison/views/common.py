"""What the liaison pages share: the form error plumbing and resolving people and schools typed
as "name（code）" from a datalist."""

from __future__ import annotations

import re

from django import forms
from django.db.models import QuerySet

from core.errors import DomainError
from core.models import OrgNode, Person

CODE_RE = re.compile(r"[（(]([0-9A-Za-z_-]+)[)）]\s*$")


def apply_error(form: forms.Form, exc: DomainError) -> None:
    name = exc.field if exc.field in form.fields else None
    form.add_error(name, exc.message)


def label(obj: Person | OrgNode) -> str:
    return f"{obj.name}（{obj.code}）"


def resolve_person(people: QuerySet[Person], raw: str, what: str) -> Person:
    raw = raw.strip()
    match = CODE_RE.search(raw)
    found = people.filter(code=match.group(1) if match else raw).first()
    if found is None and raw:
        named = list(people.filter(name=raw)[:2])
        if len(named) == 1:
            found = named[0]
        elif named:
            raise forms.ValidationError(f"{what}：有多位“{raw}”，请从列表中选择带编号的一项")
    if found is None:
        raise forms.ValidationError(f"{what}：没有找到“{raw}”，请输入姓名或人员编号，从列表中选择")
    return found


def resolve_node(nodes: QuerySet[OrgNode], raw: str, what: str) -> OrgNode:
    raw = raw.strip()
    match = CODE_RE.search(raw)
    found = nodes.filter(code=match.group(1) if match else raw).first()
    if found is None and raw:
        named = list(nodes.filter(name=raw)[:2])
        if len(named) == 1:
            found = named[0]
        elif named:
            raise forms.ValidationError(f"{what}：有多所“{raw}”，请从列表中选择带代码的一项")
    if found is None:
        raise forms.ValidationError(f"{what}：没有找到“{raw}”，请输入名称或代码，从列表中选择")
    return found
