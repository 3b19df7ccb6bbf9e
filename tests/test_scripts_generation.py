"""Script generation against a live server driven by boto3 (issue #18): CreateScript, GetDataflowGraph,
GetMapping, GetPlan, and their errors. No Spark here: tests/test_scripts_jobs.py runs the generated scripts.

tests/etl_scripts/published_glue_plan_csv2parquet.py is a script AWS Glue generated (Jujubalandia/nyc-tax-de-chldr
resources/csv2parquet-vendor.py, commit 94675ea3, byte for byte): GetDataflowGraph reads it and CreateScript and
GetPlan write it back exactly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support import error_of

PUBLISHED = (Path(__file__).parent / "etl_scripts" / "published_glue_plan_csv2parquet.py").read_text()
VENDOR_COLUMNS = [("vendor_id", "string"), ("name", "string"), ("address", "string"), ("city", "string"),
                  ("state", "string"), ("zip", "bigint"), ("country", "string"), ("contact", "string"),
                  ("current", "string")]


def arg(name: str, value: str, param: bool = False) -> dict[str, Any]:
    return {"Name": name, "Value": value, "Param": param}


def test_the_published_glue_script_reads_as_its_dag_and_writes_back_byte_for_byte(glue):
    graph = glue.get_dataflow_graph(PythonScript=PUBLISHED)
    nodes = graph["DagNodes"]
    assert [(n["Id"], n["NodeType"], n["LineNumber"]) for n in nodes] == [
        ("datasource0", "DataSource", 20), ("applymapping1", "ApplyMapping", 25),
        ("resolvechoice2", "ResolveChoice", 30), ("dropnullfields3", "DropNullFields", 35),
        ("datasink4", "DataSink", 40)]
    assert nodes[0]["Args"] == [arg("database", '"nyc_taxi_experiments"'), arg("table_name", '"vendor"'),
                                arg("transformation_ctx", '"datasource0"')]
    assert nodes[1]["Args"][0]["Value"].startswith('[("vendor_id", "string", "vendor_id", "string"), ')
    assert graph["DagEdges"] == [
        {"Source": "datasource0", "Target": "applymapping1", "TargetParameter": "frame"},
        {"Source": "applymapping1", "Target": "resolvechoice2", "TargetParameter": "frame"},
        {"Source": "resolvechoice2", "Target": "dropnullfields3", "TargetParameter": "frame"},
        {"Source": "dropnullfields3", "Target": "datasink4", "TargetParameter": "frame"}]
    script = glue.create_script(DagNodes=nodes, DagEdges=graph["DagEdges"], Language="PYTHON")["PythonScript"]
    assert script == PUBLISHED


def test_get_mapping_and_get_plan_give_the_script_glue_generated_for_the_same_table(glue):
    glue.create_database(DatabaseInput={"Name": "nyc_taxi_experiments"})
    glue.create_table(DatabaseName="nyc_taxi_experiments", TableInput={
        "Name": "vendor", "StorageDescriptor": {"Columns": [{"Name": n, "Type": t} for n, t in VENDOR_COLUMNS]}})
    source = {"DatabaseName": "nyc_taxi_experiments", "TableName": "vendor"}
    mapping = glue.get_mapping(Source=source)["Mapping"]
    assert mapping[5] == {"SourceTable": "vendor", "SourcePath": "zip", "SourceType": "long",
                          "TargetTable": "vendor", "TargetPath": "zip", "TargetType": "long"}
    assert [m["SourcePath"] for m in mapping] == [n for n, _ in VENDOR_COLUMNS]
    location = {"S3": [{"Name": "path", "Value": "s3://de-bera-nyc-cab-trips/dl-parquet/vendor"},
                       {"Name": "format", "Value": "parquet"}]}
    script = glue.get_plan(Mapping=mapping, Source=source, Location=location, Language="PYTHON")["PythonScript"]
    assert script == PUBLISHED


def test_get_mapping_onto_a_sink_maps_the_columns_both_have_with_the_sinks_types(glue):
    glue.create_database(DatabaseInput={"Name": "db"})
    columns = [{"Name": "id", "Type": "int"}, {"Name": "Amount", "Type": "string"}, {"Name": "note", "Type": "varchar(9)"},
               {"Name": "tags", "Type": "array<string>"}]
    glue.create_table(DatabaseName="db", TableInput={"Name": "raw", "StorageDescriptor": {"Columns": columns},
                                                     "PartitionKeys": [{"Name": "day", "Type": "date"}]})
    glue.create_table(DatabaseName="db", TableInput={"Name": "clean", "StorageDescriptor": {"Columns": [
        {"Name": "id", "Type": "bigint"}, {"Name": "amount", "Type": "decimal(10,2)"}, {"Name": "day", "Type": "date"}]}})
    assert glue.get_mapping(Source={"DatabaseName": "db", "TableName": "raw"})["Mapping"][2:] == [
        {"SourceTable": "raw", "SourcePath": "note", "SourceType": "string", "TargetTable": "raw",
         "TargetPath": "note", "TargetType": "string"},
        {"SourceTable": "raw", "SourcePath": "tags", "SourceType": "array<string>", "TargetTable": "raw",
         "TargetPath": "tags", "TargetType": "array<string>"},
        {"SourceTable": "raw", "SourcePath": "day", "SourceType": "date", "TargetTable": "raw",
         "TargetPath": "day", "TargetType": "date"}]
    onto = glue.get_mapping(Source={"DatabaseName": "db", "TableName": "raw"},
                            Sinks=[{"DatabaseName": "db", "TableName": "clean"}])["Mapping"]
    assert [(m["SourcePath"], m["SourceType"], m["TargetTable"], m["TargetPath"], m["TargetType"]) for m in onto] == [
        ("id", "int", "clean", "id", "long"), ("Amount", "string", "clean", "amount", "decimal(10,2)"),
        ("day", "date", "clean", "day", "date")]
    plan = glue.get_plan(Mapping=onto, Source={"DatabaseName": "db", "TableName": "raw"},
                         Sinks=[{"DatabaseName": "db", "TableName": "clean"}])["PythonScript"]
    assert ('datasink4 = glueContext.write_dynamic_frame.from_catalog(frame = dropnullfields3, database = "db", '
            'table_name = "clean", transformation_ctx = "datasink4")') in plan


def test_create_script_orders_steps_by_their_edges_and_names_join_inputs_and_parameters(glue):
    nodes = [
        {"Id": "joined", "NodeType": "Join", "Args": [arg("keys1", '["id"]'), arg("keys2", '["order_id"]')]},
        {"Id": "orders", "NodeType": "DataSource", "Args": [arg("database", '"db"'), arg("table_name", '"orders"')]},
        {"Id": "lines", "NodeType": "DataSource", "Args": [
            arg("connection_type", '"s3"'), arg("format", '"json"'), arg("connection_options", "{'paths': [src]}"),
            arg("redshift_tmp_dir", "TempDir", param=True)]},
        {"Id": "out", "NodeType": "DataSink", "Args": [arg("catalog_connection", '"pg"'),
                                                        arg("connection_options", '{"dbtable": "t"}')]},
    ]
    edges = [{"Source": "orders", "Target": "joined"}, {"Source": "lines", "Target": "joined"},
             {"Source": "joined", "Target": "out"}]
    script = glue.create_script(DagNodes=nodes, DagEdges=edges)["PythonScript"]
    assert "## @params: [TempDir, JOB_NAME]\nargs = getResolvedOptions(sys.argv, ['TempDir','JOB_NAME'])" in script
    assert ('lines = glueContext.create_dynamic_frame.from_options(connection_type = "s3", format = "json", '
            'connection_options = {\'paths\': [src]}, redshift_tmp_dir = args["TempDir"], '
            'transformation_ctx = "lines")') in script
    assert ('joined = Join.apply(frame1 = orders, frame2 = lines, keys1 = ["id"], keys2 = ["order_id"], '
            'transformation_ctx = "joined")') in script
    assert "out = glueContext.write_dynamic_frame.from_jdbc_conf(frame = joined, catalog_connection" in script
    returns = [line[len("## @return: "):] for line in script.splitlines() if line.startswith("## @return: ")]
    assert returns == ["orders", "lines", "joined", "out"]  # inputs first, else in the order given
    graph = glue.get_dataflow_graph(PythonScript=script)
    assert [e["TargetParameter"] for e in graph["DagEdges"]] == ["frame1", "frame2", "frame"]
    assert {"Name": "redshift_tmp_dir", "Value": "TempDir", "Param": True} in graph["DagNodes"][1]["Args"]


def test_a_script_without_annotations_has_an_empty_graph(glue):
    graph = glue.get_dataflow_graph(PythonScript="print('hello')\n")
    assert (graph["DagNodes"], graph["DagEdges"]) == ([], [])


NODE = {"Id": "a", "NodeType": "DataSource", "Args": [arg("database", '"db"'), arg("table_name", '"t"')]}


@pytest.mark.parametrize(("call", "request_body", "message"), [
    ("create_script", {"DagNodes": [NODE, {**NODE, "Id": "b", "NodeType": "Teleport"}]}, "unknown NodeType Teleport"),
    ("create_script", {"DagNodes": [NODE], "DagEdges": [{"Source": "a", "Target": "zz"}]}, "no node has the Id zz"),
    ("create_script", {"DagNodes": [NODE, {**NODE, "Id": "b"}],
                       "DagEdges": [{"Source": "a", "Target": "b"}, {"Source": "b", "Target": "a"}]},
     "The DAG has a cycle: a, b"),
    ("create_script", {"DagNodes": [NODE, NODE]}, "Two nodes have the Id a"),
    ("create_script", {"DagNodes": [{**NODE, "Args": [arg("database", '"db')]}]}, "is not a Python expression"),
    ("create_script", {"DagNodes": [{**NODE, "Args": [arg("database", "x y", param=True)]}]}, "must name a job"),
    ("create_script", {"DagNodes": [NODE], "Language": "SCALA"}, "PYTHON scripts only"),
    ("get_dataflow_graph", {"PythonScript": "def broken(:\n"}, "The script is not valid Python"),
    ("get_dataflow_graph", {"PythonScript": "## @type: DataSource\n## @args: database\nx = 1\n"},
     "expected [name = value, ...]"),
    ("get_dataflow_graph", {"PythonScript": "x = " + "1+" * 200000 + "1\n"}, "too complex to parse"),
    ("get_dataflow_graph", {"PythonScript": "x = 1\x00\n"}, "The script is not valid Python"),
    ("create_script", {"DagNodes": [NODE, {**NODE, "Id": "b"}],
                       "DagEdges": [{"Source": "a", "Target": "b", "TargetParameter": "frame = x; import os"}]},
     "is not a Python identifier"),
    ("get_plan", {"Mapping": [], "Source": {"DatabaseName": "db", "TableName": "t"}}, "at least one MappingEntry"),
])
def test_bad_requests_are_invalid_input(glue, call, request_body, message):
    with pytest.raises(glue.exceptions.InvalidInputException) as caught:
        getattr(glue, call)(**request_body)
    assert message in error_of(caught)[1]


def test_unknown_tables_are_not_found_and_a_plan_needs_somewhere_to_write(glue):
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_mapping(Source={"DatabaseName": "nodb", "TableName": "t"})
    glue.create_database(DatabaseInput={"Name": "db"})
    glue.create_table(DatabaseName="db", TableInput={"Name": "t"})
    assert glue.get_mapping(Source={"DatabaseName": "db", "TableName": "t"})["Mapping"] == []
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_mapping(Source={"DatabaseName": "db", "TableName": "t"}, Sinks=[{"DatabaseName": "db", "TableName": "x"}])
    mapping = [{"SourcePath": "a", "SourceType": "string", "TargetPath": "a", "TargetType": "string"}]
    with pytest.raises(glue.exceptions.InvalidInputException) as caught:
        glue.get_plan(Mapping=mapping, Source={"DatabaseName": "db", "TableName": "t"})
    assert "writes to the first of Sinks, or else to Location.S3" in error_of(caught)[1]
