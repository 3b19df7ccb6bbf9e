"""Tags on any Glue resource, addressed by ARN: TagResource, UntagResource, GetTags.

Domain modules register how to tell whether a resource of their type exists
(`register("database", exists, case_insensitive=True)`), so tagging a missing resource fails as on
AWS. Tags live under the resource's ARN; its Delete* drops them (`drop_tags`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .context import RequestContext
from .errors import EntityNotFoundException, InvalidInputException

TAGS = "tags"
_ARN = re.compile(r"^arn:aws[a-z-]*:glue:([a-z0-9-]+):(\d{12}):([A-Za-z]+)/(.+)$")


@dataclass(frozen=True)
class _ResourceType:
    exists: Callable[[RequestContext, str, list[str]], bool]
    case_insensitive: bool


_types: dict[str, _ResourceType] = {}


def register(
    resource_type: str, exists: Callable[[RequestContext, str, list[str]], bool], case_insensitive: bool = False
) -> None:
    """`exists(ctx, catalog_or_account, path_parts)` answers whether the ARN's resource exists.

    `case_insensitive` types (catalog names) get their path lower-cased before the check, and their
    tags are kept under that lower-case ARN, so any spelling finds them and deletion drops them.
    """
    _types[resource_type] = _ResourceType(exists, case_insensitive)


def resource_arn(ctx: RequestContext, resource: str, account: str | None = None) -> str:
    return f"arn:aws:glue:{ctx.region}:{account or ctx.account}:{resource}"


def _resolve(ctx: RequestContext, arn: str) -> str:
    """Check that the ARN names an existing resource; return the ARN its tags are kept under.

    A resource of another region is not found: the caller's region is the only one it can see.
    """
    match = _ARN.match(arn)
    if match is None or match.group(3) not in _types:
        raise InvalidInputException(f"Invalid resource ARN: {arn}")
    region, account, resource_type, path = match.groups()
    kind = _types[resource_type]
    parts = (path.lower() if kind.case_insensitive else path).split("/")
    if region != ctx.region or not kind.exists(ctx, account, parts):
        raise EntityNotFoundException(f"Resource {arn} not found.")
    return arn[: match.start(4)] + "/".join(parts)


def tags_of(ctx: RequestContext, arn: str) -> dict[str, str]:
    return ctx.store.get(ctx.scope, TAGS, "", arn) or {}


def having_tags(
    ctx: RequestContext, names: list[str], wanted: dict[str, str] | None, arn_of: Callable[[RequestContext, str], str]
) -> list[str]:
    """The names whose resource carries every tag of `wanted` (List* operations' Tags filter)."""
    if not wanted:
        return names
    return [name for name in names if wanted.items() <= tags_of(ctx, arn_of(ctx, name)).items()]


def set_tags(ctx: RequestContext, arn: str, tags: dict[str, str] | None) -> None:
    """Merge tags into a resource's (used by Create* operations with a Tags member)."""
    if tags:
        ctx.store.put(ctx.scope, TAGS, "", arn, {**tags_of(ctx, arn), **tags})


def drop_tags(ctx: RequestContext, arn: str) -> None:
    """Forget a deleted resource's tags."""
    ctx.store.delete(ctx.scope, TAGS, "", arn)


def tag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = _resolve(ctx, params["ResourceArn"])
    tags = {**tags_of(ctx, arn), **params["TagsToAdd"]}
    if len(tags) > 50:
        raise InvalidInputException("A resource can have at most 50 tags")
    ctx.store.put(ctx.scope, TAGS, "", arn, tags)
    return {}


def untag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = _resolve(ctx, params["ResourceArn"])
    tags = tags_of(ctx, arn)
    for name in params["TagsToRemove"]:
        tags.pop(name, None)
    if tags:
        ctx.store.put(ctx.scope, TAGS, "", arn, tags)
    else:
        drop_tags(ctx, arn)
    return {}


def get_tags(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"Tags": tags_of(ctx, _resolve(ctx, params["ResourceArn"]))}
