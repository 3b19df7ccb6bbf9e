"""awsglue against the values AWS Glue gives (issue #12), on the in-process SparkSession: records without
their absent/null fields, Join of frames sharing field names, fromDF of `select *` joins, sink file names,
and `s3://` paths in a user's own session."""

import json
import os

import pytest

import emulator.runtime

emulator.runtime.install()

from awsglue import _local_s3
from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrame
from awsglue.transforms import DropFields, Filter, Join, Map, RenameField


@pytest.fixture(scope="module")
def glue(spark):
    return GlueContext(spark.sparkContext)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        fh.write(text)


def json_frame(glue, folder, lines):
    write(f"{folder}/part.json", "".join(json.dumps(line) + "\n" for line in lines))
    return glue.create_dynamic_frame.from_options("s3", {"paths": [f"file://{folder}/"]}, "json")


def test_filter_drops_records_lacking_the_field_as_glue_does(glue, tmp_path):
    # The case: AWS keeps only "a"; "b" has no `share`, so row["share"] raises KeyError.
    people = json_frame(glue, tmp_path / "p", [{"name": "a", "share": 1}, {"name": "b"}, {"name": "c", "share": 0}])
    kept = Filter.apply(frame=people, f=lambda row: not (row["share"] == 0))
    assert [r.name for r in kept.toDF().collect()] == ["a"]
    # .get() sees no value for the absent field, so scripts that guard themselves keep "b".
    guarded = Filter.apply(frame=people, f=lambda row: row.get("share") != 0)
    assert sorted(r.name for r in guarded.toDF().collect()) == ["a", "b"]


def test_explicit_json_null_is_seen_as_absent(glue, tmp_path):
    people = json_frame(glue, tmp_path / "n", [{"name": "d", "share": None}, {"name": "e", "share": 2}])
    assert [f.name for f in people.schema()] == ["name", "share"]  # the field exists in the frame's schema
    kept = Filter.apply(frame=people, f=lambda row: not (row["share"] == 0))
    assert [r.name for r in kept.toDF().collect()] == ["e"]


def test_map_sees_only_the_fields_a_record_has_and_keeps_field_order(glue, tmp_path):
    people = json_frame(glue, tmp_path / "m", [{"name": "a", "share": 1, "city": "x"}, {"name": "b", "city": "y"}])
    seen = Map.apply(frame=people, f=lambda r: {**r, "keys": ",".join(sorted(r.keys()))})
    assert sorted((r.name, r["keys"]) for r in seen.toDF().collect()) == [("a", "city,name,share"),
                                                                         ("b", "city,name")]
    assert [f.name for f in seen.schema()] == ["name", "share", "city", "keys"]


def test_show_prints_records_without_their_null_fields(glue, tmp_path, capsys):
    people = json_frame(glue, tmp_path / "s", [{"name": "b"}])
    DynamicFrame.fromDF(people.toDF().selectExpr("name", "CAST(NULL AS INT) AS share"), glue, "x").show()
    assert capsys.readouterr().out.strip() == '{"name": "b"}'


def test_join_keeps_frame2_fields_of_shared_names_as_dot_names(glue):
    spark = glue.spark_session
    customers = DynamicFrame.fromDF(spark.createDataFrame(
        [("s1", "ann", "Lyon"), ("s2", "bob", "Oslo")], "serialNumber string, name string, city string"), glue, "c")
    steps = DynamicFrame.fromDF(spark.createDataFrame(
        [(100, "s1", 7, "step"), (101, "s1", 9, "step")], "time long, serialNumber string, distance long, name string"),
        glue, "s")
    joined = Join.apply(frame1=customers, frame2=steps, keys1=["serialNumber"], keys2=["serialNumber"])
    assert [f.name for f in joined.schema()] == ["serialNumber", "name", "city", "time", ".serialNumber", "distance",
                                                ".name"]
    # What scripts written against real runs do next (the example).
    dropped = DropFields.apply(frame=joined, paths=["serialNumber"])
    renamed = RenameField.apply(frame=dropped, old_name="`.serialNumber`", new_name="serialNumber")
    assert sorted(tuple(r) for r in renamed.toDF().select("serialNumber", "name", "`.name`", "time").collect()) == [
        ("s1", "ann", "step", 100), ("s1", "ann", "step", 101)]


