"""Workflows end to end on pythonshell jobs: definitions, graphs, runs, statistics, run properties,
MaxConcurrentRuns, frozen triggers, scoping, stop, resume, EVENT triggers and restart.

The shared vocabulary (Glue, condition, predicate, ...) is in support.py.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from support import (
    ROLE,
    Glue,
    condition,
    crawl_condition,
    job_runs_of,
    nodes_by_name,
    predicate,
    statistics,
    wait_crawler_ready,
    wait_until,
)

from emulator.testing import EmulatorServer

WNODE = re.compile(r"wnode_[0-9a-f]{64}")
# A job that reads a run property and writes one, through boto3, as Glue documents it.
PROPERTIES_SCRIPT = """
import sys, boto3
from awsglue.utils import getResolvedOptions
args = getResolvedOptions(sys.argv, ["JOB_NAME", "WORKFLOW_NAME", "WORKFLOW_RUN_ID"])
glue = boto3.client("glue")
props = glue.get_workflow_run_properties(Name=args["WORKFLOW_NAME"], RunId=args["WORKFLOW_RUN_ID"])["RunProperties"]
if props.get("fail") == "yes":
    raise RuntimeError("asked to fail")
seen = {"seen_by_" + args["JOB_NAME"]: props["source"]}
glue.put_workflow_run_properties(Name=args["WORKFLOW_NAME"], RunId=args["WORKFLOW_RUN_ID"], RunProperties=seen)
"""


@pytest.fixture
def glue(glue_emulator: Any) -> Glue:
    return Glue(glue_emulator.glue, glue_emulator.s3)


def diamond(glue: Glue, fail_b: bool = False) -> None:
    """wf: start -> a, b; (a AND b SUCCEEDED) -> c; b FAILED -> d."""
    glue.job("a")
    glue.job("b", "raise SystemExit(2)" if fail_b else "print('b')")
    glue.job("c")
    glue.job("d")
    glue.api.create_workflow(Name="wf", Description="diamond", DefaultRunProperties={"source": "defaults"})
    glue.trigger("start", "ON_DEMAND", ["a", "b"], WorkflowName="wf")
    glue.conditional("both", predicate(condition("a"), condition("b")), ["c"], WorkflowName="wf")
    glue.conditional("b_failed", predicate(condition("b", "FAILED")), ["d"], WorkflowName="wf")


# -- definitions ----------------------------------------------------------------------------------


def test_create_get_update_and_list_workflows(glue):
    api = glue.api
    created = api.create_workflow(Name="w1", Description="d", DefaultRunProperties={"k": "v"}, MaxConcurrentRuns=2)
    assert created["Name"] == "w1"
    api.create_workflow(Name="w2")
    with pytest.raises(api.exceptions.AlreadyExistsException):
        api.create_workflow(Name="w1")
    workflow = api.get_workflow(Name="w1")["Workflow"]
    assert {k: workflow[k] for k in ("Name", "Description", "DefaultRunProperties", "MaxConcurrentRuns")} == {
        "Name": "w1",
        "Description": "d",
        "DefaultRunProperties": {"k": "v"},
        "MaxConcurrentRuns": 2,
    }
    assert workflow["CreatedOn"] == workflow["LastModifiedOn"]
    assert "Graph" not in workflow and "LastRun" not in workflow
    api.update_workflow(Name="w1", MaxConcurrentRuns=3)
    updated = api.get_workflow(Name="w1")["Workflow"]
    assert (updated["Description"], updated["MaxConcurrentRuns"]) == ("d", 3)
    assert updated["LastModifiedOn"] > workflow["LastModifiedOn"]
    with pytest.raises(api.exceptions.EntityNotFoundException):
        api.update_workflow(Name="nope", Description="x")
    with pytest.raises(api.exceptions.EntityNotFoundException):
        api.get_workflow(Name="nope")
    for i in range(3, 28):
        api.create_workflow(Name=f"w{i:02d}")
    first = api.list_workflows()
    assert len(first["Workflows"]) == 25  # ListWorkflows pages at most 25 names
    second = api.list_workflows(NextToken=first["NextToken"])
    assert first["Workflows"] + second["Workflows"] == sorted(["w1", "w2"] + [f"w{i:02d}" for i in range(3, 28)])
    assert "NextToken" not in second
    batch = api.batch_get_workflows(Names=["w1", "missing"])
    assert ([w["Name"] for w in batch["Workflows"]], batch["MissingWorkflows"]) == (["w1"], ["missing"])


def test_delete_workflow_deletes_its_triggers_and_runs_and_is_idempotent(glue):
    glue.job("a")
    glue.api.create_workflow(Name="wf", Tags={"team": "x"})
    glue.trigger("start", "ON_DEMAND", ["a"], WorkflowName="wf")
    glue.trigger("outside", "ON_DEMAND", ["a"])
    glue.wait_workflow_run("wf", glue.api.start_workflow_run(Name="wf")["RunId"])
    assert glue.api.delete_workflow(Name="wf")["Name"] == "wf"
    assert glue.api.delete_workflow(Name="wf")["Name"] == "wf"
    assert glue.api.list_triggers()["TriggerNames"] == ["outside"]
    with pytest.raises(glue.api.exceptions.EntityNotFoundException):
        glue.api.get_workflow_runs(Name="wf")
    assert glue.api.get_job(JobName="a")["Job"]["Name"] == "a"  # jobs stay


def test_static_graph_has_trigger_job_nodes_and_edges(glue):
    diamond(glue)
    workflow = glue.api.get_workflow(Name="wf", IncludeGraph=True)["Workflow"]
    nodes = nodes_by_name(workflow)
    assert sorted((n["Type"], n["Name"]) for n in nodes.values()) == [
        ("JOB", "a"), ("JOB", "b"), ("JOB", "c"), ("JOB", "d"),
        ("TRIGGER", "b_failed"), ("TRIGGER", "both"), ("TRIGGER", "start"),
    ]  # fmt: skip
    assert all(WNODE.fullmatch(n["UniqueId"]) for n in nodes.values())
    assert nodes["both"]["TriggerDetails"]["Trigger"]["Predicate"] == predicate(condition("a"), condition("b"))
    assert "JobDetails" not in nodes["a"]
    name_of = {n["UniqueId"]: n["Name"] for n in nodes.values()}
    edges = sorted((name_of[e["SourceId"]], name_of[e["DestinationId"]]) for e in workflow["Graph"]["Edges"])
    assert edges == [
        ("a", "both"), ("b", "b_failed"), ("b", "both"), ("b_failed", "d"), ("both", "c"),
        ("start", "a"), ("start", "b"),
    ]  # fmt: skip
    again = glue.api.get_workflow(Name="wf", IncludeGraph=True)["Workflow"]
    assert {n["Name"]: n["UniqueId"] for n in again["Graph"]["Nodes"]} == {k: v["UniqueId"] for k, v in nodes.items()}


# -- runs -----------------------------------------------------------------------------------------


def test_a_run_follows_the_success_branch(glue):
    diamond(glue)
    run_id = glue.api.start_workflow_run(Name="wf")["RunId"]
    assert re.fullmatch(r"wr_[0-9a-f]{64}", run_id)
    run = glue.wait_workflow_run("wf", run_id)
    assert (run["Name"], run["WorkflowRunId"], run["Status"]) == ("wf", run_id, "COMPLETED")
    assert run["StartedOn"] <= run["CompletedOn"]
    assert run["Statistics"] == statistics(Total=4, Succeeded=3)
    nodes = nodes_by_name(run)
    c_run = job_runs_of(nodes["c"])[0]
    assert (c_run["TriggerName"], c_run["JobRunState"]) == ("both", "SUCCEEDED")
    a_id, b_id = (job_runs_of(nodes[j])[0]["Id"] for j in "ab")
    assert c_run["PredecessorRuns"] == [{"JobName": "a", "RunId": a_id}, {"JobName": "b", "RunId": b_id}]
    assert job_runs_of(nodes["a"])[0]["TriggerName"] == "start"
    assert "JobDetails" not in nodes["d"]  # its trigger never fired
    assert nodes["start"]["TriggerDetails"]["Trigger"]["Name"] == "start"
    last = glue.api.get_workflow(Name="wf")["Workflow"]["LastRun"]
    assert (last["WorkflowRunId"], last["Status"], "Graph" in last) == (run_id, "COMPLETED", False)


def test_a_run_with_a_failed_job_completes_and_takes_the_failure_branch(glue):
    diamond(glue, fail_b=True)
    run = glue.wait_workflow_run("wf", glue.api.start_workflow_run(Name="wf")["RunId"])
    assert run["Status"] == "COMPLETED"
    assert "ErrorMessage" not in run
    assert run["Statistics"] == statistics(Total=4, Succeeded=2, Failed=1)
    nodes = nodes_by_name(run)
    assert "JobDetails" not in nodes["c"]
    b_run, d_run = job_runs_of(nodes["b"])[0], job_runs_of(nodes["d"])[0]
    assert b_run["JobRunState"] == "FAILED"
    assert (d_run["TriggerName"], d_run["PredecessorRuns"]) == ("b_failed", [{"JobName": "b", "RunId": b_run["Id"]}])


def test_jobs_read_and_write_run_properties(glue):
    glue.job("first", PROPERTIES_SCRIPT)
    glue.job("second", PROPERTIES_SCRIPT)
    glue.api.create_workflow(Name="wf", DefaultRunProperties={"source": "defaults", "kept": "1"})
    glue.trigger("start", "ON_DEMAND", ["first"], WorkflowName="wf")
    glue.conditional("next", predicate(condition("first")), ["second"], WorkflowName="wf")
    run_id = glue.api.start_workflow_run(Name="wf", RunProperties={"source": "run"})["RunId"]
    run = glue.wait_workflow_run("wf", run_id)
    assert run["Statistics"] == statistics(Total=2, Succeeded=2), nodes_by_name(run)
    expected = {"source": "run", "kept": "1", "seen_by_first": "run", "seen_by_second": "run"}
    assert glue.api.get_workflow_run_properties(Name="wf", RunId=run_id)["RunProperties"] == expected
    assert run["WorkflowRunProperties"] == expected
    arguments = job_runs_of(nodes_by_name(run)["first"])[0]
    assert "Arguments" not in arguments  # --WORKFLOW_NAME/--WORKFLOW_RUN_ID are Glue's own, not the run's
    glue.api.put_workflow_run_properties(Name="wf", RunId=run_id, RunProperties={"kept": "2", "new": "x"})
    props = glue.api.get_workflow_run_properties(Name="wf", RunId=run_id)["RunProperties"]
    assert (props["kept"], props["new"], props["source"]) == ("2", "x", "run")
    assert glue.api.get_workflow(Name="wf")["Workflow"]["DefaultRunProperties"] == {"source": "defaults", "kept": "1"}
    with pytest.raises(glue.api.exceptions.EntityNotFoundException):
        glue.api.get_workflow_run_properties(Name="wf", RunId="wr_" + "0" * 64)


def test_any_fires_once_per_run_and_and_waits_for_all(glue):
    for name in ("a", "b", "after_any", "after_and"):
        glue.job(name)
    glue.job("slow", "import time; time.sleep(0.5)")
    glue.api.create_workflow(Name="wf")
    glue.trigger("start", "ON_DEMAND", ["a", "b", "slow"], WorkflowName="wf")
    glue.conditional("any", predicate(condition("a"), condition("b"), logical="ANY"), ["after_any"], WorkflowName="wf")
    glue.conditional("and", predicate(condition("a"), condition("slow")), ["after_and"], WorkflowName="wf")
    run = glue.wait_workflow_run("wf", glue.api.start_workflow_run(Name="wf")["RunId"])
    nodes = nodes_by_name(run)
    assert len(job_runs_of(nodes["after_any"])) == 1
    slow_end = job_runs_of(nodes["slow"])[0]["CompletedOn"]
    assert job_runs_of(nodes["after_and"])[0]["StartedOn"] >= slow_end
    assert run["Statistics"] == statistics(Total=5, Succeeded=5)


def test_conditional_triggers_not_activated_do_not_fire_in_a_run(glue):
    glue.job("a")
    glue.job("b")
    glue.api.create_workflow(Name="wf")
    glue.trigger("start", "ON_DEMAND", ["a"], WorkflowName="wf")
    glue.conditional("next", predicate(condition("a")), ["b"], WorkflowName="wf", StartOnCreation=False)
    run = glue.wait_workflow_run("wf", glue.api.start_workflow_run(Name="wf")["RunId"])
    assert (run["Status"], run["Statistics"]) == ("COMPLETED", statistics(Total=2, Succeeded=1))
    assert glue.runs("b") == []


def test_triggers_are_frozen_when_a_run_starts(glue):
    glue.job("slow", "import time; time.sleep(0.6)")
    glue.job("old")
    glue.job("new")
    glue.api.create_workflow(Name="wf")
    glue.trigger("start", "ON_DEMAND", ["slow"], WorkflowName="wf")
    glue.conditional("next", predicate(condition("slow")), ["old"], WorkflowName="wf")
    run_id = glue.api.start_workflow_run(Name="wf")["RunId"]
    glue.api.update_trigger(
        Name="next", TriggerUpdate={"Predicate": predicate(condition("slow")), "Actions": [{"JobName": "new"}]}
    )
    run = glue.wait_workflow_run("wf", run_id)
    assert [len(glue.runs(j)) for j in ("old", "new")] == [1, 0]
    frozen = nodes_by_name(run)["next"]["TriggerDetails"]["Trigger"]
    assert frozen["Actions"] == [{"JobName": "old"}]
    static = nodes_by_name(glue.api.get_workflow(Name="wf", IncludeGraph=True)["Workflow"])
    assert "new" in static and "old" not in static


def test_nodes_started_outside_a_run_do_not_fire_its_triggers(glue):
    """A bare StartJobRun fires nothing; a run inside a workflow fires only that workflow's triggers."""
    glue.job("a")
    glue.job("b")
    glue.job("c")
    glue.api.create_workflow(Name="wf")
    glue.trigger("start", "ON_DEMAND", ["a"], WorkflowName="wf")
    glue.conditional("inside", predicate(condition("a")), ["b"], WorkflowName="wf")
    glue.conditional("outside", predicate(condition("a")), ["c"])
    glue.api.start_job_run(JobName="a")
    glue.wait_runs("a")
    glue.settle()
    assert (glue.runs("b"), glue.runs("c")) == ([], [])
    assert glue.api.get_workflow_runs(Name="wf")["Runs"] == []  # AWS returns the empty list
    glue.wait_workflow_run("wf", glue.api.start_workflow_run(Name="wf")["RunId"])
    glue.settle()
    assert (len(glue.runs("b")), glue.runs("c")) == (1, [])


