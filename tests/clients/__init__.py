"""Helpers for the tests that drive real clients (AWS CLI, JS SDK, awswrangler, pyiceberg, DuckDB)."""
