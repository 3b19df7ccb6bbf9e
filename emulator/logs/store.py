"""Where log groups, streams and events live, and how job runs' output files become log events.

Events go to their own SQLite database (logs.sqlite3) rather than the document store: there can be
millions of them, they are read in timestamp order by stream or by group, and a busy run must not
hold the catalog's write lock. Events are ordered by (timestamp, id); that pair is also what the
paging tokens carry.

A run's stdout/stderr files are *followed*: `follow()` registers a file, `sync()` turns its complete
lines into events (called about once a second while runs are active, and before any read so a
run in progress shows its output so far), `finish()` takes the rest when the run ends. How far a
file was read is stored with the events it produced, so a restarted server finishes the files a
dead process left behind without duplicating lines. A file is read in steps of _SYNC_STEP_BYTES, so a
run printing gigabytes is ingested in bounded memory.

What is kept (issue #11), decisions:
- A group's retention (PutRetentionPolicy) hides its events older than `retentionInDays` (by event
  timestamp) at once, from every read and from storedBytes, as CloudWatch marks them for deletion;
  they are deleted from disk shortly after (a background sweep after PutRetentionPolicy, at start,
  and while events arrive), where CloudWatch takes up to 72 hours.
- All groups together keep at most `Settings.logs_max_bytes` of messages (GLUE_EMULATOR_LOGS_MAX_BYTES,
  256 MiB by default, 0 for no cap): past it the oldest ingested events are dropped first, down to 90%
  of the cap, and the server log says how many. CloudWatch has no such cap; a local disk does.
  SQLite reuses the freed pages, so the file stops growing rather than shrinking; with its indexes it
  takes up to about 5 times the messages' bytes for short lines (100-byte lines: 954 MB for 188 MB).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..clock import now
from ..store import Store

if TYPE_CHECKING:
    from ..core import Emulator

log = logging.getLogger("glue_emulator.logs")

# CloudWatch's historical event size limit; longer lines are split into several events.
MAX_EVENT_BYTES = 256 * 1024
# How much of a followed file one sync step reads (a run printing megabytes is taken in steps).
_SYNC_STEP_BYTES = 1024 * 1024
_DAY_MS = 24 * 3600 * 1000
# Events are dropped over the cap down to this share of it, so a busy stream does not sweep at every step.
_CAP_LOW_WATER = 0.9
# At most this often (seconds) does ingestion look for expired events (reads hide them meanwhile).
_SWEEP_EVERY_SECONDS = 60.0
# Rows looked at per step while dropping the oldest events.
_DROP_STEP = 20000

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS log_groups (
        scope TEXT NOT NULL, name TEXT NOT NULL, created INTEGER NOT NULL, retention INTEGER,
        class TEXT NOT NULL, kms TEXT, PRIMARY KEY (scope, name))""",
    """CREATE TABLE IF NOT EXISTS log_streams (
        scope TEXT NOT NULL, grp TEXT NOT NULL, name TEXT NOT NULL, created INTEGER NOT NULL,
        first_ts INTEGER, last_ts INTEGER, last_ingest INTEGER, bytes INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (scope, grp, name))""",
    """CREATE TABLE IF NOT EXISTS log_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT, scope TEXT NOT NULL, grp TEXT NOT NULL,
        stream TEXT NOT NULL, ts INTEGER NOT NULL, ingested INTEGER NOT NULL, message TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS log_events_by_stream ON log_events (scope, grp, stream, ts, id)",
    "CREATE INDEX IF NOT EXISTS log_events_by_group ON log_events (scope, grp, ts, id)",
    """CREATE TABLE IF NOT EXISTS log_tails (
        path TEXT PRIMARY KEY, scope TEXT NOT NULL, grp TEXT NOT NULL, stream TEXT NOT NULL,
        offset INTEGER NOT NULL)""",
)
_TABLES = ("log_groups", "log_streams", "log_events", "log_tails")

Position = tuple[int, int]  # (timestamp, id) of an event: the order events are read in
START: Position = (0, 0)  # before every event


def now_ms() -> int:
    return int(now() * 1000)


@dataclass
class Event:
    id: int
    stream: str
    timestamp: int
    ingestion_time: int
    message: str

    @property
    def position(self) -> Position:
        return (self.timestamp, self.id)


@dataclass
class _Tail:
    path: str
    scope: str
    group: str
    stream: str
    offset: int


class _LogDatabase(Store):
    """The document store's connection handling over a database of log tables."""

    def __init__(self, path: Path, durable: bool):
        super().__init__(path, durable)
        with self.transaction() as conn:
            for statement in _SCHEMA:
                conn.execute(statement)

    def read(self, sql: str, args: tuple[Any, ...] | list[Any] = ()) -> list[sqlite3.Row]:
        conn = self._conn()
        conn.row_factory = sqlite3.Row
        return conn.execute(sql, args).fetchall()

    def reset(self) -> None:
        with self.transaction() as conn:
            for table in _TABLES:
                conn.execute(f"DELETE FROM {table}")


