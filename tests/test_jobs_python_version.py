"""A pythonshell job's PythonVersion is not followed (one interpreter), and its run's log says so."""

from __future__ import annotations

import sys
import time
from typing import Any

import pytest
from support import RUN_WAIT

FINAL = {"SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR"}
OURS = f"{sys.version_info.major}.{sys.version_info.minor}"


def _run(glue_emulator: Any, command: dict[str, str]) -> tuple[dict[str, Any], list[str], list[str]]:
    s3, glue = glue_emulator.s3, glue_emulator.glue
    s3.create_bucket(Bucket="scripts")
    s3.put_object(Bucket="scripts", Key="shell.py",
                  Body=b"import sys\nprint('running on', '%d.%d' % sys.version_info[:2])\n")
    glue.create_job(Name="shell", Role="arn:aws:iam::123456789012:role/Glue",
                    Command={"Name": "pythonshell", "ScriptLocation": "s3://scripts/shell.py", **command})
    run_id = glue.start_job_run(JobName="shell")["JobRunId"]
    deadline = time.monotonic() + RUN_WAIT
    while (run := glue.get_job_run(JobName="shell", RunId=run_id)["JobRun"])["JobRunState"] not in FINAL:
        assert time.monotonic() < deadline, run
        time.sleep(0.05)
    logs = glue_emulator.client("logs")
    streams = [[e["message"] for e in logs.get_log_events(logGroupName=f"/aws-glue/python-jobs/{kind}",
                                                          logStreamName=run_id, startFromHead=True)["events"]]
               for kind in ("output", "error")]
    return run, streams[0], streams[1]


@pytest.mark.parametrize(("command", "wanted"), [({"PythonVersion": "3.9"}, "3.9 (Python 3.9)"),
                                                 ({}, "3.9 (Python 3.9)"),
                                                 ({"PythonVersion": "3"}, "3 (Python 3.6)")])
def test_a_python_version_other_than_ours_runs_on_ours_and_the_log_says_so(glue_emulator, command, wanted):
    run, output, error = _run(glue_emulator, command)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert output == [f"running on {OURS}"]
    assert error == [f"glue-emulator: this job asks for PythonVersion {wanted}; it runs on the emulator's Python {OURS}"]
