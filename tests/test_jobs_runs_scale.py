"""GetJobRuns over many runs: newest first, every run once across NextToken pages, ties broken by run id."""

from __future__ import annotations

import pytest

from emulator.errors import InvalidInputException
from emulator.jobs.definitions import create_job
from emulator.jobs.run_operations import get_job_runs
from emulator.jobs.runs import JOB_RUN


def test_runs_page_newest_first_across_pages(ctx):
    create_job(ctx, {"Name": "nightly", "Role": "r", "Command": {"Name": "pythonshell", "ScriptLocation": "s3://b/x.py"}})
    # 530 runs, several sharing a start time, stored in an order unrelated to their start times.
    runs = [{"Id": f"jr_{(i * 7919) % 530:04d}", "JobName": "nightly", "StartedOn": 1_700_000_000.0 + (i % 177)}
            for i in range(530)]
    for run in runs:
        ctx.store.put(ctx.scope, JOB_RUN, "nightly", run["Id"], run)
    seen, token = [], None
    while True:
        answer = get_job_runs(ctx, {"JobName": "nightly", "MaxResults": 37, **({"NextToken": token} if token else {})})
        assert len(answer["JobRuns"]) <= 37
        seen += [(run["StartedOn"], run["Id"]) for run in answer["JobRuns"]]
        token = answer.get("NextToken")
        if not token:
            break
    assert seen == sorted(((r["StartedOn"], r["Id"]) for r in runs), key=lambda r: (-r[0], r[1]))
    with pytest.raises(InvalidInputException):
        get_job_runs(ctx, {"JobName": "nightly", "NextToken": "eyJhZnRlciI6ICJ4In0="})  # {"after": "x"}
