"""A user's first hour: the README's serve command, in a fresh directory, runs a glueetl job.

The server is the installed `glue-emulator` console script (next to this Python or on PATH) started with no
flags in an empty directory, so its data dir is the relative default `./.glue-emulator`; CI runs this against
a non-editable install, where the emulator's root is site-packages.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import boto3
import pytest
from support import wait_job_run

# A cold Spark driver on 2 busy cores has taken over a minute to start.
RUN_TIMEOUT_SECONDS = 400.0


def _console_script() -> str:
    beside = Path(sys.executable).parent / "glue-emulator"
    found = str(beside) if beside.exists() else shutil.which("glue-emulator")
    if found is None:
        pytest.skip("the glue-emulator console script is not installed")
    return found


def test_the_readme_serve_command_runs_a_glueetl_job_with_its_output_in_logs(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GLUE_EMULATOR_")}
    # Only the port differs from the README (4566 may be taken on a shared machine); one warm driver saves CPU.
    env.update(GLUE_EMULATOR_PORT="0", GLUE_EMULATOR_SPARK_POOL_SIZE="1")
    with open(tmp_path.parent / f"{tmp_path.name}-server.log", "w") as server_log:
        server = subprocess.Popen([_console_script(), "serve"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                  stderr=server_log, text=True)
    try:
        line = server.stdout.readline()
        assert " listening on http://127.0.0.1:" in line, line
        endpoint = line.split(" listening on ")[1].strip()
        clients = {name: boto3.client(name, endpoint_url=endpoint, region_name="us-east-1",
                                      aws_access_key_id="testing", aws_secret_access_key="testing")
                   for name in ("s3", "glue", "logs")}
        s3, glue, logs = clients["s3"], clients["glue"], clients["logs"]
        s3.create_bucket(Bucket="scripts")
        code = """
            import sys
            from pyspark.sql import SparkSession

            spark = SparkSession.builder.getOrCreate()
            print("hello from spark:", spark.range(5).count(), "rows")
            print("and a note on stderr", file=sys.stderr)
        """
        s3.put_object(Bucket="scripts", Key="hello.py", Body=textwrap.dedent(code).encode())
        glue.create_job(Name="hello", Role="arn:aws:iam::123456789012:role/Glue",
                        Command={"Name": "glueetl", "ScriptLocation": "s3://scripts/hello.py"})
        run_id = glue.start_job_run(JobName="hello")["JobRunId"]
        run = wait_job_run(glue, "hello", run_id, timeout=RUN_TIMEOUT_SECONDS, interval=0.2)
        assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")

        def messages(group: str) -> list[str]:
            answer = logs.get_log_events(logGroupName=group, logStreamName=run_id, startFromHead=True)
            return [event["message"] for event in answer["events"]]

        assert "hello from spark: 5 rows" in messages("/aws-glue/jobs/output")
        assert "and a note on stderr" in messages("/aws-glue/jobs/error")
        with urllib.request.urlopen(endpoint + "/_emulator/health", timeout=30) as answer:
            assert json.load(answer)["spark"] == {"status": "ready"}
        # The relative default data dir, under the directory serve was started in.
        assert (tmp_path / ".glue-emulator" / "state.sqlite3").is_file()
        assert (tmp_path / ".glue-emulator" / "s3" / "scripts" / "hello.py").is_file()
    finally:
        server.terminate()
        server.wait(timeout=60)
