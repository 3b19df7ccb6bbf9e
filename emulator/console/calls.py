"""How the console reaches the emulator's state: the API's own handlers, for the account and region picked.

`call(ctx, "GetWorkflowRun", {...})` finds the handler the awsJson protocol would (services.py), checks
the request against the API model and completes the output as the protocol does, so a page shows what
boto3 would get. Raises the handler's AwsError (EntityNotFoundException, ...), which pages show as a message.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..catalog.common import DATABASE
from ..config import DEFAULT_ACCOUNT, DEFAULT_REGION
from ..context import RequestContext
from ..crawlers.runner import CRAWLER
from ..errors import AwsError, UnknownOperationException
from ..jobs.definitions import JOB
from ..orchestration.common import TRIGGER, WORKFLOW

if TYPE_CHECKING:
    from ..core import Emulator

# Kinds whose scopes name the accounts and regions in use (for the picker).
_SCOPED_KINDS = (WORKFLOW, JOB, CRAWLER, DATABASE, TRIGGER)
SCOPE_COOKIE = "glue_emulator_console_scope"


def context(emulator: Emulator, scope: str | None) -> RequestContext:
    """A RequestContext for `scope` ("account/region"); the default one an unsigned request gets when absent."""
    account, _, region = (scope or "").partition("/")
    if not (account.isdigit() and len(account) == 12 and region):
        account, region = DEFAULT_ACCOUNT, DEFAULT_REGION
    return RequestContext(account, region, "console-" + str(uuid.uuid4()), emulator)


def scopes_in_use(emulator: Emulator) -> list[str]:
    """The "account/region" scopes holding any workflow, job, crawler, database or trigger, sorted."""
    found = {f"{DEFAULT_ACCOUNT}/{DEFAULT_REGION}"}
    for kind in _SCOPED_KINDS:
        found.update(scope for scope, _parent, _name, _doc in emulator.store.list_scopes(kind))
    return sorted(found)


def call(ctx: RequestContext, operation: str, params: dict[str, Any], service: str = "AWSGlue") -> dict[str, Any]:
    """The result of a Glue (or, with service="Logs_20140328", Logs) operation, as the API answers it."""
    json_service = ctx.emulator.json_services[service]
    handler = json_service.handlers.get(operation)
    if handler is None:
        raise UnknownOperationException(f"Unknown operation: {service}.{operation}")
    json_service.shapes.validate_input(operation, params, None)
    return json_service.shapes.complete_output(operation, handler(ctx, params) or {})


def paged(ctx: RequestContext, operation: str, params: dict[str, Any], key: str, limit: int = 1000,
          service: str = "AWSGlue") -> list[dict[str, Any]]:
    """Up to `limit` items of a paginated operation's list `key`, following NextToken."""
    return list(itertools.islice(_pages(ctx, operation, params, key, service), limit))


def _pages(ctx: RequestContext, operation: str, params: dict[str, Any], key: str,
           service: str) -> Iterator[dict[str, Any]]:
    token: str | None = None
    for _ in range(100):  # bounded: a console page never walks more than 100 pages
        result = call(ctx, operation, {**params, **({"NextToken": token} if token else {})}, service)
        yield from result.get(key, [])
        token = result.get("NextToken")
        if not token:
            return


def log_lines(ctx: RequestContext, group: str, stream: str, limit: int = 5000) -> list[dict[str, Any]]:
    """The first `limit` events of a CloudWatch Logs stream, oldest first ([] when it does not exist yet)."""
    events: list[dict[str, Any]] = []
    token: str | None = None
    params: dict[str, Any] = {"logGroupName": group, "logStreamName": stream, "startFromHead": True}
    while len(events) < limit:
        try:
            result = call(ctx, "GetLogEvents", {**params, **({"nextToken": token} if token else {})},
                          "Logs_20140328")
        except AwsError as error:
            if error.code == "ResourceNotFoundException":  # the run or crawl has not written a line yet
                return events
            raise
        events.extend(result.get("events", []))
        if not result.get("events") or result.get("nextForwardToken") == token:
            break
        token = result.get("nextForwardToken")
    return events[:limit]
