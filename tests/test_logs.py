"""CloudWatch Logs through boto3: groups, streams, PutLogEvents, GetLogEvents paging, FilterLogEvents."""

from __future__ import annotations

import time

import pytest

from emulator.logs.patterns import PatternError, compile_pattern


@pytest.fixture
def logs(glue_emulator):
    return glue_emulator.client("logs")


def _now_ms() -> int:
    return int(time.time() * 1000)


def _stream_with(logs, group: str, stream: str, messages: list[str], start: int | None = None) -> int:
    """Create group (if needed) and stream and put one event per message, 1 ms apart; returns the first stamp."""
    if not logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]:
        logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    first = start if start is not None else _now_ms() - 10_000
    events = [{"timestamp": first + i, "message": m} for i, m in enumerate(messages)]
    logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
    return first


def test_groups_and_streams_are_described_as_cloudwatch_does(glue_emulator, logs):
    logs.create_log_group(logGroupName="/app/one")
    with pytest.raises(logs.exceptions.ResourceAlreadyExistsException) as caught:
        logs.create_log_group(logGroupName="/app/one")
    assert caught.value.response["Error"]["Message"] == "The specified log group already exists"
    first = _stream_with(logs, "/app/one", "s1", ["hello", "world"])
    group = logs.describe_log_groups(logGroupNamePrefix="/app/")["logGroups"][0]
    assert group["logGroupName"] == "/app/one"
    assert group["arn"] == "arn:aws:logs:us-east-1:123456789012:log-group:/app/one:*"
    assert group["logGroupArn"] == "arn:aws:logs:us-east-1:123456789012:log-group:/app/one"
    assert group["storedBytes"] == 10
    assert (group["metricFilterCount"], group["logGroupClass"]) == (0, "STANDARD")
    stream = logs.describe_log_streams(logGroupName="/app/one")["logStreams"][0]
    assert stream["logStreamName"] == "s1"
    assert (stream["firstEventTimestamp"], stream["lastEventTimestamp"]) == (first, first + 1)
    assert stream["arn"] == "arn:aws:logs:us-east-1:123456789012:log-group:/app/one:log-stream:s1"
    with pytest.raises(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_stream(logGroupName="/app/one", logStreamName="s1")
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as caught:
        logs.create_log_stream(logGroupName="/app/missing", logStreamName="s1")
    assert caught.value.response["Error"]["Message"] == "The specified log group does not exist."


def test_describe_log_groups_pages_and_filters(logs):
    for name in ("/a/1", "/a/2", "/a/3", "/b/Special"):
        logs.create_log_group(logGroupName=name)
    first = logs.describe_log_groups(logGroupNamePrefix="/a/", limit=2)
    assert [g["logGroupName"] for g in first["logGroups"]] == ["/a/1", "/a/2"]
    second = logs.describe_log_groups(logGroupNamePrefix="/a/", limit=2, nextToken=first["nextToken"])
    assert [g["logGroupName"] for g in second["logGroups"]] == ["/a/3"]
    assert "nextToken" not in second
    assert [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePattern="special")["logGroups"]] == [
        "/b/Special"
    ]
    with pytest.raises(logs.exceptions.InvalidParameterException):
        logs.describe_log_groups(logGroupNamePrefix="/a", logGroupNamePattern="a")


def test_describe_log_streams_orders_by_name_or_last_event(logs):
    logs.create_log_group(logGroupName="g")
    base = _now_ms() - 60_000
    for offset, name in ((30, "a"), (10, "b"), (20, "c")):
        logs.create_log_stream(logGroupName="g", logStreamName=name)
        event = {"timestamp": base + offset, "message": "x"}
        logs.put_log_events(logGroupName="g", logStreamName=name, logEvents=[event])
    names = lambda **kw: [s["logStreamName"] for s in logs.describe_log_streams(logGroupName="g", **kw)["logStreams"]]
    assert names() == ["a", "b", "c"]
    assert names(descending=True) == ["c", "b", "a"]
    assert names(orderBy="LastEventTime") == ["b", "c", "a"]
    assert names(orderBy="LastEventTime", descending=True) == ["a", "c", "b"]
    page = logs.describe_log_streams(logGroupName="g", descending=True, limit=2)
    rest = logs.describe_log_streams(logGroupName="g", descending=True, limit=2, nextToken=page["nextToken"])
    assert [s["logStreamName"] for s in rest["logStreams"]] == ["a"]
    with pytest.raises(logs.exceptions.InvalidParameterException) as caught:
        logs.describe_log_streams(logGroupName="g", orderBy="LastEventTime", logStreamNamePrefix="a")
    assert caught.value.response["Error"]["Message"] == "Cannot order by LastEventTime with a logStreamNamePrefix."


