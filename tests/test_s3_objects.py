"""S3 objects through boto3 and raw HTTP: put/get/head/delete, ranges, conditions, checksums, copies, tags."""

from __future__ import annotations

import base64
import hashlib
import io
import urllib.request
import zlib
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import botocore.exceptions
import pytest
from botocore.httpchecksum import AwsChunkedWrapper, Crc32Checksum
from support import s3_error_of as error_of

BUCKET = "objects"


def md5_etag(data: bytes) -> str:
    return f'"{hashlib.md5(data).hexdigest()}"'


def crc32_b64(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def test_put_get_head_round_trip(s3, bucket_dir):
    body = b"id,name\n1,alpha\n"
    put = s3.put_object(Bucket=BUCKET, Key="raw/2024/data.csv", Body=body, ContentType="text/csv",
                        Metadata={"owner": "data-team", "Source": "crm"}, CacheControl="max-age=60",
                        ContentDisposition="attachment", ContentLanguage="en", ContentEncoding="identity")
    assert put["ETag"] == md5_etag(body)
    assert put["ServerSideEncryption"] == "AES256"
    assert (bucket_dir / "raw" / "2024" / "data.csv").read_bytes() == body
    got = s3.get_object(Bucket=BUCKET, Key="raw/2024/data.csv")
    assert got["Body"].read() == body
    assert (got["ContentType"], got["ContentLength"], got["ETag"]) == ("text/csv", len(body), md5_etag(body))
    assert got["Metadata"] == {"owner": "data-team", "source": "crm"}  # S3 keeps metadata names in lower case
    assert (got["CacheControl"], got["ContentDisposition"], got["ContentLanguage"], got["ContentEncoding"]) == (
        "max-age=60", "attachment", "en", "identity")
    assert got["AcceptRanges"] == "bytes"
    mtime = (bucket_dir / "raw" / "2024" / "data.csv").stat().st_mtime
    assert got["LastModified"] == datetime.fromtimestamp(int(mtime), UTC)
    head = s3.head_object(Bucket=BUCKET, Key="raw/2024/data.csv")
    assert (head["ContentLength"], head["ETag"], head["ContentType"], head["Metadata"]) == (
        len(body), md5_etag(body), "text/csv", {"owner": "data-team", "source": "crm"})


def test_defaults_and_empty_objects(s3):
    s3.put_object(Bucket=BUCKET, Key="empty", Body=b"")
    got = s3.get_object(Bucket=BUCKET, Key="empty")
    assert (got["Body"].read(), got["ContentLength"], got["ContentType"], got["Metadata"]) == (
        b"", 0, "binary/octet-stream", {})
    assert got["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'


def test_overwrite_replaces_bytes_and_metadata(s3):
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"first", Metadata={"a": "1"}, Tagging="x=1")
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"second!")
    got = s3.get_object(Bucket=BUCKET, Key="k")
    assert (got["Body"].read(), got["Metadata"], got.get("TagCount")) == (b"second!", {}, None)


@pytest.mark.parametrize("key", ["with space.txt", "plus+sign", "percent%41", "ünïcödé/日本語.txt", "a=b&c=d?e",
                                 "trailing space ", "tilde~and*star", "#hash", "semi;colon", "quote'\"s"])
def test_unusual_keys_round_trip(s3, bucket_dir, key):
    s3.put_object(Bucket=BUCKET, Key=key, Body=key.encode())
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == key.encode()
    assert bucket_dir.joinpath(*key.split("/")).read_bytes() == key.encode()
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == [key]


def test_missing_key(s3, glue_emulator):
    with pytest.raises(s3.exceptions.NoSuchKey) as caught:
        s3.get_object(Bucket=BUCKET, Key="missing/key")
    assert error_of(caught) == (404, "NoSuchKey")
    assert caught.value.response["Error"]["Key"] == "missing/key"
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.head_object(Bucket=BUCKET, Key="missing/key")
    assert error_of(caught) == (404, "404")
    status, _, body = glue_emulator.server.request("HEAD", f"/{BUCKET}/missing")
    assert (status, body) == (404, b"")


