"""Tables of the Data Catalog and their versions: CreateTable, GetTable, GetTables, UpdateTable,
DeleteTable, BatchDeleteTable, GetTableVersion, GetTableVersions, DeleteTableVersion,
BatchDeleteTableVersion, SearchTables.

Every definition a table has had is kept as a TABLE_VERSION document, the current one included,
because AWS lists the current definition in GetTableVersions too: a new table is version "0", each
UpdateTable adds the next number, and SkipArchive drops the definition it replaces instead of
keeping it. VersionId still advances under SkipArchive: Iceberg catalogs pass it back as an
optimistic lock, which would not protect anything if skipped archives kept the old id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from .. import tagging
from ..clock import now
from ..context import RequestContext
from ..errors import (
    AlreadyExistsException,
    AwsError,
    ConcurrentModificationException,
    EntityNotFoundException,
    InvalidInputException,
    SerializationException,
)
from ..events import glue as glue_events
from ..pagination import page_of, paginate, token_after
from .common import (
    PARTITION,
    PARTITION_COLUMN_STATISTICS,
    TABLE,
    TABLE_COLUMN_STATISTICS,
    TABLE_OPTIMIZER,
    TABLE_OPTIMIZER_RUN,
    TABLE_VERSION,
    arn,
    catalog_id,
    entity_name,
    partition_parent,
    require_database,
    require_table,
    table_parent,
)
from .materialized_views import view_sql
from .partition_indexes import PARTITION_INDEX, add_index, check_key_change

_INPUT_MEMBERS = (
    "Description", "Owner", "LastAccessTime", "LastAnalyzedTime", "Retention", "StorageDescriptor",
    "PartitionKeys", "ViewOriginalText", "ViewExpandedText", "TableType", "Parameters", "TargetTable",
    "ViewDefinition",
)
_TIME_MEMBERS = ("CreateTime", "UpdateTime", "LastAccessTime", "LastAnalyzedTime")
_STRING_FIELDS = ("Name", "DatabaseName", "Description", "Owner", "TableType", "CreatedBy")
FIRST_VERSION = "0"  # what AWS reports for a new table; each archived update adds one
TABLES_PAGE = 100  # CatalogGetterPageSize maximum (GetTables, GetTableVersions)
SEARCH_PAGE = 1000  # PageSize maximum (SearchTables)


def table_arn(ctx: RequestContext, catalog: str, database: str, table: str) -> str:
    return arn(ctx, catalog, f"table/{database}/{table}")


def _epoch(value: Any) -> float | None:
    """A timestamp as epoch seconds: awsJson sends numbers, hand-written requests may send ISO 8601."""
    try:
        return float(value)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def _version_name(version: int) -> str:
    """Store name of a version: zero-padded so that the store's name order is numeric order."""
    return f"{version:020d}"


def _version_number(version: str) -> int:
    """A VersionId as its number ("a string representation of an integer", says the model)."""
    if not version.isdigit():
        raise InvalidInputException(f"Invalid version id: {version}. A version id is a non-negative integer.")
    return int(version)


def _table_input(params: dict[str, Any]) -> dict[str, Any]:
    """TableInput, optional in the model since Iceberg inputs (OpenTableFormatInput) were added: a
    table is defined by its TableInput unless CreateTable writes a new Iceberg table (iceberg.py). The
    top-level Name member, when given, must name the same table."""
    spec = params.get("TableInput")
    if spec is None:
        raise InvalidInputException("TableInput is required: glue-emulator creates tables without one only from "
                                    "OpenTableFormatInput.IcebergInput, and does not update them from "
                                    "UpdateOpenTableFormatInput alone")
    if params.get("Name") and params["Name"].lower() != spec["Name"].lower():
        raise InvalidInputException(f"Name {params['Name']} does not match TableInput.Name {spec['Name']}.")
    return spec


def _table(ctx: RequestContext, catalog: str, database: str, name: str, spec: dict[str, Any],
           created: float, updated: float, version: int, created_by: str | None = None) -> dict[str, Any]:
    """The stored table: the Table output shape built from a TableInput."""
    doc: dict[str, Any] = {"Name": name, "DatabaseName": database}
    doc.update({m: spec[m] for m in _INPUT_MEMBERS if m in spec})
    for member in ("LastAccessTime", "LastAnalyzedTime"):
        if member in doc:
            stamp = _epoch(doc[member])
            if stamp is None:
                raise SerializationException(f"Invalid timestamp for TableInput.{member}: {doc[member]}")
            doc[member] = stamp
    doc.setdefault("Retention", 0)  # AWS reports 0 when none was given
    doc.setdefault("PartitionKeys", [])
    doc["CreateTime"] = created
    doc["UpdateTime"] = updated
    # The caller's identity is its account (requests are not attributed to IAM users or roles), unless
    # the emulator itself acts for a role, as a crawler does.
    doc["CreatedBy"] = created_by or f"arn:aws:iam::{ctx.account}:root"
    doc["IsRegisteredWithLakeFormation"] = False
    if view_sql(doc) is not None:  # an Iceberg table with a view definition (materialized_views.py)
        doc["IsMaterializedView"] = True
    doc["CatalogId"] = catalog
    doc["VersionId"] = str(version)
    return doc


