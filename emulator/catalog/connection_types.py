"""Connection types: ListConnectionTypes, DescribeConnectionType, RegisterConnectionType, DeleteConnectionType.

Built-in types are the ConnectionType values of Glue's API model (JDBC, KAFKA, MONGODB, NETWORK, the native
database connectors, the SaaS connectors, ...). Each is described with capabilities (authentication types,
read/write, compute environments) as we read Glue's connection documentation
(https://docs.aws.amazon.com/glue/latest/dg/connection-properties.html and the per-connector pages): a
judgement, not a copy of AWS's answer, which we could not observe. ConnectionProperties are listed for the
types whose property names that page gives (JDBC, KAFKA, MONGODB, CUSTOM, MARKETPLACE); the others are
described by their capabilities alone.

Custom types are REST connectors registered with RegisterConnectionType
(https://docs.aws.amazon.com/glue/latest/webapi/API_RegisterConnectionType.html): stored under their name with
ARN `arn:aws:glue:<region>:<account>:connectionType/<name>`, listed after the built-ins, described from what was
registered (Url and AdditionalRequestParameters as ConnectionProperties, the authentication types, the
RestConfiguration), and deleted by DeleteConnectionType. Their names start with "REST-" (ValidationException
otherwise, as the API reference requires). A name that is taken (built-in or registered) is
InvalidInputException; describing an unknown type is InvalidInputException (the operation has no
EntityNotFoundException), deleting one EntityNotFoundException, deleting a built-in InvalidInputException.
"""

from __future__ import annotations

import functools
from typing import Any

from .. import tagging
from ..botocore_data import botocore_session
from ..context import RequestContext
from ..errors import InvalidInputException, ValidationException
from ..pagination import paginate
from ..records import RecordKind, all_records, create_tagged_record, delete_record, find_record

CONNECTION_TYPE = RecordKind("connection-type", "ConnectionType", page_cap=100)
REST_PREFIX = "REST-"  # what a registered type's name must start with (RegisterConnectionType's API reference)
_READ_WRITE = ["READ", "WRITE"]
# Capabilities per built-in type: (authentication types, data operations, compute environments).
_DATABASES = (["BASIC"], _READ_WRITE, ["SPARK", "ATHENA", "PYTHON"])
_SAAS = (["OAUTH2"], ["READ"], ["SPARK"])
_CAPABILITIES: dict[str, tuple[list[str], list[str], list[str]]] = {
    "JDBC": (["BASIC"], _READ_WRITE, ["SPARK"]),
    "KAFKA": (["BASIC", "IAM"], _READ_WRITE, ["SPARK"]),
    "MONGODB": (["BASIC"], _READ_WRITE, ["SPARK"]),
    "DOCUMENTDB": (["BASIC"], _READ_WRITE, ["SPARK"]),
    "NETWORK": ([], _READ_WRITE, ["SPARK"]),
    "SFTP": (["BASIC"], _READ_WRITE, ["SPARK"]),
    "MARKETPLACE": (["BASIC", "CUSTOM"], _READ_WRITE, ["SPARK"]),
    "CUSTOM": (["BASIC", "CUSTOM"], _READ_WRITE, ["SPARK"]),
    "VIEW_VALIDATION_REDSHIFT": (["IAM"], ["READ"], ["SPARK"]),
    "VIEW_VALIDATION_ATHENA": (["IAM"], ["READ"], ["ATHENA"]),
    "DYNAMODB": (["IAM"], _READ_WRITE, ["SPARK", "ATHENA"]),
    "CLOUDWATCH": (["IAM"], ["READ"], ["ATHENA"]),
    "CLOUDWATCHMETRICS": (["IAM"], ["READ"], ["ATHENA"]),
    "TIMESTREAM": (["IAM"], ["READ"], ["ATHENA"]),
    "OPENSEARCH": (["BASIC", "IAM"], _READ_WRITE, ["SPARK", "ATHENA"]),
    "TPCDS": ([], ["READ"], ["ATHENA"]),
    "BIGQUERY": (["CUSTOM"], _READ_WRITE, ["SPARK", "ATHENA"]),
    "GOOGLECLOUDSTORAGE": (["CUSTOM"], ["READ"], ["ATHENA"]),
    "SALESFORCE": (["OAUTH2"], _READ_WRITE, ["SPARK"]),
    "SERVICENOW": (["OAUTH2", "BASIC"], ["READ"], ["SPARK"]),
    "ZENDESK": (["OAUTH2"], ["READ"], ["SPARK"]),
    "JIRACLOUD": (["OAUTH2"], ["READ"], ["SPARK"]),
    "SLACK": (["OAUTH2"], ["READ"], ["SPARK"]),
    "STRIPE": (["CUSTOM"], ["READ"], ["SPARK"]),
    "DATADOG": (["CUSTOM"], ["READ"], ["SPARK"]),
}
_DATABASE_TYPES = ("MYSQL", "POSTGRESQL", "ORACLE", "SQLSERVER", "DB2", "DB2AS400", "SAPHANA", "SYNAPSE",
                   "TERADATA", "TERADATANOS", "VERTICA", "AZURESQL", "AZURECOSMOS", "CLOUDERAHIVE",
                   "CLOUDERAIMPALA", "HBASE", "DATALAKEGEN2", "DOMO")


