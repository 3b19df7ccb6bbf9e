"""Java regular expressions, as Glue's sensitive-data detection reads a custom entity type's RegexString.

Glue compiles RegexString with Java's `java.util.regex.Pattern` (its detection runs on the JVM). Python's `re`
refuses much of that syntax, so patterns are compiled with the `regex` module in its version-1 mode, which
accepts what Java users write and `re` does not: `\\p{Alpha}`/`\\p{L}` classes, `(?<name>...)` groups, class
intersection `[a-z&&[^aeiou]]`, possessive quantifiers and atomic groups. Java's `\\Q...\\E` quoting is
rewritten to escaped text first (`regex` has no such quoting).

Known differences from Java: `regex` reads `\\p{Alpha}` as the Unicode Alphabetic property where Java's
default is ASCII-only POSIX classes (`[a-zA-Z]`), so a Python match can be wider on non-ASCII text; Java-only
constructs such as `\\G` inside lookbehind or `(?U)`-style embedded flag semantics may be accepted or refused
differently. A pattern either engine refuses outright (unbalanced parenthesis, bad repetition) is refused here.
"""

from __future__ import annotations

import regex

_QUOTED = regex.compile(r"\\Q(.*?)(?:\\E|$)", regex.DOTALL)


class PatternError(ValueError):
    """A RegexString that does not compile; the message says why and where."""


def _unquote(pattern: str) -> str:
    return _QUOTED.sub(lambda m: regex.escape(m.group(1)), pattern)


def compile_pattern(pattern: str) -> regex.Pattern[str]:
    """The compiled form of a Java-syntax pattern; PatternError when it does not compile."""
    try:
        return regex.compile(_unquote(pattern), regex.V1)
    except regex.error as exc:
        raise PatternError(str(exc)) from None
