"""BatchCreatePartition writes a batch together (issue #19) and must answer as CreatePartition called once per
input would: the same partitions stored, the same per-item Errors in input order (AlreadyExists for an existing
partition or a repeat within the batch, InvalidInput for values that do not fit the table or its partition
indexes). And the index of later keys, written on a table's first lookup that needs it, agrees with a brute-force
filter whatever mix of writes comes before and after that lookup.

AWS: https://docs.aws.amazon.com/glue/latest/webapi/API_BatchCreatePartition.html (Errors: PartitionError,
ErrorDetail); partition index rules: https://docs.aws.amazon.com/glue/latest/dg/partition-indexes.html
"""

from __future__ import annotations

import itertools
from typing import Any

import botocore.exceptions

DB = "batches"
KEYS = [{"Name": "year", "Type": "int"}, {"Name": "region", "Type": "string"}, {"Name": "day", "Type": "string"}]


def _table(glue: Any, name: str, keys: list[dict[str, str]] = KEYS) -> None:
    glue.create_table(DatabaseName=DB, TableInput={"Name": name, "PartitionKeys": keys})
    glue.create_partition_index(DatabaseName=DB, TableName=name,
                                PartitionIndex={"IndexName": "by_year", "Keys": ["year"]})


def _input(values: list[str], location: str = "") -> dict[str, Any]:
    return {"Values": values, "Parameters": {"n": location},
            "StorageDescriptor": {"Location": f"s3://b/{'/'.join(values).replace(chr(0x1F), '_')}{location}"}}


def _listing(glue: Any, table: str, expression: str | None = None) -> list[tuple[list[str], dict[str, Any]]]:
    pages = glue.get_paginator("get_partitions").paginate(
        DatabaseName=DB, TableName=table, **({"Expression": expression} if expression else {}))
    return sorted((p["Values"], p["Parameters"]) for page in pages for p in page["Partitions"])


def test_a_batch_answers_and_stores_as_creating_its_inputs_one_by_one(glue: Any) -> None:
    glue.create_database(DatabaseInput={"Name": DB})
    try:
        for table in ("batched", "single"):
            _table(glue, table)
            glue.create_partition(DatabaseName=DB, TableName=table, PartitionInput=_input(["2020", "eu", "1"], "old"))
        inputs = [
            _input(["2021", "eu", "1"], "a"),
            _input(["2020", "eu", "1"], "b"),  # exists
            _input(["2021", "eu", "1"], "c"),  # a repeat of the batch's first
            _input(["twenty", "eu", "1"], "d"),  # not an integer: refused by the index on year
            _input(["2022", "eu"], "e"),  # too few values
            _input(["2022", "eu", "1", "x"], "f"),  # too many
            _input(["2022", "us", "1"], "g"),
            _input(["2022", "us", "1"], "h"),  # a repeat of an item stored in this batch
            _input(["twenty", "eu", "1"], "i"),  # a repeat of a refused item: refused again, not AlreadyExists
            _input(["2023", "us", "2"], "j"),
            _input(["2024", "e\x1fu", "1"], "k"),  # the character the store joins values with
        ]
        answer = glue.batch_create_partition(DatabaseName=DB, TableName="batched", PartitionInputList=inputs)
        expected = []
        for item in inputs:
            try:
                glue.create_partition(DatabaseName=DB, TableName="single", PartitionInput=item)
            except botocore.exceptions.ClientError as error:
                expected.append({"PartitionValues": item["Values"], "ErrorDetail": {
                    "ErrorCode": error.response["Error"]["Code"], "ErrorMessage": error.response["Error"]["Message"]}})
        assert answer["Errors"] == expected
        assert [e["ErrorDetail"]["ErrorCode"] for e in answer["Errors"]] == [
            "AlreadyExistsException", "AlreadyExistsException", "InvalidInputException", "InvalidInputException",
            "InvalidInputException", "AlreadyExistsException", "InvalidInputException", "InvalidInputException"]
        assert _listing(glue, "batched") == _listing(glue, "single") == [
            (["2020", "eu", "1"], {"n": "old"}), (["2021", "eu", "1"], {"n": "a"}), (["2022", "us", "1"], {"n": "g"}),
            (["2023", "us", "2"], {"n": "j"})]
        for values in (["2021", "eu", "1"], ["2023", "us", "2"]):
            batched = glue.get_partition(DatabaseName=DB, TableName="batched", PartitionValues=values)["Partition"]
            single = glue.get_partition(DatabaseName=DB, TableName="single", PartitionValues=values)["Partition"]
            for partition in (batched, single):
                partition.pop("CreationTime")
            assert batched == {**single, "TableName": "batched"}
    finally:
        glue.delete_database(Name=DB)


def test_lookups_on_later_keys_agree_with_a_filter_before_and_after_writes(glue: Any) -> None:
    glue.create_database(DatabaseInput={"Name": DB})
    try:
        keys = [{"Name": name, "Type": "string"} for name in ("y", "m", "d")]
        glue.create_table(DatabaseName=DB, TableInput={"Name": "t", "PartitionKeys": keys})
        model = {v for v in itertools.product(["2024", "2025"], ["01", "02", "1"], ["1", "10", "1 "])}

        def check(when: str) -> None:
            for expression, oracle in [("m = '01'", lambda v: v[1] == "01"), ("m = '03'", lambda v: v[1] == "03"),
                                       ("d = '1'", lambda v: v[2] == "1"),
                                       ("m IN ('1', '02') AND d = '10'", lambda v: v[1] in ("1", "02") and v[2] == "10"),
                                       ("y = '2025' AND d = '1 '", lambda v: v[0] == "2025" and v[2] == "1 ")]:
                found = [tuple(values) for values, _ in _listing(glue, "t", expression)]
                assert found == sorted(v for v in model if oracle(v)), (when, expression)

        def create(values: list[tuple[str, ...]]) -> None:
            answer = glue.batch_create_partition(DatabaseName=DB, TableName="t",
                                                 PartitionInputList=[_input(list(v)) for v in values])
            assert answer["Errors"] == []
            model.update(values)

        create(sorted(model))
        check("before any lookup wrote the index")
        create([("2026", "01", "1"), ("2026", "03", "10")])
        glue.create_partition(DatabaseName=DB, TableName="t", PartitionInput=_input(["2027", "01", "1"]))
        model.add(("2027", "01", "1"))
        glue.update_partition(DatabaseName=DB, TableName="t", PartitionValueList=["2024", "01", "1"],
                              PartitionInput=_input(["2024", "03", "1"]))
        glue.batch_delete_partition(DatabaseName=DB, TableName="t", PartitionsToDelete=[
            {"Values": ["2025", "1", "10"]}, {"Values": ["2026", "01", "1"]}])
        model -= {("2024", "01", "1"), ("2025", "1", "10"), ("2026", "01", "1")}
        model.add(("2024", "03", "1"))
        check("after writes to an indexed table")
        glue.delete_table(DatabaseName=DB, Name="t")
        glue.create_table(DatabaseName=DB, TableInput={"Name": "t", "PartitionKeys": keys})
        model = {("2030", "01", "1")}
        create(sorted(model))
        check("a table made again under the same name")
    finally:
        glue.delete_database(Name=DB)
