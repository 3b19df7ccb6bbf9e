"""Blueprints against a live server driven by boto3 (issue #18): registration from an archive in the local S3,
runs that really execute the layout script and create its workflow, and that workflow run end to end.

Two blueprints: AWS's published sample crawl_s3_locations (tests/blueprint_samples, unchanged), and one of
our own (below) with a crawler, a pythonshell job depending on it, every parameter type and a script the
layout uploads from its archive.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from support import ROLE, error_of, wait_until

SAMPLES = Path(__file__).parent / "blueprint_samples"
OWN_CFG = {
    "layoutGenerator": "orders.layout.generate_layout",
    "parameterSpec": {
        "WorkflowName": {"type": "String", "collection": False},
        "PassRole": {"type": "IAMRoleArn"},
        "InputPath": {"type": "S3Uri"},
        "ScriptBucket": {"type": "S3Bucket"},
        "Database": {"type": "String", "defaultValue": "orders_db"},
        "Workers": {"type": "Integer", "defaultValue": 2},
        "Mode": {"type": "String", "defaultValue": "append", "allowedValues": ["append", "overwrite"]},
        "Tags": {"type": "String", "collection": True, "defaultValue": []},
        "Fail": {"type": "Boolean", "defaultValue": False},
    },
}
OWN_LAYOUT = '''
import boto3
from awsglue.blueprint.crawler import Crawler
from awsglue.blueprint.job import Job
from awsglue.blueprint.workflow import Entities, Workflow


def generate_layout(user_params, system_params):
    if user_params["Fail"]:
        raise ValueError("asked to fail")
    name = user_params["WorkflowName"]
    s3 = boto3.client("s3")
    boto3.client("glue").create_database(DatabaseInput={"Name": user_params["Database"]})
    with open("orders/check.py", "rb") as script:  # the archive is the working directory
        s3.put_object(Bucket=user_params["ScriptBucket"], Key=f"{name}/check.py", Body=script.read())
    crawler = Crawler(Name=f"{name}_crawler", Role=user_params["PassRole"], DatabaseName=user_params["Database"],
                      Targets={"S3Targets": [{"Path": user_params["InputPath"]}]})
    job = Job(Name=f"{name}_check", Role=user_params["PassRole"], DependsOn={crawler: "SUCCEEDED"},
              Command={"Name": "pythonshell", "PythonVersion": "3.9",
                       "ScriptLocation": f"s3://{user_params['ScriptBucket']}/{name}/check.py"},
              DefaultArguments={"--mode": user_params["Mode"], "--account": system_params["accountId"],
                                "--workers": user_params["Workers"], "--fail": user_params["Fail"]})
    return Workflow(Name=name, Description="orders from a blueprint", DefaultRunProperties={"mode": "x"},
                    Entities=Entities(Jobs=[job], Crawlers=[crawler]))
'''
CHECK_SCRIPT = "import sys\nprint('check', sys.argv[sys.argv.index('--mode') + 1])\n"


def zipped(files: dict[str, str | bytes]) -> bytes:
    """A ZIP of `files`, the same bytes every time (fixed entry times): parameters of tests must be, or the test
    processes of pytest-xdist would collect different tests."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), body)
    return buffer.getvalue()


def own_archive(layout: str = OWN_LAYOUT) -> bytes:
    return zipped({"orders/blueprint.cfg": json.dumps(OWN_CFG), "orders/layout.py": layout,
                   "orders/check.py": CHECK_SCRIPT, "orders/README.md": "Orders."})


@pytest.fixture
def s3(server: Any, glue: Any) -> Any:
    client = server.client("s3")
    for bucket in ("blueprints", "data", "scripts"):
        client.create_bucket(Bucket=bucket)
    client.put_object(Bucket="data", Key="orders/part-1.csv", Body=b"id,amount\n1,2.5\n2,4.0\n")
    client.put_object(Bucket="data", Key="customers/c.csv", Body=b"id,name\n1,ann\n")
    return client


