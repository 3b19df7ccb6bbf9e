"""Table optimizers of Iceberg tables: CreateTableOptimizer, GetTableOptimizer, BatchGetTableOptimizer,
UpdateTableOptimizer, DeleteTableOptimizer, ListTableOptimizerRuns.

AWS's rules (API reference; "Optimizing Iceberg tables" and its pages on compaction, snapshot retention and
orphan file deletion in the Glue guide):
- A table has at most one optimizer of each type (compaction, retention, orphan_file_deletion): a second
  CreateTableOptimizer of a type is AlreadyExistsException; Get/Update/Delete of a missing one, or of a missing
  database or table, EntityNotFoundException. Optimizers are for Iceberg tables only.
- The configuration is kept as given and answered with configurationSource "table". Documented bounds:
  runRateInHours 3 to 168 (default 24) for retention and orphan file deletion; snapshotRetentionPeriodInDays
  (default 5, or the table's history.expire.max-snapshot-age-ms), numberOfSnapshotsToRetain (default 1, or
  history.expire.min-snapshots-to-keep) and orphanFileRetentionPeriodInDays (default 3) count at least 1;
  compaction's minInputFiles (default 100) and deleteFileThreshold (default 1) at least 1.
- An enabled optimizer runs by itself (optimizer_runs.py does the work): retention and orphan file deletion
  when enabled and then every runRateInHours; compaction whenever the table qualifies. Each run is listed by
  ListTableOptimizerRuns (newest first) and the latest is the optimizer's lastRun.
- Deleting the table or its database deletes its optimizers and their runs.
Our choices where AWS's words are not on record: a table that is not Iceberg is InvalidInputException
("Table <name> is not an Iceberg table."), out-of-bounds numbers are ValidationException naming the member.
"""

from __future__ import annotations

from typing import Any

from ..clock import now
from ..context import RequestContext
from ..errors import AwsError, InvalidInputException, ValidationException
from ..pagination import paginate
from ..records import RecordKind, create_record, delete_record, require_record, updating_record
from ..store import key
from .common import TABLE_OPTIMIZER, TABLE_OPTIMIZER_RUN, catalog_id, is_iceberg, partition_parent, require_table

OPTIMIZER = RecordKind(TABLE_OPTIMIZER, "TableOptimizer")
_RUNS_PAGE = 1000
# member -> (smallest, largest) of the documented bounds, per configuration block
_BOUNDS: dict[str, dict[str, tuple[int, int | None]]] = {
    "compactionConfiguration": {"minInputFiles": (1, None), "deleteFileThreshold": (1, None)},
    "retentionConfiguration": {"snapshotRetentionPeriodInDays": (1, None), "numberOfSnapshotsToRetain": (1, None),
                               "runRateInHours": (3, 168)},
    "orphanFileDeletionConfiguration": {"orphanFileRetentionPeriodInDays": (1, None), "runRateInHours": (3, 168)},
}
_INTERNAL = ("createdAt", "nextRunAt", "catalogId", "databaseName", "tableName")


def _check(configuration: dict[str, Any]) -> None:
    for block, bounds in _BOUNDS.items():
        iceberg = (configuration.get(block) or {}).get("icebergConfiguration") or {}
        for member, (low, high) in bounds.items():
            value = iceberg.get(member)
            if value is not None and (value < low or (high is not None and value > high)):
                limit = f"between {low} and {high}" if high is not None else f"at least {low}"
                raise ValidationException(f"{block}.icebergConfiguration.{member} must be {limit}; got {value}.")


