"""Reading event records (``summits list --output json``): text, times, zones, order.

Pure helpers shared by the page and the brief. Unknown keys are ignored; every value is
checked for its type, so a hand-edited or hostile record cannot raise here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

Record = Mapping[str, Any]
Formats = Mapping[str, Mapping[str, Any]]

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
STATUSES = ("scheduled", "held", "postponed", "cancelled")
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\ufeff]")
_UNSAFE_KEEP_NL = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\ufeff]")
_UTC_NAMES = frozenset(
    {"UTC", "Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT", "Universal", "Zulu"}
)
_WALL = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2}))?)?)?")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    named = {9: "\\t", 10: "\\n", 13: "\\r"}
    return named.get(code) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """*text* with control, format and bidi characters shown as escapes (``\\x1b``)."""
    text = text.replace("\r\n", "\n") if keep_newlines else text
    return (_UNSAFE_KEEP_NL if keep_newlines else _UNSAFE).sub(_escape_char, text)


def text_of(rec: Record, key: str) -> str | None:
    """A text field of a record, or None when missing/empty/not scalar."""
    value = rec.get(key)
    if isinstance(value, bool) or value is None or value == "":
        return None
    return str(value) if isinstance(value, str | int | float) else None


def list_of(rec: Record, key: str) -> list[str]:
    value = rec.get(key)
    if not isinstance(value, list | tuple):
        return []
    return [str(v) for v in value if isinstance(v, str | int | float) and str(v)]


def parse_instant(value: object) -> datetime | None:
    """An aware datetime from ISO 8601 text ("...Z" or with offset); naive text is UTC."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_wall(value: object) -> tuple[date, time | None] | None:
    """The date (and time of day) at the start of a wall-time text such as ``2022-01-10T09:00``;
    a partial date (``2022-01``, uncertain events) reads as its first day."""
    match = _WALL.match(value) if isinstance(value, str) else None
    if not match:
        return None
    y, m, d, hh, mm = match.groups()
    try:
        day = date(int(y), int(m or 1), int(d or 1))
        return day, (time(int(hh), int(mm)) if hh is not None else None)
    except ValueError:
        return None


def fmt_date(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def fmt_offset(offset: timedelta | None) -> str:
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}" + (f":{mins:02d}" if mins else "")


def zone_label(zone: str | None, local: datetime) -> str:
    """The zone abbreviation at *local* (``CET``), else its UTC offset (``UTC+04``)."""
    name = None
    if zone:
        try:
            name = local.astimezone(ZoneInfo(zone)).tzname()
        except (ValueError, KeyError, OSError):  # unknown or malformed zone key
            name = None
    if not name or name[0] in "+-" or len(name) > 8:
        name = fmt_offset(local.utcoffset())
    return name


def is_uncertain(rec: Record) -> bool:
    """A rough date (a month, "late January", a quarter...) or none yet (tbd)."""
    return rec.get("precision") not in (None, "day", "time")


def uncertain_label(rec: Record) -> str:
    """``late Jan 2022 (date tbc)`` (or ``date not set``) from the record's stored start."""
    from summit_cli.model import parse_wall_time
    from summit_cli.precision import describe

    start = text_of(rec, "start") or ""
    try:
        wall = parse_wall_time(start)
    except ValueError:
        return f"{start} (date tbc)".strip()
    if wall.precision is None:
        return f"{start} (date tbc)"
    if wall.tbd:
        return "date not set"
    return f"{describe(wall.precision, wall.date)} (date tbc)"


@dataclass(frozen=True, slots=True)
class When:
    """Where an event starts at its venue: wall date/time, zone label, machine-readable text."""

    day: date
    clock: time | None  # None: all day (or date-only)
    zone: str | None  # None: floating (no zone)
    machine: str  # for <time datetime>
    text: str  # "Mon 10 Jan 2022, 09:00–12:00 CET"


