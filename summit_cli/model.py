"""The store's data model: wall times, events, negotiation formats, the store itself.

Building the model from parsed files is ``fromplain``'s job; rules of RRULE
text are ``rrules``'. Nothing here reads files, the clock or the environment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from enum import StrEnum

from summit_cli.zones import format_offset

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
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2})?))?"
    r"(?P<offset>Z|[+-]\d{2}:?\d{2})?\Z",
    re.ASCII,
)
# The dates summits accepts anywhere (store, typed input, imports, --now): every
# computation on them (zones, a year of recurrence, a 1000-year --within) stays
# inside what datetime can represent.
MIN_DATE = date(1000, 1, 1)
MAX_DATE = date(8999, 12, 31)
MAX_OFFSET = timedelta(hours=18)

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
    # Extra dates and changed occurrences of a series (issue 13).
    "rdates",
    "overrides",
    # How events are linked (issue 16): the event this one follows (round 4 after round 3),
    # the meeting or call where it was agreed, the summit or round it is a session of.
    "follows",
    "agreed_at",
    "part_of",
)
LINK_KEYS: tuple[str, ...] = ("follows", "agreed_at", "part_of")
RECURRENCE_KEYS: tuple[str, ...] = ("rrule", "exdates", "rdates", "overrides")
LIST_KEYS = frozenset({"participants", "sources", "tags", "exdates", "rdates"})
# What an override may change about one occurrence of a series.
OVERRIDE_KEYS: tuple[str, ...] = ("of", "start", "end", "status", "title")
TEXT_KEYS = ("title", "venue", "city", "country", "outcome", "notes")
FORMAT_KEYS: tuple[str, ...] = ("name", "description", "timezone", "meets")


Day = date  # for annotations inside WallTime, whose field is called date


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
    # A rough date ("2022-01-late", "2022-Q1", "tbd"; see ``precision``): *date* is the
    # first day of its window (for tbd, a day after every real one); None when exact.
    precision: str | None = None

    @property
    def date_only(self) -> bool:
        return self.time is None

    @property
    def rough(self) -> bool:
        """Known only to a window of days (or not at all: tbd)."""
        return self.precision is not None

    @property
    def tbd(self) -> bool:
        """Announced, no date yet."""
        return self.precision == "tbd"

    def window(self) -> tuple[Day, Day]:
        """The first and last day the date may be (the day itself when exact)."""
        if self.precision is None:
            return self.date, self.date
        from summit_cli.precision import window

        return window(self.precision, self.date)

    def isoformat(self) -> str:
        """The canonical text written to the store (a date may carry an offset: its venue's
        days run at that offset, as in ``2022-01-12+03:00``; a rough date is written as
        its precision says: ``2022-01-late``)."""
        if self.precision is not None:
            from summit_cli.precision import canonical

            return canonical(self.precision, self.date)
        text = self.date.isoformat()
        if self.time is not None:
            spec = "seconds" if self.time.second else "minutes"
            text += f"T{self.time.isoformat(timespec=spec)}"
        if self.offset is not None:
            text += "Z" if not self.offset else format_offset(self.offset)
        return text

    def __str__(self) -> str:
        return self.isoformat()


def check_date_range(day: date, text: str) -> None:
    """ValueError when *day* is outside the dates summits supports."""
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValueError(
            f"{text!r} is out of range: summits supports dates from {MIN_DATE} to {MAX_DATE}"
        )


def parse_wall_time(text: str) -> WallTime:
    """Parse the store's time form: ``YYYY-MM-DD[THH:MM[:SS]][offset]``.

    Raises ValueError with a message naming what is wrong.
    """
    match = _WALL_RE.match(text.strip())
    if not match:
        from summit_cli.precision import parse_stored

        rough = parse_stored(text)
        if rough is not None:
            if rough[0] != "tbd":
                check_date_range(rough[1], text)
            return WallTime(rough[1], precision=rough[0])
        raise ValueError(
            f"{text!r} is not a date (YYYY-MM-DD), a local time (YYYY-MM-DDTHH:MM[:SS][+HH:MM]) "
            "or a rough date (2022, 2022-H1, 2022-Q1, 2022-01, 2022-01-late, 2022-W03, tbd)"
        )
    try:
        day = date.fromisoformat(match["date"])
        clock = time.fromisoformat(match["time"]) if match["time"] else None
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date or time: {exc}") from None
    check_date_range(day, text)
    offset: timedelta | None = None
    if match["offset"]:
        raw = match["offset"]
        if raw == "Z":
            offset = timedelta(0)
        else:
            hours, minutes = int(raw[1:3]), int(raw[-2:])
            offset = timedelta(hours=hours, minutes=minutes)
            if minutes >= 60 or offset > MAX_OFFSET:
                raise ValueError(f"{text!r} has an impossible UTC offset (at most ±18:00)")
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
    # Keys summits does not know (another tool's, a teammate's newer summits): kept, as
    # (key, value as JSON text), sorted by key.
    extra: tuple[tuple[str, str], ...] = ()

    def to_plain(self) -> dict[str, Any]:
        plain = {key: getattr(self, key) for key in CHANGE_KEYS}
        kept = {k: v for k, v in plain.items() if v is not None}
        if self.extra:
            import json

            kept.update((key, json.loads(value)) for key, value in self.extra)
        return kept


@dataclass(frozen=True, slots=True)
class Override:
    """One changed occurrence of a series, named by its date at the venue (as ``exdates``
    name the skipped ones): a new start and end, status or title. Unset fields follow
    the series; a new start without an end keeps the series' length."""

    of: date
    start: WallTime | None = None
    end: WallTime | None = None
    status: Status | None = None
    title: str | None = None

    def to_plain(self) -> dict[str, Any]:
        plain: dict[str, Any] = {"of": self.of.isoformat()}
        if self.start is not None:
            plain["start"] = self.start.isoformat()
        if self.end is not None:
            plain["end"] = self.end.isoformat()
        if self.status is not None:
            plain["status"] = self.status.value
        if self.title is not None:
            plain["title"] = self.title
        return plain


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
    rdates: tuple[WallTime, ...] = ()  # extra occurrences: their starts at the venue
    overrides: tuple[Override, ...] = ()  # changed occurrences, in date order
    # Keys the store holds that summits does not know, kept through every rewrite and
    # export: (key, value as JSON text), sorted by key.
    extra: tuple[tuple[str, str], ...] = ()
    follows: str | None = None  # the id of the event this one comes after
    agreed_at: str | None = None  # the id of the meeting or call where it was agreed
    part_of: str | None = None  # the id of the summit or round it is a session of

    def links(self) -> dict[str, str]:
        """The links this event holds: link key -> the id it names."""
        found = {"follows": self.follows, "agreed_at": self.agreed_at, "part_of": self.part_of}
        return {k: v for k, v in found.items() if v is not None}

    @property
    def recurs(self) -> bool:
        """A series: a rule, or extra dates beside the start."""
        return bool(self.rrule or self.rdates)

    def extra_plain(self) -> dict[str, Any]:
        """The unknown keys and their values (JSON types)."""
        import json

        return {key: json.loads(value) for key, value in self.extra}

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
            "rdates": [x.isoformat() for x in self.rdates],
            "overrides": [o.to_plain() for o in self.overrides],
            "follows": self.follows,
            "agreed_at": self.agreed_at,
            "part_of": self.part_of,
        }

    def to_stored(self) -> dict[str, Any]:
        """Only the keys that are set, in schema order, then the unknown keys: what the
        event looks like in the store."""
        plain = self.to_plain()
        stored = {k: v for k, v in plain.items() if v not in (None, [])}
        if self.extra:
            stored.update(self.extra_plain())
        return stored


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
        """The key, then every stored key (None where unset)."""
        plain = {key: getattr(self, key) for key in ("key", *FORMAT_KEYS)}
        plain["meets"] = meets_stored(self) if self.meets else None
        return plain

    def to_stored(self) -> dict[str, Any]:
        """The keys that are set, but the key itself (the store's mapping holds it)."""
        return {k: v for k, v in self.to_plain().items() if k != "key" and v is not None}


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
