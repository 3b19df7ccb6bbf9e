"""The run lifecycle as orchestration uses it (in process): run-ended events, trigger and workflow starts.

Also unit tests of the argument rules (merge, --conf, S3 paths, --additional-python-modules).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from support import in_threads, wait_for_events
from support import shell_job_in_process as shell_job

from emulator.core import Emulator
from emulator.errors import ConcurrentRunsExceededException
from emulator.jobs import arguments as args
from emulator.jobs.runs import JOB_RUN, RunEnded, RunManager, WorkflowRef
from emulator.logs.store import LogStore


@pytest.fixture
def emulator_settings() -> dict[str, Any]:
    """The in-process emulator of these tests runs its clock 60 times as fast."""
    return {"time_scale": 60}


@pytest.fixture
def ended(emulator: Emulator) -> list[RunEnded]:
    events: list[RunEnded] = []
    emulator.component(RunManager).on_run_ended.append(events.append)
    return events


def test_subscribers_hear_of_every_ended_run_with_its_trigger_and_workflow(ctx, ended):
    shell_job(ctx, "flow", "import json, sys\nprint(json.dumps(sys.argv[1:]))\n")
    manager = ctx.emulator.component(RunManager)
    run = manager.start(ctx, "flow", trigger_name="t1", workflow=WorkflowRef("wf", "wr_1"), arguments={"--k": "v"})
    (event,) = wait_for_events(ended, 1)
    assert (event.scope, event.trigger_name, event.workflow) == (ctx.scope, "t1", ("wf", "wr_1"))
    assert event.retry_run_id is None
    assert event.run["Id"] == run["Id"] and event.run["JobRunState"] == "SUCCEEDED"
    assert event.run["TriggerName"] == "t1"
    logs = ctx.emulator.component(LogStore)
    (line,) = logs.events(ctx.scope, "/aws-glue/python-jobs/output", streams=[run["Id"]])
    passed = json.loads(line.message)
    assert passed[passed.index("--WORKFLOW_NAME") + 1] == "wf"
    assert passed[passed.index("--WORKFLOW_RUN_ID") + 1] == "wr_1"
    assert passed[passed.index("--k") + 1] == "v"


def test_triggered_runs_over_the_limit_or_of_deleted_jobs_are_recorded_not_refused(ctx, ended):
    shell_job(ctx, "busy", "import time\ntime.sleep(30)\n")
    manager = ctx.emulator.component(RunManager)
    first = manager.start(ctx, "busy")
    refused = manager.start(ctx, "busy", trigger_name="t")
    assert (refused["JobRunState"], refused["ErrorMessage"]) == ("FAILED", "Concurrent runs exceeded for busy")
    assert ctx.store.get(ctx.scope, JOB_RUN, "busy", refused["Id"])["JobRunState"] == "FAILED"
    missing = manager.start(ctx, "deleted", trigger_name="t")
    assert (missing["JobRunState"], missing["ErrorMessage"]) == ("ERROR", "Job deleted does not exist")
    assert [e.run["JobRunState"] for e in ended] == ["FAILED", "ERROR"]
    assert manager.stop(ctx, "busy", first["Id"])
    assert [e.run["JobRunState"] for e in wait_for_events(ended, 3)][2] == "STOPPED"


def test_retries_are_announced_with_the_attempt_that_follows(ctx, ended):
    shell_job(ctx, "flaky", "raise SystemExit(2)\n", MaxRetries=1)
    first = ctx.emulator.component(RunManager).start(ctx, "flaky")
    events = wait_for_events(ended, 2)
    assert [(e.run["Id"], e.retry_run_id) for e in events] == [
        (first["Id"], f"{first['Id']}_attempt_1"),
        (f"{first['Id']}_attempt_1", None),
    ]
    assert events[0].run["ErrorMessage"] == "Command failed with exit code 2"


def test_concurrent_starts_respect_the_limit(ctx):
    shell_job(ctx, "race", "import time\ntime.sleep(30)\n", ExecutionProperty={"MaxConcurrentRuns": 2})
    manager = ctx.emulator.component(RunManager)

    def start() -> str:
        try:
            manager.start(ctx, "race")
        except ConcurrentRunsExceededException as refused:  # any other exception reaches the test
            return type(refused).__name__
        return "started"

    assert sorted(in_threads(start, 6)) == ["ConcurrentRunsExceededException"] * 4 + ["started"] * 2


def test_reset_stops_runs_and_leaves_nothing(ctx, ended):
    shell_job(ctx, "wiped", "print('x', flush=True)\nimport time\ntime.sleep(60)\n")
    manager = ctx.emulator.component(RunManager)
    manager.start(ctx, "wiped")
    started = time.monotonic()
    ctx.emulator.reset()
    assert time.monotonic() - started < 30  # it stopped the run: it did not wait for the 60 s script to end
    assert ended == []
    assert ctx.store.list_scopes(JOB_RUN) == []
    assert ctx.emulator.component(LogStore).groups(ctx.scope) == []


def test_arguments_merge_key_by_key():
    job = {"DefaultArguments": {"--a": "1", "--b": "1"}, "NonOverridableArguments": {"--c": "3"}}
    assert args.merge(job, {"--b": "2", "--c": "x", "--d": "2"}) == {"--a": "1", "--b": "2", "--c": "3", "--d": "2"}


def test_glue_arguments_cannot_be_overridden_and_spark_jobs_get_a_bookmark_option():
    job = {"Name": "j", "CreatedOn": 1.0, "Command": {"Name": "glueetl"}, "DefaultArguments": {"--JOB_NAME": "x"}}
    passed = args.run_arguments(job, {"--JOB_RUN_ID": "forged"}, "jr_1", "a/r", None)
    assert (passed["--JOB_NAME"], passed["--JOB_RUN_ID"]) == ("j", "jr_1")
    assert passed["--job-bookmark-option"] == "job-bookmark-disable"
    assert list(passed)[:3] == ["--JOB_ID", "--JOB_RUN_ID", "--JOB_NAME"]
    assert args.argv(Path("/s.py"), {"--x": "1"}) == ["/s.py", "--x", "1"]


def test_spark_conf_reads_glues_chained_conf_idiom():
    value = "spark.sql.shuffle.partitions=4 --conf spark.executor.memory=1g --conf  spark.x = y"
    assert args.spark_conf({"--conf": value}) == {
        "spark.sql.shuffle.partitions": "4",
        "spark.executor.memory": "1g",
        "spark.x": "y",
    }
    assert args.spark_conf({}) == {}


def test_s3_paths_stay_inside_their_bucket(tmp_path):
    (tmp_path / "s3" / "b" / "dir").mkdir(parents=True)
    (tmp_path / "s3" / "b" / "dir" / "f.py").write_text("")
    (tmp_path / "s3" / "other").mkdir()
    (tmp_path / "s3" / "other" / "secret").write_text("")
    expected = (tmp_path / "s3" / "b" / "dir" / "f.py").resolve()
    assert args.local_s3_path(tmp_path, "s3a://b/dir/f.py", "Script") == expected
    for uri in ("s3://b/../other/secret", "s3://b/dir/../../other/secret", "s3://../s3/b/dir/f.py", "s3://b/dir"):
        with pytest.raises(args.RunSetupError):
            args.local_s3_path(tmp_path, uri, "Script")


def test_additional_python_modules_must_already_be_installed():
    args.check_python_modules({"--additional-python-modules": "boto3, botocore>=1.0"})
    with pytest.raises(args.RunSetupError, match=r"cannot install boto3==0\.0\.1 \(installed: "):
        args.check_python_modules({"--additional-python-modules": "boto3==0.0.1"})
    with pytest.raises(args.RunSetupError, match="s3://b/pkg.whl"):
        args.check_python_modules({"--additional-python-modules": "s3://b/pkg.whl"})


def test_shutdown_ends_runs_in_progress_failed_with_a_message(ctx, ended):
    shell_job(ctx, "cut", "import time\ntime.sleep(30)\n", MaxRetries=3)
    run = ctx.emulator.component(RunManager).start(ctx, "cut")
    ctx.emulator.shutdown()
    stored = ctx.store.get(ctx.scope, JOB_RUN, "cut", run["Id"])
    assert stored["JobRunState"] == "FAILED"
    assert stored["ErrorMessage"] == "The emulator shut down while the run was in progress"
    assert len(ctx.store.list(ctx.scope, JOB_RUN, "cut")) == 1  # no retry while going away
    assert ended == []
