"""Reading the dates, times and durations people type, relative to a "now" passed in.

ISO 8601, what dateutil's parser reads ("Jan 12 2022 10am"), and relative forms
("today", "tomorrow 10:00", "+3d", "in 2 weeks", "next monday"). The result
keeps what was typed: a date-only input stays date-only, an explicit offset is
kept. Nothing here reads the clock or the environment.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta, tzinfo
from functools import cache

from summit_cli.dateorder import DateOrder
from summit_cli.errors import InvalidInput
from summit_cli.model import MAX_OFFSET, WallTime, check_date_range, parse_wall_time
from summit_cli.timeline import next_midnight, wall_to_datetime

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any, NamedTuple
else:
    from summit_cli.lighttuple import NamedTuple


@cache
def _compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile on first use: only typed input needs these (start-up time)."""
    return re.compile(pattern, flags)


def _duration_re() -> re.Pattern[str]:
    return _compiled(
        r"\s*(\d+)\s*(weeks?|w|days?|d|hours?|hrs?|h|minutes?|mins|min|m|seconds?|secs|sec|s)"
        r"(?![a-z])\s*",
        re.IGNORECASE,
    )


_UNIT_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_MAX_SECONDS = 1000 * 366 * 86400


def parse_duration(text: str) -> timedelta:
    """``7d``, ``2w``, ``36h``, ``1d12h``, ``90min`` -> a timedelta; else InvalidInput."""
    pos, total, source = 0, 0, text.strip()
    if not source:
        raise InvalidInput("empty duration (use forms such as 7d, 2w, 36h, 90min)")
    while pos < len(source):
        match = _duration_re().match(source, pos)
        if not match:
            raise InvalidInput(
                f"cannot read {text!r} as a duration (use forms such as 7d, 2w, 36h, 90min)"
            )
        unit = match[2].lower()
        key = "m" if unit.startswith("m") else unit[0]
        total += int(match[1]) * _UNIT_SECONDS[key]
        if total > _MAX_SECONDS:
            raise InvalidInput(f"duration {text!r} is too long (at most 1000 years)")
        pos = match.end()
    return timedelta(seconds=total)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _relative_re() -> re.Pattern[str]:
    return _compiled(
        r"(?:(?P<sign>[+-])\s*(?P<n1>\d+)\s*(?P<u1>[a-z]+)"
        r"|in\s+(?P<n2>\d+|a|an|one)\s+(?P<u2>[a-z]+)"
        r"|(?P<n3>\d+|a|an|one)\s+(?P<u3>[a-z]+)\s+ago)\Z",
        re.IGNORECASE,
    )


def _day_word_re() -> re.Pattern[str]:
    return _compiled(
        r"(?P<word>today|tomorrow|yesterday|now|(?:next\s+|this\s+|last\s+)?(?:"
        + "|".join(_WEEKDAYS)
        + r"))(?:\s+(?:at\s+)?(?P<clock>.+))?\Z",
        re.IGNORECASE,
    )


def _ambiguous_numeric_re() -> re.Pattern[str]:
    return _compiled(r"(?<![\d./-])(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})\b")


def _unit_delta(n: int, unit: str, original: str) -> timedelta | str:
    """Hours, minutes and seconds as elapsed time (a timedelta); "days", "months" or
    "years" (with weeks as 7 days) for the calendar units."""
    unit = unit.lower()
    if unit in {"y", "year", "years"}:
        return "years"
    if unit in {"mo", "month", "months"}:
        return "months"
    key = unit[0]  # w, d, h, m (minutes: months were taken above) or s
    if key not in _UNIT_SECONDS or not re.fullmatch(
        r"w|weeks?|d|days?|h|hours?|hrs?|m|min|mins|minutes?|s|sec|secs|seconds?", unit
    ):
        raise InvalidInput(f"cannot read {original!r}: unknown unit {unit!r}")
    if key in {"w", "d"}:
        return "days"
    return timedelta(seconds=n * _UNIT_SECONDS[key])


class TypedMoment(NamedTuple):
    """What a person typed, resolved: a wall time (maybe date-only) and whether it had a zone."""

    wall: WallTime
    relative: bool  # computed from now (today, +3d, next monday...)


def parse_typed(text: str, now: datetime, order: DateOrder = DateOrder()) -> TypedMoment:
    """Read a date as people type it, relative to *now* (aware, in the zone meant).

    Accepts ISO 8601, what dateutil's parser reads ("Jan 12 2022 10am",
    "12.01.2022 10:00" with a day-first setting), and relative forms ("today",
    "tomorrow 10:00", "+3d", "in 2 weeks", "3 days ago", "next monday").
    The result keeps what was typed: a date-only input stays date-only and an
    explicit offset is kept. Raises InvalidInput quoting the input.
    """
    source = " ".join(text.split())
    if not source:
        raise InvalidInput("empty date")
    try:
        return TypedMoment(parse_wall_time(source), relative=False)
    except ValueError:
        pass
    try:
        relative = _parse_relative(source, now, order)
    except (OverflowError, ValueError) as exc:
        raise InvalidInput(f"cannot read {text!r} as a date: it is out of range ({exc})") from None
    if relative is not None:
        moment = TypedMoment(relative, relative=True)
    else:
        rough = _parse_rough(source, text)
        wall = rough if rough is not None else _parse_with_dateutil(source, order)
        moment = TypedMoment(wall, relative=False)
    if moment.wall.tbd:
        return moment
    try:
        check_date_range(moment.wall.date, text)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    offset = moment.wall.offset
    if offset is not None and abs(offset) > MAX_OFFSET:
        raise InvalidInput(f"{text!r} has an impossible UTC offset (at most ±18:00)")
    return moment