def split_message(line: str) -> Iterator[str]:
    """A line as events: CloudWatch refuses events over its size limit, so long lines are cut."""
    data = line.encode("utf-8")
    if len(data) <= MAX_EVENT_BYTES:
        yield line
        return
    for start in range(0, len(data), MAX_EVENT_BYTES):
        yield data[start : start + MAX_EVENT_BYTES].decode("utf-8", errors="ignore")


class LogStore:
    """The logs of one server (a component): groups, streams, events, and followed files."""

    def __init__(self, emulator: Emulator):
        self.db = _LogDatabase(emulator.settings.data_dir / "logs.sqlite3", emulator.settings.durable)
        self.max_bytes = emulator.settings.logs_max_bytes
        self._tails: dict[str, _Tail] = {}
        self._tails_lock = threading.Lock()
        self._sweep_lock = threading.Lock()  # one sweep at a time
        self._sweep_state = threading.Lock()  # guards the two flags below
        self._sweep_wanted = False  # another sweep is due (events arrived during the current one)
        self._sweeping = False  # a sweep thread is running
        self._last_sweep = 0.0
        self._finish_leftover_tails()
        self.sweep_soon()

    # -- groups -----------------------------------------------------------------------------------

    def create_group(self, scope: str, name: str, log_class: str = "STANDARD", kms: str | None = None) -> bool:
        """Create a group; False when it exists."""
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO log_groups(scope, name, created, class, kms) VALUES (?,?,?,?,?)",
                (scope, name, now_ms(), log_class, kms),
            )
            return cursor.rowcount == 1

    def groups(self, scope: str, prefix: str | None = None, name: str | None = None) -> list[dict[str, Any]]:
        """Groups in name order with their stored bytes, optionally by name prefix or exact name."""
        sql = (
            "SELECT g.*, (SELECT COALESCE(SUM(bytes), 0) FROM log_streams s WHERE s.scope = g.scope AND "
            "s.grp = g.name) AS stored FROM log_groups g WHERE g.scope = ?"
        )
        args: list[Any] = [scope]
        if name is not None:
            sql += " AND g.name = ?"
            args.append(name)
        if prefix:
            sql += " AND substr(g.name, 1, ?) = ?"
            args += [len(prefix), prefix]
        return [dict(row) for row in self.db.read(sql + " ORDER BY g.name", args)]

    def group(self, scope: str, name: str) -> dict[str, Any] | None:
        found = self.groups(scope, name=name)
        return found[0] if found else None

    def set_retention(self, scope: str, name: str, days: int | None) -> bool:
        """Set (or with None remove) a group's retention; expired events are hidden now, deleted soon."""
        with self.db.transaction() as conn:
            cursor = conn.execute("UPDATE log_groups SET retention=? WHERE scope=? AND name=?", (days, scope, name))
            changed = cursor.rowcount == 1
        if changed and days is not None:
            self.sweep_soon()
        return changed

    def cutoff(self, scope: str, group: str) -> int | None:
        """The timestamp (ms) before which a group's events have expired, when it has a retention."""
        rows = self.db.read("SELECT retention FROM log_groups WHERE scope=? AND name=?", (scope, group))
        days = rows[0]["retention"] if rows else None
        return None if days is None else now_ms() - days * _DAY_MS

    # -- retention and the total cap --------------------------------------------------------------

    def sweep_soon(self) -> None:
        """Delete expired events and enforce the cap in the background: one sweep thread at a time, which
        sweeps again when more was asked for meanwhile (events that arrived during its sweep)."""
        with self._sweep_state:
            self._sweep_wanted = True
            if self._sweeping:
                return
            self._sweeping = True
        threading.Thread(target=self._sweep_while_wanted, name="logs-sweep", daemon=True).start()

    def _sweep_while_wanted(self) -> None:
        while True:
            with self._sweep_state:
                if not self._sweep_wanted:
                    self._sweeping = False
                    return
                self._sweep_wanted = False
            self.sweep()

    def sweep(self) -> None:
        """Delete every group's expired events, then drop the oldest events over the total cap."""
        with self._sweep_lock:
            self._last_sweep = time.monotonic()
            try:
                self._delete_expired()
                self._enforce_cap()
            except sqlite3.Error:  # a busy or full disk: the next sweep tries again; reads hide expired events
                log.exception("cannot sweep expired log events")

    def _delete_expired(self) -> None:
        groups = self.db.read("SELECT scope, name, retention FROM log_groups WHERE retention IS NOT NULL")
        for row in groups:
            cutoff = now_ms() - row["retention"] * _DAY_MS
            with self.db.transaction() as conn:
                gone = conn.execute(
                    "SELECT stream, SUM(length(CAST(message AS BLOB))) AS size FROM log_events "
                    "WHERE scope=? AND grp=? AND ts < ? GROUP BY stream",
                    (row["scope"], row["name"], cutoff),
                ).fetchall()
                if not gone:
                    continue
                conn.execute(
                    "DELETE FROM log_events WHERE scope=? AND grp=? AND ts < ?", (row["scope"], row["name"], cutoff)
                )
                self._shrink_streams(conn, [(row["scope"], row["name"], stream, size) for stream, size in gone])

    def _enforce_cap(self) -> None:
        if self.max_bytes <= 0:
            return
        total = self.db.read("SELECT COALESCE(SUM(bytes), 0) AS total FROM log_streams")[0]["total"]
        if total <= self.max_bytes:
            return
        target = int(self.max_bytes * _CAP_LOW_WATER)
        dropped = freed = 0
        while total - freed > target:
            # The newest of the oldest events whose messages add up to what must go (at most a step of them).
            rows = self.db.read(
                "SELECT id, running FROM (SELECT id, SUM(length(CAST(message AS BLOB))) OVER (ORDER BY id) AS running "
                "FROM log_events ORDER BY id LIMIT ?) WHERE running >= ? ORDER BY id LIMIT 1",
                (_DROP_STEP, total - freed - target),
            )
            if not rows:  # a whole step is not enough: take all of it
                rows = self.db.read("SELECT MAX(id) AS id FROM (SELECT id FROM log_events ORDER BY id LIMIT ?)",
                                    (_DROP_STEP,))
            last = rows[0]["id"]
            if last is None:  # no events left
                break
            with self.db.transaction() as conn:
                gone = conn.execute(
                    "SELECT scope, grp, stream, SUM(length(CAST(message AS BLOB))), COUNT(*) FROM log_events "
                    "WHERE id <= ? GROUP BY scope, grp, stream", (last,),
                ).fetchall()
                conn.execute("DELETE FROM log_events WHERE id <= ?", (last,))
                self._shrink_streams(conn, [(scope, grp, stream, size) for scope, grp, stream, size, _ in gone])
            freed += sum(size for *_, size, _ in gone)
            dropped += sum(count for *_, count in gone)
        log.warning(
            "logs: %d bytes stored exceed GLUE_EMULATOR_LOGS_MAX_BYTES=%d; dropped the %d oldest events (%d bytes)",
            total, self.max_bytes, dropped, freed,
        )

    @staticmethod
    def _shrink_streams(conn: sqlite3.Connection, gone: list[tuple[str, str, str, int]]) -> None:
        """Account for deleted events: stored bytes down, first timestamp moved to the oldest left."""
        for scope, group, stream, size in gone:
            conn.execute(
                "UPDATE log_streams SET bytes = MAX(0, bytes - ?), first_ts = (SELECT MIN(ts) FROM log_events "
                "WHERE scope=? AND grp=? AND stream=?) WHERE scope=? AND grp=? AND name=?",
                (size, scope, group, stream, scope, group, stream),
            )

    def _after_ingest(self) -> None:
        """Keep within the cap as events arrive, and sweep expired events now and then."""
        due = time.monotonic() - self._last_sweep >= _SWEEP_EVERY_SECONDS
        if due or (self.max_bytes > 0 and self._total_bytes() > self.max_bytes):
            self.sweep_soon()

    def _total_bytes(self) -> int:
        return self.db.read("SELECT COALESCE(SUM(bytes), 0) AS total FROM log_streams")[0]["total"]

    def delete_group(self, scope: str, name: str) -> bool:
        """Delete a group with its streams and events."""
        with self.db.transaction() as conn:
            if conn.execute("DELETE FROM log_groups WHERE scope=? AND name=?", (scope, name)).rowcount == 0:
                return False
            conn.execute("DELETE FROM log_streams WHERE scope=? AND grp=?", (scope, name))
            conn.execute("DELETE FROM log_events WHERE scope=? AND grp=?", (scope, name))
            return True

    # -- streams ----------------------------------------------------------------------------------

    def create_stream(self, scope: str, group: str, name: str) -> bool:
        """Create a stream in an existing group; False when it exists."""
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO log_streams(scope, grp, name, created) VALUES (?,?,?,?)",
                (scope, group, name, now_ms()),
            )
            return cursor.rowcount == 1

    def streams(
        self, scope: str, group: str, prefix: str | None = None, names: list[str] | None = None
    ) -> list[dict[str, Any]]:
        sql = "SELECT * FROM log_streams WHERE scope=? AND grp=?"
        args: list[Any] = [scope, group]
        if prefix:
            sql += " AND substr(name, 1, ?) = ?"
            args += [len(prefix), prefix]
        if names is not None:
            sql += f" AND name IN ({','.join('?' * len(names))})"
            args += names
        return [dict(row) for row in self.db.read(sql + " ORDER BY name", args)]

    def stream(self, scope: str, group: str, name: str) -> dict[str, Any] | None:
        found = self.streams(scope, group, names=[name])
        return found[0] if found else None

    def delete_stream(self, scope: str, group: str, name: str) -> bool:
        with self.db.transaction() as conn:
            args = (scope, group, name)
            if conn.execute("DELETE FROM log_streams WHERE scope=? AND grp=? AND name=?", args).rowcount == 0:
                return False
            conn.execute("DELETE FROM log_events WHERE scope=? AND grp=? AND stream=?", args)
            return True

    # -- events -----------------------------------------------------------------------------------

    def append(self, scope: str, group: str, stream: str, events: list[tuple[int, str]], keep: bool = True) -> None:
        """Add (timestamp ms, message) events to a stream, creating group and stream if needed.

        With `keep` (the default) retention and the cap are looked after once the events are committed;
        a caller appending inside its own transaction passes False and calls `_after_ingest()` after it.
        """
        if not events:
            return
        ingested = now_ms()
        size = sum(len(message.encode("utf-8")) for _, message in events)
        first, last = min(ts for ts, _ in events), max(ts for ts, _ in events)
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO log_groups(scope, name, created, class) VALUES (?,?,?,'STANDARD')",
                (scope, group, ingested),
            )
            conn.execute(
                "INSERT OR IGNORE INTO log_streams(scope, grp, name, created) VALUES (?,?,?,?)",
                (scope, group, stream, ingested),
            )
            conn.executemany(
                "INSERT INTO log_events(scope, grp, stream, ts, ingested, message) VALUES (?,?,?,?,?,?)",
                [(scope, group, stream, ts, ingested, message) for ts, message in events],
            )
            conn.execute(
                "UPDATE log_streams SET first_ts = MIN(COALESCE(first_ts, ?), ?), "
                "last_ts = MAX(COALESCE(last_ts, ?), ?), last_ingest = ?, bytes = bytes + ? "
                "WHERE scope=? AND grp=? AND name=?",
                (first, first, last, last, ingested, size, scope, group, stream),
            )
        if keep:
            self._after_ingest()

    def events(
        self,
        scope: str,
        group: str,
        *,
        streams: list[str] | None = None,
        stream_prefix: str | None = None,
        start: int | None = None,
        end: int | None = None,
        after: Position | None = None,
        before: Position | None = None,
        limit: int = 1000,
        newest_first: bool = False,
    ) -> list[Event]:
        """Events of a group (or some of its streams) in (timestamp, id) order, within bounds.

        `start` is inclusive and `end` exclusive, as CloudWatch's startTime/endTime are.
        """
        sql = "SELECT id, stream, ts, ingested, message FROM log_events WHERE scope=? AND grp=?"
        args: list[Any] = [scope, group]
        cutoff = self.cutoff(scope, group)
        if cutoff is not None:  # expired events may wait for the sweep: never shown meanwhile
            start = cutoff if start is None else max(start, cutoff)
        if streams is not None:
            sql += f" AND stream IN ({','.join('?' * len(streams))})"
            args += streams
        if stream_prefix:
            sql += " AND substr(stream, 1, ?) = ?"
            args += [len(stream_prefix), stream_prefix]
        if start is not None:
            sql += " AND ts >= ?"
            args.append(start)
        if end is not None:
            sql += " AND ts < ?"
            args.append(end)
        if after is not None:
            sql += " AND (ts > ? OR (ts = ? AND id > ?))"
            args += [after[0], after[0], after[1]]
        if before is not None:
            sql += " AND (ts < ? OR (ts = ? AND id < ?))"
            args += [before[0], before[0], before[1]]
        order = "DESC" if newest_first else "ASC"
        sql += f" ORDER BY ts {order}, id {order} LIMIT ?"
        args.append(limit)
        rows = self.db.read(sql, args)
        return [Event(row["id"], row["stream"], row["ts"], row["ingested"], row["message"]) for row in rows]

    # -- followed files (job runs' stdout and stderr) ---------------------------------------------

    def follow(self, scope: str, group: str, stream: str, path: Path) -> None:
        """Serve a file's lines as events of group/stream (created now, even if the file stays empty)."""
        tail = _Tail(str(path), scope, group, stream, 0)
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO log_groups(scope, name, created, class) VALUES (?,?,?,'STANDARD')",
                (scope, group, now_ms()),
            )
            conn.execute(
                "INSERT OR IGNORE INTO log_streams(scope, grp, name, created) VALUES (?,?,?,?)",
                (scope, group, stream, now_ms()),
            )
            conn.execute(
                "INSERT OR REPLACE INTO log_tails(path, scope, grp, stream, offset) VALUES (?,?,?,?,0)",
                (tail.path, scope, group, stream),
            )
        with self._tails_lock:
            self._tails[tail.path] = tail

    def sync(self, scope: str | None = None, group: str | None = None) -> None:
        """Take the complete lines written so far to followed files (of one group, or all)."""
        with self._tails_lock:
            for tail in list(self._tails.values()):
                if (scope is None or tail.scope == scope) and (group is None or tail.group == group):
                    self._read(tail, final=False)

    def finish(self, path: Path) -> None:
        """Take everything left in a followed file (its writer is done) and stop following it."""
        with self._tails_lock:
            tail = self._tails.pop(str(path), None)
            if tail is not None:
                self._read(tail, final=True)
                self._drop_tail(tail.path)

    def forget(self, path: Path) -> None:
        """Stop following a file without reading the rest (its run is being wiped)."""
        with self._tails_lock:
            if self._tails.pop(str(path), None) is not None:
                self._drop_tail(str(path))

    def _drop_tail(self, path: str) -> None:
        try:
            with self.db.transaction() as conn:
                conn.execute("DELETE FROM log_tails WHERE path=?", (path,))
        except sqlite3.Error:  # left for the next start to finish (it finds no file then)
            log.exception("cannot forget followed file %s", path)

    def _read(self, tail: _Tail, final: bool) -> None:
        """Turn the file's new complete lines (all of it when final) into events, step by step."""
        try:
            with open(tail.path, "rb") as source:
                while True:
                    source.seek(tail.offset)
                    data = source.read(_SYNC_STEP_BYTES)
                    if not data:
                        return
                    more = len(data) == _SYNC_STEP_BYTES
                    lines = data.split(b"\n")
                    rest = lines.pop()  # an unfinished line waits for its end (or for the final read)
                    if (final and not more) or len(rest) >= MAX_EVENT_BYTES:
                        lines.append(rest)
                        rest = b""
                    consumed = len(data) - len(rest)
                    if consumed == 0:
                        return
                    self._ingest(tail, lines, tail.offset + consumed)
                    if not more:
                        return
        except FileNotFoundError:
            return
        except (OSError, sqlite3.Error):  # a full disk loses output, never the run that produced it
            log.exception("cannot take run output from %s", tail.path)

    def _ingest(self, tail: _Tail, lines: list[bytes], offset: int) -> None:
        stamp = now_ms()
        events = [
            (stamp, part)
            for raw in lines
            if (text := raw.decode("utf-8", errors="replace").rstrip("\r"))
            for part in split_message(text)
        ]
        with self.db.transaction() as conn:
            self.append(tail.scope, tail.group, tail.stream, events, keep=False)
            conn.execute("UPDATE log_tails SET offset=? WHERE path=?", (offset, tail.path))
        tail.offset = offset
        self._after_ingest()

    def _finish_leftover_tails(self) -> None:
        """Files a previous server process was following: their writers are gone, take the rest."""
        rows = self.db.read("SELECT path, scope, grp, stream, offset FROM log_tails")
        for row in rows:
            tail = _Tail(row["path"], row["scope"], row["grp"], row["stream"], row["offset"])
            self._read(tail, final=True)
            self._drop_tail(tail.path)

    # -- lifecycle --------------------------------------------------------------------------------

    def reset(self) -> None:
        with self._tails_lock:
            self._tails.clear()
            self.db.reset()

    def shutdown(self) -> None:
        self.db.close()
