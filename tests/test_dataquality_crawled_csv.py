"""Glue Data Quality driven as a newcomer would: a CSV crawled by a crawler, a ruleset written from AWS's DQDL
documentation, StartDataQualityRulesetEvaluationRun, GetDataQualityResult.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import FAST_ENV, ROLE, error_of, wait_crawler_ready, wait_until

SERVER_ENV = FAST_ENV
SPARK_WAIT = 300.0  # the module's first run starts a Spark driver
# An orders export as users have them: one order without an amount (an empty CSV field).
ORDERS = ("order_id,customer,amount,status,order_date\n1,alice,10.5,SHIPPED,2024-01-01\n2,bob,,PENDING,2024-01-02\n"
          "3,carol,30.0,SHIPPED,2024-01-03\n4,dave,-5,CANCELLED,2024-01-04\n5,erin,99.9,SHIPPED,2024-01-05\n")


@pytest.fixture
def crawled(glue: Any, server: Any) -> Any:
    """`shop.orders`, crawled from ORDERS (amount is inferred `double`, order_date `string`)."""
    s3 = server.client("s3")
    s3.create_bucket(Bucket="breaker-dq")
    s3.put_object(Bucket="breaker-dq", Key="orders/part-0.csv", Body=ORDERS.encode())
    glue.create_database(DatabaseInput={"Name": "shop"})
    glue.create_crawler(Name="orders", Role=ROLE, DatabaseName="shop",
                        Targets={"S3Targets": [{"Path": "s3://breaker-dq/orders/"}]})
    glue.start_crawler(Name="orders")
    wait_crawler_ready(glue, "orders", timeout=120)
    columns = glue.get_table(DatabaseName="shop", Name="orders")["Table"]["StorageDescriptor"]["Columns"]
    assert {c["Name"]: c["Type"] for c in columns}["amount"] == "double"
    return glue


def _results(glue: Any, ruleset: str) -> list[tuple[str, str]]:
    """(Result, EvaluationMessage) of each rule of `ruleset` evaluated on shop.orders."""
    glue.create_data_quality_ruleset(Name="checks", Ruleset=ruleset)
    run_id = glue.start_data_quality_ruleset_evaluation_run(
        DataSource={"GlueTable": {"DatabaseName": "shop", "TableName": "orders"}}, Role=ROLE,
        RulesetNames=["checks"])["RunId"]
    run = wait_until(lambda: glue.get_data_quality_ruleset_evaluation_run(RunId=run_id), "the run to end",
                     until=lambda r: r["Status"] in {"SUCCEEDED", "FAILED", "STOPPED", "TIMEOUT"},
                     timeout=SPARK_WAIT, interval=0.5)
    assert run["Status"] == "SUCCEEDED", run
    result = glue.get_data_quality_result(ResultId=run["ResultIds"][0])
    return [(r["Result"], r.get("EvaluationMessage", "")) for r in result["RuleResults"]]


def test_numeric_rules_on_a_crawled_csv_with_an_empty_field(crawled: Any) -> None:
    # AWS: Mean is the mean of the column's values (https://docs.aws.amazon.com/glue/latest/dg/dqdl.html#dqdl-rule-
    # types-Mean): (10.5 + 30 - 5 + 99.9) / 4 = 33.85; RowCount counts the 5 rows.
    results = _results(crawled, 'Rules = [ RowCount = 5, Mean "amount" between 33 and 34, IsComplete "order_id" ]')
    assert [r for r, _ in results] == ["PASS", "PASS", "PASS"], results


def test_column_data_type_takes_the_type_names_of_aws_examples(crawled: Any) -> None:
    # AWS's DQDL reference, ColumnDataType: `ColumnDataType "colA" = "INTEGER"` checks that the values of a
    # string column can be cast to integers (https://docs.aws.amazon.com/glue/latest/dg/dqdl-rule-types-
    # ColumnDataType.html). order_date is a string column of ISO dates.
    results = _results(crawled, 'Rules = [ ColumnDataType "order_date" = "DATE", '
                                'ColumnDataType "customer" = "INTEGER" ]')
    assert [r for r, _ in results] == ["PASS", "FAIL"], results


def test_date_arithmetic_needs_parentheses(glue: Any) -> None:
    # awslabs/dqdl tst/.../parser/InvalidDQRulesetTest.java lists
    # `Rules = [ ColumnValues "col-A" > now() + 1 hours ]` among the rulesets the parser must refuse; the DQDL
    # reference writes date arithmetic as `(now() - 1 days)`.
    with pytest.raises(ClientError) as caught:
        glue.create_data_quality_ruleset(Name="dates", Ruleset='Rules = [ ColumnValues "col-A" > now() + 1 hours ]')
    assert error_of(caught)[0] == "InvalidInputException"
