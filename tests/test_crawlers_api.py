"""Crawlers: the API through boto3, crawls of real local S3 data and their effect on the catalog under
each policy, logs and metrics; the lifecycle in process (stop, all-or-nothing writes, restart)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import error_of, wait_for_events, wait_until

from emulator.catalog.common import TABLE, table_parent
from emulator.catalog.databases import create_database
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.core import Emulator
from emulator.crawlers import planner
from emulator.crawlers.crawlers import create_crawler, get_crawler, list_crawls, update_crawler
from emulator.crawlers.runner import CRAWL, CRAWLER, RESTART_MESSAGE, CrawlRunner
from emulator.errors import CrawlerRunningException, CrawlerStoppingException
from emulator.testing.plugin import EmulatorHandle

ROLE = "arn:aws:iam::123456789012:role/GlueCrawler"
HEADER = "id,name,amount\n"


def rows(*lines: str, header: str = HEADER) -> bytes:
    return (header + "".join(line + "\n" for line in lines)).encode()


@pytest.fixture(autouse=True)
def bucket_raw(request: pytest.FixtureRequest) -> None:
    """The bucket `raw` on the server of tests that use one: crawlers' S3 targets need their bucket."""
    if "glue_emulator" in request.fixturenames:
        request.getfixturevalue("glue_emulator").s3.create_bucket(Bucket="raw")


@pytest.fixture
def lake(glue_emulator: EmulatorHandle) -> EmulatorHandle:
    """A bucket `raw` (bucket_raw) and a database `db`."""
    glue_emulator.glue.create_database(DatabaseInput={"Name": "db"})
    return glue_emulator


def put(handle: EmulatorHandle, key: str, body: bytes) -> None:
    handle.s3.put_object(Bucket="raw", Key=key, Body=body)


def new_crawler(glue: Any, name: str = "cr", path: str = "s3://raw/sales/", **extra: Any) -> None:
    glue.create_crawler(Name=name, Role=ROLE, DatabaseName="db", Targets={"S3Targets": [{"Path": path}]}, **extra)


def crawl(glue: Any, name: str = "cr", timeout: float = 60) -> dict[str, Any]:
    """Run a crawl to its end; its CrawlerHistory entry."""
    before = len(glue.list_crawls(CrawlerName=name)["Crawls"])
    glue.start_crawler(Name=name)
    crawls = wait_until(
        lambda: glue.list_crawls(CrawlerName=name)["Crawls"],
        f"the crawl of {name} to end",
        until=lambda crawls: len(crawls) > before and crawls[0]["State"] != "RUNNING",
        timeout=timeout,
    )
    assert glue.get_crawler(Name=name)["Crawler"]["State"] == "READY"
    return crawls[0]


def table(glue: Any, name: str) -> dict[str, Any]:
    return glue.get_table(DatabaseName="db", Name=name)["Table"]


def partition_values(glue: Any, name: str) -> list[list[str]]:
    return sorted(p["Values"] for p in glue.get_partitions(DatabaseName="db", TableName=name)["Partitions"])


def columns(glue: Any, name: str) -> list[tuple[str, str]]:
    return [(c["Name"], c["Type"]) for c in table(glue, name)["StorageDescriptor"]["Columns"]]


def log_lines(handle: EmulatorHandle, crawler: str = "cr") -> list[str]:
    events = handle.client("logs").get_log_events(logGroupName="/aws-glue/crawlers", logStreamName=crawler)["events"]
    return [event["message"] for event in events]


# -- definitions -------------------------------------------------------------------------------------


