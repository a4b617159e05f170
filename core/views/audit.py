"""The audit log, for admins: who created, changed or deleted what, filtered, exportable."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render

from core.access import audit_visible_to, can_read_audit, require
from core.exporting import xlsx_response
from core.http import AuthedRequest
from core.models import AuditEvent
from core.paging import paginate

MODEL_LABELS = {"core.OrgNode": "组织", "core.Person": "人员", "core.Post": "岗位", "core.Term": "学期",
                "core.TeachingGroup": "教研组", "core.GroupMembership": "教研组成员", "core.NormOverride": "规范阈值"}


class AuditFilterForm(forms.Form):
    model = forms.CharField(max_length=60, required=False)
    action = forms.ChoiceField(choices=[("", ""), *AuditEvent.Action.choices], required=False)
    actor = forms.CharField(max_length=150, required=False)
    q = forms.CharField(max_length=100, required=False)
    since = forms.DateField(required=False)
    until = forms.DateField(required=False)


@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(can_read_audit(user))
    form = AuditFilterForm(request.GET)
    form.is_valid()
    # Invalid filters (a malformed date) are dropped, not errors: the form keeps what was valid.
    data = form.cleaned_data
    f = {k: request.GET.get(k, "").strip() for k in ("model", "action", "actor", "q", "since", "until")}
    qs = audit_visible_to(user)
    if data.get("model"):
        qs = qs.filter(model=data["model"])
    if data.get("action"):
        qs = qs.filter(action=data["action"])
    if data.get("actor"):
        qs = qs.filter(Q(actor__username=data["actor"]) | Q(actor__name=data["actor"]))
    if data.get("q"):
        qs = qs.filter(object_repr__contains=data["q"])
    for key, lookup in (("since", "at__date__gte"), ("until", "at__date__lte")):
        if data.get(key):
            qs = qs.filter(**{lookup: data[key]})
        else:
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
