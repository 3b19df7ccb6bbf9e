"""Grok: custom grok classifiers and the built-in Apache log classifiers, on a small grok engine.

A grok pattern is a regular expression with `%{NAME}` (a named pattern), `%{NAME:field}` (capture a
column) and `%{NAME:field:type}` (capture with a data type; string by default). The common named
patterns are defined here as regexes; a classifier's CustomPatterns (lines of `NAME regex`) add to or
override them. Each sampled line must match from its start; certainty is the share of lines that match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .sample import MAX_RECORDS, TextSample
from .schema import Columns, FileSchema

SERDE = "com.amazonaws.glue.serde.GrokSerDe"
_REFERENCE = re.compile(r"%\{(\w+)(?::([\w@\[\].-]+))?(?::(\w+))?\}")
_MAX_DEPTH = 32

_IPV4_OCTET = r"(?:25[0-5]|2[0-4][0-9]|[01]?[0-9]{1,2})"
PATTERNS: dict[str, str] = {
    "USERNAME": r"[a-zA-Z0-9._-]+",
    "USER": r"%{USERNAME}",
    "EMAILLOCALPART": r"[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+)*",
    "EMAILADDRESS": r"%{EMAILLOCALPART}@%{HOSTNAME}",
    "INT": r"(?:[+-]?(?:[0-9]+))",
    "BASE10NUM": r"(?:[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+))",
    "NUMBER": r"(?:%{BASE10NUM})",
    "BASE16NUM": r"(?:(?:0[xX])?[0-9A-Fa-f]+)",
    "POSINT": r"\b(?:[1-9][0-9]*)\b",
    "NONNEGINT": r"\b(?:[0-9]+)\b",
    "WORD": r"\b\w+\b",
    "NOTSPACE": r"\S+",
    "SPACE": r"\s*",
    "DATA": r".*?",
    "GREEDYDATA": r".*",
    "QUOTEDSTRING": r"""(?:"(?:\\.|[^\\"])*"|'(?:\\.|[^\\'])*'|`(?:\\.|[^\\`])*`)""",
    "QS": r"%{QUOTEDSTRING}",
    "UUID": r"[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}",
    "IPV4": rf"(?<![0-9]){_IPV4_OCTET}(?:\.{_IPV4_OCTET}){{3}}(?![0-9])",
    "IPV6": r"(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:|"
            r"(?:[0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|::(?:[0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4}|::",
    "IP": r"(?:%{IPV6}|%{IPV4})",
    "HOSTNAME": r"\b(?:[0-9A-Za-z][0-9A-Za-z-]{0,62})(?:\.(?:[0-9A-Za-z][0-9A-Za-z-]{0,62}))*(?:\.?|\b)",
    "IPORHOST": r"(?:%{IP}|%{HOSTNAME})",
    "HOSTPORT": r"%{IPORHOST}:%{POSINT}",
    "UNIXPATH": r"(?:/[\w_%!$@:.,+~-]*)+",
    "WINPATH": r"(?:[A-Za-z]+:|\\)(?:\\[^\\?*]*)+",
    "PATH": r"(?:%{UNIXPATH}|%{WINPATH})",
    "URIPROTO": r"[A-Za-z]+(?:\+[A-Za-z+]+)?",
    "URIHOST": r"%{IPORHOST}(?::%{POSINT})?",
    "URIPATH": r"(?:/[A-Za-z0-9$.+!*'(){},~:;=@#%_\-]*)+",
    "URIPARAM": r"\?[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\-\[\]<>]*",
    "URIPATHPARAM": r"%{URIPATH}(?:%{URIPARAM})?",
    "URI": r"%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?(?:%{URIPATHPARAM})?",
    "MONTH": r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
             r"Sep(?:tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b",
    "MONTHNUM": r"(?:0?[1-9]|1[0-2])",
    "MONTHDAY": r"(?:(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9])",
    "DAY": r"(?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)",
    "YEAR": r"(?:\d\d){1,2}",
    "HOUR": r"(?:2[0123]|[01]?[0-9])",
    "MINUTE": r"(?:[0-5][0-9])",
    "SECOND": r"(?:(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?)",
    "TIME": r"(?<![0-9])%{HOUR}:%{MINUTE}(?::%{SECOND})(?![0-9])",
    "DATE_US": r"%{MONTHNUM}[/-]%{MONTHDAY}[/-]%{YEAR}",
    "DATE_EU": r"%{MONTHDAY}[./-]%{MONTHNUM}[./-]%{YEAR}",
    "DATE": r"(?:%{DATE_US}|%{DATE_EU})",
    "ISO8601_TIMEZONE": r"(?:Z|[+-]%{HOUR}(?::?%{MINUTE}))",
    "TIMESTAMP_ISO8601": r"%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}(?::?%{SECOND})?%{ISO8601_TIMEZONE}?",
    "DATESTAMP": r"%{DATE}[- ]%{TIME}",
    "HTTPDATE": r"%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} %{INT}",
    "SYSLOGTIMESTAMP": r"%{MONTH} +%{MONTHDAY} %{TIME}",
    "PROG": r"[\x21-\x5a\x5c\x5e-\x7e]+",
    "SYSLOGPROG": r"%{PROG:program}(?:\[%{POSINT:pid}\])?",
    "SYSLOGHOST": r"%{IPORHOST}",
    "SYSLOGBASE": r"%{SYSLOGTIMESTAMP:timestamp} %{SYSLOGHOST:logsource} %{SYSLOGPROG}:",
    "LOGLEVEL": r"(?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo|INFO|"
                r"[Ww]arn?(?:ing)?|WARN?(?:ING)?|[Ee]rr?(?:or)?|ERR?(?:OR)?|[Cc]rit?(?:ical)?|CRIT?(?:ICAL)?|"
                r"[Ff]atal|FATAL|[Ss]evere|SEVERE|EMERG(?:ENCY)?|[Ee]merg(?:ency)?)",
    "COMMONAPACHELOG": r"%{IPORHOST:clientip} %{USER:ident} %{USER:auth} \[%{HTTPDATE:timestamp}\] "
                       r'"(?:%{WORD:verb} %{NOTSPACE:request}(?: HTTP/%{NUMBER:httpversion})?|%{DATA:rawrequest})" '
                       r"%{NUMBER:response} (?:%{NUMBER:bytes}|-)",
    "COMBINEDAPACHELOG": r"%{COMMONAPACHELOG} %{QS:referrer} %{QS:agent}",
}

