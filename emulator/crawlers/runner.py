"""Crawl runs: the crawler state machine and what a crawl does to the Data Catalog (CrawlRunner).

A crawler (kind CRAWLER, the Crawler shape GetCrawler returns) is READY, RUNNING while its targets
are planned, STOPPING while the results are written (or after StopCrawler), then READY again with
LastCrawl telling how it went: SUCCEEDED, FAILED, or CANCELLED when stopped. Each crawl is also a
CrawlerHistory document (kind CRAWL, under the crawler's name) for ListCrawls, RUNNING then
COMPLETED / FAILED / STOPPED. Crawls run on background threads, one per crawl.

What a crawl finds comes from the inference engine (`planner.plan_s3_target`); this module applies
it to the catalog in ONE store transaction per crawl, so a failing crawl writes nothing:
- new tables and partitions are always created (AWS: "regardless of the schema change policy");
- changed tables and partitions are rewritten only under UpdateBehavior UPDATE_IN_DATABASE, merged
  when Configuration says MergeNewColumns; partitions take the table's schema with InheritFromTable;
- tables this crawler made whose data is gone are logged, deleted, or marked DEPRECATED_BY_CRAWLER
  as DeleteBehavior says; partitions whose folder is gone are deleted under DELETE_FROM_DATABASE;
- CRAWL_NEW_FOLDERS_ONLY adds new tables and partitions and touches nothing that exists.
Log lines go to CloudWatch Logs, group /aws-glue/crawlers, stream = crawler name, each prefixed with
the crawl id as AWS prefixes them. Subscribers of `on_crawl_ended` hear (scope, crawler, state) with
state SUCCEEDED / FAILED / CANCELLED, the states conditional triggers watch.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ..catalog import partitions as catalog_partitions
from ..catalog import tables as catalog_tables
from ..catalog.common import DATABASE, PARTITION, TABLE, database_parent, partition_parent, table_parent
from ..clock import now
from ..context import RequestContext
from ..errors import (
    AwsError,
    CrawlerNotRunningException,
    CrawlerRunningException,
    CrawlerStoppingException,
    EntityNotFoundException,
)
from ..logs.store import LogStore, now_ms
from . import planner
from .classifiers import CLASSIFIER

if TYPE_CHECKING:
    from ..core import Emulator

log = logging.getLogger("glue_emulator.crawlers")

CRAWLER = "crawler"
CRAWL = "crawl"  # CrawlerHistory documents, parent = crawler name
LOG_GROUP = "/aws-glue/crawlers"
ACTIVE_STATES = ("RUNNING", "STOPPING")
# Targets the emulator cannot crawl: such a crawl FAILS saying so (the definition itself is valid AWS
# input, so CreateCrawler accepts it: infrastructure code that defines these crawlers still deploys).
UNSUPPORTED_TARGETS = ("JdbcTargets", "MongoDBTargets", "DynamoDBTargets", "DeltaTargets", "IcebergTargets",
                       "HudiTargets")
RESTART_MESSAGE = "The emulator restarted while the crawl was in progress"
SHUTDOWN_MESSAGE = "The emulator shut down while the crawl was in progress"
# LastCrawl.Status -> CrawlerHistory.State
_HISTORY_STATES = {"SUCCEEDED": "COMPLETED", "FAILED": "FAILED", "CANCELLED": "STOPPED"}
# Table parameters that differ on every crawl without the table having changed.
_VOLATILE_PARAMETERS = ("CRAWL_RUN_ID",)
# MergeNewColumns deprecates a table instead of merging when one of these changes (Glue's crawler guide).
_FUNDAMENTAL_PARAMETERS = ("classification", "compressionType", "delimiter")

CrawlEndedCallback = Callable[[str, str, str], None]


class CrawlFailed(Exception):
    """A crawl that cannot go on; the message becomes its ErrorMessage."""


class _Cancelled(Exception):
    """StopCrawler (or a reset) reached a crawl before it wrote anything."""


@dataclass(eq=False)
class _Crawl:
    scope: str
    crawler: str
    crawl_id: str
    started: float
    stop_requested: bool = False
    finishing: bool = False  # writing its results: too late to stop
    discard: bool = False  # a reset wipes the crawl: its end records nothing
    shutdown: bool = False  # the server is going away: the crawl ends FAILED, saying so
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def history_name(self) -> str:
        """Store name of the crawl's history entry: start time first, so names sort by start."""
        return f"{int(self.started * 1000):015d}-{self.crawl_id}"


