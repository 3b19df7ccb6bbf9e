"""Tables, table versions, SearchTables and partition indexes, as a boto3 client sees them."""

from __future__ import annotations

from typing import Any

import pytest
from support import error_of

from emulator.catalog.tables import _descending, _name_pattern, _token_match
from emulator.errors import InvalidInputException

COLUMNS = [{"Name": "id", "Type": "bigint"}, {"Name": "amount", "Type": "double", "Comment": "gross revenue"}]
KEYS = [{"Name": "dt", "Type": "date"}, {"Name": "country", "Type": "string"}, {"Name": "year", "Type": "int"},
        {"Name": "score", "Type": "double"}]


def table_input(name: str, **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "Name": name,
        "StorageDescriptor": {"Columns": COLUMNS, "Location": f"s3://bucket/{name.lower()}/"},
        "TableType": "EXTERNAL_TABLE",
    }
    spec.update(extra)
    return spec


@pytest.fixture
def glue(glue_emulator):
    glue_emulator.glue.create_database(DatabaseInput={"Name": "sales_db"})
    return glue_emulator.glue


def names(tables: list[dict[str, Any]]) -> list[str]:
    return [t["Name"] for t in tables]


# -- CreateTable / GetTable ----------------------------------------------------------------------------


def test_created_table_has_the_aws_table_shape(glue):
    glue.create_table(DatabaseName="SALES_DB", TableInput=table_input("Orders", Parameters={"classification": "csv"},
                                                                      Owner="ana", Description="all orders"))
    table = glue.get_table(DatabaseName="sales_db", Name="ORDERS")["Table"]
    create_time, update_time = table.pop("CreateTime"), table.pop("UpdateTime")
    assert create_time == update_time
    assert table == {
        "Name": "orders",
        "DatabaseName": "sales_db",
        "Description": "all orders",
        "Owner": "ana",
        "Retention": 0,
        "StorageDescriptor": {"Columns": COLUMNS, "Location": "s3://bucket/orders/"},
        "PartitionKeys": [],
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"classification": "csv"},
        "CreatedBy": "arn:aws:iam::123456789012:root",
        "IsRegisteredWithLakeFormation": False,
        "CatalogId": "123456789012",
        "VersionId": "0",
    }


def test_create_table_errors(glue_emulator, glue):
    glue.create_table(DatabaseName="sales_db", TableInput=table_input("orders"))
    with pytest.raises(glue.exceptions.EntityNotFoundException) as caught:
        glue.create_table(DatabaseName="nope", TableInput=table_input("t"))
    assert error_of(caught) == ("EntityNotFoundException", "Database nope not found.")
    with pytest.raises(glue.exceptions.AlreadyExistsException) as caught:
        glue.create_table(DatabaseName="sales_db", TableInput=table_input("ORDERS"))
    assert error_of(caught) == ("AlreadyExistsException", "Table already exists.")
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.create_table(DatabaseName="sales_db", TableInput=table_input("a/b"))
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.create_table(DatabaseName="sales_db", Name="other", TableInput=table_input("orders2"))
    status, body = glue_emulator.server.glue_raw("CreateTable", {"DatabaseName": "sales_db", "Name": "x"})
    assert (status, body["__type"]) == (400, "InvalidInputException")
    assert names(glue.get_tables(DatabaseName="sales_db")["TableList"]) == ["orders"]


def test_get_table_errors(glue):
    with pytest.raises(glue.exceptions.EntityNotFoundException) as caught:
        glue.get_table(DatabaseName="sales_db", Name="Missing")
    assert error_of(caught) == ("EntityNotFoundException", "Table Missing not found.")
    with pytest.raises(glue.exceptions.EntityNotFoundException) as caught:
        glue.get_table(DatabaseName="nope", Name="t")
    assert error_of(caught) == ("EntityNotFoundException", "Database nope not found.")


