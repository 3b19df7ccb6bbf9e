"""Unit: the awsglue.blueprint library (emulator/runtime/awsglue/blueprint) and blueprint parameter checks."""

from __future__ import annotations

import json

import pytest

import emulator.runtime
from emulator.blueprints.archive import BlueprintError, check_parameter_spec, read_config, user_parameters

emulator.runtime.install()
from awsglue.blueprint.crawler import Crawler  # after emulator.runtime.install()
from awsglue.blueprint.job import Job
from awsglue.blueprint.workflow import Entities, Workflow

ROLE = "arn:aws:iam::123456789012:role/R"


def entities() -> tuple[Crawler, Job, Job]:
    crawl = Crawler(Name="crawl", Role=ROLE, Targets={"S3Targets": [{"Path": "s3://b/"}]},
                    Grouping={"TableGroupingPolicy": "CombineCompatibleSchemas"})
    load = Job(Name="load", Role=ROLE, Command={"Name": "glueetl", "ScriptLocation": "s3://b/l.py"},
               DependsOn={crawl: "SUCCEEDED"})
    report = Job(Name="report", Role=ROLE, Command={"Name": "pythonshell", "ScriptLocation": "s3://b/r.py"},
                 DependsOn={crawl: "FAILED", load: "SUCCEEDED"}, WaitForDependencies="ANY")
    return crawl, load, report


def test_workflow_to_json_suffixes_names_and_turns_dependencies_into_triggers():
    crawl, load, report = entities()
    result = Workflow(Name="wf", Description="d", OnSchedule="cron(0 1 * * ? *)",
                      Entities=Entities(Jobs=[load, report], Crawlers=[crawl])).to_json("abc")
    assert result["Workflow"] == {"Name": "wf", "Description": "d"}
    assert [c["Name"] for c in result["Crawlers"]] == ["crawl_abc"]
    assert json.loads(result["Crawlers"][0]["Configuration"]) == {
        "Version": 1.0, "Grouping": {"TableGroupingPolicy": "CombineCompatibleSchemas"}}
    assert [j["Name"] for j in result["Jobs"]] == ["load_abc", "report_abc"]
    assert all("DependsOn" not in j for j in result["Jobs"])
    triggers = {t["Name"]: t for t in result["Triggers"]}
    assert triggers["wf_starting_trigger"] == {
        "Name": "wf_starting_trigger", "WorkflowName": "wf", "Type": "SCHEDULED", "Schedule": "cron(0 1 * * ? *)",
        "StartOnCreation": True, "Actions": [{"CrawlerName": "crawl_abc"}]}
    assert triggers["wf_report_abc_trigger"]["Predicate"] == {"Logical": "ANY", "Conditions": [
        {"LogicalOperator": "EQUALS", "CrawlerName": "crawl_abc", "CrawlState": "FAILED"},
        {"LogicalOperator": "EQUALS", "JobName": "load_abc", "State": "SUCCEEDED"}]}
    assert triggers["wf_load_abc_trigger"]["Actions"] == [{"JobName": "load_abc"}]


def test_the_classes_refuse_what_aws_documents_they_do_not_take():
    with pytest.raises(TypeError, match="missing required properties: Command"):
        Workflow(Name="w", Entities=Entities(Jobs=[Job(Name="j", Role=ROLE)])).to_json()
    with pytest.raises(TypeError, match="NumberOfWorkers must be int, not bool"):
        Job(Name="j", Role=ROLE, Command={}, NumberOfWorkers=True).validate()
    with pytest.raises(TypeError, match="WaitForDependencies must be AND or ANY"):
        Job(Name="j", Role=ROLE, Command={}, WaitForDependencies="ALL").validate()
    with pytest.raises(TypeError, match="DependsOn keys must be Job or Crawler objects"):
        Workflow(Name="w", Entities=Entities(Jobs=[Job(Name="j", Role=ROLE, Command={}, DependsOn={"x": "OK"})])
                 ).to_json()


SPEC = {"Paths": {"type": "S3Uri", "collection": True}, "Size": {"type": "Double", "defaultValue": 1},
        "Bucket": {"type": "S3Bucket", "defaultValue": "my-bucket"}, "On": {"type": "Boolean", "defaultValue": True}}


def test_user_parameters_fill_defaults_and_check_each_collection_item():
    assert user_parameters(SPEC, json.dumps({"Paths": ["s3://a/", "s3://b/c"], "Size": 2})) == {
        "Paths": ["s3://a/", "s3://b/c"], "Size": 2, "Bucket": "my-bucket", "On": True}
    for given, problem in [({"Paths": ["s3://a/", "b"]}, "Paths must be of type S3Uri, got \"b\""),
                           ({"Paths": [], "Bucket": "Not_A_Bucket"}, "Bucket must be of type S3Bucket"),
                           ({"Paths": [], "On": "yes"}, "On must be of type Boolean")]:
        with pytest.raises(BlueprintError, match=problem):
            user_parameters(SPEC, json.dumps(given))
    for text, problem in [("[1]", "must be a JSON object"), ("{", "not valid JSON")]:
        with pytest.raises(BlueprintError, match=problem):
            user_parameters(SPEC, text)


def test_a_spec_whose_default_does_not_fit_its_type_is_refused():
    with pytest.raises(BlueprintError, match="defaultValue in blueprint.cfg is not valid"):
        check_parameter_spec({"N": {"type": "Integer", "defaultValue": "five"}})
    with pytest.raises(BlueprintError, match="allowedValues of parameter A in blueprint.cfg must be a list"):
        check_parameter_spec({"A": {"type": "String", "allowedValues": "x"}})


def test_read_config_takes_a_config_at_the_root_and_refuses_a_zip_bomb(monkeypatch):
    import io
    import zipfile

    from emulator.blueprints import archive

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("blueprint.cfg", json.dumps({"layoutGenerator": "layout.make"}))
        z.writestr("layout.py", "x" * 1000)
    assert read_config(buffer.getvalue()).layout_generator == "layout.make"
    monkeypatch.setattr(archive, "MAX_ARCHIVE_BYTES", 500)
    with pytest.raises(BlueprintError, match="unpacks to more than 500 bytes"):
        read_config(buffer.getvalue())
