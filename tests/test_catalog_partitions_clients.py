"""GetPartitions the ways clients call it, each answer checked against a brute-force filter of the partitions
the test created (never against the emulator's own answer): Expressions in AWS's grammar over five keys of
four types, awkward values (spaces, unicode, quotes, values that are prefixes of others), paging resumed while
partitions change, Segments, partitions moved and re-created, tables re-created, a data dir in the store's
previous layout, and awswrangler.

AWS: https://docs.aws.amazon.com/glue/latest/webapi/API_GetPartitions.html (Expression grammar, Segment,
NextToken); ValueString has a minimum length of 1, so an empty partition value never reaches a listing.
"""

from __future__ import annotations

import datetime
import itertools
import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support import FAST_ENV

from emulator.testing import EmulatorServer

DB = "parts"
# Values that are prefixes of one another, with spaces, unicode, a quote and LIKE's wildcards.
STRINGS = ["1", "10", "1 ", " 1", "a b", "é", "日本", "o'k", "a", "ab", "b", "%", "_x"]
KEYS = [("S", "string"), ("N", "int"), ("B", "bigint"), ("D", "date"), ("T", "string")]
Values = tuple[str, ...]
Oracle = Callable[[Values], bool]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _listing(glue: Any, table: str, expression: str | None = None, database: str = DB, **params: Any) -> list[Values]:
    """Every page of GetPartitions, following NextToken."""
    found: list[Values] = []
    token = None
    while True:
        args: dict[str, Any] = {"DatabaseName": database, "TableName": table, **params}
        if expression is not None:
            args["Expression"] = expression
        if token:
            args["NextToken"] = token
        response = glue.get_partitions(**args)
        found += [tuple(p["Values"]) for p in response["Partitions"]]
        token = response.get("NextToken")
        if not token:
            return found


def _table(glue: Any, name: str, keys: list[tuple[str, str]], database: str = DB) -> None:
    glue.create_table(DatabaseName=database, TableInput={
        "Name": name, "PartitionKeys": [{"Name": n, "Type": t} for n, t in keys],
        "StorageDescriptor": {"Columns": [{"Name": "x", "Type": "int"}], "Location": f"s3://lake/{name}/"}})


def _create(glue: Any, table: str, partitions: list[Values], database: str = DB) -> None:
    for start in range(0, len(partitions), 100):
        errors = glue.batch_create_partition(DatabaseName=database, TableName=table, PartitionInputList=[
            {"Values": list(p), "StorageDescriptor": {"Columns": [{"Name": "x", "Type": "int"}]}}
            for p in partitions[start:start + 100]])["Errors"]
        assert errors == []


def _assert_same(got: list[Values], model: set[Values] | list[Values], oracle: Oracle, what: str) -> None:
    want = sorted(p for p in model if oracle(p))
    assert len(got) == len(set(got)), f"{what}: a partition listed twice"
    assert sorted(got) == want, f"{what}: missing {sorted(set(want) - set(got))[:5]}, extra {sorted(set(got) - set(want))[:5]}"


