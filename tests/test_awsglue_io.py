"""S3-style sources and sinks of the awsglue library on local Hadoop paths: formats, options, layout."""

import gzip
import json
import os

import pytest

import emulator.runtime

emulator.runtime.install()

from awsglue import gluetypes as G
from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrame


@pytest.fixture(scope="module")
def glue(spark):
    return GlueContext(spark.sparkContext)


def write(path, text, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as fh:
        fh.write(text)


def rows(dyf):
    return sorted((r.asDict(recursive=True) for r in dyf.toDF().collect()), key=lambda r: json.dumps(r, default=str))


def test_csv_reads_all_strings_with_trimmed_headers_and_glue_options(glue, tmp_path):
    write(f"{tmp_path}/in/a.csv", ' Id ;Name ;Note\n1;"Ann; Lee";\n2;Bob;"say ""hi"""\n')
    dyf = glue.create_dynamic_frame.from_options("s3", {"paths": [f"file://{tmp_path}/in"]}, "csv",
                                                  {"withHeader": True, "separator": ";"})
    assert dyf.schema() == G.StructType([G.Field("Id", G.StringType()), G.Field("Name", G.StringType()),
                                         G.Field("Note", G.StringType())])
    assert rows(dyf) == [{"Id": "1", "Name": "Ann; Lee", "Note": ""}, {"Id": "2", "Name": "Bob", "Note": 'say "hi"'}]
    headerless = glue.create_dynamic_frame_from_options("s3", {"paths": [f"{tmp_path}/in/a.csv"]}, format="csv",
                                                        format_options={"separator": ";", "quoteChar": -1})
    assert [f.name for f in headerless.schema()] == ["col0", "col1", "col2"]
    assert headerless.count() == 3


def test_json_records_are_self_describing_with_choices_json_path_and_errors(glue, tmp_path):
    write(f"{tmp_path}/j/1.json", '{"id": 1, "v": 2.5, "tags": ["a"]}\n{"id": 2, "v": "n/a"}\nnot json\n')
    dyf = glue.create_dynamic_frame.from_options("s3", {"paths": [f"{tmp_path}/j/"]}, "json")
    assert dyf.schema() == G.StructType([G.Field("id", G.IntegerType()),
                                         G.Field("v", G.ChoiceType([G.DoubleType(), G.StringType()])),
                                         G.Field("tags", G.ArrayType(G.StringType()))])
    assert (dyf.count(), dyf.errorsCount()) == (2, 1)
    write(f"{tmp_path}/m/doc.json", '{"meta": 1,\n "records": [{"a": 1}, {"a": 2}]}')
    nested = glue.create_dynamic_frame.from_options("s3", {"paths": [f"{tmp_path}/m"]}, "json",
                                                    {"jsonPath": "$.records[*]", "multiline": True})
    assert rows(nested) == [{"a": 1}, {"a": 2}]


def test_parquet_sink_appends_glue_named_files_in_hive_folders(glue, spark, tmp_path):
    out = f"{tmp_path}/out"
    dyf = DynamicFrame.fromDF(spark.createDataFrame([(1, "2024", "a"), (2, "2025", "b")],
                                                    "id long, year string, v string"), glue, "d")
    for _ in range(2):
        glue.write_dynamic_frame.from_options(frame=dyf, connection_type="s3", format="glueparquet",
                                              connection_options={"path": out, "partitionKeys": ["year"]},
                                              format_options={"compression": "snappy"})
    assert sorted(os.listdir(out)) == ["year=2024", "year=2025"]
    names = [n for n in os.listdir(f"{out}/year=2024") if not n.startswith(".")]  # .crc: local file system
    assert len(names) == 2 and all(n.startswith("run-") and n.endswith("-snappy.parquet") for n in names)
    back = glue.create_dynamic_frame.from_options("s3", {"paths": [out], "recurse": True}, "parquet")
    assert sorted((r["id"], r["year"]) for r in rows(back)) == [(1, "2024"), (1, "2024"), (2, "2025"), (2, "2025")]
    pruned = glue.create_dynamic_frame.from_options("s3", {"paths": [out], "recurse": True}, "parquet",
                                                    push_down_predicate="year == '2025'")
    assert {r["year"] for r in rows(pruned)} == {"2025"}


def test_recurse_exclusions_and_compressed_csv(glue, spark, tmp_path):
    write(f"{tmp_path}/r/top.csv", "a\n1\n")
    write(f"{tmp_path}/r/sub/deep.csv", "a\n2\n")
    write(f"{tmp_path}/r/sub/skip.pdf", "a\n3\n")
    with gzip.open(f"{tmp_path}/r/sub/zipped.csv.gz", "wt") as fh:
        fh.write("a\n4\n")
    options = {"withHeader": True}
    flat = glue.create_dynamic_frame.from_options("s3", {"paths": [f"{tmp_path}/r"]}, "csv", options)
    assert [r["a"] for r in rows(flat)] == ["1"]
    deep = glue.create_dynamic_frame.from_options(
        "s3", {"paths": [f"{tmp_path}/r"], "recurse": True, "exclusions": '["**.pdf"]', "groupFiles": "inPartition",
               "groupSize": "1048576"}, "csv", options)
    assert [r["a"] for r in rows(deep)] == ["1", "2", "4"]
    sink = f"{tmp_path}/csvout"
    glue.write_dynamic_frame.from_options(deep, "s3", {"path": sink, "compression": "gzip"}, "csv")
    names = sorted(n for n in os.listdir(sink) if not n.startswith("."))
    assert names[0].startswith("run-") and names[0].endswith("-part-r-00000.gz")
    values = []
    for name in names:
        with gzip.open(f"{sink}/{name}", "rt") as fh:
            lines = fh.read().splitlines()
        assert lines[0] == "a"  # writeHeader defaults to true
        values += lines[1:]
    assert sorted(values) == ["1", "2", "4"]


def test_orc_text_and_unsupported_formats(glue, spark, tmp_path):
    dyf = DynamicFrame.fromDF(spark.createDataFrame([("x",)], "value string"), glue, "d")
    for fmt in ("orc", "text", "json"):
        glue.write_dynamic_frame.from_options(dyf, "s3", {"path": f"{tmp_path}/{fmt}"}, fmt)
        back = glue.create_dynamic_frame.from_options("s3", {"paths": [f"{tmp_path}/{fmt}"]}, fmt)
        assert rows(back) == [{"value": "x"}]
    with pytest.raises(ValueError, match="spark-avro jar"):
        glue.write_dynamic_frame.from_options(dyf, "s3", {"path": f"{tmp_path}/avro"}, "avro")
    with pytest.raises(ValueError, match="not supported"):
        glue.create_dynamic_frame.from_options("dynamodb", {"dynamodb.input.tableName": "t"})


def test_purge_s3_path_deletes_old_files(glue, tmp_path):
    write(f"{tmp_path}/p/a/b.csv", "x")
    glue.purge_s3_path(f"file://{tmp_path}/p", {"retentionPeriod": 1})
    assert os.path.exists(f"{tmp_path}/p/a/b.csv")
    glue.purge_s3_path(f"file://{tmp_path}/p", {"retentionPeriod": 0})
    assert not os.path.exists(f"{tmp_path}/p/a/b.csv")
