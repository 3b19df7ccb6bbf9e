"""AWS's published sample join_and_relationalize.py (aws-samples/aws-glue-samples examples/, kept byte for byte in
tests/etl_scripts/published_join_and_relationalize.py) runs unchanged to its end: catalog tables crawled from JSON
in S3, joins, parquet in S3, then Relationalize and `from_jdbc_conf(..., redshift_tmp_dir=...)` into "Redshift",
a PostgreSQL database behind a jdbc:redshift:// connection."""

from __future__ import annotations

import json

from etl_scripts.harness import create_job, script
from jdbc_postgres import Postgres
from support import ROLE, run_to_end, wait_until

PERSONS = [
    {"id": "p1", "name": "Ann Lee", "family_name": "Lee", "gender": "female",
     "identifiers": [{"scheme": "wikidata", "identifier": "Q1"}, {"scheme": "bioguide", "identifier": "L1"}],
     "other_names": [{"lang": "en", "name": "Annie"}], "links": [{"note": "wikipedia", "url": "https://w/ann"}]},
    {"id": "p2", "name": "Bo Chan", "family_name": "Chan", "gender": "male",
     "identifiers": [{"scheme": "wikidata", "identifier": "Q2"}], "other_names": [], "links": []},
]
MEMBERSHIPS = [
    {"person_id": "p1", "organization_id": "o1", "on_behalf_of_id": "party/democrat", "area_id": "ocd/ny",
     "role": "representative", "legislative_period_id": "term/114"},
    {"person_id": "p2", "organization_id": "o2", "on_behalf_of_id": "party/republican", "area_id": "ocd/tx",
     "role": "senator", "legislative_period_id": "term/114"},
]
ORGANIZATIONS = [
    {"id": "o1", "name": "House", "classification": "legislature", "seats": 435,
     "identifiers": [{"scheme": "wikidata", "identifier": "Q11701"}], "other_names": [{"name": "Lower"}]},
    {"id": "o2", "name": "Senate", "classification": "legislature", "seats": 100,
     "identifiers": [{"scheme": "wikidata", "identifier": "Q66096"}], "other_names": [{"name": "Upper"}]},
]


def _lines(records: list[dict]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def test_join_and_relationalize_runs_to_the_end_with_its_redshift_writes(glue_emulator, postgres: Postgres):
    s3, glue = glue_emulator.s3, glue_emulator.glue
    s3.create_bucket(Bucket="legislators-data")
    for folder, records in (("persons_json", PERSONS), ("memberships_json", MEMBERSHIPS),
                            ("organizations_json", ORGANIZATIONS)):
        s3.put_object(Bucket="legislators-data", Key=f"{folder}/part-0.json", Body=_lines(records))
    s3.create_bucket(Bucket="glue-sample-target")
    glue.create_database(DatabaseInput={"Name": "legislators"})
    glue.create_crawler(Name="legislators", Role=ROLE, DatabaseName="legislators",
                        Targets={"S3Targets": [{"Path": "s3://legislators-data/"}]})
    glue.start_crawler(Name="legislators")
    wait_until(lambda: glue.get_crawler(Name="legislators")["Crawler"], "the crawl",
               until=lambda c: c["State"] == "READY" and "LastCrawl" in c, timeout=60)
    postgres.create_database("testdb")
    glue.create_connection(ConnectionInput={"Name": "redshift3", "ConnectionType": "JDBC", "ConnectionProperties": {
        "JDBC_CONNECTION_URL": postgres.url("dev", vendor="redshift"), "USERNAME": postgres.user,
        "PASSWORD": postgres.password}})

    create_job(glue_emulator, "join-and-relationalize", script("published_join_and_relationalize.py"))
    run = run_to_end(glue, "join-and-relationalize", timeout=600)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")

    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="glue-sample-target")["Contents"]]
    for folder in ("legislator_history/", "legislator_single/", "legislator_part/org_name=House/"):
        assert any(k.startswith(f"output-dir/{folder}") and k.endswith(".parquet") for k in keys), folder
    with postgres.connect("testdb") as session:
        cursor = session.cursor()
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")
        tables = [row[0] for row in cursor.fetchall()]
        assert "hist_root" in tables and "hist_root_identifiers" in tables, tables
        cursor.execute('SELECT name, org_name FROM hist_root ORDER BY name')
        assert [tuple(r) for r in cursor.fetchall()] == [("Ann Lee", "House"), ("Bo Chan", "Senate")]
        cursor.execute('SELECT count(*) FROM hist_root_identifiers')
        assert cursor.fetchone()[0] == 3
