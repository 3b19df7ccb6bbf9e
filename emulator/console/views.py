"""What each console page shows, gathered through the API's handlers (calls.py): plain dicts for the templates.

Nothing here decides Glue behaviour: states, statistics, graphs and next fire times come from the same
handlers and components the API and the scheduler use. What is added is presentation: a state's colour
class, durations, and the layout of graphs (layout.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..context import RequestContext
from ..orchestration import cron
from ..orchestration.common import Clock
from ..orchestration.scheduler import Scheduler
from .calls import call, log_lines, paged
from .layout import Drawing, layout

_RUNNING = {"STARTING", "RUNNING", "STOPPING", "WAITING", "PENDING"}
_FAILED = {"FAILED", "ERROR", "TIMEOUT", "CANCELLED", "EXPIRED"}
_STOPPED = {"STOPPED", "CANCELLING"}
PARTITIONS_PER_PAGE = 25
_BATCH = 25  # BatchGetWorkflows takes at most 25 names


def state_class(state: str | None) -> str:
    """The colour class of a job run, crawl or workflow run state: running, succeeded, failed, stopped, notrun."""
    if not state:
        return "notrun"
    if state in _RUNNING:
        return "running"
    if state in _FAILED:
        return "failed"
    if state in _STOPPED:
        return "stopped"
    return "succeeded" if state in ("SUCCEEDED", "COMPLETED") else "notrun"


def seconds_between(start: Any, end: Any) -> float | None:
    """Seconds from `start` to `end` (epoch numbers or datetimes); to now while `end` is missing."""
    if start is None:
        return None
    begin = start.timestamp() if isinstance(start, datetime) else float(start)
    if end is None:
        finish = datetime.now(UTC).timestamp()
    else:
        finish = end.timestamp() if isinstance(end, datetime) else float(end)
    return max(0.0, finish - begin)


# -- workflows -------------------------------------------------------------------------------------


def workflows(ctx: RequestContext) -> list[dict[str, Any]]:
    """Every workflow with its LastRun (BatchGetWorkflows), by name."""
    names = paged(ctx, "ListWorkflows", {}, "Workflows")
    found: list[dict[str, Any]] = []
    for start in range(0, len(names), _BATCH):
        found += call(ctx, "BatchGetWorkflows", {"Names": names[start:start + _BATCH]}).get("Workflows", [])
    for found_workflow in found:
        last = found_workflow.get("LastRun") or {}
        found_workflow["_seconds"] = seconds_between(last.get("StartedOn"), last.get("CompletedOn")) if last else None
    return sorted(found, key=lambda w: w["Name"])


def latest_run(node: dict[str, Any]) -> dict[str, Any] | None:
    """A run graph node's latest job run or crawl in that run; None if it did not run."""
    runs = node.get("JobDetails", {}).get("JobRuns") or node.get("CrawlerDetails", {}).get("Crawls") or []
    return max(runs, key=lambda r: r.get("StartedOn") or 0) if runs else None


def node_state(node: dict[str, Any]) -> str | None:
    """A run graph node's state in that run: its latest job run's or crawl's; None if it did not run."""
    latest = latest_run(node)
    return None if latest is None else latest.get("JobRunState") or latest.get("State")


def drawn_graph(graph: dict[str, Any], in_run: bool) -> Drawing:
    """The laid-out graph with each box's `state` and `css` set (a trigger of a run: fired when an action ran)."""
    drawing = layout(graph)
    states = {box.node["UniqueId"]: node_state(box.node) for box in drawing.boxes}
    for box in drawing.boxes:
        node = box.node
        if node["Type"] == "TRIGGER":
            trigger = node.get("TriggerDetails", {}).get("Trigger", {})
            fired = any(states.get(target) for source, target, _ in drawing.edges if source == node["UniqueId"])
            node["_state"] = ("fired" if fired else "not fired") if in_run else trigger.get("State", "")
            node["_css"] = "fired" if in_run and fired else ""
        else:
            state = states[node["UniqueId"]]
            node["_state"] = (state or "not run") if in_run else node["Type"].lower()
            node["_css"] = state_class(state) if in_run else "definition"
            latest = latest_run(node)
            node["_seconds"] = seconds_between(latest.get("StartedOn"), latest.get("CompletedOn")) if latest else None
    return drawing


