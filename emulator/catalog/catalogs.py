"""Catalogs of the Data Catalog: CreateCatalog, GetCatalog, GetCatalogs, UpdateCatalog, DeleteCatalog,
GetCatalogImportStatus, ImportCatalogToGlue.

AWS's rules (API reference of these operations, and "Catalog hierarchy" in the Lake Formation guide):
- Every account and region has a default catalog whose id is the account id; it always exists, cannot be
  created, updated or deleted, and databases made without a CatalogId live in it.
- CreateCatalog makes a catalog under the account's default catalog (its Name may hold no `/`, `.`, `\\`,
  nor start with `aws:`); its id is `<account>:<name>` and its ARN `arn:aws:glue:<region>:<account>:catalog/
  <name>`. Names are lower-case ("This should be all lowercase"), so any spelling addresses the same one.
  A catalog holds databases (`CatalogId="<account>:<name>"` in CreateDatabase, GetDatabases, ...), or, when
  federated (FederatedCatalog, TargetRedshiftCatalog), stands for a source outside Glue: both are stored and
  returned; no federation source is reachable here, so a federated catalog lists only what is created in it.
- GetCatalogs lists the catalogs directly under ParentCatalogId (default: the account's), all descendants with
  Recursive, the default catalog too with IncludeRoot (only when ParentCatalogId is absent or the account id:
  InvalidInputException otherwise, as documented). HasDatabases keeps catalogs that can hold databases (all of
  ours: none is a container-only catalog).
- DeleteCatalog "removes the catalog; its databases, tables, partitions and functions become inaccessible and
  are deleted asynchronously": here they are deleted at once, as DeleteDatabase does for each database.
- GetCatalogImportStatus / ImportCatalogToGlue concern the migration of Athena's pre-2017 catalog, which never
  applies here: the catalog is always Glue's (ImportCompleted true); an import is recorded and reported.
Our choices where AWS documents nothing: a catalog id that names neither the account nor a created catalog is
EntityNotFoundException ("Catalog <id> not found."), and UpdateCatalog replaces the CatalogInput as the other
Update* operations do (not merged).
"""

from __future__ import annotations

from typing import Any

from .. import tagging
from ..clock import now
from ..context import RequestContext
from ..errors import InvalidInputException
from ..pagination import paginate
from ..records import RecordKind, create_record, find_record, require_record, updating_record
from .common import CATALOG as CATALOG_KIND
from .common import DATABASE, database_parent
from .databases import DEFAULT_TABLE_PERMISSIONS, delete_database

CATALOG = RecordKind(CATALOG_KIND, "Catalog", page_cap=1000)
IMPORT_STATUS = RecordKind("catalog-import", "CatalogImport")
_INPUT_MEMBERS = (
    "Description", "Parameters", "FederatedCatalog", "TargetRedshiftCatalog", "CreateTableDefaultPermissions",
    "CreateDatabaseDefaultPermissions", "AllowFullTableExternalDataAccess",
)


def catalog_arn(ctx: RequestContext, name: str | None = None) -> str:
    """arn:aws:glue:<region>:<account>:catalog for the default catalog, .../catalog/<name> for a created one."""
    return ctx.arn("glue", f"catalog/{name}" if name else "catalog")


def _default_catalog(ctx: RequestContext) -> dict[str, Any]:
    """The account's default catalog as GetCatalog describes it."""
    return {
        "CatalogId": ctx.account, "Name": ctx.account, "ResourceArn": catalog_arn(ctx),
        "Description": "Default catalog", "Parameters": {},
        "CreateTableDefaultPermissions": DEFAULT_TABLE_PERMISSIONS,
        "CreateDatabaseDefaultPermissions": DEFAULT_TABLE_PERMISSIONS,
    }


def _properties(given: dict[str, Any] | None, updated: float) -> dict[str, Any] | None:
    """CatalogProperties as CatalogPropertiesOutput: Iceberg optimization properties get LastUpdatedTime."""
    if not given:
        return None
    result = {k: v for k, v in given.items() if k != "IcebergOptimizationProperties"}
    if "IcebergOptimizationProperties" in given:
        result["IcebergOptimizationProperties"] = {**given["IcebergOptimizationProperties"], "LastUpdatedTime": updated}
    return result


def _catalog(ctx: RequestContext, name: str, spec: dict[str, Any], created: float, updated: float) -> dict[str, Any]:
    doc: dict[str, Any] = {"CatalogId": f"{ctx.account}:{name}", "Name": name, "ResourceArn": catalog_arn(ctx, name)}
    doc.update({m: spec[m] for m in _INPUT_MEMBERS if m in spec})
    doc.setdefault("Parameters", {})
    doc.setdefault("CreateTableDefaultPermissions", DEFAULT_TABLE_PERMISSIONS)
    doc.setdefault("CreateDatabaseDefaultPermissions", DEFAULT_TABLE_PERMISSIONS)
    properties = _properties(spec.get("CatalogProperties"), updated)
    if properties is not None:
        doc["CatalogProperties"] = properties
    doc.update(CreateTime=created, UpdateTime=updated, ParentCatalogId=ctx.account)
    return doc


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    """A stored catalog as the Catalog shape (the parent is ours, to walk the hierarchy)."""
    return {k: v for k, v in doc.items() if k != "ParentCatalogId"}


