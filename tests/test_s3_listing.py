"""ListObjects and ListObjectsV2 over the folder tree: order, prefixes, delimiters, pages, files from disk."""

from __future__ import annotations

import hashlib
import os
import time
from datetime import UTC, datetime
from urllib.parse import quote
from xml.etree import ElementTree

import botocore.exceptions
import pytest

BUCKET = "listing"


def write(bucket_dir, key: str, data: bytes = b"x") -> None:
    """A file written without the API (as a Spark job writes)."""
    path = bucket_dir.joinpath(*key.split("/"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def keys_v2(s3, **kwargs) -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, **kwargs)
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def test_keys_come_in_s3_order(s3):
    keys = ["ab", "a-b", "a/x", "a/y/z", "a0", "b/", "b/c", "A", "é", "~", "a.b", "a/y0"]
    for key in keys:
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"")
    assert keys_v2(s3) == sorted(keys, key=lambda k: k.encode())


def test_prefix_delimiter_and_common_prefixes(s3):
    for key in ("logs/2024/01/a.log", "logs/2024/02/b.log", "logs/2025/c.log", "logs/readme", "logsX", "top"):
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"1")
    root = s3.list_objects_v2(Bucket=BUCKET, Delimiter="/")
    assert [o["Key"] for o in root["Contents"]] == ["logsX", "top"]
    assert [p["Prefix"] for p in root["CommonPrefixes"]] == ["logs/"]
    assert root["KeyCount"] == 3
    level = s3.list_objects_v2(Bucket=BUCKET, Prefix="logs/", Delimiter="/")
    assert [o["Key"] for o in level["Contents"]] == ["logs/readme"]
    assert [p["Prefix"] for p in level["CommonPrefixes"]] == ["logs/2024/", "logs/2025/"]
    partial = s3.list_objects_v2(Bucket=BUCKET, Prefix="logs/20", Delimiter="/")
    assert [p["Prefix"] for p in partial["CommonPrefixes"]] == ["logs/2024/", "logs/2025/"]
    assert "Contents" not in partial
    assert keys_v2(s3, Prefix="logs") == ["logs/2024/01/a.log", "logs/2024/02/b.log", "logs/2025/c.log",
                                          "logs/readme", "logsX"]
    assert keys_v2(s3, Prefix="nothing/here/") == []
    other = s3.list_objects_v2(Bucket=BUCKET, Delimiter="0")  # any delimiter, not only "/"
    assert [p["Prefix"] for p in other["CommonPrefixes"]] == ["logs/20"]


def test_1000_keys_with_delimiters_and_pages(s3, bucket_dir):
    expected = sorted(f"d{d:02d}/part-{p:03d}.csv" for d in range(10) for p in range(100))
    for key in expected[:-20]:
        write(bucket_dir, key, key.encode())
    for key in expected[-20:]:
        s3.put_object(Bucket=BUCKET, Key=key, Body=key.encode())
    everything = s3.list_objects_v2(Bucket=BUCKET)
    assert (everything["KeyCount"], everything["IsTruncated"]) == (1000, False)
    assert [o["Key"] for o in everything["Contents"]] == expected
    assert all(o["ETag"] == f'"{hashlib.md5(o["Key"].encode()).hexdigest()}"' for o in everything["Contents"])
    folders = s3.list_objects_v2(Bucket=BUCKET, Delimiter="/")
    assert [p["Prefix"] for p in folders["CommonPrefixes"]] == [f"d{d:02d}/" for d in range(10)]
    assert keys_v2(s3, Prefix="d03/") == expected[300:400]
    pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, PaginationConfig={"PageSize": 128}))
    assert [len(page["Contents"]) for page in pages] == [128] * 7 + [104]
    assert [o["Key"] for page in pages for o in page["Contents"]] == expected
    v1 = list(s3.get_paginator("list_objects").paginate(Bucket=BUCKET, PaginationConfig={"PageSize": 300}))
    assert [o["Key"] for page in v1 for o in page["Contents"]] == expected
    prefix_pages = list(s3.get_paginator("list_objects_v2").paginate(
        Bucket=BUCKET, Delimiter="/", PaginationConfig={"PageSize": 3}))
    assert [[p["Prefix"] for p in page["CommonPrefixes"]] for page in prefix_pages] == [
        ["d00/", "d01/", "d02/"], ["d03/", "d04/", "d05/"], ["d06/", "d07/", "d08/"], ["d09/"]]
    write(bucket_dir, "z-extra")
    capped = s3.list_objects_v2(Bucket=BUCKET)
    assert (capped["KeyCount"], capped["IsTruncated"]) == (1000, True)
    assert s3.list_objects_v2(Bucket=BUCKET, ContinuationToken=capped["NextContinuationToken"])["Contents"][0][
        "Key"] == "z-extra"


