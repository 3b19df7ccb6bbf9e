"""Every Glue operation of the model answers (issue #18): none gets NotImplementedException.

Each of the model's operations gets one request holding only its required members (values drawn from the
model's shapes, as in test_protocol_fuzz.py), and must answer with a success or an AWS error of its own (an
unknown name's EntityNotFoundException, say), never the 501 of an operation with no handler. Operations that
start real work (Start*/Run*/Resume*, CreateSession) get names that exist nowhere, so no job, crawler or Spark
driver starts.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

from test_protocol_fuzz import STARTS_WORK, WORDS, Client, Generator

from emulator.services import load_json_services
from emulator.shapes import ServiceShapes

SERVER_ENV = {"GLUE_EMULATOR_SPARK_PREWARM": "0", "GLUE_EMULATOR_DURABLE": "0"}
# Work-starting operations whose required members name nothing that exists still start nothing; CreateSession
# would provision a Spark driver for any valid request, so it is sent with a role but an unknown Glue version.
UNKNOWN = "fz-nothing-here"
MORE_WORDS = ["s3://fz-bucket/fz/fz.zip", "arn:aws:iam::123456789012:role/fz-nothing-here"]


class RequiredOnly(Generator):
    """Requests with the required members only (a union: its first member)."""

    def structure(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        members = schema.get("properties", {})
        if not members or depth > 12:
            return {}
        chosen = [min(members)] if schema.get("maxProperties") == 1 else schema.get("required", [])
        return {m: self.value(self.shape(members[m]), depth + 1) for m in chosen}

    def string(self, schema: dict[str, Any]) -> str:
        if self.work and "enum" not in schema and self.fits(UNKNOWN, schema):
            return UNKNOWN
        for word in MORE_WORDS:  # values the fuzz's vocabulary lacks, for patterns none of its words match
            if self.fits(word, schema) and not any(self.fits(w, schema) for w in WORDS):
                return word
        return super().string(schema)

    @staticmethod
    def fits(word: str, schema: dict[str, Any]) -> bool:
        return (schema.get("minLength", 0) <= len(word) <= schema.get("maxLength", 10**6)
                and ("pattern" not in schema or re.match(schema["pattern"], word) is not None))


def test_every_glue_operation_has_a_handler():
    shapes = ServiceShapes("glue")
    missing = sorted(set(shapes.operations) - set(load_json_services()["AWSGlue"].handlers))
    assert missing == [], f"{len(missing)} of {len(shapes.operations)} Glue operations have no handler: {missing}"


def test_every_glue_operation_answers_a_minimal_request(server):
    shapes = ServiceShapes("glue")
    gen = RequiredOnly(shapes, random.Random(18))
    client = Client(server.port)
    not_implemented: dict[str, str] = {}
    for operation in sorted(shapes.operations):
        gen.work = bool(STARTS_WORK.search(operation))
        params = gen.value(shapes.operations[operation]["input"])
        if operation == "CreateSession":
            params["GlueVersion"] = "0.9"  # refused (sessions need 2.0 or later) before any driver starts
        status, _, raw = client.send("POST", "/", json.dumps(params).encode(),
                                     {"X-Amz-Target": f"AWSGlue.{operation}",
                                      "Content-Type": "application/x-amz-json-1.1"})
        body = json.loads(raw)
        if status == 501 or body.get("__type") == "NotImplementedException":
            not_implemented[operation] = body.get("Message", "")
        assert status < 500 or status == 501, (operation, status, body)
    assert not_implemented == {}, f"{len(not_implemented)} operations: {sorted(not_implemented)}"
