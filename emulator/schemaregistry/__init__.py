"""The Glue Schema Registry: registries, schemas, versions with real compatibility checks, version metadata.

https://docs.aws.amazon.com/glue/latest/dg/schema-registry.html and the API reference's "Schema registry"
operations. Modules: ids (naming and lookup), formats (parsing, compatibility and diffs per data format, by
libraries), registries, schemas, versions, metadata (one handler per operation). Registries and schemas take tags
by ARN (TagResource, UntagResource, GetTags) like every other Glue resource.
"""

from __future__ import annotations

from .. import tagging
from ..context import RequestContext
from .ids import REGISTRIES, SCHEMAS


def _registry_exists(ctx: RequestContext, account: str, path: list[str]) -> bool:
    return len(path) == 1 and ctx.store.get(f"{account}/{ctx.region}", REGISTRIES.kind, "", path[0]) is not None


def _schema_exists(ctx: RequestContext, account: str, path: list[str]) -> bool:
    return len(path) == 2 and ctx.store.get(f"{account}/{ctx.region}", SCHEMAS.kind, path[0], path[1]) is not None


tagging.register("registry", _registry_exists)
tagging.register("schema", _schema_exists)
