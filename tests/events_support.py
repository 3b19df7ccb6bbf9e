"""Helpers of the events tests: an SQS queue receiving what an EventBridge rule matches, read back as events."""

from __future__ import annotations

import json
import time
from typing import Any

from emulator.testing import EmulatorServer


def queue_rule(server: EmulatorServer, rule: str, pattern: dict[str, Any], queue: str | None = None,
               region: str = "us-east-1") -> str:
    """PutRule with `pattern` on the default bus and an SQS queue (created, named `queue` or after the rule)
    as its target, as a user would with boto3; the queue's URL."""
    sqs, events = server.client("sqs", region), server.client("events", region)
    url = sqs.create_queue(QueueName=queue or rule)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name=rule, EventPattern=json.dumps(pattern))
    events.put_targets(Rule=rule, Targets=[{"Id": "queue", "Arn": arn}])
    return url


def received(server: EmulatorServer, url: str, count: int, timeout: float = 60.0,
             region: str = "us-east-1") -> list[dict[str, Any]]:
    """The JSON bodies of the first `count` messages of the queue (deleted as read); AssertionError naming
    what arrived when fewer came within `timeout` seconds."""
    sqs = server.client("sqs", region)
    bodies: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while len(bodies) < count and time.monotonic() < deadline:
        reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        for message in reply.get("Messages", []):
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert len(bodies) >= count, f"expected {count} messages within {timeout:g} s, got {bodies!r}"
    return bodies


def nothing_more(server: EmulatorServer, url: str, wait: float = 1.5, region: str = "us-east-1") -> None:
    """Assert that no message reaches the queue within `wait` seconds."""
    sqs = server.client("sqs", region)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages")
        assert not messages, f"unexpected messages: {[m['Body'] for m in messages]}"
