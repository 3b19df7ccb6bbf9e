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
# Table optimizers (optimizers.py) under partition_parent(...), their runs under key(partition_parent(...), type).
TABLE_OPTIMIZER = "table_optimizer"
TABLE_OPTIMIZER_RUN = "table_optimizer_run"
CATALOG = "catalog"  # catalogs made by CreateCatalog (catalogs.py), named by their lower-case name
# Column statistics (dataquality/column_statistics.py), kept here so that deleting a table or partition
# deletes them: a table's under partition_parent(...), a partition's under key(partition_parent(...), *values).
TABLE_COLUMN_STATISTICS = "table_column_statistics"
PARTITION_COLUMN_STATISTICS = "partition_column_statistics"

_FORBIDDEN_IN_NAMES = ("/", "\\")


def catalog_id(ctx: RequestContext, params: dict[str, Any]) -> str:
    """The catalog addressed: CatalogId when given, else the caller's account (as AWS defaults).

    An id of the form `<account>:<name>` addresses a catalog made by CreateCatalog: EntityNotFoundException
    when there is none, so that its databases never land in a catalog that does not exist. Plain account ids
    keep addressing that account's catalog, a namespace of its own here.
    """
    given = params.get("CatalogId") or ctx.account
    account, colon, name = given.partition(":")
    if colon:
        if account != ctx.account or ctx.store.get(ctx.scope, CATALOG, "", name.lower()) is None:
            raise EntityNotFoundException(f"Catalog {given} not found.")
        return f"{account}:{name.lower()}"
    return given


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
    """A catalog resource's ARN: arn:aws:glue:<region>:<account>:<type>/<path> in the account's catalog, and
    arn:aws:glue:<region>:<account>:<type>/<catalog name>/<path> in a created catalog `<account>:<name>`
    (the guide's "Specifying AWS Glue resource ARNs": `table/s3tablescatalog/<child>/<database>/<table>`)."""
    account, _, name = catalog.partition(":")
    if name:
        kind, _, path = resource.partition("/")
        resource = f"{kind}/{name}/{path}"
    return f"arn:aws:glue:{ctx.region}:{account}:{resource}"


def arn_catalog(account: str, path: list[str], depth: int) -> tuple[str, list[str]] | None:
    """The catalog and the rest of an ARN path that names a resource `depth` names deep (database 1, table 2):
    the account's catalog for `depth` parts, a created catalog `<account>:<name>` for one more; None otherwise."""
    if len(path) == depth:
        return account, path
    if len(path) == depth + 1:
        return f"{account}:{path[0]}", path[1:]
    return None


def is_iceberg(table: dict[str, Any]) -> bool:
    """Whether a catalog table is an Iceberg table (Parameters table_type=ICEBERG, any case, and a metadata file).

    Here rather than beside the Iceberg commits (iceberg_tables.py): pyiceberg takes seconds to import, and the
    modules asking this question are imported at every start.
    """
    parameters = table.get("Parameters") or {}
    return str(parameters.get("table_type", "")).upper() == "ICEBERG" and bool(parameters.get("metadata_location"))
