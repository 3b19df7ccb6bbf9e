"""DAGs of CodeGenNodes and CodeGenEdges <-> Glue's annotated Python ETL scripts.

A node's Args are Python source text (Value "\"sales\"" for the string sales, "[(\"id\", \"long\", \"id\",
\"long\")]" for a mapping), or with Param true the name of a job argument (the script reads `args["<name>"]`
and lists it in `## @params`). An edge feeds its Source node's frame to its Target node's TargetParameter
("frame" by default; "frame1"/"frame2" in edge order for Join; "dfc" for SelectFromCollection). Each step is
written as Glue writes it:

    ## @type: ApplyMapping
    ## @args: [mapping = [("id", "long", "id", "long")], transformation_ctx = "applymapping1"]
    ## @return: applymapping1
    ## @inputs: [frame = datasource0]
    applymapping1 = ApplyMapping.apply(frame = datasource0, mappings = [...], transformation_ctx = "applymapping1")

DataSource reads the catalog (database, table_name) or, given connection_type, from_options; DataSink writes
to the catalog, through a JDBC connection (catalog_connection) or, given connection_type, from_options. Every
other NodeType is an awsglue transform called as `<NodeType>.apply(...)`. Problems raise InvalidInputException.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidInputException

# The awsglue transforms a node may name (the classes of awsglue.transforms that take frames and literals).
TRANSFORMS = frozenset({
    "ApplyMapping", "SelectFields", "DropFields", "RenameField", "ResolveChoice", "DropNullFields", "Join",
    "SplitFields", "SplitRows", "Relationalize", "Unbox", "UnnestFrame", "Spigot", "SelectFromCollection",
    "Repartition", "Coalesce", "Union",
})
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ANNOTATION = re.compile(r"^\s*##\s*@(type|args|return|inputs|params):\s?(.*?)\s*$")
_HEADER = """import sys
from awsglue.transforms import *
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext
from awsglue.job import Job

## @params: [{params}]
args = getResolvedOptions(sys.argv, [{quoted}])

sc = SparkContext()
glueContext = GlueContext(sc)
spark = glueContext.spark_session
job = Job(glueContext)
job.init(args['JOB_NAME'], args)
"""


def _parse(source: str, mode: str, problem: str) -> ast.AST:
    """ast.parse, or InvalidInputException(problem): the parser also gives up on null bytes and on nesting too
    deep for it (ValueError, MemoryError, RecursionError), which is bad input too."""
    try:
        return ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise InvalidInputException(f"{problem}: {exc.msg} (line {exc.lineno}).") from exc
    except (ValueError, MemoryError, RecursionError) as exc:
        raise InvalidInputException(f"{problem}: it is too complex to parse.") from exc


@dataclass(frozen=True)
class _Arg:
    name: str
    value: str
    param: bool

    def annotated(self) -> str:
        return f"{self.name} = {self.value}"

    def code(self, name: str | None = None) -> str:
        value = f'args["{self.value}"]' if self.param else self.value
        return f"{name or self.name} = {value}"


def _args(node: dict[str, Any]) -> list[_Arg]:
    result = []
    for arg in node.get("Args", []):
        name, value, param = arg["Name"], arg["Value"], bool(arg.get("Param"))
        if not _IDENTIFIER.match(name):
            raise InvalidInputException(f"Argument name {name!r} of node {node['Id']} is not a Python identifier.")
        if param and not _IDENTIFIER.match(value):
            raise InvalidInputException(f"Argument {name} of node {node['Id']} is a parameter: its Value must "
                                        f"name a job argument, not {value!r}.")
        if not param:
            _parse(value, "eval", f"Argument {name} of node {node['Id']} is not a Python expression {value!r}")
        result.append(_Arg(name, value, param))
    if not any(a.name == "transformation_ctx" for a in result):
        result.append(_Arg("transformation_ctx", f'"{node["Id"]}"', False))
    return result


def _ordered(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The nodes in an order where each comes after its inputs (stable: as given when free to choose)."""
    by_id: dict[str, dict[str, Any]] = {}
    for node in nodes:
        if node["Id"] in by_id:
            raise InvalidInputException(f"Two nodes have the Id {node['Id']}.")
        by_id[node["Id"]] = node
    waiting = {node_id: 0 for node_id in by_id}
    outgoing: dict[str, list[str]] = {node_id: [] for node_id in by_id}  # one pass over the edges, not one a node
    for edge in edges:
        for end in ("Source", "Target"):
            if edge[end] not in by_id:
                raise InvalidInputException(f"Edge {edge['Source']} -> {edge['Target']}: no node has the Id "
                                            f"{edge[end]}.")
        waiting[edge["Target"]] += 1
        outgoing[edge["Source"]].append(edge["Target"])
    order: list[dict[str, Any]] = []
    ready = deque(node_id for node_id in by_id if waiting[node_id] == 0)
    while ready:
        node_id = ready.popleft()
        order.append(by_id[node_id])
        for target in outgoing[node_id]:
            waiting[target] -= 1
            if waiting[target] == 0:
                ready.append(target)
    if len(order) != len(by_id):
        raise InvalidInputException("The DAG has a cycle: " + ", ".join(sorted(set(by_id) - {n["Id"] for n in order})))
    return order


