"""UpdateJobFromSourceControl / UpdateSourceControlFromJob: checked as AWS checks them, then refused because no
Git provider is reachable offline."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/glue"
GIT = {"Provider": "GITHUB", "RepositoryName": "etl", "RepositoryOwner": "acme", "BranchName": "main",
       "AuthStrategy": "PERSONAL_ACCESS_TOKEN", "AuthToken": "ghp_x"}


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return error.value.response["Error"]["Code"]


def _job(glue: Any, **extra: Any) -> None:
    glue.create_job(Name="j", Role=ROLE, Command={"Name": "pythonshell", "ScriptLocation": "s3://s/j.py"}, **extra)


@pytest.mark.parametrize("operation", ["update_job_from_source_control", "update_source_control_from_job"])
def test_a_valid_request_fails_because_no_provider_is_reachable_and_changes_nothing(glue_emulator, operation):
    glue = glue_emulator.glue
    _job(glue)
    before = glue.get_job(JobName="j")["Job"]
    with pytest.raises(ClientError) as unreachable:
        getattr(glue, operation)(JobName="j", **GIT)
    assert _code(unreachable) == "OperationTimeoutException"
    assert unreachable.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400  # not retried by SDKs
    assert "GITHUB repository acme/etl" in unreachable.value.response["Error"]["Message"]
    assert glue.get_job(JobName="j")["Job"] == before


def test_the_job_s_source_control_details_fill_in_the_request(glue_emulator):
    glue = glue_emulator.glue
    _job(glue, SourceControlDetails={"Provider": "GITLAB", "Repository": "pipelines", "Owner": "data",
                                     "Branch": "dev"})
    with pytest.raises(ClientError) as unreachable:
        glue.update_source_control_from_job(JobName="j")
    assert "GITLAB repository data/pipelines" in unreachable.value.response["Error"]["Message"]


def test_pushing_an_unknown_job_is_entity_not_found(glue_emulator):
    with pytest.raises(ClientError) as missing:
        glue_emulator.glue.update_source_control_from_job(JobName="nope", **GIT)
    assert _code(missing) == "EntityNotFoundException"


@pytest.mark.parametrize(("change", "words"), [
    ({"JobName": None}, "JobName"),
    ({"Provider": None}, "Provider"),
    ({"RepositoryOwner": None}, "RepositoryOwner"),
    ({"CommitId": "a" * 40}, "BranchName and CommitId"),
    ({"AuthToken": None}, "AuthToken"),
])
def test_incomplete_requests_are_invalid_input(glue_emulator, change, words):
    _job(glue_emulator.glue)
    request = {"JobName": "j", **GIT, **change}
    with pytest.raises(ClientError) as bad:
        glue_emulator.glue.update_job_from_source_control(**{k: v for k, v in request.items() if v is not None})
    assert _code(bad) == "InvalidInputException"
    assert words in bad.value.response["Error"]["Message"]


def test_codecommit_needs_no_owner(glue_emulator):
    _job(glue_emulator.glue)
    with pytest.raises(ClientError) as unreachable:
        glue_emulator.glue.update_job_from_source_control(JobName="j", Provider="AWS_CODE_COMMIT",
                                                          RepositoryName="etl", BranchName="main")
    assert _code(unreachable) == "OperationTimeoutException"
