"""Tags on any Glue resource, addressed by ARN: TagResource, UntagResource, GetTags.

Domain modules register how to tell whether a resource of their type exists
(`register("database", exists, case_insensitive=True)`), so tagging a missing resource fails as on
AWS. Tags live under the resource's ARN; its Delete* drops them (`drop_tags`). ARNs name the resource
type then `/` (`job/<name>`), except integrations: `integration:<uuid>`, as CreateIntegration makes them.

Tag keys starting with `aws:` (any case) are reserved for AWS (https://docs.aws.amazon.com/glue/latest/webapi/API_Tag.html:
"must not contain the prefix aws"): TagResource, UntagResource and every Create* with Tags refuse them
with InvalidInputException before anything is written (`check_tags`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .context import RequestContext
from .errors import EntityNotFoundException, InvalidInputException

TAGS = "tags"
_ARN = re.compile(r"^arn:aws[a-z-]*:glue:([a-z0-9-]+):(\d{12}):([A-Za-z]+)([/:])(.+)$")
_RESERVED_PREFIX = "aws:"


@dataclass(frozen=True)
class _ResourceType:
    exists: Callable[[RequestContext, str, list[str]], bool]
    case_insensitive: bool
    separator: str


_types: dict[str, _ResourceType] = {}


def register(
    resource_type: str, exists: Callable[[RequestContext, str, list[str]], bool], case_insensitive: bool = False,
    separator: str = "/",
) -> None:
    """`exists(ctx, catalog_or_account, path_parts)` answers whether the ARN's resource exists.

    `case_insensitive` types (catalog names) get their path lower-cased before the check, and their
    tags are kept under that lower-case ARN, so any spelling finds them and deletion drops them.
    `separator` follows the type in its ARNs: `/` (`job/<name>`) or `:` (`integration:<uuid>`).
    """
    _types[resource_type] = _ResourceType(exists, case_insensitive, separator)


def resource_arn(ctx: RequestContext, resource: str, account: str | None = None) -> str:
    return f"arn:aws:glue:{ctx.region}:{account or ctx.account}:{resource}"


def _resolve(ctx: RequestContext, arn: str) -> str:
    """Check that the ARN names an existing resource; return the ARN its tags are kept under.

    A resource of another region is not found: the caller's region is the only one it can see.
    """
    match = _ARN.match(arn)
    kind = _types.get(match.group(3)) if match is not None else None
    if match is None or kind is None or match.group(4) != kind.separator:
        raise InvalidInputException(f"Invalid resource ARN: {arn}")
    region, account, _, _, path = match.groups()
    parts = (path.lower() if kind.case_insensitive else path).split("/")
    if region != ctx.region or not kind.exists(ctx, account, parts):
        raise EntityNotFoundException(f"Resource {arn} not found.")
    return arn[: match.start(5)] + "/".join(parts)


def check_tags(keys: Iterable[str] | None) -> None:
    """Refuse reserved keys: InvalidInputException naming the first key that starts with `aws:` (any case).

    AWS documents the rule but not its message; ours names the key.
    """
    for name in keys or ():
        if name[: len(_RESERVED_PREFIX)].lower() == _RESERVED_PREFIX:
            raise InvalidInputException(f"Tag key {name!r} is not allowed: keys starting with 'aws:' are reserved "
                                        "for use by AWS.")


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
    """Merge tags into a resource's (used by Create* operations with a Tags member); see check_tags."""
    check_tags(tags)
    if tags:
        ctx.store.put(ctx.scope, TAGS, "", arn, {**tags_of(ctx, arn), **tags})


def drop_tags(ctx: RequestContext, arn: str) -> None:
    """Forget a deleted resource's tags."""
    ctx.store.delete(ctx.scope, TAGS, "", arn)


def tag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_tags(params["TagsToAdd"])
    arn = _resolve(ctx, params["ResourceArn"])
    tags = {**tags_of(ctx, arn), **params["TagsToAdd"]}
    if len(tags) > 50:
        raise InvalidInputException("A resource can have at most 50 tags")
    ctx.store.put(ctx.scope, TAGS, "", arn, tags)
    return {}


def untag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_tags(params["TagsToRemove"])  # AWS's own tags can be neither set nor removed by users
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
