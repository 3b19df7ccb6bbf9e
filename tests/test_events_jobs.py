"""Glue Job State Change events reach the user's EventBridge rules and their SQS and SNS targets.

Runs are pythonshell (no JVM); the module's server runs Glue time 60x faster, so a 1-minute Timeout ends a
run after one real second.
"""

from __future__ import annotations

import json
import re

import pytest
from events_support import nothing_more, queue_rule, received
from support import shell_job, wait_job_run

JOB_EVENTS = {"source": ["aws.glue"], "detail-type": ["Glue Job State Change"]}


def _run(glue, server, name: str, code: str, **job) -> str:
    shell_job(glue, server.client("s3"), name, code, **job)
    run_id = glue.start_job_run(JobName=name)["JobRunId"]
    wait_job_run(glue, name, run_id)
    return run_id


def _envelope(event: dict, detail: dict) -> None:
    """The members every EventBridge event has, with Glue's source and this account and region."""
    assert event["version"] == "0"
    assert re.fullmatch(r"[0-9a-f-]{36}", event["id"])
    assert event["source"] == "aws.glue"
    assert event["detail-type"] == "Glue Job State Change"
    assert (event["account"], event["region"]) == ("123456789012", "us-east-1")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["time"])
    assert event["resources"] == []
    assert event["detail"] == detail


def test_succeeded_failed_and_timed_out_runs_each_send_the_documented_event(glue, server):
    url = queue_rule(server, "job-ends", JOB_EVENTS)
    ok = _run(glue, server, "ok", "print('fine')")
    failed = _run(glue, server, "broken", "raise ValueError('bad input file')")
    slow = _run(glue, server, "slow", "import time; time.sleep(30)", Timeout=1)

    events = {e["detail"]["jobRunId"]: e for e in received(server, url, 3)}
    _envelope(events[ok], {"jobName": "ok", "severity": "INFO", "state": "SUCCEEDED", "jobRunId": ok,
                           "message": "Job run succeeded"})
    error = glue.get_job_run(JobName="broken", RunId=failed)["JobRun"]["ErrorMessage"]
    assert "bad input file" in error
    _envelope(events[failed], {"jobName": "broken", "severity": "ERROR", "state": "FAILED", "jobRunId": failed,
                               "message": error})
    timeout = glue.get_job_run(JobName="slow", RunId=slow)["JobRun"]
    assert timeout["JobRunState"] == "TIMEOUT"
    _envelope(events[slow], {"jobName": "slow", "severity": "WARN", "state": "TIMEOUT", "jobRunId": slow,
                             "message": timeout["ErrorMessage"]})
    nothing_more(server, url)  # exactly one event per run: none for STARTING or RUNNING


def test_a_stopped_run_sends_its_event(glue, server):
    url = queue_rule(server, "stops", JOB_EVENTS)
    shell_job(glue, server.client("s3"), "long", "import time; time.sleep(60)")
    run_id = glue.start_job_run(JobName="long")["JobRunId"]
    wait_job_run(glue, "long", run_id, states={"RUNNING"})
    glue.batch_stop_job_run(JobName="long", JobRunIds=[run_id])
    [event] = received(server, url, 1)
    assert event["detail"] == {"jobName": "long", "severity": "INFO", "state": "STOPPED", "jobRunId": run_id,
                               "message": "Job run stopped"}


def test_a_pattern_on_detail_state_filters(glue, server):
    url = queue_rule(server, "failures", {**JOB_EVENTS, "detail": {"state": ["FAILED", "TIMEOUT"]}})
    _run(glue, server, "fine", "print(1)")
    failed = _run(glue, server, "fails", "import sys; sys.exit('no data')")
    [event] = received(server, url, 1)
    assert (event["detail"]["jobRunId"], event["detail"]["state"]) == (failed, "FAILED")
    nothing_more(server, url)


def test_a_disabled_rule_delivers_nothing_and_an_enabled_one_again(glue, server):
    url = queue_rule(server, "muted", JOB_EVENTS)
    events = server.client("events")
    events.disable_rule(Name="muted")
    _run(glue, server, "quiet", "print(1)")
    nothing_more(server, url)
    events.enable_rule(Name="muted")
    run_id = _run(glue, server, "loud", "print(1)")
    assert received(server, url, 1)[0]["detail"]["jobRunId"] == run_id


def test_an_sns_topic_target_fans_out_to_its_sqs_subscription(glue, server):
    sns, sqs, events = server.client("sns"), server.client("sqs"), server.client("events")
    topic = sns.create_topic(Name="admin-alerts")["TopicArn"]
    url = sqs.create_queue(QueueName="admin-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    events.put_rule(Name="to-sns", EventPattern=json.dumps({**JOB_EVENTS, "detail": {"state": ["FAILED"]}}))
    events.put_targets(Rule="to-sns", Targets=[{"Id": "topic", "Arn": topic}])
    run_id = _run(glue, server, "paged", "raise RuntimeError('disk full')")

    [notification] = received(server, url, 1)
    assert notification["Type"] == "Notification" and notification["TopicArn"] == topic
    event = json.loads(notification["Message"])
    assert event["detail-type"] == "Glue Job State Change"
    assert event["detail"]["jobRunId"] == run_id and "disk full" in event["detail"]["message"]


def test_an_input_transformer_shapes_the_message(glue, server):
    sqs, events = server.client("sqs"), server.client("events")
    url = sqs.create_queue(QueueName="short")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="short", EventPattern=json.dumps(JOB_EVENTS))
    transformer = {"InputPathsMap": {"job": "$.detail.jobName", "state": "$.detail.state"},
                   "InputTemplate": '{"text": "<job> ended <state>"}'}
    events.put_targets(Rule="short", Targets=[{"Id": "q", "Arn": arn, "InputTransformer": transformer}])
    _run(glue, server, "nightly", "print(1)")
    assert received(server, url, 1) == [{"text": "nightly ended SUCCEEDED"}]


@pytest.mark.parametrize("region", ["eu-west-1"])
def test_events_go_to_the_bus_of_the_runs_account_and_region(glue, server, region):
    home = queue_rule(server, "home", JOB_EVENTS)
    away = queue_rule(server, "away", JOB_EVENTS, region=region)
    other = server.client("glue", region=region)
    shell_job(other, server.client("s3"), "abroad", "print(1)")
    run_id = other.start_job_run(JobName="abroad")["JobRunId"]
    wait_job_run(other, "abroad", run_id)
    [event] = received(server, away, 1, region=region)
    assert (event["region"], event["detail"]["jobRunId"]) == (region, run_id)
    nothing_more(server, home)