def _property(name: str, description: str, required: bool, kind: str = "USER_INPUT") -> dict[str, Any]:
    return {"Name": name, "Description": description, "Required": required, "PropertyTypes": [kind]}


_CREDENTIALS = {
    "USERNAME": _property("USERNAME", "The user name to connect with.", False),
    "PASSWORD": _property("PASSWORD", "The password of the user.", False, "SECRET"),
    "SECRET_ID": _property("SECRET_ID", "The Secrets Manager secret holding the credentials.", False),
}
_PROPERTIES: dict[str, dict[str, dict[str, Any]]] = {
    "JDBC": {
        "JDBC_CONNECTION_URL": _property("JDBC_CONNECTION_URL", "The JDBC URL of the data store.", True),
        **_CREDENTIALS,
        "JDBC_ENFORCE_SSL": _property("JDBC_ENFORCE_SSL", "Whether SSL with hostname matching is required.", False),
        "JDBC_DRIVER_JAR_URI": _property("JDBC_DRIVER_JAR_URI", "The S3 path of a custom JDBC driver.", False),
        "JDBC_DRIVER_CLASS_NAME": _property("JDBC_DRIVER_CLASS_NAME", "The class of the custom driver.", False),
    },
    "KAFKA": {
        "KAFKA_BOOTSTRAP_SERVERS": _property("KAFKA_BOOTSTRAP_SERVERS", "Comma-separated host:port list.", True),
        "KAFKA_SSL_ENABLED": _property("KAFKA_SSL_ENABLED", "Whether to connect with SSL.", False),
        "KAFKA_SASL_MECHANISM": _property("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512, GSSAPI, AWS_MSK_IAM or PLAIN.",
                                          False),
    },
    "MONGODB": {
        "CONNECTION_URL": _property("CONNECTION_URL", "The mongodb:// URL of the data store.", True),
        **_CREDENTIALS,
    },
    **{kind: {
        "CONNECTOR_URL": _property("CONNECTOR_URL", "The S3 path of the connector's JAR.", True),
        "CONNECTOR_TYPE": _property("CONNECTOR_TYPE", "JDBC, SPARK or ATHENA.", True),
        "CONNECTOR_CLASS_NAME": _property("CONNECTOR_CLASS_NAME", "The connector's driver class.", True),
    } for kind in ("CUSTOM", "MARKETPLACE")},
}


@functools.cache
def builtin_types() -> tuple[str, ...]:
    """The built-in connection types: the ConnectionType values of Glue's API model, by name."""
    model = botocore_session().get_service_model("glue")
    return tuple(sorted(model.shape_for("ConnectionType").enum))


def _capabilities(kind: str) -> dict[str, Any]:
    auth, operations, computes = _CAPABILITIES.get(kind) or (_DATABASES if kind in _DATABASE_TYPES else _SAAS)
    return {"SupportedAuthenticationTypes": auth, "SupportedDataOperations": operations,
            "SupportedComputeEnvironments": computes}


def _builtin(kind: str) -> dict[str, Any]:
    described = {"ConnectionType": kind, "Description": f"The built-in {kind} connection type.",
                 "Capabilities": _capabilities(kind)}
    if kind in _PROPERTIES:
        described["ConnectionProperties"] = _PROPERTIES[kind]
    return described


def _as_property(connector_property: dict[str, Any]) -> dict[str, Any]:
    """A registered ConnectorProperty as DescribeConnectionType's Property."""
    described = {"Name": connector_property["Name"], "Description": "", "Required": connector_property["Required"],
                 "PropertyTypes": [connector_property["PropertyType"]]}
    for member in ("DefaultValue", "KeyOverride", "PropertyLocation"):
        if member in connector_property:
            described[member] = connector_property[member]
    if connector_property.get("AllowedValues"):
        described["AllowedValues"] = [{"Value": value} for value in connector_property["AllowedValues"]]
    return described