class _CrawlLog:
    """A crawl's log lines, kept until flushed to its CloudWatch stream; also the planner's `log`."""

    def __init__(self, logs: LogStore, crawl: _Crawl):
        self.logs, self.crawl = logs, crawl
        self.lines: list[tuple[int, str]] = []

    def __call__(self, message: str) -> None:
        self.lines.append((now_ms(), f"[{self.crawl.crawl_id}] {message}"))

    def warn(self, message: str) -> None:
        """The inference engine's lines (files and targets it skipped), at AWS's WARN level."""
        self(f"WARN : {message}")

    def flush(self) -> None:
        lines, self.lines = self.lines, []
        self.logs.append(self.crawl.scope, LOG_GROUP, self.crawl.crawler, lines)


@dataclass
class _Output:
    """One table a crawl found: where it goes and, for catalog targets, which table it updates."""

    database: str
    plan: planner.TablePlan | None  # None: a catalog target's location holds no data
    catalog_table: str | None = None  # catalog targets update this existing table, never create


@dataclass
class _Counts:
    add: int = 0
    update: int = 0
    delete: int = 0

    def summary(self) -> dict[str, Any]:
        counts = {"ADD": self.add, "UPDATE": self.update, "DELETE": self.delete}
        return {action: {"Count": n} for action, n in counts.items() if n}


@dataclass
class _Summary:
    tables: _Counts = field(default_factory=_Counts)
    partitions: _Counts = field(default_factory=_Counts)

    def json(self) -> str:
        """CrawlerHistory.Summary: what the crawl added, updated and deleted, as JSON."""
        parts = {"TABLE": self.tables.summary(), "PARTITION": self.partitions.summary()}
        return json.dumps({kind: counts for kind, counts in parts.items() if counts}, separators=(",", ":"))


def crawler_arn(ctx: RequestContext, name: str) -> str:
    return f"arn:aws:glue:{ctx.region}:{ctx.account}:crawler/{name}"


def require_crawler(ctx: RequestContext, name: str) -> dict[str, Any]:
    doc = ctx.store.get(ctx.scope, CRAWLER, "", name)
    if doc is None:
        raise EntityNotFoundException(f"Crawler entry with name {name} does not exist")
    return doc


def s3_prefix(path: str) -> str:
    """An s3:// location as a folder prefix ("s3://b/p/"), to compare locations and nest them."""
    return path.rstrip("/") + "/"


def _norm(path: str) -> str:
    """A location as the comparisons between catalog and crawl see it: no trailing slash."""
    return path.rstrip("/")


def _context(emulator: "Emulator", scope: str, request_id: str) -> RequestContext:
    account, _, region = scope.partition("/")
    return RequestContext(account, region, request_id, emulator)