def test_create_fills_in_what_aws_reports(glue_emulator: EmulatorHandle) -> None:
    glue = glue_emulator.glue
    glue.create_crawler(Name="cr", Role=ROLE, Targets={"S3Targets": [{"Path": "s3://raw/sales"}]})
    crawler = glue.get_crawler(Name="cr")["Crawler"]
    assert crawler.pop("CreationTime") == crawler.pop("LastUpdated")
    assert crawler == {
        "Name": "cr",
        "Role": ROLE,
        "Targets": {"S3Targets": [{"Path": "s3://raw/sales", "Exclusions": []}], "JdbcTargets": [],
                    "MongoDBTargets": [], "DynamoDBTargets": [], "CatalogTargets": [], "DeltaTargets": [],
                    "IcebergTargets": [], "HudiTargets": []},
        "Classifiers": [],
        "RecrawlPolicy": {"RecrawlBehavior": "CRAWL_EVERYTHING"},
        "SchemaChangePolicy": {"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "DEPRECATE_IN_DATABASE"},
        "LineageConfiguration": {"CrawlerLineageSettings": "DISABLE"},
        "LakeFormationConfiguration": {"UseLakeFormationCredentials": False, "AccountId": ""},
        "State": "READY",
        "CrawlElapsedTime": 0,
        "Version": 1,
    }


def test_create_keeps_the_optional_members(glue_emulator: EmulatorHandle) -> None:
    glue = glue_emulator.glue
    glue.create_classifier(JsonClassifier={"Name": "records", "JsonPath": "$.records[*]"})
    glue.create_security_configuration(Name="sec", EncryptionConfiguration={})  # it must exist
    config = json.dumps({"Version": 1.0, "CrawlerOutput": {"Partitions": {"AddOrUpdateBehavior": "InheritFromTable"}}})
    glue.create_crawler(
        Name="cr", Role=ROLE, DatabaseName="db", Description="sales", TablePrefix="raw_", Classifiers=["records"],
        Targets={"S3Targets": [{"Path": "s3://raw/sales/", "Exclusions": ["**.tmp"], "SampleSize": 5}]},
        Schedule="cron(15 12 * * ? *)", Configuration=config, CrawlerSecurityConfiguration="sec",
        SchemaChangePolicy={"UpdateBehavior": "LOG", "DeleteBehavior": "DELETE_FROM_DATABASE"},
        LineageConfiguration={"CrawlerLineageSettings": "ENABLE"},
    )
    crawler = glue.get_crawler(Name="cr")["Crawler"]
    assert crawler["Schedule"] == {"ScheduleExpression": "cron(15 12 * * ? *)", "State": "SCHEDULED"}
    assert crawler["Targets"]["S3Targets"] == [{"Path": "s3://raw/sales/", "Exclusions": ["**.tmp"], "SampleSize": 5}]
    assert (crawler["DatabaseName"], crawler["Description"], crawler["TablePrefix"], crawler["Classifiers"]) == (
        "db", "sales", "raw_", ["records"])
    assert (crawler["Configuration"], crawler["CrawlerSecurityConfiguration"]) == (config, "sec")
    assert crawler["SchemaChangePolicy"] == {"UpdateBehavior": "LOG", "DeleteBehavior": "DELETE_FROM_DATABASE"}
    assert crawler["LineageConfiguration"] == {"CrawlerLineageSettings": "ENABLE"}


def test_duplicate_name(glue_emulator: EmulatorHandle) -> None:
    new_crawler(glue_emulator.glue)
    with pytest.raises(ClientError) as excinfo:
        new_crawler(glue_emulator.glue)
    assert error_of(excinfo) == ("AlreadyExistsException", "Crawler with name cr already exists")


S3 = {"S3Targets": [{"Path": "s3://raw/x/"}]}
CATALOG = {"CatalogTargets": [{"DatabaseName": "db", "Tables": ["t"]}]}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"Schedule": "cron(0 12 * * * *)"}, "Invalid schedule expression cron(0 12 * * * *): one of the Day-of-month"),
        ({"Schedule": "rate(1 day)"}, "Invalid schedule expression rate(1 day)"),
        ({"Configuration": "{not json"}, "Crawler configuration not valid: not JSON"),
        ({"Configuration": '{"Version": 2.0}'}, "Version must be 1.0"),
        ({"Configuration": '{"Version": 1.0, "Speed": "max"}'}, "unknown key(s) Speed in the configuration"),
        ({"Configuration": '{"Version": 1.0, "Grouping": {"TableLevelConfiguration": 0}}'}, "positive integer"),
        ({"Configuration": '{"Version": 1.0, "Grouping": {"TableGroupingPolicy": "Other"}}'},
         "CombineCompatibleSchemas"),
        ({"Configuration": '{"Version": 1.0, "CrawlerOutput": {"Tables": {"AddOrUpdateBehavior": "X"}}}'},
         "MergeNewColumns"),
        ({"Targets": {"S3Targets": [{"Path": "raw/x"}]}}, "Invalid S3 target path 'raw/x'"),
        ({"Targets": {"S3Targets": [{"Path": "s3://raw/x", "SampleSize": 250}]}},
         "SampleSize must be between 1 and 249"),
        ({"Targets": {**S3, **CATALOG}}, "Catalog targets cannot be combined"),
        ({"Targets": CATALOG, "SchemaChangePolicy": {"DeleteBehavior": "DEPRECATE_IN_DATABASE"}},
         "not DEPRECATE_IN_DATABASE"),
        ({"RecrawlPolicy": {"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"},
          "SchemaChangePolicy": {"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "LOG"}},
         "must have UpdateBehavior LOG and DeleteBehavior LOG"),
    ],
)
def test_invalid_definitions(glue_emulator: EmulatorHandle, extra: dict[str, Any], message: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        glue_emulator.glue.create_crawler(**{"Name": "cr", "Role": ROLE, "Targets": S3, **extra})
    code, text = error_of(excinfo)
    assert code == "InvalidInputException"
    assert message in text
    assert glue_emulator.glue.list_crawlers()["CrawlerNames"] == []


def test_unknown_classifier(glue_emulator: EmulatorHandle) -> None:
    with pytest.raises(ClientError) as excinfo:
        glue_emulator.glue.create_crawler(Name="cr", Role=ROLE, Targets=S3, Classifiers=["nope"])
    assert error_of(excinfo) == ("EntityNotFoundException", "Classifier with name nope does not exist")


def test_policies_default_to_what_the_rules_allow(glue_emulator: EmulatorHandle) -> None:
    glue = glue_emulator.glue
    glue.create_crawler(Name="inc", Role=ROLE, Targets=S3, RecrawlPolicy={"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"})
    glue.create_crawler(Name="cat", Role=ROLE, Targets=CATALOG)
    assert glue.get_crawler(Name="inc")["Crawler"]["SchemaChangePolicy"] == {"UpdateBehavior": "LOG",
                                                                             "DeleteBehavior": "LOG"}
    assert glue.get_crawler(Name="cat")["Crawler"]["SchemaChangePolicy"] == {"UpdateBehavior": "UPDATE_IN_DATABASE",
                                                                             "DeleteBehavior": "LOG"}


def test_update_replaces_given_members_only(glue_emulator: EmulatorHandle) -> None:
    glue = glue_emulator.glue
    new_crawler(glue, Description="d", Schedule="cron(0 1 * * ? *)")
    created = glue.get_crawler(Name="cr")["Crawler"]
    glue.update_crawler(Name="cr", TablePrefix="p_", Targets={"S3Targets": [{"Path": "s3://raw/other/"}]})
    updated = glue.get_crawler(Name="cr")["Crawler"]
    assert (updated["Version"], updated["CreationTime"], updated["Description"], updated["TablePrefix"]) == (
        2, created["CreationTime"], "d", "p_")
    assert updated["Targets"]["S3Targets"] == [{"Path": "s3://raw/other/", "Exclusions": []}]
    assert updated["Schedule"] == created["Schedule"]
    glue.update_crawler(Name="cr", Schedule="")  # removes the schedule
    assert "Schedule" not in glue.get_crawler(Name="cr")["Crawler"]
    with pytest.raises(ClientError) as excinfo:
        glue.update_crawler(Name="nope", Description="x")
    assert error_of(excinfo) == ("EntityNotFoundException", "Crawler entry with name nope does not exist")


def test_listing_paging_batches_and_tags(glue_emulator: EmulatorHandle) -> None:
    glue = glue_emulator.glue
    for name, tags in (("c3", {"team": "a"}), ("c1", {"team": "a", "env": "dev"}), ("c2", {"team": "b"})):
        new_crawler(glue, name, Tags=tags)
    first = glue.get_crawlers(MaxResults=2)
    assert [c["Name"] for c in first["Crawlers"]] == ["c1", "c2"]
    assert [c["Name"] for c in glue.get_crawlers(NextToken=first["NextToken"])["Crawlers"]] == ["c3"]
    assert glue.list_crawlers()["CrawlerNames"] == ["c1", "c2", "c3"]
    assert glue.list_crawlers(Tags={"team": "a"})["CrawlerNames"] == ["c1", "c3"]
    assert glue.list_crawlers(Tags={"team": "a", "env": "dev"})["CrawlerNames"] == ["c1"]
    batch = glue.batch_get_crawlers(CrawlerNames=["c2", "zz", "c1"])
    assert ([c["Name"] for c in batch["Crawlers"]], batch["CrawlersNotFound"]) == (["c2", "c1"], ["zz"])
    arn = "arn:aws:glue:us-east-1:123456789012:crawler/c2"
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "b"}


