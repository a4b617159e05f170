"""The demo of collective preparation, homeroom meetings and 送教 orders on the tiny seed:
sessions in every step, meetings with some classes short, orders in every state; the norms
computed over them show schools and classes meeting and missing."""

from __future__ import annotations

import pytest

from core.demo.generator import SeedResult
from core.models import NormResultRow
from research.models.homeroom import HomeroomMeeting, MeetingKind
from research.models.orders import OrderRating, OrderStatus, SongjiaoOrder
from research.models.prep import PrepDocument, PrepSession, PrepStep

pytestmark = pytest.mark.django_db


def test_demo_preparation_homeroom_and_orders(tiny: SeedResult) -> None:
    result = tiny
    assert {"research.prep", "research.homeroom", "research.orders"} <= set(result.timings)
    sessions = PrepSession.objects.all()
    assert set(sessions.values_list("step", flat=True)) == set(PrepStep.values)
    assert sessions.filter(rating__gt="").exists() and sessions.filter(step=PrepStep.CLOSED, rating="").exists()
    assert PrepDocument.objects.filter(kind="shared", version=2).exists()
    assert set(HomeroomMeeting.objects.values_list("kind", flat=True)) == set(MeetingKind.values)
    assert set(SongjiaoOrder.objects.values_list("status", flat=True)) == set(OrderStatus.values)
    rated = SongjiaoOrder.objects.filter(status=OrderStatus.RATED).first()
    assert rated is not None and OrderRating.objects.filter(order=rated).count() == 2
    assert rated.activity is not None and rated.match.explanation
    for code in ("PREP.STEPS", "HOMEROOM.STUDENTS"):
        rows = NormResultRow.objects.filter(norm_code=code)
        assert rows.filter(meets=True).exists() and rows.filter(meets=False).exists(), code
