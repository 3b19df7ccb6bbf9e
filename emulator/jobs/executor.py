"""The contract between the run lifecycle (runs.py) and what actually runs a script.

The lifecycle hands an executor a RunSpec and a callback; the executor runs the script
(pythonshell in a plain Python process, glueetl and gluestreaming on a warm Spark driver) and calls back exactly
once with the outcome. The lifecycle owns states, timeouts bookkeeping and retries; executors
own processes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class RunSpec:
    run_id: str
    job_name: str
    command: str  # "glueetl", "gluestreaming" or "pythonshell"
    script: Path  # the script as a local file (resolved from Command.ScriptLocation in the local S3)
    argv: list[str]  # sys.argv as Glue builds it: [script, "--JOB_NAME", name, "--JOB_RUN_ID", id, ...]
    env: dict[str, str]  # extra environment: AWS endpoint/region/credentials pointing at the emulator
    timeout_seconds: float  # real seconds (already scaled by the emulator's time scale)
    log_dir: Path  # where the executor writes the run's stdout ("output") and stderr ("error")
    extra_py_files: list[Path] = field(default_factory=list)
    extra_jars: list[Path] = field(default_factory=list)  # --extra-jars, as local files (Spark jobs)
    spark_conf: dict[str, str] = field(default_factory=dict)
    python_version: str = "3"  # the job's Command.PythonVersion ("3.9" for a pythonshell job by default)
    memory_bytes: int | None = None  # the run's memory as Glue sizes it (pythonshell: MaxCapacity x 16 GB)


@dataclass(frozen=True)
class RunOutcome:
    state: str  # SUCCEEDED, FAILED, TIMEOUT or STOPPED
    error_message: str | None = None
    metrics: dict[str, int] | None = None  # Glue's job metrics of a run with --enable-metrics (events/metrics.py)


class RunHandle(Protocol):
    def stop(self) -> None:
        """Ask the run to stop; the outcome callback then reports STOPPED."""


class Executor(Protocol):
    def submit(self, spec: RunSpec, on_done: Callable[[RunOutcome], None]) -> RunHandle:
        """Start the run (returning at once) and call `on_done` exactly once when it ends."""

    def shutdown(self) -> None:
        """Stop every worker (server shutdown)."""
