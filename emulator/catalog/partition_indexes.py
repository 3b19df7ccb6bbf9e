"""Partition indexes of catalog tables: CreatePartitionIndex, DeletePartitionIndex, GetPartitionIndexes.

An index is a PartitionIndexDescriptor document per (table, index name). Indexes are built at once:
an index on a table whose partitions all fit the indexed keys' types is ACTIVE straight away; one
that meets partitions AWS could not index is FAILED with the BackfillErrors AWS reports. The
table module calls `add_index` (CreateTable's PartitionIndexes) and `check_key_change` (UpdateTable);
partition writers call `indexed_values_check`, as AWS validates new partitions of indexed tables.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from ..context import RequestContext
from ..errors import (
    AlreadyExistsException,
    EntityNotFoundException,
    InvalidInputException,
    ResourceNumberLimitExceededException,
)
from ..pagination import paginate
from .common import PARTITION, catalog_id, partition_parent, require_table

PARTITION_INDEX = "partition_index"
MAX_INDEXES = 3  # "A maximum of 3 partition indexes can be created on a given table" (Glue guide)
# A BackfillError lists "a limited number of partitions": this many per error code.
_BACKFILL_SAMPLE = 10
# Column types AWS can index (Glue guide, "About partition indexes"): strings, integers, ISO dates.
_STRING_TYPE = re.compile(r"^(string|char\(\d+\)|varchar\(\d+\))$", re.IGNORECASE)
_NUMERIC_TYPE = re.compile(r"^(int|integer|bigint|long|tinyint|smallint)$", re.IGNORECASE)
_DATE_TYPE = re.compile(r"^date$", re.IGNORECASE)
_INTEGER = re.compile(r"^[+-]?\d+$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_UNSUPPORTED_CHARS = ("\u0000", "\u0001", "\u0002")


def indexes_of(ctx: RequestContext, catalog: str, database: str, table: str) -> list[dict[str, Any]]:
    """A table's index descriptors (stored lower-case database and table names), by index name."""
    return [doc for _, doc in ctx.store.list(ctx.scope, PARTITION_INDEX, partition_parent(catalog, database, table))]


def _value_error(key_type: str, value: str) -> str | None:
    """The BackfillErrorCode a partition value earns under an indexed key of this type, if any."""
    if any(ch in value for ch in _UNSUPPORTED_CHARS):
        return "UNSUPPORTED_PARTITION_CHARACTER_ERROR"
    if _NUMERIC_TYPE.match(key_type) and not _INTEGER.match(value):
        return "INVALID_PARTITION_TYPE_DATA_ERROR"
    if _DATE_TYPE.match(key_type):
        match = _ISO_DATE.match(value)
        try:
            # Year 0000 is in AWS's range (0000-01-01..9999-12-31) but not Python's; 2000 shares its leap rule.
            year, month, day = (int(part) for part in match.groups()) if match else (0, 0, 0)
            date(year or 2000, month, day)
        except ValueError:
            return "INVALID_PARTITION_TYPE_DATA_ERROR"
    return None


