"""iCalendar property values as Python values: dates, times, periods, durations, text.

Liberal in what it takes (``2022-03-01T10:00``, a missing seconds field, a lower-case
``z``, a UTC offset glued to a time), strict in what it gives: each reader returns the
value or raises ValueError naming what is wrong. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from summit_cli.interop.ics.lexer import Prop
from summit_cli.model import MAX_DATE, MIN_DATE

_MOMENT_RE = re.compile(
    r"(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})"
    r"(?:[Tt ](?P<H>\d{2}):?(?P<M>\d{2})(?::?(?P<S>\d{2}))?(?:[.,]\d+)?)?"
    r"\s*(?P<z>[Zz]|[+-]\d{2}:?\d{2})?\Z",
    re.ASCII,
)
_DURATION_RE = re.compile(
    r"(?P<sign>[+-])?P(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?\Z",
    re.ASCII | re.IGNORECASE,
)
_OFFSET_RE = re.compile(r"(?P<sign>[+-])(?P<h>\d{2}):?(?P<m>\d{2})(?::?(?P<s>\d{2}))?\Z", re.ASCII)
_TEXT_ESCAPE_RE = re.compile(r"\\(.)", re.DOTALL)
_MAX_DURATION = timedelta(days=366 * 100)


@dataclass(frozen=True, slots=True)
class Moment:
    """A DATE or DATE-TIME value as written: a day, maybe a clock time, and what it is
    relative to (UTC, a UTC offset, a TZID, or nothing: floating)."""

    day: date
    clock: time | None = None
    utc: bool = False
    offset: timedelta | None = None  # a non-standard "+0100" glued to the time
    tzid: str | None = None
    flaw: str | None = None  # how the value breaks RFC 5545 and how it was read

    @property
    def is_date(self) -> bool:
        return self.clock is None

    def naive(self) -> datetime:
        return datetime.combine(self.day, self.clock or time(0))


def parse_moment(
    text: str, tzid: str | None = None, *, value: str | None = None, bounded: bool = True
) -> Moment:
    """A DATE or DATE-TIME value; ValueError when it is not one. A value that breaks the
    rules but says what it means is read (and :attr:`Moment.flaw` says how): *value*
    (the VALUE parameter) DATE with a time or DATE-TIME without one, a TZID on a date, a
    TZID with a UTC mark. *bounded* refuses years summits cannot store."""
    kind = (value or "").strip().upper()
    match = _MOMENT_RE.match(text.strip())
    if match is None:
        raise ValueError(
            f"{_cut(text)!r} is not a date (YYYYMMDD) or a date-time (YYYYMMDDTHHMMSS)"
        )
    try:
        day = date(int(match["y"]), int(match["m"]), int(match["d"]))
        clock = None
        if match["H"] is not None:
            hour, second = int(match["H"]), int(match["S"] or 0)
            if hour == 24 and int(match["M"]) == 0 and second == 0:  # 24:00 is next midnight
                day, hour = day + timedelta(days=1), 0
            clock = time(hour, int(match["M"]), min(second, 59))
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"{_cut(text)!r} is not a valid date or time ({exc})") from None
    if bounded and not MIN_DATE <= day <= MAX_DATE:
        raise ValueError(f"{_cut(text)!r} is out of range (years {MIN_DATE.year}-{MAX_DATE.year})")
    flaw = None
    if clock is None and kind == "DATE-TIME":
        clock, flaw = time(0), "VALUE=DATE-TIME but the value is a date: read as its midnight"
    elif clock is None:
        if tzid:
            flaw = "a date with a TZID (a date has no zone): the TZID was ignored"
        return Moment(day, flaw=flaw)
    elif kind == "DATE":
        flaw = "VALUE=DATE but the value has a time: read as a date-time"
    zone = match["z"]
    if zone is not None and tzid:
        # Google writes both; it, icalendar and Outlook read the clock in the TZID.
        return Moment(day, clock, tzid=tzid, flaw="both a TZID and a UTC mark: read in the TZID")
    if zone is not None and zone in "Zz":
        return Moment(day, clock, utc=True, flaw=flaw)
    if zone is not None:
        return Moment(day, clock, offset=parse_offset(zone), flaw=flaw)
    return Moment(day, clock, tzid=tzid or None, flaw=flaw)


def moment_of(prop: Prop) -> Moment:
    """A DATE or DATE-TIME property's value, with its TZID and VALUE parameters."""
    return parse_moment(prop.value, prop.param("TZID"), value=prop.param("VALUE"))


def parse_duration(text: str) -> timedelta:
    """An RFC 5545 DURATION (``PT1H30M``, ``P1D``, ``-PT15M``); ValueError otherwise."""
    match = _DURATION_RE.match(text.strip())
    if match is None or not any(match[k] for k in ("w", "d", "h", "m", "s")):
        raise ValueError(f"{_cut(text)!r} is not a duration such as PT1H or P1D")
    parts = {k: int(match[k] or 0) for k in ("w", "d", "h", "m", "s")}
    if any(v > 10**7 for v in parts.values()):
        raise ValueError(f"{_cut(text)!r} is too long a duration")
    value = timedelta(
        weeks=parts["w"], days=parts["d"], hours=parts["h"], minutes=parts["m"], seconds=parts["s"]
    )
    if value > _MAX_DURATION:
        raise ValueError(f"{_cut(text)!r} is too long a duration")
    return -value if match["sign"] == "-" else value


def parse_offset(text: str) -> timedelta:
    """A UTC-OFFSET value (``+0100``, ``-05:00``, ``+005328``); ValueError otherwise."""
    match = _OFFSET_RE.match(text.strip())
    if match is None:
        raise ValueError(f"{_cut(text)!r} is not a UTC offset such as +0100")
    value = timedelta(hours=int(match["h"]), minutes=int(match["m"]), seconds=int(match["s"] or 0))
    if value >= timedelta(hours=24) or int(match["m"]) >= 60:
        raise ValueError(f"{_cut(text)!r} is not a UTC offset such as +0100")
    return -value if match["sign"] == "-" else value


def parse_period(text: str, tzid: str | None) -> tuple[Moment, Moment | timedelta]:
    """A PERIOD value: ``start/end`` or ``start/duration``."""
    first, sep, second = text.partition("/")
    if not sep:
        raise ValueError(f"{_cut(text)!r} is not a period (start/end or start/duration)")
    start = parse_moment(first, tzid)
    if second.strip()[:1] in ("P", "p", "+", "-"):
        return start, parse_duration(second)
    return start, parse_moment(second, tzid)


def split_list(value: str) -> list[str]:
    """A comma-separated value's items (a backslash-escaped comma stays inside an item)."""
    items: list[str] = []
    current: list[str] = []
    escaped = False
    for char in value:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char == ",":
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def unescape_text(value: str) -> str:
    r"""RFC 5545 TEXT: ``\n`` and ``\N`` are line breaks, ``\,`` ``\;`` ``\\`` the character."""

    def one(match: re.Match[str]) -> str:
        char = match.group(1)
        return "\n" if char in "nN" else char

    return _TEXT_ESCAPE_RE.sub(one, value)


def _cut(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
