"""What a newcomer hit in the Schema Registry, through boto3 against a live server.

protoc refuses a field or enum value that takes a name its message or enum reserved ("Field name "x" is
reserved."), as it refuses a reserved number; a registry that compiles .proto files must refuse both.
"""

from __future__ import annotations

from typing import Any

import pytest
from support import error_of

RESERVED_FIELD_NAME = """syntax = "proto3";
package shop;

message Order {
  reserved 2;
  reserved "legacy";
  string id = 1;
  message Line {
    reserved "sku_old";
    string sku_old = 1;
  }
}
"""
RESERVED_ENUM_NAME = 'syntax = "proto3"; enum Status { reserved "GONE"; UNKNOWN = 0; GONE = 1; }'


@pytest.mark.parametrize(("definition", "message"), [
    (RESERVED_FIELD_NAME, 'Field name "sku_old" is reserved'),
    (RESERVED_FIELD_NAME.replace("string id = 1;", "string id = 1;\n  string legacy = 3;"),
     'Field name "legacy" is reserved'),
    (RESERVED_ENUM_NAME, 'Enum value "GONE" is reserved'),
], ids=["nested-message", "top-level-message", "enum"])
def test_a_reserved_protobuf_name_is_refused(glue: Any, definition: str, message: str) -> None:
    checked = glue.check_schema_version_validity(DataFormat="PROTOBUF", SchemaDefinition=definition)
    assert checked["Valid"] is False and message in checked["Error"]
    with pytest.raises(glue.exceptions.InvalidInputException) as caught:
        glue.create_schema(SchemaName="orders", DataFormat="PROTOBUF", SchemaDefinition=definition)
    assert message in error_of(caught)[1]


def test_reserved_names_that_are_not_used_are_fine(glue: Any) -> None:
    definition = RESERVED_FIELD_NAME.replace("string sku_old = 1;", "string sku = 1;")
    assert glue.check_schema_version_validity(DataFormat="PROTOBUF", SchemaDefinition=definition)["Valid"] is True
    made = glue.create_schema(SchemaName="orders", DataFormat="PROTOBUF", SchemaDefinition=definition)
    assert made["SchemaVersionStatus"] == "AVAILABLE"


V1 = '{"type": "record", "name": "Example", "fields": []}'
V2_BREAKS = '{"type": "record", "name": "Example", "fields": [{"name": "a", "type": "string"}]}'


def test_latest_version_is_the_latest_available_one(glue: Any) -> None:
    """AWS (terraform-provider-aws issue #35152, with its debug log): after RegisterSchemaVersion answers FAILURE,
    GetSchemaVersion {LatestVersion: true} still answers the last AVAILABLE version (the provider's waiter on it
    saw AVAILABLE) and GetSchema's LatestSchemaVersion stays on it."""
    glue.create_schema(SchemaName="ExampleSchema", DataFormat="AVRO", Compatibility="BACKWARD", SchemaDefinition=V1)
    schema_id = {"SchemaName": "ExampleSchema"}
    failed = glue.register_schema_version(SchemaId=schema_id, SchemaDefinition=V2_BREAKS)
    assert (failed["VersionNumber"], failed["Status"]) == (2, "FAILURE")
    latest = glue.get_schema_version(SchemaId=schema_id, SchemaVersionNumber={"LatestVersion": True})
    assert (latest["VersionNumber"], latest["Status"], latest["SchemaDefinition"]) == (1, "AVAILABLE", V1)
    assert glue.get_schema(SchemaId=schema_id)["LatestSchemaVersion"] == 1
    second = glue.get_schema_version(SchemaId=schema_id, SchemaVersionNumber={"VersionNumber": 2})
    assert second["Status"] == "FAILURE"
    metadata = glue.put_schema_version_metadata(SchemaId=schema_id, SchemaVersionNumber={"VersionNumber": 1},
                                                MetadataKeyValue={"MetadataKey": "k", "MetadataValue": "v"})
    assert metadata["LatestVersion"] is True
