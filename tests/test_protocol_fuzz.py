"""A model-driven fuzz of every awsJson operation: no input gets a 5xx (but 501) or disturbs stored state.

Requests are generated from api_shapes/ (the JSON Schemas of botocore's model) with a fixed seed:
for each operation of Glue and CloudWatch Logs, requests that satisfy the model (names from a small
vocabulary, so that creates, reads, updates and deletes meet each other) and malformed ones (wrong
types, missing and unknown members, huge and deep values, bad UTF-8, lone surrogates, integral and
out-of-range numbers, non-object bodies, a wrong content type). Operations that start real work
(Start*/Run*/Resume*, CreateSession: Spark drivers, job processes) only get requests the model
refuses, so no handler of theirs runs. Each answer must be JSON in AWS's shape, and the catalog,
jobs and log groups created before the fuzz must read back unchanged afterwards.
"""

from __future__ import annotations

import base64
import http.client
import json
import random
import re
import time
from typing import Any

import botocore.exceptions
from botocore import xform_name
from botocore.parsers import ResponseParserError

from emulator.services import load_json_services
from emulator.shapes import ServiceShapes

SEED = 20261201
SERVICES = {"glue": "AWSGlue", "logs": "Logs_20140328", "athena": "AmazonAthena"}
JSON_TYPE = "application/x-amz-json-1.1"
STARTS_WORK = re.compile(r"^(Start|Run|Resume)|^CreateSession$")
# Names the generator draws from: few, so that what one request creates another finds. Never "keep".
NAMES = ["fz1", "fz2", "fz_3"]
WORDS = NAMES + [
    "s3://fz-bucket/fz/", "arn:aws:iam::123456789012:role/fz", "123456789012", "fz1/fz2", "*", "1", "x=1",
    "2024-01-01", "string", "FZ 1", "{}", "fz1.fz2", "ab12cd34-ab12-cd34-ef56-ab12cd34ef56", "jr_0123456789abcdef",
    "fz1 = '1'", "int", "glue.fz", "us-east-1", "fz\x1f1", "fz\x001", "ünï \U0001f600", "%2F", "../fz",
]
MALFORMED_KINDS = (
    "unknown_member", "wrong_type", "missing_required", "huge_string", "deep", "integral_floats",
    "int_overflow", "bad_utf8", "lone_surrogate", "not_an_object", "truncated", "wrong_content_type", "nan",
)
VALID_ROUNDS = 6
MALFORMED_PER_OPERATION = 5


