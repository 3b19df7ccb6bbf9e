"""The emulator's own work on the warm Spark drivers: data-quality evaluations, recommendations, column statistics.

Glue runs these on its own Spark capacity; we run them on the same pool as glueetl job runs (spark_pool.py), so
they wait for a free driver like a run does and never start a JVM of their own. A task is a function
`module:function(spark: SparkSession, payload: dict) -> JSON-able result`, run on a driver by a small generated
script; the result comes back to the server through a JSON file, the task's print output goes to its log folder
(`output` and `error` files, as a job run's). The caller's account and region reach boto3 inside the task as they
reach a job's script (see `aws_environment`), so a task can read the catalog through the emulator's API.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .executor import RunHandle, RunOutcome, RunSpec

if TYPE_CHECKING:
    from ..config import Settings
    from ..core import Emulator

# The emulator's source root: the task's script imports the task function from this same emulator.
_SOURCE_ROOT = str(Path(__file__).resolve().parents[2])
_SCRIPT = """\
import importlib, json, os, sys
sys.path.insert(0, {root!r})
from pyspark.sql import SparkSession
with open({payload!r}) as f:
    payload = json.load(f)
task = getattr(importlib.import_module({module!r}), {function!r})
result = task(SparkSession.builder.getOrCreate(), payload)
with open({result!r} + ".tmp", "w") as f:
    json.dump(result, f)
os.replace({result!r} + ".tmp", {result!r})
"""


@dataclass(frozen=True)
class TaskOutcome:
    state: str  # SUCCEEDED, FAILED, TIMEOUT or STOPPED (as a job run's)
    error_message: str | None = None
    result: Any = None  # what the task function returned, when SUCCEEDED


def aws_environment(settings: Settings, account: str, region: str) -> dict[str, str]:
    """The environment that makes boto3 inside a run or task reach this emulator as the caller's account and region."""
    return {
        "AWS_ENDPOINT_URL": settings.endpoint,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_ACCESS_KEY_ID": account,
        "AWS_SECRET_ACCESS_KEY": settings.run_secret,  # accepted when SigV4 is verified
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def run_spark_task(
    emulator: Emulator,
    *,
    task_id: str,
    target: str,
    payload: dict[str, Any],
    account: str,
    region: str,
    log_dir: Path,
    timeout_seconds: float,
    on_done: Callable[[TaskOutcome], None],
    dedicated: bool = False,
    spark_conf: dict[str, str] | None = None,
    extra_py_files: list[Path] | None = None,
) -> RunHandle:
    """Run `target` ("package.module:function") on a warm Spark driver; `on_done` is called exactly once.

    Returns at once with a handle whose `stop()` ends the task STOPPED. `payload` must be JSON-able; the task
    function's return value arrives as `TaskOutcome.result`. A task that raises ends FAILED with the exception as
    its error message (the traceback is in `log_dir/error`). `timeout_seconds` is in real seconds.
    A `dedicated` task (an interactive session, which lives until stopped) holds its driver for its lifetime; the
    pool grows by one when job runs would otherwise wait behind it (SparkPool.lend). `spark_conf` and `extra_py_files` are applied
    as a job run's `--conf` and `--extra-py-files` are (an interactive session's DefaultArguments).
    Raises RunSetupError (jobs/arguments.py) when Spark cannot run at all (no Java, the pool cannot load).
    """
    from .spark_pool import SparkPool

    module, _, function = target.partition(":")
    log_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"task-{task_id}-", dir=_tasks_dir(emulator)))
    payload_file, result_file, script = work / "payload.json", work / "result.json", work / "task.py"
    payload_file.write_text(json.dumps(payload))
    script.write_text(_SCRIPT.format(root=_SOURCE_ROOT, payload=str(payload_file), module=module,
                                     function=function, result=str(result_file)))

    def ended(outcome: RunOutcome) -> None:
        result = None
        if outcome.state == "SUCCEEDED":
            try:
                result = json.loads(result_file.read_text())
            except (OSError, ValueError) as exc:
                outcome = RunOutcome("FAILED", f"The task ended without a result: {exc}")
        shutil.rmtree(work, ignore_errors=True)
        on_done(TaskOutcome(outcome.state, outcome.error_message, result))

    spec = RunSpec(
        run_id=task_id,
        job_name=task_id,
        command="glueetl",
        script=script,
        argv=[str(script)],
        env=aws_environment(emulator.settings, account, region),
        timeout_seconds=timeout_seconds,
        log_dir=log_dir,
        extra_py_files=list(extra_py_files or []),
        spark_conf=dict(spark_conf or {}),
    )
    pool = emulator.component(SparkPool)
    return (pool.lend if dedicated else pool.submit)(spec, ended)


def _tasks_dir(emulator: Emulator) -> Path:
    path = (emulator.settings.data_dir / "spark" / "tasks").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path
