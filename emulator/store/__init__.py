"""Persistence: every piece of emulator state is a JSON document in one SQLite database (WAL).

A document is addressed by (scope, kind, parent, name): scope keeps accounts and regions apart
("123456789012/us-east-1"), kind is the entity type ("table"), parent the owning entity's key
("catalog\\x1fdatabase") and name its own key. Key parts are joined with KEY_SEP, a character the
model's name patterns exclude, so a parent prefix selects exactly the children of an entity.

Writes go through `transaction()`: one writer at a time (BEGIN IMMEDIATE), committed with fsync
when durable, so an acknowledged write survives a crash. Reads never block in WAL mode.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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
"""


def key(*parts: str) -> str:
    """Join key parts into one parent key."""
    return KEY_SEP.join(parts)


class Store:
    """Thread-safe document store over SQLite; one connection per thread."""

    def __init__(self, path: Path, durable: bool = True):
        self.path = path
        self.durable = durable
        self._local = threading.local()
        self._write_lock = threading.RLock()
        with self.transaction() as conn:
            conn.execute(_SCHEMA)

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
        return json.loads(row[0]) if row else None

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
        return [(name, json.loads(body)) for name, body in self._conn().execute(sql, args)]

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
            "SELECT parent, name, body FROM docs WHERE scope=? AND kind=? AND (parent=? OR "
            "(parent >= ? AND parent < ?)) ORDER BY parent, name",
            (scope, kind, parent_prefix, parent_prefix + KEY_SEP, parent_prefix + chr(ord(KEY_SEP) + 1)),
        )
        return [(parent, name, json.loads(body)) for parent, name, body in rows]

    def list_scopes(self, kind: str) -> list[tuple[str, str, str, dict[str, Any]]]:
        """Every document of a kind across all scopes (for background services such as schedulers)."""
        rows = self._conn().execute("SELECT scope, parent, name, body FROM docs WHERE kind=?", (kind,))
        return [(scope, parent, name, json.loads(body)) for scope, parent, name, body in rows]

    def put(self, scope: str, kind: str, parent: str, name: str, doc: dict[str, Any]) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO docs(scope, kind, parent, name, body) VALUES (?,?,?,?,?)",
                (scope, kind, parent, name, json.dumps(doc, separators=(",", ":"))),
            )

    def insert(self, scope: str, kind: str, parent: str, name: str, doc: dict[str, Any]) -> bool:
        """Store a new document; False (and nothing written) when the key is taken."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO docs(scope, kind, parent, name, body) VALUES (?,?,?,?,?)",
                (scope, kind, parent, name, json.dumps(doc, separators=(",", ":"))),
            )
            return cursor.rowcount == 1

    def delete(self, scope: str, kind: str, parent: str, name: str) -> bool:
        with self.transaction() as conn:
            cursor = conn.execute(
                "DELETE FROM docs WHERE scope=? AND kind=? AND parent=? AND name=?", (scope, kind, parent, name)
            )
            return cursor.rowcount > 0

    def delete_under(self, scope: str, kind: str, parent_prefix: str) -> int:
        """Delete every document of a kind whose parent is `parent_prefix` or lies under it."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "DELETE FROM docs WHERE scope=? AND kind=? AND (parent=? OR (parent >= ? AND parent < ?))",
                (scope, kind, parent_prefix, parent_prefix + KEY_SEP, parent_prefix + chr(ord(KEY_SEP) + 1)),
            )
            return cursor.rowcount

    def reset(self) -> None:
        """Wipe all state."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM docs")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
