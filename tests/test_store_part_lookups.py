"""The store's part lookups (`Store.iterate(..., parts=...)`) against a brute-force filter of every name.

Names are partition values joined with KEY_SEP. The values are chosen to sit next to each other in text order
("1", "10", "1 ", "1\\x00", "") so that a range read from the wrong bound, or a prefix of one value taken for
another, shows; lookups fix leading positions (read as name ranges), inner ones (read from doc_parts) and both,
and every lookup is also read from each position a listing can resume at.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from emulator.store import KEY_SEP, Store

TEXTS = ["", "1", "10", "1 ", "1\x00", "1!", "2", "a", "é"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(Path(tmp_path_factory.mktemp("store")) / "state.db", durable=False, part_indexed={"partition"})
    with store.transaction():
        for values in itertools.product(TEXTS, TEXTS[:5], TEXTS[:4]):
            store.insert("s", "partition", "t", KEY_SEP.join(values), {"Values": list(values)})
        # Another table's partitions with the same values must never be returned.
        store.insert("s", "partition", "other", KEY_SEP.join(["1", "1", "1"]), {"Values": ["1", "1", "1"]})
    return store


def _expected(store: Store, parts: dict[int, list[str]], after: str) -> list[str]:
    names = [name for name, _ in store.iterate("s", "partition", "t")]
    return [n for n in names if n > after and all(n.split(KEY_SEP)[pos] in values for pos, values in parts.items())]


LOOKUPS = [
    {0: ["1"]}, {0: ["1", "10"]}, {0: [""]}, {0: ["1\x00"]}, {0: ["1"], 1: ["10"]},
    {0: ["1"], 1: ["1"], 2: ["1"]}, {0: ["10", "1 "], 1: ["", "1"], 2: ["1", "10"]}, {1: ["1"]}, {2: ["", "10"]},
    {1: ["1", "10"], 2: ["1"]}, {0: ["1"], 2: ["10"]}, {0: []}, {1: []}, {0: ["missing"]}, {0: ["é"], 1: ["1\x00"]},
]


@pytest.mark.parametrize("parts", LOOKUPS, ids=[repr(p) for p in LOOKUPS])
def test_a_lookup_returns_what_a_scan_of_every_name_selects(store: Store, parts: dict[int, list[str]]):
    expected = _expected(store, parts, "")
    found = list(store.iterate("s", "partition", "t", parts=parts))
    assert [name for name, _ in found] == expected
    assert all(body.startswith('{"Values"') for _, body in found)
    # Resumed from any name (a NextToken), the lookup goes on exactly where the scan would.
    names = [name for name, _ in store.iterate("s", "partition", "t")]
    for after in random.Random(7).sample(names, 12):
        assert [n for n, _ in store.iterate("s", "partition", "t", after=after, parts=parts)] == \
            _expected(store, parts, after)


@pytest.mark.parametrize("parts", [{0: ["1", "10", "2"], 1: ["1"]}, {0: ["1"], 1: ["1", "10", ""], 2: ["10"]}])
def test_past_the_cap_on_ranges_later_positions_are_checked_on_the_names(
        store: Store, monkeypatch: pytest.MonkeyPatch, parts: dict[int, list[str]]):
    import emulator.store as module

    monkeypatch.setattr(module, "_MAX_RANGES", 2)
    assert [n for n, _ in store.iterate("s", "partition", "t", parts=parts)] == _expected(store, parts, "")


def test_the_first_position_is_never_written_to_the_index(store: Store):
    # Position 0 is read as ranges of the primary key: its rows would only cost writes.
    list(store.iterate("s", "partition", "t", parts={1: ["1"]}))  # the first lookup needing rows writes them
    positions = {pos for (pos,) in store._conn().execute("SELECT DISTINCT pos FROM doc_parts")}
    assert positions == {1, 2}


def test_a_kind_without_the_index_is_refused(store: Store):
    with pytest.raises(ValueError, match="not part-indexed"):
        list(store.iterate("s", "table", "t", parts={0: ["1"]}))
