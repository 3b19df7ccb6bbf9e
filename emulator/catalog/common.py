"""What every catalog module needs: catalog ids, name rules, store keys and existence checks."""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import EntityNotFoundException, InvalidInputException
from ..store import key

# Store kinds of the catalog's documents.
DATABASE = "database"
TABLE = "table"
TABLE_VERSION = "table_version"
PARTITION = "partition"
FUNCTION = "function"
CONNECTION = "connection"
# Column statistics (dataquality/column_statistics.py), kept here so that deleting a table or partition
# deletes them: a table's under partition_parent(...), a partition's under key(partition_parent(...), *values).
TABLE_COLUMN_STATISTICS = "table_column_statistics"
PARTITION_COLUMN_STATISTICS = "partition_column_statistics"

_FORBIDDEN_IN_NAMES = ("/", "\\")


def catalog_id(ctx: RequestContext, params: dict[str, Any]) -> str:
    """The catalog addressed: CatalogId when given, else the caller's account (as AWS defaults)."""
    return params.get("CatalogId") or ctx.account


def entity_name(name: str, what: str = "Name") -> str:
    """Catalog names are case-insensitive and stored lower-case (Hive compatibility), as Glue does.

    Path separators are refused: names end up in S3 locations and file paths downstream.
    """
    if any(ch in name for ch in _FORBIDDEN_IN_NAMES):
        raise InvalidInputException(f"{what} '{name}' contains an invalid character ('/' and '\\' are not allowed)")
    return name.lower()


def database_parent(catalog: str) -> str:
    return catalog


def table_parent(catalog: str, database: str) -> str:
    return key(catalog, database)


def partition_parent(catalog: str, database: str, table: str) -> str:
    return key(catalog, database, table)


def require_database(ctx: RequestContext, catalog: str, name: str) -> dict[str, Any]:
    """The stored database, or EntityNotFoundException worded as AWS words it."""
    doc = ctx.store.get(ctx.scope, DATABASE, database_parent(catalog), name.lower())
    if doc is None:
        raise EntityNotFoundException(f"Database {name} not found.")
    return doc


def require_table(ctx: RequestContext, catalog: str, database: str, name: str) -> dict[str, Any]:
    """The stored table (its database must exist), or EntityNotFoundException.

    The table is read first: a stored table's database exists (DeleteDatabase deletes its tables), so the
    database is read only to word the error of a missing table, saving a read on every request that finds one.
    """
    doc = ctx.store.get(ctx.scope, TABLE, table_parent(catalog, database.lower()), name.lower())
    if doc is None:
        require_database(ctx, catalog, database)
        raise EntityNotFoundException(f"Table {name} not found.")
    return doc


def arn(ctx: RequestContext, catalog: str, resource: str) -> str:
    """A catalog resource's ARN: arn:aws:glue:<region>:<catalog>:<resource>."""
    return f"arn:aws:glue:{ctx.region}:{catalog}:{resource}"
