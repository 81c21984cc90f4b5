"""The store's data model: events, negotiation formats, the store itself.

Conversion from and to plain data (what JSON/YAML parsers give) lives here,
with per-field validation that reports every problem with its location.
Nothing here reads files, the clock or the environment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from summit_cli.errors import Problem
from summit_cli.zones import format_offset, is_zone_name

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

STORE_VERSION = 1

KINDS: tuple[str, ...] = (
    "summit",
    "call",
    "virtual-summit",
    "talks",
    "round",
    "council",
    "ministerial",
    "working-dinner",
    "other",
)


class Status(StrEnum):
    """Where an event stands."""

    SCHEDULED = "scheduled"
    HELD = "held"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"


STATUSES: tuple[str, ...] = tuple(s.value for s in Status)

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,99}\Z")
_WALL_RE = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2})?)"
    r"(?P<offset>Z|[+-]\d{2}:?\d{2})?)?\Z",
    re.ASCII,
)

# Every key of an event, in the order they are written and shown.
EVENT_KEYS: tuple[str, ...] = (
    "id",
    "title",
    "kind",
    "format",
    "round",
    "start",
    "end",
    "timezone",
    "venue",
    "city",
    "country",
    "participants",
    "status",
    "outcome",
    "sources",
    "tags",
    "notes",
    "history",
    # Recurrence (issue 4): added last so existing stores and records keep their key order.
    "rrule",
    "exdates",
)
RECURRENCE_KEYS: tuple[str, ...] = ("rrule", "exdates")
LIST_KEYS = frozenset({"participants", "sources", "tags", "exdates"})
TEXT_KEYS = ("title", "venue", "city", "country", "outcome", "notes")
FORMAT_KEYS: tuple[str, ...] = ("name", "description", "timezone")


@dataclass(frozen=True, slots=True)
class WallTime:
    """A moment as the user typed it: a local date, maybe a time, maybe a UTC offset.

    ``time`` is None for a date-only value. Without an offset, the wall time is
    read in the event's venue zone (or, when the event has none, in the zone it
    is viewed from: a floating time, as iCalendar has).
    """

    date: date
    time: time | None = None
    offset: timedelta | None = None

    @property
    def date_only(self) -> bool:
        return self.time is None

    def isoformat(self) -> str:
        """The canonical text written to the store."""
        if self.time is None:
            return self.date.isoformat()
        spec = "seconds" if self.time.second else "minutes"
        text = f"{self.date.isoformat()}T{self.time.isoformat(timespec=spec)}"
        if self.offset is not None:
            text += "Z" if not self.offset else format_offset(self.offset)
        return text

    def __str__(self) -> str:
        return self.isoformat()


def parse_wall_time(text: str) -> WallTime:
    """Parse the store's time form: ``YYYY-MM-DD[THH:MM[:SS][offset]]``.

    Raises ValueError with a message naming what is wrong.
    """
    match = _WALL_RE.match(text.strip())
    if not match:
        raise ValueError(
            f"{text!r} is not a date (YYYY-MM-DD) or a local time (YYYY-MM-DDTHH:MM[:SS][+HH:MM])"
        )
    try:
        day = date.fromisoformat(match["date"])
        clock = time.fromisoformat(match["time"]) if match["time"] else None
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date or time: {exc}") from None
    offset: timedelta | None = None
    if match["offset"]:
        raw = match["offset"]
        if raw == "Z":
            offset = timedelta(0)
        else:
            hours, minutes = int(raw[1:3]), int(raw[-2:])
            if hours >= 24 or minutes >= 60:
                raise ValueError(f"{text!r} has an impossible UTC offset")
            offset = timedelta(hours=hours, minutes=minutes)
            if raw[0] == "-":
                offset = -offset
    return WallTime(day, clock, offset)


CHANGE_KEYS: tuple[str, ...] = (
    "at",
    "change",
    "status_before",
    "start_before",
    "end_before",
    "reason",
)


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of an event's history: a postponement, a cancellation, a reschedule."""

    at: str  # when the change was recorded, ISO 8601 in UTC ("2022-01-05T10:00:00Z")
    change: str  # postponed | cancelled | rescheduled | reinstated
    status_before: str | None = None
    start_before: str | None = None
    end_before: str | None = None
    reason: str | None = None

    def to_plain(self) -> dict[str, Any]:
        plain = {key: getattr(self, key) for key in CHANGE_KEYS}
        return {k: v for k, v in plain.items() if v is not None}


