"""Spark SQL DDL, CTAS and saveAsTable in glueetl runs with --enable-glue-datacatalog reach the Data Catalog
(runtime/awsglue/_metastore_sync.py): GetDatabase/GetTable/GetPartitions show them after the run, and a
second run (a fresh session catalog) reads them back with spark.sql and from_catalog."""

from __future__ import annotations

from etl_scripts.harness import create_job, run

FLAG = {"--enable-glue-datacatalog": "true"}

WRITE = """
    from awsglue.context import GlueContext
    from pyspark.context import SparkContext

    spark = GlueContext(SparkContext.getOrCreate()).spark_session
    spark.sql("CREATE DATABASE lakehouse LOCATION 's3://lake/lakehouse/'")
    spark.sql("CREATE TABLE lakehouse.events (id INT, kind STRING, day STRING) USING parquet "
              "PARTITIONED BY (day) LOCATION 's3://lake/events/'")
    spark.sql("INSERT INTO lakehouse.events VALUES (1, 'a', '2024-01-01'), (2, 'b', '2024-01-02')")
    spark.sql("CREATE TABLE lakehouse.kinds USING parquet AS SELECT kind, count(*) AS n FROM lakehouse.events "
              "GROUP BY kind")
    spark.createDataFrame([(1, "x"), (2, "y")], "id INT, label STRING").write.saveAsTable("lakehouse.labels")
    spark.createDataFrame([(3, "z")], "id INT, label STRING").write.mode("append").saveAsTable("lakehouse.labels")
    spark.sql("CREATE TABLE lakehouse.scratch (id INT) USING csv LOCATION 's3://lake/scratch/'")
    spark.sql("DROP TABLE lakehouse.scratch")
    spark.sql("ALTER TABLE lakehouse.kinds ADD COLUMNS (note STRING)")
    report(ok=True)
"""

READ = """
    from awsglue.context import GlueContext
    from pyspark.context import SparkContext

    glueContext = GlueContext(SparkContext.getOrCreate())
    spark = glueContext.spark_session
    events = spark.sql("SELECT id, kind, day FROM lakehouse.events ORDER BY id").collect()
    kinds = spark.sql("SELECT kind, n, note FROM lakehouse.kinds ORDER BY kind").collect()
    labels = glueContext.create_dynamic_frame.from_catalog(database="lakehouse", table_name="labels").toDF()
    spark.createDataFrame([(4, "w")], "id INT, label STRING").write.mode("append").saveAsTable("lakehouse.labels")
    report(events=[list(r) for r in events], kinds=[list(r) for r in kinds],
           labels=sorted(list(r) for r in labels.select("id", "label").collect()),
           after_append=spark.table("lakehouse.labels").count())
"""