def test_delete_drops_history_and_tags(lake: EmulatorHandle) -> None:
    glue = lake.glue
    new_crawler(glue, Tags={"k": "v"})
    crawl(glue)
    glue.delete_crawler(Name="cr")
    for call, kwargs in ((glue.get_crawler, {"Name": "cr"}), (glue.list_crawls, {"CrawlerName": "cr"}),
                         (glue.delete_crawler, {"Name": "cr"})):
        with pytest.raises(ClientError) as excinfo:
            call(**kwargs)
        assert error_of(excinfo) == ("EntityNotFoundException", "Crawler entry with name cr does not exist")
    new_crawler(glue)  # a new crawler of the same name starts afresh
    assert glue.list_crawls(CrawlerName="cr")["Crawls"] == []
    assert glue.get_tags(ResourceArn="arn:aws:glue:us-east-1:123456789012:crawler/cr")["Tags"] == {}


def test_schedule_state_machine(glue_emulator: EmulatorHandle) -> None:
    glue = glue_emulator.glue
    new_crawler(glue)

    def code_of(call: Any) -> str:
        with pytest.raises(ClientError) as excinfo:
            call(CrawlerName="cr")
        return error_of(excinfo)[0]

    assert code_of(glue.start_crawler_schedule) == "NoScheduleException"
    assert code_of(glue.stop_crawler_schedule) == "SchedulerNotRunningException"
    glue.update_crawler_schedule(CrawlerName="cr", Schedule="cron(0 6 ? * MON-FRI *)")
    crawler = glue.get_crawler(Name="cr")["Crawler"]
    assert (crawler["Schedule"], crawler["Version"]) == (
        {"ScheduleExpression": "cron(0 6 ? * MON-FRI *)", "State": "SCHEDULED"}, 2)
    assert code_of(glue.start_crawler_schedule) == "SchedulerRunningException"
    glue.stop_crawler_schedule(CrawlerName="cr")
    assert glue.get_crawler(Name="cr")["Crawler"]["Schedule"]["State"] == "NOT_SCHEDULED"
    assert code_of(glue.stop_crawler_schedule) == "SchedulerNotRunningException"
    glue.update_crawler_schedule(CrawlerName="cr", Schedule="cron(30 6 ? * MON-FRI *)")  # keeps NOT_SCHEDULED
    assert glue.get_crawler(Name="cr")["Crawler"]["Schedule"] == {
        "ScheduleExpression": "cron(30 6 ? * MON-FRI *)", "State": "NOT_SCHEDULED"}
    glue.start_crawler_schedule(CrawlerName="cr")
    assert glue.get_crawler(Name="cr")["Crawler"]["Schedule"]["State"] == "SCHEDULED"
    with pytest.raises(ClientError) as excinfo:
        glue.update_crawler_schedule(CrawlerName="cr", Schedule="cron(0 6 * * *)")
    assert error_of(excinfo)[0] == "InvalidInputException"
    glue.update_crawler_schedule(CrawlerName="cr")  # no expression: no schedule
    assert "Schedule" not in glue.get_crawler(Name="cr")["Crawler"]
    with pytest.raises(ClientError) as excinfo:
        glue.start_crawler_schedule(CrawlerName="nope")
    assert error_of(excinfo)[0] == "EntityNotFoundException"


