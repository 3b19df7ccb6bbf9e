"""AWS cron expressions, as Glue schedules (crawlers, SCHEDULED triggers) use them.

`cron(Minutes Hours Day-of-month Month Day-of-week Year)`: six fields, always UTC.

- Minutes 0-59, Hours 0-23, Month 1-12 or JAN-DEC, Year 1970-2199: `,` lists, `-` ranges, `*`,
  `/` increments (`0/15`, `*/10`, `10-40/5`).
- Day-of-month 1-31 adds `?`, `L` (last day), `L-n` (n days before the last), `LW` (last weekday),
  `nW` (the weekday nearest day n, never leaving the month).
- Day-of-week 1-7 or SUN-SAT (1 = SUN) adds `?`, `L` (alone: Saturday, the last day of the week),
  `nL` (the last such weekday of the month), `n#k` (the k-th such weekday of the month).
- One of Day-of-month and Day-of-week must be `?`, not both (AWS refuses both a value and `*`).

Decisions where AWS documents nothing: ranges may wrap around in the cyclic fields (`22-2` hours,
`FRI-MON`), as in the Quartz syntax AWS's cron comes from; `#` is accepted although Glue's page
lists it only for EventBridge; names and `L`/`W` are case-insensitive.

Glue documents a minimum precision of 5 minutes and says expressions firing more often are not
supported (https://docs.aws.amazon.com/glue/latest/dg/monitor-data-warehouse-schedule.html).
`check_schedule` refuses them where a schedule is set (CreateTrigger, UpdateTrigger, CreateCrawler,
UpdateCrawler, UpdateCrawlerSchedule); `parse` alone accepts them, so a schedule stored before the
rule existed still fires. AWS's wording of that refusal is not on record; ours names the rule.
"""

from __future__ import annotations

import calendar
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..errors import InvalidInputException

