"""EventBridge targets as users configure them for alerts: constant Input and InputTransformer on SQS targets.

Found by breaking: moto's SQS delivery ignored a target's `Input`, answered the user's PutEvents with a 500
when an InputTransformer's template was plain text (EventBridge sends it as text), and `$.time` in an
InputPathsMap gave epoch seconds instead of the event's ISO 8601 time
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from events_support import received
from support import shell_job, wait_job_run


def _queue(server, name: str) -> tuple[str, str]:
    sqs = server.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def _bodies(server, url: str, count: int) -> list[str]:
    """The raw message bodies (not JSON-decoded: a plain-text message is a valid delivery)."""
    sqs = server.client("sqs")
    bodies: list[str] = []
    for _ in range(30):
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages",
                                                                                                       []):
            bodies.append(message["Body"])
        if len(bodies) >= count:
            break
    return bodies


def test_constant_input_plain_text_template_and_iso_time_reach_sqs(glue, server):
    events = server.client("events")
    const_url, const_arn = _queue(server, "b8-const")
    text_url, text_arn = _queue(server, "b8-text")
    json_url, json_arn = _queue(server, "b8-json")
    events.put_rule(Name="b8-app", EventPattern=json.dumps({"source": ["my.app"]}))
    paths = {"state": "$.detail.state", "at": "$.time", "account": "$.account"}
    events.put_targets(Rule="b8-app", Targets=[
        {"Id": "c", "Arn": const_arn, "Input": '{"alert": "a job failed"}'},
        {"Id": "t", "Arn": text_arn, "InputTransformer": {"InputPathsMap": paths,
                                                          "InputTemplate": "Run timed out: <state> at <at>"}},
        {"Id": "j", "Arn": json_arn, "InputTransformer": {"InputPathsMap": paths,
                                                          "InputTemplate": '{"state": "<state>", "time": "<at>", '
                                                                           '"account": "<account>"}'}}])
    when = datetime(2024, 5, 17, 10, 30, 0, tzinfo=UTC)
    reply = events.put_events(Entries=[{"Source": "my.app", "DetailType": "x", "Time": when,
                                        "Detail": json.dumps({"state": "TIMEOUT"})}])
    assert reply["FailedEntryCount"] == 0
    assert [json.loads(b) for b in _bodies(server, const_url, 1)] == [{"alert": "a job failed"}]
    assert _bodies(server, text_url, 1) == ["Run timed out: TIMEOUT at 2024-05-17T10:30:00Z"]
    assert [json.loads(b) for b in _bodies(server, json_url, 1)] == [
        {"state": "TIMEOUT", "time": "2024-05-17T10:30:00Z", "account": "123456789012"}]


def test_a_failed_glue_job_alert_with_a_transformed_message(glue, server):
    """The documented recipe: rule on aws.glue "Glue Job State Change" FAILED/TIMEOUT, message made readable."""
    events = server.client("events")
    url, arn = _queue(server, "b8-admin")
    events.put_rule(Name="b8-failures", EventPattern=json.dumps({
        "source": ["aws.glue"], "detail-type": ["Glue Job State Change"], "detail": {"state": ["FAILED", "TIMEOUT"]}}))
    transformer = {"InputPathsMap": {"job": "$.detail.jobName", "state": "$.detail.state", "at": "$.time",
                                     "run": "$.detail.jobRunId", "why": "$.detail.message"},
                   "InputTemplate": '{"text": "<job> <state> at <at>", "run": "<run>", "why": "<why>"}'}
    events.put_targets(Rule="b8-failures", Targets=[{"Id": "q", "Arn": arn, "InputTransformer": transformer}])
    shell_job(glue, server.client("s3"), "b8-nightly", "raise RuntimeError('the input is gone')")
    run_id = glue.start_job_run(JobName="b8-nightly")["JobRunId"]
    wait_job_run(glue, "b8-nightly", run_id)
    [message] = received(server, url, 1)
    assert message["run"] == run_id and "the input is gone" in message["why"]
    job, state, _, at = message["text"].split(" ")
    assert (job, state) == ("b8-nightly", "FAILED")
    assert datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ")  # ISO 8601, not epoch seconds
