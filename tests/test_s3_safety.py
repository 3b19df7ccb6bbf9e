"""No key leaves its bucket's folder; keys that cannot be files fail loudly; writes are atomic."""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote
from xml.etree import ElementTree

import botocore.exceptions
import pytest

BUCKET = "safe"

# (raw request path, the S3 error code): every one is refused before touching the disk.
TRAVERSAL = [
    (f"/{BUCKET}/../escape", "InvalidArgument"),
    (f"/{BUCKET}/..%2Fescape", "InvalidArgument"),
    (f"/{BUCKET}/%2e%2e/escape", "InvalidArgument"),
    (f"/{BUCKET}/%2E%2E%2F%2E%2E%2Fescape", "InvalidArgument"),
    (f"/{BUCKET}/a/../../escape", "InvalidArgument"),
    (f"/{BUCKET}/a/%2e%2e/%2e%2e/escape", "InvalidArgument"),
    (f"/{BUCKET}/..", "InvalidArgument"),
    (f"/{BUCKET}/x/..", "InvalidArgument"),
    (f"/{BUCKET}/./x", "InvalidArgument"),
    (f"/{BUCKET}/a/./b", "InvalidArgument"),
    (f"/{BUCKET}//etc/passwd", "InvalidArgument"),
    (f"/{BUCKET}/%2Fetc%2Fpasswd", "InvalidArgument"),
    (f"/{BUCKET}/a//b", "InvalidArgument"),
    (f"/{BUCKET}/a%5c..%5c..%5cescape", "InvalidArgument"),
    (f"/{BUCKET}/..%5cescape", "InvalidArgument"),
    (f"/{BUCKET}/a%00b", "InvalidArgument"),
    (f"/{BUCKET}/a%0Ab", "InvalidArgument"),
    (f"/{BUCKET}/.glue-emulator-folder", "InvalidArgument"),
    (f"/{BUCKET}/x/.glue-emulator-tmp-123", "InvalidArgument"),
    (f"/{BUCKET}/%ff%fe", "InvalidURI"),
    (f"/{BUCKET}/" + "k" * 1025, "KeyTooLongError"),
    (f"/{BUCKET}/" + "s" * 256, "KeyTooLongError"),
    (f"/{BUCKET}/" + quote("é" * 128), "KeyTooLongError"),  # 256 bytes in UTF-8
    ("/..%2F..%2Fescape/key", "InvalidBucketName"),
    ("/%2e%2e/key", "InvalidBucketName"),
    ("/.multipart/key", "InvalidBucketName"),
    ("/safe%2F..%2F..%2Fescape/key", "InvalidBucketName"),
]


def all_files(root) -> list[str]:
    return sorted(os.path.relpath(os.path.join(folder, name), root) for folder, _, names in os.walk(root) for name in names)


def code_of(body: bytes) -> str | None:
    return ElementTree.fromstring(body).findtext("Code")


@pytest.mark.parametrize("path, code", TRAVERSAL)
def test_traversal_corpus_is_refused(s3, glue_emulator, bucket_dir, path, code):
    server = glue_emulator.server
    root = server.data_dir.parent
    before = all_files(root)
    status, _, body = server.request("PUT", path, b"payload")
    assert (status, code_of(body)) == (400, code)
    for method in ("GET", "DELETE", "POST"):
        status, _, body = server.request(method, path + ("?uploads" if method == "POST" else ""), b"")
        assert (status, code_of(body)) == (400, code), method
    status, _, body = server.request("PUT", f"/{BUCKET}/copy", b"", {"x-amz-copy-source": path})
    assert status == 400 and code_of(body) in (code, "InvalidArgument")
    assert all_files(root) == before
    assert list(bucket_dir.iterdir()) == []


def test_a_refused_key_names_itself(s3):
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.put_object(Bucket=BUCKET, Key="a/../b", Body=b"x")
    error = caught.value.response["Error"]
    assert (error["Code"], error["ArgumentName"], error["ArgumentValue"]) == ("InvalidArgument", "key", "a/../b")
    assert error["Message"] == ("Object key 'a/../b' cannot be stored: glue-emulator keeps objects as files under the "
                                "bucket's folder, and refuses empty, '.' and '..' path segments in keys")


def test_listing_prefixes_cannot_climb(s3, glue_emulator):
    (glue_emulator.server.data_dir / "s3" / "neighbour").mkdir()
    (glue_emulator.server.data_dir / "s3" / "neighbour" / "secret").write_bytes(b"x")
    for prefix in ("../", "../neighbour/", "a/../../neighbour/", "./", "/"):
        assert s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)["KeyCount"] == 0, prefix


