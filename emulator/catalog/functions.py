"""User-defined functions of the Data Catalog: CreateUserDefinedFunction, GetUserDefinedFunction,
GetUserDefinedFunctions, UpdateUserDefinedFunction, DeleteUserDefinedFunction.

Function names are case-insensitive and stored (and returned) lower-case, like database and table
names: the catalog is Hive's metastore model, and Hive normalises function names the same way.
"""

from __future__ import annotations

import re
from typing import Any

from .. import tagging
from ..clock import now
from ..context import RequestContext
from ..errors import AlreadyExistsException, EntityNotFoundException, InvalidInputException
from ..pagination import paginate
from .common import FUNCTION, arn, catalog_id, entity_name, require_database, table_parent

_INPUT_MEMBERS = ("ClassName", "OwnerName", "FunctionType", "OwnerType", "ResourceUris")


def _function(catalog: str, database: str, name: str, spec: dict[str, Any], created: float) -> dict[str, Any]:
    doc: dict[str, Any] = {"FunctionName": name, "DatabaseName": database}
    doc.update({m: spec[m] for m in _INPUT_MEMBERS if m in spec})
    doc["CreateTime"] = created
    doc["CatalogId"] = catalog
    return doc


def function_arn(ctx: RequestContext, catalog: str, database: str, name: str) -> str:
    return arn(ctx, catalog, f"userDefinedFunction/{database}/{name}")


def _database_name(ctx: RequestContext, catalog: str, name: str) -> str:
    """The stored (lower-case) name of a database that must exist."""
    return require_database(ctx, catalog, name)["Name"]


def _require_function(ctx: RequestContext, catalog: str, database: str, name: str) -> dict[str, Any]:
    """The stored function (its database must exist), or EntityNotFoundException."""
    db = _database_name(ctx, catalog, database)
    doc = ctx.store.get(ctx.scope, FUNCTION, table_parent(catalog, db), name.lower())
    if doc is None:
        raise EntityNotFoundException(f"Function {name} not found.")
    return doc


def _input_name(spec: dict[str, Any]) -> str:
    """FunctionInput.FunctionName: optional in the model, yet a function cannot exist without it."""
    if not spec.get("FunctionName"):
        raise InvalidInputException("FunctionInput.FunctionName is required")
    return entity_name(spec["FunctionName"], "FunctionName")


def create_user_defined_function(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    catalog = catalog_id(ctx, params)
    spec = params["FunctionInput"]
    name = _input_name(spec)
    with ctx.store.transaction():
        db = _database_name(ctx, catalog, params["DatabaseName"])
        doc = _function(catalog, db, name, spec, now())
        if not ctx.store.insert(ctx.scope, FUNCTION, table_parent(catalog, db), name, doc):
            raise AlreadyExistsException(f"Function {name} already exists.")
    return {}


def get_user_defined_function(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    doc = _require_function(ctx, catalog_id(ctx, params), params["DatabaseName"], params["FunctionName"])
    return {"UserDefinedFunction": doc}


def _java_regex(pattern: str) -> str:
    """Java regex syntax as Python's `re` reads it: Glue compiles Pattern with java.util.regex, and
    clients (Trino) quote literals with \\Q...\\E, which `re` lacks; everything else is shared."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("\\Q", i):
            end = pattern.find("\\E", i + 2)
            end = len(pattern) if end < 0 else end  # an unclosed \Q quotes to the end, as in Java
            out.append(re.escape(pattern[i + 2 : end]))
            i = end + 2
        elif pattern[i] == "\\":
            out.append(pattern[i : i + 2])  # an escape pair: keeps "\\Q" (a backslash, then Q) intact
            i += 2
        else:
            out.append(pattern[i])
            i += 1
    return "".join(out)


def name_matcher(pattern: str) -> re.Pattern[str]:
    """Pattern is a regular expression the whole name must match (Java's String.matches, as in the
    Hive metastore: "f" finds only f, ".*f.*" finds every name containing f). Names are
    case-insensitive, so the match is too."""
    try:
        return re.compile(_java_regex(pattern), re.IGNORECASE)
    except re.error as exc:
        raise InvalidInputException(f"Invalid pattern syntax: {exc}") from None


def get_user_defined_functions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Functions of one database, or of every database of the catalog when DatabaseName is absent."""
    catalog = catalog_id(ctx, params)
    matcher = name_matcher(params["Pattern"])
    if params.get("DatabaseName"):
        parent = table_parent(catalog, _database_name(ctx, catalog, params["DatabaseName"]))
        docs = [doc for _, doc in ctx.store.list(ctx.scope, FUNCTION, parent)]
    else:
        docs = [doc for _, _, doc in ctx.store.list_under(ctx.scope, FUNCTION, catalog)]
    wanted_type = params.get("FunctionType")
    docs = [
        d for d in docs
        if matcher.fullmatch(d["FunctionName"]) and (wanted_type is None or d.get("FunctionType") == wanted_type)
    ]
    page, token = paginate(
        docs, params.get("NextToken"), params.get("MaxResults"), 100,
        key=lambda d: [d["DatabaseName"], d["FunctionName"]],
    )
    result: dict[str, Any] = {"UserDefinedFunctions": page}
    if token:
        result["NextToken"] = token
    return result


def update_user_defined_function(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Replace the definition (not merged, as on AWS); the name and creation time stay.

    AWS documents no renaming through FunctionInput.FunctionName; like UpdateDatabase here, the
    function keeps the name it is addressed by.
    """
    catalog = catalog_id(ctx, params)
    with ctx.store.transaction():
        current = _require_function(ctx, catalog, params["DatabaseName"], params["FunctionName"])
        db, name = current["DatabaseName"], current["FunctionName"]
        updated = _function(catalog, db, name, params["FunctionInput"], current["CreateTime"])
        ctx.store.put(ctx.scope, FUNCTION, table_parent(catalog, db), name, updated)
    return {}


def delete_user_defined_function(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    catalog = catalog_id(ctx, params)
    with ctx.store.transaction():
        current = _require_function(ctx, catalog, params["DatabaseName"], params["FunctionName"])
        db, name = current["DatabaseName"], current["FunctionName"]
        ctx.store.delete(ctx.scope, FUNCTION, table_parent(catalog, db), name)
        tagging.drop_tags(ctx, function_arn(ctx, catalog, db, name))
    return {}