def trigger_summary(trigger: dict[str, Any]) -> str:
    """A trigger's type and what fires it: its schedule, or its predicate's conditions."""
    if trigger.get("Type") == "SCHEDULED":
        return f"SCHEDULED {trigger.get('Schedule', '')}"
    if trigger.get("Type") != "CONDITIONAL":
        return str(trigger.get("Type", ""))
    predicate = trigger.get("Predicate", {})
    parts = [f"{c.get('JobName') or c.get('CrawlerName')} {c.get('State') or c.get('CrawlState')}"
             for c in predicate.get("Conditions", [])]
    joiner = " AND " if predicate.get("Logical", "AND") == "AND" else " OR "
    return "CONDITIONAL " + joiner.join(parts)


def workflow(ctx: RequestContext, name: str) -> dict[str, Any]:
    """A workflow's definition, its graph laid out, and its runs newest first."""
    found = call(ctx, "GetWorkflow", {"Name": name, "IncludeGraph": True})["Workflow"]
    runs = paged(ctx, "GetWorkflowRuns", {"Name": name, "IncludeGraph": False}, "Runs", limit=50)
    for run in runs:
        run["_seconds"] = seconds_between(run.get("StartedOn"), run.get("CompletedOn"))
    return {"workflow": found, "drawing": drawn_graph(found.get("Graph", {}), in_run=False), "runs": runs}


def workflow_run(ctx: RequestContext, name: str, run_id: str) -> dict[str, Any]:
    """A run with its graph coloured by each node's state in it; the nodes a resume may restart."""
    run = call(ctx, "GetWorkflowRun", {"Name": name, "RunId": run_id, "IncludeGraph": True})["Run"]
    drawing = drawn_graph(run.get("Graph", {}), in_run=True)
    resumable = [box.node for box in drawing.boxes
                 if box.node["Type"] != "TRIGGER" and box.node["_css"] in ("failed", "stopped")]
    run["_seconds"] = seconds_between(run.get("StartedOn"), run.get("CompletedOn"))
    return {"run": run, "drawing": drawing, "resumable": resumable, "name": name}


# -- jobs ------------------------------------------------------------------------------------------


def jobs(ctx: RequestContext) -> list[dict[str, Any]]:
    """Every job with its latest run (or None), by name."""
    found = paged(ctx, "GetJobs", {}, "Jobs")
    for job in found:
        latest = call(ctx, "GetJobRuns", {"JobName": job["Name"], "MaxResults": 1}).get("JobRuns", [])
        job["_last"] = latest[0] if latest else None
    return sorted(found, key=lambda j: j["Name"])


def job(ctx: RequestContext, name: str) -> dict[str, Any]:
    """A job's definition and its runs newest first (up to 200)."""
    definition = call(ctx, "GetJob", {"JobName": name})["Job"]
    runs = paged(ctx, "GetJobRuns", {"JobName": name}, "JobRuns", limit=200)
    return {"job": definition, "runs": runs}


def job_run(ctx: RequestContext, name: str, run_id: str) -> dict[str, Any]:
    """A job run and its output and error log lines (GetLogEvents on `<LogGroupName>/output|error`)."""
    run = call(ctx, "GetJobRun", {"JobName": name, "RunId": run_id})["JobRun"]
    group = run.get("LogGroupName", "/aws-glue/jobs")
    return {
        "run": run,
        "output": log_lines(ctx, f"{group}/output", run_id),
        "error": log_lines(ctx, f"{group}/error", run_id),
        "live": state_class(run.get("JobRunState")) == "running",
    }


# -- crawlers --------------------------------------------------------------------------------------