def _positions(table: dict[str, Any], keys: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """(position among the table's partition keys, type) of each indexed key."""
    names = [column["Name"].lower() for column in table.get("PartitionKeys", [])]
    return [(names.index(key["Name"].lower()), key["Type"]) for key in keys]


def _partition_errors(positions: list[tuple[int, str]], values: list[str]) -> list[str]:
    """The error codes of one partition's values under an index's keys (as `_positions` gives them)."""
    errors = []
    for position, key_type in positions:
        if position >= len(values):
            errors.append("MISSING_PARTITION_VALUE_ERROR")
            continue
        code = _value_error(key_type, values[position])
        if code:
            errors.append(code)
    return errors


def indexed_values_check(ctx: RequestContext, catalog: str, table: dict[str, Any]) -> Callable[[list[str]], None]:
    """A checker of new partitions' values: it refuses (InvalidInputException) values that do not fit the
    table's ACTIVE indexes, as AWS does once a table has partition indexes.

    The indexes are read once, here, so that a batch of partitions reads them once; use the checker within
    one request (it holds the indexes of the moment it was made).
    """
    active = [(index["IndexName"], _positions(table, index["Keys"]))
              for index in indexes_of(ctx, catalog, table["DatabaseName"], table["Name"])
              if index["IndexStatus"] == "ACTIVE"]

    def check(values: list[str]) -> None:
        for name, positions in active:
            errors = _partition_errors(positions, values)
            if errors:
                raise InvalidInputException(f"Partition values {values} do not fit partition index {name}: {errors[0]}")

    return check


def _backfill(ctx: RequestContext, catalog: str, table: dict[str, Any], keys: list[dict[str, Any]]) -> list[dict]:
    """The BackfillErrors of indexing a table's existing partitions (empty when all fit)."""
    by_code: dict[str, list[dict[str, Any]]] = {}
    parent = partition_parent(catalog, table["DatabaseName"], table["Name"])
    positions = _positions(table, keys)
    for _, partition in ctx.store.list(ctx.scope, PARTITION, parent):
        values = partition.get("Values", [])
        for code in dict.fromkeys(_partition_errors(positions, values)):
            sample = by_code.setdefault(code, [])
            if len(sample) < _BACKFILL_SAMPLE:
                sample.append({"Values": values})
    return [{"Code": code, "Partitions": partitions} for code, partitions in by_code.items()]


def _key_schema(table: dict[str, Any], index: dict[str, Any]) -> list[dict[str, str]]:
    """The index's keys as KeySchemaElements; each must be a distinct, indexable partition key."""
    columns = {column["Name"].lower(): column for column in table.get("PartitionKeys", [])}
    keys: list[dict[str, str]] = []
    for name in index["Keys"]:
        column = columns.get(name.lower())
        if column is None:
            raise InvalidInputException(f"Key {name} is not a partition key of table {table['Name']}.")
        if any(key["Name"] == column["Name"] for key in keys):
            raise InvalidInputException(f"Key {name} appears more than once in partition index {index['IndexName']}.")
        column_type = column.get("Type", "")
        if not (_STRING_TYPE.match(column_type) or _NUMERIC_TYPE.match(column_type) or _DATE_TYPE.match(column_type)):
            raise InvalidInputException(
                f"Partition key {column['Name']} of type '{column_type}' cannot be indexed: only string, char, "
                "varchar, int, bigint, long, tinyint, smallint and date keys can."
            )
        keys.append({"Name": column["Name"], "Type": column_type})
    return keys


def add_index(ctx: RequestContext, catalog: str, table: dict[str, Any], index: dict[str, Any]) -> None:
    """Validate and store one PartitionIndex of a stored table (call inside the caller's transaction)."""
    keys = _key_schema(table, index)
    existing = indexes_of(ctx, catalog, table["DatabaseName"], table["Name"])
    if any(doc["IndexName"] == index["IndexName"] for doc in existing):
        raise AlreadyExistsException(f"Partition index {index['IndexName']} already exists.")
    # FAILED indexes are kept for inspection but do not hold one of the table's index slots.
    if sum(doc["IndexStatus"] != "FAILED" for doc in existing) >= MAX_INDEXES:
        raise ResourceNumberLimitExceededException(
            f"A table can have at most {MAX_INDEXES} partition indexes; table {table['Name']} has {MAX_INDEXES}."
        )
    descriptor: dict[str, Any] = {"IndexName": index["IndexName"], "Keys": keys, "IndexStatus": "ACTIVE"}
    errors = _backfill(ctx, catalog, table, keys)
    if errors:
        descriptor.update(IndexStatus="FAILED", BackfillErrors=errors)
    parent = partition_parent(catalog, table["DatabaseName"], table["Name"])
    ctx.store.put(ctx.scope, PARTITION_INDEX, parent, index["IndexName"], descriptor)


def check_key_change(ctx: RequestContext, catalog: str, table: dict[str, Any], new_keys: list[dict]) -> None:
    """Refuse an update that renames, retypes or moves a partition key registered with an index, as
    AWS does ("you cannot change the type, or order, of keys which are registered with the index")."""
    for index in indexes_of(ctx, catalog, table["DatabaseName"], table["Name"]):
        if index["IndexStatus"] == "FAILED":
            continue
        for (position, key_type), key in zip(_positions(table, index["Keys"]), index["Keys"]):
            column = new_keys[position] if position < len(new_keys) else {}
            if column.get("Name", "").lower() != key["Name"].lower() or column.get("Type") != key_type:
                raise InvalidInputException(
                    f"Partition key {key['Name']} is registered with partition index {index['IndexName']}: "
                    "its name, type and position cannot change."
                )


def _table(ctx: RequestContext, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    catalog = catalog_id(ctx, params)
    return catalog, require_table(ctx, catalog, params["DatabaseName"], params["TableName"])


def create_partition_index(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with ctx.store.transaction():
        catalog, table = _table(ctx, params)
        add_index(ctx, catalog, table, params["PartitionIndex"])
    return {}


def delete_partition_index(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with ctx.store.transaction():
        catalog, table = _table(ctx, params)
        parent = partition_parent(catalog, table["DatabaseName"], table["Name"])
        if not ctx.store.delete(ctx.scope, PARTITION_INDEX, parent, params["IndexName"]):
            raise EntityNotFoundException(f"Partition index {params['IndexName']} not found.")
    return {}


def get_partition_indexes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    catalog, table = _table(ctx, params)
    indexes = indexes_of(ctx, catalog, table["DatabaseName"], table["Name"])
    # The operation has no MaxResults; a table holds a handful of indexes, so one page holds them all.
    page, token = paginate(indexes, params.get("NextToken"), None, len(indexes) or 1, key=lambda d: d["IndexName"])
    result: dict[str, Any] = {"PartitionIndexDescriptorList": page}
    if token:
        result["NextToken"] = token
    return result
