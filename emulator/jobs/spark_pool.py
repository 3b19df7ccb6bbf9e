"""The warm Spark worker pool that runs glueetl scripts (an Executor, see executor.py).

Starting a JVM and warming Spark costs seconds; a warm driver runs a small script in a fraction of
one. So the pool keeps `settings.spark_pool_size` worker processes (spark_worker.py), each holding a
SparkSession, and sends each run to an idle one; runs wait in a queue while all are busy. A worker
whose run is stopped or times out is killed with its whole process group (the JVM included) and
replaced; so is one that crashes. Isolation between runs on one worker is the worker's job: it reports a run's
outcome when the script ends, then cleans up and says "ready", and gets no run in between ("cleaning").

Without Java (see java.py) no worker is started: runs fail at once saying what to install, and `health()`
reports Spark unavailable with that reason; so it does after a driver that failed to start, until one starts.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from .arguments import RunSetupError
from .executor import RunOutcome, RunSpec
from .java import INSTALL_HELP, ClassArchive, Java, find_java
from .processes import kill_tree
from .spark_worker import EXIT_RETIRED, how_it_ended, spark_settings

if TYPE_CHECKING:
    from ..core import Emulator

log = logging.getLogger("glue_emulator.spark")

# The emulator's source root, so the worker imports this same emulator whatever the server's cwd.
_SOURCE_ROOT = str(Path(__file__).resolve().parents[2])
_BOOTSTRAP = (
    f"import sys; sys.path.insert(0, {_SOURCE_ROOT!r}); "
    "from emulator.jobs.spark_worker import main; sys.exit(main(sys.argv[1:]))"
)
# How much of a worker's log explains a driver that failed to start.
_LOG_TAIL = 1500
# The JVM's own line about why it stopped (e.g. a master URL it cannot use), in a worker's log.
_JAVA_FAILURE = re.compile(r"^(?:Exception in thread \S+ |Error: )?([\w.$]+(?:Exception|Error): .*)$", re.MULTILINE)
# The states of a worker whose driver is up (one that is cleaning serves the next run in milliseconds).
WARM = frozenset({"idle", "busy", "cleaning"})
# Seconds a driver may take to clean up after a run (usually 10-40 ms) before it is replaced: a script can leave
# what blocks it (a finalizer run by the collection that waits for ever), and no run's Timeout covers that time.
CLEANING_TIMEOUT = 60.0


@dataclass(eq=False)
class _Run:
    spec: RunSpec
    on_done: Callable[[RunOutcome], None]
    worker: _Worker | None = None
    timer: threading.Timer | None = None
    finished: bool = False
    lent: bool = False  # an interactive session's: holds its driver until it ends (see lend)
    grown: bool = False  # the pool grew by one driver for this lent run, and shrinks back when it ends


@dataclass(eq=False)
class _Worker:
    index: int
    process: subprocess.Popen[bytes]
    writer: BinaryIO
    scratch: Path
    log_path: Path
    log_offset: int  # where this process's part of the (per index, appended) log begins
    state: str = "starting"  # starting, idle, busy, cleaning (its run ended, "ready" comes next), retiring, dead
    run: _Run | None = None
    start_error: str | None = field(default=None)
    cleaning_timer: threading.Timer | None = None


class SparkRunHandle:
    """What submit returns: stopping a queued run drops it, stopping a running one kills its worker."""

    def __init__(self, pool: SparkPool, run: _Run):
        self._pool = pool
        self._run = run

    def stop(self) -> None:
        self._pool._end_run(self._run, RunOutcome("STOPPED"))


class SparkPool:
    """Executor for glueetl: warm Spark drivers, one run at a time each."""

    health_name = "spark"  # its entry in the health endpoint's answer (see health())

    def __init__(self, emulator: Emulator):
        settings = emulator.settings
        self._size = max(1, settings.spark_pool_size)
        self._master = settings.spark_master
        self._s3_root = (settings.data_dir / "s3").resolve()
        self._work_dir = (settings.data_dir / "spark").resolve()
        self._lock = threading.Condition()
        self._queue: deque[_Run] = deque()
        self._workers: list[_Worker] = []
        self._lent: list[_Run] = []  # lent runs not yet ended, oldest first
        self._closed = False
        self._java: Java | None = None  # found once; looked for again while missing (it may get installed)
        self._start_problem: str | None = None  # why the last driver failed to start, until one starts
        self._work_dir.mkdir(parents=True, exist_ok=True)
        self._class_archive = (ClassArchive(self._work_dir, settings.spark_class_archive_dir)
                               if settings.spark_class_archive else None)
        for stale in self._work_dir.glob("worker-*-*"):  # left by a server that was killed
            shutil.rmtree(stale, ignore_errors=True)
        if settings.spark_prewarm:
            with self._lock:
                problem = self._java_problem()
                if problem is not None:
                    log.warning("glueetl runs will fail: %s", problem)
                else:
                    self._fill()

    # -- Executor ---------------------------------------------------------------------------------

    def submit(self, spec: RunSpec, on_done: Callable[[RunOutcome], None]) -> SparkRunHandle:
        return self._submit(_Run(spec, on_done))

    def lend(self, spec: RunSpec, on_done: Callable[[RunOutcome], None]) -> SparkRunHandle:
        """Submit a run that keeps its driver until it ends (an interactive session's).

        The run takes a free warm driver when there is one. The pool grows by one driver for it (see _grow) only
        when one is needed: no driver is free for the run, or a job run would otherwise wait behind the session;
        the extra driver goes when the run ends. A run that ends by itself (a session's kernel returning) gives
        its driver back, cleaned as after a job run; a stopped one takes it down. Raises as submit does.
        """
        return self._submit(_Run(spec, on_done, lent=True))

    def _submit(self, run: _Run) -> SparkRunHandle:
        with self._lock:
            if self._closed:
                raise RuntimeError("the Spark pool is shut down")
            problem = self._java_problem()
            if problem is not None:
                raise RunSetupError(f"The Spark driver could not start: {problem}")
            self._queue.append(run)
            if run.lent:
                self._lent.append(run)
            self._grow()
            self._fill()
            self._dispatch()
        return SparkRunHandle(self, run)

    def shutdown(self) -> None:
        """Kill every worker (and so every JVM); runs still queued or running end STOPPED."""
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            runs = list(self._queue) + [w.run for w in workers if w.run is not None]
            self._queue.clear()
            for worker in workers:
                self._retire(worker)
        if self._class_archive:
            self._class_archive.stop()
        for worker in workers:
            self._kill(worker)
        for run in runs:
            self._end_run(run, RunOutcome("STOPPED", "The emulator shut down during the run"))

    def health(self) -> dict[str, str]:
        """Spark for glueetl runs, for the health endpoint: {"status": ready|starting|cold|unavailable}.

        "cold": no driver yet, the first run starts one (GLUE_EMULATOR_SPARK_PREWARM=0); "unavailable"
        comes with a "reason" (Java missing, or why the last driver failed to start) and how to fix it.
        """
        with self._lock:
            # Looked for again while missing: a java installed on PATH since serves the next run.
            problem = self._java_problem() if self._java is not None else None
            states = {w.state for w in self._workers}
            if problem is None and self._start_problem is not None and not states & WARM:
                problem = self._start_problem
        if problem is not None:
            return {"status": "unavailable", "reason": problem}
        if states & WARM:
            return {"status": "ready"}
        return {"status": "starting" if "starting" in states else "cold"}

    def _java_problem(self) -> str | None:
        """Why no driver can start for lack of Java, with how to install it; None when Java is there (lock held)."""
        if self._java is None or self._java.problem is not None:
            self._java = find_java()
            if self._java.problem is None:
                log.info("Spark drivers run on Java %s (%s)", self._java.version, self._java.path)
        return f"{self._java.problem}. {INSTALL_HELP}." if self._java.problem else None

    # -- for tests and benchmarks ------------------------------------------------------------------

    def wait_warm(self, timeout: float) -> bool:
        """Block until every worker is warm and idle (False on timeout)."""
        with self._lock:
            self._fill()
            return self._lock.wait_for(
                lambda: len(self._workers) == self._size and all(w.state == "idle" for w in self._workers),
                timeout,
            )

    # -- workers -----------------------------------------------------------------------------------

    def _grow(self) -> None:
        """Grow the pool by one driver per lent run (once each) while queued runs outnumber the drivers that are
        free or may start (lock held). A notebook left open so never makes job runs wait, and a session
        started on a free warm driver (dbt-glue opens one per command) starts no JVM for nothing."""
        free = (sum(w.state in ("idle", "cleaning", "starting") for w in self._workers)
                + max(0, self._size - len(self._workers)))
        shortfall = len(self._queue) - free
        for lent in self._lent:
            if shortfall <= 0:
                return
            if not lent.grown:
                lent.grown = True
                self._size += 1
                shortfall -= 1

    def _fill(self) -> None:
        """Start workers up to the pool size (lock held).

        One driver first: until one is warm, at most one starts, so the first run does not wait for
        several JVMs sharing the cores (two competing JVMs each take about twice as long); the rest
        start when it is warm (see _listen).
        """
        used = {w.index for w in self._workers}
        if self._java_problem() is not None:
            return  # no Java: submit refuses runs saying so
        warm = any(w.state in WARM for w in self._workers)
        for index in range(self._size):
            if len(self._workers) >= self._size or self._closed or (self._workers and not warm):
                return
            if index not in used:
                self._workers.append(self._spawn(index))

    def _spawn(self, index: int) -> _Worker:
        # A fresh folder per process: a killed worker's folder is removed while its successor runs.
        scratch = Path(tempfile.mkdtemp(prefix=f"worker-{index}-", dir=self._work_dir))
        log_path = self._work_dir / f"worker-{index}.log"
        log_offset = log_path.stat().st_size if log_path.exists() else 0
        ours, theirs = socket.socketpair()
        config = {
            "fd": theirs.fileno(),
            "java_options": self._class_archive.java_options() if self._class_archive else "",
            "master": self._master,
            "s3_root": str(self._s3_root),
            "scratch": str(scratch),
            "source_root": _SOURCE_ROOT,
        }
        env = _driver_env()
        with open(log_path, "ab") as worker_log:
            process = subprocess.Popen(
                [sys.executable, "-c", _BOOTSTRAP, json.dumps(config)],
                stdin=subprocess.DEVNULL, stdout=worker_log, stderr=worker_log, cwd=scratch, env=env,
                pass_fds=(theirs.fileno(),), start_new_session=True,
            )
        theirs.close()
        worker = _Worker(index, process, ours.makefile("wb"), scratch, log_path, log_offset)
        reader = ours.makefile("rb")
        ours.close()  # the two file objects keep the socket open
        threading.Thread(target=self._listen, args=(worker, reader), name=f"spark-worker-{index}", daemon=True).start()
        return worker

    def _record_class_archive(self) -> None:
        """Once the pool is warm (its JVMs no longer compete for the cores), record the drivers' class
        archive if the data dir has none yet (java.py's ClassArchive)."""
        scratch = self._work_dir / "class-archive"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir()
        assert self._class_archive is not None
        self._class_archive.record(spark_settings("local[1]", scratch), _driver_env(), scratch)

    def _listen(self, worker: _Worker, reader: BinaryIO) -> None:
        """Follow one worker's messages until its socket closes (it exited or was killed)."""
        for line in reader:
            message = json.loads(line)
            event = message["event"]
            if event == "ready":
                with self._lock:
                    if worker.state == "cleaning":
                        worker.state = "idle"
                        if worker.cleaning_timer is not None:
                            worker.cleaning_timer.cancel()
                        self._dispatch()
                    elif worker.state == "starting":
                        worker.state = "idle"
                        self._start_problem = None
                        self._dispatch()
                        self._fill()  # the drivers held back while this one warmed
                        if self._class_archive and all(w.state == "idle" for w in self._workers):
                            self._record_class_archive()
                    self._lock.notify_all()
            elif event == "failed":
                worker.start_error = message["message"]
            elif event == "done":
                self._on_done(worker, message)
        worker.process.wait()
        self._on_exit(worker)

    def _on_done(self, worker: _Worker, message: dict[str, Any]) -> None:
        with self._lock:
            run, worker.run = worker.run, None
            if worker.state == "busy":
                if message.get("retire"):
                    worker.state = "retiring"
                else:  # a driver that is kept is cleaned first: its "ready" makes it idle again (see _listen)
                    worker.state = "cleaning"
                    worker.cleaning_timer = threading.Timer(CLEANING_TIMEOUT, self._cleaning_overdue, (worker,))
                    worker.cleaning_timer.daemon = True
                    worker.cleaning_timer.start()
        if run is not None:
            self._end_run(run, RunOutcome(message["state"], message.get("error_message"), message.get("metrics")))

    def _cleaning_overdue(self, worker: _Worker) -> None:
        """A driver still cleaning up CLEANING_TIMEOUT seconds after its run: replace it, so that runs do not queue
        for ever."""
        with self._lock:
            if worker.state != "cleaning":
                return
            self._retire(worker)
            self._fill()
        log.warning("Spark worker %d did not clean up within %.0f s after a run; replaced", worker.index,
                    CLEANING_TIMEOUT)
        self._kill(worker)

    def _on_exit(self, worker: _Worker) -> None:
        """A worker's process ended: replace it, and fail its run or (if it never got warm) the queue."""
        returncode = worker.process.returncode
        failed_runs: list[_Run] = []
        with self._lock:
            state, run = worker.state, worker.run
            if state == "dead":  # killed by us: the stop or timeout already reported the run
                return
            self._retire(worker)
            if state == "starting":
                # No respawn loop for a driver that cannot start: the next submit tries again. The
                # queue fails only when no other worker may still serve it.
                if not self._workers:
                    failed_runs, self._queue = list(self._queue), deque()
            else:
                self._fill()
                self._dispatch()
            self._lock.notify_all()
        self._kill(worker)  # what is left of its process group: the JVM, PySpark's daemons
        if state == "starting":
            message = "The Spark driver could not start: " + self._start_failure(worker)
            with self._lock:
                self._start_problem = message
            for queued in failed_runs:
                self._end_run(queued, RunOutcome("FAILED", message))
            log.warning("%s", message)
        elif run is not None:
            self._end_run(run, _crash_outcome(returncode))
        elif returncode != EXIT_RETIRED:
            log.warning("Spark worker %d exited with status %s while idle; replaced", worker.index, returncode)

    def _dispatch(self) -> None:
        """Hand queued runs to idle workers (lock held)."""
        for worker in self._workers:
            if not self._queue:
                return
            if worker.state != "idle":
                continue
            run = self._queue.popleft()
            worker.state, worker.run, run.worker = "busy", run, worker
            try:
                worker.writer.write(json.dumps(_request(run.spec)).encode() + b"\n")
                worker.writer.flush()
            except OSError:
                # The worker is dying; its exit handler fails this run and replaces it.
                continue
            if run.spec.timeout_seconds > 0:
                run.timer = threading.Timer(run.spec.timeout_seconds, self._end_run, (run, RunOutcome("TIMEOUT")))
                run.timer.daemon = True
                run.timer.start()

    def _end_run(self, run: _Run, outcome: RunOutcome) -> None:
        """Report a run's outcome exactly once; a stopped or timed-out run takes its worker down."""
        with self._lock:
            if run.finished:
                return
            run.finished = True
            if run in self._queue:
                self._queue.remove(run)
            victim = run.worker if run.worker is not None and run.worker.run is run else None
            if victim is not None:
                self._retire(victim)
            if run.lent:
                self._lent.remove(run)
            surplus = self._shrink() if run.grown else []
            if victim is not None:
                self._fill()
        if run.timer is not None:
            run.timer.cancel()
        for worker in ([victim] if victim is not None else []) + surplus:
            self._kill(worker)
        try:
            run.on_done(outcome)
        except Exception:
            log.exception("run %s: the outcome callback failed", run.spec.run_id)

    def _shrink(self) -> list[_Worker]:
        """Give back the driver the pool grew by for a lent run: retire workers beyond the size, starting then idle ones first
        (lock held); the caller kills them."""
        self._size -= 1
        order = {"starting": 0, "idle": 1, "cleaning": 2}
        spare = sorted((w for w in self._workers if w.state in order), key=lambda w: order[w.state])
        surplus = spare[: max(0, len(self._workers) - self._size)]
        for worker in surplus:
            self._retire(worker)
        return surplus

    def _retire(self, worker: _Worker) -> None:
        """Take a worker out of the pool before killing it, so its exit reports nothing (lock held)."""
        worker.state, worker.run = "dead", None
        if worker in self._workers:
            self._workers.remove(worker)

    def _kill(self, worker: _Worker) -> None:
        """End a worker with its process group: the JVM and PySpark's Python daemons go with it, and what
        a run detached from the group (still below the worker, which reaps orphans)."""
        kill_tree(worker.process.pid)
        try:
            os.killpg(worker.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        worker.process.wait()
        self._clean(worker)

    @staticmethod
    def _clean(worker: _Worker) -> None:
        try:
            worker.writer.close()
        except OSError:
            pass
        shutil.rmtree(worker.scratch, ignore_errors=True)

    @staticmethod
    def _start_failure(worker: _Worker) -> str:
        """Why a worker never got warm: Python's error and the JVM's reason, or the end of its log."""
        try:
            with open(worker.log_path, "rb") as log_file:
                log_file.seek(worker.log_offset)
                text = log_file.read().decode(errors="replace")
        except OSError:
            text = ""
        java = _JAVA_FAILURE.search(text)
        if worker.start_error and java:
            return f"{worker.start_error} ({java.group(1)})"
        return worker.start_error or text[-_LOG_TAIL:].strip() or how_it_ended(worker.process.returncode)


def _driver_env() -> dict[str, str]:
    """The environment of a driver process. The server's own AWS settings are not the runs' (each run gets
    its own in RunSpec.env); PySpark starts its Python UDF workers with this same interpreter."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(PYSPARK_PYTHON=sys.executable, SPARK_LOCAL_IP="127.0.0.1")
    return env


def _request(spec: RunSpec) -> dict[str, Any]:
    """The run as the worker receives it."""
    # A .py of --extra-py-files is imported from its folder; a .zip/.egg/.whl is a path entry itself.
    python_paths = list(dict.fromkeys(str(p.parent if p.suffix == ".py" else p) for p in spec.extra_py_files))
    return {
        "op": "run",
        "run_id": spec.run_id,
        "script": str(spec.script),
        "argv": spec.argv,
        "env": spec.env,
        "log_dir": str(spec.log_dir),
        "python_paths": python_paths,
        "extra_jars": [str(path) for path in spec.extra_jars],
        "spark_conf": spec.spark_conf,
    }


def _crash_outcome(returncode: int) -> RunOutcome:
    """A worker that died during a run: os._exit(n) in the script, a segfault, the OOM killer."""
    if returncode == 0:
        return RunOutcome("SUCCEEDED")
    if returncode < 0:
        return RunOutcome("FAILED", f"The Spark driver process was {how_it_ended(returncode)} during the run")
    return RunOutcome("FAILED", f"Command failed with exit code {returncode}")