def test_start_and_stop_errors(glue_emulator: EmulatorHandle) -> None:
    glue = glue_emulator.glue
    with pytest.raises(ClientError) as excinfo:
        glue.start_crawler(Name="nope")
    assert error_of(excinfo) == ("EntityNotFoundException", "Crawler entry with name nope does not exist")
    new_crawler(glue)
    with pytest.raises(ClientError) as excinfo:
        glue.stop_crawler(Name="cr")
    assert error_of(excinfo) == ("CrawlerNotRunningException", "Crawler with name cr isn't running")


# -- crawls of local S3 data -------------------------------------------------------------------------


def test_first_crawl_creates_the_table_its_partitions_and_an_index(lake: EmulatorHandle) -> None:
    glue = lake.glue
    put(lake, "sales/year=2023/part-0.csv", rows("1,a,2.5", "2,b,3.0"))
    put(lake, "sales/year=2024/part-0.csv", rows("3,c,1.5"))
    new_crawler(glue)
    history = crawl(glue)
    assert (history["State"], history["Summary"]) == (
        "COMPLETED", '{"TABLE":{"ADD":{"Count":1}},"PARTITION":{"ADD":{"Count":2}}}')
    crawler = glue.get_crawler(Name="cr")["Crawler"]
    assert crawler["LastCrawl"] == {"Status": "SUCCEEDED", "LogGroup": "/aws-glue/crawlers", "LogStream": "cr",
                                    "MessagePrefix": history["CrawlId"], "StartTime": history["StartTime"]}
    sales = table(glue, "sales")
    assert columns(glue, "sales") == [("id", "bigint"), ("name", "string"), ("amount", "double")]
    assert sales["PartitionKeys"] == [{"Name": "year", "Type": "string"}]
    assert (sales["StorageDescriptor"]["Location"], sales["TableType"], sales["Owner"]) == (
        "s3://raw/sales/", "EXTERNAL_TABLE", "owner")
    params = sales["Parameters"]
    assert (params["UPDATED_BY_CRAWLER"], params["CRAWL_RUN_ID"], params["classification"]) == (
        "cr", history["CrawlId"], "csv")
    assert (params["CrawlerSchemaSerializerVersion"], params["CrawlerSchemaDeserializerVersion"]) == ("1.0", "1.0")
    assert sales["StorageDescriptor"]["Parameters"] == params
    assert partition_values(glue, "sales") == [["2023"], ["2024"]]
    indexes = glue.get_partition_indexes(DatabaseName="db", TableName="sales")["PartitionIndexDescriptorList"]
    assert [(i["Keys"], i["IndexStatus"]) for i in indexes] == [([{"Name": "year", "Type": "string"}], "ACTIVE")]
    metrics = glue.get_crawler_metrics(CrawlerNameList=["cr", "unknown"])["CrawlerMetricsList"]
    assert [(m["CrawlerName"], m["TablesCreated"], m["TablesUpdated"], m["TablesDeleted"], m["StillEstimating"],
             m["TimeLeftSeconds"]) for m in metrics] == [("cr", 1, 0, 0, False, 0.0)]
    assert metrics[0]["LastRuntimeSeconds"] == metrics[0]["MedianRuntimeSeconds"] > 0
    prefix = f"[{history['CrawlId']}] "
    assert log_lines(lake) == [prefix + line for line in (
        "BENCHMARK : Running Start Crawl for Crawler cr",
        ('INFO : Crawler configured with Configuration {} and SchemaChangePolicy '
        '{"UpdateBehavior":"UPDATE_IN_DATABASE","DeleteBehavior":"DEPRECATE_IN_DATABASE"}.'),
        "BENCHMARK : Classification complete, writing results to database db",
        "INFO : Created table sales in database db",
        "INFO : Added partitions [[2023], [2024]] to table sales in database db",
        "BENCHMARK : Finished writing to Catalog",
        "BENCHMARK : Crawler has finished running and is in state READY",
    )]


def test_recrawl_of_unchanged_data_changes_nothing(lake: EmulatorHandle) -> None:
    glue = lake.glue
    put(lake, "sales/year=2023/part-0.csv", rows("1,a,2.5"))
    new_crawler(glue, Configuration='{"Version": 1.0, "CreatePartitionIndex": false}')
    crawl(glue)
    assert crawl(glue)["Summary"] == "{}"
    assert table(glue, "sales")["VersionId"] == "0"
    assert glue.get_partition_indexes(DatabaseName="db", TableName="sales")["PartitionIndexDescriptorList"] == []
    assert glue.get_crawler_metrics()["CrawlerMetricsList"][0]["TablesCreated"] == 0  # the last crawl's counts