@dataclass(frozen=True, slots=True)
class Event:
    """One meeting, call or negotiation round."""

    id: str
    title: str
    start: WallTime
    kind: str = "other"
    format: str | None = None
    round: int | None = None
    end: WallTime | None = None
    timezone: str | None = None
    venue: str | None = None
    city: str | None = None
    country: str | None = None
    participants: tuple[str, ...] = ()
    status: Status = Status.SCHEDULED
    outcome: str | None = None
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    notes: str | None = None
    history: tuple[Change, ...] = ()
    rrule: str | None = None  # RFC 5545 RRULE text, e.g. "FREQ=WEEKLY;BYDAY=TH"
    exdates: tuple[WallTime, ...] = ()  # occurrences skipped, by their date at the venue

    def __post_init__(self) -> None:
        # Rebuilt from plain data (the store's parse cache passes a list of strings):
        # keep the field a tuple of WallTime so events compare and hash as usual.
        exdates = self.exdates
        if exdates and (
            type(exdates) is not tuple or not all(isinstance(x, WallTime) for x in exdates)
        ):
            converted = tuple(
                x if isinstance(x, WallTime) else parse_wall_time(str(x)) for x in exdates
            )
            object.__setattr__(self, "exdates", converted)

    def to_plain(self) -> dict[str, Any]:
        """Every schema key, in order; None or [] where unset (JSON-ready)."""
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "format": self.format,
            "round": self.round,
            "start": self.start.isoformat(),
            "end": self.end.isoformat() if self.end else None,
            "timezone": self.timezone,
            "venue": self.venue,
            "city": self.city,
            "country": self.country,
            "participants": list(self.participants),
            "status": self.status.value,
            "outcome": self.outcome,
            "sources": list(self.sources),
            "tags": list(self.tags),
            "notes": self.notes,
            "history": [c.to_plain() for c in self.history],
            "rrule": self.rrule,
            "exdates": [x.isoformat() for x in self.exdates],
        }

    def to_stored(self) -> dict[str, Any]:
        """Only the keys that are set, in schema order: what a new record looks like."""
        plain = self.to_plain()
        return {k: v for k, v in plain.items() if v not in (None, [])}


@dataclass(frozen=True, slots=True)
class Format:
    """A negotiation format / track, such as the Geneva Strategic Stability Dialogue."""

    key: str
    name: str
    description: str | None = None
    timezone: str | None = None
    # The format's regular meetings (e.g. the OSCE Permanent Council, weekly on
    # Thursdays): a recurring event that lives under the format, id "<key>-meets".
    meets: Event | None = None

    def to_plain(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "description": self.description,
            "timezone": self.timezone,
            "meets": meets_stored(self) if self.meets else None,
        }

    def to_stored(self) -> dict[str, Any]:
        plain = {
            "name": self.name,
            "description": self.description,
            "timezone": self.timezone,
            "meets": meets_stored(self) if self.meets else None,
        }
        return {k: v for k, v in plain.items() if v is not None}


def meets_id(key: str) -> str:
    """The id of a format's regular meetings."""
    return f"{key}-meets"


def meets_stored(fmt: Format) -> dict[str, Any]:
    """A format's ``meets`` mapping as stored: the event's keys that are not implied."""
    assert fmt.meets is not None
    stored = fmt.meets.to_stored()
    for key in ("id", "format"):
        stored.pop(key, None)
    if stored.get("title") == fmt.name:
        del stored["title"]
    if stored.get("timezone") == fmt.timezone:
        stored.pop("timezone", None)
    if stored.get("status") == "scheduled":
        del stored["status"]
    if stored.get("kind") == "other":
        del stored["kind"]
    return stored


