"""Helpers the tests share: waiting that fails loudly, jobs from code, and the Glue workflow vocabulary.

Every wait here raises AssertionError on timeout, naming what it waited for and the last value it saw:
a test never goes on with a value that is not the one it waited for. Fixtures live in conftest.py.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import textwrap
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from emulator.context import RequestContext

T = TypeVar("T")

ROLE = "arn:aws:iam::123456789012:role/GlueRole"
FINAL_JOB_STATES = frozenset({"SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR"})
# The environment of a test module's own server (conftest's `server`): one Glue minute per second, responses
# checked against the API's shapes, no Spark warmed up (for modules that run no glueetl job).
FAST_ENV = {
    "GLUE_EMULATOR_TIME_SCALE": "60",
    "GLUE_EMULATOR_VALIDATE_RESPONSES": "1",
    "GLUE_EMULATOR_SPARK_PREWARM": "0",
}
# FAST_ENV with a clock 20 times as fast, for tests acting on a dev endpoint while it is PROVISIONING or UPDATING:
# its 60 Glue seconds of transition last 3 real seconds. At 60x (1 s) a loaded machine can let the transition end
# between two of the test's requests.
TRANSITION_ENV = {**FAST_ENV, "GLUE_EMULATOR_TIME_SCALE": "20"}


# Seconds the waits for a pythonshell run, a crawl or a workflow run of a few of them allow by default. Each script
# is a new Python process (measured by coverage in CI): seconds apiece on a loaded 2-core machine, where a workflow
# runs several in turn. A wait returns as soon as its condition holds, so only a failing test waits this long.
RUN_WAIT = 90.0


def load_module(path: Path, name: str) -> Any:
    """The Python file at `path` imported as a module called `name` (an example script the tests drive)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def wait_until(
    read: Callable[[], T],
    what: str,
    *,
    until: Callable[[T], object] = bool,
    timeout: float = 30.0,
    interval: float = 0.05,
) -> T:
    """Call `read` until `until(value)` holds and return that value.

    Raises AssertionError after `timeout` seconds, with `what` and the last value read.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if until(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}; last seen: {value!r}")
        time.sleep(interval)


def wait_for_events(events: list[T], count: int, what: str = "events", timeout: float = 20.0) -> list[T]:
    """The list a callback appends to, once it holds at least `count` items."""
    return wait_until(lambda: list(events), f"{count} {what}", until=lambda seen: len(seen) >= count,
                      timeout=timeout, interval=0.01)


def in_threads(task: Callable[[], T], count: int) -> list[T]:
    """Run `task` in `count` threads at once; their results, or the first exception one of them raised."""
    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(task) for _ in range(count)]
        return [future.result() for future in futures]


@contextmanager
def refused_port() -> Iterator[int]:
    """A loopback port that refuses connections for as long as the block runs: bound, never listening (Linux
    answers a connection to it with a reset). A port found free and closed again could be taken meanwhile."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


# -- jobs -------------------------------------------------------------------------------------------


def put_script(s3: Any, key: str, code: str, bucket: str = "scripts") -> str:
    """Upload a script (dedented) to the emulator's S3, creating the bucket if needed; its s3:// URI."""
    if bucket not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
        s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key=key, Body=textwrap.dedent(code).encode())
    return f"s3://{bucket}/{key}"


def shell_job(glue: Any, s3: Any, name: str, code: str = "print('ok')", **extra: Any) -> str:
    """CreateJob of a pythonshell job whose script is `code` (at s3://scripts/<name>.py); its name."""
    location = put_script(s3, f"{name}.py", code)
    glue.create_job(Name=name, Role=ROLE, Command={"Name": "pythonshell", "ScriptLocation": location}, **extra)
    return name


def spark_job(glue: Any, s3: Any, name: str, code: str, **extra: Any) -> str:
    """CreateJob of a glueetl job whose script is `code` (at s3://scripts/<name>.py); its name."""
    location = put_script(s3, f"{name}.py", code)
    glue.create_job(Name=name, Role=ROLE, Command={"Name": "glueetl", "ScriptLocation": location}, **extra)
    return name


def run_to_end(glue: Any, job: str, timeout: float = 300, **params: Any) -> dict[str, Any]:
    """StartJobRun with `params`, then the JobRun once it has ended (the first glueetl run waits for
    the Spark pool to warm up, hence the long default timeout: a driver's start on a loaded 2-core machine under
    coverage has taken over 100 s, and the run itself a minute more)."""
    run_id = glue.start_job_run(JobName=job, **params)["JobRunId"]
    return wait_job_run(glue, job, run_id, timeout=timeout)


