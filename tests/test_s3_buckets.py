"""S3 buckets through boto3 and raw HTTP: lifecycle, names, regions, ownership, addressing, errors."""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from xml.etree import ElementTree

import botocore.exceptions
import pytest

from emulator.testing.server import EmulatorServer


def error_of(caught: pytest.ExceptionInfo) -> tuple[int, str, str]:
    response = caught.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"].get("Message", "")


def xml_error(body: bytes) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ElementTree.fromstring(body)}


def test_bucket_lifecycle(glue_emulator):
    s3 = glue_emulator.s3
    created = s3.create_bucket(Bucket="lifecycle")
    assert created["Location"] == "/lifecycle"
    assert (glue_emulator.server.data_dir / "s3" / "lifecycle").is_dir()
    head = s3.head_bucket(Bucket="lifecycle")
    assert head["BucketRegion"] == "us-east-1"
    listed = s3.list_buckets()
    assert [(b["Name"], b["BucketRegion"]) for b in listed["Buckets"]] == [("lifecycle", "us-east-1")]
    assert re.fullmatch(r"[0-9a-f]{64}", listed["Owner"]["ID"])
    assert s3.get_bucket_location(Bucket="lifecycle")["LocationConstraint"] is None
    assert "Status" not in s3.get_bucket_versioning(Bucket="lifecycle")
    assert s3.delete_bucket(Bucket="lifecycle")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.list_buckets()["Buckets"] == []
    assert not (glue_emulator.server.data_dir / "s3" / "lifecycle").exists()


def test_missing_bucket_is_no_such_bucket_with_its_name(glue_emulator):
    s3 = glue_emulator.s3
    for call in (lambda: s3.delete_bucket(Bucket="nowhere"), lambda: s3.list_objects_v2(Bucket="nowhere"),
                 lambda: s3.put_object(Bucket="nowhere", Key="k", Body=b"x"), lambda: s3.get_object(Bucket="nowhere", Key="k")):
        with pytest.raises(s3.exceptions.NoSuchBucket) as caught:
            call()
        assert error_of(caught) == (404, "NoSuchBucket", "The specified bucket does not exist")
        assert caught.value.response["Error"]["BucketName"] == "nowhere"
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.head_bucket(Bucket="nowhere")
    assert error_of(caught)[:2] == (404, "404")


def test_error_document_is_s3_xml(glue_emulator):
    status, headers, body = glue_emulator.server.request("GET", "/nowhere/key")
    headers = {name.lower(): value for name, value in headers.items()}
    assert status == 404
    assert headers["content-type"] == "application/xml"
    error = xml_error(body)
    assert error["Code"] == "NoSuchBucket"
    assert error["BucketName"] == "nowhere"
    assert error["RequestId"] == headers["x-amz-request-id"]
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Error>')


@pytest.mark.parametrize("name", ["ab", "a" * 64, "Upper-case", "under_score", "-leading", "trailing-", "two..dots",
                                  "192.168.1.1", "xn--punycode", "sthree-bucket", "name-s3alias", "name--ol-s3"])
def test_invalid_bucket_names_are_refused(glue_emulator, name):
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        glue_emulator.s3.create_bucket(Bucket=name)
    assert error_of(caught) == (400, "InvalidBucketName", "The specified bucket is not valid.")
    assert caught.value.response["Error"]["BucketName"] == name
    assert list((glue_emulator.server.data_dir / "s3").iterdir()) == []


