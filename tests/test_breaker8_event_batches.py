"""Catalog events of big changes: AWS names at most 100 changed partitions (or tables) in one notification
and sends more notifications for more ("Automating AWS Glue with EventBridge",
https://docs.aws.amazon.com/glue/latest/dg/automating-awsglue-with-cloudwatch-events.html).

Found by breaking: a crawler adding 130 partitions in one catalog call sent one event listing all 130.
"""

from __future__ import annotations

from events_support import queue_rule, received
from support import ROLE, wait_until

from emulator.events.glue import _chunks


def test_chunks_of_one_hundred() -> None:
    assert [len(c) for c in _chunks(list(range(250)))] == [100, 100, 50]
    assert _chunks([]) == []


def test_a_crawl_adding_130_partitions_sends_two_table_events(glue, server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="lake")
    days = [f"2024-{month:02d}-{day:02d}" for month in range(1, 6) for day in range(1, 27)]  # 130 partitions
    for day in days:
        s3.put_object(Bucket="lake", Key=f"clicks/dt={day}/part.csv", Body=b"id,url\n1,/a\n")
    glue.create_database(DatabaseInput={"Name": "web"})
    glue.create_crawler(Name="clicks", Role=ROLE, DatabaseName="web",
                        Targets={"S3Targets": [{"Path": "s3://lake/clicks/"}]})
    url = queue_rule(server, "b8-partitions", {"source": ["aws.glue"],
                                                "detail-type": ["Glue Data Catalog Table State Change"]})
    glue.start_crawler(Name="clicks")
    wait_until(lambda: glue.get_crawler(Name="clicks")["Crawler"].get("LastCrawl", {}).get("Status"),
               "the crawl to end", timeout=120)
    events = received(server, url, 2, timeout=60)
    assert [e["detail"]["typeOfChange"] for e in events] == ["BatchCreatePartition"] * 2
    sizes = sorted(len(e["detail"]["changedPartitions"]) for e in events)
    assert sizes == [30, 100]
    listed = sorted(p for e in events for p in e["detail"]["changedPartitions"])
    assert listed == sorted(f"[{day}]" for day in days)
