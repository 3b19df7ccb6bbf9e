"""Iceberg tables through the Glue API (issue #13, item 11) on a real server: CreateTable with
OpenTableFormatInput.IcebergInput writes a format-version 2 metadata file that pyiceberg's Glue catalog
loads and appends to; pyiceberg's own create_table is seen by boto3; the documented errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import wait_until

from emulator.testing.plugin import EmulatorHandle

pa = pytest.importorskip("pyarrow")
pytest.importorskip("pyiceberg.catalog.glue", reason="pyiceberg[glue,pyarrow] is a dependency")
from pyiceberg.catalog import load_catalog

COLUMNS = [{"Name": "id", "Type": "bigint"}, {"Name": "kind", "Type": "string"},
           {"Name": "amount", "Type": "decimal(10,2)"}, {"Name": "tags", "Type": "array<string>"}]
ICEBERG = {"IcebergInput": {"MetadataOperation": "CREATE", "Version": "2"}}


@pytest.fixture
def lake(glue_emulator: EmulatorHandle) -> EmulatorHandle:
    glue_emulator.s3.create_bucket(Bucket="warehouse")
    glue_emulator.glue.create_database(DatabaseInput={"Name": "lakehouse"})
    return glue_emulator


def catalog(handle: EmulatorHandle) -> Any:
    keys = {"access-key-id": "testing", "secret-access-key": "testing", "region": "us-east-1"}
    settings = {f"{service}.{k}": v for service in ("glue", "s3") for k, v in keys.items()}
    return load_catalog("glue", **{"type": "glue", "glue.endpoint": handle.endpoint, "s3.endpoint": handle.endpoint,
                                   **settings})


def metadata_of(handle: EmulatorHandle, location: str) -> dict[str, Any]:
    bucket, _, key = location.removeprefix("s3://").partition("/")
    return json.loads(handle.s3.get_object(Bucket=bucket, Key=key)["Body"].read())


def test_create_table_with_iceberg_input_writes_v2_metadata_that_pyiceberg_loads_and_appends_to(lake):
    glue = lake.glue
    glue.create_table(DatabaseName="lakehouse", OpenTableFormatInput=ICEBERG, TableInput={
        "Name": "events", "StorageDescriptor": {"Columns": COLUMNS, "Location": "s3://warehouse/events"}})

    table = glue.get_table(DatabaseName="lakehouse", Name="events")["Table"]
    assert table["TableType"] == "EXTERNAL_TABLE"
    assert table["Parameters"]["table_type"] == "ICEBERG"
    first = table["Parameters"]["metadata_location"]
    assert first.startswith("s3://warehouse/events/metadata/00000-") and first.endswith(".metadata.json")
    assert table["StorageDescriptor"]["Location"] == "s3://warehouse/events"
    assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [
        ("id", "bigint"), ("kind", "string"), ("amount", "decimal(10,2)"), ("tags", "array<string>")]
    metadata = metadata_of(lake, first)
    assert metadata["format-version"] == 2 and metadata["location"] == "s3://warehouse/events"
    assert [f["name"] for f in metadata["schemas"][0]["fields"]] == ["id", "kind", "amount", "tags"]

    loaded = catalog(lake).load_table("lakehouse.events")
    rows = pa.table({"id": pa.array([1, 2], pa.int64()), "kind": ["click", "view"],
                     "amount": pa.array([1, 2], pa.decimal128(10, 2)), "tags": [["a"], []]},
                    schema=loaded.schema().as_arrow())
    loaded.append(rows)

    assert catalog(lake).load_table("lakehouse.events").scan().to_arrow().num_rows == 2
    after = glue.get_table(DatabaseName="lakehouse", Name="events")["Table"]
    assert after["Parameters"]["metadata_location"] != first
    assert after["Parameters"]["table_type"] == "ICEBERG"


def test_create_table_from_create_iceberg_table_input_alone(lake):
    lake.glue.create_database(DatabaseInput={"Name": "located", "LocationUri": "s3://warehouse/located"})
    schema = {"Fields": [{"Id": 1, "Name": "id", "Type": "long", "Required": True},
                         {"Id": 2, "Name": "day", "Type": "date", "Required": False, "Doc": "event day"}]}
    spec = {"Fields": [{"SourceId": 2, "Transform": "month", "Name": "day_month"}]}
    lake.glue.create_table(DatabaseName="located", Name="daily", OpenTableFormatInput={"IcebergInput": {
        "MetadataOperation": "CREATE", "CreateIcebergTableInput": {
            "Location": "", "Schema": schema, "PartitionSpec": spec, "Properties": {"owner": "me"}}}})

    table = lake.glue.get_table(DatabaseName="located", Name="daily")["Table"]
    assert table["StorageDescriptor"]["Location"] == "s3://warehouse/located/daily"
    metadata = metadata_of(lake, table["Parameters"]["metadata_location"])
    assert metadata["format-version"] == 2
    assert metadata["properties"] == {"owner": "me"}
    assert [f["transform"] for f in metadata["partition-specs"][0]["fields"]] == ["month"]
    assert catalog(lake).load_table("located.daily").schema().find_field("day").doc == "event day"


def test_pyiceberg_create_table_is_seen_by_get_table(lake):
    schema = pa.schema([pa.field("id", pa.int64()), pa.field("name", pa.string())])
    catalog(lake).create_table("lakehouse.people", schema=schema, location="s3://warehouse/people")
    table = lake.glue.get_table(DatabaseName="lakehouse", Name="people")["Table"]
    assert table["Parameters"]["table_type"].upper() == "ICEBERG"
    assert metadata_of(lake, table["Parameters"]["metadata_location"])["format-version"] == 2


ERROR_CASES = [
    ("no bucket", {"TableInput": {"Name": "t", "StorageDescriptor": {"Columns": COLUMNS,
                                                                    "Location": "s3://nope/t"}}},
     "InvalidInputException", "Invalid Iceberg table location s3://nope/t"),
    ("not s3", {"TableInput": {"Name": "t", "StorageDescriptor": {"Columns": COLUMNS, "Location": "/tmp/t"}}},
     "InvalidInputException", "Invalid Iceberg table location /tmp/t"),
    ("no location", {"TableInput": {"Name": "t", "StorageDescriptor": {"Columns": COLUMNS}}},
     "InvalidInputException", "An Iceberg table needs a location"),
    ("bad column type", {"TableInput": {"Name": "t", "StorageDescriptor": {
        "Columns": [{"Name": "x", "Type": "uniontype<int,string>"}], "Location": "s3://warehouse/t"}}},
     "InvalidInputException", "Cannot create an Iceberg table with a column of type uniontype<int,string>"),
    ("no name", {}, "InvalidInputException", "Name or TableInput.Name is required."),
]


@pytest.mark.parametrize(("case", "params", "code", "message"), ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_create_iceberg_table_errors(lake, case, params, code, message):
    with pytest.raises(ClientError) as excinfo:
        lake.glue.create_table(DatabaseName="lakehouse", OpenTableFormatInput=ICEBERG, **params)
    error = excinfo.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == (code, 400)
    assert error["Error"]["Message"].startswith(message)
    assert lake.glue.get_tables(DatabaseName="lakehouse")["TableList"] == []


def test_create_iceberg_table_that_exists_or_in_a_missing_database(lake):
    glue = lake.glue
    table = {"Name": "t", "StorageDescriptor": {"Columns": COLUMNS, "Location": "s3://warehouse/t"}}
    glue.create_table(DatabaseName="lakehouse", OpenTableFormatInput=ICEBERG, TableInput=table)
    with pytest.raises(glue.exceptions.AlreadyExistsException):
        glue.create_table(DatabaseName="lakehouse", OpenTableFormatInput=ICEBERG, TableInput=table)
    files = lake.s3.list_objects_v2(Bucket="warehouse", Prefix="t/metadata/")["Contents"]
    assert len(files) == 1  # the refused create wrote no second metadata file
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.create_table(DatabaseName="nodb", OpenTableFormatInput=ICEBERG, TableInput=table)


# -- crawlers with IcebergTargets register such tables -----------------------------------------------------


def test_a_crawler_with_iceberg_targets_registers_the_tables_it_finds(lake):
    glue = lake.glue
    source = catalog(lake)
    schema = pa.schema([pa.field("id", pa.int64()), pa.field("name", pa.string())])
    people = source.create_table("lakehouse.people", schema=schema, location="s3://warehouse/lake/people")
    people.append(pa.table({"id": pa.array([1, 2, 3], pa.int64()), "name": ["a", "b", "c"]}))
    source.create_table("lakehouse.deep", schema=schema, location="s3://warehouse/lake/x/y/deep")
    lake.s3.put_object(Bucket="warehouse", Key="lake/plain/part-0.csv", Body=b"id\n1\n")  # no Iceberg table
    glue.create_database(DatabaseInput={"Name": "crawled"})
    glue.create_crawler(Name="ice", Role="GlueCrawler", DatabaseName="crawled", Targets={
        "IcebergTargets": [{"Paths": ["s3://warehouse/lake"], "MaximumTraversalDepth": 2}]})

    glue.start_crawler(Name="ice")
    wait_until(lambda: glue.get_crawler(Name="ice")["Crawler"], "the crawl to end",
               until=lambda c: c["State"] == "READY" and "LastCrawl" in c, timeout=60)

    last = glue.get_crawler(Name="ice")["Crawler"]["LastCrawl"]
    assert last["Status"] == "SUCCEEDED", last
    # x/y/deep is 3 levels down: past MaximumTraversalDepth 2.
    assert [t["Name"] for t in glue.get_tables(DatabaseName="crawled")["TableList"]] == ["people"]
    table = glue.get_table(DatabaseName="crawled", Name="people")["Table"]
    current = glue.get_table(DatabaseName="lakehouse", Name="people")["Table"]["Parameters"]["metadata_location"]
    assert table["Parameters"]["table_type"] == "ICEBERG"
    assert table["Parameters"]["metadata_location"] == current
    assert table["StorageDescriptor"]["Location"] == "s3://warehouse/lake/people"
    assert table["CreatedBy"].endswith(":assumed-role/GlueCrawler/AWS-Crawler")
    assert catalog(lake).load_table("crawled.people").scan().to_arrow().num_rows == 3


# -- Spark-side Iceberg: --datalake-formats iceberg -------------------------------------------------------


def test_a_spark_run_asking_for_iceberg_fails_naming_the_missing_jars(lake):
    glue = lake.glue
    lake.s3.create_bucket(Bucket="scripts")
    lake.s3.put_object(Bucket="scripts", Key="ice.py", Body=b"print('never runs')\n")
    glue.create_job(Name="ice", Role="GlueRole", GlueVersion="4.0", DefaultArguments={"--datalake-formats": "iceberg"},
                    Command={"Name": "glueetl", "ScriptLocation": "s3://scripts/ice.py"})
    run_id = glue.start_job_run(JobName="ice")["JobRunId"]
    run = wait_until(lambda: glue.get_job_run(JobName="ice", RunId=run_id)["JobRun"], "the run to end",
                     until=lambda r: r["JobRunState"] not in ("STARTING", "RUNNING", "WAITING"), timeout=60)
    assert run["JobRunState"] == "FAILED"
    message = run["ErrorMessage"]
    assert "iceberg-spark-runtime-3.5_2.12" in message and "iceberg-aws-bundle" in message
    assert "Maven Central" in message and "jars" in message


@pytest.mark.parametrize(("command", "formats"), [("glueetl", "hudi"), ("pythonshell", "iceberg"), ("glueetl", "")])
def test_other_data_lake_formats_and_commands_are_not_checked_for_iceberg_jars(command, formats):
    from emulator.jobs.arguments import check_datalake_formats

    check_datalake_formats(command, {"--datalake-formats": formats})  # no RunSetupError
