"""awsjson.parse_json reads bodies with orjson where it can; it must give what json alone gave, for every body."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from emulator.errors import SerializationException
from emulator.jsontext import document_text, document_value
from emulator.protocol.awsjson import parse_json


def _json_alone(raw: bytes) -> tuple[Any, bool] | str:
    """The reading before orjson: json with a float hook that notes fractions and refuses NaN/Infinity, and
    no unpaired surrogate in a string; a refusal as the string "refused"."""
    floats: list[str] = []

    def parse_float(text: str) -> float:
        floats.append(text)
        return float(text)

    def refuse(name: str) -> Any:
        raise ValueError(name)

    try:
        value = json.loads(raw.decode("utf-8-sig"), parse_float=parse_float, parse_constant=refuse)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return "refused"
    if not isinstance(value, dict):
        return "refused"
    try:  # a string holding an unpaired surrogate is refused too (the module docstring of awsjson says why)
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return "refused"
    return value, bool(floats)


def _ours(raw: bytes) -> tuple[Any, bool] | str:
    try:
        return parse_json(raw)
    except SerializationException:
        return "refused"


BODIES = [
    b'{"MaxResults": 5}',
    b'{"MaxResults": 5.0}',
    b'{"MaxResults": 5e0}',
    b'{"MaxResults": -0}',
    b'{"Big": 123456789012345678901234}',  # beyond 64 bits: an int, never a float
    b'{"Big": -9223372036854775809}',
    b'{"Big": 18446744073709551615}',
    b'{"Name": "1234567890123456789012"}',  # a long run of digits inside a string
    b'{"Huge": 1E400}',  # json reads infinity; orjson refuses, so json decides
    b'{"Tiny": 1e-400}',
    b'{"F": 0.1, "G": 2.5e-7, "H": 1.7976931348623157e308}',
    b'{"N": NaN}',
    b'{"N": -Infinity}',
    b'\xef\xbb\xbf{"Name": "bom"}',
    b'{"Name": "\\ud800"}',  # an unpaired surrogate escape: refused with its own message
    b'{"Name": "\\ud83d\\ude00"}',  # a pair: one emoji
    b'{"Name": "\xed\xa0\x80"}',  # a surrogate encoded as UTF-8: not UTF-8
    b'{"Name": "\xff"}',
    b'{"Name": "caf\xc3\xa9 \\u00e9 \\" \\\\ \\/"}',
    b'{"A": 1, "A": 2}',
    b'[1, 2]',
    b'"text"',
    b'{"A": [}',
    b'{"A": 1,}',
    b'{"A": "\x01"}',
    b'{"Location": "s3://bucket/year=2001/part-00000.c000.snappy.parquet", "Version": "v1.2"}',
    b'{"Serde": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", "Id": "1234567890123456789012", "N": 7}',
    b'{"Escaped": "a\\\\", "Quote": "say \\"1.5\\" twice", "Real": 1.5e3}',
    b' \n {"Spaces": true, "Null": null, "Nested": {"List": [[], {}, [{"x": [1, 2.0]}]]}} \n',
    b'{"Deep": ' + b"[" * 101 + b"]" * 101 + b"}",
    b'{"Deep": ' + b"[" * 99 + b"]" * 99 + b"}",
    b'{"Deep": ' + b"[" * 2000 + b"]" * 2000 + b"}",
]


@pytest.mark.parametrize("raw", BODIES, ids=range(len(BODIES)))
def test_a_body_reads_as_json_alone_read_it(raw: bytes) -> None:
    expected, ours = _json_alone(raw), _ours(raw)
    if expected == "refused" or raw.count(b"[") > 100:  # json's reading has no depth limit; ours refuses past 100
        assert ours == "refused"
        return
    value, has_floats = expected
    assert ours[0] == value and json.dumps(ours[0]) == json.dumps(value)  # same types too: 5 is not 5.0
    assert ours[1] or not has_floats  # text such as "v1.2" may say "floats" too (a needless coercion, no more)


def test_random_documents_read_the_same() -> None:
    rng = random.Random(19)

    def value(depth: int) -> Any:
        kind = rng.randrange(8 if depth < 4 else 5)
        if kind == 0:
            return rng.randint(-(2**70), 2**70) if rng.random() < 0.2 else rng.randint(-1000, 10**6)
        if kind == 1:
            return rng.choice([0.5, -1e-9, 3.0, 1e300, 2.5e-300, rng.random()])
        if kind == 2:
            return "".join(rng.choice("ab 1.e\\\"\u00e9\U0001f600\n") for _ in range(rng.randrange(12)))
        if kind == 3:
            return rng.choice([True, False, None])
        if kind == 4:
            return str(rng.randint(0, 10**25))
        if kind in (5, 6):
            return {f"k{i}": value(depth + 1) for i in range(rng.randrange(5))}
        return [value(depth + 1) for _ in range(rng.randrange(5))]

    for _ in range(500):
        doc = {"Root": value(0)}
        raw = json.dumps(doc, ensure_ascii=rng.random() < 0.5).encode()
        expected = _json_alone(raw)
        ours = _ours(raw)
        assert expected != "refused"
        assert json.dumps(ours[0]) == json.dumps(expected[0])
        assert ours[1] or not expected[1]


def test_stored_documents_read_back_as_json_wrote_them() -> None:
    """jsontext.document_value reads what document_text wrote (orjson or json) to json.loads's value."""
    docs = [
        {"Long": 2**70, "Neg": -(2**63) - 1, "Max": 2**64 - 1},
        {"NaN": float("nan"), "Inf": float("-inf")},
        {"Lone": "\udc80", "Pair": "\U0001f600", "Digits": "1234567890123456789012"},
        {"Float": 0.1, "Int": 5, "Whole": 5.0, "Tiny": 2.5e-300, "Null": None, "List": [[], {}, [1.5]]},
    ]
    for doc in docs:
        text = document_text(doc)
        expected, ours = json.loads(text), document_value(text)
        assert json.dumps(ours) == json.dumps(expected)
        assert [type(v) for v in ours.values()] == [type(v) for v in expected.values()]


def test_names_with_digits_and_dots_are_no_fractions() -> None:
    """A SerDe class name ("serde2.lazy") is in every partition of a Hive table: taken for a number with a
    fraction, each BatchCreatePartition walked its 100 partitions to coerce integers."""
    body = json.dumps({"PartitionInputList": [{"StorageDescriptor": {
        "Location": "s3://bucket/t/year=2001/part-00000.c000.snappy.parquet", "NumberOfBuckets": -1,
        "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"}}}] * 3}).encode()
    assert parse_json(body)[1] is False
    assert parse_json(body.replace(b"-1", b"-1.0"))[1] is True
    assert parse_json(body.replace(b"-1", b"-1e0"))[1] is True
    assert parse_json(body.replace(b"-1", b"-1E-0"))[1] is True