class Generator:
    """Values of a service's shapes, drawn from a seeded random source."""

    def __init__(self, shapes: ServiceShapes, rng: random.Random):
        self.shapes = shapes
        self.rng = rng

    def shape(self, ref: dict[str, Any]) -> str:
        return ref["$ref"].rsplit("/", 1)[1]

    def value(self, name: str, depth: int = 0) -> Any:
        schema = self.shapes.shape(name)
        kind = schema.get("x-aws-type")
        if kind == "structure":
            return self.structure(schema, depth)
        if kind == "list":
            low = schema.get("minItems", 0)
            count = low if depth > 5 else self.rng.randint(low, max(low, min(schema.get("maxItems", 2), 2)))
            return [self.value(self.shape(schema["items"]), depth + 1) for _ in range(count)]
        if kind == "map":
            count = 0 if depth > 5 else self.rng.randint(schema.get("minProperties", 0), 2)
            key_shape, value_shape = self.shape(schema["propertyNames"]), self.shape(schema["additionalProperties"])
            return {self.value(key_shape, depth + 1): self.value(value_shape, depth + 1) for _ in range(count)}
        if kind == "string":
            return self.string(schema)
        if kind in ("integer", "long"):
            low, high = schema.get("minimum", 0), schema.get("maximum", 10)
            number = self.rng.choice([low, min(high, low + 1), high, self.rng.randint(low, max(low, min(high, 20)))])
            return float(number) if self.rng.random() < 0.2 else number  # JSON has one number type
        if kind in ("double", "float"):
            return round(self.rng.uniform(schema.get("minimum", 0), min(schema.get("maximum", 100), 100)), 3)
        if kind == "boolean":
            return self.rng.random() < 0.5
        if kind == "timestamp":
            return self.rng.choice([1_700_000_000, 1_700_000_000.5, "2024-01-01T00:00:00Z", -1, 1e20, "not a date"])
        if kind == "blob":
            return base64.b64encode(b"fz").decode()
        return {"fz": [1, "a", None]}  # a document

    def structure(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        members = schema.get("properties", {})
        if not members:
            return {}
        if schema.get("maxProperties") == 1:  # a union: exactly one member
            chosen = [self.rng.choice(sorted(members))]
        else:
            required = schema.get("required", [])
            # CatalogId is left to its default (the caller's account), so that requests meet in one catalog.
            optional = [] if depth > 4 else [m for m in sorted(members) if m not in required and m != "CatalogId"]
            chosen = list(required) + [m for m in optional if self.rng.random() < 0.3]
        if depth > 12:
            return {}
        return {m: self.value(self.shape(members[m]), depth + 1) for m in chosen}

    def string(self, schema: dict[str, Any]) -> str:
        if "enum" in schema:
            return self.rng.choice(schema["enum"])
        low, high = schema.get("minLength", 0), schema.get("maxLength", 10**6)
        pattern = re.compile(schema["pattern"]) if "pattern" in schema else None
        candidates = [w for w in WORDS if low <= len(w) <= high and (pattern is None or pattern.match(w))]
        names = [w for w in candidates if w in NAMES]
        if names and self.rng.random() < 0.85:  # mostly names, so that requests meet what others made
            return self.rng.choice(names)
        if candidates:
            return self.rng.choice(candidates)
        return "f" * max(low, 1)  # refused by the pattern, most likely: a malformed request too


def malformed(gen: Generator, operation: str, valid: dict[str, Any], kind: str) -> tuple[bytes, str]:
    """One malformed request body (and its content type) of `kind` for `operation`."""
    rng = gen.rng
    body: Any = dict(valid)
    content_type = JSON_TYPE
    input_schema = gen.shapes.shape(gen.shapes.operations[operation]["input"])
    members = sorted(input_schema.get("properties", {}))
    if kind == "unknown_member":
        body["FzNotAMember"] = 1
    elif kind == "wrong_type" and members:
        body[rng.choice(members)] = rng.choice([7, "x", True, [1], {"a": 1}, None, -1.5])
    elif kind == "missing_required" and input_schema.get("required"):
        body.pop(rng.choice(input_schema["required"]), None)
    elif kind == "huge_string" and members:
        body[rng.choice(members)] = "h" * 200_000
    elif kind == "deep" and members:  # written as text: json.dumps itself stops at ~1,000 levels
        body[rng.choice(members)] = "FZ_DEEP"
        levels = rng.choice([50, 150, 2000])
        nested = rng.choice([b"[" * levels + b"]" * levels, b'{"a":' * levels + b"1" + b"}" * levels])
        return json.dumps(body).encode().replace(b'"FZ_DEEP"', nested), content_type
    elif kind == "integral_floats" and members:
        body[rng.choice(members)] = rng.choice([5.0, 0.0, -1.0, 1e3, 2.5])
    elif kind == "int_overflow" and members:
        body[rng.choice(members)] = rng.choice([2**31, 2**63, -(2**64), 10**30])
    elif kind == "bad_utf8":
        return json.dumps(body).encode()[:-1] + b',"Fz":"\xff\xfe\xed\xa0\x80"}', content_type
    elif kind == "lone_surrogate" and members:
        body[rng.choice(members)] = "fz\udc80"
    elif kind == "not_an_object":
        return rng.choice([b"[]", b'"x"', b"1", b"null", b"true"]), content_type
    elif kind == "truncated":
        raw = json.dumps(body).encode()
        return raw[: max(1, len(raw) // 2)], content_type
    elif kind == "wrong_content_type":
        content_type = rng.choice(["text/plain", "application/xml", "multipart/form-data"])
    elif kind == "nan":
        return json.dumps({**body, **({rng.choice(members): float("nan")} if members else {})}).encode(), content_type
    return json.dumps(body).encode(), content_type


def requests_for(service: str, rng: random.Random) -> list[tuple[str, bytes, str]]:
    """(operation, body, content type) for every operation of a service, in a seeded order.

    First VALID_ROUNDS rounds of requests the model accepts, creates first, to the operations the
    emulator implements (one to each other operation: its 501); then the malformed ones, shuffled.
    """
    shapes = ServiceShapes(service)
    implemented = set(load_json_services()[SERVICES[service]].handlers)
    gen = Generator(shapes, rng)
    order = sorted(shapes.operations, key=lambda op: (not op.startswith(("Create", "Put")), op))
    valid_phase: list[tuple[str, bytes, str]] = []
    for round_number in range(VALID_ROUNDS):
        for operation in order:
            if operation not in implemented and round_number:
                continue
            params = gen.value(shapes.operations[operation]["input"])
            params.pop("StartOnCreation", None)  # a trigger must not start job runs
            if STARTS_WORK.search(operation):
                params["FzNotAMember"] = 1
            valid_phase.append((operation, json.dumps(params).encode(), JSON_TYPE))
    mixed_phase: list[tuple[str, bytes, str]] = []
    for operation in order:
        for kind in rng.sample(MALFORMED_KINDS, MALFORMED_PER_OPERATION):
            params = gen.value(shapes.operations[operation]["input"])
            if STARTS_WORK.search(operation):
                params["FzNotAMember"] = 1
            mixed_phase.append((operation, *malformed(gen, operation, params, kind)))  # refused: FzNotAMember or worse
    rng.shuffle(mixed_phase)
    return valid_phase + mixed_phase


class Client:
    """One keep-alive HTTP connection to the server, re-opened when the server closes it."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, str, bytes]:
        for attempt in range(2):
            try:
                self.conn.request(method, path, body, headers)
                response = self.conn.getresponse()
                return response.status, response.getheader("Content-Type", ""), response.read()
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        raise AssertionError("unreachable")


def emulator_endpoint_requests(rng: random.Random) -> list[tuple[str, str, bytes]]:
    """(method, path, body) to the emulator's own endpoints (never reset: the state must survive)."""
    paths = ["/_emulator/workflows/fz1/events", "/_emulator/jobs/fz1/bookmark", "/_emulator/health",
             "/_emulator/fz", "/_emulator/workflows/%ff/events", "/_emulator/jobs/%C3%A9/bookmark"]
    bodies = [b"", b"{}", b'{"RunId": "jr_x", "JobBookmark": "{}"}', b'{"id": "e1", "source": "fz"}', b"[1]",
              b"[" * 3000, b"[" * 500 + b"]" * 500, b'{"a": "\\udc80"}', b"\xff\xfe", b'{"a": NaN}', b"h" * 100_000]
    return [(rng.choice(["GET", "POST", "PUT", "DELETE"]), rng.choice(paths), rng.choice(bodies)) for _ in range(150)]


def odd_target_requests(rng: random.Random) -> list[tuple[str, str, bytes]]:
    """(method, X-Amz-Target, body) that name no operation, or use a method awsJson does not."""
    targets = ["AWSGlue.", "AWSGlue", "AWSGlue.getDatabases", "AWSGlue.GetDatabases.x", "Logs_20140328.GetJobs",
               "AWSGlue.__init__", "AWSGlue.GetDatabases\t", ".GetDatabases", "AWSGlue.GetDatabases"]
    return [(rng.choice(["POST", "POST", "GET", "PUT", "DELETE"]), rng.choice(targets), rng.choice([b"", b"{}"]))
            for _ in range(60)]


def problem(status: int, content_type: str, raw: bytes, json_type: str = JSON_TYPE) -> str | None:
    """What is wrong with one answer, if anything: a 5xx (but 501), or a body not AWS-shaped JSON."""
    if status >= 500 and status != 501:
        return f"status {status}"
    if json_type not in content_type:
        return f"content type {content_type!r}"
    try:
        body = json.loads(raw)
    except ValueError:
        return "body is not JSON"
    if not isinstance(body, dict):
        return "body is not a JSON object"
    if status >= 400 and not (isinstance(body.get("__type"), str) and isinstance(body.get("Message"), str)):
        return "error body lacks __type/Message"
    return None


def _snapshot(glue: Any, logs: Any) -> dict[str, Any]:
    """The state made before the fuzz, as clients read it."""
    return {
        "databases": [d for d in glue.get_databases()["DatabaseList"] if d["Name"].startswith("keep")],
        "tables": glue.get_tables(DatabaseName="keep_db")["TableList"],
        "partitions": glue.get_partitions(DatabaseName="keep_db", TableName="keep_t")["Partitions"],
        "jobs": [j for j in glue.get_jobs()["Jobs"] if j["Name"].startswith("keep")],
        "crawlers": glue.get_crawler(Name="keep_crawler")["Crawler"],
        "log_groups": logs.describe_log_groups(logGroupNamePrefix="keep")["logGroups"],
    }


READ_PREFIXES = ("Get", "List", "Describe", "Search")


def unreadable(clients: dict[str, Any]) -> dict[str, str]:
    """What boto3 cannot read back after the fuzz: every read with no required member, every table's
    partitions. A stored value the client cannot parse would fail such a read for every caller."""
    failures: dict[str, str] = {}

    def read(client: Any, operation: str, **params: Any) -> dict[str, Any]:
        try:
            return getattr(client, xform_name(operation))(**params)
        except botocore.exceptions.ClientError as error:
            if error.response["ResponseMetadata"]["HTTPStatusCode"] not in (400, 404, 501):
                failures[operation] = repr(error)[:300]
        except (ValueError, RuntimeError, ResponseParserError, botocore.exceptions.BotoCoreError) as error:
            # a response botocore cannot parse
            failures[operation] = repr(error)[:300]
        return {}

    for service, prefix in SERVICES.items():
        shapes, handlers = ServiceShapes(service), load_json_services()[prefix].handlers
        for operation in sorted(handlers):
            if operation.startswith(READ_PREFIXES) and not shapes.shape(shapes.operations[operation]["input"]).get(
                    "required"):
                read(clients[service], operation)
    for database in read(clients["glue"], "GetDatabases").get("DatabaseList", []):
        for table in read(clients["glue"], "GetTables", DatabaseName=database["Name"]).get("TableList", []):
            read(clients["glue"], "GetPartitions", DatabaseName=database["Name"], TableName=table["Name"])
    return failures


def _make_state(glue: Any, logs: Any) -> None:
    glue.create_database(DatabaseInput={"Name": "keep_db", "Parameters": {"k": "v\U0001f600"}})
    glue.create_table(DatabaseName="keep_db", TableInput={
        "Name": "keep_t", "PartitionKeys": [{"Name": "p", "Type": "string"}],
        "StorageDescriptor": {"Columns": [{"Name": "c", "Type": "int"}], "Location": "s3://keep/t/"},
    })
    glue.batch_create_partition(DatabaseName="keep_db", TableName="keep_t",
                                PartitionInputList=[{"Values": [str(i)]} for i in range(3)])
    glue.create_job(Name="keep_job", Role="r", Timeout=5,
                    Command={"Name": "pythonshell", "ScriptLocation": "s3://keep/s.py"})
    glue.create_crawler(Name="keep_crawler", Role="r", Targets={"S3Targets": [{"Path": "s3://keep/t/"}]})
    logs.create_log_group(logGroupName="keep-group")


# The environment of conftest's `server`, this module's own.
SERVER_ENV = {"GLUE_EMULATOR_SPARK_PREWARM": "0", "GLUE_EMULATOR_DURABLE": "0"}


def test_no_request_gets_a_5xx_and_state_survives(server):
    glue, logs = server.client("glue"), server.client("logs")
    server.client("s3").create_bucket(Bucket="keep")  # a crawler's S3 target must be in an existing bucket
    _make_state(glue, logs)
    before = _snapshot(glue, logs)
    rng = random.Random(SEED)
    client = Client(server.port)
    found: dict[tuple[str, str], str] = {}
    sent = 0

    def send(label: str, method: str, path: str, body: bytes, headers: dict[str, str], json_type: str) -> None:
        nonlocal sent
        status, answer_type, raw = client.send(method, path, body, headers)
        sent += 1
        wrong = problem(status, answer_type, raw, json_type)
        if wrong:
            found.setdefault((label, wrong), f"{body[:300]!r} -> {raw[:300]!r}")

    started = time.monotonic()
    for service, prefix in SERVICES.items():
        for operation, body, content_type in requests_for(service, rng):
            headers = {"X-Amz-Target": f"{prefix}.{operation}", "Content-Type": content_type}
            send(operation, "POST", "/", body, headers, JSON_TYPE)
    for method, target, body in odd_target_requests(rng):
        send(f"{method} {target}", method, "/", body, {"X-Amz-Target": target, "Content-Type": JSON_TYPE}, JSON_TYPE)
    for method, path, body in emulator_endpoint_requests(rng):
        send(f"{method} {path}", method, path, body, {"Content-Type": "application/json"}, "json")
    elapsed = time.monotonic() - started
    print(f"fuzz: {sent} requests in {elapsed:.1f} s, {len(found)} kinds of failure")
    assert not found, "\n".join(f"{op}: {what}: {example}" for (op, what), example in sorted(found.items()))
    assert sent > 2000
    assert unreadable({"glue": glue, "logs": logs, "athena": server.client("athena")}) == {}
    assert _snapshot(glue, logs) == before
