"""DQDL evaluation on Spark: every rule type on small frames whose answers are worked out by hand.

Edge cases the DQDL reference documents: an empty frame, an all-null column, a blank CSV string cell (an empty
string, which passes IsComplete), thresholds at their boundary (`between` excludes its ends), where clauses,
NULL/EMPTY/WHITESPACES_ONLY, dynamic rules across runs, rules that cannot be evaluated (Result ERROR).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from emulator.dataquality.dqdl import DqdlError
from emulator.dataquality.evaluation import evaluate

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def people(spark: Any) -> Any:
    return spark.createDataFrame(
        [(1, "ann", 10.0, "DE"), (1, "bob", None, "FR"), (2, "", 30.0, "DE"), (3, None, 40.0, " "), (4, "eve", 20.0, None)],
        "id int, name string, amount double, country string")


def results(spark: Any, frame: Any, rules: str | list[str], **kwargs: Any) -> list[dict[str, Any]]:
    text = rules if isinstance(rules, str) else ", ".join(rules)
    return evaluate(spark, frame, f"Rules = [ {text} ]", **kwargs).rule_results


def one(spark: Any, frame: Any, rule: str, **kwargs: Any) -> dict[str, Any]:
    return results(spark, frame, rule, **kwargs)[0]


def test_result_shape_is_botocores_data_quality_rule_result(spark: Any, people: Any) -> None:
    first, second = results(spark, people, 'RowCount = 5, IsComplete "name"')
    assert first == {"Name": "Rule_1", "Description": "RowCount = 5", "Result": "PASS",
                     "EvaluatedMetrics": {"Dataset.*.RowCount": 5.0}, "EvaluatedRule": "RowCount = 5", "Labels": {}}
    assert second["Name"] == "Rule_2" and second["Result"] == "FAIL"
    assert second["EvaluatedMetrics"] == {"Column.name.Completeness": 0.8}
    assert second["EvaluationMessage"] == "Value: 0.8 does not meet the constraint requirement!"


@pytest.mark.parametrize(("rule", "metrics", "result"), [
    ("ColumnCount = 4", {"Dataset.*.ColumnCount": 4.0}, "PASS"),
    ('Completeness "amount" >= 0.8', {"Column.amount.Completeness": 0.8}, "PASS"),
    ('Completeness "amount" > 0.8', {"Column.amount.Completeness": 0.8}, "FAIL"),
    ('Mean "amount" = 25', {"Column.amount.Mean": 25.0}, "PASS"),
    ('Sum "amount" between 99 and 101', {"Column.amount.Sum": 100.0}, "PASS"),
    ('StandardDeviation "amount" < 11.19', {"Column.amount.StandardDeviation": math.sqrt(125)}, "PASS"),
    ('Variance "amount" = 125', {"Column.amount.Variance": 125.0}, "PASS"),
    ('DistinctValuesCount "id" = 4', {"Column.id.DistinctValuesCount": 4.0}, "PASS"),
    ('Uniqueness "id" = 0.6', {"Column.id.Uniqueness": 0.6}, "PASS"),
    ('UniqueValueRatio "id" = 0.75', {"Column.id.UniqueValueRatio": 0.75}, "PASS"),
    ('Entropy "id" > 1.3', {"Column.id.Entropy": -(0.4 * math.log(0.4) + 3 * 0.2 * math.log(0.2))}, "PASS"),
    ('ColumnCorrelation "id" "amount" < 0.5', {"Multicolumn.id,amount.ColumnCorrelation": 0.4}, "PASS"),
    ('ColumnLength "name" <= 3', {"Column.name.MinimumLength": 0.0, "Column.name.MaximumLength": 3.0}, "PASS"),
])
def test_metrics_of_each_rule_type(spark: Any, people: Any, rule: str, metrics: dict | None, result: str) -> None:
    outcome = one(spark, people, rule)
    assert outcome["Result"] == result, outcome
    if metrics is not None:
        assert outcome["EvaluatedMetrics"] == pytest.approx(metrics)


def test_uniqueness_unique_value_ratio_and_is_unique_differ(spark: Any, people: Any) -> None:
    # id = 1, 1, 2, 3, 4: three of five rows hold a value seen once; three of four distinct values occur once
    unique, ratio, is_unique, key = results(
        spark, people, 'Uniqueness "id" > 0.5, UniqueValueRatio "id" > 0.5, IsUnique "id", IsPrimaryKey "id"')
    assert unique["EvaluatedMetrics"] == {"Column.id.Uniqueness": 0.6} and unique["Result"] == "PASS"
    assert ratio["EvaluatedMetrics"] == {"Column.id.UniqueValueRatio": 0.75} and ratio["Result"] == "PASS"
    assert is_unique["Result"] == "FAIL"
    assert key["Result"] == "FAIL"
    assert key["EvaluatedMetrics"] == {"Column.id.Completeness": 1.0, "Column.id.Uniqueness": 0.6}
    assert one(spark, people, 'IsPrimaryKey "id" "name"')["Result"] == "FAIL"  # name has a NULL
    # (1, NULL) counts as a value: one of its columns is set
    assert one(spark, people, 'IsUnique "id" "amount"')["EvaluatedMetrics"] == {"Multicolumn.id,amount.Uniqueness": 1.0}


def test_between_excludes_its_ends_and_thresholds_at_the_boundary(spark: Any, people: Any) -> None:
    assert one(spark, people, "RowCount between 5 and 6")["Result"] == "FAIL"
    assert one(spark, people, "RowCount between 4 and 6")["Result"] == "PASS"
    assert one(spark, people, "RowCount not between 5 and 6")["Result"] == "PASS"
    # country: DE, FR, DE, " ", NULL -> 2 of 5 rows are "DE"
    assert one(spark, people, 'ColumnValues "country" = "DE" with threshold >= 0.4')["Result"] == "PASS"
    failed = one(spark, people, 'ColumnValues "country" = "DE" with threshold > 0.4')
    assert failed["Result"] == "FAIL"
    assert failed["EvaluatedMetrics"] == {"Column.country.ColumnValues.Compliance": 0.4}
    assert failed["EvaluationMessage"] == "Value: 0.4 does not meet the constraint requirement!"


def test_column_values_null_empty_and_whitespace_keywords(spark: Any, people: Any) -> None:
    outcomes = results(spark, people, [
        'ColumnValues "country" in ["DE","FR"]',
        'ColumnValues "country" in ["DE","FR",NULL,WHITESPACES_ONLY]',
        'ColumnValues "country" not in ["XX"]',
        'ColumnValues "name" in ["ann","bob","eve",EMPTY,NULL]',
        'ColumnValues "name" != NULL',
        'ColumnValues "amount" > 5',
        'ColumnValues "amount" != 99',
        '(ColumnValues "amount" > 5) OR (ColumnValues "amount" = NULL)',
    ])
    assert [o["Result"] for o in outcomes] == ["FAIL", "PASS", "PASS", "PASS", "FAIL", "FAIL", "PASS", "FAIL"]
    assert outcomes[0]["EvaluationMessage"] == "Value:   does not meet the constraint requirement!"
    assert outcomes[5]["EvaluationMessage"] == "Value: NULL does not meet the constraint requirement!"
    assert outcomes[5]["EvaluatedMetrics"] == {"Column.amount.Minimum": 10.0, "Column.amount.Maximum": 40.0}


def test_row_level_or_of_a_null_allowance(spark: Any, people: Any) -> None:
    evaluation = evaluate(spark, people, 'Rules = [ (ColumnValues "amount" > 5) OR (ColumnValues "amount" = NULL) ]',
                          row_level=True)
    assert {r["DataQualityEvaluationResult"] for r in evaluation.row_level.collect()} == {"Passed"}


def test_column_values_numbers_regex_and_sets(spark: Any, people: Any) -> None:
    outcomes = results(spark, people, [
        'ColumnValues "id" between 0 and 5', 'ColumnValues "id" in [1,2,3,4]', 'ColumnValues "id" <= 3',
        'ColumnValues "name" matches "[a-z]+"', 'ColumnValues "name" matches "[a-z]*" with threshold >= 0.8',
        'ColumnValues "name" not matches "[0-9]+"',
    ])
    assert [o["Result"] for o in outcomes] == ["PASS", "PASS", "FAIL", "FAIL", "PASS", "PASS"]
    assert outcomes[2]["EvaluationMessage"] == "Value: 4 does not meet the constraint requirement!"


def test_column_values_dates_and_now_arithmetic(spark: Any) -> None:
    now = datetime.now()
    frame = spark.createDataFrame([(now - timedelta(hours=1), "2024-03-01"), (now - timedelta(hours=30), "2024-03-15")],
                                  "ts timestamp, day string")
    outcomes = results(spark, frame, [
        'ColumnValues "ts" > (now() - 2 days)', 'ColumnValues "ts" > (now() - 1 days)',
        'ColumnValues "ts" <= now()', 'ColumnValues "day" between "2024-02-28" and "2024-04-01"',
        'ColumnValues "day" > "2024-03-10"', 'ColumnValues "ts" > (now() - 1 days) with threshold = 0.5',
    ])
    assert [o["Result"] for o in outcomes] == ["PASS", "FAIL", "PASS", "PASS", "FAIL", "PASS"]


def test_column_length_reads_null_as_zero(spark: Any, people: Any) -> None:
    assert one(spark, people, 'ColumnLength "name" > 0')["Result"] == "FAIL"  # "" and NULL have length 0
    assert one(spark, people, 'ColumnLength "name" between -1 and 4')["Result"] == "PASS"
    assert one(spark, people, 'ColumnLength "name" >= 3 with threshold >= 0.6')["EvaluatedMetrics"][
        "Column.name.LengthCompliance"] == 0.6


def test_where_clauses_filter_the_rows_a_rule_reads(spark: Any, people: Any) -> None:
    outcomes = results(spark, people, 'IsComplete "amount" where "id > 1", RowCount = 2 where "country = \'DE\'", '
                                      'Completeness "name" = 0.5 where "amount >= 30"')
    assert [o["Result"] for o in outcomes] == ["PASS", "PASS", "PASS"]
    assert outcomes[0]["EvaluatedRule"] == 'IsComplete "amount" where "id > 1"'
    broken = one(spark, people, 'RowCount > 0 where "no_such_column > 1"')
    assert broken["Result"] == "ERROR" and 'where clause "no_such_column > 1"' in broken["EvaluationMessage"]


def test_composite_rules(spark: Any, people: Any) -> None:
    both, either, nested = results(spark, people, [
        '(RowCount = 5) and (IsComplete "name")', '(RowCount = 5) or (IsComplete "name")',
        '(RowCount > 100) or ((IsComplete "id") and (Mean "amount" = 25))'])
    assert (both["Result"], either["Result"], nested["Result"]) == ("FAIL", "PASS", "PASS")
    assert both["EvaluatedMetrics"] == {"Dataset.*.RowCount": 5.0, "Column.name.Completeness": 0.8}
    assert both["Description"] == '(RowCount = 5) AND (IsComplete "name")'
    assert both["EvaluationMessage"] == "Value: 0.8 does not meet the constraint requirement!"


def test_empty_frame(spark: Any) -> None:
    empty = spark.createDataFrame([], "id int, name string")
    outcomes = results(spark, empty, 'RowCount = 0, IsComplete "id", Mean "id" > 0, ColumnValues "id" > 0, '
                                     'Uniqueness "id" > 0.5')
    assert outcomes[0]["Result"] == "PASS"
    assert [o["Result"] for o in outcomes[1:]] == ["FAIL", "FAIL", "FAIL", "FAIL"]  # never a silent pass


def test_all_null_column(spark: Any) -> None:
    frame = spark.createDataFrame([(1, None), (2, None)], "id int, v double")
    complete, completeness, mean, length = results(
        spark, frame, 'IsComplete "v", Completeness "v" = 0, Mean "v" > 0, ColumnLength "v" = 0')
    assert complete["Result"] == "FAIL" and completeness["Result"] == "PASS"
    assert mean["Result"] == "FAIL" and "all input values were NULL" in mean["EvaluationMessage"]
    assert length["Result"] == "PASS"


def test_blank_csv_string_cell_is_complete_and_a_blank_number_is_not(spark: Any, tmp_path: Path) -> None:
    # Read as Glue reads a CSV string column: the empty cell is "" (Spark's default nullValue "" would make it NULL).
    path = tmp_path / "orders.csv"
    path.write_text('id,city,qty\n1,"",\n2,Paris,3\n')
    frame = spark.read.option("header", True).option("nullValue", "\u0000").schema(
        "id int, city string, qty int").csv(str(path))
    assert [tuple(r) for r in frame.collect()] == [(1, "", None), (2, "Paris", 3)]
    city, qty = results(spark, frame, 'IsComplete "city", IsComplete "qty"')
    assert city["Result"] == "PASS" and qty["Result"] == "FAIL"


def test_dynamic_rules_read_the_history_of_earlier_runs(spark: Any, people: Any) -> None:
    asked: list[tuple[str, int]] = []

    def history(metric: str, k: int) -> list[float]:
        asked.append((metric, k))
        return {"Dataset.*.RowCount": [4.0, 6.0, 8.0, 100.0], "Column.amount.Completeness": [1.0]}[metric][:k]

    above, below, completeness = results(
        spark, people, "RowCount > avg(last(3)) * 0.75, RowCount >= max(last(3)), "
                       'Completeness "amount" between min(last(5)) - 0.3 and max(last(5))', history=history)
    assert above["Result"] == "PASS" and above["EvaluatedRule"] == "RowCount > 4.5"
    assert below["Result"] == "FAIL" and below["EvaluatedRule"] == "RowCount >= 8.0"
    assert completeness["Result"] == "PASS" and completeness["EvaluatedRule"] == (
        'Completeness "amount" between 0.7 and 1.0')
    assert ("Dataset.*.RowCount", 3) in asked and ("Column.amount.Completeness", 5) in asked
    first_run = one(spark, people, "RowCount > avg(last(3))", history=lambda metric, k: [])
    assert first_run["Result"] == "ERROR"


def test_dynamic_rules_across_runs_use_earlier_metrics(spark: Any, people: Any) -> None:
    runs: list[dict[str, float]] = []

    def history(metric: str, k: int) -> list[float]:
        return [run[metric] for run in reversed(runs) if metric in run][:k]

    runs.append(evaluate(spark, people, "Rules = [ RowCount > 0 ]").metrics())
    runs.append(evaluate(spark, people.limit(2), "Rules = [ RowCount > 0 ]").metrics())
    dropped = one(spark, people.limit(1), "RowCount >= avg(last(2)) * 0.5", history=history)
    assert dropped["EvaluatedRule"] == "RowCount >= 1.75" and dropped["Result"] == "FAIL"


def test_rules_that_cannot_be_evaluated_give_error(spark: Any, people: Any) -> None:
    outcomes = results(spark, people, 'IsComplete "missing", DetectAnomalies "RowCount", FileFreshness "s3://b/k" > '
                                      '(now() - 1 days), FileSize > 1 MB, ReferentialIntegrity "id" "ref.id" > 0.5, '
                                      'CustomSql "select nope from primary" > 0')
    assert [o["Result"] for o in outcomes] == ["ERROR"] * 6
    assert outcomes[0]["EvaluationMessage"] == "Input data does not include column missing!"
    assert "DetectAnomalies" in outcomes[1]["EvaluationMessage"]
    assert outcomes[4]["EvaluationMessage"] == "ref not found in additional sources"
    assert outcomes[5]["EvaluationMessage"].startswith("Error executing SQL statement:")


def test_schema_rules(spark: Any, people: Any) -> None:
    exists, missing, pattern, bad_pattern, data_type = results(
        spark, people, 'ColumnExists "amount", ColumnExists "nope", ColumnNamesMatchPattern "[a-z]+", '
                       'ColumnNamesMatchPattern "a.*", ColumnDataType "amount" = "Double"')
    assert (exists["Result"], missing["Result"], pattern["Result"]) == ("PASS", "FAIL", "PASS")
    assert bad_pattern["EvaluatedMetrics"] == {"Dataset.*.ColumnNamesPatternMatchRatio": 0.25}
    assert bad_pattern["EvaluationMessage"] == "Columns that do not match the pattern: id, name, country"
    assert data_type["Result"] == "PASS"


def test_column_data_type_of_a_string_column(spark: Any) -> None:
    frame = spark.createDataFrame([("1",), ("2",), ("x",), (None,)], "v string")
    integer, threshold, date = results(spark, frame, 'ColumnDataType "v" = "Integer", '
                                                     'ColumnDataType "v" = "Integer" with threshold >= 0.75, '
                                                     'ColumnDataType "v" = "Date"')
    assert integer["Result"] == "FAIL" and integer["EvaluatedMetrics"] == {"Column.v.ColumnDataType.Compliance": 0.75}
    assert threshold["Result"] == "PASS" and date["Result"] == "FAIL"


def test_data_freshness(spark: Any) -> None:
    now = datetime.now()
    frame = spark.createDataFrame([(now - timedelta(hours=2),), (now - timedelta(hours=30),)], "updated timestamp")
    day, two_days = results(spark, frame, 'DataFreshness "updated" <= 24 hours, DataFreshness "updated" < 2 days')
    assert day["Result"] == "FAIL" and day["EvaluatedMetrics"] == {"Column.updated.DataFreshness.Compliance": 0.5}
    assert two_days["Result"] == "PASS"


def test_custom_sql(spark: Any, people: Any) -> None:
    count, rows, threshold = results(spark, people, 'CustomSql "select count(*) from primary where amount > 15" = 3, '
                                                    'CustomSql "select id from primary where id < 4", '
                                                    'CustomSql "select id from primary where id < 4" with threshold '
                                                    '>= 0.8')
    assert count["Result"] == "PASS" and count["EvaluatedMetrics"] == {"Dataset.*.CustomSQL": 3.0}
    assert rows["Result"] == "FAIL" and rows["EvaluatedMetrics"] == {"Dataset.*.CustomSQL.Compliance": 0.8}
    assert threshold["Result"] == "PASS"


def test_rules_comparing_with_reference_datasets(spark: Any, people: Any) -> None:
    reference = spark.createDataFrame([(1, "ann"), (2, ""), (9, "zed")], "id int, name string")
    outcomes = results(spark, people, [
        'RowCountMatch "ref" > 1.6', 'ReferentialIntegrity "id" "ref.id" = 0.6',
        'ReferentialIntegrity "id,name" "ref.{id,name}" = 0.4', 'DatasetMatch "ref" "id" "name" = 0.4',
        'SchemaMatch "ref" = 0.5', 'AggregateMatch "sum(id)" "sum(ref.id)" > 0.9',
    ], references={"ref": reference})
    assert [o["Result"] for o in outcomes] == ["PASS"] * 6, outcomes
    assert outcomes[0]["EvaluatedMetrics"] == {"Dataset.ref.RowCountMatch": 5 / 3}
    assert outcomes[1]["EvaluatedMetrics"] == {"Column.ref.ReferentialIntegrity": 0.6}
    assert outcomes[3]["EvaluatedMetrics"] == {"Dataset.ref.DatasetMatch": 0.4}
    assert outcomes[4]["EvaluatedMetrics"] == {"Dataset.ref.SchemaMatch": 0.5}
    assert outcomes[5]["EvaluatedMetrics"] == {"Column.id.AggregateMatch": 11 / 12}


def test_labels_reach_the_results(spark: Any, people: Any) -> None:
    evaluation = evaluate(spark, people, 'DefaultLabels = ["team"="core"]\n'
                                         'Rules = [ RowCount > 0 labels=["severity"="high"], IsComplete "id" ]')
    assert [r["Labels"] for r in evaluation.rule_results] == [{"team": "core", "severity": "high"}, {"team": "core"}]


def test_analyzers_report_metrics_without_outcomes(spark: Any, people: Any) -> None:
    evaluation = evaluate(spark, people, 'Rules = [ RowCount > 0 ]\n'
                                         'Analyzers = [ Completeness "amount", AllStatistics "name", '
                                         'AllStatistics "amount", Mean "nope" ]')
    completeness, name, amount, missing = evaluation.analyzer_results
    assert completeness == {"Name": "Completeness", "Description": 'Completeness "amount"',
                            "EvaluatedMetrics": {"Column.amount.Completeness": 0.8}}
    assert name["EvaluatedMetrics"] == {"Dataset.*.RowCount": 5.0, "Column.name.Completeness": 0.8,
                                        "Column.name.Uniqueness": 0.8, "Column.name.MinimumLength": 0.0,
                                        "Column.name.MaximumLength": 3.0}
    assert amount["EvaluatedMetrics"]["Column.amount.Maximum"] == 40.0
    assert missing["EvaluationMessage"] == "Input data does not include column nope!"
    assert evaluation.metrics()["Column.amount.Completeness"] == 0.8


def test_score_and_metrics(spark: Any, people: Any) -> None:
    evaluation = evaluate(spark, people, 'Rules = [ RowCount = 5, IsComplete "name", IsComplete "id", '
                                         'DetectAnomalies "RowCount" ]')
    assert evaluation.score == 0.5
    assert evaluation.metrics() == {"Dataset.*.RowCount": 5.0, "Column.name.Completeness": 0.8,
                                    "Column.id.Completeness": 1.0}


def test_row_level_results(spark: Any, people: Any) -> None:
    evaluation = evaluate(spark, people, 'Rules = [ IsComplete "name", ColumnValues "id" <= 3, RowCount > 0, '
                                         'Completeness "amount" > 0.5 where "id > 1" ]', row_level=True)
    rows = {(r["id"], r["name"]): r for r in evaluation.row_level.collect()}
    ann, eve, nameless = rows[(1, "ann")], rows[(4, "eve")], rows[(3, None)]
    assert ann["DataQualityRulesPass"] == ['IsComplete "name"', 'ColumnValues "id" <= 3']
    assert ann["DataQualityRulesSkip"] == ["RowCount > 0", 'Completeness "amount" > 0.5 where "id > 1"']
    assert ann["DataQualityEvaluationResult"] == "Passed"
    assert eve["DataQualityRulesFail"] == ['ColumnValues "id" <= 3']
    assert eve["DataQualityEvaluationResult"] == "Failed"
    assert nameless["DataQualityRulesFail"] == ['IsComplete "name"']
    assert evaluation.row_level.columns[:4] == people.columns
    assert evaluate(spark, people, "Rules = [ RowCount > 0 ]").row_level is None


def test_invalid_ruleset_text_raises_dqdl_error(spark: Any, people: Any) -> None:
    with pytest.raises(DqdlError, match="Rule Type: Nope is not valid"):
        evaluate(spark, people, "Rules = [ Nope ]")


def test_column_metrics_share_one_aggregation(spark: Any, people: Any) -> None:
    """The column metrics of many rules take the Spark jobs of one plain aggregation, no more."""
    from pyspark.sql import functions as F

    context, tracker = spark.sparkContext, spark.sparkContext.statusTracker()

    def jobs(group: str, work: Any) -> int:
        context.setJobGroup(group, group)
        try:
            work()
        finally:
            context.setJobGroup("", "")
        return len(tracker.getJobIdsForGroup(group))

    plain = jobs("dq-plain", lambda: people.agg(F.count(F.lit(1)), F.avg("amount"), F.max("name")).collect())
    rules = "Rules = [ RowCount > 0, " + ", ".join(
        f'Completeness "{c}" > 0.1, ColumnLength "{c}" < 100, ColumnValues "{c}" != "zz"' for c in people.columns
    ) + ', Mean "amount" > 0, Sum "amount" > 0, StandardDeviation "amount" > 0 ]'
    assert jobs("dq-rules", lambda: evaluate(spark, people, rules)) == plain


def test_published_example_ruleset(spark: Any) -> None:
    """The DQDL reference's examples, on data that satisfies them."""
    frame = spark.createDataFrame(
        [("o1", "US", 4.5, 600.0, "F", 8), ("o2", "CA", 3.5, 700.0, "M", 12), ("o3", "", 4.0, 550.0, "F", 30)],
        "`order-id` string, Country string, Star_Rating double, Order_Total double, gender string, "
        "weightinkgs int")
    outcomes = results(spark, frame, [
        'IsComplete "order-id"', 'IsUnique "order-id"',
        '(Mean "Star_Rating" > 3) and (Mean "Order_Total" > 500) and (IsComplete "order-id")',
        '(RowCount > 0) or ((IsComplete "Country") and (IsUnique "Country"))',
        'ColumnValues "Country" in [ "US", "CA", "UK", NULL, EMPTY, WHITESPACES_ONLY ]',
        'ColumnValues "gender" in ["F", "M"] where "weightinkgs < 10"',
        'Completeness "Country" > 0.95 where "weightinkgs > 10"',
        "RowCount between 1 and 50",
    ])
    assert [o["Result"] for o in outcomes] == ["PASS"] * 8, outcomes


def test_row_level_results_survive_a_broken_where_clause(spark: Any, people: Any) -> None:
    evaluation = evaluate(spark, people, 'Rules = [ IsComplete "id" where "nope > 1", IsComplete "id" ]',
                          row_level=True)
    assert evaluation.rule_results[0]["Result"] == "ERROR"
    first = evaluation.row_level.collect()[0]
    assert first["DataQualityRulesSkip"] == ['IsComplete "id" where "nope > 1"']
    assert first["DataQualityRulesPass"] == ['IsComplete "id"']