@pytest.fixture
def five_keys(glue: Any) -> list[Values]:
    """Table `t5` (keys S string, N int, B bigint, D date, T string) with 300 partitions."""
    glue.create_database(DatabaseInput={"Name": DB})
    _table(glue, "t5", KEYS)
    rnd = random.Random(5)
    partitions: set[Values] = set()
    while len(partitions) < 300:
        partitions.add((rnd.choice(STRINGS), rnd.choice(["-5", "0", "1", "9", "10", "100"]),
                        rnd.choice(["0", "5000000000", "-1"]), rnd.choice(["2024-01-01", "2024-01-31", "2023-12-31"]),
                        rnd.choice(["z", "x", "x y", "y"])))
    _create(glue, "t5", sorted(partitions))
    return sorted(partitions)


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _expressions() -> list[tuple[str, Oracle]]:
    """Expressions in AWS's grammar with what each selects, computed here on the values."""
    cases: list[tuple[str, Oracle]] = []
    for v in STRINGS:
        cases += [
            (f"S = {_quote(v)}", lambda p, v=v: p[0] == v),
            (f"s <> {_quote(v)}", lambda p, v=v: p[0] != v),
            (f"S < {_quote(v)}", lambda p, v=v: p[0] < v),
            (f"s >= {_quote(v)} AND t = 'x'", lambda p, v=v: p[0] >= v and p[4] == "x"),
            (f"S = {_quote(v)} AND N = 1", lambda p, v=v: p[0] == v and int(p[1]) == 1),
            (f"S = {_quote(v)} AND T IN ('z', 'x y')", lambda p, v=v: p[0] == v and p[4] in ("z", "x y")),
            (f"(S = {_quote(v)}) OR T = 'y'", lambda p, v=v: p[0] == v or p[4] == "y"),
        ]
    for a, b in itertools.combinations(["1", "10", "1 ", "é", "o'k", "%"], 2):
        low, high = min(a, b), max(a, b)
        cases += [
            (f"S IN ({_quote(a)}, {_quote(b)})", lambda p, a=a, b=b: p[0] in (a, b)),
            (f"S NOT IN ({_quote(a)}, {_quote(b)})", lambda p, a=a, b=b: p[0] not in (a, b)),
            (f"S BETWEEN {_quote(low)} AND {_quote(high)}", lambda p, low=low, high=high: low <= p[0] <= high),
        ]
    for text in ["-5", "2", "10", "'10'"]:
        number = int(text.strip("'"))
        cases += [
            (f"N = {text}", lambda p, n=number: int(p[1]) == n),
            (f"N > {text}", lambda p, n=number: int(p[1]) > n),
            (f"n <= {text} AND S = '1'", lambda p, n=number: int(p[1]) <= n and p[0] == "1"),
        ]
    return cases + [
        ("B > 4294967296", lambda p: int(p[2]) > 4294967296),
        ("B BETWEEN -1 AND 0", lambda p: -1 <= int(p[2]) <= 0),
        ("D = '2024-01-31'", lambda p: p[3] == "2024-01-31"),
        ("D < DATE '2024-01-31'", lambda p: _day(p[3]) < _day("2024-01-31")),
        ("d BETWEEN '2023-12-31' AND '2024-01-01'", lambda p: _day("2023-12-31") <= _day(p[3]) <= _day("2024-01-01")),
        ("S LIKE '1%'", lambda p: p[0].startswith("1")),
        ("S LIKE '_'", lambda p: len(p[0]) == 1),
        ("S NOT LIKE '%b%'", lambda p: "b" not in p[0]),
        ("S LIKE '\\%'", lambda p: p[0] == "%"),
        ("S = 1", lambda p: p[0] == "1"),
        ("S = 'o\\'k'", lambda p: p[0] == "o'k"),
        ("S = 'a' AND S = 'b'", lambda p: False),
        ("T = 'x' AND (N IN (1, 10) OR D = '2024-01-01') AND NOT S = 'a'",
         lambda p: p[4] == "x" and (p[1] in ("1", "10") or p[3] == "2024-01-01") and p[0] != "a"),
        ("N IN (1, 9) AND S IN ('1','10','1 ') AND T IN ('x','z') AND B = 0 AND D = '2024-01-01'",
         lambda p: p[1] in ("1", "9") and p[0] in ("1", "10", "1 ") and p[4] in ("x", "z") and p[2] == "0"
         and p[3] == "2024-01-01"),
        ("", lambda p: True),
    ]


def test_expressions_select_what_a_brute_force_filter_selects(glue: Any, five_keys: list[Values]) -> None:
    rnd = random.Random(7)
    for expression, oracle in _expressions():
        got = _listing(glue, "t5", expression, MaxResults=rnd.choice([7, 1000]))
        _assert_same(got, five_keys, oracle, expression)


def test_segments_split_a_filtered_listing_and_exclude_column_schema_drops_only_columns(
        glue: Any, five_keys: list[Values]) -> None:
    for total in (1, 3, 10):
        seen: list[Values] = []
        for number in range(total):
            seen += _listing(glue, "t5", "T = 'x' AND S IN ('1', '10', '1 ')", MaxResults=3,
                             Segment={"SegmentNumber": number, "TotalSegments": total})
        _assert_same(seen, five_keys, lambda p: p[4] == "x" and p[0] in ("1", "10", "1 "), f"{total} segments")
    page = glue.get_partitions(DatabaseName=DB, TableName="t5", Expression="S = 'é'", ExcludeColumnSchema=True)
    assert page["Partitions"] and all("Columns" not in p["StorageDescriptor"] for p in page["Partitions"])


def test_a_listing_resumed_mid_way_survives_partitions_deleted_and_added_between_pages(
        glue: Any, five_keys: list[Values]) -> None:
    """Each partition that stays is listed exactly once; deleted ones are not listed after their deletion."""
    expression = "T IN ('x', 'y') AND S <> 'b'"
    oracle: Oracle = lambda p: p[4] in ("x", "y") and p[0] != "b"
    model = set(five_keys)
    response = glue.get_partitions(DatabaseName=DB, TableName="t5", Expression=expression, MaxResults=10)
    got = [tuple(p["Values"]) for p in response["Partitions"]]
    # Delete the partition the token points after and one not yet listed; add one before the token (" " sorts
    # first) and one after it.
    later = sorted(p for p in model if oracle(p) and p > got[-1])[5]
    glue.batch_delete_partition(DatabaseName=DB, TableName="t5",
                                PartitionsToDelete=[{"Values": list(got[-1])}, {"Values": list(later)}])
    added = [(" ", "1", "0", "2024-01-01", "x"), ("zz", "1", "0", "2024-01-01", "y")]
    _create(glue, "t5", added)
    got += _listing(glue, "t5", expression, MaxResults=10, NextToken=response["NextToken"])
    expected_rest = {p for p in model if oracle(p)} - {later} | {added[1]}
    _assert_same(got, expected_rest, lambda p: True, "resumed listing")