def venue_when(rec: Record) -> When | None:
    """The event's start (and end) at the venue, as text; None when the start is unreadable."""
    local = parse_instant(rec.get("start_local"))
    all_day = rec.get("all_day") is True
    wall = parse_wall(rec.get("start"))
    if local is not None:
        day, clock = local.date(), (None if all_day else local.time().replace(second=0))
        zone = zone_label(text_of(rec, "timezone"), local)
        machine = day.isoformat() if all_day else local.isoformat(timespec="minutes")
    elif wall is not None:
        day, clock = wall[0], (None if all_day else wall[1])
        zone, machine = None, day.isoformat()
        if clock is not None:
            machine = f"{day.isoformat()}T{clock:%H:%M}"
    else:
        return None
    text = fmt_date(day)
    end_local = parse_instant(rec.get("end_local"))
    end = (end_local.date(), end_local.time()) if end_local else parse_wall(rec.get("end"))
    if clock is None:
        if end is not None:
            last = end[0] - timedelta(days=1) if end_local and all_day else end[0]
            text += f" – {fmt_date(last)}" if last > day else ""
        return When(day, None, zone, machine, text)
    text += f", {clock:%H:%M}"
    if end is not None and end[1] is not None:
        text += f"–{end[1]:%H:%M}" if end[0] == day else f" – {fmt_date(end[0])}, {end[1]:%H:%M}"
    text += f" {zone}" if zone else " (floating: local wall time)"
    return When(day, clock, zone, machine, text)


def sort_key(rec: Record) -> tuple[str, str, str]:
    """Stable order: by start_utc (floating: the wall time read as UTC), then id, occurrence."""
    utc = parse_instant(rec.get("start_utc"))
    wall = parse_wall(rec.get("start"))
    if utc is None and wall is not None:
        utc = datetime.combine(wall[0], wall[1] or time(0), UTC)
    stamp = utc.astimezone(UTC).isoformat() if utc else "9999"
    return stamp, str(rec.get("id") or ""), str(rec.get("occurrence") or "")


def original_start(rec: Record) -> str | None:
    """The start the event had before its latest move: the newest history entry whose
    ``start_before`` differs from the current start (None when it never moved). A later
    change that kept the date (postponed again "to be announced", cancelled) does not hide
    the date it was moved from."""
    history = rec.get("history")
    entries = [h for h in history if isinstance(h, Mapping)] if isinstance(history, list) else []
    current = text_of(rec, "start")
    for entry in sorted(entries, key=lambda h: str(h.get("at") or ""), reverse=True):
        before = text_of(entry, "start_before")
        if before and before != current:
            return before
    return None


def wall_text(value: str) -> str:
    wall = parse_wall(value)
    if wall is None:
        return visible(value)
    return fmt_date(wall[0]) + (f", {wall[1]:%H:%M}" if wall[1] else "")


def format_name(formats: Formats, key: str | None) -> str:
    if key is None:
        return "No format"
    spec = formats.get(key)
    name = spec.get("name") if isinstance(spec, Mapping) else None
    return str(name) if name else key


def zone_name(zone: tzinfo) -> str:
    """What to call a display zone: its IANA key (``Asia/Tokyo``), else its fixed name
    (``UTC``, ``UTC+09:00``)."""
    key = getattr(zone, "key", None)
    if isinstance(key, str) and key:
        return "UTC" if key in _UTC_NAMES else key
    return zone.tzname(None) or "UTC"


def zone_abbr(moment: datetime) -> str:
    name = moment.tzname()
    return name if name and name[0] not in "+-" else fmt_offset(moment.utcoffset())


def oneline(text: str) -> str:
    return visible(" ".join(text.split()))


def first_sentence(text: str, limit: int = 140) -> str:
    """The first sentence of *text*, at most *limit* characters."""
    text = oneline(text)
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    if len(first) > limit:
        first = first[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return first.rstrip(".")


def start_instant(rec: Record, zone: tzinfo) -> datetime | None:
    """The start as an instant: start_utc, or a floating wall time read in the display zone."""
    utc = parse_instant(rec.get("start_utc"))
    if utc is not None:
        return utc.astimezone(UTC)
    wall = parse_wall(rec.get("start"))
    if wall is None:
        return None
    clock = wall[1] or datetime.min.time()
    return datetime.combine(wall[0], clock).replace(tzinfo=zone).astimezone(UTC)


def place_of(rec: Record) -> str | None:
    parts = [text_of(rec, k) for k in ("venue", "city", "country")]
    return ", ".join(oneline(p) for p in parts if p) or None


def stamp(moment: datetime, zone: tzinfo) -> str:
    """``Sun 9 Jan 2022, 12:00 UTC``: *moment* in *zone*."""
    local = moment.astimezone(zone)
    return f"{fmt_date(local.date())}, {local:%H:%M} {zone_abbr(local)}"
