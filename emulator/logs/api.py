"""The CloudWatch Logs operations: log groups, log streams, PutLogEvents, GetLogEvents, FilterLogEvents.

Messages and paging follow CloudWatch: GetLogEvents hands out `f/…` and `b/…` tokens and gives the
same forward token back once the end of the stream is reached (clients loop until it repeats);
FilterLogEvents reads a group's events in timestamp order across streams.
"""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import AwsError, InvalidInputException, ResourceNotFoundException
from ..pagination import decode_token, encode_token, paginate
from .patterns import PatternError, compile_pattern
from .store import START, Event, LogStore, Position, now_ms


class ResourceAlreadyExistsException(AwsError):
    code = "ResourceAlreadyExistsException"


class InvalidParameterException(AwsError):
    code = "InvalidParameterException"


# PutRetentionPolicy accepts only these periods (days).
RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653
)
_MAX_RESPONSE_BYTES = 1024 * 1024  # GetLogEvents returns at most 1 MB of events
_EVENT_OVERHEAD = 26  # bytes CloudWatch counts per event on top of its message
_FUTURE_LIMIT_MS = 2 * 3600 * 1000  # PutLogEvents: events more than 2 hours ahead are rejected
_PAST_LIMIT_MS = 14 * 24 * 3600 * 1000  # ... and those older than 14 days
_BATCH_SPAN_MS = 24 * 3600 * 1000
_SCAN_STEP = 1000  # FilterLogEvents reads events in steps of this many


def _logs(ctx: RequestContext) -> LogStore:
    return ctx.emulator.component(LogStore)


def _group_arn(ctx: RequestContext, group: str) -> str:
    return f"arn:aws:logs:{ctx.region}:{ctx.account}:log-group:{group}"


def _group_name(params: dict[str, Any]) -> str:
    """The group addressed by logGroupName or logGroupIdentifier (a name or an ARN), not both."""
    name, identifier = params.get("logGroupName"), params.get("logGroupIdentifier")
    if name and identifier:
        raise InvalidParameterException("LogGroup name and LogGroup ARN are mutually exclusive parameters.")
    if identifier:
        if identifier.startswith("arn:"):
            parts = identifier.split(":")
            if len(parts) < 7 or parts[5] != "log-group":
                raise InvalidParameterException(f"Invalid log group identifier: {identifier}")
            return parts[6]
        return identifier
    if not name:
        raise InvalidParameterException("Should provide either logGroupName or logGroupIdentifier.")
    return name


def _require_group(ctx: RequestContext, group: str) -> dict[str, Any]:
    found = _logs(ctx).group(ctx.scope, group)
    if found is None:
        raise ResourceNotFoundException("The specified log group does not exist.")
    return found


def _require_stream(ctx: RequestContext, group: str, stream: str) -> dict[str, Any]:
    _require_group(ctx, group)
    found = _logs(ctx).stream(ctx.scope, group, stream)
    if found is None:
        raise ResourceNotFoundException("The specified log stream does not exist.")
    return found


def _page(items: list[Any], params: dict[str, Any], key: Any) -> tuple[list[Any], str | None]:
    """DescribeLogGroups/DescribeLogStreams paging (limit 1-50, default 50)."""
    try:
        return paginate(items, params.get("nextToken"), params.get("limit"), 50, key=key)
    except InvalidInputException:
        raise InvalidParameterException("The specified nextToken is invalid.") from None


# -- log groups -----------------------------------------------------------------------------------


def create_log_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["logGroupName"]
    if not _logs(ctx).create_group(ctx.scope, name, params.get("logGroupClass", "STANDARD"), params.get("kmsKeyId")):
        raise ResourceAlreadyExistsException("The specified log group already exists")
    return {}


def _group_output(ctx: RequestContext, row: dict[str, Any]) -> dict[str, Any]:
    arn = _group_arn(ctx, row["name"])
    group: dict[str, Any] = {"logGroupName": row["name"], "creationTime": row["created"]}
    if row["retention"] is not None:
        group["retentionInDays"] = row["retention"]
    group.update({"metricFilterCount": 0, "arn": arn + ":*", "storedBytes": row["stored"]})
    if row["kms"]:
        group["kmsKeyId"] = row["kms"]
    group.update({"logGroupClass": row["class"], "logGroupArn": arn})
    return group


