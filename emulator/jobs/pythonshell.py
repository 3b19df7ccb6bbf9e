"""The pythonshell executor: each run is a plain `python` process (the server's interpreter).

The script is copied into a fresh working directory and run as `__main__` by a small bootstrap
that records an uncaught exception the way Glue reports it ("ZeroDivisionError: division by zero")
after printing its traceback to stderr. The process gets its own session and reaps its orphans
(processes.py), so a run's whole process tree ends with it: when the script ends, and when the run
is stopped or times out, even processes that left the session with setsid. Its memory is limited
(RLIMIT_DATA) to what Glue gives the run's MaxCapacity (0.0625 DPU: 1 GB, 1 DPU: 16 GB); running out
fails the run with a MemoryError message saying so. stdout and stderr are copied into the run's log files up to
a cap, so a script printing without end cannot fill the disk. A `pid` file in the log directory
lets a restarted server kill a run its killed predecessor left behind (`kill_orphan`).
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING

from . import processes
from .executor import RunOutcome, RunSpec

if TYPE_CHECKING:
    from ..core import Emulator

log = logging.getLogger("glue_emulator.pythonshell")

# Per stream; what a run prints beyond this is dropped (and the log says so).
LOG_CAP_BYTES = 64 * 1024 * 1024
# Between SIGTERM and SIGKILL when a run is stopped or times out.
_KILL_GRACE_SECONDS = 2.0
# How long the output of a finished run may keep arriving before the run is reported.
_PUMP_DRAIN_SECONDS = 2.0
# The emulator's `awsglue` library (emulator/runtime): Python shell scripts use awsglue.utils as on Glue.
_GLUE_LIBRARY = Path(__file__).resolve().parents[1] / "runtime"
_RESULT_FILE = "result"
_PID_FILE = "pid"

# Runs the script as __main__ with sys.argv as Glue builds it; on an uncaught exception prints the
# traceback (without these bootstrap frames) and writes "Type: message" to the result file.
_BOOTSTRAP = r"""
import importlib.util, os, resource, runpy, signal, sys, traceback
result_path, helpers, memory, script = sys.argv[1:5]
spec = importlib.util.spec_from_file_location("_glue_emulator_processes", helpers)
processes = importlib.util.module_from_spec(spec)
spec.loader.exec_module(processes)
processes.become_subreaper()
if int(memory):
    resource.setrlimit(resource.RLIMIT_DATA, (int(memory), int(memory)))
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
sys.argv = sys.argv[4:]
sys.path[0] = os.path.dirname(script)
try:
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit:
        raise
    except BaseException as exc:
        tb = exc.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != script:
            tb = tb.tb_next
        traceback.print_exception(type(exc), exc, tb)
        text = str(exc)
        with open(result_path, "w", encoding="utf-8") as out:
            out.write(type(exc).__name__ + (": " + text if text else ""))
        sys.exit(1)
finally:
    processes.reap(processes.kill_tree(os.getpid(), include_root=False))
"""


def _start_time(pid: int) -> str | None:
    """The process's start time (clock ticks since boot) from /proc, to tell a pid reused from ours."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def kill_orphan(log_dir: Path) -> None:
    """Kill the process group of a run whose server died, if that very process is still alive."""
    try:
        pid_text, started = (log_dir / _PID_FILE).read_text().split()
        pid = int(pid_text)
    except (OSError, ValueError):
        return
    if _start_time(pid) == started:
        processes.kill_tree(pid)  # what left the session is still below the root, which reaps orphans
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass


def _note_python_version(spec: RunSpec) -> None:
    """Say in the run's error log when the job asks for a Python (3.9; "3" is Glue's 3.6) other than ours."""
    wanted = {"3": "3.6"}.get(spec.python_version, spec.python_version)
    ours = f"{sys.version_info.major}.{sys.version_info.minor}"
    if wanted != ours:
        with open(spec.log_dir / "error", "a", encoding="utf-8") as error_log:
            error_log.write(f"glue-emulator: this job asks for PythonVersion {spec.python_version} (Python {wanted}); "
                            f"it runs on the emulator's Python {ours}\n")


def _pump(source: IO[bytes], target: Path) -> None:
    """Copy a pipe into a log file as it comes, up to the cap; keep draining so the script never blocks."""
    written = 0
    with open(target, "ab", buffering=0) as out:
        for chunk in iter(lambda: source.read1(65536), b""):  # type: ignore[attr-defined]
            if written >= LOG_CAP_BYTES:
                continue
            part = chunk[: LOG_CAP_BYTES - written]
            try:
                out.write(part)
                written += len(part)
                if written >= LOG_CAP_BYTES:
                    out.write(f"\n[glue-emulator] output truncated after {LOG_CAP_BYTES} bytes\n".encode())
            except OSError:  # a full disk must not stop the run; the rest of its output is lost
                written = LOG_CAP_BYTES
    source.close()