@pytest.mark.parametrize("header, status, expected, content_range", [
    ("bytes=0-4", 206, b"01234", "bytes 0-4/10"),
    ("bytes=7-", 206, b"789", "bytes 7-9/10"),
    ("bytes=-3", 206, b"789", "bytes 7-9/10"),
    ("bytes=5-100", 206, b"56789", "bytes 5-9/10"),
    ("bytes=-20", 206, b"0123456789", "bytes 0-9/10"),
    ("bytes=4-4", 206, b"4", "bytes 4-4/10"),
    ("bytes=0-1,3-4", 200, b"0123456789", None),  # several ranges: S3 sends the whole object
    ("items=0-1", 200, b"0123456789", None),
])
def test_ranges(s3, header, status, expected, content_range):
    s3.put_object(Bucket=BUCKET, Key="digits", Body=b"0123456789")
    got = s3.get_object(Bucket=BUCKET, Key="digits", Range=header)
    assert (got["ResponseMetadata"]["HTTPStatusCode"], got["Body"].read()) == (status, expected)
    assert got.get("ContentRange") == content_range
    assert got["ContentLength"] == len(expected)


def test_unsatisfiable_range(s3):
    s3.put_object(Bucket=BUCKET, Key="digits", Body=b"0123456789")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.get_object(Bucket=BUCKET, Key="digits", Range="bytes=10-")
    assert error_of(caught) == (416, "InvalidRange")
    assert caught.value.response["Error"]["ActualObjectSize"] == "10"


def test_read_conditions(s3):
    etag = s3.put_object(Bucket=BUCKET, Key="cond", Body=b"data")["ETag"]
    last_modified = s3.head_object(Bucket=BUCKET, Key="cond")["LastModified"]
    before, after = last_modified - timedelta(hours=1), last_modified + timedelta(seconds=1)
    ok = lambda **kw: s3.get_object(Bucket=BUCKET, Key="cond", **kw)["Body"].read()
    assert ok(IfMatch=etag) == b"data"
    assert ok(IfMatch=f'"other", {etag}') == b"data"
    assert ok(IfNoneMatch='"other"') == b"data"
    assert ok(IfModifiedSince=before) == b"data"
    assert ok(IfUnmodifiedSince=after) == b"data"
    assert ok(IfMatch=etag, IfUnmodifiedSince=before) == b"data"  # If-Match holding wins
    for kwargs, expected in [
        ({"IfMatch": '"other"'}, (412, "PreconditionFailed")),
        ({"IfUnmodifiedSince": before}, (412, "PreconditionFailed")),
        ({"IfNoneMatch": etag}, (304, "304")),
        ({"IfNoneMatch": "*"}, (304, "304")),
        ({"IfModifiedSince": after}, (304, "304")),
    ]:
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            s3.get_object(Bucket=BUCKET, Key="cond", **kwargs)
        assert error_of(caught) == expected, kwargs
    assert s3.get_object(Bucket=BUCKET, Key="cond", IfNoneMatch='"other"', IfModifiedSince=after)["Body"].read() == b"data"


def test_conditional_writes(s3):
    s3.put_object(Bucket=BUCKET, Key="once", Body=b"1", IfNoneMatch="*")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.put_object(Bucket=BUCKET, Key="once", Body=b"2", IfNoneMatch="*")
    assert error_of(caught) == (412, "PreconditionFailed")
    etag = s3.head_object(Bucket=BUCKET, Key="once")["ETag"]
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.put_object(Bucket=BUCKET, Key="once", Body=b"3", IfMatch='"0000"')
    assert error_of(caught) == (412, "PreconditionFailed")
    s3.put_object(Bucket=BUCKET, Key="once", Body=b"4", IfMatch=etag)
    assert s3.get_object(Bucket=BUCKET, Key="once")["Body"].read() == b"4"


