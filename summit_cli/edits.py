"""Building new and changed events from what people type: add, edit, postpone, cancel.

The decisions behind those commands, as pure functions with unit tests:
which zone a wall time is read in, what an end like "16:30" means, what
--set accepts, what a postponement records. The command layer only parses
options and writes the result through the store.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo

from summit_cli import links, query, timeline, zones
from summit_cli.cells import split_list
from summit_cli.errors import InvalidData, InvalidInput, Problem
from summit_cli.fromplain import events_from_plain, validate_event
from summit_cli.model import EVENT_KEYS, KINDS, LIST_KEYS, STATUSES, Change, Event, Status, WallTime
from summit_cli.plaincheck import check_choice
from summit_cli.typed import Context

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

    from summit_cli.model import Store

CLOCK_ONLY = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\Z")
# Overrides are lists of mappings: changed by their own options, not --set.
EDITABLE = tuple(k for k in EVENT_KEYS if k not in {"id", "history", "overrides"})
REQUIRED = frozenset({"title", "start"})


@dataclass(frozen=True)
class Fields:
    """Event fields as typed on the command line (None: not given)."""

    start: str | None = None
    end: str | None = None
    tz: str | None = None
    fmt: str | None = None
    round_number: int | None = None
    kind: str | None = None
    venue: str | None = None
    city: str | None = None
    country: str | None = None
    participants: tuple[str, ...] | None = None
    status: str | None = None
    sources: tuple[str, ...] | None = None
    tags: tuple[str, ...] | None = None
    outcome: str | None = None
    notes: str | None = None
    follows: str | None = None
    agreed_at: str | None = None
    part_of: str | None = None

    def links(self) -> dict[str, str]:
        found = {"follows": self.follows, "agreed_at": self.agreed_at, "part_of": self.part_of}
        return {k: v for k, v in found.items() if v is not None}

    def stored(self) -> dict[str, Any]:
        """The given fields under their store keys (start/end/timezone still as typed)."""
        named = {
            "start": self.start,
            "end": self.end,
            "timezone": self.tz,
            "format": self.fmt,
            "round": self.round_number,
            "kind": self.kind,
            "venue": self.venue,
            "city": self.city,
            "country": self.country,
            "participants": self.participants,
            "status": self.status,
            "sources": self.sources,
            "tags": self.tags,
            "outcome": self.outcome,
            "notes": self.notes,
            **self.links(),
        }
        return {
            k: list(v) if isinstance(v, tuple) else v for k, v in named.items() if v is not None
        }


def venue_zone(
    tz: str | None, fmt_key: str | None, city: str | None, current: Store
) -> tuple[str | None, tzinfo | None]:
    """(IANA name to store, fixed-offset zone): from --tz, else the format's, else the city's."""
    if tz:
        name = zones.canonical_zone_name(tz)
        if name is not None:
            return name, None
        return None, zones.resolve_zone(tz)  # an offset, or an error with suggestions
    if fmt_key and fmt_key in current.formats and current.formats[fmt_key].timezone:
        return current.formats[fmt_key].timezone, None
    return zones.zone_for_city(city), None


def check_links(current: Store, event: Event) -> None:
    """A link names an event of the store (the error suggests the nearest id)."""
    known = [e.id for e in current.all_events()]
    for key, target in event.links().items():
        option = "--" + key.replace("_", "-")
        if target == event.id:
            raise InvalidInput(f"{option}: an event cannot name itself")
        if target not in known:
            raise InvalidInput(
                f"{option}: no event with id {target!r}{query.closest(target, known)}"
            )


def _with_offset(wall: WallTime, offset: timedelta | None) -> WallTime:
    if wall.rough or wall.offset is not None or offset is None:
        return wall
    return WallTime(wall.date, wall.time, offset)


def _check_exists(wall: WallTime | None, option: str, zone_name: str | None) -> None:
    if wall is None or zone_name is None:
        return
    if not timeline.wall_time_exists(wall, zones.resolve_zone(zone_name)):
        raise InvalidInput(
            f"{option}: {wall} does not exist in {zone_name} (the clocks skip it at a DST change)"
        )


def build_event(
    ctx: Context, current: Store, *, title: str, fields: Fields, event_id: str | None = None
) -> Event:
    """A new Event from typed options, keeping the wall time typed and the venue's zone."""
    if not title.strip():
        raise InvalidInput("the title must not be empty")
    if fields.start is None:
        raise InvalidInput("give --start WHEN")
    kind = check_choice(fields.kind or "other", KINDS, "--kind")
    status = check_choice(fields.status or "scheduled", STATUSES, "--status")
    if fields.fmt is not None:
        query.check_filter(current, query.Filter(formats=(fields.fmt,)))
    zone_name, offset_zone = venue_zone(fields.tz, fields.fmt, fields.city, current)
    reading: tzinfo = offset_zone or (zones.resolve_zone(zone_name) if zone_name else ctx.display)
    start = ctx.wall(fields.start, "--start", reading)
    end = _typed_end(ctx, fields.end, start, reading)
    floating_end = end is not None and not end.date_only
    if zone_name is None and offset_zone is None and start.offset is not None and floating_end:
        # '--start 10:00+03:00 --end 12:30': the end is at the start's offset too.
        assert end is not None
        end = _with_offset(end, start.offset)
    if offset_zone is not None:
        # An offset venue is a venue: its dates are its days (a date-only value keeps it too).
        fixed = offset_zone.utcoffset(None)
        start = _with_offset(start, fixed)
        end = _with_offset(end, fixed) if end is not None else None
    if zone_name is None and not start.date_only and start.offset is None:
        raise InvalidInput(
            f"--start {fields.start!r} has a time but no time zone: give --tz ZONE (e.g. --tz "
            "Europe/Zurich), a --city the project knows, or a --format that has a zone"
        )
    _check_exists(start, "--start", zone_name)
    _check_exists(end, "--end", zone_name)
    event = Event(
        id=event_id or "",
        title=title.strip(),
        kind=kind,
        format=fields.fmt,
        round=fields.round_number,
        start=start,
        end=end,
        timezone=zone_name,
        venue=fields.venue,
        city=fields.city,
        country=fields.country,
        participants=tuple(fields.participants or ()),
        status=Status(status),
        outcome=fields.outcome,
        sources=tuple(fields.sources or ()),
        tags=tuple(fields.tags or ()),
        notes=fields.notes,
        follows=fields.follows,
        agreed_at=fields.agreed_at,
        part_of=fields.part_of,
    )
    check_links(current, event)
    if timeline.end_before_start(event):
        raise InvalidInput(f"--end {fields.end!r} is before --start {fields.start!r}")
    return event