def register(glue: Any, s3: Any, name: str, archive: bytes, **extra: Any) -> dict[str, Any]:
    """CreateBlueprint of `archive` uploaded to s3://blueprints/<name>.zip; the blueprint once registered."""
    s3.put_object(Bucket="blueprints", Key=f"{name}.zip", Body=archive)
    glue.create_blueprint(Name=name, BlueprintLocation=f"s3://blueprints/{name}.zip", **extra)
    return wait_blueprint(glue, name)


def wait_blueprint(glue: Any, name: str) -> dict[str, Any]:
    return wait_until(lambda: glue.get_blueprint(Name=name, IncludeParameterSpec=True)["Blueprint"],
                      f"blueprint {name} registered", until=lambda b: b["Status"] not in ("CREATING", "UPDATING"))


def run_blueprint(glue: Any, name: str, parameters: dict[str, Any]) -> dict[str, Any]:
    run_id = glue.start_blueprint_run(BlueprintName=name, Parameters=json.dumps(parameters), RoleArn=ROLE)["RunId"]
    return wait_until(lambda: glue.get_blueprint_run(BlueprintName=name, RunId=run_id)["BlueprintRun"],
                      f"blueprint run {run_id} to end", until=lambda r: r["State"] in ("SUCCEEDED", "FAILED"),
                      timeout=60)


def run_workflow(glue: Any, name: str) -> dict[str, Any]:
    run_id = glue.start_workflow_run(Name=name)["RunId"]
    return wait_until(lambda: glue.get_workflow_run(Name=name, RunId=run_id, IncludeGraph=True)["Run"],
                      f"workflow {name} run to end", until=lambda r: r["Status"] not in ("RUNNING", "STOPPING"),
                      timeout=90)


OWN_PARAMS = {"WorkflowName": "orders_wf", "PassRole": ROLE, "InputPath": "s3://data/orders/",
              "ScriptBucket": "scripts", "Mode": "overwrite"}


def test_published_sample_crawl_s3_locations_creates_a_workflow_that_runs_to_succeeded(glue, s3):
    folder = SAMPLES / "crawl_s3_locations"
    archive = zipped({f"crawl_s3_locations/{f.name}": f.read_bytes() for f in folder.iterdir()})
    blueprint = register(glue, s3, "crawl_s3_locations", archive, Description="crawl paths")
    assert blueprint["Status"] == "ACTIVE", blueprint.get("ErrorMessage")
    assert json.loads(blueprint["ParameterSpec"])["S3Paths"]["collection"] is True

    run = run_blueprint(glue, "crawl_s3_locations", {
        "WorkflowName": "crawl_wf", "IAMRole": "GlueRole", "DatabaseName": "lake", "TableNamePrefix": "raw_",
        "S3Paths": ["s3://data/orders/", "s3://data/customers/"]})
    assert run["State"] == "SUCCEEDED", run.get("ErrorMessage")
    assert run["WorkflowName"] == "crawl_wf" and run["RoleArn"] == ROLE and "CompletedOn" in run

    workflow = glue.get_workflow(Name="crawl_wf", IncludeGraph=True)["Workflow"]
    assert workflow["BlueprintDetails"] == {"BlueprintName": "crawl_s3_locations", "RunId": run["RunId"]}
    crawlers = sorted(n["Name"] for n in workflow["Graph"]["Nodes"] if n["Type"] == "CRAWLER")
    suffix = run["RunId"][:8]
    assert crawlers == [f"crawl_wf_crawler_0_{suffix}", f"crawl_wf_crawler_1_{suffix}"]
    second = glue.get_trigger(Name=f"crawl_wf_crawl_wf_crawler_1_{suffix}_trigger")["Trigger"]
    assert second["Type"] == "CONDITIONAL" and second["Predicate"]["Conditions"] == [
        {"LogicalOperator": "EQUALS", "CrawlerName": f"crawl_wf_crawler_0_{suffix}", "CrawlState": "SUCCEEDED"}]

    workflow_run = run_workflow(glue, "crawl_wf")
    assert workflow_run["Status"] == "COMPLETED"
    assert workflow_run["Statistics"]["SucceededActions"] == 2, workflow_run["Statistics"]
    tables = {t["Name"]: t for t in glue.get_tables(DatabaseName="lake")["TableList"]}
    assert set(tables) == {"raw_orders", "raw_customers"}
    assert [c["Name"] for c in tables["raw_orders"]["StorageDescriptor"]["Columns"]] == ["id", "amount"]


