"""Multipart uploads: upload_file/download_file of 20 MB, the low-level operations, checksums and errors."""

from __future__ import annotations

import base64
import hashlib
import os
import zlib

import botocore.exceptions
import pytest
from boto3.s3.transfer import TransferConfig
from support import s3_error_of as error_of

BUCKET = "multipart"
MB = 1024 * 1024


def multipart_etag(parts: list[bytes]) -> str:
    digests = b"".join(hashlib.md5(part).digest() for part in parts)
    return f'"{hashlib.md5(digests).hexdigest()}-{len(parts)}"'


def crc32(data: bytes) -> bytes:
    return zlib.crc32(data).to_bytes(4, "big")


def test_upload_file_and_download_file_of_20_mb(s3, bucket_dir, tmp_path):
    data = os.urandom(20 * MB)
    source, target = tmp_path / "source.bin", tmp_path / "target.bin"
    source.write_bytes(data)
    s3.upload_file(str(source), BUCKET, "big/file.bin", Config=TransferConfig(multipart_chunksize=8 * MB))
    head = s3.head_object(Bucket=BUCKET, Key="big/file.bin")
    assert head["ContentLength"] == 20 * MB
    assert head["ETag"] == multipart_etag([data[:8 * MB], data[8 * MB:16 * MB], data[16 * MB:]])
    assert (bucket_dir / "big" / "file.bin").read_bytes() == data
    s3.download_file(BUCKET, "big/file.bin", str(target))
    assert target.read_bytes() == data
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []
    assert list((bucket_dir.parent / ".multipart").iterdir()) == []  # the parts are gone
    part = s3.get_object(Bucket=BUCKET, Key="big/file.bin", PartNumber=2)
    assert (part["PartsCount"], part["ContentLength"], part["ContentRange"]) == (
        3, 8 * MB, f"bytes {8 * MB}-{16 * MB - 1}/{20 * MB}")
    assert part["Body"].read() == data[8 * MB:16 * MB]


def test_low_level_multipart_with_composite_crc32(s3):
    first, last = b"a" * (5 * MB), b"tail"
    created = s3.create_multipart_upload(Bucket=BUCKET, Key="manual", ContentType="text/plain", Metadata={"m": "1"},
                                         Tagging="t=1", ChecksumAlgorithm="CRC32")
    upload = created["UploadId"]
    assert (created["ChecksumAlgorithm"], created["ChecksumType"]) == ("CRC32", "COMPOSITE")
    one = s3.upload_part(Bucket=BUCKET, Key="manual", UploadId=upload, PartNumber=1, Body=first,
                         ChecksumAlgorithm="CRC32")
    two = s3.upload_part(Bucket=BUCKET, Key="manual", UploadId=upload, PartNumber=2, Body=last,
                         ChecksumAlgorithm="CRC32")
    assert one["ChecksumCRC32"] == base64.b64encode(crc32(first)).decode()
    parts = s3.list_parts(Bucket=BUCKET, Key="manual", UploadId=upload)
    assert [(p["PartNumber"], p["Size"], p["ETag"]) for p in parts["Parts"]] == [
        (1, 5 * MB, one["ETag"]), (2, 4, two["ETag"])]
    assert (parts["ChecksumAlgorithm"], parts["IsTruncated"], parts["StorageClass"]) == ("CRC32", False, "STANDARD")
    done = s3.complete_multipart_upload(Bucket=BUCKET, Key="manual", UploadId=upload, MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": one["ETag"], "ChecksumCRC32": one["ChecksumCRC32"]},
        {"PartNumber": 2, "ETag": two["ETag"], "ChecksumCRC32": two["ChecksumCRC32"]}]})
    composite = base64.b64encode(crc32(crc32(first) + crc32(last))).decode() + "-2"
    assert (done["ETag"], done["ChecksumCRC32"], done["ChecksumType"]) == (
        multipart_etag([first, last]), composite, "COMPOSITE")
    assert done["Location"].endswith(f"/{BUCKET}/manual")
    got = s3.get_object(Bucket=BUCKET, Key="manual", ChecksumMode="ENABLED")
    assert got["Body"].read() == first + last  # boto3 skips validating a composite checksum
    assert (got["ContentType"], got["Metadata"], got["TagCount"], got["ChecksumCRC32"]) == (
        "text/plain", {"m": "1"}, 1, composite)
    with pytest.raises(s3.exceptions.NoSuchUpload):
        s3.list_parts(Bucket=BUCKET, Key="manual", UploadId=upload)