class CrawlRunner:
    """Starts, stops and finishes crawls for one server (a component)."""

    def __init__(self, emulator: "Emulator"):
        self.emulator = emulator
        self.logs = emulator.component(LogStore)
        self.on_crawl_ended: list[CrawlEndedCallback] = []
        self._lock = threading.RLock()
        self._active: dict[tuple[str, str], _Crawl] = {}
        self._recover()

    # -- starting and stopping ---------------------------------------------------------------------

    def start(self, scope: str, name: str) -> str:
        """Start a crawl of a READY crawler and return its id (StartCrawler; triggers call it too)."""
        ctx = _context(self.emulator, scope, str(uuid.uuid4()))
        crawl = _Crawl(scope, name, str(uuid.uuid4()), now())
        with self._lock, ctx.store.transaction():
            doc = require_crawler(ctx, name)
            if doc["State"] != "READY" or (scope, name) in self._active:
                raise CrawlerRunningException(f"Crawler with name {name} has already started")
            doc.update(State="RUNNING", CrawlElapsedTime=0)
            ctx.store.put(scope, CRAWLER, "", name, doc)
            history = {"CrawlId": crawl.crawl_id, "State": "RUNNING", "StartTime": crawl.started,
                       "LogGroup": LOG_GROUP, "LogStream": name, "MessagePrefix": crawl.crawl_id, "DPUHour": 0.0}
            ctx.store.put(scope, CRAWL, name, crawl.history_name, history)
            self._active[(scope, name)] = crawl
        threading.Thread(target=self._run, args=(crawl,), name=f"crawl-{name}", daemon=True).start()
        return crawl.crawl_id

    def stop(self, scope: str, name: str) -> None:
        """StopCrawler: a crawl still planning ends CANCELLED, having written nothing."""
        ctx = _context(self.emulator, scope, str(uuid.uuid4()))
        with self._lock:
            crawl = self._active.get((scope, name))
            if crawl is None:
                require_crawler(ctx, name)
                raise CrawlerNotRunningException(f"Crawler with name {name} isn't running")
            if crawl.stop_requested or crawl.finishing:
                raise CrawlerStoppingException(f"Crawler with name {name} is stopping")
            crawl.stop_requested = True
            self._set_state(ctx, name, "STOPPING")

    def is_active(self, scope: str, name: str) -> bool:
        with self._lock:
            return (scope, name) in self._active

    def elapsed_ms(self, scope: str, name: str) -> int:
        """CrawlElapsedTime: milliseconds since the crawl in progress began, 0 when none is."""
        with self._lock:
            crawl = self._active.get((scope, name))
        return int((now() - crawl.started) * 1000) if crawl else 0

    def _set_state(self, ctx: RequestContext, name: str, state: str) -> None:
        with ctx.store.transaction():
            doc = ctx.store.get(ctx.scope, CRAWLER, "", name)
            if doc is not None:
                doc["State"] = state
                ctx.store.put(ctx.scope, CRAWLER, "", name, doc)

    def _checkpoint(self, crawl: _Crawl) -> None:
        if crawl.stop_requested or crawl.discard:
            raise _Cancelled()

    def _begin_writing(self, ctx: RequestContext, crawl: _Crawl) -> None:
        """Planning is over: unless a stop came first, the crawl is STOPPING (writing) and can no
        longer be cancelled, as AWS's crawlers are STOPPING while they finish."""
        with self._lock:
            self._checkpoint(crawl)
            crawl.finishing = True
            self._set_state(ctx, crawl.crawler, "STOPPING")

    # -- one crawl ---------------------------------------------------------------------------------

    def _run(self, crawl: _Crawl) -> None:
        ctx = _context(self.emulator, crawl.scope, crawl.crawl_id)
        crawl_log = _CrawlLog(self.logs, crawl)
        status, message, summary = "SUCCEEDED", None, _Summary()
        try:
            crawler = require_crawler(ctx, crawl.crawler)
            crawl_log(f"BENCHMARK : Running Start Crawl for Crawler {crawl.crawler}")
            crawl_log(f"INFO : Crawler configured with Configuration {crawler.get('Configuration') or '{}'} and "
                      f"SchemaChangePolicy {json.dumps(crawler['SchemaChangePolicy'], separators=(',', ':'))}.")
            outputs = self._plan(ctx, crawler, crawl, crawl_log)
            self._begin_writing(ctx, crawl)
            crawl_log.flush()
            databases = ", ".join(sorted({output.database for output in outputs})) or crawler.get("DatabaseName", "")
            crawl_log(f"BENCHMARK : Classification complete, writing results to database {databases}")
            summary = _CatalogWriter(ctx, crawler, crawl, crawl_log).write(outputs)
            crawl_log("BENCHMARK : Finished writing to Catalog")
        except _Cancelled:
            if crawl.shutdown:
                status, message = "FAILED", SHUTDOWN_MESSAGE
            else:
                status = "CANCELLED"
            crawl_log("INFO : Crawler was stopped; nothing was written to the catalog")
        except (CrawlFailed, AwsError) as exc:
            status, message = "FAILED", exc.message if isinstance(exc, AwsError) else str(exc)
            crawl_log(f"ERROR : {message}")
        except Exception as exc:  # a bug: the crawl fails, the server goes on
            log.exception("crawl %s of %s failed", crawl.crawl_id, crawl.crawler)
            status, message = "FAILED", f"Internal error: {type(exc).__name__}: {exc}"
            crawl_log(f"ERROR : {message}")
        finally:
            self._finish(ctx, crawl, crawl_log, status, message, summary)

    def _plan(self, ctx: RequestContext, crawler: dict[str, Any], crawl: _Crawl, crawl_log: _CrawlLog) -> list[_Output]:
        """What the crawler's targets hold, as tables to write (nothing is written yet)."""
        targets = crawler["Targets"]
        unsupported = [kind for kind in UNSUPPORTED_TARGETS if targets.get(kind)]
        if unsupported:
            raise CrawlFailed(f"glue-emulator cannot crawl {', '.join(unsupported)} yet; it crawls S3Targets and "
                              "CatalogTargets")
        if crawler["RecrawlPolicy"]["RecrawlBehavior"] == "CRAWL_EVENT_MODE":
            raise CrawlFailed("glue-emulator does not support RecrawlBehavior CRAWL_EVENT_MODE (S3 event "
                              "notifications through SQS); use CRAWL_EVERYTHING or CRAWL_NEW_FOLDERS_ONLY")
        if not targets.get("S3Targets") and not targets.get("CatalogTargets"):
            raise CrawlFailed("The crawler has no targets to crawl")
        classifiers = [self._classifier(ctx, name) for name in crawler.get("Classifiers", [])]
        configuration = json.loads(crawler.get("Configuration") or "{}")
        data_dir = self.emulator.settings.data_dir
        outputs: list[_Output] = []
        if targets.get("S3Targets"):
            database = self._output_database(ctx, crawler)
            for target in targets["S3Targets"]:
                self._checkpoint(crawl)
                for plan in planner.plan_s3_target(data_dir, target, classifiers, configuration,
                                                   crawler.get("TablePrefix", ""), crawl_log.warn):
                    outputs.append(_Output(database, plan))
        # Catalog targets re-crawl each table's location as one table (grouping forced to
        # CombineCompatibleSchemas, as AWS does for them) and never create tables.
        combined = {**configuration, "Grouping": {**configuration.get("Grouping", {}),
                                                  "TableGroupingPolicy": "CombineCompatibleSchemas"}}
        for target in targets.get("CatalogTargets", []):
            for table_name in target["Tables"]:
                self._checkpoint(crawl)
                output = self._catalog_output(ctx, target["DatabaseName"], table_name, classifiers, combined,
                                              crawl_log)
                if output is not None:
                    outputs.append(output)
        self._checkpoint(crawl)
        return outputs

    def _classifier(self, ctx: RequestContext, name: str) -> dict[str, Any]:
        doc = ctx.store.get(ctx.scope, CLASSIFIER, "", name)
        if doc is None:
            raise CrawlFailed(f"Classifier with name {name} does not exist")
        return doc

    def _output_database(self, ctx: RequestContext, crawler: dict[str, Any]) -> str:
        """The database S3 tables go to; a crawl without one (or with a missing one) fails: AWS's
        crawlers write to an existing database and do not create it."""
        name = crawler.get("DatabaseName")
        if not name:
            raise CrawlFailed("The crawler has no DatabaseName to write the tables it finds to")
        doc = ctx.store.get(ctx.scope, DATABASE, database_parent(ctx.account), name.lower())
        if doc is None:
            raise CrawlFailed(f"Database {name} not found.")
        return doc["Name"]

    def _catalog_output(self, ctx: RequestContext, database: str, table_name: str, classifiers: list[dict[str, Any]],
                        configuration: dict[str, Any], crawl_log: _CrawlLog) -> _Output | None:
        """A catalog target's table: its S3 location crawled as one table root."""
        table = ctx.store.get(ctx.scope, TABLE, table_parent(ctx.account, database.lower()), table_name.lower())
        if table is None:
            crawl_log(f"WARN : Table {table_name} in database {database} not found; skipped")
            return None
        location = table.get("StorageDescriptor", {}).get("Location", "")
        if not location.startswith("s3://"):
            crawl_log(f"WARN : Table {table['Name']} in database {database} has no S3 location; skipped")
            return None
        plans = planner.plan_s3_target(self.emulator.settings.data_dir, {"Path": location}, classifiers,
                                       configuration, "", crawl_log.warn)
        matching = [plan for plan in plans if _norm(plan.root) == _norm(location)]
        return _Output(table["DatabaseName"], matching[0] if matching else None, table["Name"])

    # -- ending ------------------------------------------------------------------------------------

    def _finish(self, ctx: RequestContext, crawl: _Crawl, crawl_log: _CrawlLog, status: str, message: str | None,
                summary: _Summary) -> None:
        """Record the crawl's end once: crawler READY with LastCrawl, history entry, log, subscribers."""
        with self._lock:
            self._active.pop((crawl.scope, crawl.crawler), None)
        try:
            if not crawl.discard:
                self._record_end(ctx, crawl, crawl_log, status, message, summary)
        except Exception:
            log.exception("could not record the end of crawl %s of %s", crawl.crawl_id, crawl.crawler)
        finally:
            crawl.done.set()
        if not crawl.discard and not crawl.shutdown:
            self._announce(crawl.scope, crawl.crawler, status)

    def _record_end(self, ctx: RequestContext, crawl: _Crawl, crawl_log: _CrawlLog, status: str,
                    message: str | None, summary: _Summary) -> None:
        crawl_log("BENCHMARK : Crawler has finished running and is in state READY")
        crawl_log.flush()
        ended = now()
        last_crawl: dict[str, Any] = {"Status": status}
        if message:
            last_crawl["ErrorMessage"] = message[:2048]
        last_crawl.update(LogGroup=LOG_GROUP, LogStream=crawl.crawler, MessagePrefix=crawl.crawl_id,
                          StartTime=crawl.started)
        with ctx.store.transaction():
            doc = ctx.store.get(ctx.scope, CRAWLER, "", crawl.crawler)
            if doc is not None:
                doc.update(State="READY", CrawlElapsedTime=0, LastCrawl=last_crawl)
                ctx.store.put(ctx.scope, CRAWLER, "", crawl.crawler, doc)
            history = ctx.store.get(ctx.scope, CRAWL, crawl.crawler, crawl.history_name)
            if history is not None:
                history.update(State=_HISTORY_STATES[status], EndTime=ended, Summary=summary.json())
                if message:
                    history["ErrorMessage"] = message[:2048]
                ctx.store.put(ctx.scope, CRAWL, crawl.crawler, crawl.history_name, history)

    def _announce(self, scope: str, name: str, state: str) -> None:
        for callback in list(self.on_crawl_ended):
            try:
                callback(scope, name, state)
            except Exception:
                log.exception("on_crawl_ended subscriber failed for crawler %s", name)

    # -- server lifecycle --------------------------------------------------------------------------

    def _recover(self) -> None:
        """Crawls a previous server process left in progress end FAILED now, saying why."""
        store = self.emulator.store
        for scope, _, name, doc in store.list_scopes(CRAWLER):
            if doc["State"] not in ACTIVE_STATES:
                continue
            stamp = now()
            with store.transaction():
                for history_name, history in store.list(scope, CRAWL, name):
                    if history["State"] == "RUNNING":
                        history.update(State="FAILED", EndTime=stamp, ErrorMessage=RESTART_MESSAGE)
                        store.put(scope, CRAWL, name, history_name, history)
                        doc["LastCrawl"] = {"Status": "FAILED", "ErrorMessage": RESTART_MESSAGE, "LogGroup": LOG_GROUP,
                                            "LogStream": name, "MessagePrefix": history["CrawlId"],
                                            "StartTime": history["StartTime"]}
                doc.update(State="READY", CrawlElapsedTime=0)
                store.put(scope, CRAWLER, "", name, doc)

    def _stop_all(self, wait: float, *, discard: bool = False, shutdown: bool = False) -> None:
        with self._lock:
            crawls = list(self._active.values())
            for crawl in crawls:
                crawl.stop_requested = True
                crawl.discard = crawl.discard or discard
                crawl.shutdown = crawl.shutdown or shutdown
        for crawl in crawls:
            crawl.done.wait(wait)

    def forget(self, scope: str, name: str) -> None:
        """DeleteCrawler: drop the crawler's crawl history."""
        self.emulator.store.delete_under(scope, CRAWL, name)

    def reset(self) -> None:
        """Emulator reset: crawls in progress stop at their next checkpoint and record nothing."""
        self._stop_all(10.0, discard=True)

    def shutdown(self) -> None:
        """Server shutdown: crawls still planning end FAILED; a restart fails any left RUNNING."""
        self._stop_all(5.0, shutdown=True)


