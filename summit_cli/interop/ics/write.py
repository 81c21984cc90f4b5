"""Events to an RFC 5545 calendar (``summits export``), built with the ``icalendar``
library (imported lazily), never by string formatting, so text from the store cannot
inject properties or components.

The same store exports the same bytes: events in the order given, VTIMEZONEs sorted
by name, and each DTSTAMP the time of the event's last recorded change (without a
METHOD, DTSTAMP is the last-modified time: RFC 5545 §3.8.7.2), else the Unix epoch.
A timed event whose end is its start has no DTEND (RFC 5545 §3.6.1: it then ends
where it starts; clients such as calcurse refuse a DTEND that is not after DTSTART).
Pure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from summit_cli.interop import xprops
from summit_cli.interop.ics.serieswrite import add_series, override_vevents
from summit_cli.interop.ics.times import (
    PRODID,
    STATUS_TO_ICS,
    X_LIST_KEYS,
    X_TEXT_KEYS,
    X,
    ics_times,
    uid_for,
    walls_from_ics,
    x_name,
)
from summit_cli.model import Event, Format
from summit_cli.safetext import terminal_safe


def _location(event: Event) -> str:
    return ", ".join(p for p in (event.venue, event.city, event.country) if p)


def _description(event: Event, formats: Mapping[str, Format]) -> str:
    parts: list[str] = []
    if event.format:
        name = formats[event.format].name if event.format in formats else event.format
        parts.append(f"{name}, round {event.round}" if event.round else name)
    if event.outcome:
        parts.append(event.outcome)
    if event.participants:
        parts.append("Participants: " + ", ".join(event.participants))
    if event.notes:
        parts.append(event.notes)
    if event.sources:
        parts.append("Sources:\n" + "\n".join(f"- {s}" for s in event.sources))
    return "\n\n".join(parts)


def _is_url(text: str) -> bool:
    return re.match(r"https?://[^\s]+\Z", text, re.IGNORECASE) is not None


def _shown(text: str) -> str:
    """Text for a property calendar apps show: unsafe characters as visible escapes
    (the exact text travels in an X-SUMMITS-* property)."""
    return terminal_safe(text.replace("\r\n", "\n")).replace("\r", "\n")


def _x(text: str) -> Any:
    """An X-SUMMITS-* value that comes back byte-exact (see ``xprops``)."""
    from icalendar import vText

    value = vText(xprops.encode(text))
    value.params[xprops.ENCODING_PARAM] = xprops.PERCENT
    return value


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def last_modified(event: Event, default: datetime | None = None) -> datetime:
    """When the event last changed, as its history says (else *default*, else the Unix
    epoch)."""
    latest = (default or EPOCH).astimezone(UTC)
    if event.history:
        latest = EPOCH
    for change in event.history:
        try:
            moment = datetime.fromisoformat(change.at.replace("Z", "+00:00"))
        except ValueError:
            continue
        if moment.tzinfo is not None and moment > latest:
            latest = moment.astimezone(UTC)
    return latest


def _vevent(event: Event, formats: Mapping[str, Format], stamp: datetime | None) -> Any:
    from icalendar import Event as VEvent

    item = VEvent()
    item.add("uid", uid_for(event.id))
    item.add("dtstamp", last_modified(event, stamp))
    item.add("summary", _shown(event.title))
    item.add(X + "TITLE", _x(event.title))
    dtstart, dtend = ics_times(event.start, event.end, event.timezone)
    item.add("dtstart", dtstart)
    if dtend is not None and (not isinstance(dtend, datetime) or dtend > dtstart):
        item.add("dtend", dtend)
    if event.history:
        item.add("sequence", len(event.history))
    location = _location(event)
    if location:
        item.add("location", _shown(location))
    description = _description(event, formats)
    if description:
        item.add("description", _shown(description))
    url = next((s for s in event.sources if _is_url(s)), None)
    if url:
        item.add("url", url)
    categories = list(dict.fromkeys(c for c in (event.format, event.kind, *event.tags) if c))
    if categories:
        item.add("categories", [_shown(c) for c in categories])
    rough = event.start.rough or (event.end is not None and event.end.rough)
    # A rough date is a tentative all-day span in calendar apps: the window it may fall in.
    item.add("status", "TENTATIVE" if rough else STATUS_TO_ICS[event.status])
    if rough:
        item.add(X + "PRECISION", _x(event.start.precision or "day"))
    # What ICS has no place for, so that import gives back exactly this event.
    plain = event.to_plain()
    for key in X_TEXT_KEYS:
        if plain[key] is not None:
            item.add(x_name(key), _x(plain[key]))
    if event.round is not None:
        item.add(X + "ROUND", _x(str(event.round)))
    for key, name in X_LIST_KEYS.items():
        for value in plain[key]:
            item.add(X + name, _x(value))
    if event.history:
        item.add(X + "HISTORY", _x(json.dumps(plain["history"], ensure_ascii=False)))
    start, end, tz_name = walls_from_ics(dtstart, dtend)
    if (start, end) != (event.start, event.end):
        item.add(X + "START", _x(event.start.isoformat()))
        item.add(X + "END", _x(event.end.isoformat() if event.end else ""))
    if tz_name != event.timezone:
        item.add(X + "TIMEZONE", _x(event.timezone or ""))
    if event.extra:
        item.add(X + "EXTRA", _x(json.dumps(event.extra_plain(), ensure_ascii=False)))
    if event.recurs:
        add_series(item, event, dtstart, _x)
    return item


def to_ics(
    events: Sequence[Event],
    formats: Mapping[str, Format],
    *,
    stamp: datetime | None = None,
    name: str = "summits",
) -> bytes:
    """An RFC 5545 calendar: one VEVENT per event (and one per changed occurrence of a
    series), the VTIMEZONEs of the zones used, the format definitions its events use.

    *stamp* (aware) is the DTSTAMP of events whose history does not say when they last
    changed; without it, the Unix epoch (so the same events give the same bytes).
    """
    from icalendar import Calendar, vText

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", vText(_shown(name)))
    used = {e.format for e in events if e.format and e.format in formats}
    if used:
        definitions = {k: formats[k].to_stored() for k in sorted(used)}
        calendar.add(X + "FORMATS", _x(json.dumps(definitions, ensure_ascii=False)))
    items = []
    for event in events:
        if event.start.tbd:
            continue  # no date yet: a calendar has nowhere to put it (export says so)
        master = _vevent(event, formats, stamp)
        items.append(master)
        items += override_vevents(event, master, _shown, _x)
    for zone in _zones(events, items):
        calendar.add_component(zone)
    for item in items:
        calendar.add_component(item)
    data: bytes = calendar.to_ical()
    return data


def _zones(events: Sequence[Event], items: Sequence[Any]) -> list[Any]:
    """The VTIMEZONE of every TZID the events use, sorted, from a week before the first
    event on; changes no yearly rule can say are listed up to 50 years after the last
    (see ``zonewrite``)."""
    from summit_cli.interop.ics.zonewrite import vtimezone
    from summit_cli.zones import zone_rules

    names = sorted(
        {
            str(value.params["TZID"])
            for item in items
            for values in item.values()
            for value in (values if isinstance(values, list) else [values])
            if "TZID" in getattr(value, "params", {})
        }
    )
    if not names:
        return []
    days = [d for e in events for d in _days(e)]
    first = max(min(days) - timedelta(days=7), date(1000, 1, 1))
    until = min(max(days) + timedelta(days=366 * 50), date(9000, 1, 1))
    zones = []
    for zone_name in names:
        rules = zone_rules(zone_name)
        if rules is not None:
            zones.append(vtimezone(zone_name, rules, first, until))
    return zones


def _days(event: Event) -> list[date]:
    """Every date an event's exported times name."""
    if event.start.tbd:
        return []
    days = [event.start.date, *(w.date for w in (event.end, *event.rdates) if w is not None)]
    for change in event.overrides:
        days += [change.of, *(w.date for w in (change.start, change.end) if w is not None)]
    return days
