"""Dev endpoints driven the way Terraform's aws_glue_dev_endpoint drives them (boto3 against a live server).

The provider retries UpdateDevEndpoint only while the InvalidInputException's message contains "another
concurrent update operation" (internal/service/glue/dev_endpoint.go, resourceDevEndpointUpdate): an apply that
changes an endpoint still UPDATING from the previous apply must be retried, not failed.
"""

from __future__ import annotations

from typing import Any

import pytest
from support import ROLE, TRANSITION_ENV, wait_until

SERVER_ENV = TRANSITION_ENV  # the tests act on endpoints still PROVISIONING or UPDATING
RETRIED_BY_TERRAFORM = "another concurrent update operation"


def _status(glue: Any, name: str) -> str:
    return glue.get_dev_endpoint(EndpointName=name)["DevEndpoint"]["Status"]


@pytest.mark.parametrize("busy", ["PROVISIONING", "UPDATING"])
def test_update_while_busy_says_what_terraform_retries_on(glue: Any, busy: str) -> None:
    glue.create_dev_endpoint(EndpointName="tf", RoleArn=ROLE, GlueVersion="1.0")
    if busy == "UPDATING":
        wait_until(lambda: _status(glue, "tf"), "dev endpoint READY", until=lambda s: s == "READY")
        glue.update_dev_endpoint(EndpointName="tf", AddArguments={"--enable-glue-datacatalog": ""})
    assert _status(glue, "tf") == busy

    with pytest.raises(glue.exceptions.InvalidInputException) as caught:
        glue.update_dev_endpoint(EndpointName="tf", AddPublicKeys=["ssh-rsa AAAA k1"])
    assert RETRIED_BY_TERRAFORM in caught.value.response["Error"]["Message"]
    assert "PublicKeys" not in glue.get_dev_endpoint(EndpointName="tf")["DevEndpoint"]  # nothing changed

    # Terraform's retry then goes through once the endpoint is READY.
    wait_until(lambda: _status(glue, "tf"), "dev endpoint READY", until=lambda s: s == "READY")
    glue.update_dev_endpoint(EndpointName="tf", AddPublicKeys=["ssh-rsa AAAA k1"])
    assert glue.get_dev_endpoint(EndpointName="tf")["DevEndpoint"]["PublicKeys"] == ["ssh-rsa AAAA k1"]


def test_single_public_key_replaced_by_a_list_as_documented(glue: Any) -> None:
    """DevEndpoint.PublicKeys (API reference): an endpoint created with a PublicKey must lose it before it takes a
    list, by UpdateDevEndpoint with that key's content in DeletePublicKeys and the new keys in AddPublicKeys."""
    glue.create_dev_endpoint(EndpointName="keys", RoleArn=ROLE, PublicKey="ssh-rsa AAAA old")
    wait_until(lambda: _status(glue, "keys"), "dev endpoint READY", until=lambda s: s == "READY")

    glue.update_dev_endpoint(EndpointName="keys", DeletePublicKeys=["ssh-rsa AAAA old"],
                             AddPublicKeys=["ssh-rsa AAAA k1", "ssh-rsa AAAA k2"])
    endpoint = glue.get_dev_endpoint(EndpointName="keys")["DevEndpoint"]
    assert "PublicKey" not in endpoint
    assert endpoint["PublicKeys"] == ["ssh-rsa AAAA k1", "ssh-rsa AAAA k2"]
