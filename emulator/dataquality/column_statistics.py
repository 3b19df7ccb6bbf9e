"""Column statistics of Data Catalog tables and partitions: UpdateColumnStatisticsForTable,
GetColumnStatisticsForTable, DeleteColumnStatisticsForTable and their ForPartition forms.

What AWS documents and what we do (https://docs.aws.amazon.com/glue/latest/dg/column-statistics.html,
the API reference of each operation):
- A column's statistics are one ColumnStatistics document (ColumnName, ColumnType, AnalyzedTime,
  StatisticsData); an update replaces it whole ("Data Catalog doesn't store different versions of the
  statistics"). They are deleted with their table or partition (catalog/tables.py, partitions.py), and
  follow a partition whose Values an UpdatePartition changes (partitions.py `_Table.update`).
- StatisticsData carries exactly the member its Type names (LONG -> LongColumnStatisticsData, ...); an
  entry without it, or with another type's member, is refused. Decimal bounds are DecimalNumber:
  UnscaledValue is the big-endian two's-complement bytes of the unscaled integer (base64 on the wire),
  Scale the number of digits after the point.
- Update* apply the valid entries and return the others in Errors (ColumnStatisticsError: the entry and
  an ErrorDetail), as a batch write does; Get* return the statistics found and an Errors entry
  (ColumnError) for each column without any. A missing database, table or partition fails the whole
  request with EntityNotFoundException; Delete* of a column without statistics too (Trino's Glue
  metastore ignores exactly that error when it clears statistics).
- A column is matched by name without regard to case (the catalog is Hive's, case-insensitive) against
  the table's Columns and PartitionKeys (a partition's: its own StorageDescriptor.Columns, else the
  table's). AWS does not document whether the Type must suit the column's catalog type; we do not check
  it (Trino writes LONG statistics for timestamp columns, for one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..catalog.common import (
    PARTITION,
    PARTITION_COLUMN_STATISTICS,
    TABLE_COLUMN_STATISTICS,
    catalog_id,
    partition_parent,
    require_table,
)
from ..context import RequestContext
from ..errors import AwsError, EntityNotFoundException, InvalidInputException
from ..store import KEY_SEP, key

# ColumnStatisticsData.Type -> the member holding that type's statistics.
DATA_MEMBERS = {
    "BOOLEAN": "BooleanColumnStatisticsData",
    "DATE": "DateColumnStatisticsData",
    "DECIMAL": "DecimalColumnStatisticsData",
    "DOUBLE": "DoubleColumnStatisticsData",
    "LONG": "LongColumnStatisticsData",
    "STRING": "StringColumnStatisticsData",
    "BINARY": "BinaryColumnStatisticsData",
}
_PARTITION_NOT_FOUND = "Cannot find partition."  # GetPartition's wording


@dataclass(frozen=True)
class StatisticsTarget:
    """A table or one of its partitions, where its statistics are kept, and the columns it has."""

    ctx: RequestContext
    table: dict[str, Any]
    kind: str
    parent: str
    columns: dict[str, str]  # lower-case name -> the name as the catalog spells it

    def column(self, name: str) -> str:
        """The catalog's spelling of a column of this table, or EntityNotFoundException."""
        found = self.columns.get(name.lower())
        if found is None:
            raise EntityNotFoundException(f"Column {name} not found in table {self.table['Name']}.")
        return found

    def load(self, column: str) -> dict[str, Any] | None:
        return self.ctx.store.get(self.ctx.scope, self.kind, self.parent, column.lower())

    def put(self, statistics: dict[str, Any]) -> None:
        self.ctx.store.put(self.ctx.scope, self.kind, self.parent, statistics["ColumnName"].lower(), statistics)


def _names(columns: Sequence[dict[str, Any]]) -> dict[str, str]:
    return {c["Name"].lower(): c["Name"] for c in columns}


def table_target(ctx: RequestContext, params: dict[str, Any], catalog: str | None = None) -> StatisticsTarget:
    """The table a request names (DatabaseName, TableName, CatalogId), or EntityNotFoundException."""
    catalog = catalog or catalog_id(ctx, params)
    table = require_table(ctx, catalog, params["DatabaseName"], params["TableName"])
    columns = (table.get("StorageDescriptor") or {}).get("Columns") or []
    parent = partition_parent(catalog, table["DatabaseName"].lower(), table["Name"].lower())
    return StatisticsTarget(ctx, table, TABLE_COLUMN_STATISTICS, parent,
                            _names([*columns, *(table.get("PartitionKeys") or [])]))


