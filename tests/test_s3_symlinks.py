"""One rule for symbolic links under the data dir: followed only while they stay inside their bucket.

A link out of the bucket is as good as absent (GET/HEAD NoSuchKey, listings leave it out, DELETE removes
nothing), writes through it answer AccessDenied, and nothing outside the data dir is ever read, written
or deleted. Job scripts follow the same rule.
"""

from __future__ import annotations

import os

import botocore.exceptions
import pytest
from support import run_to_end

BUCKET = "links"


@pytest.fixture
def outside(tmp_path):
    folder = tmp_path / "outside"
    (folder / "sub").mkdir(parents=True)
    (folder / "secret").write_bytes(b"secret")
    (folder / "sub" / "deeper").write_bytes(b"deeper")
    return folder


@pytest.fixture
def s3(glue_emulator):
    glue_emulator.s3.create_bucket(Bucket=BUCKET)
    return glue_emulator.s3


@pytest.fixture
def bucket_dir(glue_emulator, s3):
    return glue_emulator.server.data_dir / "s3" / BUCKET


def _code(call, *args, **kwargs) -> str:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call(*args, **kwargs)
    return caught.value.response["Error"]["Code"]


def _keys(s3, **kwargs) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, **kwargs).get("Contents", [])]


def _untouched(outside) -> None:
    assert sorted(p.relative_to(outside).as_posix() for p in outside.rglob("*")) == ["secret", "sub", "sub/deeper"]
    assert (outside / "secret").read_bytes() == b"secret"
    assert (outside / "sub" / "deeper").read_bytes() == b"deeper"


def test_a_linked_file_leading_out_of_the_bucket_is_absent_and_untouchable(s3, bucket_dir, outside):
    s3.put_object(Bucket=BUCKET, Key="plain", Body=b"plain")
    os.symlink(outside / "secret", bucket_dir / "out-file")
    assert _code(s3.get_object, Bucket=BUCKET, Key="out-file") == "NoSuchKey"
    assert _code(s3.head_object, Bucket=BUCKET, Key="out-file") == "404"
    assert _keys(s3) == ["plain"]
    assert _code(s3.copy_object, Bucket=BUCKET, Key="copy", CopySource={"Bucket": BUCKET, "Key": "out-file"}) == (
        "NoSuchKey")
    assert _code(s3.put_object, Bucket=BUCKET, Key="out-file", Body=b"overwrite") == "AccessDenied"
    assert _code(s3.copy_object, Bucket=BUCKET, Key="out-file", CopySource={"Bucket": BUCKET, "Key": "plain"}) == (
        "AccessDenied")
    s3.delete_object(Bucket=BUCKET, Key="out-file")
    s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": "out-file"}]})
    assert os.path.islink(bucket_dir / "out-file")  # not an object: not the API's to remove
    _untouched(outside)


def test_a_linked_folder_leading_out_of_the_bucket_is_absent_and_untouchable(s3, bucket_dir, outside):
    os.symlink(outside, bucket_dir / "out-dir")
    assert _code(s3.get_object, Bucket=BUCKET, Key="out-dir/secret") == "NoSuchKey"
    assert _code(s3.get_object, Bucket=BUCKET, Key="out-dir/sub/deeper") == "NoSuchKey"
    assert _keys(s3) == []
    assert _keys(s3, Prefix="out-dir/") == []
    assert s3.list_objects_v2(Bucket=BUCKET, Delimiter="/").get("CommonPrefixes") is None
    s3.delete_object(Bucket=BUCKET, Key="out-dir/secret")
    s3.delete_object(Bucket=BUCKET, Key="out-dir/sub/deeper")
    assert _code(s3.put_object, Bucket=BUCKET, Key="out-dir/new", Body=b"x") == "AccessDenied"
    assert _code(s3.put_object, Bucket=BUCKET, Key="out-dir/made/new", Body=b"x") == "AccessDenied"
    assert _code(s3.put_object, Bucket=BUCKET, Key="out-dir/secret", Body=b"x") == "AccessDenied"
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="out-dir/big")["UploadId"]
    etag = s3.upload_part(Bucket=BUCKET, Key="out-dir/big", UploadId=upload, PartNumber=1, Body=b"p")["ETag"]
    assert _code(s3.complete_multipart_upload, Bucket=BUCKET, Key="out-dir/big", UploadId=upload,
                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]}) == "AccessDenied"
    _untouched(outside)


