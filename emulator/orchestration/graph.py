"""A workflow's graph: TRIGGER, JOB and CRAWLER nodes and the edges between them, and run statistics.

Edges as AWS draws them: a trigger points at each job or crawler its actions start, and each job or
crawler a conditional trigger watches points at that trigger. The static view (GetWorkflow) is
built from the current triggers; a run's view (GetWorkflowRun) from the triggers the run froze at
its start, with the run's job runs and crawls on their nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..jobs.runs import JOB_RUN
from .common import CRAWLER_NODE, JOB_NODE, TRIGGER_NODE, node_id, node_key

# Statistics bucket of a job run state and of a crawl state.
_JOB_BUCKETS = {
    "SUCCEEDED": "SucceededActions",
    "FAILED": "FailedActions",
    "TIMEOUT": "TimeoutActions",
    "STOPPED": "StoppedActions",
    "ERROR": "ErroredActions",
    "EXPIRED": "ErroredActions",
    "WAITING": "WaitingActions",
    "STARTING": "RunningActions",
    "RUNNING": "RunningActions",
    "STOPPING": "RunningActions",
}
_CRAWL_BUCKETS = {
    "SUCCEEDED": "SucceededActions",
    "FAILED": "FailedActions",
    "CANCELLED": "StoppedActions",
    "ERROR": "ErroredActions",
    "RUNNING": "RunningActions",
    "CANCELLING": "RunningActions",
}
STATISTICS = (
    "TotalActions",
    "TimeoutActions",
    "FailedActions",
    "StoppedActions",
    "SucceededActions",
    "RunningActions",
    "ErroredActions",
    "WaitingActions",
)


def action_key(action: dict[str, Any]) -> str:
    if action.get("JobName") is not None:
        return node_key(JOB_NODE, action["JobName"])
    return node_key(CRAWLER_NODE, action["CrawlerName"])


def condition_key(condition: dict[str, Any]) -> str:
    if condition.get("JobName") is not None:
        return node_key(JOB_NODE, condition["JobName"])
    return node_key(CRAWLER_NODE, condition["CrawlerName"])


@dataclass
class Structure:
    """Nodes (as node keys, in a stable order) and edges of a set of triggers."""

    nodes: list[str] = field(default_factory=list)
    edges: list[tuple[str, str]] = field(default_factory=list)
    actions: set[str] = field(default_factory=set)  # job/crawler nodes some trigger starts

    def add_node(self, key: str) -> None:
        if key not in self.nodes:
            self.nodes.append(key)

    def add_edge(self, source: str, destination: str) -> None:
        if (source, destination) not in self.edges:
            self.edges.append((source, destination))

    def downstream(self, starts: set[str]) -> set[str]:
        """Every node reachable from `starts` (themselves included)."""
        reached, frontier = set(starts), list(starts)
        while frontier:
            node = frontier.pop()
            for source, destination in self.edges:
                if source == node and destination not in reached:
                    reached.add(destination)
                    frontier.append(destination)
        return reached


def structure(triggers: list[dict[str, Any]]) -> Structure:
    result = Structure()
    for trigger in triggers:
        result.add_node(node_key(TRIGGER_NODE, trigger["Name"]))
    for trigger in triggers:
        this = node_key(TRIGGER_NODE, trigger["Name"])
        for condition in (trigger.get("Predicate") or {}).get("Conditions") or []:
            watched = condition_key(condition)
            result.add_node(watched)
            result.add_edge(watched, this)
        for action in trigger["Actions"]:
            started = action_key(action)
            result.add_node(started)
            result.actions.add(started)
            result.add_edge(this, started)
    return result


def split_key(key: str) -> tuple[str, str]:
    node_type, _, name = key.partition(":")
    return node_type, name


def graph(
    scope: str,
    workflow: str,
    triggers: list[dict[str, Any]],
    details: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The WorkflowGraph shape; `details` adds JobDetails/CrawlerDetails to nodes (a run's view)."""
    shape = structure(triggers)
    by_name = {t["Name"]: t for t in triggers}
    ids = {key: node_id(scope, workflow, *split_key(key)) for key in shape.nodes}
    nodes = []
    for key in shape.nodes:
        node_type, name = split_key(key)
        node: dict[str, Any] = {"Type": node_type, "Name": name, "UniqueId": ids[key]}
        if node_type == TRIGGER_NODE:
            node["TriggerDetails"] = {"Trigger": by_name[name]}
        elif details and key in details:
            node.update(details[key])
        nodes.append(node)
    edges = [{"SourceId": ids[s], "DestinationId": ids[d]} for s, d in shape.edges]
    return {"Nodes": nodes, "Edges": edges}


def job_runs(store: Any, scope: str, job_name: str, run_ids: list[str]) -> list[dict[str, Any]]:
    """The stored JobRuns of a node (a run of a job deleted since is gone, as its history is)."""
    runs = (store.get(scope, JOB_RUN, job_name, run_id) for run_id in run_ids)
    return [run for run in runs if run is not None]


def run_details(store: Any, scope: str, doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """JobDetails and CrawlerDetails of the nodes a workflow run has run (absent for the others)."""
    details: dict[str, dict[str, Any]] = {}
    for job_name, run_ids in doc["JobRuns"].items():
        runs = job_runs(store, scope, job_name, run_ids)
        if runs:
            details[node_key(JOB_NODE, job_name)] = {"JobDetails": {"JobRuns": runs}}
    for crawler, crawls in doc["Crawls"].items():
        if crawls:
            details[node_key(CRAWLER_NODE, crawler)] = {"CrawlerDetails": {"Crawls": crawls}}
    return details


def statistics(store: Any, scope: str, doc: dict[str, Any]) -> dict[str, int]:
    """Counters over the run's action nodes, each counted once by its latest run or crawl.

    TotalActions counts every job and crawler a trigger of the run can start, so actions whose
    trigger never fired are in the total and in no other counter (as AWS's sample output shows).
    """
    counts = dict.fromkeys(STATISTICS, 0)
    shape = structure(doc["Triggers"])
    nodes = shape.actions | {node_key(JOB_NODE, j) for j in doc["JobRuns"]} | {
        node_key(CRAWLER_NODE, c) for c in doc["Crawls"]
    }
    counts["TotalActions"] = len(nodes)
    for job_name, run_ids in doc["JobRuns"].items():
        runs = job_runs(store, scope, job_name, run_ids[-1:])
        if runs:
            counts[_JOB_BUCKETS[runs[0]["JobRunState"]]] += 1
    for crawls in doc["Crawls"].values():
        if crawls:
            counts[_CRAWL_BUCKETS[crawls[-1]["State"]]] += 1
    return counts
