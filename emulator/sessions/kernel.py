"""The driver side of a session: one Python namespace on a warm Spark driver, running statements in order.

Runs as the spark task `emulator.sessions.kernel:serve(spark, payload)` (jobs/spark_tasks.py) for as long as the
session lives; the SessionManager (manager.py) ends it by closing its connection (serve returns, and the driver goes
back to the pool cleaned as after a job run) or, during a statement, by stopping the task (the driver is killed).
The namespace holds what a Glue session defines before the first statement: `spark`, `sc` and `glueContext`, with
the session's DefaultArguments as sys.argv (so `--enable-glue-datacatalog` lets Spark SQL read catalog tables, as in
a job).

A statement's Output is what Glue's sessions (Livy underneath) return: on success Status "ok" and Data.TextPlain
holding what the code printed to stdout followed by the repr of its last expression when that is not None (as a
notebook cell shows it); on an exception Status "error" with ErrorName (the class), ErrorValue (the message) and
Traceback (lines from the statement's own frames, file "<stdin>"). stderr goes to the session's log, not the Output.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import functools
import io
import json
import os
import queue
import signal
import socket
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any, BinaryIO

_FILE = "<stdin>"


def serve(spark: Any, payload: dict[str, Any]) -> dict[str, int]:
    """Connect to the manager at payload["address"], then run what it sends until it hangs up.

    payload: {"address": [host, port], "token": str, "argv": [str, ...]}; returns {"statements": how many ran}.
    Messages are JSON lines: in {"op": "run", "id", "code"} and {"op": "cancel", "id"}; out {"token"} once, then
    {"id", "state": "AVAILABLE"|"CANCELLED", "output": Output} per statement.
    """
    namespace = new_namespace(spark, payload["argv"])
    # A cancel is a SIGINT to this process: unlike an interrupt flag, a real signal also wakes a statement blocked
    # in a system call (time.sleep, a socket read), and Python's own handler turns it into KeyboardInterrupt.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return _serve(namespace, spark.sparkContext, payload)
    finally:
        signal.signal(signal.SIGINT, previous)


def _serve(namespace: dict[str, Any], sc: Any, payload: dict[str, Any]) -> dict[str, int]:
    with socket.create_connection(tuple(payload["address"])) as connection:
        reader, writer = connection.makefile("rb"), connection.makefile("wb")
        _write(writer, {"token": payload["token"]})
        requests: queue.Queue[dict[str, Any] | None] = queue.Queue()
        interrupter = _Interrupter(sc)
        threading.Thread(target=_read, args=(reader, requests, interrupter), name="session-reader", daemon=True).start()
        count = 0
        while (request := _next(requests)) is not None:
            count += 1
            output, cancelled = interrupter.run(request["id"], functools.partial(execute, request["code"], namespace, count))
            _write(writer, {"id": request["id"], "state": "CANCELLED" if cancelled else "AVAILABLE", "output": output})
    return {"statements": count}


def new_namespace(spark: Any, argv: list[str]) -> dict[str, Any]:
    """The globals of a new session: `spark`, `sc`, `glueContext`, run as `__main__`."""
    from awsglue.context import GlueContext

    sys.argv[:] = argv
    glue_context = GlueContext(spark.sparkContext)
    return {
        "__name__": "__main__",
        "__builtins__": builtins,
        "spark": glue_context.spark_session,
        "sc": spark.sparkContext,
        "glueContext": glue_context,
    }


def execute(code: str, namespace: dict[str, Any], execution_count: int) -> dict[str, Any]:
    """Run one statement in `namespace`; its Output as Glue's GetStatement returns it (see the module doc)."""
    stdout = io.StringIO()
    try:
        with contextlib.redirect_stdout(stdout):
            tree = ast.parse(code, _FILE, "exec")
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, _FILE, "exec"), namespace)  # noqa: S102 - running the user's code is the point
            value = eval(compile(ast.Expression(last.value), _FILE, "eval"), namespace) if last else None
    except BaseException as exc:  # the statement's error, KeyboardInterrupt (a cancel) and sys.exit() included
        return {
            "ExecutionCount": execution_count,
            "Status": "error",
            "ErrorName": type(exc).__name__,
            "ErrorValue": str(exc),
            "Traceback": _traceback(exc),
        }
    text = stdout.getvalue()
    if value is not None:
        text += ("" if not text or text.endswith("\n") else "\n") + repr(value)
    text = text.removesuffix("\n")
    return {"Data": {"TextPlain": text}, "ExecutionCount": execution_count, "Status": "ok"}


def _traceback(exc: BaseException) -> list[str]:
    """The traceback from the statement's first frame on (the kernel's own frames are not the user's business)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != _FILE:
        tb = tb.tb_next
    return traceback.format_exception(type(exc), exc, tb)


class _Interrupter:
    """Cancels the running statement: Spark's jobs first (a statement waiting on Spark), then the Python code."""

    def __init__(self, sc: Any):
        self._sc = sc
        self._lock = threading.Lock()
        self._current: int | None = None
        self._cancelled: set[int] = set()

    def run(self, statement_id: int, call: Callable[[], dict[str, Any]]) -> tuple[dict[str, Any], bool]:
        """call() as statement `statement_id`; (its result, whether it was cancelled)."""
        with self._lock:
            self._current = statement_id
        result = call()
        while True:  # an interrupt sent just as the statement ended lands here: it is spent
            try:
                with self._lock:
                    self._current = None
                break
            except KeyboardInterrupt:
                continue
        return result, statement_id in self._cancelled

    def cancel(self, statement_id: int) -> None:
        with self._lock:
            if self._current != statement_id:
                return
            self._cancelled.add(statement_id)
            self._sc.cancelAllJobs()
            os.kill(os.getpid(), signal.SIGINT)


def _read(reader: BinaryIO, requests: queue.Queue[dict[str, Any] | None], interrupter: _Interrupter) -> None:
    """Statements go to the main thread in order; a cancel acts at once."""
    for line in reader:
        message = json.loads(line)
        if message["op"] == "cancel":
            interrupter.cancel(message["id"])
        else:
            requests.put(message)
    requests.put(None)


def _next(requests: queue.Queue[dict[str, Any] | None]) -> dict[str, Any] | None:
    while True:
        try:
            return requests.get()
        except KeyboardInterrupt:  # a cancel that arrived after its statement ended
            continue


def _write(writer: BinaryIO, message: dict[str, Any]) -> None:
    writer.write(json.dumps(message).encode() + b"\n")
    writer.flush()