def test_traversal_through_the_virtual_host(glue_emulator):
    server = glue_emulator.server
    for host in ("...localhost", "%2e%2e.localhost", "a..b.s3.localhost"):
        status, _, body = server.request("PUT", "/escape", b"x", {"Host": f"{host}:{server.port}"})
        assert (status, code_of(body)) == (400, "InvalidBucketName"), host
    assert all_files(server.data_dir / "s3") == []


def test_a_key_below_an_object_is_a_conflict(s3, bucket_dir):
    s3.put_object(Bucket=BUCKET, Key="a/b", Body=b"object")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.put_object(Bucket=BUCKET, Key="a/b/c", Body=b"below")
    response = caught.value.response
    assert (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]) == (409, "KeyConflict")
    assert response["Error"]["Message"] == ("The key cannot be stored: 'a/b' is an object, and glue-emulator keeps "
                                            "objects as files, so 'a/b/' cannot also be a folder")
    assert s3.get_object(Bucket=BUCKET, Key="a/b")["Body"].read() == b"object"
    assert all_files(bucket_dir) == ["a/b"]
    s3.delete_object(Bucket=BUCKET, Key="a/b")
    s3.put_object(Bucket=BUCKET, Key="a/b/c", Body=b"below")
    assert s3.get_object(Bucket=BUCKET, Key="a/b/c")["Body"].read() == b"below"


def test_a_key_above_objects_is_a_conflict(s3, bucket_dir):
    s3.put_object(Bucket=BUCKET, Key="x/y/z", Body=b"deep")
    for key in ("x/y", "x"):
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            s3.put_object(Bucket=BUCKET, Key=key, Body=b"above")
        assert caught.value.response["Error"]["Code"] == "KeyConflict"
        assert caught.value.response["Error"]["Message"] == (
            f"The key '{key}' cannot be stored: objects exist under '{key}/', and glue-emulator keeps objects as files,"
            " so a key cannot be both a file and a folder")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.copy_object(Bucket=BUCKET, Key="x", CopySource={"Bucket": BUCKET, "Key": "x/y/z"})
    assert caught.value.response["Error"]["Code"] == "KeyConflict"
    assert all_files(bucket_dir) == ["x/y/z"]


def test_folder_marker_and_object_of_the_same_name_conflict(s3):
    s3.put_object(Bucket=BUCKET, Key="m/", Body=b"")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.put_object(Bucket=BUCKET, Key="m", Body=b"x")
    assert caught.value.response["Error"]["Code"] == "KeyConflict"
    s3.put_object(Bucket=BUCKET, Key="n", Body=b"x")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.put_object(Bucket=BUCKET, Key="n/", Body=b"")
    assert caught.value.response["Error"]["Code"] == "KeyConflict"


def test_an_empty_folder_left_on_disk_is_no_obstacle(s3, bucket_dir):
    (bucket_dir / "leftover" / "deeper").mkdir(parents=True)
    s3.put_object(Bucket=BUCKET, Key="leftover", Body=b"fine")
    assert s3.get_object(Bucket=BUCKET, Key="leftover")["Body"].read() == b"fine"


def test_readers_see_the_old_or_the_new_object_never_half(glue_emulator, s3):
    size = 2 * 1024 * 1024
    versions = [bytes([65 + i]) * size for i in range(4)]
    s3.put_object(Bucket=BUCKET, Key="hot", Body=versions[0])
    failures: list[str] = []

    def writer() -> int:
        client = glue_emulator.server.client("s3")
        for i in range(12):
            client.put_object(Bucket=BUCKET, Key="hot", Body=versions[i % 3 + 1])
        return i + 1

    reader = glue_emulator.server.client("s3")
    reads = 0
    with ThreadPoolExecutor(max_workers=1) as pool:
        writes = pool.submit(writer)
        while not writes.done() or reads < 5:
            got = reader.get_object(Bucket=BUCKET, Key="hot")
            body = got["Body"].read()
            reads += 1
            if body not in versions:
                failures.append(f"torn read of {len(body)} bytes")
            elif got["ETag"].strip('"') != hashlib.md5(body).hexdigest():
                failures.append("ETag of another version")
        assert writes.result() == 12  # the writer's own failure, if any, is raised here
    assert reader.get_object(Bucket=BUCKET, Key="hot")["Body"].read() == versions[3]  # its last write
    assert failures == []
    assert [name for name in os.listdir(glue_emulator.server.data_dir / "s3" / BUCKET)] == ["hot"]  # no temp files
