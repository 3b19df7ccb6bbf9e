"""An exclude pattern that cannot be a glob is refused by CreateCrawler and UpdateCrawler (InvalidInputException,
our words: AWS's answer is not on record), rather than failing every crawl with an internal error."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/Glue"


def _refused(call, **params) -> str:
    with pytest.raises(ClientError) as error:
        call(**params)
    assert error.value.response["Error"]["Code"] == "InvalidInputException"
    return error.value.response["Error"]["Message"]


def test_reversed_range_is_refused_on_create_and_update(glue_emulator):
    s3, glue = glue_emulator.s3, glue_emulator.glue
    s3.create_bucket(Bucket="globs")
    bad = {"S3Targets": [{"Path": "s3://globs/data/", "Exclusions": ["**/[z-a]*.csv"]}]}
    message = _refused(glue.create_crawler, Name="bad", Role=ROLE, DatabaseName="default", Targets=bad)
    assert "'**/[z-a]*.csv'" in message
    assert "bad" not in glue.list_crawlers()["CrawlerNames"]

    good = {"S3Targets": [{"Path": "s3://globs/data/", "Exclusions": ["**/[a-m]*.csv", "{tmp,_temporary}/**"]}]}
    glue.create_crawler(Name="good", Role=ROLE, DatabaseName="default", Targets=good)
    _refused(glue.update_crawler, Name="good", Targets=bad)
    assert glue.get_crawler(Name="good")["Crawler"]["Targets"]["S3Targets"][0]["Exclusions"] == good["S3Targets"][0][
        "Exclusions"]


def test_valid_exclusions_still_exclude(glue_emulator):
    from support import wait_crawler_ready

    s3, glue = glue_emulator.s3, glue_emulator.glue
    s3.create_bucket(Bucket="globs2")
    glue.create_database(DatabaseInput={"Name": "lake"})
    s3.put_object(Bucket="globs2", Key="data/keep/n.csv", Body=b"a,b\n1,2\n3,4\n")
    s3.put_object(Bucket="globs2", Key="data/drop/z.csv", Body=b"x\nnot,the,same\n")
    glue.create_crawler(Name="ex", Role=ROLE, DatabaseName="lake", Targets={
        "S3Targets": [{"Path": "s3://globs2/data/", "Exclusions": ["drop/[x-z]*"]}]})
    glue.start_crawler(Name="ex")
    last = wait_crawler_ready(glue, "ex")["LastCrawl"]
    assert last["Status"] == "SUCCEEDED", last
    (table,) = glue.get_tables(DatabaseName="lake")["TableList"]
    assert table["Parameters"]["objectCount"] == "1"  # drop/z.csv left out
    partitions = glue.get_partitions(DatabaseName="lake", TableName=table["Name"])["Partitions"]
    assert [p["Values"] for p in partitions] == [["keep"]]
