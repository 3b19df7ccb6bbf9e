"""Job definitions: CreateJob, UpdateJob, GetJob, GetJobs, ListJobs, BatchGetJobs, DeleteJob.

A stored job is the Job shape GetJob returns, with the defaults Glue fills in (GlueVersion 5.1,
Timeout by version, MaxRetries 0, MaxConcurrentRuns 1, capacity) already applied, so a run reads
its settings from the definition alone.
"""

from __future__ import annotations

from typing import Any

from .. import tagging
from ..clock import now
from ..context import RequestContext
from ..errors import AlreadyExistsException, EntityNotFoundException, InvalidInputException
from ..governance import require_security_configuration
from ..pagination import paginate
from ..profiles import limits as usage_limits

JOB = "job"

# Spark commands run on the warm Spark pool; pythonshell in plain Python. Glue also has glueray (Ray),
# which the emulator cannot run, and accepts any other command name at CreateJob (a run of one fails).
SPARK_COMMANDS = ("glueetl", "gluestreaming")
RUNNABLE_COMMANDS = (*SPARK_COMMANDS, "pythonshell")
RAY_COMMAND = "glueray"
DEFAULT_GLUE_VERSION = "5.1"
GLUE_VERSIONS = ("0.9", "1.0", "2.0", "3.0", "4.0", "5.0", "5.1")
# DPUs per worker, for the MaxCapacity Glue reports for WorkerType x NumberOfWorkers.
WORKER_DPUS = {"Standard": 1.0, "G.1X": 1.0, "G.2X": 2.0, "G.4X": 4.0, "G.8X": 8.0, "G.025X": 0.25, "Z.2X": 2.0}
_SPARK_WORKER_TYPES = ("Standard", "G.1X", "G.2X", "G.4X", "G.8X")
# Worker types only some commands take (the model's WorkerType documentation).
_COMMAND_WORKER_TYPES = {"gluestreaming": ("G.025X",), RAY_COMMAND: ("Z.2X",)}
PYTHONSHELL_CAPACITIES = (0.0625, 1.0)
DEFAULT_SPARK_DPUS = 10.0
MAX_TIMEOUT_MINUTES = 10080
MAX_RETRIES = 10

# Members a job definition keeps as given (the rest are derived or defaulted below).
_KEPT_MEMBERS = (
    "Description",
    "LogUri",
    "Role",
    "DefaultArguments",
    "NonOverridableArguments",
    "Connections",
    "SecurityConfiguration",
    "NotificationProperty",
    "CodeGenConfigurationNodes",
    "SourceControlDetails",
    "MaintenanceWindow",
    "JobRunQueuingEnabled",
    "ProfileName",  # set by the author's usage profile (profiles/limits.py), never by the request
)


def job_arn(ctx: RequestContext, name: str) -> str:
    return tagging.resource_arn(ctx, f"job/{name}")


def require_job(ctx: RequestContext, name: str) -> dict[str, Any]:
    job = ctx.store.get(ctx.scope, JOB, "", name)
    if job is None:
        raise EntityNotFoundException(f"Job with name: {name} not found")
    return job


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


def default_timeout(glue_version: str) -> int:
    """Minutes: 2,880 for Glue 4.0 and earlier, 480 from 5.0 on (as the API documents)."""
    return 2880 if _version_key(glue_version) <= (4, 0) else 480


