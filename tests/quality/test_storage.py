"""Pure pieces: the block container, moments round trips and merges, pseudonyms and names."""

from __future__ import annotations

import numpy as np

from quality.blocks import (
    ABSENT,
    MISSING,
    SAT,
    Block,
    block_moments,
    decode_block,
    decode_moments,
    encode_block,
    encode_moments,
    merge_blocks,
)
from quality.pseudonyms import decrypt_name, encrypt_name, student_key
from quality.stats import item_stats, one_point_three_rates


def _block(ids: list[int], classes: list[int], labels: tuple[str, ...], seed: int = 0) -> Block:
    rng = np.random.default_rng(seed)
    n = len(ids)
    items = rng.integers(0, 5, (n, 4)).astype(np.uint16)
    status = np.zeros(n, np.uint8)
    status[0] = ABSENT
    items[0] = MISSING
    totals = np.where(status == SAT, items.astype(np.int64).sum(axis=1), -1).astype(np.int32)
    return Block(np.array(ids, np.int64), labels, np.array(classes, np.int32), status, items, totals)


def test_block_and_moments_round_trip_exactly() -> None:
    b = _block(list(range(10)), [0, 1] * 5, ("1班", "2班"))
    again = decode_block(memoryview(encode_block(b)))
    assert again.class_labels == b.class_labels
    for f in ("student_ids", "class_idx", "status", "items", "totals"):
        np.testing.assert_array_equal(getattr(again, f), getattr(b, f))
    m = block_moments(b, full_mark=8.0, step=0.5, item_max=np.full(4, 2.0), cheat_as_zero=False)
    m2 = decode_moments(encode_moments(m))
    np.testing.assert_array_equal(m.scores.hist, m2.scores.hist)
    assert m.items is not None and m2.items is not None
    np.testing.assert_array_equal(m.items.item_total, m2.items.item_total)
    r = one_point_three_rates(m2.scores)
    assert r.registered.tolist() == [5, 5] and r.sat.tolist() == [4, 5]
    # Difficulty from moments equals a direct computation over sitters.
    sat = b.status == SAT
    x = b.items[sat].astype(float) * 0.5
    direct = x.mean(axis=0) / 2.0
    np.testing.assert_allclose(item_stats(m2.items.total()).difficulty[0], direct)


def test_merge_replaces_students_and_keeps_other_classes() -> None:
    old = _block([1, 2, 3, 4], [0, 0, 1, 1], ("1班", "2班"))
    new = _block([3, 4, 5], [0, 0, 1], ("2班", "3班"), seed=1)
    merged = merge_blocks(old, new)
    assert sorted(merged.student_ids.tolist()) == [1, 2, 3, 4, 5]
    labels = [merged.class_labels[i] for i in merged.class_idx]
    assert dict(zip(merged.student_ids.tolist(), labels, strict=True)) == {1: "1班", 2: "1班", 3: "2班", 4: "2班",
                                                                          5: "3班"}
    i3 = merged.student_ids.tolist().index(3)
    np.testing.assert_array_equal(merged.items[i3], new.items[0])


def test_pseudonyms_and_encrypted_names() -> None:
    assert student_key(" g001 ") == student_key("G001") and len(student_key("G001")) == 24
    assert student_key("G001") != student_key("G002")
    token = encrypt_name("张三")
    assert "张三" not in token and decrypt_name(token) == "张三"
    assert encrypt_name("张三") != token  # a fresh nonce every time
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert decrypt_name(tampered) == ""
    assert decrypt_name("") == "" and encrypt_name("") == ""


def test_names_encrypted_in_a_batch_are_fernet_tokens_each_with_its_own_iv() -> None:
    from quality.pseudonyms import encrypt_names

    # Lengths around the AES block (a 15-, 16- and 17-byte name; a CJK character is 3 bytes).
    names = ["", "张三", "A" * 15, "B" * 16, "C" * 17, "欧阳" * 4, "x", "", "王" * 11, "张三"]
    tokens = encrypt_names(names)
    assert [decrypt_name(t) for t in tokens] == names
    assert tokens[0] == tokens[7] == ""
    assert tokens[1] != tokens[9]  # the same name twice: two fresh IVs
    assert all(t.startswith("f1:") for t, n in zip(tokens, names, strict=True) if n)
    assert not any("张三" in t or "王王" in t for t in tokens)
    # A batch token is the same kind of token one at a time gives: same length, tamper-evident.
    assert len(tokens[1]) == len(encrypt_name("张三"))
    # Tampered inside the ciphertext (not in the last base64 character, whose low bits may be
    # padding that decoding ignores): the HMAC refuses it.
    t = tokens[5]
    assert decrypt_name(t[:40] + ("A" if t[40] != "A" else "B") + t[41:]) == ""
    assert encrypt_names([]) == [] and encrypt_names(["", ""]) == ["", ""]
