"""What a picker field holds: a person or an org node typed as "名称（编号）" (the form the
pickers fill in), as a bare code, or as a name that is unique among the choices. Every app's
forms resolve such fields here, with the same Chinese messages naming the field."""

from __future__ import annotations

import re

from django import forms
from django.db.models import QuerySet

from core.models import OrgNode, Person

# "王丽（P00012）" or "王丽(P00012)": the code in brackets at the end.
CODE_RE = re.compile(r"[（(]([0-9A-Za-z_-]+)[)）]\s*$")


def picker_label(obj: Person | OrgNode) -> str:
    """How a picker shows a choice, and what resolve_* reads back."""
    return f"{obj.name}（{obj.code}）"


def resolve_person(people: QuerySet[Person], raw: str, label: str) -> Person:
    """The person among `people` that `raw` names; a ValidationError naming `label` otherwise."""
    raw = raw.strip()
    match = CODE_RE.search(raw)
    found = people.filter(code=match.group(1) if match else raw).first()
    if found is None and raw:
        named = list(people.filter(name=raw)[:2])
        if len(named) == 1:
            found = named[0]
        elif named:
            raise forms.ValidationError(f"{label}：有多位“{raw}”，请从列表中选择带编号的一项，如“{raw}（P00012）”")
    if found is None:
        raise forms.ValidationError(f"{label}：没有找到“{raw}”，请输入姓名或人员编号，从列表中选择")
    return found


def resolve_node(nodes: QuerySet[OrgNode], raw: str, label: str) -> OrgNode:
    """The unit among `nodes` that `raw` names; a ValidationError naming `label` otherwise."""
    raw = raw.strip()
    match = CODE_RE.search(raw)
    found = nodes.filter(code=match.group(1) if match else raw).first()
    if found is None and raw:
        named = list(nodes.filter(name=raw)[:2])
        if len(named) == 1:
            found = named[0]
        elif named:
            raise forms.ValidationError(f"{label}：有多所“{raw}”，请从列表中选择带代码的一项")
    if found is None:
        raise forms.ValidationError(f"{label}：没有找到“{raw}”，请输入名称或代码，从列表中选择")
    return found