def _inputs(node: dict[str, Any], incoming: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(parameter, source node) of each edge into the node (`incoming`: those edges, in DagEdges order)."""
    if node["NodeType"] == "Join":
        defaults = [f"frame{i}" for i in range(1, len(incoming) + 1)]
    else:
        single = "dfc" if node["NodeType"] == "SelectFromCollection" else "frame"
        defaults = [single if len(incoming) == 1 else f"frame{i}" for i in range(1, len(incoming) + 1)]
    inputs = [(edge.get("TargetParameter") or default, edge["Source"]) for edge, default in zip(incoming, defaults)]
    for parameter, source in inputs:
        if not _IDENTIFIER.match(parameter):
            raise InvalidInputException(f"Edge {source} -> {node['Id']}: TargetParameter {parameter!r} is not a "
                                        "Python identifier.")
    return inputs


def _call(node: dict[str, Any], args: list[_Arg], inputs: list[tuple[str, str]]) -> str:
    names = {a.name for a in args}
    frames = [f"{parameter} = {source}" for parameter, source in inputs]
    node_type = node["NodeType"]
    if node_type == "DataSource":
        method = "from_options" if "connection_type" in names else "from_catalog"
        target = f"glueContext.create_dynamic_frame.{method}"
    elif node_type == "DataSink":
        if "connection_type" in names:
            method = "from_options"
        else:
            method = "from_jdbc_conf" if "catalog_connection" in names else "from_catalog"
        target = f"glueContext.write_dynamic_frame.{method}"
    elif node_type in TRANSFORMS:
        target = f"{node_type}.apply"
    else:
        raise InvalidInputException(f"Node {node['Id']} has an unknown NodeType {node_type}: use DataSource, "
                                    f"DataSink or one of {', '.join(sorted(TRANSFORMS))}.")
    # Glue's annotation names ApplyMapping's argument `mapping`; the transform's parameter is `mappings`.
    renamed = {"mapping": "mappings"} if node_type == "ApplyMapping" else {}
    code_args = [a.code(renamed.get(a.name)) for a in args]
    return f"{node['Id']} = {target}({', '.join(frames + code_args)})"


def python_script(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> str:
    """The Glue ETL script of a DAG (see the module docstring); InvalidInputException for a bad DAG."""
    steps, params = [], {}  # a dict keeps the job arguments in their first-use order, without duplicates
    incoming: dict[str, list[dict[str, Any]]] = {}
    for edge in edges:
        incoming.setdefault(edge["Target"], []).append(edge)
    for node in _ordered(nodes, edges):
        args, inputs = _args(node), _inputs(node, incoming.get(node["Id"], []))
        params.update((a.value, None) for a in args if a.param and a.value != "JOB_NAME")
        steps += [f"## @type: {node['NodeType']}",
                  f"## @args: [{', '.join(a.annotated() for a in args)}]",
                  f"## @return: {node['Id']}",
                  f"## @inputs: [{', '.join(f'{p} = {s}' for p, s in inputs)}]",
                  _call(node, args, inputs)]
    names = [*params, "JOB_NAME"]
    header = _HEADER.format(params=", ".join(names), quoted=",".join(f"'{p}'" for p in names))
    # No newline after job.commit(): Glue's generated scripts end there (tests/etl_scripts/published_glue_plan_*).
    return header + "\n".join(steps + ["job.commit()"])


# -- reading a script back ---------------------------------------------------------------------------


def _keywords(text: str, where: str) -> list[tuple[str, str, bool]]:
    """`[a = expr, b = name]` as (name, source text of the value, whether the value is a bare name)."""
    inner = text.strip()
    if not (inner.startswith("[") and inner.endswith("]")):
        raise InvalidInputException(f"{where}: expected [name = value, ...], got {text!r}.")
    source = f"_({inner[1:-1]})"
    call = _parse(source, "eval", f"{where}: {text!r} is not a list of name = value").body  # type: ignore[attr-defined]
    if not isinstance(call, ast.Call) or call.args or any(k.arg is None for k in call.keywords):
        raise InvalidInputException(f"{where}: {text!r} is not a list of name = value.")
    return [(str(k.arg), ast.get_source_segment(source, k.value) or "", isinstance(k.value, ast.Name))
            for k in call.keywords]


def _statement_lines(tree: ast.Module) -> list[int]:
    return sorted(node.lineno for node in ast.walk(tree) if isinstance(node, ast.stmt))


def _groups(lines: list[str]) -> Iterable[tuple[int, dict[str, str]]]:
    """(last line number, {annotation: text}) of each run of `## @` lines that holds a @type."""
    group: dict[str, str] = {}
    last = 0
    for number, line in enumerate(lines, start=1):
        match = _ANNOTATION.match(line)
        if match and not (match.group(1) == "type" and "type" in group):
            group[match.group(1)] = match.group(2)
            last = number
            continue
        if "type" in group:
            yield last, group
        group = {}
        if match:  # a @type right after another group starts the next one
            group, last = {match.group(1): match.group(2)}, number
    if "type" in group:
        yield last, group


def dataflow_graph(script: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(DagNodes, DagEdges) of a script's annotations; a node's LineNumber is that of the first statement
    after its annotations. InvalidInputException when the script is not Python or an annotation is malformed."""
    tree = _parse(script, "exec", "The script is not valid Python")
    statements = _statement_lines(tree)  # type: ignore[arg-type]
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    for index, (last, group) in enumerate(_groups(script.splitlines())):
        where = f"The annotations ending on line {last}"
        node_id = group.get("return") or f"node{index}"
        if not _IDENTIFIER.match(node_id):
            raise InvalidInputException(f"{where}: @return {node_id!r} is not an identifier.")
        args = _keywords(group.get("args", "[]"), where)
        node: dict[str, Any] = {"Id": node_id, "NodeType": group["type"].strip(),
                                "Args": [{"Name": n, "Value": v, "Param": p} for n, v, p in args]}
        following = bisect.bisect_right(statements, last)  # the first statement after the annotations
        if following < len(statements):
            node["LineNumber"] = statements[following]
        nodes.append(node)
        for parameter, source, is_name in _keywords(group.get("inputs", "[]"), where):
            if not is_name:
                raise InvalidInputException(f"{where}: input {parameter} must name a node, not {source!r}.")
            edges.append({"Source": source, "Target": node_id, "TargetParameter": parameter})
    return nodes, edges