def test_default_crc32_checksum_is_kept_and_answered(s3):
    body = b"checksummed bytes"
    put = s3.put_object(Bucket=BUCKET, Key="crc", Body=body)  # boto3 sends a CRC32 by default
    assert put["ChecksumCRC32"] == crc32_b64(body)
    got = s3.get_object(Bucket=BUCKET, Key="crc", ChecksumMode="ENABLED")
    assert (got["ChecksumCRC32"], got["ChecksumType"]) == (crc32_b64(body), "FULL_OBJECT")
    assert got["Body"].read() == body  # boto3 validated it
    head = s3.head_object(Bucket=BUCKET, Key="crc", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32"] == crc32_b64(body)
    assert "ChecksumCRC32" not in s3.get_object(Bucket=BUCKET, Key="crc", Range="bytes=0-3")


def test_sha256_checksum(s3):
    body = b"sha me"
    put = s3.put_object(Bucket=BUCKET, Key="sha", Body=body, ChecksumAlgorithm="SHA256")
    expected = base64.b64encode(hashlib.sha256(body).digest()).decode()
    assert put["ChecksumSHA256"] == expected
    assert s3.head_object(Bucket=BUCKET, Key="sha", ChecksumMode="ENABLED")["ChecksumSHA256"] == expected


def test_wrong_digests_are_refused_and_leave_nothing(s3, bucket_dir):
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.put_object(Bucket=BUCKET, Key="bad/crc", Body=b"data", ChecksumCRC32=crc32_b64(b"other"))
    assert error_of(caught) == (400, "BadDigest")
    assert caught.value.response["Error"]["Message"] == "The CRC32 you specified did not match the calculated checksum."
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.put_object(Bucket=BUCKET, Key="bad/md5", Body=b"data",
                      ContentMD5=base64.b64encode(hashlib.md5(b"other").digest()).decode())
    assert error_of(caught) == (400, "BadDigest")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.put_object(Bucket=BUCKET, Key="bad/md5", Body=b"data", ContentMD5="not-base64!")
    assert error_of(caught) == (400, "InvalidDigest")
    assert list(bucket_dir.iterdir()) == []  # no object, no temporary file, no folder left


def _chunked(data: bytes, chunk: int) -> bytes:
    return AwsChunkedWrapper(io.BytesIO(data), checksum_cls=Crc32Checksum, checksum_name="x-amz-checksum-crc32",
                             chunk_size=chunk).read()


def test_aws_chunked_upload_with_trailing_checksum(s3, glue_emulator):
    data = bytes(range(256)) * 400
    body = _chunked(data, 8192)
    headers = {"x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "Content-Encoding": "aws-chunked",
               "x-amz-decoded-content-length": str(len(data)), "x-amz-trailer": "x-amz-checksum-crc32"}
    status, response_headers, _ = glue_emulator.server.request("PUT", f"/{BUCKET}/chunked", body, headers)
    response_headers = {k.lower(): v for k, v in response_headers.items()}
    assert status == 200
    assert response_headers["x-amz-checksum-crc32"] == crc32_b64(data)
    assert response_headers["etag"] == md5_etag(data)
    got = s3.get_object(Bucket=BUCKET, Key="chunked", ChecksumMode="ENABLED")
    assert (got["Body"].read(), got["ChecksumCRC32"], got.get("ContentEncoding")) == (data, crc32_b64(data), None)


def test_aws_chunked_signed_chunks(s3, glue_emulator):
    chunks = [b"a" * 70000, b"b" * 1000]
    body = b"".join(b"%x;chunk-signature=%s\r\n%s\r\n" % (len(c), b"0" * 64, c) for c in chunks)
    body += b"0;chunk-signature=" + b"0" * 64 + b"\r\n\r\n"
    headers = {"x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "Content-Encoding": "aws-chunked,gzip",
               "x-amz-decoded-content-length": "71000"}
    status, _, _ = glue_emulator.server.request("PUT", f"/{BUCKET}/signed", body, headers)
    assert status == 200
    got = s3.get_object(Bucket=BUCKET, Key="signed")
    assert got["Body"].read() == b"".join(chunks)
    assert got["ContentEncoding"] == "gzip"  # aws-chunked belongs to the transfer, not the object


@pytest.mark.parametrize("mutate, code", [
    (lambda body, data: (body, str(len(data) + 1)), "IncompleteBody"),
    (lambda body, data: (body.replace(crc32_b64(data).encode(), crc32_b64(b"x").encode()), str(len(data))), "BadDigest"),
    (lambda body, data: (body[:-40], str(len(data))), "IncompleteBody"),
])
def test_aws_chunked_payload_errors(s3, glue_emulator, bucket_dir, mutate, code):
    data = b"z" * 20000
    body, decoded = mutate(_chunked(data, 8192), data)
    headers = {"x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "Content-Encoding": "aws-chunked",
               "x-amz-decoded-content-length": decoded, "x-amz-trailer": "x-amz-checksum-crc32"}
    status, _, raw = glue_emulator.server.request("PUT", f"/{BUCKET}/broken", body, headers)
    assert (status, ElementTree.fromstring(raw).findtext("Code")) == (400, code)
    assert list(bucket_dir.iterdir()) == []


def test_delete_object_prunes_folders_and_hadoop_checksums(s3, bucket_dir):
    s3.put_object(Bucket=BUCKET, Key="deep/er/file", Body=b"x")
    (bucket_dir / "deep" / "er" / ".file.crc").write_bytes(b"hadoop crc")
    assert s3.delete_object(Bucket=BUCKET, Key="deep/er/file")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert list(bucket_dir.iterdir()) == []
    assert s3.delete_object(Bucket=BUCKET, Key="never/existed")["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_put_replaces_a_stale_hadoop_checksum(s3, bucket_dir):
    (bucket_dir / "out").mkdir()
    (bucket_dir / "out" / "part-0").write_bytes(b"written by spark")
    (bucket_dir / "out" / ".part-0.crc").write_bytes(b"crc of spark's bytes")
    s3.put_object(Bucket=BUCKET, Key="out/part-0", Body=b"replaced through the API")
    assert sorted(p.name for p in (bucket_dir / "out").iterdir()) == ["part-0"]


def test_delete_objects(s3, bucket_dir):
    for key in ("a", "b/c", "d"):
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"x")
    result = s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": "a"}, {"Key": "b/c"}, {"Key": "nope"},
                                                                  {"Key": "../escape"}]})
    assert [d["Key"] for d in result["Deleted"]] == ["a", "b/c", "nope"]
    assert [(e["Key"], e["Code"]) for e in result["Errors"]] == [("../escape", "InvalidArgument")]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == ["d"]
    quiet = s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": "d"}], "Quiet": True})
    assert "Deleted" not in quiet and "Errors" not in quiet
    assert list(bucket_dir.iterdir()) == []


