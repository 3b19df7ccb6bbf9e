"""Spark SQL views in glueetl runs with --enable-glue-datacatalog (runtime/awsglue/_metastore_sync.py, _metastore.py):
CREATE [OR REPLACE] VIEW and ALTER VIEW ... AS write a VIRTUAL_VIEW table to the Data Catalog (as Spark's Hive
metastore client does on Glue), a later run reads the view through Spark SQL, DROP VIEW deletes it, and temporary
views stay the run's own (dropping one never deletes a catalog table of the same name). SHOW TABLES lists the
catalog's tables and views, used or not."""

from __future__ import annotations

from etl_scripts.harness import create_job, run

FLAG = {"--enable-glue-datacatalog": "true"}

WRITE = """
    from awsglue.context import GlueContext
    from pyspark.context import SparkContext

    spark = GlueContext(SparkContext.getOrCreate()).spark_session
    spark.sql("CREATE DATABASE views_db LOCATION 's3://viewlake/views_db/'")
    spark.sql("CREATE TABLE views_db.sales USING parquet AS "
              "SELECT * FROM VALUES (1, 'north', 10), (2, 'south', 5), (3, 'north', 7) AS t(id, region, amount)")
    spark.sql("CREATE VIEW views_db.north AS SELECT id, amount FROM views_db.sales WHERE region = 'north'")
    spark.sql("CREATE OR REPLACE VIEW views_db.south AS SELECT id FROM views_db.sales WHERE region = 'south'")
    spark.sql("ALTER VIEW views_db.south AS SELECT id, amount FROM views_db.sales WHERE region = 'south'")
    spark.sql("CREATE VIEW views_db.gone AS SELECT 1 AS one")
    spark.sql("DROP VIEW views_db.gone")
    spark.sql("USE views_db")
    spark.sql("CREATE TEMPORARY VIEW sales AS SELECT 0 AS id")  # shadows the table in this run only
    spark.sql("DROP VIEW sales")
    report(ok=True)
"""

READ = """
    from awsglue.context import GlueContext
    from pyspark.context import SparkContext

    spark = GlueContext(SparkContext.getOrCreate()).spark_session
    listed = sorted(r.tableName for r in spark.sql("SHOW TABLES IN views_db").collect())  # nothing used yet
    north = spark.sql("SELECT id, amount FROM views_db.north ORDER BY id").collect()
    south = spark.table("views_db.south").collect()
    spark.sql("DROP VIEW views_db.south")
    spark.sql("SHOW TABLES IN default").collect()  # a database only Spark has lists its own tables
    spark.sql("USE views_db")
    after_drop = sorted(r.tableName for r in spark.sql("SHOW TABLES").collect())
    report(listed=listed, north=[list(r) for r in north], south=[list(r) for r in south], after_drop=after_drop)
"""


def test_views_reach_the_catalog_as_virtual_views_and_a_new_run_reads_them(glue_emulator):
    glue, s3 = glue_emulator.glue, glue_emulator.s3
    s3.create_bucket(Bucket="viewlake")
    create_job(glue_emulator, "views-write", WRITE, DefaultArguments=FLAG)
    run(glue_emulator, "views-write")

    tables = {t["Name"]: t for t in glue.get_tables(DatabaseName="views_db")["TableList"]}
    assert sorted(tables) == ["north", "sales", "south"]  # `gone` was dropped; the temporary view never left
    north = tables["north"]
    assert north["TableType"] == "VIRTUAL_VIEW"
    text = "SELECT id, amount FROM views_db.sales WHERE region = 'north'"
    assert (north["ViewOriginalText"], north["ViewExpandedText"]) == (text, text)
    assert [(c["Name"], c["Type"]) for c in north["StorageDescriptor"]["Columns"]] == [("id", "int"),
                                                                                       ("amount", "int")]
    assert "Location" not in north["StorageDescriptor"]
    assert tables["south"]["ViewOriginalText"] == "SELECT id, amount FROM views_db.sales WHERE region = 'south'"
    assert tables["sales"]["TableType"] == "MANAGED_TABLE"

    create_job(glue_emulator, "views-read", READ, DefaultArguments=FLAG)
    _, report = run(glue_emulator, "views-read")
    assert report == {"listed": ["north", "sales", "south"], "north": [[1, 10], [3, 7]], "south": [[2, 5]],
                      "after_drop": ["north", "sales"]}
    assert sorted(t["Name"] for t in glue.get_tables(DatabaseName="views_db")["TableList"]) == ["north", "sales"]
