"""What moto's EventBridge rules lack to deliver as EventBridge does: disabled rules, SNS topics, Glue workflows.

moto (5.x) matches an event against every rule of the bus and delivers it in-process to CloudWatch Logs
groups, archives, SQS queues (standard and FIFO) and other event buses; it ignores a rule's State, leaves the
event's `account` out of what targets receive, and does nothing for other target kinds (and parses its
JSONPaths anew for every delivery, which `install` caches). EventBridge delivers nothing for a DISABLED rule, publishes to an SNS topic
(the event as the message; from there SNS fans out to its SQS subscriptions, which moto's SNS does in-process),
and hands the event to a Glue workflow's EVENT trigger when the target is `arn:aws:glue:<region>:<account>:
workflow/<name>` with a RoleArn, EventBridge's role to call Glue
(https://docs.aws.amazon.com/glue/latest/dg/starting-workflow-eventbridge.html). `install()` wraps moto's
`Rule.send_to_targets` once with those three behaviours; it covers the user's own PutEvents as well as the
events the emulator emits (bus.py), since both go through moto's rules.

A workflow target without RoleArn, or whose workflow or EVENT trigger is missing, gets nothing (on AWS the
invocation fails and shows in the rule's FailedInvocations metric); the reason is logged.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import re
import threading
from typing import Any

log = logging.getLogger("glue_emulator.events")

# An event as EventBridge delivers it, members in its order (moto's template with `account` put back).
_EVENT_TEMPLATE = ('{"version": "0", "id": "<id>", "detail-type": "<detail-type>", "source": "<source>", '
                   '"account": "<account>", "time": <time>, "region": "<region>", "resources": <resources>, '
                   '"detail": <detail>}')
_lock = threading.Lock()
_installed = False


def install() -> None:
    """Extend moto's rule delivery (idempotent; moto must be importable)."""
    global _installed
    with _lock:
        if _installed:
            return
        import jsonpath_ng.ext as jsonpath_ext
        from moto.events.models import Rule
        from moto.events.utils import EventTemplateParser

        # moto rebuilds the event its targets receive from a template that leaves out "account".
        EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE = _EVENT_TEMPLATE
        # ...and parses each of the template's 8 JSONPaths anew for every event and target: jsonpath_ng builds
        # a parser each time (60 ms a path, half a second an event). Parsed paths are immutable: keep them.
        jsonpath_ext.parse = functools.lru_cache(maxsize=1024)(jsonpath_ext.parse)
        original = Rule.send_to_targets

        def send_to_targets(rule: Any, event: dict[str, Any], transform_input: bool = True) -> None:
            if rule.state == "DISABLED" or not rule.event_pattern.matches_event(event):
                return
            for target in rule.targets:
                if not _deliver(rule, target, event, transform_input):
                    # moto's own kinds, one target at a time: it raises on a kind it lacks, skipping the rest
                    one = copy.copy(rule)
                    one.targets = [target]
                    try:
                        original(one, event, transform_input)
                    except NotImplementedError:  # Lambda, Step Functions, Kinesis, ...: not delivered
                        log.warning("rule %s: EventBridge targets like %s are not delivered by the emulator",
                                    rule.name, target["Arn"])
                    except Exception:  # a failed invocation: EventBridge counts it, PutEvents still succeeds
                        log.exception("rule %s could not deliver an event to %s", rule.name, target["Arn"])

        Rule.send_to_targets = send_to_targets
        _installed = True