def _partition_target(ctx: RequestContext, params: dict[str, Any]) -> StatisticsTarget:
    catalog = catalog_id(ctx, params)
    table = require_table(ctx, catalog, params["DatabaseName"], params["TableName"])
    values = params["PartitionValues"]
    keys = table.get("PartitionKeys") or []
    if len(values) != len(keys) or any(KEY_SEP in value for value in values):
        raise EntityNotFoundException(_PARTITION_NOT_FOUND)
    parent = partition_parent(catalog, table["DatabaseName"].lower(), table["Name"].lower())
    partition = ctx.store.get(ctx.scope, PARTITION, parent, key(*values)) if values else None
    if partition is None:
        raise EntityNotFoundException(_PARTITION_NOT_FOUND)
    columns = (partition.get("StorageDescriptor") or {}).get("Columns") or \
        (table.get("StorageDescriptor") or {}).get("Columns") or []
    return StatisticsTarget(ctx, table, PARTITION_COLUMN_STATISTICS, key(parent, *values), _names(columns))


def _check_data(data: dict[str, Any]) -> None:
    """StatisticsData must hold the member of its Type and no other (base64 blobs are checked by shapes.py)."""
    member = DATA_MEMBERS[data["Type"]]
    present = [m for m in DATA_MEMBERS.values() if m in data]
    if member not in data:
        raise InvalidInputException(f"StatisticsData of Type {data['Type']} must include {member}.")
    if present != [member]:
        others = ", ".join(m for m in present if m != member)
        raise InvalidInputException(f"StatisticsData of Type {data['Type']} must not include {others}.")


def _store_entry(target: StatisticsTarget, entry: dict[str, Any]) -> None:
    _check_data(entry["StatisticsData"])
    target.put({**entry, "ColumnName": target.column(entry["ColumnName"])})


def store_statistics(target: StatisticsTarget, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Store each ColumnStatistics entry; the ColumnStatisticsError of each entry that was refused."""
    errors = []
    with target.ctx.store.transaction():
        for entry in entries:
            try:
                _store_entry(target, entry)
            except AwsError as error:
                errors.append({"ColumnStatistics": entry,
                               "Error": {"ErrorCode": error.code, "ErrorMessage": error.message}})
    return errors


def _read(target: StatisticsTarget, names: list[str]) -> dict[str, Any]:
    found, errors = [], []
    for name in names:
        stored = target.load(name) if name.lower() in target.columns else None
        if stored is None:
            message = (f"Column statistics of column {name} not found." if name.lower() in target.columns
                       else f"Column {name} not found in table {target.table['Name']}.")
            errors.append({"ColumnName": name,
                           "Error": {"ErrorCode": "EntityNotFoundException", "ErrorMessage": message}})
        else:
            found.append(stored)
    return {"ColumnStatisticsList": found, "Errors": errors}


def _delete(target: StatisticsTarget, name: str) -> dict[str, Any]:
    column = target.column(name)
    if not target.ctx.store.delete(target.ctx.scope, target.kind, target.parent, column.lower()):
        raise EntityNotFoundException(f"Column statistics of column {column} not found.")
    return {}


def update_column_statistics_for_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Store up to 25 columns' statistics of a table: {"Errors": [ColumnStatisticsError]} for refused ones."""
    return {"Errors": store_statistics(table_target(ctx, params), params["ColumnStatisticsList"])}


def get_column_statistics_for_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Up to 100 columns' statistics: {"ColumnStatisticsList": [...], "Errors": [ColumnError]}."""
    return _read(table_target(ctx, params), params["ColumnNames"])


def delete_column_statistics_for_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete one column's statistics; EntityNotFoundException when it has none."""
    return _delete(table_target(ctx, params), params["ColumnName"])


def update_column_statistics_for_partition(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """As UpdateColumnStatisticsForTable, for the partition of PartitionValues."""
    return {"Errors": store_statistics(_partition_target(ctx, params), params["ColumnStatisticsList"])}


def get_column_statistics_for_partition(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """As GetColumnStatisticsForTable, for the partition of PartitionValues."""
    return _read(_partition_target(ctx, params), params["ColumnNames"])


def delete_column_statistics_for_partition(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """As DeleteColumnStatisticsForTable, for the partition of PartitionValues."""
    return _delete(_partition_target(ctx, params), params["ColumnName"])