def test_iso_timestamps_in_table_input_are_stored_as_epoch_seconds(glue_emulator, glue):
    status, _ = glue_emulator.server.glue_raw("CreateTable", {
        "DatabaseName": "sales_db", "TableInput": {"Name": "t", "LastAccessTime": "2024-01-02T03:04:05Z"}})
    assert status == 200
    _, body = glue_emulator.server.glue_raw("GetTable", {"DatabaseName": "sales_db", "Name": "t"})
    assert body["Table"]["LastAccessTime"] == 1704164645.0


# -- GetTables ----------------------------------------------------------------------------------------


def test_get_tables_pages_through_all_tables(glue):
    for i in range(101):
        glue.create_table(DatabaseName="sales_db", TableInput={"Name": f"t{i:03d}"})
    first = glue.get_tables(DatabaseName="sales_db")
    assert names(first["TableList"]) == [f"t{i:03d}" for i in range(100)]  # the default page is the cap
    last = glue.get_tables(DatabaseName="sales_db", NextToken=first["NextToken"])
    assert names(last["TableList"]) == ["t100"] and "NextToken" not in last

    pages = list(glue.get_paginator("get_tables").paginate(DatabaseName="sales_db", PaginationConfig={"PageSize": 40}))
    assert [len(p["TableList"]) for p in pages] == [40, 40, 21]
    assert [n for p in pages for n in names(p["TableList"])] == [f"t{i:03d}" for i in range(101)]


def test_get_tables_of_a_missing_database(glue):
    with pytest.raises(glue.exceptions.EntityNotFoundException) as caught:
        glue.get_tables(DatabaseName="nope")
    assert error_of(caught) == ("EntityNotFoundException", "Database nope not found.")


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("sales_2020", ["sales_2020"]),
        ("sales", []),  # the whole name must match
        ("sales.*", ["sales_2020", "sales_2021"]),
        ("sales_202[01]", ["sales_2020", "sales_2021"]),
        ("*sales*", ["customer_sales", "sales_2020", "sales_2021"]),
        ("*sales", ["customer_sales"]),
        ("orders|customer_sales", ["customer_sales", "orders"]),
        ("SALES_2021", ["sales_2021"]),
        ("", ["customer_sales", "orders", "sales_2020", "sales_2021"]),
    ],
)
def test_get_tables_expression(glue, expression, expected):
    for name in ("sales_2020", "sales_2021", "orders", "customer_sales"):
        glue.create_table(DatabaseName="sales_db", TableInput={"Name": name})
    assert names(glue.get_tables(DatabaseName="sales_db", Expression=expression)["TableList"]) == expected


def test_get_tables_expression_must_be_a_regular_expression(glue):
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.get_tables(DatabaseName="sales_db", Expression="sales(")


def test_get_tables_attributes_to_get(glue):
    glue.create_table(DatabaseName="sales_db", TableInput=table_input("a"))
    glue.create_table(DatabaseName="sales_db", TableInput={"Name": "b"})
    assert glue.get_tables(DatabaseName="sales_db", AttributesToGet=["NAME"])["TableList"] == [
        {"Name": "a"}, {"Name": "b"}]
    assert glue.get_tables(DatabaseName="sales_db", AttributesToGet=["NAME", "TABLE_TYPE"])["TableList"] == [
        {"Name": "a", "TableType": "EXTERNAL_TABLE"}, {"Name": "b"}]
    for bad in (["TABLE_TYPE"], []):
        with pytest.raises(glue.exceptions.InvalidInputException):
            glue.get_tables(DatabaseName="sales_db", AttributesToGet=bad)


# -- UpdateTable and versions ---------------------------------------------------------------------------


def versions_of(glue, table: str = "orders") -> list[tuple[str, str | None]]:
    versions = glue.get_table_versions(DatabaseName="sales_db", TableName=table)["TableVersions"]
    return [(v["VersionId"], v["Table"].get("Description")) for v in versions]


