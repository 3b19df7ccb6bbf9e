"""Task functions run by tests/test_jobs_spark_tasks.py on a warm Spark driver (spark_tasks.run_spark_task)."""

from typing import Any


def count_range(spark: Any, payload: dict[str, Any]) -> dict[str, Any]:
    print("counting", payload["n"])
    return {"count": spark.range(payload["n"]).count()}


def fail(spark: Any, payload: dict[str, Any]) -> None:
    raise ValueError(payload["why"])
