"""Glue interactive sessions: a session's Python namespace on a warm Spark driver, and its statements.

https://docs.aws.amazon.com/glue/latest/dg/interactive-sessions.html
"""
