"""Partitions of Data Catalog tables: CreatePartition, GetPartition, GetPartitions, UpdatePartition,
DeletePartition and their Batch forms.

A partition is stored under its table (kind PARTITION, parent `partition_parent(catalog, db, table)`)
named by its values joined with KEY_SEP, as the model's Partition output shape. Batch operations
report failures per item, as AWS does, and apply the rest.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..clock import now
from ..context import RequestContext
from ..errors import AlreadyExistsException, AwsError, EntityNotFoundException, InvalidInputException
from ..events import glue as glue_events
from ..pagination import page_of, token_after
from ..store import KEY_SEP, key
from .common import PARTITION, PARTITION_COLUMN_STATISTICS, catalog_id, partition_parent, require_table
from .expression import compile_expression, index_lookups
from .partition_indexes import indexed_values_check

# AWS's wording.
_NOT_FOUND = "Cannot find partition."
_EXISTS = "Partition already exists."
_COUNT_MISMATCH = "The number of partition keys do not match the number of partition values"
_INPUT_MEMBERS = ("LastAccessTime", "StorageDescriptor", "Parameters", "LastAnalyzedTime")
_PAGE_CAP = 1000


@dataclass(frozen=True)
class _Table:
    """The table a request addresses, and where its partitions are stored."""

    ctx: RequestContext
    catalog: str
    doc: dict[str, Any]
    parent: str

    @property
    def key_count(self) -> int:
        return len(self.doc.get("PartitionKeys") or [])

    @cached_property
    def check_indexed_values(self) -> Callable[[list[str]], None]:
        """Refuses values that do not fit the table's partition indexes (read once per request: a batch's)."""
        return indexed_values_check(self.ctx, self.catalog, self.doc)

    def name_of(self, values: Sequence[str]) -> str:
        """The store name of the partition with these values, after checking they fit the table."""
        if len(values) != self.key_count:
            raise InvalidInputException(_COUNT_MISMATCH)
        if not values:
            raise InvalidInputException(f"Table {self.doc['Name']} is not partitioned")
        name = key(*values)
        # The store joins values with KEY_SEP; a value holding it could collide with another partition.
        if name.count(KEY_SEP) != len(values) - 1:
            raise InvalidInputException("Partition values must not contain the character U+001F")
        return name

    def load(self, values: Sequence[str]) -> dict[str, Any] | None:
        return self.ctx.store.get(self.ctx.scope, PARTITION, self.parent, self.name_of(values))

    def require(self, values: Sequence[str]) -> dict[str, Any]:
        doc = self.load(values)
        if doc is None:
            raise EntityNotFoundException(_NOT_FOUND)
        return doc

    def partition(self, values: list[str], spec: dict[str, Any], created: float) -> dict[str, Any]:
        """The stored document: the Partition shape built from a PartitionInput."""
        doc: dict[str, Any] = {
            "Values": values,
            "DatabaseName": self.doc["DatabaseName"],
            "TableName": self.doc["Name"],
            "CreationTime": created,
        }
        doc.update({m: spec[m] for m in _INPUT_MEMBERS if m in spec})
        doc["CatalogId"] = self.catalog
        return doc

    def create(self, spec: dict[str, Any], created: float) -> None:
        values = spec.get("Values") or []
        name = self.name_of(values)
        self.check_indexed_values(values)
        if not self.ctx.store.insert(
            self.ctx.scope, PARTITION, self.parent, name, self.partition(values, spec, created)
        ):
            raise AlreadyExistsException(_EXISTS)

    def create_each(self, specs: list[dict[str, Any]], created: float) -> list[AwsError | None]:
        """Create partitions from PartitionInputs as `create` one by one would (a later duplicate of a batch is
        AlreadyExists), written together; for each input, None when it was created, else its error."""
        outcome: list[AwsError | None] = []
        new: list[tuple[int, str, dict[str, Any]]] = []  # (position in specs, store name, document)
        for spec in specs:
            values = spec.get("Values") or []
            try:
                name = self.name_of(values)
                self.check_indexed_values(values)
            except AwsError as error:
                outcome.append(error)
            else:
                new.append((len(outcome), name, self.partition(values, spec, created)))
                outcome.append(None)
        stored = self.ctx.store.insert_each(self.ctx.scope, PARTITION, self.parent, [(name, doc) for _, name, doc in new])
        for (at, _, _), was_stored in zip(new, stored):
            if not was_stored:
                outcome[at] = AlreadyExistsException(_EXISTS)
        return outcome

    def update(self, values: list[str], spec: dict[str, Any]) -> None:
        """Replace a partition's definition (not merged, as on AWS), keeping its creation time.

        New Values move the partition, with its column statistics (AWS's Hive metastore client renames a
        partition this way, and Hive keeps a renamed partition's statistics); Values left out keep the current
        ones (AWS documents no meaning for an update without Values, and keeping them is the harmless reading).
        """
        store, scope = self.ctx.store, self.ctx.scope
        with store.transaction():
            current = self.require(values)
            new_values = spec.get("Values") or current["Values"]
            old_name, new_name = self.name_of(values), self.name_of(new_values)
            updated = self.partition(new_values, spec, current["CreationTime"])
            if new_name == old_name:
                store.put(scope, PARTITION, self.parent, new_name, updated)
                return
            self.check_indexed_values(new_values)
            if not store.insert(scope, PARTITION, self.parent, new_name, updated):
                raise AlreadyExistsException(_EXISTS)
            store.delete(scope, PARTITION, self.parent, old_name)
            old_stats, new_stats = key(self.parent, old_name), key(self.parent, new_name)
            for column, statistics in store.list(scope, PARTITION_COLUMN_STATISTICS, old_stats):
                store.put(scope, PARTITION_COLUMN_STATISTICS, new_stats, column, statistics)
            store.delete_under(scope, PARTITION_COLUMN_STATISTICS, old_stats)

    def delete(self, values: Sequence[str]) -> None:
        name = self.name_of(values)
        with self.ctx.store.transaction():
            if not self.ctx.store.delete(self.ctx.scope, PARTITION, self.parent, name):
                raise EntityNotFoundException(_NOT_FOUND)
            self.ctx.store.delete_under(self.ctx.scope, PARTITION_COLUMN_STATISTICS, key(self.parent, name))


def _table(ctx: RequestContext, params: dict[str, Any]) -> _Table:
    catalog = catalog_id(ctx, params)
    doc = require_table(ctx, catalog, params["DatabaseName"], params["TableName"])
    parent = partition_parent(catalog, params["DatabaseName"].lower(), params["TableName"].lower())
    return _Table(ctx, catalog, doc, parent)


def _changed(table: _Table, change: str, partitions: list[list[str]]) -> None:
    """Emit the "Glue Data Catalog Table State Change" event of partitions written (see events/glue.py)."""
    glue_events.table_changed(table.ctx, table.doc["DatabaseName"], table.doc["Name"], change, partitions)


def _failure(action: Callable[..., None], *args: Any) -> dict[str, str] | None:
    """Run one item of a batch: None when it succeeded, else its ErrorDetail."""
    try:
        action(*args)
    except AwsError as error:
        return {"ErrorCode": error.code, "ErrorMessage": error.message}
    return None


# -- single partitions -------------------------------------------------------------------------------


def create_partition(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    table = _table(ctx, params)
    table.create(params["PartitionInput"], now())
    _changed(table, "CreatePartition", [params["PartitionInput"].get("Values") or []])
    return {}


def get_partition(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"Partition": _table(ctx, params).require(params["PartitionValues"])}


def update_partition(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    table = _table(ctx, params)
    table.update(params["PartitionValueList"], params["PartitionInput"])
    _changed(table, "UpdatePartition", [params["PartitionInput"].get("Values") or params["PartitionValueList"]])
    return {}


def delete_partition(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    table = _table(ctx, params)
    table.delete(params["PartitionValues"])
    _changed(table, "DeletePartition", [params["PartitionValues"]])
    return {}


# -- batches -----------------------------------------------------------------------------------------


def batch_create_partition(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    errors, done = [], []
    with ctx.store.transaction():
        table = _table(ctx, params)
        outcome = table.create_each(params["PartitionInputList"], now())
    for spec, error in zip(params["PartitionInputList"], outcome):
        if error:
            errors.append({"PartitionValues": spec.get("Values") or [],
                           "ErrorDetail": {"ErrorCode": error.code, "ErrorMessage": error.message}})
        else:
            done.append(spec.get("Values") or [])
    _changed(table, "BatchCreatePartition", done)
    return {"Errors": errors}


def batch_update_partition(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    errors, done = [], []
    with ctx.store.transaction():
        table = _table(ctx, params)
        for entry in params["Entries"]:
            detail = _failure(table.update, entry["PartitionValueList"], entry["PartitionInput"])
            if detail:
                errors.append({"PartitionValueList": entry["PartitionValueList"], "ErrorDetail": detail})
            else:
                done.append(entry["PartitionInput"].get("Values") or entry["PartitionValueList"])
    _changed(table, "BatchUpdatePartition", done)
    return {"Errors": errors}


def batch_delete_partition(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    errors, done = [], []
    with ctx.store.transaction():
        table = _table(ctx, params)
        for entry in params["PartitionsToDelete"]:
            detail = _failure(table.delete, entry["Values"])
            if detail:
                errors.append({"PartitionValues": entry["Values"], "ErrorDetail": detail})
            else:
                done.append(entry["Values"])
    _changed(table, "BatchDeletePartition", done)
    return {"Errors": errors}


def batch_get_partition(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The partitions found, each once. Partitions that do not exist are left out, not reported in
    UnprocessedKeys: that is how AWS answers (clients such as Trino's Glue metastore retry
    UnprocessedKeys and fail when a response makes no progress), UnprocessedKeys being the keys AWS
    had no time to read, which never happens here."""
    table = _table(ctx, params)
    found: dict[str, dict[str, Any]] = {}
    for entry in params["PartitionsToGet"]:
        doc = table.load(entry["Values"])
        if doc is not None:
            found.setdefault(table.name_of(entry["Values"]), doc)
    return {"Partitions": list(found.values()), "UnprocessedKeys": []}


# -- listing -----------------------------------------------------------------------------------------


def _segment_filter(segment: dict[str, int] | None) -> Callable[[str], bool]:
    """Which partitions (by store name) a Segment covers.

    A partition's segment is a hash of its values, so the segments of one TotalSegments are disjoint
    and together cover the table, and a partition stays in its segment while others come and go.
    """
    if segment is None:
        return lambda name: True
    number, total = segment["SegmentNumber"], segment["TotalSegments"]
    if number >= total:
        raise InvalidInputException(
            f"SegmentNumber {number} is out of range: it must be less than TotalSegments ({total})"
        )
    return lambda name: zlib.crc32(name.encode("utf-8", "surrogatepass")) % total == number


def get_partitions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """A page of a table's partitions in store-name order, filtered by Expression and Segment.

    The listing reads from the token's position onwards and stops one partition past the page; the
    Expression's equalities on string keys are looked up in the store's index of partition values, and
    everything else is checked on the values (held in the partition's store name) before its document
    is parsed.
    """
    table = _table(ctx, params)
    keys = table.doc.get("PartitionKeys") or []
    matches = compile_expression(params.get("Expression"), keys)
    in_segment = _segment_filter(params.get("Segment"))
    after = token_after(params.get("NextToken"))
    rows = ctx.store.iterate(
        ctx.scope, PARTITION, table.parent, after=after, parts=index_lookups(params.get("Expression"), keys)
    )
    selected = (
        (name, body) for name, body in rows if in_segment(name) and matches(name.split(KEY_SEP))
    )
    page, token = page_of(selected, params.get("MaxResults"), _PAGE_CAP, key=lambda row: row[0])
    partitions = [json.loads(body) for _, body in page]
    if params.get("ExcludeColumnSchema"):
        for doc in partitions:
            doc.get("StorageDescriptor", {}).pop("Columns", None)
    result: dict[str, Any] = {"Partitions": partitions}
    if token:
        result["NextToken"] = token
    return result
