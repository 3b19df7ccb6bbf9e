"""When a conditional trigger fires: its predicate judged on the end states of the nodes it watches.

As AWS documents CONDITIONAL triggers (https://docs.aws.amazon.com/glue/latest/dg/trigger-job.html): a predicate
is a list of conditions (a job's State or a crawler's CrawlState, with LogicalOperator EQUALS) joined by
Logical AND (the default) or ANY.
"""

from __future__ import annotations

from typing import Any

from .graph import condition_key


def satisfied(
    trigger: dict[str, Any], outcomes: dict[str, dict[str, Any]], ended: str
) -> list[dict[str, str]] | None:
    """Whether the end of node `ended` makes a conditional trigger fire; if so, its PredecessorRuns.

    ANY: a condition on the ended node holds. AND (also the default of a single condition): every
    condition holds on the latest outcome of its node. Conditions are EQUALS on the end state.
    """
    predicate = trigger.get("Predicate") or {}
    conditions = predicate.get("Conditions") or []
    if not any(condition_key(c) == ended for c in conditions):
        return None

    def holds(condition: dict[str, Any]) -> bool:
        outcome = outcomes.get(condition_key(condition))
        wanted = condition.get("State") if condition.get("JobName") is not None else condition.get("CrawlState")
        return outcome is not None and outcome["State"] == wanted

    if predicate.get("Logical") == "ANY":
        met = [c for c in conditions if condition_key(c) == ended and holds(c)]
    else:
        met = conditions if all(holds(c) for c in conditions) else []
    if not met:
        return None
    predecessors = []
    for condition in met:
        outcome = outcomes[condition_key(condition)]
        if condition.get("JobName") is not None and outcome.get("RunId"):
            entry = {"JobName": condition["JobName"], "RunId": outcome["RunId"]}
            if entry not in predecessors:
                predecessors.append(entry)
    return predecessors