def test_update_table_replaces_the_definition_and_archives_the_previous_one(glue):
    glue.create_table(DatabaseName="sales_db", TableInput=table_input("orders", Description="v0",
                                                                      Parameters={"a": "1"}))
    before = glue.get_table(DatabaseName="sales_db", Name="orders")["Table"]
    glue.update_table(DatabaseName="sales_db", TableInput={"Name": "ORDERS", "Description": "v1"})
    after = glue.get_table(DatabaseName="sales_db", Name="orders")["Table"]
    assert after["VersionId"] == "1"
    assert after["CreateTime"] == before["CreateTime"] and after["UpdateTime"] >= before["UpdateTime"]
    assert (after["Description"], "Parameters" in after, "StorageDescriptor" in after) == ("v1", False, False)
    assert after["PartitionKeys"] == []
    assert versions_of(glue) == [("1", "v1"), ("0", "v0")]
    archived = glue.get_table_version(DatabaseName="sales_db", TableName="orders", VersionId="0")["TableVersion"]
    assert archived["VersionId"] == "0" and archived["Table"]["Parameters"] == {"a": "1"}


def test_skip_archive_replaces_the_previous_version_and_still_advances_the_id(glue):
    glue.create_table(DatabaseName="sales_db", TableInput=table_input("orders", Description="v0"))
    glue.update_table(DatabaseName="sales_db", TableInput={"Name": "orders", "Description": "v1"})
    glue.update_table(DatabaseName="sales_db", TableInput={"Name": "orders", "Description": "v2"}, SkipArchive=True)
    assert glue.get_table(DatabaseName="sales_db", Name="orders")["Table"]["VersionId"] == "2"
    assert versions_of(glue) == [("2", "v2"), ("0", "v0")]
    glue.update_table(DatabaseName="sales_db", TableInput={"Name": "orders", "Description": "v3"}, SkipArchive=False)
    assert versions_of(glue) == [("3", "v3"), ("2", "v2"), ("0", "v0")]


def test_update_table_version_id_is_an_optimistic_lock(glue):
    glue.create_table(DatabaseName="sales_db", TableInput=table_input("orders", Description="v0"))
    glue.update_table(DatabaseName="sales_db", TableInput={"Name": "orders", "Description": "v1"}, VersionId="0")
    with pytest.raises(glue.exceptions.ConcurrentModificationException) as caught:
        glue.update_table(DatabaseName="sales_db", TableInput={"Name": "orders", "Description": "lost"}, VersionId="0")
    assert error_of(caught) == ("ConcurrentModificationException",
                                "Update table failed due to concurrent modifications.")
    table = glue.get_table(DatabaseName="sales_db", Name="orders")["Table"]
    assert (table["Description"], table["VersionId"]) == ("v1", "1")
    assert versions_of(glue) == [("1", "v1"), ("0", "v0")]


def test_update_table_errors(glue):
    with pytest.raises(glue.exceptions.EntityNotFoundException) as caught:
        glue.update_table(DatabaseName="sales_db", TableInput={"Name": "missing"})
    assert error_of(caught) == ("EntityNotFoundException", "Table missing not found.")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.update_table(DatabaseName="nope", TableInput={"Name": "t"})


def test_get_table_version(glue):
    glue.create_table(DatabaseName="sales_db", TableInput=table_input("orders", Description="v0"))
    glue.update_table(DatabaseName="sales_db", TableInput={"Name": "orders", "Description": "v1"})
    current = glue.get_table_version(DatabaseName="sales_db", TableName="orders")["TableVersion"]
    assert (current["VersionId"], current["Table"]["Description"]) == ("1", "v1")
    with pytest.raises(glue.exceptions.EntityNotFoundException) as caught:
        glue.get_table_version(DatabaseName="sales_db", TableName="orders", VersionId="7")
    assert error_of(caught) == ("EntityNotFoundException", "Version 7 of table orders not found.")
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.get_table_version(DatabaseName="sales_db", TableName="orders", VersionId="latest")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_table_version(DatabaseName="sales_db", TableName="missing")


