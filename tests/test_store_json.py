"""The store's documents and the awsJson responses written by orjson mean what json's text meant: the same
value, member order included, for everything json can write, and the same refusals."""

from __future__ import annotations

import dataclasses
import json
import math
import random
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from emulator.jsontext import document_text, response_bytes
from emulator.protocol.awsjson import _default
from emulator.store import Store

_STRINGS = ["", "plain", "caf\u00e9", "\U0001f600", "line\nbreak\t\"quoted\"\\", "\x00\x1f", "null", "lone\udc80",
            "\ud83d", "nullable", "\u2028"]
_NUMBERS = [0, -1, 2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63) - 1, 10**30, 0.1, -0.0, 1e16, 1.5e-7,
            5e-324, 1.7976931348623157e308, 1700000000.123456, float("nan"), float("inf"), float("-inf"), True, False]


def _value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.random()
    if depth > 3 or kind < 0.35:
        return rng.choice(_STRINGS + _NUMBERS + [None])
    if kind < 0.65:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = rng.sample(_STRINGS + ["Name", "Values", "b", "a"], rng.randint(0, 5))
    return {key: _value(rng, depth + 1) for key in keys}


def _same(left: Any, right: Any) -> bool:
    """Equal values of equal types, member order included, NaN equal to NaN."""
    if type(left) is not type(right):
        return False
    if isinstance(left, float):
        return (math.isnan(left) and math.isnan(right)) or (left == right and math.copysign(1, left) == math.copysign(
            1, right))
    if isinstance(left, dict):
        return list(left) == list(right) and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(_same(a, b) for a, b in zip(left, right))
    return left == right


def test_documents_read_back_as_json_wrote_them():
    rng = random.Random(19)
    for _ in range(3000):
        doc = {"Doc": _value(rng)}
        assert _same(json.loads(document_text(doc)), json.loads(json.dumps(doc, separators=(",", ":")))), doc


def test_responses_read_back_as_json_wrote_them():
    rng = random.Random(5)
    written = 0
    for _ in range(3000):
        body = {"Body": _value(rng), "When": datetime(2024, 5, 1, 12, 30, 15, 250000, tzinfo=UTC)}
        try:
            expected = json.dumps(body, default=_default, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            with pytest.raises(UnicodeEncodeError):
                response_bytes(body, _default)
            continue
        assert _same(json.loads(response_bytes(body, _default)), json.loads(expected)), body
        written += 1
    assert written > 1000


def test_common_documents_take_orjson_and_unusual_ones_json():
    """Text form tells which writer wrote: orjson keeps UTF-8 and writes 1.5e-7; json escapes and writes 1.5e-07."""
    assert document_text({"Name": "caf\u00e9", "Size": 1.5e-7}) == '{"Name":"caf\u00e9","Size":1.5e-7}'
    for unusual in ({"Big": 2**64}, {"Lone": "\udc80"}, {1: "int key"}, {"Inf": float("inf")}, {"None": None}):
        assert document_text(unusual) == json.dumps(unusual, separators=(",", ":"))


@dataclasses.dataclass
class _Record:
    name: str


@pytest.mark.parametrize("value", [datetime(2024, 1, 1), _Record("x"), {1, 2}, object()])
def test_values_json_refuses_are_refused(value):
    with pytest.raises(TypeError):
        document_text({"Value": value})
    with pytest.raises(TypeError):
        json.dumps({"Value": value})


def test_known_difference_uuid_is_written_as_text():
    """orjson writes a UUID (json refuses it); no handler stores one: pinned so a change of either is seen."""
    value = uuid.UUID(int=1)
    assert json.loads(document_text({"Id": value})) == {"Id": str(value)}


def test_the_store_round_trips_what_json_could(tmp_path):
    store = Store(tmp_path / "state.db", durable=False)
    rng = random.Random(3)
    docs = {f"d{i}": {"Doc": _value(rng), "Order": ["z", "a"]} for i in range(300)}
    for name, doc in docs.items():
        store.put("s", "kind", "p", name, doc)
    for name, doc in store.list("s", "kind", "p"):
        assert _same(doc, json.loads(json.dumps(docs[name]))), name
    store.close()


def test_a_server_answers_unicode_and_doubles_unchanged(glue):
    description = "caf\u00e9 \U0001f600 null \u2028"
    glue.create_database(DatabaseInput={"Name": "unicode", "Description": description,
                                        "Parameters": {"k\u00e9": "v\u00e9"}})
    database = glue.get_database(Name="unicode")["Database"]
    assert (database["Description"], database["Parameters"]) == (description, {"k\u00e9": "v\u00e9"})
    glue.create_job(Name="doubles", Role="r", Command={"Name": "pythonshell", "ScriptLocation": "s3://b/s.py"},
                    MaxCapacity=0.0625)
    assert glue.get_job(JobName="doubles")["Job"]["MaxCapacity"] == 0.0625