def _deliver(rule: Any, target: dict[str, Any], event: dict[str, Any], transform_input: bool) -> bool:
    """Deliver to a target kind moto lacks; False for the kinds moto delivers. A failure is logged, as
    EventBridge counts it and goes on with the other targets."""
    from moto.utilities.arns import parse_arn

    arn = parse_arn(target["Arn"])
    try:
        if arn.service == "sns":
            _publish(target["Arn"], arn.account, arn.region, _payload(target, event, transform_input))
        elif arn.service == "sqs" and ("Input" in target or transform_input and "InputTransformer" in target):
            # moto's SQS delivery ignores Input, and breaks on a transformed message that is plain text or
            # holds the word "time" (it takes it for the event's epoch time): the message is sent here
            _send_message(arn.account, arn.region, arn.resource_id, _payload(target, event, transform_input),
                          (target.get("SqsParameters") or {}).get("MessageGroupId"))
        elif arn.service == "glue" and arn.resource_type == "workflow":
            _start_workflow(rule, target, arn.account, arn.region, arn.resource_id, event)
        else:
            return False
    except Exception:
        log.exception("rule %s could not deliver an event to %s", rule.name, target.get("Arn"))
    return True


def _payload(target: dict[str, Any], event: dict[str, Any], transform_input: bool) -> str:
    """The message a target receives: the event as JSON, the target's Input, or what its InputTransformer
    makes of the event. `time` is the event's ISO 8601 time, as EventBridge shows it (moto keeps epoch seconds)."""
    from moto.core.utils import iso_8601_datetime_without_milliseconds, utcfromtimestamp

    if "Input" in target:
        return str(target["Input"])
    if isinstance(event.get("time"), (int, float)):
        event = {**event, "time": iso_8601_datetime_without_milliseconds(utcfromtimestamp(float(event["time"])))}
    transformer = target.get("InputTransformer", {}) if transform_input else {}
    if not transformer.get("InputTemplate"):
        return _event_json(event)
    return _transform(transformer["InputTemplate"], transformer.get("InputPathsMap") or {}, event)


def _event_json(event: dict[str, Any]) -> str:
    """The event as JSON, members in EventBridge's order."""
    members = ("version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail")
    return json.dumps({name: event.get(name) for name in members})


def _transform(template: str, paths: dict[str, str], event: dict[str, Any]) -> str:
    """An InputTransformer's output: each `<name>` of the template replaced by the value its JSONPath finds
    in the event (text as is, objects and lists as JSON; nothing found: empty), and the predefined
    `<aws.events.event.json>` and `<aws.events.event.ingestion-time>`
    (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html). A template
    that is JSON gives JSON; any other template gives its text, as EventBridge sends it."""
    import jsonpath_ng.ext as jsonpath_ext

    def text(value: Any) -> str:
        return value if isinstance(value, str) else json.dumps(value)

    values = {"aws.events.event.json": _event_json(event),
              "aws.events.event.ingestion-time": str(event.get("time", ""))}
    for name, path in paths.items():
        found = jsonpath_ext.parse(path).find(event)
        values[name] = text(found[0].value) if found else ""
    message = re.sub(r"<([^<>]+)>", lambda m: values.get(m.group(1), m.group(0)), template)
    try:
        return json.dumps(json.loads(message))
    except ValueError:
        return message


def _send_message(account: str, region: str, queue: str, body: str, group_id: str | None) -> None:
    from moto.sqs import sqs_backends

    sqs_backends[account][region].send_message(queue_name=queue, message_body=body, group_id=group_id)


def _publish(topic_arn: str, account: str, region: str, message: str) -> None:
    from moto.sns import sns_backends

    sns_backends[account][region].publish(message, arn=topic_arn)


def _start_workflow(rule: Any, target: dict[str, Any], account: str, region: str, workflow: str,
                    event: dict[str, Any]) -> None:
    from ..errors import AwsError
    from ..orchestration.common import context_for
    from ..orchestration.events import EventBatcher
    from .bus import current_emulator

    if not target.get("RoleArn"):
        log.warning("rule %s: the Glue workflow target %s has no RoleArn; EventBridge cannot invoke it",
                    rule.name, target["Arn"])
        return
    emulator = current_emulator()
    if emulator is None:
        return
    ctx = context_for(emulator, f"{account}/{region}")
    try:
        emulator.component(EventBatcher).deliver(ctx, workflow, event)
    except AwsError as error:
        log.warning("rule %s: workflow %s did not take the event: %s", rule.name, workflow, error.message)