def test_ddl_ctas_and_save_as_table_reach_the_catalog_and_a_new_run_reads_them(glue_emulator):
    glue, s3 = glue_emulator.glue, glue_emulator.s3
    s3.create_bucket(Bucket="lake")
    create_job(glue_emulator, "ddl-write", WRITE, DefaultArguments=FLAG)
    run(glue_emulator, "ddl-write")

    assert glue.get_database(Name="lakehouse")["Database"]["LocationUri"].rstrip("/") == "s3://lake/lakehouse"
    names = sorted(t["Name"] for t in glue.get_tables(DatabaseName="lakehouse")["TableList"])
    assert names == ["events", "kinds", "labels"]

    events = glue.get_table(DatabaseName="lakehouse", Name="events")["Table"]
    sd = events["StorageDescriptor"]
    assert events["TableType"] == "EXTERNAL_TABLE"
    assert sd["Location"].rstrip("/") == "s3://lake/events"
    assert sd["InputFormat"] == "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    assert sd["SerdeInfo"]["SerializationLibrary"] == "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    assert [(c["Name"], c["Type"]) for c in sd["Columns"]] == [("id", "int"), ("kind", "string")]
    assert [(c["Name"], c["Type"]) for c in events["PartitionKeys"]] == [("day", "string")]
    assert events["Parameters"]["classification"] == "parquet"
    assert events["Parameters"]["spark.sql.sources.provider"] == "parquet"
    partitions = glue.get_partitions(DatabaseName="lakehouse", TableName="events")["Partitions"]
    assert sorted((p["Values"], p["StorageDescriptor"]["Location"].rstrip("/")) for p in partitions) == [
        (["2024-01-01"], "s3://lake/events/day=2024-01-01"), (["2024-01-02"], "s3://lake/events/day=2024-01-02")]

    kinds = glue.get_table(DatabaseName="lakehouse", Name="kinds")["Table"]
    assert kinds["TableType"] == "MANAGED_TABLE"
    assert kinds["StorageDescriptor"]["Location"].rstrip("/") == "s3://lake/lakehouse/kinds"
    assert [c["Name"] for c in kinds["StorageDescriptor"]["Columns"]] == ["kind", "n", "note"]
    labels = glue.get_table(DatabaseName="lakehouse", Name="labels")["Table"]
    assert labels["StorageDescriptor"]["Location"].rstrip("/") == "s3://lake/lakehouse/labels"
    assert s3.list_objects_v2(Bucket="lake", Prefix="lakehouse/labels/")["KeyCount"] > 0  # kept after the run

    create_job(glue_emulator, "ddl-read", READ, DefaultArguments=FLAG)
    _, report = run(glue_emulator, "ddl-read")
    assert report["events"] == [[1, "a", "2024-01-01"], [2, "b", "2024-01-02"]]
    assert report["kinds"] == [["a", 1, None], ["b", 1, None]]
    assert report["labels"] == [[1, "x"], [2, "y"], [3, "z"]]
    assert report["after_append"] == 4


DROP = """
    from awsglue.context import GlueContext
    from pyspark.context import SparkContext

    spark = GlueContext(SparkContext.getOrCreate()).spark_session
    spark.sql("CREATE TABLE IF NOT EXISTS shop.items (id INT) USING parquet LOCATION 's3://lake/other/'")
    spark.sql("DROP TABLE shop.old")
    spark.sql("ALTER TABLE shop.items ADD PARTITION (day='2') LOCATION 's3://lake/items/day=2/'")
    spark.sql("ALTER TABLE shop.items DROP PARTITION (day='1')")
    spark.sql("CREATE TABLE shop.pipes (id INT, name STRING) USING csv OPTIONS (header 'true', sep '|') "
              "LOCATION 's3://lake/pipes/'")
    spark.sql("ALTER TABLE shop.pipes RENAME TO shop.piped")
    spark.sql("CREATE DATABASE scratchdb")
    import boto3
    made = boto3.client("glue").get_database(Name="scratchdb")["Database"]["Name"]
    spark.sql("DROP DATABASE scratchdb")
    spark.sql("CREATE TABLE shop.nowhere (id INT) USING parquet")  # the database has no LocationUri
    spark.sql("INSERT INTO shop.nowhere VALUES (7)")
    report(made=made, nowhere=spark.table("shop.nowhere").collect()[0].id)
"""