def crawlers(ctx: RequestContext) -> list[dict[str, Any]]:
    """Every crawler with its metrics (GetCrawlerMetrics) under `_metrics`, by name."""
    found = paged(ctx, "GetCrawlers", {}, "Crawlers")
    metrics = {m["CrawlerName"]: m for m in paged(ctx, "GetCrawlerMetrics", {}, "CrawlerMetricsList")}
    for crawler in found:
        crawler["_metrics"] = metrics.get(crawler["Name"], {})
    return sorted(found, key=lambda c: c["Name"])


def crawler(ctx: RequestContext, name: str) -> dict[str, Any]:
    """A crawler, its crawl history (ListCrawls) and its log stream's lines (the latest 2000)."""
    found = call(ctx, "GetCrawler", {"Name": name})["Crawler"]
    history = paged(ctx, "ListCrawls", {"CrawlerName": name}, "Crawls", limit=100)
    metrics = call(ctx, "GetCrawlerMetrics", {"CrawlerNameList": [name]}).get("CrawlerMetricsList", [])
    last = found.get("LastCrawl", {})
    lines = log_lines(ctx, last.get("LogGroup", "/aws-glue/crawlers"), last.get("LogStream", name), limit=20000)
    return {"crawler": found, "history": history, "metrics": metrics[0] if metrics else {}, "log": lines[-2000:],
            "live": found.get("State") in ("RUNNING", "STOPPING")}


# -- catalog ---------------------------------------------------------------------------------------


def databases(ctx: RequestContext) -> list[dict[str, Any]]:
    return paged(ctx, "GetDatabases", {}, "DatabaseList")


def database(ctx: RequestContext, name: str) -> dict[str, Any]:
    found = call(ctx, "GetDatabase", {"Name": name})["Database"]
    return {"database": found, "tables": paged(ctx, "GetTables", {"DatabaseName": name}, "TableList")}


def table(ctx: RequestContext, database_name: str, name: str, token: str | None) -> dict[str, Any]:
    """A table, one page of its partitions (from NextToken `token`), and its versions."""
    found = call(ctx, "GetTable", {"DatabaseName": database_name, "Name": name})["Table"]
    request: dict[str, Any] = {"DatabaseName": database_name, "TableName": name, "MaxResults": PARTITIONS_PER_PAGE}
    if token:
        request["NextToken"] = token
    partitions = call(ctx, "GetPartitions", request)
    versions = paged(ctx, "GetTableVersions", {"DatabaseName": database_name, "TableName": name}, "TableVersions",
                     limit=100)
    return {"table": found, "partitions": partitions.get("Partitions", []), "next": partitions.get("NextToken"),
            "versions": versions}


# -- triggers --------------------------------------------------------------------------------------


def triggers(ctx: RequestContext) -> dict[str, Any]:
    """Every trigger; for ACTIVATED scheduled ones the scheduler's next fire time (emulator clock, UTC)."""
    found = sorted(paged(ctx, "GetTriggers", {}, "Triggers"), key=lambda t: t["Name"])
    known = {(s.kind, s.name, s.expression): due for s, due in ctx.emulator.component(Scheduler).next_times().items()
             if s.scope == ctx.scope}
    clock = ctx.emulator.component(Clock)
    now = clock.now()
    for trigger in found:
        schedule = trigger.get("Schedule")
        if trigger.get("Type") != "SCHEDULED" or not schedule or trigger.get("State") != "ACTIVATED":
            continue
        key = ("trigger", trigger["Name"], schedule)
        # Not seen by the scheduler yet (created within its last second): the time it will compute.
        trigger["_next"] = known[key] if key in known else _next_after(schedule, now)
    crawler_schedules = [c for c in paged(ctx, "GetCrawlers", {}, "Crawlers")
                         if (c.get("Schedule") or {}).get("State") == "SCHEDULED"]
    for found_crawler in crawler_schedules:
        expression = found_crawler["Schedule"]["ScheduleExpression"]
        key = ("crawler", found_crawler["Name"], expression)
        found_crawler["_next"] = known[key] if key in known else _next_after(expression, now)
    return {"triggers": found, "crawlers": crawler_schedules, "now": now, "scale": clock.scale}


def _next_after(expression: str, moment: datetime) -> datetime | None:
    try:
        return cron.parse(expression).next_after(moment)
    except ValueError:
        return None
