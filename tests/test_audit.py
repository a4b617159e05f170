"""Audit: every create, update and delete of a domain record, browsable by admins in scope."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from core import services
from core.models import AuditEvent


def test_updates_record_old_and_new_values(cast: Any) -> None:
    actor = cast.users["county_admin"]
    services.org_node_update(actor=actor, node=cast.school_a2, class_count=10, is_weak=False)
    event = AuditEvent.objects.filter(model="core.OrgNode", action="update").get()
    assert event.actor == actor
    assert event.old == {"class_count": 8, "is_weak": True}
    assert event.new == {"class_count": 10, "is_weak": False}
    assert event.scope_path == cast.school_a2.path


def test_post_delete_is_logged(cast: Any) -> None:
    post = cast.people["teacher"].posts.get()
    post_id = post.pk
    services.post_delete(actor=None, post=post)
    event = AuditEvent.objects.get(model="core.Post", action="delete", object_id=str(post_id))
    assert event.old is not None and event.old["role"] == "teacher" and event.new is None


def test_admins_browse_only_their_subtree(cast: Any) -> None:
    services.org_node_update(actor=None, node=cast.school_b1, address="迎泽大街1号")
    services.org_node_update(actor=None, node=cast.school_a1, address="小店路8号")
    page = cast.client("county_admin").get(reverse("audit_list") + "?action=update").content.decode()
    assert "小店第一中学" in page and "迎泽实验小学" not in page
    page = cast.client("sysadmin").get(reverse("audit_list") + "?action=update").content.decode()
    assert "小店第一中学" in page and "迎泽实验小学" in page
    assert cast.client("principal").get(reverse("audit_list")).status_code == 404