def test_own_blueprint_creates_crawler_job_and_trigger_and_the_workflow_runs_both(glue, s3, server):
    assert register(glue, s3, "orders", own_archive())["Status"] == "ACTIVE"
    run = run_blueprint(glue, "orders", OWN_PARAMS)
    assert run["State"] == "SUCCEEDED", run.get("ErrorMessage")
    suffix = run["RunId"][:8]
    job = glue.get_job(JobName=f"orders_wf_check_{suffix}")["Job"]
    # defaults filled in, the system parameters given, scalars as their JSON text, the script uploaded by the
    # layout from its archive
    assert job["DefaultArguments"] == {"--mode": "overwrite", "--account": "123456789012", "--workers": "2",
                                       "--fail": "false"}
    assert s3.get_object(Bucket="scripts", Key="orders_wf/check.py")["Body"].read().decode() == CHECK_SCRIPT
    assert glue.get_crawler(Name=f"orders_wf_crawler_{suffix}")["Crawler"]["DatabaseName"] == "orders_db"
    workflow = glue.get_workflow(Name="orders_wf")["Workflow"]
    assert workflow["Description"] == "orders from a blueprint" and workflow["DefaultRunProperties"] == {"mode": "x"}

    workflow_run = run_workflow(glue, "orders_wf")
    assert workflow_run["Status"] == "COMPLETED"
    assert workflow_run["Statistics"]["SucceededActions"] == 2, workflow_run["Statistics"]
    job_run = glue.get_job_runs(JobName=f"orders_wf_check_{suffix}")["JobRuns"][0]
    assert job_run["JobRunState"] == "SUCCEEDED"
    logs = server.client("logs")
    events = logs.get_log_events(logGroupName="/aws-glue/python-jobs/output", logStreamName=job_run["Id"])["events"]
    assert [e["message"] for e in events] == ["check overwrite"]  # the script the layout uploaded, its argument
    assert glue.get_table(DatabaseName="orders_db", Name="orders")["Table"]["Name"] == "orders"


def test_published_sample_compaction_passes_numbers_and_booleans_as_job_arguments(glue, s3):
    glue.create_database(DatabaseInput={"Name": "src"})
    glue.create_table(DatabaseName="src", TableInput={"Name": "events", "StorageDescriptor": {
        "Location": "s3://data/orders/", "Columns": [{"Name": "id", "Type": "int"}]}})
    folder = SAMPLES / "compaction"
    register(glue, s3, "compaction", zipped({f"compaction/{f.name}": f.read_bytes() for f in folder.iterdir()}))
    run = run_blueprint(glue, "compaction", {
        "WorkflowName": "compact", "IAMRole": "GlueRole", "SourceDatabaseName": "src", "SourceTableName": "events",
        "DestinationDatabaseName": "dst", "DestinationTableName": "events", "OutputDataLocation": "s3://data/out/",
        "DesiredFileSizeMB": 64.5})
    assert run["State"] == "SUCCEEDED", run.get("ErrorMessage")
    job = glue.get_job(JobName=f"compact_compaction_src_events_{run['RunId'][:8]}")["Job"]
    arguments = job["DefaultArguments"]
    assert (arguments["--enable_size_control"], arguments["--desired_size_mb"], arguments["--enable_manifest"]) == (
        "false", "64.5", "true")
    key = "compact/compaction_src_events.py"
    assert job["Command"]["ScriptLocation"] == f"s3://aws-glue-scripts-123456789012-us-east-1/{key}"
    body = s3.get_object(Bucket="aws-glue-scripts-123456789012-us-east-1", Key=key)["Body"]
    assert body.read() == (folder / "compaction.py").read_bytes()


