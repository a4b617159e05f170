"""Small helpers the core views share: the term chosen on a page, the scope node chosen."""

from __future__ import annotations

from django.http import HttpRequest

from core.access import AnyUser, get_node_for_user, home_node
from core.models import OrgNode, Term
from core.terms import current_of, terms_for


def chosen_node(request: HttpRequest, user: AnyUser) -> OrgNode | None:
    """The node named by ?node=CODE (checked against the policy), else the user's home node."""
    code = request.GET.get("node", "").strip()
    if code:
        return get_node_for_user(user, code)
    return home_node(user)


def chosen_term(request: HttpRequest, node: OrgNode | None) -> tuple[Term | None, list[Term]]:
    """The term named by ?term=2026-1 among those in force at the node, else the current one."""
    if node is None:
        return None, []
    terms = terms_for(node)
    key = request.GET.get("term", "").strip()
    for t in terms:
        if t.key == key:
            return t, terms
    return current_of(terms), terms
