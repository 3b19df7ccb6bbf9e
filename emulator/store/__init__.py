"""Persistence: every piece of emulator state is a JSON document in one SQLite database (WAL).

A document is addressed by (scope, kind, parent, name): scope keeps accounts and regions apart
("123456789012/us-east-1"), kind is the entity type ("table"), parent the owning entity's key
("catalog\\x1fdatabase") and name its own key. Key parts are joined with KEY_SEP, a character the
model's name patterns exclude, so a parent prefix selects exactly the children of an entity.

Writes go through `transaction()`: one writer at a time (BEGIN IMMEDIATE), committed with fsync
when durable, so an acknowledged write survives a crash. Reads never block in WAL mode.

Listings read in key order a chunk at a time (`iterate`), so a page of a large listing costs about its
own size, not the whole listing's. Kinds whose names are tuples joined with KEY_SEP (partitions: their
values) can be "part-indexed": documents whose part at a position takes given values are found by index
(`iterate(..., parts=...)`) instead of a scan. Values of the first part are ranges of the primary key;
each later part of each name is also a row of `doc_parts`.

A parent's `doc_parts` rows are written from the first lookup that needs them on (the parent is then listed in
`part_indexed_parents`, and every write under it keeps its rows), not with every write: most lookups fix the
first part and need no rows, and the rows of a batch of names land in as many places of the index as the batch
has distinct values: a commit of 100 partitions of 4 keys wrote 114 WAL pages with them, 31 without (issue #19).
A data dir written when every parent of a kind was indexed (`part_indexed_kinds`) keeps its rows: the parents
holding rows are listed as indexed when the store opens it.
"""

from __future__ import annotations

import heapq
import itertools
import sqlite3
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..jsontext import document_text, document_value

