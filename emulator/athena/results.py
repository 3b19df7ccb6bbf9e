"""Query results as Athena writes and returns them.

A query's result is `<OutputLocation>/<QueryExecutionId>.csv` (every value double-quoted, `""` inside, NULL
as an empty unquoted field, a header row of the column names) and `<id>.csv.metadata` beside it; DDL
statements write `<id>.txt`. GetQueryResults returns the rows of that file with the header row first on the
first page (Athena API reference, GetQueryResults: "the first row of the results contains the column names"),
NULL as a Datum without VarCharValue, and ResultSetMetadata.ColumnInfo typed with Athena's type names.
Values are rendered as Trino renders them: `true`, `1.5`, `1.0E20`, `2024-01-01 10:00:00.000`, `[1, 2]`,
`{a=1}`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import math
from collections.abc import Iterable
from typing import Any

from ..context import RequestContext
from .storage import local_dir, write_bytes

# DuckDB type name prefixes -> Athena's (Trino's) type names and the precision Athena reports.
_TYPES = (
    ("VARCHAR", "varchar", 2147483647), ("BIGINT", "bigint", 19), ("HUGEINT", "bigint", 19),
    ("UBIGINT", "bigint", 19), ("INTEGER", "integer", 10), ("UINTEGER", "bigint", 19), ("SMALLINT", "smallint", 5),
    ("TINYINT", "tinyint", 3), ("DOUBLE", "double", 17), ("FLOAT", "float", 7), ("BOOLEAN", "boolean", 0),
    ("DATE", "date", 0), ("TIMESTAMP WITH TIME ZONE", "timestamp with time zone", 3), ("TIMESTAMP", "timestamp", 3),
    ("TIME", "time", 3), ("BLOB", "varbinary", 1073741824), ("INTERVAL", "interval day to second", 0),
    ("UUID", "uuid", 0), ("JSON", "json", 0),
)


def column_info(name: str, duck_type: str) -> dict[str, Any]:
    """One ResultSetMetadata.ColumnInfo for a result column of the given DuckDB type."""
    upper = duck_type.upper()
    athena, precision, scale = "varchar", 2147483647, 0
    if upper.startswith("DECIMAL"):
        digits = upper[upper.find("(") + 1:upper.find(")")].split(",") if "(" in upper else ["18", "3"]
        athena, precision, scale = "decimal", int(digits[0]), int(digits[1])
    elif upper.endswith("[]") or upper.startswith("LIST"):
        athena, precision = "array", 0
    elif upper.startswith("STRUCT"):
        athena, precision = "row", 0
    elif upper.startswith("MAP"):
        athena, precision = "map", 0
    else:
        athena, precision = next(((a, p) for d, a, p in _TYPES if upper.startswith(d)), ("varchar", 2147483647))
    return {"CatalogName": "hive", "SchemaName": "", "TableName": "", "Name": name, "Label": name, "Type": athena,
            "Precision": precision, "Scale": scale, "Nullable": "UNKNOWN", "CaseSensitive": athena == "varchar"}


def _double(value: float) -> str:
    """Java's Double.toString, as Trino prints a double: 1.5, 100.0, 1.0E7, 1.2E-4, NaN, Infinity."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        text = repr(float(value))
        return text if "e" not in text else f"{value:.17f}".rstrip("0")
    mantissa, exponent = f"{value:.16e}".split("e")
    mantissa = repr(float(mantissa)) if "." in mantissa else mantissa
    digits = repr(float(value)).split("e")[0] if "e" in repr(float(value)) else mantissa
    if "." not in digits:
        digits += ".0"
    return f"{digits}E{int(exponent)}"


def render(value: Any) -> str | None:
    """A value as Athena's result text (None stays None: NULL)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _double(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d}"
    if isinstance(value, (dt.date, dt.time, decimal.Decimal, int, str)):
        return str(value)
    if isinstance(value, bytes):
        return " ".join(f"{b:02x}" for b in value)
    if isinstance(value, list):
        return "[" + ", ".join("null" if v is None else render(v) or "" for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={'null' if v is None else render(v)}" for k, v in value.items()) + "}"
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _csv_line(values: Iterable[str | None]) -> str:
    return ",".join("" if v is None else '"' + v.replace('"', '""') + '"' for v in values) + "\n"


def write_csv(ctx: RequestContext, location: str, names: list[str], rows: Iterable[tuple[Any, ...]]) -> tuple[int, int]:
    """Write the result file at `location` (an s3:// URI); (rows written, bytes written)."""
    out = io.StringIO()
    out.write(_csv_line(names))
    count = 0
    for row in rows:
        out.write(_csv_line(render(v) for v in row))
        count += 1
    data = out.getvalue().encode("utf-8")
    write_bytes(ctx, location, data)
    return count, len(data)


def write_metadata(ctx: RequestContext, location: str, columns: list[dict[str, Any]]) -> None:
    """`<result>.metadata` beside the result. Athena's is a binary protobuf no client reads; ours holds the
    same column information as JSON."""
    write_bytes(ctx, location + ".metadata", json.dumps({"ColumnInfo": columns}).encode())


def read_rows(ctx: RequestContext, location: str, start: int, count: int) -> tuple[list[list[str | None]], bool]:
    """Rows `start`..`start+count` of a result file (the header is row 0) and whether more follow.

    A quoted empty field is "", an unquoted one NULL (None), as Athena reads its own files back.
    """
    path = local_dir(ctx, location)
    rows: list[list[str | None]] = []
    more = False
    with open(path, newline="", encoding="utf-8") as handle:
        for index, line in enumerate(_records(handle)):
            if index < start:
                continue
            if len(rows) == count:
                more = True
                break
            rows.append(line)
    return rows, more


def read_lines(ctx: RequestContext, location: str, start: int, count: int) -> tuple[list[list[str | None]], bool]:
    """Lines `start`..`start+count` of a text result (SHOW, DESCRIBE), each as a one-value row; whether more follow."""
    lines = local_dir(ctx, location).read_text(encoding="utf-8").splitlines()
    return [[line] for line in lines[start:start + count]], start + count < len(lines)


def _records(handle: io.TextIOBase) -> Iterable[list[str | None]]:
    """The fields of each record, telling an unquoted empty field (NULL) from a quoted one ("")."""
    text = handle.read()
    i, n = 0, len(text)
    while i < n:
        row: list[str | None] = []
        while True:
            if i < n and text[i] == '"':
                j, parts = i + 1, []
                while True:
                    k = text.index('"', j)
                    parts.append(text[j:k])
                    if k + 1 < n and text[k + 1] == '"':
                        parts.append('"')
                        j = k + 2
                        continue
                    i = k + 1
                    break
                row.append("".join(parts))
            else:
                j = i
                while i < n and text[i] not in ",\n":
                    i += 1
                row.append(text[j:i] or None)
            if i < n and text[i] == ",":
                i += 1
                continue
            i += 1  # the line break
            break
        yield row
