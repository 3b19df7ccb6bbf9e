"""Acceptance: the `aws-glue-schema-registry` serde library (PyPI) against a live server.

Its Kafka serializer auto-registers schemas (GetSchemaByDefinition, then CreateSchema or RegisterSchemaVersion
depending on AWS's "Schema is not found." / "Schema version is not found." messages, then GetSchemaVersion), frames
each record with the version id, and its deserializer fetches the writer's schema by that id. Nothing here is
stubbed: the library drives the emulator through a plain boto3 Glue client.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_schema_registry import DataAndSchema, KafkaDeserializer, KafkaSerializer, SchemaRegistryClient
from aws_schema_registry.avro import AvroSchema
from aws_schema_registry.exception import SchemaRegistryException
from aws_schema_registry.jsonschema import JsonSchema

ORDER_V1 = {"type": "record", "name": "Order", "namespace": "shop",
            "fields": [{"name": "id", "type": "long"}, {"name": "amount", "type": "double"}]}
ORDER_V2 = {**ORDER_V1, "fields": [*ORDER_V1["fields"], {"name": "note", "type": ["null", "string"], "default": None}]}
# A field without a default: readers of v3 cannot read v1/v2 data, so BACKWARD refuses it.
ORDER_V3 = {**ORDER_V1, "fields": [*ORDER_V1["fields"], {"name": "currency", "type": "string"}]}


def _client(glue: Any, registry: str = "default-registry") -> SchemaRegistryClient:
    # The library polls a version that is not AVAILABLE at once; the emulator answers its final status at once,
    # so a short interval only matters for the refused (FAILURE) version.
    return SchemaRegistryClient(glue, registry_name=registry, max_wait_attempts=3, wait_interval_seconds=0.05)


def test_avro_serializer_auto_registers_and_deserializer_fetches(glue: Any) -> None:
    glue.create_registry(RegistryName="shop")
    serializer = KafkaSerializer(_client(glue, "shop"))
    v1, v2 = AvroSchema(ORDER_V1), AvroSchema(ORDER_V2)
    first = serializer.serialize("orders", DataAndSchema({"id": 1, "amount": 9.5}, v1))
    second = serializer.serialize("orders", DataAndSchema({"id": 2, "amount": 1.0, "note": "gift"}, v2))

    schema = glue.get_schema(SchemaId={"RegistryName": "shop", "SchemaName": "orders-value"})
    assert (schema["DataFormat"], schema["Compatibility"], schema["LatestSchemaVersion"]) == ("AVRO", "BACKWARD", 2)
    versions = glue.list_schema_versions(SchemaId={"RegistryName": "shop", "SchemaName": "orders-value"})["Schemas"]
    assert [(v["VersionNumber"], v["Status"]) for v in versions] == [(1, "AVAILABLE"), (2, "AVAILABLE")]

    # A consumer with its own client: everything it knows comes from the registry by version id.
    deserializer = KafkaDeserializer(_client(glue, "shop"))
    got1, got2 = deserializer.deserialize("orders", first), deserializer.deserialize("orders", second)
    assert got1.data == {"id": 1, "amount": 9.5} and got1.schema == v1
    assert got2.data == {"id": 2, "amount": 1.0, "note": "gift"} and got2.schema == v2

    # Serializing v1 again in a new producer finds the stored version (GetSchemaByDefinition), registers nothing.
    again = KafkaSerializer(_client(glue, "shop")).serialize("orders", DataAndSchema({"id": 3, "amount": 2.0}, v1))
    assert again[2:18] == first[2:18]  # the framed version id
    assert glue.get_schema(SchemaId={"RegistryName": "shop", "SchemaName": "orders-value"})["NextSchemaVersion"] == 3


def test_an_incompatible_version_fails_the_producer(glue: Any) -> None:
    glue.create_registry(RegistryName="shop")
    serializer = KafkaSerializer(_client(glue, "shop"))
    serializer.serialize("orders", DataAndSchema({"id": 1, "amount": 9.5}, AvroSchema(ORDER_V1)))
    with pytest.raises(SchemaRegistryException) as err:
        serializer.serialize("orders", DataAndSchema({"id": 2, "amount": 1.0, "currency": "EUR"},
                                                     AvroSchema(ORDER_V3)))
    assert "Schema evolution check failed" in str(err.value.__cause__)
    versions = glue.list_schema_versions(SchemaId={"RegistryName": "shop", "SchemaName": "orders-value"})["Schemas"]
    assert [(v["VersionNumber"], v["Status"]) for v in versions] == [(1, "AVAILABLE"), (2, "FAILURE")]


def test_json_schema_through_the_default_registry(glue: Any) -> None:
    schema = JsonSchema({"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
                         "properties": {"sku": {"type": "string"}, "qty": {"type": "integer", "minimum": 0}},
                         "required": ["sku", "qty"]})
    framed = KafkaSerializer(_client(glue), is_key=True).serialize("stock", DataAndSchema({"sku": "A1", "qty": 4},
                                                                                          schema))
    registered = glue.get_schema(SchemaId={"SchemaName": "stock-key"})
    assert (registered["RegistryName"], registered["DataFormat"]) == ("default-registry", "JSON")
    got = KafkaDeserializer(_client(glue)).deserialize("stock", framed)
    assert got.data == {"sku": "A1", "qty": 4}
    assert json.loads(str(got.schema)) == json.loads(str(schema))