def test_ddl_on_tables_only_the_data_catalog_had(glue_emulator):
    glue, s3 = glue_emulator.glue, glue_emulator.s3
    s3.create_bucket(Bucket="lake")
    s3.put_object(Bucket="lake", Key="old/part.csv", Body=b"1\n")
    glue.create_database(DatabaseInput={"Name": "shop"})
    sd = {"Columns": [{"Name": "id", "Type": "int"}], "Location": "s3://lake/items/",
          "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
          "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}
    glue.create_table(DatabaseName="shop", TableInput={
        "Name": "items", "StorageDescriptor": sd, "Parameters": {"classification": "parquet"},
        "PartitionKeys": [{"Name": "day", "Type": "string"}]})
    glue.create_partition(DatabaseName="shop", TableName="items", PartitionInput={
        "Values": ["1"], "StorageDescriptor": {**sd, "Location": "s3://lake/items/day=1/"}})
    glue.create_table(DatabaseName="shop", TableInput={
        "Name": "old", "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "csv"},
        "StorageDescriptor": {**sd, "Location": "s3://lake/old/"}})

    create_job(glue_emulator, "ddl-drop", DROP, DefaultArguments=FLAG)
    _, report = run(glue_emulator, "ddl-drop")

    assert report["nowhere"] == 7  # kept in the run's Spark catalog only
    assert report["made"] == "scratchdb"
    assert "scratchdb" not in [d["Name"] for d in glue.get_databases()["DatabaseList"]]
    assert sorted(t["Name"] for t in glue.get_tables(DatabaseName="shop")["TableList"]) == ["items", "piped"]
    piped = glue.get_table(DatabaseName="shop", Name="piped")["Table"]
    assert piped["Parameters"]["classification"] == "csv"
    assert piped["StorageDescriptor"]["Parameters"]["skip.header.line.count"] == "1"
    assert piped["StorageDescriptor"]["SerdeInfo"]["Parameters"]["field.delim"] == "|"
    items = glue.get_table(DatabaseName="shop", Name="items")["Table"]
    assert items["StorageDescriptor"]["Location"].rstrip("/") == "s3://lake/items"  # IF NOT EXISTS kept it
    values = [p["Values"] for p in glue.get_partitions(DatabaseName="shop", TableName="items")["Partitions"]]
    assert values == [["2"]]
    assert s3.list_objects_v2(Bucket="lake", Prefix="old/")["KeyCount"] == 1  # an external table's files stay


def _statement(glue, session_id: str, code: str) -> dict:
    from support import wait_until

    statement_id = glue.run_statement(SessionId=session_id, Code=code)["Id"]
    done = wait_until(lambda: glue.get_statement(SessionId=session_id, Id=statement_id)["Statement"],
                      f"statement {statement_id}", until=lambda s: s["State"] in ("AVAILABLE", "CANCELLED", "ERROR"),
                      timeout=600, interval=0.1)
    assert done["Output"]["Status"] == "ok", done["Output"]
    return done["Output"]


def test_an_interactive_session_s_ctas_insert_and_drop_reach_the_catalog_as_dbt_glue_uses_them(glue_emulator):
    """dbt-glue's table and incremental models: CTAS with a location, then INSERT, then DROP, checked with GetTable."""
    from support import wait_until

    glue, s3 = glue_emulator.glue, glue_emulator.s3
    s3.create_bucket(Bucket="lake")
    glue.create_database(DatabaseInput={"Name": "dbtdemo"})
    glue.create_session(Id="dbt", Role="arn:aws:iam::123456789012:role/Glue", IdleTimeout=600,
                        Command={"Name": "glueetl", "PythonVersion": "3"}, DefaultArguments=FLAG)
    try:
        wait_until(lambda: glue.get_session(Id="dbt")["Session"], "session READY",
                   until=lambda s: s["Status"] != "PROVISIONING", timeout=900, interval=0.2)
        _statement(glue, "dbt", "spark.sql(\"create table dbtdemo.orders using parquet location "
                                "'s3://lake/dbt/orders/' as select 1 as id, 'a' as status\")")
        table = glue.get_table(DatabaseName="dbtdemo", Name="orders")["Table"]
        assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["id", "status"]
        assert table["StorageDescriptor"]["Location"].rstrip("/") == "s3://lake/dbt/orders"
        _statement(glue, "dbt", "spark.sql(\"insert into dbtdemo.orders select 2, 'b'\")")
        counted = _statement(glue, "dbt", "spark.table('dbtdemo.orders').count()")
        assert counted["Data"]["TextPlain"] == "2"
        _statement(glue, "dbt", "spark.sql('drop table if exists dbtdemo.orders')")
        assert glue.get_tables(DatabaseName="dbtdemo")["TableList"] == []
    finally:
        glue.stop_session(Id="dbt")
