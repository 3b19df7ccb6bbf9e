"""Tags on any Glue resource, addressed by ARN: TagResource, UntagResource, GetTags.

Domain modules register how to tell whether a resource of their type exists
(`register("database", exists)`), so tagging a missing resource fails as on AWS.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from .context import RequestContext
from .errors import EntityNotFoundException, InvalidInputException

TAGS = "tags"
_ARN = re.compile(r"^arn:aws[a-z-]*:glue:([a-z0-9-]+):(\d{12}):([A-Za-z]+)/(.+)$")
_exists: dict[str, Callable[[RequestContext, str, list[str]], bool]] = {}


def register(resource_type: str, exists: Callable[[RequestContext, str, list[str]], bool]) -> None:
    """`exists(ctx, catalog_or_account, path_parts)` answers whether the ARN's resource exists."""
    _exists[resource_type] = exists


def resource_arn(ctx: RequestContext, resource: str, account: str | None = None) -> str:
    return f"arn:aws:glue:{ctx.region}:{account or ctx.account}:{resource}"


def _check(ctx: RequestContext, arn: str) -> None:
    match = _ARN.match(arn)
    if match is None or match.group(3) not in _exists:
        raise InvalidInputException(f"Invalid resource ARN: {arn}")
    _region, account, resource_type, path = match.groups()
    if not _exists[resource_type](ctx, account, path.split("/")):
        raise EntityNotFoundException(f"Resource {arn} not found.")


def tags_of(ctx: RequestContext, arn: str) -> dict[str, str]:
    return ctx.store.get(ctx.scope, TAGS, "", arn) or {}


def set_tags(ctx: RequestContext, arn: str, tags: dict[str, str] | None) -> None:
    """Merge tags into a resource's (used by Create* operations with a Tags member)."""
    if tags:
        ctx.store.put(ctx.scope, TAGS, "", arn, {**tags_of(ctx, arn), **tags})


def drop_tags(ctx: RequestContext, arn: str) -> None:
    """Forget a deleted resource's tags."""
    ctx.store.delete(ctx.scope, TAGS, "", arn)


def tag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _check(ctx, params["ResourceArn"])
    tags = {**tags_of(ctx, params["ResourceArn"]), **params["TagsToAdd"]}
    if len(tags) > 50:
        raise InvalidInputException("A resource can have at most 50 tags")
    ctx.store.put(ctx.scope, TAGS, "", params["ResourceArn"], tags)
    return {}


def untag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _check(ctx, params["ResourceArn"])
    tags = tags_of(ctx, params["ResourceArn"])
    for name in params["TagsToRemove"]:
        tags.pop(name, None)
    ctx.store.put(ctx.scope, TAGS, "", params["ResourceArn"], tags)
    return {}


def get_tags(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _check(ctx, params["ResourceArn"])
    return {"Tags": tags_of(ctx, params["ResourceArn"])}
