"""Crawlers: CreateCrawler, GetCrawler, GetCrawlers, BatchGetCrawlers, ListCrawlers, UpdateCrawler,
DeleteCrawler, StartCrawler, StopCrawler, StartCrawlerSchedule, StopCrawlerSchedule,
UpdateCrawlerSchedule, GetCrawlerMetrics, ListCrawls.

A crawler is stored as the Crawler shape GetCrawler returns, with what AWS fills in: every target
list (S3 targets with their Exclusions), RecrawlPolicy CRAWL_EVERYTHING, SchemaChangePolicy
UPDATE_IN_DATABASE / DEPRECATE_IN_DATABASE, lineage DISABLE, Lake Formation off, Version 1 (one more
per update). `Schedule` is a cron string on input and {ScheduleExpression, State} on output; a new
schedule is SCHEDULED. Crawls themselves belong to the CrawlRunner (runner.py); metrics are computed
from the crawl history it keeps.
"""

from __future__ import annotations

import json
import operator
import statistics
from collections.abc import Callable
from typing import Any

from .. import tagging
from ..clock import now
from ..context import RequestContext
from ..errors import (
    AlreadyExistsException,
    CrawlerRunningException,
    EntityNotFoundException,
    InvalidInputException,
    NoScheduleException,
    SchedulerNotRunningException,
    SchedulerRunningException,
    SchedulerTransitioningException,
)
from ..governance import require_security_configuration
from ..orchestration import cron
from ..pagination import paginate
from ..s3.layout import valid_bucket_name
from ..s3.storage import storage
from . import planner
from .classifiers import CLASSIFIER
from .incremental import check_target_change
from .runner import CRAWL, CRAWLER, CrawlRunner, crawler_arn, require_crawler

TARGET_KINDS = ("S3Targets", "JdbcTargets", "MongoDBTargets", "DynamoDBTargets", "CatalogTargets", "DeltaTargets",
                "IcebergTargets", "HudiTargets")
# Input members kept as given (the others are defaulted, normalised or derived below).
_KEPT_MEMBERS = ("Description", "TablePrefix", "Configuration", "CrawlerSecurityConfiguration")
# Members of Create/UpdateCrawler that define a crawler (UpdateCrawler replaces those it is given).
_INPUT_MEMBERS = ("Role", "DatabaseName", "Description", "Targets", "Schedule", "Classifiers", "TablePrefix",
                  "SchemaChangePolicy", "RecrawlPolicy", "LineageConfiguration", "LakeFormationConfiguration",
                  "Configuration", "CrawlerSecurityConfiguration")
_PAGE_CAP = 1000
_CRAWLS_DEFAULT_PAGE, _CRAWLS_PAGE_CAP = 20, 100  # ListCrawls: "The default is 20, and maximum is 100."
_SAMPLE_SIZE = (1, 249)  # S3Target.SampleSize: files crawled per leaf folder
# The Configuration JSON the emulator understands (Glue's "Setting crawler configuration options").
_CONFIGURATION_KEYS = ("Version", "Grouping", "CrawlerOutput", "CreatePartitionIndex")
_GROUPING_KEYS = ("TableGroupingPolicy", "TableLevelConfiguration")
_OUTPUT_KEYS = {"Partitions": ("AddOrUpdateBehavior",), "Tables": ("AddOrUpdateBehavior", "TableThreshold")}
_OUTPUT_BEHAVIORS = {"Partitions": "InheritFromTable", "Tables": "MergeNewColumns"}


def _runner(ctx: RequestContext) -> CrawlRunner:
    """The crawl runner; its creation also settles crawls a previous server process left running."""
    return ctx.emulator.component(CrawlRunner)


def _crawler(ctx: RequestContext, name: str) -> dict[str, Any]:
    _runner(ctx)
    return require_crawler(ctx, name)


# -- definitions -------------------------------------------------------------------------------------


def _invalid_configuration(problem: str) -> InvalidInputException:
    return InvalidInputException(f"Crawler configuration not valid: {problem}")


