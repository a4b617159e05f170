"""The reference shapes every app's API uses to point at core records (an org node, a subject,
a person): code, name and a Chinese label. Each app's own output schemas live with its router
(core.api.schemas, observe.api, quality.api)."""

from __future__ import annotations

from ninja import Schema

from core.models import OrgNode, Person, Subject

# ---------------------------------------------------------------- references


class NodeRef(Schema):
    code: str
    name: str
    kind: str
    kind_label: str


class SubjectRef(Schema):
    code: str
    name: str


class PersonRef(Schema):
    code: str
    name: str


def node_ref(node: OrgNode) -> NodeRef:
    return NodeRef(code=node.code, name=node.name, kind=node.kind, kind_label=node.get_kind_display())


def subject_ref(subject: Subject) -> SubjectRef:
    return SubjectRef(code=subject.code, name=subject.name)


def person_ref(person: Person) -> PersonRef:
    return PersonRef(code=person.code, name=person.name)
