"""Recurring events: expanding an RRULE into occurrences inside a window.

A series is one stored event with an ``rrule`` (RFC 5545, read by
dateutil.rrule) and maybe ``exdates``. Occurrences are computed on wall times
in the series' zone (the venue's, an explicit offset's, or the viewer's when
floating), so a 10:00 meeting stays 10:00 local across DST changes while its
UTC instant moves. Each occurrence is the series event with its start and end
shifted by whole days; it keeps the series id and is named by its start date
at the venue. Expansion is lazy and pure: nothing here reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from summit_cli.model import Event, WallTime
from summit_cli.rrules import parse_until, rrule_parts
from summit_cli.timeline import Phase, Span, event_zone, overlaps, phase, span_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

# Without an end to the window (`list` with no --to), an endless series is
# expanded up to this long after now; a series with COUNT or UNTIL is expanded
# to its end. No query yields more than MAX_OCCURRENCES of one series.
HORIZON = timedelta(days=365)
MAX_OCCURRENCES = 5000


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One occurrence of a series: the shifted event, its span, and its date at the venue."""

    event: Event
    span: Span
    day: date


def series_zone(event: Event, display: tzinfo) -> tzinfo:
    """The zone a series' wall times step in: an explicit offset, the venue's, or the viewer's."""
    if event.start.offset is not None:
        return timezone(event.start.offset)
    return event_zone(event, display)


def is_finite(event: Event) -> bool:
    """True when the rule ends by itself (COUNT or UNTIL)."""
    if not event.rrule:
        return True
    parts = rrule_parts(event.rrule)
    return "COUNT" in parts or "UNTIL" in parts


def _naive(wall: WallTime) -> datetime:
    return datetime.combine(wall.date, wall.time or time(0))


def _shift(wall: WallTime, days: int) -> WallTime:
    return replace(wall, date=wall.date + timedelta(days=days))


def _rule(event: Event, zone: tzinfo) -> Any:
    """The dateutil rule, stepping on naive wall times from the event's start."""
    from dateutil.rrule import rrulestr

    assert event.rrule is not None
    parts = rrule_parts(event.rrule)
    until_text = parts.pop("UNTIL", None)
    body = ";".join(f"{k}={v}" for k, v in parts.items())
    rule: Any = rrulestr(body, dtstart=_naive(event.start))
    if until_text is not None:
        day, clock, utc = parse_until(until_text)
        if clock is None:
            # A date UNTIL includes that whole day at the venue.
            until = datetime.combine(day, time.max)
        elif utc:
            until = datetime.combine(day, clock, UTC).astimezone(zone).replace(tzinfo=None)
        else:
            until = datetime.combine(day, clock)
        rule = rule.replace(until=until)
    return rule


def occurrence_of(event: Event, day: date, display: tzinfo) -> Occurrence:
    """The series *event* moved to start on *day* (its date at the venue)."""
    days = (day - event.start.date).days
    moved = replace(
        event,
        start=_shift(event.start, days),
        end=_shift(event.end, days) if event.end is not None else None,
    )
    return Occurrence(moved, span_of(moved, display), day)


def occurrences(
    event: Event,
    display: tzinfo,
    lo: datetime | None,
    hi: datetime | None,
    *,
    limit: int = MAX_OCCURRENCES,
) -> Iterator[Occurrence]:
    """The occurrences of a recurring *event* that meet the window [lo, hi), in order.

    Either side may be open (None); an open end stops at the rule's own end or
    after *limit* occurrences. A non-recurring event yields nothing.
    """
    if not event.rrule or limit <= 0:
        return
    zone = series_zone(event, display)
    first = span_of(event, display)
    # Calendar days an occurrence reaches past its start day: it may start before lo.
    reach = timedelta(days=first.day_count() + 1)
    skipped = {wall.date for wall in event.exdates}
    start_naive = _naive(event.start)
    lo_naive = lo.astimezone(zone).replace(tzinfo=None) - reach if lo is not None else None
    hi_naive = hi.astimezone(zone).replace(tzinfo=None) + timedelta(days=1) if hi else None
    rule = _rule(event, zone)
    if lo_naive is not None and lo_naive > start_naive:
        candidates = rule.xafter(lo_naive, inc=True)
    else:
        candidates = iter(rule)
    count = 0
    for moment in candidates:
        if hi_naive is not None and moment >= hi_naive:
            return
        day = moment.date()
        if day in skipped:
            continue
        item = occurrence_of(event, day, display)
        if not overlaps(item.span, lo, hi):
            continue
        yield item
        count += 1
        if count >= limit:
            return


def default_window_end(event: Event, now: datetime, lo: datetime | None) -> datetime | None:
    """Where an open-ended query stops expanding *event*: None (its own end) or HORIZON ahead.

    The horizon counts from now, or from the window start when that is later.
    """
    if is_finite(event):
        return None
    base = now if lo is None or lo < now else lo
    return base + HORIZON


def next_occurrences(event: Event, now: datetime, display: tzinfo, n: int = 5) -> list[Occurrence]:
    """The next *n* occurrences not over at *now* (an ongoing one counts), soonest first.

    For ``show``: empty for an event without an rrule.
    """
    found = []
    for item in occurrences(event, display, now, None):
        if phase(item.span, now) is Phase.PAST:
            continue
        found.append(item)
        if len(found) >= n:
            break
    return found
