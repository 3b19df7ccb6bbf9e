"""The `Crawler` class of Glue's blueprint library: a crawler of the workflow a layout generates.

Mandatory: Name, Role, Targets (a CrawlerTargets dict). Optional: DependsOn, WaitForDependencies, and the
properties of the API's Crawler structure except State, CrawlElapsedTime, CreationTime, LastUpdated,
LastCrawl and Version (AWS's blueprint classes reference). `Grouping` (a crawler configuration's Grouping
section) is taken too, as AWS's own sample blueprints pass it: it becomes part of `Configuration`.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from .base_resource import DEPENDENCY_PROPERTIES, BaseResource


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
