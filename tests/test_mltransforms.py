"""ML transforms (FindMatches) over boto3 against a live server: definitions, labels on the local S3, task runs."""

from __future__ import annotations

from typing import Any

import pytest
from support import ROLE

TABLES = [{"DatabaseName": "crm", "TableName": "people"}]
FIND = {"TransformType": "FIND_MATCHES", "FindMatchesParameters": {"PrimaryKeyColumnName": "id",
                                                                   "PrecisionRecallTradeoff": 0.9}}
LABELS = "labeling_set_id,label,id,name\nset-1,A,1,Ann\nset-1,A,2,Anne\nset-1,B,3,Bob\n"


@pytest.fixture
def s3(server: Any) -> Any:
    client = server.client("s3")
    client.create_bucket(Bucket="mlbucket")
    return client


@pytest.fixture
def people(glue: Any) -> Any:
    glue.create_database(DatabaseInput={"Name": "crm"})
    glue.create_table(DatabaseName="crm", TableInput={
        "Name": "people", "StorageDescriptor": {"Columns": [{"Name": "id", "Type": "int"},
                                                            {"Name": "name", "Type": "string"}]},
        "PartitionKeys": [{"Name": "day", "Type": "string"}]})
    return glue


def _create(glue: Any, name: str = "dedupe", **members: Any) -> str:
    return glue.create_ml_transform(Name=name, InputRecordTables=TABLES, Parameters=FIND, Role=ROLE,
                                    **members)["TransformId"]


def test_created_transform_has_schema_defaults_and_is_not_ready(people: Any) -> None:
    transform_id = _create(people, Description="people", Tags={"team": "crm"})
    got = people.get_ml_transform(TransformId=transform_id)
    assert transform_id.startswith("tfm-") and got["Name"] == "dedupe" and got["Status"] == "NOT_READY"
    assert got["Schema"] == [{"Name": "id", "DataType": "int"}, {"Name": "name", "DataType": "string"},
                             {"Name": "day", "DataType": "string"}]
    assert (got["GlueVersion"], got["Timeout"], got["MaxRetries"], got["MaxCapacity"]) == ("0.9", 2880, 0, 10.0)
    assert got["LabelCount"] == 0 and got["Parameters"] == FIND and got["CreatedOn"] == got["LastModifiedOn"]
    arn = f"arn:aws:glue:us-east-1:123456789012:mlTransform/{transform_id}"
    assert people.get_tags(ResourceArn=arn)["Tags"] == {"team": "crm"}
    with pytest.raises(people.exceptions.AlreadyExistsException):
        _create(people)


@pytest.mark.parametrize(("members", "error"), [
    ({"Parameters": {"TransformType": "FIND_MATCHES"}}, "InvalidInputException"),
    ({"Parameters": {"TransformType": "FIND_MATCHES", "FindMatchesParameters": {"PrimaryKeyColumnName": "nope"}}},
     "InvalidInputException"),
    ({"MaxCapacity": 5.0, "WorkerType": "G.1X", "NumberOfWorkers": 2}, "InvalidInputException"),
    ({"WorkerType": "G.1X"}, "InvalidInputException"),
    ({"MaxCapacity": 1.0}, "InvalidInputException"),
    ({"MaxRetries": -1}, "InvalidInputException"),
    ({"InputRecordTables": []}, "InvalidInputException"),
    ({"TransformEncryption": {"MlUserDataEncryption": {"MlUserDataEncryptionMode": "SSE-KMS"}}},
     "InvalidInputException"),
    ({"TransformEncryption": {"MlUserDataEncryption": {"MlUserDataEncryptionMode": "DISABLED"},
                              "TaskRunSecurityConfigurationName": "missing"}}, "InvalidInputException"),
    ({"InputRecordTables": [{"DatabaseName": "crm", "TableName": "nope"}]}, "EntityNotFoundException"),
])
def test_invalid_definitions_are_refused(people: Any, members: dict[str, Any], error: str) -> None:
    request = {"Name": "bad", "InputRecordTables": TABLES, "Parameters": FIND, "Role": ROLE, **members}
    with pytest.raises(people.exceptions.ClientError) as raised:
        people.create_ml_transform(**request)
    assert raised.value.response["Error"]["Code"] == error
    assert people.list_ml_transforms()["TransformIds"] == []