def test_get_table_versions_newest_first_across_pages(glue):
    glue.create_table(DatabaseName="sales_db", TableInput=table_input("orders", Description="v0"))
    for i in range(1, 12):
        glue.update_table(DatabaseName="sales_db", TableInput={"Name": "orders", "Description": f"v{i}"})
    pages = list(glue.get_paginator("get_table_versions").paginate(
        DatabaseName="sales_db", TableName="orders", PaginationConfig={"PageSize": 5}))
    assert [len(p["TableVersions"]) for p in pages] == [5, 5, 2]
    assert [v["VersionId"] for p in pages for v in p["TableVersions"]] == [str(i) for i in range(11, -1, -1)]
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_table_versions(DatabaseName="sales_db", TableName="missing")


def test_delete_table_version(glue):
    glue.create_table(DatabaseName="sales_db", TableInput=table_input("orders", Description="v0"))
    glue.update_table(DatabaseName="sales_db", TableInput={"Name": "orders", "Description": "v1"})
    glue.update_table(DatabaseName="sales_db", TableInput={"Name": "orders", "Description": "v2"})
    glue.delete_table_version(DatabaseName="sales_db", TableName="orders", VersionId="1")
    assert versions_of(glue) == [("2", "v2"), ("0", "v0")]
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.delete_table_version(DatabaseName="sales_db", TableName="orders", VersionId="1")
    with pytest.raises(glue.exceptions.InvalidInputException) as caught:
        glue.delete_table_version(DatabaseName="sales_db", TableName="orders", VersionId="2")
    assert error_of(caught)[1] == "Version 2 is the current version of table orders and cannot be deleted."
    assert versions_of(glue) == [("2", "v2"), ("0", "v0")]


def test_batch_delete_table_version_reports_each_failure(glue):
    glue.create_table(DatabaseName="sales_db", TableInput=table_input("orders", Description="v0"))
    glue.update_table(DatabaseName="sales_db", TableInput={"Name": "orders", "Description": "v1"})
    glue.update_table(DatabaseName="sales_db", TableInput={"Name": "orders", "Description": "v2"})
    result = glue.batch_delete_table_version(DatabaseName="sales_db", TableName="orders",
                                             VersionIds=["0", "9", "2", "x"])
    assert [(e["TableName"], e["VersionId"], e["ErrorDetail"]["ErrorCode"]) for e in result["Errors"]] == [
        ("orders", "9", "EntityNotFoundException"),
        ("orders", "2", "InvalidInputException"),
        ("orders", "x", "InvalidInputException"),
    ]
    assert result["Errors"][0]["ErrorDetail"]["ErrorMessage"] == "Version 9 of table orders not found."
    assert versions_of(glue) == [("2", "v2"), ("1", "v1")]
    result = glue.batch_delete_table_version(DatabaseName="sales_db", TableName="orders", VersionIds=["1"])
    assert result["Errors"] == []
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.batch_delete_table_version(DatabaseName="sales_db", TableName="missing", VersionIds=["1"])


# -- DeleteTable, BatchDeleteTable and cascades ------------------------------------------------------------


def populate(glue_emulator, glue, table: str = "events") -> str:
    """A table with a second version, two partitions, an index and tags; returns its ARN."""
    glue.create_table(DatabaseName="sales_db", TableInput=table_input(table, PartitionKeys=KEYS[1:2]),
                      PartitionIndexes=[{"IndexName": "by_country", "Keys": ["country"]}])
    glue.update_table(DatabaseName="sales_db", TableInput=table_input(table, PartitionKeys=KEYS[1:2], Description="2"))
    for country in ("fr", "de"):
        glue.create_partition(DatabaseName="sales_db", TableName=table, PartitionInput={"Values": [country]})
    table_arn = f"arn:aws:glue:us-east-1:123456789012:table/sales_db/{table}"
    glue.tag_resource(ResourceArn=table_arn, TagsToAdd={"team": "data"})
    return table_arn


