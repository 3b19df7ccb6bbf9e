"""Crawler API fidelity (issue #13, items 6-10) through boto3 against a real server: S3 targets in
missing buckets, crawler conditions of triggers, incremental crawls (CRAWL_NEW_FOLDERS_ONLY), crawlers
without a database, and who a crawler's tables say created them."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import RUN_WAIT, wait_until

from emulator.testing.plugin import EmulatorHandle
from emulator.testing.server import EmulatorServer

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/service-role/AWSGlueServiceRole-sales"
HEADER = "id,name,amount\n"


def rows(*lines: str, header: str = HEADER) -> bytes:
    return (header + "".join(line + "\n" for line in lines)).encode()


def refused(call: Any, **params: Any) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]


def crawl(glue: Any, name: str = "cr") -> dict[str, Any]:
    """Run a crawl to its end; its CrawlerHistory entry (newest first in ListCrawls)."""
    before = len(glue.list_crawls(CrawlerName=name)["Crawls"])
    glue.start_crawler(Name=name)
    crawls = wait_until(lambda: glue.list_crawls(CrawlerName=name)["Crawls"], f"the crawl of {name} to end",
                        until=lambda c: len(c) > before and c[0]["State"] != "RUNNING", timeout=RUN_WAIT)
    wait_until(lambda: glue.get_crawler(Name=name)["Crawler"]["State"], "READY", until=lambda s: s == "READY")
    return crawls[0]


@pytest.fixture
def lake(glue_emulator: EmulatorHandle) -> EmulatorHandle:
    glue_emulator.s3.create_bucket(Bucket="raw")
    glue_emulator.glue.create_database(DatabaseInput={"Name": "db"})
    return glue_emulator


def put(handle: EmulatorHandle, key: str, body: bytes) -> None:
    handle.s3.put_object(Bucket="raw", Key=key, Body=body)


# -- item 6: S3 targets in missing buckets ---------------------------------------------------------------

MISSING_BUCKET_CASES = [
    # (target path, the bucket named in AWS's message)
    ("s3://nope/data/", "nope"),
    ("s3://nope", "nope"),
    ("s3://test_bucket/x/", "test_bucket"),  # not even a valid bucket name: AWS still says "does not exist"
]


@pytest.mark.parametrize(("path", "bucket"), MISSING_BUCKET_CASES)
def test_create_crawler_with_an_s3_target_in_a_missing_bucket_is_refused(lake, path, bucket):
    glue = lake.glue
    targets = {"S3Targets": [{"Path": "s3://raw/ok/"}, {"Path": path}]}
    assert refused(glue.create_crawler, Name="cr", Role=ROLE, DatabaseName="db", Targets=targets) == (
        "InvalidInputException", 400, f"S3 bucket {bucket} does not exist.")
    assert glue.list_crawlers()["CrawlerNames"] == []


def test_update_crawler_to_a_missing_bucket_is_refused_and_changes_nothing(lake):
    glue = lake.glue
    glue.create_crawler(Name="cr", Role=ROLE, DatabaseName="db", Targets={"S3Targets": [{"Path": "s3://raw/a/"}]})
    assert refused(glue.update_crawler, Name="cr", Targets={"S3Targets": [{"Path": "s3://gone/a/"}]}) == (
        "InvalidInputException", 400, "S3 bucket gone does not exist.")
    crawler = glue.get_crawler(Name="cr")["Crawler"]
    assert [t["Path"] for t in crawler["Targets"]["S3Targets"]] == ["s3://raw/a/"]
    assert crawler["Version"] == 1


# -- item 7: a crawler condition given State instead of CrawlState ----------------------------------------

CRAWLER_STATE_MESSAGE = ("State cannot be null or empty, choose from one of the following crawler state: "
                         "[SUCCEEDED, FAILED, CANCELLED]")
CONDITION_CASES = [
    ({"LogicalOperator": "EQUALS", "CrawlerName": "cr", "State": "SUCCEEDED"}, CRAWLER_STATE_MESSAGE),
    ({"LogicalOperator": "EQUALS", "CrawlerName": "cr"}, CRAWLER_STATE_MESSAGE),
    ({"LogicalOperator": "EQUALS", "CrawlerName": "cr", "CrawlState": "RUNNING"}, CRAWLER_STATE_MESSAGE),
]


@pytest.mark.parametrize(("condition", "message"), CONDITION_CASES)
def test_create_and_update_trigger_refuse_a_crawler_condition_without_crawl_state(lake, condition, message):
    glue = lake.glue
    glue.create_crawler(Name="cr", Role=ROLE, DatabaseName="db", Targets={"S3Targets": [{"Path": "s3://raw/a/"}]})
    glue.create_crawler(Name="next", Role=ROLE, DatabaseName="db", Targets={"S3Targets": [{"Path": "s3://raw/b/"}]})
    actions = [{"CrawlerName": "next"}]
    assert refused(glue.create_trigger, Name="t", Type="CONDITIONAL", Actions=actions,
                   Predicate={"Conditions": [condition]}) == ("InvalidInputException", 400, message)
    assert glue.list_triggers()["TriggerNames"] == []
    good = {"LogicalOperator": "EQUALS", "CrawlerName": "cr", "CrawlState": "SUCCEEDED"}
    glue.create_trigger(Name="t", Type="CONDITIONAL", Actions=actions, Predicate={"Conditions": [good]})
    assert refused(glue.update_trigger, Name="t", TriggerUpdate={
        "Actions": actions, "Predicate": {"Conditions": [condition]}}) == ("InvalidInputException", 400, message)
    assert glue.get_trigger(Name="t")["Trigger"]["Predicate"]["Conditions"] == [good]


# -- item 9: a crawler without DatabaseName writes to `default` -----------------------------------------


def test_a_crawler_without_database_writes_to_default_creating_it(glue_emulator):
    glue = glue_emulator.glue
    glue_emulator.s3.create_bucket(Bucket="raw")
    put(glue_emulator, "sales/part-0.csv", rows("1,a,2.5", "2,b,3.5"))
    glue.create_crawler(Name="cr", Role=ROLE, Targets={"S3Targets": [{"Path": "s3://raw/sales/"}]})
    assert "DatabaseName" not in glue.get_crawler(Name="cr")["Crawler"]
    with pytest.raises(ClientError):
        glue.get_database(Name="default")

    history = crawl(glue)

    assert history["State"] == "COMPLETED", history
    assert glue.get_crawler(Name="cr")["Crawler"]["LastCrawl"]["Status"] == "SUCCEEDED"
    database = glue.get_database(Name="default")["Database"]
    assert database["Name"] == "default" and database["Description"] == "Default Hive database"
    assert [t["Name"] for t in glue.get_tables(DatabaseName="default")["TableList"]] == ["sales"]
    # A second crawl finds `default` there and the table unchanged.
    assert crawl(glue)["State"] == "COMPLETED"
    assert [t["Name"] for t in glue.get_tables(DatabaseName="default")["TableList"]] == ["sales"]


def test_a_crawler_without_database_uses_an_existing_default_database(glue_emulator):
    glue = glue_emulator.glue
    glue_emulator.s3.create_bucket(Bucket="raw")
    glue.create_database(DatabaseInput={"Name": "default", "Description": "mine"})
    put(glue_emulator, "sales/part-0.csv", rows("1,a,2.5"))
    glue.create_crawler(Name="cr", Role=ROLE, Targets={"S3Targets": [{"Path": "s3://raw/sales/"}]})
    assert crawl(glue)["State"] == "COMPLETED"
    assert glue.get_database(Name="default")["Database"]["Description"] == "mine"
    assert glue.get_table(DatabaseName="default", Name="sales")["Table"]["Parameters"]["classification"] == "csv"


# -- item 10: CreatedBy of crawler-made tables ---------------------------------------------------------

ROLE_CASES = [
    (ROLE, "AWSGlueServiceRole-sales"),  # a role ARN with a path
    (f"arn:aws:iam::{ACCOUNT}:role/GlueCrawler", "GlueCrawler"),
    ("GlueCrawler", "GlueCrawler"),  # a role name
]


@pytest.mark.parametrize(("role", "role_name"), ROLE_CASES)
def test_tables_a_crawler_creates_name_its_role_session_as_creator(lake, role, role_name):
    glue = lake.glue
    put(lake, "sales/part-0.csv", rows("1,a,2.5"))
    glue.create_crawler(Name="cr", Role=role, DatabaseName="db", Targets={"S3Targets": [{"Path": "s3://raw/sales/"}]})
    assert crawl(glue)["State"] == "COMPLETED"
    expected = f"arn:aws:sts::{ACCOUNT}:assumed-role/{role_name}/AWS-Crawler"
    assert glue.get_table(DatabaseName="db", Name="sales")["Table"]["CreatedBy"] == expected
    # An update by a later crawl keeps the creator; a table made through the API names the account.
    put(lake, "sales/part-1.csv", rows("2,b,3.5"))
    assert crawl(glue)["State"] == "COMPLETED"
    assert glue.get_table(DatabaseName="db", Name="sales")["Table"]["CreatedBy"] == expected
    glue.create_table(DatabaseName="db", TableInput={"Name": "by_hand"})
    assert glue.get_table(DatabaseName="db", Name="by_hand")["Table"]["CreatedBy"] == f"arn:aws:iam::{ACCOUNT}:root"


# -- item 8: RecrawlPolicy CRAWL_NEW_FOLDERS_ONLY ----------------------------------------------------------

INCREMENTAL = {"RecrawlPolicy": {"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"},
               "SchemaChangePolicy": {"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"}}


def partition_values(glue: Any, name: str) -> list[list[str]]:
    return sorted(p["Values"] for p in glue.get_partitions(DatabaseName="db", TableName=name)["Partitions"])


def first_crawl_of_months(handle: EmulatorHandle) -> None:
    """AWS's example: sales/year=2015/month=Jan|Feb/day=1, crawled in full once."""
    put(handle, "sales/year=2015/month=Jan/day=1/part-0.csv", rows("1,a,2.5", "2,b,3.5"))
    put(handle, "sales/year=2015/month=Feb/day=1/part-0.csv", rows("3,c,4.5"))
    handle.glue.create_crawler(Name="cr", Role=ROLE, DatabaseName="db",
                               Targets={"S3Targets": [{"Path": "s3://raw/sales/"}]}, **INCREMENTAL)
    assert crawl(handle.glue)["State"] == "COMPLETED"
    assert partition_values(handle.glue, "sales") == [["2015", "Feb", "1"], ["2015", "Jan", "1"]]