def test_update_filter_sort_and_delete(people: Any) -> None:
    people.create_security_configuration(Name="sc", EncryptionConfiguration={})
    a = _create(people, "a", WorkerType="G.2X", NumberOfWorkers=3, GlueVersion="1.0",
                TransformEncryption={"TaskRunSecurityConfigurationName": "sc"})
    b = _create(people, "b", Tags={"k": "v"})
    got = people.get_ml_transform(TransformId=a)
    assert (got["MaxCapacity"], got["Description"]) == (6.0, "")  # the documented default description

    people.update_ml_transform(TransformId=b, Name="c", MaxCapacity=20.0, Description="renamed")
    got = people.get_ml_transform(TransformId=b)
    assert (got["Name"], got["MaxCapacity"], got["Description"]) == ("c", 20.0, "renamed")
    assert got["LastModifiedOn"] > got["CreatedOn"]
    with pytest.raises(people.exceptions.AlreadyExistsException):
        people.update_ml_transform(TransformId=b, Name="a")

    assert people.list_ml_transforms(Filter={"GlueVersion": "1.0"})["TransformIds"] == [a]
    assert people.list_ml_transforms(Tags={"k": "v"})["TransformIds"] == [b]
    assert people.list_ml_transforms(Filter={"Schema": [{"Name": "name", "DataType": "string"}]})["TransformIds"] \
        == [a, b]
    assert people.list_ml_transforms(Filter={"Schema": [{"Name": "name", "DataType": "int"}]})["TransformIds"] == []
    descending = people.get_ml_transforms(Sort={"Column": "NAME", "SortDirection": "DESCENDING"}, MaxResults=1)
    rest = people.get_ml_transforms(Sort={"Column": "NAME", "SortDirection": "DESCENDING"},
                                    NextToken=descending["NextToken"])
    assert [t["Name"] for t in descending["Transforms"] + rest["Transforms"]] == ["c", "a"]

    assert people.delete_ml_transform(TransformId=a)["TransformId"] == a
    for call in (lambda: people.get_ml_transform(TransformId=a), lambda: people.delete_ml_transform(TransformId=a),
                 lambda: people.get_ml_task_runs(TransformId=a)):
        with pytest.raises(people.exceptions.EntityNotFoundException):
            call()


def test_machine_learning_runs_fail_clearly(people: Any) -> None:
    transform_id = _create(people)
    with pytest.raises(people.exceptions.MLTransformNotReadyException):
        people.start_ml_evaluation_task_run(TransformId=transform_id)
    run_id = people.start_ml_labeling_set_generation_task_run(TransformId=transform_id,
                                                              OutputS3Path="s3://mlbucket/labeling/")["TaskRunId"]
    run = people.get_ml_task_run(TransformId=transform_id, TaskRunId=run_id)
    assert run["Status"] == "FAILED" and "machine learning" in run["ErrorString"]
    assert run["Properties"] == {"TaskType": "LABELING_SET_GENERATION",
                                 "LabelingSetGenerationTaskRunProperties": {"OutputS3Path": "s3://mlbucket/labeling/"}}
    assert run["CompletedOn"] >= run["StartedOn"] and run["ExecutionTime"] >= 0
    cancelled = people.cancel_ml_task_run(TransformId=transform_id, TaskRunId=run_id)
    assert cancelled["Status"] == "FAILED"
    with pytest.raises(people.exceptions.EntityNotFoundException):
        people.get_ml_task_run(TransformId=transform_id, TaskRunId="tsk-nope")


