"""ML transform definitions: CreateMLTransform, GetMLTransform, GetMLTransforms, ListMLTransforms,
UpdateMLTransform, DeleteMLTransform.

A transform is stored as GetMLTransform returns it, under its TransformId (`tfm-` and 32 hex digits). Its Schema
is read from its input table (the first of InputRecordTables: columns then partition keys, DataType = the
column's Hive type), which must exist (EntityNotFoundException). Names are unique (AlreadyExistsException).
Status is NOT_READY until labels are imported (StartImportLabelsTaskRun), READY after: evaluation needs labels
(MLTransformNotReadyException before).

Checks (the CreateMLTransform reference, InvalidInputException): FIND_MATCHES needs FindMatchesParameters with
a PrimaryKeyColumnName that is a column of the schema; MaxCapacity (2 to 100 DPUs, 10 by default) excludes
WorkerType and NumberOfWorkers, which go together (MaxCapacity is then set from them: the worker type's DPUs
times the workers); TransformEncryption's SSE-KMS needs a KmsKeyId and its TaskRunSecurityConfigurationName
must name an existing security configuration. Defaults as documented: Description "", GlueVersion 0.9, Timeout 2880 minutes,
MaxRetries 0.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from .. import tagging
from ..catalog.common import require_table
from ..clock import now
from ..context import RequestContext
from ..errors import InvalidInputException
from ..governance import require_security_configuration
from ..pagination import paginate
from ..records import RecordKind, all_records, create_record, delete_record, find_record, require_record

ML_TRANSFORM = RecordKind("ml-transform", "Transform")
# A transform's task runs (parent: its TransformId) and its labels (one record named by its TransformId).
ML_TASK_RUN = RecordKind("ml-task-run", "Task run")
LABELS = RecordKind("ml-labels", "Labels")
DEFAULTS = {"Description": "", "GlueVersion": "0.9", "Timeout": 2880, "MaxRetries": 0}
DEFAULT_MAX_CAPACITY = 10.0
WORKER_DPUS = {"Standard": 1.0, "G.1X": 1.0, "G.2X": 2.0, "G.025X": 0.25, "G.4X": 4.0, "G.8X": 8.0, "Z.2X": 2.0}
_SETTINGS = ("Description", "Role", "GlueVersion", "Timeout", "MaxRetries")
_SORT_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "NAME": lambda t: t["Name"], "TRANSFORM_TYPE": lambda t: t["Parameters"]["TransformType"],
    "STATUS": lambda t: t["Status"], "CREATED": lambda t: t["CreatedOn"], "LAST_MODIFIED": lambda t: t["LastModifiedOn"],
}


def transform_arn(ctx: RequestContext, transform_id: str) -> str:
    return tagging.resource_arn(ctx, f"mlTransform/{transform_id}")


def require_transform(ctx: RequestContext, transform_id: str) -> dict[str, Any]:
    """The stored transform; EntityNotFoundException for an unknown TransformId."""
    return require_record(ctx, ML_TRANSFORM, transform_id)


def save_transform(ctx: RequestContext, transform: dict[str, Any]) -> None:
    ctx.store.put(ctx.scope, ML_TRANSFORM.kind, "", transform["TransformId"], transform)


def _schema(ctx: RequestContext, tables: list[dict[str, Any]]) -> list[dict[str, str]]:
    if not tables:
        raise InvalidInputException("InputRecordTables must name the transform's input table.")
    first = tables[0]
    table = require_table(ctx, first.get("CatalogId") or ctx.account, first["DatabaseName"], first["TableName"])
    columns = (table.get("StorageDescriptor") or {}).get("Columns", []) + table.get("PartitionKeys", [])
    return [{"Name": column["Name"], "DataType": column.get("Type", "")} for column in columns]


def _check_parameters(parameters: dict[str, Any], schema: list[dict[str, str]]) -> None:
    key = (parameters.get("FindMatchesParameters") or {}).get("PrimaryKeyColumnName")
    if not key:
        raise InvalidInputException("FindMatchesParameters.PrimaryKeyColumnName is required for FIND_MATCHES.")
    if key not in {column["Name"] for column in schema}:
        raise InvalidInputException(f"PrimaryKeyColumnName {key} is not a column of the input table.")


def _capacity(spec: dict[str, Any]) -> dict[str, Any]:
    worker_type, workers, capacity = spec.get("WorkerType"), spec.get("NumberOfWorkers"), spec.get("MaxCapacity")
    if worker_type is None and workers is None:
        capacity = DEFAULT_MAX_CAPACITY if capacity is None else capacity
        if not 2 <= capacity <= 100:
            raise InvalidInputException("MaxCapacity must be between 2 and 100 DPUs.")
        return {"MaxCapacity": float(capacity)}
    if capacity is not None:
        raise InvalidInputException("MaxCapacity cannot be set with WorkerType and NumberOfWorkers.")
    if worker_type is None or workers is None:
        raise InvalidInputException("WorkerType and NumberOfWorkers must be given together.")
    if workers < 1:
        raise InvalidInputException("NumberOfWorkers must be at least 1.")
    return {"WorkerType": worker_type, "NumberOfWorkers": workers, "MaxCapacity": WORKER_DPUS[worker_type] * workers}


def _check_retries(spec: dict[str, Any]) -> None:
    if (spec.get("MaxRetries") or 0) < 0:
        raise InvalidInputException("MaxRetries must not be negative.")


def _check_encryption(ctx: RequestContext, encryption: dict[str, Any] | None) -> None:
    if not encryption:
        return
    user_data = encryption.get("MlUserDataEncryption") or {}
    if user_data.get("MlUserDataEncryptionMode") == "SSE-KMS" and not user_data.get("KmsKeyId"):
        raise InvalidInputException("MlUserDataEncryption: KmsKeyId is required when MlUserDataEncryptionMode is "
                                    "SSE-KMS.")
    require_security_configuration(ctx, encryption.get("TaskRunSecurityConfigurationName"),
                                   "TaskRunSecurityConfigurationName")


def _check_name_free(ctx: RequestContext, name: str, transform_id: str | None = None) -> None:
    if any(t["Name"] == name and t["TransformId"] != transform_id for _, t in all_records(ctx, ML_TRANSFORM)):
        raise ML_TRANSFORM.already_exists(name)


def create_ml_transform(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{TransformId} of the new NOT_READY transform."""
    schema = _schema(ctx, params["InputRecordTables"])
    _check_parameters(params["Parameters"], schema)
    _check_retries(params)
    _check_encryption(ctx, params.get("TransformEncryption"))
    transform_id = f"tfm-{uuid.uuid4().hex}"
    created = now()
    transform: dict[str, Any] = {
        "TransformId": transform_id, "Name": params["Name"], "Status": "NOT_READY", "CreatedOn": created,
        "LastModifiedOn": created, "InputRecordTables": params["InputRecordTables"],
        "Parameters": params["Parameters"], "LabelCount": 0, "Schema": schema, **DEFAULTS,
        **{member: params[member] for member in _SETTINGS if params.get(member) is not None},
        **_capacity(params),
    }
    if params.get("TransformEncryption"):
        transform["TransformEncryption"] = params["TransformEncryption"]
    with ctx.store.transaction():
        _check_name_free(ctx, params["Name"])
        create_record(ctx, ML_TRANSFORM, transform_id, transform)
        tagging.set_tags(ctx, transform_arn(ctx, transform_id), params.get("Tags"))
    return {"TransformId": transform_id}