def test_a_bucket_folder_that_is_a_link_is_no_bucket(glue_emulator, outside):
    s3 = glue_emulator.s3
    os.symlink(outside, glue_emulator.server.data_dir / "s3" / "linked-bucket")
    assert "linked-bucket" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert _code(s3.head_bucket, Bucket="linked-bucket") == "404"
    assert _code(s3.get_object, Bucket="linked-bucket", Key="secret") == "NoSuchBucket"
    assert _code(s3.delete_object, Bucket="linked-bucket", Key="secret") == "NoSuchBucket"
    glue_emulator.server.reset()  # a reset removes the link, never what it points to
    assert not os.path.lexists(glue_emulator.server.data_dir / "s3" / "linked-bucket")
    _untouched(outside)


def test_links_inside_the_bucket_are_followed(s3, bucket_dir):
    s3.put_object(Bucket=BUCKET, Key="dir/real", Body=b"real")
    os.symlink(bucket_dir / "dir" / "real", bucket_dir / "alias")
    os.symlink("dir", bucket_dir / "alias-dir")  # relative links too
    assert s3.get_object(Bucket=BUCKET, Key="alias")["Body"].read() == b"real"
    assert s3.get_object(Bucket=BUCKET, Key="alias-dir/real")["Body"].read() == b"real"
    assert _keys(s3) == ["alias", "alias-dir/real", "dir/real"]
    s3.put_object(Bucket=BUCKET, Key="alias-dir/new", Body=b"new")  # written into the linked folder
    assert (bucket_dir / "dir" / "new").read_bytes() == b"new"
    s3.put_object(Bucket=BUCKET, Key="alias", Body=b"replaced")  # replaces the link, not its target
    assert not os.path.islink(bucket_dir / "alias")
    assert s3.get_object(Bucket=BUCKET, Key="dir/real")["Body"].read() == b"real"
    s3.delete_object(Bucket=BUCKET, Key="alias-dir/new")
    assert not (bucket_dir / "dir" / "new").exists()


def test_a_listing_does_not_loop_through_links_to_folders_it_is_inside(s3, bucket_dir):
    s3.put_object(Bucket=BUCKET, Key="a/x", Body=b"x")
    s3.put_object(Bucket=BUCKET, Key="b/y", Body=b"y")
    os.symlink(bucket_dir / "a", bucket_dir / "a" / "self")
    os.symlink(bucket_dir, bucket_dir / "a" / "top")
    os.symlink(bucket_dir / "b", bucket_dir / "a" / "to-b")
    os.symlink(bucket_dir / "a", bucket_dir / "b" / "to-a")
    # Each folder is entered once per path: links back to a folder the walk is inside are not followed.
    assert _keys(s3) == ["a/to-b/y", "a/x", "b/to-a/x", "b/y"]


def _run(glue, job: str, script: str) -> dict:
    glue.create_job(Name=job, Role="r", Command={"Name": "pythonshell", "ScriptLocation": script,
                                                 "PythonVersion": "3.9"}, MaxCapacity=0.0625)
    return run_to_end(glue, job, timeout=120)


def test_job_scripts_follow_the_same_rule(glue_emulator, s3, bucket_dir, outside):
    (outside / "script.py").write_text("print('outside')\n")
    s3.put_object(Bucket=BUCKET, Key="scripts/real.py", Body=b"print('inside')\n")
    os.symlink(outside / "script.py", bucket_dir / "out.py")
    os.symlink(bucket_dir / "scripts" / "real.py", bucket_dir / "in.py")
    glue = glue_emulator.glue
    refused = _run(glue, "out", f"s3://{BUCKET}/out.py")
    assert refused["JobRunState"] in ("FAILED", "ERROR")
    assert "s3://links/out.py" in refused["ErrorMessage"]
    assert _run(glue, "in", f"s3://{BUCKET}/in.py")["JobRunState"] == "SUCCEEDED"
