"""Blueprint layouts that pass Job/Crawler properties our `awsglue.blueprint` classes do not know: AWS's library
(awslabs/aws-glue-blueprint-libs, awsglue/blueprint/job.py and crawler.py) reads each known property with
`kwargs.get` and so drops any other, and its Job reads the description from `description`. A run of such a
layout on a live server succeeds, creates what the known properties say, and names what it dropped in the
layout's log."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from support import ROLE
from test_blueprints_runs import register, run_blueprint, zipped

from emulator.runtime.awsglue.blueprint.crawler import Crawler, S3Target
from emulator.runtime.awsglue.blueprint.job import Job

CFG = {"layoutGenerator": "loose.layout.generate_layout",
       "parameterSpec": {"PassRole": {"type": "IAMRoleArn"}}}
LAYOUT = '''
from awsglue.blueprint.crawler import Crawler
from awsglue.blueprint.job import Job
from awsglue.blueprint.workflow import Entities, Workflow


def generate_layout(user_params, system_params):
    role = user_params["PassRole"]
    crawler = Crawler(Name="loose_crawler", Role=role, Targets={"S3Targets": [{"Path": "s3://data/x/"}]},
                      DatabaseName="loose_db", CrawlerFlavour="fast", Owner="team-a")
    job = Job(Name="loose_job", Role=role, Command={"Name": "pythonshell", "ScriptLocation": "s3://scripts/j.py"},
              description="what the job does", RetryColour="blue", DependsOn={crawler: "SUCCEEDED"})
    return Workflow(Name="loose_wf", Entities=Entities(Jobs=[job], Crawlers=[crawler]), Deadline="friday")
'''


@pytest.fixture
def s3(server: Any, glue: Any) -> Any:
    client = server.client("s3")
    for bucket in ("blueprints", "data"):
        client.create_bucket(Bucket=bucket)
    return client


def test_a_layout_with_unknown_properties_runs_and_drops_them(server: Any, glue: Any, s3: Any) -> None:
    archive = zipped({"loose/blueprint.cfg": json.dumps(CFG), "loose/layout.py": LAYOUT})
    assert register(glue, s3, "loose", archive)["Status"] == "ACTIVE"
    run = run_blueprint(glue, "loose", {"PassRole": ROLE})
    assert run["State"] == "SUCCEEDED", run.get("ErrorMessage")
    jobs = glue.get_jobs()["Jobs"]
    assert [j["Description"] for j in jobs] == ["what the job does"]
    assert not any(key in jobs[0] for key in ("RetryColour", "description"))
    crawler = glue.get_crawlers()["Crawlers"][0]
    assert crawler["DatabaseName"] == "loose_db"
    assert glue.get_workflow(Name="loose_wf")["Workflow"]["Name"] == "loose_wf"


def test_the_classes_drop_unknown_keywords_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="awsglue.blueprint"):
        job = Job(Name="j", Role=ROLE, Command={"Name": "glueetl", "ScriptLocation": "s3://b/s.py"}, Colour="red",
                  description="d")
        target = S3Target(Path="s3://b/p/", SampleSize=3)
        crawler = Crawler(Name="c", Role=ROLE, Targets={"S3Targets": [target.to_json()]}, Flavour=None)
    assert job.to_json() == {"Name": "j", "Role": ROLE, "Description": "d",
                             "Command": {"Name": "glueetl", "ScriptLocation": "s3://b/s.py"}}
    assert target.to_json() == {"Path": "s3://b/p/"}
    assert "Flavour" not in crawler.to_json()
    assert [r.getMessage() for r in caplog.records] == [
        "Job ignores properties it does not have: Colour",
        "S3Target ignores properties it does not have: SampleSize",
        "Crawler ignores properties it does not have: Flavour",
    ]
