"""The Job API: CreateJob, UpdateJob, GetJob, GetJobs, ListJobs, BatchGetJobs, DeleteJob."""

from __future__ import annotations

import pytest
from support import error_of as _error

ROLE = "arn:aws:iam::123456789012:role/GlueRole"
SPARK = {"Name": "glueetl", "ScriptLocation": "s3://scripts/etl.py"}
SHELL = {"Name": "pythonshell", "ScriptLocation": "s3://scripts/shell.py"}


def test_create_job_fills_in_glue_defaults(glue_emulator):
    glue = glue_emulator.glue
    assert glue.create_job(Name="etl", Role=ROLE, Command=SPARK)["Name"] == "etl"
    job = glue.get_job(JobName="etl")["Job"]
    assert job["Command"] == {"Name": "glueetl", "ScriptLocation": "s3://scripts/etl.py", "PythonVersion": "3"}
    assert (job["GlueVersion"], job["Timeout"], job["MaxRetries"]) == ("5.1", 480, 0)
    assert job["ExecutionProperty"] == {"MaxConcurrentRuns": 1}
    assert (job["AllocatedCapacity"], job["MaxCapacity"]) == (10, 10.0)
    assert (job["JobMode"], job["ExecutionClass"], job["Role"]) == ("SCRIPT", "STANDARD", ROLE)
    assert job["CreatedOn"] == job["LastModifiedOn"]
    assert "WorkerType" not in job


def test_worker_type_sets_max_capacity_and_old_versions_default_to_long_timeouts(glue_emulator):
    glue = glue_emulator.glue
    glue.create_job(Name="w", Role=ROLE, Command=SPARK, WorkerType="G.2X", NumberOfWorkers=5, GlueVersion="4.0")
    job = glue.get_job(JobName="w")["Job"]
    capacity = (job["WorkerType"], job["NumberOfWorkers"], job["MaxCapacity"], job["AllocatedCapacity"])
    assert capacity == ("G.2X", 5, 10.0, 10)
    assert (job["GlueVersion"], job["Timeout"]) == ("4.0", 2880)


def test_pythonshell_defaults(glue_emulator):
    glue = glue_emulator.glue
    glue.create_job(Name="shell", Role=ROLE, Command=SHELL)
    job = glue.get_job(JobName="shell")["Job"]
    assert job["Command"]["PythonVersion"] == "3.9"
    settings = (job["MaxCapacity"], job["AllocatedCapacity"], job["GlueVersion"], job["Timeout"])
    assert settings == (0.0625, 0, "3.0", 2880)
    assert "ExecutionClass" not in job


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"WorkerType": "G.1X"}, "Please set both Worker Type and Number of Workers."),
        ({"NumberOfWorkers": 3}, "Please set both Worker Type and Number of Workers."),
        ({"WorkerType": "G.1X", "NumberOfWorkers": 2, "MaxCapacity": 2.0}, "not both"),
        ({"WorkerType": "G.1X", "NumberOfWorkers": 1}, "minimum allowed value of Number of Workers is 2"),
        ({"WorkerType": "Z.2X", "NumberOfWorkers": 2}, "only supported for Ray jobs"),
        ({"MaxCapacity": 0.5}, "whole number of DPUs from 2 to 100"),
        ({"Command": SHELL, "MaxCapacity": 2.0}, "0.0625 or 1 DPU"),
        ({"Command": SHELL, "WorkerType": "G.1X", "NumberOfWorkers": 2}, "not supported for Python shell jobs"),
        ({"MaxRetries": 11}, "MaxRetries must be between 0 and 10"),
        ({"Timeout": 10081}, "at most 7 days"),
        ({"GlueVersion": "9.9"}, "Invalid GlueVersion '9.9'"),
        ({"ExecutionClass": "FLEX", "GlueVersion": "2.0"}, "FLEX execution class"),
    ],
)
def test_create_job_refuses_what_glue_refuses(glue_emulator, extra, message):
    params = {"Name": "bad", "Role": ROLE, "Command": SPARK, **extra}
    with pytest.raises(glue_emulator.glue.exceptions.InvalidInputException) as caught:
        glue_emulator.glue.create_job(**params)
    assert message in _error(caught)[1]
    with pytest.raises(glue_emulator.glue.exceptions.EntityNotFoundException):
        glue_emulator.glue.get_job(JobName="bad")


def test_duplicate_and_missing_jobs(glue_emulator):
    glue = glue_emulator.glue
    glue.create_job(Name="etl", Role=ROLE, Command=SPARK)
    with pytest.raises(glue.exceptions.AlreadyExistsException) as caught:
        glue.create_job(Name="etl", Role=ROLE, Command=SPARK)
    assert _error(caught) == ("AlreadyExistsException", "etl already exists.")
    with pytest.raises(glue.exceptions.EntityNotFoundException) as caught:
        glue.get_job(JobName="nope")
    assert _error(caught) == ("EntityNotFoundException", "Job with name: nope not found")
    assert glue.delete_job(JobName="nope")["JobName"] == "nope"  # idempotent, as on AWS


def test_update_job_replaces_the_definition_but_keeps_the_glue_version(glue_emulator):
    glue = glue_emulator.glue
    glue.create_job(
        Name="etl", Role=ROLE, Command=SPARK, GlueVersion="4.0", Description="first", DefaultArguments={"--a": "1"}
    )
    created = glue.get_job(JobName="etl")["Job"]
    answer = glue.update_job(JobName="etl", JobUpdate={"Role": "other", "Command": SPARK, "MaxRetries": 2})
    assert answer["JobName"] == "etl"
    job = glue.get_job(JobName="etl")["Job"]
    assert (job["Role"], job["MaxRetries"], job["GlueVersion"], job["Timeout"]) == ("other", 2, "4.0", 2880)
    assert "Description" not in job and "DefaultArguments" not in job
    assert job["CreatedOn"] == created["CreatedOn"] and job["LastModifiedOn"] >= created["LastModifiedOn"]
    with pytest.raises(glue.exceptions.InvalidInputException) as caught:
        glue.update_job(JobName="etl", JobUpdate={"Description": "only this"})
    assert "must include Role and Command" in _error(caught)[1]
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.update_job(JobName="nope", JobUpdate={"Role": ROLE, "Command": SPARK})


def test_listing_jobs_pages_filters_by_tag_and_batches(glue_emulator):
    glue = glue_emulator.glue
    for name in ("a", "b", "c"):
        glue.create_job(Name=name, Role=ROLE, Command=SPARK, Tags={"team": "x" if name != "b" else "y"})
    first = glue.get_jobs(MaxResults=2)
    assert [j["Name"] for j in first["Jobs"]] == ["a", "b"]
    assert [j["Name"] for j in glue.get_jobs(NextToken=first["NextToken"])["Jobs"]] == ["c"]
    assert glue.list_jobs()["JobNames"] == ["a", "b", "c"]
    assert glue.list_jobs(Tags={"team": "x"})["JobNames"] == ["a", "c"]
    assert glue.list_jobs(Tags={"team": "z"})["JobNames"] == []
    batch = glue.batch_get_jobs(JobNames=["c", "zz", "a"])
    assert [j["Name"] for j in batch["Jobs"]] == ["c", "a"] and batch["JobsNotFound"] == ["zz"]
    arn = "arn:aws:glue:us-east-1:123456789012:job/b"
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "y"}
    glue.delete_job(JobName="b")
    assert glue.list_jobs()["JobNames"] == ["a", "c"]
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_tags(ResourceArn=arn)