def shell_job_in_process(ctx: RequestContext, name: str, code: str | None = None, **extra: Any) -> None:
    """The same job created through the handler of an in-process emulator; without code the script is
    missing, so each run ends FAILED at once."""
    from emulator.jobs.definitions import create_job

    if code is not None:
        path = ctx.settings.data_dir / "s3" / "scripts" / f"{name}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code)
    command = {"Name": "pythonshell", "ScriptLocation": f"s3://scripts/{name}.py"}
    create_job(ctx, {"Name": name, "Role": ROLE, "Command": command, **extra})


class Gates:
    """Files that hold job runs open until the test lets each go: the way to keep a run in progress (and its
    concurrency slot taken) for as long as a test looks at it.

    A script made by `script()` waits until the file named after its own run id (--JOB_RUN_ID), or the folder's
    `all` file, exists. A fixed `time.sleep` in its place ends on its own, and on a loaded machine it can end
    before the test has looked. `open_all()` lets every run go (conftest's `gates` fixture calls it after the test).
    """

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def script(self, then: str = "print('done')") -> str:
        """Python code that waits for its run's gate, then runs `then` (one or more lines)."""
        return textwrap.dedent(f"""\
            import os, sys, time
            gate = os.path.join({str(self.folder)!r}, sys.argv[sys.argv.index("--JOB_RUN_ID") + 1])
            while not (os.path.exists(gate) or os.path.exists(os.path.join({str(self.folder)!r}, "all"))):
                time.sleep(0.02)
        """) + textwrap.dedent(then) + "\n"

    def open(self, run_id: str) -> None:
        """Let the run `run_id` (or, when it has not started yet, that run once it starts) go on."""
        (self.folder / run_id).touch()

    def open_all(self) -> None:
        """Let every run of a `script()`, started or to come, go on."""
        (self.folder / "all").touch()


def wait_job_run(
    glue: Any,
    job: str,
    run_id: str,
    states: frozenset[str] | set[str] = FINAL_JOB_STATES,
    timeout: float = RUN_WAIT,
    interval: float = 0.05,
) -> dict[str, Any]:
    """GetJobRun every `interval` seconds until the run is in one of `states` (by default, any final state)."""
    return wait_until(
        lambda: glue.get_job_run(JobName=job, RunId=run_id)["JobRun"],
        f"job run {job}/{run_id} in {sorted(states)}",
        until=lambda run: run["JobRunState"] in states,
        timeout=timeout,
        interval=interval,
    )


@contextmanager
def spark_pool_held(server: Any, gates: Gates) -> Iterator[list[str]]:
    """Every warm Spark driver of `server` (an EmulatorServer) busy for as long as the block runs: one glueetl run
    per driver of its pool, each held by its gate; yields their run ids. Work submitted to the pool meanwhile (a
    data-quality or column statistics task) waits in its queue behind them, so it is still in progress when the
    test looks at it; a fast task would otherwise have ended already. On leaving, the holding runs are let go and
    awaited (SUCCEEDED), so the pool is free again."""
    from emulator.config import Settings

    size = int({**os.environ, **server.env}.get("GLUE_EMULATOR_SPARK_POOL_SIZE", Settings.spark_pool_size))
    glue = server.client("glue")
    job = spark_job(glue, server.client("s3"), f"hold-{uuid.uuid4().hex[:8]}", gates.script(),
                    ExecutionProperty={"MaxConcurrentRuns": size})
    # StartJobRun hands each run to the pool before it answers: the pool's queue is first in, first out.
    run_ids = [glue.start_job_run(JobName=job)["JobRunId"] for _ in range(size)]
    try:
        yield run_ids
    finally:
        for run_id in run_ids:
            gates.open(run_id)
    for run_id in run_ids:  # a Spark driver's first start under load can take minutes
        held = wait_job_run(glue, job, run_id, timeout=300)
        assert held["JobRunState"] == "SUCCEEDED", held


def wait_crawler_ready(glue: Any, name: str, timeout: float = RUN_WAIT) -> dict[str, Any]:
    """GetCrawler until the crawler is READY after at least one crawl."""
    return wait_until(
        lambda: glue.get_crawler(Name=name)["Crawler"],
        f"crawler {name} READY after a crawl",
        until=lambda crawler: crawler["State"] == "READY" and "LastCrawl" in crawler,
        timeout=timeout,
    )


