"""How Glue applies usage profiles to jobs, job runs and interactive sessions.

AWS's rules (https://docs.aws.amazon.com/glue/latest/dg/start-usage-profiles-managing.html and
start-usage-profiles-jobs.html): a profile is assigned to an IAM user or role by the principal's tag
`glue:UsageProfile` = <profile name>. When that principal creates or updates a job (or creates a session), a
parameter it leaves out takes the profile's DefaultValue, a value it gives must lie within MinValue/MaxValue or
AllowedValues, and the profile's name is saved with the job (ProfileName; an author with no profile clears
it). A run started by a caller (StartJobRun) is held to the caller's profile; a run with no direct caller
(triggers, workflows) to the job's saved profile; a run outside the limits fails.

Here the caller is the IAM user owning the request's access key, or the role of an assumed-role key, in the
IAM that the emulator serves (moto, in the same process): tag a user with `glue:UsageProfile` and sign with
its keys. Callers with any other key (the usual `testing`) have no profile, as a principal without the tag.

The parameters applied are the ones the console configures, matched without regard to case:
numberOfWorkers, workerType and timeout (minutes) for jobs and sessions, and idleTimeout (minutes) for
sessions. Other keys are stored and returned but have nothing to apply to.
"""

from __future__ import annotations

import sys
from typing import Any

from ..context import RequestContext
from ..errors import EntityNotFoundException, InvalidInputException

PROFILE_TAG = "glue:UsageProfile"
# profile key (lower case) -> the request/record member it governs, and whether its values are numbers.
_JOB_PARAMETERS = {"numberofworkers": ("NumberOfWorkers", True), "workertype": ("WorkerType", False),
                   "timeout": ("Timeout", True)}
_SESSION_PARAMETERS = {**_JOB_PARAMETERS, "idletimeout": ("IdleTimeout", True)}
_WORKER_MEMBERS = ("WorkerType", "NumberOfWorkers")


def check_configuration(configuration: dict[str, Any]) -> None:
    """InvalidInputException unless some parameter is configured and each known one holds together."""
    sections = {"JobConfiguration": _JOB_PARAMETERS, "SessionConfiguration": _SESSION_PARAMETERS}
    if not any(configuration.get(section) for section in sections):
        raise InvalidInputException("A usage profile must configure at least one job or session parameter.")
    for section, known in sections.items():
        for key, limits in (configuration.get(section) or {}).items():
            member = known.get(key.lower())
            if member is None:
                continue
            numeric = member[1]
            for bound in ("MinValue", "MaxValue", "DefaultValue", "AllowedValues") if numeric else ():
                values = limits.get(bound)
                for value in values if isinstance(values, list) else [] if values is None else [values]:
                    if not value.isdigit() or int(value) < 1:
                        raise InvalidInputException(f"{section} {key}: {bound} {value} is not a whole number of 1 "
                                                    "or more.")
            if numeric and "MinValue" in limits and "MaxValue" in limits and \
                    int(limits["MinValue"]) > int(limits["MaxValue"]):
                raise InvalidInputException(f"{section} {key}: MinValue is above MaxValue.")
            if "DefaultValue" in limits:
                problem = _violation(limits, limits["DefaultValue"], numeric)
                if problem:
                    raise InvalidInputException(f"{section} {key}: DefaultValue {problem}.")


def _violation(limits: dict[str, Any], value: Any, numeric: bool) -> str | None:
    """Why `value` breaks the limits of one parameter, or None."""
    text = str(value)
    allowed = limits.get("AllowedValues")
    if allowed and text not in allowed:
        return f"{text} is not one of the allowed values {', '.join(allowed)}"
    if numeric:
        number = float(text)
        if "MinValue" in limits and number < int(limits["MinValue"]):
            return f"{text} is below the minimum {limits['MinValue']}"
        if "MaxValue" in limits and number > int(limits["MaxValue"]):
            return f"{text} is above the maximum {limits['MaxValue']}"
    return None


