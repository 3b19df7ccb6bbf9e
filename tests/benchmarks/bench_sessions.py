"""Interactive sessions: CreateSession -> READY, and RunStatement -> AVAILABLE of a trivial statement, via boto3.

Run by hand:  python tests/benchmarks/bench_sessions.py [--sessions 3] [--statements 20]
A server with a warm Spark pool (GLUE_EMULATOR_SPARK_PREWARM=1, pool size 1) on a free loopback port. A session takes
a warm idle driver when there is one (the pool starts a replacement beside it), so CreateSession -> READY is the time
to set up the namespace and connect; each round waits for the pool to be warm again first. Statement latency is
measured as a client sees it, polling GetStatement every 5 ms, against the 0.3 s of a warm Spark query (the limit).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from emulator.testing import EmulatorServer

LIMIT_SECONDS = 0.3
ROLE = "arn:aws:iam::123456789012:role/bench"


def _pool_warm(server: EmulatorServer, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(server.endpoint + "/_emulator/health", timeout=10) as resp:
            if json.load(resp).get("spark", {}).get("status") == "ready":
                return
        time.sleep(0.2)
    raise SystemExit("the Spark pool did not warm up")


def _until(read: Any, done: Any, interval: float, timeout: float = 900) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = read()
        if done(value):
            return value
        time.sleep(interval)
    raise SystemExit("timed out")


def one_session(server: EmulatorServer, name: str, statements: int) -> tuple[float, list[float]]:
    """Seconds from CreateSession to READY, and RunStatement -> AVAILABLE of each `1 + 1`."""
    glue = server.client("glue")
    _pool_warm(server)
    started = time.perf_counter()
    glue.create_session(Id=name, Role=ROLE, Command={"Name": "glueetl", "PythonVersion": "3"})
    session = _until(lambda: glue.get_session(Id=name)["Session"], lambda s: s["Status"] != "PROVISIONING", 0.01)
    ready = time.perf_counter() - started
    if session["Status"] != "READY":
        raise SystemExit(f"session ended {session['Status']}: {session.get('ErrorMessage')}")
    timings = []
    for _ in range(statements):
        started = time.perf_counter()
        statement_id = glue.run_statement(SessionId=name, Code="1 + 1")["Id"]
        statement = _until(lambda sid=statement_id: glue.get_statement(SessionId=name, Id=sid)["Statement"],
                           lambda s: s["State"] == "AVAILABLE", 0.005)
        timings.append(time.perf_counter() - started)
        assert statement["Output"]["Data"]["TextPlain"] == "2", statement
    glue.stop_session(Id=name)
    return ready, timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=3)
    parser.add_argument("--statements", type=int, default=20)
    options = parser.parse_args()
    env = {"GLUE_EMULATOR_SPARK_PREWARM": "1", "GLUE_EMULATOR_SPARK_POOL_SIZE": "1"}
    with tempfile.TemporaryDirectory() as folder:
        server = EmulatorServer(Path(folder) / "data", env=env).start()
        try:
            results = [one_session(server, f"bench-{i}", options.statements) for i in range(options.sessions)]
        finally:
            server.stop()
    ready = [r for r, _ in results]
    statements = [t for _, ts in results for t in ts]
    print(f"CreateSession -> READY, s: min {min(ready):.3f}  median {statistics.median(ready):.3f}  "
          f"max {max(ready):.3f}  ({len(ready)} sessions on a warm pool)")
    print(f"RunStatement -> AVAILABLE of `1 + 1`, s: min {min(statements):.3f}  "
          f"median {statistics.median(statements):.3f}  max {max(statements):.3f}  ({len(statements)} statements)")
    verdict = "within" if statistics.median(statements) < LIMIT_SECONDS else "OVER"
    print(f"median statement latency is {verdict} the {LIMIT_SECONDS} s limit")


if __name__ == "__main__":
    main()
