"""A run's resources: the memory Glue gives its capacity, and its whole process tree ending with it.

One server whose time runs 60x faster (a Timeout of 1 minute is one real second).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from support import RUN_WAIT, alive, shell_job, wait_job_run, wait_until

from emulator.jobs.processes import children, descendants, kill_tree, memory_limit
from emulator.testing import EmulatorServer

# A run here ends in a minute at most: a Timeout of 1 (minute) is one real second on this server.
RUN_SECONDS = 60


def start_shell(server: EmulatorServer, glue: Any, name: str, code: str, **job: Any) -> tuple[str, str]:
    """CreateJob of a pythonshell job running `code`, then StartJobRun: (job name, run id)."""
    shell_job(glue, server.client("s3"), name, code, **job)
    return name, glue.start_job_run(JobName=name)["JobRunId"]


def wait_for_lines(path: Path, count: int, timeout: float = RUN_WAIT) -> list[str]:
    """The first `count` lines of `path` once a script has written them whole (each ended by a newline)."""
    text = wait_until(lambda: path.read_text() if path.exists() else "", f"{count} lines in {path}",
                      until=lambda seen: seen.count("\n") >= count, timeout=timeout)
    return text.splitlines()[:count]


# -- memory -------------------------------------------------------------------------------------------


def test_memory_per_capacity_is_glues():
    assert memory_limit(0.0625) == 1024**3
    assert memory_limit(1.0) == 16 * 1024**3
    assert memory_limit(None) is None


def test_a_sixteenth_of_a_dpu_has_1_gb_and_running_out_fails_the_run(server, glue):
    # A private anonymous map counts against RLIMIT_DATA, but its pages stay untouched: no real memory is
    # used (bytearray(n) would write n zero bytes). The bytearray past the limit fails before any write.
    name, run_id = start_shell(server, glue, "small", """
        import mmap
        kept = mmap.mmap(-1, 600 * 1024 * 1024, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)  # fits in 1 GB
        too_much = bytearray(2 * 1024 ** 3)
    """, MaxCapacity=0.0625)
    run = wait_job_run(glue, name, run_id, timeout=RUN_SECONDS)
    assert run["JobRunState"] == "FAILED"
    assert run["ErrorMessage"].startswith("MemoryError: the script ran out of memory")
    assert "MaxCapacity 0.0625 DPU has 1 GB" in run["ErrorMessage"]


def test_one_dpu_has_16_gb(server, glue, tmp_path):
    report = tmp_path / "limit"
    name, run_id = start_shell(server, glue, "large", f"""
        import mmap, resource
        data = mmap.mmap(-1, 2 * 1024 ** 3, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)  # untouched pages
        open({str(report)!r}, "w").write(str(resource.getrlimit(resource.RLIMIT_DATA)[0]))
    """, MaxCapacity=1.0)
    run = wait_job_run(glue, name, run_id, timeout=RUN_SECONDS)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert int(report.read_text()) == 16 * 1024**3


# -- process trees ------------------------------------------------------------------------------------

# A child in its own session (setsid), and a grandchild orphaned by its parent (a double fork).
ESCAPE = """
    import subprocess, sys, time
    pids = open({pids!r}, "w")
    child = subprocess.Popen(["sleep", "300"], start_new_session=True)
    shell = subprocess.Popen(["setsid", "sh", "-c", "sleep 301 & echo $!"], stdout=subprocess.PIPE, text=True)
    orphan = shell.stdout.readline().strip()
    shell.wait()
    pids.write(f"{{child.pid}}\\n{{orphan}}\\n")
    pids.close()
    time.sleep({sleep})
"""


def _escaped(path: Path) -> list[int]:
    return [int(line) for line in wait_for_lines(path, 2)]


def _all_gone(pids: list[int], timeout: float = 10) -> None:
    wait_until(lambda: [pid for pid in pids if alive(pid)], f"processes {pids} to end", until=lambda left: not left,
               timeout=timeout)


def test_processes_that_left_the_session_end_with_a_finished_run(server, glue, tmp_path):
    pids_file = tmp_path / "pids"
    name, run_id = start_shell(server, glue, "escape-ends", ESCAPE.format(pids=str(pids_file), sleep=0))
    assert wait_job_run(glue, name, run_id, timeout=RUN_SECONDS)["JobRunState"] == "SUCCEEDED"
    pids = _escaped(pids_file)
    _all_gone(pids)


def test_processes_that_left_the_session_end_with_a_stopped_run(server, glue, tmp_path):
    pids_file = tmp_path / "pids"
    name, run_id = start_shell(server, glue, "escape-stop", ESCAPE.format(pids=str(pids_file), sleep=300))
    pids = _escaped(pids_file)
    assert all(alive(pid) for pid in pids)
    glue.batch_stop_job_run(JobName=name, JobRunIds=[run_id])
    assert wait_job_run(glue, name, run_id, timeout=RUN_SECONDS)["JobRunState"] == "STOPPED"
    _all_gone(pids)


def test_processes_that_left_the_session_end_with_a_timed_out_run(server, glue, tmp_path):
    pids_file = tmp_path / "pids"
    # A Timeout of 5 minutes (5 s here): the script must have started its children and written their pids before
    # the run times out, and a loaded machine takes seconds to start a measured (coverage) Python.
    name, run_id = start_shell(server, glue, "escape-timeout", ESCAPE.format(pids=str(pids_file), sleep=300), Timeout=5)
    pids = _escaped(pids_file)
    assert wait_job_run(glue, name, run_id, timeout=RUN_SECONDS)["JobRunState"] == "TIMEOUT"
    _all_gone(pids)


def test_kill_tree_finds_descendants_that_left_the_session():
    import subprocess

    parent = subprocess.Popen(["sh", "-c", "setsid sleep 302 & sleep 303 & wait"])
    try:
        below = wait_until(lambda: descendants(parent.pid), "the two sleeps below the shell",
                           until=lambda found: len(found) >= 2, timeout=10, interval=0.02)
        assert len(below) == 2
        assert sorted(kill_tree(parent.pid)) == sorted(below)
        parent.wait(10)
        _all_gone(below)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
    assert os.getpid() not in below


def test_kill_tree_spares_the_subtrees_of_the_children_excluded():
    """A Spark worker keeps its JVM and what runs below it: excluding its direct children is enough."""
    import subprocess

    parent = subprocess.Popen(["sh", "-c", "sh -c 'sleep 304 & wait' & sleep 305 & wait"])
    try:
        below = wait_until(lambda: descendants(parent.pid), "the shell, its sleep and the sleep beside it",
                           until=lambda found: len(found) >= 3, timeout=10, interval=0.02)
        direct = children(parent.pid)
        assert len(direct) == 2 and set(direct) < set(below)
        kept_shell = next(pid for pid in direct if Path(f"/proc/{pid}/cmdline").read_bytes().startswith(b"sh"))
        spared = {kept_shell, *children(kept_shell)}
        assert len(spared) == 2
        signalled = kill_tree(parent.pid, include_root=False, exclude=frozenset({kept_shell}))
        assert sorted(signalled) == sorted(set(below) - spared)
        assert all(alive(pid) for pid in spared)
    finally:
        kill_tree(parent.pid)
        parent.wait(10)