def _check_section(section: Any, allowed: tuple[str, ...], where: str) -> dict[str, Any]:
    if not isinstance(section, dict):
        raise _invalid_configuration(f"{where} must be a JSON object")
    unknown = sorted(set(section) - set(allowed))
    if unknown:
        raise _invalid_configuration(f"unknown key(s) {', '.join(unknown)} in {where}")
    return section


def _positive_int(value: Any, where: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _invalid_configuration(f"{where} must be a positive integer")


def parse_configuration(text: str | None) -> dict[str, Any]:
    """The crawler's Configuration, a versioned JSON document; refused when it is not one the
    emulator understands (unknown keys included), rather than ignored."""
    if not text:
        return {}
    try:
        config = json.loads(text)
    except ValueError as exc:
        raise _invalid_configuration(f"not JSON ({exc})") from None
    _check_section(config, _CONFIGURATION_KEYS, "the configuration")
    if config.get("Version") != 1.0:
        raise _invalid_configuration("Version must be 1.0")
    grouping = _check_section(config.get("Grouping", {}), _GROUPING_KEYS, "Grouping")
    if "TableGroupingPolicy" in grouping and grouping["TableGroupingPolicy"] != "CombineCompatibleSchemas":
        raise _invalid_configuration("Grouping.TableGroupingPolicy must be CombineCompatibleSchemas")
    if "TableLevelConfiguration" in grouping:
        _positive_int(grouping["TableLevelConfiguration"], "Grouping.TableLevelConfiguration")
    output = _check_section(config.get("CrawlerOutput", {}), tuple(_OUTPUT_KEYS), "CrawlerOutput")
    for part, keys in _OUTPUT_KEYS.items():
        section = _check_section(output.get(part, {}), keys, f"CrawlerOutput.{part}")
        behavior = section.get("AddOrUpdateBehavior")
        if behavior is not None and behavior != _OUTPUT_BEHAVIORS[part]:
            raise _invalid_configuration(f"CrawlerOutput.{part}.AddOrUpdateBehavior must be {_OUTPUT_BEHAVIORS[part]}")
        if "TableThreshold" in section:
            _positive_int(section["TableThreshold"], "CrawlerOutput.Tables.TableThreshold")
    if not isinstance(config.get("CreatePartitionIndex", True), bool):
        raise _invalid_configuration("CreatePartitionIndex must be true or false")
    return config


def _targets(ctx: RequestContext, spec: dict[str, Any]) -> dict[str, Any]:
    """Every target list, as GetCrawler shows them; S3 and JDBC targets with their Exclusions. The
    bucket of each S3 target must exist: AWS answers "S3 bucket <name> does not exist." (as captured
    by Terraform's, Ansible's and data.all's users)."""
    targets = {kind: [dict(target) for target in spec.get(kind) or []] for kind in TARGET_KINDS}
    for target in targets["S3Targets"]:
        if not target.get("Path", "").startswith("s3://"):
            raise InvalidInputException(f"Invalid S3 target path '{target.get('Path', '')}': use s3://bucket/prefix")
        bucket = target["Path"][len("s3://"):].partition("/")[0]
        if not valid_bucket_name(bucket) or storage(ctx).bucket(bucket) is None:
            raise InvalidInputException(f"S3 bucket {bucket} does not exist.")
        size = target.get("SampleSize")
        if size is not None and not _SAMPLE_SIZE[0] <= size <= _SAMPLE_SIZE[1]:
            raise InvalidInputException(f"SampleSize must be between {_SAMPLE_SIZE[0]} and {_SAMPLE_SIZE[1]}")
    for kind in ("S3Targets", "IcebergTargets"):  # the targets whose Exclusions the planner compiles
        for pattern in (p for target in targets[kind] for p in target.get("Exclusions") or []):
            try:
                planner.glob_to_regex(pattern.lstrip("/"))
            except ValueError as exc:
                raise InvalidInputException(str(exc)) from None
    for kind in ("S3Targets", "JdbcTargets"):
        for target in targets[kind]:
            target.setdefault("Exclusions", [])
    if targets["CatalogTargets"] and any(targets[kind] for kind in TARGET_KINDS if kind != "CatalogTargets"):
        raise InvalidInputException("Catalog targets cannot be combined with other types of targets in one crawler.")
    return targets


def _policies(spec: dict[str, Any], targets: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """RecrawlPolicy and SchemaChangePolicy with AWS's defaults and rules: crawling new folders only
    needs LOG for both behaviours, and catalog targets cannot deprecate. Where a rule forbids the
    usual default and the caller gave none, the default is LOG rather than an error."""
    recrawl = (spec.get("RecrawlPolicy") or {}).get("RecrawlBehavior", "CRAWL_EVERYTHING")
    new_folders_only = recrawl == "CRAWL_NEW_FOLDERS_ONLY"
    given = spec.get("SchemaChangePolicy") or {}
    update = given.get("UpdateBehavior", "LOG" if new_folders_only else "UPDATE_IN_DATABASE")
    delete = given.get("DeleteBehavior", "LOG" if new_folders_only or targets["CatalogTargets"]
                       else "DEPRECATE_IN_DATABASE")
    if new_folders_only and (update, delete) != ("LOG", "LOG"):
        raise InvalidInputException("The SchemaChangePolicy of a crawler with RecrawlBehavior CRAWL_NEW_FOLDERS_ONLY "
                                    "must have UpdateBehavior LOG and DeleteBehavior LOG.")
    if targets["CatalogTargets"] and delete == "DEPRECATE_IN_DATABASE":
        raise InvalidInputException("Crawlers with catalog targets support DeleteBehavior LOG or "
                                    "DELETE_FROM_DATABASE, not DEPRECATE_IN_DATABASE.")
    return {"RecrawlBehavior": recrawl}, {"UpdateBehavior": update, "DeleteBehavior": delete}


def _schedule(expression: str | None, current: dict[str, Any] | None) -> dict[str, Any] | None:
    """The Schedule object for a cron string; "" or none means no schedule. A crawler given its first
    schedule is SCHEDULED; changing the expression keeps the schedule's state."""
    if not expression:
        return None
    cron.check_schedule(expression)
    return {"ScheduleExpression": expression, "State": current["State"] if current else "SCHEDULED"}


def _check_classifiers(ctx: RequestContext, names: list[str]) -> None:
    for name in names:
        if ctx.store.get(ctx.scope, CLASSIFIER, "", name) is None:
            raise EntityNotFoundException(f"Classifier with name {name} does not exist")


def _definition(ctx: RequestContext, name: str, spec: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    """The stored Crawler for a CreateCrawler request or an UpdateCrawler merged over the current one."""
    targets = _targets(ctx, spec["Targets"])
    recrawl, schema_change = _policies(spec, targets)
    parse_configuration(spec.get("Configuration"))
    _check_classifiers(ctx, spec.get("Classifiers") or [])
    doc: dict[str, Any] = {"Name": name, "Role": spec["Role"], "Targets": targets}
    if spec.get("DatabaseName"):
        doc["DatabaseName"] = spec["DatabaseName"]
    doc["Classifiers"] = list(spec.get("Classifiers") or [])
    doc.update(RecrawlPolicy=recrawl, SchemaChangePolicy=schema_change)
    doc["LineageConfiguration"] = {"CrawlerLineageSettings": "DISABLE", **(spec.get("LineageConfiguration") or {})}
    doc["LakeFormationConfiguration"] = {"UseLakeFormationCredentials": False, "AccountId": "",
                                         **(spec.get("LakeFormationConfiguration") or {})}
    doc.update({member: spec[member] for member in _KEPT_MEMBERS if spec.get(member) is not None})
    schedule = _schedule(spec.get("Schedule"), (current or {}).get("Schedule"))
    if schedule:
        doc["Schedule"] = schedule
    stamp = now()
    doc.update(State="READY", CrawlElapsedTime=0, CreationTime=stamp, LastUpdated=stamp, Version=1)
    if current is not None:
        doc.update(CreationTime=current["CreationTime"], Version=current["Version"] + 1)
        if "LastCrawl" in current:
            doc["LastCrawl"] = current["LastCrawl"]
    return doc


def _as_input(doc: dict[str, Any]) -> dict[str, Any]:
    """A stored crawler as the CreateCrawler members that would define it again."""
    spec = {member: doc[member] for member in _INPUT_MEMBERS if member in doc}
    if "Schedule" in doc:
        spec["Schedule"] = doc["Schedule"]["ScheduleExpression"]
    return spec


def _output(ctx: RequestContext, doc: dict[str, Any]) -> dict[str, Any]:
    """A crawler as GetCrawler shows it: CrawlElapsedTime counts while a crawl runs."""
    if doc["State"] != "READY":
        doc = {**doc, "CrawlElapsedTime": _runner(ctx).elapsed_ms(ctx.scope, doc["Name"])}
    return doc


def _require_ready(doc: dict[str, Any], action: str) -> None:
    if doc["State"] != "READY":
        raise CrawlerRunningException(
            f"Cannot {action} Crawler while running. Please stop crawl or wait until it completes to {action}."
        )


# -- operations --------------------------------------------------------------------------------------


def create_crawler(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _runner(ctx)
    name = params["Name"]
    require_security_configuration(ctx, params.get("CrawlerSecurityConfiguration"), "CrawlerSecurityConfiguration")
    doc = _definition(ctx, name, params, None)
    with ctx.store.transaction():
        if not ctx.store.insert(ctx.scope, CRAWLER, "", name, doc):
            raise AlreadyExistsException(f"Crawler with name {name} already exists")
        tagging.set_tags(ctx, crawler_arn(ctx, name), params.get("Tags"))
    return {}


def get_crawler(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"Crawler": _output(ctx, _crawler(ctx, params["Name"]))}


def _all_crawlers(ctx: RequestContext) -> list[dict[str, Any]]:
    _runner(ctx)
    return [doc for _, doc in ctx.store.list(ctx.scope, CRAWLER, "")]


def _page(items: list[Any], params: dict[str, Any], key: Callable[[Any], Any], result_key: str) -> dict[str, Any]:
    page, token = paginate(items, params.get("NextToken"), params.get("MaxResults"), _PAGE_CAP, key=key)
    result: dict[str, Any] = {result_key: page}
    if token:
        result["NextToken"] = token
    return result


def get_crawlers(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    result = _page(_all_crawlers(ctx), params, lambda doc: doc["Name"], "Crawlers")
    result["Crawlers"] = [_output(ctx, doc) for doc in result["Crawlers"]]
    return result


def batch_get_crawlers(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _runner(ctx)
    docs, missing = ctx.store.get_each(ctx.scope, CRAWLER, "", params["CrawlerNames"])
    return {"Crawlers": [_output(ctx, doc) for doc in docs], "CrawlersNotFound": missing}


def list_crawlers(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Crawler names, only those carrying every tag asked for (key and value) when Tags is given."""
    names = tagging.having_tags(ctx, [doc["Name"] for doc in _all_crawlers(ctx)], params.get("Tags"), crawler_arn)
    return _page(names, params, lambda name: name, "CrawlerNames")


def update_crawler(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Members given replace the current ones; those left out stay (Schedule "" removes the schedule)."""
    name = params["Name"]
    require_security_configuration(ctx, params.get("CrawlerSecurityConfiguration"), "CrawlerSecurityConfiguration")
    with ctx.store.transaction():
        current = _crawler(ctx, name)
        _require_ready(current, "update")
        spec = {**_as_input(current), **{m: params[m] for m in _INPUT_MEMBERS if m in params}}
        updated = _definition(ctx, name, spec, current)
        check_target_change(current, updated)
        ctx.store.put(ctx.scope, CRAWLER, "", name, updated)
    return {}


def delete_crawler(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete a crawler that is not crawling, with its crawl history and tags."""
    name = params["Name"]
    runner = _runner(ctx)
    with ctx.store.transaction():
        current = require_crawler(ctx, name)
        _require_ready(current, "delete")
        if current.get("Schedule", {}).get("State") == "TRANSITIONING":
            raise SchedulerTransitioningException(f"The schedule of crawler {name} is transitioning")
        ctx.store.delete(ctx.scope, CRAWLER, "", name)
        runner.forget(ctx.scope, name)
        tagging.drop_tags(ctx, crawler_arn(ctx, name))
    return {}


def start_crawler(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _runner(ctx).start(ctx.scope, params["Name"])
    return {}


def stop_crawler(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _runner(ctx).stop(ctx.scope, params["Name"])
    return {}


# -- schedules ---------------------------------------------------------------------------------------


def _set_schedule_state(ctx: RequestContext, name: str, state: str) -> None:
    """Start/StopCrawlerSchedule: move the schedule to SCHEDULED / NOT_SCHEDULED."""
    with ctx.store.transaction():
        doc = _crawler(ctx, name)
        schedule = doc.get("Schedule")
        if schedule is None:
            if state == "SCHEDULED":
                raise NoScheduleException(f"Crawler with name {name} has no schedule")
            raise SchedulerNotRunningException(f"Crawler with name {name} has no schedule to stop")
        if schedule["State"] == "TRANSITIONING":
            raise SchedulerTransitioningException(f"The schedule of crawler {name} is transitioning")
        if schedule["State"] == state:
            if state == "SCHEDULED":
                raise SchedulerRunningException(f"The schedule of crawler {name} is already running")
            raise SchedulerNotRunningException(f"The schedule of crawler {name} is not running")
        schedule["State"] = state
        ctx.store.put(ctx.scope, CRAWLER, "", name, doc)


def start_crawler_schedule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _set_schedule_state(ctx, params["CrawlerName"], "SCHEDULED")
    return {}


def stop_crawler_schedule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """NOT_SCHEDULED; a crawl in progress goes on (as AWS documents)."""
    _set_schedule_state(ctx, params["CrawlerName"], "NOT_SCHEDULED")
    return {}


def update_crawler_schedule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Set (or, without an expression, remove) the schedule; allowed while a crawl runs."""
    name = params["CrawlerName"]
    with ctx.store.transaction():
        doc = _crawler(ctx, name)
        if doc.get("Schedule", {}).get("State") == "TRANSITIONING":
            raise SchedulerTransitioningException(f"The schedule of crawler {name} is transitioning")
        schedule = _schedule(params.get("Schedule"), doc.get("Schedule"))
        doc.pop("Schedule", None)
        if schedule:
            doc["Schedule"] = schedule
        doc.update(LastUpdated=now(), Version=doc["Version"] + 1)
        ctx.store.put(ctx.scope, CRAWLER, "", name, doc)
    return {}


# -- metrics and history -----------------------------------------------------------------------------


def _crawls(ctx: RequestContext, name: str) -> list[dict[str, Any]]:
    """A crawler's crawls, oldest first (history names start with the start time)."""
    return [doc for _, doc in ctx.store.list(ctx.scope, CRAWL, name)]


def _metrics(ctx: RequestContext, name: str) -> dict[str, Any]:
    """CrawlerMetrics from the crawl history: runtimes of finished crawls, table counts of the last."""
    runner = _runner(ctx)
    finished = [crawl for crawl in _crawls(ctx, name) if "EndTime" in crawl]
    runtimes = [round(crawl["EndTime"] - crawl["StartTime"], 3) for crawl in finished]
    median = round(statistics.median(runtimes), 3) if runtimes else 0.0
    tables = json.loads(finished[-1].get("Summary") or "{}").get("TABLE", {}) if finished else {}
    running = runner.is_active(ctx.scope, name)
    elapsed = runner.elapsed_ms(ctx.scope, name) / 1000
    return {
        "CrawlerName": name,
        "TimeLeftSeconds": round(max(median - elapsed, 0.0), 3) if running else 0.0,
        "StillEstimating": running and not runtimes,
        "LastRuntimeSeconds": runtimes[-1] if runtimes else 0.0,
        "MedianRuntimeSeconds": median,
        "TablesCreated": tables.get("ADD", {}).get("Count", 0),
        "TablesUpdated": tables.get("UPDATE", {}).get("Count", 0),
        "TablesDeleted": tables.get("DELETE", {}).get("Count", 0),
    }


def get_crawler_metrics(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Metrics of the crawlers named (all when none are); unknown names are left out, not an error."""
    names = [doc["Name"] for doc in _all_crawlers(ctx)]
    if params.get("CrawlerNameList"):
        wanted = set(params["CrawlerNameList"])
        names = [name for name in names if name in wanted]
    result = _page(names, params, lambda name: name, "CrawlerMetricsList")
    result["CrawlerMetricsList"] = [_metrics(ctx, name) for name in result["CrawlerMetricsList"]]
    return result


_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "GT": operator.gt, "GE": operator.ge, "LT": operator.lt, "LE": operator.le, "EQ": operator.eq, "NE": operator.ne,
}
_HISTORY_STATES = ("RUNNING", "COMPLETED", "FAILED", "STOPPED")


def _crawl_filter(spec: dict[str, Any]) -> Callable[[dict[str, Any]], bool]:
    """One ListCrawls filter: CRAWL_ID and STATE compare with EQ/NE; START_TIME and END_TIME (epoch
    milliseconds) and DPU_HOUR with any operator."""
    field, op, value = spec.get("FieldName"), spec.get("FilterOperator"), spec.get("FieldValue")
    if not field or not op or value is None:
        raise InvalidInputException("Each filter needs a FieldName, a FilterOperator and a FieldValue.")
    compare = _OPERATORS[op]
    if field in ("CRAWL_ID", "STATE"):
        if op not in ("EQ", "NE"):
            raise InvalidInputException(f"Filter operator {op} cannot be used with {field}; use EQ or NE.")
        if field == "STATE":
            value = value.upper()
            if value not in _HISTORY_STATES:
                states = ", ".join(_HISTORY_STATES)
                raise InvalidInputException(f"Invalid crawl state {spec['FieldValue']}: use {states}.")
        member = "CrawlId" if field == "CRAWL_ID" else "State"
        return lambda crawl: compare(crawl.get(member), value)
    try:
        bound = float(value)
    except ValueError:
        raise InvalidInputException(f"Invalid value {value} for {field}: a number is expected.") from None
    if field == "DPU_HOUR":
        return lambda crawl: compare(crawl.get("DPUHour", 0.0), bound)
    member = "StartTime" if field == "START_TIME" else "EndTime"
    return lambda crawl: crawl.get(member) is not None and compare(crawl[member] * 1000, bound)


def list_crawls(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """A crawler's crawls, newest first, those matching every filter."""
    name = params["CrawlerName"]
    _crawler(ctx, name)
    tests = [_crawl_filter(spec) for spec in params.get("Filters", [])]
    newest_first: Callable[[dict[str, Any]], Any] = lambda crawl: [-crawl["StartTime"], crawl["CrawlId"]]
    crawls = sorted((crawl for crawl in _crawls(ctx, name) if all(test(crawl) for test in tests)), key=newest_first)
    page, token = paginate(crawls, params.get("NextToken"), params.get("MaxResults") or _CRAWLS_DEFAULT_PAGE,
                           _CRAWLS_PAGE_CAP, key=newest_first)
    result: dict[str, Any] = {"Crawls": page}
    if token:
        result["NextToken"] = token
    return result


def _crawler_exists(ctx: RequestContext, account: str, path: list[str]) -> bool:
    return ctx.store.get(f"{account}/{ctx.region}", CRAWLER, "", "/".join(path)) is not None


tagging.register("crawler", _crawler_exists)
