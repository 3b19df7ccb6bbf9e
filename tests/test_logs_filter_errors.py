"""FilterLogEvents with malformed filter patterns answers InvalidParameterException (400), as CloudWatch does,
and well-formed quoted terms keep matching; through boto3 against a live emulator."""

from __future__ import annotations

import time
from typing import Any

import pytest

MESSAGES = ['ERROR disk "full"', "café opened", "INFO done"]


@pytest.fixture
def logs(glue_emulator: Any) -> Any:
    client = glue_emulator.client("logs")
    client.create_log_group(logGroupName="g")
    client.create_log_stream(logGroupName="g", logStreamName="s")
    start = int(time.time() * 1000) - 10_000
    client.put_log_events(logGroupName="g", logStreamName="s",
                          logEvents=[{"timestamp": start + i, "message": m} for i, m in enumerate(MESSAGES)])
    return client


@pytest.mark.parametrize("pattern, says", [
    ('"ERROR', "not closed"),  # an unclosed quote
    ('ERROR "disk', "not closed"),
    ('""', "Invalid character(s) in term '\"\"'"),  # CloudWatch's own wording
    ("?", "Invalid character(s) in term '?'"),
    ("ERROR -", "Invalid character(s) in term '-'"),
    ('"ERROR"disk', "Invalid character(s)"),
    ('ER"ROR', "Invalid character(s)"),
    ("{ $.level = 1", "If a filter pattern starts with '{' it must end with '}'"),
    ("%ERROR", "enclosed in % signs"),
    ("%ERROR!%", "'!' is not supported"),
    ("%(ERROR|INFO)%", "'(' is not supported"),  # CloudWatch's regex has no groups
    ("%[unclosed%", "Invalid regular expression"),
])
def test_malformed_patterns_are_invalid_parameter_errors(logs: Any, pattern: str, says: str) -> None:
    with pytest.raises(logs.exceptions.InvalidParameterException) as caught:
        logs.filter_log_events(logGroupName="g", filterPattern=pattern)
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert says in error["Error"]["Message"]


@pytest.mark.parametrize("pattern, expected", [
    ('"disk \\"full\\""', ['ERROR disk "full"']),  # escaped quotes inside a quoted term
    ('"café"', ["café opened"]),  # non-ASCII quoted terms match as written
    ('?"INFO done" ?café', ["café opened", "INFO done"]),
    ("%^INFO d.ne$%", ["INFO done"]),
])
def test_well_formed_quoted_terms_match(logs: Any, pattern: str, expected: list[str]) -> None:
    events = logs.filter_log_events(logGroupName="g", filterPattern=pattern)["events"]
    assert [event["message"] for event in events] == expected