def test_from_df_of_a_select_star_join_has_one_column_per_name_and_any_sink_writes_it(glue, tmp_path):
    spark = glue.spark_session
    spark.createDataFrame([(1, "s1", 10), (2, "s9", 20)], "sensorReadingTime long, serialNumber string, d long") \
        .createOrReplaceTempView("step")
    spark.createDataFrame([("s1", "ann")], "serialNumber string, customerName string").createOrReplaceTempView("cust")
    df = spark.sql("select * from step join cust on step.serialNumber = cust.serialNumber")
    assert df.columns.count("serialNumber") == 2
    frame = DynamicFrame.fromDF(df, glue, "j")
    assert [f.name for f in frame.schema()] == ["sensorReadingTime", "serialNumber", "d", "customerName"]
    for fmt in ("json", "parquet", "csv"):
        glue.write_dynamic_frame.from_options(frame=frame, connection_type="s3", format=fmt,
                                              connection_options={"path": f"file://{tmp_path}/{fmt}/"})
    out = [n for n in os.listdir(tmp_path / "json") if n.startswith("run-")]
    assert [json.loads(line) for line in (tmp_path / "json" / out[0]).read_text().splitlines()] == [
        {"sensorReadingTime": 1, "serialNumber": "s1", "d": 10, "customerName": "ann"}]


def test_from_df_keeps_the_last_non_null_value_of_a_repeated_name(glue):
    df = glue.spark_session.sql("select 1 as k, 'left' as v, cast(null as string) as w, 'right' as v, 'w2' as w")
    frame = DynamicFrame.fromDF(df, glue, "dup")
    assert [tuple(r) for r in frame.toDF().collect()] == [(1, "right", "w2")]


def test_sink_files_are_named_after_the_transformation_ctx(glue, tmp_path):
    frame = DynamicFrame.fromDF(glue.spark_session.createDataFrame([(1,)], "id int").coalesce(1), glue, "f")
    for _ in range(2):
        glue.write_dynamic_frame.from_options(frame=frame, connection_type="s3", format="json",
                                              connection_options={"path": f"file://{tmp_path}/out/"},
                                              transformation_ctx="AmazonS3_node1743416629802")
    glue.write_dynamic_frame.from_options(frame=frame, connection_type="s3", format="glueparquet",
                                          connection_options={"path": f"file://{tmp_path}/pq/"},
                                          format_options={"compression": "snappy"}, transformation_ctx="sink")
    assert sorted(n for n in os.listdir(tmp_path / "out") if not n.startswith(".")) == [
        "run-AmazonS3_node1743416629802-1-part-r-00000", "run-AmazonS3_node1743416629802-2-part-r-00000"]
    assert [n for n in os.listdir(tmp_path / "pq") if not n.startswith(".")] == [
        "run-sink-1-part-block-0-r-00000-snappy.parquet"]


@pytest.fixture
def local_s3(spark, tmp_path):
    """A user's own session given the emulator's S3 layout under a data dir (`<data_dir>/s3/<bucket>`)."""
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    yield tmp_path
    for key in list(_local_s3.hadoop_settings(tmp_path)) + [_local_s3.mount_key(b) for b in ("lake", "late")]:
        conf.unset(key)


def test_use_local_s3_gives_a_users_session_the_s3_schemes_of_job_runs(spark, glue, local_s3):
    write(f"{local_s3}/s3/lake/in/people.csv", "name,age\nana,31\n")
    assert emulator.runtime.use_local_s3(spark, local_s3) == ["lake"]
    for scheme in ("s3", "s3a", "s3n"):
        assert spark.read.option("header", True).csv(f"{scheme}://lake/in/").collect()[0].name == "ana"
    frame = glue.create_dynamic_frame.from_options("s3", {"paths": ["s3://lake/in/"]}, "csv", {"withHeader": True})
    assert frame.count() == 1
    with pytest.raises(_local_s3.NoSuchBucket, match="NoSuchBucket; Bucket: nowhere"):
        glue.write_dynamic_frame.from_options(frame=frame, connection_type="s3", format="json",
                                              connection_options={"path": "s3://nowhere/out/"})
    os.makedirs(f"{local_s3}/s3/late")  # a bucket created after the session was set up
    glue.write_dynamic_frame.from_options(frame=frame, connection_type="s3", format="json",
                                          connection_options={"path": "s3://late/out/"})
    assert len(os.listdir(f"{local_s3}/s3/late/out")) == 1