def get_ml_transform(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return require_transform(ctx, params["TransformId"])


def update_ml_transform(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Members given replace the current ones (capacity as a whole when any capacity member is given)."""
    with ctx.store.transaction():
        transform = require_transform(ctx, params["TransformId"])
        if params.get("Name"):
            _check_name_free(ctx, params["Name"], transform["TransformId"])
            transform["Name"] = params["Name"]
        if params.get("Parameters"):
            _check_parameters(params["Parameters"], transform["Schema"])
            transform["Parameters"] = params["Parameters"]
        _check_retries(params)
        transform.update({member: params[member] for member in _SETTINGS if params.get(member) is not None})
        if any(params.get(m) is not None for m in ("MaxCapacity", "WorkerType", "NumberOfWorkers")):
            for member in ("MaxCapacity", "WorkerType", "NumberOfWorkers"):
                transform.pop(member, None)
            transform.update(_capacity(params))
        transform["LastModifiedOn"] = now()
        save_transform(ctx, transform)
    return {"TransformId": transform["TransformId"]}


def delete_ml_transform(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete the transform with its labels, task runs and tags; {TransformId}."""
    transform_id = params["TransformId"]
    with ctx.store.transaction():
        delete_record(ctx, ML_TRANSFORM, transform_id)
        ctx.store.delete(ctx.scope, LABELS.kind, "", transform_id)
        for run_id, _ in all_records(ctx, ML_TASK_RUN, transform_id):
            ctx.store.delete(ctx.scope, ML_TASK_RUN.kind, transform_id, run_id)
        tagging.drop_tags(ctx, transform_arn(ctx, transform_id))
    return {"TransformId": transform_id}


def _matches(transform: dict[str, Any], criteria: dict[str, Any]) -> bool:
    """GetMLTransforms' and ListMLTransforms' Filter: every criterion given holds."""
    schema = {(column["Name"], column["DataType"]) for column in transform["Schema"]}
    checks: dict[str, Callable[[Any], bool]] = {
        "Name": lambda v: transform["Name"] == v,
        "TransformType": lambda v: transform["Parameters"]["TransformType"] == v,
        "Status": lambda v: transform["Status"] == v,
        "GlueVersion": lambda v: transform["GlueVersion"] == v,
        "CreatedBefore": lambda v: transform["CreatedOn"] < v,
        "CreatedAfter": lambda v: transform["CreatedOn"] > v,
        "LastModifiedBefore": lambda v: transform["LastModifiedOn"] < v,
        "LastModifiedAfter": lambda v: transform["LastModifiedOn"] > v,
        "Schema": lambda v: {(column["Name"], column.get("DataType", "")) for column in v} <= schema,
    }
    return all(check(criteria[member]) for member, check in checks.items() if criteria.get(member) is not None)


def _page(ctx: RequestContext, params: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the transforms matching Filter (and Tags), in Sort's order (by name when not given)."""
    tags = params.get("Tags")
    chosen = [t for _, t in all_records(ctx, ML_TRANSFORM) if _matches(t, params.get("Filter") or {})
              and (not tags or tags.items() <= tagging.tags_of(ctx, transform_arn(ctx, t["TransformId"])).items())]
    sort = params.get("Sort") or {"Column": "NAME", "SortDirection": "ASCENDING"}
    chosen.sort(key=lambda t: (_SORT_KEYS[sort["Column"]](t), t["TransformId"]),
                reverse=sort["SortDirection"] == "DESCENDING")
    # Tokens hold a position in this order (the sort may be descending; paginate compares keys ascending).
    page, token = paginate(list(enumerate(chosen)), params.get("NextToken"), params.get("MaxResults"),
                           ML_TRANSFORM.page_cap, key=lambda row: row[0])
    return [transform for _, transform in page], token


def get_ml_transforms(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    page, token = _page(ctx, params)
    result: dict[str, Any] = {"Transforms": page}
    if token:
        result["NextToken"] = token
    return result


def list_ml_transforms(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    page, token = _page(ctx, params)
    result: dict[str, Any] = {"TransformIds": [transform["TransformId"] for transform in page]}
    if token:
        result["NextToken"] = token
    return result


def _exists(ctx: RequestContext, account: str, parts: list[str]) -> bool:
    return len(parts) == 1 and find_record(ctx, ML_TRANSFORM, parts[0]) is not None


tagging.register("mlTransform", _exists)