def assert_fresh(glue, table: str, table_arn: str) -> None:
    """A table recreated under a deleted one's name inherits nothing from it."""
    glue.create_table(DatabaseName="sales_db", TableInput=table_input(table, PartitionKeys=KEYS[1:2]))
    assert versions_of(glue, table) == [("0", None)]
    assert glue.get_partitions(DatabaseName="sales_db", TableName=table)["Partitions"] == []
    assert glue.get_partition_indexes(DatabaseName="sales_db", TableName=table)["PartitionIndexDescriptorList"] == []
    assert glue.get_tags(ResourceArn=table_arn)["Tags"] == {}


def test_delete_table_cascades(glue_emulator, glue):
    table_arn = populate(glue_emulator, glue)
    populate(glue_emulator, glue, "events_other")
    glue.delete_table(DatabaseName="SALES_DB", Name="EVENTS")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_table(DatabaseName="sales_db", Name="events")
    with pytest.raises(glue.exceptions.EntityNotFoundException) as caught:
        glue.delete_table(DatabaseName="sales_db", Name="events")
    assert error_of(caught) == ("EntityNotFoundException", "Table events not found.")
    assert_fresh(glue, "events", table_arn)
    # the neighbour whose name extends the deleted one's keeps everything
    assert len(glue.get_partitions(DatabaseName="sales_db", TableName="events_other")["Partitions"]) == 2
    assert len(versions_of(glue, "events_other")) == 2


def test_batch_delete_table_reports_missing_tables(glue_emulator, glue):
    table_arn = populate(glue_emulator, glue)
    glue.create_table(DatabaseName="sales_db", TableInput={"Name": "b"})
    result = glue.batch_delete_table(DatabaseName="sales_db", TablesToDelete=["events", "missing", "B"])
    assert result["Errors"] == [{"TableName": "missing", "ErrorDetail": {
        "ErrorCode": "EntityNotFoundException", "ErrorMessage": "Table missing not found."}}]
    assert glue.get_tables(DatabaseName="sales_db")["TableList"] == []
    assert_fresh(glue, "events", table_arn)
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.batch_delete_table(DatabaseName="nope", TablesToDelete=["t"])


def test_delete_database_cascades_to_tables_and_what_hangs_off_them(glue_emulator, glue):
    table_arn = populate(glue_emulator, glue)
    glue.delete_database(Name="sales_db")
    glue.create_database(DatabaseInput={"Name": "sales_db"})
    assert glue.get_tables(DatabaseName="sales_db")["TableList"] == []
    assert_fresh(glue, "events", table_arn)


# -- SearchTables ----------------------------------------------------------------------------------------


@pytest.fixture
def catalog(glue):
    glue.create_database(DatabaseInput={"Name": "crm"})
    glue.create_table(DatabaseName="sales_db", TableInput=table_input(
        "customer-link", Description="Links customers", Parameters={"classification": "parquet"}))
    glue.create_table(DatabaseName="sales_db", TableInput=table_input("xx-link-yy", Owner="ana"))
    glue.create_table(DatabaseName="crm", TableInput=table_input("xxlinkyy", Parameters={"classification": "csv"}))
    glue.create_table(DatabaseName="crm", TableInput={"Name": "accounts", "Description": "customer accounts"})
    return glue


def searched(glue, **kwargs: Any) -> list[str]:
    return [f"{t['DatabaseName']}.{t['Name']}" for t in glue.search_tables(**kwargs)["TableList"]]


def test_search_tables_without_criteria_lists_every_table(catalog):
    assert searched(catalog) == ["crm.accounts", "crm.xxlinkyy", "sales_db.customer-link", "sales_db.xx-link-yy"]


def test_search_tables_name_filter_matches_tokens(catalog):
    assert searched(catalog, Filters=[{"Key": "Name", "Value": "link"}]) == [
        "sales_db.customer-link", "sales_db.xx-link-yy"]
    assert searched(catalog, Filters=[{"Key": "Name", "Value": "customer-link"}]) == ["sales_db.customer-link"]
    assert searched(catalog, Filters=[{"Key": "Name", "Value": "xxlinkyy"}]) == ["crm.xxlinkyy"]