def test_full_object_crc32(s3):
    first, last = os.urandom(5 * MB), os.urandom(1000)
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="full", ChecksumAlgorithm="CRC32",
                                        ChecksumType="FULL_OBJECT")["UploadId"]
    etags = [s3.upload_part(Bucket=BUCKET, Key="full", UploadId=upload, PartNumber=n, Body=body)["ETag"]
             for n, body in ((1, first), (2, last))]
    whole = base64.b64encode(crc32(first + last)).decode()
    done = s3.complete_multipart_upload(Bucket=BUCKET, Key="full", UploadId=upload, ChecksumCRC32=whole,
                                        ChecksumType="FULL_OBJECT", MultipartUpload={"Parts": [
                                            {"PartNumber": 1, "ETag": etags[0]}, {"PartNumber": 2, "ETag": etags[1]}]})
    assert (done["ChecksumCRC32"], done["ChecksumType"]) == (whole, "FULL_OBJECT")
    got = s3.get_object(Bucket=BUCKET, Key="full", ChecksumMode="ENABLED")
    assert (got["ChecksumCRC32"], got["Body"].read() == first + last) == (whole, True)  # validated by boto3


def test_sha256_parts_cannot_be_full_object(s3):
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.create_multipart_upload(Bucket=BUCKET, Key="k", ChecksumAlgorithm="SHA256", ChecksumType="FULL_OBJECT")
    assert error_of(caught) == (400, "InvalidRequest")


def test_complete_checks_parts(s3):
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="checked")["UploadId"]
    small = s3.upload_part(Bucket=BUCKET, Key="checked", UploadId=upload, PartNumber=1, Body=b"small")["ETag"]
    other = s3.upload_part(Bucket=BUCKET, Key="checked", UploadId=upload, PartNumber=2, Body=b"other")["ETag"]

    def complete(parts):
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            s3.complete_multipart_upload(Bucket=BUCKET, Key="checked", UploadId=upload,
                                         MultipartUpload={"Parts": parts})
        return error_of(caught)

    assert complete([{"PartNumber": 1, "ETag": small}, {"PartNumber": 2, "ETag": other}]) == (400, "EntityTooSmall")
    assert complete([{"PartNumber": 2, "ETag": other}, {"PartNumber": 1, "ETag": small}]) == (400, "InvalidPartOrder")
    assert complete([{"PartNumber": 1, "ETag": other}]) == (400, "InvalidPart")
    assert complete([{"PartNumber": 3, "ETag": small}]) == (400, "InvalidPart")
    assert complete([]) == (400, "MalformedXML")
    done = s3.complete_multipart_upload(Bucket=BUCKET, Key="checked", UploadId=upload,
                                        MultipartUpload={"Parts": [{"PartNumber": 2, "ETag": other}]})
    assert done["ETag"] == multipart_etag([b"other"])
    assert s3.get_object(Bucket=BUCKET, Key="checked")["Body"].read() == b"other"


def test_part_numbers_and_unknown_uploads(s3):
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="numbers")["UploadId"]
    for number in (0, 10001):
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            s3.upload_part(Bucket=BUCKET, Key="numbers", UploadId=upload, PartNumber=number, Body=b"x")
        assert error_of(caught) == (400, "InvalidArgument")
    for upload_id in ("0" * 32, "../../etc", "not-hex"):
        with pytest.raises(s3.exceptions.NoSuchUpload):
            s3.upload_part(Bucket=BUCKET, Key="numbers", UploadId=upload_id, PartNumber=1, Body=b"x")
    with pytest.raises(s3.exceptions.NoSuchUpload):  # an upload belongs to its key
        s3.upload_part(Bucket=BUCKET, Key="other-key", UploadId=upload, PartNumber=1, Body=b"x")


def test_replacing_a_part_and_listing_parts_in_pages(s3):
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="pages")["UploadId"]
    for number in range(1, 6):
        s3.upload_part(Bucket=BUCKET, Key="pages", UploadId=upload, PartNumber=number, Body=b"v1")
    replaced = s3.upload_part(Bucket=BUCKET, Key="pages", UploadId=upload, PartNumber=3, Body=b"v2")["ETag"]
    first = s3.list_parts(Bucket=BUCKET, Key="pages", UploadId=upload, MaxParts=2)
    assert ([p["PartNumber"] for p in first["Parts"]], first["IsTruncated"], first["NextPartNumberMarker"]) == (
        [1, 2], True, 2)
    rest = s3.list_parts(Bucket=BUCKET, Key="pages", UploadId=upload, PartNumberMarker=2)
    assert next((p["PartNumber"], p["ETag"]) for p in rest["Parts"]) == (3, replaced)
    assert [p["PartNumber"] for p in rest["Parts"]] == [3, 4, 5]


