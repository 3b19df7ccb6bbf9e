"""The evaluation of DQDL rules on Spark: conditions, per-rule-type plans, reference datasets, analyzers."""