def _typed_end(ctx: Context, text: str | None, start: WallTime, zone: tzinfo) -> WallTime | None:
    """--end as typed; a clock alone ('16:30') is on the start's day."""
    if not text:
        return None
    if CLOCK_ONLY.match(text.strip()):
        return ctx.wall(f"{start.date.isoformat()} {text.strip()}", "--end", zone)
    return ctx.wall(text, "--end", zone)


# ------------------------------------------------------------------ edit


def _as_value(key: str, text: str) -> Any:
    if key in LIST_KEYS:
        return [item for item in split_list(text) if item]
    if key == "round":
        stripped = text.strip()
        return int(stripped) if stripped.isascii() and stripped.isdigit() else text
    return text


def parse_sets(sets: Sequence[str]) -> dict[str, Any]:
    """``--set FIELD=VALUE`` items as store values (lists split on ';')."""
    changes: dict[str, Any] = {}
    for item in sets:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep:
            raise InvalidInput(f"--set {item!r}: write it as FIELD=VALUE")
        if key not in EDITABLE:
            raise InvalidInput(
                f"--set: unknown or read-only field {key!r}; editable fields: {', '.join(EDITABLE)}"
            )
        changes[key] = _as_value(key, value)
    return changes


def apply_edits(
    ctx: Context,
    current: Store,
    old: Event,
    *,
    sets: Sequence[str],
    unsets: Sequence[str],
    typed: Mapping[str, Any],
) -> Event:
    """The event after --set/--unset/typed options, fully validated."""
    plain = old.to_stored()
    changes = parse_sets(sets)
    changes.update({k: v for k, v in typed.items() if v is not None})
    for key, allowed in (("kind", KINDS), ("status", STATUSES)):
        if key in changes:
            check_choice(str(changes[key]), allowed, key)
    if changes.get("format"):
        query.check_filter(current, query.Filter(formats=(str(changes["format"]),)))
    for key in unsets:
        if key not in EDITABLE:
            raise InvalidInput(
                f"--unset: unknown or read-only field {key!r}; editable fields: "
                f"{', '.join(EDITABLE)}"
            )
        if key in REQUIRED:
            raise InvalidInput(f"--unset: {key} is required and cannot be removed")
        if key in changes:
            raise InvalidInput(f"--unset {key} conflicts with a new value for it")
        plain.pop(key, None)
    if changes.get("timezone"):
        name = zones.canonical_zone_name(str(changes["timezone"]))
        if name is None:
            zones.resolve_zone(str(changes["timezone"]))  # suggestions for a typo
            raise InvalidInput(
                "--tz for an existing event must be a zone name; to give a UTC "
                "offset, set start/end with it (e.g. --set start=2022-01-10T09:00"
                "+01:00)"
            )
        changes["timezone"] = name
    plain.update(changes)
    name = plain.get("timezone")
    zone = zones.resolve_zone(name) if isinstance(name, str) and name else ctx.display
    for key in ("start", "end"):
        if key in changes and isinstance(changes[key], str):
            text = changes[key]
            if key == "end" and CLOCK_ONLY.match(text.strip()):
                text = f"{str(plain['start'])[:10]} {text.strip()}"  # '16:30': the start's day
            wall = ctx.wall(text, f"--{key}", zone)
            _check_exists(wall, f"--{key}", name if isinstance(name, str) else None)
            plain[key] = wall.isoformat()
    event, problems = validate_event(plain, current.formats, "edited event")
    if problems or event is None:
        raise InvalidData("", problems)
    check_links(current, event)
    if old.start.rough and event.start != old.start:
        # A rough date made exact (or narrowed) is news: kept as postponements are.
        change = "date set" if not event.start.rough else "date revised"
        event = replace(event, history=(*event.history, change_record(ctx.now, old, change, None)))
    return event


