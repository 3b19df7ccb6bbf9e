"""`serve` on a data dir -> the first trivial glueetl run SUCCEEDED, beside a bare PySpark session, in one run.

Run by hand:  python tests/benchmarks/bench_cold_start.py [--repeats 3]

Interleaved `--repeats` times:
- bare PySpark: a fresh `python -c` building a SparkSession and counting 10 rows (no emulator at all);
- serve, fresh data dir: the server started on an empty data dir (no class archive yet), a job created and
  started through boto3 as soon as the server answers, polled until SUCCEEDED;
- serve, data dir with its class archive: the same on a data dir whose drivers' JVM class-data sharing
  archive was recorded by an earlier server (see emulator/jobs/java.py, ClassArchive).
The pool keeps its default two drivers, so this measures the JVMs the pool really starts. Medians, with the
load average, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from emulator.testing import EmulatorServer

SCRIPT = "from pyspark.sql import SparkSession\nprint(SparkSession.builder.getOrCreate().range(10).count())\n"


def bare_pyspark() -> float:
    begin = time.perf_counter()
    subprocess.run([sys.executable, "-c", SCRIPT], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - begin


def first_run(data_dir: Path) -> float:
    """Seconds from starting `serve` to the first run's SUCCEEDED."""
    begin = time.perf_counter()
    server = EmulatorServer(data_dir).start()
    try:
        s3, glue = server.client("s3"), server.client("glue")
        if not s3.list_buckets()["Buckets"]:
            s3.create_bucket(Bucket="scripts")
            s3.put_object(Bucket="scripts", Key="trivial.py", Body=SCRIPT.encode())
            glue.create_job(Name="trivial", Role="r", GlueVersion="4.0",
                            Command={"Name": "glueetl", "ScriptLocation": "s3://scripts/trivial.py"})
        run_id = glue.start_job_run(JobName="trivial")["JobRunId"]
        while True:
            state = glue.get_job_run(JobName="trivial", RunId=run_id)["JobRun"]["JobRunState"]
            if state == "SUCCEEDED":
                return time.perf_counter() - begin
            if state in ("FAILED", "ERROR", "STOPPED", "TIMEOUT"):
                raise SystemExit(f"the run ended {state}")
            time.sleep(0.05)
    finally:
        server.stop()


def wait_for_archive(data_dir: Path, timeout: float = 300) -> bool:
    """Let a server on `data_dir` stay up until its drivers' class archive is recorded."""
    server = EmulatorServer(data_dir).start()
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if list((data_dir / "spark").glob("spark-classes-*.jsa")):
                return True
            time.sleep(1)
        return False
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    bare, fresh, archived = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        with_archive = Path(tmp) / "archived"
        if not wait_for_archive(with_archive):
            raise SystemExit("no class archive was recorded")
        for index in range(args.repeats):
            bare.append(bare_pyspark())
            fresh_dir = Path(tmp) / f"fresh-{index}"
            fresh.append(first_run(fresh_dir))
            shutil.rmtree(fresh_dir, ignore_errors=True)
            archived.append(first_run(with_archive))
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'seconds (median of ' + str(args.repeats) + ')':<48}{'':>8}")
    print(f"{'bare PySpark session + count':<48}{statistics.median(bare):>8.2f}")
    print(f"{'serve, fresh data dir -> first run SUCCEEDED':<48}{statistics.median(fresh):>8.2f}")
    print(f"{'serve, data dir with class archive -> first run':<48}{statistics.median(archived):>8.2f}")


if __name__ == "__main__":
    main()
