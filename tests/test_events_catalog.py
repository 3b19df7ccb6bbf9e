"""Data Catalog and crawler events: the documented detail-types and details, delivered through a rule to SQS."""

from __future__ import annotations

import json
import re

from events_support import nothing_more, queue_rule, received
from support import ROLE, shell_job, wait_job_run, wait_until

ARN = "arn:aws:glue:us-east-1:123456789012"
COLUMNS = {"Columns": [{"Name": "id", "Type": "bigint"}], "Location": "s3://lake/orders/"}


def _catalog_rule(server) -> str:
    return queue_rule(server, "catalog", {"source": ["aws.glue"], "detail-type": [
        "Glue Data Catalog Database State Change", "Glue Data Catalog Table State Change"]})


def _summary(event: dict) -> tuple:
    return event["detail-type"], event["resources"], event["detail"]


def test_database_and_table_changes(glue, server):
    url = _catalog_rule(server)
    glue.create_database(DatabaseInput={"Name": "sales"})
    glue.create_table(DatabaseName="sales", TableInput={"Name": "Orders", "StorageDescriptor": COLUMNS})
    glue.update_table(DatabaseName="sales", TableInput={"Name": "orders", "StorageDescriptor": COLUMNS,
                                                        "Description": "v2"})
    glue.create_table(DatabaseName="sales", TableInput={"Name": "tmp", "StorageDescriptor": COLUMNS})
    glue.batch_delete_table(DatabaseName="sales", TablesToDelete=["tmp", "missing"])
    glue.delete_table(DatabaseName="sales", Name="orders")
    glue.delete_database(Name="sales")

    database, table = "Glue Data Catalog Database State Change", "Glue Data Catalog Table State Change"
    assert [_summary(e) for e in received(server, url, 7)] == [
        (database, [f"{ARN}:database/sales"], {"databaseName": "sales", "typeOfChange": "CreateDatabase",
                                               "changedTables": []}),
        (database, [f"{ARN}:table/sales/orders"], {"databaseName": "sales", "typeOfChange": "CreateTable",
                                                   "changedTables": ["orders"]}),
        (table, [f"{ARN}:table/sales/orders"], {"databaseName": "sales", "tableName": "orders",
                                                "typeOfChange": "UpdateTable"}),
        (database, [f"{ARN}:table/sales/tmp"], {"databaseName": "sales", "typeOfChange": "CreateTable",
                                                "changedTables": ["tmp"]}),
        # only the table really deleted; "missing" is in the answer's Errors
        (database, [f"{ARN}:table/sales/tmp"], {"databaseName": "sales", "typeOfChange": "BatchDeleteTable",
                                                "changedTables": ["tmp"]}),
        (database, [f"{ARN}:table/sales/orders"], {"databaseName": "sales", "typeOfChange": "DeleteTable",
                                                   "changedTables": ["orders"]}),
        (database, [f"{ARN}:database/sales"], {"databaseName": "sales", "typeOfChange": "DeleteDatabase",
                                               "changedTables": []}),
    ]


def test_partition_changes_list_the_partitions_values(glue, server):
    glue.create_database(DatabaseInput={"Name": "sales"})
    keys = [{"Name": "dt", "Type": "string"}, {"Name": "shop", "Type": "string"}]
    glue.create_table(DatabaseName="sales", TableInput={"Name": "orders", "StorageDescriptor": COLUMNS,
                                                        "PartitionKeys": keys})
    url = queue_rule(server, "partitions", {"source": ["aws.glue"],
                                            "detail": {"typeOfChange": [{"suffix": "Partition"}]}})

    def spec(dt: str, shop: str) -> dict:
        return {"Values": [dt, shop], "StorageDescriptor": {**COLUMNS, "Location": f"s3://lake/{dt}/{shop}/"}}

    glue.batch_create_partition(DatabaseName="sales", TableName="orders",
                                PartitionInputList=[spec("2024-01-01", "a"), spec("2024-01-02", "b")])
    glue.batch_create_partition(DatabaseName="sales", TableName="orders",  # all taken: no event
                                PartitionInputList=[spec("2024-01-01", "a")])
    glue.create_partition(DatabaseName="sales", TableName="orders", PartitionInput=spec("2024-01-03", "c"))
    glue.update_partition(DatabaseName="sales", TableName="orders", PartitionValueList=["2024-01-03", "c"],
                          PartitionInput=spec("2024-01-03", "c"))
    glue.delete_partition(DatabaseName="sales", TableName="orders", PartitionValues=["2024-01-03", "c"])
    glue.batch_delete_partition(DatabaseName="sales", TableName="orders",
                                PartitionsToDelete=[{"Values": ["2024-01-01", "a"]}, {"Values": ["x", "y"]}])

    events = received(server, url, 5)
    assert {e["detail-type"] for e in events} == {"Glue Data Catalog Table State Change"}
    assert {tuple(e["resources"]) for e in events} == {(f"{ARN}:table/sales/orders",)}
    assert [(e["detail"]["typeOfChange"], e["detail"]["changedPartitions"]) for e in events] == [
        ("BatchCreatePartition", ["[2024-01-01, a]", "[2024-01-02, b]"]),
        ("CreatePartition", ["[2024-01-03, c]"]),
        ("UpdatePartition", ["[2024-01-03, c]"]),
        ("DeletePartition", ["[2024-01-03, c]"]),
        ("BatchDeletePartition", ["[2024-01-01, a]"]),
    ]
    assert all(e["detail"]["databaseName"] == "sales" and e["detail"]["tableName"] == "orders" for e in events)
    nothing_more(server, url)


