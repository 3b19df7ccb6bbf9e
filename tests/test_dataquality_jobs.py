"""awsgluedq in job runs: a Glue Studio-style script with EvaluateDataQuality run as a glueetl job publishes its
result (ListDataQualityResults by JobName/JobRunId), and Studio's "fail job on data quality failure" assert fails
the run with its message, so a workflow's failure branch runs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from support import FAST_ENV, Glue, condition, nodes_by_name, predicate, run_to_end, spark_job

SERVER_ENV = FAST_ENV
SPARK_WAIT = 300.0

# Written the way Glue Studio generates a job with an "Evaluate Data Quality" node whose data-quality actions
# include "Fail job when data quality fails" (an assert right after the evaluation), with the node's three outputs.
STUDIO_SCRIPT = '''
import sys
from awsglue.transforms import *
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext
from awsglue.job import Job
from awsgluedq.transforms import EvaluateDataQuality
import boto3
import json

args = getResolvedOptions(sys.argv, ['JOB_NAME', 'min_amount'])
run_id = sys.argv[sys.argv.index('--JOB_RUN_ID') + 1]
sc = SparkContext.getOrCreate()
glueContext = GlueContext(sc)
spark = glueContext.spark_session
job = Job(glueContext)
job.init(args['JOB_NAME'], args)

# Script generated for node Orders
Orders_node1 = glueContext.create_dynamic_frame.from_catalog(database="shop", table_name="orders",
                                                             transformation_ctx="Orders_node1")

# Script generated for node Evaluate Data Quality
EvaluateDataQuality_node2_ruleset = """
    Rules = [
        RowCount between 1 and 100,
        IsComplete "order_id",
        ColumnValues "amount" > MIN_AMOUNT
    ]