def removed(current: Store, ids: Sequence[str]) -> tuple[Store, list[tuple[Event, str, str]]]:
    """The store without the events *ids*, and the links to them that go with them:
    (event, link key, id it named), each cleared from the event that held it."""
    gone = set(ids)
    cleared = links.links_to(current, gone)
    keep = [_unlinked(e, gone) for e in current.events if e.id not in gone]
    formats = {
        key: replace(fmt, meets=_unlinked(fmt.meets, gone)) if fmt.meets else fmt
        for key, fmt in current.formats.items()
    }
    return replace(current, formats=formats).with_events(keep), cleared


def _unlinked(event: Event, gone: set[str]) -> Event:
    """*event* without its links to the events *gone* (itself when it has none)."""
    if not gone.intersection(event.links().values()):
        return event
    return replace(
        event,
        follows=None if event.follows in gone else event.follows,
        agreed_at=None if event.agreed_at in gone else event.agreed_at,
        part_of=None if event.part_of in gone else event.part_of,
    )


def replace_event(current: Store, new: Event) -> Store:
    return current.with_events([new if e.id == new.id else e for e in current.events])


# --------------------------------------------------------- status changes


def change_record(now: datetime, old: Event, change: str, reason: str | None) -> Change:
    """The history entry a postponement, cancellation or date change leaves."""
    at = now.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return Change(
        at=at,
        change=change,
        status_before=old.status.value,
        start_before=old.start.isoformat(),
        end_before=old.end.isoformat() if old.end else None,
        reason=reason,
    )