def test_one_key_table_of_prefix_values_is_listed_and_looked_up_exactly(glue: Any) -> None:
    glue.create_database(DatabaseInput={"Name": DB})
    _table(glue, "one", [("K", "string")])
    values = [(v,) for v in STRINGS]
    _create(glue, "one", values)
    for (value,) in values:
        assert _listing(glue, "one", f"k = {_quote(value)}") == [(value,)]
        assert glue.get_partition(DatabaseName=DB, TableName="one", PartitionValues=[value])["Partition"]["Values"] == [value]
    _assert_same(_listing(glue, "one", MaxResults=1), values, lambda p: True, "all, a page of one")
    _assert_same(_listing(glue, "one", "K IN ('1', '1 ', '10', 'nope')", MaxResults=2), values,
                 lambda p: p[0] in ("1", "1 ", "10"), "IN")


def test_partitions_moved_deleted_recreated_and_tables_recreated_list_as_they_now_are(glue: Any) -> None:
    glue.create_database(DatabaseInput={"Name": DB})
    _table(glue, "two", [("a", "string"), ("b", "string")])
    values = ["1", "10", "1 ", "a b", "é", "o'k"]
    model = set(itertools.product(values, values))
    _create(glue, "two", sorted(model))
    glue.delete_partition(DatabaseName=DB, TableName="two", PartitionValues=["1", "10"])
    model.discard(("1", "10"))
    for old, new in [(("1", "1"), ("zz", "1")), (("a b", "é"), ("a b", "new")), (("10", "1"), ("1", "10"))]:
        glue.update_partition(DatabaseName=DB, TableName="two", PartitionValueList=list(old),
                              PartitionInput={"Values": list(new)})
        model.discard(old)
        model.add(new)
    _create(glue, "two", [("1", "1")])
    model.add(("1", "1"))
    checks: list[tuple[str | None, Oracle]] = [(None, lambda p: True), ("b = 'new'", lambda p: p[1] == "new")]
    for v in [*values, "zz"]:
        checks += [(f"a = {_quote(v)}", lambda p, v=v: p[0] == v), (f"B = {_quote(v)}", lambda p, v=v: p[1] == v),
                   (f"a = {_quote(v)} AND b IN ('1', '10')", lambda p, v=v: p[0] == v and p[1] in ("1", "10"))]
    for expression, oracle in checks:
        _assert_same(_listing(glue, "two", expression, MaxResults=4), model, oracle, str(expression))

    glue.delete_table(DatabaseName=DB, Name="two")
    _table(glue, "TWO", [("a", "string"), ("b", "string")])
    for expression in (None, "a = '1'", "b = '1'", "a IN ('1', '10') AND b = '1'"):
        assert _listing(glue, "two", expression) == []
    _create(glue, "two", [("1", "x")])
    assert _listing(glue, "two", "b = 'x'") == [("1", "x")]
    glue.delete_database(Name=DB)
    glue.create_database(DatabaseInput={"Name": DB})
    _table(glue, "two", [("a", "string"), ("b", "string")])
    assert _listing(glue, "two", "a = '1'") == _listing(glue, "two", "b = 'x'") == []


def _old_layout(state: Path, without_index: bool) -> None:
    """Rewrite a stopped server's store as earlier versions left it: every position of every partition's name,
    position 0 included, in doc_parts with its kind in part_indexed_kinds (before the index was written on
    demand), or no doc_parts at all (before the index)."""
    with sqlite3.connect(state) as conn:
        conn.execute("DROP TABLE part_indexed_parents")
        if without_index:
            conn.execute("DROP TABLE doc_parts")
            return
        rows = conn.execute("SELECT scope, kind, parent, name FROM docs WHERE kind='partition'").fetchall()
        conn.executemany("INSERT OR IGNORE INTO doc_parts(scope, kind, parent, pos, value, name) VALUES (?,?,?,?,?,?)",
                         [(s, k, p, pos, v, n) for s, k, p, n in rows for pos, v in enumerate(n.split("\x1f"))])
        conn.execute("CREATE TABLE part_indexed_kinds (kind TEXT PRIMARY KEY)")
        conn.execute("INSERT INTO part_indexed_kinds VALUES ('partition')")


_ORPHANS = ("SELECT COUNT(*) FROM doc_parts p WHERE NOT EXISTS (SELECT 1 FROM docs d WHERE d.scope = p.scope"
            " AND d.kind = p.kind AND d.parent = p.parent AND d.name = p.name)")


