"""Databases of the Data Catalog: CreateDatabase, GetDatabase, GetDatabases, UpdateDatabase, DeleteDatabase."""

from __future__ import annotations

from typing import Any

from .. import tagging
from ..clock import now
from ..context import RequestContext
from ..errors import AlreadyExistsException, EntityNotFoundException
from ..events import glue as glue_events
from ..pagination import paginate
from ..store import key
from .common import (
    CONNECTION,
    DATABASE,
    FUNCTION,
    PARTITION,
    PARTITION_COLUMN_STATISTICS,
    TABLE,
    TABLE_COLUMN_STATISTICS,
    TABLE_OPTIMIZER,
    TABLE_OPTIMIZER_RUN,
    TABLE_VERSION,
    arn,
    arn_catalog,
    catalog_id,
    database_parent,
    entity_name,
    require_database,
    table_parent,
)
from .partition_indexes import PARTITION_INDEX

# What AWS reports when no Lake Formation permissions were given: IAM access control only.
DEFAULT_TABLE_PERMISSIONS = [
    {"Principal": {"DataLakePrincipalIdentifier": "IAM_ALLOWED_PRINCIPALS"}, "Permissions": ["ALL"]}
]
_INPUT_MEMBERS = ("Description", "LocationUri", "Parameters", "TargetDatabase", "FederatedDatabase")


def _database(catalog: str, name: str, spec: dict[str, Any], created: float) -> dict[str, Any]:
    doc: dict[str, Any] = {"Name": name}
    doc.update({m: spec[m] for m in _INPUT_MEMBERS if m in spec})
    doc["CreateTime"] = created
    doc["CreateTableDefaultPermissions"] = spec.get("CreateTableDefaultPermissions", DEFAULT_TABLE_PERMISSIONS)
    doc["CatalogId"] = catalog
    return doc


def create_database(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    catalog = catalog_id(ctx, params)
    spec = params["DatabaseInput"]
    name = entity_name(spec["Name"])
    tagging.check_tags(params.get("Tags"))  # before the insert: a refused tag must not leave the database
    if not ctx.store.insert(ctx.scope, DATABASE, database_parent(catalog), name, _database(catalog, name, spec, now())):
        raise AlreadyExistsException("Database already exists.")
    tagging.set_tags(ctx, arn(ctx, catalog, f"database/{name}"), params.get("Tags"))
    glue_events.database_changed(ctx, name, "CreateDatabase")
    return {}


def get_database(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"Database": require_database(ctx, catalog_id(ctx, params), params["Name"])}


def get_databases(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    catalog = catalog_id(ctx, params)
    if params.get("ResourceShareType") == "FOREIGN":  # nothing is shared with us from other accounts
        return {"DatabaseList": []}
    rows = [doc for _, doc in ctx.store.list(ctx.scope, DATABASE, database_parent(catalog))]
    page, token = paginate(rows, params.get("NextToken"), params.get("MaxResults"), 100, key=lambda d: d["Name"])
    if params.get("AttributesToGet") == ["NAME"]:
        page = [{"Name": d["Name"]} for d in page]
    result: dict[str, Any] = {"DatabaseList": page}
    if token:
        result["NextToken"] = token
    return result


def update_database(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Replace the definition (not merged, as on AWS); the name and creation time stay."""
    catalog = catalog_id(ctx, params)
    with ctx.store.transaction():
        current = require_database(ctx, catalog, params["Name"])
        updated = _database(catalog, current["Name"], params["DatabaseInput"], current["CreateTime"])
        ctx.store.put(ctx.scope, DATABASE, database_parent(catalog), current["Name"], updated)
    return {}


def delete_database(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete a database with everything in it: tables, their versions and partitions, functions."""
    catalog = catalog_id(ctx, params)
    name = params["Name"].lower()
    with ctx.store.transaction():
        if not ctx.store.delete(ctx.scope, DATABASE, database_parent(catalog), name):
            raise EntityNotFoundException(f"Database {params['Name']} not found.")
        parent = table_parent(catalog, name)
        for kind, resource_type in ((TABLE, "table"), (FUNCTION, "userDefinedFunction")):
            for _, child, _doc in ctx.store.list_under(ctx.scope, kind, parent):
                tagging.drop_tags(ctx, arn(ctx, catalog, f"{resource_type}/{name}/{child}"))
        for kind in (TABLE, TABLE_VERSION, PARTITION, PARTITION_INDEX, FUNCTION, TABLE_COLUMN_STATISTICS,
                     PARTITION_COLUMN_STATISTICS, TABLE_OPTIMIZER, TABLE_OPTIMIZER_RUN):
            ctx.store.delete_under(ctx.scope, kind, parent)
        tagging.drop_tags(ctx, arn(ctx, catalog, f"database/{name}"))
    glue_events.database_changed(ctx, name, "DeleteDatabase")
    return {}


def _database_exists(ctx: RequestContext, account: str, path: list[str]) -> bool:
    found = arn_catalog(account, path, 1)
    return found is not None and ctx.store.get(
        ctx.scope, DATABASE, database_parent(found[0]), found[1][0].lower()) is not None


def _table_exists(ctx: RequestContext, account: str, path: list[str]) -> bool:
    found = arn_catalog(account, path, 2)
    if found is None:
        return False
    catalog, (database, table) = found
    return ctx.store.get(ctx.scope, TABLE, table_parent(catalog, database.lower()), table.lower()) is not None


def _connection_exists(ctx: RequestContext, catalog: str, path: list[str]) -> bool:
    return len(path) == 1 and ctx.store.get(ctx.scope, CONNECTION, catalog, path[0]) is not None


def _function_exists(ctx: RequestContext, account: str, path: list[str]) -> bool:
    found = arn_catalog(account, path, 2)
    if found is None:
        return False
    catalog, (database, name) = found
    return ctx.store.get(ctx.scope, FUNCTION, key(catalog, database.lower()), name) is not None


tagging.register("database", _database_exists, case_insensitive=True)
tagging.register("table", _table_exists, case_insensitive=True)
tagging.register("connection", _connection_exists)
tagging.register("userDefinedFunction", _function_exists, case_insensitive=True)
