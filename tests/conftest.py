"""Shared pytest fixtures."""

import pytest


@pytest.fixture(scope="session")
def spark():
    """One local SparkSession for the whole test session (starting a JVM costs seconds)."""
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("glue-emulator-tests")
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "2").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