_MONTHS = {name: i + 1 for i, name in enumerate(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"])}
_WEEKDAYS = {name: i + 1 for i, name in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"])}
_EXPRESSION = re.compile(r"^cron\((.*)\)$", re.IGNORECASE | re.DOTALL)
_INCREMENT = re.compile(r"^(\*|[A-Z0-9]+(?:-[A-Z0-9]+)?)/(\d+)$")

# Glue's minimum precision: a schedule may not fire twice within fewer minutes than this.
MINIMUM_INTERVAL_MINUTES = 5
_MINUTES_A_DAY = 24 * 60

# A day rule: the days of one month (year, month) it selects.
DayRule = Callable[[int, int], set[int]]


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: dict[str, int] | None = None
    cyclic: bool = True  # ranges may wrap (22-2); not for days of the month or years

    def number(self, token: str) -> int:
        if self.names and token in self.names:
            return self.names[token]
        if not token.isdigit():
            raise ValueError(f"invalid value '{token}' in the {self.name} field")
        value = int(token)
        if not self.low <= value <= self.high:
            raise ValueError(f"{self.name} value {value} is outside {self.low}-{self.high}")
        return value

    def span(self, start: int, end: int) -> list[int]:
        if start <= end:
            return list(range(start, end + 1))
        if not self.cyclic:
            raise ValueError(f"range {start}-{end} in the {self.name} field runs backwards")
        return list(range(start, self.high + 1)) + list(range(self.low, end + 1))

    def item(self, item: str) -> set[int]:
        """One comma-separated item: `*`, `n`, `a-b`, or either with `/step`."""
        step = 1
        match = _INCREMENT.match(item)
        if match:
            item, step = match.group(1), int(match.group(2))
            if step < 1:
                raise ValueError(f"increment 0 in the {self.name} field")
        if item == "*":
            values = self.span(self.low, self.high)
        elif "-" in item:
            start, _, end = item.partition("-")
            values = self.span(self.number(start), self.number(end))
        else:
            start = self.number(item)
            # `a/step` runs from a to the end of the field; a plain value is just itself.
            values = self.span(start, self.high) if match else [start]
        return set(values[::step])

    def parse(self, text: str) -> frozenset[int]:
        return frozenset().union(*(self.item(item) for item in _items(text, self.name)))


_MINUTES = _Field("Minutes", 0, 59)
_HOURS = _Field("Hours", 0, 23)
_DAYS = _Field("Day-of-month", 1, 31, cyclic=False)
_MONTH = _Field("Month", 1, 12, _MONTHS)
_WEEKDAY = _Field("Day-of-week", 1, 7, _WEEKDAYS)
_YEAR = _Field("Year", 1970, 2199, cyclic=False)


def _items(text: str, field: str) -> list[str]:
    items = text.split(",")
    if any(not item for item in items):
        raise ValueError(f"empty list item in the {field} field")
    return items


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _weekday(year: int, month: int, day: int) -> int:
    """AWS numbering: 1 = Sunday ... 7 = Saturday."""
    return (calendar.weekday(year, month, day) + 1) % 7 + 1


def _nearest_weekday(year: int, month: int, day: int) -> set[int]:
    """`nW`: day n if it is a weekday, else the nearest weekday within the same month."""
    last = _last_day(year, month)
    if day > last:
        return set()
    weekday = _weekday(year, month, day)
    if weekday == 7:  # Saturday: Friday before, or Monday after when the 1st is a Saturday
        return {day - 1} if day > 1 else {day + 2}
    if weekday == 1:  # Sunday: Monday after, or Friday before when it is the last day
        return {day + 1} if day < last else {day - 2}
    return {day}


def _day_of_month_rule(item: str) -> DayRule:
    if item == "L":
        return lambda y, m: {_last_day(y, m)}
    if item == "LW":
        return lambda y, m: _nearest_weekday(y, m, _last_day(y, m))
    match = re.fullmatch(r"L-(\d+)", item)
    if match:
        offset = int(match.group(1))
        if offset > 30:
            raise ValueError(f"offset {offset} in 'L-{offset}' is over 30")
        return lambda y, m: {d for d in [_last_day(y, m) - offset] if d >= 1}
    match = re.fullmatch(r"(\d+)W", item)
    if match:
        day = _DAYS.number(match.group(1))
        return lambda y, m: _nearest_weekday(y, m, day)
    days = _DAYS.item(item)
    return lambda y, m: {d for d in days if d <= _last_day(y, m)}


def _day_of_week_rule(item: str) -> DayRule:
    if item == "L":  # alone, the last day of the week: Saturday
        item = "7"
    match = re.fullmatch(r"([A-Z0-9]+)L", item)
    if match:
        weekday = _WEEKDAY.number(match.group(1))
        return lambda y, m: {max(_month_days_on(y, m, {weekday}))}
    match = re.fullmatch(r"([A-Z0-9]+)#(\d+)", item)
    if match:
        weekday, nth = _WEEKDAY.number(match.group(1)), int(match.group(2))
        if not 1 <= nth <= 5:
            raise ValueError(f"'#{nth}' must name the 1st to 5th weekday of the month")
        return lambda y, m: {d for i, d in enumerate(sorted(_month_days_on(y, m, {weekday})), 1) if i == nth}
    weekdays = _WEEKDAY.item(item)
    return lambda y, m: _month_days_on(y, m, weekdays)


def _month_days_on(year: int, month: int, weekdays: set[int]) -> set[int]:
    return {d for d in range(1, _last_day(year, month) + 1) if _weekday(year, month, d) in weekdays}


def _day_rules(text: str, field: str, rule: Callable[[str], DayRule]) -> tuple[DayRule, ...] | None:
    """The rules of a day field; None for `?` (no specific value)."""
    if text == "?":
        return None
    if "?" in text:
        raise ValueError(f"'?' must stand alone in the {field} field")
    return tuple(rule(item) for item in _items(text, field))


@dataclass(frozen=True)
class Cron:
    """A parsed expression; `next_after` gives its firing times."""

    expression: str
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    months: tuple[int, ...]
    years: tuple[int, ...]
    days_of_month: tuple[DayRule, ...] | None
    days_of_week: tuple[DayRule, ...] | None

    def days(self, year: int, month: int) -> list[int]:
        """The days of a month the expression fires on, in order."""
        rules = self.days_of_month if self.days_of_month is not None else self.days_of_week
        assert rules is not None  # parse() guarantees one of them
        return sorted(set().union(*(rule(year, month) for rule in rules)))

    def shortest_interval(self) -> int:
        """Minutes between the two closest firings of a day (and across midnight); 1440 for one a day."""
        moments = [hour * 60 + minute for hour in self.hours for minute in self.minutes]
        gaps = [later - earlier for earlier, later in itertools.pairwise(moments)]
        gaps.append(moments[0] + _MINUTES_A_DAY - moments[-1])  # last firing of a day to the first of the next
        return min(gaps)

    def next_after(self, moment: datetime) -> datetime | None:
        """The first firing time strictly after `moment` (UTC; a naive moment is taken as UTC),
        or None when the expression never fires again (its years are over)."""
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        start = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
        for year in (y for y in self.years if y >= start.year):
            for month in self.months:
                if (year, month) < (start.year, start.month):
                    continue
                for day in self.days(year, month):
                    if (year, month, day) < (start.year, start.month, start.day):
                        continue
                    for hour in self.hours:
                        if (year, month, day, hour) < (start.year, start.month, start.day, start.hour):
                            continue
                        for minute in self.minutes:
                            candidate = datetime(year, month, day, hour, minute)
                            if candidate >= start:
                                return candidate.replace(tzinfo=UTC)
        return None


def parse(expression: str) -> Cron:
    """Parse `cron(...)`; a ValueError says what is wrong (the API answers InvalidInputException)."""
    match = _EXPRESSION.match(expression.strip())
    if match is None:
        raise ValueError(
            "a schedule must be a cron expression: cron(Minutes Hours Day-of-month Month Day-of-week Year)"
        )
    fields = match.group(1).upper().split()
    if len(fields) != 6:
        raise ValueError(f"a cron expression has 6 fields, this one has {len(fields)}")
    minutes, hours, dom, month, dow, year = fields
    for text, field in ((minutes, _MINUTES), (hours, _HOURS), (month, _MONTH), (year, _YEAR)):
        if "?" in text:
            raise ValueError(f"'?' is only allowed in the Day-of-month and Day-of-week fields, not in {field.name}")
    days_of_month = _day_rules(dom, "Day-of-month", _day_of_month_rule)
    days_of_week = _day_rules(dow, "Day-of-week", _day_of_week_rule)
    if (days_of_month is None) == (days_of_week is None):
        raise ValueError("one of the Day-of-month and Day-of-week fields must be '?', and only one")
    return Cron(
        expression=expression,
        minutes=tuple(sorted(_MINUTES.parse(minutes))),
        hours=tuple(sorted(_HOURS.parse(hours))),
        months=tuple(sorted(_MONTH.parse(month))),
        years=tuple(sorted(_YEAR.parse(year))),
        days_of_month=days_of_month,
        days_of_week=days_of_week,
    )


def check_schedule(expression: str) -> Cron:
    """The parsed schedule of a CreateTrigger/UpdateTrigger/CreateCrawler/UpdateCrawler(Schedule) request.

    Raises InvalidInputException for an expression that does not parse, and for one firing more often
    than every 5 minutes, which Glue documents as not supported.
    """
    try:
        parsed = parse(expression)
    except ValueError as exc:
        raise InvalidInputException(f"Invalid schedule expression {expression}: {exc}") from None
    interval = parsed.shortest_interval()
    if interval < MINIMUM_INTERVAL_MINUTES:
        raise InvalidInputException(
            f"Invalid schedule expression {expression}: it fires {interval} minute(s) apart; AWS Glue schedules "
            f"have a minimum precision of {MINIMUM_INTERVAL_MINUTES} minutes and do not support firing more often"
        )
    return parsed
