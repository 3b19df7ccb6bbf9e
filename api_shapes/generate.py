"""Generate JSON Schemas of an AWS service's operations from botocore's service model.

Run from the repository root after upgrading botocore:  python api_shapes/generate.py glue
The output (api_shapes/<service>.json) is committed: the server loads it at start-up and validates
every request against it before a handler runs. Each shape of the model becomes one entry of
``$defs``; each operation names its input and output shape and the errors it models.

Smithy patterns are Java regular expressions matched against the whole value; they are rewritten
for Python (surrogate pairs become astral ranges, ``\\p{..}`` classes are approximated) and
anchored, and the original text is kept in ``x-aws-pattern`` for AWS-style error messages.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import botocore
import botocore.loaders

HERE = Path(__file__).resolve().parent

_SURROGATE_RANGE = "\\uD800\\uDC00-\\uDBFF\\uDFFF"
# Approximations of Java's Unicode classes, usable inside [...]: Python's re has no \\p{..}.
_UNICODE_CLASSES = {
    "\\p{L}": "A-Za-z\\u00aa\\u00b5\\u00ba\\u00c0-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u2dff\\u3040-\\ud7ff\\uf900-\\ufdff",
    "\\p{N}": "0-9",
    "\\p{Z}": " \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000",
    "\\p{P}": "!-#%-*,-/:;?@\\[-\\]_{}\\u00a1\\u00a7\\u00ab\\u00b6\\u00b7\\u00bb\\u00bf\\u2010-\\u2027\\u3001-\\u3003",
}


# Shapes whose pattern AWS matches across line breaks. Schema registry definitions are multi-line documents (AWS's
# own Java serde registers the multi-line .proto text that Wire's ProtoFileElement.toSchema() prints), yet their
# pattern is `.*\S.*`, whose `.` would stop at a line break: in these, `.` matches any character.
_ACROSS_LINES = ("SchemaDefinitionString", "SchemaDefinitionDiff")
# Enums AWS extends at run time, per service: a connection type registered by RegisterConnectionType ("REST-..." by
# its API reference) is a ConnectionType of Glue's CreateConnection and GetConnection although the model lists
# built-ins only (Athena's ConnectionType, of federated catalogs, is closed).
_OPEN_ENUMS = {"glue": {"ConnectionType": "REST-"}}


def python_pattern(java: str, across_lines: bool = False) -> str:
    """Translate a Smithy (Java) regex into an anchored Python one with the same meaning."""
    pattern = java.replace(_SURROGATE_RANGE, "\\U00010000-\\U0010FFFF")
    for java_class, python_class in _UNICODE_CLASSES.items():
        pattern = pattern.replace(java_class, python_class)
    pattern = re.sub(r"(\\[wdsWDS])-", r"\1\\-", pattern)  # Java reads [\w-_] as a literal dash
    re.compile(pattern)
    return ("^(?s:" if across_lines else "^(?:") + pattern + ")\\Z"


def _limits(shape: dict[str, Any], schema: dict[str, Any], low: str, high: str) -> None:
    """Smithy's min/max become the JSON Schema keywords of the shape's kind."""
    if "min" in shape:
        schema[low] = shape["min"]
    if "max" in shape:
        schema[high] = shape["max"]


def shape_schema(shape: dict[str, Any], open_prefix: str | None = None) -> dict[str, Any]:
    """One botocore shape as a JSON Schema fragment; members refer to other shapes by $ref.

    `open_prefix`: for an enum AWS extends at run time, the prefix of the values it also takes."""
    kind = shape["type"]
    schema: dict[str, Any]
    if kind == "structure":
        members = shape.get("members", {})
        schema = {
            "type": "object",
            "properties": {name: {"$ref": f"#/$defs/{m['shape']}"} for name, m in members.items()},
            "additionalProperties": False,
        }
        if shape.get("required"):
            schema["required"] = list(shape["required"])
        if shape.get("union"):
            schema["maxProperties"] = 1
        if shape.get("document"):
            schema = {}
        if shape.get("exception"):
            schema["x-aws-exception"] = True
            schema["x-aws-status"] = 500 if shape.get("fault") else 400
    elif kind == "list":
        schema = {"type": "array", "items": {"$ref": f"#/$defs/{shape['member']['shape']}"}}
        _limits(shape, schema, "minItems", "maxItems")
    elif kind == "map":
        schema = {
            "type": "object",
            "additionalProperties": {"$ref": f"#/$defs/{shape['value']['shape']}"},
            "propertyNames": {"$ref": f"#/$defs/{shape['key']['shape']}"},
        }
        _limits(shape, schema, "minProperties", "maxProperties")
    elif kind == "string":
        schema = {"type": "string"}
        if "enum" in shape:
            schema["enum"] = list(shape["enum"])
            if open_prefix:
                schema["x-aws-open-enum-prefix"] = open_prefix
        _limits(shape, schema, "minLength", "maxLength")
        if "pattern" in shape:
            schema["pattern"] = python_pattern(shape["pattern"])
            schema["x-aws-pattern"] = shape["pattern"]
    elif kind in ("integer", "long"):
        schema = {"type": "integer"}
        _limits(shape, schema, "minimum", "maximum")
        # Java's int and long: a larger number is not one the service can read.
        bound = 2**31 if kind == "integer" else 2**63
        schema.setdefault("minimum", -bound)
        schema.setdefault("maximum", bound - 1)
    elif kind in ("double", "float"):
        schema = {"type": "number"}
        _limits(shape, schema, "minimum", "maximum")
    elif kind == "boolean":
        schema = {"type": "boolean"}
    elif kind == "timestamp":
        # awsJson sends epoch seconds; ISO-8601 strings are accepted as botocore accepts them.
        schema = {"type": ["number", "string"], "x-aws-timestamp": True}
    elif kind == "blob":
        schema = {"type": "string", "contentEncoding": "base64"}
    else:
        raise ValueError(f"unknown shape type {kind}")
    schema["x-aws-type"] = kind
    return schema


def generate(service: str) -> dict[str, Any]:
    """Build the whole schema document of one service from the installed botocore."""
    model = botocore.loaders.Loader().load_service_model(service, "service-2")
    open_enums = _OPEN_ENUMS.get(service, {})
    defs = {name: shape_schema(shape, open_enums.get(name)) for name, shape in model["shapes"].items()}
    for name in (n for n in _ACROSS_LINES if n in defs):
        defs[name]["pattern"] = python_pattern(model["shapes"][name]["pattern"], across_lines=True)
    defs["_Empty"] = {"type": "object", "properties": {}, "additionalProperties": False, "x-aws-type": "structure"}
    operations = {}
    for name, op in model["operations"].items():
        operations[name] = {
            "input": op.get("input", {}).get("shape", "_Empty"),
            "output": op.get("output", {}).get("shape", "_Empty"),
            "errors": [e["shape"] for e in op.get("errors", [])],
        }
    return {
        "$comment": f"Generated by api_shapes/generate.py from botocore {botocore.__version__}; do not edit.",
        "metadata": dict(model["metadata"]),
        "operations": operations,
        "$defs": defs,
    }


def main(argv: list[str]) -> None:
    for service in argv or ["glue"]:
        out = HERE / f"{service}.json"
        out.write_text(json.dumps(generate(service), indent=1, sort_keys=True) + "\n")
        print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