def test_an_incremental_crawl_adds_only_the_new_folder_as_a_partition(lake):
    glue = lake.glue
    first_crawl_of_months(lake)
    before = glue.get_table(DatabaseName="db", Name="sales")["Table"]
    # Another schema in an old folder (ignored), a new month (a new partition), a new top folder (no table).
    put(lake, "sales/year=2015/month=Jan/day=1/odd.csv", rows("x,y", header="p,q,r,s,t\n"))
    put(lake, "sales/year=2015/month=Mar/day=1/part-0.csv", rows("4,d,5.5"))
    put(lake, "sales/year=2015/month=Apr/part-0.csv", rows("5,e,6.5"))  # not at partition depth

    history = crawl(glue)

    assert history["State"] == "COMPLETED", history
    assert [t["Name"] for t in glue.get_tables(DatabaseName="db")["TableList"]] == ["sales"]
    assert partition_values(glue, "sales") == [["2015", "Feb", "1"], ["2015", "Jan", "1"], ["2015", "Mar", "1"]]
    after = glue.get_table(DatabaseName="db", Name="sales")["Table"]
    assert after["VersionId"] == before["VersionId"] and after["StorageDescriptor"] == before["StorageDescriptor"]
    added = glue.get_partition(DatabaseName="db", TableName="sales", PartitionValues=["2015", "Mar", "1"])["Partition"]
    assert added["StorageDescriptor"]["Location"] == "s3://raw/sales/year=2015/month=Mar/day=1/"
    assert json.loads(history["Summary"]) == {"PARTITION": {"ADD": {"Count": 1}}}
    # Nothing new: nothing changes.
    assert json.loads(crawl(glue)["Summary"]) == {}


