"""What the store's background reads cost does not grow with unrelated documents.

The schedulers call `Store.list_scopes(kind)` every few seconds; when it scanned every document, a catalog of
100,000 partitions kept an idle server busy (10% of a core). SQLite's progress handler counts the virtual-machine
steps of a read, so the test compares the work of the same read over a small and a large store.
"""

from __future__ import annotations

from pathlib import Path

from emulator.store import KEY_SEP, Store


def _steps(store: Store, read) -> int:
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    conn = store._conn()
    conn.set_progress_handler(count, 10)
    try:
        read()
    finally:
        conn.set_progress_handler(None, 0)
    return steps


def test_listing_a_kind_across_scopes_reads_only_that_kind(tmp_path: Path):
    store = Store(tmp_path / "state.sqlite3", durable=False, part_indexed={"partition"})
    store.put("a/us-east-1", "trigger", "", "nightly", {"Name": "nightly"})
    store.put("b/eu-west-1", "trigger", "", "hourly", {"Name": "hourly"})
    small = _steps(store, lambda: store.list_scopes("trigger"))
    with store.transaction():
        for hour in range(5000):
            store.insert("a/us-east-1", "partition", "c" + KEY_SEP + "db" + KEY_SEP + "t", str(hour), {"Values": [hour]})
    large = _steps(store, lambda: store.list_scopes("trigger"))
    assert sorted(name for _, _, name, _ in store.list_scopes("trigger")) == ["hourly", "nightly"]
    assert large <= small + 5, (small, large)
