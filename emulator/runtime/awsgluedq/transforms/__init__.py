"""`EvaluateDataQuality`, as Glue's `awsgluedq.transforms` has it.

https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-EvaluateDataQuality.html

    EvaluateDataQuality.apply(frame, ruleset, publishing_options)            -> DynamicFrame of rule outcomes
    EvaluateDataQuality().process_rows(frame, ruleset, publishing_options, additional_options)
        -> DynamicFrameCollection {"ruleOutcomes", "rowLevelOutcomes", "originalData"}

ruleOutcomes has one row per rule: Rule, Outcome ("Passed", "Failed", or "Error" for a rule that could not be
evaluated), FailureReason, EvaluatedMetrics (map<string,double>), EvaluatedRule. rowLevelOutcomes is the input
with DataQualityRulesPass, DataQualityRulesFail, DataQualityRulesSkip (arrays of rules) and
DataQualityEvaluationResult ("Passed"/"Failed"); originalData is the input itself (Glue Studio's "Original
data" output).

publishing_options (Glue's defaults): dataQualityEvaluationContext ("default_context"; names the result and
groups the history of dynamic rules), enableDataQualityResultsPublishing (True: the result is published, so
ListDataQualityResults shows it with the job's JobName and JobRunId), enableDataQualityCloudWatchMetrics
(accepted; the emulator has no CloudWatch metrics), resultsS3Prefix (the result is also written there as JSON).
additional_options: "observations.scope" ("ALL" or "NONE"), "performanceTuning.caching" ("CACHE_INPUT" caches
the input across the evaluation, "CACHE_NOTHING" does not), "compositeRuleEvaluation.method" ("COLUMN", Glue's
default, or "ROW": each row must satisfy a composite rule; see emulator/dataquality/evaluation.py), "dataQualityEvaluationContext" (as the publishing option), "dataQualityResultsPublishing.strategy"
(publishing is best effort: a failure to publish is printed, never raised).

Glue Studio's "fail job when data quality fails" is an `assert` over ruleOutcomes in the generated script
(`EvaluateDataQuality.DATA_QUALITY_RULE_OUTCOMES_KEY`), so the run fails with its AssertionError message.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from awsglue.dynamicframe import DynamicFrame, DynamicFrameCollection
from awsgluedq import _service
from pyspark.sql import types as T

_OUTCOMES = {"PASS": "Passed", "FAIL": "Failed", "ERROR": "Error"}
_RULE_OUTCOMES_SCHEMA = T.StructType([
    T.StructField("Rule", T.StringType()),
    T.StructField("Outcome", T.StringType()),
    T.StructField("FailureReason", T.StringType()),
    T.StructField("EvaluatedMetrics", T.MapType(T.StringType(), T.DoubleType())),
    T.StructField("EvaluatedRule", T.StringType()),
])
_DEFAULT_CONTEXT = "default_context"


def _flag(value: Any, default: bool) -> bool:
    """A publishing option's boolean, given as a bool or as Studio's strings ("true"/"false")."""
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


class EvaluateDataQuality:
    """Evaluate a DQDL ruleset on a DynamicFrame (see the module's docstring)."""

    DATA_QUALITY_RULE_OUTCOMES_KEY = "ruleOutcomes"
    DATA_QUALITY_ROW_LEVEL_OUTCOMES_KEY = "rowLevelOutcomes"
    DATA_QUALITY_ORIGINAL_DATA_KEY = "originalData"

    @classmethod
    def apply(cls, frame: DynamicFrame, ruleset: str, publishing_options: dict[str, Any] | None = None,
              additional_options: dict[str, Any] | None = None,
              additional_data_sources: dict[str, DynamicFrame] | None = None) -> DynamicFrame:
        """The rule outcomes of `ruleset` on `frame` (a DynamicFrame of Rule, Outcome, FailureReason, ...)."""
        outcomes = cls()._evaluate(frame, ruleset, publishing_options or {}, additional_options or {},
                                   additional_data_sources or {}, row_level=False)
        return outcomes[cls.DATA_QUALITY_RULE_OUTCOMES_KEY]

    def process_rows(self, frame: DynamicFrame, ruleset: str, publishing_options: dict[str, Any] | None = None,
                     additional_options: dict[str, Any] | None = None,
                     additional_data_sources: dict[str, DynamicFrame] | None = None) -> DynamicFrameCollection:
        """Rule outcomes, row-level outcomes and the original data of `ruleset` on `frame`."""
        return self._evaluate(frame, ruleset, publishing_options or {}, additional_options or {},
                              additional_data_sources or {}, row_level=True)

    def _evaluate(self, frame: DynamicFrame, ruleset: str, publishing: dict[str, Any], options: dict[str, Any],
                  references: dict[str, DynamicFrame], row_level: bool) -> DynamicFrameCollection:
        from emulator.dataquality.dqdl import parse
        from emulator.dataquality.evaluation import evaluate

        glue_ctx = frame.glue_ctx
        context = publishing.get("dataQualityEvaluationContext") or options.get("dataQualityEvaluationContext") \
            or _DEFAULT_CONTEXT
        publish = _flag(publishing.get("enableDataQualityResultsPublishing"), True)
        job = _service.job_identity()
        started = time.time()
        data = frame.toDF()
        if options.get("performanceTuning.caching") == "CACHE_INPUT":
            data = data.cache()
        parsed = parse(ruleset)
        earlier = self._history(job, context) if publish and job else {}
        evaluation = evaluate(data.sparkSession, data, parsed,
                              references={alias: ref.toDF() for alias, ref in references.items()},
                              history=lambda metric, k: earlier.get(metric, [])[:k], row_level=row_level,
                              composite_method=options.get("compositeRuleEvaluation.method") or "COLUMN")
        observations = evaluation.observations if options.get("observations.scope", "ALL") != "NONE" else []
        answer = {"rule_results": evaluation.rule_results, "analyzer_results": evaluation.analyzer_results,
                  "observations": observations, "score": evaluation.score, "metrics": evaluation.metrics(),
                  "rows": data.count()}
        if publish and job:
            self._publish(job, context, started, answer)
        if publishing.get("resultsS3Prefix"):
            self._write_s3(publishing["resultsS3Prefix"], context, answer)
        spark = data.sparkSession
        rows = [(r.get("Name"), _OUTCOMES.get(r.get("Result"), r.get("Result")), r.get("EvaluationMessage"),
                 {k: float(v) for k, v in (r.get("EvaluatedMetrics") or {}).items() if v is not None},
                 r.get("EvaluatedRule", r.get("Name"))) for r in evaluation.rule_results]
        outcomes = DynamicFrame.fromDF(spark.createDataFrame(rows, _RULE_OUTCOMES_SCHEMA), glue_ctx,
                                       self.DATA_QUALITY_RULE_OUTCOMES_KEY)
        frames = {self.DATA_QUALITY_RULE_OUTCOMES_KEY: outcomes, self.DATA_QUALITY_ORIGINAL_DATA_KEY: frame}
        if row_level and evaluation.row_level is not None:
            frames[self.DATA_QUALITY_ROW_LEVEL_OUTCOMES_KEY] = DynamicFrame.fromDF(
                evaluation.row_level, glue_ctx, self.DATA_QUALITY_ROW_LEVEL_OUTCOMES_KEY)
        return DynamicFrameCollection(frames, glue_ctx)

    @staticmethod
    def _history(job: tuple[str, str], context: str) -> dict[str, list[float]]:
        try:
            return _service.post("/_emulator/dataquality/history",
                                 {"JobName": job[0], "EvaluationContext": context})["History"]
        except (OSError, RuntimeError) as exc:  # best effort, as publishing: dynamic rules then see no history
            print(f"EvaluateDataQuality: earlier results unavailable ({exc})", file=sys.stderr)
            return {}

    @staticmethod
    def _publish(job: tuple[str, str], context: str, started: float, answer: dict[str, Any]) -> None:
        body = {"JobName": job[0], "JobRunId": job[1], "EvaluationContext": context, "StartedOn": round(started, 3),
                "Evaluation": answer}
        try:
            result_id = _service.post("/_emulator/dataquality/results", body)["ResultId"]
            print(f"EvaluateDataQuality: published data quality result {result_id} ({context})")
        except (OSError, RuntimeError) as exc:
            print(f"EvaluateDataQuality: publishing the result failed ({exc})", file=sys.stderr)

    @staticmethod
    def _write_s3(prefix: str, context: str, answer: dict[str, Any]) -> None:
        import boto3

        bucket, _, key_prefix = prefix.removeprefix("s3://").partition("/")
        key = f"{key_prefix.rstrip('/')}/{context}/{int(time.time() * 1000)}.json".lstrip("/")
        body = {"EvaluationContext": context, "Score": answer["score"], "RuleResults": answer["rule_results"]}
        try:
            boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=json.dumps(body).encode())
        except Exception as exc:
            print(f"EvaluateDataQuality: writing results to {prefix} failed ({exc})", file=sys.stderr)


__all__ = ["EvaluateDataQuality"]