def caller_profile(ctx: RequestContext) -> str | None:
    """The `glue:UsageProfile` tag of the IAM user or assumed role behind the request's access key, or None."""
    # moto's IAM is imported when it first serves a request: before that no user or role exists, and importing
    # it here would cost every server over a second at its first CreateJob.
    iam_models, sts_models = sys.modules.get("moto.iam.models"), sys.modules.get("moto.sts.models")
    if not ctx.access_key or iam_models is None:
        return None
    from moto.utilities.utils import get_partition

    iam_backends = iam_models.iam_backends
    if ctx.account not in iam_backends:  # nothing was ever created in this account's IAM
        return None
    partition = get_partition(ctx.region)  # IAM and STS are kept per account and partition
    iam = iam_backends[ctx.account][partition]
    tags: list[dict[str, str]] = []
    for key in iam.get_all_access_keys_for_all_users():
        if key.access_key_id == ctx.access_key:
            tags = iam.list_user_tags(key.user_name)
            break
    else:
        if sts_models is None or ctx.account not in sts_models.sts_backends:
            return None
        assumed = sts_models.sts_backends[ctx.account][partition].get_assumed_role_from_access_key(ctx.access_key)
        if assumed is None:
            return None
        role_arn = assumed.role_arn
        try:
            tags = iam.list_role_tags(iam.get_role_by_arn(role_arn).name, None)[0]
        except Exception:  # the role was deleted since it was assumed (or never existed): no tags to read
            return None
    return next((tag["Value"] for tag in tags if tag["Key"] == PROFILE_TAG), None)


def _configuration(ctx: RequestContext, name: str, section: str) -> dict[str, Any]:
    """The named profile's section; a profile deleted after it was assigned is an error, as on AWS."""
    from . import USAGE_PROFILE  # the package's record kind (the package imports this module)

    record = ctx.store.get(ctx.scope, USAGE_PROFILE.kind, "", name)
    if record is None:
        raise EntityNotFoundException(f"Usage profile {name} does not exist.")
    return record["Configuration"].get(section) or {}


def _by_member(configuration: dict[str, Any], known: dict[str, tuple[str, bool]]) -> dict[str, Any]:
    """{member: (limits, numeric)} for the configured parameters Glue applies."""
    return {known[key.lower()][0]: (limits, known[key.lower()][1])
            for key, limits in configuration.items() if key.lower() in known}


def _apply(spec: dict[str, Any], name: str, configuration: dict[str, Any], known: dict[str, tuple[str, bool]],
           takes_workers: bool) -> dict[str, Any]:
    """`spec` with the profile's defaults for what it leaves out; InvalidInputException for a value outside."""
    result = dict(spec)
    parameters = _by_member(configuration, known)
    for member, (limits, numeric) in parameters.items():
        if member in spec:
            problem = _violation(limits, spec[member], numeric)
            if problem:
                raise InvalidInputException(f"{member} {problem} of usage profile {name}.")
        elif "DefaultValue" in limits and (takes_workers or member not in _WORKER_MEMBERS):
            result[member] = int(limits["DefaultValue"]) if numeric else limits["DefaultValue"]
    # Workers go in pairs and exclude MaxCapacity: defaults that would leave half a pair are not applied.
    filled = [member for member in _WORKER_MEMBERS if member in result and member not in spec]
    if filled and not all(member in result for member in _WORKER_MEMBERS):
        for member in filled:
            del result[member]
    return result


def apply_to_job(ctx: RequestContext, spec: dict[str, Any]) -> dict[str, Any]:
    """A CreateJob request or JobUpdate as the caller's profile makes it, with ProfileName set (or removed)."""
    name = caller_profile(ctx)
    result = {key: value for key, value in spec.items() if key != "ProfileName"}
    if name is None:
        return result
    takes_workers = not any(member in spec for member in ("MaxCapacity", "AllocatedCapacity")) and \
        (spec.get("Command") or {}).get("Name") != "pythonshell"
    result = _apply(result, name, _configuration(ctx, name, "JobConfiguration"), _JOB_PARAMETERS, takes_workers)
    result["ProfileName"] = name
    return result


def apply_to_session(ctx: RequestContext, params: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """A CreateSession request as the caller's profile makes it, and the profile's name (None without one)."""
    name = caller_profile(ctx)
    if name is None:
        return params, None
    takes_workers = "MaxCapacity" not in params
    configuration = _configuration(ctx, name, "SessionConfiguration")
    return _apply(params, name, configuration, _SESSION_PARAMETERS, takes_workers), name


def run_violation(ctx: RequestContext, job: dict[str, Any], run: dict[str, Any], direct: bool) -> tuple[
        str | None, str | None]:
    """(the profile a run is held to, why the run breaks it or None).

    A direct run (StartJobRun) is held to the caller's profile, a run with no caller to the job's ProfileName.
    """
    name = caller_profile(ctx) if direct else job.get("ProfileName")
    if name is None:
        return None, None
    try:
        configuration = _configuration(ctx, name, "JobConfiguration")
    except EntityNotFoundException as missing:  # a run held to a deleted profile cannot be checked: it fails
        return name, missing.message
    parameters = _by_member(configuration, _JOB_PARAMETERS)
    for member, (limits, numeric) in parameters.items():
        if member in run:
            problem = _violation(limits, run[member], numeric)
            if problem:
                return name, f"{member} {problem} of usage profile {name}."
    return name, None
