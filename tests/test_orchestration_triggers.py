"""Triggers: AWS's validation rules per type, states, reads, update and delete, and firing outside
workflows (ON_DEMAND, conditional chains with AND/ANY, scoping, concurrency).
How soon a trigger fires after an end is measured in tests/benchmarks/bench_workflow.py."""

from __future__ import annotations

from typing import Any

import pytest
from support import Glue, condition, predicate

from emulator.orchestration.engine import satisfied


@pytest.fixture
def glue(glue_emulator: Any) -> Glue:
    return Glue(glue_emulator.glue, glue_emulator.s3)


def invalid(glue: Glue, **request: Any) -> str:
    """The message of the InvalidInputException a CreateTrigger request gets."""
    with pytest.raises(glue.api.exceptions.InvalidInputException) as error:
        glue.api.create_trigger(**request)
    return error.value.response["Error"]["Message"]


# -- validation -----------------------------------------------------------------------------------


def test_each_type_is_validated_as_aws_does(glue):
    glue.job("a")
    act = [{"JobName": "a"}]
    assert "ON_DEMAND" in invalid(glue, Name="t", Type="ON_DEMAND", Actions=act, StartOnCreation=True)
    assert "Schedule" in invalid(glue, Name="t", Type="SCHEDULED", Actions=act)
    assert "6 fields" in invalid(glue, Name="t", Type="SCHEDULED", Actions=act, Schedule="cron(0 12 * * ?)")
    assert "'?'" in invalid(glue, Name="t", Type="SCHEDULED", Actions=act, Schedule="cron(0 12 * * * *)")
    assert "Predicate" in invalid(glue, Name="t", Type="CONDITIONAL", Actions=act)
    assert "Predicate" in invalid(glue, Name="t", Type="CONDITIONAL", Actions=act, Predicate={"Conditions": []})
    two = [condition("a"), condition("a", "FAILED")]
    assert "Logical" in invalid(glue, Name="t", Type="CONDITIONAL", Actions=act, Predicate={"Conditions": two})
    no_operator = {"Conditions": [{"JobName": "a", "State": "SUCCEEDED"}]}
    assert invalid(glue, Name="t", Type="CONDITIONAL", Actions=act, Predicate=no_operator) == (
        "Logical operator cannot be null or empty"
    )
    running = {"Conditions": [condition("a", "RUNNING")]}
    assert "SUCCEEDED, STOPPED, FAILED, TIMEOUT" in invalid(
        glue, Name="t", Type="CONDITIONAL", Actions=act, Predicate=running
    )
    crawl_running = {"Conditions": [{"LogicalOperator": "EQUALS", "CrawlerName": "c", "CrawlState": "RUNNING"}]}
    assert "SUCCEEDED, FAILED, CANCELLED" in invalid(
        glue, Name="t", Type="CONDITIONAL", Actions=act, Predicate=crawl_running
    )
    assert "cannot be set together" in invalid(glue, Name="t", Type="ON_DEMAND",
                                               Actions=[{"JobName": "a", "CrawlerName": "c"}])
    assert "exactly one" in invalid(glue, Name="t", Type="ON_DEMAND", Actions=[{"Arguments": {"--x": "1"}}])
    assert "workflow" in invalid(glue, Name="t", Type="EVENT", Actions=act)
    with pytest.raises(glue.api.exceptions.EntityNotFoundException):
        glue.api.create_trigger(Name="t", Type="ON_DEMAND", Actions=[{"JobName": "missing"}])
    with pytest.raises(glue.api.exceptions.EntityNotFoundException):
        glue.api.create_trigger(Name="t", Type="ON_DEMAND", Actions=act, WorkflowName="missing")
    assert glue.api.list_triggers()["TriggerNames"] == []  # nothing was created


