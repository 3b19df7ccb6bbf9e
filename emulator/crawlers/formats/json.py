"""JSON: the built-in JSON classifier and custom JSON classifiers (JsonPath).

Records are the JSON objects of the file, one after another (newline-delimited or pretty-printed). A file
holding one top-level array is one record with a single column `array`, as Glue's built-in classifier
makes it (a custom classifier with JsonPath `$[*]` makes its elements the records). Glue reads the first
megabyte and, when no record is complete there, up to 10 MB; so a huge single-line JSON is read at most
that far. Integers type as int (bigint beyond 32 bits), numbers with a fraction as double, objects as
struct<...>, arrays as array<...> of their elements' widened type, conflicting types widen.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from .sample import MAX_RECORDS, MB, TextSample
from .schema import NULL, Array, Columns, DataType, FileSchema, Struct, merge_columns, widen

JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe"
MAX_SAMPLE = 10 * MB
ARRAY_COLUMN = "array"

_WS = re.compile(r"[ \t\n\r]*")
_STEP = re.compile(r"""\.([A-Za-z_$][\w$-]*)|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]|\[\s*(\*|\d+)\s*\]|\.\*""")
_INT32 = 1 << 31
_INT64 = 1 << 63
_decoder = json.JSONDecoder()


class JsonPathError(ValueError):
    """A JsonPath outside the subset the emulator reads."""


def parse_json_path(path: str) -> list[str | int | None]:
    """JsonPath `$`, `.key`, `['key']`, `[n]`, `[*]`/`.*` steps (None stands for `*`)."""
    path = path.strip()
    if not path.startswith("$"):
        raise JsonPathError(f"JsonPath {path!r} must start with $")
    steps: list[str | int | None] = []
    pos = 1
    while pos < len(path):
        match = _STEP.match(path, pos)
        if not match:
            raise JsonPathError(f"JsonPath {path!r}: cannot read {path[pos:]!r}")
        name = match[1] or match[2] or match[3]
        index = match[4]
        if name is not None:
            steps.append(name)
        elif index is not None and index != "*":
            steps.append(int(index))
        else:
            steps.append(None)
        pos = match.end()
    return steps


def _select(value: Any, steps: list[str | int | None]) -> Iterator[Any]:
    if not steps:
        yield value
        return
    step, rest = steps[0], steps[1:]
    if step is None:
        children = value if isinstance(value, list) else list(value.values()) if isinstance(value, dict) else []
        for child in children:
            yield from _select(child, rest)
    elif isinstance(step, int):
        if isinstance(value, list) and step < len(value):
            yield from _select(value[step], rest)
    elif isinstance(value, dict) and step in value:
        yield from _select(value[step], rest)


def value_type(value: Any) -> DataType:
    """The Hive type of one JSON value."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        if -_INT32 <= value < _INT32:
            return "int"
        return "bigint" if -_INT64 <= value < _INT64 else "double"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return Struct(tuple((k, value_type(v)) for k, v in value.items()))
    element: DataType = NULL
    for item in value:
        element = widen(element, value_type(item))
    return Array(element)


def _top_values(text: str) -> Iterator[tuple[Any, int]]:
    """Successive top-level JSON values with their end offsets; stops at the first that does not decode."""
    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
    while pos < len(text):
        try:
            value, end = _decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):
            return
        yield value, end
        pos = _WS.match(text, end).end()  # type: ignore[union-attr]


def _array_elements(text: str) -> Iterator[tuple[Any, int]]:
    """Elements of a top-level array cut by the sample's end, one by one (the array never closes)."""
    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
    if not text.startswith("[", pos):
        return
    pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
    while pos < len(text) and text[pos] != "]":
        try:
            value, end = _decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):
            return
        yield value, end
        pos = _WS.match(text, end).end()  # type: ignore[union-attr]
        if text.startswith(",", pos):
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]


def _records(text: str, steps: list[str | int | None] | None) -> tuple[list[dict], int, bool]:
    """(records, characters they span, whether every value of the text decoded) for a sample."""
    records: list[dict] = []
    end = 0
    for value, end in _top_values(text):
        if steps is None:
            if isinstance(value, list):
                value = {ARRAY_COLUMN: value}
            elif not isinstance(value, dict):
                return [], 0, False  # scalars (a column of numbers) are no JSON records
            records.append(value)
        else:
            records.extend(v for v in _select(value, steps) if isinstance(v, dict))
        if len(records) >= MAX_RECORDS:
            return records[:MAX_RECORDS], end, False
    if _WS.match(text, end).end() == len(text):  # type: ignore[union-attr]
        return records, end, True
    if not records and steps in (None, [None]):
        # One top-level array larger than the sample: read its elements as far as they go.
        elements = list(islice(_array_elements(text), MAX_RECORDS))
        if elements:
            span = elements[-1][1]
            if steps is None:
                return [{ARRAY_COLUMN: [v for v, _ in elements]}], span, False
            return [v for v, _ in elements if isinstance(v, dict)], span, False
    return records, end, False


def _cut_short(text: str) -> bool:
    """Whether the first JSON value fails only because the sample ends inside it (read on), rather
    than because the text is not JSON (`[INFO] ...` log lines: stop)."""
    try:
        _decoder.raw_decode(text, _WS.match(text, 0).end())  # type: ignore[union-attr]
    except json.JSONDecodeError as exc:
        return exc.msg.startswith("Unterminated string") or exc.pos >= len(text.rstrip())
    except RecursionError:
        return False
    return False


def infer(
    sample: TextSample, read_more: Callable[[int], TextSample], json_path: str | None = None
) -> FileSchema | None:
    """The JSON schema of a file, or None when it holds no JSON record (in its first 10 MB)."""
    steps = parse_json_path(json_path) if json_path else None
    if not sample.text.lstrip().startswith(("{", "[")):
        return None
    records, span, decoded_all = _records(sample.text, steps)
    if not records and not sample.complete and _cut_short(sample.text):
        sample = read_more(MAX_SAMPLE)
        records, span, decoded_all = _records(sample.text, steps)
    if not records:
        return None
    columns: Columns = []
    for record in records:
        columns = merge_columns(columns, [(k, value_type(v)) for k, v in record.items()])
    whole = sample.complete and decoded_all
    table_parameters = {"jsonPath": json_path} if json_path else {}
    return FileSchema(
        classification="json",
        columns=columns,
        serde_library=JSON_SERDE,
        serde_parameters={"paths": ",".join(sorted(name for name, _ in columns))},
        table_parameters=table_parameters,
        compression=sample.compression,
        records=sample.estimate(len(records), span, whole),
        sample_records=len(records),
        sample_bytes=span,
    )
