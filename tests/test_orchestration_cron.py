"""AWS cron expressions: parsing, AWS's validation rules, and next firing times."""

from __future__ import annotations

from datetime import UTC, datetime, timezone

import pytest

from emulator.orchestration.cron import parse


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("cron(15 12 * * ? *)", utc(2024, 1, 1, 12, 15), utc(2024, 1, 2, 12, 15)),  # strictly after
        ("cron(15 12 * * ? *)", utc(2024, 1, 1, 12, 14, 59), utc(2024, 1, 1, 12, 15)),
        ("cron(0/15 * * * ? *)", utc(2024, 1, 1, 12, 50), utc(2024, 1, 1, 13, 0)),
        ("cron(1/10 * * * ? *)", utc(2024, 1, 1, 12, 11), utc(2024, 1, 1, 12, 21)),
        ("cron(*/20 9-17 ? * MON-FRI *)", utc(2024, 1, 5, 17, 40), utc(2024, 1, 8, 9, 0)),  # Fri -> Mon
        ("cron(0 22-2/2 * * ? *)", utc(2024, 1, 1, 3), utc(2024, 1, 1, 22)),  # wrapping range
        ("cron(0 0 ? * FRI-MON *)", utc(2024, 1, 2), utc(2024, 1, 5)),
        ("cron(0 8 1,15 JAN,JUL ? *)", utc(2024, 1, 15, 9), utc(2024, 7, 1, 8)),
        ("cron(0 0 L * ? *)", utc(2024, 2, 1), utc(2024, 2, 29)),  # leap year
        ("cron(0 0 L-2 FEB ? 2025)", utc(2024, 1, 1), utc(2025, 2, 26)),
        ("cron(0 0 LW * ? *)", utc(2024, 6, 1), utc(2024, 6, 28)),  # June 30 2024 is a Sunday
        ("cron(0 0 1W * ? *)", utc(2024, 6, 1), utc(2024, 6, 3)),  # June 1 is a Saturday: not May 31
        ("cron(0 0 30W * ? *)", utc(2024, 6, 1), utc(2024, 6, 28)),  # Sunday the 30th, last day: Friday
        ("cron(0 0 15W * ? *)", utc(2024, 6, 1), utc(2024, 6, 14)),  # Saturday the 15th: Friday
        ("cron(0 10 ? * 6L 2024)", utc(2024, 1, 1), utc(2024, 1, 26, 10)),  # last Friday
        ("cron(0 10 ? * MON#2 *)", utc(2024, 1, 1), utc(2024, 1, 8, 10)),
        ("cron(0 10 ? * 2#5 *)", utc(2024, 2, 1), utc(2024, 4, 29, 10)),  # months without a 5th Monday skipped
        ("cron(0 0 ? * L *)", utc(2024, 1, 1), utc(2024, 1, 6)),  # L alone = Saturday
        ("cron(0 0 ? * 1 *)", utc(2024, 1, 1), utc(2024, 1, 7)),  # 1 = Sunday
        ("cron(0 0 29 2 ? *)", utc(2024, 3, 1), utc(2028, 2, 29)),
        ("cron(30 6 * * ? 2030/5)", utc(2024, 1, 1), utc(2030, 1, 1, 6, 30)),
        ("cron(0 12 * * ? 2020-2021)", utc(2024, 1, 1), None),  # over
        ("cron(0 0 31 2 ? *)", utc(2024, 1, 1), None),  # never
        ("cron(15 12 * * ? *)", datetime(2024, 1, 1, 12, 0), utc(2024, 1, 1, 12, 15)),  # naive = UTC
    ],
)
def test_next_after(expression: str, after: datetime, expected: datetime | None) -> None:
    assert parse(expression).next_after(after) == expected


def test_next_after_converts_other_time_zones_to_utc() -> None:
    from datetime import timedelta

    paris = timezone(timedelta(hours=1))
    assert parse("cron(0 12 * * ? *)").next_after(datetime(2024, 1, 1, 12, 30, tzinfo=paris)) == utc(2024, 1, 1, 12)


def test_names_and_wildcards_are_case_insensitive() -> None:
    assert parse("cron(0 0 ? jan mon#1 *)").next_after(utc(2024, 1, 1)) == utc(2025, 1, 6)
    assert parse("CRON(0 0 l * ? *)").next_after(utc(2024, 4, 1)) == utc(2024, 4, 30)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("cron(* * * * * *)", "must be '?'"),  # a value in both day fields
        ("cron(0 0 1 * 2 *)", "must be '?'"),
        ("cron(0 0 ? * ? *)", "must be '?'"),  # both '?'
        ("cron(0 0 * * ?)", "6 fields"),
        ("cron(0 0 * * ? * *)", "6 fields"),
        ("rate(5 minutes)", "cron expression"),
        ("0 0 * * ? *", "cron expression"),
        ("cron(60 0 * * ? *)", "outside 0-59"),
        ("cron(0 24 * * ? *)", "outside 0-23"),
        ("cron(0 0 0 * ? *)", "outside 1-31"),
        ("cron(0 0 32 * ? *)", "outside 1-31"),
        ("cron(0 0 * 13 ? *)", "outside 1-12"),
        ("cron(0 0 ? * 8 *)", "outside 1-7"),
        ("cron(0 0 ? * 0 *)", "outside 1-7"),
        ("cron(0 0 * * ? 1969)", "outside 1970-2199"),
        ("cron(0 0 * * ? 2200)", "outside 1970-2199"),
        ("cron(0 0 ? * MON#6 *)", "1st to 5th"),
        ("cron(0 0 5-1 * ? *)", "runs backwards"),
        ("cron(0/0 0 * * ? *)", "increment 0"),
        ("cron(0 0 1,,2 * ? *)", "empty list item"),
        ("cron(? 0 * * ? *)", "only allowed"),
        ("cron(0 0 1,? * ? *)", "stand alone"),
        ("cron(0 0 L-31 * ? *)", "over 30"),
        ("cron(0 0 ? FOO * *)", "invalid value"),
        ("cron(0 0 * * ? L)", "invalid value"),  # L only in the day fields
        ("cron(0 0 W * ? *)", "invalid value"),
    ],
)
def test_invalid_expressions(expression: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse(expression)
