"""The compact storage of one paper's scores at one school, and its sufficient statistics.

A block is a numpy archive (``np.savez``, no pickles): student ids (Student pk), class index per
student and the class labels, a status code per student, item scores as uint16 *units* of the
exam's score step (65535 = missing) and totals as int32 units (−1 = none). At 40 items a student
costs ~100 bytes, so a 500,000-student × 9-subject exam is ~450 MB in blocks, read per school.

`block_moments` turns a block into per-class `ScoreMoments` and `ItemMoments` (quality.stats), the
mergeable sufficient statistics a school, county or city figure is built from (DESIGN.md
"Analytics design"). No Django here.
"""

from __future__ import annotations

import dataclasses
import json
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from quality.stats import ItemMoments, ScoreMoments, item_moments, score_moments

SAT, ABSENT, CHEAT, EXEMPT = 0, 1, 2, 3
STATUS_LABELS = {SAT: "", ABSENT: "缺考", CHEAT: "作弊", EXEMPT: "免考"}
MISSING = np.uint16(65535)
NO_TOTAL = -1


@dataclass(frozen=True)
class Block:
    student_ids: NDArray[np.int64]
    class_labels: tuple[str, ...]
    class_idx: NDArray[np.int32]
    status: NDArray[np.uint8]
    items: NDArray[np.uint16]  # (N, J) units, MISSING where not given; J = 0 for total-only files
    totals: NDArray[np.int32]  # (N,) units, NO_TOTAL where absent
    # (N, J) chosen option per objective item (0 = A; −1 none), for option analysis; (N, 0) when
    # the file gave scores only.
    choices: NDArray[np.int8] | None = None

    @property
    def n(self) -> int:
        return int(self.student_ids.size)


_MAGIC = b"QB1"


def pack(arrays: dict[str, NDArray[Any]], meta: dict[str, Any]) -> bytes:
    """A small self-describing container: magic, a JSON header (meta, names, dtypes, shapes),
    then the raw little-endian bytes of each array. Reading is one `np.frombuffer` per array,
    ~50× faster than `np.load` of an .npz, which matters when a city exam merges thousands."""
    specs = []
    chunks = []
    for name, a in arrays.items():
        a = np.ascontiguousarray(a)
        specs.append([name, a.dtype.str, list(a.shape)])
        chunks.append(a.tobytes())
    head = json.dumps({"meta": meta, "arrays": specs}, ensure_ascii=False).encode()
    return _MAGIC + struct.pack("<I", len(head)) + head + b"".join(chunks)


def unpack(data: bytes | memoryview) -> tuple[dict[str, NDArray[Any]], dict[str, Any]]:
    buf = memoryview(data)
    if bytes(buf[:3]) != _MAGIC:
        raise ValueError("not a score block")
    (n,) = struct.unpack("<I", buf[3:7])
    head = json.loads(bytes(buf[7:7 + n]))
    pos = 7 + n
    out: dict[str, NDArray[Any]] = {}
    for name, dtype, shape in head["arrays"]:
        dt = np.dtype(dtype)
        count = int(np.prod(shape)) if shape else 1
        out[name] = np.frombuffer(buf, dtype=dt, count=count, offset=pos).reshape(shape)
        pos += count * dt.itemsize
    return out, head["meta"]


def encode_block(b: Block) -> bytes:
    arrays: dict[str, NDArray[Any]] = {"student_ids": b.student_ids, "class_idx": b.class_idx, "status": b.status,
                                       "items": b.items, "totals": b.totals}
    if b.choices is not None and b.choices.size:
        arrays["choices"] = b.choices
    return pack(arrays, {"class_labels": list(b.class_labels)})


def decode_block(data: bytes | memoryview) -> Block:
    z, meta = unpack(data)
    return Block(z["student_ids"], tuple(meta["class_labels"]), z["class_idx"], z["status"], z["items"], z["totals"],
                 z.get("choices"))


