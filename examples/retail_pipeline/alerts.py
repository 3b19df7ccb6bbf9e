"""The pipeline's alert: "if a job fails, notify the admin", as on AWS, with an EventBridge rule and an SQS queue.

Glue puts a "Glue Job State Change" event on the default event bus when a run ends; the rule
`retail-failed-runs` matches those of the pipeline's jobs (names starting with `retail-`) that ended FAILED or
TIMEOUT, and sends them to the SQS queue `retail-admin-inbox`, which stands in for the admin's inbox (on AWS it
could be an SNS topic mailing the admin: the same rule with the topic as its target).
"""

from __future__ import annotations

import json
from typing import Any

RULE, INBOX = "retail-failed-runs", "retail-admin-inbox"
PATTERN = {
    "source": ["aws.glue"],
    "detail-type": ["Glue Job State Change"],
    "detail": {"state": ["FAILED", "TIMEOUT"], "jobName": [{"prefix": "retail-"}]},
}


def deploy_alert(events: Any, sqs: Any) -> str:
    """Create (or replace) the inbox queue and the rule sending failed runs to it; the queue's URL."""
    url = sqs.create_queue(QueueName=INBOX)["QueueUrl"]
    sqs.purge_queue(QueueUrl=url)  # a new deployment starts with an empty inbox
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name=RULE, EventPattern=json.dumps(PATTERN),
                    Description="Failed or timed-out runs of the retail pipeline's jobs, to the admin")
    events.put_targets(Rule=RULE, Targets=[{"Id": "admin-inbox", "Arn": arn}])
    return url


def read_alerts(sqs: Any, wait_seconds: int = 2) -> list[dict[str, Any]]:
    """The events waiting in the admin's inbox (removed from it as read)."""
    url = sqs.get_queue_url(QueueName=INBOX)["QueueUrl"]
    alerts = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                       WaitTimeSeconds=wait_seconds).get("Messages", [])
        if not messages:
            return alerts
        for message in messages:
            alerts.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
