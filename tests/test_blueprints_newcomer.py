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
               until=lambda status: status == "ACTIVE", timeout=60)
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


# A layout written against AWS's library as community blueprints are: the target helper classes of
# awsglue.blueprint.crawler imported, Entities given a Triggers list (AWS's Entities ignores keywords it does not
# read), and DependsOn set on the objects after they are built.
COMMUNITY_LAYOUT = """
from awsglue.blueprint.crawler import Crawler, S3Target, Targets
from awsglue.blueprint.job import Command, Job
from awsglue.blueprint.workflow import Entities, Workflow


def generate_layout(user_params, system_params):
    name = user_params["WorkflowName"]
    role = "arn:aws:iam::" + system_params["accountId"] + ":role/GlueRole"
    raw = Crawler(Name=name + "_raw", Role=role, DatabaseName="raw",
                  Targets=Targets(S3Targets=[S3Target(Path="s3://bp-data/in/").to_json()]).to_json())
    convert = Job(Name=name + "_convert", Role=role, Timeout=60,
                  Command=Command(Name="glueetl", ScriptLocation="s3://bp-scripts/c.py").to_json())
    convert.DependsOn = {raw: "SUCCEEDED"}
    return Workflow(Name=name, Entities=Entities(Jobs=[convert], Crawlers=[raw], Triggers=[]))
"""


def test_community_layout_written_against_aws_library(glue: Any, server: Any) -> None:
    s3 = server.client("s3")
    s3.create_bucket(Bucket="bp-archives")
    s3.create_bucket(Bucket="bp-data")  # the crawler's target
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("community/blueprint.cfg", json.dumps(
            {"layoutGenerator": "community.layout.generate_layout",
             "parameterSpec": {"WorkflowName": {"type": "String"}}}))
        archive.writestr("community/layout.py", COMMUNITY_LAYOUT)
    s3.put_object(Bucket="bp-archives", Key="community.zip", Body=buffer.getvalue())
    glue.create_blueprint(Name="community", BlueprintLocation="s3://bp-archives/community.zip")
    wait_until(lambda: glue.get_blueprint(Name="community")["Blueprint"]["Status"], "blueprint ACTIVE",
               until=lambda status: status == "ACTIVE", timeout=60)

    run_id = glue.start_blueprint_run(BlueprintName="community", RoleArn=ROLE,
                                      Parameters=json.dumps({"WorkflowName": "cw"}))["RunId"]
    run = wait_until(lambda: glue.get_blueprint_run(BlueprintName="community", RunId=run_id)["BlueprintRun"],
                     "blueprint run over", until=lambda r: r["State"] in ("SUCCEEDED", "FAILED"), timeout=60)
    assert run["State"] == "SUCCEEDED", run.get("ErrorMessage")
    suffix = run_id[:8]
    crawler = glue.get_crawler(Name=f"cw_raw_{suffix}")["Crawler"]
    assert crawler["Targets"]["S3Targets"][0]["Path"] == "s3://bp-data/in/"
    job = glue.get_job(JobName=f"cw_convert_{suffix}")["Job"]
    assert job["Command"]["ScriptLocation"] == "s3://bp-scripts/c.py" and job["Timeout"] == 60
    condition = glue.get_trigger(Name=f"cw_cw_convert_{suffix}_trigger")["Trigger"]["Predicate"]["Conditions"]
    assert condition == [{"LogicalOperator": "EQUALS", "CrawlerName": f"cw_raw_{suffix}", "CrawlState": "SUCCEEDED"}]