def test_mixed_keys_and_prefixes_paginate_without_repeats(s3):
    for key in ("a", "b/1", "b/2", "b/3", "c", "d/1", "e"):
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"")
    seen = []
    token = None
    while True:
        kwargs = {"ContinuationToken": token} if token else {}
        page = s3.list_objects_v2(Bucket=BUCKET, Delimiter="/", MaxKeys=1, **kwargs)
        seen += [o["Key"] for o in page.get("Contents", [])] + [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert seen == ["a", "b/", "c", "d/", "e"]


def test_list_objects_v1_markers(s3):
    for key in ("a", "b/1", "b/2", "c"):
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"")
    first = s3.list_objects(Bucket=BUCKET, Delimiter="/", MaxKeys=2)
    assert ([o["Key"] for o in first["Contents"]], [p["Prefix"] for p in first["CommonPrefixes"]]) == (["a"], ["b/"])
    assert (first["IsTruncated"], first["NextMarker"]) == (True, "b/")
    rest = s3.list_objects(Bucket=BUCKET, Delimiter="/", Marker=first["NextMarker"])
    assert ([o["Key"] for o in rest["Contents"]], rest["IsTruncated"]) == (["c"], False)
    no_delimiter = s3.list_objects(Bucket=BUCKET, MaxKeys=2)
    assert no_delimiter["IsTruncated"] is True and "NextMarker" not in no_delimiter
    assert [o["Key"] for o in s3.list_objects(Bucket=BUCKET, Marker="b/1")["Contents"]] == ["b/2", "c"]
    owner = first["Contents"][0]["Owner"]
    assert owner["ID"] == s3.list_buckets()["Owner"]["ID"]


def test_start_after_fetch_owner_and_max_keys(s3):
    for key in ("k1", "k2", "k3"):
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"")
    page = s3.list_objects_v2(Bucket=BUCKET, StartAfter="k1")
    assert ([o["Key"] for o in page["Contents"]], page["StartAfter"]) == (["k2", "k3"], "k1")
    assert "Owner" not in page["Contents"][0]
    assert "Owner" in s3.list_objects_v2(Bucket=BUCKET, FetchOwner=True)["Contents"][0]
    empty = s3.list_objects_v2(Bucket=BUCKET, MaxKeys=0)
    assert (empty["KeyCount"], empty["IsTruncated"], "Contents" in empty) == (0, False, False)
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.list_objects_v2(Bucket=BUCKET, ContinuationToken="@@not-a-token@@")
    assert caught.value.response["Error"]["Code"] == "InvalidArgument"


def test_invalid_max_keys_and_encoding(s3, glue_emulator):
    for query, name in (("max-keys=abc", "max-keys"), ("max-keys=-1", "max-keys"), ("encoding-type=base64", "encoding-type")):
        status, _, body = glue_emulator.server.request("GET", f"/{BUCKET}?list-type=2&{query}")
        error = ElementTree.fromstring(body)
        assert (status, error.findtext("Code"), error.findtext("ArgumentName")) == (400, "InvalidArgument", name)


def test_url_encoding_of_listed_keys(s3, glue_emulator):
    key = "dir with space/a+b%c&d<e>é.txt"
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"")
    assert keys_v2(s3) == [key]  # boto3 asks for encoding-type=url and decodes
    assert [p["Prefix"] for p in s3.list_objects_v2(Bucket=BUCKET, Delimiter="/")["CommonPrefixes"]] == [
        "dir with space/"]
    status, _, body = glue_emulator.server.request("GET", f"/{BUCKET}?list-type=2&encoding-type=url")
    assert status == 200
    ns = {"s3": "http://s3.amazonaws.com/doc/2006-03-01/"}
    document = ElementTree.fromstring(body)
    assert document.findtext("s3:Contents/s3:Key", namespaces=ns) == quote(key, safe="/")
    status, _, body = glue_emulator.server.request("GET", f"/{BUCKET}?list-type=2")
    assert status == 200
    assert ElementTree.fromstring(body).findtext("s3:Contents/s3:Key", namespaces=ns) == key  # XML-escaped only


def test_files_written_on_disk_are_objects(s3, bucket_dir):
    write(bucket_dir, "spark/out/part-00000.parquet", b"PAR1 data")
    listed = s3.list_objects_v2(Bucket=BUCKET)["Contents"]
    path = bucket_dir / "spark" / "out" / "part-00000.parquet"
    assert [(o["Key"], o["Size"], o["ETag"], o["StorageClass"]) for o in listed] == [
        ("spark/out/part-00000.parquet", 9, f'"{hashlib.md5(b"PAR1 data").hexdigest()}"', "STANDARD")]
    assert listed[0]["LastModified"] == datetime.fromtimestamp(round(path.stat().st_mtime, 3), UTC)
    got = s3.get_object(Bucket=BUCKET, Key="spark/out/part-00000.parquet")
    assert (got["Body"].read(), got["ContentType"]) == (b"PAR1 data", "binary/octet-stream")
    time.sleep(0.01)
    path.write_bytes(b"rewritten by another job")  # the cached ETag must not survive a change
    assert s3.head_object(Bucket=BUCKET, Key="spark/out/part-00000.parquet")["ETag"] == (
        f'"{hashlib.md5(b"rewritten by another job").hexdigest()}"')


