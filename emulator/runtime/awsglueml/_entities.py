"""What EntityDetector finds: Glue's managed entity types that a regular expression can find, and the account's
custom entity types.

Managed types detected here (names as Glue's "Managed data types" page spells them,
https://docs.aws.amazon.com/glue/latest/dg/sensitive-data-managed-data-types.html): EMAIL, CREDIT_CARD (13-19
digits, spaces or dashes between, passing the Luhn check), USA_SSN (AAA-GG-SSSS without the never-issued 000, 666,
9xx areas, 00 group, 0000 serial), USA_ITIN (9XX-7X-XXXX and the other IRS group ranges), PHONE_NUMBER (North
American numbers with optional +1 and separators, and E.164 +<country><number>), IP_ADDRESS (IPv4 and IPv6 that
Python's ipaddress accepts) and MAC_ADDRESS (six hex pairs split by ':' or '-'). Glue finds the others (PERSON_NAME,
DATE, addresses, the medical and national identifiers...) with models and checks we do not have: asking for one
detects nothing of it, and the job's error log says so (one line per call naming the types), so that a job written
for Glue runs unchanged. A name that is no type at all cannot be told from those (Glue has 250+ managed types), so
it is reported the same way.

Custom entity types come from the Data Catalog (BatchGetCustomEntityTypes on the emulator, as the job's own boto3
clients reach it). Their ContextWords are honoured as AWS documents them: a match counts only when one of the words
(case-insensitive) is in the same cell within 50 characters of it, or in the column's name.
"""

from __future__ import annotations

import ipaddress
import sys
from dataclasses import dataclass
from functools import cache
from typing import Any

from ._patterns import compile_pattern

CONTEXT_DISTANCE = 50  # characters either side of a match searched for a context word


def _luhn(digits: str) -> bool:
    total = 0
    for index, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _credit_card(text: str) -> bool:
    digits = "".join(ch for ch in text if ch.isdigit())
    return 13 <= len(digits) <= 19 and _luhn(digits)


def _ip_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


# name -> (Java-syntax pattern, extra check on the matched text or None)
MANAGED: dict[str, tuple[str, Any]] = {
    "EMAIL": (r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])", None),
    "CREDIT_CARD": (r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])", _credit_card),
    "USA_SSN": (r"(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])", None),
    "USA_ITIN": (r"(?<![\d-])9\d{2}-(?:5\d|6[0-5]|7\d|8[0-8]|9[0-24-9])-\d{4}(?![\d-])", None),
    "PHONE_NUMBER": ((r"(?<![\w+])(?:\+?1[ .-]?)?(?:\([2-9]\d{2}\)|[2-9]\d{2})[ .-]?[2-9]\d{2}[ .-]?\d{4}(?!\d)"
                      r"|(?<![\w+])\+[1-9]\d{7,14}(?!\d)"), None),
    "IP_ADDRESS": (r"(?<![\w.:])(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})(?![\w.:])",
                   _ip_address),
    "MAC_ADDRESS": (r"(?<![\w:-])[0-9A-Fa-f]{2}(?:([:-])[0-9A-Fa-f]{2})(?:\1[0-9A-Fa-f]{2}){4}(?![\w:-])", None),
}


@dataclass(frozen=True)
class EntityType:
    """One type to detect: its name, pattern, an optional check of the matched text, and context words."""

    name: str
    pattern: str
    check: Any = None
    context_words: tuple[str, ...] = ()

    def find(self, text: str, column: str) -> list[tuple[int, int]]:
        """(start, end) of each match in `text` that passes the check and the context words."""
        found = []
        for match in _compiled(self.pattern).finditer(text):
            if match.end() == match.start():
                continue
            if self.check is not None and not self.check(match.group(0)):
                continue
            if self.context_words and not self._in_context(text, column, match.start(), match.end()):
                continue
            found.append((match.start(), match.end()))
        return found

    def _in_context(self, text: str, column: str, start: int, end: int) -> bool:
        window = text[max(0, start - CONTEXT_DISTANCE): end + CONTEXT_DISTANCE].lower()
        return any(word.lower() in window or word.lower() in column.lower() for word in self.context_words)


@cache
def _compiled(pattern: str) -> Any:
    return compile_pattern(pattern)


def resolve(names: list[str]) -> list[EntityType]:
    """The EntityTypes of `names` that can be detected here: managed ones by name, the others from the catalog's
    custom entity types. The names that are neither are left out, with a line on stderr (the job's error log)."""
    managed = [EntityType(name, *MANAGED[name]) for name in names if name in MANAGED]
    others = [name for name in names if name not in MANAGED]
    custom = _custom_entity_types(others) if others else {}
    unknown = [name for name in others if name not in custom]
    if unknown:
        print(f"EntityDetector: glue-emulator does not detect {', '.join(unknown)} (Glue finds such managed types "
              f"with machine learning); nothing is reported for them. Detected here: {', '.join(sorted(MANAGED))} "
              "and this account's custom entity types.", file=sys.stderr)
    return managed + [custom[name] for name in others if name in custom]


def _custom_entity_types(names: list[str]) -> dict[str, EntityType]:
    """The named custom entity types, read from the Data Catalog the job's boto3 clients reach."""
    import boto3

    answer = boto3.client("glue").batch_get_custom_entity_types(Names=names)
    return {item["Name"]: EntityType(item["Name"], item["RegexString"],
                                     context_words=tuple(item.get("ContextWords") or ()))
            for item in answer["CustomEntityTypes"]}