def capacity(command: str, spec: dict[str, Any], base: dict[str, Any] | None = None) -> dict[str, Any]:
    """AllocatedCapacity/MaxCapacity/WorkerType/NumberOfWorkers as Glue settles them.

    `spec` holds what a CreateJob/UpdateJob (or a StartJobRun, over the job's settings in `base`)
    asks for. WorkerType and NumberOfWorkers go together and exclude MaxCapacity; Glue then reports
    MaxCapacity as workers x DPUs per worker.
    """
    if "MaxCapacity" in spec and "AllocatedCapacity" in spec:  # AllocatedCapacity is the deprecated spelling
        raise InvalidInputException("Please set only Allocated Capacity or Max Capacity")
    worker_type, workers = spec.get("WorkerType"), spec.get("NumberOfWorkers")
    max_capacity = spec.get("MaxCapacity", spec.get("AllocatedCapacity"))
    if base is not None and max_capacity is None:  # a run's override of only one member keeps the other
        if workers is not None and worker_type is None:
            worker_type = base.get("WorkerType")
        if worker_type is not None and workers is None:
            workers = base.get("NumberOfWorkers")
    if (worker_type is None) != (workers is None):
        raise InvalidInputException("Please set both Worker Type and Number of Workers.")
    if worker_type is not None and "MaxCapacity" in spec:
        raise InvalidInputException("Please set either Max Capacity or Worker Type and Number of Workers, not both.")
    if base is not None and worker_type is None and max_capacity is None:
        return {k: base[k] for k in ("AllocatedCapacity", "MaxCapacity", "WorkerType", "NumberOfWorkers") if k in base}
    if command == "pythonshell":
        if worker_type is not None:
            raise InvalidInputException("Worker Type is not supported for Python shell jobs; set MaxCapacity instead.")
        dpus = PYTHONSHELL_CAPACITIES[0] if max_capacity is None else float(max_capacity)
        if dpus not in PYTHONSHELL_CAPACITIES:
            raise InvalidInputException("Python shell jobs accept a MaxCapacity of 0.0625 or 1 DPU.")
        return {"AllocatedCapacity": 0, "MaxCapacity": dpus}
    if worker_type is not None:
        allowed = _SPARK_WORKER_TYPES + _COMMAND_WORKER_TYPES.get(command, ())
        if command in RUNNABLE_COMMANDS and worker_type not in allowed:
            kind = "Ray" if worker_type == "Z.2X" else "streaming"
            raise InvalidInputException(f"Worker Type {worker_type} is only supported for {kind} jobs.")
        minimum = 2 if worker_type != "Standard" else 1
        if workers < minimum:
            raise InvalidInputException(
                f"To use Worker Type {worker_type}, minimum allowed value of Number of Workers is {minimum}."
            )
        dpus = workers * WORKER_DPUS.get(worker_type, 1.0)
        return {
            "AllocatedCapacity": int(dpus),
            "MaxCapacity": dpus,
            "WorkerType": worker_type,
            "NumberOfWorkers": workers,
        }
    dpus = DEFAULT_SPARK_DPUS if max_capacity is None else float(max_capacity)
    if command in SPARK_COMMANDS and (not 2 <= dpus <= 100 or dpus != int(dpus)):
        raise InvalidInputException("Max Capacity for a Spark job must be a whole number of DPUs from 2 to 100.")
    return {"AllocatedCapacity": int(dpus), "MaxCapacity": dpus}


def check_timeout(minutes: int) -> int:
    if minutes > MAX_TIMEOUT_MINUTES:
        raise InvalidInputException(
            f"Timeout {minutes} is invalid: jobs must have timeout values of at most 7 days "
            f"({MAX_TIMEOUT_MINUTES} minutes)."
        )
    return minutes


def _command(spec: dict[str, Any]) -> dict[str, Any]:
    """The JobCommand as stored. Any name is accepted, as Glue accepts it; only names the emulator knows
    get defaults and checks (a run of a command it cannot run fails with a message saying so)."""
    command = dict(spec.get("Command") or {})
    name = command.setdefault("Name", "glueetl")
    if name in SPARK_COMMANDS:
        command.setdefault("PythonVersion", "3")
        if command["PythonVersion"] != "3":
            raise InvalidInputException("Spark jobs support PythonVersion 3 only.")
    elif name == "pythonshell":  # Python 3.9 on Glue (3.6 support has ended)
        command.setdefault("PythonVersion", "3.9")
    elif name == RAY_COMMAND:  # Ray jobs run Python 3.9 on the Ray2.4 runtime
        command.setdefault("PythonVersion", "3.9")
        command.setdefault("Runtime", "Ray2.4")
    return command


