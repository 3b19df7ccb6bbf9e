"""Security configurations over boto3 against a live server: shapes, defaults, errors, and their use by others."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import ROLE

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return error.value.response["Error"]["Code"]


def test_created_configuration_reads_back_with_disabled_defaults(glue: Any) -> None:
    created = glue.create_security_configuration(
        Name="sc", EncryptionConfiguration={"S3Encryption": [{"S3EncryptionMode": "SSE-S3"}]})
    got = glue.get_security_configuration(Name="sc")["SecurityConfiguration"]

    assert created["Name"] == "sc" and got["CreatedTimeStamp"] == created["CreatedTimestamp"]
    assert got["EncryptionConfiguration"] == {
        "S3Encryption": [{"S3EncryptionMode": "SSE-S3"}],
        "CloudWatchEncryption": {"CloudWatchEncryptionMode": "DISABLED"},
        "JobBookmarksEncryption": {"JobBookmarksEncryptionMode": "DISABLED"},
    }


def test_kms_modes_keep_their_keys_and_need_one(glue: Any) -> None:
    glue.create_security_configuration(Name="kms", EncryptionConfiguration={
        "CloudWatchEncryption": {"CloudWatchEncryptionMode": "SSE-KMS", "KmsKeyArn": KEY},
        "JobBookmarksEncryption": {"JobBookmarksEncryptionMode": "CSE-KMS", "KmsKeyArn": KEY},
        "DataQualityEncryption": {"DataQualityEncryptionMode": "DISABLED"}})
    config = glue.get_security_configuration(Name="kms")["SecurityConfiguration"]["EncryptionConfiguration"]
    assert config["CloudWatchEncryption"] == {"CloudWatchEncryptionMode": "SSE-KMS", "KmsKeyArn": KEY}
    assert config["JobBookmarksEncryption"] == {"JobBookmarksEncryptionMode": "CSE-KMS", "KmsKeyArn": KEY}
    assert config["S3Encryption"] == [{"S3EncryptionMode": "DISABLED"}]
    assert config["DataQualityEncryption"] == {"DataQualityEncryptionMode": "DISABLED"}

    with pytest.raises(ClientError) as error:
        glue.create_security_configuration(Name="nokey", EncryptionConfiguration={
            "JobBookmarksEncryption": {"JobBookmarksEncryptionMode": "CSE-KMS"}})
    assert _code(error) == "InvalidInputException" and "KmsKeyArn" in str(error.value)
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_security_configuration(Name="nokey")


def test_lifecycle_errors_and_paging(glue: Any) -> None:
    for name in ("c", "a", "b"):
        glue.create_security_configuration(Name=name, EncryptionConfiguration={})
    with pytest.raises(glue.exceptions.AlreadyExistsException) as error:
        glue.create_security_configuration(Name="a", EncryptionConfiguration={})
    assert "SecurityConfiguration a already exists." in str(error.value)

    first = glue.get_security_configurations(MaxResults=2)
    second = glue.get_security_configurations(NextToken=first["NextToken"])
    assert [c["Name"] for c in first["SecurityConfigurations"] + second["SecurityConfigurations"]] == ["a", "b", "c"]
    assert "NextToken" not in second

    glue.delete_security_configuration(Name="b")
    with pytest.raises(glue.exceptions.EntityNotFoundException) as error:
        glue.delete_security_configuration(Name="b")
    assert "SecurityConfiguration b not found." in str(error.value)
    assert [c["Name"] for c in glue.get_security_configurations()["SecurityConfigurations"]] == ["a", "c"]


def test_jobs_crawlers_and_sessions_must_name_an_existing_configuration(glue: Any) -> None:
    command = {"Name": "pythonshell", "ScriptLocation": "s3://scripts/x.py"}
    targets = {"CatalogTargets": [{"DatabaseName": "d", "Tables": ["t"]}]}
    with pytest.raises(glue.exceptions.InvalidInputException) as error:
        glue.create_job(Name="j", Role=ROLE, Command=command, SecurityConfiguration="missing")
    assert "security configuration missing does not exist" in str(error.value)
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.create_crawler(Name="cr", Role=ROLE, Targets=targets, CrawlerSecurityConfiguration="missing")
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.create_session(Id="s", Role=ROLE, Command={"Name": "glueetl"}, SecurityConfiguration="missing")
    glue.create_crawler(Name="cr", Role=ROLE, Targets=targets)
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.update_crawler(Name="cr", CrawlerSecurityConfiguration="missing")

    glue.create_security_configuration(Name="sc", EncryptionConfiguration={})
    glue.update_crawler(Name="cr", CrawlerSecurityConfiguration="sc")
    glue.create_job(Name="j", Role=ROLE, Command=command, SecurityConfiguration="sc")
    assert glue.get_job(JobName="j")["Job"]["SecurityConfiguration"] == "sc"
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.update_job(JobName="j", JobUpdate={"Role": ROLE, "Command": command, "SecurityConfiguration": "gone"})
    # A run shows its job's configuration; a run naming a missing one is refused.
    run_id = glue.start_job_run(JobName="j")["JobRunId"]
    assert glue.get_job_run(JobName="j", RunId=run_id)["JobRun"]["SecurityConfiguration"] == "sc"
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.start_job_run(JobName="j", SecurityConfiguration="gone")
    # Deleting a configuration in use is allowed; jobs and crawlers keep the name and can still be updated.
    glue.delete_security_configuration(Name="sc")
    assert glue.get_job(JobName="j")["Job"]["SecurityConfiguration"] == "sc"
    glue.update_crawler(Name="cr", Description="still updatable")
    assert glue.get_crawler(Name="cr")["Crawler"]["CrawlerSecurityConfiguration"] == "sc"