def _custom(record: dict[str, Any]) -> dict[str, Any]:
    properties = record["ConnectionProperties"]
    listed = ([properties["Url"]] if "Url" in properties else []) + properties.get("AdditionalRequestParameters", [])
    return {
        "ConnectionType": record["ConnectionType"],
        "Description": record.get("Description", ""),
        "Capabilities": {"SupportedAuthenticationTypes": record["ConnectorAuthenticationConfiguration"][
            "AuthenticationTypes"], "SupportedDataOperations": ["READ"], "SupportedComputeEnvironments": ["SPARK"]},
        "ConnectionProperties": {entry["Name"]: _as_property(entry) for entry in listed},
        "RestConfiguration": record["RestConfiguration"],
    }


def register_connection_type(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Register a custom REST connection type: {ConnectionTypeArn}."""
    name = params["ConnectionType"]
    if name.upper() in builtin_types():
        raise InvalidInputException(f"Connection type {name} is a built-in connection type.")
    if not name.startswith(REST_PREFIX):
        raise ValidationException(f'ConnectionType {name} must be prefixed with "{REST_PREFIX}" (a REST-based '
                                  "connector).")
    arn = tagging.resource_arn(ctx, f"connectionType/{name}")
    record = {member: params[member] for member in ("ConnectionType", "IntegrationType", "Description",
                                                     "ConnectionProperties", "ConnectorAuthenticationConfiguration",
                                                     "RestConfiguration") if member in params}
    with ctx.store.transaction():
        if find_record(ctx, CONNECTION_TYPE, name) is not None:
            raise InvalidInputException(f"Connection type {name} is already registered.")
        create_tagged_record(ctx, CONNECTION_TYPE, name, record, arn, params.get("Tags"))
    return {"ConnectionTypeArn": arn}


def require_registered(ctx: RequestContext, connection_type: str) -> None:
    """A connection's "REST-..." ConnectionType must be registered; InvalidInputException otherwise (built-in
    types are checked by the model's enum)."""
    if connection_type.startswith(REST_PREFIX) and find_record(ctx, CONNECTION_TYPE, connection_type) is None:
        raise InvalidInputException(f"Connection type {connection_type} is not registered.")


def describe_connection_type(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """A built-in type's capabilities (and property catalogue where known), or a registered type's definition."""
    name = params["ConnectionType"]
    if name.upper() in builtin_types():
        return _builtin(name.upper())
    record = find_record(ctx, CONNECTION_TYPE, name)
    if record is None:
        raise InvalidInputException(f"Connection type {name} is not supported.")
    return _custom(record)


def list_connection_types(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The built-in types by name, then the registered ones by name, as ConnectionTypeBrief records."""
    briefs = [{"ConnectionType": kind, "Description": f"The built-in {kind} connection type.",
               "Capabilities": _capabilities(kind)} for kind in builtin_types()]
    for _, record in all_records(ctx, CONNECTION_TYPE):
        custom = _custom(record)
        briefs.append({member: custom[member] for member in ("ConnectionType", "Description", "Capabilities")})
    # The token keeps the position: built-ins and registered types are two runs in one order.
    numbered = list(enumerate(briefs))
    page, token = paginate(numbered, params.get("NextToken"), params.get("MaxResults"), CONNECTION_TYPE.page_cap,
                           key=lambda item: item[0])
    return {"ConnectionTypes": [brief for _, brief in page], **({"NextToken": token} if token else {})}


def delete_connection_type(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete a registered type; built-ins cannot be deleted (InvalidInputException)."""
    name = params["ConnectionType"]
    if name.upper() in builtin_types():
        raise InvalidInputException(f"Connection type {name} is a built-in connection type and cannot be deleted.")
    with ctx.store.transaction():
        delete_record(ctx, CONNECTION_TYPE, name)
        tagging.drop_tags(ctx, tagging.resource_arn(ctx, f"connectionType/{name}"))
    return {}


def _connection_type_exists(ctx: RequestContext, account: str, path: list[str]) -> bool:
    return ctx.store.get(f"{account}/{ctx.region}", CONNECTION_TYPE.kind, "", "/".join(path)) is not None


tagging.register("connectionType", _connection_type_exists)