def test_new_partition_and_new_column_update_the_table(lake: EmulatorHandle) -> None:
    glue = lake.glue
    put(lake, "sales/year=2023/part-0.csv", rows("1,a,2.5"))
    new_crawler(glue)
    crawl(glue)
    put(lake, "sales/year=2024/part-0.csv", rows("2,b,1.5,true", header="id,name,amount,paid\n"))
    history = crawl(glue)
    assert history["Summary"] == '{"TABLE":{"UPDATE":{"Count":1}},"PARTITION":{"ADD":{"Count":1}}}'
    assert columns(glue, "sales") == [("id", "bigint"), ("name", "string"), ("amount", "double"), ("paid", "boolean")]
    assert table(glue, "sales")["VersionId"] == "1"
    assert partition_values(glue, "sales") == [["2023"], ["2024"]]
    assert glue.get_crawler_metrics()["CrawlerMetricsList"][0]["TablesUpdated"] == 1


def test_update_behavior_log_keeps_the_table_but_adds_partitions(lake: EmulatorHandle) -> None:
    glue = lake.glue
    put(lake, "sales/year=2023/part-0.csv", rows("1,a,2.5"))
    new_crawler(glue, SchemaChangePolicy={"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"})
    crawl(glue)
    put(lake, "sales/year=2024/part-0.csv", rows("2,b,1.5,true", header="id,name,amount,paid\n"))
    history = crawl(glue)
    assert history["Summary"] == '{"PARTITION":{"ADD":{"Count":1}}}'
    assert columns(glue, "sales") == [("id", "bigint"), ("name", "string"), ("amount", "double")]
    assert partition_values(glue, "sales") == [["2023"], ["2024"]]
    assert any("Table sales in database db has changed; not updated (UpdateBehavior LOG" in line
               for line in log_lines(lake))


def test_merge_new_columns_keeps_types_and_partitions_inherit_the_table(lake: EmulatorHandle) -> None:
    glue = lake.glue
    config = {"Version": 1.0, "CrawlerOutput": {"Tables": {"AddOrUpdateBehavior": "MergeNewColumns"},
                                                "Partitions": {"AddOrUpdateBehavior": "InheritFromTable"}}}
    put(lake, "sales/year=2023/part-0.csv", rows("1,a,2.5"))
    new_crawler(glue, Configuration=json.dumps(config))
    crawl(glue)
    put(lake, "sales/year=2023/part-0.csv", rows("x1,a,2.5,2024-01-01", header="id,name,amount,day\n"))
    crawl(glue)
    # id turned string in the data; MergeNewColumns keeps bigint and only adds `day`
    assert columns(glue, "sales") == [("id", "bigint"), ("name", "string"), ("amount", "double"), ("day", "string")]
    (partition,) = glue.get_partitions(DatabaseName="db", TableName="sales")["Partitions"]
    assert partition["StorageDescriptor"]["Columns"] == table(glue, "sales")["StorageDescriptor"]["Columns"]
    assert partition["StorageDescriptor"]["Location"] == "s3://raw/sales/year=2023/"


@pytest.mark.parametrize(
    ("behavior", "summary"),
    [("LOG", "{}"), ("DELETE_FROM_DATABASE", '{"TABLE":{"DELETE":{"Count":1}}}'),
     ("DEPRECATE_IN_DATABASE", '{"TABLE":{"DELETE":{"Count":1}}}')],
)
def test_tables_whose_data_is_gone(lake: EmulatorHandle, behavior: str, summary: str) -> None:
    glue = lake.glue
    # three folders of dissimilar schemas: three tables, and still two once `users` is gone
    put(lake, "lake/sales/part-0.csv", rows("1,a,2.5"))
    put(lake, "lake/users/part-0.csv", rows("1,bob", "2,ann", header="id,user\n"))
    put(lake, "lake/events/part-0.csv", rows("x,true", "y,false", header="code,flag\n"))
    new_crawler(glue, path="s3://raw/lake/", SchemaChangePolicy={"DeleteBehavior": behavior})
    crawl(glue)
    assert [t["Name"] for t in glue.get_tables(DatabaseName="db")["TableList"]] == ["events", "sales", "users"]
    lake.s3.delete_object(Bucket="raw", Key="lake/users/part-0.csv")
    history = crawl(glue)
    assert history["Summary"] == summary
    names = [t["Name"] for t in glue.get_tables(DatabaseName="db")["TableList"]]
    assert names == (["events", "sales"] if behavior == "DELETE_FROM_DATABASE" else ["events", "sales", "users"])
    if behavior == "DEPRECATE_IN_DATABASE":
        users = table(glue, "users")
        stamp = users["Parameters"]["DEPRECATED_BY_CRAWLER"]
        assert stamp == str(int(history["StartTime"].timestamp() * 1000))
        assert users["StorageDescriptor"]["Parameters"]["DEPRECATED_BY_CRAWLER"] == stamp
        assert "DEPRECATED_BY_CRAWLER" not in table(glue, "sales")["Parameters"]
        assert crawl(glue)["Summary"] == "{}"  # deprecated once


def test_partitions_whose_folder_is_gone(lake: EmulatorHandle) -> None:
    glue = lake.glue
    for year in ("2023", "2024"):
        put(lake, f"sales/year={year}/part-0.csv", rows("1,a,2.5"))
    new_crawler(glue, SchemaChangePolicy={"DeleteBehavior": "DELETE_FROM_DATABASE"})
    crawl(glue)
    lake.s3.delete_object(Bucket="raw", Key="sales/year=2023/part-0.csv")
    assert '"PARTITION":{"DELETE":{"Count":1}}' in crawl(glue)["Summary"]
    assert partition_values(glue, "sales") == [["2024"]]