def test_glue_studio_node_templates_run(glue, tmp_path):
    """The code Glue Studio generates for its Union, Aggregate, Drop Duplicates, Custom transform and
    Select From Collection nodes (inline helpers over plain PySpark, and awsglue's collection API)."""
    from awsglue import DynamicFrame as TopLevelDynamicFrame
    from awsglue.dynamicframe import DynamicFrameCollection
    from awsglue.transforms import SelectFromCollection
    from pyspark.sql import functions as SqlFuncs

    spark = glue.spark_session
    assert TopLevelDynamicFrame is DynamicFrame

    def sparkUnion(glueContext, unionType, mapping, transformation_ctx):  # the names Studio generates
        for alias, frame in mapping.items():
            frame.toDF().createOrReplaceTempView(alias)
        result = spark.sql("(select * from source1) UNION " + unionType + " (select * from source2)")
        return DynamicFrame.fromDF(result, glueContext, transformation_ctx)

    def sparkAggregate(glueContext, parentFrame, groups, aggs, transformation_ctx):
        aggs_exprs = [getattr(SqlFuncs, func)(column).alias(f"{func}({column})") for column, func in aggs]
        result = parentFrame.toDF().groupBy(*groups).agg(*aggs_exprs)
        return DynamicFrame.fromDF(result, glueContext, transformation_ctx)

    def MyTransform(glueContext, dfc):
        df = dfc.select(list(dfc.keys())[0]).toDF().withColumn("big", SqlFuncs.col("`sum(n)`") > 1)
        return DynamicFrameCollection({"CustomTransform0": DynamicFrame.fromDF(df, glueContext, "big")}, glueContext)

    a = json_frame(glue, tmp_path / "a", [{"k": "x", "n": 1}, {"k": "y", "n": 2}])
    b = json_frame(glue, tmp_path / "b", [{"k": "x", "n": 1}])
    union = sparkUnion(glue, unionType="ALL", mapping={"source1": a, "source2": b}, transformation_ctx="Union_node1")
    deduped = DynamicFrame.fromDF(union.toDF().dropDuplicates(), glue, "DropDuplicates_node1")
    totals = sparkAggregate(glue, parentFrame=deduped, groups=["k"], aggs=[["n", "sum"]],
                            transformation_ctx="Aggregate_node1")
    custom = MyTransform(glue, DynamicFrameCollection({"Aggregate_node1": totals}, glue))
    picked = SelectFromCollection.apply(dfc=custom, key=list(custom.keys())[0], transformation_ctx="Select_node1")
    assert (union.count(), deduped.count()) == (3, 2)
    assert sorted(tuple(r) for r in picked.toDF().collect()) == [("x", 1, False), ("y", 2, True)]


def test_use_local_s3_reads_and_writes_the_objects_of_a_running_emulator(spark, glue, glue_emulator):
    """The user's flow: boto3 puts an object into the emulator; their own SparkSession reads s3:// paths."""
    s3 = glue_emulator.s3
    s3.create_bucket(Bucket="users-lake")
    s3.put_object(Bucket="users-lake", Key="raw/a.json", Body=b'{"id": 1, "share": 0}\n{"id": 2}\n')
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    try:
        assert "users-lake" in emulator.runtime.use_local_s3(spark, glue_emulator.server.data_dir)
        assert [r.id for r in spark.read.json("s3://users-lake/raw/").collect()] == [1, 2]
        frame = glue.create_dynamic_frame.from_options("s3", {"paths": ["s3a://users-lake/raw/"]}, "json")
        kept = Filter.apply(frame=frame, f=lambda row: row["share"] != 0)
        glue.write_dynamic_frame.from_options(frame=frame, connection_type="s3", format="json",
                                              connection_options={"path": "s3://users-lake/out/"},
                                              transformation_ctx="AmazonS3_node1")
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket="users-lake", Prefix="out/")["Contents"]]
        assert kept.count() == 0 and keys and all(k.startswith("out/run-AmazonS3_node1-1-part-r-") for k in keys)
    finally:
        for key in list(_local_s3.hadoop_settings(glue_emulator.server.data_dir)) + [
                _local_s3.mount_key(b["Name"]) for b in s3.list_buckets()["Buckets"]]:
            conf.unset(key)


def test_from_catalog_gives_lower_case_field_names(spark, glue_emulator, tmp_path):
    """Declared columns and fields the table does not declare alike (the Data Catalog is lower case)."""
    context = GlueContext(spark.sparkContext)
    context._glue_client_instance = glue_emulator.glue
    write(f"{tmp_path}/steps/a.json", '{"serialNumber": "s1", "sensorReadingTime": 5, "Extra": {"Inner": 1}}\n')
    glue_emulator.glue.create_database(DatabaseInput={"Name": "stedi"})
    glue_emulator.glue.create_table(DatabaseName="stedi", TableInput={
        "Name": "steps", "Parameters": {"classification": "json"},
        "StorageDescriptor": {"Location": f"file://{tmp_path}/steps/",
                              "Columns": [{"Name": "serialnumber", "Type": "string"},
                                          {"Name": "sensorreadingtime", "Type": "bigint"}]}})
    frame = context.create_dynamic_frame.from_catalog(database="stedi", table_name="steps")
    assert [f.name for f in frame.schema()] == ["serialnumber", "sensorreadingtime", "extra"]
    assert frame.toDF().collect()[0].asDict(recursive=True) == {
        "serialnumber": "s1", "sensorreadingtime": 5, "extra": {"Inner": 1}}