def test_a_crawl_sends_started_then_succeeded_with_its_counts(glue, server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="lake")
    for day in ("2024-01-01", "2024-01-02"):
        s3.put_object(Bucket="lake", Key=f"orders/dt={day}/part.csv", Body=b"id,amount\n1,2.5\n2,3.5\n")
    glue.create_database(DatabaseInput={"Name": "raw"})
    glue.create_crawler(Name="orders", Role=ROLE, DatabaseName="raw",
                        Targets={"S3Targets": [{"Path": "s3://lake/orders/"}]})
    url = queue_rule(server, "crawls", {"source": ["aws.glue"], "detail-type": ["Glue Crawler State Change"]})
    glue.start_crawler(Name="orders")
    started, succeeded = received(server, url, 2, timeout=60)

    link = ("https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1"
            "#logEventViewer:group=/aws-glue/crawlers;stream=orders")
    assert started["detail"] == {"crawlerName": "orders", "accountId": "123456789012", "state": "Started",
                                 "message": "Crawler Started", "cloudWatchLogLink": link,
                                 "startTime": started["detail"]["startTime"]}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", started["detail"]["startTime"])
    detail = succeeded["detail"]
    assert (detail["state"], detail["message"]) == ("Succeeded", "Crawler Succeeded")
    counts = {k: detail[k] for k in detail if k.startswith(("tables", "partitions"))}
    assert counts == {"tablesCreated": "1", "tablesUpdated": "0", "tablesDeleted": "0",
                      "partitionsCreated": "2", "partitionsUpdated": "0", "partitionsDeleted": "0"}
    assert detail["runningTime (sec)"].isdigit() and detail["warningMessage"] == "N/A"
    assert "completionDate" in detail and detail["cloudWatchLogLink"] == link


def test_a_failed_crawl_sends_failed_with_its_error(glue, server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="gone")
    glue.create_crawler(Name="lost", Role=ROLE, DatabaseName="nowhere",
                        Targets={"S3Targets": [{"Path": "s3://gone/x/"}]})
    s3.delete_bucket(Bucket="gone")  # after CreateCrawler, which checks that it exists
    url = queue_rule(server, "crawl-failures", {"source": ["aws.glue"], "detail": {"state": ["Failed"]}})
    glue.start_crawler(Name="lost")
    wait_until(lambda: glue.get_crawler(Name="lost")["Crawler"].get("LastCrawl", {}).get("Status"),
               "the crawl's end", timeout=60)
    last = glue.get_crawler(Name="lost")["Crawler"]["LastCrawl"]
    assert last["Status"] == "FAILED", last
    [event] = received(server, url, 1)
    assert event["detail"]["state"] == "Failed" and event["detail"]["message"] == "Crawler Failed"
    assert event["detail"]["errorMessage"] == last["ErrorMessage"]


def test_a_jobs_published_data_quality_result_sends_its_event(glue, server):
    """What a job's EvaluateDataQuality publishes (awsgluedq posts it to the emulator's endpoint, as here) makes
    the "Data Quality Evaluation Results Available" event."""
    url = queue_rule(server, "quality", {"source": ["aws.glue-dataquality"], "detail": {"state": ["FAILED"]}})
    shell_job(glue, server.client("s3"), "checks", "print(1)")
    run_id = glue.start_job_run(JobName="checks")["JobRunId"]
    wait_job_run(glue, "checks", run_id)
    rules = [{"Name": "Rule_1", "Description": "RowCount > 0", "Result": "PASS", "EvaluatedMetrics": {}},
             {"Name": "Rule_2", "Description": 'IsComplete "id"', "Result": "FAIL", "EvaluatedMetrics": {}}]
    body = {"JobName": "checks", "JobRunId": run_id, "EvaluationContext": "orders_checks", "StartedOn": 1.7e9,
            "RulesetName": "orders-rules", "Evaluation": {"rule_results": rules, "analyzer_results": [],
                                                          "observations": [], "metrics": {}, "score": 0.5}}
    status, _, answer = server.request("POST", "/_emulator/dataquality/results", json.dumps(body).encode())
    assert status == 200
    result_id = json.loads(answer)["ResultId"]
    [event] = received(server, url, 1)
    assert (event["source"], event["detail-type"]) == ("aws.glue-dataquality",
                                                       "Data Quality Evaluation Results Available")
    assert event["detail"] == {
        "context": {"contextType": "GLUE_JOB", "jobName": "checks", "jobRunId": run_id,
                    "evaluationContext": "orders_checks"},
        "resultId": result_id, "rulesetNames": ["orders-rules"], "state": "FAILED", "score": 0.5,
        "rulesSucceeded": 1, "rulesFailed": 1, "rulesSkipped": 0}
    assert glue.get_data_quality_result(ResultId=result_id)["Score"] == 0.5
