"""A glueetl job (StartJobRun on a live server) whose EntityDetector asks for PERSON_NAME, a managed type Glue finds
with machine learning: the run succeeds, the types found by pattern are still found and acted on, PERSON_NAME finds
nothing, and the job's error log says it is not detected locally."""

from __future__ import annotations

import json
from typing import Any

from support import FAST_ENV, run_to_end, spark_job

SERVER_ENV = FAST_ENV
SCRIPT = '''
import json
from awsglue.context import GlueContext
from awsglueml.transforms import EntityDetector
from pyspark.context import SparkContext

glue_context = GlueContext(SparkContext.getOrCreate())
frame = glue_context.create_dynamic_frame.from_options(
    connection_type="s3", format="csv", connection_options={"paths": ["s3://ml-lake/input/"]},
    format_options={"withHeader": True})
detector = EntityDetector()
found = detector.detect(frame, ["PERSON_NAME", "EMAIL"], "DetectedEntities")
acted = detector.detect(frame, {"PERSON_NAME": [{"action": "REDACT"}], "EMAIL": [{"action": "REDACT"}]},
                        "DetectedEntities")
columns = detector.classify_columns(frame, ["PERSON_NAME", "EMAIL"], 1.0, 0.1)
rows = {
    "found": [row.asDict(recursive=True) for row in found.toDF().collect()],
    "acted": [row.asDict(recursive=True) for row in acted.toDF().collect()],
    "columns": columns,
}
import boto3
boto3.client("s3").put_object(Bucket="ml-lake", Key="out/result.json", Body=json.dumps(rows, default=str))
'''


def test_a_job_asking_for_person_name_succeeds_and_logs_that_it_is_not_detected(glue: Any, server: Any) -> None:
    s3 = server.client("s3")
    s3.create_bucket(Bucket="ml-lake")
    s3.put_object(Bucket="ml-lake", Key="input/people.csv",
                  Body=b"name,contact\nAnn Smith,ann@example.com\nBob Jones,none\n")
    spark_job(glue, s3, "ml-types", SCRIPT)
    run = run_to_end(glue, "ml-types", timeout=300)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    result = json.loads(s3.get_object(Bucket="ml-lake", Key="out/result.json")["Body"].read())
    found = {row["name"]: row["DetectedEntities"] for row in result["found"]}
    assert found == {"Ann Smith": {"contact": [{"entityType": "EMAIL", "start": 0, "end": 15}]}, "Bob Jones": {}}
    assert sorted((row["name"], row["contact"]) for row in result["acted"]) == [
        ("Ann Smith", "*******"), ("Bob Jones", "none")]
    assert result["columns"] == {"contact": ["EMAIL"]}
    events = server.client("logs").get_log_events(logGroupName="/aws-glue/jobs/error", logStreamName=run["Id"],
                                                  startFromHead=True)["events"]
    warnings = [e["message"] for e in events if "does not detect PERSON_NAME" in e["message"]]
    assert len(warnings) == 3, [e["message"] for e in events][-20:]
