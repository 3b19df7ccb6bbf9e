"""Connection metadata and preview: ListEntities, DescribeEntity, GetEntityRecords on JDBC connections.

AWS ("Connection Metadata and Preview API"): ListEntities returns the entities of a connection, their Category
being "databases or schemas or tables for sources like Amazon Redshift", IsParentEntity telling whether
children can be listed by passing the entity's fully-qualified path as ParentEntityName; DescribeEntity gives
an entity's Fields; GetEntityRecords returns up to Limit records as JSON documents typed as DescribeEntity
types them. The emulator serves them for JDBC connections whose database it reaches (PostgreSQL, and Redshift
served by PostgreSQL: emulator/jdbc/connect.py), with paths written as JdbcTarget include paths are:
`database`, `database/schema`, `database/schema/table`.

Errors: EntityNotFoundException for an unknown connection, database, schema or table; ValidationException for
a missing ConnectionName, a connection type whose data store the emulator cannot reach (SaaS connectors,
Kafka, MongoDB, ...), a malformed path, an unknown field, a bad FilterPredicate or OrderBy (grammar in
emulator/jdbc/predicates.py); InvalidInputException when the database cannot be reached or refuses the login
(the driver's reason, as TestConnection gives it) or a bad NextToken; OperationTimeoutException when a preview
query runs past STATEMENT_TIMEOUT_MS.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from ..context import RequestContext
from ..crawlers.jdbc_targets import SYSTEM_SCHEMAS, database_names
from ..errors import EntityNotFoundException, InvalidInputException, OperationTimeoutException, ValidationException
from ..jdbc import browse, connect, predicates
from ..pagination import decode_token, encode_token, paginate
from .common import catalog_id
from .connections import connection_target, require_connection

STATEMENT_TIMEOUT_MS = 30_000
_PAGE = 1000  # entities per ListEntities page
# Catalog type -> Field.FieldType (the model's enum); decimal(p,s) is DECIMAL.
_FIELD_TYPES = {"smallint": "SMALLINT", "int": "INT", "bigint": "BIGINT", "float": "FLOAT", "double": "DOUBLE",
                "string": "STRING", "boolean": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMP", "binary": "BINARY"}
# What Spark's JDBC source can partition a read on (partitionColumn: numeric, date or timestamp).
_PARTITIONABLE = {"SMALLINT", "INT", "BIGINT", "DATE", "TIMESTAMP"}
_ORDERED = ["EQUAL_TO", "NOT_EQUAL_TO", "LESS_THAN", "LESS_THAN_OR_EQUAL_TO", "GREATER_THAN",
            "GREATER_THAN_OR_EQUAL_TO", "BETWEEN", "ORDER_BY"]
_OPERATORS = {"STRING": [*_ORDERED, "CONTAINS"], "BOOLEAN": ["EQUAL_TO", "NOT_EQUAL_TO", "ORDER_BY"],
              "BINARY": []}
# A Postgres SQLSTATE raised when statement_timeout cancels a query.
_QUERY_CANCELED = "57014"


def _jdbc_connection(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("ConnectionName")
    if not name:
        raise ValidationException("ConnectionName is required: the emulator lists and previews the entities of "
                                  "JDBC connections only, not the Data Catalog's own tables")
    doc = require_connection(ctx, catalog_id(ctx, params), name)
    if doc.get("ConnectionType") != "JDBC":
        raise ValidationException(f"Connection type {doc.get('ConnectionType')} is not supported by the emulator "
                                  "for entity operations: it reaches the databases of JDBC connections "
                                  "(PostgreSQL, and Redshift served by PostgreSQL) only")
    return doc


def _path(name: str, most: int) -> list[str]:
    parts = name.split("/")
    if not name or len(parts) > most or any(not p for p in parts):
        shape = "/".join(["database", "schema", "table"][:most])
        raise ValidationException(f"Invalid entity name {name!r}: expected a path {shape} (or a prefix of it)")
    return parts


@contextmanager
def _session(ctx: RequestContext, doc: dict[str, Any], database: str | None = None) -> Iterator[Any]:
    """A session to the connection's database (or `database`), a statement timeout set; the errors above."""
    import pg8000.dbapi

    try:
        session = connect.open_session(connection_target(ctx, doc), database)
    except connect.ConnectFailed as error:
        if database and f'database "{database}" does not exist' in str(error):
            raise EntityNotFoundException(f"Entity {database} not found.") from None
        raise InvalidInputException(f"Unable to connect to the database: {error}") from None
    try:
        session.cursor().execute(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")
        yield session
    except pg8000.dbapi.DatabaseError as error:
        fields = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
        if fields.get("C") == _QUERY_CANCELED:
            raise OperationTimeoutException(f"The query ran longer than {STATEMENT_TIMEOUT_MS} ms") from None
        raise ValidationException(f"The database refused the query: {fields.get('M', error)}") from None
    except (pg8000.dbapi.InterfaceError, OSError) as error:
        raise InvalidInputException(f"Unable to connect to the database: the connection was lost: {error}") from None
    finally:
        with suppress(pg8000.dbapi.InterfaceError, OSError):  # a lost connection cannot be closed cleanly
            session.close()


def _entity(path: list[str], label: str, category: str, parent: bool, **custom: str) -> dict[str, Any]:
    entity: dict[str, Any] = {"EntityName": "/".join([*path, label]), "Label": label, "IsParentEntity": parent,
                              "Category": category}
    if custom:
        entity["CustomProperties"] = custom
    return entity


def list_entities(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Entities of a JDBC connection: without ParentEntityName its databases (Category `databases`), under
    `database` its schemas (`schemas`), under `database/schema` its tables and views (`tables`, not parents,
    CustomProperties typeOfData `table` or `view`, as a crawler records them). System schemas are left out.

    Paged by NextToken (1000 a page). Errors: see the module docstring.
    """
    doc = _jdbc_connection(ctx, params)
    parent = params.get("ParentEntityName")
    path = _path(parent, 2) if parent is not None else []
    if not path:
        with _session(ctx, doc) as session:
            entities = [_entity([], name, "databases", True) for name in database_names(session)]
    elif len(path) == 1:
        with _session(ctx, doc, path[0]) as session:
            entities = [_entity(path, name, "schemas", True) for name in browse.schemas(session, SYSTEM_SCHEMAS)]
    else:
        with _session(ctx, doc, path[0]) as session:
            if path[1] not in browse.schemas(session, SYSTEM_SCHEMAS):
                raise EntityNotFoundException(f"Entity {parent} not found.")
            entities = [_entity(path, name, "tables", False, typeOfData=kind)
                        for name, kind in browse.tables(session, path[1])]
    page, token = paginate(entities, params.get("NextToken"), None, _PAGE, key=lambda e: e["EntityName"])
    result: dict[str, Any] = {"Entities": page}
    if token:
        result["NextToken"] = token
    return result


def _table_path(name: str) -> tuple[str, str, str]:
    """(database, schema, table) of a table's entity name; ValidationException for any other shape."""
    parts = _path(name, 3)
    if len(parts) != 3:
        raise ValidationException(f"Invalid entity name {name!r}: a table is named database/schema/table "
                                  "(ListEntities gives the names)")
    return parts[0], parts[1], parts[2]


def _table(session: Any, name: str) -> tuple[str, list[browse.Column]]:
    """(`table` or `view`, its columns) of `database/schema/table` (the session is on its database);
    EntityNotFoundException when it does not exist."""
    _, schema, table = _table_path(name)
    kind = browse.table_kind(session, schema, table)
    if kind is None:
        raise EntityNotFoundException(f"Entity {name} not found.")
    return kind, browse.columns(session, schema, table)


def _field(column: browse.Column, writable: bool) -> dict[str, Any]:
    kind = "DECIMAL" if column.glue_type.startswith("decimal") else _FIELD_TYPES[column.glue_type]
    return {
        "FieldName": column.name, "Label": column.name, "FieldType": kind, "NativeDataType": column.native_type,
        "IsPrimaryKey": column.primary_key, "IsNullable": column.nullable, "IsRetrievable": True,
        "IsFilterable": kind != "BINARY", "IsPartitionable": kind in _PARTITIONABLE, "IsCreateable": writable,
        "IsUpdateable": writable, "IsUpsertable": writable and column.primary_key,
        "IsDefaultOnCreate": column.has_default, "SupportedFilterOperators": _OPERATORS.get(kind, _ORDERED),
        "CustomProperties": {"glueType": column.glue_type},
    }


def describe_entity(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The Fields of table or view `database/schema/table`, in column order.

    FieldType is the Glue type a crawler records (emulator/jdbc/types.py) as the model's enum (decimal(p,s) is
    DECIMAL; CustomProperties glueType keeps the full catalog type), NativeDataType the database's own spelling
    (`numeric(10,2)`), IsPrimaryKey from the table's primary key constraint, IsNullable from NOT NULL,
    IsDefaultOnCreate when the column has a default, IsCreateable/IsUpdateable for base tables (not views),
    IsUpsertable for their primary key columns, IsPartitionable for integer, date and timestamp columns (what a
    JDBC read can be partitioned on). Every field comes in one page. Errors: see the module docstring.
    """
    doc = _jdbc_connection(ctx, params)
    name = params["EntityName"]
    with _session(ctx, doc, _table_path(name)[0]) as session:
        kind, columns = _table(session, name)
    return {"Fields": [_field(c, kind == "table") for c in columns]}


def get_entity_records(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Up to Limit rows of table or view `database/schema/table` as JSON documents (field name -> value, values
    as browse.json_value writes them).

    SelectedFields picks and orders the fields (all by default); FilterPredicate is a SQL condition over the
    table's fields and OrderBy `field [ASC|DESC], ...` (emulator/jdbc/predicates.py); without OrderBy rows come
    by primary key when the table has one. NextToken continues after the last page's rows (the same
    predicate, ordering and fields must be given again). ConnectionOptions (options of SaaS connectors) are
    accepted without effect. Errors: see the module docstring.
    """
    doc = _jdbc_connection(ctx, params)
    name = params["EntityName"]
    offset = decode_token(params["NextToken"]) if params.get("NextToken") else 0
    if not isinstance(offset, int) or offset < 0:
        raise InvalidInputException("Invalid pagination token")
    limit = int(params["Limit"])
    database, schema, table = _table_path(name)
    with _session(ctx, doc, database) as session:
        _, columns = _table(session, name)
        names = [c.name for c in columns]
        try:
            by_name = {c.name: c for c in columns}
            fields = [by_name[predicates.resolve_column(f, names)] for f in params.get("SelectedFields") or names]
            where = (predicates.compile_filter(params["FilterPredicate"], names)
                     if params.get("FilterPredicate") else None)
            order = (predicates.compile_order(params["OrderBy"], names) if params.get("OrderBy")
                     else [predicates.quote_ident(c.name) for c in columns if c.primary_key])
        except predicates.InvalidPredicate as error:
            raise ValidationException(str(error)) from None
        # One row more than asked tells whether another page exists.
        records = browse.rows(session, schema, table, fields, where, order, limit + 1, offset)
    result: dict[str, Any] = {"Records": records[:limit]}
    if len(records) > limit:
        result["NextToken"] = encode_token(offset + limit)
    return result