def test_crawl_new_folders_only_adds_and_touches_nothing_else(lake: EmulatorHandle) -> None:
    glue = lake.glue
    put(lake, "sales/year=2023/part-0.csv", rows("1,a,2.5"))
    new_crawler(glue, RecrawlPolicy={"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"})
    crawl(glue)
    put(lake, "sales/year=2023/part-0.csv", rows("1,a,2.5,x", header="id,name,amount,extra\n"))
    put(lake, "sales/year=2024/part-0.csv", rows("2,b,1.5"))
    assert crawl(glue)["Summary"] == '{"PARTITION":{"ADD":{"Count":1}}}'
    assert columns(glue, "sales") == [("id", "bigint"), ("name", "string"), ("amount", "double")]
    assert partition_values(glue, "sales") == [["2023"], ["2024"]]


def test_custom_classifier_and_table_prefix(lake: EmulatorHandle) -> None:
    glue = lake.glue
    glue.create_classifier(CsvClassifier={"Name": "semi", "Delimiter": ";", "ContainsHeader": "PRESENT"})
    put(lake, "sales/part-0.csv", b"id;city\n1;paris\n2;oslo\n")
    new_crawler(glue, Classifiers=["semi"], TablePrefix="raw_")
    crawl(glue)
    assert columns(glue, "raw_sales") == [("id", "bigint"), ("city", "string")]
    assert table(glue, "raw_sales")["Parameters"]["delimiter"] == ";"


def test_a_table_of_the_same_name_elsewhere_gets_a_hashed_name(lake: EmulatorHandle) -> None:
    glue = lake.glue
    glue.create_table(DatabaseName="db", TableInput={"Name": "sales", "StorageDescriptor": {"Location": "s3://x/y/"}})
    put(lake, "sales/part-0.csv", rows("1,a,2.5"))
    new_crawler(glue)
    crawl(glue)
    # AWS: "duplicates get a hash-string suffix" (crawler-running.html); which hash is not documented.
    # Ours is the first 8 hex digits of the SHA-256 of the table's location, so a re-crawl keeps the name.
    expected = "sales_246b772e"
    assert sorted(t["Name"] for t in glue.get_tables(DatabaseName="db")["TableList"]) == ["sales", expected]
    assert table(glue, expected)["StorageDescriptor"]["Location"] == "s3://raw/sales/"
    assert crawl(glue)["Summary"] == "{}"  # found again under the same name


def test_catalog_target_updates_existing_tables_only(lake: EmulatorHandle) -> None:
    glue = lake.glue
    glue.create_table(DatabaseName="db", TableInput={
        "Name": "orders", "PartitionKeys": [{"Name": "year", "Type": "string"}],
        "StorageDescriptor": {"Location": "s3://raw/orders/", "Columns": [{"Name": "id", "Type": "string"}]}})
    put(lake, "orders/year=2024/part-0.csv", rows("1,a,2.5"))
    put(lake, "other/part-0.csv", rows("1,a,2.5"))
    glue.create_crawler(Name="cr", Role=ROLE, Targets={"CatalogTargets": [{"DatabaseName": "db",
                                                                            "Tables": ["orders", "missing"]}]})
    history = crawl(glue)
    assert history["Summary"] == '{"TABLE":{"UPDATE":{"Count":1}},"PARTITION":{"ADD":{"Count":1}}}'
    assert [t["Name"] for t in glue.get_tables(DatabaseName="db")["TableList"]] == ["orders"]
    assert columns(glue, "orders") == [("id", "bigint"), ("name", "string"), ("amount", "double")]
    assert partition_values(glue, "orders") == [["2024"]]
    assert any("WARN : Table missing in database db not found; skipped" in line for line in log_lines(lake))


