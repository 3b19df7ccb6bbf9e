"""A security configuration moves a job run's and a crawl's logs to the log groups Glue uses for it."""

from __future__ import annotations

from typing import Any

from support import ROLE, RUN_WAIT, run_to_end, shell_job, wait_crawler_ready

from emulator.governance.log_groups import crawler_log_group, job_log_group, role_path_name

SERVICE_ROLE = "arn:aws:iam::123456789012:role/service-role/AWSGlueServiceRole-x"


def test_group_names_follow_the_role_and_configuration() -> None:
    assert role_path_name(SERVICE_ROLE) == "service-role/AWSGlueServiceRole-x"
    assert role_path_name("GlueRole") == "GlueRole"
    assert job_log_group("/aws-glue/jobs", None, ROLE) == "/aws-glue/jobs"
    assert job_log_group("/aws-glue/jobs", "sc", ROLE) == "/aws-glue/jobs/sc-role/GlueRole"
    assert crawler_log_group("/aws-glue/crawlers", None, SERVICE_ROLE) == "/aws-glue/crawlers"
    assert crawler_log_group("/aws-glue/crawlers", "s3", SERVICE_ROLE) == \
        "/aws-glue/crawlers-role/service-role/AWSGlueServiceRole-x-s3"


def test_job_run_logs_go_to_the_configurations_group(glue: Any, server: Any) -> None:
    s3, logs = server.client("s3"), server.client("logs")
    glue.create_security_configuration(Name="sc", EncryptionConfiguration={
        "CloudWatchEncryption": {"CloudWatchEncryptionMode": "SSE-KMS",
                                 "KmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k"}})
    shell_job(glue, s3, "plain", "print('in the clear')")
    shell_job(glue, s3, "secured", "print('encrypted on AWS')", SecurityConfiguration="sc")

    plain = run_to_end(glue, "plain", timeout=RUN_WAIT)
    secured = run_to_end(glue, "secured", timeout=RUN_WAIT)
    assert (plain["JobRunState"], secured["JobRunState"]) == ("SUCCEEDED", "SUCCEEDED")
    assert plain["LogGroupName"] == "/aws-glue/python-jobs"
    group = "/aws-glue/python-jobs/sc-role/GlueRole"
    assert secured["LogGroupName"] == group
    events = logs.get_log_events(logGroupName=f"{group}/output", logStreamName=secured["Id"])["events"]
    assert any("encrypted on AWS" in event["message"] for event in events), events


def test_crawl_logs_go_to_the_roles_group(glue: Any, server: Any) -> None:
    s3, logs = server.client("s3"), server.client("logs")
    s3.create_bucket(Bucket="lake")
    s3.put_object(Bucket="lake", Key="people/part-0.csv", Body=b"id,name\n1,Ann\n2,Bob\n")
    glue.create_security_configuration(Name="s3", EncryptionConfiguration={})
    glue.create_database(DatabaseInput={"Name": "crm"})
    glue.create_crawler(Name="people", Role=SERVICE_ROLE, DatabaseName="crm", CrawlerSecurityConfiguration="s3",
                        Targets={"S3Targets": [{"Path": "s3://lake/people/"}]})
    glue.start_crawler(Name="people")

    last = wait_crawler_ready(glue, "people")["LastCrawl"]
    group = "/aws-glue/crawlers-role/service-role/AWSGlueServiceRole-x-s3"
    assert (last["Status"], last["LogGroup"]) == ("SUCCEEDED", group), last
    assert glue.list_crawls(CrawlerName="people")["Crawls"][0]["LogGroup"] == group
    events = logs.get_log_events(logGroupName=group, logStreamName="people")["events"]
    assert any("Crawler has finished running" in event["message"] for event in events), events
