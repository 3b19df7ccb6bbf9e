"""awsglue's Data Catalog integration in real glueetl runs: partitioned reads (GetPartitions,
catalogPartitionPredicate, push_down_predicate), Spark SQL over catalog tables with
--enable-glue-datacatalog, and writes that create/update tables and register partitions."""

from __future__ import annotations

from etl_scripts.harness import create_job, run

PARTITIONS = (("2023", "01"), ("2024", "01"), ("2024", "02"))


def _sales_table(glue_emulator) -> None:
    s3, glue = glue_emulator.s3, glue_emulator.glue
    s3.create_bucket(Bucket="lake")
    for (year, month), rows in zip(PARTITIONS + (("2025", "01"),), ("a,1\nb,2\n", "c,3\n", "d,4\n", "e,5\n")):
        s3.put_object(Bucket="lake", Key=f"sales/year={year}/month={month}/part.csv",
                      Body=("item,amount\n" + rows).encode())
    glue.create_database(DatabaseInput={"Name": "shop"})
    sd = {"Location": "s3://lake/sales/", "Columns": [{"Name": "item", "Type": "string"},
                                                      {"Name": "amount", "Type": "int"}],
          "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                        "Parameters": {"field.delim": ","}}}
    glue.create_table(DatabaseName="shop", TableInput={
        "Name": "sales", "StorageDescriptor": sd,
        "Parameters": {"classification": "csv", "skip.header.line.count": "1"},
        "PartitionKeys": [{"Name": "year", "Type": "string"}, {"Name": "month", "Type": "string"}]})
    for year, month in PARTITIONS:  # year=2025 is on S3 but not registered: not part of the table
        location = f"s3://lake/sales/year={year}/month={month}/"
        glue.create_partition(DatabaseName="shop", TableName="sales", PartitionInput={
            "Values": [year, month], "StorageDescriptor": {**sd, "Location": location}})


READ = """
    import sys
    from awsglue.context import GlueContext
    from pyspark.context import SparkContext

    glueContext = GlueContext(SparkContext.getOrCreate())
    spark = glueContext.spark_session
    rows = lambda f: sorted([r["item"], r["amount"], r["year"], r["month"]] for r in f.toDF().collect())
    every = glueContext.create_dynamic_frame.from_catalog(database="shop", table_name="sales")
    pushed = glueContext.create_dynamic_frame.from_catalog(database="shop", table_name="sales",
                                                           push_down_predicate="year == '2024' and month > '01'")
    server = glueContext.create_dynamic_frame.from_catalog(
        database="shop", table_name="sales", additional_options={"catalogPartitionPredicate": "year = '2024'"})
    sql = spark.sql("SELECT year, SUM(amount) AS total FROM shop.sales GROUP BY year ORDER BY year").collect()
    spark.sql("USE shop")
    report(every=rows(every), schema=[(f.name, f.dataType.typeName()) for f in every.schema()],
           pushed=rows(pushed), server=rows(server), sql=[[r.year, r.total] for r in sql],
           unqualified=spark.table("sales").count())
"""


def test_from_catalog_reads_registered_partitions_with_both_predicates_and_spark_sql_sees_the_table(glue_emulator):
    _sales_table(glue_emulator)
    create_job(glue_emulator, "read-sales", READ, DefaultArguments={"--enable-glue-datacatalog": "true"})
    _, report = run(glue_emulator, "read-sales")
    assert report["schema"] == [["item", "string"], ["amount", "int"], ["year", "string"], ["month", "string"]]
    assert report["every"] == [["a", 1, "2023", "01"], ["b", 2, "2023", "01"], ["c", 3, "2024", "01"],
                               ["d", 4, "2024", "02"]]
    assert report["pushed"] == [["d", 4, "2024", "02"]]
    assert report["server"] == [["c", 3, "2024", "01"], ["d", 4, "2024", "02"]]
    assert report["sql"] == [["2023", 3], ["2024", 7]]
    assert report["unqualified"] == 4


def test_spark_sql_without_the_flag_does_not_see_the_catalog(glue_emulator):
    _sales_table(glue_emulator)
    create_job(glue_emulator, "no-catalog", """
        from awsglue.context import GlueContext
        from pyspark.context import SparkContext
        spark = GlueContext(SparkContext.getOrCreate()).spark_session
        try:
            spark.sql("SELECT * FROM shop.sales").count()
            report(error=None)
        except Exception as exc:
            report(error=exc.getErrorClass())
    """)
    assert run(glue_emulator, "no-catalog")[1] == {"error": "TABLE_OR_VIEW_NOT_FOUND"}


WRITE = """
    import sys
    from awsglue.context import GlueContext
    from awsglue.dynamicframe import DynamicFrame
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext

    args = getResolvedOptions(sys.argv, ["behavior", "batch"])
    glueContext = GlueContext(SparkContext.getOrCreate())
    spark = glueContext.spark_session
    if args["batch"] == "1":
        df = spark.createDataFrame([("eu", 1, "x"), ("us", 2, "y")], "region string, id int, name string")
    else:
        df = spark.createDataFrame([("eu", 3, "z", 1.5), ("ap", 4, "w", 2.5)],
                                   "region string, id int, name string, score double")
    sink = glueContext.getSink(path="s3://lake/events/", connection_type="s3", updateBehavior=args["behavior"],
                               partitionKeys=["region"], enableUpdateCatalog=True, transformation_ctx="sink")
    sink.setCatalogInfo(catalogDatabase="shop", catalogTableName="events")
    sink.setFormat("glueparquet", compression="snappy")
    sink.writeFrame(DynamicFrame.fromDF(df, glueContext, "events"))
    back = glueContext.create_dynamic_frame.from_catalog(database="shop", table_name="events")
    report(rows=sorted([r["id"], r["region"]] for r in back.toDF().collect()))
"""


def _columns(glue, name: str) -> tuple[list, list]:
    table = glue.get_table(DatabaseName="shop", Name=name)["Table"]
    return ([(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]],
            [(c["Name"], c["Type"]) for c in table["PartitionKeys"]])


def _partition_values(glue, name: str) -> list[list[str]]:
    return sorted(p["Values"] for p in glue.get_partitions(DatabaseName="shop", TableName=name)["Partitions"])


def test_get_sink_with_enable_update_catalog_creates_the_table_then_adds_columns_and_partitions(glue_emulator):
    glue = glue_emulator.glue
    glue_emulator.s3.create_bucket(Bucket="lake")
    glue.create_database(DatabaseInput={"Name": "shop"})
    create_job(glue_emulator, "write-events", WRITE)
    _, report = run(glue_emulator, "write-events", **{"--behavior": "UPDATE_IN_DATABASE", "--batch": "1"})
    assert report["rows"] == [[1, "eu"], [2, "us"]]
    table = glue.get_table(DatabaseName="shop", Name="events")["Table"]
    assert table["StorageDescriptor"]["Location"] == "s3://lake/events/"
    assert table["Parameters"]["classification"] == "parquet"
    assert table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == \
        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    assert _columns(glue, "events") == ([("id", "int"), ("name", "string")], [("region", "string")])
    parts = glue.get_partitions(DatabaseName="shop", TableName="events")["Partitions"]
    assert sorted((p["Values"], p["StorageDescriptor"]["Location"]) for p in parts) == [
        (["eu"], "s3://lake/events/region=eu"), (["us"], "s3://lake/events/region=us")]

    run(glue_emulator, "write-events", **{"--behavior": "LOG", "--batch": "2"})  # LOG: schema kept
    assert _columns(glue, "events")[0] == [("id", "int"), ("name", "string")]
    assert _partition_values(glue, "events") == [["ap"], ["eu"], ["us"]]
    _, report = run(glue_emulator, "write-events", **{"--behavior": "UPDATE_IN_DATABASE", "--batch": "2"})
    assert _columns(glue, "events")[0] == [("id", "int"), ("name", "string"), ("score", "double")]
    assert report["rows"] == [[1, "eu"], [2, "us"], [3, "eu"], [3, "eu"], [4, "ap"], [4, "ap"]]


def test_write_dynamic_frame_from_catalog_registers_new_partitions_only_when_asked(glue_emulator):
    _sales_table(glue_emulator)
    create_job(glue_emulator, "append-sales", """
        import sys
        from awsglue.context import GlueContext
        from awsglue.dynamicframe import DynamicFrame
        from pyspark.context import SparkContext
        glueContext = GlueContext(SparkContext.getOrCreate())
        df = glueContext.spark_session.createDataFrame([("f", 6, "2026", "03")],
                                                       "item string, amount int, year string, month string")
        frame = DynamicFrame.fromDF(df, glueContext, "new")
        update = "--update" in sys.argv
        glueContext.write_dynamic_frame.from_catalog(frame=frame, database="shop", table_name="sales",
                                                     additional_options={"enableUpdateCatalog": update})
        report(rows=glueContext.create_dynamic_frame.from_catalog(database="shop", table_name="sales").count())
    """)
    glue = glue_emulator.glue
    assert run(glue_emulator, "append-sales")[1] == {"rows": 4}  # written, but not a registered partition
    assert _partition_values(glue, "sales") == [["2023", "01"], ["2024", "01"], ["2024", "02"]]
    assert run(glue_emulator, "append-sales", **{"--update": "yes"})[1] == {"rows": 6}
    assert _partition_values(glue, "sales")[-1] == ["2026", "03"]
    assert _columns(glue, "sales")[0] == [("item", "string"), ("amount", "int")]