def test_one_start_trigger_per_workflow_and_unique_names(glue):
    glue.job("a")
    glue.api.create_workflow(Name="wf")
    glue.trigger("start", "ON_DEMAND", ["a"], WorkflowName="wf")
    second = {"Type": "SCHEDULED", "Schedule": "cron(0 1 * * ? *)", "Actions": [{"JobName": "a"}]}
    assert "start trigger" in invalid(glue, Name="second", WorkflowName="wf", **second)
    glue.conditional("cond", predicate(condition("a")), ["a"], WorkflowName="wf")
    with pytest.raises(glue.api.exceptions.AlreadyExistsException):
        glue.trigger("start", "ON_DEMAND", ["a"])


# -- states, reads, update, delete ------------------------------------------------------------------


def test_states_follow_the_trigger_type(glue):
    glue.job("a")
    glue.trigger("od", "ON_DEMAND", ["a"])
    glue.trigger("sched", "SCHEDULED", ["a"], Schedule="cron(15 12 * * ? *)")
    glue.trigger("sched_on", "SCHEDULED", ["a"], Schedule="cron(15 12 * * ? *)", StartOnCreation=True)
    glue.conditional("cond", predicate(condition("a")), ["a"], StartOnCreation=False)
    state = lambda name: glue.api.get_trigger(Name=name)["Trigger"]["State"]
    assert [state(t) for t in ("od", "sched", "sched_on", "cond")] == ["CREATED", "CREATED", "ACTIVATED", "CREATED"]
    glue.api.start_trigger(Name="od")
    assert state("od") == "CREATED"  # on-demand triggers never leave CREATED
    assert glue.api.start_trigger(Name="cond")["Name"] == "cond"
    assert state("cond") == "ACTIVATED"
    assert glue.api.stop_trigger(Name="cond")["Name"] == "cond"
    assert state("cond") == "DEACTIVATED"
    with pytest.raises(glue.api.exceptions.InvalidInputException):
        glue.api.stop_trigger(Name="od")
    with pytest.raises(glue.api.exceptions.EntityNotFoundException):
        glue.api.start_trigger(Name="missing")
    with pytest.raises(glue.api.exceptions.EntityNotFoundException):
        glue.api.get_trigger(Name="missing")
    glue.wait_runs("a")


def test_get_list_and_batch_get(glue):
    for job in ("a", "b", "c"):
        glue.job(job)
    glue.trigger("t1", "ON_DEMAND", ["a"], Tags={"team": "x"})
    glue.trigger("t2", "ON_DEMAND", ["b"], Tags={"team": "y"}, Description="second")
    glue.conditional("t3", predicate(condition("a")), ["b"], Tags={"team": "x", "env": "dev"})
    trigger = glue.api.get_trigger(Name="t2")["Trigger"]
    assert trigger == {
        "Name": "t2", "Type": "ON_DEMAND", "State": "CREATED", "Description": "second", "Actions": [{"JobName": "b"}]
    }  # fmt: skip
    names = lambda triggers: [t["Name"] for t in triggers]
    assert names(glue.api.get_triggers(DependentJobName="b")["Triggers"]) == ["t2", "t3"]
    # "if there is no such trigger, all triggers are returned"
    assert names(glue.api.get_triggers(DependentJobName="c")["Triggers"]) == ["t1", "t2", "t3"]
    page = glue.api.get_triggers(MaxResults=2)
    assert names(page["Triggers"]) == ["t1", "t2"]
    assert names(glue.api.get_triggers(NextToken=page["NextToken"])["Triggers"]) == ["t3"]
    assert glue.api.list_triggers(Tags={"team": "x"})["TriggerNames"] == ["t1", "t3"]
    assert glue.api.list_triggers(Tags={"team": "x", "env": "dev"})["TriggerNames"] == ["t3"]
    assert glue.api.list_triggers(DependentJobName="a")["TriggerNames"] == ["t1"]
    batch = glue.api.batch_get_triggers(TriggerNames=["t3", "nope", "t1"])
    assert (names(batch["Triggers"]), batch["TriggersNotFound"]) == (["t3", "t1"], ["nope"])
    arn = "arn:aws:glue:us-east-1:123456789012:trigger/t1"
    assert glue.api.get_tags(ResourceArn=arn)["Tags"] == {"team": "x"}


