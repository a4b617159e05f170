"""Early-warning rules, the warnings they raise, and the actions answering them."""


from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from core import events
from core.audit import audit_create, audit_update, snapshot
from core.models import OrgNode, Person, Post, User
from quality.models import (
    EarlyWarning,
    Exam,
    WarningAction,
    WarningRule,
    WarningStatus,
)
from quality.services.base import ServiceError

# ---------------------------------------------------------------- warnings and actions


@transaction.atomic
def warning_rule_save(*, actor: User | None, org: OrgNode, kind: str, params: dict[str, Any],
                      rule: WarningRule | None = None) -> WarningRule:
    if rule is None:
        rule = WarningRule(org=org, kind=kind, params=params, created_by=actor if actor and actor.pk else None)
        rule.full_clean()
        rule.save()
        audit_create(actor, rule)
        return rule
    old = snapshot(rule)
    rule.params = params
    rule.save(update_fields=["params", "updated_at"])
    audit_update(actor, rule, old)
    return rule


@transaction.atomic
def warnings_raise(*, actor: User | None, exam: Exam, found: list[dict[str, Any]]) -> int:
    """Store the warnings the rules found (quality.warnings.evaluate); re-running is idempotent:
    an existing warning for the same rule and unit keeps its status and actions and gets the new
    evidence."""
    created = 0
    for f in found:
        lookup: dict[str, Any] = {"rule_id": f["rule_id"], "exam": exam, "paper_id": f.get("paper_id"),
                                  "school_id": f["school_id"], "class_label": f.get("class_label", ""),
                                  "person_id": f.get("person_id")}
        obj, made = EarlyWarning.objects.update_or_create(
            **lookup,
            defaults={"title": f["title"][:200], "evidence": f["evidence"], "norm_code": f["norm_code"]})
        if made:
            created += 1
            audit_create(actor, obj)
            events.emit(events.WARNING_RAISED, scope=obj.school, summary=f"质量预警：{obj.title}",
                        data={"warning": {"id": obj.pk, "title": obj.title, "norm_code": obj.norm_code, "exam": exam.pk,
                                          "school": obj.school.code, "class": obj.class_label}})
    return created


@transaction.atomic
def warning_action_add(*, actor: User | None, warning: EarlyWarning, kind: str, owner: Person, due: dt.date,
                       note: str, ref_app: str = "", ref_id: str = "") -> WarningAction:
    of_unit = owner.org_id == warning.school_id or Post.objects.active().filter(person=owner,
                                                                                org_id=warning.school_id).exists()
    if not of_unit:
        raise ServiceError("负责人须是预警单位的人员", field="owner")
    action = WarningAction(warning=warning, kind=kind, owner=owner, due=due, note=note, ref_app=ref_app,
                           ref_id=ref_id, created_by=actor if actor and actor.pk else None)
    action.full_clean()
    action.save()
    audit_create(actor, action)
    if warning.status == WarningStatus.OPEN:
        old = snapshot(warning)
        warning.status = WarningStatus.ACTING
        warning.save(update_fields=["status", "updated_at"])
        audit_update(actor, warning, old)
    return action


@transaction.atomic
def warning_close(*, actor: User | None, warning: EarlyWarning) -> EarlyWarning:
    if not warning.actions.exists():
        raise ServiceError("关闭预警前须至少有一条处理记录")
    old = snapshot(warning)
    warning.status = WarningStatus.CLOSED
    warning.save(update_fields=["status", "updated_at"])
    audit_update(actor, warning, old)
    return warning


