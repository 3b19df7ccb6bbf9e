"""Custom classifiers: CreateClassifier, GetClassifier, GetClassifiers, UpdateClassifier, DeleteClassifier.

A classifier is stored as the Classifier shape GetClassifier returns (exactly one of GrokClassifier,
XMLClassifier, JsonClassifier, CsvClassifier), with CreationTime, LastUpdated and Version (1 on
creation, one more per update), under its name: names are unique across the four kinds. Crawlers
pass the stored documents, in their own order, to the inference engine.
"""

from __future__ import annotations

import re
from typing import Any

from ..clock import now
from ..context import RequestContext
from ..errors import AlreadyExistsException, EntityNotFoundException, InvalidInputException
from ..pagination import paginate

CLASSIFIER = "classifier"
KINDS = ("GrokClassifier", "XMLClassifier", "JsonClassifier", "CsvClassifier")
_PAGE_CAP = 1000
# CsvClassifier.CustomDatatypes: the types a custom CSV classifier may name (Glue's classifier guide).
CSV_CUSTOM_DATATYPES = ("BINARY", "BOOLEAN", "DATE", "DECIMAL", "DOUBLE", "FLOAT", "INT", "LONG", "SHORT", "STRING",
                        "TIMESTAMP")
# What GetClassifier reports for CSV members a request left out (the CSV classifier's documented defaults).
_CSV_DEFAULTS: dict[str, Any] = {
    "Delimiter": ",",
    "QuoteSymbol": '"',
    "ContainsHeader": "UNKNOWN",
    "DisableValueTrimming": False,
    "AllowSingleColumn": False,
    "CustomDatatypeConfigured": False,
    "CustomDatatypes": [],
    "Serde": "None",
}
_GROK_CUSTOM_PATTERN = re.compile(r"^[A-Za-z0-9_]+\s+\S.*$")


def _kind(params: dict[str, Any]) -> str:
    """The one classifier kind a Create/UpdateClassifier request carries."""
    given = [kind for kind in KINDS if kind in params]
    if len(given) != 1:
        raise InvalidInputException(f"Specify exactly one of {', '.join(KINDS)}.")
    return given[0]


def _check_grok(spec: dict[str, Any]) -> None:
    """Custom patterns are one `NAME regex` definition per line, as in Logstash pattern files."""
    for line in (spec.get("CustomPatterns") or "").splitlines():
        if line.strip() and not _GROK_CUSTOM_PATTERN.match(line.strip()):
            raise InvalidInputException(f"Invalid custom grok pattern '{line.strip()}': expected 'NAME pattern'.")


def _check_xml(spec: dict[str, Any]) -> None:
    """RowTag is a bare element name: Glue documents it "without angle brackets" (and not self-closing)."""
    row_tag = spec.get("RowTag")
    if row_tag is not None and (not row_tag or re.search(r"[<>/\s]", row_tag)):
        raise InvalidInputException(f"Invalid RowTag '{row_tag}': give the element name without angle brackets.")


def _check_json(spec: dict[str, Any]) -> None:
    if not spec["JsonPath"].startswith("$"):
        raise InvalidInputException(f"Invalid JsonPath '{spec['JsonPath']}': a JSON path starts with '$'.")


def _check_csv(spec: dict[str, Any]) -> None:
    if spec["Delimiter"] == spec["QuoteSymbol"]:
        raise InvalidInputException("The quote symbol must be different from the column delimiter.")
    unknown = [t for t in spec["CustomDatatypes"] if t.upper() not in CSV_CUSTOM_DATATYPES]
    if unknown:
        raise InvalidInputException(
            f"Invalid custom datatypes {', '.join(unknown)}; valid types: {', '.join(CSV_CUSTOM_DATATYPES)}."
        )


_CHECKS = {"GrokClassifier": _check_grok, "XMLClassifier": _check_xml, "JsonClassifier": _check_json,
           "CsvClassifier": _check_csv}


def _classifier(kind: str, spec: dict[str, Any], created: float, version: int) -> dict[str, Any]:
    """The stored Classifier for a request's spec (an update's spec already merged over the current one)."""
    body = dict(_CSV_DEFAULTS) if kind == "CsvClassifier" else {}
    body.update({member: value for member, value in spec.items() if member not in ("CreationTime", "LastUpdated",
                                                                                   "Version")})
    if kind in ("GrokClassifier", "XMLClassifier") and not body.get("Classification"):
        raise InvalidInputException(f"{kind} requires a Classification.")
    _CHECKS[kind](body)
    body.update(CreationTime=created, LastUpdated=now(), Version=version)
    return {kind: body}


def require_classifier(ctx: RequestContext, name: str) -> dict[str, Any]:
    doc = ctx.store.get(ctx.scope, CLASSIFIER, "", name)
    if doc is None:
        raise EntityNotFoundException(f"Classifier with name {name} does not exist")
    return doc


def classifier_name(doc: dict[str, Any]) -> str:
    return next(iter(doc.values()))["Name"]


def create_classifier(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    kind = _kind(params)
    spec = params[kind]
    doc = _classifier(kind, spec, now(), 1)
    if not ctx.store.insert(ctx.scope, CLASSIFIER, "", spec["Name"], doc):
        raise AlreadyExistsException(f"Classifier with name {spec['Name']} already exists")
    return {}


def get_classifier(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"Classifier": require_classifier(ctx, params["Name"])}


def get_classifiers(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    docs = [doc for _, doc in ctx.store.list(ctx.scope, CLASSIFIER, "")]
    page, token = paginate(docs, params.get("NextToken"), params.get("MaxResults"), _PAGE_CAP, key=classifier_name)
    result: dict[str, Any] = {"Classifiers": page}
    if token:
        result["NextToken"] = token
    return result


def update_classifier(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Members given replace the current ones, the others stay (the Update*Classifier shapes make
    every member but the name optional); the kind cannot change."""
    kind = _kind(params)
    spec = params[kind]
    with ctx.store.transaction():
        current = require_classifier(ctx, spec["Name"])
        if kind not in current:
            raise InvalidInputException(
                f"Classifier {spec['Name']} is a {next(iter(current))}; it cannot be updated as a {kind}."
            )
        body = current[kind]
        updated = _classifier(kind, {**body, **spec}, body["CreationTime"], body["Version"] + 1)
        ctx.store.put(ctx.scope, CLASSIFIER, "", spec["Name"], updated)
    return {}


def delete_classifier(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete a classifier. Crawlers naming it keep the name: their next crawl fails saying it is gone."""
    if not ctx.store.delete(ctx.scope, CLASSIFIER, "", params["Name"]):
        raise EntityNotFoundException(f"Classifier with name {params['Name']} does not exist")
    return {}