def test_a_job_over_its_concurrency_is_a_failed_node_not_an_error(glue, gates):
    glue.job("busy", gates.script())
    glue.api.create_workflow(Name="wf")
    glue.trigger("start", "ON_DEMAND", ["busy"], WorkflowName="wf")
    direct = glue.api.start_job_run(JobName="busy")["JobRunId"]
    run = glue.wait_workflow_run("wf", glue.api.start_workflow_run(Name="wf")["RunId"])
    assert (run["Status"], run["Statistics"]) == ("COMPLETED", statistics(Total=1, Failed=1))
    refused = job_runs_of(nodes_by_name(run)["busy"])[0]
    assert (refused["JobRunState"], refused["ErrorMessage"]) == ("FAILED", "Concurrent runs exceeded for busy")
    assert refused["Id"] != direct
    glue.api.batch_stop_job_run(JobName="busy", JobRunIds=[direct])


def test_a_deleted_job_is_an_errored_node(glue):
    glue.job("gone")
    glue.api.create_workflow(Name="wf")
    glue.trigger("start", "ON_DEMAND", ["gone"], WorkflowName="wf")
    glue.api.delete_job(JobName="gone")
    run = glue.wait_workflow_run("wf", glue.api.start_workflow_run(Name="wf")["RunId"])
    assert (run["Status"], run["Statistics"]) == ("COMPLETED", statistics(Total=1, Errored=1))


