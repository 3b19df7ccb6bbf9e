"""Crawl runs: the crawler state machine and what a crawl does to the Data Catalog (CrawlRunner).

A crawler (kind CRAWLER, the Crawler shape GetCrawler returns) is READY, RUNNING while its targets
are planned, STOPPING while the results are written (or after StopCrawler), then READY again with
LastCrawl telling how it went: SUCCEEDED, FAILED, or CANCELLED when stopped. Each crawl is also a
CrawlerHistory document (kind CRAWL, under the crawler's name) for ListCrawls, RUNNING then
COMPLETED / FAILED / STOPPED. Crawls run on background threads, one per crawl.

What a crawl finds comes from the inference engine (`planner.plan_s3_target`); writer.py applies it
to the catalog in one store transaction per crawl.
Log lines go to CloudWatch Logs, group /aws-glue/crawlers (the role's own group for a crawler with a security
configuration: governance/log_groups.py), stream = crawler name, each prefixed with
the crawl id as AWS prefixes them. Subscribers of `on_crawl_ended` hear (scope, crawler, state) with
state SUCCEEDED / FAILED / CANCELLED, the states conditional triggers watch.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..catalog.common import DATABASE, TABLE, database_parent, table_parent
from ..clock import now
from ..context import RequestContext
from ..errors import (
    AwsError,
    CrawlerNotRunningException,
    CrawlerRunningException,
    CrawlerStoppingException,
    EntityNotFoundException,
)
from ..events import glue as glue_events
from ..governance.log_groups import crawler_log_group
from ..logs.store import LogStore, now_ms
from . import incremental, planner
from .classifiers import CLASSIFIER
from .writer import DEFAULT_DATABASE, Cancelled, CatalogWriter, CrawlFailed, Output, Summary, norm

if TYPE_CHECKING:
    from ..core import Emulator

log = logging.getLogger("glue_emulator.crawlers")

CRAWLER = "crawler"
CRAWL = "crawl"  # CrawlerHistory documents, parent = crawler name
LOG_GROUP = "/aws-glue/crawlers"
ACTIVE_STATES = ("RUNNING", "STOPPING")
# Targets the emulator cannot crawl: such a crawl FAILS saying so (the definition itself is valid AWS
# input, so CreateCrawler accepts it: infrastructure code that defines these crawlers still deploys).
UNSUPPORTED_TARGETS = ("MongoDBTargets", "DynamoDBTargets", "DeltaTargets", "HudiTargets")
RESTART_MESSAGE = "The emulator restarted while the crawl was in progress"
SHUTDOWN_MESSAGE = "The emulator shut down while the crawl was in progress"
# LastCrawl.Status -> CrawlerHistory.State
_HISTORY_STATES = {"SUCCEEDED": "COMPLETED", "FAILED": "FAILED", "CANCELLED": "STOPPED"}

CrawlEndedCallback = Callable[[str, str, str], None]


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
    folders: set[str] | None = None  # folders with data under the S3 targets when planned (incremental.py)
    incremental: bool = False  # a CRAWL_NEW_FOLDERS_ONLY crawl after the first: new partitions only
    log_group: str = LOG_GROUP  # the role's own group when the crawler has a security configuration

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
        self.logs.append(self.crawl.scope, self.crawl.log_group, self.crawl.crawler, lines)


def _log_group(doc: dict[str, Any]) -> str:
    return crawler_log_group(LOG_GROUP, doc.get("CrawlerSecurityConfiguration"), doc["Role"])


def crawler_arn(ctx: RequestContext, name: str) -> str:
    return f"arn:aws:glue:{ctx.region}:{ctx.account}:crawler/{name}"


def require_crawler(ctx: RequestContext, name: str) -> dict[str, Any]:
    doc = ctx.store.get(ctx.scope, CRAWLER, "", name)
    if doc is None:
        raise EntityNotFoundException(f"Crawler entry with name {name} does not exist")
    return doc


def _context(emulator: Emulator, scope: str, request_id: str) -> RequestContext:
    account, _, region = scope.partition("/")
    return RequestContext(account, region, request_id, emulator)


class CrawlRunner:
    """Starts, stops and finishes crawls for one server (a component)."""

    def __init__(self, emulator: Emulator):
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
            crawl.log_group = _log_group(doc)
            history = {"CrawlId": crawl.crawl_id, "State": "RUNNING", "StartTime": crawl.started,
                       "LogGroup": crawl.log_group, "LogStream": name, "MessagePrefix": crawl.crawl_id, "DPUHour": 0.0}
            ctx.store.put(scope, CRAWL, name, crawl.history_name, history)
            self._active[(scope, name)] = crawl
        threading.Thread(target=self._run, args=(crawl,), name=f"crawl-{name}", daemon=True).start()
        glue_events.crawler_started(ctx, name, crawl.started)
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
            raise Cancelled()

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
        status, message, summary = "SUCCEEDED", None, Summary()
        try:
            crawler = require_crawler(ctx, crawl.crawler)
            crawl_log(f"BENCHMARK : Running Start Crawl for Crawler {crawl.crawler}")
            crawl_log(f"INFO : Crawler configured with Configuration {crawler.get('Configuration') or '{}'} and "
                      f"SchemaChangePolicy {json.dumps(crawler['SchemaChangePolicy'], separators=(',', ':'))}.")
            outputs = self._plan(ctx, crawler, crawl, crawl_log)
            self._begin_writing(ctx, crawl)
            crawl_log.flush()
            databases = ", ".join(sorted({output.database for output in outputs})) or crawler.get(
                "DatabaseName", DEFAULT_DATABASE)
            crawl_log(f"BENCHMARK : Classification complete, writing results to database {databases}")
            with ctx.store.transaction():
                summary = CatalogWriter(ctx, crawler, crawl, crawl_log).write(outputs, crawl.incremental)
                if crawl.folders is not None:
                    incremental.remember_folders(ctx, crawl.crawler, crawl.folders)
            crawl_log("BENCHMARK : Finished writing to Catalog")
        except Cancelled:
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

    def _plan(self, ctx: RequestContext, crawler: dict[str, Any], crawl: _Crawl, crawl_log: _CrawlLog) -> list[Output]:
        """What the crawler's targets hold, as tables to write (nothing is written yet)."""
        targets = crawler["Targets"]
        unsupported = [kind for kind in UNSUPPORTED_TARGETS if targets.get(kind)]
        if unsupported:
            raise CrawlFailed(f"glue-emulator cannot crawl {', '.join(unsupported)} yet; it crawls S3Targets, "
                              "IcebergTargets, JdbcTargets and CatalogTargets")
        if crawler["RecrawlPolicy"]["RecrawlBehavior"] == "CRAWL_EVENT_MODE":
            raise CrawlFailed("glue-emulator does not support RecrawlBehavior CRAWL_EVENT_MODE (S3 event "
                              "notifications through SQS); use CRAWL_EVERYTHING or CRAWL_NEW_FOLDERS_ONLY")
        if not any(targets.get(kind) for kind in ("S3Targets", "IcebergTargets", "JdbcTargets", "CatalogTargets")):
            raise CrawlFailed("The crawler has no targets to crawl")
        classifiers = [self._classifier(ctx, name) for name in crawler.get("Classifiers", [])]
        configuration = json.loads(crawler.get("Configuration") or "{}")
        data_dir = self.emulator.settings.data_dir
        outputs: list[Output] = []
        if targets.get("S3Targets"):
            database = self._output_database(ctx, crawler)
            crawl.folders = incremental.current_folders(data_dir, crawler, crawl_log.warn)
            seen = incremental.seen_folders(ctx, crawler["Name"]) if incremental.is_incremental(crawler) else None
            crawl.incremental = seen is not None
            if seen is not None:
                new = crawl.folders - seen
                crawl_log(f"INFO : Crawling only the {len(new)} folder(s) added since the last crawl "
                          "(RecrawlBehavior CRAWL_NEW_FOLDERS_ONLY)")
                outputs += incremental.plan_new_folders(ctx, data_dir, crawler, database, new, classifiers,
                                                        crawl_log, crawl_log.warn)
            for target in targets["S3Targets"] if seen is None else []:
                self._checkpoint(crawl)
                for plan in planner.plan_s3_target(data_dir, target, classifiers, configuration,
                                                   crawler.get("TablePrefix", ""), crawl_log.warn):
                    outputs.append(Output(database, plan))
        for target in targets.get("IcebergTargets", []):
            from . import iceberg_targets  # pyiceberg takes seconds to import: only for crawls that need it

            database = self._output_database(ctx, crawler)
            for path in target.get("Paths") or []:
                self._checkpoint(crawl)
                for plan in iceberg_targets.plan_iceberg_target(data_dir, target, path, crawler.get("TablePrefix", ""),
                                                               crawl_log.warn):
                    outputs.append(Output(database, plan))
        for target in targets.get("JdbcTargets", []):
            from . import jdbc_targets

            self._checkpoint(crawl)
            database = self._output_database(ctx, crawler)
            outputs += [Output(database, plan) for plan in jdbc_targets.plan_jdbc_target(
                ctx, target, crawler.get("TablePrefix", ""), crawl_log)]
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
        """The database S3 tables go to. A crawler without DatabaseName writes to `default`, which
        the writer creates when missing (as AWS does); a named database must exist."""
        name = crawler.get("DatabaseName")
        if not name:
            return DEFAULT_DATABASE
        doc = ctx.store.get(ctx.scope, DATABASE, database_parent(ctx.account), name.lower())
        if doc is None:
            raise CrawlFailed(f"Database {name} not found.")
        return doc["Name"]

    def _catalog_output(self, ctx: RequestContext, database: str, table_name: str, classifiers: list[dict[str, Any]],
                        configuration: dict[str, Any], crawl_log: _CrawlLog) -> Output | None:
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
        matching = [plan for plan in plans if norm(plan.root) == norm(location)]
        return Output(table["DatabaseName"], matching[0] if matching else None, table["Name"])

    # -- ending ------------------------------------------------------------------------------------

    def _finish(self, ctx: RequestContext, crawl: _Crawl, crawl_log: _CrawlLog, status: str, message: str | None,
                summary: Summary) -> None:
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
                    message: str | None, summary: Summary) -> None:
        crawl_log("BENCHMARK : Crawler has finished running and is in state READY")
        crawl_log.flush()
        ended = now()
        last_crawl: dict[str, Any] = {"Status": status}
        if message:
            last_crawl["ErrorMessage"] = message[:2048]
        last_crawl.update(LogGroup=crawl.log_group, LogStream=crawl.crawler, MessagePrefix=crawl.crawl_id,
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
        glue_events.crawler_ended(ctx, crawl.crawler, status, message, summary, crawl.started, ended)

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
                        doc["LastCrawl"] = {"Status": "FAILED", "ErrorMessage": RESTART_MESSAGE,
                                            "LogGroup": _log_group(doc),
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
        """DeleteCrawler: drop the crawler's crawl history and the folders its crawls have seen."""
        self.emulator.store.delete_under(scope, CRAWL, name)
        self.emulator.store.delete(scope, incremental.CRAWLER_FOLDERS, "", name)

    def reset(self) -> None:
        """Emulator reset: crawls in progress stop at their next checkpoint and record nothing."""
        self._stop_all(10.0, discard=True)

    def shutdown(self) -> None:
        """Server shutdown: crawls still planning end FAILED; a restart fails any left RUNNING."""
        self._stop_all(5.0, shutdown=True)


