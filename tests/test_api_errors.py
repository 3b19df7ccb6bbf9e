"""Documented errors and output shapes of the job, job run, trigger, workflow and list operations (issue #13).

Table-driven, on the wire (raw awsJson requests, so nothing is refused client-side): each row is an
operation, its request, and the error AWS answers (code, HTTP status, and the message where AWS's
wording is on record, /work/shared/reference/glue-semantics.md). Every success is checked against
botocore's output model by the server itself (GLUE_EMULATOR_VALIDATE_RESPONSES=1 answers
InternalServiceException on any departure). The list and get-many operations return their top-level
lists, empty when empty, as AWS does (`ListWorkflows` -> `{"Workflows": []}`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from support import RUN_WAIT

from emulator.services import load_json_services
from emulator.shapes import ServiceShapes

ROLE = "arn:aws:iam::123456789012:role/GlueRole"
SHELL = {"Name": "pythonshell", "ScriptLocation": "s3://scripts/sleep.py"}
ACTION = [{"JobName": "j"}]
Setup = Callable[[Any], None]


def job(glue: Any) -> None:
    glue.create_job(Name="j", Role=ROLE, Command=SHELL)


def running_job(glue: Any) -> None:
    """A job with one run in progress (MaxConcurrentRuns 1, no queuing; its script sleeps 30 s)."""
    job(glue)
    glue.start_job_run(JobName="j")


def triggers(glue: Any) -> None:
    job(glue)
    glue.create_workflow(Name="wf")
    glue.create_trigger(Name="od", Type="ON_DEMAND", Actions=ACTION)
    glue.create_trigger(Name="ev", Type="EVENT", WorkflowName="wf", Actions=ACTION)


def finished_workflow_run(glue: Any) -> None:
    glue.create_workflow(Name="wf")
    glue.start_workflow_run(Name="wf")  # no start trigger: COMPLETED at once


def nothing(glue: Any) -> None:
    return None


# (operation, setup, request, error code, message or None where AWS's wording is not on record)
ERRORS: list[tuple[str, Setup, dict[str, Any], str, str | None]] = [
    ("CreateJob", job, {"Name": "j", "Role": ROLE, "Command": SHELL}, "AlreadyExistsException", None),
    ("CreateJob", nothing, {"Name": "", "Role": ROLE, "Command": SHELL}, "ValidationException",
     ("1 validation error detected: Value '' at 'name' failed to satisfy constraint: "
     "Member must have length greater than or equal to 1")),
    ("CreateJob", nothing, {"Name": "j", "Command": SHELL}, "ValidationException",
     "1 validation error detected: Value null at 'role' failed to satisfy constraint: Member must not be null"),
    ("CreateJob", nothing, {"Name": "j", "Role": ROLE, "Command": SHELL, "MaxRetries": 11},
     "InvalidInputException", None),
    ("GetJob", nothing, {"JobName": "nope"}, "EntityNotFoundException", None),
    ("UpdateJob", nothing, {"JobName": "nope", "JobUpdate": {"Role": ROLE, "Command": SHELL}},
     "EntityNotFoundException", None),
    ("UpdateJob", job, {"JobName": "j", "JobUpdate": {"Description": "no role"}}, "InvalidInputException", None),
    ("StartJobRun", nothing, {"JobName": "nope"}, "EntityNotFoundException", None),
    ("StartJobRun", running_job, {"JobName": "j"}, "ConcurrentRunsExceededException", "Concurrent runs exceeded for j"),
    ("StartJobRun", job, {"JobName": "j", "AllocatedCapacity": 2, "MaxCapacity": 5.0}, "InvalidInputException",
     "Please set only Allocated Capacity or Max Capacity"),
    ("GetJobRun", job, {"JobName": "j", "RunId": "jr_" + "0" * 64}, "EntityNotFoundException", None),
    ("GetJobRuns", nothing, {"JobName": "nope"}, "EntityNotFoundException", None),
    ("GetJobRuns", job, {"JobName": "j", "MaxResults": 201}, "ValidationException",
     ("1 validation error detected: Value '201' at 'maxResults' failed to satisfy constraint: "
     "Member must have value less than or equal to 200")),
    ("CreateTrigger", triggers, {"Name": "od", "Type": "ON_DEMAND", "Actions": ACTION}, "AlreadyExistsException", None),
    ("CreateTrigger", job, {"Name": "t", "Type": "SCHEDULED", "Actions": ACTION}, "InvalidInputException", None),
    ("CreateTrigger", job, {"Name": "t", "Type": "SCHEDULED", "Actions": ACTION, "Schedule": "cron(* * * * ? *)"},
     "InvalidInputException", None),
    ("CreateTrigger", job, {"Name": "t", "Type": "ON_DEMAND", "Actions": ACTION, "StartOnCreation": True},
     "InvalidInputException", None),
    ("CreateTrigger", nothing, {"Name": "t", "Type": "ON_DEMAND", "Actions": ACTION}, "EntityNotFoundException", None),
    # Structure is checked before the jobs named exist (the words are those moto's suite expects of AWS)
    ("CreateTrigger", nothing, {"Name": "t", "Type": "ON_DEMAND", "Actions": [{"JobName": "x", "CrawlerName": "y"}]},
     "InvalidInputException", "Both JobName and CrawlerName cannot be set together in an action"),
    ("CreateTrigger", nothing, {"Name": "t", "Type": "CONDITIONAL", "Actions": [{"JobName": "x"}]},
     "InvalidInputException", "Predicate cannot be null or empty"),
    ("CreateTrigger", nothing, {"Name": "t", "Type": "CONDITIONAL", "Actions": [{"JobName": "x"}],
                                "Predicate": {"Conditions": [{"LogicalOperator": "EQUALS", "JobName": "x"}]}},
     "InvalidInputException", ("State cannot be null or empty, choose from one of the following job state: "
     "[SUCCEEDED, STOPPED, FAILED, TIMEOUT]")),
    ("CreateTrigger", nothing, {"Name": "t", "Type": "CONDITIONAL", "Actions": [{"JobName": "x"}],
                                "Predicate": {"Conditions": [{"LogicalOperator": "EQUALS"}]}},
     "InvalidInputException", "JobName or CrawlerName in condition cannot be null or empty"),
    ("GetTrigger", nothing, {"Name": "nope"}, "EntityNotFoundException", None),
    ("UpdateTrigger", nothing, {"Name": "nope", "TriggerUpdate": {"Actions": ACTION}}, "EntityNotFoundException", None),
    ("StartTrigger", nothing, {"Name": "nope"}, "EntityNotFoundException", None),
    ("StartTrigger", triggers, {"Name": "ev"}, "InvalidInputException", "Trigger Type EVENT cannot be started"),
    ("StopTrigger", triggers, {"Name": "od"}, "InvalidInputException",
     "The operation is not allowed when trigger is in state: CREATED"),
    ("StopTrigger", triggers, {"Name": "ev"}, "InvalidInputException",
     "The operation is not allowed when trigger is in state: CREATED"),
    ("ListTriggers", nothing, {"MaxResults": 201}, "ValidationException", None),
    ("CreateWorkflow", finished_workflow_run, {"Name": "wf"}, "AlreadyExistsException", None),
    ("GetWorkflow", nothing, {"Name": "nope"}, "EntityNotFoundException", None),
    ("StartWorkflowRun", nothing, {"Name": "nope"}, "EntityNotFoundException", None),
    ("GetWorkflowRun", finished_workflow_run, {"Name": "wf", "RunId": "wr_" + "0" * 64}, "EntityNotFoundException",
     None),
    ("ListWorkflows", nothing, {"MaxResults": 26}, "ValidationException",
     ("1 validation error detected: Value '26' at 'maxResults' failed to satisfy constraint: "
     "Member must have value less than or equal to 25")),
]


@pytest.fixture
def glue(glue_emulator: Any) -> Any:
    glue_emulator.s3.create_bucket(Bucket="scripts")
    glue_emulator.s3.put_object(Bucket="scripts", Key="sleep.py", Body=b"import time; time.sleep(30)\n")
    return glue_emulator.glue


@pytest.mark.parametrize(("operation", "setup", "request_body", "code", "message"), ERRORS,
                         ids=[f"{row[0]}-{row[3]}-{i}" for i, row in enumerate(ERRORS)])
def test_documented_errors(glue, glue_emulator, operation, setup, request_body, code, message):
    setup(glue)
    status, body = glue_emulator.server.glue_raw(operation, request_body)
    assert (status, body["__type"]) == (400, code), body
    assert body["Message"]
    if message is not None:
        assert body["Message"] == message


def test_stop_workflow_run_of_a_finished_run_is_an_illegal_state(glue, glue_emulator):
    glue.create_workflow(Name="wf")
    run_id = glue.start_workflow_run(Name="wf")["RunId"]
    deadline = time.monotonic() + 10
    while glue.get_workflow_run(Name="wf", RunId=run_id)["Run"]["Status"] != "COMPLETED":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    status, body = glue_emulator.server.glue_raw("StopWorkflowRun", {"Name": "wf", "RunId": run_id})
    assert (status, body["__type"]) == (400, "IllegalWorkflowStateException")


@pytest.mark.parametrize(
    ("operation", "request_body", "answer"),
    [
        ("DeleteJob", {"JobName": "nope"}, {"JobName": "nope"}),
        ("DeleteTrigger", {"Name": "nope"}, {"Name": "nope"}),
        ("BatchStopJobRun", {"JobName": "nope", "JobRunIds": ["jr_x"]}, None),
    ],
)
def test_operations_aws_answers_without_an_error(glue, glue_emulator, operation, request_body, answer):
    status, body = glue_emulator.server.glue_raw(operation, request_body)
    assert status == 200, body
    if answer is not None:
        assert body == answer
    else:
        assert body["SuccessfulSubmissions"] == []
        assert body["Errors"][0]["ErrorDetail"]["ErrorCode"] == "EntityNotFoundException"


# -- empty top-level lists ---------------------------------------------------------------------------

TABLE = {"DatabaseName": "db", "TableName": "t"}
# Every list/get-many operation the emulator implements, with a request on an empty account (but for
# the database, table, job, workflow and crawler they need).
EMPTY_LISTS: dict[str, dict[str, Any]] = {
    "ListJobs": {}, "GetJobs": {}, "BatchGetJobs": {"JobNames": ["nope"]}, "GetJobRuns": {"JobName": "j"},
    "BatchStopJobRun": {"JobName": "j", "JobRunIds": ["jr_x"]},
    "ListTriggers": {}, "GetTriggers": {}, "BatchGetTriggers": {"TriggerNames": ["nope"]},
    "ListWorkflows": {}, "BatchGetWorkflows": {"Names": ["nope"]}, "GetWorkflowRuns": {"Name": "wf"},
    "ListCrawlers": {}, "GetCrawlers": {}, "BatchGetCrawlers": {"CrawlerNames": ["nope"]},
    "ListCrawls": {"CrawlerName": "cr"}, "GetCrawlerMetrics": {}, "GetClassifiers": {},
    "GetDatabases": {"ResourceShareType": "FOREIGN"}, "GetTables": {"DatabaseName": "db", "Expression": "zzz"},
    "SearchTables": {"SearchText": "zzz"}, "GetTableVersions": {**TABLE, "MaxResults": 1},
    "BatchDeleteTableVersion": {**TABLE, "VersionIds": ["99"]},
    "BatchDeleteTable": {"DatabaseName": "db", "TablesToDelete": ["t"]},
    "GetPartitions": TABLE, "GetPartitionIndexes": TABLE,
    "BatchGetPartition": {**TABLE, "PartitionsToGet": [{"Values": ["x"]}]},
    "BatchCreatePartition": {**TABLE, "PartitionInputList": [{"Values": ["a"]}]},
    "BatchUpdatePartition": {**TABLE, "Entries": [{"PartitionValueList": ["a"], "PartitionInput": {"Values": ["a"]}}]},
    "BatchDeletePartition": {**TABLE, "PartitionsToDelete": [{"Values": ["a"]}]},
    "GetUserDefinedFunctions": {"DatabaseName": "db", "Pattern": "zzz"}, "GetConnections": {},
    "BatchDeleteConnection": {"ConnectionNameList": ["nope"]},
    "ListColumnStatisticsTaskRuns": {},
    "ListDataQualityRulesets": {}, "ListDataQualityResults": {}, "BatchGetDataQualityResult": {"ResultIds": ["no"]},
    "ListDataQualityRulesetEvaluationRuns": {}, "ListDataQualityRuleRecommendationRuns": {},
    "ListDataQualityStatistics": {"ProfileId": "p"}, "ListDataQualityStatisticAnnotations": {"ProfileId": "p"},
    "BatchPutDataQualityStatisticAnnotation": {"InclusionAnnotations": [{"ProfileId": "p", "StatisticId": "s"}]},
    "ListSessions": {},
    "ListCustomEntityTypes": {}, "BatchGetCustomEntityTypes": {"Names": ["nope"]}, "ListUsageProfiles": {},
    "ListIntegrationResourceProperties": {},
    "ListConnectionTypes": {},
    "ListRegistries": {}, "ListSchemas": {},
    "ListMaterializedViewRefreshTaskRuns": {"CatalogId": "123456789012"},
    "BatchGetTableOptimizer": {"Entries": [{"catalogId": "123456789012", "databaseName": "db", "tableName": "t",
                                            "type": "compaction"}]},
    "ListBlueprints": {}, "BatchGetBlueprints": {"Names": ["nope"]},
    "GetSecurityConfigurations": {}, "GetResourcePolicies": {}, "GetDevEndpoints": {}, "ListDevEndpoints": {},
    "BatchGetDevEndpoints": {"DevEndpointNames": ["nope"]}, "ListMLTransforms": {},
}
# List operations whose empty answer needs a live parent: checked where that parent is made.
EMPTY_LISTS_ELSEWHERE = {
    "ListStatements": "tests/test_sessions_api.py (a session holds a Spark driver)",
    "ListEntities": "tests/test_jdbc_entities.py (a JDBC connection to a live PostgreSQL, an empty schema)",
    "DescribeEntity": "tests/test_jdbc_entities.py (a JDBC connection to a live PostgreSQL, a table of no columns)",
    "ListSchemaVersions": "tests/test_schemaregistry_api.py (a schema created without a definition)",
    "ListTableOptimizerRuns": "tests/test_catalog_optimizers.py (an optimizer needs an Iceberg table)",
}
_SHAPES = ServiceShapes("glue")


@pytest.fixture
def with_parents(glue: Any, glue_emulator: Any) -> Any:
    job(glue)
    glue.create_workflow(Name="wf")
    glue_emulator.s3.create_bucket(Bucket="data")  # the crawler's S3 target must be in an existing bucket
    glue.create_crawler(Name="cr", Role=ROLE, Targets={"S3Targets": [{"Path": "s3://data/"}]})
    glue.create_database(DatabaseInput={"Name": "db"})
    glue.create_table(DatabaseName="db", TableInput={"Name": "t", "PartitionKeys": [{"Name": "p", "Type": "string"}]})
    return glue


@pytest.mark.parametrize("operation", sorted(EMPTY_LISTS))
def test_list_operations_return_their_lists_even_when_empty(with_parents, glue_emulator, operation):
    status, body = glue_emulator.server.glue_raw(operation, EMPTY_LISTS[operation])
    assert status == 200, body
    for member in _SHAPES._always_listed[operation]:
        assert isinstance(body[member], list), (member, body)


def test_every_implemented_list_operation_is_checked_above():
    """A new list/get-many handler gets a row in EMPTY_LISTS, so its empty answer is checked on the wire."""
    glue = next(s for s in load_json_services().values() if s.name == "glue")
    implemented = {op for op in _SHAPES._always_listed if op in glue.handlers}
    assert implemented - set(EMPTY_LISTS) - set(EMPTY_LISTS_ELSEWHERE) == set()


def test_the_rule_covers_every_list_and_paginated_operation_of_the_model():
    """Unit: the model-driven rule fills the lists of all List*/Batch*/Search* outputs and paginated results."""
    filled = _SHAPES.complete_output("ListWorkflows", {})
    assert filled == {"Workflows": []}
    assert _SHAPES.complete_output("ListWorkflows", {"Workflows": ["w"], "NextToken": "x"}) == {
        "Workflows": ["w"], "NextToken": "x"}
    assert _SHAPES.complete_output("BatchGetJobs", {"Jobs": []}) == {"Jobs": [], "JobsNotFound": []}
    assert _SHAPES.complete_output("GetJob", {"Job": {}}) == {"Job": {}}  # not a list operation
    assert _SHAPES.output_errors("ListWorkflows", {"Workflows": []}) == []  # AWS answers [] despite min 1
    assert _SHAPES.output_errors("ListWorkflows", {"Workflows": [""]}) != []


# -- members AWS always returns ------------------------------------------------------------------------

# A finished pythonshell run as AWS shows one (the JobRun example in AWS's resuming-workflow page).
RUN_MEMBERS = {"Id", "Attempt", "JobName", "StartedOn", "LastModifiedOn", "CompletedOn", "JobRunState",
               "PredecessorRuns", "AllocatedCapacity", "ExecutionTime", "Timeout", "MaxCapacity", "LogGroupName"}


def test_a_finished_run_has_every_member_aws_shows(glue, glue_emulator):
    glue_emulator.s3.put_object(Bucket="scripts", Key="quick.py", Body=b"print('hi')\n")
    glue.create_job(Name="quick", Role=ROLE, Command={"Name": "pythonshell", "ScriptLocation": "s3://scripts/quick.py"})
    run_id = glue.start_job_run(JobName="quick")["JobRunId"]
    deadline = time.monotonic() + RUN_WAIT
    while (run := glue.get_job_run(JobName="quick", RunId=run_id)["JobRun"])["JobRunState"] != "SUCCEEDED":
        assert time.monotonic() < deadline, run
        time.sleep(0.05)
    assert RUN_MEMBERS <= set(run), RUN_MEMBERS - set(run)
    assert (run["Attempt"], run["AllocatedCapacity"], run["MaxCapacity"]) == (0, 0, 0.0625)
    assert run["LogGroupName"] == "/aws-glue/python-jobs"
