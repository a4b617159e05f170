"""The database connection as configured: on PostgreSQL without JIT compilation (jiaoyan/settings.py
says why: compiling cost 400 ms on province-scale queries that run in tens of milliseconds)."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("JIT is a PostgreSQL setting; this suite runs on " + connection.vendor)
    with connection.cursor() as cur:
        cur.execute("SHOW jit")
        assert cur.fetchone() == ("off",)