def describe_log_groups(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    prefix, pattern = params.get("logGroupNamePrefix"), params.get("logGroupNamePattern")
    if prefix and pattern:
        raise InvalidParameterException(
            "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters."
        )
    rows = _logs(ctx).groups(ctx.scope, prefix=prefix)
    if pattern:
        rows = [row for row in rows if pattern.lower() in row["name"].lower()]
    if "logGroupClass" in params:
        rows = [row for row in rows if row["class"] == params["logGroupClass"]]
    if "logGroupIdentifiers" in params:
        wanted = {_group_name({"logGroupIdentifier": ident}) for ident in params["logGroupIdentifiers"]}
        rows = [row for row in rows if row["name"] in wanted]
    page, token = _page(rows, params, key=lambda row: row["name"])
    result: dict[str, Any] = {"logGroups": [_group_output(ctx, row) for row in page]}
    if token:
        result["nextToken"] = token
    return result


def delete_log_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if not _logs(ctx).delete_group(ctx.scope, params["logGroupName"]):
        raise ResourceNotFoundException("The specified log group does not exist.")
    return {}


def put_retention_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    days = params["retentionInDays"]
    if days not in RETENTION_DAYS:
        raise InvalidParameterException(
            f"1 validation error detected: Value '{days}' at 'retentionInDays' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{', '.join(map(str, RETENTION_DAYS))}]"
        )
    if not _logs(ctx).set_retention(ctx.scope, params["logGroupName"], days):
        raise ResourceNotFoundException("The specified log group does not exist.")
    return {}


def delete_retention_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if not _logs(ctx).set_retention(ctx.scope, params["logGroupName"], None):
        raise ResourceNotFoundException("The specified log group does not exist.")
    return {}


# -- log streams ----------------------------------------------------------------------------------


def create_log_stream(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = params["logGroupName"]
    _require_group(ctx, group)
    if not _logs(ctx).create_stream(ctx.scope, group, params["logStreamName"]):
        raise ResourceAlreadyExistsException("The specified log stream already exists")
    return {}


def _stream_output(ctx: RequestContext, group: str, row: dict[str, Any]) -> dict[str, Any]:
    stream: dict[str, Any] = {"logStreamName": row["name"], "creationTime": row["created"]}
    if row["first_ts"] is not None:
        stream.update(
            firstEventTimestamp=row["first_ts"], lastEventTimestamp=row["last_ts"], lastIngestionTime=row["last_ingest"]
        )
    # storedBytes of streams is deprecated and always reported as zero by CloudWatch.
    stream.update(arn=f"{_group_arn(ctx, group)}:log-stream:{row['name']}", storedBytes=0)
    return stream


def describe_log_streams(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = _group_name(params)
    _require_group(ctx, group)
    by_time = params.get("orderBy") == "LastEventTime"
    if by_time and params.get("logStreamNamePrefix"):
        raise InvalidParameterException("Cannot order by LastEventTime with a logStreamNamePrefix.")
    logs = _logs(ctx)
    logs.sync(ctx.scope, group)
    rows = logs.streams(ctx.scope, group, prefix=params.get("logStreamNamePrefix"))
    descending = bool(params.get("descending"))
    if by_time:
        sign = -1 if descending else 1
        key = lambda row: [sign * (row["last_ts"] or 0), _name_key(row["name"], descending)]
    else:
        key = lambda row: _name_key(row["name"], descending)
    rows.sort(key=key)
    page, token = _page(rows, params, key=key)
    result: dict[str, Any] = {"logStreams": [_stream_output(ctx, group, row) for row in page]}
    if token:
        result["nextToken"] = token
    return result


def _name_key(name: str, descending: bool) -> Any:
    """A sort key (that survives a JSON paging token) putting names in ascending or descending order."""
    return [-ord(ch) for ch in name] + [1] if descending else name


def delete_log_stream(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = params["logGroupName"]
    _require_group(ctx, group)
    if not _logs(ctx).delete_stream(ctx.scope, group, params["logStreamName"]):
        raise ResourceNotFoundException("The specified log stream does not exist.")
    return {}


# -- events ---------------------------------------------------------------------------------------


def put_log_events(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Store a batch; events too far in the future or past are rejected in-band, as CloudWatch does."""
    group, stream = params["logGroupName"], params["logStreamName"]
    _require_stream(ctx, group, stream)
    events = params["logEvents"]
    stamps = [event["timestamp"] for event in events]
    if stamps != sorted(stamps):
        raise InvalidParameterException("Log events in a single PutLogEvents request must be in chronological order.")
    if stamps[-1] - stamps[0] > _BATCH_SPAN_MS:
        raise InvalidParameterException(
            "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."
        )
    size = sum(len(event["message"].encode("utf-8")) + _EVENT_OVERHEAD for event in events)
    if size > _MAX_RESPONSE_BYTES:
        raise InvalidParameterException(f"Upload too large: {size} bytes exceeds limit of {_MAX_RESPONSE_BYTES}")
    current = now_ms()
    logs = _logs(ctx)
    # Events older than the group's retention are refused too (expiredLogEventEndIndex).
    cutoff = logs.cutoff(ctx.scope, group)
    expired = [i for i, ts in enumerate(stamps) if cutoff is not None and ts < cutoff]
    too_old = [i for i, ts in enumerate(stamps) if ts < current - _PAST_LIMIT_MS]
    too_new = [i for i, ts in enumerate(stamps) if ts > current + _FUTURE_LIMIT_MS]
    oldest = max(current - _PAST_LIMIT_MS, cutoff if cutoff is not None else 0)
    accepted = [
        (event["timestamp"], event["message"])
        for i, event in enumerate(events)
        if oldest <= stamps[i] <= current + _FUTURE_LIMIT_MS
    ]
    logs.append(ctx.scope, group, stream, accepted)
    # The sequence token is no longer checked by CloudWatch; it is still handed out.
    result: dict[str, Any] = {"nextSequenceToken": f"{current:056d}"}
    rejected: dict[str, int] = {}
    if too_new:
        rejected["tooNewLogEventStartIndex"] = too_new[0]
    if too_old:
        rejected["tooOldLogEventEndIndex"] = too_old[-1]
    if expired:
        rejected["expiredLogEventEndIndex"] = expired[-1]
    if rejected:
        result["rejectedLogEventsInfo"] = rejected
    return result


def _position_token(direction: str, position: Position) -> str:
    return f"{direction}/{position[0]:020d}{position[1]:036d}"


def _parse_position_token(token: str) -> tuple[str, Position]:
    direction, _, digits = token.partition("/")
    if direction not in ("f", "b") or len(digits) != 56 or not digits.isdigit():
        raise InvalidParameterException("The specified nextToken is invalid.")
    return direction, (int(digits[:20]), int(digits[20:]))


def _within_size(events: list[Event]) -> list[Event]:
    """As many events (from the first) as fit in one response."""
    total = 0
    for count, event in enumerate(events):
        total += len(event.message.encode("utf-8")) + _EVENT_OVERHEAD
        if total > _MAX_RESPONSE_BYTES:
            return events[: max(count, 1)]
    return events


def get_log_events(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group, stream = _group_name(params), params["logStreamName"]
    logs = _logs(ctx)
    logs.sync(ctx.scope, group)
    _require_stream(ctx, group, stream)
    limit = params.get("limit", 10000)
    if params.get("nextToken"):
        direction, position = _parse_position_token(params["nextToken"])
    else:
        direction, position = ("f" if params.get("startFromHead") else "b"), None
    query: dict[str, Any] = {"streams": [stream], "start": params.get("startTime"), "end": params.get("endTime")}
    if direction == "f":
        events = _within_size(logs.events(ctx.scope, group, after=position or START, limit=limit, **query))
    else:
        newest = logs.events(ctx.scope, group, before=position, limit=limit, newest_first=True, **query)
        events = list(reversed(_within_size(newest)))
    if events:
        first, last = events[0].position, events[-1].position
        forward, backward = _position_token("f", last), _position_token("b", first)
    else:  # nothing more this way: the same token comes back, as CloudWatch does at the stream's end
        boundary = position or START
        just_before = (boundary[0], boundary[1] - 1) if direction == "b" and position else boundary
        forward, backward = _position_token("f", just_before), _position_token("b", boundary)
    return {
        "events": [
            {"timestamp": e.timestamp, "message": e.message, "ingestionTime": e.ingestion_time} for e in events
        ],
        "nextForwardToken": forward,
        "nextBackwardToken": backward,
    }


def filter_log_events(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = _group_name(params)
    if params.get("logStreamNames") and params.get("logStreamNamePrefix"):
        raise InvalidParameterException("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")
    try:
        matches = compile_pattern(params.get("filterPattern"))
    except PatternError as exc:
        raise InvalidParameterException(str(exc)) from None
    logs = _logs(ctx)
    logs.sync(ctx.scope, group)
    _require_group(ctx, group)
    position: Position = START
    if params.get("nextToken"):
        try:
            after = decode_token(params["nextToken"])
        except InvalidInputException:
            after = None
        if not (isinstance(after, list) and len(after) == 2 and all(isinstance(part, int) for part in after)):
            raise InvalidParameterException("The specified nextToken is invalid.")
        position = (after[0], after[1])
    limit = params.get("limit", 10000)
    query: dict[str, Any] = {
        "streams": params.get("logStreamNames"),
        "stream_prefix": params.get("logStreamNamePrefix"),
        "start": params.get("startTime"),
        "end": params.get("endTime"),
    }
    found: list[Event] = []
    more = False
    while not more:
        batch = logs.events(ctx.scope, group, after=position, limit=_SCAN_STEP, **query)
        for event in batch:
            if len(found) == limit:  # another event exists past a full page
                more = True
                break
            position = event.position
            if matches(event.message):
                found.append(event)
        if len(batch) < _SCAN_STEP:
            break
    result: dict[str, Any] = {
        "events": [
            {
                "logStreamName": e.stream,
                "timestamp": e.timestamp,
                "message": e.message,
                "ingestionTime": e.ingestion_time,
                "eventId": f"{e.id:056d}",
            }
            for e in found
        ],
        # CloudWatch stopped reporting searched streams in 2020; it answers an empty list.
        "searchedLogStreams": [],
    }
    if more:
        result["nextToken"] = encode_token(list(position))
    return result
