"""Glue job metrics in CloudWatch: a glueetl run with --enable-metrics publishes them, one without does not.

The only glueetl test of the events tests (metrics are Spark's numbers); it uses the session's warm server.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from support import run_to_end, spark_job

SCRIPT = """
    from pyspark.sql import SparkSession
    spark = SparkSession.builder.getOrCreate()
    orders = spark.read.option("header", "true").csv("s3://lake/orders/")
    totals = orders.groupBy("shop").count().collect()
    print(sorted((row["shop"], row["count"]) for row in totals))
"""
CSV = "id,shop\n" + "".join(f"{i},{'abc'[i % 3]}\n" for i in range(300))


def _dimensions(job: str, run_id: str) -> list[dict[str, str]]:
    return [{"Name": "JobName", "Value": job}, {"Name": "JobRunId", "Value": run_id},
            {"Name": "Type", "Value": "count"}]


def test_metrics_appear_for_a_run_with_enable_metrics_and_not_without(glue_emulator):
    glue, s3, cloudwatch = glue_emulator.glue, glue_emulator.s3, glue_emulator.client("cloudwatch")
    s3.create_bucket(Bucket="lake")
    s3.put_object(Bucket="lake", Key="orders/part-0.csv", Body=CSV.encode())
    spark_job(glue, s3, "counted", SCRIPT, DefaultArguments={"--enable-metrics": "true"})
    spark_job(glue, s3, "uncounted", SCRIPT)
    counted = run_to_end(glue, "counted")
    assert counted["JobRunState"] == "SUCCEEDED", counted.get("ErrorMessage")
    uncounted = run_to_end(glue, "uncounted")
    assert uncounted["JobRunState"] == "SUCCEEDED", uncounted.get("ErrorMessage")

    # Only these two jobs count: other tests on the shared server may run jobs with metrics too.
    listed = [m for m in cloudwatch.list_metrics(Namespace="Glue")["Metrics"]
              if {"Name": "JobName", "Value": "counted"} in m["Dimensions"]
              or {"Name": "JobName", "Value": "uncounted"} in m["Dimensions"]]
    jobs = {d["Value"] for m in listed for d in m["Dimensions"] if d["Name"] == "JobName"}
    assert jobs == {"counted"}
    names = {m["MetricName"] for m in listed}
    assert {"glue.driver.aggregate.numCompletedTasks", "glue.driver.aggregate.numCompletedStages",
            "glue.driver.aggregate.numFailedTasks", "glue.driver.aggregate.elapsedTime",
            "glue.driver.aggregate.bytesRead"} <= names

    end = datetime.now(UTC) + timedelta(minutes=1)
    start = end - timedelta(minutes=30)

    def total(metric: str, run_id: str) -> float:
        points = cloudwatch.get_metric_statistics(
            Namespace="Glue", MetricName=f"glue.driver.aggregate.{metric}", Dimensions=_dimensions("counted", run_id),
            StartTime=start, EndTime=end, Period=60, Statistics=["Sum"])["Datapoints"]
        return sum(p["Sum"] for p in points)

    run_id = counted["Id"]
    assert total("numCompletedTasks", run_id) >= 2  # the read and the aggregation's stages
    assert total("numCompletedStages", run_id) >= 2
    assert total("numFailedTasks", run_id) == 0
    assert total("bytesRead", run_id) >= len(CSV)
    assert 0 < total("elapsedTime", run_id) <= (counted["ExecutionTime"] + 1) * 1000
    assert total("numCompletedTasks", "ALL") == total("numCompletedTasks", run_id)

    queries = [{"Id": "tasks", "MetricStat": {"Metric": {"Namespace": "Glue",
                                                          "MetricName": "glue.driver.aggregate.numCompletedTasks",
                                                          "Dimensions": _dimensions("counted", run_id)},
                                               "Period": 60, "Stat": "Sum"}}]
    data = cloudwatch.get_metric_data(MetricDataQueries=queries, StartTime=start, EndTime=end)["MetricDataResults"]
    assert sum(data[0]["Values"]) == total("numCompletedTasks", run_id)

    # An alarm on failed tasks can be defined on these metrics (moto keeps it; it evaluates no alarm).
    cloudwatch.put_metric_alarm(
        AlarmName="counted-task-failures", Namespace="Glue", MetricName="glue.driver.aggregate.numFailedTasks",
        Dimensions=_dimensions("counted", "ALL"), Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=0,
        ComparisonOperator="GreaterThanThreshold")
    alarms = cloudwatch.describe_alarms_for_metric(MetricName="glue.driver.aggregate.numFailedTasks",
                                                   Namespace="Glue", Dimensions=_dimensions("counted", "ALL"))
    assert [a["AlarmName"] for a in alarms["MetricAlarms"]] == ["counted-task-failures"]