def shift(old: Event, new_start: WallTime) -> tuple[WallTime, WallTime | None]:
    """The new start and the end moved by the same wall-clock amount (keeping its form); a
    rough date's end does not move with it (there is no amount to move by)."""
    if old.start.rough or new_start.rough:
        return new_start, None
    if new_start.date_only and old.start.time is not None:
        new_start = WallTime(new_start.date, old.start.time, old.start.offset)
    if old.end is None:
        return new_start, None
    a = datetime.combine(old.start.date, old.start.time or datetime.min.time())
    b = datetime.combine(new_start.date, new_start.time or datetime.min.time())
    moved = datetime.combine(old.end.date, old.end.time or datetime.min.time()) + (b - a)
    if old.end.time is None:
        return new_start, WallTime(moved.date())
    return new_start, WallTime(moved.date(), moved.time(), old.end.offset)


def postponed(ctx: Context, old: Event, to: str | None, reason: str | None) -> Event:
    """*old* marked postponed (to a new start when *to* is given), with its history."""
    record = change_record(ctx.now, old, "postponed", reason)
    new = replace(old, status=Status.POSTPONED, history=(*old.history, record))
    if to is None:
        return new
    zone = zones.resolve_zone(old.timezone) if old.timezone else ctx.display
    start, end = shift(old, ctx.wall(to, "--to", zone))
    _check_exists(start, "--to", old.timezone)
    return replace(new, start=start, end=end)


def cancelled(now: datetime, old: Event, reason: str | None) -> Event:
    if old.status is Status.CANCELLED:
        raise InvalidInput(f"{old.id} is already cancelled")
    record = change_record(now, old, "cancelled", reason)
    return replace(old, status=Status.CANCELLED, history=(*old.history, record))


# -------------------------------------------------------- batch records


def events_from_records(tree: object, current: Store, source: str) -> list[Event]:
    """Validate one record or a list of records (``add --from-file``); every problem at once."""
    records: Any = tree if isinstance(tree, list) else [tree]
    if isinstance(tree, dict) and isinstance(tree.get("events"), list):
        records = tree["events"]  # a whole store file: take its events
    events: list[Event] = []
    problems: list[Problem] = []
    ids: dict[str, int] = {}
    for number, raw in enumerate(records, start=1):
        valid, found = events_from_plain([raw], current.formats, first=number)
        problems += found
        for event in valid:
            where = f"record {number}" + (f" (id {event.id})" if event.id else "")
            if timeline.end_before_start(event):
                problems.append(
                    Problem(where, f"ends ({event.end}) before it starts ({event.start})")
                )
            elif event.id and event.id in ids:
                problems.append(Problem(where, f"the same id as record {ids[event.id]}"))
            else:
                if event.id:
                    ids[event.id] = number
                events.append(event)
    if problems:
        raise InvalidData(source, problems)
    if not events:
        raise InvalidData(source, [Problem("", "no records to add")])
    return events


def notes_for(event: Event) -> list[str]:
    """What to tell the person who typed *event*: a time that happens twice at the venue
    (the clocks go back) is read as the first one, and how to say the second."""
    if not event.timezone:
        return []
    zone = zones.resolve_zone(event.timezone)
    notes = []
    for label, wall in (("start", event.start), ("end", event.end)):
        if wall is None or not timeline.wall_time_ambiguous(wall, zone):
            continue
        assert wall.time is not None
        local = datetime.combine(wall.date, wall.time, zone)
        first, second = local.replace(fold=0), local.replace(fold=1)
        later = WallTime(wall.date, wall.time, second.utcoffset())
        offset = zones.format_offset(first.utcoffset() or timedelta(0))
        notes.append(
            f"the {label} {wall} happens twice in {event.timezone} (the clocks go back); "
            f"taking the first, {first:%H:%M %Z} ({offset}); "
            f"for the second write {later.isoformat()}"
        )
    return notes
