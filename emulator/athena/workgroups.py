"""Work groups: CreateWorkGroup, GetWorkGroup, ListWorkGroups, UpdateWorkGroup, DeleteWorkGroup.

Every account has the work group `primary` (ENABLED, engine v3, no output location) from the start; it can be
updated but not deleted (Athena: "primary workgroup could not be deleted"). A query names its work group, whose
ResultConfiguration gives the output location unless the request gives one; with EnforceWorkGroupConfiguration
the work group's wins (Athena user guide, "Workgroup settings override client-side settings").
"""

from __future__ import annotations

import copy
from typing import Any

from ..context import RequestContext
from .common import PRIMARY, WORKGROUP, invalid_request, now, page

_ENGINE = {"SelectedEngineVersion": "AUTO", "EffectiveEngineVersion": "Athena engine version 3"}
_DEFAULTS = {"EnforceWorkGroupConfiguration": False, "PublishCloudWatchMetricsEnabled": False,
             "RequesterPaysEnabled": False}


def _new(name: str, configuration: dict[str, Any], description: str | None, created: float) -> dict[str, Any]:
    config = {**_DEFAULTS, **copy.deepcopy(configuration)}
    config["EngineVersion"] = {**_ENGINE, **{k: v for k, v in config.get("EngineVersion", {}).items()
                                             if k == "SelectedEngineVersion"}}
    config.setdefault("ResultConfiguration", {})
    doc: dict[str, Any] = {"Name": name, "State": "ENABLED", "Configuration": config, "CreationTime": created}
    if description is not None:
        doc["Description"] = description
    return doc


def find_work_group(ctx: RequestContext, name: str) -> dict[str, Any] | None:
    """The work group of that name (primary exists without being created), or None."""
    doc = ctx.store.get(ctx.scope, WORKGROUP, "", name)
    if doc is None and name == PRIMARY:
        doc = _new(PRIMARY, {}, None, 0.0)
    return doc


def require_work_group(ctx: RequestContext, name: str) -> dict[str, Any]:
    """The work group; InvalidRequestException "WorkGroup <name> is not found." when there is none."""
    doc = find_work_group(ctx, name)
    if doc is None:
        raise invalid_request(f"WorkGroup {name} is not found.", "RESOURCE_NOT_FOUND")
    return doc


def create_work_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["Name"]
    doc = _new(name, params.get("Configuration", {}), params.get("Description"), now())
    if name == PRIMARY or not ctx.store.insert(ctx.scope, WORKGROUP, "", name, doc):
        raise invalid_request("WorkGroup is already created", "RESOURCE_ALREADY_EXISTS")
    return {}


def get_work_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"WorkGroup": require_work_group(ctx, params["WorkGroup"])}


def list_work_groups(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    docs = {name: doc for name, doc in ctx.store.list(ctx.scope, WORKGROUP, "")}
    docs.setdefault(PRIMARY, require_work_group(ctx, PRIMARY))
    rows = [docs[name] for name in sorted(docs)]
    chosen, token = page(rows, params.get("NextToken"), params.get("MaxResults"), 50)
    summaries = [{"Name": d["Name"], "State": d["State"], "CreationTime": d["CreationTime"],
                  "EngineVersion": d["Configuration"]["EngineVersion"],
                  **({"Description": d["Description"]} if "Description" in d else {})} for d in chosen]
    return {"WorkGroups": summaries, **({"NextToken": token} if token else {})}


def list_engine_versions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The engine versions a work group can select: AUTO and version 3 (the one the emulator speaks)."""
    return {"EngineVersions": [dict(_ENGINE), {"SelectedEngineVersion": "Athena engine version 3",
                                               "EffectiveEngineVersion": "Athena engine version 3"}]}


def _apply(config: dict[str, Any], updates: dict[str, Any]) -> None:
    result = config.setdefault("ResultConfiguration", {})
    result_updates = updates.get("ResultConfigurationUpdates", {})
    for member in ("OutputLocation", "EncryptionConfiguration", "ExpectedBucketOwner", "AclConfiguration"):
        if result_updates.get(f"Remove{member}"):
            result.pop(member, None)
        elif member in result_updates:
            result[member] = result_updates[member]
    for member in ("EnforceWorkGroupConfiguration", "PublishCloudWatchMetricsEnabled", "RequesterPaysEnabled",
                   "BytesScannedCutoffPerQuery", "AdditionalConfiguration", "ExecutionRole"):
        if member in updates:
            config[member] = updates[member]
    if updates.get("RemoveBytesScannedCutoffPerQuery"):
        config.pop("BytesScannedCutoffPerQuery", None)
    if "EngineVersion" in updates:
        config["EngineVersion"] = {**_ENGINE, "SelectedEngineVersion":
                                   updates["EngineVersion"].get("SelectedEngineVersion", "AUTO")}


def update_work_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["WorkGroup"]
    with ctx.store.transaction():
        doc = require_work_group(ctx, name)
        _apply(doc["Configuration"], params.get("ConfigurationUpdates", {}))
        for member in ("Description", "State"):
            if member in params:
                doc[member] = params[member]
        ctx.store.put(ctx.scope, WORKGROUP, "", name, doc)
    return {}


def delete_work_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["WorkGroup"]
    if name == PRIMARY:
        raise invalid_request("primary workgroup could not be deleted")
    if not ctx.store.delete(ctx.scope, WORKGROUP, "", name):
        raise invalid_request(f"WorkGroup {name} is not found.", "RESOURCE_NOT_FOUND")
    return {}