# Grok data types (Glue's names) -> Hive types.
_TYPES = {"byte": "tinyint", "boolean": "boolean", "double": "double", "short": "smallint", "int": "int",
          "long": "bigint", "float": "float", "string": "string", "date": "date", "timestamp": "timestamp"}


class GrokError(ValueError):
    """A grok pattern that does not compile (unknown name, recursion, bad regex)."""


@dataclass(frozen=True)
class Grok:
    regex: re.Pattern[str]
    columns: tuple[tuple[str, str, str], ...]  # (group name in the regex, column name, Hive type)


def parse_custom_patterns(text: str) -> dict[str, str]:
    """CustomPatterns: one `NAME regex` per line; blank lines and # comments are skipped."""
    patterns = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, regex = line.partition(" ")
        patterns[name] = regex.strip()
    return patterns


@lru_cache(maxsize=256)
def compile_grok(pattern: str, custom_patterns: str = "") -> Grok:
    """Expand a grok pattern into one regex with a group per captured column."""
    library = {**PATTERNS, **parse_custom_patterns(custom_patterns)}
    columns: list[tuple[str, str, str]] = []
    seen: set[str] = set()

    def expand(text: str, depth: int) -> str:
        if depth > _MAX_DEPTH:
            raise GrokError("grok patterns reference each other in a cycle")

        def substitute(match: re.Match[str]) -> str:
            name, field, dtype = match[1], match[2], match[3]
            if name not in library:
                raise GrokError(f"unknown grok pattern %{{{name}}}")
            body = expand(library[name], depth + 1)
            if not field:
                return f"(?:{body})"
            group = f"g{len(columns)}"
            if field.lower() not in seen:  # a field captured twice keeps its first column
                seen.add(field.lower())
                hive = _TYPES.get((dtype or "string").lower())
                if hive is None:
                    raise GrokError(f"unknown grok data type {dtype!r}")
                columns.append((group, field, hive))
            else:
                columns.append((group, "", ""))
            return f"(?P<{group}>{body})"

        return _REFERENCE.sub(substitute, text)

    try:
        regex = re.compile(expand(pattern, 0))
    except re.error as exc:
        raise GrokError(f"grok pattern does not compile: {exc}") from exc
    return Grok(regex, tuple(c for c in columns if c[1]))


def infer(sample: TextSample, grok: Grok, classification: str, pattern: str,
          custom_patterns: str = "") -> tuple[float, FileSchema | None]:
    """(certainty, schema): certainty is the share of sampled lines the pattern matches."""
    lines = [line for line in sample.whole_lines().splitlines() if line.strip()][:MAX_RECORDS]
    if not lines:
        return 0.0, None
    matched = [line for line in lines if grok.regex.match(line)]
    if not matched or not grok.columns:
        return 0.0, None
    columns: Columns = [(name, hive) for _, name, hive in grok.columns]
    serde_parameters = {"input.format": pattern}
    if custom_patterns:
        serde_parameters["input.grokCustomPatterns"] = custom_patterns
    sample_bytes = sum(len(line) + 1 for line in matched)
    whole = sample.complete and len(lines) < MAX_RECORDS
    schema = FileSchema(
        classification=classification,
        columns=columns,
        serde_library=SERDE,
        serde_parameters=serde_parameters,
        compression=sample.compression,
        records=sample.estimate(len(matched), sample_bytes, whole),
        sample_records=len(matched),
        sample_bytes=sample_bytes,
    )
    return len(matched) / len(lines), schema
