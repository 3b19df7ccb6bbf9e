"""The awsglue library against the emulator's Data Catalog: catalog-typed reads (choices), writes."""

import os

import pytest

import emulator.runtime

emulator.runtime.install()

from awsglue import gluetypes as G
from awsglue.context import GlueContext


@pytest.fixture
def glue(spark, glue_emulator):
    context = GlueContext(spark.sparkContext)
    context._glue_client_instance = glue_emulator.glue
    return context


def create_csv_table(client, location):
    client.create_database(DatabaseInput={"Name": "payments"})
    client.create_table(DatabaseName="payments", TableInput={
        "Name": "medicare",
        "Parameters": {"classification": "csv", "skip.header.line.count": "1"},
        "StorageDescriptor": {
            "Location": location,
            "Columns": [{"Name": "provider id", "Type": "bigint"}, {"Name": "name", "Type": "string"}],
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                          "Parameters": {"field.delim": ","}}},
        "PartitionKeys": [{"Name": "year", "Type": "string"}]})


def test_from_catalog_types_by_the_table_and_makes_choices_of_misfits(glue, glue_emulator, tmp_path):
    os.makedirs(tmp_path / "medicare" / "year=2024")
    (tmp_path / "medicare" / "year=2024" / "data.csv").write_text("Provider Id,Name\n10,a\nBAD,b\n")
    create_csv_table(glue_emulator.glue, f"file://{tmp_path}/medicare/")
    glue_emulator.glue.create_partition(DatabaseName="payments", TableName="medicare", PartitionInput={
        "Values": ["2024"], "StorageDescriptor": {"Location": f"file://{tmp_path}/medicare/year=2024/"}})
    dyf = glue.create_dynamic_frame.from_catalog(database="payments", table_name="medicare")
    assert dyf.name == "medicare"
    assert dyf.schema() == G.StructType([G.Field("provider id", G.ChoiceType([G.LongType(), G.StringType()])),
                                         G.Field("name", G.StringType()), G.Field("year", G.StringType())])
    cast = dyf.resolveChoice(choice="match_catalog", database="payments", table_name="medicare")
    assert sorted([(r["provider id"], r["name"], r["year"]) for r in cast.toDF().collect()], key=str) == [
        (10, "a", "2024"), (None, "b", "2024")]
    with pytest.raises(Exception, match="Parameter name_space and database are both specified, choose one."):
        glue.create_dynamic_frame.from_catalog(database="payments", name_space="payments", table_name="x")

    clean = cast.filter(lambda r: r["provider id"] is not None)
    glue.write_dynamic_frame.from_catalog(frame=clean, database="payments", table_name="medicare")
    written = [n for n in os.listdir(tmp_path / "medicare" / "year=2024") if n.startswith("run-")]
    assert len(written) == 1
    assert (tmp_path / "medicare" / "year=2024" / written[0]).read_text() == "provider id,name\n10,a\n"
