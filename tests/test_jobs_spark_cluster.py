"""glueetl runs on a real Spark standalone cluster: a master and two workers started from PySpark's own
distribution (bin/spark-class, Spark's Master and Worker), the emulator pointed at it with
GLUE_EMULATOR_SPARK_MASTER. The job reads the local S3 through the Data Catalog and writes back to it from
executors in the cluster's worker JVMs, which share the data dir with the emulator (same machine here; a
shared filesystem across machines, see README "Performance")."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyspark
import pytest
from support import ROLE, put_script, run_to_end

from emulator.testing import EmulatorServer

SPARK_CLASS = Path(pyspark.__file__).parent / "bin" / "spark-class"


# What the master's log says once it listens on the ports it chose (it is started with port 0 for both).
_MASTER_URL = re.compile(r"Starting Spark master at (spark://\S+)")
_MASTER_UI = re.compile(r"Bound MasterWebUI to \S+ and started at http://[^:\s]+:(\d+)")


def _alive_workers(ui_port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{ui_port}/json/", timeout=5) as answer:
            return int(json.load(answer).get("aliveworkers", 0))
    except OSError:
        return 0


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """spark://host:port of a standalone master with two one-core workers, all stopped at the end.

    Spark chooses the master's ports (port 0) and the test reads them from its log: a port found free and
    closed again could be taken by another process before the master binds it.
    """
    logs = tmp_path_factory.mktemp("cluster")
    env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1", SPARK_LOG_DIR=str(logs), SPARK_WORKER_DIR=str(logs / "work"))
    processes = []

    def start(name: str, *args: str) -> None:
        with open(logs / f"{name}.log", "wb") as log:
            processes.append(subprocess.Popen([str(SPARK_CLASS), *args], stdout=log, stderr=log, env=env,
                                              start_new_session=True))

    def up(what: str, ready: Callable[[], object]) -> Any:
        deadline = time.monotonic() + 240
        while not (found := ready()):
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                pytest.fail(f"the standalone cluster's {what} did not come up; see {logs}")
            time.sleep(0.5)
        return found

    def master_log() -> tuple[str, int] | None:
        text = (logs / "master.log").read_text(errors="replace")
        url, ui = _MASTER_URL.search(text), _MASTER_UI.search(text)
        return (url.group(1), int(ui.group(1))) if url and ui else None

    start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", "0",
          "--webui-port", "0")
    try:
        master, ui_port = up("master", master_log)
        for index in range(2):
            start(f"worker-{index}", "org.apache.spark.deploy.worker.Worker", master, "--host", "127.0.0.1",
                  "--cores", "1", "--memory", "1g", "--webui-port", "0")
        up("workers", lambda: _alive_workers(ui_port) >= 2)
        yield master
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def clustered(cluster: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    # The driver starts on the test run's shared class archive (tests/conftest.py) as any test server's.
    env = {"GLUE_EMULATOR_SPARK_MASTER": cluster, "GLUE_EMULATOR_SPARK_POOL_SIZE": "1"}
    server = EmulatorServer(tmp_path_factory.mktemp("clustered") / "data", env=env).start()
    yield server
    server.stop()


SCRIPT = """
import sys
from awsglue.context import GlueContext
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME"])
sc = SparkContext.getOrCreate()
glue_context = GlueContext(sc)
people = glue_context.create_dynamic_frame.from_catalog(database="cluster", table_name="people").toDF()
people.repartition(4).write.mode("overwrite").parquet("s3://data/out/")
executors = sc._jsc.sc().getExecutorMemoryStatus().size() - 1  # the driver is listed too
print("master", sc.master, "executors", executors, "rows", people.count())
"""


def test_a_job_runs_on_the_standalone_cluster_through_local_s3_and_the_catalog(clustered: EmulatorServer, cluster):
    s3, glue, logs = clustered.client("s3"), clustered.client("glue"), clustered.client("logs")
    s3.create_bucket(Bucket="data")
    s3.put_object(Bucket="data", Key="in/people.csv", Body=b"ana,31\nbo,42\ncy,27\n")
    glue.create_database(DatabaseInput={"Name": "cluster"})
    glue.create_table(DatabaseName="cluster", TableInput={
        "Name": "people", "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "csv"},
        "StorageDescriptor": {
            "Columns": [{"Name": "name", "Type": "string"}, {"Name": "age", "Type": "int"}],
            "Location": "s3://data/in/",
            "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                          "Parameters": {"field.delim": ","}},
        },
    })
    location = put_script(s3, "cluster.py", SCRIPT)
    glue.create_job(Name="on-cluster", Role=ROLE, GlueVersion="4.0",
                    Command={"Name": "glueetl", "ScriptLocation": location})
    run = run_to_end(glue, "on-cluster", timeout=600)
    events = logs.get_log_events(logGroupName="/aws-glue/jobs/output", logStreamName=run["Id"],
                                 startFromHead=True)["events"]
    output = [e["message"] for e in events]
    assert run["JobRunState"] == "SUCCEEDED", (run.get("ErrorMessage"), output)
    line = next(m for m in output if m.startswith("master "))
    assert line == f"master {cluster} executors 2 rows 3", line
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="data", Prefix="out/")["Contents"]]
    assert "out/_SUCCESS" in keys and sum(k.endswith(".parquet") for k in keys) >= 1
