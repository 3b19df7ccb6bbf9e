"""A 20-rule DQDL ruleset on a 1M-row table: the emulator's evaluator vs one plain Spark pass over the same metrics.

Run by hand:  python tests/benchmarks/bench_data_quality.py [--rows 1000000] [--repeats 3]
- evaluate: emulator.dataquality.evaluation.evaluate(spark, frame, RULESET) on a cached frame;
- plain Spark (the limit): one `agg` computing every metric the rules need, plus the two groupBy's that value
  frequencies need (uniqueness of id, the category distribution), collected, the way a hand-written job would.
Both on one local[2] SparkSession; best and median of `repeats` runs, in seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

RULESET = """Rules = [
    RowCount > 0,
    ColumnCount = 6,
    IsComplete "id",
    IsComplete "category",
    Completeness "email" > 0.9,
    IsUnique "id",
    Uniqueness "id" = 1.0,
    ColumnValues "amount" between -1 and 1001,
    ColumnValues "category" in ["a", "b", "c", "d"],
    ColumnValues "email" matches "[a-z0-9]+@example[.]com" with threshold > 0.9,
    Mean "amount" between 400 and 600,
    Sum "amount" > 0,
    StandardDeviation "amount" < 400,
    ColumnLength "category" = 1,
    DistinctValuesCount "category" = 4,
    Entropy "category" > 1,
    ColumnValues "status" in ["paid", "open"],
    IsComplete "status",
    ColumnValues "id" >= 0,
    ColumnCorrelation "id" and "amount" between -0.1 and 0.1
]"""


def table(spark, rows: int):
    """id, amount (uniform 0-1000), category (a-d), status, email (5% null), created: cached and counted."""
    from pyspark.sql import functions as F

    frame = (spark.range(rows)
             .withColumn("amount", F.rand(7) * 1000)
             .withColumn("category", F.element_at(F.array(*[F.lit(c) for c in "abcd"]),
                                                  (F.col("id") % 4 + 1).cast("int")))
             .withColumn("status", F.when(F.col("id") % 3 == 0, "open").otherwise("paid"))
             .withColumn("email", F.when(F.col("id") % 20 == 0, None)
                         .otherwise(F.concat(F.lit("u"), F.col("id").cast("string"), F.lit("@example.com"))))
             .withColumn("created", F.current_date()))
    frame = frame.cache()
    frame.count()
    return frame


def plain_spark(frame) -> dict:
    """Every metric of RULESET by hand: one agg pass plus the two frequency groupBy's."""
    from pyspark.sql import functions as F

    c = F.col
    metrics = frame.agg(
        F.count(F.lit(1)).alias("rows"),
        F.count("id").alias("id_complete"), F.count("category").alias("category_complete"),
        F.count("email").alias("email_complete"), F.count("status").alias("status_complete"),
        F.sum(c("amount").between(-1, 1001).cast("int")).alias("amount_in_range"),
        F.sum(c("category").isin("a", "b", "c", "d").cast("int")).alias("category_in_set"),
        F.sum(c("email").rlike("^[a-z0-9]+@example[.]com$").cast("int")).alias("email_matches"),
        F.avg("amount").alias("mean"), F.sum("amount").alias("sum"), F.stddev("amount").alias("stddev"),
        F.sum((F.length("category") == 1).cast("int")).alias("length_ok"),
        F.sum(c("status").isin("paid", "open").cast("int")).alias("status_in_set"),
        F.sum((c("id") >= 0).cast("int")).alias("id_non_negative"),
        F.corr("id", "amount").alias("correlation"),
    ).first().asDict()
    id_counts = frame.groupBy("id").count()
    metrics["id_unique"] = id_counts.agg(F.sum((c("count") == 1).cast("long")), F.count(F.lit(1))).first()
    metrics["categories"] = {row["category"]: row["count"] for row in frame.groupBy("category").count().collect()}
    return metrics


def timed(action: Callable[[], object], repeats: int) -> list[float]:
    action()  # warm-up: plans compiled, code generated, JIT warm
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    from emulator.dataquality.evaluation import evaluate

    spark = (SparkSession.builder.master("local[2]").appName("bench-data-quality")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", "4").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        frame = table(spark, options.rows)
        outcome = evaluate(spark, frame, RULESET)
        results = [rule["Result"] for rule in outcome.rule_results]
        print(f"{len(results)} rules on {options.rows:,} rows: {results.count('PASS')} PASS, "
              f"{results.count('FAIL')} FAIL, {results.count('ERROR')} ERROR")
        for rule in outcome.rule_results:
            if rule["Result"] != "PASS":
                print(f"  {rule['Result']} {rule['Description']}: {rule.get('EvaluationMessage', '')}")
        rows = [("evaluate (20 rules)", timed(lambda: evaluate(spark, frame, RULESET), options.repeats)),
                ("plain Spark, same metrics", timed(lambda: plain_spark(frame), options.repeats))]
        print(f"{'':<28} {'best s':>8} {'median s':>9}")
        for name, times in rows:
            print(f"{name:<28} {min(times):>8.2f} {statistics.median(times):>9.2f}")
        print(f"evaluate / plain Spark (best): {min(rows[0][1]) / min(rows[1][1]):.2f}x")
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
