"""The store's batch insert (`Store.insert_each`) and its part index written on demand.

`insert_each` must answer as `insert` called once per document would; the `doc_parts` rows of a parent are
written by its first lookup that needs them and kept by every write after it, so a lookup always agrees with a
scan of every name, whatever order writes and lookups come in.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from pathlib import Path

import pytest

from emulator.store import KEY_SEP, Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "state.sqlite3", durable=False, part_indexed={"partition"})
    yield store
    store.close()


def _name(*values: str) -> str:
    return KEY_SEP.join(values)


def _rows(store: Store, parent: str) -> int:
    return store._conn().execute("SELECT COUNT(*) FROM doc_parts WHERE parent=?", (parent,)).fetchone()[0]


def _scan(store: Store, parent: str, pos: int, value: str) -> list[str]:
    return [name for name, _ in store.iterate("s", "partition", parent) if name.split(KEY_SEP)[pos] == value]


def _lookup(store: Store, parent: str, pos: int, value: str) -> list[str]:
    return [name for name, _ in store.iterate("s", "partition", parent, parts={pos: [value]})]


def test_insert_each_answers_as_insert_one_by_one(tmp_path: Path, store: Store):
    one_by_one = Store(tmp_path / "other.sqlite3", durable=False, part_indexed={"partition"})
    existing = [(_name("1", "a"), {"n": 0})]
    batch = [(_name("2", "a"), {"n": 1}), (_name("1", "a"), {"n": 2}), (_name("3", "b"), {"n": 3}),
             (_name("2", "a"), {"n": 4}), (_name("4", "b"), {"n": 5}), (_name("3", "b"), {"n": 6})]
    for target in (store, one_by_one):
        target.insert("s", "partition", "t", *existing[0])
    stored = store.insert_each("s", "partition", "t", batch)
    expected = [one_by_one.insert("s", "partition", "t", name, doc) for name, doc in batch]
    assert stored == expected == [True, False, True, False, True, False]
    assert list(store.iterate("s", "partition", "t")) == list(one_by_one.iterate("s", "partition", "t"))
    assert store.get("s", "partition", "t", _name("2", "a")) == {"n": 1}  # the first of a repeated name wins
    one_by_one.close()


def test_insert_each_reads_more_names_than_one_statement_takes(store: Store):
    # SQLite caps a statement's parameters (32,766 since 3.32, 999 before): taken names are read in chunks.
    names = [_name(str(i), "x") for i in range(1500)]
    store.insert_each("s", "partition", "t", [(name, {}) for name in names[::3]])
    stored = store.insert_each("s", "partition", "t", [(name, {"i": i}) for i, name in enumerate(names)])
    assert stored == [i % 3 != 0 for i in range(1500)]
    assert len(list(store.iterate("s", "partition", "t"))) == 1500


def test_insert_each_writes_nothing_when_the_transaction_fails(store: Store):
    with pytest.raises(RuntimeError), store.transaction():
        store.insert_each("s", "partition", "t", [(_name("1", "a"), {})])
        raise RuntimeError("the request failed")
    assert list(store.iterate("s", "partition", "t")) == []


def test_a_parent_gets_index_rows_from_its_first_lookup_on_a_later_part(store: Store):
    store.insert_each("s", "partition", "t", [(_name(y, m), {}) for y, m in itertools.product("12", "ab")])
    assert _rows(store, "t") == 0  # no lookup has needed them yet
    assert _lookup(store, "t", 0, "1") == _scan(store, "t", 0, "1")  # the first part is read as ranges
    assert _rows(store, "t") == 0
    assert _lookup(store, "t", 1, "a") == _scan(store, "t", 1, "a") == [_name("1", "a"), _name("2", "a")]
    assert _rows(store, "t") == 4
    # From then on every write keeps the rows, whichever way it stores.
    store.insert_each("s", "partition", "t", [(_name("3", "a"), {}), (_name("3", "c"), {})])
    store.insert("s", "partition", "t", _name("4", "a"), {})
    store.put("s", "partition", "t", _name("5", "c"), {})
    store.delete("s", "partition", "t", _name("1", "a"))
    for value in "abc":
        assert _lookup(store, "t", 1, value) == _scan(store, "t", 1, value), value
    assert _rows(store, "t") == 7


def test_index_rows_are_per_parent(store: Store):
    for parent in ("t", "u"):
        store.insert_each("s", "partition", parent, [(_name("1", "a"), {}), (_name("2", "b"), {})])
    assert _lookup(store, "t", 1, "b") == [_name("2", "b")]
    assert (_rows(store, "t"), _rows(store, "u")) == (2, 0)
    store.insert("s", "partition", "u", _name("3", "b"), {})  # u is not indexed: no rows written
    assert _rows(store, "u") == 0
    assert _lookup(store, "u", 1, "b") == [_name("2", "b"), _name("3", "b")]


def test_a_parent_deleted_and_made_again_is_indexed_afresh(store: Store):
    parent = _name("cat", "db", "t")
    store.insert_each("s", "partition", parent, [(_name("1", "a"), {})])
    assert _lookup(store, parent, 1, "a") == [_name("1", "a")]
    store.delete_under("s", "partition", _name("cat", "db"))
    assert store._conn().execute("SELECT COUNT(*) FROM part_indexed_parents").fetchone() == (0,)
    store.insert_each("s", "partition", parent, [(_name("2", "a"), {})])
    assert _lookup(store, parent, 1, "a") == [_name("2", "a")]


def test_a_data_dir_indexed_on_every_write_keeps_its_rows(tmp_path: Path):
    """The layout before the index was written on demand: every name of a part-indexed kind had rows, and
    `part_indexed_kinds` listed the kind. Its rows are adopted, not written again, and the table goes."""
    path = tmp_path / "state.sqlite3"
    old = sqlite3.connect(path)
    old.executescript("""
        CREATE TABLE docs (scope TEXT NOT NULL, kind TEXT NOT NULL, parent TEXT NOT NULL, name TEXT NOT NULL,
                           body TEXT NOT NULL, PRIMARY KEY (scope, kind, parent, name));
        CREATE TABLE doc_parts (scope TEXT NOT NULL, kind TEXT NOT NULL, parent TEXT NOT NULL, pos INTEGER NOT NULL,
                                value TEXT NOT NULL, name TEXT NOT NULL,
                                PRIMARY KEY (scope, kind, parent, pos, value, name)) WITHOUT ROWID;
        CREATE TABLE part_indexed_kinds (kind TEXT PRIMARY KEY);
        INSERT INTO part_indexed_kinds VALUES ('partition');
    """)
    for values in (["2024", "01"], ["2024", "02"], ["2025", "01"]):
        name = _name(*values)
        old.execute("INSERT INTO docs VALUES (?,?,?,?,?)", ("s", "partition", "t", name, json.dumps({"Values": values})))
        old.execute("INSERT INTO doc_parts VALUES (?,?,?,?,?,?)", ("s", "partition", "t", 1, values[1], name))
    old.commit()
    old.close()
    store = Store(path, durable=False, part_indexed=("partition",))
    try:
        tables = {name for (name,) in store._conn().execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "part_indexed_kinds" not in tables
        assert store._conn().execute("SELECT * FROM part_indexed_parents").fetchall() == [("s", "partition", "t")]
        assert _lookup(store, "t", 1, "01") == [_name("2024", "01"), _name("2025", "01")]
        store.insert("s", "partition", "t", _name("2026", "01"), {"Values": ["2026", "01"]})
        assert _lookup(store, "t", 1, "01") == [_name("2024", "01"), _name("2025", "01"), _name("2026", "01")]
    finally:
        store.close()
