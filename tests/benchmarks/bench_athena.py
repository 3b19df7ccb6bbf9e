"""Athena: a 10-row query and an aggregation over 1M Parquet rows, through the API vs the engine itself vs Spark.

Run by hand:  python tests/benchmarks/bench_athena.py [--rows 1000000] [--repeats 5]
A server (no Spark prewarm) on a free loopback port holds a Glue table over one Parquet file of `rows` rows in its
S3. Each query is timed as a client sees it: StartQueryExecution, GetQueryExecution polled every 5 ms until
SUCCEEDED, then GetQueryResults of every page. The limit is DuckDB's own query of the same file in this process
(no API, no catalog, no result file); the comparison is a Spark SQL query on a warm local driver (the engine of
Glue jobs and interactive sessions; the driver is started and the query run once before timing). Medians of
`repeats` runs.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from emulator.testing import EmulatorServer

QUERIES = {
    "10 rows": "SELECT * FROM events LIMIT 10",
    "aggregation": "SELECT kind, count(*) AS n, sum(amount) AS total, avg(amount) AS mean FROM events "
                   "GROUP BY kind ORDER BY kind",
}


def _data(rows: int) -> bytes:
    rng = np.random.default_rng(7)
    table = pa.table({"id": np.arange(rows, dtype=np.int64), "kind": rng.choice(["a", "b", "c", "d"], rows),
                      "amount": rng.random(rows) * 100})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def _median(action: Callable[[], Any], repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def _athena_query(athena: Any, sql: str) -> int:
    query_id = athena.start_query_execution(QueryString=sql, QueryExecutionContext={"Database": "bench"},
                                            ResultConfiguration={"OutputLocation": "s3://bench/results/"})[
        "QueryExecutionId"]
    while (state := athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]["State"]) \
            in ("QUEUED", "RUNNING"):
        time.sleep(0.005)
    if state != "SUCCEEDED":
        raise SystemExit(f"query {state}")
    pages = athena.get_paginator("get_query_results").paginate(QueryExecutionId=query_id)
    return sum(len(p["ResultSet"]["Rows"]) for p in pages)


def _spark(path: str) -> Any:
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", "2").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    spark.read.parquet(path).createOrReplaceTempView("events")
    return spark


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-spark", action="store_true", help="skip the Spark SQL comparison")
    options = parser.parse_args()
    data = _data(options.rows)
    with tempfile.TemporaryDirectory() as folder:
        server = EmulatorServer(Path(folder) / "data", env={"GLUE_EMULATOR_SPARK_PREWARM": "0"}).start()
        try:
            s3, glue, athena = server.client("s3"), server.client("glue"), server.client("athena")
            s3.create_bucket(Bucket="bench")
            s3.put_object(Bucket="bench", Key="events/part-0.parquet", Body=data)
            glue.create_database(DatabaseInput={"Name": "bench"})
            glue.create_table(DatabaseName="bench", TableInput={"Name": "events", "StorageDescriptor": {
                "Columns": [{"Name": "id", "Type": "bigint"}, {"Name": "kind", "Type": "string"},
                            {"Name": "amount", "Type": "double"}],
                "Location": "s3://bench/events/",
                "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}})
            local = str(Path(folder) / "data" / "s3" / "bench" / "events" / "part-0.parquet")
            spark = None if options.no_spark else _spark(local)
            print(f"{options.rows} rows, {len(data) / 1e6:.1f} MB of Parquet; medians of {options.repeats} runs")
            print(f"{'query':<12} {'Athena API':>11} {'DuckDB direct':>14} {'Spark SQL (warm)':>17}")
            for label, sql in QUERIES.items():
                _athena_query(athena, sql)  # the first run imports and opens what later runs reuse
                api = _median(lambda sql=sql: _athena_query(athena, sql), options.repeats)
                direct_sql = sql.replace("FROM events", f"FROM read_parquet('{local}')")
                direct = _median(lambda q=direct_sql: duckdb.connect().execute(q).fetchall(), options.repeats)
                warm = float("nan")
                if spark is not None:
                    spark.sql(sql).collect()
                    warm = _median(lambda sql=sql: spark.sql(sql).collect(), options.repeats)
                print(f"{label:<12} {api * 1000:>9.0f} ms {direct * 1000:>11.0f} ms {warm * 1000:>14.0f} ms")
            if spark is not None:
                spark.stop()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