def _put_version(ctx: RequestContext, catalog: str, doc: dict[str, Any]) -> None:
    parent = partition_parent(catalog, doc["DatabaseName"], doc["Name"])
    ctx.store.put(ctx.scope, TABLE_VERSION, parent, _version_name(int(doc["VersionId"])), doc)


def create_table(ctx: RequestContext, params: dict[str, Any], created_by: str | None = None) -> dict[str, Any]:
    """CreateTable; `created_by` is the CreatedBy ARN when the emulator acts for a role (crawlers)."""
    catalog = catalog_id(ctx, params)
    iceberg_input = (params.get("OpenTableFormatInput") or {}).get("IcebergInput")
    spec = _table_input(params) if iceberg_input is None or params.get("TableInput") else None
    given_name = spec["Name"] if spec else params.get("Name")
    if not given_name:
        raise InvalidInputException("Name or TableInput.Name is required.")
    name = entity_name(given_name)
    with ctx.store.transaction():
        database_doc = require_database(ctx, catalog, params["DatabaseName"])
        database = database_doc["Name"]
        if iceberg_input is not None:
            from . import iceberg  # pyiceberg takes seconds to import: only when an Iceberg table is made

            if ctx.store.get(ctx.scope, TABLE, table_parent(catalog, database), name) is not None:
                raise AlreadyExistsException("Table already exists.")
            spec = iceberg.create_table_input(ctx, database_doc, name, spec, iceberg_input)
        assert spec is not None
        created = now()
        doc = _table(ctx, catalog, database, name, spec, created, created, int(FIRST_VERSION), created_by)
        if not ctx.store.insert(ctx.scope, TABLE, table_parent(catalog, database), name, doc):
            raise AlreadyExistsException("Table already exists.")
        _put_version(ctx, catalog, doc)
        for index in params.get("PartitionIndexes", []):
            add_index(ctx, catalog, doc, index)
    glue_events.database_changed(ctx, database, "CreateTable", [name])
    return {}


def get_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"Table": require_table(ctx, catalog_id(ctx, params), params["DatabaseName"], params["Name"])}


def _name_pattern(expression: str) -> re.Pattern[str]:
    """GetTables' Expression: a regular expression matched against the whole table name, where a `*`
    that does not follow `.` also means "any characters" (Athena's SHOW TABLES, which passes it on,
    documents both `*` and `.*` as wildcards for Glue tables, e.g. '*logs'). Names are lower-case,
    so the match ignores case."""
    pattern = re.sub(r"(?<![.\\])\*", ".*", expression)
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise InvalidInputException(f"Invalid regular expression in Expression '{expression}': {exc}") from None


def _attributes(requested: list[str] | None) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """What GetTables returns of each table: all of it, or the NAME (and TABLE_TYPE) asked for."""
    if requested is None:
        return lambda doc: doc
    if "NAME" not in requested:
        raise InvalidInputException("AttributesToGet must include NAME.")
    members = ["Name"] + (["TableType"] if "TABLE_TYPE" in requested else [])
    return lambda doc: {m: doc[m] for m in members if m in doc}


