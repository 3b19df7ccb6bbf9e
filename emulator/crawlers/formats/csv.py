"""CSV: Glue's built-in CSV classifier and custom CSV classifiers.

The built-in classifier tries the delimiters comma, pipe, tab, semicolon and Ctrl-A and takes the first
that splits every sampled row into the same number (>= 2) of columns over >= 2 rows. A ragged file (rows
of different widths under every delimiter) is not CSV. Row 1 is a header only when every value in it is
a string (the last may be empty: a trailing delimiter), every value but the last is shorter than 150
characters, and at least one column of the data rows types as something other than string — if every
column is a string, row 1 is data and the columns are col0, col1, ... Types are bigint, double, boolean
and string; empty values are no evidence.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from .sample import MAX_RECORDS, TextSample, scalar_type
from .schema import NULL, STRING, Columns, DataType, FileSchema, widen

DELIMITERS = (",", "|", "\t", ";", "\x01")
DEFAULT_QUOTE = '"'
MAX_HEADER_VALUE = 150

LAZY_SIMPLE_SERDE = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
OPEN_CSV_SERDE = "org.apache.hadoop.hive.serde2.OpenCSVSerde"


@dataclass(frozen=True)
class CsvOptions:
    """How to read: the built-in classifier's defaults, or a custom CsvClassifier's settings."""

    delimiters: tuple[str, ...] = DELIMITERS
    quote: str = DEFAULT_QUOTE
    contains_header: str = "UNKNOWN"  # UNKNOWN (detect) | PRESENT | ABSENT
    header: tuple[str, ...] = ()
    trim: bool = True
    allow_single_column: bool = False
    serde: str = "None"  # OpenCSVSerDe | LazySimpleSerDe | None (detect: quoted data gets OpenCSVSerDe)

    @classmethod
    def from_classifier(cls, spec: dict) -> CsvOptions:
        return cls(
            delimiters=(spec.get("Delimiter") or ",",),
            quote=spec.get("QuoteSymbol") or DEFAULT_QUOTE,
            contains_header=spec.get("ContainsHeader") or "UNKNOWN",
            header=tuple(spec.get("Header") or ()),
            # DisableValueTrimming defaults to false: values are trimmed before typing.
            trim=not spec.get("DisableValueTrimming", False),
            allow_single_column=bool(spec.get("AllowSingleColumn")),
            serde=spec.get("Serde") or "None",
        )


def _rows(text: str, delimiter: str, quote: str, complete: bool) -> list[list[str]] | None:
    """Rows under one delimiter, or None when they are ragged. A sample cut mid-file loses its last row."""
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quote, strict=False)
        rows = [row for _, row in zip(range(MAX_RECORDS + 1), reader) if row]
    except csv.Error:
        return None
    if len(rows) > MAX_RECORDS:
        del rows[MAX_RECORDS:]  # more follows, so the rows kept are whole
    elif not complete and rows:
        rows.pop()  # the sample ends inside the file: its last row may be cut
    if not rows:
        return None
    width = len(rows[0])
    if any(len(row) != width for row in rows):
        return None
    return rows


def _is_quoted(text: str, delimiter: str, quote: str) -> bool:
    return re.search(f"(^|{re.escape(delimiter)}){re.escape(quote)}", text, re.MULTILINE) is not None


def _column_types(rows: list[list[str]], trim: bool) -> list[DataType]:
    types: list[DataType] = [NULL] * len(rows[0])
    for row in rows:
        for i, value in enumerate(row):
            current = types[i]
            if current == STRING:
                continue
            types[i] = widen(current, scalar_type(value.strip() if trim else value))
    return types


def _looks_like_header(first: list[str], data_types: list[DataType], trim: bool) -> bool:
    values = [v.strip() if trim else v for v in first]
    for i, value in enumerate(values):
        last = i == len(values) - 1
        if last and value == "":
            continue
        if scalar_type(value) != STRING or (not last and len(value) >= MAX_HEADER_VALUE):
            return False
    return any(t not in (STRING, NULL) for t in data_types)


def _names(header: list[str] | tuple[str, ...], width: int) -> list[str]:
    """Column names from a header: blanks become col<i>, repeats get _<i> so every name is unique."""
    names: list[str] = []
    seen: set[str] = set()
    for i in range(width):
        name = header[i].strip() if i < len(header) else ""
        name = name or f"col{i}"
        if name.lower() in seen:
            name = f"{name}_{i}"
        seen.add(name.lower())
        names.append(name)
    return names


def infer(sample: TextSample, options: CsvOptions = CsvOptions()) -> FileSchema | None:
    """The CSV schema of a sample, or None when it is not CSV under these options."""
    text = sample.text
    min_columns = 1 if options.allow_single_column else 2
    for delimiter in options.delimiters:
        if delimiter not in text and min_columns > 1:
            continue
        rows = _rows(text, delimiter, options.quote, sample.complete)
        if rows is None or len(rows) < 2 or len(rows[0]) < min_columns:
            continue
        return _schema(sample, rows, delimiter, options)
    return None


def _schema(sample: TextSample, rows: list[list[str]], delimiter: str, options: CsvOptions) -> FileSchema:
    width = len(rows[0])
    data_types = _column_types(rows[1:], options.trim)
    if options.contains_header == "PRESENT":
        has_header = True
    elif options.contains_header == "ABSENT":
        has_header = False
    else:
        has_header = _looks_like_header(rows[0], data_types, options.trim)
    data = rows[1:] if has_header else rows
    types = data_types if has_header else _column_types(rows, options.trim)
    if options.header:
        names = _names(options.header, width)
    elif has_header:
        names = _names(rows[0], width)
    else:
        names = [f"col{i}" for i in range(width)]
    quoted = _is_quoted(sample.text, delimiter, options.quote)
    open_csv = options.serde == "OpenCSVSerDe" or (options.serde == "None" and quoted)
    if open_csv:
        library = OPEN_CSV_SERDE
        serde_parameters = {"separatorChar": delimiter, "quoteChar": options.quote, "escapeChar": "\\"}
    else:
        library = LAZY_SIMPLE_SERDE
        serde_parameters = {"field.delim": delimiter}
    table_parameters = {
        "delimiter": delimiter,
        "areColumnsQuoted": "true" if quoted else "false",
        "columnsOrdered": "true",
    }
    if has_header:
        table_parameters["skip.header.line.count"] = "1"
    if options.serde == "OpenCSVSerDe":
        table_parameters["customSerde"] = "OpenCSVSerDe"
    sample_bytes = sum(len(v) for row in data for v in row) + len(data) * width  # values + separators
    whole = sample.complete and len(rows) < MAX_RECORDS
    columns: Columns = list(zip(names, types))
    return FileSchema(
        classification="csv",
        columns=columns,
        serde_library=library,
        serde_parameters=serde_parameters,
        table_parameters=table_parameters,
        compression=sample.compression,
        records=sample.estimate(len(data), sample_bytes, whole),
        sample_records=len(data),
        sample_bytes=sample_bytes,
    )
