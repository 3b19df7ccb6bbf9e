"""What a materialized-view refresh computes, on a warm Spark driver (jobs/spark_tasks.py).

`refresh_materialized_view(spark, payload)` evaluates the view's Spark SQL with the Data Catalog as Spark's
metastore (awsglue's `--enable-glue-datacatalog` support brings each catalog table the query names into the
driver's session catalog, as in a glueetl job) and writes the result as Parquet files to `payload["output"]`, a
local folder the server then commits into the view's Iceberg table (materialized_views.py).
payload: {"sql": str, "output": str (an absolute local path), "database": str (the view's, for unqualified
names)}; returns {"rows": int}.
"""

from __future__ import annotations

from typing import Any


def refresh_materialized_view(spark: Any, payload: dict[str, Any]) -> dict[str, Any]:
    import boto3
    from awsglue import _metastore

    _metastore.install(spark, boto3.client("glue"))
    spark.sql("USE `" + payload["database"].replace("`", "``") + "`")  # brings the database in, for unqualified names
    result = spark.sql(payload["sql"])
    result.write.mode("overwrite").parquet("file://" + payload["output"])
    return {"rows": spark.read.parquet("file://" + payload["output"]).count()}