def test_api_metadata_is_dropped_when_the_file_is_replaced_on_disk(s3, bucket_dir):
    s3.put_object(Bucket=BUCKET, Key="report.json", Body=b"{}", ContentType="application/json", Metadata={"a": "1"})
    os.replace(bucket_dir / "report.json", bucket_dir / "old.json")
    write(bucket_dir, "report.json", b"[1]")
    got = s3.get_object(Bucket=BUCKET, Key="report.json")
    assert (got["Body"].read(), got["ContentType"], got["Metadata"]) == (b"[1]", "binary/octet-stream", {})


def test_hadoop_side_files_and_staging_folders_are_hidden(s3, bucket_dir):
    write(bucket_dir, "out/_SUCCESS", b"")
    write(bucket_dir, "out/part-0.csv", b"1")
    write(bucket_dir, "out/.part-0.csv.crc", b"crc")
    write(bucket_dir, "out/._SUCCESS.crc", b"crc")
    write(bucket_dir, "out/_temporary/0/_temporary/attempt/part-1.csv", b"2")
    write(bucket_dir, "out/.spark-staging-42/part-2.csv", b"3")
    write(bucket_dir, "out/_glue_temporary_0f1e/part-3.csv", b"4")
    write(bucket_dir, "out/.glue-emulator-tmp-0123", b"half written")
    (bucket_dir / "empty" / "folders").mkdir(parents=True)
    assert keys_v2(s3) == ["out/_SUCCESS", "out/part-0.csv"]
    assert [p["Prefix"] for p in s3.list_objects_v2(Bucket=BUCKET, Delimiter="/")["CommonPrefixes"]] == ["out/"]
    assert [p.get("Prefix") for p in s3.list_objects_v2(Bucket=BUCKET, Prefix="out/", Delimiter="/").get(
        "CommonPrefixes", [])] == []
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=BUCKET, Key="out/.part-0.csv.crc")
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=BUCKET, Key="out/_temporary/0/_temporary/attempt/part-1.csv")
    assert keys_v2(s3, Prefix="out/_temporary/") == []
    s3.delete_object(Bucket=BUCKET, Key="out/.part-0.csv.crc")  # not an object: left alone
    assert (bucket_dir / "out" / ".part-0.csv.crc").exists()


def test_keys_written_through_the_api_are_never_hidden(s3):
    for key in ("x/_temporary/kept", "x/.spark-staging-1/kept", "x/.named.crc"):
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"api")
    assert keys_v2(s3) == ["x/.named.crc", "x/.spark-staging-1/kept", "x/_temporary/kept"]
    assert keys_v2(s3, Prefix="x/_temporary/") == ["x/_temporary/kept"]
    assert s3.get_object(Bucket=BUCKET, Key="x/.named.crc")["Body"].read() == b"api"
    s3.delete_object(Bucket=BUCKET, Key="x/.named.crc")
    assert keys_v2(s3) == ["x/.spark-staging-1/kept", "x/_temporary/kept"]


def test_folder_markers(s3, bucket_dir):
    s3.put_object(Bucket=BUCKET, Key="folder/", Body=b"")
    assert (bucket_dir / "folder").is_dir()
    assert keys_v2(s3) == ["folder/"]
    s3.put_object(Bucket=BUCKET, Key="folder/inside", Body=b"1")
    s3.put_object(Bucket=BUCKET, Key="folder/sub/", Body=b"marker bytes")
    assert keys_v2(s3) == ["folder/", "folder/inside", "folder/sub/"]
    level = s3.list_objects_v2(Bucket=BUCKET, Prefix="folder/", Delimiter="/")
    assert ([o["Key"] for o in level["Contents"]], [p["Prefix"] for p in level["CommonPrefixes"]]) == (
        ["folder/", "folder/inside"], ["folder/sub/"])
    assert [p["Prefix"] for p in s3.list_objects_v2(Bucket=BUCKET, Delimiter="/")["CommonPrefixes"]] == ["folder/"]
    assert s3.get_object(Bucket=BUCKET, Key="folder/sub/")["Body"].read() == b"marker bytes"
    assert s3.head_object(Bucket=BUCKET, Key="folder/")["ContentLength"] == 0
    s3.delete_object(Bucket=BUCKET, Key="folder/sub/")
    s3.delete_object(Bucket=BUCKET, Key="folder/")
    assert keys_v2(s3) == ["folder/inside"]
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=BUCKET, Key="folder/")


def test_names_that_cannot_be_keys_are_skipped(s3, bucket_dir):
    write(bucket_dir, "good.txt")
    os.makedirs(bucket_dir, exist_ok=True)
    with open(os.path.join(os.fsencode(bucket_dir), b"bad-\xff-name"), "wb") as out:
        out.write(b"not UTF-8")
    write(bucket_dir, "back\\slash")
    assert keys_v2(s3) == ["good.txt"]