def test_update_replaces_the_definition_and_delete_is_idempotent(glue):
    glue.job("a")
    glue.job("b")
    glue.conditional("t", predicate(condition("a")), ["b"], Description="old", Tags={"k": "v"})
    updated = glue.api.update_trigger(
        Name="t", TriggerUpdate={"Predicate": predicate(condition("b", "FAILED")), "Actions": [{"JobName": "a"}]}
    )["Trigger"]
    assert updated == {
        "Name": "t",
        "Type": "CONDITIONAL",
        "State": "ACTIVATED",
        "Predicate": predicate(condition("b", "FAILED")),
        "Actions": [{"JobName": "a"}],
    }  # the description is gone: an update overwrites the whole definition
    assert glue.api.get_trigger(Name="t")["Trigger"] == updated
    with pytest.raises(glue.api.exceptions.InvalidInputException):
        glue.api.update_trigger(Name="t", TriggerUpdate={"Actions": [{"JobName": "a"}]})  # no predicate
    with pytest.raises(glue.api.exceptions.EntityNotFoundException):
        glue.api.update_trigger(Name="nope", TriggerUpdate={"Actions": [{"JobName": "a"}]})
    assert glue.api.delete_trigger(Name="t")["Name"] == "t"
    assert glue.api.delete_trigger(Name="t")["Name"] == "t"
    glue.trigger("t", "ON_DEMAND", ["a"])
    assert glue.api.get_tags(ResourceArn="arn:aws:glue:us-east-1:123456789012:trigger/t")["Tags"] == {}


# -- firing outside workflows ---------------------------------------------------------------------


def test_on_demand_passes_arguments_timeout_and_notification(glue):
    glue.job("a", "import sys; print(sys.argv)", DefaultArguments={"--x": "default", "--y": "kept"})
    action = {"JobName": "a", "Arguments": {"--x": "trigger"}, "Timeout": 7}
    action["NotificationProperty"] = {"NotifyDelayAfter": 2}
    glue.api.create_trigger(Name="go", Type="ON_DEMAND", Actions=[action])
    glue.api.start_trigger(Name="go")
    run = glue.wait_runs("a")[0]
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert (run["TriggerName"], run["Arguments"], run["Timeout"]) == ("go", {"--x": "trigger"}, 7)
    assert run["NotificationProperty"] == {"NotifyDelayAfter": 2}


def test_a_conditional_chain_fires_each_trigger_after_the_end_it_watches(glue):
    for job in ("a", "b", "c"):
        glue.job(job)
    glue.trigger("start", "ON_DEMAND", ["a"])
    glue.conditional("then_b", predicate(condition("a")), ["b"])
    glue.conditional("then_c", {"Conditions": [condition("b")]}, ["c"])  # one condition: no Logical needed
    glue.api.start_trigger(Name="start")
    a, b, c = (glue.wait_runs(j)[0] for j in ("a", "b", "c"))
    assert [r["JobRunState"] for r in (a, b, c)] == ["SUCCEEDED"] * 3
    assert (b["TriggerName"], b["PredecessorRuns"]) == ("then_b", [{"JobName": "a", "RunId": a["Id"]}])
    assert (c["TriggerName"], c["PredecessorRuns"]) == ("then_c", [{"JobName": "b", "RunId": b["Id"]}])
    for before, after in ((a, b), (b, c)):
        assert after["StartedOn"] >= before["CompletedOn"]


def test_a_bare_job_run_fires_no_conditional_trigger(glue):
    glue.job("a")
    glue.job("b")
    glue.conditional("then_b", predicate(condition("a")), ["b"])
    glue.api.start_job_run(JobName="a")
    assert glue.wait_runs("a")[0]["JobRunState"] == "SUCCEEDED"
    glue.settle()
    assert glue.runs("b") == []


