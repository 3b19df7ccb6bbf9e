"""A CSV table as a crawler registers it (OpenCSVSerde, escapeChar '\\'), read back by a glueetl job.

AWS reads such tables with opencsv, which takes a doubled quote inside a quoted field as one quote
whatever the escapeChar: a field `"a ""b"` is `a "b`. RFC 4180 writers (Excel, pandas, Python's csv module,
our own csv sink) write quotes that way.
"""

from __future__ import annotations

from etl_scripts.harness import create_job, run
from support import wait_crawler_ready

CSV = 'id,customer,note\n1,"Smith, J",plain\n2,"Zoë ""Z""",x\n3,"say ""hi"", then go","a ""b"""\n'


def test_from_catalog_and_spark_sql_read_doubled_quotes_of_a_crawled_csv_table(glue_emulator):
    s3, glue = glue_emulator.s3, glue_emulator.glue
    s3.create_bucket(Bucket="quoted")
    s3.put_object(Bucket="quoted", Key="people/part-0.csv", Body=CSV.encode())
    glue.create_database(DatabaseInput={"Name": "crm"})
    glue.create_crawler(Name="people", Role="arn:aws:iam::123456789012:role/Glue", DatabaseName="crm",
                        Targets={"S3Targets": [{"Path": "s3://quoted/people/"}]})
    glue.start_crawler(Name="people")
    assert wait_crawler_ready(glue, "people")["LastCrawl"]["Status"] == "SUCCEEDED"
    serde = glue.get_table(DatabaseName="crm", Name="people")["Table"]["StorageDescriptor"]["SerdeInfo"]
    assert serde["SerializationLibrary"] == "org.apache.hadoop.hive.serde2.OpenCSVSerde"

    create_job(glue_emulator, "read-people", """
        from awsglue.context import GlueContext
        from pyspark.context import SparkContext

        glueContext = GlueContext(SparkContext.getOrCreate())
        frame = glueContext.create_dynamic_frame.from_catalog(database="crm", table_name="people")
        sql = glueContext.spark_session.sql("SELECT id, customer, note FROM crm.people ORDER BY id").collect()
        report(frame=sorted([r["id"], r["customer"], r["note"]] for r in frame.toDF().collect()),
               sql=[[r.id, r.customer, r.note] for r in sql])
    """, DefaultArguments={"--enable-glue-datacatalog": "true"})
    expected = [[1, "Smith, J", "plain"], [2, 'Zoë "Z"', "x"], [3, 'say "hi", then go', 'a "b"']]
    _, report = run(glue_emulator, "read-people")
    assert report["frame"] == expected
    assert report["sql"] == expected
