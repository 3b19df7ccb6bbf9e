"""The Filters of DescribeIntegrations and ListIntegrationResourceProperties (Glue API reference, IntegrationFilter).

A filter is {"Name", "Values"}: an item passes when its member named by the filter is one of the Values, and it
must pass every filter. A Name the operation does not know is InvalidInputException.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import InvalidInputException


def filtered(items: list[dict[str, Any]], filters: list[dict[str, Any]] | None,
             members: Mapping[str, str]) -> list[dict[str, Any]]:
    """The items that pass every filter; `members` maps each filter name the operation knows to the member it
    matches."""
    for spec in filters or []:
        member = members.get(spec.get("Name", ""))
        if member is None:
            raise InvalidInputException(
                f"Unknown filter {spec.get('Name')!r}; filters are {', '.join(sorted(members))}."
            )
        items = [item for item in items if item.get(member) in (spec.get("Values") or [])]
    return items