class _ShellRun:
    """One script process; `stop()` is the RunHandle."""

    def __init__(self, spec: RunSpec, on_done: Callable[[RunOutcome], None], forget: Callable[[_ShellRun], None]):
        self.spec = spec
        self._on_done = on_done
        self._forget = forget
        self._stopped = False
        self._workdir = Path(tempfile.mkdtemp(prefix=f"glue-{spec.run_id[:16]}-"))
        try:
            self.process = self._launch()
        except BaseException:
            shutil.rmtree(self._workdir, ignore_errors=True)
            raise

    def watch(self) -> None:
        """Wait for the process in the background and report its outcome."""
        threading.Thread(target=self._wait, name=f"pythonshell-{self.spec.run_id[:12]}", daemon=True).start()

    def _launch(self) -> subprocess.Popen[bytes]:
        spec = self.spec
        script = self._workdir / spec.script.name
        shutil.copyfile(spec.script, script)
        # sys.path after the script's folder: --extra-py-files (.py files copied into one folder,
        # archives as they are), then the awsglue library.
        modules_dir = self._workdir / "py-files"
        archives = []
        for extra in spec.extra_py_files:
            if extra.suffix == ".py":
                modules_dir.mkdir(exist_ok=True)
                shutil.copyfile(extra, modules_dir / extra.name)
            else:
                archives.append(str(extra))
        search_path = ([str(modules_dir)] if modules_dir.exists() else []) + archives + [str(_GLUE_LIBRARY)]
        # The server's own AWS settings (profile, endpoints, tokens) are not the run's: drop them.
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(spec.env)
        env["PYTHONUNBUFFERED"] = "1"
        env["PYTHONPATH"] = os.pathsep.join(search_path + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        spec.log_dir.mkdir(parents=True, exist_ok=True)
        _note_python_version(spec)
        self._result = spec.log_dir / _RESULT_FILE
        command = [sys.executable, "-c", _BOOTSTRAP, str(self._result), processes.__file__,
                   str(spec.memory_bytes or 0), str(script), *spec.argv[1:]]
        process = subprocess.Popen(
            command,
            cwd=self._workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        (spec.log_dir / _PID_FILE).write_text(f"{process.pid} {_start_time(process.pid)}")
        self._pumps = [
            threading.Thread(target=_pump, args=(stream, spec.log_dir / name), daemon=True)
            for stream, name in ((process.stdout, "output"), (process.stderr, "error"))
        ]
        for pump in self._pumps:
            pump.start()
        return process

    def stop(self) -> None:
        self._stopped = True
        self._kill()

    def _kill(self) -> None:
        """SIGTERM the run's process group, SIGKILL it if still there after a grace period."""
        self._signal(signal.SIGTERM)
        timer = threading.Timer(_KILL_GRACE_SECONDS, self._signal, (signal.SIGKILL,))
        timer.daemon = True
        timer.start()

    def _signal(self, signum: int) -> None:
        """Signal the run's whole tree: what left its session first (found while the root reaps it), then
        its process group."""
        processes.kill_tree(self.process.pid, signum)
        try:
            os.killpg(self.process.pid, signum)
        except OSError:  # already gone
            pass

    def _wait(self) -> None:
        timed_out = False
        try:
            self.process.wait(timeout=self.spec.timeout_seconds)
        except subprocess.TimeoutExpired:
            timed_out = True
            self._kill()
            self.process.wait()
        # Whatever the script left running in its session goes with it (Glue tears the run down).
        self._signal(signal.SIGKILL)
        drained_by = time.monotonic() + _PUMP_DRAIN_SECONDS
        for pump in self._pumps:  # a process the script detached into its own session may hold the pipes
            pump.join(max(0.0, drained_by - time.monotonic()))
        outcome = self._outcome(timed_out)
        shutil.rmtree(self._workdir, ignore_errors=True)
        self._forget(self)
        self._on_done(outcome)

    def _outcome(self, timed_out: bool) -> RunOutcome:
        if self._stopped:
            return RunOutcome("STOPPED")
        if timed_out:
            return RunOutcome("TIMEOUT")
        code = self.process.returncode
        if code == 0:
            return RunOutcome("SUCCEEDED")
        try:
            message = self._result.read_text(encoding="utf-8", errors="replace")
        except OSError:
            pass
        else:
            if message.split(":", 1)[0] == "MemoryError" and self.spec.memory_bytes:
                message = self._out_of_memory(message)
            return RunOutcome("FAILED", message)
        if code < 0:
            return RunOutcome("FAILED", f"Command failed: the script was killed by {signal.Signals(-code).name}")
        return RunOutcome("FAILED", f"Command failed with exit code {code}")


    def _out_of_memory(self, message: str) -> str:
        limit = self.spec.memory_bytes or 0
        detail = message.split(":", 1)[1].strip() if ":" in message else ""
        return (
            f"MemoryError: the script ran out of memory: a Python shell run with MaxCapacity"
            f" {limit / processes.DPU_MEMORY_BYTES:g} DPU has {processes.describe_bytes(limit)}"
            f" (16 GB per DPU){': ' + detail if detail else ''}"
        )


class PythonShellExecutor:
    """Executor for pythonshell jobs (a component: one per server)."""

    def __init__(self, emulator: Emulator):
        self._runs: set[_ShellRun] = set()
        self._lock = threading.Lock()

    def submit(self, spec: RunSpec, on_done: Callable[[RunOutcome], None]) -> _ShellRun:
        run = _ShellRun(spec, on_done, self._forget)
        with self._lock:
            self._runs.add(run)
        run.watch()
        return run

    def _forget(self, run: _ShellRun) -> None:
        with self._lock:
            self._runs.discard(run)

    def shutdown(self) -> None:
        with self._lock:
            runs = list(self._runs)
        for run in runs:
            run.stop()
