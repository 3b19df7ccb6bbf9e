"""Classify one file as Glue does: custom classifiers first, in the crawler's order, then the built-ins.

Glue's rule: a classifier answers a certainty; the first 1.0 wins; without one, the highest certainty
above 0.0 wins; else the file is UNKNOWN. Built-ins answer 1.0 or 0.0, in Glue's order: avro, orc,
parquet, json, (bson), xml, (ion), combined_apache, apache, (linux_kernel, microsoft_log, ruby_logger,
squid, redismonlog, redislog), csv — the parenthesised ones are not implemented, so such files fall
through to the next. Compression (gzip, bzip2) is found by magic bytes, and the decompressed head goes
through the text classifiers. Avro, ORC and Parquet are recognised by their magic bytes before the custom
classifiers run: those are text classifiers and can never match such files.

Nothing here raises for bad data: a file that cannot be read or parsed is reported through `log` and
yields None, so the crawl goes on with the other files.
"""

from __future__ import annotations

from collections.abc import Callable

from .formats import avro, csv, grok, json, orc, parquet, xml
from .formats.sample import SAMPLE_BYTES, NotText, PathArg, TextSample, compression_of, read_sample, text_sample
from .formats.schema import FileSchema

Log = Callable[[str], None]
_BINARY: tuple[tuple[bytes, Callable[[PathArg, int], FileSchema], str], ...] = (
    (avro.MAGIC, avro.infer, "Avro"), (orc.MAGIC, orc.infer, "ORC"), (parquet.MAGIC, parquet.infer, "Parquet"))
_MAGICS = tuple(magic for magic, _, _ in _BINARY)
_APACHE = (("combined_apache", "%{COMBINEDAPACHELOG}"), ("apache", "%{COMMONAPACHELOG}"))


def classify_file(path: PathArg, size: int, classifiers: list[dict], log: Log, where: str) -> FileSchema | None:
    """The schema of one file, or None (logged) when it is empty, unreadable or of no known format.

    `where` names the file in log lines (its s3:// path).
    """
    if size == 0:
        log(f"Skipping {where}: empty file, classification UNKNOWN")
        return None
    problem = None  # why a file that starts like a binary format is not one: said only if nothing else fits
    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
            compression = compression_of(head)
            binary = compression == "none" and head.startswith(_MAGICS)
            plain_text = compression == "none" and not binary
            if plain_text:  # its sample: read on in the same open
                head += handle.read(SAMPLE_BYTES + 1 - len(head))
        if binary:
            for magic, infer, name in _BINARY:
                if head.startswith(magic):
                    schema, problem = _binary(infer, name, path, size)
                    if schema is not None:
                        return schema
        if plain_text:
            sample = text_sample(head, SAMPLE_BYTES, size, compression, min(len(head), SAMPLE_BYTES))
        else:
            sample = read_sample(path, size, compression)
    except NotText as exc:
        log(f"Skipping {where}: {problem or exc}, classification UNKNOWN")
        return None
    except OSError as exc:
        log(f"Skipping {where}: cannot read it ({exc})")
        return None
    schema = _classify_text(sample, classifiers, lambda limit: read_sample(path, size, compression, limit), log, where)
    if schema is None:
        log(f"Skipping {where}: {problem or 'no classifier recognised it'}, classification UNKNOWN")
    return schema


def _binary(infer: Callable[[PathArg, int], FileSchema], name: str, path: PathArg,
            size: int) -> tuple[FileSchema | None, str | None]:
    """(schema, None), or (None, the problem) when the magic bytes lied: the text classifiers go next,
    as Glue's built-ins answer 0.0 and pass the file on (a CSV whose header starts with `ORC` is CSV)."""
    try:
        schema = infer(path, size)
    except Exception as exc:  # pyarrow raises its own errors (ArrowInvalid, OSError) for corrupt files
        return None, f"it starts like {name} but its schema cannot be read ({exc})"
    if not schema.columns:
        return None, f"{name} file without columns"
    return schema, None


def _classify_text(sample: TextSample, classifiers: list[dict], read_more: Callable[[int], TextSample], log: Log,
                   where: str) -> FileSchema | None:
    best: tuple[float, FileSchema | None] = (0.0, None)
    for spec in classifiers:
        certainty, schema = _custom(spec, sample, read_more, log, where)
        if certainty >= 1.0 and schema is not None:
            return schema
        if certainty > best[0]:
            best = (certainty, schema)
    builtin = _builtin(sample, read_more)
    return builtin if builtin is not None else best[1]


def _builtin(sample: TextSample, read_more: Callable[[int], TextSample]) -> FileSchema | None:
    schema = json.infer(sample, read_more)
    if schema is not None:
        return schema
    schema = xml.infer(sample)
    if schema is not None:
        return schema
    if sample.text[:1].isalnum() or sample.text[:1] == ":":  # an IPv4/IPv6 address or host name starts a log line
        for classification, pattern in _APACHE:
            certainty, schema = grok.infer(sample, grok.compile_grok(pattern), classification, pattern)
            if certainty >= 1.0:
                return schema
    return csv.infer(sample)


def _custom(spec: dict, sample: TextSample, read_more: Callable[[int], TextSample], log: Log,
            where: str) -> tuple[float, FileSchema | None]:
    """(certainty, schema) of one custom classifier, given in the model's Classifier shape."""
    if "CsvClassifier" in spec:
        schema = csv.infer(sample, csv.CsvOptions.from_classifier(spec["CsvClassifier"]))
        return (1.0, schema) if schema else (0.0, None)
    if "JsonClassifier" in spec:
        try:
            schema = json.infer(sample, read_more, spec["JsonClassifier"]["JsonPath"])
        except json.JsonPathError as exc:
            log(f"Classifier {spec['JsonClassifier'].get('Name')}: {exc}; not applied to {where}")
            return 0.0, None
        return (1.0, schema) if schema else (0.0, None)
    if "XMLClassifier" in spec:
        c = spec["XMLClassifier"]
        schema = xml.infer(sample, c.get("RowTag") or None) if c.get("RowTag") else None
        if schema is None:
            return 0.0, None
        schema.classification = c["Classification"]
        return 1.0, schema
    if "GrokClassifier" in spec:
        c = spec["GrokClassifier"]
        custom = c.get("CustomPatterns") or ""
        try:
            compiled = grok.compile_grok(c["GrokPattern"], custom)
        except grok.GrokError as exc:
            log(f"Classifier {c.get('Name')}: {exc}; not applied to {where}")
            return 0.0, None
        return grok.infer(sample, compiled, c["Classification"], c["GrokPattern"], custom)
    return 0.0, None
