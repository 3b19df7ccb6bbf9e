"""ML task runs and labels: StartMLEvaluationTaskRun, StartMLLabelingSetGenerationTaskRun,
StartImportLabelsTaskRun, StartExportLabelsTaskRun, GetMLTaskRun, GetMLTaskRuns, CancelMLTaskRun.

Every task run ends before its Start call answers (SUCCEEDED or FAILED), and is kept under its transform as
GetMLTaskRun returns it (TaskRunId `tsk-` and 32 hex digits that sort by start time, Properties, StartedOn, CompletedOn, ExecutionTime
in seconds, ErrorString when FAILED).

- Evaluation and labeling set generation need AWS Glue's machine learning, which does not exist locally: their
  runs FAIL with an ErrorString saying so (never a made-up result). Evaluation of a transform without labels is
  refused with MLTransformNotReadyException.
- Labels are real. StartImportLabelsTaskRun reads the CSV labeling file(s) at InputS3Path on the local S3 (one
  object, or every object under a prefix), in the documented labeling-file form: a header with `labeling_set_id`,
  `label` and columns of the transform's schema. They are kept with the transform (ReplaceAllLabels replaces
  them, otherwise they are added); LabelCount counts the labeled records and the transform becomes READY. A
  missing file, another header or a bucket that does not exist FAILS the run with an ErrorString.
  StartExportLabelsTaskRun writes the labels in the same form to `<OutputS3Path>/labels.csv`.
- CancelMLTaskRun answers the run's (final) status: there is never a run in progress to stop.
"""

from __future__ import annotations

import csv
import io
import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..clock import now
from ..context import RequestContext
from ..errors import AwsError, InvalidInputException
from ..pagination import paginate
from ..records import all_records, find_record, put_record, require_record
from ..s3.layout import valid_bucket_name
from ..s3.storage import storage
from .transforms import LABELS, ML_TASK_RUN, require_transform, save_transform

LABEL_COLUMNS = ("labeling_set_id", "label")
EXPORT_FILE = "labels.csv"
NO_MACHINE_LEARNING = (
    "glue-emulator cannot run {task}: it needs AWS Glue's machine learning (FindMatches model training), which "
    "does not run locally. Import labels with StartImportLabelsTaskRun and export them with "
    "StartExportLabelsTaskRun; {task} works on AWS only."
)
_SORT_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "TASK_RUN_TYPE": lambda r: r["Properties"]["TaskType"], "STATUS": lambda r: r["Status"],
    "STARTED": lambda r: r["StartedOn"],
}


class MLTransformNotReadyException(AwsError):
    """The transform has no labels yet (NOT_READY)."""

    code = "MLTransformNotReadyException"


class _TaskFailed(Exception):
    """A task run's failure: its message becomes the run's ErrorString."""


def _new_run_id() -> str:
    """`tsk-`, the time in ns (16 hex digits) and 16 random ones: ids sort by start even within a millisecond."""
    return f"tsk-{time.time_ns():016x}{uuid.uuid4().hex[:16]}"


def _record_run(ctx: RequestContext, transform_id: str, properties: dict[str, Any],
                task: Callable[[], None] | None) -> dict[str, Any]:
    """Run `task` (None: the task cannot run here) and keep the ended run; {TaskRunId}."""
    started, clock = now(), time.monotonic()
    run: dict[str, Any] = {"TransformId": transform_id, "TaskRunId": _new_run_id(),
                           "Properties": properties, "StartedOn": started}
    try:
        if task is None:
            raise _TaskFailed(NO_MACHINE_LEARNING.format(task=properties["TaskType"].replace("_", " ").lower()))
        task()
        run["Status"] = "SUCCEEDED"
    except _TaskFailed as failure:
        run["Status"], run["ErrorString"] = "FAILED", str(failure)
    ended = now()
    run.update(CompletedOn=ended, LastModifiedOn=ended, ExecutionTime=int(time.monotonic() - clock))
    put_record(ctx, ML_TASK_RUN, run["TaskRunId"], run, parent=transform_id)
    return {"TaskRunId": run["TaskRunId"]}


def _check_s3_path(member: str, path: str) -> None:
    if not path.startswith("s3://") or not valid_bucket_name(path.removeprefix("s3://").partition("/")[0]):
        raise InvalidInputException(f"{member} must be an s3:// path: {path}")


def start_ml_evaluation_task_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    transform = require_transform(ctx, params["TransformId"])
    if transform["Status"] != "READY":
        raise MLTransformNotReadyException(f"Transform {transform['TransformId']} is not ready: import labels first.")
    return _record_run(ctx, transform["TransformId"], {"TaskType": "EVALUATION"}, None)


def start_ml_labeling_set_generation_task_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    transform = require_transform(ctx, params["TransformId"])
    _check_s3_path("OutputS3Path", params["OutputS3Path"])
    properties = {"TaskType": "LABELING_SET_GENERATION",
                  "LabelingSetGenerationTaskRunProperties": {"OutputS3Path": params["OutputS3Path"]}}
    return _record_run(ctx, transform["TransformId"], properties, None)


def _local_path(ctx: RequestContext, path: str) -> Path:
    """The file or folder of an s3:// path on the local S3; _TaskFailed when its bucket does not exist."""
    bucket, _, key = path.removeprefix("s3://").partition("/")
    if storage(ctx).bucket(bucket) is None:
        raise _TaskFailed(f"The bucket of {path} does not exist.")
    folder = storage(ctx).layout.bucket_dir(bucket)
    if not key.strip("/"):
        return folder
    try:
        return storage(ctx).layout.locate(bucket, key.rstrip("/")).path
    except AwsError as exc:
        raise _TaskFailed(f"{path} cannot be read: {exc.message}") from None