def test_a_retried_job_fires_its_failure_trigger_once_after_the_last_attempt(glue):
    glue.job("flaky", "raise SystemExit(1)", MaxRetries=1)
    glue.job("handler")
    glue.api.create_workflow(Name="wf")
    glue.trigger("start", "ON_DEMAND", ["flaky"], WorkflowName="wf")
    glue.conditional("on_fail", predicate(condition("flaky", "FAILED")), ["handler"], WorkflowName="wf")
    run = glue.wait_workflow_run("wf", glue.api.start_workflow_run(Name="wf")["RunId"])
    attempts = job_runs_of(nodes_by_name(run)["flaky"])
    assert [(r["Attempt"], r["JobRunState"]) for r in attempts] == [(0, "FAILED"), (1, "FAILED")]
    handler = job_runs_of(nodes_by_name(run)["handler"])
    assert len(handler) == 1 and handler[0]["PredecessorRuns"] == [{"JobName": "flaky", "RunId": attempts[1]["Id"]}]
    assert run["Statistics"] == statistics(Total=2, Failed=1, Succeeded=1)


def test_max_concurrent_runs_refuses_a_second_run(glue, gates):
    glue.job("slow", gates.script(), ExecutionProperty={"MaxConcurrentRuns": 5})
    glue.api.create_workflow(Name="wf", MaxConcurrentRuns=1)
    glue.trigger("start", "ON_DEMAND", ["slow"], WorkflowName="wf")
    first = glue.api.start_workflow_run(Name="wf")["RunId"]
    with pytest.raises(glue.api.exceptions.ConcurrentRunsExceededException) as error:
        glue.api.start_workflow_run(Name="wf")
    assert error.value.response["Error"]["Message"] == "Concurrent runs exceeded for workflow: wf"
    gates.open_all()
    glue.wait_workflow_run("wf", first)
    second = glue.api.start_workflow_run(Name="wf")["RunId"]
    runs = glue.api.get_workflow_runs(Name="wf", MaxResults=1)
    assert [r["WorkflowRunId"] for r in runs["Runs"]] == [second]  # newest first
    older = glue.api.get_workflow_runs(Name="wf", NextToken=runs["NextToken"])["Runs"]
    assert [r["WorkflowRunId"] for r in older] == [first] and "Graph" not in older[0]


