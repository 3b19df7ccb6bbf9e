"""A developer's AWS profile does not reach the emulator: `glue-emulator serve` and the pytest fixture started from a
shell that exports `AWS_PROFILE` (their real account's SSO profile, or a name a CI sets without a ~/.aws/config).

Seen: with a profile missing from ~/.aws/config, CreateJob answered HTTP 500 (botocore's ProfileNotFound raised in
the server while it loaded the API model) and the fixture's `glue_emulator.glue` raised ProfileNotFound before any
request. The emulator serves everything itself, and a Glue job run uses its role's credentials, never the profile
of whoever started the service, so the server, its job runs and the fixture's clients ignore the variable.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from emulator.testing import EmulatorServer

# A job script that makes a boto3 client as Glue scripts do (region and credentials from the run's environment).
SCRIPT = b"import boto3\nprint(sorted(b['Name'] for b in boto3.client('s3').list_buckets()['Buckets']))\n"


@pytest.fixture
def missing_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_PROFILE", "developer-sso")


def test_a_server_started_with_a_missing_aws_profile_serves_and_runs_jobs(missing_profile: None,
                                                                          tmp_path: Path) -> None:
    server = EmulatorServer(tmp_path / "data", env={"GLUE_EMULATOR_SPARK_PREWARM": "0"}).start(300)
    try:
        glue, s3 = server.client("glue"), server.client("s3")
        s3.create_bucket(Bucket="scripts")
        s3.put_object(Bucket="scripts", Key="list.py", Body=SCRIPT)
        glue.create_job(Name="list-buckets", Role="arn:aws:iam::123456789012:role/Glue",
                        Command={"Name": "pythonshell", "ScriptLocation": "s3://scripts/list.py",
                                 "PythonVersion": "3.9"})
        run_id = glue.start_job_run(JobName="list-buckets")["JobRunId"]
        deadline = time.monotonic() + 240
        while (run := glue.get_job_run(JobName="list-buckets", RunId=run_id)["JobRun"])["JobRunState"] in (
                "STARTING", "RUNNING", "WAITING") and time.monotonic() < deadline:
            time.sleep(0.5)
        assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
        events = server.client("logs").get_log_events(logGroupName="/aws-glue/python-jobs/output",
                                                       logStreamName=run_id)["events"]
        assert [e["message"] for e in events] == ["['scripts']"]
    finally:
        server.stop()
