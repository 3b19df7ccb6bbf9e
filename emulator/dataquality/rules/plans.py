"""What each DQDL rule type computes on the primary frame, and how its outcome is decided.

A rule becomes a `Plan`: named aggregate expressions (evaluation.py runs the aggregates of all rules sharing a where
clause in one `agg`), column sets whose value frequencies it needs (one groupBy each, shared between rules), a
`measure` turning those values into AWS's metrics ("Dataset.*.RowCount", "Column.<c>.Completeness", ...), a `decide`
giving the outcome, and, for rule types with row-level results, a per-row pass predicate.

Metric names and semantics follow the DQDL rule type reference and AWS's open-source implementation (deequ's
`com.amazon.deequ.dqdl`): Completeness counts non-null values over all rows (an empty string is complete);
Uniqueness is the share of rows whose value occurs exactly once, UniqueValueRatio that count over the distinct
values, both ignoring nulls as values; StandardDeviation and Variance are the population's; Entropy uses the natural
logarithm; ColumnLength reads a NULL as length 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from ..dqdl import ruletypes
from ..dqdl.model import Condition, Rule, Text, unwrap
from ..dqdl.parser import condition_kinds
from .conditions import History, RuleError, check_number, format_value, kind_for_column, value_predicate

Metrics = dict[str, float]


@dataclass
class Outcome:
    result: str  # PASS, FAIL or ERROR
    metrics: Metrics = field(default_factory=dict)
    message: str | None = None
    evaluated_rule: str | None = None


@dataclass
class Frequencies:
    """Value frequencies of a column set: rows (all), distinct non-null values, those occurring once, entropy."""
    rows: int
    distinct: int
    unique: int
    entropy: float | None


class Lookup:
    """The computed aggregates and frequencies a plan reads (of its where clause's rows)."""

    def __init__(self, aggregates: dict[str, Any], frequencies: dict[tuple[str, ...], Frequencies]) -> None:
        self._aggregates, self._frequencies = aggregates, frequencies

    def agg(self, key: str) -> Any:
        return self._aggregates[key]

    def freq(self, columns: tuple[str, ...]) -> Frequencies:
        return self._frequencies[columns]


@dataclass
class Context:
    spark: SparkSession
    frame: DataFrame
    references: dict[str, DataFrame]
    history: History | None
    now: datetime
    types: dict[str, str] = field(default_factory=dict)  # lower-cased column name -> Spark simpleString type

    def column(self, name: str) -> str:
        """The frame's column called `name` (Spark resolves names case-insensitively); RuleError if none."""
        actual = next((c for c in self.frame.columns if c == name), None) or next(
            (c for c in self.frame.columns if c.lower() == name.lower()), None)
        if actual is None:
            raise RuleError(f"Input data does not include column {name}!")
        return actual

    def type_of(self, name: str) -> str:
        return self.types.get(name.lower(), "string")


@dataclass
class Plan:
    where: str | None = None
    aggregates: dict[str, Column] = field(default_factory=dict)
    frequencies: list[tuple[str, ...]] = field(default_factory=list)
    measure: Callable[[Lookup], dict[str, float | None]] = lambda _: {}
    decide: Callable[[dict[str, float | None]], Outcome] | None = None
    primary: str | None = None  # the metric a numeric condition (and dynamic history) applies to
    row: Column | None = None  # per-row pass predicate, for row-level results
    error: RuleError | None = None  # set when Spark cannot compute this plan's aggregates (its rule is ERROR)


def col(name: str) -> Column:
    return F.col("`" + name.replace("`", "``") + "`")


def _key(*parts: str) -> str:
    return "|".join(parts)


def numeric_outcome(rule: Rule, metrics: dict[str, float | None], primary: str, history: History | None) -> Outcome:
    """PASS/FAIL of a rule whose condition applies to one metric; FAIL when the metric has no value."""
    value = metrics.get(primary)
    known = {k: float(v) for k, v in metrics.items() if v is not None}
    if value is None:
        return Outcome("FAIL", known, f"Empty state for analyzer {rule.rule_type}, all input values were NULL.")
    assert rule.condition is not None
    passed, resolved = check_number(rule.condition, float(value), primary, history)
    evaluated = replace(rule, condition=resolved).text()
    if passed:
        return Outcome("PASS", known, None, evaluated)
    return Outcome("FAIL", known, f"Value: {format_value(float(value))} does not meet the constraint requirement!",
                   evaluated)


def compliance_outcome(rule: Rule, metrics: dict[str, float | None], compliance_key: str, history: History | None,
                       failure: str | None = None) -> Outcome:
    """A row-wise rule: every row must comply, or the share of complying rows meets `with threshold`."""
    compliance = metrics.get(compliance_key)
    known = {k: float(v) for k, v in metrics.items() if v is not None}
    if compliance is None:
        return Outcome("FAIL", known, "Empty state: the dataset has no rows to evaluate.")
    if rule.threshold is not None:
        passed, _ = check_number(rule.threshold, compliance, compliance_key, history)
        message = f"Value: {format_value(compliance)} does not meet the constraint requirement!"
    else:
        passed, message = compliance == 1.0, failure or (
            f"Value: {format_value(compliance)} does not meet the constraint requirement!")
    return Outcome("PASS", known) if passed else Outcome("FAIL", known, message)


def _ratio(numerator: Any, denominator: Any) -> float | None:
    return None if not denominator else float(numerator) / float(denominator)


# Rule types on the primary frame ------------------------------------------------------------------------------------

def _row_count(rule: Rule, ctx: Context) -> Plan:
    key = "Dataset.*.RowCount"
    return Plan(aggregates={"rows": F.count(F.lit(1))}, primary=key,
                measure=lambda v: {key: float(v.agg("rows"))})


def _column_count(rule: Rule, ctx: Context) -> Plan:
    key = "Dataset.*.ColumnCount"
    return Plan(primary=key, measure=lambda _: {key: float(len(ctx.frame.columns))})


def _completeness(rule: Rule, ctx: Context) -> Plan:
    name = ctx.column(rule.args[0])
    key = f"Column.{rule.args[0]}.Completeness"
    plan = Plan(aggregates={"rows": F.count(F.lit(1)), _key("count", name): F.count(col(name))}, primary=key,
                measure=lambda v: {key: _ratio(v.agg(_key("count", name)), v.agg("rows"))},
                row=col(name).isNotNull())
    if rule.rule_type == "IsComplete":
        plan.decide = lambda m: _all_one(rule, m, [key], "Completeness")
    return plan


def _all_one(rule: Rule, metrics: dict[str, float | None], keys: list[str], what: str) -> Outcome:
    known = {k: float(v) for k, v in metrics.items() if v is not None}
    for key in keys:
        value = metrics.get(key)
        if value is None:
            return Outcome("FAIL", known, f"Empty state for analyzer {what}, all input values were NULL.")
        if value != 1.0:
            return Outcome("FAIL", known, f"Value: {format_value(value)} does not meet the constraint requirement!")
    return Outcome("PASS", known)


def _uniqueness_key(args: list[str], metric: str) -> str:
    return f"Column.{args[0]}.{metric}" if len(args) == 1 else f"Multicolumn.{','.join(args)}.{metric}"


def _unique_row(columns: tuple[str, ...]) -> Column:
    from pyspark.sql.window import Window

    not_null = F.lit(True)
    for name in columns:
        not_null = not_null & col(name).isNotNull()
    return not_null & (F.count(F.lit(1)).over(Window.partitionBy(*[col(c) for c in columns])) == 1)


def _uniqueness(rule: Rule, ctx: Context) -> Plan:
    columns = tuple(ctx.column(a) for a in rule.args)
    key = _uniqueness_key(rule.args, "Uniqueness")
    plan = Plan(frequencies=[columns], primary=key, row=_unique_row(columns),
                measure=lambda v: {key: _ratio(v.freq(columns).unique, v.freq(columns).rows)})
    if rule.rule_type == "IsUnique":
        plan.decide = lambda m: _all_one(rule, m, [key], "Uniqueness")
    return plan


def _primary_key(rule: Rule, ctx: Context) -> Plan:
    columns = tuple(ctx.column(a) for a in rule.args)
    unique_key = _uniqueness_key(rule.args, "Uniqueness")
    complete = {f"Column.{a}.Completeness": c for a, c in zip(rule.args, columns, strict=True)}
    aggregates = {"rows": F.count(F.lit(1)), **{_key("count", c): F.count(col(c)) for c in columns}}

    def measure(v: Lookup) -> dict[str, float | None]:
        metrics = {k: _ratio(v.agg(_key("count", c)), v.agg("rows")) for k, c in complete.items()}
        metrics[unique_key] = _ratio(v.freq(columns).unique, v.freq(columns).rows)
        return metrics

    return Plan(aggregates=aggregates, frequencies=[columns], measure=measure, row=_unique_row(columns),
                decide=lambda m: _all_one(rule, m, [*complete, unique_key], "Uniqueness"))


def _frequency_metric(metric: str) -> Callable[[Rule, Context], Plan]:
    def build(rule: Rule, ctx: Context) -> Plan:
        columns = (ctx.column(rule.args[0]),)
        key = f"Column.{rule.args[0]}.{metric}"

        def measure(v: Lookup) -> dict[str, float | None]:
            f = v.freq(columns)
            value = {"DistinctValuesCount": float(f.distinct), "Entropy": f.entropy,
                     "UniqueValueRatio": _ratio(f.unique, f.distinct)}[metric]
            return {key: value}

        return Plan(frequencies=[columns], primary=key, measure=measure)

    return build


def _statistic(metric: str, function: Callable[[Column], Column]) -> Callable[[Rule, Context], Plan]:
    def build(rule: Rule, ctx: Context) -> Plan:
        name = ctx.column(rule.args[0])
        key, agg_key = f"Column.{rule.args[0]}.{metric}", _key(metric, name)
        return Plan(aggregates={agg_key: function(col(name).cast("double"))}, primary=key,
                    measure=lambda v: {key: None if v.agg(agg_key) is None else float(v.agg(agg_key))})

    return build


def _correlation(rule: Rule, ctx: Context) -> Plan:
    first, second = ctx.column(rule.args[0]), ctx.column(rule.args[1])
    key, agg_key = f"Multicolumn.{rule.args[0]},{rule.args[1]}.ColumnCorrelation", _key("corr", first, second)
    return Plan(aggregates={agg_key: F.corr(col(first).cast("double"), col(second).cast("double"))}, primary=key,
                measure=lambda v: {key: v.agg(agg_key)})


def _column_length(rule: Rule, ctx: Context) -> Plan:
    name = ctx.column(rule.args[0])
    length = F.coalesce(F.length(col(name).cast("string")), F.lit(0))
    minimum, maximum = f"Column.{rule.args[0]}.MinimumLength", f"Column.{rule.args[0]}.MaximumLength"
    compliance = f"Column.{rule.args[0]}.LengthCompliance"
    aggregates = {"rows": F.count(F.lit(1)), _key("minlen", name): F.min(length),
                  _key("maxlen", name): F.max(length)}
    row = None
    if rule.condition is not None:
        row = value_predicate(rule.condition, length, "NUMBER", ctx.now)
        aggregates[_key("comply", rule.text())] = F.sum(F.when(row, 1).otherwise(0))

    def measure(v: Lookup) -> dict[str, float | None]:
        metrics = {minimum: _num(v.agg(_key("minlen", name))), maximum: _num(v.agg(_key("maxlen", name)))}
        if row is not None:
            metrics[compliance] = _ratio(v.agg(_key("comply", rule.text())), v.agg("rows"))
        return metrics

    def decide(m: dict[str, float | None]) -> Outcome:
        outcome = compliance_outcome(rule, m, compliance, ctx.history)
        if rule.threshold is None:
            outcome.metrics.pop(compliance, None)
            if outcome.result == "FAIL" and m.get(compliance) is not None:
                worst = m[maximum] if not _meets(rule.condition, m[maximum]) else m[minimum]
                outcome.message = f"Value: {format_value(worst or 0.0)} does not meet the constraint requirement!"
        return outcome

    return Plan(aggregates=aggregates, measure=measure, decide=decide, row=row)


def _meets(condition: Condition | None, value: float | None) -> bool:
    if condition is None or value is None:
        return True
    return check_number(condition, value, "", None)[0]


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _column_values(rule: Rule, ctx: Context) -> Plan:
    assert rule.condition is not None
    name = ctx.column(rule.args[0])
    kind = kind_for_column(rule.condition, ctx.type_of(name), condition_kinds(rule.condition))
    row = value_predicate(rule.condition, col(name), kind, ctx.now)
    tag = rule.text()
    compliance = f"Column.{rule.args[0]}.ColumnValues.Compliance"
    aggregates = {"rows": F.count(F.lit(1)), _key("comply", tag): F.sum(F.when(row, 1).otherwise(0)),
                  _key("sample", tag): F.first(F.when(~row, col(name).cast("string")), ignorenulls=True)}
    minimum, maximum = f"Column.{rule.args[0]}.Minimum", f"Column.{rule.args[0]}.Maximum"
    samples: list[Any] = [None]
    if kind == "NUMBER":
        aggregates[_key("min", name)] = F.min(col(name).cast("double"))
        aggregates[_key("max", name)] = F.max(col(name).cast("double"))

    def measure(v: Lookup) -> dict[str, float | None]:
        metrics: dict[str, float | None] = {}
        if kind == "NUMBER":
            metrics[minimum], metrics[maximum] = _num(v.agg(_key("min", name))), _num(v.agg(_key("max", name)))
        metrics[compliance] = _ratio(v.agg(_key("comply", tag)), v.agg("rows"))
        samples[0] = v.agg(_key("sample", tag))  # a failing value, for the message
        return metrics

    def decide(m: dict[str, float | None]) -> Outcome:
        value = "NULL" if samples[0] is None else samples[0]
        outcome = compliance_outcome(rule, m, compliance, ctx.history,
                                     failure=f"Value: {value} does not meet the constraint requirement!")
        if rule.threshold is None and kind == "NUMBER":
            outcome.metrics.pop(compliance, None)
        return outcome

    return Plan(aggregates=aggregates, measure=measure, decide=decide, row=row)


def _data_freshness(rule: Rule, ctx: Context) -> Plan:
    assert rule.condition is not None
    name = ctx.column(rule.args[0])
    age = F.lit(ctx.now).cast("long") - col(name).cast("timestamp").cast("long")  # seconds
    row = F.coalesce(value_predicate(rule.condition, age, "NUMBER", ctx.now), F.lit(False))
    row = F.when(col(name).isNull(), F.lit(False)).otherwise(row)
    key, tag = f"Column.{rule.args[0]}.DataFreshness.Compliance", rule.text()
    return Plan(aggregates={"rows": F.count(F.lit(1)), _key("comply", tag): F.sum(F.when(row, 1).otherwise(0))},
                measure=lambda v: {key: _ratio(v.agg(_key("comply", tag)), v.agg("rows"))},
                decide=lambda m: compliance_outcome(rule, m, key, ctx.history), row=row)


_TYPES = {"Boolean": ("boolean",), "Date": ("date",), "Timestamp": ("timestamp", "timestamp_ntz"),
          "Integer": ("int", "tinyint", "smallint"), "Long": ("bigint", "int", "tinyint", "smallint"),
          "Short": ("smallint", "tinyint"), "Byte": ("tinyint",), "Float": ("float",), "Double": ("double", "float"),
          "Decimal": ("decimal",), "String": ("string",)}
_TYPE_NAMES = {name.lower(): name for name in _TYPES}
_CASTS = {"Boolean": "boolean", "Date": "date", "Timestamp": "timestamp", "Integer": "int", "Long": "bigint",
          "Short": "smallint", "Byte": "tinyint", "Float": "float", "Double": "double", "Decimal": "decimal(38,10)"}


def _column_data_type(rule: Rule, ctx: Context) -> Plan:
    assert rule.condition is not None
    name = ctx.column(rule.args[0])
    # Type names in any case: AWS's own ColumnDataType example is `= "INTEGER"`.
    given = [unwrap(o).value for o in rule.condition.operands if isinstance(unwrap(o), Text)]
    unknown = [w for w in given if w.lower() not in _TYPE_NAMES]
    if unknown:
        raise RuleError(f"Unrecognized data type: {unknown[0]}")
    wanted = [_TYPE_NAMES[w.lower()] for w in given]
    actual = ctx.type_of(name).split("(")[0]

    def conforms(type_name: str) -> Column:
        if actual in _TYPES[type_name]:
            return F.lit(True)
        if actual != "string" or type_name == "String":
            return F.lit(False)
        cast = col(name).cast(_CASTS[type_name])
        if type_name in ("Integer", "Long", "Short", "Byte"):
            cast = F.when(col(name).rlike(r"^\s*[+-]?\d+\s*$"), cast)
        return col(name).isNull() | cast.isNotNull()

    row = F.lit(False)
    for type_name in wanted:
        row = row | conforms(type_name)
    if rule.condition.negated:
        row = ~row
    key, tag = f"Column.{rule.args[0]}.ColumnDataType.Compliance", rule.text()
    return Plan(aggregates={"rows": F.count(F.lit(1)), _key("comply", tag): F.sum(F.when(row, 1).otherwise(0))},
                measure=lambda v: {key: _ratio(v.agg(_key("comply", tag)), v.agg("rows"))},
                decide=lambda m: compliance_outcome(rule, m, key, ctx.history), row=row)


def _column_exists(rule: Rule, ctx: Context) -> Plan:
    name = rule.args[0]
    exists = any(c.lower() == name.lower() for c in ctx.frame.columns)
    return Plan(decide=lambda _: Outcome("PASS") if exists else Outcome(
        "FAIL", {}, f"Column {name} does not exist in the dataset."))


def _column_names_match_pattern(rule: Rule, ctx: Context) -> Plan:
    try:
        pattern = re.compile(rule.args[0])
    except re.error as error:
        raise RuleError(f"Invalid regex pattern '{rule.args[0]}' for ColumnNamesMatchPattern rule") from error
    unmatched = [c for c in ctx.frame.columns if not pattern.fullmatch(c)]
    key = "Dataset.*.ColumnNamesPatternMatchRatio"
    ratio = _ratio(len(ctx.frame.columns) - len(unmatched), len(ctx.frame.columns)) or 0.0

    def decide(_: dict[str, float | None]) -> Outcome:
        if not unmatched:
            return Outcome("PASS", {key: ratio})
        return Outcome("FAIL", {key: ratio}, f"Columns that do not match the pattern: {', '.join(unmatched)}")

    return Plan(decide=decide)


def _unsupported(message: str) -> Callable[[Rule, Context], Plan]:
    def build(rule: Rule, ctx: Context) -> Plan:
        raise RuleError(message)

    return build


PLANNERS: dict[str, Callable[[Rule, Context], Plan]] = {
    "RowCount": _row_count,
    "ColumnCount": _column_count,
    "Completeness": _completeness,
    "IsComplete": _completeness,
    "Uniqueness": _uniqueness,
    "IsUnique": _uniqueness,
    "IsPrimaryKey": _primary_key,
    "DistinctValuesCount": _frequency_metric("DistinctValuesCount"),
    "Entropy": _frequency_metric("Entropy"),
    "UniqueValueRatio": _frequency_metric("UniqueValueRatio"),
    "Mean": _statistic("Mean", F.avg),
    "Sum": _statistic("Sum", F.sum),
    "StandardDeviation": _statistic("StandardDeviation", F.stddev_pop),
    "Variance": _statistic("Variance", F.var_pop),
    "ColumnCorrelation": _correlation,
    "ColumnLength": _column_length,
    "ColumnValues": _column_values,
    "DataFreshness": _data_freshness,
    "ColumnDataType": _column_data_type,
    "ColumnExists": _column_exists,
    "ColumnNamesMatchPattern": _column_names_match_pattern,
    "DetectAnomalies": _unsupported(
        "DetectAnomalies is not supported by the emulator: anomaly detection needs AWS's trained models."),
    **{name: _unsupported(f"{name} evaluates files in S3; this evaluation has a data frame and no files.")
       for name in ruletypes.FILE_RULES},
}
