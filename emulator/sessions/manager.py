"""Live sessions: each holds a Spark driver of its own, and runs its statements there one at a time.

A session is a long-lived spark task (jobs/spark_tasks.py, `emulator.sessions.kernel:serve`) that the pool lends a
driver for the session's lifetime (SparkPool.lend): a free warm one when there is one, so a session is READY in a
moment; the pool grows by a driver when job runs would otherwise wait behind a notebook left open. The task connects
back to a loopback socket this manager opened for the session, proving itself with a one-time token; the session is
READY from then on. Statements go down that socket in order and their Output comes back; CancelStatement sends an
interrupt for the one running.

Stopping a session between statements closes that socket: the kernel returns and its driver goes back to the pool
cleaned as after a job run (spark_worker.py: a fresh SparkSession for the next run, so no temp view, SQL setting,
cached or in-memory table; a fresh namespace; the modules, environment and argv the session changed put back).
Stopping it during a statement, before its kernel connected, or when the kernel does not return within
STOP_GRACE_SECONDS, kills the driver instead.

Timeout (minutes, scaled by the emulator's time scale) ends the session TIMEOUT through the pool's run timeout;
IdleTimeout does too when no statement ran for that long. A driver that dies ends it FAILED. Sessions do not outlive
the server: those left live by an earlier server are FAILED when this one first touches sessions.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import socket
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO

from ..clock import now
from ..errors import IllegalSessionStateException, ResourceNumberLimitExceededException
from ..jobs import arguments
from ..jobs.arguments import RunSetupError
from ..jobs.executor import RunHandle
from ..jobs.spark_tasks import TaskOutcome, run_spark_task
from . import records

if TYPE_CHECKING:
    from ..context import RequestContext
    from ..core import Emulator

log = logging.getLogger("glue_emulator.sessions")

# Each live session holds a JVM (about half a GB of memory): a local machine runs a handful at most.
MAX_LIVE_SESSIONS = 4
# How long GetSession / GetStatement hold their answer while the session provisions or the statement is queued or
# running (seconds): clients poll these at a fixed pace (dbt-glue every 1 s for statements, 3 s for sessions), so
# answering as soon as the state moves saves a poll's pause per statement. Short enough not to hold a server thread.
SETTLE_SECONDS = 1.0
# How long a stopped session's kernel may take to return and hand its driver back (seconds) before the driver is
# killed: the pool's cleanup after it is a few Spark calls, well under a second unless something holds the driver.
STOP_GRACE_SECONDS = 30.0
_KERNEL = "emulator.sessions.kernel:serve"


@dataclass(eq=False)
class _Live:
    scope: str
    session_id: str
    idle_seconds: float
    listener: socket.socket
    token: str
    handle: RunHandle | None = None
    writer: BinaryIO | None = None
    waiting: deque[int] = field(default_factory=deque)
    running: int | None = None
    next_id: int = 0
    idle_timer: threading.Timer | None = None
    ending: str | None = None  # the state the session ends in once its driver is gone (STOPPED, TIMEOUT)
    ready: bool = False  # its kernel connected (the session is READY)
    wake: threading.Condition = field(default_factory=threading.Condition)
    ended: threading.Event = field(default_factory=threading.Event)  # its driver is back or gone (_ended ran)
    kill_timer: threading.Timer | None = None  # kills the driver if a stopped kernel does not return


class SessionManager:
    """The emulator's live sessions (a component: one per server)."""

    def __init__(self, emulator: Emulator):
        self._emulator = emulator
        self._store = emulator.store
        self._lock = threading.RLock()
        self._live: dict[tuple[str, str], _Live] = {}
        for scope, _, session_id, session in self._store.list_scopes(records.SESSION):
            if session["Status"] not in records.ENDED:
                self._finish(scope, session_id, "FAILED", "The emulator restarted; the session's driver is gone.")

    # -- what the operations ask -------------------------------------------------------------------

    def start(self, ctx: RequestContext, session: dict[str, Any]) -> None:
        """Ask the pool for the session's driver; the session is READY once its kernel connects."""
        with self._lock:
            if len(self._live) >= MAX_LIVE_SESSIONS:
                self._store.delete(ctx.scope, records.SESSION, "", session["Id"])
                raise ResourceNumberLimitExceededException(
                    f"glue-emulator runs at most {MAX_LIVE_SESSIONS} sessions at once (each holds a Spark driver); "
                    "stop one first."
                )
            listener = socket.create_server(("127.0.0.1", 0))
            idle_seconds = session["IdleTimeout"] * 60 / self._emulator.settings.time_scale
            live = _Live(ctx.scope, session["Id"], idle_seconds, listener, secrets.token_hex(16))
            self._live[(ctx.scope, session["Id"])] = live
        task_id = f"session-{uuid.uuid4().hex}"
        payload = {"address": listener.getsockname()[:2], "token": live.token, "argv": records.argv_of(session)}
        defaults = session.get("DefaultArguments") or {}
        try:
            # Glue consumes these two of a session's DefaultArguments as it does a job run's (jobs/arguments.py)
            extra_py_files = arguments.extra_py_files(self._emulator.settings.data_dir, defaults)
            live.handle = run_spark_task(
                self._emulator,
                task_id=task_id,
                target=_KERNEL,
                payload=payload,
                account=ctx.account,
                region=ctx.region,
                log_dir=self._emulator.settings.data_dir / "sessions" / task_id,
                timeout_seconds=session["Timeout"] * 60 / self._emulator.settings.time_scale,
                on_done=lambda outcome: self._ended(live, outcome),
                dedicated=True,
                spark_conf=arguments.spark_conf(defaults),
                extra_py_files=extra_py_files,
            )
        except RunSetupError as exc:
            self._ended(live, TaskOutcome("FAILED", str(exc)))
            return
        threading.Thread(target=self._serve, args=(live,), name=f"session-{session['Id']}", daemon=True).start()

    def submit(self, ctx: RequestContext, session_id: str, code: str) -> int:
        """Queue a statement (WAITING); its Id."""
        live = self._require(ctx, session_id)
        with live.wake:
            statement_id = live.next_id
            live.next_id += 1
            self._store.put(ctx.scope, records.STATEMENT, session_id, records.statement_key(statement_id),
                            {"Id": statement_id, "Code": code, "State": "WAITING", "Progress": 0.0})
            live.waiting.append(statement_id)
            self._disarm(live)
            live.wake.notify_all()
        return statement_id

    def settle_session(self, ctx: RequestContext, session_id: str, seconds: float = SETTLE_SECONDS) -> None:
        """Wait up to `seconds` for a provisioning session to be READY or to end; at once when it is neither live
        nor provisioning. GetSession answers after it, so a poller sees the change without another pause."""
        live = self._live.get((ctx.scope, session_id))
        if live is not None:
            with live.wake:
                live.wake.wait_for(lambda: live.ready or live.ending is not None, seconds)

    def settle_statement(self, ctx: RequestContext, session_id: str, statement_id: int,
                         seconds: float = SETTLE_SECONDS) -> None:
        """Wait up to `seconds` for a WAITING or RUNNING statement to end (AVAILABLE, ERROR, CANCELLED); at once
        for one that has ended or does not exist. GetStatement answers after it (see SETTLE_SECONDS)."""
        live = self._live.get((ctx.scope, session_id))
        if live is not None:
            with live.wake:
                live.wake.wait_for(lambda: (statement_id not in live.waiting and live.running != statement_id)
                                   or live.ending is not None, seconds)

    def cancel(self, ctx: RequestContext, session_id: str, statement_id: int) -> None:
        live = self._require(ctx, session_id)
        with live.wake:
            if statement_id in live.waiting:
                live.waiting.remove(statement_id)
                self._statement(live, statement_id, State="CANCELLED", CompletedOn=_millis())
                live.wake.notify_all()
            elif statement_id == live.running:
                self._statement(live, statement_id, State="CANCELLING")
                self._send(live, {"op": "cancel", "id": statement_id})

    def stop(self, ctx: RequestContext, session_id: str) -> None:
        """STOPPING, then STOPPED once the driver is gone (StopSession)."""
        live = self._live.get((ctx.scope, session_id))
        if live is None:  # PROVISIONING or READY in the store but not live: nothing holds a driver
            self._finish(ctx.scope, session_id, "STOPPED")
            return
        self._update(ctx.scope, session_id, Status="STOPPING")
        self._end(live, "STOPPED")
        live.ended.wait(SETTLE_SECONDS)  # StopSession answers with the session STOPPED when its kernel returns at once

    def forget(self, ctx: RequestContext, session_id: str) -> None:
        """DeleteSession of a session that may still be live: it is stopped (see stop)."""
        live = self._live.get((ctx.scope, session_id))
        if live is not None:
            self._end(live, "STOPPED")
            live.ended.wait(SETTLE_SECONDS)

    def shutdown(self) -> None:
        for live in list(self._live.values()):
            self._end(live, "STOPPED")

    reset = shutdown

    # -- the session's life --------------------------------------------------------------------------

    def _serve(self, live: _Live) -> None:
        """Wait for the kernel, then send it the statements one by one (the session's own thread)."""
        try:
            connection, _ = live.listener.accept()
        except OSError:  # the session ended before its driver connected
            return
        finally:
            live.listener.close()
        reader = connection.makefile("rb")
        try:
            with live.wake:
                live.writer = connection.makefile("wb")
            self._converse(live, reader)
        finally:
            # The kernel sees its input end and returns (a stop between statements: see _end). The file objects
            # hold the socket open past connection.close(), so they are closed too.
            with live.wake:
                writer, live.writer = live.writer, None
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            for stream in (reader, writer):
                with contextlib.suppress(OSError):
                    if stream is not None:
                        stream.close()
            connection.close()

    def _converse(self, live: _Live, reader: BinaryIO) -> None:
        """The kernel's hello, then its statements in order until the session ends or the driver goes."""
        hello = reader.readline()
        if not hello or json.loads(hello).get("token") != live.token:
            return
        with live.wake:
            if live.ending is None:
                self._update(live.scope, live.session_id, Status="READY")
                live.ready = True
                live.wake.notify_all()
                self._arm(live)
        while True:
            with live.wake:
                live.wake.wait_for(lambda: live.waiting or live.ending is not None)
                if live.ending is not None:
                    return
                statement_id = live.running = live.waiting.popleft()
                code = self._statement(live, statement_id, State="RUNNING", StartedOn=_millis())["Code"]
                self._send(live, {"op": "run", "id": statement_id, "code": code})
            answer = reader.readline()
            if not answer:  # the driver is gone: the pool reports how, to _ended
                return
            result = json.loads(answer)
            with live.wake:
                live.running = None
                self._statement(live, statement_id, State=result["state"], Output=result["output"],
                                Progress=1.0, CompletedOn=_millis())
                live.wake.notify_all()  # GetStatement calls waiting in settle_statement
                if not live.waiting:
                    self._arm(live)

    def _end(self, live: _Live, state: str) -> None:
        """End a live session in `state` (the pool reports back to _ended): a kernel between statements returns and
        gives its driver back; otherwise the driver is taken down (see the module doc)."""
        with live.wake:
            if live.ending is not None:
                return
            live.ending = state
            self._disarm(live)
            # _serve's thread, waiting for a statement, returns and closes the kernel's connection
            returns = live.ready and live.running is None and live.writer is not None
            live.wake.notify_all()
        live.listener.close()
        if live.handle is None:
            return
        if returns:
            live.kill_timer = threading.Timer(STOP_GRACE_SECONDS, live.handle.stop)
            live.kill_timer.daemon = True
            live.kill_timer.start()
        else:
            live.handle.stop()

    def _ended(self, live: _Live, outcome: TaskOutcome) -> None:
        """The session's task is over (stopped, timed out, crashed): its final state, and its statements'."""
        with live.wake:
            if live.ending is None:  # not asked for: Timeout, or the driver died
                live.ending = "TIMEOUT" if outcome.state == "TIMEOUT" else "FAILED"
            live.wake.notify_all()
            self._disarm(live)
            unfinished = list(live.waiting) + ([live.running] if live.running is not None else [])
            live.waiting.clear()
            if live.kill_timer is not None:
                live.kill_timer.cancel()
        with self._lock:
            if self._live.get((live.scope, live.session_id)) is live:  # not a new session of a deleted one's Id
                del self._live[(live.scope, live.session_id)]
        live.listener.close()
        message = None
        if live.ending == "FAILED":
            message = outcome.error_message or "The session's Spark driver ended."
        for statement_id in unfinished:
            self._statement(live, statement_id, State="CANCELLED" if live.ending == "STOPPED" else "ERROR",
                            CompletedOn=_millis())
        self._finish(live.scope, live.session_id, live.ending, message)
        live.ended.set()

    def _arm(self, live: _Live) -> None:
        """Start the idle clock (live.wake held)."""
        self._disarm(live)
        live.idle_timer = threading.Timer(live.idle_seconds, self._end, (live, "TIMEOUT"))
        live.idle_timer.daemon = True
        live.idle_timer.start()

    @staticmethod
    def _disarm(live: _Live) -> None:
        if live.idle_timer is not None:
            live.idle_timer.cancel()
            live.idle_timer = None

    # -- records -----------------------------------------------------------------------------------

    def _require(self, ctx: RequestContext, session_id: str) -> _Live:
        live = self._live.get((ctx.scope, session_id))
        if live is None or live.ending is not None:
            raise IllegalSessionStateException(f"Session {session_id} is not READY.")
        return live

    @staticmethod
    def _send(live: _Live, message: dict[str, Any]) -> None:
        """A message to the kernel (live.wake held, so messages never interleave)."""
        if live.writer is None:
            return
        try:
            live.writer.write(json.dumps(message).encode() + b"\n")
            live.writer.flush()
        except OSError:
            pass  # the driver is gone: the pool reports it

    def _statement(self, live: _Live, statement_id: int, **changes: Any) -> dict[str, Any]:
        key = records.statement_key(statement_id)
        statement = self._store.get(live.scope, records.STATEMENT, live.session_id, key) or {}
        if statement:  # a deleted session's statements stay deleted
            statement.update(changes)
            self._store.put(live.scope, records.STATEMENT, live.session_id, key, statement)
        return statement

    def _update(self, scope: str, session_id: str, **changes: Any) -> None:
        with self._lock:
            session = self._store.get(scope, records.SESSION, "", session_id)
            if session is not None and session["Status"] not in records.ENDED:
                session.update(changes)
                self._store.put(scope, records.SESSION, "", session_id, session)

    def _finish(self, scope: str, session_id: str, state: str, message: str | None = None) -> None:
        changes: dict[str, Any] = {"Status": state, "CompletedOn": now()}
        if message:
            changes["ErrorMessage"] = message[:2048]
        self._update(scope, session_id, **changes)


def _millis() -> int:
    """Statement times are epoch milliseconds (the model's `long` StartedOn/CompletedOn)."""
    return int(now() * 1000)
