"""Time arithmetic: event spans, countdowns, and reading the dates people type.

Every function takes "now" and the display zone as arguments; nothing here
reads the clock or the environment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo

from summit_cli.errors import InvalidInput
from summit_cli.model import Event, WallTime, parse_wall_time


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def event_zone(event: Event, display: tzinfo) -> tzinfo:
    """The zone an event's wall times are read in: its venue's, else the viewer's."""
    return _zone(event.timezone) if event.timezone else display


def wall_to_datetime(wall: WallTime, zone: tzinfo) -> datetime:
    """A stored wall time as an aware datetime (midnight for a date-only value).

    An explicit UTC offset wins over the zone. A wall time that falls in a DST
    gap is read with the offset before the change (PEP 495 fold=0), i.e. it
    moves forward, as most calendar programs do.
    """
    clock = wall.time or time(0)
    if wall.offset is not None:
        return datetime.combine(wall.date, clock, timezone(wall.offset))
    return datetime.combine(wall.date, clock, zone)


@dataclass(frozen=True, slots=True)
class Span:
    """Where an event sits on the time line."""

    start: datetime  # aware
    end: datetime  # aware, exclusive; equal to start for an event without end or duration
    zone: tzinfo  # the zone its wall times are read in
    all_day: bool  # the start is a date without a time
    floating: bool  # no venue zone: read in the viewer's zone

    @property
    def point(self) -> bool:
        return self.end <= self.start

    def first_day(self) -> date:
        return self.start.astimezone(self.zone).date()

    def last_day(self) -> date:
        """The last calendar day (at the venue) the event occupies."""
        if self.point:
            return self.first_day()
        return (self.end - timedelta(microseconds=1)).astimezone(self.zone).date()

    def day_count(self) -> int:
        return (self.last_day() - self.first_day()).days + 1


def span_of(event: Event, display: tzinfo) -> Span:
    """The span of *event* seen from the *display* zone (matters only when floating)."""
    zone = event_zone(event, display)
    start = wall_to_datetime(event.start, zone)
    all_day = event.start.date_only
    if event.end is None:
        end = _next_midnight(event.start.date, zone) if all_day else start
    elif event.end.date_only:
        # A date-only end is inclusive: the event runs to the end of that day.
        end = _next_midnight(event.end.date, zone if event.end.offset is None else start.tzinfo)
    else:
        end = wall_to_datetime(event.end, zone)
    # An explicit UTC offset pins the instant even without a venue zone.
    floating = event.timezone is None and event.start.offset is None
    if event.timezone is None and event.start.offset is not None:
        zone = start.tzinfo or zone
    return Span(start=start, end=end, zone=zone, all_day=all_day, floating=floating)


def _next_midnight(day: date, zone: tzinfo | None) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), zone)


def end_before_start(event: Event) -> bool:
    """True when the event ends before it starts (checked in UTC, so floating is fine)."""
    if event.end is None:
        return False
    span = span_of(event, UTC)
    if event.end.date_only:
        # An inclusive end day before the start day gives end == start, not end < start.
        return span.end <= span.start
    return span.end < span.start


def instant_key(span: Span) -> tuple[datetime, datetime]:
    """Sort key: by the real instant, never by the stored text."""
    return (span.start.astimezone(UTC), span.end.astimezone(UTC))


# ------------------------------------------------------------------ states


class Phase(StrEnum):
    """An event relative to now."""

    UPCOMING = "upcoming"
    ONGOING = "ongoing"
    PAST = "past"


def phase(span: Span, now: datetime) -> Phase:
    # Compare real instants: aware datetimes sharing a tzinfo compare as wall times.
    now = now.astimezone(UTC)
    if now < span.start:
        return Phase.UPCOMING
    if span.point:
        return Phase.ONGOING if now == span.start else Phase.PAST
    return Phase.ONGOING if now < span.end else Phase.PAST


def overlaps(span: Span, lo: datetime | None, hi: datetime | None) -> bool:
    """True when the span meets the window [lo, hi) (either side open when None)."""
    end = span.end if not span.point else span.start + timedelta(microseconds=1)
    if lo is not None and end <= lo:
        return False
    return not (hi is not None and span.start >= hi)


@dataclass(frozen=True, slots=True)
class Countdown:
    """Time to an event: exact seconds for machines, text for people."""

    seconds: int  # start minus now; negative once started
    phase: Phase
    text: str


def _hm(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    if hours:
        return f"{hours} h"
    if minutes:
        return f"{minutes} min"
    return "less than a minute"


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M} {moment.tzname() or ''}".rstrip()