def test_a_workflow_without_a_start_trigger_completes_at_once(glue):
    glue.api.create_workflow(Name="empty")
    run = glue.api.get_workflow_run(Name="empty", RunId=glue.api.start_workflow_run(Name="empty")["RunId"])["Run"]
    assert (run["Status"], run["Statistics"]) == ("COMPLETED", statistics())
    with pytest.raises(glue.api.exceptions.EntityNotFoundException):
        glue.api.start_workflow_run(Name="nope")


# -- stop and resume ------------------------------------------------------------------------------


def test_stop_ends_running_jobs_and_starts_nothing_more(glue):
    glue.job("long", "import time; time.sleep(30)")
    glue.job("after")
    glue.api.create_workflow(Name="wf")
    glue.trigger("start", "ON_DEMAND", ["long"], WorkflowName="wf")
    glue.conditional("on_stop", predicate(condition("long", "STOPPED")), ["after"], WorkflowName="wf")
    run_id = glue.api.start_workflow_run(Name="wf")["RunId"]
    glue.api.stop_workflow_run(Name="wf", RunId=run_id)
    assert glue.api.get_workflow_run(Name="wf", RunId=run_id)["Run"]["Status"] in ("STOPPING", "STOPPED")
    run = glue.wait_workflow_run("wf", run_id)
    assert run["Status"] == "STOPPED"
    assert run["Statistics"] == statistics(Total=2, Stopped=1)
    assert job_runs_of(nodes_by_name(run)["long"])[0]["JobRunState"] == "STOPPED"
    glue.settle()
    assert glue.runs("after") == []
    with pytest.raises(glue.api.exceptions.IllegalWorkflowStateException):
        glue.api.stop_workflow_run(Name="wf", RunId=run_id)