def test_search_tables_filters_all_apply(catalog):
    assert searched(catalog, Filters=[{"Key": "DatabaseName", "Value": "crm"}]) == ["crm.accounts", "crm.xxlinkyy"]
    assert searched(catalog, Filters=[{"Key": "classification", "Value": "csv"}]) == ["crm.xxlinkyy"]
    assert searched(catalog, Filters=[{"Key": "DatabaseName", "Value": "crm"},
                                      {"Key": "classification", "Value": "parquet"}]) == []
    assert searched(catalog, Filters=[{"Key": "Owner", "Value": "ana"}]) == ["sales_db.xx-link-yy"]
    with pytest.raises(catalog.exceptions.InvalidInputException):
        catalog.search_tables(Filters=[{"Key": "Name"}])


def test_search_tables_time_filters_use_the_comparator(catalog):
    catalog.update_table(DatabaseName="crm", TableInput={"Name": "accounts", "Description": "updated"})
    updated = catalog.get_table(DatabaseName="crm", Name="accounts")["Table"]["UpdateTime"].timestamp()
    after = [{"Key": "UpdateTime", "Value": str(updated), "Comparator": "GREATER_THAN_EQUALS"}]
    assert "crm.accounts" in searched(catalog, Filters=after)
    later = [{"Key": "UpdateTime", "Value": str(updated + 1), "Comparator": "GREATER_THAN"}]
    assert searched(catalog, Filters=later) == []
    assert len(searched(catalog, Filters=[{"Key": "CreateTime", "Value": "2000-01-01T00:00:00Z",
                                           "Comparator": "GREATER_THAN"}])) == 4
    assert searched(catalog, Filters=[{"Key": "CreateTime", "Value": "2000-01-01T00:00:00Z",
                                       "Comparator": "LESS_THAN"}]) == []
    with pytest.raises(catalog.exceptions.InvalidInputException):
        catalog.search_tables(Filters=[{"Key": "CreateTime", "Value": "yesterday"}])


def test_search_tables_text(catalog):
    assert searched(catalog, SearchText="customer") == ["crm.accounts", "sales_db.customer-link"]
    assert searched(catalog, SearchText="CUSTOMER accounts") == ["crm.accounts"]
    assert searched(catalog, SearchText="revenue") == [  # a column comment
        "crm.xxlinkyy", "sales_db.customer-link", "sales_db.xx-link-yy"]
    assert searched(catalog, SearchText='"customer"') == []
    assert searched(catalog, SearchText='"customer accounts"') == ["crm.accounts"]


def test_search_tables_sorts_and_pages(catalog):
    descending = [{"FieldName": "Name", "Sort": "DESC"}]
    expected = ["crm.xxlinkyy", "sales_db.xx-link-yy", "sales_db.customer-link", "crm.accounts"]
    assert searched(catalog, SortCriteria=descending) == expected
    first = catalog.search_tables(SortCriteria=descending, MaxResults=3)
    rest = catalog.search_tables(SortCriteria=descending, MaxResults=3, NextToken=first["NextToken"])
    assert [t["Name"] for t in first["TableList"] + rest["TableList"]] == [e.split(".")[1] for e in expected]
    assert "NextToken" not in rest
    by_owner = searched(catalog, SortCriteria=[{"FieldName": "Owner", "Sort": "ASC"}])
    assert by_owner[0] == "sales_db.xx-link-yy"  # tables without an owner come last
    with pytest.raises(catalog.exceptions.InvalidInputException):
        catalog.search_tables(SortCriteria=[{"FieldName": "Columns", "Sort": "ASC"}])


def test_search_tables_shared_with_the_account_are_none(catalog):
    assert catalog.search_tables(ResourceShareType="FOREIGN")["TableList"] == []
    assert len(catalog.search_tables(ResourceShareType="ALL")["TableList"]) == 4


