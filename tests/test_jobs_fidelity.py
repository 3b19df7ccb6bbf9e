"""Jobs as AWS has them (issue #13, items 1-3): any command name at CreateJob, gluestreaming and glueray
jobs, and job run queuing (JobRunQueuingEnabled: WAITING with StateDetail, then a start when a slot frees).

A server whose time runs 60x faster (GLUE_EMULATOR_TIME_SCALE=60): a Timeout of 1 minute is one real second.
The gluestreaming runs on Spark are in test_jobs_streaming.py.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from support import FAST_ENV, FINAL_JOB_STATES, ROLE, put_script, shell_job, wait_job_run, wait_until

from emulator.testing import EmulatorServer

SLEEP = "import time; time.sleep({seconds})\nprint('done')\n"


# -- 1. any command name; 2. gluestreaming and glueray -------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        {"Name": "abalone-preprocess", "ScriptLocation": "s3://scripts/abalone.py"},
        {"Name": "placeholder"},
        {"Name": "glueray", "ScriptLocation": "s3://scripts/ray.py", "Runtime": "Ray2.4", "PythonVersion": "3.9"},
        {"Name": "gluestreaming", "ScriptLocation": "s3://scripts/stream.py", "PythonVersion": "3"},
    ],
)
def test_create_job_accepts_the_command_and_returns_it_as_given(glue, command):
    extra = {"WorkerType": "Z.2X", "NumberOfWorkers": 2} if command["Name"] == "glueray" else {}
    assert glue.create_job(Name="j", Role=ROLE, Command=command, GlueVersion="4.0", **extra)["Name"] == "j"
    job = glue.get_job(JobName="j")["Job"]
    assert job["Command"] == command
    assert glue.batch_get_jobs(JobNames=["j"])["Jobs"][0]["Command"] == command
    assert glue.update_job(JobName="j", JobUpdate={"Role": ROLE, "Command": command, **extra})["JobName"] == "j"
    assert glue.get_job(JobName="j")["Job"]["Command"] == command


def test_streaming_jobs_take_the_streaming_worker_type_and_spark_jobs_do_not(glue):
    streaming = {"Name": "gluestreaming", "ScriptLocation": "s3://scripts/s.py"}
    glue.create_job(Name="s", Role=ROLE, Command=streaming, WorkerType="G.025X", NumberOfWorkers=2)
    assert glue.get_job(JobName="s")["Job"]["MaxCapacity"] == 0.5
    with pytest.raises(glue.exceptions.InvalidInputException, match="only supported for streaming jobs"):
        glue.create_job(Name="e", Role=ROLE, Command={"Name": "glueetl", "ScriptLocation": "s3://scripts/e.py"},
                        WorkerType="G.025X", NumberOfWorkers=2)
    with pytest.raises(glue.exceptions.InvalidInputException, match="FLEX"):
        glue.create_job(Name="f", Role=ROLE, Command=streaming, ExecutionClass="FLEX")


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("abalone-preprocess", "glue-emulator cannot run a job whose Command.Name is 'abalone-preprocess'"),
        ("glueray", "glue-emulator cannot run glueray (Ray) jobs"),
    ],
)
def test_a_run_of_a_command_the_emulator_cannot_run_fails_saying_so(glue, server, command, message):
    location = put_script(server.client("s3"), "any.py", "print('never runs')\n")
    glue.create_job(Name="j", Role=ROLE, Command={"Name": command, "ScriptLocation": location})
    run_id = glue.start_job_run(JobName="j")["JobRunId"]
    run = wait_job_run(glue, "j", run_id)
    assert run["JobRunState"] == "FAILED"
    assert run["ErrorMessage"].startswith(message)
    assert run["ExecutionTime"] == 0


# -- 3. job run queuing ----------------------------------------------------------------------------


def test_a_run_over_the_limit_waits_with_a_reason_and_starts_when_a_slot_frees(glue, server, gates):
    shell_job(glue, server.client("s3"), "q", gates.script(), JobRunQueuingEnabled=True)
    first = glue.start_job_run(JobName="q")["JobRunId"]
    second = glue.start_job_run(JobName="q")["JobRunId"]
    waiting = glue.get_job_run(JobName="q", RunId=second)["JobRun"]
    assert waiting["JobRunState"] == "WAITING"
    assert waiting["JobRunQueuingEnabled"] is True
    assert "MaxConcurrentRuns 1" in waiting["StateDetail"]
    assert glue.get_job_run(JobName="q", RunId=first)["JobRun"]["JobRunState"] in ("STARTING", "RUNNING")
    gates.open(first)
    assert wait_job_run(glue, "q", first)["JobRunState"] == "SUCCEEDED"
    started = wait_job_run(glue, "q", second, states={"STARTING", "RUNNING"} | FINAL_JOB_STATES)
    assert started["JobRunState"] in ("STARTING", "RUNNING")
    assert "StateDetail" not in started
    gates.open(second)
    done = wait_job_run(glue, "q", second)
    assert done["JobRunState"] == "SUCCEEDED"
    assert done["CompletedOn"] > glue.get_job_run(JobName="q", RunId=first)["JobRun"]["CompletedOn"]


def test_the_run_s_setting_wins_over_the_job_s(glue, server, gates):
    shell_job(glue, server.client("s3"), "q", gates.script())
    first = glue.start_job_run(JobName="q")["JobRunId"]
    with pytest.raises(glue.exceptions.ConcurrentRunsExceededException, match="Concurrent runs exceeded for q"):
        glue.start_job_run(JobName="q")
    queued = glue.start_job_run(JobName="q", JobRunQueuingEnabled=True)["JobRunId"]
    assert glue.get_job_run(JobName="q", RunId=queued)["JobRun"]["JobRunState"] == "WAITING"
    glue.update_job(JobName="q", JobUpdate={"Role": ROLE, "Command": glue.get_job(JobName="q")["Job"]["Command"],
                                            "JobRunQueuingEnabled": True})
    with pytest.raises(glue.exceptions.ConcurrentRunsExceededException):
        glue.start_job_run(JobName="q", JobRunQueuingEnabled=False)
    gates.open_all()
    assert wait_job_run(glue, "q", first)["JobRunState"] == "SUCCEEDED"
    assert wait_job_run(glue, "q", queued)["JobRunState"] == "SUCCEEDED"


def test_waiting_runs_start_in_the_order_they_were_queued(glue, server):
    shell_job(glue, server.client("s3"), "q", SLEEP.format(seconds=0.5), JobRunQueuingEnabled=True)
    ids = [glue.start_job_run(JobName="q")["JobRunId"] for _ in range(4)]
    runs = [wait_job_run(glue, "q", run_id) for run_id in ids]
    assert [r["JobRunState"] for r in runs] == ["SUCCEEDED"] * 4
    starts = [r["CompletedOn"] for r in runs]
    assert starts == sorted(starts)


def test_stopping_a_waiting_run_stops_it_without_running_it(glue, server, gates):
    shell_job(glue, server.client("s3"), "q", gates.script(), JobRunQueuingEnabled=True)
    first = glue.start_job_run(JobName="q")["JobRunId"]
    second = glue.start_job_run(JobName="q")["JobRunId"]
    answer = glue.batch_stop_job_run(JobName="q", JobRunIds=[second])
    assert answer["SuccessfulSubmissions"] == [{"JobName": "q", "JobRunId": second}]
    assert answer["Errors"] == []
    stopped = glue.get_job_run(JobName="q", RunId=second)["JobRun"]
    assert (stopped["JobRunState"], stopped["ExecutionTime"]) == ("STOPPED", 0)
    assert "StateDetail" not in stopped
    gates.open_all()
    assert wait_job_run(glue, "q", first)["JobRunState"] == "SUCCEEDED"
    time.sleep(0.5)  # a promotion of the stopped run would follow the first run's end at once
    assert glue.get_job_run(JobName="q", RunId=second)["JobRun"]["JobRunState"] == "STOPPED"


def test_time_spent_waiting_counts_toward_the_timeout(glue, server, gates):
    shell_job(glue, server.client("s3"), "q", gates.script(), JobRunQueuingEnabled=True)
    first = glue.start_job_run(JobName="q")["JobRunId"]
    second = glue.start_job_run(JobName="q", Timeout=1)["JobRunId"]  # one real second at 60x
    run = wait_job_run(glue, "q", second)
    assert (run["JobRunState"], run["ExecutionTime"]) == ("TIMEOUT", 0)
    assert run["ErrorMessage"] == "Job run timed out after 1 minutes"
    assert glue.get_job_run(JobName="q", RunId=first)["JobRun"]["JobRunState"] == "RUNNING"
    glue.batch_stop_job_run(JobName="q", JobRunIds=[first])


def test_a_trigger_s_run_over_the_limit_waits_instead_of_failing(glue, server, gates):
    shell_job(glue, server.client("s3"), "q", gates.script(), JobRunQueuingEnabled=True)
    glue.create_trigger(Name="go", Type="ON_DEMAND", Actions=[{"JobName": "q"}])
    glue.start_trigger(Name="go")
    glue.start_trigger(Name="go")
    runs = glue.get_job_runs(JobName="q")["JobRuns"]
    assert sorted(r["JobRunState"] for r in runs) in (["RUNNING", "WAITING"], ["STARTING", "WAITING"])
    assert all(r["TriggerName"] == "go" for r in runs)
    gates.open_all()
    assert [wait_job_run(glue, "q", r["Id"])["JobRunState"] for r in runs] == ["SUCCEEDED", "SUCCEEDED"]


def test_a_workflow_s_run_that_waits_is_counted_waiting_then_succeeds(glue, server, gates):
    shell_job(glue, server.client("s3"), "q", gates.script(), JobRunQueuingEnabled=True)
    glue.start_job_run(JobName="q")  # holds the job's one slot
    glue.create_workflow(Name="wf")
    glue.create_trigger(Name="start", Type="ON_DEMAND", WorkflowName="wf", Actions=[{"JobName": "q"}])
    run_id = glue.start_workflow_run(Name="wf")["RunId"]
    def workflow_run() -> dict:
        return glue.get_workflow_run(Name="wf", RunId=run_id)["Run"]

    wait_until(workflow_run, "one waiting action", until=lambda run: run["Statistics"]["WaitingActions"] == 1)
    gates.open_all()
    run = wait_until(workflow_run, "the workflow run COMPLETED", until=lambda run: run["Status"] == "COMPLETED")
    assert (run["Statistics"]["SucceededActions"], run["Statistics"]["WaitingActions"]) == (1, 0)


def test_deleting_a_job_drops_its_waiting_runs(glue, server):
    shell_job(glue, server.client("s3"), "q", SLEEP.format(seconds=30), JobRunQueuingEnabled=True)
    glue.start_job_run(JobName="q")
    glue.start_job_run(JobName="q")
    glue.delete_job(JobName="q")
    shell_job(glue, server.client("s3"), "q", "print('fresh')\n", JobRunQueuingEnabled=True)
    assert glue.get_job_runs(JobName="q")["JobRuns"] == []
    assert wait_job_run(glue, "q", glue.start_job_run(JobName="q")["JobRunId"])["JobRunState"] == "SUCCEEDED"


def test_a_waiting_run_survives_a_restart_and_starts_on_the_next_server(tmp_path: Path):
    env = {**FAST_ENV, "GLUE_EMULATOR_TIME_SCALE": "1"}
    server = EmulatorServer(tmp_path / "data", env=env).start()
    try:
        glue = server.client("glue")
        shell_job(glue, server.client("s3"), "q", SLEEP.format(seconds=60), JobRunQueuingEnabled=True)
        first = glue.start_job_run(JobName="q")["JobRunId"]
        wait_job_run(glue, "q", first, states={"RUNNING"})
        second = glue.start_job_run(JobName="q", Arguments={"--x": "1"})["JobRunId"]
        assert glue.get_job_run(JobName="q", RunId=second)["JobRun"]["JobRunState"] == "WAITING"
        # The next server runs it as soon as it starts: its script (a 60 s sleep) is replaced now, so the test is
        # short. The first run already read its script.
        put_script(server.client("s3"), "q.py", "print('after the restart')\n")
    finally:
        server.stop()
    server = EmulatorServer(tmp_path / "data", env=env).start()
    try:
        glue = server.client("glue")
        assert glue.get_job_run(JobName="q", RunId=first)["JobRun"]["JobRunState"] == "FAILED"
        run = wait_job_run(glue, "q", second)
        assert run["JobRunState"] == "SUCCEEDED"
        assert run["Arguments"] == {"--x": "1"}
    finally:
        server.stop()