def test_delete_objects_requires_an_integrity_header(s3, glue_emulator):
    body = b"<Delete><Object><Key>a</Key></Object></Delete>"
    status, _, raw = glue_emulator.server.request("POST", f"/{BUCKET}?delete", body)
    assert (status, ElementTree.fromstring(raw).findtext("Code")) == (400, "InvalidRequest")


def test_copy_object_directives(s3):
    s3.put_object(Bucket=BUCKET, Key="src", Body=b"payload", ContentType="text/plain", Metadata={"m": "1"},
                  Tagging="t=1")
    copied = s3.copy_object(Bucket=BUCKET, Key="copy", CopySource={"Bucket": BUCKET, "Key": "src"})
    assert copied["CopyObjectResult"]["ETag"] == md5_etag(b"payload")
    got = s3.get_object(Bucket=BUCKET, Key="copy")
    assert (got["Body"].read(), got["ContentType"], got["Metadata"], got["TagCount"]) == (
        b"payload", "text/plain", {"m": "1"}, 1)
    s3.copy_object(Bucket=BUCKET, Key="replaced", CopySource=f"{BUCKET}/src", MetadataDirective="REPLACE",
                   ContentType="application/json", Metadata={"n": "2"}, TaggingDirective="REPLACE", Tagging="u=2&v=3")
    got = s3.get_object(Bucket=BUCKET, Key="replaced")
    assert (got["ContentType"], got["Metadata"], got["TagCount"]) == ("application/json", {"n": "2"}, 2)
    assert s3.get_object_tagging(Bucket=BUCKET, Key="replaced")["TagSet"] == [
        {"Key": "u", "Value": "2"}, {"Key": "v", "Value": "3"}]


def test_copy_object_to_itself(s3):
    s3.put_object(Bucket=BUCKET, Key="self", Body=b"x", Metadata={"v": "1"})
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.copy_object(Bucket=BUCKET, Key="self", CopySource={"Bucket": BUCKET, "Key": "self"})
    assert error_of(caught) == (400, "InvalidRequest")
    assert "copy an object to itself without changing" in caught.value.response["Error"]["Message"]
    s3.copy_object(Bucket=BUCKET, Key="self", CopySource={"Bucket": BUCKET, "Key": "self"}, MetadataDirective="REPLACE",
                   Metadata={"v": "2"})
    got = s3.get_object(Bucket=BUCKET, Key="self")
    assert (got["Body"].read(), got["Metadata"]) == (b"x", {"v": "2"})


def test_copy_object_across_buckets_and_errors(s3):
    s3.create_bucket(Bucket="other-bucket")
    s3.put_object(Bucket=BUCKET, Key="dir/src key", Body=b"abc")
    s3.copy_object(Bucket="other-bucket", Key="dst", CopySource={"Bucket": BUCKET, "Key": "dir/src key"})
    assert s3.get_object(Bucket="other-bucket", Key="dst")["Body"].read() == b"abc"
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.copy_object(Bucket=BUCKET, Key="x", CopySource={"Bucket": BUCKET, "Key": "missing"})
    with pytest.raises(s3.exceptions.NoSuchBucket):
        s3.copy_object(Bucket=BUCKET, Key="x", CopySource={"Bucket": "missing-bucket", "Key": "k"})
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.copy_object(Bucket=BUCKET, Key="x", CopySource={"Bucket": BUCKET, "Key": "dir/src key"},
                       CopySourceIfMatch='"nope"')
    assert error_of(caught) == (412, "PreconditionFailed")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.copy_object(Bucket=BUCKET, Key="x", CopySource={"Bucket": BUCKET, "Key": "dir/src key"},
                       CopySourceIfNoneMatch="*")
    assert error_of(caught) == (412, "PreconditionFailed")  # a copy answers 412 where a read answers 304