class _CatalogWriter:
    """Applies one crawl's outputs to the catalog under the crawler's policies, in one transaction."""

    def __init__(self, ctx: RequestContext, crawler: dict[str, Any], crawl: _Crawl, crawl_log: _CrawlLog):
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
        self.summary = _Summary()
        self.written: set[tuple[str, str]] = set()  # (database, table) this crawl found

    # -- the crawl's tables ------------------------------------------------------------------------

    def write(self, outputs: list[_Output]) -> _Summary:
        with self.ctx.store.transaction():
            if self.crawl.discard:
                raise _Cancelled()
            found = [o for o in outputs if o.catalog_table is None]
            if self.table_threshold is not None and len(found) > self.table_threshold:
                raise CrawlFailed(f"The number of tables detected by crawler: {len(found)} is greater than the table "
                                  f"threshold value provided: {self.table_threshold}")
            roots: dict[tuple[str, str], str] = {}
            for output in outputs:
                if output.catalog_table is not None:
                    self._catalog_table(output)
                elif output.plan is not None:
                    self._s3_table(output.database, output.plan, roots)
            self._retire_missing_tables()
        return self.summary

    def _table_name(self, database: str, plan: planner.TablePlan, roots: dict[tuple[str, str], str]) -> str:
        """The planned name, unless another table (in the catalog, or found earlier in this crawl in
        another target) has it for another location: then, as AWS does, a hash of the location is
        appended (the planner's rule for clashes within one target)."""
        name = plan.table_input["Name"].lower()
        root = _norm(plan.root)
        existing = self._load_table(database, name)
        taken = roots.get((database, name))
        if (taken is not None and taken != root) or (
            taken is None and existing is not None and _norm(_location(existing)) != root
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

    def _catalog_table(self, output: _Output) -> None:
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
        keys = [k["Name"] for k in spec.get("PartitionKeys", [])]
        if keys and self.partition_index:
            # Crawlers index the partitions of the tables they create unless CreatePartitionIndex is false.
            # AWS documents no index name; this one names the crawl's start.
            params["PartitionIndexes"] = [{"Keys": keys[:3], "IndexName": f"crawler_{int(self.crawl.started * 1000)}"}]
        catalog_tables.create_table(self.ctx, params)
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
        if any(old_params.get(p) != new_params.get(p) for p in _FUNDAMENTAL_PARAMETERS if p in old_params):
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

    def _partitions(self, database: str, table_name: str, planned: list[dict[str, Any]]) -> None:
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
        if gone:
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
        """Tables this crawler made under its S3 targets that this crawl did not find again."""
        paths = [s3_prefix(t["Path"]) for t in self.crawler["Targets"].get("S3Targets", []) if t.get("Path")]
        database = self.crawler.get("DatabaseName")
        if not paths or not database:
            return
        parent = table_parent(self.catalog, database.lower())
        for name, table in self.ctx.store.list(self.ctx.scope, TABLE, parent):
            if (table["DatabaseName"], name) in self.written:
                continue
            if table.get("Parameters", {}).get("UPDATED_BY_CRAWLER") != self.crawler["Name"]:
                continue
            if any(s3_prefix(_location(table)).startswith(path) for path in paths):
                self._retire_table(table, "its data is no longer in S3")

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

