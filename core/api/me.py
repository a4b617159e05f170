"""The caller: who they are and what their posts let them see."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from api.auth import current_user
from api.schemas import NodeRef, PersonRef, node_ref, person_ref
from core.access import home_node, scope_of
from core.models import OrgNode, Role

router = Router(tags=["当前用户"])


class GrantOut(Schema):
    role: str
    role_label: str
    org: NodeRef


class MeOut(Schema):
    username: str
    name: str
    person: PersonRef | None
    is_sysadmin: bool
    home: NodeRef | None
    grants: list[GrantOut]


@router.get("", response=MeOut, url_name="me", summary="当前用户及其权限范围")
def me(request: HttpRequest) -> MeOut:
    user = current_user(request)
    scope = scope_of(user)
    nodes = OrgNode.objects.in_bulk([g.node_id for g in scope.grants])
    home = home_node(user)
    return MeOut(
        username=user.username, name=user.name,
        person=person_ref(user.person) if user.person else None,
        is_sysadmin=scope.is_sysadmin, home=node_ref(home) if home else None,
        grants=[GrantOut(role=g.role, role_label=Role(g.role).label, org=node_ref(nodes[g.node_id]))
                for g in scope.grants],
    )
