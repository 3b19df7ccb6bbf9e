"""Analyzers: the metrics of a rule type without a condition, and AllStatistics.

An analyzer (`Analyzers = [ RowCount, Completeness "x", AllStatistics "y" ]`) reports metrics and no outcome.
AllStatistics gathers, per the DQDL rule type reference, RowCount, Completeness and Uniqueness for any column, the
ColumnLength metrics for a string column and the ColumnValues metrics (plus Mean, Sum and StandardDeviation) for a
numeric one.
"""

from __future__ import annotations

from collections.abc import Callable

from pyspark.sql import functions as F

from ..dqdl.model import Analyzer, Parameter, Rule
from .conditions import RuleError
from .plans import Context, Lookup, Plan, col

_NUMERIC = ("tinyint", "smallint", "int", "bigint", "float", "double", "decimal")


def analyzer_plan(analyzer: Analyzer, ctx: Context, planners: dict[str, Callable[[Rule, Context], Plan]]) -> Plan:
    """The plan measuring an analyzer's metrics; RuleError when its type has no metrics here."""
    if analyzer.analyzer_type == "AllStatistics":
        return _all_statistics(analyzer.args[0], ctx)
    planner = planners.get(analyzer.analyzer_type)
    if planner is None:
        raise RuleError(f"Analyzer type {analyzer.analyzer_type} is not supported by the emulator.")
    rule = Rule(analyzer.analyzer_type, tuple(Parameter(p.value, p.quoted, p.connector) for p in analyzer.parameters))
    return planner(rule, ctx)


def _all_statistics(name: str, ctx: Context) -> Plan:
    column = ctx.column(name)
    kind = ctx.type_of(column).split("(")[0]
    aggregates = {"rows": F.count(F.lit(1)), f"count|{column}": F.count(col(column))}
    if kind == "string":
        length = F.coalesce(F.length(col(column)), F.lit(0))
        aggregates[f"minlen|{column}"], aggregates[f"maxlen|{column}"] = F.min(length), F.max(length)
    elif kind in _NUMERIC:
        value = col(column).cast("double")
        for metric, function in (("min", F.min), ("max", F.max), ("Mean", F.avg), ("Sum", F.sum),
                                 ("StandardDeviation", F.stddev_pop)):
            aggregates[f"{metric}|{column}"] = function(value)

    def measure(v: Lookup) -> dict[str, float | None]:
        rows = v.agg("rows")
        metrics: dict[str, float | None] = {
            "Dataset.*.RowCount": float(rows),
            f"Column.{name}.Completeness": v.agg(f"count|{column}") / rows if rows else None,
            f"Column.{name}.Uniqueness": v.freq((column,)).unique / rows if rows else None,
        }
        names = {"minlen": "MinimumLength", "maxlen": "MaximumLength", "min": "Minimum", "max": "Maximum",
                 "Mean": "Mean", "Sum": "Sum", "StandardDeviation": "StandardDeviation"}
        for key in aggregates:
            prefix = key.split("|")[0]
            if prefix in names:
                value = v.agg(key)
                metrics[f"Column.{name}.{names[prefix]}"] = None if value is None else float(value)
        return metrics

    return Plan(aggregates=aggregates, frequencies=[(column,)], measure=measure)
