"""How one crawl's findings change the Data Catalog (CatalogWriter), in ONE store transaction per
crawl, so a failing crawl writes nothing:
- new tables and partitions are always created (AWS: "regardless of the schema change policy");
- changed tables and partitions are rewritten only under UpdateBehavior UPDATE_IN_DATABASE, merged
  when Configuration says MergeNewColumns; partitions take the table's schema with InheritFromTable;
- tables this crawler made whose data is gone are logged, deleted, or marked DEPRECATED_BY_CRAWLER
  as DeleteBehavior says; partitions whose folder is gone are deleted under DELETE_FROM_DATABASE;
- CRAWL_NEW_FOLDERS_ONLY adds new partitions and touches nothing that exists (incremental.py decides
  what a later incremental crawl may add).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..catalog import databases as catalog_databases
from ..catalog import partitions as catalog_partitions
from ..catalog import tables as catalog_tables
from ..catalog.common import DATABASE, PARTITION, TABLE, database_parent, partition_parent, table_parent
from ..context import RequestContext
from . import planner

# Where a crawler without DatabaseName writes; created as Hive (and AWS) describe it when missing.
DEFAULT_DATABASE = "default"
_DEFAULT_DATABASE_INPUT = {"Name": DEFAULT_DATABASE, "Description": "Default Hive database"}
# Table parameters that differ on every crawl without the table having changed.
_VOLATILE_PARAMETERS = ("CRAWL_RUN_ID",)
# MergeNewColumns deprecates a table instead of merging when one of these changes (Glue's crawler guide).
FUNDAMENTAL_PARAMETERS = ("classification", "compressionType", "delimiter")


class CrawlFailed(Exception):
    """A crawl that cannot go on; the message becomes its ErrorMessage."""


class Cancelled(Exception):
    """StopCrawler (or a reset) reached a crawl before it wrote anything."""


@dataclass
class Output:
    """One table a crawl found: where it goes and, for catalog targets, which table it updates."""

    database: str
    plan: planner.TablePlan | None  # None: a catalog target's location holds no data
    catalog_table: str | None = None  # catalog targets update this existing table, never create
    incremental: bool = False  # an incremental crawl's new partitions of the existing table plan.table_input.Name


@dataclass
class _Counts:
    add: int = 0
    update: int = 0
    delete: int = 0

    def summary(self) -> dict[str, Any]:
        counts = {"ADD": self.add, "UPDATE": self.update, "DELETE": self.delete}
        return {action: {"Count": n} for action, n in counts.items() if n}


@dataclass
class Summary:
    tables: _Counts = field(default_factory=_Counts)
    partitions: _Counts = field(default_factory=_Counts)

    def json(self) -> str:
        """CrawlerHistory.Summary: what the crawl added, updated and deleted, as JSON."""
        parts = {"TABLE": self.tables.summary(), "PARTITION": self.partitions.summary()}
        return json.dumps({kind: counts for kind, counts in parts.items() if counts}, separators=(",", ":"))




def crawler_identity(account: str, role: str) -> str:
    """The CreatedBy of tables a crawler makes: AWS shows the crawler's session of its role,
    arn:aws:sts::<account>:assumed-role/<RoleName>/AWS-Crawler. Role may be a name or an IAM role ARN
    (with a path: the name is its last segment)."""
    return f"arn:aws:sts::{account}:assumed-role/{role.rpartition('/')[2]}/AWS-Crawler"


class CrawlInfo(Protocol):
    """What the writer needs to know of the crawl it writes for."""

    crawl_id: str
    started: float
    discard: bool


def s3_prefix(path: str) -> str:
    """An s3:// location as a folder prefix ("s3://b/p/"), to compare locations and nest them."""
    return path.rstrip("/") + "/"


def norm(path: str) -> str:
    """A location as the comparisons between catalog and crawl see it: no trailing slash."""
    return path.rstrip("/")


