"""The Data Quality API driven by boto3 against a real server: rulesets, evaluation runs on the warm Spark pool,
results, recommendation runs, statistics and annotations, models."""

from __future__ import annotations

import datetime
import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import FAST_ENV, ROLE, Gates, error_of, spark_pool_held, wait_until

SERVER_ENV = FAST_ENV
SPARK_WAIT = 240.0  # the first run of the module starts a Spark driver
FINAL = {"SUCCEEDED", "FAILED", "STOPPED", "TIMEOUT"}
ORDERS = "order_id,customer,amount,status\n1,ann,10.5,paid\n2,bob,20,paid\n3,cid,,open\n4,dan,7.25,paid\n"
CUSTOMERS = "name,country\nann,FR\nbob,IN\ncid,BR\n"
RULES = 'Rules = [ RowCount = 4, IsComplete "order_id", IsUnique "order_id", ColumnValues "status" in ["paid"] ]'


def _csv_table(glue: Any, s3: Any, name: str, body: str, columns: list[tuple[str, str]]) -> None:
    s3.put_object(Bucket="dq-lake", Key=f"{name}/part-0.csv", Body=body.encode())
    sd = {"Location": f"s3://dq-lake/{name}/", "Columns": [{"Name": n, "Type": t} for n, t in columns],
          "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                        "Parameters": {"field.delim": ","}}}
    glue.create_table(DatabaseName="shop", TableInput={
        "Name": name, "StorageDescriptor": sd, "Parameters": {"classification": "csv", "skip.header.line.count": "1"}})


@pytest.fixture
def shop(glue: Any, server: Any) -> Any:
    """The database `shop` with tables `orders` (4 rows, one without amount) and `customers` (3 rows)."""
    s3 = server.client("s3")
    s3.create_bucket(Bucket="dq-lake")
    glue.create_database(DatabaseInput={"Name": "shop"})
    _csv_table(glue, s3, "orders", ORDERS, [("order_id", "int"), ("customer", "string"), ("amount", "double"),
                                            ("status", "string")])
    _csv_table(glue, s3, "customers", CUSTOMERS, [("name", "string"), ("country", "string")])
    return glue


def _source(table: str = "orders") -> dict[str, Any]:
    return {"GlueTable": {"DatabaseName": "shop", "TableName": table}}


def _wait_run(glue: Any, run_id: str, recommendation: bool = False) -> dict[str, Any]:
    get = glue.get_data_quality_rule_recommendation_run if recommendation else \
        glue.get_data_quality_ruleset_evaluation_run
    return wait_until(lambda: get(RunId=run_id), f"run {run_id} to end", until=lambda r: r["Status"] in FINAL,
                      timeout=SPARK_WAIT, interval=0.2)


def _evaluate(glue: Any, *rulesets: str, **extra: Any) -> dict[str, Any]:
    run_id = glue.start_data_quality_ruleset_evaluation_run(DataSource=_source(), Role=ROLE,
                                                             RulesetNames=list(rulesets), **extra)["RunId"]
    run = _wait_run(glue, run_id)
    assert run["Status"] == "SUCCEEDED", run
    return run


# -- rulesets ----------------------------------------------------------------------------------------


def test_ruleset_lifecycle(shop: Any) -> None:
    glue = shop
    target = {"DatabaseName": "shop", "TableName": "orders"}
    assert glue.create_data_quality_ruleset(Name="orders-rules", Ruleset=RULES, Description="checks",
                                            TargetTable=target, Tags={"team": "sales"})["Name"] == "orders-rules"
    got = glue.get_data_quality_ruleset(Name="orders-rules")
    assert (got["Name"], got["Ruleset"], got["Description"], got["TargetTable"]) == \
        ("orders-rules", RULES, "checks", target)
    assert got["CreatedOn"] == got["LastModifiedOn"]
    arn = "arn:aws:glue:us-east-1:123456789012:dataQualityRuleset/orders-rules"
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "sales"}

    updated = glue.update_data_quality_ruleset(Name="orders-rules", Ruleset="Rules = [ RowCount > 0 ]")
    assert {k: updated[k] for k in ("Name", "Description", "Ruleset")} == \
        {"Name": "orders-rules", "Description": "checks", "Ruleset": "Rules = [ RowCount > 0 ]"}
    again = glue.get_data_quality_ruleset(Name="orders-rules")
    assert again["LastModifiedOn"] >= again["CreatedOn"] and again["Ruleset"] == "Rules = [ RowCount > 0 ]"

    glue.delete_data_quality_ruleset(Name="orders-rules")
    with pytest.raises(ClientError) as caught:
        glue.get_data_quality_ruleset(Name="orders-rules")
    assert error_of(caught)[0] == "EntityNotFoundException"
    with pytest.raises(ClientError) as caught:
        glue.delete_data_quality_ruleset(Name="orders-rules")
    assert error_of(caught)[0] == "EntityNotFoundException"