def test_an_incremental_crawl_skips_a_new_folder_of_another_schema(lake):
    glue = lake.glue
    first_crawl_of_months(lake)
    put(lake, "sales/year=2015/month=Mar/day=1/part-0.json", b'{"k": 1, "v": "x"}\n')
    assert crawl(glue)["State"] == "COMPLETED"
    assert partition_values(glue, "sales") == [["2015", "Feb", "1"], ["2015", "Jan", "1"]]
    events = lake.client("logs").get_log_events(logGroupName="/aws-glue/crawlers", logStreamName="cr")["events"]
    assert any("month=Mar/day=1/ has a schema incompatible with table sales" in e["message"] for e in events)


def test_an_incremental_crawler_s_first_crawl_with_data_is_a_full_one(lake):
    glue = lake.glue
    glue.create_crawler(Name="cr", Role=ROLE, DatabaseName="db", Targets={"S3Targets": [{"Path": "s3://raw/sales/"}]},
                        **INCREMENTAL)
    assert crawl(glue)["State"] == "COMPLETED"  # nothing there yet
    put(lake, "sales/year=2015/month=Jan/day=1/part-0.csv", rows("1,a,2.5"))
    assert crawl(glue)["State"] == "COMPLETED"
    assert partition_values(glue, "sales") == [["2015", "Jan", "1"]]