def test_resume_reruns_chosen_nodes_and_downstream_and_copies_the_rest(glue):
    glue.job("a")
    glue.job("b", "raise RuntimeError('bug')")
    glue.job("c")
    glue.api.create_workflow(Name="wf", DefaultRunProperties={"source": "s"})
    glue.trigger("start", "ON_DEMAND", ["a"], WorkflowName="wf")
    glue.conditional("t_b", predicate(condition("a")), ["b"], WorkflowName="wf")
    glue.conditional("t_c", predicate(condition("b")), ["c"], WorkflowName="wf")
    first_id = glue.api.start_workflow_run(Name="wf")["RunId"]
    first = glue.wait_workflow_run("wf", first_id)
    assert first["Statistics"] == statistics(Total=3, Succeeded=1, Failed=1)
    nodes = nodes_by_name(first)
    with pytest.raises(glue.api.exceptions.InvalidInputException):  # a trigger node
        glue.api.resume_workflow_run(Name="wf", RunId=first_id, NodeIds=[nodes["t_b"]["UniqueId"]])
    with pytest.raises(glue.api.exceptions.InvalidInputException):  # never attempted
        glue.api.resume_workflow_run(Name="wf", RunId=first_id, NodeIds=[nodes["c"]["UniqueId"]])
    with pytest.raises(glue.api.exceptions.InvalidInputException):
        glue.api.resume_workflow_run(Name="wf", RunId=first_id, NodeIds=["wnode_" + "0" * 64])
    # Fix the job (changes to jobs apply to runs, unlike changes to triggers), then resume from it.
    glue.s3.put_object(Bucket="scripts", Key="b.py", Body=b"print('fixed')")
    glue.api.put_workflow_run_properties(Name="wf", RunId=first_id, RunProperties={"note": "retry"})
    resumed = glue.api.resume_workflow_run(Name="wf", RunId=first_id, NodeIds=[nodes["b"]["UniqueId"]] * 2)
    assert resumed["NodeIds"] == [nodes["b"]["UniqueId"]]
    second = glue.wait_workflow_run("wf", resumed["RunId"])
    assert (second["PreviousRunId"], second["Status"]) == (first_id, "COMPLETED")
    assert second["Statistics"] == statistics(Total=3, Succeeded=3)
    assert second["WorkflowRunProperties"] == {"source": "s", "note": "retry"}
    again = nodes_by_name(second)
    assert job_runs_of(again["a"]) == job_runs_of(nodes["a"])  # copied from the original run
    assert [(r["JobRunState"], r["TriggerName"]) for r in job_runs_of(again["b"])] == [("SUCCEEDED", "t_b")]
    assert len(job_runs_of(again["c"])) == 1
    assert glue.api.get_workflow_run(Name="wf", RunId=first_id)["Run"]["Statistics"] == first["Statistics"]
    # Of two chosen nodes, one downstream of the other, only the upstream one is resumed.
    third = glue.api.resume_workflow_run(
        Name="wf", RunId=resumed["RunId"], NodeIds=[again["c"]["UniqueId"], again["b"]["UniqueId"]]
    )
    assert third["NodeIds"] == [again["b"]["UniqueId"]]
    assert glue.wait_workflow_run("wf", third["RunId"])["Statistics"] == statistics(Total=3, Succeeded=3)
    assert [len(glue.runs(j)) for j in "abc"] == [1, 3, 2]


