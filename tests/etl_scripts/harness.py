"""Run a Glue script as a glueetl job on the session server and read back what it reported.

Scripts report through `report(...)` (prepended below): one JSON object written to
s3://reports/<run id>, which the test reads after the run.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from support import run_to_end, spark_job

FOLDER = Path(__file__).parent
REPORT_HELPER = '''
def report(**values):
    import json as _json, sys as _sys, boto3 as _boto3
    run_id = _sys.argv[_sys.argv.index("--JOB_RUN_ID") + 1]
    _boto3.client("s3").put_object(Bucket="reports", Key=run_id, Body=_json.dumps(values, default=str))
'''


def script(name: str) -> str:
    """A script of this folder, with the report helper."""
    return REPORT_HELPER + (FOLDER / name).read_text()


def create_job(glue_emulator: Any, name: str, code: str, **extra: Any) -> None:
    s3 = glue_emulator.s3
    if "reports" not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
        s3.create_bucket(Bucket="reports")
    code = textwrap.dedent(code)
    code = code if "def report(" in code else REPORT_HELPER + code
    spark_job(glue_emulator.glue, glue_emulator.s3, name, code, **extra)


def run(glue_emulator: Any, name: str, **arguments: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run the job to its end (it must succeed): the JobRun and the script's report."""
    job_run = run_to_end(glue_emulator.glue, name, Arguments=arguments)
    assert job_run["JobRunState"] == "SUCCEEDED", job_run.get("ErrorMessage")
    body = glue_emulator.s3.get_object(Bucket="reports", Key=job_run["Id"])["Body"].read()
    return job_run, json.loads(body)
