"""EVENT triggers fed by EventBridge: a rule whose target is a Glue workflow, reached by PutEvents and by S3 uploads
to a bucket with EventBridge notifications on."""

from __future__ import annotations

import json

from events_support import nothing_more, queue_rule, received
from support import shell_job, wait_until

WORKFLOW_ARN = "arn:aws:glue:us-east-1:123456789012:workflow/{}"
EVENTBRIDGE_ROLE = "arn:aws:iam::123456789012:role/EventBridgeStartsGlue"


def _workflow(glue, server, name: str, batch_size: int = 1) -> None:
    """A workflow whose EVENT trigger starts a pythonshell job."""
    shell_job(glue, server.client("s3"), f"{name}-job", "print('started by an event')")
    glue.create_workflow(Name=name)
    glue.create_trigger(Name=f"{name}-on-event", Type="EVENT", WorkflowName=name,
                        Actions=[{"JobName": f"{name}-job"}], EventBatchingCondition={"BatchSize": batch_size})


def _target_rule(server, rule: str, pattern: dict, workflow: str, **target) -> None:
    events = server.client("events")
    events.put_rule(Name=rule, EventPattern=json.dumps(pattern))
    events.put_targets(Rule=rule, Targets=[{"Id": "wf", "Arn": WORKFLOW_ARN.format(workflow), **target}])


def _runs(glue, workflow: str, count: int = 1) -> list[dict]:
    return wait_until(lambda: glue.get_workflow_runs(Name=workflow)["Runs"], f"{count} run(s) of {workflow}",
                      until=lambda runs: len(runs) >= count, timeout=60)


def test_put_events_reaches_the_workflows_event_trigger_with_its_batching(glue, server):
    _workflow(glue, server, "orders", batch_size=2)
    _target_rule(server, "new-orders", {"source": ["shop.orders"]}, "orders", RoleArn=EVENTBRIDGE_ROLE)
    events = server.client("events")
    entry = {"Source": "shop.orders", "DetailType": "Order Placed", "Detail": json.dumps({"id": 1})}
    first = events.put_events(Entries=[entry])["Entries"][0]["EventId"]
    events.put_events(Entries=[{**entry, "Source": "shop.other"}])  # the rule's pattern does not match it
    assert glue.get_workflow_runs(Name="orders")["Runs"] == []  # one event of a batch of two
    second = events.put_events(Entries=[entry])["Entries"][0]["EventId"]

    [run] = _runs(glue, "orders")
    assert run["StartingEventBatchCondition"] == {"BatchSize": 2}
    properties = glue.get_workflow_run_properties(Name="orders", RunId=run["WorkflowRunId"])["RunProperties"]
    assert json.loads(properties["aws:eventIds"]) == [first, second]


def test_a_workflow_target_without_role_starts_nothing(glue, server):
    _workflow(glue, server, "unroled")
    _target_rule(server, "no-role", {"source": ["shop.orders"]}, "unroled")
    events = server.client("events")
    events.put_events(Entries=[{"Source": "shop.orders", "DetailType": "x", "Detail": "{}"}])
    url = queue_rule(server, "witness", {"source": ["shop.orders"]})  # later events prove delivery went on
    events.put_events(Entries=[{"Source": "shop.orders", "DetailType": "x", "Detail": "{}"}])
    received(server, url, 1)
    assert glue.get_workflow_runs(Name="unroled")["Runs"] == []


def test_an_s3_upload_starts_the_workflow_when_the_bucket_sends_to_eventbridge(glue, server):
    s3 = server.client("s3")
    for bucket in ("landing", "quiet"):
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(Bucket="landing",
                                             NotificationConfiguration={"EventBridgeConfiguration": {}})
    assert s3.get_bucket_notification_configuration(Bucket="landing")["EventBridgeConfiguration"] == {}
    assert "EventBridgeConfiguration" not in s3.get_bucket_notification_configuration(Bucket="quiet")
    _workflow(glue, server, "ingest")
    pattern = {"source": ["aws.s3"], "detail-type": ["Object Created"],
               "detail": {"bucket": {"name": ["landing"]}, "object": {"key": [{"prefix": "incoming/"}]}}}
    _target_rule(server, "uploads", pattern, "ingest", RoleArn=EVENTBRIDGE_ROLE)
    witness = queue_rule(server, "s3-events", {"source": ["aws.s3"]})

    s3.put_object(Bucket="quiet", Key="incoming/a.csv", Body=b"no notifications on this bucket")
    s3.put_object(Bucket="landing", Key="elsewhere/b.csv", Body=b"not under the rule's prefix")
    s3.put_object(Bucket="landing", Key="incoming/orders.csv", Body=b"id\n1\n")

    [run] = _runs(glue, "ingest")
    assert run["StartingEventBatchCondition"] == {"BatchSize": 1}
    created = received(server, witness, 2)
    assert [e["detail"]["object"]["key"] for e in created] == ["elsewhere/b.csv", "incoming/orders.csv"]
    event = created[1]
    assert (event["source"], event["detail-type"], event["resources"]) == (
        "aws.s3", "Object Created", ["arn:aws:s3:::landing"])
    head = s3.head_object(Bucket="landing", Key="incoming/orders.csv")
    detail = event["detail"]
    assert detail["bucket"] == {"name": "landing"} and detail["reason"] == "PutObject"
    assert (detail["object"]["size"], detail["object"]["etag"]) == (5, head["ETag"].strip('"'))
    assert detail["version"] == "0" and detail["requester"] == "123456789012"
    properties = glue.get_workflow_run_properties(Name="ingest", RunId=run["WorkflowRunId"])["RunProperties"]
    assert json.loads(properties["aws:eventIds"]) == [event["id"]]

    s3.delete_object(Bucket="landing", Key="incoming/orders.csv")
    [deleted] = received(server, witness, 1)
    assert (deleted["detail-type"], deleted["detail"]["reason"]) == ("Object Deleted", "DeleteObject")
    assert deleted["detail"]["deletion-type"] == "Permanently Deleted"
    s3.put_bucket_notification_configuration(Bucket="landing", NotificationConfiguration={})
    s3.put_object(Bucket="landing", Key="incoming/later.csv", Body=b"off again")
    nothing_more(server, witness)


def test_direct_bucket_notifications_are_refused_not_ignored(glue, server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="direct")
    configuration = {"QueueConfigurations": [{"QueueArn": "arn:aws:sqs:us-east-1:123456789012:q",
                                              "Events": ["s3:ObjectCreated:*"]}]}
    try:
        s3.put_bucket_notification_configuration(Bucket="direct", NotificationConfiguration=configuration)
    except s3.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == "NotImplemented"
        assert "EventBridge" in error.response["Error"]["Message"]
    else:
        raise AssertionError("a QueueConfiguration was accepted")


def test_a_target_kind_the_emulator_cannot_deliver_does_not_break_put_events_or_the_others(glue, server):
    events = server.client("events")
    url = queue_rule(server, "mixed", {"source": ["shop.orders"]})
    lambda_arn = "arn:aws:lambda:us-east-1:123456789012:function:notify"
    events.put_targets(Rule="mixed", Targets=[{"Id": "fn", "Arn": lambda_arn}])
    answer = events.put_events(Entries=[{"Source": "shop.orders", "DetailType": "x", "Detail": "{}"}])
    assert answer["FailedEntryCount"] == 0
    assert received(server, url, 1)[0]["source"] == "shop.orders"