# -- Partition indexes -------------------------------------------------------------------------------------


def indexes(glue, table: str = "events") -> list[dict[str, Any]]:
    return glue.get_partition_indexes(DatabaseName="sales_db", TableName=table)["PartitionIndexDescriptorList"]


def test_partition_indexes_at_creation_and_after(glue):
    glue.create_table(DatabaseName="sales_db", TableInput=table_input("events", PartitionKeys=KEYS),
                      PartitionIndexes=[{"IndexName": "by_day", "Keys": ["dt"]}])
    glue.create_partition_index(DatabaseName="sales_db", TableName="events",
                                PartitionIndex={"IndexName": "by_country_year", "Keys": ["COUNTRY", "year"]})
    assert indexes(glue) == [
        {"IndexName": "by_country_year", "IndexStatus": "ACTIVE",
         "Keys": [{"Name": "country", "Type": "string"}, {"Name": "year", "Type": "int"}]},
        {"IndexName": "by_day", "IndexStatus": "ACTIVE", "Keys": [{"Name": "dt", "Type": "date"}]},
    ]
    glue.delete_partition_index(DatabaseName="sales_db", TableName="events", IndexName="by_day")
    assert [i["IndexName"] for i in indexes(glue)] == ["by_country_year"]
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.delete_partition_index(DatabaseName="sales_db", TableName="events", IndexName="by_day")


@pytest.mark.parametrize(
    "index, error",
    [
        ({"IndexName": "i", "Keys": ["amount"]}, "InvalidInputException"),  # a column, not a partition key
        ({"IndexName": "i", "Keys": ["score"]}, "InvalidInputException"),  # double keys cannot be indexed
        ({"IndexName": "i", "Keys": ["dt", "DT"]}, "InvalidInputException"),
        ({"IndexName": "first", "Keys": ["year"]}, "AlreadyExistsException"),
    ],
)
def test_partition_index_rules(glue, index, error):
    glue.create_table(DatabaseName="sales_db", TableInput=table_input("events", PartitionKeys=KEYS),
                      PartitionIndexes=[{"IndexName": "first", "Keys": ["dt"]}])
    with pytest.raises(glue.exceptions.ClientError) as caught:
        glue.create_partition_index(DatabaseName="sales_db", TableName="events", PartitionIndex=index)
    assert error_of(caught)[0] == error
    assert [i["IndexName"] for i in indexes(glue)] == ["first"]


def test_at_most_three_partition_indexes(glue):
    three = [{"IndexName": f"i{n}", "Keys": [key["Name"]]} for n, key in enumerate(KEYS[:3])]
    glue.create_table(DatabaseName="sales_db", TableInput=table_input("events", PartitionKeys=KEYS),
                      PartitionIndexes=three)
    with pytest.raises(glue.exceptions.ResourceNumberLimitExceededException):
        glue.create_partition_index(DatabaseName="sales_db", TableName="events",
                                    PartitionIndex={"IndexName": "i3", "Keys": ["dt", "year"]})
    with pytest.raises(glue.exceptions.ResourceNumberLimitExceededException):
        glue.create_table(DatabaseName="sales_db", TableInput=table_input("other", PartitionKeys=KEYS),
                          PartitionIndexes=three + [{"IndexName": "i3", "Keys": ["dt", "year"]}])
    with pytest.raises(glue.exceptions.EntityNotFoundException):  # the refused CreateTable left nothing behind
        glue.get_table(DatabaseName="sales_db", Name="other")


def test_partition_index_operations_need_the_table(glue):
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_partition_indexes(DatabaseName="sales_db", TableName="missing")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.create_partition_index(DatabaseName="sales_db", TableName="missing",
                                    PartitionIndex={"IndexName": "i", "Keys": ["dt"]})
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.delete_partition_index(DatabaseName="sales_db", TableName="missing", IndexName="i")