def countdown(span: Span, now: datetime) -> Countdown:
    """The countdown to *span* at *now*.

    Days are counted as calendar days at the venue ("in 3 days"); hours and
    minutes as real elapsed time, so a countdown across a DST change is exact.
    """
    # In UTC: subtracting aware datetimes that share a tzinfo ignores DST changes.
    now = now.astimezone(UTC)
    seconds = int((span.start - now).total_seconds())
    where = phase(span, now)
    local_now = now.astimezone(span.zone)
    if where is Phase.ONGOING:
        days = span.day_count()
        if days > 1:
            today = (local_now.date() - span.first_day()).days + 1
            return Countdown(seconds, where, f"ongoing, day {today} of {days}")
        if span.all_day or span.point:
            return Countdown(seconds, where, "ongoing" if not span.all_day else "today")
        return Countdown(seconds, where, f"ongoing, ends in {_hm(span.end - now)}")
    if where is Phase.UPCOMING:
        start_local = span.start.astimezone(span.zone)
        days = (start_local.date() - local_now.date()).days
        delta = span.start - now
        if not span.all_day and delta < timedelta(hours=6):
            return Countdown(seconds, where, f"in {_hm(delta)}")
        if days == 0:
            return Countdown(
                seconds, where, "today" if span.all_day else f"today {_clock(start_local)}"
            )
        if days == 1:
            return Countdown(
                seconds, where, "tomorrow" if span.all_day else f"tomorrow {_clock(start_local)}"
            )
        return Countdown(seconds, where, f"in {days} days")
    reference = span.start if span.point else span.end
    ago = now - reference
    days = (
        (
            local_now.date() - (reference - timedelta(microseconds=1)).astimezone(span.zone).date()
        ).days
        if not span.point
        else (local_now.date() - span.first_day()).days
    )
    if ago < timedelta(hours=6) and not span.all_day:
        return Countdown(
            seconds, where, f"ended {_hm(ago)} ago" if not span.point else f"{_hm(ago)} ago"
        )
    if days <= 0:
        return Countdown(seconds, where, "earlier today")
    if days == 1:
        return Countdown(seconds, where, "yesterday")
    return Countdown(seconds, where, f"{days} days ago")


# ------------------------------------------------------------ typed input


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


@dataclass(frozen=True, slots=True)
class DateOrder:
    """How to read numeric dates like 01/02/2022: day first, month first, or refuse."""

    dayfirst: bool | None = None  # None: ambiguous numeric dates are an error


def _unit_delta(n: int, unit: str, original: str) -> timedelta | str:
    unit = unit.lower()
    if unit in {"y", "year", "years"}:
        return "years"
    if unit in {"mo", "month", "months"}:
        return "months"
    key = "m" if unit in {"m", "min", "mins", "minute", "minutes"} else unit[0]
    if key not in _UNIT_SECONDS or not re.fullmatch(
        r"w|weeks?|d|days?|h|hours?|hrs?|m|min|mins|minutes?|s|sec|secs|seconds?", unit
    ):
        raise InvalidInput(f"cannot read {original!r}: unknown unit {unit!r}")
    return timedelta(seconds=n * _UNIT_SECONDS[key])


@dataclass(frozen=True, slots=True)
class TypedMoment:
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
        return TypedMoment(relative, relative=True)
    return TypedMoment(_parse_with_dateutil(source, order), relative=False)


def _wall_from(moment: datetime, *, date_only: bool) -> WallTime:
    if date_only:
        return WallTime(moment.date())
    return WallTime(moment.date(), moment.time().replace(microsecond=0, tzinfo=None))


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
        if isinstance(delta, str):
            from dateutil.relativedelta import relativedelta

            step = relativedelta(years=n) if delta == "years" else relativedelta(months=n)
            moment = now - step if negative else now + step
            date_only = True
        else:
            moment = now - delta if negative else now + delta
            date_only = delta % timedelta(days=1) == timedelta(0)
        return _wall_from(moment, date_only=date_only)
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
    try:
        results = [dateutil_parser.parse(source, default=d, dayfirst=dayfirst) for d in marks]
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


def resolve_typed(moment: TypedMoment, zone: tzinfo, *, end_of_day: bool = False) -> datetime:
    """A typed moment as an aware datetime in *zone*.

    A date-only value is the start of that day, or the end of it (the next
    midnight) when *end_of_day* is set, which is how ``--to 2022-01-12``
    includes the whole 12th.
    """
    if moment.wall.date_only and end_of_day:
        return _next_midnight(moment.wall.date, zone)
    return wall_to_datetime(moment.wall, zone)


def wall_time_exists(wall: WallTime, zone: tzinfo) -> bool:
    """False when a wall time falls in a DST gap (the clock skips it) in *zone*."""
    if wall.time is None or wall.offset is not None:
        return True
    local = datetime.combine(wall.date, wall.time, zone)
    round_trip = local.astimezone(UTC).astimezone(zone)
    return round_trip.replace(tzinfo=None) == local.replace(tzinfo=None)