def test_copy_keeps_or_computes_checksums(s3):
    s3.put_object(Bucket=BUCKET, Key="c1", Body=b"abc")
    copied = s3.copy_object(Bucket=BUCKET, Key="c2", CopySource={"Bucket": BUCKET, "Key": "c1"})
    assert copied["CopyObjectResult"]["ChecksumCRC32"] == crc32_b64(b"abc")
    copied = s3.copy_object(Bucket=BUCKET, Key="c3", CopySource={"Bucket": BUCKET, "Key": "c1"},
                            ChecksumAlgorithm="SHA256")
    assert copied["CopyObjectResult"]["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(b"abc").digest()).decode()


def test_object_tagging(s3):
    s3.put_object(Bucket=BUCKET, Key="tagged", Body=b"x", Tagging="stage=raw&owner=data%20team")
    assert s3.get_object_tagging(Bucket=BUCKET, Key="tagged")["TagSet"] == [
        {"Key": "stage", "Value": "raw"}, {"Key": "owner", "Value": "data team"}]
    s3.put_object_tagging(Bucket=BUCKET, Key="tagged", Tagging={"TagSet": [{"Key": "stage", "Value": "clean"}]})
    assert s3.get_object_tagging(Bucket=BUCKET, Key="tagged")["TagSet"] == [{"Key": "stage", "Value": "clean"}]
    assert s3.head_object(Bucket=BUCKET, Key="tagged")["ETag"] == md5_etag(b"x")  # tags leave the object alone
    s3.delete_object_tagging(Bucket=BUCKET, Key="tagged")
    assert s3.get_object_tagging(Bucket=BUCKET, Key="tagged")["TagSet"] == []
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object_tagging(Bucket=BUCKET, Key="missing")


@pytest.mark.parametrize("tags, message", [
    ([{"Key": f"k{i}", "Value": "v"} for i in range(11)], "Object tags cannot be greater than 10"),
    ([{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}], "Cannot provide multiple Tags with the same key"),
    ([{"Key": "aws:reserved", "Value": "1"}], "Your TagKey cannot be prefixed with aws:"),
    ([{"Key": "k" * 129, "Value": "1"}], "The TagKey you have provided is invalid"),
    ([{"Key": "k", "Value": "v" * 257}], "The TagValue you have provided is invalid"),
])
def test_invalid_tags(s3, tags, message):
    s3.put_object(Bucket=BUCKET, Key="t", Body=b"x")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.put_object_tagging(Bucket=BUCKET, Key="t", Tagging={"TagSet": tags})
    assert error_of(caught) == (400, "InvalidTag")
    assert caught.value.response["Error"]["Message"] == message


def test_tagging_a_file_written_on_disk(s3, bucket_dir):
    (bucket_dir / "spark.parquet").write_bytes(b"PAR1")
    s3.put_object_tagging(Bucket=BUCKET, Key="spark.parquet", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    got = s3.get_object(Bucket=BUCKET, Key="spark.parquet")
    assert (got["Body"].read(), got["TagCount"], got["ETag"]) == (b"PAR1", 1, md5_etag(b"PAR1"))


def test_metadata_limit(s3):
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.put_object(Bucket=BUCKET, Key="meta", Body=b"x", Metadata={"big": "v" * 2100})
    assert error_of(caught) == (400, "MetadataTooLarge")


def test_part_number_read_of_a_simple_object(s3):
    s3.put_object(Bucket=BUCKET, Key="one-part", Body=b"whole")
    got = s3.get_object(Bucket=BUCKET, Key="one-part", PartNumber=1)
    assert (got["Body"].read(), got["ResponseMetadata"]["HTTPStatusCode"]) == (b"whole", 200)
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.get_object(Bucket=BUCKET, Key="one-part", PartNumber=2)
    assert error_of(caught) == (416, "InvalidPartNumber")


def test_response_header_overrides(s3):
    s3.put_object(Bucket=BUCKET, Key="report", Body=b"x", ContentType="text/plain")
    got = s3.get_object(Bucket=BUCKET, Key="report", ResponseContentType="application/pdf",
                        ResponseContentDisposition="attachment; filename=r.pdf")
    assert (got["ContentType"], got["ContentDisposition"]) == ("application/pdf", "attachment; filename=r.pdf")


def test_presigned_urls(s3):
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": BUCKET, "Key": "pre/signed.txt"})
    request = urllib.request.Request(put_url, data=b"presigned body", method="PUT")
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "pre/signed.txt"})
    with urllib.request.urlopen(get_url) as response:
        assert response.read() == b"presigned body"
