"""Paged listings at 10,000 items through boto3: GetTables, SearchTables and GetJobRuns, in one run.

Run by hand:  python tests/benchmarks/bench_listings.py [--items 10000]

A data dir gets `--items` tables in one database (CreateTable calls through boto3) and `--items` job runs of one job (written into the store directly: starting 10,000 real
runs would measure the runner, not the listing). Each listing is then read to its end with its boto3
paginator, and the time of its first and of its last page are printed: a listing that re-reads everything
per page has a last page far slower than its first (and a total growing with the square of the items);
one that reads on from its token has both about equal. Load average printed, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench_catalog import _glue

from emulator.store import Store
from emulator.testing import EmulatorServer

_SCOPE = "123456789012/us-east-1"


def write_runs(data_dir: Path, count: int) -> None:
    """`count` finished runs of job "nightly", as the run manager stores them."""
    store = Store(data_dir / "state.sqlite3", durable=False, part_indexed=("partition",))
    with store.transaction():
        for i in range(count):
            run_id = f"jr_{i:064x}"
            store.put(_SCOPE, "job_run", "nightly", run_id, {
                "Id": run_id, "Attempt": 0, "JobName": "nightly", "JobRunState": "SUCCEEDED",
                "StartedOn": 1_700_000_000.0 + i, "CompletedOn": 1_700_000_001.0 + i, "LastModifiedOn": 1_700_000_001.0 + i,
                "ExecutionTime": 1, "Arguments": {"--day": str(i)}, "GlueVersion": "4.0", "MaxCapacity": 10.0,
            })
    store.close()


def search_pages(glue, **params):
    """SearchTables page by page (botocore has no paginator for it)."""
    token = None
    while True:
        page = glue.search_tables(MaxResults=100, **params, **({"NextToken": token} if token else {}))
        yield page
        token = page.get("NextToken")
        if not token:
            return


def timed_pages(pages) -> tuple[float, float, float, int]:
    """(total, first page, last page) seconds and the number of pages of a paginator."""
    times, begin = [], time.perf_counter()
    start = begin
    for _ in pages:
        now = time.perf_counter()
        times.append(now - start)
        start = now
    return time.perf_counter() - begin, times[0], times[-1], len(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        server = EmulatorServer(data_dir, env={"GLUE_EMULATOR_SPARK_PREWARM": "0"}).start()
        try:
            glue = _glue(server.endpoint)
            glue.create_database(DatabaseInput={"Name": "bench"})
            columns = [{"Name": f"c{i}", "Type": "string"} for i in range(10)]
            for i in range(args.items):
                glue.create_table(DatabaseName="bench", TableInput={
                    "Name": f"t{i:05d}", "StorageDescriptor": {"Columns": columns, "Location": f"s3://b/t{i}/"}})
            glue.create_job(Name="nightly", Role="r", Command={"Name": "pythonshell", "ScriptLocation": "s3://b/x.py"})
            write_runs(data_dir, args.items)  # WAL: the running server reads them at once
            rows = {
                "GetTables (100 a page)": glue.get_paginator("get_tables").paginate(DatabaseName="bench"),
                "SearchTables (100 a page)": search_pages(glue),
                "SearchTables by UpdateTime DESC": search_pages(
                    glue, SortCriteria=[{"FieldName": "UpdateTime", "Sort": "DESC"}]),
                "GetJobRuns (200 a page)": glue.get_paginator("get_job_runs").paginate(JobName="nightly"),
            }
            figures = {name: timed_pages(pages) for name, pages in rows.items()}
        finally:
            server.stop()
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'listing of ' + str(args.items):<30}{'pages':>7}{'total s':>9}{'first page s':>14}{'last page s':>13}")
    for name, (total, first, last, pages) in figures.items():
        print(f"{name:<30}{pages:>7}{total:>9.2f}{first:>14.4f}{last:>13.4f}")


if __name__ == "__main__":
    main()
