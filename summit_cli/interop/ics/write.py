"""Events to an RFC 5545 calendar (``summits export``), built with the ``icalendar``
library (imported lazily), never by string formatting, so text from the store cannot
inject properties or components. Pure: the DTSTAMP is passed in."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from summit_cli.interop import xprops
from summit_cli.interop.ics.times import (
    PRODID,
    STATUS_TO_ICS,
    X_LIST_KEYS,
    X_TEXT_KEYS,
    X,
    ics_times,
    uid_for,
    walls_from_ics,
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


def _vevent(event: Event, formats: Mapping[str, Format], stamp: datetime) -> Any:
    from icalendar import Event as VEvent

    item = VEvent()
    item.add("uid", uid_for(event.id))
    item.add("dtstamp", stamp.astimezone(UTC))
    item.add("summary", _shown(event.title))
    item.add(X + "TITLE", _x(event.title))
    dtstart, dtend = ics_times(event.start, event.end, event.timezone)
    item.add("dtstart", dtstart)
    if dtend is not None:
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
    item.add("status", STATUS_TO_ICS[event.status])
    # What ICS has no place for, so that import gives back exactly this event.
    plain = event.to_plain()
    for key in X_TEXT_KEYS:
        if plain[key] is not None:
            item.add(X + key.upper(), _x(plain[key]))
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
    if event.rrule:
        _add_recurrence(item, event, dtstart)
    return item


def _ics_rule(event: Event, dtstart: Any) -> str:
    """The event's rule as RFC 5545 wants it next to this DTSTART (UNTIL's value type)."""
    from summit_cli.rrules import parse_until, rrule_parts

    assert event.rrule is not None
    parts = rrule_parts(event.rrule)
    until = parts.get("UNTIL")
    if until:
        day, clock, utc = parse_until(until)
        if not isinstance(dtstart, datetime):  # an all-day series: UNTIL is a DATE
            if utc and clock is not None:
                day = datetime.combine(day, clock, UTC).date()
            parts["UNTIL"] = day.strftime("%Y%m%d")
        elif not utc:  # a timed series: UNTIL in UTC; a date means the end of that day
            zone = dtstart.tzinfo or UTC
            local = datetime.combine(day, clock or time(23, 59, 59), zone)
            parts["UNTIL"] = local.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return ";".join(f"{k}={v}" for k, v in parts.items())


def _add_recurrence(item: Any, event: Event, dtstart: Any) -> None:
    """RRULE and EXDATE, so calendar apps repeat the event; X- copies keep the exact text."""
    from icalendar import vRecur

    assert event.rrule is not None
    item.add("rrule", vRecur.from_ical(_ics_rule(event, dtstart)))
    if event.exdates:
        skipped: list[date]
        if isinstance(dtstart, datetime):
            # An exception date skips the occurrence of that day, at the series' time of day.
            skipped = [datetime.combine(w.date, dtstart.timetz()) for w in event.exdates]
        else:
            skipped = [w.date for w in event.exdates]
        item.add("exdate", skipped)
    item.add(X + "RRULE", _x(event.rrule))
    for wall in event.exdates:
        item.add(X + "EXDATE", _x(wall.isoformat()))


def to_ics(
    events: Sequence[Event],
    formats: Mapping[str, Format],
    *,
    stamp: datetime,
    name: str = "summits",
) -> bytes:
    """An RFC 5545 calendar with one VEVENT per event, VTIMEZONEs for the zones used.

    *stamp* (aware) is the DTSTAMP of every event: pass "now" for a fresh export.
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
    for event in events:
        calendar.add_component(_vevent(event, formats, stamp))
    if events:
        days = [e.start.date for e in events] + [e.end.date for e in events if e.end]
        # VTIMEZONE rules covering every event (and a margin), from the packaged tzdata.
        first = max(min(days) - timedelta(days=366), date(1, 1, 2))
        last = min(max(days) + timedelta(days=731), date(9998, 12, 31))
        calendar.add_missing_timezones(first_date=first, last_date=last)
    data: bytes = calendar.to_ical()
    return data