def test_resume_refuses_a_run_that_is_not_completed(glue):
    glue.job("long", "import time; time.sleep(30)")
    glue.api.create_workflow(Name="wf")
    glue.trigger("start", "ON_DEMAND", ["long"], WorkflowName="wf")
    run_id = glue.api.start_workflow_run(Name="wf")["RunId"]
    node = nodes_by_name(glue.api.get_workflow_run(Name="wf", RunId=run_id, IncludeGraph=True)["Run"])["long"]
    with pytest.raises(glue.api.exceptions.IllegalWorkflowStateException):
        glue.api.resume_workflow_run(Name="wf", RunId=run_id, NodeIds=[node["UniqueId"]])
    glue.api.stop_workflow_run(Name="wf", RunId=run_id)
    glue.wait_workflow_run("wf", run_id)


# -- EVENT triggers -------------------------------------------------------------------------------


def post_event(glue_emulator: Any, workflow: str, event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    status, _, body = glue_emulator.server.request(
        "POST", f"/_emulator/workflows/{workflow}/events", json.dumps(event).encode()
    )
    return status, json.loads(body)


def test_event_trigger_starts_a_run_when_its_batch_is_full(glue, glue_emulator):
    glue.job("a")
    glue.api.create_workflow(Name="wf")
    glue.trigger("on_event", "EVENT", ["a"], WorkflowName="wf", EventBatchingCondition={"BatchSize": 2})
    assert glue.api.get_trigger(Name="on_event")["Trigger"]["State"] == "CREATED"  # live: EVENT cannot be started
    assert post_event(glue_emulator, "wf", {"id": "e1", "source": "aws.s3"})[1]["Status"] == "BATCHED"
    assert glue.api.get_workflow_runs(Name="wf")["Runs"] == []
    started = post_event(glue_emulator, "wf", {"id": "e2"})[1]
    assert (started["Status"], started["EventId"]) == ("STARTED", "e2")
    run = glue.wait_workflow_run("wf", started["RunId"])
    assert run["StartingEventBatchCondition"] == {"BatchSize": 2}
    assert json.loads(run["WorkflowRunProperties"]["aws:eventIds"]) == ["e1", "e2"]
    assert run["Statistics"] == statistics(Total=1, Succeeded=1)
    assert post_event(glue_emulator, "wf", {"id": "e3"})[1]["Status"] == "BATCHED"  # a new batch
    status, missing = post_event(glue_emulator, "nope", {})
    assert (status, missing["__type"]) == (400, "EntityNotFoundException")


def test_event_triggers_need_a_workflow(glue):
    glue.job("a")
    with pytest.raises(glue.api.exceptions.InvalidInputException):
        glue.trigger("on_event", "EVENT", ["a"])


# -- restart --------------------------------------------------------------------------------------


def test_after_a_restart_no_run_stays_running(tmp_path):
    # No Spark drivers warmed: only pythonshell jobs run here.
    server = EmulatorServer(tmp_path / "data", env={"GLUE_EMULATOR_VALIDATE_RESPONSES": "1",
                                                   "GLUE_EMULATOR_SPARK_PREWARM": "0"}).start()
    try:
        glue = Glue(server.client("glue"), server.client("s3"))
        glue.job("long", "import time; time.sleep(60)")
        glue.job("after")
        glue.api.create_workflow(Name="wf")
        glue.trigger("start", "ON_DEMAND", ["long"], WorkflowName="wf")
        glue.conditional("next", predicate(condition("long", "FAILED")), ["after"], WorkflowName="wf")
        run_id = glue.api.start_workflow_run(Name="wf")["RunId"]
        wait_until(lambda: glue.runs("long")[0]["JobRunState"], "job long RUNNING",
                   until=lambda state: state == "RUNNING")
        server.kill()
        server.start()
        glue = Glue(server.client("glue"), server.client("s3"))
        run = glue.api.get_workflow_run(Name="wf", RunId=run_id, IncludeGraph=True)["Run"]
        assert (run["Status"], run["ErrorMessage"]) == (
            "COMPLETED",
            "The emulator restarted while the workflow run was in progress",
        )
        long_run = job_runs_of(nodes_by_name(run)["long"])[0]
        assert (long_run["JobRunState"], long_run["ErrorMessage"]) == (
            "FAILED",
            "The emulator restarted while the run was in progress",
        )
        assert run["Statistics"] == statistics(Total=2, Failed=1)
        glue.settle()
        assert glue.api.get_job_runs(JobName="after")["JobRuns"] == []  # a restart fires no failure branch
        long_node = nodes_by_name(run)["long"]["UniqueId"]
        resumed = glue.api.resume_workflow_run(Name="wf", RunId=run_id, NodeIds=[long_node])
        assert glue.api.get_workflow_run(Name="wf", RunId=resumed["RunId"])["Run"]["Status"] == "RUNNING"
    finally:
        server.stop()


# -- crawlers -------------------------------------------------------------------------------------


def sales_crawler(glue: Glue) -> str:
    """A crawler `sales` over a tiny CSV at s3://data/sales/, writing to database `db`."""
    glue.api.create_database(DatabaseInput={"Name": "db"})
    glue.s3.create_bucket(Bucket="data")
    glue.s3.put_object(Bucket="data", Key="sales/part-0.csv", Body=b"id,amount\n1,2.5\n2,3.5\n")
    targets = {"S3Targets": [{"Path": "s3://data/sales/"}]}
    glue.api.create_crawler(Name="sales", Role=ROLE, DatabaseName="db", Targets=targets)
    return "sales"


def test_crawler_nodes_run_and_fire_their_conditions(glue):
    sales_crawler(glue)
    jdbc = {"JdbcTargets": [{"ConnectionName": "nowhere", "Path": "db/%"}]}
    glue.api.create_crawler(Name="broken", Role=ROLE, DatabaseName="db", Targets=jdbc)  # no such connection
    glue.job("a")
    glue.job("b")
    glue.job("on_fail")
    glue.api.create_workflow(Name="wf")
    actions = [{"CrawlerName": "sales"}, {"CrawlerName": "broken"}, {"JobName": "a"}]
    glue.api.create_trigger(Name="start", WorkflowName="wf", Type="ON_DEMAND", Actions=actions)
    glue.conditional("both", predicate(crawl_condition("sales"), condition("a")), ["b"], WorkflowName="wf")
    glue.conditional("crawl_failed", predicate(crawl_condition("broken", "FAILED")), ["on_fail"], WorkflowName="wf")
    run = glue.wait_workflow_run("wf", glue.api.start_workflow_run(Name="wf")["RunId"])
    assert run["Statistics"] == statistics(Total=5, Succeeded=4, Failed=1)
    nodes = nodes_by_name(run)
    (failed,) = nodes["broken"]["CrawlerDetails"]["Crawls"]
    assert failed["State"] == "FAILED" and "Connection nowhere not found." in failed["ErrorMessage"]
    assert job_runs_of(nodes["on_fail"])[0]["TriggerName"] == "crawl_failed"
    assert nodes["sales"]["Type"] == "CRAWLER"
    (crawl,) = nodes["sales"]["CrawlerDetails"]["Crawls"]
    assert (crawl["State"], crawl["LogGroup"], crawl["LogStream"]) == ("SUCCEEDED", "/aws-glue/crawlers", "sales")
    assert crawl["StartedOn"] <= crawl["CompletedOn"]
    b_run = job_runs_of(nodes["b"])[0]
    a_id = job_runs_of(nodes["a"])[0]["Id"]
    assert (b_run["TriggerName"], b_run["PredecessorRuns"]) == ("both", [{"JobName": "a", "RunId": a_id}])
    assert glue.api.get_table(DatabaseName="db", Name="sales")["Table"]["Name"] == "sales"


def test_crawls_fire_outside_triggers_only_when_a_trigger_started_them(glue):
    sales_crawler(glue)
    glue.job("after")
    glue.api.create_trigger(Name="crawl_now", Type="ON_DEMAND", Actions=[{"CrawlerName": "sales"}])
    glue.conditional("then", predicate(crawl_condition("sales")), ["after"])
    glue.api.start_crawler(Name="sales")
    wait_crawler_ready(glue.api, "sales")
    glue.settle()
    assert glue.runs("after") == []
    glue.api.start_trigger(Name="crawl_now")
    (run,) = glue.wait_runs("after")
    assert (run["TriggerName"], run["PredecessorRuns"]) == ("then", [])

