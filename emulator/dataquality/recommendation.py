"""Recommendation runs: a DQDL ruleset profiled from the data, as StartDataQualityRuleRecommendationRun proposes.

Like AWS's recommendations (Glue developer guide, "Getting started with AWS Glue Data Quality for the Data Catalog"),
the ruleset holds RowCount between half and twice today's count, IsComplete for a complete column (Completeness >= the
observed share otherwise), Uniqueness for a column whose values are all distinct, ColumnValues in [...] for a column
of at most 10 distinct values, ColumnValues between and StandardDeviation between for a numeric column, and
ColumnLength for a string column. Every proposed rule passes on the profiled data (`between` excludes its ends).
One aggregation profiles all columns; one more collects the values of the low-cardinality ones.
"""

from __future__ import annotations

import math

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from .dqdl.model import Text
from .rules.plans import col

_NUMERIC = ("tinyint", "smallint", "int", "bigint", "float", "double", "decimal")
_MAX_VALUES = 10  # a column with at most this many distinct values gets ColumnValues in [...]


def recommend(spark: SparkSession, frame: DataFrame) -> str:
    """A DQDL ruleset ("Rules = [ ... ]") describing `frame` as it is now."""
    del spark  # the frame's own session runs the profile
    columns = [(f.name, f.dataType.simpleString().split("(")[0]) for f in frame.schema.fields]
    aggregates = [F.count(F.lit(1)).alias("rows")]
    for i, (name, kind) in enumerate(columns):
        aggregates += [F.count(col(name)).alias(f"n{i}"), F.countDistinct(col(name)).alias(f"d{i}")]
        if kind in _NUMERIC:
            value = col(name).cast("double")
            aggregates += [F.min(value).alias(f"lo{i}"), F.max(value).alias(f"hi{i}"),
                           F.stddev_pop(value).alias(f"sd{i}")]
        elif kind == "string":
            length = F.length(col(name))
            aggregates += [F.min(length).alias(f"ll{i}"), F.max(length).alias(f"lh{i}")]
    profile = frame.agg(*aggregates).collect()[0].asDict()
    rows = profile["rows"]
    rules = [f"RowCount between {rows // 2} and {rows * 2 + 1}"] if rows else ["RowCount = 0"]
    small = [(i, name) for i, (name, kind) in enumerate(columns)
             if 0 < profile[f"d{i}"] <= _MAX_VALUES and kind in (*_NUMERIC, "string", "boolean")
             and profile[f"d{i}"] < rows]
    values = _values(frame, [name for _, name in small]) if small else {}
    for i, (name, kind) in enumerate(columns):
        rules += _column_rules(name, kind, i, profile, rows, values.get(name))
    return "Rules = [\n    " + ",\n    ".join(rules) + "\n]"


def _values(frame: DataFrame, names: list[str]) -> dict[str, list]:
    row = frame.agg(*[F.collect_set(col(n)).alias(f"v{i}") for i, n in enumerate(names)]).collect()[0]
    return {name: sorted(row[f"v{i}"], key=str) for i, name in enumerate(names)}


def _column_rules(name: str, kind: str, i: int, profile: dict, rows: int, values: list | None) -> list[str]:
    quoted = Text(name).text()
    present, distinct = profile[f"n{i}"], profile[f"d{i}"]
    if not rows or not present:
        return []
    rules = [f"IsComplete {quoted}" if present == rows else
             f"Completeness {quoted} >= {math.floor(present / rows * 100) / 100}"]
    if distinct == rows:
        rules.append(f"Uniqueness {quoted} > 0.95")
    if values:
        shown = ",".join(_literal(v, kind) for v in values)
        rules.append(f"ColumnValues {quoted} in [{shown}]" if present == rows else
                     f"ColumnValues {quoted} in [{shown}] with threshold >= {math.floor(present / rows * 100) / 100}")
    if kind in _NUMERIC and profile.get(f"lo{i}") is not None:
        low, high, deviation = profile[f"lo{i}"], profile[f"hi{i}"], profile[f"sd{i}"] or 0.0
        if not values:
            rules.append(f"ColumnValues {quoted} between {_number(math.floor(low) - 1)} and "
                         f"{_number(math.ceil(high) + 1)}"
                         + ("" if present == rows else f" with threshold >= {math.floor(present / rows * 100) / 100}"))
        if deviation > 0:
            rules.append(f"StandardDeviation {quoted} between {_number(math.floor(deviation * 95) / 100)} and "
                         f"{_number(math.ceil(deviation * 105) / 100)}")
    elif kind == "string" and profile.get(f"ll{i}") is not None:
        shortest, longest = profile[f"ll{i}"], profile[f"lh{i}"]
        rules.append(f"ColumnLength {quoted} = {shortest}" if shortest == longest and present == rows else
                     f"ColumnLength {quoted} between {shortest - 1 if present == rows else -1} and "
                     f"{longest + 1}")
    return rules


def _literal(value: object, kind: str) -> str:
    if kind in _NUMERIC:
        return _number(float(value))  # type: ignore[arg-type]
    if value == "":
        return "EMPTY"
    return Text(str(value).lower() if isinstance(value, bool) else str(value)).text()


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))
