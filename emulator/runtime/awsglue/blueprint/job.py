"""The `Job` class of Glue's blueprint library: a job of the workflow a layout generates.

Mandatory: Name, Role, Command (a JobCommand dict). Optional: DependsOn, WaitForDependencies, and the
properties of the API's Job structure except CreatedOn and LastModifiedOn (AWS's blueprint classes reference);
`description` stands for Description (AWS's library reads that spelling). Other keywords are dropped (base_resource).
Command and ExecutionProperty, helper classes of AWS's library, check those dicts; `to_json()` gives them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from .base_resource import DEPENDENCY_PROPERTIES, BaseResource

_NUMBER = (int, float)


class Command(BaseResource):
    """A job's Command."""

    _kind = "Command"
    _properties: ClassVar[dict[str, tuple[tuple[type, ...], bool]]] = {
        "Name": ((str,), True), "ScriptLocation": ((str,), True), "PythonVersion": ((str,), False)}


class ExecutionProperty(BaseResource):
    """A job's ExecutionProperty."""

    _kind = "ExecutionProperty"
    _properties: ClassVar[dict[str, tuple[tuple[type, ...], bool]]] = {"MaxConcurrentRuns": ((int,), False)}


class Job(BaseResource):
    """A Glue job; Glue suffixes its Name per blueprint run (see workflow.Entities)."""

    _kind = "Job"
    _aliases: ClassVar[dict[str, str]] = {"description": "Description"}  # the spelling AWS's Job reads
    _properties: ClassVar[dict[str, tuple[tuple[type, ...], bool]]] = {
        "Name": ((str,), True),
        "Role": ((str,), True),
        "Command": ((dict,), True),
        "Description": ((str,), False),
        "JobMode": ((str,), False),
        "JobRunQueuingEnabled": ((bool,), False),
        "LogUri": ((str,), False),
        "ExecutionProperty": ((dict,), False),
        "DefaultArguments": ((dict,), False),
        "NonOverridableArguments": ((dict,), False),
        "Connections": ((dict,), False),
        "MaxRetries": ((int,), False),
        "AllocatedCapacity": ((int,), False),
        "Timeout": ((int,), False),
        "MaxCapacity": (_NUMBER, False),
        "WorkerType": ((str,), False),
        "NumberOfWorkers": ((int,), False),
        "SecurityConfiguration": ((str,), False),
        "NotificationProperty": ((dict,), False),
        "GlueVersion": ((str,), False),
        "CodeGenConfigurationNodes": ((dict,), False),
        "ExecutionClass": ((str,), False),
        "SourceControlDetails": ((dict,), False),
        "MaintenanceWindow": ((str,), False),
        "Tags": ((dict,), False),
        **DEPENDENCY_PROPERTIES,
    }

    def to_json(self) -> dict[str, Any]:
        """The job's properties (DependsOn still holding the objects it depends on); validates first."""
        self.validate()
        return dict(self.properties())
