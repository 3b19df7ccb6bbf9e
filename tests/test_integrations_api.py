"""Zero-ETL integrations, resource properties and table properties, through boto3 against a live emulator."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
PREFIX = f"arn:aws:glue:us-east-1:{ACCOUNT}"
DATABASE_ARN = f"{PREFIX}:database/lake"
CONNECTION_ARN = f"{PREFIX}:connection/sfdc"
TABLE_ARN = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/zetl"


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return error.value.response["Error"]["Code"]


@pytest.fixture
def ends(glue_emulator: Any) -> Any:
    """A DynamoDB table (in the DynamoDB the emulator serves), a Glue connection and a Glue database."""
    glue = glue_emulator.glue
    glue_emulator.client("dynamodb").create_table(
        TableName="orders", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    glue.create_connection(ConnectionInput={"Name": "sfdc", "ConnectionType": "JDBC", "ConnectionProperties": {
        "JDBC_CONNECTION_URL": "jdbc:postgresql://db:5432/crm", "USERNAME": "u", "PASSWORD": "p"}})
    glue.create_database(DatabaseInput={"Name": "lake"})
    return glue


def test_lifecycle_create_describe_modify_delete(ends):
    glue = ends
    created = glue.create_integration(IntegrationName="orders-to-lake", SourceArn=TABLE_ARN, TargetArn=DATABASE_ARN,
                                      Description="orders", Tags=[{"key": "team", "value": "data"}],
                                      IntegrationConfig={"RefreshInterval": "15"})
    assert created["Status"] == "CREATING"
    arn = created["IntegrationArn"]
    assert arn.startswith(f"{PREFIX}:integration:")
    (described,) = glue.describe_integrations(IntegrationIdentifier=arn)["Integrations"]
    assert described["Status"] == "ACTIVE"  # defined and both ends exist: nothing is replicated locally
    assert (described["SourceArn"], described["TargetArn"], described["Tags"]) == (
        TABLE_ARN, DATABASE_ARN, [{"key": "team", "value": "data"}])
    modified = glue.modify_integration(IntegrationIdentifier=arn, Description="all orders", IntegrationName="o2l")
    assert (modified["Status"], modified["Description"], modified["IntegrationName"]) == ("MODIFYING", "all orders",
                                                                                          "o2l")
    (inbound,) = glue.describe_inbound_integrations(TargetArn=DATABASE_ARN)["InboundIntegrations"]
    assert (inbound["IntegrationArn"], inbound["Status"]) == (arn, "ACTIVE")
    assert glue.describe_inbound_integrations(TargetArn=f"{PREFIX}:database/other")["InboundIntegrations"] == []
    deleted = glue.delete_integration(IntegrationIdentifier=arn)
    assert (deleted["Status"], deleted["IntegrationName"]) == ("DELETING", "o2l")
    assert glue.describe_integrations()["Integrations"] == []
    for call in (lambda: glue.describe_integrations(IntegrationIdentifier=arn),
                 lambda: glue.modify_integration(IntegrationIdentifier=arn, Description="x"),
                 lambda: glue.delete_integration(IntegrationIdentifier=arn)):
        with pytest.raises(ClientError) as missing:
            call()
        assert _code(missing) == "IntegrationNotFoundFault"


def test_a_glue_connection_source_is_accepted(ends):
    created = ends.create_integration(IntegrationName="sfdc", SourceArn=CONNECTION_ARN, TargetArn=DATABASE_ARN)
    assert created["SourceArn"] == CONNECTION_ARN


@pytest.mark.parametrize(("source", "target", "code"), [
    (f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/missing", DATABASE_ARN, "ResourceNotFoundException"),
    (f"{PREFIX}:connection/missing", DATABASE_ARN, "EntityNotFoundException"),
    (TABLE_ARN, f"{PREFIX}:database/missing", "EntityNotFoundException"),
    ("arn:aws:s3:::bucket", DATABASE_ARN, "ValidationException"),
    (TABLE_ARN, "arn:aws:s3:::bucket", "ValidationException"),
])
def test_unsupported_or_missing_ends_are_refused(ends, source, target, code):
    with pytest.raises(ClientError) as refused:
        ends.create_integration(IntegrationName="i", SourceArn=source, TargetArn=target)
    assert _code(refused) == code
    assert ends.describe_integrations()["Integrations"] == []


def test_names_are_unique_and_encryption_context_needs_a_key(ends):
    ends.create_integration(IntegrationName="i", SourceArn=TABLE_ARN, TargetArn=DATABASE_ARN)
    with pytest.raises(ClientError) as taken:
        ends.create_integration(IntegrationName="i", SourceArn=CONNECTION_ARN, TargetArn=DATABASE_ARN)
    assert _code(taken) == "IntegrationConflictOperationFault"
    with pytest.raises(ClientError) as keyless:
        ends.create_integration(IntegrationName="j", SourceArn=TABLE_ARN, TargetArn=DATABASE_ARN,
                                AdditionalEncryptionContext={"a": "b"})
    assert _code(keyless) == "ValidationException"


def test_describe_filters_and_pages(ends):
    arns = [ends.create_integration(IntegrationName=f"i{n}", SourceArn=TABLE_ARN, TargetArn=DATABASE_ARN)[
        "IntegrationArn"] for n in range(3)]
    named = ends.describe_integrations(Filters=[{"Name": "IntegrationName", "Values": ["i1", "i2"]}])
    assert sorted(i["IntegrationName"] for i in named["Integrations"]) == ["i1", "i2"]
    seen, marker = [], None
    while True:
        page = ends.describe_integrations(MaxRecords=2, **({"Marker": marker} if marker else {}))
        seen += [i["IntegrationArn"] for i in page["Integrations"]]
        marker = page.get("Marker")
        if not marker:
            break
    assert sorted(seen) == sorted(arns)
    with pytest.raises(ClientError) as unknown:
        ends.describe_integrations(Filters=[{"Name": "Colour", "Values": ["red"]}])
    assert _code(unknown) == "InvalidInputException"


def test_resource_property_lifecycle(ends):
    glue = ends
    created = glue.create_integration_resource_property(
        ResourceArn=DATABASE_ARN, TargetProcessingProperties={"RoleArn": ROLE},
        Tags=[{"key": "team", "value": "data"}])
    assert created["ResourcePropertyArn"].startswith(f"{PREFIX}:integrationresourceproperty/")
    assert glue.get_tags(ResourceArn=created["ResourcePropertyArn"])["Tags"] == {"team": "data"}
    with pytest.raises(ClientError) as twice:
        glue.create_integration_resource_property(ResourceArn=DATABASE_ARN,
                                                  TargetProcessingProperties={"RoleArn": ROLE})
    assert _code(twice) == "ConflictException"
    glue.create_integration_resource_property(ResourceArn=CONNECTION_ARN, SourceProcessingProperties={"RoleArn": ROLE})
    updated = glue.update_integration_resource_property(
        ResourceArn=DATABASE_ARN, TargetProcessingProperties={"RoleArn": ROLE, "KmsArn": "arn:aws:kms:us-east-1:1:k"})
    assert updated["TargetProcessingProperties"]["KmsArn"] == "arn:aws:kms:us-east-1:1:k"
    got = glue.get_integration_resource_property(ResourceArn=DATABASE_ARN)
    assert got["ResourcePropertyArn"] == created["ResourcePropertyArn"]
    listed = glue.list_integration_resource_properties()["IntegrationResourcePropertyList"]
    assert sorted(p["ResourceArn"] for p in listed) == sorted([DATABASE_ARN, CONNECTION_ARN])
    only = glue.list_integration_resource_properties(Filters=[{"Name": "ResourceArn", "Values": [CONNECTION_ARN]}])
    assert [p["ResourceArn"] for p in only["IntegrationResourcePropertyList"]] == [CONNECTION_ARN]
    glue.delete_integration_resource_property(ResourceArn=DATABASE_ARN)
    for call in (lambda: glue.get_integration_resource_property(ResourceArn=DATABASE_ARN),
                 lambda: glue.delete_integration_resource_property(ResourceArn=DATABASE_ARN)):
        with pytest.raises(ClientError) as missing:
            call()
        assert _code(missing) == "EntityNotFoundException"
    with pytest.raises(ClientError) as nowhere:
        glue.create_integration_resource_property(ResourceArn=f"{PREFIX}:database/missing",
                                                  TargetProcessingProperties={"RoleArn": ROLE})
    assert _code(nowhere) == "EntityNotFoundException"


def test_table_properties_lifecycle(ends):
    glue = ends
    glue.create_integration_table_properties(
        ResourceArn=DATABASE_ARN, TableName="orders",
        TargetTableConfig={"UnnestSpec": "TOPLEVEL", "PartitionSpec": [{"FieldName": "ts", "FunctionSpec": "day"}]})
    got = glue.get_integration_table_properties(ResourceArn=DATABASE_ARN, TableName="orders")
    assert got["TargetTableConfig"]["UnnestSpec"] == "TOPLEVEL"
    with pytest.raises(ClientError) as twice:
        glue.create_integration_table_properties(ResourceArn=DATABASE_ARN, TableName="orders")
    assert _code(twice) == "InvalidInputException"
    glue.update_integration_table_properties(ResourceArn=DATABASE_ARN, TableName="orders",
                                             TargetTableConfig={"UnnestSpec": "FULL"})
    assert glue.get_integration_table_properties(ResourceArn=DATABASE_ARN, TableName="orders")[
        "TargetTableConfig"] == {"UnnestSpec": "FULL"}
    glue.delete_integration_table_properties(ResourceArn=DATABASE_ARN, TableName="orders")
    with pytest.raises(ClientError) as missing:
        glue.get_integration_table_properties(ResourceArn=DATABASE_ARN, TableName="orders")
    assert _code(missing) == "EntityNotFoundException"