def test_bad_files_are_logged_and_the_rest_catalogued(lake: EmulatorHandle) -> None:
    glue = lake.glue
    put(lake, "lake/sales/part-0.csv", rows("1,a,2.5"))
    put(lake, "lake/events/part-0.csv", rows("x,true", "y,false", header="code,flag\n"))
    put(lake, "lake/junk/blob.bin", bytes(range(256)) * 4)
    empty = lake.server.data_dir / "s3" / "raw" / "lake" / "empty" / "nothing.csv"  # an empty object
    empty.parent.mkdir(parents=True)
    empty.write_bytes(b"")
    new_crawler(glue, path="s3://raw/lake/")
    assert crawl(glue)["State"] == "COMPLETED"
    assert [t["Name"] for t in glue.get_tables(DatabaseName="db")["TableList"]] == ["events", "sales"]
    warnings = [line for line in log_lines(lake) if "WARN : " in line]
    assert any("s3://raw/lake/empty/nothing.csv" in line for line in warnings)
    assert any("s3://raw/lake/junk/blob.bin" in line for line in warnings)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no_database", "Database db not found."),
        ("jdbc", ("glue-emulator cannot crawl DynamoDBTargets yet; it crawls S3Targets, IcebergTargets, JdbcTargets "
                 "and CatalogTargets")),
        ("event_mode", ("glue-emulator does not support RecrawlBehavior CRAWL_EVENT_MODE (S3 event notifications "
                       "through SQS); use CRAWL_EVERYTHING or CRAWL_NEW_FOLDERS_ONLY")),
        ("no_targets", "The crawler has no targets to crawl"),
        ("deleted_classifier", "Classifier with name gone does not exist"),
        ("threshold", ("The number of tables detected by crawler: 2 is greater than the table threshold value "
                      "provided: 1")),
    ],
)
def test_failed_crawls(glue_emulator: EmulatorHandle, setup: str, message: str) -> None:
    glue = glue_emulator.glue
    glue_emulator.s3.create_bucket(Bucket="raw")
    if setup != "no_database":
        glue.create_database(DatabaseInput={"Name": "db"})
    put(glue_emulator, "lake/a/part-0.csv", rows("1,a,2.5"))
    put(glue_emulator, "lake/b/part-0.csv", rows("1,bob", header="id,user\n"))
    targets: dict[str, Any] = {"S3Targets": [{"Path": "s3://raw/lake/"}]}
    extra: dict[str, Any] = {}
    if setup == "jdbc":
        targets = {"JdbcTargets": [{"ConnectionName": "pg", "Path": "db/%"}], "DynamoDBTargets": [{"Path": "t"}]}
    elif setup == "event_mode":
        extra["RecrawlPolicy"] = {"RecrawlBehavior": "CRAWL_EVENT_MODE"}
    elif setup == "no_targets":
        targets = {}
    elif setup == "deleted_classifier":
        glue.create_classifier(JsonClassifier={"Name": "gone", "JsonPath": "$"})
        extra["Classifiers"] = ["gone"]
    elif setup == "threshold":
        extra["Configuration"] = '{"Version": 1.0, "CrawlerOutput": {"Tables": {"TableThreshold": 1}}}'
    glue.create_crawler(Name="cr", Role=ROLE, DatabaseName="db", Targets=targets, **extra)
    if setup == "deleted_classifier":
        glue.delete_classifier(Name="gone")
    history = crawl(glue)
    assert (history["State"], history["ErrorMessage"], history["Summary"]) == ("FAILED", message, "{}")
    last = glue.get_crawler(Name="cr")["Crawler"]["LastCrawl"]
    assert (last["Status"], last["ErrorMessage"]) == ("FAILED", message)
    if setup != "no_database":
        assert glue.get_tables(DatabaseName="db")["TableList"] == []  # nothing half-written
    assert log_lines(glue_emulator)[-2].endswith(f"ERROR : {message}")


def test_list_crawls_filters_and_pages(lake: EmulatorHandle) -> None:
    glue = lake.glue
    put(lake, "sales/part-0.csv", rows("1,a,2.5"))
    new_crawler(glue)
    first, second, third = crawl(glue), crawl(glue), crawl(glue)
    assert [c["CrawlId"] for c in glue.list_crawls(CrawlerName="cr")["Crawls"]] == [
        third["CrawlId"], second["CrawlId"], first["CrawlId"]]
    page = glue.list_crawls(CrawlerName="cr", MaxResults=2)
    assert len(page["Crawls"]) == 2
    assert [c["CrawlId"] for c in glue.list_crawls(CrawlerName="cr", NextToken=page["NextToken"])["Crawls"]] == [
        first["CrawlId"]]

    def ids(*filters: tuple[str, str, str]) -> list[str]:
        specs = [{"FieldName": f, "FilterOperator": o, "FieldValue": v} for f, o, v in filters]
        return [c["CrawlId"] for c in glue.list_crawls(CrawlerName="cr", Filters=specs)["Crawls"]]

    start_ms = str(int(second["StartTime"].timestamp() * 1000))
    assert ids(("CRAWL_ID", "EQ", second["CrawlId"])) == [second["CrawlId"]]
    assert ids(("STATE", "EQ", "COMPLETED"), ("START_TIME", "GE", start_ms)) == [third["CrawlId"], second["CrawlId"]]
    assert ids(("START_TIME", "LT", start_ms)) == [first["CrawlId"]]
    assert ids(("STATE", "NE", "COMPLETED")) == []
    assert ids(("DPU_HOUR", "EQ", "0")) == [third["CrawlId"], second["CrawlId"], first["CrawlId"]]
    for bad in (("STATE", "GT", "COMPLETED"), ("STATE", "EQ", "DONE"), ("END_TIME", "LT", "soon")):
        with pytest.raises(ClientError) as excinfo:
            ids(bad)
        assert error_of(excinfo)[0] == "InvalidInputException"


# -- the lifecycle in process ------------------------------------------------------------------------


@pytest.fixture
def ctx(emulator: Emulator) -> RequestContext:
    context = RequestContext("123456789012", "us-east-1", "test", emulator)
    create_database(context, {"DatabaseInput": {"Name": "db"}})
    for folder, data in (("a", rows("1,a,2.5")), ("b", rows("x,true", header="code,flag\n"))):  # two tables
        path = emulator.settings.data_dir / "s3" / "raw" / "lake" / folder / "part-0.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    create_crawler(context, {"Name": "cr", "Role": ROLE, "DatabaseName": "db",
                             "Targets": {"S3Targets": [{"Path": "s3://raw/lake/"}]}})
    return context