def merge_blocks(old: Block, new: Block) -> Block:
    """Rows of `old` whose student is not in `new`, then all of `new`: a corrected re-import
    replaces a student's scores and never doubles them; other classes' uploads are kept."""
    keep = ~np.isin(old.student_ids, new.student_ids)
    if not keep.any():
        return new
    if old.items.shape[1] != new.items.shape[1]:
        raise ValueError("两个文件的题目列数不同，不能合并")
    labels = list(new.class_labels)
    pos = {c: i for i, c in enumerate(labels)}
    remap = np.empty(len(old.class_labels), dtype=np.int32)
    for i, c in enumerate(old.class_labels):
        if c not in pos:
            pos[c] = len(labels)
            labels.append(c)
        remap[i] = pos[c]
    choices = None
    if old.choices is not None or new.choices is not None:
        blank = np.full(old.items.shape, -1, np.int8)
        oc = old.choices if old.choices is not None else blank
        nc = new.choices if new.choices is not None else np.full(new.items.shape, -1, np.int8)
        choices = np.concatenate([oc[keep], nc]).astype(np.int8)
    return Block(
        np.concatenate([old.student_ids[keep], new.student_ids]),
        tuple(labels),
        np.concatenate([remap[old.class_idx[keep]], new.class_idx]).astype(np.int32),
        np.concatenate([old.status[keep], new.status]),
        np.concatenate([old.items[keep], new.items]),
        np.concatenate([old.totals[keep], new.totals]),
        choices,
    )


@dataclass(frozen=True)
class BlockMoments:
    """Per-class sufficient statistics of one block (classes in `class_labels` order)."""

    class_labels: tuple[str, ...]
    scores: ScoreMoments
    items: ItemMoments | None


def sat_mask(status: NDArray[np.uint8], cheat_as_zero: bool) -> NDArray[np.bool_]:
    cheat = (status == CHEAT) if cheat_as_zero else np.zeros(status.shape, np.bool_)
    return np.asarray((status == SAT) | cheat, dtype=np.bool_)


def block_moments(b: Block, *, full_mark: float, step: float, item_max: NDArray[np.float64],
                  cheat_as_zero: bool) -> BlockMoments:
    """应考 = everyone but 免考; 实考 = sat (plus cheats when they count as zero); item moments over
    sitters, missing item cells earning 0 (analytics.md §4 notation, §5)."""
    eligible = b.status != EXEMPT
    sat = sat_mask(b.status, cheat_as_zero)
    n_classes = len(b.class_labels)
    g = b.class_idx[eligible].astype(np.int64)
    totals = np.where(sat, np.maximum(b.totals, 0), 0).astype(np.int64)[eligible]
    absent = ~sat[eligible]
    # Scores enter as integer units with precision 1, then the result is relabelled with the
    # real step: the moments hold exact integer unit counts either way (quality.stats.sufficient).
    sm = score_moments(g, totals, n_classes, full_mark=round(full_mark / step), precision=1, absent=absent)
    sm = ScoreMoments(sm.hist, sm.registered, float(full_mark), float(step))
    im: ItemMoments | None = None
    if b.items.shape[1]:
        x = np.where(b.items == MISSING, 0, b.items)
        im = item_moments(b.class_idx.astype(np.int64), x, n_classes, item_max=np.rint(item_max / step),
                          precision=1, sat=sat)
        im = dataclasses.replace(im, precision=float(step), item_max=np.asarray(item_max, dtype=np.float64))
    return BlockMoments(b.class_labels, sm, im)


_ITEM_FIELDS = ("n", "item_sum", "item_sumsq", "item_total", "total_sum", "total_sumsq", "half_sum", "half_sumsq")


def _narrow(a: NDArray[Any]) -> NDArray[Any]:
    """The smallest integer type that holds the values exactly: a city exam reads thousands of
    these per paper, so bytes matter (decode widens back to int64)."""
    lo, hi = (int(a.min()), int(a.max())) if a.size else (0, 0)
    for t in (np.uint16, np.int32):
        if np.iinfo(t).min <= lo and hi <= np.iinfo(t).max:
            return a.astype(t)
    return a


def encode_moments(m: BlockMoments) -> bytes:
    arrays: dict[str, NDArray[Any]] = {"hist": _narrow(m.scores.hist), "registered": m.scores.registered}
    if m.items is not None:
        for f in _ITEM_FIELDS:
            arrays["im_" + f] = _narrow(getattr(m.items, f))
        arrays["im_item_max"] = m.items.item_max
    return pack(arrays, {"class_labels": list(m.class_labels), "full_mark": m.scores.full_mark,
                         "precision": m.scores.precision})


def decode_moments(data: bytes | memoryview) -> BlockMoments:
    z, meta = unpack(data)
    sm = ScoreMoments(z["hist"].astype(np.int64), z["registered"].astype(np.int64), float(meta["full_mark"]),
                      float(meta["precision"]))
    im = None
    if "im_n" in z:
        im = ItemMoments(**{f: z["im_" + f].astype(np.int64) for f in _ITEM_FIELDS},
                         item_max=z["im_item_max"].astype(np.float64), precision=float(meta["precision"]))
    return BlockMoments(tuple(meta["class_labels"]), sm, im)
