"""The demo generator is deterministic: the same seed gives the same content, another seed other
content. Checked on the `tiny` scale (two counties, one with its own terms; the same generator
code as every scale), against the package's shared seed, so it costs two seeds, not three."""

from __future__ import annotations

from core.demo.extensions import SeedContext, register, unregister
from core.demo.seeding import seed_database
from observe.models import Observation, ObservationAggregate
from tests.demo.conftest import TinyWorld, digest


def test_same_seed_gives_same_data_and_other_seed_differs(tiny_world: TinyWorld, db: None) -> None:
    first = tiny_world.result
    assert Observation.objects.count() > 100 and ObservationAggregate.objects.exists()
    assert "after_seed" in first.timings and "observe.observations" in first.timings

    seen: list[SeedContext] = []
    register("test.recorder", seen.append)
    try:
        again = seed_database(scale="tiny", seed=1, flush=True)
    finally:
        unregister("test.recorder")
    assert digest() == tiny_world.digest
    assert again.counts == first.counts
    # The extension hook ran once, after the core data, with the seed's ids.
    assert len(seen) == 1 and seen[0].scale == "tiny" and seen[0].term_key == "2026-1"
    assert seen[0].school_ids == again.school_ids and set(seen[0].users) >= {"teacher", "sysadmin"}

    seed_database(scale="tiny", seed=2, flush=True)
    assert digest() != tiny_world.digest
