"""Script generation operations: CreateScript, GetDataflowGraph, GetMapping, GetPlan.

- CreateScript: DagNodes/DagEdges -> PythonScript (dag.py).
- GetDataflowGraph: PythonScript -> DagNodes/DagEdges, from its `## @` annotations (dag.py).
- GetMapping: the MappingEntry list of a catalog table's columns (the table's Columns, then its PartitionKeys):
  each column onto itself, or with Sinks onto the first sink table's column of the same name (compared without
  case), typed as that column is there. Types are written as Glue's scripts write them (bigint -> long,
  smallint -> short, tinyint -> byte, varchar(n)/char(n) -> string); complex types keep their full catalog type
  (array<string>) so that ApplyMapping can cast to them.
- GetPlan: the classic script Glue generates for a mapping: read the Source table from the catalog,
  ApplyMapping, ResolveChoice make_struct, DropNullFields, and write to the first Sink table, or else to the
  Location's S3 path (Location.S3 args `path` and `format`, plain values; format defaults to parquet).

The emulator runs PySpark jobs only, so Language SCALA is refused (InvalidInputException) rather than answered
with code nothing here could check. Unknown catalog entities answer EntityNotFoundException as GetTable does.
"""

from __future__ import annotations

import json
import re
from itertools import pairwise
from typing import Any

from ..catalog.tables import get_table
from ..context import RequestContext
from ..errors import InvalidInputException
from .dag import dataflow_graph, python_script

_GLUE_TYPE_NAMES = {"bigint": "long", "smallint": "short", "tinyint": "byte", "integer": "int"}
_STRING_TYPES = re.compile(r"^(var)?char\(\d+\)$")


def _python_only(params: dict[str, Any]) -> None:
    if params.get("Language", "PYTHON") != "PYTHON":
        raise InvalidInputException("The emulator generates PYTHON scripts only: its jobs run on PySpark, so "
                                    "Scala code could not be run or checked here.")


def glue_type(catalog_type: str) -> str:
    """A catalog column type as Glue's generated scripts name it (see the module docstring)."""
    text = catalog_type.strip().lower()
    if _STRING_TYPES.match(text):
        return "string"
    return _GLUE_TYPE_NAMES.get(text, catalog_type.strip())


def create_script(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"PythonScript"} of the DAG; InvalidInputException for a bad DAG (unknown node, edge or type, a cycle,
    an argument that is not a Python expression)."""
    _python_only(params)
    return {"PythonScript": python_script(params.get("DagNodes", []), params.get("DagEdges", []))}


def get_dataflow_graph(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"DagNodes", "DagEdges"} read from the script's annotations; InvalidInputException when it is not Python."""
    nodes, edges = dataflow_graph(params.get("PythonScript", ""))
    return {"DagNodes": nodes, "DagEdges": edges}


def _table(ctx: RequestContext, entry: dict[str, Any]) -> dict[str, Any]:
    return get_table(ctx, {"DatabaseName": entry["DatabaseName"], "Name": entry["TableName"]})["Table"]


def _columns(table: dict[str, Any]) -> list[dict[str, Any]]:
    return table.get("StorageDescriptor", {}).get("Columns", []) + table.get("PartitionKeys", [])


def get_mapping(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"Mapping": [MappingEntry]} of the Source table onto itself or onto the first Sink table."""
    source = _table(ctx, params["Source"])
    sinks = [_table(ctx, sink) for sink in params.get("Sinks", [])]
    target = sinks[0] if sinks else source
    target_columns = {column["Name"].lower(): column for column in _columns(target)}
    mapping = []
    for column in _columns(source):
        match = target_columns.get(column["Name"].lower())
        if match is None:
            continue
        mapping.append({"SourceTable": source["Name"], "SourcePath": column["Name"],
                        "SourceType": glue_type(column.get("Type", "string")), "TargetTable": target["Name"],
                        "TargetPath": match["Name"], "TargetType": glue_type(match.get("Type", "string"))})
    return {"Mapping": mapping}


def _literal(value: str) -> str:
    return json.dumps(value)


def _arg(name: str, value: str) -> dict[str, Any]:
    return {"Name": name, "Value": value}


def _sink_args(ctx: RequestContext, params: dict[str, Any]) -> list[dict[str, Any]]:
    sinks = params.get("Sinks", [])
    if sinks:
        _table(ctx, sinks[0])
        return [_arg("database", _literal(sinks[0]["DatabaseName"])), _arg("table_name", _literal(sinks[0]["TableName"]))]
    location = params.get("Location", {})
    s3 = {arg["Name"]: arg["Value"] for arg in location.get("S3", [])}
    unknown = sorted(set(s3) - {"path", "format"})
    if unknown or not s3.get("path", "").startswith("s3://"):
        raise InvalidInputException("GetPlan writes to the first of Sinks, or else to Location.S3 given as args "
                                    "path (an s3:// URI) and optionally format"
                                    + (f"; unknown args: {', '.join(unknown)}" if unknown else "") + ".")
    return [_arg("connection_type", _literal("s3")),
            _arg("connection_options", "{" + f'"path": {_literal(s3["path"])}' + "}"),
            _arg("format", _literal(s3.get("format", "parquet")))]


def get_plan(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"PythonScript"} that performs the Mapping from Source to the sink (see the module docstring).

    EntityNotFoundException for an unknown Source or Sink table; InvalidInputException for SCALA, an empty
    Mapping or nowhere to write."""
    _python_only(params)
    if not params["Mapping"]:
        raise InvalidInputException("Mapping must hold at least one MappingEntry.")
    source = params["Source"]
    _table(ctx, source)
    members = ("SourcePath", "SourceType", "TargetPath", "TargetType")
    entries = []
    for entry in params["Mapping"]:
        if any(not entry.get(member) for member in members):
            raise InvalidInputException(f"Each MappingEntry needs {', '.join(members)}: {json.dumps(entry)}")
        entries.append("(" + ", ".join(_literal(entry[member]) for member in members) + ")")
    nodes = [
        {"Id": "datasource0", "NodeType": "DataSource", "Args": [
            _arg("database", _literal(source["DatabaseName"])), _arg("table_name", _literal(source["TableName"]))]},
        {"Id": "applymapping1", "NodeType": "ApplyMapping", "Args": [_arg("mapping", f"[{', '.join(entries)}]")]},
        {"Id": "resolvechoice2", "NodeType": "ResolveChoice", "Args": [_arg("choice", _literal("make_struct"))]},
        {"Id": "dropnullfields3", "NodeType": "DropNullFields", "Args": []},
        {"Id": "datasink4", "NodeType": "DataSink", "Args": _sink_args(ctx, params)},
    ]
    edges = [{"Source": a["Id"], "Target": b["Id"]} for a, b in pairwise(nodes)]
    return {"PythonScript": python_script(nodes, edges)}