def _label_files(ctx: RequestContext, path: str) -> list[Path]:
    target = _local_path(ctx, path)
    if target.is_file():
        return [target]
    files = sorted(p for p in target.rglob("*") if p.is_file() and not p.name.startswith((".", "_"))) \
        if target.is_dir() else []
    if not files:
        raise _TaskFailed(f"No labeling file found at {path}.")
    return files


def _read_labels(ctx: RequestContext, path: str, schema: list[dict[str, str]]) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the labeling files at `path`, all of one header with the label columns."""
    known = {column["Name"] for column in schema}
    header: list[str] | None = None
    rows: list[list[str]] = []
    for file in _label_files(ctx, path):
        reader = csv.reader(io.StringIO(file.read_text(encoding="utf-8", errors="replace")))
        file_header = next(reader, None)
        if not file_header or any(column not in file_header for column in LABEL_COLUMNS):
            raise _TaskFailed(f"{file.name}: a labeling file's header must include {' and '.join(LABEL_COLUMNS)}.")
        unknown = [c for c in file_header if c not in known and c not in LABEL_COLUMNS]
        if unknown:
            raise _TaskFailed(f"{file.name}: columns not in the transform's schema: {', '.join(unknown)}.")
        if header is not None and file_header != header:
            raise _TaskFailed(f"{file.name}: its header differs from the other labeling files'.")
        header = file_header
        rows += [row for row in reader if row]
    return header or [], rows


def start_import_labels_task_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    transform = require_transform(ctx, params["TransformId"])
    path, replace = params["InputS3Path"], bool(params.get("ReplaceAllLabels"))
    _check_s3_path("InputS3Path", path)
    transform_id = transform["TransformId"]

    def load() -> None:
        header, rows = _read_labels(ctx, path, transform["Schema"])
        kept = None if replace else find_record(ctx, LABELS, transform_id)
        if kept and kept["Header"] != header:
            raise _TaskFailed("The labels' columns differ from those imported before: use ReplaceAllLabels.")
        labels = {"Header": header, "Rows": (kept["Rows"] if kept else []) + rows}
        put_record(ctx, LABELS, transform_id, labels)
        transform.update(LabelCount=len(labels["Rows"]), Status="READY" if labels["Rows"] else "NOT_READY",
                         LastModifiedOn=now())
        save_transform(ctx, transform)

    properties = {"TaskType": "IMPORT_LABELS",
                  "ImportLabelsTaskRunProperties": {"InputS3Path": path, "Replace": replace}}
    return _record_run(ctx, transform_id, properties, load)


def start_export_labels_task_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    transform = require_transform(ctx, params["TransformId"])
    path = params["OutputS3Path"]
    _check_s3_path("OutputS3Path", path)

    def export() -> None:
        labels = find_record(ctx, LABELS, transform["TransformId"]) or {
            "Header": [*LABEL_COLUMNS, *(column["Name"] for column in transform["Schema"])], "Rows": []}
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(labels["Header"])
        writer.writerows(labels["Rows"])
        target = _local_path(ctx, path.rstrip("/") + "/" + EXPORT_FILE)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}")
        partial.write_text(out.getvalue(), encoding="utf-8")
        os.replace(partial, target)  # readers see the whole file or none

    properties = {"TaskType": "EXPORT_LABELS", "ExportLabelsTaskRunProperties": {"OutputS3Path": path}}
    return _record_run(ctx, transform["TransformId"], properties, export)


def _require_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    require_transform(ctx, params["TransformId"])
    return require_record(ctx, ML_TASK_RUN, params["TaskRunId"], parent=params["TransformId"])


def get_ml_task_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _require_run(ctx, params)


def cancel_ml_task_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{TransformId, TaskRunId, Status}: every run has ended, so its status stays."""
    run = _require_run(ctx, params)
    return {member: run[member] for member in ("TransformId", "TaskRunId", "Status")}


def _matches(run: dict[str, Any], criteria: dict[str, Any]) -> bool:
    checks: dict[str, Callable[[Any], bool]] = {
        "TaskRunType": lambda v: run["Properties"]["TaskType"] == v, "Status": lambda v: run["Status"] == v,
        "StartedBefore": lambda v: run["StartedOn"] < v, "StartedAfter": lambda v: run["StartedOn"] > v,
    }
    return all(check(criteria[member]) for member, check in checks.items() if criteria.get(member) is not None)


def get_ml_task_runs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The transform's runs matching Filter, newest first unless Sort says otherwise, paged."""
    transform_id = require_transform(ctx, params["TransformId"])["TransformId"]
    runs = [run for _, run in all_records(ctx, ML_TASK_RUN, transform_id) if _matches(run, params.get("Filter") or {})]
    sort = params.get("Sort") or {"Column": "STARTED", "SortDirection": "DESCENDING"}
    runs.sort(key=lambda r: (_SORT_KEYS[sort["Column"]](r), r["TaskRunId"]),
              reverse=sort["SortDirection"] == "DESCENDING")
    page, token = paginate(list(enumerate(runs)), params.get("NextToken"), params.get("MaxResults"),
                           ML_TASK_RUN.page_cap, key=lambda row: row[0])
    result: dict[str, Any] = {"TaskRuns": [run for _, run in page]}
    if token:
        result["NextToken"] = token
    return result