def _name_of(ctx: RequestContext, catalog_id: str) -> str:
    """The stored name of a created catalog's id (`<account>:<name>`, any case); EntityNotFoundException when the
    id names no catalog of this account, InvalidInputException for the default catalog, which cannot change."""
    if catalog_id == ctx.account:
        raise InvalidInputException(f"The default catalog {catalog_id} cannot be modified or deleted.")
    account, _, name = catalog_id.partition(":")
    if account != ctx.account or not name:
        raise CATALOG.not_found(catalog_id)
    return name.lower()


def require_catalog(ctx: RequestContext, catalog_id: str) -> dict[str, Any]:
    """The catalog of `catalog_id` (the default one for the account id); EntityNotFoundException otherwise."""
    if catalog_id == ctx.account:
        return _default_catalog(ctx)
    account, _, name = catalog_id.partition(":")
    doc = find_record(ctx, CATALOG, name.lower()) if account == ctx.account and name else None
    if doc is None:
        raise CATALOG.not_found(catalog_id)
    return doc


def create_catalog(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create a catalog under the account's default catalog; AlreadyExistsException for a taken name."""
    name = params["Name"].lower()
    created = now()
    create_record(ctx, CATALOG, name, _catalog(ctx, name, params["CatalogInput"], created, created))
    tagging.set_tags(ctx, catalog_arn(ctx, name), params.get("Tags"))
    return {}


def get_catalog(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"Catalog": Catalog}; EntityNotFoundException for an unknown id."""
    return {"Catalog": _public(require_catalog(ctx, params["CatalogId"]))}


def _descendants(rows: list[dict[str, Any]], parent: str, recursive: bool) -> list[dict[str, Any]]:
    children = [doc for doc in rows if doc["ParentCatalogId"] == parent]
    if not recursive:
        return children
    return [found for child in children for found in [child, *_descendants(rows, child["CatalogId"], True)]]


def get_catalogs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"CatalogList": [Catalog], "NextToken"?}: the catalogs under ParentCatalogId (see the module's rules)."""
    parent = params.get("ParentCatalogId") or ctx.account
    if params.get("IncludeRoot") is not None and parent != ctx.account:
        raise InvalidInputException("IncludeRoot can only be given when ParentCatalogId is absent or the account id.")
    require_catalog(ctx, parent)
    rows = [doc for _, doc in ctx.store.list(ctx.scope, CATALOG.kind, "")]
    found = _descendants(rows, parent, bool(params.get("Recursive")))
    if params.get("IncludeRoot"):
        found.insert(0, _default_catalog(ctx))
    page, token = paginate(found, params.get("NextToken"), params.get("MaxResults"), CATALOG.page_cap,
                           key=lambda doc: doc["CatalogId"])
    result: dict[str, Any] = {"CatalogList": [_public(doc) for doc in page]}
    if token:
        result["NextToken"] = token
    return result


def update_catalog(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Replace a created catalog's definition; EntityNotFoundException, InvalidInputException (default catalog)."""
    name = _name_of(ctx, params["CatalogId"])
    with updating_record(ctx, CATALOG, name) as doc:
        replaced = _catalog(ctx, name, params["CatalogInput"], doc["CreateTime"], now())
        doc.clear()
        doc.update(replaced)
    return {}


def delete_catalog(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete a created catalog with its databases and all they hold; EntityNotFoundException for an unknown one,
    InvalidInputException for the default catalog."""
    name = _name_of(ctx, params["CatalogId"])
    with ctx.store.transaction():
        doc = require_record(ctx, CATALOG, name)
        for database, _ in ctx.store.list(ctx.scope, DATABASE, database_parent(doc["CatalogId"])):
            delete_database(ctx, {"CatalogId": doc["CatalogId"], "Name": database})
        ctx.store.delete(ctx.scope, CATALOG.kind, "", name)
        tagging.drop_tags(ctx, catalog_arn(ctx, name))
    return {}


def get_catalog_import_status(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"ImportStatus": {"ImportCompleted": true, "ImportTime"?, "ImportedBy"?}}: the catalog is always Glue's."""
    catalog = params.get("CatalogId") or ctx.account
    require_catalog(ctx, catalog)
    status = find_record(ctx, IMPORT_STATUS, catalog) or {}
    return {"ImportStatus": {"ImportCompleted": True, **status}}


def import_catalog_to_glue(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Record an import of Athena's catalog (there is nothing to import: it is Glue's already)."""
    catalog = params.get("CatalogId") or ctx.account
    require_catalog(ctx, catalog)
    ctx.store.put(ctx.scope, IMPORT_STATUS.kind, "", catalog,
                  {"ImportTime": now(), "ImportedBy": f"arn:aws:iam::{ctx.account}:root"})
    return {}


def _catalog_exists(ctx: RequestContext, account: str, path: list[str]) -> bool:
    return account == ctx.account and len(path) == 1 and find_record(ctx, CATALOG, path[0]) is not None


tagging.register("catalog", _catalog_exists, case_insensitive=True)
