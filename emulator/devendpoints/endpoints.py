"""Dev endpoints: CreateDevEndpoint, GetDevEndpoint, GetDevEndpoints, BatchGetDevEndpoints, ListDevEndpoints,
UpdateDevEndpoint, DeleteDevEndpoint.

An endpoint is stored as GetDevEndpoint returns it. Its lifecycle follows AWS's statuses: PROVISIONING after
CreateDevEndpoint, UPDATING after UpdateDevEndpoint, then READY, or FAILED with a FailureReason when a library it
must load (ExtraPythonLibsS3Path, ExtraJarsS3Path: comma-separated s3:// paths) is not an object of the local S3.
Provisioning and updating take `TRANSITION_SECONDS` Glue seconds (scaled by GLUE_EMULATOR_TIME_SCALE); the
status is worked out from the stored times when read, so it survives restarts.

There is no EC2, SSH, YARN or Zeppelin here: YarnEndpointAddress, PrivateAddress, PublicAddress,
ZeppelinRemoteSparkInterpreterPort, AvailabilityZone and VpcId are left out (as AWS leaves members it has no
value for) rather than naming addresses that would not answer. Interactive sessions are the working way to run
code on a Spark driver here.

Checks (AWS's documented rules for dev endpoints, InvalidInputException): Glue versions 0.9 (the default) and
1.0 only (later versions have no dev endpoints), GLUE_PYTHON_VERSION "2" (the default) or "3" (Glue 1.0 only); WorkerType Standard, G.1X or G.2X and NumberOfWorkers go
together (at most 299 G.1X or 149 G.2X workers) and exclude NumberOfNodes (DPUs, 5 by default, at least 2);
PublicKey and PublicKeys exclude each other, 5 public keys at most (after UpdateDevEndpoint too); a SecurityConfiguration must exist.
"""

from __future__ import annotations

from typing import Any

from .. import tagging
from ..clock import now
from ..context import RequestContext
from ..errors import AwsError, InvalidInputException
from ..governance import require_security_configuration
from ..records import (
    RecordKind,
    batch_get_records,
    create_record,
    delete_record,
    find_record,
    list_records,
    require_record,
    updating_record,
)
from ..s3.layout import valid_bucket_name
from ..s3.storage import storage

DEV_ENDPOINT = RecordKind("dev-endpoint", "DevEndpoint")
TRANSITION_SECONDS = 60.0
GLUE_VERSIONS = ("0.9", "1.0")
DEFAULT_GLUE_VERSION = "0.9"
DEFAULT_NODES = 5
MAX_WORKERS = {"Standard": 299, "G.1X": 299, "G.2X": 149}
MAX_PUBLIC_KEYS = 5
PYTHON_ARGUMENT = "GLUE_PYTHON_VERSION"
# Internal members: when the current transition ends and what it ends in (READY, or FAILED and why).
_UNTIL, _OUTCOME, _REASON = "_TransitionEnds", "_Outcome", "_OutcomeReason"
_CREATE_OUTPUT = ("EndpointName", "Status", "SecurityGroupIds", "SubnetId", "RoleArn", "NumberOfNodes", "WorkerType",
                  "GlueVersion", "NumberOfWorkers", "ExtraPythonLibsS3Path", "ExtraJarsS3Path", "FailureReason",
                  "SecurityConfiguration", "CreatedTimestamp", "Arguments")


def dev_endpoint_arn(ctx: RequestContext, name: str) -> str:
    return tagging.resource_arn(ctx, f"devEndpoint/{name}")


def _capacity(params: dict[str, Any]) -> dict[str, Any]:
    worker_type, workers, nodes = params.get("WorkerType"), params.get("NumberOfWorkers"), params.get("NumberOfNodes")
    if worker_type is None and workers is None:
        if nodes is not None and nodes < 2:
            raise InvalidInputException("NumberOfNodes must be at least 2.")
        return {"NumberOfNodes": DEFAULT_NODES if nodes is None else nodes}
    if worker_type is None or workers is None:
        raise InvalidInputException("WorkerType and NumberOfWorkers must be given together.")
    if nodes is not None:
        raise InvalidInputException("NumberOfNodes cannot be given with WorkerType and NumberOfWorkers.")
    if worker_type not in MAX_WORKERS:
        raise InvalidInputException(f"WorkerType {worker_type} is not available for dev endpoints: use one of "
                                    f"{', '.join(MAX_WORKERS)}.")
    if not 1 <= workers <= MAX_WORKERS[worker_type]:
        raise InvalidInputException(f"NumberOfWorkers must be between 1 and {MAX_WORKERS[worker_type]} for "
                                    f"WorkerType {worker_type}.")
    return {"WorkerType": worker_type, "NumberOfWorkers": workers}


