"""Usage profiles through boto3 against a live emulator: their lifecycle, and how a profile assigned to an IAM
user (tag `glue:UsageProfile`) shapes the jobs, runs and sessions that user creates and starts."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/glue"
JOB_LIMITS = {
    "numberOfWorkers": {"DefaultValue": "2", "MinValue": "1", "MaxValue": "4"},
    "workerType": {"DefaultValue": "G.1X", "AllowedValues": ["G.1X", "G.2X"]},
    "timeout": {"DefaultValue": "60", "MinValue": "1", "MaxValue": "120"},
}


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return error.value.response["Error"]["Code"]


def _user_glue(glue_emulator: Any, profile: str) -> Any:
    """A Glue client signed with the keys of an IAM user tagged with the usage profile."""
    iam = glue_emulator.client("iam")
    iam.create_user(UserName=f"user-{profile}", Tags=[{"Key": "glue:UsageProfile", "Value": profile}])
    key = iam.create_access_key(UserName=f"user-{profile}")["AccessKey"]
    return boto3.client("glue", endpoint_url=glue_emulator.endpoint, region_name="us-east-1",
                        aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])


def _shell_job(**extra: Any) -> dict[str, Any]:
    return {"Role": ROLE, "Command": {"Name": "glueetl", "ScriptLocation": "s3://scripts/job.py"}, **extra}


def test_lifecycle_create_get_update_list_delete(glue_emulator):
    glue = glue_emulator.glue
    assert glue.create_usage_profile(Name="dev", Description="developers",
                                     Configuration={"JobConfiguration": JOB_LIMITS},
                                     Tags={"team": "data"})["Name"] == "dev"
    got = glue.get_usage_profile(Name="dev")
    assert got["Configuration"] == {"JobConfiguration": JOB_LIMITS}
    assert got["Description"] == "developers" and got["CreatedOn"] == got["LastModifiedOn"]
    glue.update_usage_profile(Name="dev", Configuration={"SessionConfiguration": {
        "idleTimeout": {"DefaultValue": "30", "MaxValue": "60"}}})
    updated = glue.get_usage_profile(Name="dev")
    assert list(updated["Configuration"]) == ["SessionConfiguration"]
    assert updated["LastModifiedOn"] >= got["LastModifiedOn"]
    glue.create_usage_profile(Name="analysts", Configuration={"JobConfiguration": JOB_LIMITS})
    listed = glue.list_usage_profiles()["Profiles"]
    assert [p["Name"] for p in listed] == ["analysts", "dev"]
    assert set(listed[1]) == {"Name", "Description", "CreatedOn", "LastModifiedOn"}
    page = glue.list_usage_profiles(MaxResults=1)
    assert [p["Name"] for p in page["Profiles"]] == ["analysts"] and page["NextToken"]
    arn = "arn:aws:glue:us-east-1:123456789012:usageProfile/dev"
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "data"}
    glue.delete_usage_profile(Name="dev")
    for call in (lambda: glue.get_usage_profile(Name="dev"), lambda: glue.delete_usage_profile(Name="dev"),
                 lambda: glue.update_usage_profile(Name="dev", Configuration={"JobConfiguration": JOB_LIMITS})):
        with pytest.raises(ClientError) as missing:
            call()
        assert _code(missing) == "EntityNotFoundException"


def test_a_taken_name_is_already_exists(glue_emulator):
    glue = glue_emulator.glue
    glue.create_usage_profile(Name="dev", Configuration={"JobConfiguration": JOB_LIMITS})
    with pytest.raises(ClientError) as taken:
        glue.create_usage_profile(Name="dev", Configuration={"JobConfiguration": JOB_LIMITS})
    assert _code(taken) == "AlreadyExistsException"


@pytest.mark.parametrize("configuration", [
    {},
    {"JobConfiguration": {}},
    {"JobConfiguration": {"numberOfWorkers": {"DefaultValue": "10", "MaxValue": "4"}}},
    {"JobConfiguration": {"numberOfWorkers": {"MinValue": "5", "MaxValue": "4"}}},
    {"JobConfiguration": {"timeout": {"DefaultValue": "abc"}}},
    {"JobConfiguration": {"workerType": {"DefaultValue": "G.8X", "AllowedValues": ["G.1X"]}}},
])
def test_a_configuration_that_does_not_hold_together_is_invalid_input(glue_emulator, configuration):
    with pytest.raises(ClientError) as bad:
        glue_emulator.glue.create_usage_profile(Name="p", Configuration=configuration)
    assert _code(bad) == "InvalidInputException"
    assert glue_emulator.glue.list_usage_profiles()["Profiles"] == []


def test_a_profiled_user_s_job_gets_the_defaults_and_the_profile_name(glue_emulator):
    glue_emulator.glue.create_usage_profile(Name="dev", Configuration={"JobConfiguration": JOB_LIMITS})
    user = _user_glue(glue_emulator, "dev")
    user.create_job(Name="j", **_shell_job())
    job = user.get_job(JobName="j")["Job"]
    assert (job["WorkerType"], job["NumberOfWorkers"], job["Timeout"], job["ProfileName"]) == ("G.1X", 2, 60, "dev")
    # A user without a profile (the usual `testing` keys) gets Glue's own defaults and no ProfileName.
    glue_emulator.glue.create_job(Name="plain", **_shell_job())
    plain = glue_emulator.glue.get_job(JobName="plain")["Job"]
    assert plain["Timeout"] == 480 and "ProfileName" not in plain  # Glue 5.0's default
    # Updating a job as a user without a profile removes the job's profile, as AWS documents.
    glue_emulator.glue.update_job(JobName="j", JobUpdate=_shell_job(WorkerType="G.2X", NumberOfWorkers=3))
    assert "ProfileName" not in glue_emulator.glue.get_job(JobName="j")["Job"]


@pytest.mark.parametrize(("member", "value"), [("NumberOfWorkers", 10), ("Timeout", 500)])
def test_a_profiled_user_cannot_save_values_outside_the_limits(glue_emulator, member, value):
    glue_emulator.glue.create_usage_profile(Name="dev", Configuration={"JobConfiguration": JOB_LIMITS})
    user = _user_glue(glue_emulator, "dev")
    spec = _shell_job(WorkerType="G.1X", NumberOfWorkers=2)
    spec[member] = value
    with pytest.raises(ClientError) as refused:
        user.create_job(Name="big", **spec)
    assert _code(refused) == "InvalidInputException"
    assert "usage profile dev" in refused.value.response["Error"]["Message"]
    with pytest.raises(ClientError):
        user.get_job(JobName="big")


def test_a_worker_type_outside_the_allowed_values_is_refused(glue_emulator):
    glue_emulator.glue.create_usage_profile(Name="dev", Configuration={"JobConfiguration": JOB_LIMITS})
    with pytest.raises(ClientError) as refused:
        _user_glue(glue_emulator, "dev").create_job(Name="j", **_shell_job(WorkerType="G.8X", NumberOfWorkers=2))
    assert _code(refused) == "InvalidInputException"


def test_a_run_is_held_to_the_caller_s_profile(glue_emulator):
    """A job saved with 4 workers, started by a user whose profile allows 2: the run is refused."""
    glue = glue_emulator.glue
    glue.create_usage_profile(Name="small", Configuration={"JobConfiguration": {
        "numberOfWorkers": {"MaxValue": "2"}}})
    glue.create_job(Name="j", **_shell_job(WorkerType="G.1X", NumberOfWorkers=4))
    with pytest.raises(ClientError) as refused:
        _user_glue(glue_emulator, "small").start_job_run(JobName="j")
    assert _code(refused) == "InvalidInputException"
    assert "NumberOfWorkers 4 is above the maximum 2" in refused.value.response["Error"]["Message"]
    assert glue.get_job_runs(JobName="j")["JobRuns"] == []


def test_a_profile_assigned_to_a_user_must_exist(glue_emulator):
    with pytest.raises(ClientError) as missing:
        _user_glue(glue_emulator, "ghost").create_job(Name="j", **_shell_job())
    assert _code(missing) == "EntityNotFoundException"


def test_a_session_over_the_profile_s_limits_is_refused(glue_emulator):
    glue_emulator.glue.create_usage_profile(Name="dev", Configuration={"SessionConfiguration": {
        "idleTimeout": {"DefaultValue": "30", "MaxValue": "60"}}})
    with pytest.raises(ClientError) as refused:
        _user_glue(glue_emulator, "dev").create_session(
            Id="s1", Role=ROLE, Command={"Name": "glueetl", "PythonVersion": "3"}, IdleTimeout=120)
    assert _code(refused) == "InvalidInputException"
    assert "IdleTimeout 120 is above the maximum 60" in refused.value.response["Error"]["Message"]


def test_a_triggered_run_is_held_to_the_job_s_saved_profile_and_fails(glue_emulator):
    """No direct caller: the profile saved with the job applies, and a run outside it ends FAILED (AWS's
    "the job run will fail")."""
    glue = glue_emulator.glue
    glue.create_usage_profile(Name="dev", Configuration={"JobConfiguration": JOB_LIMITS})
    _user_glue(glue_emulator, "dev").create_job(Name="j", **_shell_job(WorkerType="G.1X", NumberOfWorkers=4))
    glue.update_usage_profile(Name="dev", Configuration={"JobConfiguration": {"numberOfWorkers": {"MaxValue": "3"}}})
    glue.create_trigger(Name="t", Type="ON_DEMAND", Actions=[{"JobName": "j"}])
    glue.start_trigger(Name="t")
    (run,) = glue.get_job_runs(JobName="j")["JobRuns"]
    assert (run["JobRunState"], run["ProfileName"]) == ("FAILED", "dev")
    assert "NumberOfWorkers 4 is above the maximum 3 of usage profile dev" in run["ErrorMessage"]


def test_an_assumed_role_s_tag_assigns_its_profile(glue_emulator):
    glue_emulator.glue.create_usage_profile(Name="ops", Configuration={"JobConfiguration": {
        "timeout": {"DefaultValue": "15"}}})
    iam = glue_emulator.client("iam")
    role = iam.create_role(RoleName="etl", AssumeRolePolicyDocument="{}",
                           Tags=[{"Key": "glue:UsageProfile", "Value": "ops"}])["Role"]
    creds = glue_emulator.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="etl-session")["Credentials"]
    glue = boto3.client("glue", endpoint_url=glue_emulator.endpoint, region_name="us-east-1",
                        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"])
    glue.create_job(Name="j", **_shell_job())
    job = glue.get_job(JobName="j")["Job"]
    assert (job["Timeout"], job["ProfileName"]) == (15, "ops")


def test_a_triggered_run_of_a_job_whose_profile_was_deleted_fails(glue_emulator):
    glue = glue_emulator.glue
    glue.create_usage_profile(Name="dev", Configuration={"JobConfiguration": JOB_LIMITS})
    _user_glue(glue_emulator, "dev").create_job(Name="j", **_shell_job())
    glue.delete_usage_profile(Name="dev")
    glue.create_trigger(Name="t", Type="ON_DEMAND", Actions=[{"JobName": "j"}])
    glue.start_trigger(Name="t")
    (run,) = glue.get_job_runs(JobName="j")["JobRuns"]
    assert (run["JobRunState"], run["ErrorMessage"]) == ("FAILED", "Usage profile dev does not exist.")