def test_rulesets_refuse_invalid_dqdl_and_taken_names(shop: Any) -> None:
    glue = shop
    with pytest.raises(ClientError) as caught:
        glue.create_data_quality_ruleset(Name="bad", Ruleset="Rules = [ NoSuchRule 3 ]")
    code, message = error_of(caught)
    assert code == "InvalidInputException" and message
    glue.create_data_quality_ruleset(Name="one", Ruleset=RULES)
    with pytest.raises(ClientError) as caught:
        glue.create_data_quality_ruleset(Name="one", Ruleset=RULES)
    assert error_of(caught)[0] == "AlreadyExistsException"
    with pytest.raises(ClientError) as caught:
        glue.update_data_quality_ruleset(Name="one", Ruleset="Rules = [")
    assert error_of(caught)[0] == "InvalidInputException"
    assert glue.get_data_quality_ruleset(Name="one")["Ruleset"] == RULES  # unchanged


def test_list_rulesets_filters_and_pages(shop: Any) -> None:
    glue = shop
    orders = {"DatabaseName": "shop", "TableName": "orders"}
    glue.create_data_quality_ruleset(Name="a", Ruleset=RULES, TargetTable=orders, Tags={"env": "dev"})
    time.sleep(1.05)  # boto3 sends timestamps in whole seconds
    cut = datetime.datetime.now(datetime.UTC)
    glue.create_data_quality_ruleset(Name="b", Ruleset="Rules = [ RowCount > 0 ]", Description="later",
                                     TargetTable={"DatabaseName": "shop", "TableName": "customers"})
    glue.create_data_quality_ruleset(Name="c", Ruleset="Rules = [ ColumnCount = 2 ]")

    everything = glue.list_data_quality_rulesets()["Rulesets"]
    assert [(r["Name"], r["RuleCount"]) for r in everything] == [("a", 4), ("b", 1), ("c", 1)]
    assert everything[0]["TargetTable"] == orders and "TargetTable" not in everything[2]
    assert [r["Name"] for r in glue.list_data_quality_rulesets(Filter={"TargetTable": orders})["Rulesets"]] == ["a"]
    assert [r["Name"] for r in glue.list_data_quality_rulesets(Filter={"CreatedAfter": cut})["Rulesets"]] == \
        ["b", "c"]
    assert [r["Name"] for r in glue.list_data_quality_rulesets(Filter={"Description": "later"})["Rulesets"]] == ["b"]
    assert [r["Name"] for r in glue.list_data_quality_rulesets(Tags={"env": "dev"})["Rulesets"]] == ["a"]
    first = glue.list_data_quality_rulesets(MaxResults=2)
    rest = glue.list_data_quality_rulesets(MaxResults=2, NextToken=first["NextToken"])
    assert [r["Name"] for r in first["Rulesets"] + rest["Rulesets"]] == ["a", "b", "c"]
    assert "NextToken" not in rest


# -- evaluation runs, results, statistics ------------------------------------------------------------


def test_start_refuses_unknown_tables_and_rulesets(shop: Any) -> None:
    glue = shop
    glue.create_data_quality_ruleset(Name="r", Ruleset=RULES)
    cases = [
        ({"DataSource": {"GlueTable": {"DatabaseName": "shop", "TableName": "nope"}}, "RulesetNames": ["r"]},
         "EntityNotFoundException"),
        ({"DataSource": _source(), "RulesetNames": ["missing"]}, "EntityNotFoundException"),
        ({"DataSource": {}, "RulesetNames": ["r"]}, "InvalidInputException"),
        ({"DataSource": _source(), "RulesetNames": ["r"],
          "AdditionalDataSources": {"ref": {"GlueTable": {"DatabaseName": "shop", "TableName": "gone"}}}},
         "EntityNotFoundException"),
    ]
    for params, code in cases:
        with pytest.raises(ClientError) as caught:
            glue.start_data_quality_ruleset_evaluation_run(Role=ROLE, **params)
        assert error_of(caught)[0] == code, params
    assert glue.list_data_quality_ruleset_evaluation_runs()["Runs"] == []
    for operation in (glue.get_data_quality_ruleset_evaluation_run, glue.cancel_data_quality_ruleset_evaluation_run,
                      glue.get_data_quality_rule_recommendation_run):
        with pytest.raises(ClientError) as caught:
            operation(RunId="dqrun-nope")
        assert error_of(caught)[0] == "EntityNotFoundException"


