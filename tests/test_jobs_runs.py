"""Job runs end to end on pythonshell: lifecycle, arguments, errors, timeout, stop, concurrency, retries, logs.

These tests share one server whose time runs 60x faster (GLUE_EMULATOR_TIME_SCALE=60), so a job
Timeout of 1 minute ends a run after one real second.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from support import FAST_ENV, FINAL_JOB_STATES, ROLE, Glue, alive, put_script, shell_job, wait_job_run, wait_until

from emulator.testing import EmulatorServer


@pytest.fixture
def logs(server: EmulatorServer) -> Any:
    return server.client("logs")


def output_of(logs: Any, run_id: str, group: str = "/aws-glue/python-jobs/output") -> list[str]:
    events = logs.get_log_events(logGroupName=group, logStreamName=run_id, startFromHead=True)["events"]
    return [e["message"] for e in events]


def test_a_script_using_boto3_reaches_the_emulator(glue, server):
    code = """
        import boto3
        glue = boto3.client("glue")
        glue.create_database(DatabaseInput={"Name": "made_by_job"})
        print("region", glue.meta.region_name)
    """
    shell_job(glue, server.client("s3"), "boto", code)
    run_id = glue.start_job_run(JobName="boto")["JobRunId"]
    assert re.fullmatch(r"jr_[0-9a-f]{64}", run_id)
    run = wait_job_run(glue, "boto", run_id)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert glue.get_database(Name="made_by_job")["Database"]["Name"] == "made_by_job"
    assert (run["Id"], run["JobName"], run["Attempt"]) == (run_id, "boto", 0)
    assert run["StartedOn"] <= run["LastModifiedOn"] == run["CompletedOn"]
    assert isinstance(run["ExecutionTime"], int)
    settings = (run["Timeout"], run["MaxCapacity"], run["AllocatedCapacity"], run["GlueVersion"])
    assert settings == (2880, 0.0625, 0, "3.0")
    assert run["LogGroupName"] == "/aws-glue/python-jobs"
    assert "ErrorMessage" not in run and "PreviousRunId" not in run
    assert output_of(server.client("logs"), run_id) == ["region us-east-1"]


def test_the_script_runs_as_the_callers_account_and_region(glue, server):
    code = "import boto3; boto3.client('glue').create_database(DatabaseInput={'Name': 'd'})"
    shell_job(glue, server.client("s3"), "where", code)
    other = server.client("glue", region="eu-west-1", access_key="210987654321")
    command = {"Name": "pythonshell", "ScriptLocation": "s3://scripts/where.py"}
    other.create_job(Name="where", Role=ROLE, Command=command)
    run_id = other.start_job_run(JobName="where")["JobRunId"]
    assert wait_job_run(other, "where", run_id)["JobRunState"] == "SUCCEEDED"
    assert other.get_database(Name="d")["Database"]["CatalogId"] == "210987654321"
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_database(Name="d")


def test_a_failing_script_fails_the_run_with_its_exception(glue, server, logs):
    shell_job(glue, server.client("s3"), "boom", "print('before')\nx = 1 / 0\n")
    run_id = glue.start_job_run(JobName="boom")["JobRunId"]
    run = wait_job_run(glue, "boom", run_id)
    assert (run["JobRunState"], run["ErrorMessage"]) == ("FAILED", "ZeroDivisionError: division by zero")
    errors = output_of(logs, run_id, "/aws-glue/python-jobs/error")
    assert errors[1] == "Traceback (most recent call last):"  # errors[0]: the PythonVersion 3.9 note
    assert errors[-1] == "ZeroDivisionError: division by zero"
    assert "runpy" not in "\n".join(errors)  # the traceback is the script's own
    assert output_of(logs, run_id) == ["before"]


@pytest.mark.parametrize(
    "code, message",
    [
        ("def broken(:\n    pass\n", "SyntaxError: "),
        ("import sys\nsys.exit(3)\n", "Command failed with exit code 3"),
        ("raise RuntimeError\n", "RuntimeError"),
        ("import nothing_like_this\n", "ModuleNotFoundError: No module named 'nothing_like_this'"),
    ],
)
def test_bad_scripts_end_failed_with_a_clear_message(glue, server, code, message):
    shell_job(glue, server.client("s3"), "bad", code)
    run = wait_job_run(glue, "bad", glue.start_job_run(JobName="bad")["JobRunId"])
    assert run["JobRunState"] == "FAILED"
    assert run["ErrorMessage"].startswith(message)


def test_sys_exit_zero_succeeds(glue, server):
    shell_job(glue, server.client("s3"), "bye", "import sys\nsys.exit(0)\nraise SystemError('not reached')\n")
    assert wait_job_run(glue, "bye", glue.start_job_run(JobName="bye")["JobRunId"])["JobRunState"] == "SUCCEEDED"


@pytest.mark.parametrize(
    "location, message",
    [
        ("s3://scripts/missing.py", "Script s3://scripts/missing.py does not exist in the local S3"),
        ("s3://scripts/../../state.sqlite3", "is not a valid S3 object path"),
        ("/etc/passwd", "is not an S3 object path"),
    ],
)
def test_a_script_that_cannot_be_found_fails_the_run(glue, location, message):
    glue.create_job(Name="nowhere", Role=ROLE, Command={"Name": "pythonshell", "ScriptLocation": location})
    run = wait_job_run(glue, "nowhere", glue.start_job_run(JobName="nowhere")["JobRunId"])
    assert run["JobRunState"] == "FAILED"
    assert message in run["ErrorMessage"]


def test_arguments_merge_and_glue_adds_its_own(glue, server, logs):
    code = """
        import json, sys
        print(json.dumps(sys.argv[1:]))
    """
    shell_job(
        glue,
        server.client("s3"),
        "argv",
        code,
        DefaultArguments={"--a": "default", "--b": "default", "--JOB_NAME": "not mine"},
        NonOverridableArguments={"--c": "fixed"},
    )
    run_id = glue.start_job_run(JobName="argv", Arguments={"--b": "run", "--c": "ignored", "--d": "run"})["JobRunId"]
    run = wait_job_run(glue, "argv", run_id)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert run["Arguments"] == {"--b": "run", "--c": "ignored", "--d": "run"}  # the run's own, as given
    argv = json.loads(output_of(logs, run_id)[0])
    passed = dict(zip(argv[::2], argv[1::2]))
    assert passed["--JOB_NAME"] == "argv" and passed["--JOB_RUN_ID"] == run_id
    assert re.fullmatch(r"j_[0-9a-f]{64}", passed["--JOB_ID"])
    assert {k: passed[k] for k in ("--a", "--b", "--c", "--d")} == {
        "--a": "default",
        "--b": "run",
        "--c": "fixed",
        "--d": "run",
    }
    assert "--job-bookmark-option" not in passed  # pythonshell jobs have no bookmarks


def test_pythonshell_scripts_resolve_options_with_awsglue_utils(glue, server, logs):
    pytest.importorskip("emulator.runtime")  # the emulator's awsglue library
    code = """
        import sys
        from awsglue.utils import getResolvedOptions
        options = getResolvedOptions(sys.argv, ["JOB_NAME", "day"])
        print(options["JOB_NAME"], options["day"], options["JOB_RUN_ID"] == options["JOB_RUN_ID"].strip())
    """
    shell_job(glue, server.client("s3"), "resolved", code, DefaultArguments={"--day": "2024-01-01"})
    run_id = glue.start_job_run(JobName="resolved")["JobRunId"]
    run = wait_job_run(glue, "resolved", run_id)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert output_of(logs, run_id) == ["resolved 2024-01-01 True"]


def test_extra_py_files_are_importable_and_missing_modules_fail_clearly(glue, server):
    put_script(server.client("s3"), "libs/helper.py", "def greet():\n    return 'hi from helper'\n")
    shell_job(
        glue,
        server.client("s3"),
        "extra",
        "import helper, boto3\nprint(helper.greet())\n",
        DefaultArguments={"--extra-py-files": "s3://scripts/libs/helper.py", "--additional-python-modules": "boto3"},
    )
    run_id = glue.start_job_run(JobName="extra")["JobRunId"]
    assert wait_job_run(glue, "extra", run_id)["JobRunState"] == "SUCCEEDED"
    assert output_of(server.client("logs"), run_id) == ["hi from helper"]
    run_id = glue.start_job_run(JobName="extra", Arguments={"--additional-python-modules": "boto3,no-such-pkg==1.0"})[
        "JobRunId"
    ]
    run = wait_job_run(glue, "extra", run_id)
    assert run["JobRunState"] == "FAILED"
    assert run["ErrorMessage"].startswith("--additional-python-modules: cannot install no-such-pkg==1.0: ")
    assert "runs offline" in run["ErrorMessage"]


def test_timeout_ends_the_run_in_state_timeout_and_is_not_retried(glue, server):
    # 3 minutes at 60x are three seconds: time enough for a loaded machine to show the run RUNNING first (it is
    # RUNNING from StartJobRun's answer to its deadline). A run the time scale did not speed up would outlast the
    # wait for its end.
    shell_job(glue, server.client("s3"), "slow", "import time\ntime.sleep(60)\n", Timeout=3, MaxRetries=1)
    run_id = glue.start_job_run(JobName="slow")["JobRunId"]
    assert wait_job_run(glue, "slow", run_id, {"RUNNING"})["JobRunState"] == "RUNNING"
    run = wait_job_run(glue, "slow", run_id, timeout=30)
    assert (run["JobRunState"], run["Timeout"]) == ("TIMEOUT", 3)
    assert run["ErrorMessage"] == "Job run timed out after 3 minutes"
    Glue(glue, server.client("s3")).settle()  # a retry would be started before the end is announced
    assert [r["Id"] for r in glue.get_job_runs(JobName="slow")["JobRuns"]] == [run_id]


def test_run_timeout_overrides_the_jobs(glue, server):
    shell_job(glue, server.client("s3"), "slow2", "import time\ntime.sleep(60)\n")
    run_id = glue.start_job_run(JobName="slow2", Timeout=1)["JobRunId"]
    assert wait_job_run(glue, "slow2", run_id)["JobRunState"] == "TIMEOUT"


def test_batch_stop_job_run_stops_a_long_run(glue, server):
    shell_job(glue, server.client("s3"), "long", "import time\nprint('started', flush=True)\ntime.sleep(120)\n")
    run_id = glue.start_job_run(JobName="long")["JobRunId"]
    wait_job_run(glue, "long", run_id, {"RUNNING"})
    answer = glue.batch_stop_job_run(JobName="long", JobRunIds=[run_id, "jr_missing"])
    assert answer["SuccessfulSubmissions"] == [{"JobName": "long", "JobRunId": run_id}]
    assert answer["Errors"] == [
        {
            "JobName": "long",
            "JobRunId": "jr_missing",
            "ErrorDetail": {"ErrorCode": "EntityNotFoundException", "ErrorMessage": "Job run jr_missing not found"},
        }
    ]
    assert glue.get_job_run(JobName="long", RunId=run_id)["JobRun"]["JobRunState"] in ("STOPPING", "STOPPED")
    run = wait_job_run(glue, "long", run_id)
    assert run["JobRunState"] == "STOPPED" and "ErrorMessage" not in run
    again = glue.batch_stop_job_run(JobName="long", JobRunIds=[run_id])
    assert again["SuccessfulSubmissions"] == []
    assert again["Errors"][0]["ErrorDetail"]["ErrorCode"] == "InvalidInputException"


def test_max_concurrent_runs_is_enforced_and_released(glue, server):
    shell_job(glue, server.client("s3"), "one", "import time\ntime.sleep(120)\n")
    first = glue.start_job_run(JobName="one")["JobRunId"]
    with pytest.raises(glue.exceptions.ConcurrentRunsExceededException) as caught:
        glue.start_job_run(JobName="one")
    assert caught.value.response["Error"]["Message"] == "Concurrent runs exceeded for one"
    glue.batch_stop_job_run(JobName="one", JobRunIds=[first])
    wait_job_run(glue, "one", first)
    second = glue.start_job_run(JobName="one")["JobRunId"]
    glue.batch_stop_job_run(JobName="one", JobRunIds=[second])
    glue.update_job(
        JobName="one",
        JobUpdate={
            "Role": ROLE,
            "Command": {"Name": "pythonshell", "ScriptLocation": "s3://scripts/one.py"},
            "ExecutionProperty": {"MaxConcurrentRuns": 2},
        },
    )
    wait_job_run(glue, "one", second)
    runs = [glue.start_job_run(JobName="one")["JobRunId"] for _ in range(2)]
    with pytest.raises(glue.exceptions.ConcurrentRunsExceededException):
        glue.start_job_run(JobName="one")
    glue.batch_stop_job_run(JobName="one", JobRunIds=runs)
    assert {wait_job_run(glue, "one", r)["JobRunState"] for r in runs} == {"STOPPED"}


def test_failed_runs_are_retried_as_new_attempts(glue, server):
    code = "import sys\nprint(sys.argv[-1])\nraise ValueError('nope')\n"
    shell_job(glue, server.client("s3"), "flaky", code, MaxRetries=2)
    first = glue.start_job_run(JobName="flaky", Arguments={"--x": "kept"})["JobRunId"]
    runs = wait_until(
        lambda: glue.get_job_runs(JobName="flaky")["JobRuns"],
        "three ended attempts of flaky",
        until=lambda runs: len(runs) == 3 and all(r["JobRunState"] in FINAL_JOB_STATES for r in runs),
    )
    assert [r["Id"] for r in runs] == [f"{first}_attempt_2", f"{first}_attempt_1", first]  # newest first
    assert [r["Attempt"] for r in runs] == [2, 1, 0]
    assert [r.get("PreviousRunId") for r in runs] == [f"{first}_attempt_1", first, None]
    assert {r["JobRunState"] for r in runs} == {"FAILED"}
    assert {r["ErrorMessage"] for r in runs} == {"ValueError: nope"}
    assert all(r["Arguments"] == {"--x": "kept"} for r in runs)


def test_start_job_run_with_a_previous_run_id_retries_it(glue, server):
    shell_job(glue, server.client("s3"), "again", "import sys\nprint(sys.argv[-1])\n")
    first = glue.start_job_run(JobName="again", Arguments={"--v": "1"})["JobRunId"]
    wait_job_run(glue, "again", first)
    second = glue.start_job_run(JobName="again", JobRunId=first)["JobRunId"]
    run = wait_job_run(glue, "again", second)
    assert (run["PreviousRunId"], run["Attempt"], run["Arguments"]) == (first, 1, {"--v": "1"})
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.start_job_run(JobName="again", JobRunId="jr_unknown")


def test_get_job_runs_pages_newest_first(glue, server):
    shell_job(glue, server.client("s3"), "many", "pass\n", ExecutionProperty={"MaxConcurrentRuns": 10})
    ids = [glue.start_job_run(JobName="many")["JobRunId"] for _ in range(5)]
    first = glue.get_job_runs(JobName="many", MaxResults=3)
    rest = glue.get_job_runs(JobName="many", MaxResults=3, NextToken=first["NextToken"])
    assert [r["Id"] for r in first["JobRuns"] + rest["JobRuns"]] == ids[::-1]
    assert "NextToken" not in rest
    for run_id in ids:
        wait_job_run(glue, "many", run_id)


def test_runs_of_missing_jobs(glue):
    with pytest.raises(glue.exceptions.EntityNotFoundException) as caught:
        glue.start_job_run(JobName="ghost")
    assert caught.value.response["Error"]["Message"] == "Failed to start job run due to missing metadata"
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_job_runs(JobName="ghost")
    glue.create_job(Name="real", Role=ROLE, Command={"Name": "pythonshell", "ScriptLocation": "s3://b/k.py"})
    with pytest.raises(glue.exceptions.EntityNotFoundException) as caught:
        glue.get_job_run(JobName="real", RunId="jr_nope")
    assert caught.value.response["Error"]["Message"] == "Job run jr_nope not found"


def test_delete_job_stops_its_runs_and_drops_their_history(glue, server):
    shell_job(glue, server.client("s3"), "doomed", "import time\ntime.sleep(120)\n")
    run_id = glue.start_job_run(JobName="doomed")["JobRunId"]
    wait_job_run(glue, "doomed", run_id, {"RUNNING"})
    glue.delete_job(JobName="doomed")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_job_runs(JobName="doomed")
    shell_job(glue, server.client("s3"), "doomed", "pass\n")
    assert glue.get_job_runs(JobName="doomed")["JobRuns"] == []


def test_output_is_served_as_logs_while_running_and_after(glue, server, logs, tmp_path):
    go_on = tmp_path / "go-on"
    code = f"""
        import os, sys, time
        print("first line", flush=True)
        print("to stderr", file=sys.stderr, flush=True)
        while not os.path.exists({str(go_on)!r}):  # the run goes on once the test has seen its first line
            time.sleep(0.02)
        for i in range(3000):  # 1.2 MB: more than one GetLogEvents response holds
            print(f"row {{i}} " + "x" * 400)
    """
    shell_job(glue, server.client("s3"), "chatty", code)
    run_id = glue.start_job_run(JobName="chatty")["JobRunId"]

    def output_so_far() -> list[str] | None:
        try:
            return output_of(logs, run_id)
        except logs.exceptions.ResourceNotFoundException:
            return None

    try:  # output of a run in progress shows up as it is printed
        wait_until(output_so_far, "the first line of the run in progress",
                   until=lambda lines: lines == ["first line"])
        assert glue.get_job_run(JobName="chatty", RunId=run_id)["JobRun"]["JobRunState"] == "RUNNING"
    finally:
        go_on.touch()
    assert wait_job_run(glue, "chatty", run_id)["JobRunState"] == "SUCCEEDED"
    group = "/aws-glue/python-jobs/output"
    found = logs.filter_log_events(logGroupName=group, logStreamNames=[run_id], filterPattern='"row 2999 "')
    assert [e["message"][:9] for e in found["events"]] == ["row 2999 "]
    stream = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix=run_id)["logStreams"][0]
    assert stream["logStreamName"] == run_id
    count, pages, token = 0, 0, None
    while True:
        page = logs.get_log_events(
            logGroupName=group, logStreamName=run_id, **({"nextToken": token} if token else {"startFromHead": True})
        )
        count += len(page["events"])
        pages += 1
        if page["nextForwardToken"] == token:
            break
        token = page["nextForwardToken"]
    assert (count, pages) == (3001, 3)
    assert output_of(logs, run_id, "/aws-glue/python-jobs/error")[1:] == ["to stderr"]  # after the PythonVersion note


def test_runs_in_progress_when_the_server_dies_end_failed_after_restart(tmp_path):
    restarted = EmulatorServer(tmp_path / "data", env=FAST_ENV).start()
    try:
        glue = restarted.client("glue")
        pid_file = tmp_path / "pid"
        code = f"""
            import os, time
            print("alive", flush=True)
            open({str(pid_file)!r} + ".tmp", "w").write(str(os.getpid()))
            os.replace({str(pid_file)!r} + ".tmp", {str(pid_file)!r})
            while True:
                time.sleep(0.05)
        """
        shell_job(glue, restarted.client("s3"), "survivor", code)
        run_id = glue.start_job_run(JobName="survivor")["JobRunId"]
        wait_job_run(glue, "survivor", run_id, {"RUNNING"})
        pid = int(wait_until(lambda: pid_file.exists() and pid_file.read_text(), "the script to write its pid"))
        # Output still in the pipe when the server dies is lost with it; what reached the log must stay.
        wait_until(lambda: output_of(restarted.client("logs"), run_id) == ["alive"], "the output to reach the log")
        restarted.kill()
        restarted.start()
        glue = restarted.client("glue")
        run = glue.get_job_run(JobName="survivor", RunId=run_id)["JobRun"]
        assert run["JobRunState"] == "FAILED"
        assert run["ErrorMessage"] == "The emulator restarted while the run was in progress"
        assert run["CompletedOn"] >= run["StartedOn"]
        wait_until(lambda: alive(pid), f"the orphaned script (pid {pid}) to be killed",
                   until=lambda alive: not alive)
        assert output_of(restarted.client("logs"), run_id) == ["alive"]  # what it printed is kept
        second = glue.start_job_run(JobName="survivor")["JobRunId"]  # its concurrency slot is free again
        glue.batch_stop_job_run(JobName="survivor", JobRunIds=[second])
        assert wait_job_run(glue, "survivor", second)["JobRunState"] == "STOPPED"
    finally:
        restarted.stop()


def test_a_detached_child_holding_the_output_does_not_keep_the_run_open(glue, server, tmp_path):
    release = tmp_path / "release"
    child = f"import os, time\nwhile not os.path.exists({str(release)!r}): time.sleep(0.05)"
    code = f"""
        import subprocess, sys
        subprocess.Popen([sys.executable, "-c", {child!r}], start_new_session=True)
        print("parent done")
    """
    shell_job(glue, server.client("s3"), "detach", code)
    try:  # the child lives until `release` exists, which is only after the run has ended
        run = wait_job_run(glue, "detach", glue.start_job_run(JobName="detach")["JobRunId"])
        assert run["JobRunState"] == "SUCCEEDED"
    finally:
        release.touch()