def test_abort(s3, bucket_dir):
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="aborted")["UploadId"]
    s3.upload_part(Bucket=BUCKET, Key="aborted", UploadId=upload, PartNumber=1, Body=b"x")
    assert s3.abort_multipart_upload(Bucket=BUCKET, Key="aborted", UploadId=upload)[
        "ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(s3.exceptions.NoSuchUpload):
        s3.abort_multipart_upload(Bucket=BUCKET, Key="aborted", UploadId=upload)
    assert not (bucket_dir.parent / ".multipart" / upload).exists()
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0


def test_upload_part_copy(s3):
    source = bytes(range(256)) * (24 * 1024)  # 6 MB
    s3.put_object(Bucket=BUCKET, Key="source", Body=source)
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="assembled")["UploadId"]
    one = s3.upload_part_copy(Bucket=BUCKET, Key="assembled", UploadId=upload, PartNumber=1,
                              CopySource={"Bucket": BUCKET, "Key": "source"}, CopySourceRange=f"bytes=0-{5 * MB - 1}")
    two = s3.upload_part_copy(Bucket=BUCKET, Key="assembled", UploadId=upload, PartNumber=2,
                              CopySource=f"{BUCKET}/source", CopySourceRange=f"bytes={5 * MB}-{6 * MB - 1}")
    assert one["CopyPartResult"]["ETag"] == f'"{hashlib.md5(source[:5 * MB]).hexdigest()}"'
    s3.complete_multipart_upload(Bucket=BUCKET, Key="assembled", UploadId=upload, MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": one["CopyPartResult"]["ETag"]},
        {"PartNumber": 2, "ETag": two["CopyPartResult"]["ETag"]}]})
    assert s3.get_object(Bucket=BUCKET, Key="assembled")["Body"].read() == source
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.upload_part_copy(Bucket=BUCKET, Key="assembled", UploadId=s3.create_multipart_upload(
            Bucket=BUCKET, Key="assembled")["UploadId"], PartNumber=1, CopySource=f"{BUCKET}/source",
            CopySourceRange=f"bytes=0-{6 * MB}")
    assert error_of(caught) == (400, "InvalidArgument")


def test_copy_of_a_multipart_object_gets_a_plain_md5(s3):
    data = os.urandom(5 * MB) + b"end"
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="mp")["UploadId"]
    parts = [{"PartNumber": n, "ETag": s3.upload_part(Bucket=BUCKET, Key="mp", UploadId=upload, PartNumber=n,
                                                      Body=body)["ETag"]}
             for n, body in ((1, data[:5 * MB]), (2, data[5 * MB:]))]
    s3.complete_multipart_upload(Bucket=BUCKET, Key="mp", UploadId=upload, MultipartUpload={"Parts": parts})
    copied = s3.copy_object(Bucket=BUCKET, Key="copy", CopySource={"Bucket": BUCKET, "Key": "mp"})
    assert copied["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'


def test_list_multipart_uploads(s3):
    ids = {}
    for key in ("logs/a", "logs/b", "logs/b", "data/x", "top"):
        ids.setdefault(key, []).append(s3.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"])
    listed = s3.list_multipart_uploads(Bucket=BUCKET)
    assert [u["Key"] for u in listed["Uploads"]] == ["data/x", "logs/a", "logs/b", "logs/b", "top"]
    assert [u["UploadId"] for u in listed["Uploads"] if u["Key"] == "logs/b"] == ids["logs/b"]
    grouped = s3.list_multipart_uploads(Bucket=BUCKET, Delimiter="/")
    assert ([u["Key"] for u in grouped["Uploads"]], [p["Prefix"] for p in grouped["CommonPrefixes"]]) == (
        ["top"], ["data/", "logs/"])
    assert [u["Key"] for u in s3.list_multipart_uploads(Bucket=BUCKET, Prefix="logs/")["Uploads"]] == [
        "logs/a", "logs/b", "logs/b"]
    page = s3.list_multipart_uploads(Bucket=BUCKET, MaxUploads=2)
    assert (page["IsTruncated"], page["NextKeyMarker"], page["NextUploadIdMarker"]) == (True, "logs/a", ids["logs/a"][0])
    rest = s3.list_multipart_uploads(Bucket=BUCKET, KeyMarker=page["NextKeyMarker"],
                                     UploadIdMarker=page["NextUploadIdMarker"])
    assert [u["Key"] for u in rest["Uploads"]] == ["logs/b", "logs/b", "top"]


def test_multipart_into_a_conflicting_key(s3):
    s3.put_object(Bucket=BUCKET, Key="taken", Body=b"file")
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="taken/below")["UploadId"]
    etag = s3.upload_part(Bucket=BUCKET, Key="taken/below", UploadId=upload, PartNumber=1, Body=b"x")["ETag"]
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.complete_multipart_upload(Bucket=BUCKET, Key="taken/below", UploadId=upload,
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert error_of(caught) == (409, "KeyConflict")
    assert [u["UploadId"] for u in s3.list_multipart_uploads(Bucket=BUCKET)["Uploads"]] == [upload]  # kept
    s3.delete_object(Bucket=BUCKET, Key="taken")
    s3.complete_multipart_upload(Bucket=BUCKET, Key="taken/below", UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert s3.get_object(Bucket=BUCKET, Key="taken/below")["Body"].read() == b"x"