def test_an_evaluation_run_stores_results_statistics_and_history(shop: Any, server: Any) -> None:
    glue = shop
    glue.create_data_quality_ruleset(Name="orders-rules", Ruleset=RULES)
    glue.create_data_quality_ruleset(Name="reference-rules", Ruleset=(
        'Rules = [ ReferentialIntegrity "customer" "ref.name" = 1.0, RowCount > avg(last(3)) ]'))
    server.client("s3").create_bucket(Bucket="dq-results")
    before = datetime.datetime.now(datetime.UTC)
    run = _evaluate(glue, "orders-rules", "reference-rules",
                    AdditionalDataSources={"ref": _source("customers")},
                    AdditionalRunOptions={"CompositeRuleEvaluationMethod": "ROW",
                                          "ResultsS3Prefix": "s3://dq-results/runs"})
    assert run["RulesetNames"] == ["orders-rules", "reference-rules"] and len(run["ResultIds"]) == 2
    assert run["AdditionalRunOptions"]["CompositeRuleEvaluationMethod"] == "ROW"
    assert run["CompletedOn"] >= run["StartedOn"] and run["ExecutionTime"] >= 0

    result = glue.get_data_quality_result(ResultId=run["ResultIds"][0])
    outcomes = {rule["Name"]: rule["Result"] for rule in result["RuleResults"]}
    assert list(outcomes.values()) == ["PASS", "PASS", "PASS", "FAIL"]  # one order is open
    assert result["Score"] == pytest.approx(0.75)
    assert (result["RulesetName"], result["RulesetEvaluationRunId"], result["DataSource"]) == \
        ("orders-rules", run["RunId"], _source())
    assert result["AggregatedMetrics"]["TotalRulesFailed"] == 1 and \
        result["AggregatedMetrics"]["TotalRowsProcessed"] == 4
    reference = glue.get_data_quality_result(ResultId=run["ResultIds"][1])
    assert reference["RuleResults"][0]["Result"] == "FAIL"  # dan is no customer

    batch = glue.batch_get_data_quality_result(ResultIds=[run["ResultIds"][1], "dqresult-nope"])
    assert [r["ResultId"] for r in batch["Results"]] == [run["ResultIds"][1]]
    assert batch["ResultsNotFound"] == ["dqresult-nope"]
    listed = glue.list_data_quality_results(Filter={"DataSource": _source(), "StartedAfter": before})["Results"]
    assert {r["ResultId"] for r in listed} == set(run["ResultIds"])
    assert glue.list_data_quality_results(Filter={"DataSource": _source("customers")})["Results"] == []
    assert glue.list_data_quality_results(Filter={"JobName": "some-job"})["Results"] == []
    runs = glue.list_data_quality_ruleset_evaluation_runs(Filter={"DataSource": _source()})["Runs"]
    assert [(r["RunId"], r["Status"]) for r in runs] == [(run["RunId"], "SUCCEEDED")]
    written = server.client("s3").list_objects_v2(Bucket="dq-results", Prefix="runs/")["Contents"]
    assert sorted(o["Key"] for o in written) == sorted(f"runs/{i}.json" for i in run["ResultIds"])

    # statistics of the run's profile, and a statistic's history once a second run recorded it again
    stats = glue.list_data_quality_statistics(ProfileId=result["ProfileId"])["Statistics"]
    row_count = next(s for s in stats if s["StatisticName"] == "RowCount" and s["EvaluationLevel"] == "Dataset")
    assert row_count["DoubleValue"] == 4 and row_count["RunIdentifier"] == {"RunId": run["RunId"]}
    second = _evaluate(glue, "reference-rules", AdditionalDataSources={"ref": _source("customers")})
    dynamic = glue.get_data_quality_result(ResultId=second["ResultIds"][0])["RuleResults"][1]
    assert dynamic["Result"] == "FAIL"  # 4 rows is not more than the average of the last run's 4
    history = glue.list_data_quality_statistics(StatisticId=row_count["StatisticId"])["Statistics"]
    assert [s["ProfileId"] for s in history][-1] == result["ProfileId"] and len(history) == 2

    # annotations
    failed = glue.batch_put_data_quality_statistic_annotation(InclusionAnnotations=[
        {"ProfileId": result["ProfileId"], "StatisticId": row_count["StatisticId"], "InclusionAnnotation": "EXCLUDE"},
        {"ProfileId": result["ProfileId"], "StatisticId": "nope", "InclusionAnnotation": "EXCLUDE"},
    ])["FailedInclusionAnnotations"]
    assert [f["StatisticId"] for f in failed] == ["nope"]
    annotations = glue.list_data_quality_statistic_annotations(ProfileId=result["ProfileId"])["Annotations"]
    assert [(a["StatisticId"], a["InclusionAnnotation"]["Value"]) for a in annotations] == \
        [(row_count["StatisticId"], "EXCLUDE")]
    glue.put_data_quality_profile_annotation(ProfileId=result["ProfileId"], InclusionAnnotation="INCLUDE")
    annotated = glue.list_data_quality_statistics(ProfileId=result["ProfileId"])["Statistics"]
    assert {s["InclusionAnnotation"]["Value"] for s in annotated} == {"INCLUDE"}
    with pytest.raises(ClientError) as caught:
        glue.put_data_quality_profile_annotation(ProfileId="dqprofile-nope", InclusionAnnotation="INCLUDE")
    assert error_of(caught)[0] == "EntityNotFoundException"

    # no anomaly-detection model exists
    for operation in (glue.get_data_quality_model, glue.get_data_quality_model_result):
        with pytest.raises(ClientError) as caught:
            operation(ProfileId=result["ProfileId"], StatisticId=row_count["StatisticId"])
        assert error_of(caught)[0] == "EntityNotFoundException"

    with pytest.raises(ClientError) as caught:  # a run that has ended cannot be cancelled
        glue.cancel_data_quality_ruleset_evaluation_run(RunId=run["RunId"])
    assert error_of(caught)[0] == "InvalidInputException"