def _iceberg_table(ctx: RequestContext, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The request's catalog and Iceberg table; EntityNotFoundException, InvalidInputException (not Iceberg)."""
    catalog = catalog_id(ctx, params)
    table = require_table(ctx, catalog, params["DatabaseName"], params["TableName"])
    if not is_iceberg(table):
        raise InvalidInputException(f"Table {table['Name']} is not an Iceberg table.")
    return catalog, table


def _parent(catalog: str, table: dict[str, Any]) -> str:
    return partition_parent(catalog, table["DatabaseName"], table["Name"])


def runs_parent(catalog: str, table: dict[str, Any], kind: str) -> str:
    """Where an optimizer's runs are stored: under the table, so that deleting it deletes them."""
    return key(_parent(catalog, table), kind)


def latest_runs(ctx: RequestContext, parent: str) -> list[dict[str, Any]]:
    """An optimizer's runs, newest first."""
    return [run for _, run in reversed(ctx.store.list(ctx.scope, TABLE_OPTIMIZER_RUN, parent))]


def _output(ctx: RequestContext, catalog: str, table: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    """The TableOptimizer shape: type, configuration, configurationSource and lastRun (when it has run)."""
    result = {k: v for k, v in doc.items() if k not in _INTERNAL}
    runs = latest_runs(ctx, runs_parent(catalog, table, doc["type"]))
    if runs:
        result["lastRun"] = runs[0]
    return result


def _wake(ctx: RequestContext) -> None:
    from .optimizer_runs import OptimizerRuns

    ctx.emulator.component(OptimizerRuns).wake()


def create_table_optimizer(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create the table's optimizer of Type; it runs at once when enabled. AlreadyExistsException,
    EntityNotFoundException, InvalidInputException (not Iceberg), ValidationException (bounds)."""
    catalog, table = _iceberg_table(ctx, params)
    configuration = params["TableOptimizerConfiguration"]
    _check(configuration)
    created = now()
    doc = {"type": params["Type"], "configuration": configuration, "configurationSource": "table",
           "createdAt": created, "nextRunAt": created, "catalogId": catalog,
           "databaseName": table["DatabaseName"], "tableName": table["Name"]}
    create_record(ctx, OPTIMIZER, params["Type"], doc, parent=_parent(catalog, table))
    _wake(ctx)
    return {}


def get_table_optimizer(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"CatalogId", "DatabaseName", "TableName", "TableOptimizer"}; EntityNotFoundException."""
    catalog = catalog_id(ctx, params)
    table = require_table(ctx, catalog, params["DatabaseName"], params["TableName"])
    doc = require_record(ctx, OPTIMIZER, params["Type"], parent=_parent(catalog, table))
    return {"CatalogId": catalog, "DatabaseName": table["DatabaseName"], "TableName": table["Name"],
            "TableOptimizer": _output(ctx, catalog, table, doc)}


def batch_get_table_optimizer(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"TableOptimizers": [...], "Failures": [...]}: each entry found, or its error (EntityNotFoundException)."""
    found, failures = [], []
    for entry in params["Entries"]:
        request = {"CatalogId": entry.get("catalogId"), "DatabaseName": entry.get("databaseName", ""),
                   "TableName": entry.get("tableName", ""), "Type": entry.get("type", "")}
        try:
            answer = get_table_optimizer(ctx, request)
        except AwsError as error:
            failures.append({**entry, "error": {"ErrorCode": error.code, "ErrorMessage": error.message}})
            continue
        found.append({"catalogId": answer["CatalogId"], "databaseName": answer["DatabaseName"],
                      "tableName": answer["TableName"], "tableOptimizer": answer["TableOptimizer"]})
    return {"TableOptimizers": found, "Failures": failures}


def update_table_optimizer(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Replace the optimizer's configuration; enabling it (again) runs it at once. EntityNotFoundException,
    ValidationException (bounds)."""
    catalog, table = _iceberg_table(ctx, params)
    configuration = params["TableOptimizerConfiguration"]
    _check(configuration)
    with updating_record(ctx, OPTIMIZER, params["Type"], parent=_parent(catalog, table)) as doc:
        if configuration.get("enabled") and not doc["configuration"].get("enabled"):
            doc["nextRunAt"] = now()
        doc["configuration"] = configuration
    _wake(ctx)
    return {}


def delete_table_optimizer(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete the optimizer and its runs; EntityNotFoundException."""
    catalog = catalog_id(ctx, params)
    table = require_table(ctx, catalog, params["DatabaseName"], params["TableName"])
    with ctx.store.transaction():
        delete_record(ctx, OPTIMIZER, params["Type"], parent=_parent(catalog, table))
        ctx.store.delete_under(ctx.scope, TABLE_OPTIMIZER_RUN, runs_parent(catalog, table, params["Type"]))
    return {}


def list_table_optimizer_runs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"CatalogId", "DatabaseName", "TableName", "TableOptimizerRuns": [TableOptimizerRun], "NextToken"?}, newest
    first; EntityNotFoundException for a missing table or optimizer."""
    catalog = catalog_id(ctx, params)
    table = require_table(ctx, catalog, params["DatabaseName"], params["TableName"])
    require_record(ctx, OPTIMIZER, params["Type"], parent=_parent(catalog, table))
    parent = runs_parent(catalog, table, params["Type"])
    rows = list(reversed(ctx.store.list(ctx.scope, TABLE_OPTIMIZER_RUN, parent)))
    page, token = paginate(rows, params.get("NextToken"), params.get("MaxResults"), _RUNS_PAGE,
                           key=lambda row: [-ord(ch) for ch in row[0]])
    result: dict[str, Any] = {"CatalogId": catalog, "DatabaseName": table["DatabaseName"], "TableName": table["Name"],
                              "TableOptimizerRuns": [run for _, run in page]}
    if token:
        result["NextToken"] = token
    return result
