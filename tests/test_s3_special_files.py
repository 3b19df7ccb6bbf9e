"""A file in a bucket folder that is not a regular file (a FIFO someone made there by hand) is as good as absent:
GET and HEAD answer NoSuchKey at once instead of holding a request thread until a writer opens the FIFO."""

from __future__ import annotations

import os

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

BUCKET = "special"


def test_a_fifo_in_a_bucket_folder_is_no_object(glue_emulator):
    server = glue_emulator.server
    key, secret = server.credentials
    s3 = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=key,
                      aws_secret_access_key=secret, config=Config(read_timeout=20, retries={"max_attempts": 1}))
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="kept", Body=b"kept")
    os.mkfifo(glue_emulator.server.data_dir / "s3" / BUCKET / "pipe")
    for call in (s3.get_object, s3.head_object):
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            call(Bucket=BUCKET, Key="pipe")
        assert caught.value.response["Error"]["Code"] in ("NoSuchKey", "404")
    assert s3.get_object(Bucket=BUCKET, Key="kept")["Body"].read() == b"kept"
    listed = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert "pipe" not in listed
    os.unlink(glue_emulator.server.data_dir / "s3" / BUCKET / "pipe")
