"""Blueprints used as AWS's own blueprint library allows (boto3 against a live server).

AWS's `awsglue.blueprint` (awslabs/aws-glue-blueprint-libs, awsglue/blueprint/workflow.py) reads a Workflow's
OnSchedule three ways: "EVENT" makes the starting trigger an EVENT trigger (EventBatchingCondition BatchSize 1,
for workflows started by EventBridge), "ON_DEMAND" (or nothing) an ON_DEMAND one, anything else a SCHEDULED one
on that cron expression.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from support import ROLE, wait_until

CFG = {"layoutGenerator": "evented.layout.generate_layout",
       "parameterSpec": {"WorkflowName": {"type": "String"}, "OnSchedule": {"type": "String"}}}
LAYOUT = """
from awsglue.blueprint.job import Job
from awsglue.blueprint.workflow import Entities, Workflow


def generate_layout(user_params, system_params):
    role = "arn:aws:iam::" + system_params["accountId"] + ":role/GlueRole"
    job = Job(Name="load", Role=role, Command={"Name": "pythonshell", "ScriptLocation": "s3://bp-scripts/load.py"})
    return Workflow(Name=user_params["WorkflowName"], OnSchedule=user_params["OnSchedule"],
                    Entities=Entities(Jobs=[job]))
"""


def _archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evented/blueprint.cfg", json.dumps(CFG))
        archive.writestr("evented/layout.py", LAYOUT)
    return buffer.getvalue()


@pytest.fixture
def blueprint(glue: Any, server: Any) -> str:
    s3 = server.client("s3")
    s3.create_bucket(Bucket="bp-archives")
    s3.put_object(Bucket="bp-archives", Key="evented.zip", Body=_archive())
    glue.create_blueprint(Name="evented", BlueprintLocation="s3://bp-archives/evented.zip")
    wait_until(lambda: glue.get_blueprint(Name="evented")["Blueprint"]["Status"], "blueprint ACTIVE",
               until=lambda status: status == "ACTIVE", timeout=20)
    return "evented"


@pytest.mark.parametrize(("on_schedule", "expected"), [
    ("EVENT", {"Type": "EVENT", "EventBatchingCondition": {"BatchSize": 1}}),
    ("ON_DEMAND", {"Type": "ON_DEMAND"}),
    ("cron(15 12 * * ? *)", {"Type": "SCHEDULED", "Schedule": "cron(15 12 * * ? *)"}),
])
def test_on_schedule_as_aws_library_reads_it(glue: Any, blueprint: str, on_schedule: str,
                                             expected: dict[str, Any]) -> None:
    run_id = glue.start_blueprint_run(BlueprintName=blueprint, RoleArn=ROLE, Parameters=json.dumps(
        {"WorkflowName": "wf", "OnSchedule": on_schedule}))["RunId"]
    run = wait_until(lambda: glue.get_blueprint_run(BlueprintName=blueprint, RunId=run_id)["BlueprintRun"],
                     "blueprint run over", until=lambda r: r["State"] in ("SUCCEEDED", "FAILED"), timeout=60)
    assert run["State"] == "SUCCEEDED", run.get("ErrorMessage")
    trigger = glue.get_trigger(Name="wf_starting_trigger")["Trigger"]
    assert {key: trigger.get(key) for key in expected} == expected
    assert trigger["Actions"] == [{"JobName": f"load_{run_id[:8]}"}]
