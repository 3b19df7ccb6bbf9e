"""GetUnfiltered* (the reads of engines that enforce Lake Formation themselves), boto3 against a live emulator."""

from __future__ import annotations

import pytest

ACCOUNT = "123456789012"
TYPES = ["COLUMN_PERMISSION", "CELL_FILTER_PERMISSION"]


@pytest.fixture
def glue(glue_emulator):
    glue = glue_emulator.glue
    glue.create_database(DatabaseInput={"Name": "sales"})
    glue.create_table(DatabaseName="sales", TableInput={
        "Name": "orders",
        "StorageDescriptor": {"Columns": [{"Name": "id", "Type": "bigint"}, {"Name": "amount", "Type": "double"}],
                              "Location": "s3://lake/orders/"},
        "PartitionKeys": [{"Name": "dt", "Type": "string"}],
    })
    glue.batch_create_partition(DatabaseName="sales", TableName="orders", PartitionInputList=[
        {"Values": [d], "StorageDescriptor": {"Location": f"s3://lake/orders/dt={d}/"}}
        for d in ("2024-01-01", "2024-02-01", "2024-03-01")])
    return glue


def test_table_metadata_is_the_table_with_every_column_authorized(glue):
    answer = glue.get_unfiltered_table_metadata(
        CatalogId=ACCOUNT, DatabaseName="sales", Name="ORDERS", SupportedPermissionTypes=TYPES,
        Permissions=["SELECT"], QuerySessionContext={"QueryId": "q1", "QueryAuthorizationId": "auth-1"})
    assert answer["Table"] == glue.get_table(DatabaseName="sales", Name="orders")["Table"]
    assert answer["AuthorizedColumns"] == ["id", "amount", "dt"]
    assert answer["IsRegisteredWithLakeFormation"] is False and answer["CellFilters"] == []
    assert answer["ResourceArn"] == f"arn:aws:glue:us-east-1:{ACCOUNT}:table/sales/orders"
    assert answer["QueryAuthorizationId"] == "auth-1" and answer["Permissions"] == ["SELECT"]
    assert answer["IsMaterializedView"] is False and answer["IsMultiDialectView"] is False


def test_missing_tables_and_bad_permission_types_get_aws_errors(glue_emulator, glue):
    with pytest.raises(glue.exceptions.EntityNotFoundException, match="Table nope not found"):
        glue.get_unfiltered_table_metadata(CatalogId=ACCOUNT, DatabaseName="sales", Name="nope",
                                           SupportedPermissionTypes=TYPES)
    with pytest.raises(glue.exceptions.EntityNotFoundException, match="Database nodb not found"):
        glue.get_unfiltered_partition_metadata(CatalogId=ACCOUNT, DatabaseName="nodb", TableName="orders",
                                               PartitionValues=["x"], SupportedPermissionTypes=TYPES)
    status, body = glue_emulator.server.glue_raw("GetUnfilteredTableMetadata", {
        "CatalogId": ACCOUNT, "DatabaseName": "sales", "Name": "orders", "SupportedPermissionTypes": ["ROW_MAGIC"]})
    assert status == 400 and body["__type"].endswith("ValidationException"), body
    status, body = glue_emulator.server.glue_raw("GetUnfilteredTableMetadata", {
        "CatalogId": ACCOUNT, "DatabaseName": "sales", "Name": "orders", "SupportedPermissionTypes": []})
    assert status == 400 and body["__type"].endswith("ValidationException"), body


def test_a_table_of_another_region_is_read_there(glue_emulator, glue):
    west = glue_emulator.client("glue", "us-west-2")
    west.create_database(DatabaseInput={"Name": "sales"})
    west.create_table(DatabaseName="sales", TableInput={"Name": "west_only"})
    found = glue.get_unfiltered_table_metadata(CatalogId=ACCOUNT, DatabaseName="sales", Name="west_only",
                                               Region="us-west-2", SupportedPermissionTypes=TYPES)
    assert found["Table"]["Name"] == "west_only"
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_unfiltered_table_metadata(CatalogId=ACCOUNT, DatabaseName="sales", Name="west_only",
                                           SupportedPermissionTypes=TYPES)


def test_partition_metadata(glue):
    answer = glue.get_unfiltered_partition_metadata(CatalogId=ACCOUNT, DatabaseName="sales", TableName="orders",
                                                    PartitionValues=["2024-02-01"], SupportedPermissionTypes=TYPES)
    assert answer["Partition"]["Values"] == ["2024-02-01"]
    assert answer["Partition"]["StorageDescriptor"]["Location"] == "s3://lake/orders/dt=2024-02-01/"
    assert answer["AuthorizedColumns"] == ["id", "amount", "dt"] and answer["IsRegisteredWithLakeFormation"] is False
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_unfiltered_partition_metadata(CatalogId=ACCOUNT, DatabaseName="sales", TableName="orders",
                                               PartitionValues=["1999-01-01"], SupportedPermissionTypes=TYPES)


def test_partitions_metadata_filters_and_pages_like_get_partitions(glue):
    first = glue.get_unfiltered_partitions_metadata(CatalogId=ACCOUNT, DatabaseName="sales", TableName="orders",
                                                    Expression="dt >= '2024-02-01'", MaxResults=1,
                                                    SupportedPermissionTypes=TYPES)
    second = glue.get_unfiltered_partitions_metadata(CatalogId=ACCOUNT, DatabaseName="sales", TableName="orders",
                                                     Expression="dt >= '2024-02-01'", MaxResults=1,
                                                     NextToken=first["NextToken"], SupportedPermissionTypes=TYPES)
    values = [p["Partition"]["Values"] for p in first["UnfilteredPartitions"] + second["UnfilteredPartitions"]]
    assert values == [["2024-02-01"], ["2024-03-01"]] and "NextToken" not in second
    assert all(p["AuthorizedColumns"] == ["id", "amount", "dt"] for p in first["UnfilteredPartitions"])
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.get_unfiltered_partitions_metadata(CatalogId=ACCOUNT, DatabaseName="sales", TableName="orders",
                                                Expression="nope = 1", SupportedPermissionTypes=TYPES)

