"""Partitions, tables and job runs listed at scale: paged listings read from the token onwards, and
GetPartitions' Expression answered through the store's index of partition values, with the same
answers a full scan gives. Also: a data dir written before the index existed is indexed on opening."""

from __future__ import annotations

import json
import sqlite3
import zlib
from pathlib import Path

import pytest

from emulator.store import KEY_SEP, Store

KEYS = [{"Name": "year", "Type": "string"}, {"Name": "month", "Type": "string"},
        {"Name": "day", "Type": "int"}]
VALUES = [[str(year), f"{month:02d}", str(day)] for year in (2023, 2024, 2025) for month in range(1, 13)
          for day in (1, 2, 10, 15, 28)]  # 180 partitions


@pytest.fixture
def glue(glue_emulator):
    glue = glue_emulator.glue
    glue.create_database(DatabaseInput={"Name": "scale"})
    glue.create_table(DatabaseName="scale", TableInput={"Name": "events", "PartitionKeys": KEYS})
    for start in range(0, len(VALUES), 100):
        answer = glue.batch_create_partition(
            DatabaseName="scale", TableName="events",
            PartitionInputList=[{"Values": v} for v in VALUES[start:start + 100]],
        )
        assert answer["Errors"] == []
    yield glue
    glue.delete_database(Name="scale")


def _listed(glue, page_size: int, **params) -> list[list[str]]:
    """Every partition GetPartitions selects, through NextToken pages of `page_size`."""
    found, token, pages = [], None, 0
    while True:
        extra = {"NextToken": token} if token else {}
        answer = glue.get_partitions(DatabaseName="scale", TableName="events", MaxResults=page_size,
                                     **params, **extra)
        assert len(answer["Partitions"]) <= page_size
        found += [p["Values"] for p in answer["Partitions"]]
        pages += 1
        token = answer.get("NextToken")
        if not token:
            return found


@pytest.mark.parametrize("page_size", [1, 7, 100, 1000])
def test_paged_listing_returns_every_partition_once_in_order(glue, page_size):
    listed = _listed(glue, page_size)
    assert listed == sorted(VALUES, key=lambda v: KEY_SEP.join(v))


@pytest.mark.parametrize(
    ("expression", "selects"),
    [
        ("year='2024' and month='06'", lambda y, m, d: y == "2024" and m == "06"),
        ("month in ('01', '12') and day > 9", lambda y, m, d: m in ("01", "12") and int(d) > 9),
        ("year = '2024' and year = '2025'", lambda y, m, d: False),
        ("year='2023' or month='02'", lambda y, m, d: y == "2023" or m == "02"),
        ("day = 15 and month >= '11'", lambda y, m, d: d == "15" and m >= "11"),
        ("year='2025' and month='03' and day=28", lambda y, m, d: (y, m, d) == ("2025", "03", "28")),
        ("year in ('1999')", lambda y, m, d: False),
    ],
)
def test_expression_pages_match_a_full_scan(glue, expression, selects):
    expected = sorted((v for v in VALUES if selects(*v)), key=lambda v: KEY_SEP.join(v))
    assert _listed(glue, 5, Expression=expression) == expected


def test_segments_split_an_expression_listing_without_overlap(glue):
    expression = "month in ('01', '02', '03')"
    parts = [_listed(glue, 4, Expression=expression, Segment={"SegmentNumber": n, "TotalSegments": 3})
             for n in range(3)]
    joined = [v for part in parts for v in part]
    assert sorted(joined) == sorted(v for v in VALUES if v[1] in ("01", "02", "03"))
    assert len(joined) == len({tuple(v) for v in joined})
    for number, part in enumerate(parts):
        assert all(zlib.crc32(KEY_SEP.join(v).encode()) % 3 == number for v in part)


def test_deleted_and_moved_partitions_leave_the_index(glue):
    glue.delete_partition(DatabaseName="scale", TableName="events", PartitionValues=["2024", "06", "15"])
    glue.update_partition(DatabaseName="scale", TableName="events", PartitionValueList=["2024", "06", "1"],
                          PartitionInput={"Values": ["2030", "06", "1"]})
    assert _listed(glue, 50, Expression="year='2024' and month='06'") == [["2024", "06", "10"],
                                                                           ["2024", "06", "2"],
                                                                           ["2024", "06", "28"]]
    assert _listed(glue, 50, Expression="year='2030'") == [["2030", "06", "1"]]
    glue.delete_table(DatabaseName="scale", Name="events")
    glue.create_table(DatabaseName="scale", TableInput={"Name": "events", "PartitionKeys": KEYS})
    assert _listed(glue, 50, Expression="year='2030'") == []


def test_a_token_of_another_listing_is_refused(glue):
    runs_token = "eyJhZnRlciI6IFsxLCAiYSJdfQ=="  # {"after": [1, "a"]}: a GetJobRuns position
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.get_partitions(DatabaseName="scale", TableName="events", NextToken=runs_token)


def test_tables_page_through_many(glue):
    """GetTables and SearchTables, read on from their tokens."""
    for i in range(60):
        glue.create_table(DatabaseName="scale", TableInput={"Name": f"t{i:03d}"})
    names, token = [], None
    while True:
        answer = glue.get_tables(DatabaseName="scale", MaxResults=7, Expression="t0.*",
                                 **({"NextToken": token} if token else {}))
        names += [t["Name"] for t in answer["TableList"]]
        token = answer.get("NextToken")
        if not token:
            break
    assert names == [f"t{i:03d}" for i in range(60)]
    searched, token = [], None
    while True:
        answer = glue.search_tables(MaxResults=7, Filters=[{"Key": "DatabaseName", "Value": "scale"}],
                                    **({"NextToken": token} if token else {}))
        searched += [t["Name"] for t in answer["TableList"]]
        token = answer.get("NextToken")
        if not token:
            break
    assert searched == ["events"] + [f"t{i:03d}" for i in range(60)]


def test_a_data_dir_of_the_old_layout_is_indexed_on_opening(tmp_path: Path):
    """A state file holding only the `docs` table (the layout before the value index) opens with its
    partitions found by value."""
    path = tmp_path / "state.sqlite3"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE docs (scope TEXT NOT NULL, kind TEXT NOT NULL, parent TEXT NOT NULL, "
                "name TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (scope, kind, parent, name))")
    for values in (["2024", "01"], ["2024", "02"], ["2025", "01"]):
        old.execute("INSERT INTO docs VALUES (?,?,?,?,?)",
                    ("s", "partition", "t", KEY_SEP.join(values), json.dumps({"Values": values})))
    old.commit()
    old.close()
    store = Store(path, durable=False, part_indexed=("partition",))
    try:
        found = [json.loads(body)["Values"] for _, body in store.iterate("s", "partition", "t", parts={1: ["01"]})]
        assert found == [["2024", "01"], ["2025", "01"]]
        assert store.get("s", "partition", "t", KEY_SEP.join(["2024", "02"])) == {"Values": ["2024", "02"]}
    finally:
        store.close()
    reopened = Store(path, durable=False, part_indexed=("partition",))  # indexed once, not again
    try:
        assert len(list(reopened.iterate("s", "partition", "t", parts={0: ["2024"]}))) == 2
    finally:
        reopened.close()