def test_and_waits_for_every_condition_any_fires_on_the_first(glue):
    glue.job("ok")
    glue.job("bad", "raise SystemExit(1)")
    for job in ("on_both", "on_any_failure", "never"):
        glue.job(job)
    glue.trigger("start", "ON_DEMAND", ["ok", "bad"])
    glue.conditional("both_ok", predicate(condition("ok"), condition("bad")), ["never"])
    glue.conditional("both_ended", predicate(condition("ok"), condition("bad", "FAILED")), ["on_both"])
    any_failed = predicate(condition("ok", "FAILED"), condition("bad", "FAILED"), logical="ANY")
    glue.conditional("any_failed", any_failed, ["on_any_failure"])
    glue.api.start_trigger(Name="start")
    on_both, on_failure = glue.wait_runs("on_both")[0], glue.wait_runs("on_any_failure")[0]
    ok, bad = glue.runs("ok")[0], glue.runs("bad")[0]
    assert on_both["StartedOn"] >= max(ok["CompletedOn"], bad["CompletedOn"])
    assert sorted(p["JobName"] for p in on_both["PredecessorRuns"]) == ["bad", "ok"]
    assert on_failure["PredecessorRuns"] == [{"JobName": "bad", "RunId": bad["Id"]}]
    glue.settle()
    assert glue.runs("never") == []
    assert [len(glue.runs(j)) for j in ("on_both", "on_any_failure")] == [1, 1]
    # Each firing consumes what the trigger had seen: a second round fires each once more.
    glue.api.start_trigger(Name="start")
    glue.wait_runs("on_both", 2)
    glue.wait_runs("on_any_failure", 2)
    glue.settle()
    assert [len(glue.runs(j)) for j in ("on_both", "on_any_failure", "never")] == [2, 2, 0]


def test_a_deactivated_trigger_does_not_fire(glue):
    glue.job("a")
    glue.job("b")
    glue.trigger("start", "ON_DEMAND", ["a"])
    glue.conditional("then_b", predicate(condition("a")), ["b"])
    glue.api.stop_trigger(Name="then_b")
    glue.api.start_trigger(Name="start")
    glue.wait_runs("a")
    glue.settle()
    assert glue.runs("b") == []


def test_a_triggered_run_over_the_concurrency_limit_is_recorded_failed(glue, gates):
    glue.job("busy", gates.script())
    glue.trigger("go", "ON_DEMAND", ["busy"])
    direct = glue.api.start_job_run(JobName="busy")["JobRunId"]
    assert glue.api.start_trigger(Name="go")["Name"] == "go"  # no error for the caller
    refused = next(r for r in glue.runs("busy") if r["Id"] != direct)
    assert (refused["JobRunState"], refused["ErrorMessage"], refused["TriggerName"]) == (
        "FAILED",
        "Concurrent runs exceeded for busy",
        "go",
    )
    glue.api.batch_stop_job_run(JobName="busy", JobRunIds=[direct])


# -- predicate evaluation (pure) ------------------------------------------------------------------


def test_predicate_evaluation():
    trigger = {"Predicate": predicate(condition("a"), condition("b", "FAILED"))}
    a_ok, b_failed = {"State": "SUCCEEDED", "RunId": "ra"}, {"State": "FAILED", "RunId": "rb"}
    assert satisfied(trigger, {"JOB:a": a_ok}, "JOB:a") is None
    assert satisfied(trigger, {"JOB:a": a_ok, "JOB:b": b_failed}, "JOB:b") == [
        {"JobName": "a", "RunId": "ra"},
        {"JobName": "b", "RunId": "rb"},
    ]
    assert satisfied(trigger, {"JOB:a": a_ok, "JOB:b": b_failed}, "JOB:c") is None  # not watched
    any_trigger = {"Predicate": predicate(condition("a"), condition("b", "FAILED"), logical="ANY")}
    assert satisfied(any_trigger, {"JOB:a": a_ok}, "JOB:a") == [{"JobName": "a", "RunId": "ra"}]
    assert satisfied(any_trigger, {"JOB:a": {"State": "FAILED", "RunId": "ra"}}, "JOB:a") is None
    watch = {"LogicalOperator": "EQUALS", "CrawlerName": "c", "CrawlState": "CANCELLED"}
    crawler = {"Predicate": {"Conditions": [watch]}}
    assert satisfied(crawler, {"CRAWLER:c": {"State": "CANCELLED", "RunId": None}}, "CRAWLER:c") == []