def _definition(name: str, spec: dict[str, Any], created: float, previous: dict[str, Any] | None) -> dict[str, Any]:
    """The stored Job for a CreateJob request or a JobUpdate (which replaces the whole definition)."""
    command = _command(spec)
    shell = command["Name"] == "pythonshell"
    if "GlueVersion" in spec:
        version = spec["GlueVersion"]
    elif previous is not None:  # UpdateJob keeps the version when the update does not name one
        version = previous["GlueVersion"]
    else:  # pythonshell on Python 3.9 is Glue "3.0", on 3.6 "1.0"
        version = ("3.0" if command["PythonVersion"] == "3.9" else "1.0") if shell else DEFAULT_GLUE_VERSION
    if command["Name"] in SPARK_COMMANDS and version not in GLUE_VERSIONS:
        raise InvalidInputException(f"Invalid GlueVersion '{version}'; valid versions: {', '.join(GLUE_VERSIONS)}.")
    retries = spec.get("MaxRetries", 0)
    if not 0 <= retries <= MAX_RETRIES:
        raise InvalidInputException(f"MaxRetries must be between 0 and {MAX_RETRIES}.")
    execution = dict(spec.get("ExecutionProperty") or {})
    execution.setdefault("MaxConcurrentRuns", 1)
    if execution["MaxConcurrentRuns"] < 1:
        raise InvalidInputException("MaxConcurrentRuns must be at least 1.")
    execution_class = spec.get("ExecutionClass", "STANDARD")
    if execution_class == "FLEX" and (command["Name"] != "glueetl" or _version_key(version) < (3, 0)):
        raise InvalidInputException("The FLEX execution class is only available to glueetl jobs of Glue 3.0 or later.")
    job: dict[str, Any] = {"Name": name, "JobMode": spec.get("JobMode", "SCRIPT")}
    job.update({m: spec[m] for m in _KEPT_MEMBERS if m in spec})
    job.update(
        CreatedOn=created,
        LastModifiedOn=created if previous is None else now(),  # a new job: one instant, as GetJob shows it
        ExecutionProperty=execution,
        Command=command,
        MaxRetries=retries,
        Timeout=check_timeout(spec.get("Timeout", default_timeout(version))),
        GlueVersion=version,
    )
    job.update(capacity(command["Name"], spec))
    if not shell:
        job["ExecutionClass"] = execution_class
    return job


def create_job(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["Name"]
    require_security_configuration(ctx, params.get("SecurityConfiguration"))
    created = now()
    spec = usage_limits.apply_to_job(ctx, params)
    tagging.check_tags(params.get("Tags"))  # before the insert: a refused tag must not leave the job
    if not ctx.store.insert(ctx.scope, JOB, "", name, _definition(name, spec, created, None)):
        raise AlreadyExistsException(f"{name} already exists.")
    tagging.set_tags(ctx, job_arn(ctx, name), params.get("Tags"))
    return {"Name": name}


def update_job(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Replace the definition (not merged, as on AWS): Role and Command must be given again."""
    name, update = params["JobName"], params["JobUpdate"]
    missing = [member for member in ("Role", "Command") if member not in update]
    if missing:
        raise InvalidInputException(
            f"JobUpdate replaces the whole job definition and must include {' and '.join(missing)}."
        )
    require_security_configuration(ctx, update.get("SecurityConfiguration"))
    with ctx.store.transaction():
        current = require_job(ctx, name)
        spec = usage_limits.apply_to_job(ctx, update)
        ctx.store.put(ctx.scope, JOB, "", name, _definition(name, spec, current["CreatedOn"], current))
    return {"JobName": name}


def get_job(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"Job": require_job(ctx, params["JobName"])}


def _jobs(ctx: RequestContext) -> list[dict[str, Any]]:
    return [job for _, job in ctx.store.list(ctx.scope, JOB, "")]


def _page(items: list[Any], params: dict[str, Any], key: Any, result_key: str) -> dict[str, Any]:
    page, token = paginate(items, params.get("NextToken"), params.get("MaxResults"), 1000, key=key)
    result: dict[str, Any] = {result_key: page}
    if token:
        result["NextToken"] = token
    return result


def get_jobs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _page(_jobs(ctx), params, lambda job: job["Name"], "Jobs")


def list_jobs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Job names, only those carrying every tag asked for (key and value) when Tags is given."""
    names = tagging.having_tags(ctx, [job["Name"] for job in _jobs(ctx)], params.get("Tags"), job_arn)
    return _page(names, params, lambda name: name, "JobNames")


def batch_get_jobs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    found, missing = ctx.store.get_each(ctx.scope, JOB, "", params["JobNames"])
    return {"Jobs": found, "JobsNotFound": missing}


def delete_job(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete a job with its run history, bookmark and tags; no error when it does not exist (as on AWS).

    Runs still in progress are stopped first: nothing could report on them once the job is gone.
    """
    from . import bookmarks
    from .runs import RunManager  # runs builds on definitions

    name = params["JobName"]
    ctx.emulator.component(RunManager).forget_job(ctx, name)
    with ctx.store.transaction():
        ctx.store.delete(ctx.scope, JOB, "", name)
        bookmarks.forget(ctx, name)
        tagging.drop_tags(ctx, job_arn(ctx, name))
    return {"JobName": name}


def _job_exists(ctx: RequestContext, account: str, path: list[str]) -> bool:
    return ctx.store.get(f"{account}/{ctx.region}", JOB, "", "/".join(path)) is not None


tagging.register("job", _job_exists)
