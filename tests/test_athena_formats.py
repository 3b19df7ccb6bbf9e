"""Athena reads every format the catalog describes: ORC and Avro (through pyarrow and avro), OpenCSVSerde's quoted
CSV and the JSON SerDe, with each table's own parameters."""

from __future__ import annotations

import io
import json
from typing import Any

import pyarrow as pa
import pytest
from athena_lake import make_lake, rows, run
from pyarrow import orc

SERDES = {
    "orc": "org.apache.hadoop.hive.ql.io.orc.OrcSerde",
    "avro": "org.apache.hadoop.hive.serde2.avro.AvroSerDe",
    "csv": "org.apache.hadoop.hive.serde2.OpenCSVSerde",
    "json": "org.apache.hive.hcatalog.data.JsonSerDe",
}


@pytest.fixture
def lake(glue_emulator: Any) -> Any:
    return make_lake(glue_emulator)


def _avro_bytes() -> bytes:
    from avro.datafile import DataFileWriter
    from avro.io import DatumWriter
    from avro.schema import parse

    schema = parse(json.dumps({"type": "record", "name": "r", "fields": [
        {"name": "name", "type": "string"}, {"name": "score", "type": ["null", "long"]}]}))
    buffer = io.BytesIO()
    writer = DataFileWriter(buffer, DatumWriter(), schema)
    for record in ({"name": "ann", "score": 3}, {"name": "bob", "score": None}):
        writer.append(record)
    writer.flush()
    data = buffer.getvalue()
    writer.close()
    return data


def _orc_bytes() -> bytes:
    buffer = io.BytesIO()
    orc.write_table(pa.table({"name": ["ann", "bob"], "score": pa.array([3, None], pa.int64())}), buffer)
    return buffer.getvalue()


CONTENTS = {
    "orc": (_orc_bytes, {}),
    "avro": (_avro_bytes, {}),
    "csv": (lambda: b'"name","score"\n"ann","3"\n"bob",""\n', {"separatorChar": ",", "quoteChar": '"'}),
    "json": (lambda: b'{"name": "ann", "score": 3}\n{"name": "bob"}\n', {}),
}


@pytest.mark.parametrize("kind", sorted(SERDES))
def test_each_format_reads_as_athena_reads_it(lake: Any, kind: str) -> None:
    make, serde_parameters = CONTENTS[kind]
    lake.s3.put_object(Bucket="lake", Key=f"{kind}/data.{kind}", Body=make())
    parameters = {"skip.header.line.count": "1"} if kind == "csv" else {}
    lake.glue.create_table(DatabaseName="sales", TableInput={
        "Name": f"scores_{kind}", "Parameters": parameters, "StorageDescriptor": {
            "Columns": [{"Name": "name", "Type": "string"}, {"Name": "score", "Type": "bigint"}],
            "Location": f"s3://lake/{kind}/",
            "SerdeInfo": {"SerializationLibrary": SERDES[kind], "Parameters": serde_parameters}}})
    athena = lake.client("athena")
    execution = run(athena, f"SELECT name, score FROM scores_{kind} ORDER BY name")
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    assert rows(athena, execution["QueryExecutionId"]) == [["name", "score"], ["ann", "3"], ["bob", None]]