def test_get_log_events_pages_forward_and_backward_like_cloudwatch(logs):
    messages = [f"line {i}" for i in range(7)]
    first = _stream_with(logs, "g", "s", messages)
    latest = logs.get_log_events(logGroupName="g", logStreamName="s", limit=3)
    assert [e["message"] for e in latest["events"]] == ["line 4", "line 5", "line 6"]
    assert latest["events"][0]["timestamp"] == first + 4
    older = logs.get_log_events(logGroupName="g", logStreamName="s", limit=3, nextToken=latest["nextBackwardToken"])
    assert [e["message"] for e in older["events"]] == ["line 1", "line 2", "line 3"]
    end = logs.get_log_events(logGroupName="g", logStreamName="s", nextToken=latest["nextForwardToken"])
    assert end["events"] == []
    assert end["nextForwardToken"] == latest["nextForwardToken"]  # the end: the same token comes back
    seen, token = [], None
    while True:
        kwargs = {"nextToken": token} if token else {"startFromHead": True}
        page = logs.get_log_events(logGroupName="g", logStreamName="s", limit=2, **kwargs)
        seen += [e["message"] for e in page["events"]]
        if page["nextForwardToken"] == token:
            break
        token = page["nextForwardToken"]
    assert seen == messages
    window = logs.get_log_events(logGroupName="g", logStreamName="s", startTime=first + 2, endTime=first + 4)
    assert [e["message"] for e in window["events"]] == ["line 2", "line 3"]
    with pytest.raises(logs.exceptions.InvalidParameterException):
        logs.get_log_events(logGroupName="g", logStreamName="s", nextToken="f/bogus")
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as caught:
        logs.get_log_events(logGroupName="g", logStreamName="missing")
    assert caught.value.response["Error"]["Message"] == "The specified log stream does not exist."


def test_get_log_events_accepts_a_log_group_arn(logs):
    _stream_with(logs, "/by/arn", "s", ["one"])
    arn = "arn:aws:logs:us-east-1:123456789012:log-group:/by/arn"
    events = logs.get_log_events(logGroupIdentifier=arn, logStreamName="s", startFromHead=True)["events"]
    assert [e["message"] for e in events] == ["one"]


def test_filter_log_events_across_streams_with_patterns_and_paging(logs):
    first = _stream_with(logs, "g", "run-1", ["INFO start", "ERROR disk full", "INFO done"])
    _stream_with(logs, "g", "run-2", ["WARN slow", "ERROR Retry later", '{"level": "error", "code": 503}'], first + 10)
    messages = lambda **kw: [e["message"] for e in logs.filter_log_events(logGroupName="g", **kw)["events"]]
    assert messages(filterPattern="ERROR") == ["ERROR disk full", "ERROR Retry later"]
    assert messages(filterPattern="ERROR -Retry") == ["ERROR disk full"]
    assert messages(filterPattern="?WARN ?full") == ["ERROR disk full", "WARN slow"]
    assert messages(filterPattern='"disk full"') == ["ERROR disk full"]
    assert messages(filterPattern="%^INFO d.ne$%") == ["INFO done"]
    assert messages(filterPattern='{ $.level = "error" && $.code >= 500 }') == ['{"level": "error", "code": 503}']
    assert messages(logStreamNames=["run-2"], filterPattern="ERROR") == ["ERROR Retry later"]
    assert messages(logStreamNamePrefix="run-1", filterPattern="INFO") == ["INFO start", "INFO done"]
    assert messages(startTime=first + 1, endTime=first + 11) == ["ERROR disk full", "INFO done", "WARN slow"]
    page = logs.filter_log_events(logGroupName="g", limit=4)
    assert [e["logStreamName"] for e in page["events"]] == ["run-1", "run-1", "run-1", "run-2"]
    assert page["searchedLogStreams"] == []
    rest = logs.filter_log_events(logGroupName="g", limit=4, nextToken=page["nextToken"])
    assert len(rest["events"]) == 2 and "nextToken" not in rest
    assert len({e["eventId"] for e in page["events"] + rest["events"]}) == 6
    with pytest.raises(logs.exceptions.InvalidParameterException):
        logs.filter_log_events(logGroupName="g", filterPattern="[ip, user]")


