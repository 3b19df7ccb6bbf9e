"""A run's resources: the memory Glue gives its capacity, and its whole process tree ending with it.

One server whose time runs 60x faster (a Timeout of 1 minute is one real second).
"""

from __future__ import annotations

import os
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator.jobs.processes import descendants, kill_tree, memory_limit
from emulator.testing import EmulatorServer

ROLE = "arn:aws:iam::123456789012:role/GlueRole"
FINAL = {"SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    env = {"GLUE_EMULATOR_TIME_SCALE": "60", "GLUE_EMULATOR_SPARK_PREWARM": "0"}
    started = EmulatorServer(tmp_path_factory.mktemp("resources") / "data", env=env).start()
    started.client("s3").create_bucket(Bucket="scripts")
    yield started
    started.stop()


@pytest.fixture
def glue(server: EmulatorServer) -> Any:
    return server.client("glue")


def run_shell(server: EmulatorServer, glue: Any, name: str, code: str, wait: bool = True, **job: Any) -> tuple[str, str]:
    server.client("s3").put_object(Bucket="scripts", Key=f"{name}.py", Body=textwrap.dedent(code).encode())
    glue.create_job(Name=name, Role=ROLE, Command={"Name": "pythonshell", "ScriptLocation": f"s3://scripts/{name}.py"},
                    **job)
    run_id = glue.start_job_run(JobName=name)["JobRunId"]
    if wait:
        wait_run(glue, name, run_id)
    return name, run_id


def wait_run(glue: Any, job: str, run_id: str, states: set[str] = FINAL, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        run = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
        if run["JobRunState"] in states or time.monotonic() > deadline:
            return run
        time.sleep(0.05)


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to collect it counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for_file(path: Path, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            time.sleep(0.1)  # every line written
            return path.read_text()
        time.sleep(0.05)
    raise AssertionError(f"{path} was not written")


# -- memory -------------------------------------------------------------------------------------------


def test_memory_per_capacity_is_glues():
    assert memory_limit(0.0625) == 1024**3
    assert memory_limit(1.0) == 16 * 1024**3
    assert memory_limit(None) is None


def test_a_sixteenth_of_a_dpu_has_1_gb_and_running_out_fails_the_run(server, glue):
    # bytearray(n) asks for zeroed memory the kernel maps lazily: no real memory is used either way.
    name, run_id = run_shell(server, glue, "small", """
        kept = bytearray(600 * 1024 * 1024)  # fits in 1 GB
        too_much = bytearray(2 * 1024 ** 3)
    """, MaxCapacity=0.0625)
    run = wait_run(glue, name, run_id)
    assert run["JobRunState"] == "FAILED"
    assert run["ErrorMessage"].startswith("MemoryError: the script ran out of memory")
    assert "MaxCapacity 0.0625 DPU has 1 GB" in run["ErrorMessage"]


def test_one_dpu_has_16_gb(server, glue, tmp_path):
    report = tmp_path / "limit"
    name, run_id = run_shell(server, glue, "large", f"""
        import resource
        data = bytearray(2 * 1024 ** 3)
        open({str(report)!r}, "w").write(str(resource.getrlimit(resource.RLIMIT_DATA)[0]))
    """, MaxCapacity=1.0)
    run = wait_run(glue, name, run_id)
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
    pids = [int(line) for line in wait_for_file(path).split()]
    assert len(pids) == 2
    return pids


def _all_gone(pids: list[int], timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(alive(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


def test_processes_that_left_the_session_end_with_a_finished_run(server, glue, tmp_path):
    pids_file = tmp_path / "pids"
    name, run_id = run_shell(server, glue, "escape-ends", ESCAPE.format(pids=str(pids_file), sleep=0))
    assert wait_run(glue, name, run_id)["JobRunState"] == "SUCCEEDED"
    pids = _escaped(pids_file)
    assert _all_gone(pids), [pid for pid in pids if alive(pid)]


def test_processes_that_left_the_session_end_with_a_stopped_run(server, glue, tmp_path):
    pids_file = tmp_path / "pids"
    name, run_id = run_shell(server, glue, "escape-stop", ESCAPE.format(pids=str(pids_file), sleep=300), wait=False)
    pids = _escaped(pids_file)
    assert all(alive(pid) for pid in pids)
    glue.batch_stop_job_run(JobName=name, JobRunIds=[run_id])
    assert wait_run(glue, name, run_id)["JobRunState"] == "STOPPED"
    assert _all_gone(pids), [pid for pid in pids if alive(pid)]


def test_processes_that_left_the_session_end_with_a_timed_out_run(server, glue, tmp_path):
    pids_file = tmp_path / "pids"
    name, run_id = run_shell(server, glue, "escape-timeout", ESCAPE.format(pids=str(pids_file), sleep=300),
                             wait=False, Timeout=1)
    pids = _escaped(pids_file)
    assert wait_run(glue, name, run_id)["JobRunState"] == "TIMEOUT"
    assert _all_gone(pids), [pid for pid in pids if alive(pid)]


def test_kill_tree_finds_descendants_that_left_the_session():
    import subprocess

    parent = subprocess.Popen(["sh", "-c", "setsid sleep 302 & sleep 303 & wait"])
    try:
        deadline = time.monotonic() + 10
        while len(descendants(parent.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        below = descendants(parent.pid)
        assert len(below) == 2
        assert sorted(kill_tree(parent.pid)) == sorted(below)
        parent.wait(10)
        assert _all_gone(below)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
    assert os.getpid() not in below