def get_tables(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    catalog = catalog_id(ctx, params)
    database = require_database(ctx, catalog, params["DatabaseName"])["Name"]
    shape = _attributes(params.get("AttributesToGet"))
    pattern = _name_pattern(params["Expression"]) if params.get("Expression") else None
    # Tables are stored under their (lower-case) Name: the listing reads on from the token, matching names
    # before parsing documents, and stops one table past the page.
    rows = ctx.store.iterate(ctx.scope, TABLE, table_parent(catalog, database), after=token_after(params.get("NextToken")))
    selected = ((name, body) for name, body in rows if pattern is None or pattern.fullmatch(name))
    page, token = page_of(selected, params.get("MaxResults"), TABLES_PAGE, key=lambda row: row[0])
    result: dict[str, Any] = {"TableList": [shape(json.loads(body)) for _, body in page]}
    if token:
        result["NextToken"] = token
    return result


def update_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Replace the definition (not merged, as on AWS); name, creation time and creator stay."""
    catalog = catalog_id(ctx, params)
    spec = _table_input(params)
    with ctx.store.transaction():
        current = require_table(ctx, catalog, params["DatabaseName"], spec["Name"])
        if params.get("VersionId") is not None and params["VersionId"] != current["VersionId"]:
            raise ConcurrentModificationException("Update table failed due to concurrent modifications.")
        check_key_change(ctx, catalog, current, spec.get("PartitionKeys", []))
        version = int(current["VersionId"]) + 1
        updated = _table(ctx, catalog, current["DatabaseName"], current["Name"], spec, current["CreateTime"], now(),
                         version)
        updated["CreatedBy"] = current["CreatedBy"]
        ctx.store.put(ctx.scope, TABLE, table_parent(catalog, current["DatabaseName"]), current["Name"], updated)
        if params.get("SkipArchive"):
            parent = partition_parent(catalog, current["DatabaseName"], current["Name"])
            ctx.store.delete(ctx.scope, TABLE_VERSION, parent, _version_name(int(current["VersionId"])))
        _put_version(ctx, catalog, updated)
    glue_events.table_changed(ctx, current["DatabaseName"], current["Name"], "UpdateTable")
    return {}


def _delete_table(ctx: RequestContext, catalog: str, database: str, name: str) -> None:
    """Delete one table of an existing database with what hangs off it: versions, partitions,
    partition indexes and tags (AWS removes the first three "asynchronously"; here it is at once)."""
    with ctx.store.transaction():
        table = name.lower()
        if not ctx.store.delete(ctx.scope, TABLE, table_parent(catalog, database), table):
            raise EntityNotFoundException(f"Table {name} not found.")
        parent = partition_parent(catalog, database, table)
        for kind in (TABLE_VERSION, PARTITION, PARTITION_INDEX, TABLE_COLUMN_STATISTICS, PARTITION_COLUMN_STATISTICS,
                     TABLE_OPTIMIZER, TABLE_OPTIMIZER_RUN):
            ctx.store.delete_under(ctx.scope, kind, parent)
        tagging.drop_tags(ctx, table_arn(ctx, catalog, database, table))


def _error_detail(error: AwsError) -> dict[str, str]:
    return {"ErrorCode": error.code, "ErrorMessage": error.message}


def delete_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    catalog = catalog_id(ctx, params)
    with ctx.store.transaction():
        database = require_database(ctx, catalog, params["DatabaseName"])["Name"]
        _delete_table(ctx, catalog, database, params["Name"])
    glue_events.database_changed(ctx, database, "DeleteTable", [params["Name"].lower()])
    return {}


def batch_delete_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete each table; those that cannot be deleted are reported in Errors, not raised."""
    catalog = catalog_id(ctx, params)
    errors = []
    with ctx.store.transaction():
        database = require_database(ctx, catalog, params["DatabaseName"])["Name"]
        for name in params["TablesToDelete"]:
            try:
                _delete_table(ctx, catalog, database, name)
            except AwsError as error:
                errors.append({"TableName": name, "ErrorDetail": _error_detail(error)})
    failed = {e["TableName"] for e in errors}
    deleted = [name.lower() for name in params["TablesToDelete"] if name not in failed]
    glue_events.database_changed(ctx, database, "BatchDeleteTable", deleted)
    return {"Errors": errors}


def _require_version(ctx: RequestContext, catalog: str, table: dict[str, Any], version: str) -> dict[str, Any]:
    parent = partition_parent(catalog, table["DatabaseName"], table["Name"])
    doc = ctx.store.get(ctx.scope, TABLE_VERSION, parent, _version_name(_version_number(version)))
    if doc is None:
        raise EntityNotFoundException(f"Version {version} of table {table['Name']} not found.")
    return doc


def _table_version(doc: dict[str, Any]) -> dict[str, Any]:
    return {"Table": doc, "VersionId": doc["VersionId"]}


def get_table_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """One version of a table; without VersionId, the current one."""
    catalog = catalog_id(ctx, params)
    table = require_table(ctx, catalog, params["DatabaseName"], params["TableName"])
    if params.get("VersionId") is None:
        return {"TableVersion": _table_version(table)}
    return {"TableVersion": _table_version(_require_version(ctx, catalog, table, params["VersionId"]))}


def get_table_versions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The current and archived versions of a table, newest first."""
    catalog = catalog_id(ctx, params)
    table = require_table(ctx, catalog, params["DatabaseName"], params["TableName"])
    parent = partition_parent(catalog, table["DatabaseName"], table["Name"])
    versions = [doc for _, doc in reversed(ctx.store.list(ctx.scope, TABLE_VERSION, parent))]
    page, token = paginate(versions, params.get("NextToken"), params.get("MaxResults"), TABLES_PAGE,
                           key=lambda d: -int(d["VersionId"]))
    result: dict[str, Any] = {"TableVersions": [_table_version(doc) for doc in page]}
    if token:
        result["NextToken"] = token
    return result


def _delete_version(ctx: RequestContext, catalog: str, table: dict[str, Any], version: str) -> None:
    """Delete an archived version. The current one is refused: it is the table itself, which
    DeleteTable removes (AWS documents nothing; deleting it would leave a table without a version)."""
    doc = _require_version(ctx, catalog, table, version)
    if doc["VersionId"] == table["VersionId"]:
        raise InvalidInputException(f"Version {version} is the current version of table {table['Name']} "
                                    "and cannot be deleted.")
    parent = partition_parent(catalog, table["DatabaseName"], table["Name"])
    ctx.store.delete(ctx.scope, TABLE_VERSION, parent, _version_name(int(doc["VersionId"])))


def delete_table_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    catalog = catalog_id(ctx, params)
    with ctx.store.transaction():
        table = require_table(ctx, catalog, params["DatabaseName"], params["TableName"])
        _delete_version(ctx, catalog, table, params["VersionId"])
    return {}


def batch_delete_table_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete each version; those that cannot be deleted are reported in Errors, not raised."""
    catalog = catalog_id(ctx, params)
    errors = []
    with ctx.store.transaction():
        table = require_table(ctx, catalog, params["DatabaseName"], params["TableName"])
        for version in params["VersionIds"]:
            try:
                _delete_version(ctx, catalog, table, version)
            except AwsError as error:
                errors.append({"TableName": table["Name"], "VersionId": version, "ErrorDetail": _error_detail(error)})
    return {"Errors": errors}


# -- SearchTables ------------------------------------------------------------------------------------


def _field(doc: dict[str, Any], name: str) -> Any:
    """A table's value for a search field: a Table member, else one of its Parameters."""
    if name in _STRING_FIELDS or name in _TIME_MEMBERS:
        return doc.get(name)
    return doc.get("Parameters", {}).get(name)


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _token_match(field_value: str, value: str) -> bool:
    """The fuzzy match AWS documents for string filters: the field is split into tokens at
    punctuation (Name customer-link gives customer, link) and the value must match tokens exactly
    (a value of several tokens must match that sequence of tokens)."""
    field_tokens, wanted = _tokens(field_value), _tokens(value)
    if not wanted:
        return field_value.lower() == value.lower()
    return any(field_tokens[i : i + len(wanted)] == wanted for i in range(len(field_tokens) - len(wanted) + 1))


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "EQUALS": lambda a, b: round(a, 3) == round(b, 3),
    "GREATER_THAN": lambda a, b: a > b,
    "LESS_THAN": lambda a, b: a < b,
    "GREATER_THAN_EQUALS": lambda a, b: a >= b,
    "LESS_THAN_EQUALS": lambda a, b: a <= b,
}


