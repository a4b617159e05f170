"""Audit events: the record of who created, changed or deleted what. Written only by services."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from core.models import AuditEvent, OrgNode, User


def snapshot(obj: models.Model, *, many_to_many: bool = True) -> dict[str, Any]:
    """The concrete field values of a record, JSON-ready (foreign keys as ids).

    `many_to_many=False` leaves out the many-to-many links, which cost one query per record: a
    bulk writer that does not change them (the roster sync) audits 100,000 people without them.
    """
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in ("created_at", "updated_at", "password"):
            continue
        value = getattr(obj, field.attname)
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        elif isinstance(value, decimal.Decimal | uuid.UUID):
            value = str(value)
        elif isinstance(value, FieldFile):
            value = value.name or ""
        elif isinstance(value, bytes | memoryview):
            # Binary content (an uploaded file, a score block) is recorded by size, not copied.
            value = f"<{len(value)} 字节>"
        data[field.attname] = value
    if obj.pk is not None and many_to_many:
        # Many-to-many links (a teacher's other subjects, a group's subjects) as sorted ids, so a
        # change to them is an auditable change of the record.
        for m2m in obj._meta.many_to_many:
            data[m2m.name] = sorted(getattr(obj, m2m.name).values_list("pk", flat=True))
    return data


def _scope_path(obj: models.Model) -> str:
    """The org path a record belongs to, so admins can browse events of their subtree."""
    if isinstance(obj, OrgNode):
        return obj.path
    for attr in ("org", "school", "region"):
        node = getattr(obj, attr, None)
        if isinstance(node, OrgNode):
            return node.path
    group = getattr(obj, "group", None)
    if group is not None and hasattr(group, "school"):
        return str(group.school.path)
    person = getattr(obj, "person", None)
    if person is not None and hasattr(person, "org"):
        return str(person.org.path)
    return ""


def _event(actor: User | None, action: str, obj: models.Model, old: dict[str, Any] | None,
           new: dict[str, Any] | None) -> AuditEvent:
    return AuditEvent(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        model=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        scope_path=_scope_path(obj),
        old=old,
        new=new,
    )


def _after_write(events: Iterable[AuditEvent]) -> None:
    """Every write changes the inputs of the norms of the unit it belongs to: mark that school
    (or region) and the regions above it stale, in the write's transaction (core.norm_results).
    A threshold override or a term changes the whole subtree of its region. And it changes what
    the kept figures of its model count (core.kept), on commit."""
    from core.kept import models_changed
    from core.norm_results import SUBTREE_MODELS, mark_dirty

    paths: set[str] = set()
    subtree: set[str] = set()
    models: set[str] = set()
    for e in events:
        (subtree if e.model in SUBTREE_MODELS else paths).add(e.scope_path)
        models.add(e.model)
    mark_dirty(paths, subtree=subtree)
    models_changed(models)


def _save(event: AuditEvent) -> None:
    event.save()
    _after_write([event])


def audit_create(actor: User | None, obj: models.Model) -> None:
    _save(_event(actor, AuditEvent.Action.CREATE, obj, None, snapshot(obj)))


def audit_update(actor: User | None, obj: models.Model, old: dict[str, Any]) -> None:
    new = snapshot(obj)
    changed_old = {k: v for k, v in old.items() if new.get(k) != v}
    changed_new = {k: new[k] for k in changed_old}
    if changed_old:
        _save(_event(actor, AuditEvent.Action.UPDATE, obj, changed_old, changed_new))


def audit_delete(actor: User | None, obj: models.Model) -> None:
    _save(_event(actor, AuditEvent.Action.DELETE, obj, snapshot(obj), None))


def audit_bulk(actor: User | None, events: Iterable[tuple[str, models.Model, dict[str, Any] | None]], *,
               many_to_many: bool = True) -> int:
    """Write many events in one statement (imports). Each item: action, record, old snapshot
    (taken with the same `many_to_many`)."""
    rows = []
    for action, obj, old in events:
        new = snapshot(obj, many_to_many=many_to_many) if action != AuditEvent.Action.DELETE else None
        if action == AuditEvent.Action.UPDATE and old is not None and new is not None:
            old = {k: v for k, v in old.items() if new.get(k) != v}
            new = {k: new[k] for k in old}
        rows.append(_event(actor, action, obj, old, new))
    AuditEvent.objects.bulk_create(rows, batch_size=1000)
    _after_write(rows)
    return len(rows)


def audit_values(actor: User | None, obj: models.Model, old: dict[str, Any], new: dict[str, Any]) -> AuditEvent:
    """An update event whose old and new values are given by the service rather than read from
    the record's fields: a change to data the record does not hold as columns (one student's
    cells in a paper's score block). Marks the record's unit stale like every other write."""
    event = _event(actor, AuditEvent.Action.UPDATE, obj, old, new)
    _save(event)
    return event
