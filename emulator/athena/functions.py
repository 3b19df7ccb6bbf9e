"""Trino functions DuckDB lacks and sqlglot does not translate, given to DuckDB per query as it needs them.

Athena engine v3's function list (https://docs.aws.amazon.com/athena/latest/ug/functions-env3.html, Trino's
https://trino.io/docs/current/functions.html) has functions whose DuckDB counterpart differs in name or format
language; a query naming one failed "Scalar Function with name ... does not exist". Here:

- `format_datetime(ts, pattern)` and `parse_datetime(text, pattern)` take Joda-Time patterns (`yyyy-MM-dd
  HH:mm:ss`); with a literal pattern they become DuckDB's strftime/strptime with the pattern translated. A
  pattern that is not a literal is left to fail as before.
- `url_extract_protocol/host/port/path/query/fragment/parameter` split the URL as RFC 3986's appendix B does;
  a missing part is NULL (the path is '' when empty), as Trino answers.
- `map_agg(key, value)` builds a map from a group's pairs.

The macros are defined in the query's DuckDB connection only when the query names them (a few ms each).
"""

from __future__ import annotations

import re

import duckdb
from sqlglot import exp

_AUTHORITY = r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?"
MACROS = {
    "url_extract_protocol": "(u) AS NULLIF(regexp_extract(u, '^([A-Za-z][A-Za-z0-9+.-]*):', 1), '')",
    "url_extract_host": f"(u) AS NULLIF(regexp_extract(u, '{_AUTHORITY}(\\[[^]]*\\]|[^:/?#]*)', 1), '')",
    "url_extract_port": f"(u) AS TRY_CAST(NULLIF(regexp_extract(u, '{_AUTHORITY}(?:\\[[^]]*\\]|[^:/?#]*):([0-9]+)', 1),"
                        " '') AS BIGINT)",
    "url_extract_path": "(u) AS regexp_extract(u, '^(?:[A-Za-z][A-Za-z0-9+.-]*:)?(?://[^/?#]*)?([^?#]*)', 1)",
    "url_extract_query": "(u) AS CASE WHEN u LIKE '%?%' THEN regexp_extract(u, '\\?([^#]*)', 1) END",
    "url_extract_fragment": "(u) AS CASE WHEN u LIKE '%#%' THEN regexp_extract(u, '#(.*)$', 1) END",
    "url_extract_parameter": "(u, name) AS CASE WHEN regexp_matches(regexp_extract(u, '^[^#]*'), "
                             "'[?&]' || name || '(=|&|$)') THEN regexp_extract(regexp_extract(u, '^[^#]*'), "
                             "'[?&]' || name || '=([^&]*)', 1) END",
    "map_agg": "(k, v) AS map(list(k), list(v))",
}

# Joda-Time pattern letters -> strftime codes, longest first (https://www.joda.org/joda-time/key_format.html)
_JODA = [("yyyy", "%Y"), ("yy", "%y"), ("MMMM", "%B"), ("MMM", "%b"), ("MM", "%m"), ("M", "%-m"),
         ("dd", "%d"), ("d", "%-d"), ("HH", "%H"), ("H", "%-H"), ("hh", "%I"), ("h", "%-I"), ("mm", "%M"),
         ("m", "%-M"), ("ss", "%S"), ("s", "%-S"), ("SSSSSS", "%f"), ("SSS", "%g"), ("a", "%p"), ("EEEE", "%A"),
         ("EEE", "%a"), ("E", "%a"), ("DDD", "%j"), ("ZZ", "%z"), ("Z", "%z"), ("z", "%Z")]
_JODA_TOKEN = re.compile("'[^']*'|" + "|".join(re.escape(joda) for joda, _ in _JODA) + "|.", re.DOTALL)


def joda_to_strftime(pattern: str) -> str:
    """A Joda-Time pattern as a strftime format: quoted text kept literally ('' is a quote), `%` escaped."""
    codes = dict(_JODA)
    out = []
    for token in _JODA_TOKEN.findall(pattern):
        if token.startswith("'") and len(token) > 1:
            out.append(token[1:-1].replace("%", "%%") or "'")
        else:
            out.append(codes.get(token, token.replace("%", "%%")))
    return "".join(out)


def translate(conn: duckdb.DuckDBPyConnection, statement: exp.Expression, defined: set[str]) -> None:
    """Rewrite the Joda-pattern functions of `statement` in place and define in `conn` the macros it names
    (`defined`: the names defined in this connection already)."""
    for parse in list(statement.find_all(exp.ParseDatetime)):  # sqlglot keeps its Joda pattern as is
        pattern = parse.args.get("format")
        if isinstance(pattern, exp.Literal) and pattern.is_string:
            parse.replace(exp.Anonymous(this="strptime", expressions=[
                parse.this, exp.Literal.string(joda_to_strftime(pattern.name))]))
    for call in list(statement.find_all(exp.Anonymous)):
        name = call.name.lower()
        args = call.expressions
        if name == "format_datetime" and len(args) == 2 and args[1].is_string:
            call.replace(exp.Anonymous(this="strftime", expressions=[
                args[0], exp.Literal.string(joda_to_strftime(args[1].name))]))
        elif name in MACROS and name not in defined:
            conn.execute(f"CREATE MACRO {name}{MACROS[name]}")
            defined.add(name)