@pytest.mark.parametrize(("parameters", "problem"), [
    ({k: v for k, v in OWN_PARAMS.items() if k != "InputPath"}, "Required parameters are missing: InputPath"),
    ({**OWN_PARAMS, "Workers": "2"}, "Parameter Workers must be of type Integer"),
    ({**OWN_PARAMS, "Mode": "merge"}, "Parameter Mode must be one of"),
    ({**OWN_PARAMS, "InputPath": "/tmp/x"}, "Parameter InputPath must be of type S3Uri"),
    ({**OWN_PARAMS, "PassRole": "GlueRole"}, "Parameter PassRole must be of type IAMRoleArn"),
    ({**OWN_PARAMS, "Tags": "a"}, "Parameter Tags is a collection"),
    ({**OWN_PARAMS, "Colour": "red"}, "no parameters named Colour"),
])
def test_parameters_that_do_not_fit_the_spec_are_refused(glue, s3, parameters, problem):
    register(glue, s3, "orders", own_archive())
    with pytest.raises(glue.exceptions.InvalidInputException) as caught:
        glue.start_blueprint_run(BlueprintName="orders", Parameters=json.dumps(parameters), RoleArn=ROLE)
    assert problem in error_of(caught)[1]
    assert glue.get_blueprint_runs(BlueprintName="orders")["BlueprintRuns"] == []


def test_a_failing_layout_fails_the_run_with_its_error_and_creates_nothing(glue, s3):
    register(glue, s3, "orders", own_archive())
    run = run_blueprint(glue, "orders", {**OWN_PARAMS, "Fail": True})
    assert run["State"] == "FAILED"
    assert run["ErrorMessage"] == ("The layout generator orders.layout.generate_layout failed: "
                                   "ValueError: asked to fail")
    assert glue.list_workflows()["Workflows"] == [] and glue.list_jobs()["JobNames"] == []


def test_a_layout_returning_no_workflow_fails_the_run(glue, s3):
    register(glue, s3, "orders", own_archive("def generate_layout(user_params, system_params):\n    return {}\n"))
    run = run_blueprint(glue, "orders", OWN_PARAMS)
    assert run["State"] == "FAILED" and "returned dict, not an awsglue.blueprint Workflow" in run["ErrorMessage"]


def test_an_entity_that_cannot_be_created_rolls_back_what_the_run_created(glue, s3):
    register(glue, s3, "orders", own_archive())
    # the starting trigger's name is taken: the workflow, crawler and job are created before it fails
    glue.create_job(Name="elsewhere", Role=ROLE, Command={"Name": "pythonshell", "ScriptLocation": "s3://s/x.py"})
    glue.create_trigger(Name="orders_wf_starting_trigger", Type="ON_DEMAND", Actions=[{"JobName": "elsewhere"}])
    run = run_blueprint(glue, "orders", OWN_PARAMS)
    assert run["State"] == "FAILED"
    assert run["ErrorMessage"].startswith("CreateTrigger orders_wf_starting_trigger failed: AlreadyExistsException")
    assert "RollbackErrorMessage" not in run
    assert glue.list_workflows()["Workflows"] == []
    assert glue.list_jobs()["JobNames"] == ["elsewhere"] and glue.list_crawlers()["CrawlerNames"] == []
    assert glue.get_trigger(Name="orders_wf_starting_trigger")["Trigger"]["Actions"] == [{"JobName": "elsewhere"}]


@pytest.mark.parametrize(("archive", "error"), [
    (b"not a zip", "The blueprint archive is not a ZIP file."),
    (zipped({"x/layout.py": ""}), "must hold one blueprint.cfg"),
    (zipped({"x/blueprint.cfg": "{"}), "blueprint.cfg is not valid JSON"),
    (zipped({"x/blueprint.cfg": json.dumps({"layoutGenerator": "x.layout.go"})}),
     "The layout generator's module x/layout.py is not in the blueprint archive."),
    (zipped({"x/blueprint.cfg": json.dumps({"layoutGenerator": "x.layout.go", "parameterSpec": {"a": {}}}),
             "x/layout.py": ""}), "Parameter a in blueprint.cfg must have a type"),
])
def test_a_bad_archive_leaves_the_blueprint_failed_with_its_error(glue, s3, archive, error):
    blueprint = register(glue, s3, "bad", archive)
    assert blueprint["Status"] == "FAILED" and error in blueprint["ErrorMessage"]
    assert "LastActiveDefinition" not in blueprint
    with pytest.raises(glue.exceptions.IllegalBlueprintStateException):
        glue.start_blueprint_run(BlueprintName="bad", RoleArn=ROLE)


