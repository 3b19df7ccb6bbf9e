"""Rules that read more than the primary frame: CustomSql and the rules comparing with a reference dataset.

Each runs its own small Spark job(s) when planned. Reference datasets are the evaluation's additional data sources
by alias ("primary" is the evaluated frame). Metric names and ratios follow AWS's open-source implementation
(deequ's `com.amazon.deequ.dqdl`): RowCountMatch is primary rows / reference rows; ReferentialIntegrity the share of
primary rows whose key is in the reference; DatasetMatch the share of primary rows with an identical row (on the
key and match columns) in the reference; SchemaMatch the share of primary columns with the same name and type in
the reference; AggregateMatch first / second (1.0 when both are 0).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from ..dqdl.model import Rule
from .conditions import RuleError
from .plans import Context, Plan, col, compliance_outcome, numeric_outcome

_AGGREGATE = re.compile(r"^\s*(sum|avg|SUM|AVG)\s*\(\s*(?:([A-Za-z0-9_-]+)\.)?([^()]+?)\s*\)\s*$")


def _reference(ctx: Context, alias: str) -> DataFrame:
    if alias not in ctx.references:
        raise RuleError(f"{alias} not found in additional sources")
    return ctx.references[alias]


def _fixed(rule: Rule, ctx: Context, key: str, value: float) -> Plan:
    return Plan(primary=key, decide=lambda _: numeric_outcome(rule, {key: value}, key, ctx.history))


def _spark_error(error: Exception) -> str:
    return str(error).split("\n")[0]


def _custom_sql(rule: Rule, ctx: Context) -> Plan:
    for alias, frame in ctx.references.items():
        frame.createOrReplaceTempView(alias)
    try:
        result = ctx.spark.sql(rule.args[0])
        if rule.condition is None:
            key = "Dataset.*.CustomSQL.Compliance"
            matched, total = result.count(), ctx.frame.count()
            value = 1.0 if not total else matched / total
            return Plan(decide=lambda _: compliance_outcome(rule, {key: value}, key, ctx.history))
        rows = result.take(2)
    except Exception as error:  # Spark's parse/analysis errors
        raise RuleError(f"Error executing SQL statement: {_spark_error(error)}") from error
    if len(rows) != 1 or len(rows[0]) != 1 or not isinstance(rows[0][0], (int, float)) or isinstance(
            rows[0][0], bool):
        raise RuleError("The SQL statement must return a single numeric value.")
    return _fixed(rule, ctx, "Dataset.*.CustomSQL", float(rows[0][0]))


def _row_count_match(rule: Rule, ctx: Context) -> Plan:
    alias = rule.args[0]
    reference = _reference(ctx, alias).count()
    primary = ctx.frame.count()
    ratio = 1.0 if primary == reference == 0 else (primary / reference if reference else 0.0)
    return _fixed(rule, ctx, f"Dataset.{alias}.RowCountMatch", ratio)


def _columns(spec: str) -> list[str]:
    return [c.strip() for c in spec.strip().strip("{}").split(",") if c.strip()]


def _referential_integrity(rule: Rule, ctx: Context) -> Plan:
    primary_columns = [ctx.column(c) for c in _columns(rule.args[0])]
    alias, _, rest = rule.args[1].partition(".")
    if not rest:
        raise RuleError("The reference columns must be written as alias.column or alias.{column1,column2}.")
    reference = _reference(ctx, alias)
    reference_columns = _columns(rest)
    if len(reference_columns) != len(primary_columns):
        raise RuleError("The primary and reference column lists must have the same length.")
    missing = [c for c in reference_columns if c not in reference.columns]
    if missing:
        raise RuleError(f"Reference dataset {alias} does not include column {missing[0]}!")
    keys = reference.select(*[col(r).alias(f"k{i}") for i, r in enumerate(reference_columns)]).distinct()
    left = ctx.frame.select(*[col(p).alias(f"k{i}") for i, p in enumerate(primary_columns)])
    total = left.count()
    matched = left.join(keys, on=[f"k{i}" for i in range(len(keys.columns))], how="left_semi").count()
    return _fixed(rule, ctx, f"Column.{alias}.ReferentialIntegrity", matched / total if total else 1.0)


def _mappings(spec: str) -> list[tuple[str, str]]:
    pairs = []
    for item in _columns(spec):
        source, arrow, target = item.partition("->")
        pairs.append((source.strip(), (target if arrow else source).strip()))
    return pairs


def _dataset_match(rule: Rule, ctx: Context) -> Plan:
    alias = rule.args[0]
    reference = _reference(ctx, alias)
    keys = _mappings(rule.args[1])
    if len(rule.args) > 2:
        matches = _mappings(rule.args[2])
    else:
        key_names = {k for k, _ in keys}
        matches = [(c, c) for c in ctx.frame.columns if c not in key_names and c in reference.columns]
    for source, target in keys + matches:
        ctx.column(source)
        if target not in reference.columns:
            raise RuleError(f"Reference dataset {alias} does not include column {target}!")
    pairs = keys + matches
    left = ctx.frame.select(*[col(s).alias(f"c{i}") for i, (s, _) in enumerate(pairs)])
    right = reference.select(*[col(t).alias(f"c{i}") for i, (_, t) in enumerate(pairs)]).distinct()
    total = left.count()
    condition = None
    for i in range(len(pairs)):
        equal = left[f"c{i}"].eqNullSafe(right[f"c{i}"])
        condition = equal if condition is None else condition & equal
    matched = left.join(right, on=condition, how="left_semi").count()
    return _fixed(rule, ctx, f"Dataset.{alias}.DatasetMatch", matched / total if total else 1.0)


def _schema_match(rule: Rule, ctx: Context) -> Plan:
    alias = rule.args[0]
    reference = {f.name.lower(): f.dataType for f in _reference(ctx, alias).schema.fields}
    fields = ctx.frame.schema.fields
    same = sum(1 for f in fields if reference.get(f.name.lower()) == f.dataType)
    return _fixed(rule, ctx, f"Dataset.{alias}.SchemaMatch", same / len(fields) if fields else 1.0)


def _aggregate(expression: str, ctx: Context) -> tuple[float, str]:
    match = _AGGREGATE.match(expression)
    if not match:
        raise RuleError(f"Unsupported aggregate expression {expression}: AggregateMatch takes sum(...) or avg(...).")
    function, alias, column = match.group(1).lower(), match.group(2) or "primary", match.group(3).strip()
    frame = _reference(ctx, alias) if alias != "primary" else ctx.frame
    if column not in frame.columns:
        raise RuleError(f"Input data does not include column {column}!")
    value = frame.agg((F.sum if function == "sum" else F.avg)(col(column).cast("double"))).collect()[0][0]
    return float(value or 0.0), column


def _aggregate_match(rule: Rule, ctx: Context) -> Plan:
    first, first_column = _aggregate(rule.args[0], ctx)
    second, second_column = _aggregate(rule.args[1], ctx)
    ratio = 1.0 if first == second == 0 else (first / second if second else 0.0)
    name = first_column if first_column == second_column else f"{first_column},{second_column}"
    return _fixed(rule, ctx, f"Column.{name}.AggregateMatch", ratio)


REFERENCE_PLANNERS: dict[str, Callable[[Rule, Context], Plan]] = {
    "CustomSql": _custom_sql,
    "RowCountMatch": _row_count_match,
    "ReferentialIntegrity": _referential_integrity,
    "DatasetMatch": _dataset_match,
    "SchemaMatch": _schema_match,
    "AggregateMatch": _aggregate_match,
}