def _time_value(value: str) -> float:
    """A time filter's Value: epoch seconds, epoch milliseconds (numbers past year 5000 cannot be
    seconds) or ISO 8601. AWS documents no format."""
    stamp = _epoch(value)
    if stamp is None:
        raise InvalidInputException(f"Invalid time value in filter: {value}")
    return stamp / 1000 if stamp > 1e11 else stamp


def _predicate(spec: dict[str, Any]) -> Callable[[dict[str, Any]], bool]:
    """One Filters entry as a test on a table. The Comparator counts for time fields only, as
    documented; string fields (and table parameters, the other keys) use the token match."""
    if not spec.get("Key") or "Value" not in spec:
        raise InvalidInputException("Each filter needs a Key and a Value.")
    key, value = spec["Key"], spec["Value"]
    if key in _TIME_MEMBERS:
        compare, bound = _COMPARE[spec.get("Comparator", "EQUALS")], _time_value(value)
        return lambda doc: doc.get(key) is not None and compare(doc[key], bound)
    return lambda doc: isinstance(_field(doc, key), str) and _token_match(_field(doc, key), value)


def _searchable(doc: dict[str, Any]) -> list[str]:
    """What SearchText looks at: names, description, owner, type, parameters, location and columns."""
    texts = [doc.get(name) for name in _STRING_FIELDS]
    for params in (doc.get("Parameters", {}), doc.get("StorageDescriptor", {}).get("Parameters", {})):
        texts += list(params) + list(params.values())
    texts.append(doc.get("StorageDescriptor", {}).get("Location"))
    for column in doc.get("StorageDescriptor", {}).get("Columns", []) + doc.get("PartitionKeys", []):
        texts += [column["Name"], column.get("Comment")]
    return [text.lower() for text in texts if text]