def test_index_over_partitions_that_do_not_fit_fails_with_backfill_errors(glue):
    glue.create_table(DatabaseName="sales_db", TableInput=table_input("events", PartitionKeys=KEYS[1:3]))
    for values in (["fr", "2020"], ["de", "later"]):
        glue.create_partition(DatabaseName="sales_db", TableName="events", PartitionInput={"Values": values})
    glue.create_partition_index(DatabaseName="sales_db", TableName="events",
                                PartitionIndex={"IndexName": "by_year", "Keys": ["year"]})
    assert indexes(glue) == [{
        "IndexName": "by_year", "IndexStatus": "FAILED", "Keys": [{"Name": "year", "Type": "int"}],
        "BackfillErrors": [{"Code": "INVALID_PARTITION_TYPE_DATA_ERROR", "Partitions": [{"Values": ["de", "later"]}]}],
    }]
    # a FAILED index does not refuse partitions nor take an index slot
    glue.create_partition(DatabaseName="sales_db", TableName="events", PartitionInput={"Values": ["it", "soon"]})


def test_active_index_refuses_partitions_that_do_not_fit(glue):
    glue.create_table(DatabaseName="sales_db", TableInput=table_input("events", PartitionKeys=KEYS[:3]),
                      PartitionIndexes=[{"IndexName": "by_day_year", "Keys": ["dt", "year"]}])
    glue.create_partition(DatabaseName="sales_db", TableName="events",
                          PartitionInput={"Values": ["2024-02-29", "fr", "2024"]})
    for values in (["2023-02-29", "fr", "2023"], ["2024-01-01", "fr", "next"]):
        with pytest.raises(glue.exceptions.InvalidInputException):
            glue.create_partition(DatabaseName="sales_db", TableName="events", PartitionInput={"Values": values})
    assert len(glue.get_partitions(DatabaseName="sales_db", TableName="events")["Partitions"]) == 1


def test_update_table_cannot_change_indexed_partition_keys(glue):
    glue.create_table(DatabaseName="sales_db", TableInput=table_input("events", PartitionKeys=KEYS[:3]),
                      PartitionIndexes=[{"IndexName": "by_country", "Keys": ["country"]}])
    changes = (
        [KEYS[0], {"Name": "country", "Type": "int"}, KEYS[2]],  # retyped
        [KEYS[0], {"Name": "nation", "Type": "string"}, KEYS[2]],  # renamed
        [KEYS[1], KEYS[0], KEYS[2]],  # moved
        [KEYS[0]],  # dropped
    )
    for keys in changes:
        with pytest.raises(glue.exceptions.InvalidInputException):
            glue.update_table(DatabaseName="sales_db", TableInput=table_input("events", PartitionKeys=keys))
    # keys outside the index may change
    glue.update_table(DatabaseName="sales_db", TableInput=table_input("events", PartitionKeys=KEYS[:2]))
    assert glue.get_table(DatabaseName="sales_db", Name="events")["Table"]["PartitionKeys"] == KEYS[:2]


# -- pure logic -----------------------------------------------------------------------------------------


def test_name_pattern_wildcards_and_anchoring():
    assert _name_pattern("*logs").fullmatch("alb_logs")
    assert _name_pattern(".*logs").fullmatch("alb_logs")
    assert not _name_pattern("logs").fullmatch("alb_logs")
    assert _name_pattern(r"a\*b").fullmatch("a*b")
    with pytest.raises(InvalidInputException):
        _name_pattern("[")


def test_token_match():
    assert _token_match("customer-link", "link")
    assert _token_match("a:b#c", "b#c")
    assert not _token_match("xxlinkyy", "link")
    assert not _token_match("customer-link", "link-customer")


def test_descending_keys_reverse_the_order():
    words = ["ab", "abc", "b", "a", ""]
    assert sorted(words, key=_descending) == sorted(words, reverse=True)
    assert sorted([1.5, -2, 3], key=_descending) == [3, 1.5, -2]
