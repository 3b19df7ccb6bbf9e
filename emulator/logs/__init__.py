"""CloudWatch Logs (awsJson, target prefix Logs_20140328): log groups, streams and events.

Job runs' stdout and stderr are served here as the log groups Glue writes them to, stream = run id.
"""