def _text_match(search_text: str) -> Callable[[dict[str, Any]], bool]:
    """SearchText: "in quotes" must equal one searchable value (AWS: "an exact match"); otherwise
    every word must occur in some searchable value (AWS documents no more; case is ignored)."""
    text = search_text.strip().lower()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        exact = text[1:-1]
        return lambda doc: exact in _searchable(doc)
    words = text.split()

    def match(doc: dict[str, Any]) -> bool:
        values = _searchable(doc)
        return all(any(word in value for value in values) for word in words)

    return match


def _descending(value: Any) -> list[Any]:
    """A sort key that orders like `value` reversed (JSON-serialisable, for the pagination token):
    numbers negated; strings as negated code points ended by a sentinel above them all, so that a
    string sorts after its own extensions ("ab" after "abc", as descending order wants)."""
    if isinstance(value, (int, float)):
        return [-value]
    return [-ord(ch) for ch in value] + [1]


def _sort_field(criteria: list[dict[str, Any]]) -> tuple[str, bool]:
    """The SortCriteria's field and whether it sorts descending; InvalidInputException for another field."""
    field, descending = criteria[0].get("FieldName"), criteria[0].get("Sort", "ASC") == "DESC"
    if field not in _STRING_FIELDS and field not in _TIME_MEMBERS:
        raise InvalidInputException(f"Cannot sort on field {field}.")
    return field, descending


def _sorted_matches(
    ctx: RequestContext, catalog: str, criteria: list[dict[str, Any]], tests: list[Callable[[dict[str, Any]], bool]],
    after: list[Any] | None,
) -> Iterator[tuple[list[Any], dict[str, Any]]]:
    """The tables matching `tests`, by the SortCriteria field (tables without it last), then by database and
    name, after the position `after`, as (position, table). SQLite orders them (the store's
    iterate_under_ordered), and rows up to the token's position are skipped unparsed, so a page reads its own
    tables and not every table of the catalog."""
    field, descending = _sort_field(criteria)
    rows = ctx.store.iterate_under_ordered(ctx.scope, TABLE, catalog, f"$.{field}", descending)
    for parent, name, value, body in rows:
        position = [1, [], parent, name] if value is None else [0, _descending(value) if descending else [value], parent, name]
        try:
            if after is not None and position <= after:
                continue
        except TypeError:  # a token of another listing (its positions hold other types)
            raise InvalidInputException("Invalid pagination token") from None
        doc = json.loads(body)
        if all(test(doc) for test in tests):
            yield position, doc


def search_tables(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Search the tables of every database of the catalog by text, filters (all must hold) and sort."""
    catalog = catalog_id(ctx, params)
    if params.get("ResourceShareType") in ("FOREIGN", "FEDERATED"):  # nothing is shared with this account
        return {"TableList": []}
    tests = [_predicate(spec) for spec in params.get("Filters", [])]
    if params.get("SearchText"):
        tests.append(_text_match(params["SearchText"]))
    if params.get("SortCriteria"):
        after = token_after(params.get("NextToken"), list)
        if after is not None and not (len(after) == 4 and after[0] in (0, 1)):
            raise InvalidInputException("Invalid pagination token")
        found, token = page_of(_sorted_matches(ctx, catalog, params["SortCriteria"], tests, after),
                               params.get("MaxResults"), SEARCH_PAGE, key=lambda item: item[0])
        page = [doc for _, doc in found]
    else:
        # By database and name, the store's own order: read on from the token, one table past the page.
        after = token_after(params.get("NextToken"), list)
        if after is not None and not (len(after) == 2 and all(isinstance(part, str) for part in after)):
            raise InvalidInputException("Invalid pagination token")
        rows = ctx.store.iterate_under(ctx.scope, TABLE, catalog, (table_parent(catalog, after[0]), after[1]) if after else None)
        docs = (json.loads(body) for _, _, body in rows)
        page, token = page_of((doc for doc in docs if all(t(doc) for t in tests)), params.get("MaxResults"),
                              SEARCH_PAGE, key=lambda doc: [doc["DatabaseName"], doc["Name"]])
    result: dict[str, Any] = {"TableList": page}
    if token:
        result["NextToken"] = token
    return result
