"""One event as one calendar object and back, and the content hash sync compares.

Written with the ICS writer of ``interop.ics`` (one VEVENT, the definition of its format on
the VCALENDAR, every field summits knows in ``X-SUMMITS-*``), read with its reader. Two
things only a sync needs are added here: an object another client made keeps its UID,
and what summits does not write (alarms, attendees, a client's own properties) is carried
over from the server's version when summits replaces it. Pure: text in, text out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from summit_cli.errors import InvalidData
from summit_cli.model import Event, Format, Store

# VEVENT properties the ICS writer manages (the server's copies are never carried over),
# and the bookkeeping ones servers and clients rewrite anyway. Everything else is
# "foreign": kept when summits replaces the object.
MANAGED = frozenset(
    {
        "UID",
        "DTSTAMP",
        "SUMMARY",
        "DTSTART",
        "DTEND",
        "DURATION",
        "SEQUENCE",
        "LOCATION",
        "DESCRIPTION",
        "URL",
        "CATEGORIES",
        "STATUS",
        "RRULE",
        "EXDATE",
        "RDATE",
        "RECURRENCE-ID",
        "CREATED",
        "LAST-MODIFIED",
    }
)
OURS = "X-SUMMITS-"


def event_hash(event: Event) -> str:
    """The content hash of an event: equal hashes, equal events (every stored key)."""
    text = json.dumps(event.to_stored(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Decoded:
    """A calendar object read back: its UID, the event (None when it cannot be one, with the
    problem said), the format definitions it carries, and whether it holds anything summits
    does not write (then a replacement is merged onto the server's version)."""

    uid: str | None
    event: Event | None
    formats: dict[str, Format] = field(default_factory=dict)
    foreign: bool = False
    problem: str | None = None
    notes: tuple[str, ...] = ()


def _calendar(text: str) -> Any:
    from icalendar import Calendar

    return Calendar.from_ical(text)


def _rid(component: Any) -> str:
    value = component.get("RECURRENCE-ID")
    return "" if value is None else value.to_ical().decode("utf-8", "replace")


def _is_foreign(calendar: Any) -> bool:
    for component in calendar.subcomponents:
        if component.name not in {"VEVENT", "VTIMEZONE"}:
            return True
        if component.name != "VEVENT":
            continue
        if component.subcomponents:
            return True
        if any(k not in MANAGED and not k.startswith(OURS) for k in component):
            return True
    return False


def decode(text: str, source: str, formats: Mapping[str, Format]) -> Decoded:
    """The event in a calendar object from a server (*formats*: the store's definitions,
    which win over the object's own, as on import)."""
    from summit_cli.interop.batch import Batch, events_of
    from summit_cli.interop.ics import ics_batch

    try:
        calendar = _calendar(text)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        return Decoded(None, None, problem=f"not a valid calendar object: {exc}")
    masters = [c for c in calendar.walk("VEVENT") if c.get("RECURRENCE-ID") is None]
    if not masters:
        kinds = sorted({c.name for c in calendar.subcomponents if c.name != "VTIMEZONE"})
        what = ", ".join(kinds) or "nothing"
        return Decoded(None, None, problem=f"not an event (it holds {what})")
    uid = str(masters[0].get("UID") or "") or None
    foreign = _is_foreign(calendar)
    try:
        batch = ics_batch(text, source)
        batch.check()
        records = batch.records[:1]
        notes = tuple(batch.warnings) + tuple(batch.skipped)
        if len(batch.records) > 1:
            notes += (f"{len(batch.records) - 1} more events in the same object were left out",)
        events = events_of(
            Batch(source, records, dict(batch.formats)), Store(formats=dict(formats))
        )
    except InvalidData as exc:
        return Decoded(uid, None, foreign=foreign, problem=str(exc))
    if not events:
        return Decoded(uid, None, foreign=foreign, problem="no event could be read")
    known = {**batch.formats, **formats}
    event = app_edits(events[0], calendar, known)
    return Decoded(uid, event, dict(batch.formats), foreign, None, notes)


# A word no field holds, to find where one field sits in a property that joins several.
_MARK = "summitsfieldmark"
_FROM_ICS_STATUS = {"CANCELLED": "cancelled", "TENTATIVE": "postponed", "CONFIRMED": "scheduled"}


def _written_all(event: Event, formats: Mapping[str, Format]) -> list[Any]:
    """The VEVENTs summits writes for *event* (parsed): the series first, then its changed
    occurrences."""
    from summit_cli.interop.ics import to_ics

    data = to_ics([event], formats, stamp=datetime(2000, 1, 1, tzinfo=UTC))
    return list(_calendar(data.decode("utf-8")).walk("VEVENT"))


def _written(event: Event, formats: Mapping[str, Format]) -> Any:
    return _written_all(event, formats)[0]


def _text(component: Any, name: str) -> str:
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return "" if value is None else str(value)


def _between(
    text: str, event: Event, key: str, name: str, formats: Mapping[str, Format]
) -> str | None:
    """The part of *text* (the app's property *name*) that is field *key*, when the rest is
    still what summits writes around it; None when the app changed the rest too."""
    marked: dict[str, Any] = {key: _MARK}
    around = _text(_written(replace(event, **marked), formats), name)
    before, _, after = around.partition(_MARK)
    if len(text) >= len(before) + len(after) and text.startswith(before) and text.endswith(after):
        return text[len(before) : len(text) - len(after)].strip()
    return None


def app_edits(event: Event, calendar: Any, formats: Mapping[str, Format]) -> Event:
    """*event* with the edits a calendar app made: apps change SUMMARY, LOCATION,
    DESCRIPTION and STATUS (of the series or of one occurrence) but leave summits' exact
    ``X-SUMMITS-*`` copies as they were, so where such a property no longer says what
    summits writes for the event, the app wins."""
    from summit_cli.model import Status

    found = list(calendar.walk("VEVENT"))
    component = next(c for c in found if c.get("RECURRENCE-ID") is None)
    if not any(key.startswith(OURS) for key in component):
        return event  # not summits' object: the reader took the app's properties already
    written_all = _written_all(event, formats)
    written = written_all[0]
    changes: dict[str, Any] = {}
    summary = _text(component, "SUMMARY")
    if summary and summary != _text(written, "SUMMARY"):
        changes["title"] = summary
    location = _text(component, "LOCATION")
    if location != _text(written, "LOCATION"):
        venue = _between(location, event, "venue", "LOCATION", formats)
        if venue is None:
            changes.update(venue=location or None, city=None, country=None)
        else:
            changes["venue"] = venue or None
    description = _text(component, "DESCRIPTION")
    if description != _text(written, "DESCRIPTION"):
        notes = _between(description, event, "notes", "DESCRIPTION", formats)
        changes["notes"] = (description if notes is None else notes) or None
    status = _text(component, "STATUS").upper()
    if status in _FROM_ICS_STATUS and status != _text(written, "STATUS").upper():
        changes["status"] = Status(_FROM_ICS_STATUS[status])
    overrides = _override_edits(event, found, written_all)
    if overrides is not None:
        changes["overrides"] = overrides
    return replace(event, **changes) if changes else event


def _override_edits(event: Event, found: list[Any], written_all: list[Any]) -> Any:
    """The event's changed occurrences with a calendar app's edits of their SUMMARY and
    STATUS, or None when there are none."""
    from summit_cli.model import Status

    overrides = event.overrides
    if not overrides:
        return None
    written = {_rid(c): c for c in written_all if c.get("RECURRENCE-ID") is not None}
    by_day = {o.of: o for o in overrides}
    edited = dict(by_day)
    for component in found:
        rid = _rid(component)
        ours = written.get(rid)
        if not rid or ours is None or not any(k.startswith(OURS) for k in component):
            continue
        day = _occurrence_day(ours, event)
        if day not in by_day:
            continue
        summary = _text(component, "SUMMARY")
        if summary and summary != _text(ours, "SUMMARY"):
            edited[day] = replace(edited[day], title=summary)
        status = _text(component, "STATUS").upper()
        if status in _FROM_ICS_STATUS and status != _text(ours, "STATUS").upper():
            edited[day] = replace(edited[day], status=Status(_FROM_ICS_STATUS[status]))
    if edited == by_day:
        return None
    return tuple(edited[o.of] for o in overrides)


def _occurrence_day(component: Any, event: Event) -> Any:
    """The date (at the venue) of the occurrence a RECURRENCE-ID names."""
    from summit_cli import zones

    moment = component.decoded("RECURRENCE-ID")
    if isinstance(moment, datetime):
        if moment.tzinfo is not None and event.timezone:
            moment = moment.astimezone(zones.resolve_zone(event.timezone))
        return moment.date()
    return moment


def render(
    event: Event,
    formats: Mapping[str, Format],
    *,
    stamp: datetime,
    uid: str,
    existing: str | None = None,
) -> bytes:
    """The calendar object for *event* with the UID *uid*; with *existing* (the server's
    version), what summits does not write is carried over from it: the other properties
    and the alarms of each VEVENT (the series, each changed occurrence), and components
    that are not events."""
    from summit_cli.interop.ics import to_ics, uid_for

    data = to_ics([event], formats, stamp=stamp)
    if uid == uid_for(event.id) and existing is None:
        return data
    calendar = _calendar(data.decode("utf-8"))
    ours = [c for c in calendar.subcomponents if c.name == "VEVENT"]
    for component in ours:
        component.pop("UID", None)
        component.add("UID", uid)
    if existing is not None:
        try:
            old = _calendar(existing)
        except (ValueError, KeyError, IndexError, TypeError):
            old = None
        if old is not None:
            _carry_over(calendar, ours, old)
    result: bytes = calendar.to_ical()
    return result


def _carry_over(calendar: Any, ours: list[Any], old: Any) -> None:
    written = {name for component in ours for name in component}
    previous = {_rid(c): c for c in old.walk("VEVENT")}
    for component in ours:
        match = previous.pop(_rid(component), None)
        if match is None:
            continue
        for name in match:
            if name not in MANAGED and name not in written and not name.startswith(OURS):
                component[name] = match[name]
        component.subcomponents.extend(match.subcomponents)
    zones = {str(c.get("TZID")) for c in calendar.walk("VTIMEZONE")}
    extra = [c for c in old.subcomponents if c.name not in {"VEVENT", "VTIMEZONE"}]
    for component in old.walk("VTIMEZONE"):
        if str(component.get("TZID")) not in zones:
            calendar.subcomponents.insert(0, component)
    calendar.subcomponents.extend(extra)