def _parse_rough(source: str, original: str) -> WallTime | None:
    """A rough date ("late January 2022", "Q1 2022", "tbd") as a wall time, or None."""
    from summit_cli.precision import parse_typed as parse_rough

    try:
        found = parse_rough(source)
    except ValueError as exc:
        raise InvalidInput(f"cannot read {original!r} as a date: {exc}") from None
    return None if found is None else WallTime(found[1], precision=found[0])


def _wall_from(moment: datetime, *, date_only: bool) -> WallTime:
    """The wall time of an aware *moment*; an hour that happens twice there (a DST fall-back)
    keeps its offset, so it names the instant meant."""
    if date_only:
        return WallTime(moment.date())
    clock = moment.time().replace(microsecond=0, tzinfo=None)
    first, second = moment.replace(fold=0), moment.replace(fold=1)
    ambiguous = first.utcoffset() != second.utcoffset()
    return WallTime(moment.date(), clock, moment.utcoffset() if ambiguous else None)


def _parse_relative(source: str, now: datetime, order: DateOrder) -> WallTime | None:
    lowered = source.lower()
    match = _relative_re().match(lowered)
    if match:
        sign = match["sign"]
        n_text = match["n1"] or match["n2"] or match["n3"]
        unit = match["u1"] or match["u2"] or match["u3"]
        n = 1 if n_text in {"a", "an", "one"} else int(n_text)
        negative = sign == "-" or match["n3"] is not None
        delta = _unit_delta(n, unit, source)
        if isinstance(delta, timedelta):
            # Hours and minutes are elapsed time: counted in UTC, then read at now's zone,
            # so "+3h" across a DST change is three real hours (and stays a time of day).
            utc = now.astimezone(UTC)
            moment = (utc - delta if negative else utc + delta).astimezone(now.tzinfo)
            return _wall_from(moment, date_only=False)
        # Days, weeks, months and years are calendar steps: a date at now's place.
        from dateutil.relativedelta import relativedelta

        days = n * 7 if unit.lower().startswith("w") else n
        step = {
            "years": relativedelta(years=n),
            "months": relativedelta(months=n),
            "days": relativedelta(days=days),
        }[delta]
        return _wall_from(now - step if negative else now + step, date_only=True)
    match = _day_word_re().match(lowered)
    if not match:
        return None
    word, clock_text = match["word"], match["clock"]
    if word == "now":
        if clock_text:
            return None
        return _wall_from(now, date_only=False)
    today = now.date()
    if word in {"today", "tomorrow", "yesterday"}:
        day = today + timedelta(days={"today": 0, "tomorrow": 1, "yesterday": -1}[word])
    else:
        parts = word.split()
        weekday = _WEEKDAYS.index(parts[-1])
        ahead = (weekday - today.weekday()) % 7
        if parts[0] == "last":
            ahead = ahead - 7 if ahead else -7
        elif parts[0] == "next" and ahead == 0:
            ahead = 7
        day = today + timedelta(days=ahead)
    if not clock_text:
        return WallTime(day)
    clock = _parse_clock(clock_text, source)
    return WallTime(day, clock)


def _clock_re() -> re.Pattern[str]:
    return _compiled(r"(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*(am|pm)?\Z", re.IGNORECASE)