def _check_python(version: str, arguments: dict[str, str]) -> None:
    """GLUE_PYTHON_VERSION is "2" or "3" (Python 2 when not given); Glue 0.9 runs Python 2 only."""
    python = arguments.get(PYTHON_ARGUMENT, "2")
    if python not in ("2", "3"):
        raise InvalidInputException(f'{PYTHON_ARGUMENT} must be "2" or "3", not "{python}".')
    if python == "3" and version == "0.9":
        raise InvalidInputException("Glue 0.9 runs Python 2 only: use GlueVersion 1.0 for GLUE_PYTHON_VERSION 3.")


def _is_object(ctx: RequestContext, path: str) -> bool:
    """Whether an s3:// path names an object (a file) of the local S3."""
    bucket, _, key = path.removeprefix("s3://").partition("/")
    if not path.startswith("s3://") or not valid_bucket_name(bucket) or not key or storage(ctx).bucket(bucket) is None:
        return False
    try:
        return storage(ctx).layout.locate(bucket, key).path.is_file()
    except AwsError:  # a key the local S3 cannot hold
        return False


def _missing_library(ctx: RequestContext, record: dict[str, Any]) -> str | None:
    """Why the endpoint cannot load its libraries (a path that is not an object of the local S3), or None."""
    for member in ("ExtraPythonLibsS3Path", "ExtraJarsS3Path"):
        for path in filter(None, (p.strip() for p in (record.get(member) or "").split(","))):
            if not _is_object(ctx, path):
                return f"{member}: {path} is not an object of the local S3."
    return None


def _begin(ctx: RequestContext, record: dict[str, Any], status: str) -> None:
    """Start a transition (PROVISIONING or UPDATING) and decide now what it ends in."""
    record["Status"] = status
    record[_UNTIL] = now() + TRANSITION_SECONDS / ctx.settings.time_scale
    reason = _missing_library(ctx, record)
    record[_OUTCOME], record[_REASON] = ("FAILED", reason) if reason else ("READY", None)
    record.pop("FailureReason", None)


def _current(record: dict[str, Any]) -> dict[str, Any]:
    """The endpoint as GetDevEndpoint shows it now: a transition whose time is over has ended."""
    shown = {member: value for member, value in record.items() if not member.startswith("_")}
    if record["Status"] in ("PROVISIONING", "UPDATING") and now() >= record[_UNTIL]:
        shown["Status"] = record[_OUTCOME]
        if record[_REASON]:
            shown["FailureReason"] = record[_REASON]
    return shown


def _public_keys(params: dict[str, Any]) -> dict[str, Any]:
    if params.get("PublicKey") and params.get("PublicKeys"):
        raise InvalidInputException("PublicKey and PublicKeys cannot both be given.")
    return {member: params[member] for member in ("PublicKey", "PublicKeys") if params.get(member)}


