"""Glue Data Quality: DQDL rulesets, their evaluation on Spark, results, recommendations and column statistics.

https://docs.aws.amazon.com/glue/latest/dg/glue-data-quality.html
"""