def _parse_clock(text: str, original: str) -> time:
    match = _clock_re().match(text.strip())
    if not match:
        raise InvalidInput(f"cannot read the time of day in {original!r}")
    hour, minute, second = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    meridian = (match[4] or "").lower()
    if meridian:
        if not 1 <= hour <= 12:
            raise InvalidInput(f"cannot read the time of day in {original!r}")
        hour = hour % 12 + (12 if meridian == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise InvalidInput(f"cannot read the time of day in {original!r}")
    return time(hour, minute, second)


def _parse_with_dateutil(source: str, order: DateOrder) -> WallTime:
    from dateutil import parser as dateutil_parser

    numeric = _ambiguous_numeric_re().search(source)
    if numeric and order.dayfirst is None:
        first, second = int(numeric[1]), int(numeric[2])
        if first <= 12 and second <= 12 and first != second:
            raise InvalidInput(
                f"{source!r} is ambiguous: day-first or month-first? Write it as YYYY-MM-DD, "
                "or set --date-order dmy|mdy (env SUMMITS_DATE_ORDER)"
            )
    if order.dayfirst is not None and numeric is not None:
        dayfirst = order.dayfirst
    else:
        dayfirst = numeric is not None and int(numeric[1]) > 12
    # Defaults that differ in every field: whatever dateutil fills in shows up as a difference.
    marks = (datetime(2000, 1, 1, 0, 0, 0), datetime(2001, 2, 2, 1, 1, 1))
    text = _offset_words_re().sub(_iso_offset, source)
    try:
        results = [
            dateutil_parser.parse(text, default=d, dayfirst=dayfirst, tzinfos=_zone_word(source))
            for d in marks
        ]
    except (ValueError, OverflowError) as exc:
        raise InvalidInput(f"cannot read {source!r} as a date ({exc})") from None
    first_result, second_result = results
    if first_result.year != second_result.year:
        raise InvalidInput(f"cannot read {source!r} as a date: it has no year")
    if first_result.date() != second_result.date():
        # dateutil filled a missing part of the date from the default: refuse to guess.
        raise InvalidInput(f"cannot read {source!r} as a date: it has no full date")
    # An hour that differs between the two defaults was not typed (minutes may be omitted).
    has_time = first_result.hour == second_result.hour
    offset = first_result.utcoffset() if first_result.tzinfo is not None else None
    if not has_time:
        return WallTime(first_result.date())
    clock = first_result.time().replace(microsecond=0)
    return WallTime(first_result.date(), clock, offset)


def _offset_words_re() -> re.Pattern[str]:
    return _compiled(r"\b(?:UTC|GMT)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\b", re.IGNORECASE)


def _iso_offset(match: re.Match[str]) -> str:
    """``GMT+3`` as people mean it (three hours ahead of UTC, as ``--tz GMT+3``), not as
    POSIX TZ strings do (the other way round)."""
    sign, hours, minutes = match[1], int(match[2]), int(match[3] or 0)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _zone_word(source: str) -> Any:
    """dateutil's ``tzinfos``: UTC/GMT/Z and numeric offsets are read; a zone name such as
    'EST' is refused (it is ambiguous, and dateutil would otherwise drop it with a warning)."""
    from dateutil import tz

    def lookup(name: str | None, offset: int | None) -> Any:
        if name is None and offset is None:
            return None  # dateutil asks even when the text has no zone
        if name is not None and name.upper() not in {"UTC", "GMT", "Z", "UT"}:
            raise InvalidInput(
                f"{source!r}: zone names such as {name!r} inside a date are not read (they "
                "are ambiguous); write an offset (e.g. 2022-01-12 10:00 -05:00) or use --tz"
            )
        if offset is None or offset == 0:
            return tz.UTC
        return tz.tzoffset(None, offset)

    return lookup


def resolve_typed(moment: TypedMoment, zone: tzinfo, *, end_of_day: bool = False) -> datetime:
    """A typed moment as an aware datetime in *zone*.

    A date-only value is the start of that day, or the end of it (the next
    midnight) when *end_of_day* is set, which is how ``--to 2022-01-12``
    includes the whole 12th.
    """
    wall = moment.wall
    if wall.tbd:
        raise InvalidInput("'tbd' is not a date to count from (give a day, a month, a year...)")
    if wall.rough:  # a month, a quarter...: from its first day, or to the end of its last
        first, last = wall.window()
        return next_midnight(last, zone) if end_of_day else datetime.combine(first, time(0), zone)
    if wall.date_only and end_of_day:
        return next_midnight(wall.date, zone)
    return wall_to_datetime(wall, zone)


def read_now(text: str, clock: datetime, zone: tzinfo, order: DateOrder = DateOrder()) -> datetime:
    """``--now``: any form :func:`parse_typed` reads (relative to *clock*), read in *zone*;
    an ISO 8601 value keeps its fractions of a second."""
    try:
        exact = datetime.fromisoformat(text.strip())
    except ValueError:
        exact = None
    if exact is not None and (exact.microsecond or exact.tzinfo is not None):
        return exact if exact.tzinfo is not None else exact.replace(tzinfo=zone)
    return resolve_typed(parse_typed(text, clock, order), zone)


def typed_wall(text: str, option: str, zone: tzinfo, now: datetime, order: DateOrder) -> WallTime:
    """What a person typed for *option* (``--start``, ``--to``...), read at the venue in
    *zone*; the error names the option."""
    try:
        return parse_typed(text, now.astimezone(zone), order).wall
    except InvalidInput as exc:
        raise InvalidInput(f"{option}: {exc}") from None


class Context(NamedTuple):
    """What reading a typed date needs: now, the viewer's zone, how to read 01/02/2022."""

    now: datetime
    display: tzinfo
    order: DateOrder = DateOrder()

    def wall(self, text: str, option: str, zone: tzinfo | None = None) -> WallTime:
        """*text* as a wall time at the venue (*zone*, else the viewer's)."""
        return typed_wall(text, option, zone or self.display, self.now, self.order)

    def moment(self, text: str, option: str, *, end_of_day: bool = False) -> datetime:
        """*text* as an instant in the viewer's zone (a date alone: its start, or its end)."""
        try:
            typed = parse_typed(text, self.now, self.order)
        except InvalidInput as exc:
            raise InvalidInput(f"{option}: {exc}") from None
        return resolve_typed(typed, self.display, end_of_day=end_of_day)
