"""The audit log, for admins: who created, changed or deleted what, filtered, exportable."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from core.access import audit_visible_to, can_read_audit, require
from core.exporting import xlsx_response
from core.http import AuthedRequest
from core.models import AuditEvent
from core.paging import paginate

MODEL_LABELS = {"core.OrgNode": "组织", "core.Person": "人员", "core.Post": "岗位", "core.Term": "学期",
                "core.TeachingGroup": "教研组", "core.GroupMembership": "教研组成员", "core.NormOverride": "规范阈值"}


@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(can_read_audit(user))
    f = {k: request.GET.get(k, "").strip() for k in ("model", "action", "actor", "q", "since", "until")}
    qs = audit_visible_to(user)
    if f["model"]:
        qs = qs.filter(model=f["model"])
    if f["action"]:
        qs = qs.filter(action=f["action"])
    if f["actor"]:
        qs = qs.filter(actor__username=f["actor"]) | qs.filter(actor__name=f["actor"])
    if f["q"]:
        qs = qs.filter(object_repr__contains=f["q"])
    for key, lookup in (("since", "at__date__gte"), ("until", "at__date__lte")):
        if f[key]:
            try:
                qs = qs.filter(**{lookup: dt.date.fromisoformat(f[key])})
            except ValueError:
                f[key] = ""
    qs = qs.order_by("-at", "-id")
    if request.GET.get("format") == "xlsx":
        rows = ((e.at.isoformat(timespec="seconds"), e.actor.name if e.actor else "系统", e.get_action_display(),
                 MODEL_LABELS.get(e.model, e.model), e.object_repr, str(e.old or ""), str(e.new or ""))
                for e in qs.iterator(chunk_size=2000))
        return xlsx_response("审计日志", "审计日志", ["时间", "操作人", "操作", "对象类型", "对象", "原值", "新值"], rows)
    page = paginate(request, qs, per_page=50)
    return render(request, "core/audit_list.html", {"page": page, "f": f, "models": MODEL_LABELS.items(),
                                                    "actions": AuditEvent.Action.choices, "labels": MODEL_LABELS})
