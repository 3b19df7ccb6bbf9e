"""The `Workflow` and `Entities` classes of Glue's blueprint library.

A layout function returns a `Workflow(Name=..., Entities=Entities(Jobs=[...], Crawlers=[...]))`, optionally
with Description, DefaultRunProperties, Tags and OnSchedule (a cron expression). `to_json(name_suffix)` gives
what Glue creates for one blueprint run (AWS's "Creating the blueprint layout script"):

    {"Workflow": {Name, Description?, DefaultRunProperties?, Tags?},
     "Jobs": [CreateJob requests], "Crawlers": [CreateCrawler requests], "Triggers": [CreateTrigger requests]}

Job and crawler names get "_<name_suffix>" so that runs of one blueprint do not collide. The triggers follow
from the dependencies: the entities without DependsOn are the actions of the workflow's starting trigger
("<workflow>_starting_trigger": ON_DEMAND, or SCHEDULED on OnSchedule); each entity with DependsOn gets a
CONDITIONAL trigger "<workflow>_<entity name>_trigger" whose conditions watch each dependency's state (a job's
State, a crawler's CrawlState) and whose Logical is the entity's WaitForDependencies.
"""

from __future__ import annotations

from typing import Any, ClassVar

from .base_resource import BaseResource
from .crawler import Crawler
from .job import Job


def _condition(dependency: Any, state: str, suffix: str) -> dict[str, str]:
    if isinstance(dependency, Job):
        return {"LogicalOperator": "EQUALS", "JobName": f"{dependency.Name}{suffix}", "State": state}
    if isinstance(dependency, Crawler):
        return {"LogicalOperator": "EQUALS", "CrawlerName": f"{dependency.Name}{suffix}", "CrawlState": state}
    raise TypeError(f"DependsOn keys must be Job or Crawler objects, not {type(dependency).__name__}")


class Entities:
    """The jobs and crawlers of a workflow."""

    def __init__(self, Jobs: list[Job] | None = None, Crawlers: list[Crawler] | None = None):
        self.Jobs = list(Jobs or [])
        self.Crawlers = list(Crawlers or [])

    def validate(self) -> bool:
        """Every entity valid and of its list's class; TypeError otherwise."""
        for expected, entities in ((Job, self.Jobs), (Crawler, self.Crawlers)):
            for entity in entities:
                if not isinstance(entity, expected):
                    raise TypeError(f"Entities.{expected.__name__}s holds a {type(entity).__name__}")
                entity.validate()
        return True

    def to_json(self, workflow_name: str, on_schedule: str | None, name_suffix: str) -> dict[str, list[dict]]:
        """{"Jobs", "Crawlers", "Triggers"}: the entities' requests with suffixed names, and their triggers."""
        self.validate()
        suffix = f"_{name_suffix}" if name_suffix else ""
        starting: dict[str, Any] = {"Name": f"{workflow_name}_starting_trigger", "WorkflowName": workflow_name,
                                    "Type": "ON_DEMAND", "Actions": []}
        if on_schedule:
            starting.update(Type="SCHEDULED", Schedule=on_schedule, StartOnCreation=True)
        result: dict[str, list[dict]] = {"Jobs": [], "Crawlers": [], "Triggers": []}
        for key, action_member, entities in (("Crawlers", "CrawlerName", self.Crawlers),
                                             ("Jobs", "JobName", self.Jobs)):
            for entity in entities:
                request = entity.to_json()
                request["Name"] = f"{entity.Name}{suffix}"
                depends_on = request.pop("DependsOn", None)
                wait = request.pop("WaitForDependencies", None)
                result[key].append(request)
                action = {action_member: request["Name"]}
                if not depends_on:
                    starting["Actions"].append(action)
                    continue
                predicate: dict[str, Any] = {
                    "Conditions": [_condition(dep, state, suffix) for dep, state in depends_on.items()]}
                if wait:
                    predicate["Logical"] = wait
                result["Triggers"].append({
                    "Name": f"{workflow_name}_{request['Name']}_trigger", "WorkflowName": workflow_name,
                    "Type": "CONDITIONAL", "StartOnCreation": True, "Predicate": predicate, "Actions": [action]})
        result["Triggers"].append(starting)
        return result


class Workflow(BaseResource):
    """The workflow a layout function returns."""

    _kind = "Workflow"
    _properties: ClassVar[dict[str, tuple[tuple[type, ...], bool]]] = {
        "Name": ((str,), True),
        "Entities": ((Entities,), True),
        "Description": ((str,), False),
        "DefaultRunProperties": ((dict,), False),
        "Tags": ((dict,), False),
        "OnSchedule": ((str,), False),
    }

    def validate(self) -> bool:
        super().validate()
        return self.Entities.validate()

    def to_json(self, name_suffix: str = "") -> dict[str, Any]:
        """What Glue creates for this workflow (see the module docstring); validates first."""
        self.validate()
        workflow = {k: v for k, v in self.properties().items() if k not in ("Entities", "OnSchedule")}
        entities = self.Entities.to_json(self.Name, getattr(self, "OnSchedule", None), name_suffix)
        return {"Workflow": workflow, **entities}