class CatalogWriter:
    """Applies one crawl's outputs to the catalog under the crawler's policies, in one transaction."""

    def __init__(self, ctx: RequestContext, crawler: dict[str, Any], crawl: CrawlInfo,
                 crawl_log: Callable[[str], None]):
        self.ctx, self.crawler, self.crawl, self.log = ctx, crawler, crawl, crawl_log
        self.catalog = ctx.account
        configuration = json.loads(crawler.get("Configuration") or "{}")
        output = configuration.get("CrawlerOutput", {})
        self.merge_columns = output.get("Tables", {}).get("AddOrUpdateBehavior") == "MergeNewColumns"
        self.inherit = output.get("Partitions", {}).get("AddOrUpdateBehavior") == "InheritFromTable"
        self.table_threshold: int | None = output.get("Tables", {}).get("TableThreshold")
        self.partition_index = configuration.get("CreatePartitionIndex", True)
        new_folders_only = crawler["RecrawlPolicy"]["RecrawlBehavior"] == "CRAWL_NEW_FOLDERS_ONLY"
        policy = crawler["SchemaChangePolicy"]
        self.may_update = policy["UpdateBehavior"] == "UPDATE_IN_DATABASE" and not new_folders_only
        self.delete_behavior = "LOG" if new_folders_only else policy["DeleteBehavior"]
        self.summary = Summary()
        self.written: set[tuple[str, str]] = set()  # (database, table) this crawl found

    # -- the crawl's tables ------------------------------------------------------------------------

    def write(self, outputs: list[Output], incremental: bool = False) -> Summary:
        """Apply the outputs; an incremental crawl's outputs only add partitions."""
        with self.ctx.store.transaction():
            if self.crawl.discard:
                raise Cancelled()
            found = [o for o in outputs if o.catalog_table is None and not o.incremental]
            if self.table_threshold is not None and len(found) > self.table_threshold:
                raise CrawlFailed(f"The number of tables detected by crawler: {len(found)} is greater than the table "
                                  f"threshold value provided: {self.table_threshold}")
            self._ensure_default_database(outputs)
            roots: dict[tuple[str, str], str] = {}
            for output in outputs:
                if output.catalog_table is not None:
                    self._catalog_table(output)
                elif output.incremental and output.plan is not None:
                    self._partitions(output.database, output.plan.table_input["Name"], output.plan.partitions,
                                     retire=False)
                elif output.plan is not None:
                    self._s3_table(output.database, output.plan, roots)
            if not incremental:  # incremental crawls ignore what was deleted (AWS)
                self._retire_missing_tables()
        return self.summary

    def _ensure_default_database(self, outputs: list[Output]) -> None:
        if any(o.database == DEFAULT_DATABASE and o.plan is not None for o in outputs) and self.ctx.store.get(
            self.ctx.scope, DATABASE, database_parent(self.catalog), DEFAULT_DATABASE
        ) is None:
            catalog_databases.create_database(self.ctx, {"DatabaseInput": dict(_DEFAULT_DATABASE_INPUT)})
            self.log(f"INFO : Created database {DEFAULT_DATABASE}")

    def _table_name(self, database: str, plan: planner.TablePlan, roots: dict[tuple[str, str], str]) -> str:
        """The planned name, unless another table (in the catalog, or found earlier in this crawl in
        another target) has it for another location: then, as AWS does, a hash of the location is
        appended (the planner's rule for clashes within one target)."""
        name = plan.table_input["Name"].lower()
        root = norm(plan.root)
        existing = self._load_table(database, name)
        taken = roots.get((database, name))
        if (taken is not None and taken != root) or (
            taken is None and existing is not None and norm(_location(existing)) != root
        ):
            name = planner.clash_name(name, plan.root)
        roots[(database, name)] = root
        return name

    def _s3_table(self, database: str, plan: planner.TablePlan, roots: dict[tuple[str, str], str]) -> None:
        name = self._table_name(database, plan, roots)
        self.written.add((database, name))
        spec = self._table_input(plan.table_input, name)
        existing = self._load_table(database, name)
        if existing is None:
            self._create_table(database, spec)
        else:
            self._update_table(database, existing, spec)
        self._partitions(database, name, plan.partitions)

    def _catalog_table(self, output: Output) -> None:
        """A catalog target's table: updated like any other, never created; no data left = deleted."""
        database, name = output.database, output.catalog_table
        assert name is not None
        existing = self._load_table(database, name)
        if existing is None:
            return
        if output.plan is None:
            self._retire_table(existing, "its location holds no data")
            return
        spec = self._table_input(output.plan.table_input, name)
        spec["StorageDescriptor"]["Location"] = _location(existing)
        self._update_table(database, existing, spec)
        self._partitions(database, name, output.plan.partitions)

    def _table_input(self, planned: dict[str, Any], name: str) -> dict[str, Any]:
        """The planner's TableInput with what the crawler itself writes on every table it makes."""
        spec = json.loads(json.dumps(planned))
        spec["Name"] = name
        spec.setdefault("Owner", "owner")
        spec.setdefault("TableType", "EXTERNAL_TABLE")
        spec.setdefault("Retention", 0)
        own = {"UPDATED_BY_CRAWLER": self.crawler["Name"], "CrawlerSchemaSerializerVersion": "1.0",
               "CrawlerSchemaDeserializerVersion": "1.0", "CRAWL_RUN_ID": self.crawl.crawl_id}
        spec["Parameters"] = {**spec.get("Parameters", {}), **own}
        descriptor = spec.setdefault("StorageDescriptor", {})
        # AWS's crawlers repeat the table's parameters in its StorageDescriptor.
        descriptor["Parameters"] = {**descriptor.get("Parameters", {}), **spec["Parameters"]}
        return spec

    def _create_table(self, database: str, spec: dict[str, Any]) -> None:
        params: dict[str, Any] = {"DatabaseName": database, "TableInput": spec}
        created_by = crawler_identity(self.ctx.account, self.crawler["Role"])
        keys = [k["Name"] for k in spec.get("PartitionKeys", [])]
        if keys and self.partition_index:
            # Crawlers index the partitions of the tables they create unless CreatePartitionIndex is false.
            # AWS documents no index name; this one names the crawl's start.
            params["PartitionIndexes"] = [{"Keys": keys[:3], "IndexName": f"crawler_{int(self.crawl.started * 1000)}"}]
        catalog_tables.create_table(self.ctx, params, created_by=created_by)
        self.summary.tables.add += 1
        self.log(f"INFO : Created table {spec['Name']} in database {database}")

    def _update_table(self, database: str, existing: dict[str, Any], spec: dict[str, Any]) -> None:
        if self.merge_columns:
            spec = self._merged(existing, spec)
        if _table_as_input(existing) == _comparable(spec):
            return
        if not self.may_update:
            self.log(f"INFO : Table {existing['Name']} in database {database} has changed; not updated "
                     f"(UpdateBehavior {self.crawler['SchemaChangePolicy']['UpdateBehavior']}, RecrawlBehavior "
                     f"{self.crawler['RecrawlPolicy']['RecrawlBehavior']})")
            return
        catalog_tables.update_table(self.ctx, {"DatabaseName": database, "TableInput": spec})
        self.summary.tables.update += 1
        self.log(f"INFO : Updated table {existing['Name']} in database {database}")

    def _merged(self, existing: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
        """MergeNewColumns: the catalog's columns (types kept) plus the new ones, the catalog's
        input/output formats, the crawler's SerDe parameters over the catalog's. A change of
        classification, compression or delimiter deprecates the table instead (Glue's guide)."""
        current = _table_as_input(existing)
        old_params, new_params = current.get("Parameters", {}), spec.get("Parameters", {})
        if any(old_params.get(p) != new_params.get(p) for p in FUNDAMENTAL_PARAMETERS if p in old_params):
            self.log(f"WARN : Table {existing['Name']} changed its classification, compression or delimiter; "
                     "marked deprecated instead of merging new columns")
            return _deprecated(current, self.crawl.started)
        merged = json.loads(json.dumps(current))
        descriptor, planned = merged.setdefault("StorageDescriptor", {}), spec["StorageDescriptor"]
        known = {column["Name"].lower() for column in descriptor.get("Columns", [])}
        descriptor["Columns"] = descriptor.get("Columns", []) + [
            column for column in planned.get("Columns", []) if column["Name"].lower() not in known
        ]
        serde = descriptor.setdefault("SerdeInfo", {})
        serde["Parameters"] = {**serde.get("Parameters", {}), **planned.get("SerdeInfo", {}).get("Parameters", {})}
        for member in ("Location", "Parameters", "Compressed"):
            if member in planned:
                descriptor[member] = planned[member]
        merged["Parameters"] = {**old_params, **new_params}
        return merged

    # -- partitions --------------------------------------------------------------------------------

    def _partitions(self, database: str, table_name: str, planned: list[dict[str, Any]], retire: bool = True) -> None:
        table = self._load_table(database, table_name)
        if table is None or not table.get("PartitionKeys"):
            return
        parent = partition_parent(self.catalog, database.lower(), table_name.lower())
        existing = {tuple(doc["Values"]): doc for _, doc in self.ctx.store.list(self.ctx.scope, PARTITION, parent)}
        to_create, to_update, seen = [], [], set()
        for partition in planned:
            spec = self._partition_input(table, partition)
            values = tuple(spec["Values"])
            seen.add(values)
            current = existing.get(values)
            if current is None:
                to_create.append(spec)
            elif self.may_update and _partition_as_input(current) != spec:
                to_update.append({"PartitionValueList": list(values), "PartitionInput": spec})
        gone = [values for values in existing if values not in seen]
        where = {"DatabaseName": database, "TableName": table_name}
        if to_create:
            errors = catalog_partitions.batch_create_partition(self.ctx, {**where, "PartitionInputList": to_create})
            self._partition_errors("create", errors["Errors"], "PartitionValues")
            added = [spec["Values"] for spec in to_create]
            self.summary.partitions.add += len(added) - len(errors["Errors"])
            self.log(f"INFO : Added partitions {_values_text(added)} to table {table_name} in database {database}")
        if to_update:
            errors = catalog_partitions.batch_update_partition(self.ctx, {**where, "Entries": to_update})
            self._partition_errors("update", errors["Errors"], "PartitionValueList")
            self.summary.partitions.update += len(to_update) - len(errors["Errors"])
            self.log(f"INFO : Updated partitions {_values_text([e['PartitionValueList'] for e in to_update])} of "
                     f"table {table_name} in database {database}")
        if gone and retire:
            self._retire_partitions(where, [list(values) for values in gone])

    def _partition_input(self, table: dict[str, Any], partition: dict[str, Any]) -> dict[str, Any]:
        """A planned PartitionInput; with InheritFromTable, the table's schema, formats and SerDe
        with the partition's own location and statistics (its StorageDescriptor parameters)."""
        spec = json.loads(json.dumps(partition))
        if self.inherit:
            own = spec.get("StorageDescriptor", {})
            descriptor = json.loads(json.dumps(table.get("StorageDescriptor", {})))
            for member in ("Location", "Parameters"):
                if member in own:
                    descriptor[member] = own[member]
            spec["StorageDescriptor"] = descriptor
        return spec

    def _retire_partitions(self, where: dict[str, str], gone: list[list[str]]) -> None:
        """Partitions whose folder is gone: deleted under DELETE_FROM_DATABASE; otherwise logged (AWS
        documents deprecation for tables only)."""
        text = f"{_values_text(gone)} of table {where['TableName']} in database {where['DatabaseName']}"
        if self.delete_behavior != "DELETE_FROM_DATABASE":
            self.log(f"INFO : Partitions {text} no longer have data; left in place (DeleteBehavior "
                     f"{self.delete_behavior})")
            return
        errors = catalog_partitions.batch_delete_partition(
            self.ctx, {**where, "PartitionsToDelete": [{"Values": values} for values in gone]}
        )
        self._partition_errors("delete", errors["Errors"], "PartitionValues")
        self.summary.partitions.delete += len(gone) - len(errors["Errors"])
        self.log(f"INFO : Deleted partitions {text}")

    def _partition_errors(self, action: str, errors: list[dict[str, Any]], values_member: str) -> None:
        for error in errors:
            detail = error["ErrorDetail"]
            self.log(f"WARN : Could not {action} partition {error[values_member]}: {detail['ErrorCode']}: "
                     f"{detail['ErrorMessage']}")

    # -- tables whose data is gone -----------------------------------------------------------------

    def _retire_missing_tables(self) -> None:
        """Tables this crawler made under its S3 and JDBC targets that this crawl did not find again."""
        from .jdbc_targets import covers  # it imports this module

        paths = [s3_prefix(t["Path"]) for t in self.crawler["Targets"].get("S3Targets", []) if t.get("Path")]
        jdbc = self.crawler["Targets"].get("JdbcTargets", [])
        database = self.crawler.get("DatabaseName") or DEFAULT_DATABASE
        if not paths and not jdbc:
            return
        parent = table_parent(self.catalog, database.lower())
        for name, table in self.ctx.store.list(self.ctx.scope, TABLE, parent):
            if (table["DatabaseName"], name) in self.written:
                continue
            if table.get("Parameters", {}).get("UPDATED_BY_CRAWLER") != self.crawler["Name"]:
                continue
            if any(s3_prefix(_location(table)).startswith(path) for path in paths):
                self._retire_table(table, "its data is no longer in S3")
            elif covers(jdbc, table):
                self._retire_table(table, "it is no longer in its database")

    def _retire_table(self, table: dict[str, Any], why: str) -> None:
        database, name = table["DatabaseName"], table["Name"]
        if self.delete_behavior == "LOG":
            self.log(f"INFO : Table {name} in database {database}: {why}; left in place (DeleteBehavior LOG)")
        elif self.delete_behavior == "DELETE_FROM_DATABASE":
            catalog_tables.delete_table(self.ctx, {"DatabaseName": database, "Name": name})
            self.summary.tables.delete += 1
            self.log(f"INFO : Deleted table {name} from database {database}: {why}")
        elif "DEPRECATED_BY_CRAWLER" not in table.get("Parameters", {}):
            spec = _deprecated(_table_as_input(table), self.crawl.started)
            catalog_tables.update_table(self.ctx, {"DatabaseName": database, "TableInput": spec})
            self.summary.tables.delete += 1
            self.log(f"INFO : Deprecated table {name} in database {database}: {why}")

    def _load_table(self, database: str, name: str) -> dict[str, Any] | None:
        return self.ctx.store.get(self.ctx.scope, TABLE, table_parent(self.catalog, database.lower()), name.lower())


# -- documents as inputs -----------------------------------------------------------------------------

_TABLE_INPUT_MEMBERS = ("Name", "Description", "Owner", "Retention", "StorageDescriptor", "PartitionKeys",
                        "TableType", "Parameters", "ViewOriginalText", "ViewExpandedText", "TargetTable")
_PARTITION_INPUT_MEMBERS = ("Values", "StorageDescriptor", "Parameters")


def _table_as_input(table: dict[str, Any]) -> dict[str, Any]:
    """A stored Table as the TableInput that would write it again, compared without volatile keys."""
    return _comparable({member: table[member] for member in _TABLE_INPUT_MEMBERS if member in table})


def _comparable(spec: dict[str, Any]) -> dict[str, Any]:
    spec = json.loads(json.dumps(spec))
    spec.setdefault("PartitionKeys", [])
    for params in (spec.get("Parameters", {}), spec.get("StorageDescriptor", {}).get("Parameters", {})):
        for volatile in _VOLATILE_PARAMETERS:
            params.pop(volatile, None)
    return spec


def _partition_as_input(partition: dict[str, Any]) -> dict[str, Any]:
    return {member: partition[member] for member in _PARTITION_INPUT_MEMBERS if member in partition}


def _deprecated(spec: dict[str, Any], when: float) -> dict[str, Any]:
    """A table marked as AWS marks it: DEPRECATED_BY_CRAWLER = the epoch milliseconds of the crawl."""
    spec = json.loads(json.dumps(spec))
    stamp = str(int(when * 1000))
    spec["Parameters"] = {**spec.get("Parameters", {}), "DEPRECATED_BY_CRAWLER": stamp}
    descriptor = spec.setdefault("StorageDescriptor", {})
    descriptor["Parameters"] = {**descriptor.get("Parameters", {}), "DEPRECATED_BY_CRAWLER": stamp}
    return spec


def _location(table: dict[str, Any]) -> str:
    return table.get("StorageDescriptor", {}).get("Location", "")


def _values_text(values: list[list[str]]) -> str:
    return "[" + ", ".join("[" + ", ".join(v) + "]" for v in values) + "]"