@dataclass(frozen=True, slots=True)
class Store:
    """The whole store: formats by key and events in file order."""

    formats: dict[str, Format] = field(default_factory=dict)
    events: tuple[Event, ...] = ()
    version: int = STORE_VERSION

    def event(self, event_id: str) -> Event | None:
        for event in self.all_events():
            if event.id == event_id:
                return event
        return None

    def series(self) -> tuple[Event, ...]:
        """The formats' regular meetings (recurring events that live under a format)."""
        return tuple(f.meets for f in self.formats.values() if f.meets is not None)

    def all_events(self) -> tuple[Event, ...]:
        """The events and the formats' regular meetings."""
        series = self.series()
        return self.events + series if series else self.events

    def with_events(self, events: Sequence[Event]) -> Store:
        return replace(self, events=tuple(events))

    def with_format(self, fmt: Format) -> Store:
        return replace(self, formats={**self.formats, fmt.key: fmt})


# ---------------------------------------------------------------- from plain


class _Collector:
    """Accumulates problems so that loading reports all of them at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, where: str, what: str) -> None:
        self.problems.append(Problem(where, what))


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def _text(
    raw: Mapping[str, Any],
    key: str,
    where: str,
    out: _Collector,
    *,
    required: bool = False,
    max_len: int = 20_000,
) -> str | None:
    value = raw.get(key)
    if value is None:
        if required:
            out.add(where, f"{key} is required")
        return None
    if not isinstance(value, str):
        out.add(where, f"{key} must be a string, not {_type_name(value)}")
        return None
    if required and not value.strip():
        out.add(where, f"{key} must not be empty")
        return None
    if len(value) > max_len:
        out.add(where, f"{key} is longer than {max_len} characters")
        return None
    return str(value)


def _text_list(raw: Mapping[str, Any], key: str, where: str, out: _Collector) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return (str(value),)
    if not isinstance(value, list | tuple):
        out.add(where, f"{key} must be a list of strings, not {_type_name(value)}")
        return ()
    items: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str):
            out.add(where, f"{key}[{i}] must be a string, not {_type_name(item)}")
        else:
            items.append(str(item))
    return tuple(items)


def _wall(
    raw: Mapping[str, Any], key: str, where: str, out: _Collector, *, required: bool = False
) -> WallTime | None:
    value = raw.get(key)
    if value is None:
        if required:
            out.add(where, f"{key} is required")
        return None
    if not isinstance(value, str):
        out.add(
            where,
            f'{key} must be a quoted string such as "2022-01-10T09:00", not {_type_name(value)}',
        )
        return None
    try:
        return parse_wall_time(value)
    except ValueError as exc:
        out.add(where, f"{key}: {exc}")
        return None


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens (for generated ids)."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def generate_id(event: Event, taken: set[str] | frozenset[str]) -> str:
    """``<date>-<place>-<format or kind>``, made unique against *taken*."""
    parts = [event.start.date.isoformat()]
    place = slugify(event.city or event.venue or "")
    if place:
        parts.append(place)
    parts.append(slugify(event.format or event.kind) or "event")
    base = "-".join(parts)[:90].strip("-")
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def format_from_plain(key: Any, raw: Any, out: _Collector) -> Format | None:
    where = f"formats.{key}"
    if not isinstance(key, str) or not SLUG_RE.match(key):
        out.add("formats", f"format key {key!r} must match [a-z0-9][a-z0-9-]*")
        return None
    if not isinstance(raw, Mapping):
        out.add(where, f"must be a mapping with a name, not {_type_name(raw)}")
        return None
    name = _text(raw, "name", where, out, required=True, max_len=500)
    description = _text(raw, "description", where, out)
    tz = _text(raw, "timezone", where, out, max_len=100)
    if tz is not None and not is_zone_name(tz):
        out.add(where, f"timezone {tz!r} is not an IANA time zone name")
        tz = None
    if name is None:
        return None
    meets = _meets(key, name, tz, raw.get("meets"), where, out)
    return Format(key, name, description, tz, meets)


def _meets(
    key: str, name: str, tz: str | None, raw: Any, where: str, out: _Collector
) -> Event | None:
    """A format's regular meetings: a recurring event with the format's defaults."""
    if raw is None:
        return None
    where = f"{where}.meets"
    if not isinstance(raw, Mapping):
        out.add(where, f"must be a mapping with start and rrule, not {_type_name(raw)}")
        return None
    if not raw.get("rrule"):
        out.add(where, "needs an rrule (the format's regular meetings repeat)")
        return None
    unknown = sorted(str(k) for k in raw if k in {"id", "format"})
    if unknown:
        out.add(where, f"{', '.join(unknown)} cannot be set here (implied by the format)")
        return None
    plain = {"title": name, "timezone": tz, **dict(raw), "id": meets_id(key), "format": key}
    return event_from_plain(plain, where, {key: Format(key, name)}, out)


def event_from_plain(
    raw: Any, where: str, formats: Mapping[str, Format], out: _Collector
) -> Event | None:
    """Build an Event from a parsed mapping, adding every problem to *out*."""
    if not isinstance(raw, Mapping):
        out.add(where, f"an event must be a mapping, not {_type_name(raw)}")
        return None
    before = len(out.problems)
    event_id = raw.get("id")
    if event_id is not None:
        if not isinstance(event_id, str) or not SLUG_RE.match(event_id):
            out.add(
                where, f"id {event_id!r} must match [a-z0-9][a-z0-9-]* (at most 100 characters)"
            )
        else:
            where = f"{where} (id {event_id})"
    title = _text(raw, "title", where, out, required=True, max_len=1000)
    kind = raw.get("kind", "other")
    if kind is None:
        kind = "other"
    if kind not in KINDS:
        out.add(where, f"kind {kind!r} is not one of: {', '.join(KINDS)}")
    fmt = raw.get("format")
    if fmt is not None:
        if not isinstance(fmt, str):
            out.add(where, f"format must be a string, not {_type_name(fmt)}")
        elif fmt not in formats:
            known = ", ".join(formats) or "none defined"
            out.add(where, f"format {fmt!r} is not defined under formats (known: {known})")
    rnd = raw.get("round")
    if rnd is not None and (isinstance(rnd, bool) or not isinstance(rnd, int) or rnd < 1):
        out.add(where, f"round must be a positive whole number, not {rnd!r}")
    start = _wall(raw, "start", where, out, required=True)
    end = _wall(raw, "end", where, out)
    tz = raw.get("timezone")
    if tz is not None and (not isinstance(tz, str) or not is_zone_name(tz)):
        out.add(where, f"timezone {tz!r} is not an IANA time zone name (e.g. Europe/Zurich)")
    status = raw.get("status", "scheduled")
    if status is None:
        status = "scheduled"
    if status not in STATUSES:
        out.add(where, f"status {status!r} is not one of: {', '.join(STATUSES)}")
    texts = {key: _text(raw, key, where, out) for key in TEXT_KEYS if key != "title"}
    lists = {key: _text_list(raw, key, where, out) for key in ("participants", "sources", "tags")}
    history = _history(raw.get("history"), where, out)
    rrule = _text(raw, "rrule", where, out, max_len=RRULE_MAX_LEN)
    if rrule is not None:
        try:
            rrule = check_rrule(rrule)
        except ValueError as exc:
            out.add(where, f"rrule: {exc}")
            rrule = None
    exdates = _exdates(raw, where, out)
    if exdates and raw.get("rrule") is None:
        out.add(where, "exdates need an rrule (they skip occurrences of a recurring event)")
    if len(out.problems) > before or title is None or start is None:
        return None
    return Event(
        id=str(event_id or ""),
        title=title,
        kind=str(kind),
        format=fmt,
        round=rnd,
        start=start,
        end=end,
        timezone=tz,
        status=Status(status),
        participants=lists["participants"],
        sources=lists["sources"],
        tags=lists["tags"],
        history=history,
        rrule=rrule,
        exdates=exdates,
        **texts,
    )


def _exdates(raw: Mapping[str, Any], where: str, out: _Collector) -> tuple[WallTime, ...]:
    walls = []
    for index, text in enumerate(_text_list(raw, "exdates", where, out)):
        try:
            walls.append(parse_wall_time(text))
        except ValueError as exc:
            out.add(where, f"exdates[{index}]: {exc}")
    return tuple(walls)


# ---------------------------------------------------------------- recurrence

RRULE_MAX_LEN = 500
RRULE_FREQS: tuple[str, ...] = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
# An occurrence is named by its date, so a rule may give at most one per day; the
# start comes from the event's own start.
_RRULE_REFUSED = ("DTSTART", "BYHOUR", "BYMINUTE", "BYSECOND", "BYSETPOS")
_UNTIL_RE = re.compile(r"(\d{8})(?:T(\d{6})(Z)?)?\Z", re.ASCII)


def rrule_parts(text: str) -> dict[str, str]:
    """``FREQ=WEEKLY;BYDAY=TH`` (an ``RRULE:`` prefix is allowed) -> {"FREQ": ..., ...}.

    Raises ValueError naming what is wrong.
    """
    body = text.strip()
    if body[:6].upper() == "RRULE:":
        body = body[6:]
    if not body or "\n" in body or "\r" in body:
        raise ValueError(f"{text!r} is not an RRULE such as FREQ=WEEKLY;BYDAY=TH")
    parts: dict[str, str] = {}
    for item in body.split(";"):
        key, sep, value = item.partition("=")
        key = key.strip().upper()
        if not sep or not key or not value.strip():
            raise ValueError(f"{text!r}: {item!r} is not NAME=VALUE")
        if key in parts:
            raise ValueError(f"{text!r}: {key} is given twice")
        parts[key] = value.strip().upper()
    return parts


def parse_until(value: str) -> tuple[date, time | None, bool]:
    """An RRULE UNTIL value -> (date, time or None, is UTC); ValueError when malformed."""
    match = _UNTIL_RE.match(value)
    if not match:
        raise ValueError(f"UNTIL={value} is not YYYYMMDD or YYYYMMDDTHHMMSS[Z]")
    day_text, clock_text, utc = match.groups()
    try:
        day = date(int(day_text[:4]), int(day_text[4:6]), int(day_text[6:]))
        clock = (
            time(int(clock_text[:2]), int(clock_text[2:4]), int(clock_text[4:]))
            if clock_text
            else None
        )
    except ValueError as exc:
        raise ValueError(f"UNTIL={value}: {exc}") from None
    return day, clock, bool(utc)


def check_rrule(text: str) -> str:
    """Validate an RRULE for an event; returns it as stored (stripped). Raises ValueError.

    Allowed: FREQ of YEARLY, MONTHLY, WEEKLY or DAILY with the usual BY* parts,
    INTERVAL, WKST and one of COUNT or UNTIL. Refused: DTSTART (the event's start
    is the series start) and parts that give several occurrences a day.
    """
    parts = rrule_parts(text)
    freq = parts.get("FREQ")
    if freq is None:
        raise ValueError(f"{text!r} has no FREQ (e.g. FREQ=WEEKLY;BYDAY=TH)")
    if freq not in RRULE_FREQS:
        raise ValueError(f"FREQ={freq} is not one of: {', '.join(RRULE_FREQS)}")
    refused = [key for key in _RRULE_REFUSED if key in parts]
    if refused:
        raise ValueError(f"{refused[0]} is not supported in an event's rrule")
    if "COUNT" in parts and "UNTIL" in parts:
        raise ValueError("give COUNT or UNTIL, not both")
    if "COUNT" in parts and (not parts["COUNT"].isdigit() or int(parts["COUNT"]) < 1):
        raise ValueError(f"COUNT={parts['COUNT']} must be a positive whole number")
    if "UNTIL" in parts:
        parse_until(parts["UNTIL"])
    body = ";".join(f"{k}={v}" for k, v in parts.items() if k != "UNTIL")
    from dateutil.rrule import rrulestr

    try:
        rrulestr(body, dtstart=datetime(2000, 1, 1))
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise ValueError(f"{text!r} is not a valid RRULE ({exc or type(exc).__name__})") from None
    return text.strip()


def _history(value: Any, where: str, out: _Collector) -> tuple[Change, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        out.add(where, f"history must be a list of changes, not {_type_name(value)}")
        return ()
    changes = []
    for index, item in enumerate(value):
        at = f"{where} history[{index}]"
        if not isinstance(item, Mapping):
            out.add(at, f"must be a mapping, not {_type_name(item)}")
            continue
        fields = {
            key: _text(item, key, at, out, required=key in {"at", "change"}, max_len=5000)
            for key in CHANGE_KEYS
        }
        if fields["at"] is not None and fields["change"] is not None:
            changes.append(Change(**fields))  # type: ignore[arg-type]
    return tuple(changes)


def store_from_plain(tree: Any) -> tuple[Store, list[Problem]]:
    """Build the Store from a parsed document; returns it with every problem found."""
    out = _Collector()
    if not isinstance(tree, Mapping):
        out.add(
            "",
            f"the top level must be a mapping with version, formats and events, "
            f"not {_type_name(tree)}",
        )
        return Store(), out.problems
    version = tree.get("version", STORE_VERSION)
    if type(version) is not int or version != STORE_VERSION:
        out.add("version", f"unsupported store version {version!r} (this summits reads version 1)")
        return Store(), out.problems
    raw_formats = tree.get("formats")
    if raw_formats is None:
        raw_formats = {}
    formats: dict[str, Format] = {}
    if not isinstance(raw_formats, Mapping):
        out.add("formats", f"must be a mapping of key -> format, not {_type_name(raw_formats)}")
    else:
        for key, raw in raw_formats.items():
            fmt = format_from_plain(key, raw, out)
            if fmt is not None:
                formats[fmt.key] = fmt
    raw_events = tree.get("events")
    if raw_events is None:
        raw_events = []
    events: list[Event] = []
    if not isinstance(raw_events, list | tuple):
        out.add("events", f"must be a list of events, not {_type_name(raw_events)}")
        raw_events = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_events):
        event = event_from_plain(raw, f"events[{index}]", formats, out)
        if event is None:
            continue
        if event.id:
            if event.id in seen:
                out.add(
                    f"events[{index}] (id {event.id})",
                    f"duplicate id (first used by events[{seen[event.id]}])",
                )
                continue
            seen[event.id] = index
            if any(f.meets is not None and f.meets.id == event.id for f in formats.values()):
                out.add(
                    f"events[{index}] (id {event.id})",
                    "this id belongs to a format's regular meetings (formats.*.meets)",
                )
                continue
        events.append(event)
    taken = set(seen) | {f.meets.id for f in formats.values() if f.meets is not None}
    named: list[Event] = []
    for event in events:
        if event.id:
            named.append(event)
            continue
        generated = replace(event, id=generate_id(event, taken))
        taken.add(generated.id)
        named.append(generated)
    return Store(formats=formats, events=tuple(named), version=STORE_VERSION), out.problems


def events_from_plain(
    records: Sequence[Any], formats: Mapping[str, Format], label: str = "record", first: int = 1
) -> tuple[list[Event], list[Problem]]:
    """Validate a batch of event records (for imports); returns events and every problem.

    Problems are located as "<label> <n>", numbering the records from *first*.
    """
    out = _Collector()
    events = []
    for index, raw in enumerate(records):
        event = event_from_plain(raw, f"{label} {index + first}", formats, out)
        if event is not None:
            events.append(event)
    return events, out.problems


def validate_event(
    raw: Any, formats: Mapping[str, Format], where: str
) -> tuple[Event | None, list[Problem]]:
    """One record -> (Event or None, every problem), located by *where*."""
    out = _Collector()
    return event_from_plain(raw, where, formats, out), out.problems
