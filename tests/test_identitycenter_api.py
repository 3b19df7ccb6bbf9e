"""Glue's Identity Center configuration (one per account) through boto3 against a live emulator."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

INSTANCE = "arn:aws:sso:::instance/ssoins-1234567890abcdef"


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return error.value.response["Error"]["Code"]


def test_lifecycle_one_configuration_per_account(glue_emulator):
    glue = glue_emulator.glue
    application = glue.create_glue_identity_center_configuration(InstanceArn=INSTANCE, Scopes=["redshift:connect"])[
        "ApplicationArn"]
    assert re.fullmatch(r"arn:aws:sso::123456789012:application/ssoins-1234567890abcdef/apl-[0-9a-f]{16}", application)
    got = glue.get_glue_identity_center_configuration()
    assert (got["ApplicationArn"], got["InstanceArn"], got["Scopes"], got["UserBackgroundSessionsEnabled"]) == (
        application, INSTANCE, ["redshift:connect"], False)
    with pytest.raises(ClientError) as twice:
        glue.create_glue_identity_center_configuration(InstanceArn=INSTANCE)
    assert _code(twice) == "AlreadyExistsException"
    glue.update_glue_identity_center_configuration(UserBackgroundSessionsEnabled=True)
    updated = glue.get_glue_identity_center_configuration()
    assert (updated["Scopes"], updated["UserBackgroundSessionsEnabled"]) == (["redshift:connect"], True)
    glue.delete_glue_identity_center_configuration()
    for call in (glue.get_glue_identity_center_configuration, glue.delete_glue_identity_center_configuration,
                 lambda: glue.update_glue_identity_center_configuration(Scopes=["x"])):
        with pytest.raises(ClientError) as missing:
            call()
        assert _code(missing) == "EntityNotFoundException"
    # Deleted, the account can configure again.
    assert glue.create_glue_identity_center_configuration(InstanceArn=INSTANCE)["ApplicationArn"] != application


def test_each_account_and_region_has_its_own(glue_emulator):
    glue_emulator.glue.create_glue_identity_center_configuration(InstanceArn=INSTANCE)
    with pytest.raises(ClientError) as elsewhere:
        glue_emulator.client("glue", "eu-west-1").get_glue_identity_center_configuration()
    assert _code(elsewhere) == "EntityNotFoundException"


@pytest.mark.parametrize("arn", ["arn:aws:iam::123456789012:role/x", "arn:aws:sso:::instance/nope",
                                 "not-an-arn-at-all"])
def test_an_instance_arn_that_is_not_an_identity_center_instance_is_invalid_input(glue_emulator, arn):
    with pytest.raises(ClientError) as bad:
        glue_emulator.glue.create_glue_identity_center_configuration(InstanceArn=arn)
    assert _code(bad) == "InvalidInputException"
