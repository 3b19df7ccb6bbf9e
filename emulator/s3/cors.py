"""Bucket CORS: PutBucketCors, GetBucketCors, DeleteBucketCors, the browser's preflight (OPTIONS object) and the
CORS headers of actual requests, as https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html describes:

- a configuration holds 1 to 100 CORSRules, each with AllowedOrigins (at most one `*` wildcard each),
  AllowedMethods (GET, PUT, POST, DELETE, HEAD; another is InvalidRequest), AllowedHeaders (`*` wildcards),
  ExposeHeaders, MaxAgeSeconds and an ID; it is kept in the bucket's document, so it goes with the bucket;
- a request is matched against the rules in order: the first whose origins match the Origin header, whose
  methods hold the method (the preflight's Access-Control-Request-Method) and, for a preflight, whose allowed
  headers match every header of Access-Control-Request-Headers, answers;
- a preflight with a match answers 200 with Access-Control-Allow-Origin (`*` for a rule allowing any origin,
  else the Origin), -Allow-Methods, -Allow-Headers, -Max-Age, -Expose-Headers, -Allow-Credentials; without a
  match, 403 AccessForbidden (no configuration: "CORS is not enabled for this bucket"); without Origin or a
  valid Access-Control-Request-Method, 400 BadRequest;
- an actual request with an Origin that a rule matches gets the same Allow headers on its answer; the request
  is served either way (CORS is enforced by browsers, not by S3).

The security gate (emulator/security/) runs first: a request whose Origin the user has not allowed (any site
other than localhost, loopback addresses and GLUE_EMULATOR_ALLOWED_HOSTS) is refused before it gets here, so a
bucket's CORS rules can only widen what allowed pages may do, never let another site in.
"""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase
from typing import Any
from xml.etree import ElementTree

from ..context import RequestContext

# The module, not its names: s3xml imports this package (its errors) while this package imports cors.
from ..protocol import s3xml
from .errors import AccessForbidden, BadRequest, InvalidRequest, MalformedXML, NoSuchCORSConfiguration
from .storage import BUCKET, SCOPE, storage

CORS = "Cors"  # the bucket document's member holding the rules
_METHODS = ("GET", "PUT", "POST", "DELETE", "HEAD")
_MAX_RULES = 100
_NOT_ALLOWED = ("CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, "
                "request method / Access-Control-Request-Method or Access-Control-Request-Headers are not "
                "whitelisted by the resource's CORS spec.")
_LISTS = (("AllowedHeader", "AllowedHeaders"), ("AllowedMethod", "AllowedMethods"),
          ("AllowedOrigin", "AllowedOrigins"), ("ExposeHeader", "ExposeHeaders"))
_VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"


def _rule(element: ElementTree.Element) -> dict[str, Any]:
    rule: dict[str, Any] = {member: [node.text or "" for node in element.findall(tag)] for tag, member in _LISTS}
    if not rule["AllowedMethods"] or not rule["AllowedOrigins"]:
        raise MalformedXML()
    for method in rule["AllowedMethods"]:
        if method not in _METHODS:
            raise InvalidRequest(f"Found unsupported HTTP method in CORS config. Unsupported method is {method}")
    for origin in rule["AllowedOrigins"]:
        if origin.count("*") > 1:
            raise InvalidRequest(f'AllowedOrigin "{origin}" can not have more than one wildcard.')
    for header in rule["AllowedHeaders"]:
        if header.count("*") > 1:
            raise InvalidRequest(f'AllowedHeader "{header}" can not have more than one wildcard.')
    if s3xml.child_text(element, "ID") is not None:
        rule["ID"] = s3xml.child_text(element, "ID")
    max_age = s3xml.child_text(element, "MaxAgeSeconds")
    if max_age is not None:
        if not max_age.strip().lstrip("-").isdigit():
            raise MalformedXML()
        rule["MaxAgeSeconds"] = int(max_age)
    return {name: value for name, value in rule.items() if value != []}


def put_bucket_cors(ctx: RequestContext, req: s3xml.S3Request) -> s3xml.S3Reply:
    store = storage(ctx)
    name = req.bucket or ""
    store.require_bucket(name)
    rules = [_rule(element) for element in req.read_xml("CORSConfiguration").findall("CORSRule")]
    if not rules or len(rules) > _MAX_RULES:
        raise MalformedXML()
    with store.store.transaction():
        doc = store.require_bucket(name)
        doc[CORS] = rules
        store.store.put(SCOPE, BUCKET, "", name, doc)
    return s3xml.S3Reply(200)


