"""The Spark side of data-quality runs: functions `run_spark_task` (jobs/spark_tasks.py) runs on a warm driver.

They read catalog tables with the emulator's awsglue library (the table's files in the local S3, its format and
SerDe from GetTable through the emulator's API, as a job's `create_dynamic_frame.from_catalog` does), call the
DQDL evaluator or the recommender, and return plain JSON. The server builds and stores the results.

evaluate_rulesets payload:
    {"source": DataSource, "references": {alias: DataSource},
     "rulesets": [{"name": str, "text": str, "history": {metric: [values, newest first]}}],
     "results_s3_prefix": "s3://bucket/prefix" | null, "result_ids": [one per ruleset]}
returns {"rulesets": [{"rule_results", "analyzer_results", "observations", "score", "metrics", "rows"}]}.

recommend_ruleset payload: {"source": DataSource}; returns {"ruleset": DQDL text}.
"""

from __future__ import annotations

import json
from typing import Any


def read_source(spark: Any, source: dict[str, Any]) -> Any:
    """A DataSource's catalog table as a Spark DataFrame. GlueTable's AdditionalOptions "pushDownPredicate" and
    "catalogPartitionPredicate" select partitions as in a job; DataQualityGlueTable's PreProcessingQuery is run
    over the table, which it names `primary` (AWS: "a SQL query ... applied to the data source")."""
    import emulator.runtime

    emulator.runtime.install()
    from awsglue.context import GlueContext

    table = source.get("GlueTable") or source["DataQualityGlueTable"]
    options = dict(table.get("AdditionalOptions") or {})
    predicate = options.pop("pushDownPredicate", "")
    dynamic = GlueContext(spark.sparkContext).create_dynamic_frame.from_catalog(
        database=table["DatabaseName"], table_name=table["TableName"], push_down_predicate=predicate,
        additional_options=options, catalog_id=table.get("CatalogId"))
    # Rules see the table as its catalog schema types it: a value a column's type cannot hold (an empty CSV field of
    # a double column) is null, as Hive's SerDes read it, not a choice of types no rule could compute on.
    frame = dynamic.resolveChoice(choice="match_catalog", database=table["DatabaseName"],
                                  table_name=table["TableName"], catalog_id=table.get("CatalogId")).toDF()
    query = table.get("PreProcessingQuery")
    if query:
        frame.createOrReplaceTempView("primary")
        frame = spark.sql(query)
    return frame


def _evaluate_one(spark: Any, frame: Any, text: str, references: dict[str, Any], earlier: dict[str, list[float]],
                  composite_method: str) -> dict[str, Any]:
    from emulator.dataquality.dqdl import parse
    from emulator.dataquality.evaluation import evaluate

    evaluation = evaluate(spark, frame, parse(text), references=references,
                          history=lambda metric, k: earlier.get(metric, [])[:k], row_level=False,
                          composite_method=composite_method)
    metrics = evaluation.metrics()
    return {"rule_results": evaluation.rule_results, "analyzer_results": evaluation.analyzer_results,
            "observations": evaluation.observations, "score": evaluation.score, "metrics": metrics}


def evaluate_rulesets(spark: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """Evaluate each ruleset on the source table (see the module docstring for the payload and result)."""
    frame = read_source(spark, payload["source"]).cache()
    rows = frame.count()
    references = {alias: read_source(spark, source) for alias, source in (payload.get("references") or {}).items()}
    answers = []
    for ruleset in payload["rulesets"]:
        answer = _evaluate_one(spark, frame, ruleset["text"], references, ruleset.get("history") or {},
                               payload.get("composite_method") or "COLUMN")
        answers.append({**answer, "rows": rows})
    frame.unpersist()
    prefix = payload.get("results_s3_prefix")
    if prefix:
        _write_results(prefix, payload["result_ids"], payload["rulesets"], answers)
    return {"rulesets": answers}


def _write_results(prefix: str, result_ids: list[str], rulesets: list[dict[str, Any]],
                   answers: list[dict[str, Any]]) -> None:
    """ResultsS3Prefix: one JSON document per result, at <prefix>/<ResultId>.json, written through the emulator's
    S3 API (the task's boto3 reaches it as a job's does)."""
    import boto3

    bucket, _, key_prefix = prefix.removeprefix("s3://").partition("/")
    client = boto3.client("s3")
    for result_id, ruleset, answer in zip(result_ids, rulesets, answers, strict=True):
        body = {"ResultId": result_id, "RulesetName": ruleset["name"], "Score": answer["score"],
                "RuleResults": answer["rule_results"], "AnalyzerResults": answer["analyzer_results"]}
        key = f"{key_prefix.rstrip('/')}/{result_id}.json".lstrip("/")
        client.put_object(Bucket=bucket, Key=key, Body=json.dumps(body).encode(), ContentType="application/json")


def recommend_ruleset(spark: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """Profile the source table and propose a DQDL ruleset for it."""
    from emulator.dataquality.recommendation import recommend

    return {"ruleset": recommend(spark, read_source(spark, payload["source"]))}