@pytest.mark.parametrize("name", ["abc", "a" * 63, "my.bucket.name", "0-9", "x1-y2.z3"])
def test_valid_bucket_names_are_accepted(glue_emulator, name):
    glue_emulator.s3.create_bucket(Bucket=name)
    assert glue_emulator.s3.head_bucket(Bucket=name)["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_region_rules_of_create_bucket(glue_emulator):
    east, west = glue_emulator.s3, glue_emulator.client("s3", "eu-west-1")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        west.create_bucket(Bucket="west-no-constraint")
    assert error_of(caught)[:2] == (400, "IllegalLocationConstraintException")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        east.create_bucket(Bucket="east-explicit", CreateBucketConfiguration={"LocationConstraint": "us-east-1"})
    assert error_of(caught)[:2] == (400, "InvalidLocationConstraint")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        west.create_bucket(Bucket="mismatch", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    assert error_of(caught) == (400, "IllegalLocationConstraintException", ("The eu-central-1 location constraint is "
                                "incompatible for the region specific endpoint this request was sent to."))
    west.create_bucket(Bucket="in-west", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert east.get_bucket_location(Bucket="in-west")["LocationConstraint"] == "eu-west-1"
    assert east.head_bucket(Bucket="in-west")["BucketRegion"] == "eu-west-1"
    assert [b["BucketRegion"] for b in east.list_buckets()["Buckets"]] == ["eu-west-1"]
    assert glue_emulator.server.data_dir.joinpath("s3", "in-west").is_dir()


def test_creating_an_existing_bucket(glue_emulator):
    east, west = glue_emulator.s3, glue_emulator.client("s3", "eu-west-1")
    east.create_bucket(Bucket="legacy-east")
    east.put_object(Bucket="legacy-east", Key="kept", Body=b"1")
    assert east.create_bucket(Bucket="legacy-east")["ResponseMetadata"]["HTTPStatusCode"] == 200  # us-east-1 legacy
    assert east.get_object(Bucket="legacy-east", Key="kept")["Body"].read() == b"1"
    west.create_bucket(Bucket="mine-west", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    with pytest.raises(west.exceptions.BucketAlreadyOwnedByYou) as caught:
        west.create_bucket(Bucket="mine-west", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert error_of(caught)[0] == 409
    other_account = glue_emulator.server.client("s3", access_key="111122223333")
    with pytest.raises(other_account.exceptions.BucketAlreadyExists) as caught:
        other_account.create_bucket(Bucket="legacy-east")
    assert error_of(caught)[0] == 409
    assert other_account.list_buckets()["Buckets"] == []  # buckets are listed by owner
    other_account.put_object(Bucket="legacy-east", Key="shared", Body=b"2")  # no IAM: any account may write
    assert east.get_object(Bucket="legacy-east", Key="shared")["Body"].read() == b"2"


def test_delete_bucket_refuses_objects_but_not_hadoop_side_files(glue_emulator):
    s3 = glue_emulator.s3
    s3.create_bucket(Bucket="full")
    s3.put_object(Bucket="full", Key="dir/object", Body=b"x")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.delete_bucket(Bucket="full")
    assert error_of(caught) == (409, "BucketNotEmpty", "The bucket you tried to delete is not empty")
    s3.delete_object(Bucket="full", Key="dir/object")
    side = glue_emulator.server.data_dir / "s3" / "full" / "out"
    (side / "_temporary" / "0").mkdir(parents=True)
    (side / "_temporary" / "0" / "part-0").write_bytes(b"staged")
    (side / ".part-0.crc").write_bytes(b"crc")
    s3.create_multipart_upload(Bucket="full", Key="pending")
    s3.delete_bucket(Bucket="full")
    assert not (glue_emulator.server.data_dir / "s3" / "full").exists()
    s3.create_bucket(Bucket="full")
    assert s3.list_multipart_uploads(Bucket="full").get("Uploads", []) == []


def test_a_folder_made_by_hand_is_a_bucket(glue_emulator):
    folder = glue_emulator.server.data_dir / "s3" / "by-hand"
    (folder / "raw").mkdir(parents=True)
    (folder / "raw" / "data.csv").write_bytes(b"a,b\n")
    (glue_emulator.server.data_dir / "s3" / "Not_A_Bucket").mkdir()
    s3 = glue_emulator.s3
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["by-hand"]
    assert s3.get_object(Bucket="by-hand", Key="raw/data.csv")["Body"].read() == b"a,b\n"


def test_list_buckets_prefix_and_pages(glue_emulator):
    s3 = glue_emulator.s3
    for name in ("alpha-1", "alpha-2", "alpha-3", "beta-1"):
        s3.create_bucket(Bucket=name)
    assert [b["Name"] for b in s3.list_buckets(Prefix="alpha")["Buckets"]] == ["alpha-1", "alpha-2", "alpha-3"]
    first = s3.list_buckets(MaxBuckets=2)
    assert [b["Name"] for b in first["Buckets"]] == ["alpha-1", "alpha-2"]
    rest = s3.list_buckets(MaxBuckets=2, ContinuationToken=first["ContinuationToken"])
    assert [b["Name"] for b in rest["Buckets"]] == ["alpha-3", "beta-1"]
    assert "ContinuationToken" not in rest


def test_unimplemented_operation_is_named(glue_emulator):
    s3 = glue_emulator.s3
    s3.create_bucket(Bucket="policy")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.get_bucket_policy(Bucket="policy")
    assert error_of(caught) == (501, "NotImplemented", ("glue-emulator does not implement the S3 operation "
                                "GetBucketPolicy yet"))


def test_method_without_operation_is_method_not_allowed(glue_emulator):
    status, _, body = glue_emulator.server.request("PATCH", "/some-bucket/key", b"")
    assert status == 405
    assert xml_error(body)["Code"] == "MethodNotAllowed"


def test_virtual_host_addressing_by_host_header(glue_emulator):
    server = glue_emulator.server
    for host in (f"vhost-bucket.localhost:{server.port}", f"vhost-bucket.s3.localhost:{server.port}"):
        status, _, _ = server.request("PUT", "/", b"", {"Host": host})
        assert status in (200, 409)
    status, _, _ = server.request("PUT", "/dir/file.txt", b"virtual", {"Host": f"vhost-bucket.localhost:{server.port}"})
    assert status == 200
    assert (server.data_dir / "s3" / "vhost-bucket" / "dir" / "file.txt").read_bytes() == b"virtual"
    status, _, body = server.request("GET", "/dir/file.txt", None, {"Host": f"vhost-bucket.s3.localhost:{server.port}"})
    assert (status, body) == (200, b"virtual")
    assert glue_emulator.s3.get_object(Bucket="vhost-bucket", Key="dir/file.txt")["Body"].read() == b"virtual"


def test_boto3_virtual_host_style(glue_emulator):
    """boto3 with addressing_style=virtual sends Host: <bucket>.localhost:PORT."""
    import boto3
    from botocore.config import Config

    port = glue_emulator.server.port
    s3 = boto3.client("s3", endpoint_url=f"http://localhost:{port}", region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing",
                      config=Config(s3={"addressing_style": "virtual"}, retries={"max_attempts": 1}))
    hosts = []

    def to_loopback(request, **_):  # *.localhost does not resolve here: connect to 127.0.0.1, keep the Host
        netloc = urlsplit(request.url).netloc
        hosts.append(netloc)
        request.headers["Host"] = netloc
        request.url = request.url.replace(netloc, f"127.0.0.1:{port}", 1)

    s3.meta.events.register("before-send.s3", to_loopback)
    s3.create_bucket(Bucket="virtual-style")
    s3.put_object(Bucket="virtual-style", Key="a/b.txt", Body=b"hello")
    assert s3.get_object(Bucket="virtual-style", Key="a/b.txt")["Body"].read() == b"hello"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="virtual-style")["Contents"]] == ["a/b.txt"]
    assert hosts[0] == f"virtual-style.localhost:{port}"
    assert (glue_emulator.server.data_dir / "s3" / "virtual-style" / "a" / "b.txt").read_bytes() == b"hello"


def test_reset_wipes_buckets_and_files(glue_emulator):
    s3 = glue_emulator.s3
    s3.create_bucket(Bucket="wiped")
    s3.put_object(Bucket="wiped", Key="k", Body=b"x")
    s3.create_multipart_upload(Bucket="wiped", Key="m")
    glue_emulator.server.reset()
    assert s3.list_buckets()["Buckets"] == []
    assert list((glue_emulator.server.data_dir / "s3").iterdir()) == []


def test_restart_keeps_buckets_objects_and_uploads(tmp_path):
    env = {"GLUE_EMULATOR_SPARK_PREWARM": "0"}
    server = EmulatorServer(tmp_path / "data", env=env).start()
    try:
        s3 = server.client("s3")
        s3.create_bucket(Bucket="durable")
        s3.put_object(Bucket="durable", Key="dir/object.json", Body=b'{"a": 1}', ContentType="application/json",
                      Metadata={"owner": "team"}, Tagging="stage=raw")
        upload = s3.create_multipart_upload(Bucket="durable", Key="later")["UploadId"]
        part = s3.upload_part(Bucket="durable", Key="later", UploadId=upload, PartNumber=1, Body=b"tail")
        etag = s3.head_object(Bucket="durable", Key="dir/object.json")["ETag"]
    finally:
        server.kill()  # as a crash would: what was acknowledged must survive
    server = EmulatorServer(tmp_path / "data", env=env).start()
    try:
        s3 = server.client("s3")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["durable"]
        got = s3.get_object(Bucket="durable", Key="dir/object.json")
        assert (got["Body"].read(), got["ContentType"], got["Metadata"], got["ETag"], got["TagCount"]) == (
            b'{"a": 1}', "application/json", {"owner": "team"}, etag, 1)
        s3.complete_multipart_upload(Bucket="durable", Key="later", UploadId=upload,
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        assert s3.get_object(Bucket="durable", Key="later")["Body"].read() == b"tail"
        assert [o["Key"] for o in s3.list_objects_v2(Bucket="durable")["Contents"]] == ["dir/object.json", "later"]
    finally:
        server.stop()