def create_dev_endpoint(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The new endpoint (PROVISIONING) as CreateDevEndpoint's output shows it; AlreadyExistsException for a taken name."""
    name = params["EndpointName"]
    version = params.get("GlueVersion") or DEFAULT_GLUE_VERSION
    if version not in GLUE_VERSIONS:
        raise InvalidInputException(f"GlueVersion {version} does not support dev endpoints: use 0.9 or 1.0 (or an "
                                    "interactive session).")
    _check_python(version, params.get("Arguments") or {})
    require_security_configuration(ctx, params.get("SecurityConfiguration"))
    created = now()
    record: dict[str, Any] = {"EndpointName": name, "RoleArn": params["RoleArn"], "GlueVersion": version,
                              "CreatedTimestamp": created, "LastModifiedTimestamp": created,
                              **_capacity(params), **_public_keys(params)}
    for member in ("SecurityGroupIds", "SubnetId", "ExtraPythonLibsS3Path", "ExtraJarsS3Path",
                   "SecurityConfiguration", "Arguments"):
        if params.get(member) is not None:
            record[member] = params[member]
    _begin(ctx, record, "PROVISIONING")
    create_record(ctx, DEV_ENDPOINT, name, record)
    tagging.set_tags(ctx, dev_endpoint_arn(ctx, name), params.get("Tags"))
    shown = _current(record)
    return {member: shown[member] for member in _CREATE_OUTPUT if member in shown}


def get_dev_endpoint(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"DevEndpoint": _current(require_record(ctx, DEV_ENDPOINT, params["EndpointName"]))}


def get_dev_endpoints(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    page, token = list_records(ctx, DEV_ENDPOINT, params)
    result: dict[str, Any] = {"DevEndpoints": [_current(record) for record in page]}
    if token:
        result["NextToken"] = token
    return result


def batch_get_dev_endpoints(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    found, missing = batch_get_records(ctx, DEV_ENDPOINT, params["DevEndpointNames"])
    return {"DevEndpoints": [_current(record) for record in found], "DevEndpointsNotFound": missing}


def list_dev_endpoints(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Endpoint names; with Tags only those carrying every tag given."""
    wanted = params.get("Tags")

    def tagged(record: dict[str, Any]) -> bool:
        return not wanted or wanted.items() <= tagging.tags_of(ctx, dev_endpoint_arn(ctx, record["EndpointName"])).items()

    page, token = list_records(ctx, DEV_ENDPOINT, params, where=tagged)
    result: dict[str, Any] = {"DevEndpointNames": [record["EndpointName"] for record in page]}
    if token:
        result["NextToken"] = token
    return result


def _update_keys(record: dict[str, Any], params: dict[str, Any]) -> None:
    if params.get("PublicKey"):
        record["PublicKey"] = params["PublicKey"]
    keys = [key for key in record.get("PublicKeys", []) if key not in (params.get("DeletePublicKeys") or [])]
    keys += [key for key in params.get("AddPublicKeys") or [] if key not in keys]
    if len(keys) > MAX_PUBLIC_KEYS:
        raise InvalidInputException(f"A dev endpoint holds at most {MAX_PUBLIC_KEYS} public keys.")
    if keys and record.get("PublicKey"):
        raise InvalidInputException("An endpoint with a PublicKey cannot take PublicKeys: remove the PublicKey first.")
    if keys:
        record["PublicKeys"] = keys
    else:
        record.pop("PublicKeys", None)


def update_dev_endpoint(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Keys, arguments and (with UpdateEtlLibraries true) libraries; the endpoint is UPDATING, then READY or FAILED.

    InvalidInputException while the endpoint is PROVISIONING or UPDATING.
    """
    with updating_record(ctx, DEV_ENDPOINT, params["EndpointName"]) as record:
        status = _current(record)["Status"]
        if status in ("PROVISIONING", "UPDATING"):
            raise InvalidInputException(f"Dev endpoint {record['EndpointName']} is {status} and cannot be updated.")
        _update_keys(record, params)
        arguments = {k: v for k, v in (record.get("Arguments") or {}).items()
                     if k not in (params.get("DeleteArguments") or [])}
        arguments.update(params.get("AddArguments") or {})
        _check_python(record["GlueVersion"], arguments)
        if arguments:
            record["Arguments"] = arguments
        else:
            record.pop("Arguments", None)
        if params.get("UpdateEtlLibraries"):
            for member, value in (params.get("CustomLibraries") or {}).items():
                record[member] = value
        record["LastModifiedTimestamp"] = now()
        _begin(ctx, record, "UPDATING")
    return {}


def delete_dev_endpoint(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    delete_record(ctx, DEV_ENDPOINT, params["EndpointName"])
    tagging.drop_tags(ctx, dev_endpoint_arn(ctx, params["EndpointName"]))
    return {}


def _exists(ctx: RequestContext, account: str, parts: list[str]) -> bool:
    return len(parts) == 1 and find_record(ctx, DEV_ENDPOINT, parts[0]) is not None


tagging.register("devEndpoint", _exists)
