"""The liaison app's panel on the core's school page (core.panels): the links to the school in
the rounds the viewer sees, with each link's on-site days this semester."""

from __future__ import annotations

from django.urls import reverse

from core.access import AnyUser
from core.models import OrgNode, TeachingGroup
from core.panels import Panel, PanelLine
from liaison.access import links_visible_to
from liaison.models import LinkStatus

SHOWN = 6


def page_panels(user: AnyUser, *, school: OrgNode | None = None, group: TeachingGroup | None = None) -> list[Panel]:
    if school is None:
        return []
    links = list(links_visible_to(user).filter(school=school).exclude(status=LinkStatus.ENDED)
                 .order_by("-round__start_year", "person__pinyin")[:SHOWN + 1])
    if not links:
        return []
    lines = [PanelLine(text=f"{lk.person.name}（{lk.get_kind_display()}）· {lk.round.title}", tag=lk.get_status_display(),
                       url=reverse("liaison:link_detail", args=[lk.pk])) for lk in links[:SHOWN]]
    summary = f"定点联系{len(links)}项" if len(links) <= SHOWN else f"定点联系{SHOWN}项以上"
    return [Panel(title="定点联系", summary=summary, lines=lines, url=reverse("liaison:home"), url_label="定点联系首页")]
