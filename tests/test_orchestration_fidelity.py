"""Triggers and schedules as AWS has them (issue #13, items 5 and 12).

- StartTrigger on an EVENT trigger and StopTrigger on a trigger still CREATED are refused with AWS's
  words; an EVENT trigger, which cannot be started, takes events as created.
- Schedules firing more often than every 5 minutes (Glue's documented minimum precision) are refused
  wherever a schedule is set: CreateTrigger, UpdateTrigger, CreateCrawler, UpdateCrawler,
  UpdateCrawlerSchedule. AWS's wording of that refusal is not on record; the test checks ours names the rule.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.orchestration import cron

ROLE = "arn:aws:iam::123456789012:role/GlueRole"
TOO_FAST = ["cron(* * * * ? *)", "cron(0/2 * * * ? *)", "cron(*/4 * * * ? *)", "cron(0,3 12 * * ? *)",
            "cron(0-10 * ? * MON *)"]
ALLOWED = ["cron(0/5 * * * ? *)", "cron(*/10 * * * ? *)", "cron(0,30 * * * ? *)", "cron(15 12 * * ? *)",
           "cron(0,5,10 6 ? * MON-FRI *)"]


def error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = caught.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]


@pytest.fixture
def glue(glue_emulator: Any) -> Any:
    glue_emulator.s3.create_bucket(Bucket="data")  # the crawlers' S3 targets must be in an existing bucket
    api = glue_emulator.glue
    api.create_job(Name="a", Role=ROLE, Command={"Name": "pythonshell", "ScriptLocation": "s3://scripts/a.py"})
    return api


def crawler(glue: Any, **extra: Any) -> None:
    glue.create_crawler(Name="cr", Role=ROLE, Targets={"S3Targets": [{"Path": "s3://data/"}]}, **extra)


# -- item 5: trigger states ------------------------------------------------------------------------


def test_start_trigger_refuses_an_event_trigger(glue):
    glue.create_workflow(Name="wf")
    glue.create_trigger(Name="ev", Type="EVENT", WorkflowName="wf", Actions=[{"JobName": "a"}])
    with pytest.raises(ClientError) as caught:
        glue.start_trigger(Name="ev")
    assert error(caught) == ("InvalidInputException", 400, "Trigger Type EVENT cannot be started")
    assert glue.get_trigger(Name="ev")["Trigger"]["State"] == "CREATED"


@pytest.mark.parametrize(
    ("trigger_type", "extra"),
    [
        ("ON_DEMAND", {}),
        ("SCHEDULED", {"Schedule": "cron(0 12 * * ? *)"}),
        ("CONDITIONAL", {"Predicate": {"Conditions": [{"LogicalOperator": "EQUALS", "JobName": "a",
                                                        "State": "SUCCEEDED"}]}}),
        ("EVENT", {"WorkflowName": "wf"}),
    ],
)
def test_stop_trigger_refuses_a_trigger_still_created(glue, trigger_type, extra):
    glue.create_workflow(Name="wf")
    glue.create_trigger(Name="t", Type=trigger_type, Actions=[{"JobName": "a"}], **extra)
    with pytest.raises(ClientError) as caught:
        glue.stop_trigger(Name="t")
    assert error(caught) == (
        "InvalidInputException", 400, "The operation is not allowed when trigger is in state: CREATED"
    )
    assert glue.get_trigger(Name="t")["Trigger"]["State"] == "CREATED"


def test_stop_trigger_deactivates_an_activated_trigger(glue):
    glue.create_trigger(Name="t", Type="SCHEDULED", Schedule="cron(0 12 * * ? *)", Actions=[{"JobName": "a"}],
                        StartOnCreation=True)
    assert glue.stop_trigger(Name="t")["Name"] == "t"
    assert glue.get_trigger(Name="t")["Trigger"]["State"] == "DEACTIVATED"
    assert glue.start_trigger(Name="t")["Name"] == "t"
    assert glue.get_trigger(Name="t")["Trigger"]["State"] == "ACTIVATED"


def post_event(glue_emulator: Any, workflow: str) -> dict[str, Any]:
    status, _, body = glue_emulator.server.request("POST", f"/_emulator/workflows/{workflow}/events", b'{"id": "e"}')
    assert status == 200
    return json.loads(body)


def test_an_event_trigger_takes_events_as_created_and_drops_them_once_stopped(glue, glue_emulator):
    glue.create_workflow(Name="wf")
    glue.create_trigger(Name="ev", Type="EVENT", WorkflowName="wf", Actions=[{"JobName": "a"}])
    assert post_event(glue_emulator, "wf")["Status"] == "STARTED"
    glue.create_workflow(Name="wf2")
    glue.create_trigger(Name="ev2", Type="EVENT", WorkflowName="wf2", Actions=[{"JobName": "a"}],
                        StartOnCreation=True)
    assert glue.get_trigger(Name="ev2")["Trigger"]["State"] == "ACTIVATED"
    glue.stop_trigger(Name="ev2")
    assert post_event(glue_emulator, "wf2")["Status"] == "DROPPED"


# -- item 12: the 5-minute minimum of schedules ------------------------------------------------------


def refused(call: Any, expression: str, **params: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call(**params)
    code, status, message = error(caught)
    assert (code, status) == ("InvalidInputException", 400)
    assert message.startswith(f"Invalid schedule expression {expression}: ")
    assert "minimum precision of 5 minutes" in message
    return message


@pytest.mark.parametrize("expression", TOO_FAST)
def test_schedules_firing_more_often_than_every_5_minutes_are_refused_everywhere(glue, expression):
    action = [{"JobName": "a"}]
    refused(glue.create_trigger, expression, Name="t", Type="SCHEDULED", Schedule=expression, Actions=action)
    assert glue.list_triggers()["TriggerNames"] == []
    glue.create_trigger(Name="t", Type="SCHEDULED", Schedule="cron(0 12 * * ? *)", Actions=action)
    refused(glue.update_trigger, expression, Name="t", TriggerUpdate={"Schedule": expression, "Actions": action})
    assert glue.get_trigger(Name="t")["Trigger"]["Schedule"] == "cron(0 12 * * ? *)"
    refused(glue.create_crawler, expression, Name="cr", Role=ROLE, Schedule=expression,
            Targets={"S3Targets": [{"Path": "s3://data/"}]})
    assert glue.list_crawlers()["CrawlerNames"] == []
    crawler(glue)
    refused(glue.update_crawler, expression, Name="cr", Schedule=expression)
    refused(glue.update_crawler_schedule, expression, CrawlerName="cr", Schedule=expression)
    assert "Schedule" not in glue.get_crawler(Name="cr")["Crawler"]


@pytest.mark.parametrize("expression", ALLOWED)
def test_schedules_at_5_minutes_or_more_are_accepted(glue, expression):
    glue.create_trigger(Name="t", Type="SCHEDULED", Schedule=expression, Actions=[{"JobName": "a"}])
    assert glue.get_trigger(Name="t")["Trigger"]["Schedule"] == expression
    crawler(glue, Schedule=expression)
    assert glue.get_crawler(Name="cr")["Crawler"]["Schedule"]["ScheduleExpression"] == expression


@pytest.mark.parametrize(
    ("expression", "minutes"),
    [
        ("cron(* * * * ? *)", 1),
        ("cron(0/2 * * * ? *)", 2),
        ("cron(0/5 * * * ? *)", 5),
        ("cron(0,3 12 * * ? *)", 3),
        ("cron(55 * * * ? *)", 60),
        ("cron(58 23 * * ? *)", 1440),
        ("cron(58 0,23 * * ? *)", 60),
        ("cron(58,2 0,23 * * ? *)", 4),  # 23:58 to 00:02 the next day
        ("cron(0 6,18 * * ? *)", 720),
    ],
)
def test_shortest_interval_is_the_closest_two_firings(expression, minutes):
    assert cron.parse(expression).shortest_interval() == minutes
