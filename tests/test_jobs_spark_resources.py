"""glueetl runs on a warm Spark worker: a driver out of memory says so; a run's processes end with it.

One server with a pool of one warm driver (a JVM): the runs share it, as warm runs do.
"""

from __future__ import annotations

import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator.testing import EmulatorServer

ROLE = "arn:aws:iam::123456789012:role/GlueRole"
FINAL = {"SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    env = {"GLUE_EMULATOR_SPARK_POOL_SIZE": "1", "GLUE_EMULATOR_SPARK_MASTER": "local[1]"}
    started = EmulatorServer(tmp_path_factory.mktemp("spark-resources") / "data", env=env).start()
    started.client("s3").create_bucket(Bucket="scripts")
    yield started
    started.stop()


def run_spark(server: EmulatorServer, name: str, code: str, timeout: float = 300) -> dict[str, Any]:
    glue = server.client("glue")
    server.client("s3").put_object(Bucket="scripts", Key=f"{name}.py", Body=textwrap.dedent(code).encode())
    glue.create_job(Name=name, Role=ROLE, Command={"Name": "glueetl", "ScriptLocation": f"s3://scripts/{name}.py"})
    run_id = glue.start_job_run(JobName=name)["JobRunId"]
    deadline = time.monotonic() + timeout
    while True:
        run = glue.get_job_run(JobName=name, RunId=run_id)["JobRun"]
        if run["JobRunState"] in FINAL or time.monotonic() > deadline:
            return run
        time.sleep(0.1)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_runs_detached_processes_end_with_it_on_a_warm_worker(server, tmp_path):
    pids_file = tmp_path / "pids"
    run = run_spark(server, "detach", f"""
        import subprocess
        from pyspark.sql import SparkSession
        SparkSession.builder.getOrCreate().range(3).count()
        child = subprocess.Popen(["sleep", "300"], start_new_session=True)
        shell = subprocess.Popen(["setsid", "sh", "-c", "sleep 301 & echo $!"], stdout=subprocess.PIPE, text=True)
        orphan = shell.stdout.readline().strip()
        shell.wait()
        open({str(pids_file)!r}, "w").write(f"{{child.pid}} {{orphan}}")
    """)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    pids = [int(pid) for pid in pids_file.read_text().split()]
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in pids)
    # The worker itself (its JVM, PySpark's daemon) stays warm for the next run.
    assert run_spark(server, "after", """
        from pyspark.sql import SparkSession
        assert SparkSession.builder.getOrCreate().range(5).count() == 5
    """)["JobRunState"] == "SUCCEEDED"


def test_a_driver_out_of_memory_says_so(server):
    # A JVM array bigger than the driver's 1 GB heap: java.lang.OutOfMemoryError in the driver.
    run = run_spark(server, "oom", """
        from pyspark.sql import SparkSession
        jvm = SparkSession.builder.getOrCreate().sparkContext._jvm
        jvm.java.lang.reflect.Array.newInstance(jvm.java.lang.Long.TYPE, 400_000_000)
    """)
    assert run["JobRunState"] == "FAILED"
    message = run["ErrorMessage"]
    assert message.startswith("The Spark driver ran out of memory (its heap, spark.driver.memory, is 1g)"), message
    assert "java.lang.OutOfMemoryError" in message


def test_a_driver_jvm_killed_by_out_of_memory_says_so(server):
    # In local mode tasks run in the driver's JVM: a task out of memory ends the JVM with Spark's exit code 52.
    run = run_spark(server, "oom-task", """
        from pyspark.sql import SparkSession
        SparkSession.builder.getOrCreate().range(1).selectExpr("size(array_repeat(id, 400000000))").collect()
    """)
    assert run["JobRunState"] == "FAILED"
    message = run["ErrorMessage"]
    assert message.startswith("The Spark driver ran out of memory (its heap, spark.driver.memory, is 1g)"), message
    assert "OutOfMemoryError" in message