def test_a_missing_archive_object_fails_the_blueprint(glue, s3):
    glue.create_blueprint(Name="gone", BlueprintLocation="s3://blueprints/nothing.zip")
    blueprint = wait_blueprint(glue, "gone")
    assert blueprint["Status"] == "FAILED"
    assert blueprint["ErrorMessage"] == "BlueprintLocation s3://blueprints/nothing.zip does not exist in the local S3"


def test_update_registers_a_new_archive_and_a_bad_one_keeps_the_last_active_definition(glue, s3):
    first = register(glue, s3, "orders", own_archive(), Description="v1")
    assert first["LastActiveDefinition"]["Description"] == "v1"
    s3.put_object(Bucket="blueprints", Key="broken.zip", Body=b"junk")
    glue.update_blueprint(Name="orders", BlueprintLocation="s3://blueprints/broken.zip", Description="v2")
    updated = wait_blueprint(glue, "orders")
    assert updated["Status"] == "FAILED" and updated["Description"] == "v2"
    assert updated["LastActiveDefinition"]["BlueprintLocation"] == "s3://blueprints/orders.zip"
    assert updated["LastActiveDefinition"]["Description"] == "v1"
    # runs use the last active definition
    assert run_blueprint(glue, "orders", OWN_PARAMS)["State"] == "SUCCEEDED"

    glue.update_blueprint(Name="orders", BlueprintLocation="s3://blueprints/orders.zip")
    again = wait_blueprint(glue, "orders")
    assert again["Status"] == "ACTIVE" and "ErrorMessage" not in again
    assert again["LastActiveDefinition"]["LastModifiedOn"] > first["LastActiveDefinition"]["LastModifiedOn"]


def test_lifecycle_errors_listing_and_batch_get(glue, s3):
    with pytest.raises(glue.exceptions.EntityNotFoundException) as caught:
        glue.get_blueprint(Name="none")
    assert error_of(caught) == ("EntityNotFoundException", "Blueprint none not found.")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.update_blueprint(Name="none", BlueprintLocation="s3://blueprints/x.zip")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.start_blueprint_run(BlueprintName="none", RoleArn=ROLE)
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_blueprint_runs(BlueprintName="none")
    assert glue.delete_blueprint(Name="none")["Name"] == "none"  # AWS models no EntityNotFoundException here
    for name in ("b1", "b2", "b3"):
        register(glue, s3, name, own_archive(), Tags={"team": "a" if name != "b2" else "b"})
    with pytest.raises(glue.exceptions.AlreadyExistsException):
        glue.create_blueprint(Name="b1", BlueprintLocation="s3://blueprints/b1.zip")
    first = glue.list_blueprints(MaxResults=2)
    assert first["Blueprints"] == ["b1", "b2"]
    assert glue.list_blueprints(NextToken=first["NextToken"])["Blueprints"] == ["b3"]
    assert glue.list_blueprints(Tags={"team": "a"})["Blueprints"] == ["b1", "b3"]
    batch = glue.batch_get_blueprints(Names=["b3", "nope", "b1"])
    assert [b["Name"] for b in batch["Blueprints"]] == ["b3", "b1"] and batch["MissingBlueprints"] == ["nope"]
    assert all("ParameterSpec" not in b for b in batch["Blueprints"])
    assert "ParameterSpec" in glue.batch_get_blueprints(Names=["b1"], IncludeParameterSpec=True)["Blueprints"][0]

    run = run_blueprint(glue, "b1", {**OWN_PARAMS, "Fail": True})
    assert [r["RunId"] for r in glue.get_blueprint_runs(BlueprintName="b1")["BlueprintRuns"]] == [run["RunId"]]
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_blueprint_run(BlueprintName="b1", RunId="nope")
    glue.delete_blueprint(Name="b1")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_blueprint(Name="b1")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_blueprint_run(BlueprintName="b1", RunId=run["RunId"])
    assert glue.get_blueprint_runs(BlueprintName="b2")["BlueprintRuns"] == []
