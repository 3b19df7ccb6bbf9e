"""GlueContext calls scripts make that no other test reaches: getSource and samples, purge retention and its
manifest, ingestion-time columns, resolve options (AWS: "GlueContext class" page of the Glue developer guide)."""

import datetime
import json
import os
import time

import pytest

import emulator.runtime

emulator.runtime.install()

from awsglue.context import GlueContext
from awsglue.dynamicframe import ResolveOption


@pytest.fixture(scope="module")
def glue(spark):
    return GlueContext(spark.sparkContext)


def write(path, text, age_hours=0.0):
    """A file whose modification time is `age_hours` in the past."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        fh.write(text)
    stamp = time.time() - age_hours * 3600
    os.utime(path, (stamp, stamp))


def test_get_source_reads_in_its_format_and_a_sample_holds_at_most_num_records(glue, tmp_path):
    write(f"{tmp_path}/in/a.json", "".join(json.dumps({"id": i}) + "\n" for i in range(5)))
    source = glue.getSource("s3", paths=[f"file://{tmp_path}/in"])
    source.setFormat("json")
    assert sorted(r["id"] for r in source.getFrame().toDF().collect()) == [0, 1, 2, 3, 4]
    assert source.getDataFrame().count() == 5
    sample = glue.create_sample_dynamic_frame_from_options("s3", {"paths": [f"file://{tmp_path}/in"]}, num=2,
                                                           format="json")
    assert sample.count() == 2
    whole = glue.create_sample_dynamic_frame_from_options("s3", {"paths": [f"file://{tmp_path}/in"]}, format="json")
    assert whole.count() == 5  # no num: every record


def test_get_source_without_paths_or_of_an_unsupported_type_fails_saying_why(glue):
    with pytest.raises(ValueError, match="must contain 'paths'"):
        glue.getSource("s3", format="json").getFrame()
    with pytest.raises(ValueError, match="Connection type 'kafka' is not supported"):
        glue.getSource("kafka", format="json", topicName="t").getFrame()


def test_purge_s3_path_keeps_files_within_the_retention_and_lists_what_it_deleted(glue, tmp_path):
    write(f"{tmp_path}/p/old.csv", "x", age_hours=5)
    write(f"{tmp_path}/p/day=1/older.csv", "x", age_hours=200)  # beyond the default 168 hours
    write(f"{tmp_path}/p/new.csv", "x")
    glue.purge_s3_path(f"file://{tmp_path}/p")  # default retention: 7 days
    assert sorted(os.listdir(f"{tmp_path}/p")) == ["day=1", "new.csv", "old.csv"]
    assert os.listdir(f"{tmp_path}/p/day=1") == []
    glue.purge_s3_path(f"file://{tmp_path}/p", {"retentionPeriod": 2, "manifestFilePath": f"file://{tmp_path}/m/"})
    assert sorted(os.listdir(f"{tmp_path}/p")) == ["day=1", "new.csv"]
    # AWS: "All files that were successfully purged are recorded in Success.csv".
    with open(f"{tmp_path}/m/Success.csv") as fh:
        assert [line.rsplit("/", 1)[-1] for line in fh.read().splitlines()] == ["old.csv"]
    glue.purge_s3_path(f"file://{tmp_path}/absent", {"retentionPeriod": 0})  # nothing there: nothing to do


def test_ingestion_time_columns_go_down_to_the_granularity_zero_padded(glue, spark):
    before = datetime.datetime.now()
    frame = glue.add_ingestion_time_columns(spark.range(1), "hour")
    assert frame.columns == ["id", "ingest_year", "ingest_month", "ingest_day", "ingest_hour"]
    row = frame.collect()[0]
    after = datetime.datetime.now()
    stamps = {f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}" for t in (before, after)}
    assert f"{row.ingest_year}-{row.ingest_month}-{row.ingest_day}T{row.ingest_hour}" in stamps
    minute = glue.add_ingestion_time_columns(spark.range(1), "minute")
    assert minute.columns[-1] == "ingest_minute" and len(minute.collect()[0].ingest_minute) == 2
    with pytest.raises(ValueError, match="time_granularity"):
        glue.add_ingestion_time_columns(spark.range(1), "second")


def test_convert_resolve_option_accepts_keep_as_struct_and_project_only(glue):
    option = glue.convert_resolve_option("a.b", "Project", "long")
    assert isinstance(option, ResolveOption) and (option.path, option.action, option.target) == ("a.b", "Project",
                                                                                               "long")
    with pytest.raises(ValueError, match="only KeepAsStruct and Project"):
        glue.convert_resolve_option("a", "cast", "long")