def get_bucket_cors(ctx: RequestContext, req: s3xml.S3Request) -> s3xml.S3Reply:
    name = req.bucket or ""
    rules = storage(ctx).require_bucket(name).get(CORS)
    if not rules:
        raise NoSuchCORSConfiguration(BucketName=name)
    return s3xml.xml_reply("CORSConfiguration", {"CORSRule": [
        {"ID": rule.get("ID"), **{tag: rule.get(member) for tag, member in _LISTS},
         "MaxAgeSeconds": rule.get("MaxAgeSeconds")} for rule in rules]})


def delete_bucket_cors(ctx: RequestContext, req: s3xml.S3Request) -> s3xml.S3Reply:
    store = storage(ctx)
    name = req.bucket or ""
    with store.store.transaction():
        doc = store.require_bucket(name)
        if doc.pop(CORS, None) is not None:
            store.store.put(SCOPE, BUCKET, "", name, doc)
    return s3xml.S3Reply(204)


def _origin_matches(allowed: str, origin: str) -> bool:
    return allowed == "*" or fnmatchcase(origin, allowed.replace("[", "[[]"))


def _matching_rule(rules: list[dict[str, Any]], origin: str, method: str,
                   request_headers: list[str]) -> dict[str, Any] | None:
    for rule in rules:
        if method not in rule["AllowedMethods"]:
            continue
        if not any(_origin_matches(allowed, origin) for allowed in rule["AllowedOrigins"]):
            continue
        allowed_headers = [header.lower() for header in rule.get("AllowedHeaders", [])]
        if all(any(fnmatchcase(header, allowed.replace("[", "[[]")) for allowed in allowed_headers)
               for header in request_headers):
            return rule
    return None


def _allow_headers(rule: dict[str, Any], origin: str) -> dict[str, str]:
    any_origin = "*" in rule["AllowedOrigins"]
    headers = {
        "Access-Control-Allow-Origin": "*" if any_origin else origin,
        "Access-Control-Allow-Methods": ", ".join(rule["AllowedMethods"]),
        "Vary": _VARY,
    }
    if not any_origin:
        headers["Access-Control-Allow-Credentials"] = "true"
    if rule.get("ExposeHeaders"):
        headers["Access-Control-Expose-Headers"] = ", ".join(rule["ExposeHeaders"])
    if rule.get("MaxAgeSeconds") is not None:
        headers["Access-Control-Max-Age"] = str(rule["MaxAgeSeconds"])
    return headers


def options_object(ctx: RequestContext, req: s3xml.S3Request) -> s3xml.S3Reply:
    """The browser's preflight: the Allow headers of the first matching rule, or why not (module docstring)."""
    doc = storage(ctx).require_bucket(req.bucket or "")
    origin = req.headers.get("Origin")
    if not origin:
        raise BadRequest("Insufficient information. Origin request header needed.")
    method = req.headers.get("Access-Control-Request-Method", "")
    if method not in _METHODS:
        raise BadRequest(f"Invalid Access-Control-Request-Method: {method or 'null'}")
    resource = "OBJECT" if req.key else "BUCKET"
    rules = doc.get(CORS)
    if not rules:
        raise AccessForbidden("CORSResponse: CORS is not enabled for this bucket.", Method=method,
                              ResourceType=resource)
    requested = [h.strip().lower() for h in req.headers.get("Access-Control-Request-Headers", "").split(",")
                 if h.strip()]
    rule = _matching_rule(rules, origin, method, requested)
    if rule is None:
        raise AccessForbidden(_NOT_ALLOWED, Method=method, ResourceType=resource)
    headers = _allow_headers(rule, origin)
    if requested:
        headers["Access-Control-Allow-Headers"] = ", ".join(requested)
    return s3xml.S3Reply(200, headers)


def response_headers(ctx: RequestContext, bucket: str | None, method: str,
                     headers: Mapping[str, str]) -> dict[str, str]:
    """The CORS headers an actual request's answer carries: those of the first rule matching its Origin and
    method, none when it has no Origin or no rule matches."""
    origin = headers.get("Origin")
    if not origin or not bucket:
        return {}
    doc = storage(ctx).bucket(bucket)
    rules = doc.get(CORS) if doc else None
    rule = _matching_rule(rules, origin, method, []) if rules else None
    return _allow_headers(rule, origin) if rule is not None else {}
