"""Athena's partition projection: a table's partitions computed from its TBLPROPERTIES, not read from the catalog.

As the Athena user guide documents it ("Use partition projection with Amazon Athena",
https://docs.aws.amazon.com/athena/latest/ug/partition-projection.html): with `projection.enabled` = 'true'
Athena ignores the partitions the catalog holds and computes them from `projection.<key>.type` per key:

- `enum`: `projection.<key>.values`, comma-separated;
- `integer`: `projection.<key>.range` "min,max", `.interval` (default 1), `.digits` (zero padding);
- `date`: `.range` "start,end" (dates in `.format`, or `NOW` with an optional `[+-]<n><UNIT>S` offset),
  `.format` (a Java date pattern), `.interval` (default 1) and `.interval.unit` (YEARS ... SECONDS; by default
  the finest unit the format names);
- `injected`: the values the query's WHERE clause gives the key with `=` (or `IN`); without one Athena FAILS
  the query with CONSTRAINT_VIOLATION.

Each partition's location is `storage.location.template` with `${key}` replaced, else `<location>/<key>=<value>/`.
A projected partition whose folder does not exist reads as empty, as in Athena.
"""

from __future__ import annotations

import re
from datetime import datetime
from itertools import product
from typing import Any

from dateutil.relativedelta import relativedelta

from .engine import QueryFailure
from .functions import joda_to_strftime

LIMIT = 1_000_000  # projected partitions of one query, at most (Athena's own limit)
_UNITS = {"YEARS": "years", "MONTHS": "months", "WEEKS": "weeks", "DAYS": "days", "HOURS": "hours",
          "MINUTES": "minutes", "SECONDS": "seconds"}
_NOW = re.compile(r"NOW\s*(?:([+-])\s*(\d+)\s*(YEAR|MONTH|WEEK|DAY|HOUR|MINUTE|SECOND)S?)?", re.IGNORECASE)


def enabled(doc: dict[str, Any]) -> bool:
    """Whether the table's partitions are projected."""
    return str((doc.get("Parameters") or {}).get("projection.enabled", "")).lower() == "true"


def partitions(doc: dict[str, Any], keys: list[dict[str, Any]], conditions: list[str]) -> list[dict[str, Any]]:
    """The projected partitions ({"Values", "StorageDescriptor": {"Location"}}) of a table; `conditions` are
    the query's WHERE conjuncts on partition keys (Hive SQL text), which give injected keys their values."""
    params = doc.get("Parameters") or {}
    ranges = [_values(params, key["Name"].lower(), conditions) for key in keys]
    total = 1
    for values in ranges:
        total *= len(values)
    if total > LIMIT:
        raise QueryFailure(f"HIVE_EXCEEDED_PARTITION_LIMIT: Query over table '{doc['DatabaseName']}.{doc['Name']}' "
                           f"can potentially read more than {LIMIT} partitions.")
    template = params.get("storage.location.template")
    base = ((doc.get("StorageDescriptor") or {}).get("Location") or "").rstrip("/")
    found = []
    for combo in product(*ranges):
        if template:
            location = template
            for key, value in zip(keys, combo, strict=True):
                location = location.replace("${" + key["Name"] + "}", value)
        else:
            location = base + "/" + "/".join(f"{k['Name']}={v}" for k, v in zip(keys, combo, strict=True)) + "/"
        found.append({"Values": list(combo), "StorageDescriptor": {"Location": location}})
    return found


def _values(params: dict[str, str], key: str, conditions: list[str]) -> list[str]:
    def prop(name: str, default: str | None = None) -> str | None:
        return params.get(f"projection.{key}.{name}", default)

    kind = (prop("type") or "").lower()
    if kind == "enum":
        return [v.strip() for v in (prop("values") or "").split(",") if v.strip()]
    if kind == "integer":
        low, high = (int(v) for v in (prop("range") or "").split(","))
        digits = int(prop("digits", "0") or 0)
        return [str(v).zfill(digits) for v in range(low, high + 1, int(prop("interval", "1") or 1))]
    if kind == "date":
        return _dates(prop("range") or "", prop("format") or "yyyy-MM-dd", int(prop("interval", "1") or 1),
                      prop("interval.unit"))
    if kind == "injected":
        values = _injected(key, conditions)
        if not values:
            raise QueryFailure(f"CONSTRAINT_VIOLATION: For the injected projected partition column {key}, the WHERE "
                               "clause must contain only static equality conditions, and at least one such "
                               "condition must be present.")
        return values
    raise QueryFailure(f"HIVE_METASTORE_ERROR: Column '{key}' has no valid projection type: '{kind}'")


def _dates(text: str, pattern: str, interval: int, unit: str | None) -> list[str]:
    fmt = joda_to_strftime(pattern)
    start, end = (_date(part.strip(), fmt) for part in text.split(","))
    unit = (unit or _finest_unit(pattern)).upper()
    step = relativedelta(**{_UNITS.get(unit, "days"): interval})
    found, current = [], start
    while current <= end and len(found) <= LIMIT:
        found.append(current.strftime(fmt))
        current += step
    return found


def _date(text: str, fmt: str) -> datetime:
    now = _NOW.fullmatch(text)
    if now is None:
        return datetime.strptime(text, fmt.replace("%-", "%"))
    moment = datetime.now()
    if now.group(1):
        offset = relativedelta(**{_UNITS[now.group(3).upper() + "S"]: int(now.group(2))})
        moment = moment + offset if now.group(1) == "+" else moment - offset
    return moment


def _finest_unit(pattern: str) -> str:
    for letters, unit in (("s", "SECONDS"), ("m", "MINUTES"), ("H", "HOURS"), ("d", "DAYS"), ("M", "MONTHS")):
        if letters in re.sub(r"'[^']*'", "", pattern):
            return unit
    return "YEARS"


def _injected(key: str, conditions: list[str]) -> list[str]:
    """The literal values `key = 'v'` or `key IN ('a', 'b')` conjuncts give."""
    for condition in conditions:
        equal = re.fullmatch(rf"\s*`?{re.escape(key)}`?\s*=\s*'((?:[^']|'')*)'\s*", condition, re.IGNORECASE)
        if equal:
            return [equal.group(1).replace("''", "'")]
        listed = re.fullmatch(rf"\s*`?{re.escape(key)}`?\s+IN\s*\((.*)\)\s*", condition, re.IGNORECASE | re.DOTALL)
        if listed:
            return [v.replace("''", "'") for v in re.findall(r"'((?:[^']|'')*)'", listed.group(1))]
    return []


