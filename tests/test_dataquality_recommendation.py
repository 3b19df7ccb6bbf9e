"""Recommendation: a profiled ruleset is valid DQDL, proposes AWS's rule kinds, and passes on the profiled data."""

from __future__ import annotations

from typing import Any

from emulator.dataquality.dqdl import parse
from emulator.dataquality.evaluation import evaluate
from emulator.dataquality.recommendation import recommend


def test_recommended_rules_describe_the_frame_and_pass_on_it(spark: Any) -> None:
    rows = [(i, ["open", "closed", "void"][i % 3], float(i * 10) if i % 5 else None, f"c-{i:03d}", i % 2 == 0)
            for i in range(1, 41)]
    frame = spark.createDataFrame(rows, "id int, status string, amount double, code string, flag boolean")
    text = recommend(spark, frame)
    rules = [rule.text() for rule in parse(text).rules]
    assert rules[0] == "RowCount between 20 and 81"
    assert 'IsComplete "id"' in rules and 'Uniqueness "id" > 0.95' in rules
    assert 'ColumnValues "status" in ["closed","open","void"]' in rules
    assert 'Completeness "amount" >= 0.8' in rules
    assert 'ColumnLength "code" = 5' in rules
    assert any(r.startswith('StandardDeviation "amount" between ') for r in rules)
    assert 'ColumnValues "flag" in ["false","true"]' in rules
    evaluation = evaluate(spark, frame, text)
    assert [r["Description"] for r in evaluation.rule_results if r["Result"] != "PASS"] == []


def test_an_empty_frame_gets_a_row_count_rule(spark: Any) -> None:
    frame = spark.createDataFrame([], "id int")
    assert [r.text() for r in parse(recommend(spark, frame)).rules] == ["RowCount = 0"]
