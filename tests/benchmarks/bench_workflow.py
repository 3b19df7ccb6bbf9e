"""Overhead of a 5-node workflow over the sum of its jobs' own run times, against a client chaining the jobs.

Run by hand:  python tests/benchmarks/bench_workflow.py [--runs 5] [--sleep 0.2] [--poll 0.02]

Five pythonshell jobs, each `time.sleep(--sleep)`, chained in a workflow: an ON_DEMAND start trigger
runs j1, and CONDITIONAL triggers (j<i> SUCCEEDED -> j<i+1>) run the others.
- workflow: wall time from just before StartWorkflowRun to the first GetWorkflowRun poll that says COMPLETED;
- client chain: the same five jobs started one after another by this script (StartJobRun, poll GetJobRun
  until SUCCEEDED, next), wall time from just before the first StartJobRun to the poll that sees j5 end.
Both poll every --poll seconds, and runs of the two kinds alternate so they share the machine's load.

A job's own run time is its JobRun's CompletedOn - StartedOn, not ExecutionTime: ExecutionTime is whole
seconds (the model's Integer), so a 0.3 s run reports 0 or 1 and five of them sum to noise.
CompletedOn - StartedOn counts what AWS bills as the run (from STARTING, so the python process's start
is in it) and has sub-second resolution. Overhead = wall - that sum; it splits, from the server's
timestamps (client and server share one clock), into the start (call -> j1 StartedOn), the four
handoffs (j<i> CompletedOn -> j<i+1> StartedOn) and the finish (j5 CompletedOn -> the client's
last poll), so "per edge" is both overhead / 5 hops and the measured handoff alone.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from emulator.testing import EmulatorServer

ROLE = "arn:aws:iam::123456789012:role/GlueRole"
BUCKET = "bench-scripts"
WORKFLOW = "bench_chain"
JOBS = [f"j{i}" for i in range(1, 6)]
# How soon a CONDITIONAL trigger should start its job after the end it watches (once asserted
# in test_triggers.py on every run; a figure for a quiet machine, not for two busy cores).
HANDOFF_LIMIT = 0.1
FINAL_JOB_STATES = {"SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR"}


def define(glue: Any, s3: Any, sleep: float) -> None:
    """Upload the scripts, create the five jobs and the chained workflow."""
    s3.create_bucket(Bucket=BUCKET)
    for job in JOBS:
        s3.put_object(Bucket=BUCKET, Key=f"{job}.py", Body=f"import time\ntime.sleep({sleep})\n".encode())
        command = {"Name": "pythonshell", "ScriptLocation": f"s3://{BUCKET}/{job}.py"}
        glue.create_job(Name=job, Role=ROLE, Command=command)
    glue.create_workflow(Name=WORKFLOW)
    glue.create_trigger(Name="start", WorkflowName=WORKFLOW, Type="ON_DEMAND", Actions=[{"JobName": JOBS[0]}])
    for before, after in itertools.pairwise(JOBS):
        glue.create_trigger(
            Name=f"after_{before}", WorkflowName=WORKFLOW, Type="CONDITIONAL", StartOnCreation=True,
            Predicate={"Conditions": [{"LogicalOperator": "EQUALS", "JobName": before, "State": "SUCCEEDED"}]},
            Actions=[{"JobName": after}],
        )


def breakdown(began: float, ended: float, job_runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Wall time, the jobs' own times and the overhead split into start, handoffs and finish."""
    spans = [(r["StartedOn"].timestamp(), r["CompletedOn"].timestamp()) for r in job_runs]
    if [r["JobRunState"] for r in job_runs] != ["SUCCEEDED"] * len(JOBS):
        raise SystemExit(f"a job did not succeed: {[(r['JobName'], r['JobRunState']) for r in job_runs]}")
    wall, own = ended - began, sum(end - start for start, end in spans)
    return {
        "wall": wall,
        "jobs": own,
        "overhead": wall - own,
        "start": spans[0][0] - began,
        "handoff": statistics.median(spans[i + 1][0] - spans[i][1] for i in range(len(spans) - 1)),
        "finish": ended - spans[-1][1],
    }


def workflow_run(glue: Any, poll: float) -> dict[str, Any]:
    began = time.time()
    run_id = glue.start_workflow_run(Name=WORKFLOW)["RunId"]
    while glue.get_workflow_run(Name=WORKFLOW, RunId=run_id)["Run"]["Status"] == "RUNNING":
        time.sleep(poll)
    ended = time.time()
    run = glue.get_workflow_run(Name=WORKFLOW, RunId=run_id, IncludeGraph=True)["Run"]
    if run["Status"] != "COMPLETED":
        raise SystemExit(f"workflow run ended {run['Status']}: {run.get('ErrorMessage')}")
    by_job = {n["Name"]: n.get("JobDetails", {}).get("JobRuns", []) for n in run["Graph"]["Nodes"]}
    return breakdown(began, ended, [by_job[job][0] for job in JOBS])


def client_chain(glue: Any, poll: float) -> dict[str, Any]:
    began = time.time()
    runs = []
    for job in JOBS:
        run_id = glue.start_job_run(JobName=job)["JobRunId"]
        while (run := glue.get_job_run(JobName=job, RunId=run_id)["JobRun"])["JobRunState"] not in FINAL_JOB_STATES:
            time.sleep(poll)
        runs.append(run)
    return breakdown(began, time.time(), runs)


def report(name: str, results: list[dict[str, Any]]) -> None:
    med = {key: statistics.median(r[key] for r in results) for key in results[0]}
    walls = [r["wall"] for r in results]
    print(f"{name}: {len(results)} runs, wall min {min(walls):.3f} / median {med['wall']:.3f} / max {max(walls):.3f} s")
    print(f"  medians: jobs' own {med['jobs']:.3f} s, overhead {med['overhead']:.3f} s "
          f"({med['overhead'] / len(JOBS):.3f} s per hop over {len(JOBS)} hops)")
    print(f"  overhead split: start {med['start']:.3f} s, handoff {med['handoff']:.3f} s "
          f"(x{len(JOBS) - 1}), finish {med['finish']:.3f} s")
    worst = max(r["handoff"] for r in results)
    print(f"  handoff (end of a job -> start of the next): median {med['handoff']:.3f} s, worst {worst:.3f} s "
          f"against a limit of {HANDOFF_LIMIT} s ({'within' if worst < HANDOFF_LIMIT else 'OVER'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each kind (after one untimed warm-up each)")
    parser.add_argument("--sleep", type=float, default=0.2, help="seconds each job sleeps")
    parser.add_argument("--poll", type=float, default=0.02, help="seconds between the client's polls")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-workflow-") as tmp:
        server = EmulatorServer(Path(tmp) / "data", env={"GLUE_EMULATOR_SPARK_PREWARM": "0"}).start()
        try:
            glue, s3 = server.client("glue"), server.client("s3")
            define(glue, s3, options.sleep)
            workflow_run(glue, options.poll)
            client_chain(glue, options.poll)
            flows, chains = [], []
            for _ in range(options.runs):
                flows.append(workflow_run(glue, options.poll))
                chains.append(client_chain(glue, options.poll))
        finally:
            server.stop()
    print(f"5 pythonshell jobs sleeping {options.sleep} s each, polls every {options.poll} s, "
          f"load average {os.getloadavg()[0]:.1f}")
    report("workflow (ON_DEMAND + 4 CONDITIONAL triggers)", flows)
    report("client chain (StartJobRun, poll GetJobRun)", chains)


if __name__ == "__main__":
    sys.exit(main())
