"""Data catalogs and the metadata Athena shows of the Glue catalog: ListDataCatalogs, GetDataCatalog,
ListDatabases, GetDatabase, ListTableMetadata, GetTableMetadata.

The only catalog is `AwsDataCatalog`, the caller's Glue Data Catalog (type GLUE, parameter catalog-id = the
account), as in an account that registered no other. Catalog names are matched case-insensitively, as Athena
does. A missing database or table is MetadataException (the model's error of these operations); the table
metadata carries the storage descriptor in its Parameters (`location`, `inputformat`, `serde.*`) as Athena
returns it.
"""

from __future__ import annotations

import re
from typing import Any

from ..catalog.common import DATABASE, TABLE, database_parent, table_parent
from ..context import RequestContext
from .common import DEFAULT_CATALOG, invalid_request, metadata_error, page


def require_catalog(ctx: RequestContext, name: str | None) -> str:
    """The Glue catalog id behind an Athena catalog name; InvalidRequestException for another name."""
    if name is not None and name.lower() != DEFAULT_CATALOG.lower():
        raise invalid_request(f"Catalog {name} was not found.", "RESOURCE_NOT_FOUND")
    return ctx.account


def _catalog(ctx: RequestContext) -> dict[str, Any]:
    return {"Name": DEFAULT_CATALOG, "Type": "GLUE", "Description": "AWS Glue Data Catalog",
            "Parameters": {"catalog-id": ctx.account}, "Status": "CREATE_COMPLETE"}


def list_data_catalogs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"DataCatalogsSummary": [{"CatalogName": DEFAULT_CATALOG, "Type": "GLUE", "Status": "CREATE_COMPLETE"}]}


def get_data_catalog(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    require_catalog(ctx, params["Name"])
    return {"DataCatalog": _catalog(ctx)}


def _database(doc: dict[str, Any]) -> dict[str, Any]:
    shown = {"Name": doc["Name"], "Parameters": doc.get("Parameters", {})}
    if doc.get("Description"):
        shown["Description"] = doc["Description"]
    return shown


def require_database(ctx: RequestContext, catalog: str, name: str) -> dict[str, Any]:
    """The Glue database (names are lower-case in the catalog); MetadataException when there is none."""
    doc = ctx.store.get(ctx.scope, DATABASE, database_parent(catalog), name.lower())
    if doc is None:
        raise metadata_error(f"Database {name} not found.")
    return doc


def list_databases(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    catalog = require_catalog(ctx, params["CatalogName"])
    rows = [_database(doc) for _, doc in ctx.store.list(ctx.scope, DATABASE, database_parent(catalog))]
    chosen, token = page(rows, params.get("NextToken"), params.get("MaxResults"), 50)
    return {"DatabaseList": chosen, **({"NextToken": token} if token else {})}


def get_database(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    catalog = require_catalog(ctx, params["CatalogName"])
    return {"Database": _database(require_database(ctx, catalog, params["DatabaseName"]))}


def _columns(columns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: c[k] for k in ("Name", "Type", "Comment") if k in c} for c in columns]


def table_metadata(doc: dict[str, Any]) -> dict[str, Any]:
    """A Glue table as Athena's TableMetadata."""
    sd = doc.get("StorageDescriptor") or {}
    serde = sd.get("SerdeInfo") or {}
    parameters = dict(doc.get("Parameters") or {})
    for name, value in (("location", sd.get("Location")), ("inputformat", sd.get("InputFormat")),
                        ("outputformat", sd.get("OutputFormat")),
                        ("serde.serialization.lib", serde.get("SerializationLibrary"))):
        if value:
            parameters[name] = value
    for name, value in (serde.get("Parameters") or {}).items():
        parameters[f"serde.param.{name}"] = value
    shown: dict[str, Any] = {"Name": doc["Name"], "Columns": _columns(sd.get("Columns") or []),
                             "PartitionKeys": _columns(doc.get("PartitionKeys") or []), "Parameters": parameters}
    for member in ("CreateTime", "LastAccessTime", "TableType"):
        if doc.get(member) is not None:
            shown[member] = doc[member]
    return shown


def require_table(ctx: RequestContext, catalog: str, database: str, name: str) -> dict[str, Any]:
    """The Glue table; MetadataException when the database or the table does not exist."""
    db = require_database(ctx, catalog, database)
    doc = ctx.store.get(ctx.scope, TABLE, table_parent(catalog, db["Name"]), name.lower())
    if doc is None:
        raise metadata_error(f"Table {name} not found.")
    return doc


def get_table_metadata(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    catalog = require_catalog(ctx, params["CatalogName"])
    return {"TableMetadata": table_metadata(require_table(ctx, catalog, params["DatabaseName"], params["TableName"]))}


def list_table_metadata(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    catalog = require_catalog(ctx, params["CatalogName"])
    database = require_database(ctx, catalog, params["DatabaseName"])["Name"]
    docs = [doc for _, doc in ctx.store.list(ctx.scope, TABLE, table_parent(catalog, database))]
    if params.get("Expression"):
        # A regular expression on the name, where `*` alone also means "any characters" (as SHOW TABLES).
        try:
            pattern = re.compile(re.sub(r"(?<![.\\])\*", ".*", params["Expression"]), re.IGNORECASE)
        except re.error as exc:
            raise invalid_request(f"Invalid Expression: {exc}") from None
        docs = [doc for doc in docs if pattern.fullmatch(doc["Name"])]
    chosen, token = page(docs, params.get("NextToken"), params.get("MaxResults"), 50)
    return {"TableMetadataList": [table_metadata(d) for d in chosen], **({"NextToken": token} if token else {})}
