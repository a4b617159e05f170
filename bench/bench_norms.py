"""On-demand benchmark of the norms page (`/norms/`) for the institute head (not collected by pytest).

    JIAOYAN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiaoyan_norms \\
        .venv/bin/python bench/bench_norms.py [--runs 5]

Runs against an already seeded database (`manage.py seed --scale city`), in process with
Django's test client (no server, so the figures are the view's own time). "Cold" is the first
view right after a write through a service (a school renamed and renamed back: two audit events
marking that school and the regions above it stale); "warm" is the next view. A full
rebuild of the whole tree is timed by `manage.py refresh_norms`.

Run the same script from a checkout of the old code (live computation cached per viewer) on the
same database for the old-versus-new ratio: it uses only interfaces both have.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiaoyan.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402

from core import services  # noqa: E402
from core.models import OrgKind, OrgNode, User  # noqa: E402


def timed(client: Client, url: str) -> tuple[float, int]:
    reset_queries()
    started = time.perf_counter()
    r = client.get(url)
    took = time.perf_counter() - started
    assert r.status_code == 200, r.status_code
    return took, len(connection.queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--user", default="demo-institute_head")
    args = parser.parse_args()
    settings.DEBUG = True  # count queries
    settings.ALLOWED_HOSTS = ["*"]
    user = User.objects.get(username=args.user)
    client = Client()
    client.force_login(user)
    school = OrgNode.objects.filter(kind=OrgKind.SCHOOL).order_by("path").first()
    assert school is not None
    schools = OrgNode.objects.filter(kind=OrgKind.SCHOOL).count()
    print(f"database {connection.vendor}, {schools} schools; viewer {args.user}")
    url = "/norms/"
    timed(client, url)  # first view of the process (imports, templates)
    cold, warm, qcold, qwarm = [], [], [], []
    for _ in range(args.runs):
        name = school.name
        services.org_node_update(actor=None, node=school, name=name + "·")
        services.org_node_update(actor=None, node=school, name=name)
        t, q = timed(client, url)
        cold.append(t)
        qcold.append(q)
        t, q = timed(client, url)
        warm.append(t)
        qwarm.append(q)
    for label, xs, qs in (("cold (after a write)", cold, qcold), ("warm", warm, qwarm)):
        print(f"{label:22} median {1000 * statistics.median(xs):8.1f} ms  max {1000 * max(xs):8.1f} ms"
              f"  queries {statistics.median(qs):.0f}")


if __name__ == "__main__":
    main()
