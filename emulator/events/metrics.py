"""Glue's job metrics in CloudWatch: what a run with `--enable-metrics` publishes, in moto's CloudWatch.

As AWS documents (https://docs.aws.amazon.com/glue/latest/dg/monitoring-awsglue-with-cloudwatch-metrics.html),
Glue publishes a Spark job's metrics in the namespace "Glue" with the dimensions JobName, JobRunId (the run's
id, and "ALL" for the job's aggregate) and Type ("count" for these aggregates); the metric names are
`glue.driver.aggregate.<name>`: numCompletedTasks, numFailedTasks, numKilledTasks, numCompletedStages,
bytesRead, shuffleLocalBytesRead, shuffleBytesWritten (bytes) and elapsedTime (milliseconds). Monitoring
options do not apply to Python shell jobs, which publish none.

Differences: AWS reports every 30 seconds while the run goes on; the emulator publishes once, when the run
ends, stamped with the end time. The counts are the run's own on a shared warm driver (spark_counters.py).
moto's CloudWatch keeps the data for GetMetricData, GetMetricStatistics and ListMetrics and accepts alarms on
them (PutMetricAlarm, DescribeAlarmsForMetric), but it evaluates no alarm: an alarm stays in its state until
SetAlarmState changes it.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("glue_emulator.events")

NAMESPACE = "Glue"
METRIC_PREFIX = "glue.driver.aggregate."
ENABLE_ARGUMENT = "--enable-metrics"
_UNITS = {"elapsedTime": "Milliseconds", "bytesRead": "Bytes", "shuffleLocalBytesRead": "Bytes",
          "shuffleBytesWritten": "Bytes"}


def enabled(argv: list[str]) -> bool:
    """Whether a run's sys.argv asks for metrics (Glue reads the key's presence; its value is usually "true")."""
    return ENABLE_ARGUMENT in argv


def metric_data(job_name: str, run_id: str, counts: dict[str, Any]) -> list[dict[str, Any]]:
    """PutMetricData's MetricData for a run's counts: each metric for the run and for "ALL"."""
    data = []
    for name, value in sorted(counts.items()):
        for run_dimension in (run_id, "ALL"):
            dimensions = [{"Name": "JobName", "Value": job_name}, {"Name": "JobRunId", "Value": run_dimension},
                          {"Name": "Type", "Value": "count"}]
            data.append({"MetricName": METRIC_PREFIX + name, "Dimensions": dimensions, "Value": float(value),
                         "Unit": _UNITS.get(name, "Count")})
    return data


def publish(scope: str, job_name: str, run_id: str, counts: dict[str, Any]) -> None:
    """Put a run's metrics in the CloudWatch of its account and region (moto's, in-process)."""
    from moto.cloudwatch.models import cloudwatch_backends

    account, _, region = scope.partition("/")
    try:
        cloudwatch_backends[account][region].put_metric_data(NAMESPACE, metric_data(job_name, run_id, counts))
    except Exception:
        log.exception("could not publish the metrics of run %s", run_id)
