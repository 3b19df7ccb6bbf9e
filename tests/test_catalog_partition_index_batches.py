"""Batches of partitions on indexed tables: each item is checked against the ACTIVE indexes, which one
batch reads once (issue #19: they were read once per partition)."""

from __future__ import annotations

from emulator.catalog import partition_indexes
from emulator.catalog.databases import create_database
from emulator.catalog.partition_indexes import PARTITION_INDEX, create_partition_index
from emulator.catalog.partitions import batch_create_partition, batch_update_partition, get_partitions
from emulator.catalog.tables import create_table

KEYS = [{"Name": "year", "Type": "int"}, {"Name": "dt", "Type": "date"}, {"Name": "region", "Type": "string"}]


def _setup(ctx) -> None:
    create_database(ctx, {"DatabaseInput": {"Name": "db"}})
    create_table(ctx, {"DatabaseName": "db", "TableInput": {"Name": "t", "PartitionKeys": KEYS}})
    batch_create_partition(ctx, {"DatabaseName": "db", "TableName": "t",
                                 "PartitionInputList": [{"Values": ["2024", "soon", "eu"]}]})
    # FAILED over the partition above (not a date): it must not refuse anything.
    create_partition_index(ctx, {"DatabaseName": "db", "TableName": "t",
                                 "PartitionIndex": {"IndexName": "by_dt", "Keys": ["dt"]}})
    create_partition_index(ctx, {"DatabaseName": "db", "TableName": "t",
                                 "PartitionIndex": {"IndexName": "by_year", "Keys": ["year"]}})


def _index_reads(ctx, monkeypatch) -> list[str]:
    reads: list[str] = []
    listing = ctx.store.list

    def counted(scope, kind, parent, *args, **kwargs):
        if kind == PARTITION_INDEX:
            reads.append(parent)
        return listing(scope, kind, parent, *args, **kwargs)

    monkeypatch.setattr(ctx.store, "list", counted)
    return reads


def test_batch_create_checks_each_item_and_reads_the_indexes_once(ctx, monkeypatch):
    _setup(ctx)
    reads = _index_reads(ctx, monkeypatch)
    inputs = [{"Values": [year, "2024-01-01", "eu"]} for year in ("2020", "later", "2021", "x", "2022")]
    answer = batch_create_partition(ctx, {"DatabaseName": "db", "TableName": "t", "PartitionInputList": inputs})
    assert [(e["PartitionValues"][0], e["ErrorDetail"]["ErrorCode"]) for e in answer["Errors"]] == [
        ("later", "InvalidInputException"), ("x", "InvalidInputException")]
    assert "by_year" in answer["Errors"][0]["ErrorDetail"]["ErrorMessage"]
    assert len(reads) == 1
    listed = get_partitions(ctx, {"DatabaseName": "db", "TableName": "t"})["Partitions"]
    assert sorted(p["Values"][0] for p in listed) == ["2020", "2021", "2022", "2024"]


def test_batch_update_checks_moved_values_and_reads_the_indexes_once(ctx, monkeypatch):
    _setup(ctx)
    batch_create_partition(ctx, {"DatabaseName": "db", "TableName": "t", "PartitionInputList": [
        {"Values": ["2020", "2024-01-01", "eu"]}, {"Values": ["2021", "2024-01-01", "eu"]}]})
    reads = _index_reads(ctx, monkeypatch)
    entries = [{"PartitionValueList": ["2020", "2024-01-01", "eu"],
                "PartitionInput": {"Values": ["2030", "2024-01-01", "eu"]}},
               {"PartitionValueList": ["2021", "2024-01-01", "eu"],
                "PartitionInput": {"Values": ["never", "2024-01-01", "eu"]}}]
    answer = batch_update_partition(ctx, {"DatabaseName": "db", "TableName": "t", "Entries": entries})
    assert [e["PartitionValueList"][0] for e in answer["Errors"]] == ["2021"]
    assert len(reads) == 1
    listed = get_partitions(ctx, {"DatabaseName": "db", "TableName": "t"})["Partitions"]
    assert sorted(p["Values"][0] for p in listed) == ["2021", "2024", "2030"]


def test_a_table_without_indexes_refuses_nothing(ctx):
    create_database(ctx, {"DatabaseInput": {"Name": "db"}})
    create_table(ctx, {"DatabaseName": "db", "TableInput": {"Name": "t", "PartitionKeys": KEYS}})
    table = {"DatabaseName": "db", "Name": "t", "PartitionKeys": KEYS}
    partition_indexes.indexed_values_check(ctx, "123456789012", table)(["any", "thing", "\u0000"])