def test_put_log_events_checks_order_and_rejects_out_of_range_events(logs):
    logs.create_log_group(logGroupName="g")
    logs.create_log_stream(logGroupName="g", logStreamName="s")
    now = _now_ms()
    with pytest.raises(logs.exceptions.InvalidParameterException) as caught:
        logs.put_log_events(
            logGroupName="g",
            logStreamName="s",
            logEvents=[{"timestamp": now, "message": "b"}, {"timestamp": now - 5, "message": "a"}],
        )
    assert "chronological order" in caught.value.response["Error"]["Message"]
    old = now - 15 * 24 * 3600 * 1000
    answer = logs.put_log_events(
        logGroupName="g",
        logStreamName="s",
        logEvents=[{"timestamp": old, "message": "too old"}, {"timestamp": old + 1, "message": "also old"}],
    )
    assert answer["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 1}
    assert logs.get_log_events(logGroupName="g", logStreamName="s")["events"] == []
    with pytest.raises(logs.exceptions.ResourceNotFoundException):
        logs.put_log_events(logGroupName="g", logStreamName="nope", logEvents=[{"timestamp": now, "message": "x"}])


def test_delete_group_drops_its_events_and_retention_is_reported(logs):
    _stream_with(logs, "g", "s", ["x"])
    logs.put_retention_policy(logGroupName="g", retentionInDays=7)
    assert logs.describe_log_groups()["logGroups"][0]["retentionInDays"] == 7
    with pytest.raises(logs.exceptions.InvalidParameterException):
        logs.put_retention_policy(logGroupName="g", retentionInDays=8)
    logs.delete_log_group(logGroupName="g")
    with pytest.raises(logs.exceptions.ResourceNotFoundException):
        logs.delete_log_group(logGroupName="g")
    _stream_with(logs, "g", "s", ["y"])
    assert [e["message"] for e in logs.get_log_events(logGroupName="g", logStreamName="s")["events"]] == ["y"]


def test_logs_are_kept_per_region(glue_emulator, logs):
    logs.create_log_group(logGroupName="g")
    assert glue_emulator.client("logs", "eu-west-1").describe_log_groups()["logGroups"] == []


@pytest.mark.parametrize(
    "pattern, message, expected",
    [
        ("", "anything", True),
        ("ERROR", "an ERROR here", True),
        ("ERROR", "an error here", False),
        ("ERROR Exception", "ERROR without the other", False),
        ("?a ?b", "only b", True),
        ("-skip", "keep me", True),
        ('"two words"', "has two words in it", True),
        ('{ $.user.id = 1 }', '{"user": {"id": 1}}', True),
        ('{ $.user.id = 1 }', "not json", False),
        ('{ $.items[1] = "b*" }', '{"items": ["a", "bee"]}', True),
        ('{ $.a != "x" }', '{"b": 1}', False),
        ('{ ($.a = 1 || $.b = 2) && $.c NOT EXISTS }', '{"b": 2}', True),
        ('{ $.a NOT EXISTS }', '{"a": null}', False),
        ('{ $.a IS NULL }', '{"a": null}', True),
        ('{ $.ok IS TRUE }', '{"ok": true}', True),
        ('{ $.kind = Update* }', '{"kind": "UpdateTrail"}', True),
    ],
)
def test_filter_patterns(pattern, message, expected):
    assert compile_pattern(pattern)(message) is expected


@pytest.mark.parametrize("pattern", ["{ $.a = }", "{ $.a > \"x\" }", "%[unclosed%", "{ $.a = 1 } extra", "{ $.a ~ 1 }"])
def test_bad_filter_patterns_are_refused(pattern):
    with pytest.raises(PatternError):
        compile_pattern(pattern)


def test_requests_breaking_the_model_are_invalid_parameter_errors(logs):
    with pytest.raises(logs.exceptions.InvalidParameterException) as caught:
        logs.create_log_group(logGroupName="bad name!")
    assert caught.value.response["Error"]["Message"].startswith(
        "1 validation error detected: Value 'bad name!' at 'logGroupName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern"
    )
