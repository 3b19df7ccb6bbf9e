"""Composite rules evaluated per row (CompositeRuleEvaluationMethod / "compositeRuleEvaluation.method" ROW), on
AWS's own example of "How Composite rules work" (DQDL reference): myCol1/myCol2 = (2, 1), (0, 3) fails
`(ColumnValues "myCol1" > 1) OR (ColumnValues "myCol2" > 2)` by COLUMN and passes it by ROW. Through a ruleset
evaluation run on a live server, EvaluateDataQuality in-process, and evaluate() for the operands ROW cannot take."""

from __future__ import annotations

from typing import Any

import pytest
from support import FAST_ENV, ROLE, wait_until

SERVER_ENV = FAST_ENV
AWS_EXAMPLE = '(ColumnValues "myCol1" > 1) OR (ColumnValues "myCol2" > 2)'
ONE_ROW_FAILS = '(ColumnValues "myCol1" > 1) OR (ColumnValues "myCol2" > 3)'
RULESET = f"Rules = [ {AWS_EXAMPLE}, {ONE_ROW_FAILS} ]"


@pytest.fixture
def table(glue: Any, server: Any) -> Any:
    s3 = server.client("s3")
    s3.create_bucket(Bucket="dq-row")
    s3.put_object(Bucket="dq-row", Key="cols/part-0.csv", Body=b"myCol1,myCol2\n2,1\n0,3\n")
    glue.create_database(DatabaseInput={"Name": "dq"})
    glue.create_table(DatabaseName="dq", TableInput={
        "Name": "cols", "Parameters": {"classification": "csv", "skip.header.line.count": "1"},
        "StorageDescriptor": {
            "Location": "s3://dq-row/cols/", "Columns": [{"Name": "myCol1", "Type": "int"},
                                                         {"Name": "myCol2", "Type": "int"}],
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                          "Parameters": {"field.delim": ","}}}})
    glue.create_data_quality_ruleset(Name="composites", Ruleset=RULESET)
    return glue


def _outcomes(glue: Any, **options: Any) -> list[str]:
    run_id = glue.start_data_quality_ruleset_evaluation_run(
        DataSource={"GlueTable": {"DatabaseName": "dq", "TableName": "cols"}}, Role=ROLE,
        RulesetNames=["composites"], **options)["RunId"]
    run = wait_until(lambda: glue.get_data_quality_ruleset_evaluation_run(RunId=run_id), f"run {run_id}",
                     until=lambda r: r["Status"] in ("SUCCEEDED", "FAILED", "STOPPED", "TIMEOUT"), timeout=240)
    assert run["Status"] == "SUCCEEDED", run
    result = glue.get_data_quality_result(ResultId=run["ResultIds"][0])
    return [rule["Result"] for rule in result["RuleResults"]]


def test_an_evaluation_run_combines_composites_by_column_unless_asked_for_row(table: Any) -> None:
    assert _outcomes(table) == ["FAIL", "FAIL"]
    assert _outcomes(table, AdditionalRunOptions={"CompositeRuleEvaluationMethod": "COLUMN"}) == ["FAIL", "FAIL"]
    assert _outcomes(table, AdditionalRunOptions={"CompositeRuleEvaluationMethod": "ROW"}) == ["PASS", "FAIL"]


@pytest.fixture(scope="module")
def cols(spark: Any) -> Any:
    return spark.createDataFrame([(2, 1, "a"), (0, 3, None)], "myCol1 int, myCol2 int, name string")


def _results(spark: Any, frame: Any, rules: list[str], method: str) -> list[dict[str, Any]]:
    from emulator.dataquality.evaluation import evaluate

    return evaluate(spark, frame, "Rules = [ " + ", ".join(rules) + " ]", composite_method=method).rule_results


def test_evaluate_row_takes_where_clauses_and_uniqueness_and_falls_back_for_ratio_rules(spark: Any, cols: Any
                                                                                       ) -> None:
    rules = [
        # The second row is outside the where clause of the only operand it would fail: it satisfies it.
        '(ColumnValues "myCol1" > 1 where "myCol2 < 2") AND (IsUnique "myCol2")',
        '(IsComplete "name") OR (ColumnValues "myCol2" = 3)',  # each row satisfies one side
        '(Completeness "name" > 0.9) OR (ColumnValues "myCol2" = 3)',  # a ratio: combined as COLUMN
        '(ColumnValues "myCol1" in [2] with threshold > 0.9) OR (ColumnValues "myCol2" = 3)',  # threshold: COLUMN
        '(RowCount = 2) AND (ColumnValues "myCol1" > 1)',  # no row condition: COLUMN
    ]
    by_column = [r["Result"] for r in _results(spark, cols, rules, "COLUMN")]
    by_row = _results(spark, cols, rules, "row")
    assert by_column == ["PASS", "FAIL", "FAIL", "FAIL", "FAIL"]
    assert [r["Result"] for r in by_row] == ["PASS", "PASS", "FAIL", "FAIL", "FAIL"]
    failed = _results(spark, cols, ['(ColumnValues "myCol1" > 1) OR (ColumnValues "myCol2" > 3)'], "ROW")[0]
    assert failed["EvaluationMessage"] == "1 of 2 rows do not satisfy the rule."


def test_evaluate_refuses_another_method(spark: Any, cols: Any) -> None:
    with pytest.raises(ValueError, match="COLUMN or ROW"):
        _results(spark, cols, [AWS_EXAMPLE], "CELL")


def test_evaluate_data_quality_takes_the_additional_option(glue_context: Any, cols: Any) -> None:
    from awsglue.dynamicframe import DynamicFrame
    from awsgluedq.transforms import EvaluateDataQuality

    frame = DynamicFrame.fromDF(cols, glue_context, "cols")
    publishing = {"enableDataQualityResultsPublishing": False}

    def outcomes(options: dict[str, str]) -> list[str]:
        answer = EvaluateDataQuality.apply(frame=frame, ruleset=RULESET, publishing_options=publishing,
                                           additional_options=options)
        return [row["Outcome"] for row in answer.toDF().collect()]

    assert outcomes({}) == ["Failed", "Failed"]
    assert outcomes({"compositeRuleEvaluation.method": "ROW"}) == ["Passed", "Failed"]
