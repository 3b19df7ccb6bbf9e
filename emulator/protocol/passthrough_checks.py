"""What AWS refuses before a service looks at a request, checked for the services answered by moto.

moto trusts its input: a request without a required parameter, naming an action the service lacks, or with a
body that is not JSON makes it raise, and its server answers HTTP 500 InternalFailure, where AWS answers a 400
the SDK raises as a client error. So a request to a pass-through service is first read against that service's
botocore model (the same model the SDKs are generated from) and refused as AWS refuses it:

- awsJson services (Secrets Manager, SSM, SQS, KMS, ...): a body that is not a JSON object is
  `SerializationException`; an X-Amz-Target naming no operation is `UnknownOperationException`; a missing
  required member is `ValidationException` "1 validation error detected: Value null at 'secretId' failed to
  satisfy constraint: Member must not be null" (AWS's validation wording, member names in lower camel case);
  a top-level member of the wrong JSON type is `SerializationException`.
- query services (STS, IAM, SNS, RDS, Redshift): an unknown Action is `InvalidAction` "Could not find operation
  X for version V"; a missing required parameter is `ValidationError` with the same wording.
- EC2: an unknown Action is `InvalidAction`; a missing parameter is `MissingParameter` "The request must contain
  the parameter X" (EC2's error-code reference).
Sources: AWS's common errors page (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html) and the
per-service error lists. Other protocols (REST-JSON, CBOR) pass unchecked.
"""

from __future__ import annotations

import json
import urllib.parse
import uuid
from functools import cache
from typing import Any
from xml.etree import ElementTree

from botocore.model import ServiceModel, Shape, StructureShape
from werkzeug.wrappers import Response

from ..errors import AwsError
from . import awsjson
from .refusals import query_error

# The JSON types a top-level member of each botocore type may take (a timestamp is a number or a string).
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "blob": (str,), "boolean": (bool,), "integer": (int,), "long": (int,),
    "float": (int, float), "double": (int, float), "timestamp": (int, float, str),
    "structure": (dict,), "map": (dict,), "list": (list,),
}


@cache
def _model(service: str) -> ServiceModel | None:
    from ..botocore_data import botocore_session

    try:
        return botocore_session().get_service_model(service)
    except Exception:  # a moto backend without a botocore model of the same name: nothing to check against
        return None


def check(service: str, environ: dict[str, Any], body: bytes) -> Response | None:
    """The refusal AWS would give this request to `service` (a moto backend name), or None to let it through."""
    model = _model(service)
    if model is None:
        return None
    target = environ.get("HTTP_X_AMZ_TARGET")
    if model.protocol == "json" and target:
        return _check_json(model, target, body)
    if model.protocol in ("query", "ec2"):
        params = dict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
            params.update(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        if "Action" in params:
            return _check_query(model, params)
    return None


def _check_json(model: ServiceModel, target: str, body: bytes) -> Response | None:
    request_id = str(uuid.uuid4())
    operation = target.rpartition(".")[2]
    if operation not in model.operation_names:
        return awsjson.error_response(AwsError(f"Operation {operation} not found.", "UnknownOperationException"),
                                      request_id)
    try:
        params = json.loads(body) if body.strip() else {}
    except ValueError:
        params = None
    if not isinstance(params, dict):
        return awsjson.error_response(AwsError("The request body is not a JSON object.", "SerializationException"),
                                      request_id)
    shape = model.operation_model(operation).input_shape
    if shape is None:
        return None
    for name, member in shape.members.items():
        value = params.get(name)
        if value is None:
            continue
        if not isinstance(value, _JSON_TYPES.get(member.type_name, (object,))) or (
            isinstance(value, bool) and member.type_name not in ("boolean",)
        ):
            return awsjson.error_response(AwsError(
                f"{_json_kind(value)} can not be converted to {_type_word(member)} (member {name}).",
                "SerializationException"), request_id)
    missing = _missing(shape, lambda name: params.get(name) is not None)
    if missing:
        return awsjson.error_response(AwsError(_not_null(missing), "ValidationException"), request_id)
    return None


def _check_query(model: ServiceModel, params: dict[str, str]) -> Response | None:
    request_id = str(uuid.uuid4())
    action = params["Action"]
    if action not in model.operation_names:
        message = f"Could not find operation {action} for version {params.get('Version', model.api_version)}"
        if model.protocol == "ec2":
            return _ec2_error("InvalidAction", message, request_id)
        return query_error("InvalidAction", 400, message, request_id)
    shape = model.operation_model(action).input_shape
    if shape is None:
        return None
    # A list or structure arrives flattened (Tags.member.1.Key; EC2: InstanceId.1): any key under the name counts.
    given = {key.split(".", 1)[0] for key in params}
    serialized = {name: _query_name(model, name, member) for name, member in shape.members.items()}
    missing = _missing(shape, lambda name: serialized[name] in given or name in given)
    if not missing:
        return None
    if model.protocol == "ec2":
        return _ec2_error("MissingParameter", f"The request must contain the parameter {serialized[missing[0]]}",
                          request_id)
    return query_error("ValidationError", 400, _not_null(missing), request_id)


def _query_name(model: ServiceModel, name: str, member: Shape) -> str:
    """The parameter name on the wire: EC2 sends queryName or the capitalized locationName (botocore's serializer)."""
    if model.protocol != "ec2":
        return member.serialization.get("name", name)
    wire = member.serialization.get("queryName") or member.serialization.get("name", name)
    return wire[:1].upper() + wire[1:]


def _ec2_error(code: str, message: str, request_id: str) -> Response:
    """EC2's error document: <Response><Errors><Error>, unlike the other query services' <ErrorResponse>."""
    root = ElementTree.Element("Response")
    error = ElementTree.SubElement(ElementTree.SubElement(root, "Errors"), "Error")
    ElementTree.SubElement(error, "Code").text = code
    ElementTree.SubElement(error, "Message").text = message
    ElementTree.SubElement(root, "RequestID").text = request_id
    body = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, status=400, headers={"Content-Type": "text/xml", "x-amzn-RequestId": request_id})


def _missing(shape: StructureShape, present: Any) -> list[str]:
    return [name for name in shape.required_members if not present(name)]


def _not_null(names: list[str]) -> str:
    """AWS's validation message for required members left out."""
    count = len(names)
    detail = "; ".join(
        f"Value null at '{name[:1].lower() + name[1:]}' failed to satisfy constraint: Member must not be null"
        for name in names
    )
    return f"{count} validation error{'s' if count > 1 else ''} detected: {detail}"


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "BOOLEAN_VALUE"
    if isinstance(value, (int, float)):
        return "NUMBER_VALUE"
    if isinstance(value, str):
        return "STRING_VALUE"
    return "START_ARRAY" if isinstance(value, list) else "START_OBJECT"


def _type_word(member: Shape) -> str:
    return {"structure": "Structure", "map": "Map", "list": "List", "blob": "Blob"}.get(
        member.type_name, member.type_name.capitalize())