def test_a_cancelled_run_ends_stopped_without_results(shop: Any, server: Any, gates: Gates) -> None:
    glue = shop
    glue.create_data_quality_ruleset(Name="r", Ruleset=RULES)
    with spark_pool_held(server, gates):  # the run waits for a driver: still RUNNING however fast Spark is
        run_id = glue.start_data_quality_ruleset_evaluation_run(DataSource=_source(), Role=ROLE,
                                                                 RulesetNames=["r"])["RunId"]
        assert glue.get_data_quality_ruleset_evaluation_run(RunId=run_id)["Status"] == "RUNNING"
        glue.cancel_data_quality_ruleset_evaluation_run(RunId=run_id)
        assert glue.get_data_quality_ruleset_evaluation_run(RunId=run_id)["Status"] in ("STOPPING", "STOPPED")
    run = _wait_run(glue, run_id)
    assert run["Status"] == "STOPPED" and "ResultIds" not in run
    assert glue.list_data_quality_results()["Results"] == []


def test_a_recommendation_run_proposes_a_ruleset_and_saves_it(shop: Any) -> None:
    glue = shop
    run_id = glue.start_data_quality_rule_recommendation_run(DataSource=_source(), Role=ROLE,
                                                              CreatedRulesetName="orders-recommended")["RunId"]
    run = _wait_run(glue, run_id, recommendation=True)
    assert run["Status"] == "SUCCEEDED", run
    assert run["RecommendedRuleset"].lstrip().startswith("Rules")
    saved = glue.get_data_quality_ruleset(Name="orders-recommended")
    assert saved["Ruleset"] == run["RecommendedRuleset"] and saved["RecommendationRunId"] == run_id
    assert saved["TargetTable"] == {"DatabaseName": "shop", "TableName": "orders"}
    listed = glue.list_data_quality_rule_recommendation_runs(Filter={"DataSource": _source()})["Runs"]
    assert [r["RunId"] for r in listed] == [run_id]
    with pytest.raises(ClientError) as caught:  # the name is taken now
        glue.start_data_quality_rule_recommendation_run(DataSource=_source(), Role=ROLE,
                                                         CreatedRulesetName="orders-recommended")
    assert error_of(caught)[0] == "InvalidInputException"
    # the proposal is a ruleset the evaluator runs
    evaluated = _evaluate(glue, "orders-recommended")
    rules = glue.get_data_quality_result(ResultId=evaluated["ResultIds"][0])["RuleResults"]
    assert rules and all(rule["Result"] in ("PASS", "FAIL") for rule in rules), json.dumps(rules)
