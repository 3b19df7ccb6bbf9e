"""The AWS CLI (v1, a test extra) drives security configurations and resource policies against a live server."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from clients.readme import client_env, run

POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
                                                  "Action": "glue:GetDatabase", "Resource": "*"}]}


def test_awscli_security_configuration_and_resource_policy(server: Any, glue: Any, tmp_path: Path) -> None:
    aws = shutil.which("aws", path=str(Path(sys.executable).parent))
    if aws is None:
        pytest.skip("the AWS CLI is not installed next to this Python (pip install '.[test]')")
    env = client_env(tmp_path)

    def cli(*args: str) -> Any:
        out = run([aws, "--endpoint-url", server.endpoint, "--output", "json", "glue", *args], tmp_path, env)
        return json.loads(out) if out.strip() else None

    cli("create-security-configuration", "--name", "cli-sc", "--encryption-configuration",
        '{"S3Encryption": [{"S3EncryptionMode": "SSE-S3"}]}')
    got = cli("get-security-configuration", "--name", "cli-sc")["SecurityConfiguration"]
    assert got["EncryptionConfiguration"]["JobBookmarksEncryption"] == {"JobBookmarksEncryptionMode": "DISABLED"}
    assert [c["Name"] for c in cli("get-security-configurations")["SecurityConfigurations"]] == ["cli-sc"]

    policy_hash = cli("put-resource-policy", "--policy-in-json", json.dumps(POLICY),
                      "--policy-exists-condition", "NOT_EXIST")["PolicyHash"]
    assert cli("get-resource-policy")["PolicyHash"] == policy_hash
    denied = [aws, "--endpoint-url", server.endpoint, "glue", "put-resource-policy", "--policy-in-json",
              json.dumps(POLICY), "--policy-hash-condition", "stale"]
    failed = subprocess.run(denied, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert failed.returncode != 0 and "ConditionCheckFailureException" in failed.stderr
    cli("delete-resource-policy", "--policy-hash-condition", policy_hash)
    cli("delete-security-configuration", "--name", "cli-sc")
    assert glue.get_security_configurations()["SecurityConfigurations"] == []
    assert glue.get_resource_policies()["GetResourcePoliciesResponseList"] == []
