"""Data quality (Spark): the cleaned orders against the ruleset named by --ruleset (Glue Data Quality), between
cleaning and aggregation. The result is published, so ListDataQualityResults shows it with this job run; a failing
rule fails the run, as Glue Studio's "Fail job when data quality fails" does, and the workflow takes its error
branch. Runs when cleaning succeeded."""

import sys

import boto3
from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from awsgluedq.transforms import EvaluateDataQuality
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "WORKFLOW_NAME", "WORKFLOW_RUN_ID", "database", "ruleset"])
glue_api = boto3.client("glue")
glue = GlueContext(SparkContext.getOrCreate())
job = Job(glue)
job.init(args["JOB_NAME"], args)

orders = glue.create_dynamic_frame.from_catalog(database=args["database"], table_name="clean_orders")
ruleset = glue_api.get_data_quality_ruleset(Name=args["ruleset"])["Ruleset"]
checked = EvaluateDataQuality().process_rows(
    frame=orders,
    ruleset=ruleset,
    publishing_options={"dataQualityEvaluationContext": "retail_clean_orders",
                        "enableDataQualityResultsPublishing": True},
    additional_options={"performanceTuning.caching": "CACHE_INPUT"},
)
outcomes = checked[EvaluateDataQuality.DATA_QUALITY_RULE_OUTCOMES_KEY].toDF().collect()
for outcome in outcomes:
    print(f"{outcome['Outcome']:<7} {outcome['EvaluatedRule']}  {outcome['FailureReason'] or ''}")
failed = [outcome["EvaluatedRule"] for outcome in outcomes if outcome["Outcome"] != "Passed"]
glue_api.put_workflow_run_properties(Name=args["WORKFLOW_NAME"], RunId=args["WORKFLOW_RUN_ID"], RunProperties={
    "quality_rules_passed": f"{len(outcomes) - len(failed)}/{len(outcomes)}"})
assert not failed, f"The job failed due to failing DQ rules for node: clean_orders ({'; '.join(failed)})"
job.commit()
