"""Coverage of the processes the tests start, kept cheap and saved even when they are killed (CI only).

.ci/run installs this module and `zz_glue_emulator_coverage.pth` (which imports it at every interpreter start,
after coverage.py's own `a1_coverage.pth` has started coverage there) into the venv it measures; nothing of it
ships in the package. It acts only in processes coverage.py measures because the test process asked for it
(COVERAGE_PROCESS_CONFIG, from `patch = subprocess` in pyproject.toml):

- Saved every INTERVAL seconds. coverage.py writes a process's data when it exits (atexit, `os._exit`,
  SIGTERM), so a killed process loses all of it: the Spark pool's workers end with their process group by
  SIGKILL, PySpark's reused Python workers by SIGHUP from its daemon, a server a test crashes on purpose. A
  daemon thread saves what was collected so far; a process forked later (PySpark's daemon forks its workers,
  and `patch = fork` restarts coverage there) gets a thread of its own. coverage.py copies its in-memory data
  before writing, so saving while other threads are traced is safe; a killed process's last interval is lost.
- No search for never-imported files. After each save with new data coverage.py lists every file of `source`
  (about 0.1-0.8 s, a realpath per file) so that files nothing imported report as 0%; done at every save of
  every Spark task's Python worker, that was most of the cost of coverage. The test process still does it
  once, at its exit, which is all the combined data needs.
- No save while the interpreter shuts down. A daemon thread still inside a save (SQLite) when Python finalizes
  can crash the process (SIGSEGV: `serve` refusing a host exited -11 instead of 1 in CI, about 2 s after its
  start); an atexit hook, run before coverage.py's own final save, waits for a save under way and stops the rest.
"""

from __future__ import annotations

import atexit
import os
import threading

INTERVAL = 2.0  # seconds between saves

_saving = threading.Lock()  # held during a save; taken for good at exit
_exiting = threading.Event()


def _save_periodically() -> None:
    import coverage

    while not _exiting.wait(INTERVAL):
        with _saving:
            if _exiting.is_set():
                return
            current = coverage.Coverage.current()
            if current is None:
                return
            try:
                current.save()
            except Exception:  # a save that fails (its folder removed at teardown) must not disturb the process
                return


def _stop_saving() -> None:
    _exiting.set()
    _saving.acquire()  # waits for a save under way; never released, so none starts during finalization


def _start_saver() -> None:
    global _saving, _exiting
    # A forked child inherits the parent's lock and event as they were at the fork: give it its own.
    _saving, _exiting = threading.Lock(), threading.Event()
    threading.Thread(target=_save_periodically, name="coverage-saver", daemon=True).start()


def _no_unexecuted_files(self: object) -> tuple[()]:
    return ()


def install() -> None:
    """In a process coverage.py measures for the test process: save periodically, here and in forked children."""
    if not os.environ.get("COVERAGE_PROCESS_CONFIG"):
        return
    try:
        import coverage
        from coverage.inorout import InOrOut
    except ImportError:
        return
    if coverage.Coverage.current() is None:
        return
    InOrOut.find_possibly_unexecuted_files = _no_unexecuted_files  # type: ignore[method-assign]
    _start_saver()
    os.register_at_fork(after_in_child=_start_saver)
    atexit.register(_stop_saving)  # after coverage.py's atexit, so it runs before coverage.py's final save


install()
