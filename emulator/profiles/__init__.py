"""Usage profiles: CreateUsageProfile, GetUsageProfile, UpdateUsageProfile, DeleteUsageProfile, ListUsageProfiles.

A usage profile (https://docs.aws.amazon.com/glue/latest/dg/start-usage-profiles.html) holds, for jobs
(JobConfiguration) and interactive sessions (SessionConfiguration), per parameter a DefaultValue and limits
(MinValue/MaxValue, or AllowedValues). It is stored as GetUsageProfile returns it: {Name, Description?,
Configuration, CreatedOn, LastModifiedOn}; tags live under `arn:aws:glue:<region>:<account>:usageProfile/<name>`.
Creation checks what AWS's console asks for: at least one parameter configured; for the parameters Glue
applies (limits.py: numberOfWorkers, workerType, timeout, idleTimeout) numbers where numbers are meant, a
default inside the limits; each refusal is InvalidInputException. How profiles are applied to jobs and
sessions is limits.py.
"""

from __future__ import annotations

from typing import Any

from .. import tagging
from ..clock import now
from ..context import RequestContext
from ..records import RecordKind, create_tagged_record, delete_record, list_records, require_record, updating_record
from .limits import check_configuration

USAGE_PROFILE = RecordKind("usage-profile", "UsageProfile", page_cap=200)
_SUMMARY = ("Name", "Description", "CreatedOn", "LastModifiedOn")


def usage_profile_arn(ctx: RequestContext, name: str) -> str:
    return tagging.resource_arn(ctx, f"usageProfile/{name}")


def create_usage_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Store a profile: {Name}. AlreadyExistsException for a taken name; InvalidInputException for a
    Configuration that configures nothing or whose values do not hold together."""
    check_configuration(params["Configuration"])
    created = now()
    record = {"Name": params["Name"], "Configuration": params["Configuration"], "CreatedOn": created,
              "LastModifiedOn": created}
    if params.get("Description") is not None:
        record["Description"] = params["Description"]
    create_tagged_record(ctx, USAGE_PROFILE, params["Name"], record, usage_profile_arn(ctx, params["Name"]),
                         params.get("Tags"))
    return {"Name": params["Name"]}


def get_usage_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return require_record(ctx, USAGE_PROFILE, params["Name"])


def update_usage_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Replace the Configuration (and the Description when given): {Name}."""
    check_configuration(params["Configuration"])
    with updating_record(ctx, USAGE_PROFILE, params["Name"]) as record:
        record["Configuration"] = params["Configuration"]
        if params.get("Description") is not None:
            record["Description"] = params["Description"]
        record["LastModifiedOn"] = now()
    return {"Name": params["Name"]}


def delete_usage_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete a profile. Jobs keep the ProfileName they were saved with (as on AWS, a name, not a link)."""
    with ctx.store.transaction():
        delete_record(ctx, USAGE_PROFILE, params["Name"])
        tagging.drop_tags(ctx, usage_profile_arn(ctx, params["Name"]))
    return {}


def list_usage_profiles(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """A page of profiles by name, each as {Name, Description, CreatedOn, LastModifiedOn}."""
    page, token = list_records(ctx, USAGE_PROFILE, params)
    profiles = [{member: record[member] for member in _SUMMARY if member in record} for record in page]
    return {"Profiles": profiles, **({"NextToken": token} if token else {})}


def _usage_profile_exists(ctx: RequestContext, account: str, path: list[str]) -> bool:
    return ctx.store.get(f"{account}/{ctx.region}", USAGE_PROFILE.kind, "", "/".join(path)) is not None


tagging.register("usageProfile", _usage_profile_exists)