def alive(pid: int) -> bool:
    """Whether process `pid` exists and is neither a zombie nor dead (read from /proc, so Linux only)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


# -- awsglue -------------------------------------------------------------------------------------------


def dynamic_frame(glue_context: Any, rows: list[Any], schema: str, name: str = "t") -> Any:
    """A DynamicFrame of `rows` (tuples) in a Spark DDL `schema` such as "id long, name string"."""
    from awsglue.dynamicframe import DynamicFrame

    return DynamicFrame.fromDF(glue_context.spark_session.createDataFrame(rows, schema), glue_context, name)


# -- triggers and workflows -------------------------------------------------------------------------


def condition(job: str, state: str = "SUCCEEDED") -> dict[str, str]:
    return {"LogicalOperator": "EQUALS", "JobName": job, "State": state}


def crawl_condition(name: str, state: str = "SUCCEEDED") -> dict[str, str]:
    return {"LogicalOperator": "EQUALS", "CrawlerName": name, "CrawlState": state}


def predicate(*conditions: dict[str, str], logical: str = "AND") -> dict[str, Any]:
    return {"Logical": logical, "Conditions": list(conditions)}


class Glue:
    """A Glue client plus what orchestration tests keep doing: jobs from code, waits, triggers."""

    def __init__(self, glue: Any, s3: Any):
        self.api = glue
        self.s3 = s3
        self._probes = 0

    def job(self, name: str, code: str = "print('ok')", **extra: Any) -> str:
        return shell_job(self.api, self.s3, name, code, **extra)

    def runs(self, job: str) -> list[dict[str, Any]]:
        """GetJobRuns: newest first."""
        return self.api.get_job_runs(JobName=job)["JobRuns"]

    def wait_runs(self, job: str, count: int = 1, timeout: float = RUN_WAIT) -> list[dict[str, Any]]:
        """The job's runs, oldest first, once at least `count` of them have ended."""
        return wait_until(
            lambda: self.runs(job)[::-1],
            f"{count} ended run(s) of job {job}",
            until=lambda runs: sum(r["JobRunState"] in FINAL_JOB_STATES for r in runs) >= count,
            timeout=timeout,
        )

    def wait_workflow_run(self, workflow: str, run_id: str, timeout: float = RUN_WAIT) -> dict[str, Any]:
        """GetWorkflowRun (with its graph) once the run is over (neither RUNNING nor STOPPING)."""
        return wait_until(
            lambda: self.api.get_workflow_run(Name=workflow, RunId=run_id, IncludeGraph=True)["Run"],
            f"workflow run {workflow}/{run_id} to end",
            until=lambda run: run["Status"] not in ("RUNNING", "STOPPING"),
            timeout=timeout,
        )

    def trigger(self, name: str, trigger_type: str, actions: list[str], **extra: Any) -> str:
        self.api.create_trigger(Name=name, Type=trigger_type, Actions=[{"JobName": j} for j in actions], **extra)
        return name

    def conditional(self, name: str, predicate: dict[str, Any], actions: list[str], **extra: Any) -> str:
        extra.setdefault("StartOnCreation", True)
        return self.trigger(name, "CONDITIONAL", actions, Predicate=predicate, **extra)

    def settle(self) -> None:
        """Return once the orchestration engine has handled every job or crawl end announced so far.

        The engine handles ends one at a time, in order. A fresh trigger chain outside any workflow
        (ON_DEMAND -> job `probe` -> CONDITIONAL -> job `probe_then`) puts one more end behind them;
        `probe_then` has a run once the engine got to it. So a trigger that was to fire on an earlier
        end has fired by now, and a test may conclude from its absence that it never will.
        """
        self._probes += 1
        if self._probes == 1:
            self.job("probe")
            self.job("probe_then")
            self.trigger("probe_start", "ON_DEMAND", ["probe"])
            self.conditional("probe_chain", predicate(condition("probe")), ["probe_then"])
        self.api.start_trigger(Name="probe_start")
        wait_until(lambda: self.runs("probe_then"), f"probe chain #{self._probes} to reach probe_then",
                   until=lambda runs: len(runs) >= self._probes, timeout=RUN_WAIT)


def nodes_by_name(run_or_workflow: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["Name"]: node for node in run_or_workflow["Graph"]["Nodes"]}


def job_runs_of(node: dict[str, Any]) -> list[dict[str, Any]]:
    return node.get("JobDetails", {}).get("JobRuns", [])


def statistics(**counts: int) -> dict[str, int]:
    """A WorkflowRunStatistics with the given counts (e.g. Total=2, Succeeded=1) and zeros elsewhere."""
    names = ("Total", "Timeout", "Failed", "Stopped", "Succeeded", "Running", "Errored", "Waiting")
    return {f"{name}Actions": counts.get(name, 0) for name in names}


# -- errors -------------------------------------------------------------------------------------------


def error_of(caught: Any) -> tuple[str, str]:
    """(Code, Message) of the botocore ClientError a `pytest.raises` block caught."""
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def s3_error_of(caught: Any) -> tuple[int, str]:
    """(HTTP status, Code) of the S3 ClientError a `pytest.raises` block caught."""
    response = caught.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]
