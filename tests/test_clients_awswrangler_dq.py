"""awswrangler's `wr.data_quality` unchanged against the emulator: rulesets from DQDL and from a DataFrame of rules,
a recommendation run, and evaluation runs whose results come back through BatchGetDataQualityResult."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from support import FAST_ENV, ROLE

SERVER_ENV = FAST_ENV
wr = pytest.importorskip("awswrangler", reason="pip install '.[test]' installs awswrangler")


@pytest.fixture
def session(glue: Any, server: Any, monkeypatch: pytest.MonkeyPatch) -> boto3.Session:
    """A boto3 session on the module's server, wrangler pointed at it, and the table shop.orders (4 rows)."""
    monkeypatch.setattr(wr.config, "glue_endpoint_url", server.endpoint)
    monkeypatch.setattr(wr.config, "s3_endpoint_url", server.endpoint)
    s3 = server.client("s3")
    s3.create_bucket(Bucket="dq-lake")
    s3.put_object(Bucket="dq-lake", Key="orders/part-0.csv",
                  Body=b"order_id,amount,status\n1,5,paid\n2,12,paid\n3,30,open\n4,8,paid\n")
    glue.create_database(DatabaseInput={"Name": "shop"})
    glue.create_table(DatabaseName="shop", TableInput={
        "Name": "orders", "Parameters": {"classification": "csv", "skip.header.line.count": "1"},
        "StorageDescriptor": {
            "Location": "s3://dq-lake/orders/",
            "Columns": [{"Name": "order_id", "Type": "int"}, {"Name": "amount", "Type": "double"},
                        {"Name": "status", "Type": "string"}],
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                          "Parameters": {"field.delim": ","}}}})
    key, secret = server.credentials
    return boto3.Session(aws_access_key_id=key, aws_secret_access_key=secret, region_name="us-east-1")


def test_rulesets_from_dqdl_and_from_a_dataframe(session: boto3.Session) -> None:
    wr.data_quality.create_ruleset(name="orders-dqdl", database="shop", table="orders", boto3_session=session,
                                   dqdl_rules='Rules = [ RowCount between 1 and 10, IsComplete "order_id" ]')
    rules = wr.pandas.DataFrame({"rule_type": ["RowCount", "IsUnique"], "parameter": [None, '"order_id"'],
                                 "expression": ["> 0", None]})
    wr.data_quality.create_ruleset(name="orders-df", database="shop", table="orders", df_rules=rules,
                                   boto3_session=session)
    got = wr.data_quality.get_ruleset(name=["orders-dqdl", "orders-df"], boto3_session=session)
    assert got[["ruleset", "rule_type"]].values.tolist() == [
        ["orders-dqdl", "RowCount"], ["orders-dqdl", "IsComplete"], ["orders-df", "RowCount"], ["orders-df", "IsUnique"]]

    wr.data_quality.update_ruleset(name="orders-df", mode="upsert", boto3_session=session,
                                   dqdl_rules='Rules = [ ColumnValues "status" in ["paid", "open"] ]')
    upserted = wr.data_quality.get_ruleset(name="orders-df", boto3_session=session)
    assert sorted(upserted["rule_type"]) == ["ColumnValues", "IsUnique", "RowCount"]
    wr.data_quality.update_ruleset(name="orders-df", dqdl_rules="Rules = [ ColumnCount = 3 ]", boto3_session=session)
    assert wr.data_quality.get_ruleset(name="orders-df", boto3_session=session)["rule_type"].tolist() == \
        ["ColumnCount"]


def test_recommendation_and_evaluation_runs(session: boto3.Session) -> None:
    recommended = wr.data_quality.create_recommendation_ruleset(database="shop", table="orders", iam_role_arn=ROLE,
                                                                name="orders-recommended", boto3_session=session)
    assert len(recommended) > 0 and {"rule_type", "parameter", "expression"} <= set(recommended.columns)

    wr.data_quality.create_ruleset(name="orders-checks", database="shop", table="orders", boto3_session=session,
                                   dqdl_rules='Rules = [ RowCount = 4, ColumnValues "amount" > 6 ]')
    # awswrangler 3.x sends ClientToken=None unless given one, which botocore refuses before any request (against
    # AWS too): evaluate_ruleset needs a client_token.
    results = wr.data_quality.evaluate_ruleset(name=["orders-checks", "orders-recommended"], iam_role_arn=ROLE,
                                               client_token="wrangler-eval-1", boto3_session=session)
    checks = results[results["ResultId"] == results["ResultId"].iloc[0]]
    assert checks[["Name", "Result"]].values.tolist() == [["Rule_1", "PASS"], ["Rule_2", "FAIL"]]  # amount 5
    assert len(set(results["ResultId"])) == 2
