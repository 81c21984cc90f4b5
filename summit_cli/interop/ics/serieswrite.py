"""A series in iCalendar: RRULE, EXDATE and RDATE on the event, and each changed occurrence
as a VEVENT of its own with the same UID and a RECURRENCE-ID (RFC 5545 §3.8.4.4), as
calendar apps write them; ``X-SUMMITS-*`` copies keep the stored text exactly.

Occurrences are named by their date at the venue; in the file they are instants at
the series' time of day (UNTIL, EXDATE and RECURRENCE-ID in the form DTSTART has).
Pure: events in, icalendar components out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timezone
from typing import Any

from summit_cli.interop.ics.times import STATUS_TO_ICS, X, ics_times
from summit_cli.model import Event
from summit_cli.recurrence import base_start, changed_occurrence
from summit_cli.zones import resolve_zone


def _tz(event: Event) -> Any:
    return resolve_zone(event.timezone) if event.timezone else None


def occurrence_value(event: Event, day: date, clock: time | None = None) -> date | datetime:
    """The occurrence of *day* as DTSTART writes it: a date for an all-day series, else the
    series' time of day (or *clock*) in its zone (UTC for an offset, naive when floating)."""
    if event.start.date_only:
        return day
    moment = datetime.combine(day, clock or event.start.time or time(0))
    if event.start.offset is not None:
        return moment.replace(tzinfo=timezone(event.start.offset)).astimezone(UTC)
    return moment.replace(tzinfo=_tz(event))


def ics_rule(event: Event, dtstart: Any) -> str:
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


def add_series(item: Any, event: Event, dtstart: Any, exact: Any) -> None:
    """RRULE, EXDATE and RDATE on the VEVENT *item*; *exact* makes an X-SUMMITS value."""
    from icalendar import vRecur

    if event.rrule:
        item.add("rrule", vRecur.from_ical(ics_rule(event, dtstart)))
        item.add(X + "RRULE", exact(event.rrule))
    if event.exdates:
        item.add("exdate", [occurrence_value(event, w.date) for w in event.exdates])
        for wall in event.exdates:
            item.add(X + "EXDATE", exact(wall.isoformat()))
    if event.rdates:
        extra = [occurrence_value(event, w.date, w.time) for w in event.rdates]
        item.add("rdate", extra)
        for wall in event.rdates:
            item.add(X + "RDATE", exact(wall.isoformat()))


def override_vevents(event: Event, master: Any, shown: Any, exact: Any) -> list[Any]:
    """One VEVENT per changed occurrence of *event*, sharing the UID, DTSTAMP, SEQUENCE and
    what calendar apps show (place, description, categories) of the *master* VEVENT."""
    from icalendar import Event as VEvent

    items = []
    for change in event.overrides:
        item = VEvent()
        for name in ("uid", "dtstamp", "sequence"):
            if name in master:
                item.add(name, master.decoded(name))
        original = base_start(event, change.of)
        item.add("recurrence-id", occurrence_value(event, change.of, original.time()))
        changed = changed_occurrence(event, change)
        dtstart, dtend = ics_times(changed.start, changed.end, event.timezone)
        item.add("dtstart", dtstart)
        if dtend is not None and (not isinstance(dtend, datetime) or dtend > dtstart):
            item.add("dtend", dtend)
        item.add("summary", shown(change.title or event.title))
        for name in ("location", "description", "url", "categories"):
            if name in master:
                item[name] = master[name]
        status = change.status or event.status
        item.add("status", STATUS_TO_ICS[status])
        # The exact text, as on the series' own VEVENT (SUMMARY and STATUS are what apps show).
        item.add(X + "TITLE", exact(change.title or event.title))
        item.add(X + "STATUS", exact(status.value))
        items.append(item)
    return items