@pytest.fixture
def ended(emulator: Emulator) -> list[tuple[str, str, str]]:
    events: list[tuple[str, str, str]] = []
    emulator.component(CrawlRunner).on_crawl_ended.append(lambda *event: events.append(event))
    return events


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> dict[str, threading.Event]:
    """Holds crawls in their planning step until `release` is set."""
    events = {"planning": threading.Event(), "release": threading.Event()}
    real = planner.plan_s3_target

    def held(*args: Any) -> list[planner.TablePlan]:
        events["planning"].set()
        assert events["release"].wait(10)
        return real(*args)

    monkeypatch.setattr(planner, "plan_s3_target", held)
    return events


def tables_in(ctx: RequestContext) -> list[str]:
    return [name for name, _ in ctx.store.list(ctx.scope, TABLE, table_parent(ctx.account, "db"))]


def test_stop_while_planning_cancels_and_writes_nothing(
    ctx: RequestContext, ended: list[tuple[str, str, str]], gate: dict[str, threading.Event]
) -> None:
    runner = ctx.emulator.component(CrawlRunner)
    crawl_id = runner.start(ctx.scope, "cr")
    assert gate["planning"].wait(30)
    crawler = get_crawler(ctx, {"Name": "cr"})["Crawler"]
    assert crawler["State"] == "RUNNING" and crawler["CrawlElapsedTime"] >= 0
    with pytest.raises(CrawlerRunningException):
        runner.start(ctx.scope, "cr")
    with pytest.raises(CrawlerRunningException, match="Cannot update Crawler while running"):
        update_crawler(ctx, {"Name": "cr", "Description": "x"})
    runner.stop(ctx.scope, "cr")
    assert get_crawler(ctx, {"Name": "cr"})["Crawler"]["State"] == "STOPPING"
    with pytest.raises(CrawlerStoppingException):
        runner.stop(ctx.scope, "cr")
    gate["release"].set()
    assert wait_for_events(ended, 1) == [(ctx.scope, "cr", "CANCELLED")]
    crawler = get_crawler(ctx, {"Name": "cr"})["Crawler"]
    assert (crawler["State"], crawler["LastCrawl"]["Status"], crawler["LastCrawl"]["MessagePrefix"]) == (
        "READY", "CANCELLED", crawl_id)
    assert list_crawls(ctx, {"CrawlerName": "cr"})["Crawls"][0]["State"] == "STOPPED"
    assert tables_in(ctx) == []


def test_a_crawl_that_fails_while_writing_leaves_the_catalog_as_it_was(
    ctx: RequestContext, ended: list[tuple[str, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = planner.plan_s3_target

    def with_a_bad_table(*args: Any) -> list[planner.TablePlan]:
        plans = real(*args)
        plans[-1].table_input["Name"] = "bad/name"  # the catalog refuses it after the first table is written
        return plans

    monkeypatch.setattr(planner, "plan_s3_target", with_a_bad_table)
    ctx.emulator.component(CrawlRunner).start(ctx.scope, "cr")
    assert wait_for_events(ended, 1) == [(ctx.scope, "cr", "FAILED")]
    assert tables_in(ctx) == []
    last = get_crawler(ctx, {"Name": "cr"})["Crawler"]["LastCrawl"]
    assert "contains an invalid character" in last["ErrorMessage"]


def test_a_successful_crawl_is_announced(ctx: RequestContext, ended: list[tuple[str, str, str]]) -> None:
    ctx.emulator.component(CrawlRunner).start(ctx.scope, "cr")
    assert wait_for_events(ended, 1) == [(ctx.scope, "cr", "SUCCEEDED")]
    assert tables_in(ctx) == ["a", "b"]


def test_a_crawl_left_running_by_a_dead_server_ends_failed(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", durable=False, spark_prewarm=False)
    first = Emulator(settings)
    context = RequestContext("123456789012", "us-east-1", "test", first)
    (settings.data_dir / "s3" / "raw").mkdir(parents=True)
    create_crawler(context, {"Name": "cr", "Role": ROLE, "Targets": {"S3Targets": [{"Path": "s3://raw/x/"}]}})
    doc = first.store.get(context.scope, CRAWLER, "", "cr")
    first.store.put(context.scope, CRAWLER, "", "cr", {**doc, "State": "RUNNING"})
    first.store.put(context.scope, CRAWL, "cr", "000000000000001-id1",
                    {"CrawlId": "id1", "State": "RUNNING", "StartTime": 1.0, "LogGroup": "/aws-glue/crawlers",
                     "LogStream": "cr", "MessagePrefix": "id1", "DPUHour": 0.0})
    first.shutdown()
    second = Emulator(settings)
    try:
        context = RequestContext("123456789012", "us-east-1", "test", second)
        crawler = get_crawler(context, {"Name": "cr"})["Crawler"]
        assert crawler["State"] == "READY"
        assert crawler["LastCrawl"] == {"Status": "FAILED", "ErrorMessage": RESTART_MESSAGE,
                                        "LogGroup": "/aws-glue/crawlers", "LogStream": "cr", "MessagePrefix": "id1",
                                        "StartTime": 1.0}
        (history,) = list_crawls(context, {"CrawlerName": "cr"})["Crawls"]
        assert (history["State"], history["ErrorMessage"]) == ("FAILED", RESTART_MESSAGE)
    finally:
        second.shutdown()