def test_labels_import_export_round_trip(people: Any, s3: Any) -> None:
    transform_id = _create(people)
    s3.put_object(Bucket="mlbucket", Key="labels/in/part-0.csv", Body=LABELS.encode())
    s3.put_object(Bucket="mlbucket", Key="labels/in/part-1.csv", Body=b"labeling_set_id,label,id,name\nset-2,C,4,Cy\n")
    imported = people.start_import_labels_task_run(TransformId=transform_id, InputS3Path="s3://mlbucket/labels/in/")
    run = people.get_ml_task_run(TransformId=transform_id, TaskRunId=imported["TaskRunId"])
    assert run["Status"] == "SUCCEEDED", run
    assert run["Properties"]["ImportLabelsTaskRunProperties"] == {"InputS3Path": "s3://mlbucket/labels/in/", "Replace": False}
    got = people.get_ml_transform(TransformId=transform_id)
    assert (got["LabelCount"], got["Status"]) == (4, "READY")

    evaluation = people.start_ml_evaluation_task_run(TransformId=transform_id)
    evaluated = people.get_ml_task_run(TransformId=transform_id, TaskRunId=evaluation["TaskRunId"])
    assert evaluated["Status"] == "FAILED" and "AWS Glue's machine learning" in evaluated["ErrorString"]

    people.start_export_labels_task_run(TransformId=transform_id, OutputS3Path="s3://mlbucket/labels/out")
    exported = s3.get_object(Bucket="mlbucket", Key="labels/out/labels.csv")["Body"].read().decode()
    assert exported == LABELS + "set-2,C,4,Cy\n"

    s3.put_object(Bucket="mlbucket", Key="labels/one.csv", Body=b"labeling_set_id,label,id\nset-9,Z,9\n")
    people.start_import_labels_task_run(TransformId=transform_id, InputS3Path="s3://mlbucket/labels/one.csv",
                                        ReplaceAllLabels=True)
    assert people.get_ml_transform(TransformId=transform_id)["LabelCount"] == 1

    runs = people.get_ml_task_runs(TransformId=transform_id)["TaskRuns"]
    assert [r["Properties"]["TaskType"] for r in runs] == ["IMPORT_LABELS", "EXPORT_LABELS", "EVALUATION",
                                                           "IMPORT_LABELS"]
    failed = people.get_ml_task_runs(TransformId=transform_id, Filter={"Status": "FAILED"})["TaskRuns"]
    assert [r["TaskRunId"] for r in failed] == [evaluation["TaskRunId"]]


@pytest.mark.parametrize(("key", "body", "reason"), [
    (None, None, "No labeling file"),
    ("bad.csv", b"id,name\n1,Ann\n", "labeling_set_id and label"),
    ("bad.csv", b"labeling_set_id,label,email\nset-1,A,x@y\n", "not in the transform's schema: email"),
])
def test_bad_label_files_fail_the_import(people: Any, s3: Any, key: str | None, body: bytes | None,
                                         reason: str) -> None:
    transform_id = _create(people)
    if key:
        s3.put_object(Bucket="mlbucket", Key=key, Body=body)
    path = f"s3://mlbucket/{key or 'nothing/'}"
    run_id = people.start_import_labels_task_run(TransformId=transform_id, InputS3Path=path)["TaskRunId"]
    run = people.get_ml_task_run(TransformId=transform_id, TaskRunId=run_id)
    assert run["Status"] == "FAILED" and reason in run["ErrorString"], run
    assert people.get_ml_transform(TransformId=transform_id)["Status"] == "NOT_READY"


def test_export_to_a_missing_bucket_fails(people: Any) -> None:
    transform_id = _create(people)
    run_id = people.start_export_labels_task_run(TransformId=transform_id, OutputS3Path="s3://nobucket/x")["TaskRunId"]
    run = people.get_ml_task_run(TransformId=transform_id, TaskRunId=run_id)
    assert run["Status"] == "FAILED" and "does not exist" in run["ErrorString"]
    with pytest.raises(people.exceptions.InvalidInputException):
        people.start_export_labels_task_run(TransformId=transform_id, OutputS3Path="/tmp/labels")
