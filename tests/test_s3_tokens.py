"""Continuation tokens S3 never issued are refused, as S3 refuses them, by ListObjectsV2 and ListBuckets."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


@pytest.mark.parametrize("token", ["%%%", "not a token!", "a.b.c", "****"])
def test_list_objects_v2_refuses_a_token_it_never_issued(glue_emulator, token):
    s3 = glue_emulator.s3
    s3.create_bucket(Bucket="tokens")
    s3.put_object(Bucket="tokens", Key="a", Body=b"1")
    with pytest.raises(ClientError) as error:
        s3.list_objects_v2(Bucket="tokens", ContinuationToken=token)
    assert error.value.response["Error"]["Code"] == "InvalidArgument"
    assert error.value.response["Error"]["Message"] == "The continuation token provided is incorrect"


def test_list_buckets_refuses_a_token_it_never_issued(glue_emulator):
    with pytest.raises(ClientError) as error:
        glue_emulator.s3.list_buckets(ContinuationToken="%%%")
    assert error.value.response["Error"]["Code"] == "InvalidArgument"


def test_issued_tokens_still_page_through_every_key(glue_emulator):
    s3 = glue_emulator.s3
    s3.create_bucket(Bucket="pages")
    keys = ["a/ü", "b?x", "c~>>", "d/e/f", "z"]
    for key in keys:
        s3.put_object(Bucket="pages", Key=key, Body=b"1")
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket="pages", PaginationConfig={"PageSize": 2})
    assert [o["Key"] for page in pages for o in page.get("Contents", [])] == keys
    for name in ("bk1", "bk2", "bk3"):
        s3.create_bucket(Bucket=name)
    buckets = s3.get_paginator("list_buckets").paginate(PaginationConfig={"PageSize": 1})
    assert [b["Name"] for page in buckets for b in page["Buckets"]] == ["bk1", "bk2", "bk3", "pages"]
