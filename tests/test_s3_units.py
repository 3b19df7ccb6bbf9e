"""Pure logic of the S3 emulation: addressing, routing, aws-chunked decoding, names, ranges, listings."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from emulator.errors import AwsError
from emulator.protocol.s3xml import AwsChunkedReader, S3Request, address, iso8601, operation_of, to_xml
from emulator.s3 import handlers
from emulator.s3.layout import FOLDER_MARKER, Layout, valid_bucket_name
from emulator.s3.listing import rolled_up
from emulator.s3.objects import byte_range, etag_matches
from emulator.store import KEY_SEP


@pytest.mark.parametrize("host, path, expected", [
    ("127.0.0.1:4566", "/bucket/a/b.txt", ("bucket", "a/b.txt")),
    ("127.0.0.1:4566", "/bucket", ("bucket", None)),
    ("127.0.0.1:4566", "/bucket/", ("bucket", None)),
    ("127.0.0.1:4566", "/", (None, None)),
    ("localhost:4566", "/bucket/dir//x/", ("bucket", "dir//x/")),
    ("localhost", "/bucket/a%2Fb%20c+d", ("bucket", "a/b c+d")),
    ("my.bucket.localhost:4566", "/key%3F", ("my.bucket", "key?")),
    ("data.s3.localhost:4566", "/", ("data", None)),
    ("s3.localhost:4566", "/data/k", ("data", "k")),
    ("[::1]:4566", "/b/k", ("b", "k")),
    ("[::1]", "/", (None, None)),
    ("bucket.localhost", "/", ("bucket", None)),
])
def test_addressing(host, path, expected):
    assert address(host, path) == expected


def _request(method: str, bucket: str | None, key: str | None, query: dict[str, str] | None = None,
             headers: dict[str, str] | None = None) -> S3Request:
    return S3Request(method, bucket, key, query or {}, headers or {}, io.BytesIO(), 0)


@pytest.mark.parametrize("request_, operation", [
    (_request("GET", None, None), "ListBuckets"),
    (_request("PUT", "b", None), "CreateBucket"),
    (_request("GET", "b", None), "ListObjects"),
    (_request("GET", "b", None, {"list-type": "2"}), "ListObjectsV2"),
    (_request("GET", "b", None, {"uploads": ""}), "ListMultipartUploads"),
    (_request("GET", "b", None, {"location": ""}), "GetBucketLocation"),
    (_request("POST", "b", None, {"delete": ""}), "DeleteObjects"),
    (_request("PUT", "b", "k"), "PutObject"),
    (_request("PUT", "b", "k", headers={"x-amz-copy-source": "b/s"}), "CopyObject"),
    (_request("PUT", "b", "k", {"partNumber": "1", "uploadId": "u"}), "UploadPart"),
    (_request("PUT", "b", "k", {"partNumber": "1", "uploadId": "u"}, {"X-Amz-Copy-Source": "b/s"}), "UploadPartCopy"),
    (_request("GET", "b", "k", {"uploadId": "u"}), "ListParts"),
    (_request("GET", "b", "k", {"partNumber": "2"}), "GetObject"),
    (_request("GET", "b", "k", {"X-Amz-Signature": "s", "X-Amz-Credential": "c"}), "GetObject"),
    (_request("POST", "b", "k", {"uploads": ""}), "CreateMultipartUpload"),
    (_request("POST", "b", "k", {"uploadId": "u"}), "CompleteMultipartUpload"),
    (_request("DELETE", "b", "k", {"uploadId": "u"}), "AbortMultipartUpload"),
    (_request("DELETE", "b", "k", {"tagging": ""}), "DeleteObjectTagging"),
    (_request("GET", "b", None, {"policy": ""}), "GetBucketPolicy"),
    (_request("POST", "b", "k"), None),
    (_request("POST", "b", None, headers={"Content-Type": "multipart/form-data; boundary=x"}), "PostObject"),
    (_request("POST", "b", "k", headers={"Content-Type": "multipart/form-data; boundary=x"}), None),
    (_request("OPTIONS", "b", "k"), "OptionsObject"),
    (_request("OPTIONS", None, None), None),
])
def test_operation_routing(request_, operation):
    assert operation_of(request_, handlers()) == operation


def test_every_operation_of_the_issue_has_a_handler():
    assert set(handlers()) == {
        "CreateBucket", "HeadBucket", "ListBuckets", "DeleteBucket", "GetBucketLocation", "GetBucketVersioning",
        "PutObject", "GetObject", "HeadObject", "DeleteObject", "DeleteObjects", "CopyObject", "ListObjects",
        "ListObjectsV2", "CreateMultipartUpload", "UploadPart", "UploadPartCopy", "CompleteMultipartUpload",
        "AbortMultipartUpload", "ListParts", "ListMultipartUploads", "PutObjectTagging", "GetObjectTagging",
        "DeleteObjectTagging",
        # EventBridge notifications of buckets (issue #20: emulator/s3/notifications.py)
        "PutBucketNotificationConfiguration", "GetBucketNotificationConfiguration",
        # browser uploads and CORS (emulator/s3/post.py, cors.py)
        "PostObject", "OptionsObject", "PutBucketCors", "GetBucketCors", "DeleteBucketCors"}


def _decode(body: bytes, length: int) -> tuple[bytes, dict[str, str]]:
    trailers: dict[str, str] = {}
    reader = AwsChunkedReader(io.BufferedReader(io.BytesIO(body)), length, trailers)
    out = b""
    while data := reader.read(3):
        out += data
    return out, trailers


def test_aws_chunked_decoding():
    body = b"5;chunk-signature=abc\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"
    assert _decode(body, 11) == (b"hello world", {"x-amz-checksum-crc32": "DUoRhQ=="})
    assert _decode(b"0\r\n\r\n", 0) == (b"", {})


@pytest.mark.parametrize("body, length, message", [
    (b"5\r\nhello\r\n0\r\n\r\n", 6, "The aws-chunked payload held 5 bytes, x-amz-decoded-content-length announced 6"),
    (b"5\r\nhel", 5, "The aws-chunked payload ended inside a chunk"),
    (b"5\r\nhelloXX0\r\n\r\n", 5, "An aws-chunked chunk is not followed by CRLF"),
    (b"zz\r\n", 1, "Malformed aws-chunked chunk header: b'zz'"),
    (b"5\r\nhello\r\n", 5, "The aws-chunked payload ended before its final chunk"),
])
def test_aws_chunked_errors(body, length, message):
    with pytest.raises(AwsError) as caught:
        _decode(body, length)
    assert (caught.value.code, caught.value.message) == ("IncompleteBody", message)


@pytest.mark.parametrize("name, valid", [
    ("abc", True), ("a.b-c", True), ("1-2", True), ("ab", False), ("a" * 64, False), ("ABC", False), ("a_b", False),
    ("a..b", False), ("-ab", False), ("ab.", False), ("10.0.0.1", False), ("xn--a", False), ("a-s3alias", False),
    ("a.mrap", False), ("a--x-s3", False), ("a--table-s3", False), ("amzn-s3-demo-x", False), ("10.0.0.1a", True),
])
def test_bucket_names(name, valid):
    assert valid_bucket_name(name) == valid


def test_keys_map_to_files_and_store_addresses(tmp_path):
    layout = Layout(tmp_path, durable=False)
    root = tmp_path / "bkt"
    plain = layout.locate("bkt", "a/b/c.txt")
    assert (plain.path, plain.parent, plain.name, plain.hidden) == (
        root / "a" / "b" / "c.txt", KEY_SEP.join(["bkt", "a", "b"]), "c.txt", False)
    marker = layout.locate("bkt", "a/b/")
    assert (marker.path, marker.parent, marker.name) == (root / "a" / "b" / FOLDER_MARKER, KEY_SEP.join(["bkt", "a", "b"]),
                                                         "/")
    assert layout.locate("bkt", "top").parent == "bkt"
    assert layout.locate("bkt", "x/.part-0.crc").hidden
    assert layout.locate("bkt", "x/_temporary/0/part").hidden
    assert not layout.locate("bkt", "x/.hidden").hidden


@pytest.mark.parametrize("key", ["..", "a/..", "../a", "a/./b", "/abs", "a//b", "a\\b", "a\x00b", "a\x1fb",
                                 ".glue-emulator-folder", "x" * 1025, "y" * 256])
def test_keys_that_cannot_be_files(tmp_path, key):
    with pytest.raises(AwsError) as caught:
        Layout(tmp_path, durable=False).locate("bkt", key)
    assert caught.value.code in ("InvalidArgument", "KeyTooLongError")
    assert list(Path(tmp_path).iterdir()) == []


@pytest.mark.parametrize("header, size, expected", [
    ("bytes=0-0", 10, (0, 0)), ("bytes=2-", 10, (2, 9)), ("bytes=-4", 10, (6, 9)), ("bytes=3-99", 10, (3, 9)),
    ("bytes=-99", 10, (0, 9)), ("bytes=5-2", 10, None), ("bytes=a-b", 10, None), ("bytes=-", 10, None),
    (None, 10, None), ("bytes=0-1,4-5", 10, None),
])
def test_byte_ranges(header, size, expected):
    assert byte_range(header, size) == expected


@pytest.mark.parametrize("header, size", [("bytes=10-", 10), ("bytes=0-", 0), ("bytes=-0", 10), ("bytes=-5", 0)])
def test_unsatisfiable_ranges(header, size):
    with pytest.raises(AwsError) as caught:
        byte_range(header, size)
    assert (caught.value.code, caught.value.status) == ("InvalidRange", 416)


def test_etag_conditions():
    assert etag_matches('"abc"', '"abc"') and etag_matches("abc", '"abc"') and etag_matches('W/"abc"', '"abc"')
    assert etag_matches('"x", "abc"', '"abc"') and etag_matches("*", '"abc"')
    assert not etag_matches('"abcd"', '"abc"')


@pytest.mark.parametrize("key, prefix, delimiter, expected", [
    ("a/b/c", "", "/", "a/"), ("a/b/c", "a/", "/", "a/b/"), ("a/b", "a/", "/", None), ("abc", "", "", None),
    ("x--y--z", "", "--", "x--"), ("a/b", "a/b", "/", None),
])
def test_common_prefixes(key, prefix, delimiter, expected):
    assert rolled_up(key, prefix, delimiter) == expected


def test_xml_documents():
    assert to_xml("R", {"A": [1, 2], "B": {"C": True}, "D": None, "E": "<&>\r\x01"}) == (
        '<?xml version="1.0" encoding="UTF-8"?>\n<R xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        "<A>1</A><A>2</A><B><C>true</C></B><E>&lt;&amp;&gt;&#13;\ufffd</E></R>").encode()
    assert iso8601(0.5) == "1970-01-01T00:00:00.500Z"
    assert iso8601(1.9996) == "1970-01-01T00:00:02.000Z"
