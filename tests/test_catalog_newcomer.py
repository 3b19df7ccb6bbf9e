"""What a newcomer hit in catalogs, unfiltered reads and table optimizers, through boto3 against a live server.

ARNs follow "Specifying AWS Glue resource ARNs" (Glue developer guide): a database or table of a child catalog
is `arn:aws:glue:<region>:<account>:database/<catalog>/<database>` and `...:table/<catalog>/<database>/<table>`
(the guide's S3 Tables rows), never a catalog id in the ARN's account field.
"""

from __future__ import annotations

from typing import Any

import pytest

ACCOUNT = "123456789012"
PREFIX = f"arn:aws:glue:us-east-1:{ACCOUNT}"


@pytest.fixture
def glue(glue_emulator: Any) -> Any:
    return glue_emulator.glue


def _child_catalog_table(glue: Any) -> str:
    glue.create_catalog(Name="Sales", CatalogInput={})
    catalog = f"{ACCOUNT}:sales"
    glue.create_database(CatalogId=catalog, DatabaseInput={"Name": "db1"}, Tags={"team": "data"})
    glue.create_table(CatalogId=catalog, DatabaseName="db1",
                      TableInput={"Name": "t1", "StorageDescriptor": {"Columns": [{"Name": "a", "Type": "int"}]}})
    return catalog


def test_table_arn_of_a_child_catalog_is_the_documented_one(glue: Any) -> None:
    catalog = _child_catalog_table(glue)
    found = glue.get_unfiltered_table_metadata(CatalogId=catalog, DatabaseName="db1", Name="t1",
                                               SupportedPermissionTypes=["COLUMN_PERMISSION"])
    assert found["ResourceArn"] == f"{PREFIX}:table/sales/db1/t1"
    glue.create_database(DatabaseInput={"Name": "db0"})
    glue.create_table(DatabaseName="db0", TableInput={"Name": "t0"})
    found = glue.get_unfiltered_table_metadata(CatalogId=ACCOUNT, DatabaseName="db0", Name="t0",
                                               SupportedPermissionTypes=["COLUMN_PERMISSION"])
    assert found["ResourceArn"] == f"{PREFIX}:table/db0/t0"


def test_tags_of_a_child_catalog_database_are_found_by_its_arn(glue: Any) -> None:
    _child_catalog_table(glue)
    arn = f"{PREFIX}:database/sales/db1"
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "data"}
    glue.tag_resource(ResourceArn=f"{PREFIX}:table/sales/db1/t1", TagsToAdd={"k": "v"})
    assert glue.get_tags(ResourceArn=f"{PREFIX}:table/sales/db1/t1")["Tags"] == {"k": "v"}
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_tags(ResourceArn=f"{PREFIX}:table/sales/db1/nope")
    glue.delete_database(CatalogId=f"{ACCOUNT}:sales", Name="db1")
    glue.create_database(CatalogId=f"{ACCOUNT}:sales", DatabaseInput={"Name": "db1"})
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {}  # the deleted database's tags went with it


REST_TYPE = {
    "IntegrationType": "REST",
    "ConnectionProperties": {"Url": {"Name": "Url", "Required": True, "PropertyType": "USER_INPUT"}},
    "ConnectorAuthenticationConfiguration": {"AuthenticationTypes": ["BASIC"]},
    "RestConfiguration": {"GlobalSourceConfiguration": {"RequestMethod": "GET", "RequestPath": "/items"}},
}


@pytest.mark.parametrize("name", ["MYREST", "bad type!"])
def test_a_registered_connection_type_must_be_named_rest(glue: Any, name: str) -> None:
    """RegisterConnectionType's ConnectionType "must be prefixed with "REST-" to indicate it is a REST-based
    connector" (API reference)."""
    with pytest.raises(glue.exceptions.ValidationException):
        glue.register_connection_type(ConnectionType=name, **REST_TYPE)
    made = glue.register_connection_type(ConnectionType="REST-FOO-CONNECTOR", **REST_TYPE)
    assert made["ConnectionTypeArn"] == f"{PREFIX}:connectionType/REST-FOO-CONNECTOR"


def test_a_connection_of_a_registered_type(glue: Any) -> None:
    """"Once registered, customers can create connections using this connection type" (RegisterConnectionType's
    API reference; the developer guide's REST API tutorial creates one of REST-FOO-CONNECTOR)."""
    glue.register_connection_type(ConnectionType="REST-FOO-CONNECTOR", **REST_TYPE)
    connection = {"Name": "foo", "ConnectionType": "REST-FOO-CONNECTOR", "ConnectionProperties": {}}
    glue.create_connection(ConnectionInput=connection)
    got = glue.get_connection(Name="foo")["Connection"]
    assert (got["Name"], got["ConnectionType"]) == ("foo", "REST-FOO-CONNECTOR")
    listed = glue.get_connections(Filter={"ConnectionType": "REST-FOO-CONNECTOR"})["ConnectionList"]
    assert [c["Name"] for c in listed] == ["foo"]
    glue.update_connection(Name="foo", ConnectionInput={**connection, "Description": "v2"})
    with pytest.raises(glue.exceptions.InvalidInputException, match="REST-NOT-REGISTERED"):
        glue.create_connection(ConnectionInput={**connection, "Name": "bar", "ConnectionType": "REST-NOT-REGISTERED"})
    with pytest.raises(glue.exceptions.ClientError) as caught:  # neither built in nor a REST connector
        glue.create_connection(ConnectionInput={**connection, "Name": "baz", "ConnectionType": "FOO"})
    assert caught.value.response["Error"]["Code"] == "ValidationException"