@pytest.mark.parametrize("without_index", [False, True], ids=["position-0-rows", "no-index"])
def test_a_data_dir_in_an_earlier_layout_lists_and_looks_up_its_partitions(tmp_path: Path, without_index: bool) -> None:
    data = tmp_path / "data"
    server = EmulatorServer(data, env=FAST_ENV).start()
    try:
        glue = server.client("glue")
        glue.create_database(DatabaseInput={"Name": DB})
        _table(glue, "two", [("a", "string"), ("b", "string")])
        model = set(itertools.product(["1", "10", "1 ", "é"], ["1", "10", "x"]))
        _create(glue, "two", sorted(model))
    finally:
        server.stop()
    _old_layout(data / "state.sqlite3", without_index)
    server = EmulatorServer(data, env=FAST_ENV).start()
    try:
        glue = server.client("glue")
        for v in ["1", "10", "1 ", "é", "x"]:
            _assert_same(_listing(glue, "two", f"a = {_quote(v)}", MaxResults=2), model, lambda p, v=v: p[0] == v, v)
            _assert_same(_listing(glue, "two", f"b = {_quote(v)}", MaxResults=2), model, lambda p, v=v: p[1] == v, v)
        glue.delete_partition(DatabaseName=DB, TableName="two", PartitionValues=["1", "10"])
        glue.update_partition(DatabaseName=DB, TableName="two", PartitionValueList=["10", "x"],
                              PartitionInput={"Values": ["11", "x"]})
        model -= {("1", "10"), ("10", "x")}
        model.add(("11", "x"))
        _assert_same(_listing(glue, "two", "b IN ('10', 'x')"), model, lambda p: p[1] in ("10", "x"), "after changes")
        _assert_same(_listing(glue, "two", "a = '10'"), model, lambda p: p[0] == "10", "moved away")
        with sqlite3.connect(data / "state.sqlite3") as conn:
            assert conn.execute(_ORPHANS).fetchone() == (0,), "index rows outlived their partitions"
        glue.delete_table(DatabaseName=DB, Name="two")
    finally:
        server.stop()
    with sqlite3.connect(data / "state.sqlite3") as conn:
        assert conn.execute("SELECT COUNT(*) FROM doc_parts").fetchone() == (0,), "index rows outlived their table"


WRANGLER = """
import sys
import awswrangler as wr, pandas as pd
values = ["1", "10", "1 ", "a b", "é", "o'k"]
rows = [{"x": i * 100 + n, "s": s, "n": n} for i, s in enumerate(values) for n in (1, 2, 10)]
wr.catalog.create_database("wr")
wr.s3.to_parquet(pd.DataFrame(rows), "s3://wrlake/t/", dataset=True, partition_cols=["s", "n"], database="wr", table="t")
for expression in sys.argv[1:]:
    print(sorted(tuple(v) for v in wr.catalog.get_partitions(database="wr", table="t", expression=expression).values()))
print(sorted(tuple(v) for v in wr.catalog.get_parquet_partitions(database="wr", table="t", expression="n <> 10").values()))
frame = wr.s3.read_parquet("s3://wrlake/t/", dataset=True, partition_filter=lambda p: p["s"] == "o'k" and p["n"] != "2")
print(sorted(frame["x"].tolist()))
"""


def test_awswrangler_partition_listings_match_a_brute_force_filter(
        glue: Any, server: EmulatorServer, tmp_path: Path) -> None:
    pytest.importorskip("awswrangler", reason="pip install '.[test]' installs awswrangler")
    server.client("s3").create_bucket(Bucket="wrlake")
    expressions = {"s = 'o''k'": lambda s, n: s == "o'k", "n = 10": lambda s, n: n == 10,
                   "s IN ('1', '1 ') AND n > 1": lambda s, n: s in ("1", "1 ") and n > 1,
                   "s LIKE '1%' OR s = 'é'": lambda s, n: s.startswith("1") or s == "é"}
    key, secret = server.credentials
    env = {**os.environ, "AWS_ENDPOINT_URL": server.endpoint, "AWS_ACCESS_KEY_ID": key,
           "AWS_SECRET_ACCESS_KEY": secret, "AWS_DEFAULT_REGION": "us-east-1", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", WRANGLER, *expressions], env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout.splitlines()
    values = ["1", "10", "1 ", "a b", "é", "o'k"]
    every = [(s, n) for s in values for n in (1, 2, 10)]
    for line, oracle in zip(out, expressions.values()):
        assert line == str(sorted((s, str(n)) for s, n in every if oracle(s, n)))
    assert out[len(expressions)] == str(sorted((s, str(n)) for s, n in every if n != 10))
    assert out[-1] == str(sorted(i * 100 + n for i, s in enumerate(values) for n in (1, 2, 10) if s == "o'k" and n != 2))
