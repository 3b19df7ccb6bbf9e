"""Job bookmarks end to end: glueetl runs reading S3 with a transformation_ctx, GetJobBookmark,
ResetJobBookmark (all and rewind), pause with and without a run range, DeleteJob."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from support import run_to_end, spark_job

SCRIPT = """
    import json, sys
    import boto3
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext

    args = getResolvedOptions(sys.argv, ["JOB_NAME"])
    glueContext = GlueContext(SparkContext.getOrCreate())
    job = Job(glueContext)
    job.init(args["JOB_NAME"], args)
    source = dict(connection_type="s3", connection_options={"paths": ["s3://data/in/"]}, format="csv",
                  format_options={"withHeader": True})
    new = glueContext.create_dynamic_frame.from_options(**source, transformation_ctx="src")
    everything = glueContext.create_dynamic_frame.from_options(**source)  # no transformation_ctx: no bookmark
    report = {"new": sorted(r["v"] for r in new.toDF().collect()), "all": everything.count(),
              "option": job.bookmark_option}
    boto3.client("s3").put_object(Bucket="data", Key="reports/" + args["JOB_RUN_ID"], Body=json.dumps(report))
    job.commit()
"""


def _put(s3, key: str, *values: int) -> None:
    s3.put_object(Bucket="data", Key=key, Body=("v\n" + "".join(f"{v}\n" for v in values)).encode())


def _run(glue_emulator, option: str | None = None, **arguments: str) -> tuple[dict, dict]:
    args = {f"--{k.replace('_', '-')}": v for k, v in arguments.items()}
    if option:
        args["--job-bookmark-option"] = f"job-bookmark-{option}"
    run = run_to_end(glue_emulator.glue, "incremental", Arguments=args)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    body = glue_emulator.s3.get_object(Bucket="data", Key="reports/" + run["Id"])["Body"].read()
    return run, json.loads(body)


def _entry(glue, **params: str) -> dict:
    return glue.get_job_bookmark(JobName="incremental", **params)["JobBookmarkEntry"]


def test_bookmarks_read_only_new_and_changed_files_and_save_on_commit(glue_emulator):
    s3, glue = glue_emulator.s3, glue_emulator.glue
    s3.create_bucket(Bucket="data")
    _put(s3, "in/a.csv", 1, 2)
    _put(s3, "in/b.csv", 3)
    spark_job(glue_emulator.glue, glue_emulator.s3, "incremental", SCRIPT,
              DefaultArguments={"--job-bookmark-option": "job-bookmark-enable"})
    with pytest.raises(ClientError) as missing:
        _entry(glue)
    assert missing.value.response["Error"] == {"Code": "EntityNotFoundException",
                                               "Message": "Continuation for job incremental not found"}

    run1, report = _run(glue_emulator)
    assert report == {"new": ["1", "2", "3"], "all": 3, "option": "job-bookmark-enable"}
    entry = _entry(glue)
    assert {k: entry[k] for k in ("JobName", "Version", "Run", "Attempt", "RunId")} == {
        "JobName": "incremental", "Version": 1, "Run": 1, "Attempt": 0, "RunId": run1["Id"]}
    assert "PreviousRunId" not in entry
    state = json.loads(entry["JobBookmark"])
    assert list(state) == ["src"] and state["src"]["jsonClass"] == "HadoopDataSourceJobBookmarkState"
    assert state["src"]["timestamps"]["RUN"] == "1"
    assert sorted(state["src"]["files"]) == ["s3://data/in/a.csv", "s3://data/in/b.csv"]

    _put(s3, "in/c.csv", 4)
    run2, report = _run(glue_emulator)
    assert report["new"] == ["4"] and report["all"] == 4
    entry = _entry(glue)
    assert (entry["Version"], entry["Run"], entry["RunId"], entry["PreviousRunId"]) == (2, 2, run2["Id"], run1["Id"])
    assert _entry(glue, RunId=run1["Id"])["Version"] == 1  # each run's commit stays readable

    _put(s3, "in/b.csv", 5)  # a changed file is read again
    _, report = _run(glue_emulator, "pause")
    assert (report["new"], report["option"]) == (["5"], "job-bookmark-pause")
    assert _entry(glue)["Version"] == 2  # pause saves nothing
    _, report = _run(glue_emulator, "pause", job_bookmark_from=run1["Id"], job_bookmark_to=run2["Id"])
    assert report["new"] == ["4"]  # what run 2 read beyond run 1
    _, report = _run(glue_emulator, "disable")
    assert report["new"] == ["1", "2", "4", "5"]
    assert _entry(glue)["Version"] == 2

    rewound = glue.reset_job_bookmark(JobName="incremental", RunId=run1["Id"])["JobBookmarkEntry"]
    assert (rewound["Version"], rewound["Run"], rewound["RunId"]) == (3, 2, run2["Id"])
    assert rewound["JobBookmark"] == _entry(glue, RunId=run1["Id"])["JobBookmark"]
    _run6, report = _run(glue_emulator)
    assert report["new"] == ["4", "5"]
    assert (_entry(glue)["Version"], _entry(glue)["Run"]) == (4, 3)

    reset = glue.reset_job_bookmark(JobName="incremental")["JobBookmarkEntry"]
    assert (reset["Version"], reset["JobBookmark"]) == (5, "{}")
    _, report = _run(glue_emulator)
    assert report["new"] == ["1", "2", "4", "5"]

    glue.delete_job(JobName="incremental")
    spark_job(glue_emulator.glue, glue_emulator.s3, "incremental", SCRIPT)
    with pytest.raises(ClientError) as gone:
        _entry(glue)
    assert gone.value.response["Error"]["Code"] == "EntityNotFoundException"


def test_bookmark_operations_on_unknown_jobs_and_runs(glue_emulator):
    glue = glue_emulator.glue
    for call in (glue.get_job_bookmark, glue.reset_job_bookmark):
        with pytest.raises(ClientError) as error:
            call(JobName="nope")
        assert error.value.response["Error"] == {"Code": "EntityNotFoundException",
                                                 "Message": "Job with name: nope not found"}
    spark_job(glue_emulator.glue, glue_emulator.s3, "quiet", "print('no bookmarks here')")
    with pytest.raises(ClientError) as error:
        glue.reset_job_bookmark(JobName="quiet")
    assert error.value.response["Error"]["Message"] == "Continuation for job quiet not found"


def test_commit_endpoint_refuses_unknown_runs_and_bad_state(glue_emulator):
    import urllib.request

    spark_job(glue_emulator.glue, glue_emulator.s3, "quiet", "print('no bookmarks here')")
    url = glue_emulator.server.endpoint + "/_emulator/jobs/quiet/bookmark"
    for body, code in (({"RunId": "jr_x", "JobBookmark": "{}"}, "EntityNotFoundException"),
                       ({"RunId": "jr_x"}, "SerializationException")):
        request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=10)
        assert (error.value.code, json.loads(error.value.read())["__type"]) == (400, code)
