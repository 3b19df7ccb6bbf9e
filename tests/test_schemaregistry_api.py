"""The Schema Registry through boto3 against a live server: registries, schemas, versions, metadata, tags, errors.

Every answer is checked against botocore's output model by the server (GLUE_EMULATOR_VALIDATE_RESPONSES=1 in the
module server's FAST_ENV). Compatibility per format and mode is in test_schemaregistry_compatibility.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

AVRO_V1 = json.dumps({"type": "record", "name": "User", "namespace": "acme",
                      "fields": [{"name": "id", "type": "long"}]})
AVRO_V2 = json.dumps({"type": "record", "name": "User", "namespace": "acme",
                      "fields": [{"name": "id", "type": "long"},
                                 {"name": "email", "type": ["null", "string"], "default": None}]})


def _error(err: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return err.value.response["Error"]["Code"], err.value.response["Error"]["Message"]


def _schema(glue: Any, name: str = "users", registry: str = "reg", **extra: Any) -> dict[str, Any]:
    return glue.create_schema(RegistryId={"RegistryName": registry}, SchemaName=name, DataFormat="AVRO",
                              SchemaDefinition=AVRO_V1, **extra)


def test_registry_lifecycle_by_name_and_arn(glue: Any) -> None:
    made = glue.create_registry(RegistryName="reg", Description="first", Tags={"team": "data"})
    arn = made["RegistryArn"]
    assert arn == "arn:aws:glue:us-east-1:123456789012:registry/reg"
    assert (made["RegistryName"], made["Description"], made["Tags"]) == ("reg", "first", {"team": "data"})
    got = glue.get_registry(RegistryId={"RegistryArn": arn})
    assert (got["RegistryName"], got["Status"], got["Description"]) == ("reg", "AVAILABLE", "first")
    assert got["CreatedTime"].endswith("Z") and got["CreatedTime"] == got["UpdatedTime"]
    assert glue.update_registry(RegistryId={"RegistryName": "reg"}, Description="second")["RegistryArn"] == arn
    assert glue.get_registry(RegistryId={"RegistryName": "reg"})["Description"] == "second"
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "data"}
    _schema(glue)
    deleted = glue.delete_registry(RegistryId={"RegistryName": "reg"})
    assert (deleted["RegistryName"], deleted["Status"]) == ("reg", "DELETING")
    with pytest.raises(ClientError) as err:
        glue.get_registry(RegistryId={"RegistryName": "reg"})
    assert _error(err)[0] == "EntityNotFoundException"
    assert glue.list_schemas()["Schemas"] == []  # its schemas went with it
    with pytest.raises(ClientError) as err:
        glue.get_tags(ResourceArn=arn)
    assert _error(err)[0] == "EntityNotFoundException"


def test_registry_errors(glue: Any) -> None:
    glue.create_registry(RegistryName="reg")
    with pytest.raises(ClientError) as err:
        glue.create_registry(RegistryName="reg")
    assert _error(err)[0] == "AlreadyExistsException"
    with pytest.raises(ClientError) as err:
        glue.get_registry(RegistryId={"RegistryName": "reg", "RegistryArn":
                                      "arn:aws:glue:us-east-1:123456789012:registry/reg"})
    assert _error(err)[0] == "InvalidInputException"
    with pytest.raises(ClientError) as err:
        glue.get_registry(RegistryId={"RegistryArn": "arn:aws:glue:us-east-1:123456789012:table/db/t"})
    assert _error(err)[0] == "InvalidInputException"
    with pytest.raises(ClientError) as err:  # another region's ARN names nothing the caller can see
        glue.get_registry(RegistryId={"RegistryArn": "arn:aws:glue:eu-west-1:123456789012:registry/reg"})
    assert _error(err)[0] == "EntityNotFoundException"
    for call in (lambda: glue.update_registry(RegistryId={"RegistryName": "nope"}, Description="x"),
                 lambda: glue.delete_registry(RegistryId={"RegistryName": "nope"})):
        with pytest.raises(ClientError) as err:
            call()
        assert _error(err)[0] == "EntityNotFoundException"
    with pytest.raises(ClientError) as err:
        glue.create_registry(RegistryName="has space")
    assert _error(err)[0] == "ValidationException"


def test_registries_page_25_by_default(glue: Any) -> None:
    for i in range(27):
        glue.create_registry(RegistryName=f"r{i:02d}")
    first = glue.list_registries()
    assert len(first["Registries"]) == 25 and "NextToken" in first
    rest = glue.list_registries(NextToken=first["NextToken"])
    assert [r["RegistryName"] for r in rest["Registries"]] == ["r25", "r26"] and "NextToken" not in rest
    assert len(glue.list_registries(MaxResults=100)["Registries"]) == 27


def test_schemas_of_every_registry_page_in_order(glue: Any) -> None:
    for registry in ("a", "a-b"):  # "a-b/x" sorts before "a/z" as one string: the pages must not care
        glue.create_registry(RegistryName=registry)
    for registry, name in (("a", "z"), ("a", "y"), ("a-b", "x")):
        glue.create_schema(RegistryId={"RegistryName": registry}, SchemaName=name, DataFormat="JSON")
    seen, token = [], None
    while True:
        page = glue.list_schemas(MaxResults=1, **({"NextToken": token} if token else {}))
        seen += [(s["RegistryName"], s["SchemaName"]) for s in page["Schemas"]]
        if "NextToken" not in page:
            break
        token = page["NextToken"]
    assert seen == [("a", "y"), ("a", "z"), ("a-b", "x")]


def test_create_schema_without_registry_uses_default_registry(glue: Any) -> None:
    made = glue.create_schema(SchemaName="users", DataFormat="AVRO", SchemaDefinition=AVRO_V1)
    assert made["RegistryName"] == "default-registry"
    assert made["SchemaArn"] == "arn:aws:glue:us-east-1:123456789012:schema/default-registry/users"
    assert (made["Compatibility"], made["DataFormat"], made["SchemaStatus"]) == ("BACKWARD", "AVRO", "AVAILABLE")
    assert (made["SchemaCheckpoint"], made["LatestSchemaVersion"], made["NextSchemaVersion"]) == (1, 1, 2)
    assert made["SchemaVersionStatus"] == "AVAILABLE" and len(made["SchemaVersionId"]) == 36
    assert [r["RegistryName"] for r in glue.list_registries()["Registries"]] == ["default-registry"]
    # A SchemaId without RegistryName means the default registry too.
    assert glue.get_schema(SchemaId={"SchemaName": "users"})["SchemaArn"] == made["SchemaArn"]
    assert glue.get_schema(SchemaId={"SchemaArn": made["SchemaArn"]})["SchemaName"] == "users"


def test_schema_lifecycle(glue: Any) -> None:
    glue.create_registry(RegistryName="reg")
    made = _schema(glue, Compatibility="FULL", Description="people", Tags={"k": "v"})
    assert made["Tags"] == {"k": "v"} and made["Description"] == "people"
    assert glue.get_tags(ResourceArn=made["SchemaArn"])["Tags"] == {"k": "v"}
    glue.tag_resource(ResourceArn=made["SchemaArn"], TagsToAdd={"more": "1"})
    assert glue.get_tags(ResourceArn=made["SchemaArn"])["Tags"] == {"k": "v", "more": "1"}
    got = glue.get_schema(SchemaId={"SchemaName": "users", "RegistryName": "reg"})
    assert {k: got[k] for k in ("Compatibility", "Description", "LatestSchemaVersion", "RegistryArn")} == {
        "Compatibility": "FULL", "Description": "people", "LatestSchemaVersion": 1,
        "RegistryArn": "arn:aws:glue:us-east-1:123456789012:registry/reg"}
    glue.create_schema(SchemaName="other", DataFormat="JSON", SchemaDefinition='{"type": "object"}')
    listed = glue.list_schemas()["Schemas"]
    assert [(s["RegistryName"], s["SchemaName"]) for s in listed] == [("default-registry", "other"),
                                                                     ("reg", "users")]
    assert [s["SchemaName"] for s in glue.list_schemas(RegistryId={"RegistryName": "reg"})["Schemas"]] == ["users"]
    deleted = glue.delete_schema(SchemaId={"SchemaArn": made["SchemaArn"]})
    assert (deleted["SchemaName"], deleted["Status"]) == ("users", "DELETING")
    with pytest.raises(ClientError) as err:
        glue.get_schema_version(SchemaVersionId=made["SchemaVersionId"])
    assert _error(err)[0] == "EntityNotFoundException"
    with pytest.raises(ClientError) as err:
        glue.get_tags(ResourceArn=made["SchemaArn"])
    assert _error(err)[0] == "EntityNotFoundException"


def test_schema_errors(glue: Any) -> None:
    with pytest.raises(ClientError) as err:  # only the default registry is made on first use
        _schema(glue, registry="nope")
    assert _error(err)[0] == "EntityNotFoundException"
    glue.create_registry(RegistryName="reg")
    _schema(glue)
    with pytest.raises(ClientError) as err:
        _schema(glue)
    assert _error(err)[0] == "AlreadyExistsException"
    with pytest.raises(ClientError) as err:
        glue.create_schema(RegistryId={"RegistryName": "reg"}, SchemaName="bad", DataFormat="AVRO",
                           SchemaDefinition='{"type": "record", "name": "X", "fields": [{"name": "a", "type": "nope"}]}')
    code, message = _error(err)
    assert code == "InvalidInputException" and "nope" in message
    with pytest.raises(ClientError) as err:
        glue.get_schema(SchemaId={"SchemaName": "users", "RegistryName": "reg", "SchemaArn":
                                  "arn:aws:glue:us-east-1:123456789012:schema/reg/users"})
    assert _error(err)[0] == "InvalidInputException"
    with pytest.raises(ClientError) as err:
        glue.get_schema(SchemaId={"SchemaName": "missing", "RegistryName": "reg"})
    assert _error(err) [0] == "EntityNotFoundException" and "Schema is not found." in _error(err)[1]
    with pytest.raises(ClientError) as err:
        glue.list_schemas(RegistryId={"RegistryName": "nope"})
    assert _error(err)[0] == "EntityNotFoundException"
    with pytest.raises(ClientError) as err:
        glue.update_schema(SchemaId={"SchemaName": "users", "RegistryName": "reg"})
    assert _error(err)[0] == "InvalidInputException"


def test_versions_register_get_list_and_dedupe(glue: Any) -> None:
    glue.create_registry(RegistryName="reg")
    first = _schema(glue)
    schema_id = {"SchemaName": "users", "RegistryName": "reg"}
    second = glue.register_schema_version(SchemaId=schema_id, SchemaDefinition=AVRO_V2)
    assert (second["VersionNumber"], second["Status"]) == (2, "AVAILABLE")
    # The same definition, laid out differently (lines, key order), is the stored version, not a new one.
    relaid = json.dumps(json.loads(AVRO_V2), sort_keys=True, indent=4)
    assert relaid != AVRO_V2
    again = glue.register_schema_version(SchemaId=schema_id, SchemaDefinition=relaid)
    assert again == {k: second[k] for k in ("SchemaVersionId", "VersionNumber", "Status")} | {
        "ResponseMetadata": again["ResponseMetadata"]}
    by_id = glue.get_schema_version(SchemaVersionId=second["SchemaVersionId"])
    assert (by_id["VersionNumber"], by_id["SchemaDefinition"], by_id["DataFormat"]) == (2, AVRO_V2, "AVRO")
    latest = glue.get_schema_version(SchemaId=schema_id, SchemaVersionNumber={"LatestVersion": True})
    assert latest["SchemaVersionId"] == second["SchemaVersionId"]
    v1 = glue.get_schema_version(SchemaId=schema_id, SchemaVersionNumber={"VersionNumber": 1})
    assert v1["SchemaVersionId"] == first["SchemaVersionId"]
    listed = glue.list_schema_versions(SchemaId=schema_id)["Schemas"]
    assert [(v["VersionNumber"], v["Status"]) for v in listed] == [(1, "AVAILABLE"), (2, "AVAILABLE")]
    page = glue.list_schema_versions(SchemaId=schema_id, MaxResults=1)
    assert len(page["Schemas"]) == 1 and "NextToken" in page
    schema = glue.get_schema(SchemaId=schema_id)
    assert (schema["LatestSchemaVersion"], schema["NextSchemaVersion"], schema["SchemaCheckpoint"]) == (2, 3, 1)
    found = glue.get_schema_by_definition(SchemaId=schema_id, SchemaDefinition=AVRO_V1)
    assert (found["SchemaVersionId"], found["Status"], found["DataFormat"]) == (first["SchemaVersionId"],
                                                                               "AVAILABLE", "AVRO")


def test_version_errors(glue: Any) -> None:
    glue.create_registry(RegistryName="reg")
    _schema(glue)
    schema_id = {"SchemaName": "users", "RegistryName": "reg"}
    with pytest.raises(ClientError) as err:
        glue.register_schema_version(SchemaId={"SchemaName": "nope", "RegistryName": "reg"},
                                     SchemaDefinition=AVRO_V1)
    assert _error(err) == ("EntityNotFoundException",
                           "Schema is not found. RegistryName: reg, SchemaName: nope")
    with pytest.raises(ClientError) as err:
        glue.register_schema_version(SchemaId=schema_id, SchemaDefinition="{not json")
    assert _error(err)[0] == "InvalidInputException"
    with pytest.raises(ClientError) as err:
        glue.get_schema_by_definition(SchemaId=schema_id, SchemaDefinition=AVRO_V2)
    assert _error(err)[0] == "EntityNotFoundException" and "Schema version is not found." in _error(err)[1]
    with pytest.raises(ClientError) as err:
        glue.get_schema_version(SchemaVersionId="00000000-0000-0000-0000-000000000000")
    assert _error(err)[0] == "EntityNotFoundException"
    with pytest.raises(ClientError) as err:
        glue.get_schema_version(SchemaId=schema_id, SchemaVersionNumber={"VersionNumber": 9})
    assert _error(err)[0] == "EntityNotFoundException"
    with pytest.raises(ClientError) as err:
        glue.get_schema_version(SchemaId=schema_id, SchemaVersionNumber={"VersionNumber": 1, "LatestVersion": True})
    assert _error(err)[0] == "InvalidInputException"
    with pytest.raises(ClientError) as err:
        glue.get_schema_version()
    assert _error(err)[0] == "InvalidInputException"


def test_disabled_takes_the_first_version_only(glue: Any) -> None:
    glue.create_registry(RegistryName="reg")
    made = _schema(glue, Compatibility="DISABLED")
    assert made["SchemaVersionStatus"] == "AVAILABLE"
    with pytest.raises(ClientError) as err:
        glue.register_schema_version(SchemaId={"SchemaName": "users", "RegistryName": "reg"},
                                     SchemaDefinition=AVRO_V2)
    assert _error(err)[0] == "InvalidInputException"
    assert glue.get_schema(SchemaId={"SchemaName": "users", "RegistryName": "reg"})["NextSchemaVersion"] == 2


def test_update_schema_moves_the_checkpoint(glue: Any) -> None:
    glue.create_registry(RegistryName="reg")
    _schema(glue, Compatibility="NONE")
    schema_id = {"SchemaName": "users", "RegistryName": "reg"}
    glue.register_schema_version(SchemaId=schema_id, SchemaDefinition=AVRO_V2)
    answer = glue.update_schema(SchemaId=schema_id, Compatibility="BACKWARD_ALL")
    assert (answer["SchemaName"], answer["RegistryName"]) == ("users", "reg")
    schema = glue.get_schema(SchemaId=schema_id)
    assert (schema["Compatibility"], schema["SchemaCheckpoint"]) == ("BACKWARD_ALL", 2)
    glue.update_schema(SchemaId=schema_id, SchemaVersionNumber={"VersionNumber": 1}, Description="d")
    schema = glue.get_schema(SchemaId=schema_id)
    assert (schema["SchemaCheckpoint"], schema["Description"]) == (1, "d")
    with pytest.raises(ClientError) as err:
        glue.update_schema(SchemaId=schema_id, SchemaVersionNumber={"VersionNumber": 7})
    assert _error(err)[0] == "EntityNotFoundException"


def test_delete_schema_versions(glue: Any) -> None:
    glue.create_registry(RegistryName="reg")
    _schema(glue, Compatibility="NONE")
    schema_id = {"SchemaName": "users", "RegistryName": "reg"}
    ids = [glue.register_schema_version(
        SchemaId=schema_id, SchemaDefinition=json.dumps({"type": "enum", "name": "E", "symbols": [f"S{i}"]})
    )["SchemaVersionId"] for i in range(2, 5)]
    glue.put_schema_version_metadata(SchemaVersionId=ids[2], MetadataKeyValue={"MetadataKey": "k",
                                                                               "MetadataValue": "v"})
    with pytest.raises(ClientError) as err:  # the checkpoint (version 1) is in the range
        glue.delete_schema_versions(SchemaId=schema_id, Versions="1-2")
    assert _error(err)[0] == "ConcurrentModificationException"
    glue.update_schema(SchemaId=schema_id, SchemaVersionNumber={"VersionNumber": 2})
    with pytest.raises(ClientError) as err:
        glue.delete_schema_versions(SchemaId=schema_id, Versions="1")
    assert _error(err)[0] == "InvalidInputException"
    answer = glue.delete_schema_versions(SchemaId=schema_id, Versions="3-5")
    assert [e["VersionNumber"] for e in answer["SchemaVersionErrors"]] == [5]
    assert answer["SchemaVersionErrors"][0]["ErrorDetails"]["ErrorCode"] == "EntityNotFoundException"
    listed = glue.list_schema_versions(SchemaId=schema_id)["Schemas"]
    assert [v["VersionNumber"] for v in listed] == [1, 2]
    assert glue.get_schema(SchemaId=schema_id)["LatestSchemaVersion"] == 2
    with pytest.raises(ClientError) as err:  # its metadata went with it
        glue.query_schema_version_metadata(SchemaVersionId=ids[2])
    assert _error(err)[0] == "EntityNotFoundException"
    with pytest.raises(ClientError) as err:
        glue.delete_schema_versions(SchemaId=schema_id, Versions="4-3")
    assert _error(err)[0] == "InvalidInputException"


def test_version_metadata(glue: Any) -> None:
    glue.create_registry(RegistryName="reg")
    made = _schema(glue)
    version_id = made["SchemaVersionId"]

    def put(key: str, value: str) -> dict[str, Any]:
        return glue.put_schema_version_metadata(SchemaVersionId=version_id,
                                                MetadataKeyValue={"MetadataKey": key, "MetadataValue": value})

    answer = put("owner", "alice")
    assert (answer["LatestVersion"], answer["VersionNumber"], answer["SchemaName"], answer["MetadataValue"]) == (
        True, 1, "users", "alice")
    put("owner", "bob")
    put("topic", "t1")
    with pytest.raises(ClientError) as err:
        put("owner", "bob")
    assert _error(err)[0] == "AlreadyExistsException"
    everything = glue.query_schema_version_metadata(SchemaVersionId=version_id)
    info = everything["MetadataInfoMap"]
    assert sorted(info) == ["owner", "topic"]
    assert info["owner"]["MetadataValue"] == "bob"
    assert [o["MetadataValue"] for o in info["owner"]["OtherMetadataValueList"]] == ["alice"]
    by_name = glue.query_schema_version_metadata(
        SchemaId={"SchemaName": "users", "RegistryName": "reg"}, SchemaVersionNumber={"LatestVersion": True},
        MetadataList=[{"MetadataKey": "owner", "MetadataValue": "alice"}])
    assert list(by_name["MetadataInfoMap"]) == ["owner"]
    assert by_name["MetadataInfoMap"]["owner"]["MetadataValue"] == "alice"
    paged = glue.query_schema_version_metadata(SchemaVersionId=version_id, MaxResults=1)
    assert list(paged["MetadataInfoMap"]) == ["owner"] and "NextToken" in paged
    removed = glue.remove_schema_version_metadata(SchemaVersionId=version_id,
                                                  MetadataKeyValue={"MetadataKey": "owner", "MetadataValue": "bob"})
    assert removed["MetadataValue"] == "bob"
    with pytest.raises(ClientError) as err:
        glue.remove_schema_version_metadata(SchemaVersionId=version_id,
                                            MetadataKeyValue={"MetadataKey": "owner", "MetadataValue": "bob"})
    assert _error(err)[0] == "EntityNotFoundException"
    with pytest.raises(ClientError) as err:  # the model leaves both members optional; a pair needs both
        glue.put_schema_version_metadata(SchemaVersionId=version_id, MetadataKeyValue={"MetadataKey": "k"})
    assert _error(err)[0] == "InvalidInputException"
    for i in range(8):  # alice, t1 and these 8 make the 10 pairs a version may carry
        put("k", f"v{i}")
    with pytest.raises(ClientError) as err:
        put("k", "one-too-many")
    assert _error(err)[0] == "ResourceNumberLimitExceededException"


def test_schema_versions_diff_is_a_json_patch(glue: Any) -> None:
    glue.create_registry(RegistryName="reg")
    _schema(glue)
    schema_id = {"SchemaName": "users", "RegistryName": "reg"}
    glue.register_schema_version(SchemaId=schema_id, SchemaDefinition=AVRO_V2)
    diff = glue.get_schema_versions_diff(SchemaId=schema_id, FirstSchemaVersionNumber={"VersionNumber": 1},
                                         SecondSchemaVersionNumber={"LatestVersion": True},
                                         SchemaDiffType="SYNTAX_DIFF")["Diff"]
    assert json.loads(diff) == [{"op": "add", "path": "/fields/1", "value": json.loads(AVRO_V2)["fields"][1]}]
    same = glue.get_schema_versions_diff(SchemaId=schema_id, FirstSchemaVersionNumber={"VersionNumber": 2},
                                         SecondSchemaVersionNumber={"VersionNumber": 2},
                                         SchemaDiffType="SYNTAX_DIFF")["Diff"]
    assert json.loads(same) == []
    with pytest.raises(ClientError) as err:
        glue.get_schema_versions_diff(SchemaId=schema_id, FirstSchemaVersionNumber={"VersionNumber": 1},
                                      SecondSchemaVersionNumber={"VersionNumber": 3}, SchemaDiffType="SYNTAX_DIFF")
    assert _error(err)[0] == "EntityNotFoundException"


def test_check_schema_version_validity_really_parses(glue: Any) -> None:
    cases = [
        ("AVRO", AVRO_V1, True),
        ("AVRO", '{"type": "record", "name": "X", "fields": [{"name": "a"}]}', False),
        ("JSON", '{"type": "object", "properties": {"a": {"type": "string"}}}', True),
        ("JSON", '{"type": "objekt"}', False),
        ("PROTOBUF", 'syntax = "proto3"; message M { string a = 1; }', True),
        ("PROTOBUF", 'syntax = "proto3"; message M { strin a = 1; }', False),
    ]
    for data_format, definition, valid in cases:
        answer = glue.check_schema_version_validity(DataFormat=data_format, SchemaDefinition=definition)
        assert answer["Valid"] is valid, (data_format, definition, answer)
        assert ("Error" in answer) is not valid


def test_a_schema_created_without_a_definition_has_no_version_until_one_is_registered(glue: Any, server: Any) -> None:
    made = glue.create_schema(SchemaName="empty", DataFormat="JSON", Compatibility="FORWARD")
    assert "SchemaVersionId" not in made and made["NextSchemaVersion"] == 1 and "LatestSchemaVersion" not in made
    status, body = server.glue_raw("ListSchemaVersions", {"SchemaId": {"SchemaName": "empty"}})
    assert (status, body) == (200, {"Schemas": []})  # on the wire, as AWS answers an empty list
    with pytest.raises(ClientError) as err:
        glue.get_schema_version(SchemaId={"SchemaName": "empty"}, SchemaVersionNumber={"LatestVersion": True})
    assert _error(err)[0] == "EntityNotFoundException"
    first = glue.register_schema_version(SchemaId={"SchemaName": "empty"}, SchemaDefinition='{"type": "object"}')
    assert (first["VersionNumber"], first["Status"]) == (1, "AVAILABLE")
    schema = glue.get_schema(SchemaId={"SchemaName": "empty"})
    assert (schema["SchemaCheckpoint"], schema["LatestSchemaVersion"], schema["NextSchemaVersion"]) == (1, 1, 2)


PROTO_FILE = """// Proto schema formatted by Wire, do not edit.
syntax = "proto3";
package acme;

message Order {
  int64 id = 1;
  repeated string items = 2;
}
"""


def test_multi_line_definitions_are_accepted_blank_ones_refused(glue: Any) -> None:
    """Definitions are documents: AWS's Java serde registers .proto files as Wire prints them, over many lines."""
    made = glue.create_schema(SchemaName="orders", DataFormat="PROTOBUF", SchemaDefinition=PROTO_FILE)
    assert made["SchemaVersionStatus"] == "AVAILABLE"
    assert glue.get_schema_version(SchemaVersionId=made["SchemaVersionId"])["SchemaDefinition"] == PROTO_FILE
    assert glue.check_schema_version_validity(DataFormat="PROTOBUF", SchemaDefinition=PROTO_FILE)["Valid"] is True
    with pytest.raises(ClientError) as err:
        glue.check_schema_version_validity(DataFormat="AVRO", SchemaDefinition=" \n\t ")
    assert _error(err)[0] == "ValidationException"
