"""AWS services a pipeline touches beyond Glue, S3 and CloudWatch Logs (STS, IAM, Secrets Manager, SSM,
SNS, SQS, ...), answered on the same endpoint by moto's in-process server.

moto never serves Glue, S3, Logs or Athena: requests signed for those stay with the emulator. Only the services of
an allowlist reach moto (`DEFAULT_SERVICES`, or the moto backend names in GLUE_EMULATOR_PASSTHROUGH_SERVICES);
the check is on the backend moto itself picks for the request, so no header trick reaches another one.
moto's own API (`/moto-api/*`: state, seeding, dashboard), its instance-metadata imitation and the services
that make moto start Docker containers or could (Lambda, Batch, and CloudFormation and Step Functions,
which invoke Lambda) are never served. Others answer HTTP 501 `NotImplemented` naming the setting.
moto keeps its state in memory: it is wiped by reset and does not survive a restart.
"""

from __future__ import annotations

import io
import re
import sys
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request

from .events import targets
from .protocol import passthrough_checks, refusals

if TYPE_CHECKING:
    from .core import Emulator

OWN_SERVICES = frozenset({"glue", "s3", "logs", "athena"})
SETTING = "GLUE_EMULATOR_PASSTHROUGH_SERVICES"
# moto backend names (moto.backends.list_of_moto_modules()): services a Glue pipeline calls that moto
# answers from memory alone.
DEFAULT_SERVICES = frozenset({
    "cloudwatch", "dynamodb", "dynamodbstreams", "ec2", "events", "firehose", "iam", "kinesis", "kms",
    "lakeformation", "rds", "redshift", "secretsmanager", "sns", "sqs", "ssm", "sts",
})
# Never served, whatever the setting: moto's own API and internals, the emulator's own services, and
# the services that run (or make moto run) Docker containers.
NEVER_SERVED = frozenset({
    "moto_api", "moto_proxy", "moto_server", "instance_metadata", "core", "utilities", "packages",
    "glue", "s3", "s3bucket_path", "logs", "athena",
    "awslambda", "awslambda_simple", "batch", "batch_simple", "cloudformation", "stepfunctions",
})
_SIGNED_SERVICE = re.compile(r"Credential=[^/,\s]*/\d{8}/[^/,\s]+/([^/,\s]+)/aws4_request")


def signed_service(environ: dict[str, Any]) -> str | None:
    """The service a request is signed for (SigV4 header or presigned URL), or None if unsigned."""
    for source in (environ.get("HTTP_AUTHORIZATION", ""), environ.get("QUERY_STRING", "").replace("%2F", "/")):
        match = _SIGNED_SERVICE.search(source.replace("X-Amz-Credential=", "Credential="))
        if match:
            return match.group(1)
    return None


class MotoServices:
    """moto's WSGI application, built on first use (importing moto costs over a second)."""

    def __init__(self, emulator: Emulator):
        self._dispatcher: Any = None
        self._lock = threading.Lock()
        configured = emulator.settings.passthrough_services
        self.allowed = frozenset(configured if configured is not None else DEFAULT_SERVICES) - NEVER_SERVED

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self._dispatcher is None:
            with self._lock:
                if self._dispatcher is None:
                    from moto.server import DomainDispatcherApplication, create_backend_app

                    self._dispatcher = DomainDispatcherApplication(create_backend_app)
                    targets.install()  # EventBridge's SNS and Glue workflow targets, disabled rules
        # The backend moto would dispatch to (it reads the path, then the credential scope, the target and
        # the body): building its app runs nothing, calling it would.
        app = self._dispatcher.get_application(environ)
        backend = getattr(app, "service", None)
        if backend not in self.allowed:
            return refusals.refusal(
                Request(environ),
                refusals.family_of(environ, "moto"),
                "not_served",
                f"glue-emulator does not serve {backend or 'this service'} (moto backend {backend!r}); the services "
                f"answered besides Glue, S3 and Logs are {', '.join(sorted(self.allowed)) or 'none'} ({SETTING}).",
            )(environ, start_response)
        # moto answers 500 to what AWS refuses with a 400 (a missing parameter, an unknown action): refuse it first.
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        refused = passthrough_checks.check(backend, environ, body)
        if refused is not None:
            return refused(environ, start_response)
        return app(environ, start_response)


def reset_backends() -> None:
    """Empty moto's in-process backends (an emulator reset hook).

    Not a MotoServices method: the emulator writes into moto without a request through the dispatcher (job
    metrics into CloudWatch, EventBridge events and SNS messages: events/), so moto can hold state on a server
    whose MotoServices was never built. Before moto is imported there is nothing to empty.
    """
    if "moto" in sys.modules:
        from moto.moto_api._internal.models import moto_api_backend

        moto_api_backend.reset()
