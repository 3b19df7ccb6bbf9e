"""The emulator's `awsgluedq`: Glue Data Quality in job scripts (`from awsgluedq.transforms import
EvaluateDataQuality`), evaluated on the job's own Spark with the emulator's DQDL evaluator.

https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-EvaluateDataQuality.html
"""
