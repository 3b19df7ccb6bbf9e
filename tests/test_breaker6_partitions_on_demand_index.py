"""GetPartitions on later partition keys (answered from the index written on demand, emulator/store) against a
brute-force filter over the unfiltered listing, on a real server driven by boto3: interleaved with every write
that moves index rows (BatchCreatePartition, UpdatePartition moving values, BatchDeletePartition, DeleteTable and
CreateTable of the same name), and with writers running while the first later-key lookup builds the index.
No defect was found this way in session 6; these keep it so.
"""

from __future__ import annotations

import random
import threading

KEYS = ["year", "month", "day", "region"]
VALUES = [["2020", "2021"], ["1", "2", "10"], ["01", "x y", "it's"], ["eu", "us", "a'b"]]


def _table(glue) -> None:
    glue.create_table(DatabaseName="db", TableInput={
        "Name": "t", "PartitionKeys": [{"Name": k, "Type": "string"} for k in KEYS],
        "StorageDescriptor": {"Columns": [{"Name": "c", "Type": "int"}], "Location": "s3://b/t/"}})


def _inputs(values_list) -> list[dict]:
    return [{"Values": list(values)} for values in values_list]


def _listing(glue, expression: str | None = None, page: int = 1000) -> list[tuple[str, ...]]:
    args = {"DatabaseName": "db", "TableName": "t", **({"Expression": expression} if expression else {})}
    pages = glue.get_paginator("get_partitions").paginate(**args, PaginationConfig={"PageSize": page})
    return [tuple(p["Values"]) for result in pages for p in result["Partitions"]]


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _random_lookup(rnd: random.Random) -> tuple[str, dict[int, set[str]]]:
    """An expression fixing later keys only (so the index answers it), and what it fixes."""
    fixed = {pos: set(rnd.sample(VALUES[pos] + ["zz"], rnd.choice([1, 2]))) for pos in rnd.sample([1, 2, 3], 2)}
    terms = [f"{KEYS[pos]} in ({', '.join(_quoted(v) for v in sorted(texts))})" for pos, texts in fixed.items()]
    return " AND ".join(terms), fixed


def _check(glue, rnd: random.Random, step: str) -> None:
    everything = _listing(glue)
    assert len(everything) == len(set(everything)), step
    for _ in range(3):
        expression, fixed = _random_lookup(rnd)
        wanted = sorted(p for p in everything if all(p[pos] in texts for pos, texts in fixed.items()))
        assert sorted(_listing(glue, expression, rnd.choice([1, 7, 1000]))) == wanted, (step, expression)


def test_later_key_lookups_follow_every_kind_of_write(glue):
    rnd = random.Random(6)
    glue.create_database(DatabaseInput={"Name": "db"})
    _table(glue)
    for step in range(40):
        existing = _listing(glue)
        operation = rnd.choice(["batch", "batch", "move", "delete", "retable"] if existing else ["batch"])
        if operation == "batch":
            glue.batch_create_partition(DatabaseName="db", TableName="t", PartitionInputList=_inputs(
                [[rnd.choice(texts) for texts in VALUES] for _ in range(rnd.randint(1, 20))]))
        elif operation == "move":
            moved = [rnd.choice(texts) for texts in VALUES]
            if tuple(moved) not in existing:
                glue.update_partition(DatabaseName="db", TableName="t", PartitionValueList=list(rnd.choice(existing)),
                                      PartitionInput={"Values": moved})
        elif operation == "delete":
            glue.batch_delete_partition(DatabaseName="db", TableName="t", PartitionsToDelete=_inputs(
                rnd.sample(existing, min(len(existing), rnd.randint(1, 8)))))
        else:
            glue.delete_table(DatabaseName="db", Name="t")
            _table(glue)
        _check(glue, rnd, f"step {step}: {operation}")


def test_writers_during_the_first_later_key_lookup_are_all_found(glue):
    glue.create_database(DatabaseInput={"Name": "db"})
    _table(glue)
    first = [[y, str(m), f"{d:02d}", r] for y in ("2020", "2021") for m in range(1, 13) for d in range(1, 11)
             for r in ("eu", "us")]
    for start in range(0, len(first), 100):
        glue.batch_create_partition(DatabaseName="db", TableName="t", PartitionInputList=_inputs(first[start:start + 100]))
    failures: list[BaseException] = []

    def run(work) -> None:
        try:
            work()
        except BaseException as error:  # reported by the test thread
            failures.append(error)

    def lookup() -> None:
        _listing(glue, "region = 'zz'")

    def write(year: str) -> None:
        for month in range(10):
            glue.batch_create_partition(DatabaseName="db", TableName="t", PartitionInputList=_inputs(
                [[year, str(month), f"{day:02d}", "zz" if day % 2 else "eu"] for day in range(1, 21)]))

    def move() -> None:
        for day in range(1, 11):
            glue.update_partition(DatabaseName="db", TableName="t", PartitionValueList=["2020", "1", f"{day:02d}", "eu"],
                                  PartitionInput={"Values": ["2020", "1", f"{day:02d}", "zz"]})

    threads = [threading.Thread(target=run, args=(work,)) for work in
               (lookup, lambda: write("2030"), lambda: write("2031"), move)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    everything = _listing(glue)
    for expression, keep in (("region = 'zz'", lambda p: p[3] == "zz"),
                             ("day = '03' AND region in ('eu', 'zz')", lambda p: p[2] == "03" and p[3] in ("eu", "zz"))):
        assert sorted(_listing(glue, expression)) == sorted(p for p in everything if keep(p)), expression
    assert len(_listing(glue, "region = 'zz'")) == 2 * 10 * 10 + 10
