"""The visited set (explore/visited.py) and the state codec (explore/partition.py): insertion in
batches, growth, memory per state, lookup by parent link, collision estimates, fingerprints that
agree between processes."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from gcverify.explore.partition import Codec
from gcverify.explore.visited import (
    GROW_LOAD,
    MAX_LOAD,
    VisitedTable,
    collision_probability,
    fingerprint,
    fingerprints,
    prefixes,
)


def random_keys(n: int, seed: int = 0) -> np.ndarray:
    keys = np.random.default_rng(seed).integers(1, 2**64, size=n, dtype=np.uint64)
    _, first = np.unique(keys, return_index=True)
    return keys[np.sort(first)]


def test_add_inserts_new_keys_once_and_reports_which() -> None:
    table = VisitedTable()
    keys = random_keys(1000)
    assert table.add(keys, prefixes(keys)).all()
    assert table.count == 1000
    again = np.concatenate([keys[:300], random_keys(200, seed=1)])
    inserted = table.add(again, prefixes(again))
    assert not inserted[:300].any() and inserted[300:].all()
    assert table.count == 1200
    assert table.contains(again).all()
    assert not table.contains(random_keys(1000, seed=2)).any()


def test_limit_inserts_the_first_new_keys_in_batch_order() -> None:
    table = VisitedTable()
    keys = random_keys(100)
    table.add(keys[:10], prefixes(keys[:10]))
    inserted = table.add(keys, prefixes(keys), limit=5)
    assert list(np.flatnonzero(inserted)) == [10, 11, 12, 13, 14]
    assert table.count == 15


def test_growth_keeps_every_key_and_its_link() -> None:
    table = VisitedTable(capacity=64)
    keys = random_keys(50_000, seed=3)
    links = np.arange(len(keys), dtype=np.uint32)
    for lo in range(0, len(keys), 7_000):
        table.add(keys[lo : lo + 7_000], links[lo : lo + 7_000])
    assert table.count == len(keys)
    assert table.contains(keys).all()
    assert GROW_LOAD * 0.99 <= table.count / table.capacity <= MAX_LOAD
    for i in (0, 12_345, 49_999):
        key = int(keys[i])
        assert table.links_for({key >> 32})[key] == i


def test_a_stored_state_costs_at_most_16_bytes() -> None:
    table = VisitedTable()
    keys = random_keys(300_000, seed=4)
    for lo in range(0, len(keys), 10_000):
        table.add(keys[lo : lo + 10_000], prefixes(keys[lo : lo + 10_000]))
    assert 12 / MAX_LOAD <= table.bytes_per_state <= 16.0
    assert table.bytes_per_state == table.nbytes / table.count


def test_links_for_returns_every_key_that_shares_a_prefix() -> None:
    table = VisitedTable()
    prefix = 0x12345678
    same = np.array([(prefix << 32) | low for low in (1, 2, 3)], dtype=np.uint64)
    other = random_keys(500, seed=5)
    keys = np.concatenate([other[:250], same, other[250:]])
    links = np.arange(len(keys), dtype=np.uint32)
    table.add(keys, links)
    assert table.links_for({prefix}) == {int(k): 250 + i for i, k in enumerate(same)}
    assert table.links_for({0xFFFFFFFF} - {int(k) >> 32 for k in keys}) == {}


def test_collision_estimates() -> None:
    assert collision_probability(1000, 1000) == 0.0
    assert collision_probability(10**6, 5 * 10**6) == pytest.approx(4e12 / 2**64)
    table = VisitedTable()
    keys = np.array([100, 1000, 1003, 5000], dtype=np.uint64)
    table.add(keys, prefixes(keys))
    assert table.least_gap() == 3
    assert VisitedTable().least_gap() is None


def test_fingerprints_agree_one_at_a_time_and_in_batches() -> None:
    states = [(0, 1, 2), (2, 1, 0), (), (255,) * 40, (-1, 7)]
    assert fingerprints(states).tolist() == [fingerprint(s) for s in states]
    assert len(set(fingerprints(states).tolist())) == len(states)
    assert all(k != 0 for k in fingerprints(states).tolist())


def test_fingerprints_are_the_same_in_another_process() -> None:
    state = (3, 1, 4, 1, 5, 9, 2, 6)
    code = f"from gcverify.explore.visited import fingerprint; print(fingerprint({state!r}))"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert int(out.stdout) == fingerprint(state)


@pytest.mark.parametrize(
    ("lo", "hi", "code", "record"), [(0, 3, "B", 5), (-1, 2, "b", 5), (0, 300, "H", 10), (-70_000, 5, "i", 20)]
)
def test_codec_packs_states_into_the_narrowest_records(lo: int, hi: int, code: str, record: int) -> None:
    codec = Codec(5, lo, hi)
    assert (codec.code, codec.record) == (code, record)
    states = [(lo, hi, 0, lo, hi), (hi, hi, hi, lo, 0)]
    packed = codec.pack(states)
    assert packed.shape == (2, record)
    assert codec.unpack(packed) == states
    assert codec.unpack(packed[1:]) == states[1:]


@pytest.mark.parametrize("prefix_bits", [32, 6, 0])
def test_crowded_homes_agree_with_a_set(prefix_bits: int) -> None:
    """Keys whose prefixes take few values crowd a few home slots (and run past the end of the
    table): membership and links still agree with a plain set, through growth."""
    rng = np.random.default_rng(prefix_bits)
    table, stored = VisitedTable(capacity=64), set()
    for _ in range(30):
        high = rng.integers(0, 1 << prefix_bits, size=300, dtype=np.uint64) << np.uint64(32)
        keys = high | rng.integers(1, 1 << 32, size=300, dtype=np.uint64)
        _, first = np.unique(keys, return_index=True)
        keys = keys[np.sort(first)]
        inserted = table.add(keys, prefixes(keys))
        assert inserted.tolist() == [k not in stored for k in keys.tolist()]
        stored.update(keys.tolist())
    assert table.count == len(stored)
    assert table.contains(np.array(sorted(stored), dtype=np.uint64)).all()
    some = sorted(stored)[::97]
    found = table.links_for({k >> 32 for k in some})
    assert all(found[k] == k >> 32 for k in some)