KEY_SEP = "\x1f"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    scope  TEXT NOT NULL,
    kind   TEXT NOT NULL,
    parent TEXT NOT NULL,
    name   TEXT NOT NULL,
    body   TEXT NOT NULL,
    PRIMARY KEY (scope, kind, parent, name)
);
CREATE TABLE IF NOT EXISTS doc_parts (
    scope  TEXT NOT NULL,
    kind   TEXT NOT NULL,
    parent TEXT NOT NULL,
    pos    INTEGER NOT NULL,
    value  TEXT NOT NULL,
    name   TEXT NOT NULL,
    PRIMARY KEY (scope, kind, parent, pos, value, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS part_indexed_parents (
    scope  TEXT NOT NULL,
    kind   TEXT NOT NULL,
    parent TEXT NOT NULL,
    PRIMARY KEY (scope, kind, parent)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS docs_by_kind ON docs(kind);
"""
_INSERT_PARTS = "INSERT OR IGNORE INTO doc_parts(scope, kind, parent, pos, value, name) VALUES (?,?,?,?,?,?)"
_PARENT_INDEXED = "SELECT 1 FROM part_indexed_parents WHERE scope=? AND kind=? AND parent=?"
# Rows read per query of a listing: enough that a page rarely needs a second query, small enough that
# a listing stopped early (one page) reads little more than it returns.
_CHUNK = 256
# Most value combinations of leading parts read as name ranges (position 0's values are read so in any case).
_MAX_RANGES = 1024


def key(*parts: str) -> str:
    """Join key parts into one parent key."""
    return KEY_SEP.join(parts)


def _parts(scope: str, kind: str, parent: str, name: str, first: int = 1) -> Iterator[tuple[str, str, str, int, str, str]]:
    """The doc_parts rows of one document's name, from position `first`.

    Position 0 is not indexed: a lookup fixing it reads name ranges (see `Store._part_names`). Deletes pass
    `first=0`, for the rows data dirs written before that hold.
    """
    for pos, value in enumerate(name.split(KEY_SEP)):
        if pos >= first:
            yield scope, kind, parent, pos, value, name


def _prefix_ranges(values: tuple[str, ...]) -> tuple[tuple[str, str], tuple[str, str]]:
    """The [low, high) ranges of the names whose leading parts are `values`: the name made of exactly these
    parts, and those with more parts after them (`v0 SEP v1 SEP ...`).

    Names never hold KEY_SEP inside a part, so the ranges of different value tuples never overlap.
    """
    joined = KEY_SEP.join(values)
    return (joined, joined + "\x00"), (joined + KEY_SEP, joined + chr(ord(KEY_SEP) + 1))


# A parent and everything under it, as one range of the primary key (SQLite reads an OR of the parent and its
# children's range by scope and kind only), then exactly; takes the arguments `_under` gives.
_UNDER = "parent >= ? AND parent < ? AND (parent = ? OR parent >= ?)"


def _under(parent_prefix: str) -> tuple[str, str, str, str]:
    """Arguments of `_UNDER`: the range from the parent to past its children, then the parent and its children."""
    return parent_prefix, parent_prefix + chr(ord(KEY_SEP) + 1), parent_prefix, parent_prefix + KEY_SEP


class Store:
    """Thread-safe document store over SQLite; one connection per thread."""

    def __init__(self, path: Path, durable: bool = True, part_indexed: Collection[str] = ()):
        """`part_indexed`: the kinds whose KEY_SEP-joined name parts are indexed (see the module doc)."""
        self.path = path
        self.durable = durable
        self.part_indexed = frozenset(part_indexed)
        self._local = threading.local()
        self._write_lock = threading.RLock()
        with self.transaction() as conn:
            for statement in _SCHEMA.split(";"):  # executescript would commit the open transaction
                if statement.strip():
                    conn.execute(statement)
            self._adopt_indexed_kinds(conn)

    @staticmethod
    def _adopt_indexed_kinds(conn: sqlite3.Connection) -> None:
        """List as indexed the parents an older layout indexed with every write (`part_indexed_kinds`, whose
        kinds had rows for every name), then drop that table: an older version opening the data dir again
        finds no record of it and indexes every name itself, so no version reads an index missing names."""
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='part_indexed_kinds'").fetchone():
            conn.execute(
                "INSERT OR IGNORE INTO part_indexed_parents(scope, kind, parent) SELECT DISTINCT scope, kind, parent"
                " FROM doc_parts WHERE kind IN (SELECT kind FROM part_indexed_kinds)"
            )
            conn.execute("DROP TABLE part_indexed_kinds")

    # -- connections and transactions -------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA synchronous={'FULL' if self.durable else 'NORMAL'}")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
            self._local.depth = 0
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; nested calls join the outer one. Rolls back on any exception."""
        conn = self._conn()
        if self._local.depth:
            self._local.depth += 1
            try:
                yield conn
            finally:
                self._local.depth -= 1
            return
        with self._write_lock:
            conn.execute("BEGIN IMMEDIATE")
            self._local.depth = 1
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
            finally:
                self._local.depth = 0

    # -- documents ---------------------------------------------------------------------------------

    def get(self, scope: str, kind: str, parent: str, name: str) -> dict[str, Any] | None:
        row = self._conn().execute(
            "SELECT body FROM docs WHERE scope=? AND kind=? AND parent=? AND name=?", (scope, kind, parent, name)
        ).fetchone()
        return document_value(row[0]) if row else None

    def list(
        self, scope: str, kind: str, parent: str, after: str | None = None, limit: int | None = None
    ) -> list[tuple[str, dict[str, Any]]]:
        """Children of one parent as (name, document), ordered by name, optionally after a name."""
        sql = "SELECT name, body FROM docs WHERE scope=? AND kind=? AND parent=?"
        args: list[Any] = [scope, kind, parent]
        if after is not None:
            sql += " AND name > ?"
            args.append(after)
        sql += " ORDER BY name"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return [(name, document_value(body)) for name, body in self._conn().execute(sql, args)]

    def iterate(
        self,
        scope: str,
        kind: str,
        parent: str,
        after: str | None = None,
        parts: Mapping[int, Collection[str]] | None = None,
    ) -> Iterator[tuple[str, str]]:
        """Children of one parent as (name, body as JSON text), by name, after `after`, read lazily.

        `parts` ({position: values}) keeps the names whose part at each position is one of its values (the
        kind must be part-indexed); see `_part_names` for how they are found. Bodies stay text so that a
        caller that filters by name parses only what it keeps. Each chunk is its own query: no statement
        stays open between yields, so the caller may write in between.
        """
        last = "" if after is None else after
        if parts:
            yield from self._bodies(scope, kind, parent, self._part_names(scope, kind, parent, last, parts))
            return
        sql = "SELECT name, body FROM docs WHERE scope=? AND kind=? AND parent=? AND name > ? ORDER BY name LIMIT ?"
        yield from self._rows(sql, [scope, kind, parent], last)

    def _part_names(
        self, scope: str, kind: str, parent: str, after: str, parts: Mapping[int, Collection[str]]
    ) -> Iterator[str]:
        """The names after `after` whose parts take the given values, in name order, read lazily.

        When position 0 is fixed (a partition listing filtered on its first keys, the usual case), each
        combination of the values of the leading fixed positions is a range of names (`v0 SEP v1 SEP ...`)
        read from the primary key, as long as the combinations stay under _MAX_RANGES; otherwise one position's
        values are read from doc_parts (written first when the parent has no rows yet), one ordered stream per
        value merged. Either way only names are read,
        and the other positions are checked on the names.
        """
        if kind not in self.part_indexed:
            raise ValueError(f"kind {kind!r} is not part-indexed")
        if 0 in parts:
            # The longest run of leading positions whose value combinations stay few; at least position 0.
            leading, combinations = 1, len(parts[0])
            while leading in parts and combinations * len(parts[leading]) <= _MAX_RANGES:
                combinations *= len(parts[leading])
                leading += 1
            fixed = [sorted(parts[pos]) for pos in range(leading)]
            checked = {pos: values for pos, values in parts.items() if pos >= leading}
            sql = ("SELECT name FROM docs WHERE scope=? AND kind=? AND parent=? AND name >= ? AND name < ?"
                   " AND name > ? ORDER BY name LIMIT ?")
            ranges = sorted(bounds for values in itertools.product(*fixed) for bounds in _prefix_ranges(values))
            names = itertools.chain.from_iterable(
                self._names(sql, [scope, kind, parent, low, high], after) for low, high in ranges)
        else:
            self._index_parent(scope, kind, parent)
            # The position with the fewest values: one stream per value, each already in name order.
            pos = min(parts, key=lambda at: (len(parts[at]), at))
            checked = {at: values for at, values in parts.items() if at != pos}
            sql = ("SELECT name FROM doc_parts WHERE scope=? AND kind=? AND parent=? AND pos=? AND value=?"
                   " AND name > ? ORDER BY name LIMIT ?")
            names = heapq.merge(*(self._names(sql, [scope, kind, parent, pos, value], after)
                                  for value in sorted(parts[pos])))
        sets = [(pos, frozenset(values)) for pos, values in checked.items()]
        for name in names:
            split = name.split(KEY_SEP)
            if all(pos < len(split) and split[pos] in values for pos, values in sets):
                yield name

    def _index_parent(self, scope: str, kind: str, parent: str) -> None:
        """Write the `doc_parts` rows of a parent's names, unless it is indexed already (see the module doc).

        One pass over the parent's names, rows written in key order (about 1 s for 100,000 partitions of 4 keys).
        """
        if self._conn().execute(_PARENT_INDEXED, (scope, kind, parent)).fetchone():
            return
        with self.transaction() as conn:
            if conn.execute(_PARENT_INDEXED, (scope, kind, parent)).fetchone():  # another thread was first
                return
            names = [name for (name,) in conn.execute(
                "SELECT name FROM docs WHERE scope=? AND kind=? AND parent=?", (scope, kind, parent))]
            conn.executemany(_INSERT_PARTS, sorted(row for name in names for row in _parts(scope, kind, parent, name)))
            conn.execute("INSERT INTO part_indexed_parents(scope, kind, parent) VALUES (?,?,?)", (scope, kind, parent))

    def _names(self, sql: str, args: list[Any], after: str) -> Iterator[str]:
        """The names `sql` selects (see `_rows`)."""
        return (name for (name,) in self._rows(sql, args, after))

    def _rows(self, sql: str, args: list[Any], after: str) -> Iterator[tuple[Any, ...]]:
        """The rows `sql` selects, first column a name (its last two parameters: the name to read after, a row
        limit), chunk by chunk."""
        last = after
        while True:
            rows = self._conn().execute(sql, [*args, last, _CHUNK]).fetchall()
            yield from rows
            if len(rows) < _CHUNK:
                return
            last = rows[-1][0]

    def _bodies(self, scope: str, kind: str, parent: str, names: Iterator[str]) -> Iterator[tuple[str, str]]:
        """(name, body text) of `names` (ascending), a chunk of names per query; names deleted meanwhile are skipped."""
        while chunk := list(itertools.islice(names, _CHUNK)):
            marks = ",".join("?" * len(chunk))
            yield from self._conn().execute(
                f"SELECT name, body FROM docs WHERE scope=? AND kind=? AND parent=? AND name IN ({marks}) ORDER BY name",
                (scope, kind, parent, *chunk),
            ).fetchall()

    def list_by_field(
        self, scope: str, kind: str, parent: str, field: str, after: tuple[Any, str] | None = None
    ) -> Iterator[tuple[str, str]]:
        """Children of one parent as (name, body text), newest first by a numeric top-level field of the
        document (then by name), after the (field value, name) position `after`, read lazily.

        SQLite orders by the field without parsing the bodies in Python, so a page costs its own size
        plus one pass in C over the parent's rows.
        """
        path = f"$.{field}"
        sql = (
            "SELECT name, body, json_extract(body, ?) AS f FROM docs WHERE scope=? AND kind=? AND parent=?"
            " AND (f < ? OR (f = ? AND name > ?)) ORDER BY f DESC, name LIMIT ?"
        )
        value, last = (float("inf"), "") if after is None else after
        while True:
            rows = self._conn().execute(sql, (path, scope, kind, parent, value, value, last, _CHUNK)).fetchall()
            yield from ((name, body) for name, body, _ in rows)
            if len(rows) < _CHUNK:
                return
            _, _, value = rows[-1]
            last = rows[-1][0]

    def get_each(
        self, scope: str, kind: str, parent: str, names: list[str]
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """The documents of `names` that exist, in order, and the names that do not (Batch* reads)."""
        found, missing = [], []
        for name in names:
            doc = self.get(scope, kind, parent, name)
            if doc is None:
                missing.append(name)
            else:
                found.append(doc)
        return found, missing

    def list_under(self, scope: str, kind: str, parent_prefix: str) -> list[tuple[str, str, dict[str, Any]]]:
        """Documents whose parent is `parent_prefix` or lies under it, as (parent, name, document)."""
        rows = self._conn().execute(
            f"SELECT parent, name, body FROM docs WHERE scope=? AND kind=? AND {_UNDER} ORDER BY parent, name",
            (scope, kind, *_under(parent_prefix)),
        )
        return [(parent, name, document_value(body)) for parent, name, body in rows]

    def iterate_under(
        self, scope: str, kind: str, parent_prefix: str, after: tuple[str, str] | None = None
    ) -> Iterator[tuple[str, str, str]]:
        """`list_under` read lazily, as (parent, name, body text), after the (parent, name) position `after`."""
        sql = (
            f"SELECT parent, name, body FROM docs WHERE scope=? AND kind=? AND {_UNDER}"
            " AND (parent > ? OR (parent = ? AND name > ?)) ORDER BY parent, name LIMIT ?"
        )
        last_parent, last_name = after if after is not None else ("", "")
        while True:
            rows = self._conn().execute(
                sql, (scope, kind, *_under(parent_prefix), last_parent, last_parent, last_name, _CHUNK)
            ).fetchall()
            yield from rows
            if len(rows) < _CHUNK:
                return
            last_parent, last_name = rows[-1][0], rows[-1][1]

    def iterate_under_ordered(
        self, scope: str, kind: str, parent_prefix: str, path: str, descending: bool
    ) -> Iterator[tuple[str, str, Any, str]]:
        """`list_under` read lazily as (parent, name, value, body text), ordered by the JSON value at `path`
        (SQLite's json_extract, e.g. "$.UpdateTime"): documents without it last, ties by (parent, name).

        SQLite sorts in C before the first row; only the rows a caller takes are read into Python, so a page
        that stops early parses no more documents than it returns.
        """
        sql = (
            f"SELECT parent, name, json_extract(body, ?) AS value, body FROM docs WHERE scope=? AND kind=? AND {_UNDER}"
            f" ORDER BY value IS NULL, value {'DESC' if descending else 'ASC'}, parent, name"
        )
        yield from self._conn().execute(sql, (path, scope, kind, *_under(parent_prefix)))

    def list_scopes(self, kind: str) -> list[tuple[str, str, str, dict[str, Any]]]:
        """Every document of a kind across all scopes (for background services such as schedulers).

        Read through `docs_by_kind`: the schedulers call this every few seconds, and without the index each
        call scanned every document (a catalog of 100,000 partitions kept an idle server at 10% of a core).
        """
        rows = self._conn().execute("SELECT scope, parent, name, body FROM docs WHERE kind=?", (kind,))
        return [(scope, parent, name, document_value(body)) for scope, parent, name, body in rows]

    def put(self, scope: str, kind: str, parent: str, name: str, doc: dict[str, Any]) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO docs(scope, kind, parent, name, body) VALUES (?,?,?,?,?)",
                (scope, kind, parent, name, document_text(doc)),
            )
            self._index_parts(conn, scope, kind, parent, [name])

    def insert(self, scope: str, kind: str, parent: str, name: str, doc: dict[str, Any]) -> bool:
        """Store a new document; False (and nothing written) when the key is taken."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO docs(scope, kind, parent, name, body) VALUES (?,?,?,?,?)",
                (scope, kind, parent, name, document_text(doc)),
            )
            if cursor.rowcount != 1:
                return False
            self._index_parts(conn, scope, kind, parent, [name])
            return True

    def insert_each(self, scope: str, kind: str, parent: str, docs: Sequence[tuple[str, dict[str, Any]]]) -> list[bool]:
        """Store new documents of one parent, given as (name, document): for each, whether it was stored (False
        when its key was taken, by an existing document or an earlier one of `docs`), as `insert` one by one
        would, in one statement per table (a batch's rows written together cost a third of one at a time)."""
        with self.transaction() as conn:
            taken: set[str] = set()
            names = list(dict.fromkeys(name for name, _ in docs))
            for start in range(0, len(names), _CHUNK):  # SQLite caps a statement's parameters
                chunk = names[start:start + _CHUNK]
                taken.update(name for (name,) in conn.execute(
                    f"SELECT name FROM docs WHERE scope=? AND kind=? AND parent=? AND name IN ({','.join('?' * len(chunk))})",
                    (scope, kind, parent, *chunk)))
            stored = []
            for name, _ in docs:
                stored.append(name not in taken)
                taken.add(name)
            new = [(name, doc) for (name, doc), new in zip(docs, stored) if new]
            conn.executemany(
                "INSERT INTO docs(scope, kind, parent, name, body) VALUES (?,?,?,?,?)",
                [(scope, kind, parent, name, document_text(doc)) for name, doc in new],
            )
            self._index_parts(conn, scope, kind, parent, [name for name, _ in new])
            return stored

    def _index_parts(self, conn: sqlite3.Connection, scope: str, kind: str, parent: str, names: list[str]) -> None:
        """The `doc_parts` rows of new names, when their parent is indexed (see the module doc).

        A name's parts never change while it exists, so a replaced document keeps its rows.
        """
        if kind in self.part_indexed and names and conn.execute(_PARENT_INDEXED, (scope, kind, parent)).fetchone():
            conn.executemany(_INSERT_PARTS, [row for name in names for row in _parts(scope, kind, parent, name)])

    def delete(self, scope: str, kind: str, parent: str, name: str) -> bool:
        with self.transaction() as conn:
            cursor = conn.execute(
                "DELETE FROM docs WHERE scope=? AND kind=? AND parent=? AND name=?", (scope, kind, parent, name)
            )
            if kind in self.part_indexed:
                conn.executemany(
                    "DELETE FROM doc_parts WHERE scope=? AND kind=? AND parent=? AND pos=? AND value=? AND name=?",
                    _parts(scope, kind, parent, name, first=0),
                )
            return cursor.rowcount > 0

    def delete_under(self, scope: str, kind: str, parent_prefix: str) -> int:
        """Delete every document of a kind whose parent is `parent_prefix` or lies under it."""
        with self.transaction() as conn:
            cursor = conn.execute(
                f"DELETE FROM docs WHERE scope=? AND kind=? AND {_UNDER}",
                (scope, kind, *_under(parent_prefix)),
            )
            if kind in self.part_indexed:
                for table in ("doc_parts", "part_indexed_parents"):
                    conn.execute(
                        f"DELETE FROM {table} WHERE scope=? AND kind=? AND {_UNDER}", (scope, kind, *_under(parent_prefix))
                    )
            return cursor.rowcount

    def reset(self) -> None:
        """Wipe all state."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM docs")
            conn.execute("DELETE FROM doc_parts")
            conn.execute("DELETE FROM part_indexed_parents")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