""".replace("MIN_AMOUNT", args["min_amount"])

EvaluateDataQuality_node2 = EvaluateDataQuality().process_rows(frame=Orders_node1,
    ruleset=EvaluateDataQuality_node2_ruleset,
    publishing_options={"dataQualityEvaluationContext": "EvaluateDataQuality_node2",
                        "enableDataQualityCloudWatchMetrics": True, "enableDataQualityResultsPublishing": True},
    additional_options={"observations.scope": "ALL", "performanceTuning.caching": "CACHE_NOTHING"})

outcomes = EvaluateDataQuality_node2[EvaluateDataQuality.DATA_QUALITY_RULE_OUTCOMES_KEY].toDF()
rows = SelectFromCollection.apply(dfc=EvaluateDataQuality_node2, key="rowLevelOutcomes",
                                  transformation_ctx="rowLevelOutcomes_node3").toDF()
original = SelectFromCollection.apply(dfc=EvaluateDataQuality_node2, key="originalData",
                                      transformation_ctx="originalData_node4")
applied = EvaluateDataQuality.apply(frame=original, ruleset="Rules = [ ColumnCount = 3 ]",
                                    publishing_options={"enableDataQualityResultsPublishing": False})
boto3.client("s3").put_object(Bucket="reports", Key=run_id, Body=json.dumps({
    "outcomes": sorted([r["Rule"], r["Outcome"]] for r in outcomes.collect()),
    "failed_rows": sorted(r["order_id"] for r in rows.filter(rows.DataQualityEvaluationResult == "Failed").collect()),
    "row_columns": rows.columns,
    "applied": [[r["Outcome"], dict(r["EvaluatedMetrics"])] for r in applied.toDF().collect()],
}))

assert EvaluateDataQuality_node2[EvaluateDataQuality.DATA_QUALITY_RULE_OUTCOMES_KEY].filter(lambda x: x["Outcome"] == "Failed").count() == 0, "The job failed due to failing DQ rules for node: Orders_node1"

job.commit()
'''
FAILURE = "AssertionError: The job failed due to failing DQ rules for node: Orders_node1"


@pytest.fixture
def jobs(glue: Any, server: Any) -> Glue:
    """The table shop.orders (3 rows, amounts 5, 12, 30) and the Studio-style job `dq-orders`."""
    s3 = server.client("s3")
    for bucket in ("dq-lake", "reports"):
        s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket="dq-lake", Key="orders/part-0.csv", Body=b"order_id,amount,status\n1,5,paid\n2,12,paid\n"
                                                                  b"3,30,open\n")
    glue.create_database(DatabaseInput={"Name": "shop"})
    glue.create_table(DatabaseName="shop", TableInput={
        "Name": "orders", "Parameters": {"classification": "csv", "skip.header.line.count": "1"},
        "StorageDescriptor": {
            "Location": "s3://dq-lake/orders/",
            "Columns": [{"Name": "order_id", "Type": "int"}, {"Name": "amount", "Type": "double"},
                        {"Name": "status", "Type": "string"}],
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                          "Parameters": {"field.delim": ","}}}})
    spark_job(glue, s3, "dq-orders", STUDIO_SCRIPT)
    return Glue(glue, s3)


def _report(jobs: Glue, run_id: str) -> dict[str, Any]:
    return json.loads(jobs.s3.get_object(Bucket="reports", Key=run_id)["Body"].read())


def test_a_studio_script_evaluates_publishes_and_passes(jobs: Glue) -> None:
    run = run_to_end(jobs.api, "dq-orders", timeout=SPARK_WAIT, Arguments={"--min_amount": "1"})
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    report = _report(jobs, run["Id"])
    assert report["outcomes"] == [["Rule_1", "Passed"], ["Rule_2", "Passed"], ["Rule_3", "Passed"]]
    assert report["failed_rows"] == []
    assert report["row_columns"][-4:] == ["DataQualityRulesPass", "DataQualityRulesFail", "DataQualityRulesSkip",
                                          "DataQualityEvaluationResult"]
    assert report["applied"] == [["Passed", {"Dataset.*.ColumnCount": 3.0}]]

    listed = jobs.api.list_data_quality_results(Filter={"JobName": "dq-orders", "JobRunId": run["Id"]})["Results"]
    assert [(r["JobName"], r["JobRunId"]) for r in listed] == [("dq-orders", run["Id"])]  # apply() did not publish
    result = jobs.api.get_data_quality_result(ResultId=listed[0]["ResultId"])
    assert result["EvaluationContext"] == "EvaluateDataQuality_node2" and result["Score"] == 1.0
    assert [rule["Result"] for rule in result["RuleResults"]] == ["PASS", "PASS", "PASS"]
    assert result["AggregatedMetrics"]["TotalRowsProcessed"] == 3


def test_failing_rules_fail_the_run_and_the_workflow_takes_its_failure_branch(jobs: Glue) -> None:
    jobs.job("dq-on-failure", "print('quarantined')")
    jobs.job("dq-load", "print('loaded')")
    jobs.api.create_workflow(Name="dq-flow", DefaultRunProperties={})
    jobs.api.update_job(JobName="dq-orders", JobUpdate={
        "Role": "arn:aws:iam::123456789012:role/GlueRole",
        "Command": jobs.api.get_job(JobName="dq-orders")["Job"]["Command"],
        "DefaultArguments": {"--min_amount": "10"}})  # amount 5 fails `ColumnValues "amount" > 10`
    jobs.trigger("dq-start", "ON_DEMAND", ["dq-orders"], WorkflowName="dq-flow")
    jobs.conditional("dq-failed", predicate(condition("dq-orders", "FAILED")), ["dq-on-failure"],
                     WorkflowName="dq-flow")
    jobs.conditional("dq-passed", predicate(condition("dq-orders")), ["dq-load"], WorkflowName="dq-flow")
    run_id = jobs.api.start_workflow_run(Name="dq-flow")["RunId"]
    flow = jobs.wait_workflow_run("dq-flow", run_id, timeout=SPARK_WAIT)
    nodes = nodes_by_name(flow)
    dq_run = nodes["dq-orders"]["JobDetails"]["JobRuns"][0]
    assert dq_run["JobRunState"] == "FAILED" and dq_run["ErrorMessage"] == FAILURE
    assert nodes["dq-on-failure"]["JobDetails"]["JobRuns"][0]["JobRunState"] == "SUCCEEDED"
    assert "JobDetails" not in nodes["dq-load"]
    assert _report(jobs, dq_run["Id"])["failed_rows"] == [1]

    # the result was published before the assert failed the run
    listed = jobs.api.list_data_quality_results(Filter={"JobRunId": dq_run["Id"]})["Results"]
    result = jobs.api.get_data_quality_result(ResultId=listed[0]["ResultId"])
    assert [rule["Result"] for rule in result["RuleResults"]] == ["PASS", "PASS", "FAIL"]
