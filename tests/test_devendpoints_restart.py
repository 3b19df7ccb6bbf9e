"""Dev endpoints and resource policies survive a restart: state is in the store, statuses follow the stored times."""

from __future__ import annotations

from pathlib import Path

from emulator.config import Settings
from emulator.context import RequestContext
from emulator.core import Emulator
from emulator.devendpoints.endpoints import TRANSITION_SECONDS, create_dev_endpoint, get_dev_endpoint
from emulator.governance.resource_policies import get_resource_policy, put_resource_policy

ROLE = "arn:aws:iam::123456789012:role/GlueRole"
POLICY = '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "glue:GetDatabase", "Resource": "*"}]}'


def _context(data_dir: Path, time_scale: float) -> RequestContext:
    emulator = Emulator(Settings(data_dir=data_dir, spark_prewarm=False, time_scale=time_scale))
    return RequestContext("123456789012", "us-east-1", "test", emulator)


def test_an_endpoint_provisioning_at_shutdown_is_ready_after_restart(tmp_path: Path) -> None:
    # A slow clock keeps the endpoint PROVISIONING while the first server runs.
    first = _context(tmp_path / "data", time_scale=1.0)
    created = create_dev_endpoint(first, {"EndpointName": "dev", "RoleArn": ROLE})
    policy_hash = put_resource_policy(first, {"PolicyInJson": POLICY})["PolicyHash"]
    assert get_dev_endpoint(first, {"EndpointName": "dev"})["DevEndpoint"]["Status"] == "PROVISIONING"
    first.emulator.shutdown()

    # The transition's end was stored: the second server sees it over once its time has passed.
    second = _context(tmp_path / "data", time_scale=1.0)
    try:
        endpoint = get_dev_endpoint(second, {"EndpointName": "dev"})["DevEndpoint"]
        assert endpoint["CreatedTimestamp"] == created["CreatedTimestamp"]
        assert endpoint["Status"] == "PROVISIONING"
        record = second.store.get(second.scope, "dev-endpoint", "", "dev")
        assert record is not None
        record["_TransitionEnds"] -= TRANSITION_SECONDS  # as if the minute had passed
        second.store.put(second.scope, "dev-endpoint", "", "dev", record)
        assert get_dev_endpoint(second, {"EndpointName": "dev"})["DevEndpoint"]["Status"] == "READY"
        assert get_resource_policy(second, {})["PolicyHash"] == policy_hash
    finally:
        second.emulator.shutdown()