def test_the_s3_targets_of_an_incremental_crawler_cannot_change(lake):
    glue = lake.glue
    glue.create_crawler(Name="cr", Role=ROLE, DatabaseName="db", Targets={"S3Targets": [{"Path": "s3://raw/a/"}]},
                        **INCREMENTAL)
    code, status, message = refused(glue.update_crawler, Name="cr", Targets={"S3Targets": [{"Path": "s3://raw/b/"}]})
    assert (code, status) == ("InvalidInputException", 400) and "CRAWL_NEW_FOLDERS_ONLY" in message
    glue.update_crawler(Name="cr", Description="same targets")  # other members may change
    glue.update_crawler(Name="cr", Targets={"S3Targets": [{"Path": "s3://raw/b/"}]},
                        RecrawlPolicy={"RecrawlBehavior": "CRAWL_EVERYTHING"})
    assert glue.get_crawler(Name="cr")["Crawler"]["Targets"]["S3Targets"][0]["Path"] == "s3://raw/b/"


def test_the_folders_an_incremental_crawler_has_seen_survive_a_restart(tmp_path):
    server = EmulatorServer(tmp_path / "data", env={"GLUE_EMULATOR_SPARK_PREWARM": "0"}).start()
    try:
        handle = SimpleNamespace(glue=server.client("glue"), s3=server.client("s3"))
        handle.s3.create_bucket(Bucket="raw")
        handle.glue.create_database(DatabaseInput={"Name": "db"})
        first_crawl_of_months(handle)
    finally:
        server.stop()
    server = EmulatorServer(tmp_path / "data", env={"GLUE_EMULATOR_SPARK_PREWARM": "0"}).start()
    try:
        handle = SimpleNamespace(glue=server.client("glue"), s3=server.client("s3"))
        put(handle, "sales/year=2015/month=Jan/day=1/odd.csv", rows("x,y", header="p,q,r,s,t\n"))
        put(handle, "sales/year=2015/month=Mar/day=1/part-0.csv", rows("4,d,5.5"))
        assert json.loads(crawl(handle.glue)["Summary"]) == {"PARTITION": {"ADD": {"Count": 1}}}
        assert [t["Name"] for t in handle.glue.get_tables(DatabaseName="db")["TableList"]] == ["sales"]
    finally:
        server.stop()
