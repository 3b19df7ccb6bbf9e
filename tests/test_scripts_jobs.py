"""Generated scripts run as glueetl jobs and produce the right rows (issue #18): a CSV crawled into the catalog,
GetMapping + GetPlan -> job -> JSON output read back; CreateScript from a DAG -> job -> output."""

from __future__ import annotations

import json
from typing import Any

from support import ROLE, put_script, run_to_end, wait_crawler_ready

CSV = b"id,amount,customer\n1,2.5,ann\n2,4.0,bob\n3,1.25,cy\n"


def crawled(glue_emulator: Any) -> dict[str, str]:
    """The CSV in s3://gen-data/orders/ crawled into table gen.orders; the CatalogEntry of the table."""
    s3, glue = glue_emulator.s3, glue_emulator.glue
    for bucket in ("gen-data", "gen-out"):
        s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket="gen-data", Key="orders/part-0.csv", Body=CSV)
    glue.create_database(DatabaseInput={"Name": "gen"})
    glue.create_crawler(Name="gen", Role=ROLE, DatabaseName="gen",
                        Targets={"S3Targets": [{"Path": "s3://gen-data/orders/"}]})
    glue.start_crawler(Name="gen")
    wait_crawler_ready(glue, "gen", timeout=60)
    return {"DatabaseName": "gen", "TableName": "orders"}


def run_script(glue_emulator: Any, name: str, script: str) -> None:
    location = put_script(glue_emulator.s3, f"{name}.py", script)
    glue_emulator.glue.create_job(Name=name, Role=ROLE, Command={"Name": "glueetl", "ScriptLocation": location})
    job_run = run_to_end(glue_emulator.glue, name)
    assert job_run["JobRunState"] == "SUCCEEDED", job_run.get("ErrorMessage")


def json_rows(s3: Any, prefix: str) -> list[dict[str, Any]]:
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="gen-out", Prefix=prefix).get("Contents", [])]
    bodies = [s3.get_object(Bucket="gen-out", Key=key)["Body"].read().decode() for key in keys]
    return sorted((json.loads(line) for body in bodies for line in body.splitlines() if line), key=lambda r: r["id"])


def test_get_plan_of_a_crawled_table_runs_as_a_job_and_writes_the_mapped_rows(glue_emulator):
    glue, source = glue_emulator.glue, crawled(glue_emulator)
    mapping = glue.get_mapping(Source=source)["Mapping"]
    assert [(m["SourcePath"], m["SourceType"]) for m in mapping] == [("id", "long"), ("amount", "double"),
                                                                     ("customer", "string")]
    mapping[2]["TargetPath"] = "buyer"  # rename a column, cast another, as a user edits the proposed mapping
    mapping[0]["TargetType"] = "string"
    location = {"S3": [{"Name": "path", "Value": "s3://gen-out/plan/"}, {"Name": "format", "Value": "json"}]}
    script = glue.get_plan(Mapping=mapping, Source=source, Location=location)["PythonScript"]
    run_script(glue_emulator, "gen_plan", script)
    assert json_rows(glue_emulator.s3, "plan/") == [{"id": "1", "amount": 2.5, "buyer": "ann"},
                                                    {"id": "2", "amount": 4.0, "buyer": "bob"},
                                                    {"id": "3", "amount": 1.25, "buyer": "cy"}]


def test_create_script_of_a_dag_runs_as_a_job(glue_emulator):
    glue, source = glue_emulator.glue, crawled(glue_emulator)

    def arg(name: str, value: str) -> dict[str, str]:
        return {"Name": name, "Value": value}

    nodes = [
        {"Id": "datasource0", "NodeType": "DataSource", "Args": [
            arg("database", json.dumps(source["DatabaseName"])), arg("table_name", json.dumps(source["TableName"]))]},
        {"Id": "selectfields1", "NodeType": "SelectFields", "Args": [arg("paths", '["id", "customer"]')]},
        {"Id": "renamefield2", "NodeType": "RenameField", "Args": [arg("old_name", '"customer"'),
                                                                    arg("new_name", '"name"')]},
        {"Id": "datasink3", "NodeType": "DataSink", "Args": [
            arg("connection_type", '"s3"'), arg("connection_options", '{"path": "s3://gen-out/dag/"}'),
            arg("format", '"json"')]},
    ]
    edges = [{"Source": a, "Target": b} for a, b in (("datasource0", "selectfields1"),
                                                     ("selectfields1", "renamefield2"), ("renamefield2", "datasink3"))]
    script = glue.create_script(DagNodes=nodes, DagEdges=edges, Language="PYTHON")["PythonScript"]
    run_script(glue_emulator, "gen_dag", script)
    assert json_rows(glue_emulator.s3, "dag/") == [{"id": 1, "name": "ann"}, {"id": 2, "name": "bob"},
                                                   {"id": 3, "name": "cy"}]
