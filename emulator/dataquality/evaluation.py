"""Evaluating a DQDL ruleset on a Spark DataFrame, with the results AWS Glue Data Quality reports.

`evaluate` plans every rule (rules/plans.py, rules/references.py), runs the aggregates of all rules that share a
where clause in one `agg` over the frame and one groupBy per column set whose value frequencies rules need
(Uniqueness, IsUnique, IsPrimaryKey, DistinctValuesCount, UniqueValueRatio, Entropy), then decides each rule.
Results have botocore's shapes: `DataQualityRuleResult`, `DataQualityAnalyzerResult`, `DataQualityObservation`.

Composite rules are combined as AWS's "How Composite rules work" says. COLUMN (the default) evaluates each operand
over the whole dataset and combines the outcomes. ROW (`compositeRuleEvaluation.method`, AdditionalRunOptions'
CompositeRuleEvaluationMethod) makes a composite one rule over each row: it passes when every row satisfies the
combination of its operands' row conditions (a row outside an operand's where clause satisfies it, as AWS labels
filtered-out rows Passed). AWS lists the operands ROW cannot take (ratio rules: Completeness, DatasetMatch,
ReferentialIntegrity, Uniqueness; ColumnValues, ColumnDataType, CustomSql `with threshold`) without saying what it
does with them; a composite holding one, or an operand without row conditions (RowCount, Mean...), is combined
as COLUMN here.

https://docs.aws.amazon.com/glue/latest/dg/dqdl.html
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from .dqdl import Rule, Ruleset, parse
from .rules.conditions import RuleError
from .rules.plans import PLANNERS, Context, Frequencies, Lookup, Outcome, Plan, col, numeric_outcome
from .rules.references import REFERENCE_PLANNERS
from .rules.statistics import analyzer_plan

PASS_COLUMN, FAIL_COLUMN, SKIP_COLUMN = "DataQualityRulesPass", "DataQualityRulesFail", "DataQualityRulesSkip"
RESULT_COLUMN = "DataQualityEvaluationResult"
_OBSERVED_RUNS = 10
COMPOSITE_METHODS = ("COLUMN", "ROW")
# Operands AWS's "How Composite rules work" says ROW cannot take (their outcome is a ratio), besides `with threshold`.
_NOT_ROW_WISE = frozenset({"Completeness", "DatasetMatch", "ReferentialIntegrity", "Uniqueness"})


@dataclass
class Evaluation:
    """The outcome of one evaluation run.

    `rule_results`: one DataQualityRuleResult dict per top-level rule (Name "Rule_1"..., Description, Result
    PASS/FAIL/ERROR, EvaluationMessage when not passed, EvaluatedMetrics, EvaluatedRule, Labels).
    `analyzer_results`: one DataQualityAnalyzerResult per analyzer. `score`: passed rules / rules (1.0 when none).
    `observations`: DataQualityObservations of metrics far from their history (see `_observations`).
    `row_level`: the frame plus DataQualityRulesPass/Fail/Skip (arrays of rule text) and
    DataQualityEvaluationResult ("Passed"/"Failed"), when asked for.
    """
    rule_results: list[dict[str, Any]]
    analyzer_results: list[dict[str, Any]]
    observations: list[dict[str, Any]]
    score: float
    row_level: DataFrame | None = None
    _metrics: dict[str, float] = field(default_factory=dict)

    def metrics(self) -> dict[str, float]:
        """Every metric computed (rules' and analyzers'), by AWS's name; dynamic rules' history is keyed by these."""
        return dict(self._metrics)


def evaluate(spark: SparkSession, frame: DataFrame, ruleset: str | Ruleset, *,
             references: dict[str, DataFrame] | None = None,
             history: Callable[[str, int], list[float]] | None = None,
             row_level: bool = False, composite_method: str = "COLUMN") -> Evaluation:
    """Evaluate `ruleset` (DQDL text or a parsed Ruleset) on `frame`.

    `references` are additional data sources by alias, for ReferentialIntegrity, DatasetMatch, AggregateMatch,
    SchemaMatch, RowCountMatch and CustomSql (alias "primary" is `frame`). `history(metric, k)` gives the metric's
    values in up to k earlier runs, most recent first, for dynamic rules (`avg(last(10))`...). `composite_method`
    is "COLUMN" or "ROW" (see the module docstring; any case).
    Raises DqdlError for invalid DQDL text, ValueError for another composite_method; a rule that cannot be
    evaluated gets Result "ERROR", never a pass.
    """
    method = composite_method.upper()
    if method not in COMPOSITE_METHODS:
        raise ValueError(f"compositeRuleEvaluation.method must be COLUMN or ROW, not {composite_method!r}")
    parsed = parse(ruleset) if isinstance(ruleset, str) else ruleset
    ctx = Context(spark=spark, frame=frame, references={**(references or {}), "primary": frame}, history=history,
                  now=datetime.now(), types={f.name.lower(): f.dataType.simpleString() for f in frame.schema.fields})
    leaves = [leaf for rule in parsed.rules for leaf in rule.leaves()]
    rule_plans = {id(leaf): _plan(leaf, ctx) for leaf in leaves}
    analyzer_plans = [_analyzer_plan(analyzer, ctx) for analyzer in parsed.analyzers]
    plans = [p for p in [*rule_plans.values(), *analyzer_plans] if isinstance(p, Plan)]
    lookups = _run(frame, plans)

    outcomes = {key: _decide(leaf_of, plan, lookups, ctx) for key, (leaf_of, plan) in
                {id(leaf): (leaf, rule_plans[id(leaf)]) for leaf in leaves}.items()}
    broken = {where for where, lookup in lookups.items() if isinstance(lookup, RuleError)}
    rule_results, all_metrics = [], {}
    for index, rule in enumerate(parsed.rules):
        outcome = _combine(rule, outcomes)
        if method == "ROW" and rule.is_composite:
            outcome = _row_wise(frame, rule, rule_plans, broken, outcome)
        all_metrics.update(outcome.metrics)
        result: dict[str, Any] = {"Name": Ruleset.rule_name(index), "Description": rule.text(),
                                  "Result": outcome.result}
        if outcome.result != "PASS" and outcome.message:
            result["EvaluationMessage"] = outcome.message
        result["EvaluatedMetrics"] = outcome.metrics
        result["EvaluatedRule"] = outcome.evaluated_rule or rule.text()
        result["Labels"] = parsed.labels_of(rule)
        rule_results.append(result)

    analyzer_results = []
    for analyzer, plan in zip(parsed.analyzers, analyzer_plans, strict=True):
        entry: dict[str, Any] = {"Name": analyzer.analyzer_type, "Description": analyzer.text()}
        if isinstance(plan, RuleError):
            entry["EvaluationMessage"], entry["EvaluatedMetrics"] = str(plan), {}
        else:
            measured = _measure(plan, lookups)
            if isinstance(measured, RuleError):
                entry["EvaluationMessage"], entry["EvaluatedMetrics"] = str(measured), {}
            else:
                entry["EvaluatedMetrics"] = {k: float(v) for k, v in measured.items() if v is not None}
        all_metrics.update(entry["EvaluatedMetrics"])
        analyzer_results.append(entry)

    passed = sum(1 for r in rule_results if r["Result"] == "PASS")
    score = passed / len(rule_results) if rule_results else 1.0
    rows = _row_level(frame, parsed, rule_plans, broken) if row_level else None
    return Evaluation(rule_results, analyzer_results, _observations(all_metrics, history), score, rows, all_metrics)


def _observations(metrics: dict[str, float], history: Callable[[str, int], list[float]] | None) -> list[dict]:
    """DataQualityObservations: metrics outside mean ± 3 standard deviations of their last (up to) 10 runs.

    AWS observes metrics against their history with its anomaly-detection models; this is the cheap statistical
    stand-in. A metric needs 3 earlier values to be observed.
    """
    if history is None:
        return []
    observations = []
    for name, value in metrics.items():
        past = [float(v) for v in history(name, _OBSERVED_RUNS)][:_OBSERVED_RUNS]
        if len(past) < 3:
            continue
        expected, spread = statistics.fmean(past), statistics.pstdev(past)
        lower, upper = expected - 3 * spread, expected + 3 * spread
        if lower <= value <= upper:
            continue
        observations.append({
            "Description": f"Metric {name} has value {value} outside its expected range [{lower}, {upper}] "
                           f"from the last {len(past)} runs.",
            "MetricBasedObservation": {"MetricName": name, "MetricValues": {
                "ActualValue": value, "ExpectedValue": expected, "LowerLimit": lower, "UpperLimit": upper},
                "NewRules": []}})
    return observations


def _plan(rule: Rule, ctx: Context) -> Plan | RuleError:
    planner = PLANNERS.get(rule.rule_type) or REFERENCE_PLANNERS.get(rule.rule_type)
    if planner is None:
        return RuleError(f"Rule type {rule.rule_type} is not supported by the emulator.")
    try:
        plan = planner(rule, ctx)
    except RuleError as error:
        return error
    plan.where = rule.where
    return plan


def _analyzer_plan(analyzer: Any, ctx: Context) -> Plan | RuleError:
    try:
        return analyzer_plan(analyzer, ctx, PLANNERS)
    except RuleError as error:
        return error


def _run(frame: DataFrame, plans: list[Plan]) -> dict[str | None, Lookup | RuleError]:
    """One aggregation (and one groupBy per column set) for each where clause the plans use.

    When Spark cannot run a group's aggregation (a column of a type a rule cannot take, say), each plan of the group
    is computed alone, so only the rules Spark cannot compute get ERROR (their plan's `error`), as on AWS, where each
    rule has its own outcome.
    """
    lookups: dict[str | None, Lookup | RuleError] = {}
    for where in dict.fromkeys(p.where for p in plans):
        group = [p for p in plans if p.where == where]
        try:
            rows = frame if where is None else frame.filter(F.expr(where))
            lookups[where] = Lookup(*_aggregate(rows, group))
        except Exception as error:  # an invalid where clause or an expression Spark cannot run
            if where is not None and not _where_runs(frame, where):
                lookups[where] = RuleError(f"The where clause \"{where}\" could not be evaluated: {_first(error)}")
                continue
            computed: dict[str, Any] = {}
            frequencies: dict[tuple[str, ...], Frequencies] = {}
            for plan in group:
                try:
                    values, counted = _aggregate(rows, [plan])
                except Exception as plan_error:
                    plan.error = RuleError(f"The rule could not be evaluated on the data: {_first(plan_error)}")
                    continue
                computed.update(values)
                frequencies.update(counted)
            lookups[where] = Lookup(computed, frequencies)
    return lookups


def _aggregate(rows: DataFrame, group: list[Plan]
               ) -> tuple[dict[str, Any], dict[tuple[str, ...], Frequencies]]:
    """The group's aggregates in one pass, and the frequencies of each column set they count."""
    aggregates: dict[str, Column] = {"rows": F.count(F.lit(1))}
    for plan in group:
        aggregates.update(plan.aggregates)
    aliases = {key: f"m{i}" for i, key in enumerate(aggregates)}
    values = rows.agg(*[expr.alias(aliases[key]) for key, expr in aggregates.items()]).collect()[0]
    computed = {key: values[alias] for key, alias in aliases.items()}
    frequencies = {columns: _frequencies(rows, columns, computed["rows"])
                   for columns in dict.fromkeys(c for p in group for c in p.frequencies)}
    return computed, frequencies


def _where_runs(frame: DataFrame, where: str) -> bool:
    try:
        frame.filter(F.expr(where)).limit(0).collect()
    except Exception:
        return False
    return True


def _first(error: BaseException) -> str:
    return str(error).split("\n")[0]


def _frequencies(rows: DataFrame, columns: tuple[str, ...], total: int) -> Frequencies:
    any_value = F.lit(False)
    for name in columns:
        any_value = any_value | col(name).isNotNull()
    counts = rows.where(any_value).groupBy(*[col(c) for c in columns]).count()
    stats = counts.agg(F.count(F.lit(1)).alias("distinct"),
                       F.sum(F.when(F.col("count") == 1, 1).otherwise(0)).alias("unique"),
                       F.sum(F.col("count") * F.log(F.col("count"))).alias("clogc"),
                       F.sum("count").alias("values")).collect()[0]
    entropy = None
    if total and stats["values"]:
        # -sum(p ln p) with p = count / total, rearranged to sum over counts once
        entropy = (stats["values"] * math.log(total) - stats["clogc"]) / total
    return Frequencies(rows=total, distinct=stats["distinct"] or 0, unique=stats["unique"] or 0, entropy=entropy)


def _measure(plan: Plan, lookups: dict[str | None, Lookup | RuleError]) -> dict[str, float | None] | RuleError:
    lookup = lookups.get(plan.where)
    if plan.error is not None:
        return plan.error
    if isinstance(lookup, RuleError):
        return lookup
    try:
        return plan.measure(lookup) if lookup is not None else plan.measure(Lookup({}, {}))
    except RuleError as error:
        return error


def _decide(rule: Rule, plan: Plan | RuleError, lookups: dict[str | None, Lookup | RuleError],
            ctx: Context) -> Outcome:
    if isinstance(plan, RuleError):
        return Outcome("ERROR", {}, str(plan))
    measured = _measure(plan, lookups)
    if isinstance(measured, RuleError):
        return Outcome("ERROR", {}, str(measured))
    try:
        if plan.decide is not None:
            return plan.decide(measured)
        assert plan.primary is not None
        return numeric_outcome(rule, measured, plan.primary, ctx.history)
    except RuleError as error:
        return Outcome("ERROR", {k: float(v) for k, v in measured.items() if v is not None}, str(error))


def _combine(rule: Rule, outcomes: dict[int, Outcome]) -> Outcome:
    """A composite's outcome from its operands': and/or over PASS/FAIL; ERROR when an operand errs and decides."""
    if not rule.is_composite:
        return outcomes[id(rule)]
    parts = [_combine(child, outcomes) for child in rule.children]
    metrics = {k: v for part in parts for k, v in part.metrics.items()}
    results = [p.result for p in parts]
    if rule.operator == "AND":
        result = "PASS" if all(r == "PASS" for r in results) else "ERROR" if "ERROR" in results else "FAIL"
    else:
        result = "PASS" if "PASS" in results else "ERROR" if "ERROR" in results else "FAIL"
    messages = [p.message for p in parts if p.result != "PASS" and p.message]
    return Outcome(result, metrics, "; ".join(messages) if result != "PASS" else None)


def _row_wise(frame: DataFrame, rule: Rule, plans: dict[int, Plan | RuleError], broken: set[str | None],
              by_column: Outcome) -> Outcome:
    """A composite's outcome as one rule over each row (ROW); `by_column` (COLUMN's) when it cannot be."""
    if any(leaf.rule_type in _NOT_ROW_WISE or leaf.threshold is not None for leaf in rule.leaves()):
        return by_column
    predicate = _row_predicate(rule, plans, broken)
    if predicate is None:
        return by_column
    # Computed in a projection first: uniqueness conditions are window functions, which an aggregate cannot hold.
    counts = frame.select(predicate.alias("passes")).agg(
        F.count(F.lit(1)).alias("rows"), F.count(F.when(~F.col("passes"), 1)).alias("failed")).collect()[0]
    if not counts["rows"]:
        return Outcome("FAIL", by_column.metrics, "Empty state: the dataset has no rows to evaluate.")
    if counts["failed"]:
        return Outcome("FAIL", by_column.metrics, f"{counts['failed']} of {counts['rows']} rows do not satisfy the "
                                                  "rule.")
    return Outcome("PASS", by_column.metrics)


def _row_predicate(rule: Rule, plans: dict[int, Plan | RuleError], broken: set[str | None]) -> Column | None:
    """Whether each row passes the rule (null: skipped, e.g. outside its where clause); None: no row-level result."""
    if rule.is_composite:
        parts = [_row_predicate(child, plans, broken) for child in rule.children]
        if any(p is None for p in parts):
            return None
        combined = parts[0]
        for part in parts[1:]:
            combined = (combined & part) if rule.operator == "AND" else (combined | part)
        return combined
    plan = plans[id(rule)]
    if not isinstance(plan, Plan) or plan.row is None or rule.where in broken or plan.error is not None:
        return None  # no row-level result, or one Spark cannot compute (the rule's Result is ERROR)
    return plan.row if rule.where is None else F.when(F.expr(rule.where), plan.row)


def _row_level(frame: DataFrame, ruleset: Ruleset, plans: dict[int, Plan | RuleError],
               broken: set[str | None]) -> DataFrame:
    predicates = [(rule.text(), _row_predicate(rule, plans, broken)) for rule in ruleset.rules]
    row_rules = [(text, p) for text, p in predicates if p is not None]
    skipped = [F.lit(text) for text, p in predicates if p is None]
    empty = F.array().cast("array<string>")

    def listed(which: Callable[[Column], Column]) -> Column:
        if not row_rules:
            return empty
        return F.array_compact(F.array(*[F.when(which(p), F.lit(text)) for text, p in row_rules]))

    skip = F.array_compact(F.array(*skipped, *[F.when(p.isNull(), F.lit(text)) for text, p in row_rules])) \
        if skipped or row_rules else empty
    result = (frame.withColumn(PASS_COLUMN, listed(lambda p: p))
              .withColumn(FAIL_COLUMN, listed(lambda p: ~p))
              .withColumn(SKIP_COLUMN, skip))
    return result.withColumn(RESULT_COLUMN, F.when(F.size(F.col(FAIL_COLUMN)) == 0, F.lit("Passed"))
                             .otherwise(F.lit("Failed")))
