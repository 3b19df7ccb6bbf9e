"""parse_json's depth limit read from the body's text: exactly MAX_JSON_DEPTH levels pass, one more is a 400
SerializationException, whatever brackets, quotes and backslashes the strings hold."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from emulator.errors import SerializationException
from emulator.protocol.awsjson import MAX_JSON_DEPTH, _too_deep, parse_json

JSON_TYPE = "application/x-amz-json-1.1"
# Strings that would fool a scan that did not skip strings exactly.
_TRICKY = ["[", "]", "{", "}", "]]]]", "[[[[" * 30, '"', '\\"', "\\", "\\\\", '\\"]', '"]', "\\u005b", "é[", "\U0001f600]",
           '{"a":[1]}', "\n", ""]


def _depth(value: Any) -> int:
    """Levels of objects/arrays, the reference: {} is 1, {"a": []} is 2."""
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _document(rng: random.Random, depth: int) -> Any:
    """A random JSON object `depth` levels deep (one spine that deep, shallow siblings), with tricky strings as
    values and member names."""
    def value(level: int, deepest: int) -> Any:
        if level > deepest:
            return rng.choice(_TRICKY + [1, 2.5, None, True])
        spine = value(level + 1, deepest)
        siblings = [value(level + 1, min(deepest, level + rng.choice([0, 1, 2]))) for _ in range(rng.choice([0, 1, 2]))]
        children = rng.sample([spine, *siblings], 1 + len(siblings))
        if rng.random() < 0.5:
            return children
        return {rng.choice(_TRICKY) + str(i): child for i, child in enumerate(children)}
    return {"Root": value(2, depth)}


def _nested(levels: int, inner: str = "1") -> bytes:
    """An object whose member holds arrays, `levels` levels in all counting the object."""
    return ('{"Name":' + "[" * (levels - 1) + inner + "]" * (levels - 1) + "}").encode()


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_text_depth_matches_the_parsed_depth(ensure_ascii):
    rng = random.Random(19)
    checked = {True: 0, False: 0}
    for _ in range(400):
        document = _document(rng, rng.choice([3, 60, 99, 100, 101, 102, 130]))
        raw = json.dumps(document, ensure_ascii=ensure_ascii).encode()
        for limit in (_depth(document) - 1, _depth(document), MAX_JSON_DEPTH):
            expected = _depth(document) > limit
            assert _too_deep(raw, limit) is expected, (limit, raw[:200])
            checked[expected] += 1
    assert min(checked.values()) > 100


def test_the_limit_is_exact():
    assert parse_json(_nested(MAX_JSON_DEPTH))[0]["Name"]
    with pytest.raises(SerializationException, match=f"deeper than {MAX_JSON_DEPTH}"):
        parse_json(_nested(MAX_JSON_DEPTH + 1))
    with pytest.raises(SerializationException, match=f"deeper than {MAX_JSON_DEPTH}"):
        parse_json(('{"A":"x","B":' + '{"k":' * MAX_JSON_DEPTH + "1" + "}" * MAX_JSON_DEPTH + "}").encode())


@pytest.mark.parametrize("inner", ['"' + "]" * 150 + '"', '"' + "[" * 150 + '"', '"\\"]]]\\\\"', '"\\\\\\"[[["'])
def test_brackets_in_strings_do_not_count(inner):
    """A string full of brackets at the deepest level: the body is as deep as without it."""
    assert parse_json(_nested(MAX_JSON_DEPTH, inner))[0]["Name"]
    with pytest.raises(SerializationException):
        parse_json(_nested(MAX_JSON_DEPTH + 1, inner))


def test_a_server_answers_the_limit(glue_emulator):
    """Through the real protocol: the deepest allowed body reaches validation, one level more does not."""
    def send(body: bytes) -> tuple[int, str]:
        status, _, raw = glue_emulator.server.request(
            "POST", "/", body, {"X-Amz-Target": "AWSGlue.GetDatabase", "Content-Type": JSON_TYPE})
        return status, json.loads(raw)["__type"]

    assert send(_nested(MAX_JSON_DEPTH, '"' + "]" * 150 + '"')) == (400, "ValidationException")
    assert send(_nested(MAX_JSON_DEPTH + 1, '"' + "[" * 150 + '"')) == (400, "SerializationException")
