"""The seed's column-wise writer (core.demo.tables.write_columns) with a pooled column: each row
reads back the pool value its index names, JSON included, on SQLite and on PostgreSQL (where the
pool goes in once and the rows are joined to it)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.demo.tables import Nullable, Pooled, next_id, write_columns
from observe import services
from observe.models import Assessment, RubricVersion


@pytest.mark.django_db
def test_pooled_columns_read_back_per_row() -> None:
    services.builtin_templates_sync()
    version = RubricVersion.objects.filter(status="published").order_by("pk").first()
    assert version is not None
    pool = [json.dumps({"1.1": {"value": k, "comment": "含\t制表符与\\反斜杠" if k == 2 else ""}}, ensure_ascii=False)
            for k in range(4)]
    dims = [json.dumps({"1": {"score": k * 10}}) for k in range(4)]
    index = np.asarray([3, 0, 2, 2, 1, 3, 0], dtype=np.int64)
    first = next_id(Assessment)
    ids = np.arange(first, first + len(index), dtype=np.int64)
    stamp = np.full(len(index), np.datetime64("2026-11-20T08:00:00", "s"))
    totals = np.asarray([80.0, 0.0, 61.5, 61.5, 70.0, 80.0, 0.0])
    write_columns(Assessment, {
        "id": ids, "version_id": np.full(len(index), version.pk, dtype=np.int64),
        "ratings": Pooled(pool, index), "dimension_scores": Pooled(dims, index),
        "total": Nullable(totals, totals > 0), "band": np.asarray(["良"] * len(index), dtype=object),
        "created_at": stamp, "updated_at": stamp}, chunk=3)
    rows = {a.pk: a for a in Assessment.objects.filter(pk__in=ids.tolist())}
    assert len(rows) == len(index)
    for pk, k, total in zip(ids.tolist(), index.tolist(), totals.tolist(), strict=True):
        a = rows[pk]
        assert a.ratings == json.loads(pool[k])
        assert a.dimension_scores == {"1": {"score": k * 10}}
        assert a.total == (total if total > 0 else None)
        assert a.item_count == 0  # a field not given takes its default


def test_generator_name_keys_match_core_pinyin() -> None:
    """The generator's per-character shortcut gives exactly core.pinyin.name_keys, phrases
    (于思 yusai, 柏林 bolin), table surnames (单, 曾, 万俟) and non-Han names included."""
    import random

    from core.demo import names
    from core.demo.generator import NameKeys
    from core.pinyin import name_keys

    rng = random.Random(3)
    sample = {names.surname(rng) + names.given_name(rng, rng.choice("fm")) for _ in range(20_000)}
    sample |= {"于思嘉", "李柏林", "叶韵洁", "单文华", "曾乐", "乐乐", "万俟乐", "尉迟华", "解思", "AB", "李A", "张"}
    keys = NameKeys()
    assert [keys(n) for n in sorted(sample)] == [name_keys(n) for n in sorted(sample)]
