"""The `Crawler` class of Glue's blueprint library: a crawler of the workflow a layout generates.

Mandatory: Name, Role, Targets (a CrawlerTargets dict). Optional: DependsOn, WaitForDependencies, and the
properties of the API's Crawler structure except State, CrawlElapsedTime, CreationTime, LastUpdated,
LastCrawl and Version (AWS's blueprint classes reference). `Grouping` (a crawler configuration's Grouping
section) is taken too, as AWS's own sample blueprints pass it: it becomes part of `Configuration`. Other
keywords are dropped with a warning, as AWS's library drops them (base_resource).

The helper classes of AWS's library (awslabs/aws-glue-blueprint-libs) are here too, so that layouts importing them
run: S3Target, JDBCTarget, CatalogTarget, DynamoDBTarget, Targets and SchemaChangePolicy check their properties,
and `to_json()` gives the dict a Crawler's Targets or SchemaChangePolicy takes.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from .base_resource import DEPENDENCY_PROPERTIES, BaseResource


class S3Target(BaseResource):
    """One entry of Targets' S3Targets."""

    _kind = "S3Target"
    _properties: ClassVar[dict[str, tuple[tuple[type, ...], bool]]] = {
        "Path": ((str,), True), "Exclusions": ((list,), False)}


class JDBCTarget(BaseResource):
    """One entry of Targets' JDBCTargets."""

    _kind = "JDBCTarget"
    _properties: ClassVar[dict[str, tuple[tuple[type, ...], bool]]] = {
        "ConnectionName": ((str,), True), "Path": ((str,), True), "Exclusions": ((list,), False)}


class CatalogTarget(BaseResource):
    """One entry of Targets' CatalogTargets."""

    _kind = "CatalogTarget"
    _properties: ClassVar[dict[str, tuple[tuple[type, ...], bool]]] = {
        "DatabaseName": ((str,), True), "Tables": ((list,), True)}


class DynamoDBTarget(BaseResource):
    """One entry of Targets' DynamoDBTargets."""

    _kind = "DynamoDBTarget"
    _properties: ClassVar[dict[str, tuple[tuple[type, ...], bool]]] = {"Path": ((str,), True)}


class Targets(BaseResource):
    """A crawler's Targets (lists of the targets' to_json() dicts)."""

    _kind = "Targets"
    _properties: ClassVar[dict[str, tuple[tuple[type, ...], bool]]] = {
        "S3Targets": ((list,), False), "JDBCTargets": ((list,), False), "CatalogTargets": ((list,), False),
        "DynamoDBTargets": ((list,), False)}


class SchemaChangePolicy(BaseResource):
    """A crawler's SchemaChangePolicy."""

    _kind = "SchemaChangePolicy"
    _properties: ClassVar[dict[str, tuple[tuple[type, ...], bool]]] = {
        "UpdateBehavior": ((str,), False), "DeleteBehavior": ((str,), False)}


class Crawler(BaseResource):
    """A Glue crawler; Glue suffixes its Name per blueprint run (see workflow.Entities)."""

    _kind = "Crawler"
    _properties: ClassVar[dict[str, tuple[tuple[type, ...], bool]]] = {
        "Name": ((str,), True),
        "Role": ((str,), True),
        "Targets": ((dict,), True),
        "DatabaseName": ((str,), False),
        "Description": ((str,), False),
        "Classifiers": ((list,), False),
        "RecrawlPolicy": ((dict,), False),
        "SchemaChangePolicy": ((dict,), False),
        "LineageConfiguration": ((dict,), False),
        "TablePrefix": ((str,), False),
        "Schedule": ((str,), False),
        "Configuration": ((str,), False),
        "CrawlerSecurityConfiguration": ((str,), False),
        "LakeFormationConfiguration": ((dict,), False),
        "Grouping": ((dict,), False),
        "Tags": ((dict,), False),
        **DEPENDENCY_PROPERTIES,
    }

    def to_json(self) -> dict[str, Any]:
        """The crawler's properties as CreateCrawler takes them (DependsOn still holding objects); validates."""
        self.validate()
        result = dict(self.properties())
        grouping = result.pop("Grouping", None)
        if grouping is not None:
            configuration = json.loads(result.get("Configuration") or '{"Version": 1.0}')
            configuration["Grouping"] = grouping
            result["Configuration"] = json.dumps(configuration)
        return result
