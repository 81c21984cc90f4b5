"""Recurring events: expanding a series into occurrences inside a window.

A series is one stored event with an ``rrule`` (RFC 5545, read by
dateutil.rrule), extra dates (``rdates``) or both; ``exdates`` skip
occurrences and ``overrides`` change one each (a new time, status or title).
The start always counts as the first occurrence (RFC 5545 §3.8.5.3), of a
COUNT too. Occurrences are computed on wall times in the series' zone (the
venue's, an explicit offset's, or the viewer's when floating), so a 10:00
meeting stays 10:00 local across DST changes while its UTC instant moves. An
occurrence keeps the series id and is named by its date at the venue (a
series gives at most one a day). Expansion is lazy and pure: nothing here
reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from summit_cli.model import Event, Override, WallTime
from summit_cli.rrules import parse_until, rrule_parts
from summit_cli.timeline import Phase, Span, event_zone, instant, overlaps, phase, span_of

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
    """True when the series ends by itself (no rule, or COUNT or UNTIL)."""
    if not event.rrule:
        return True
    parts = rrule_parts(event.rrule)
    return "COUNT" in parts or "UNTIL" in parts


def _naive(wall: WallTime) -> datetime:
    return datetime.combine(wall.date, wall.time or time(0))


COUNT_SPAN_YEARS = 200  # how far a COUNT rule is followed when nothing else ends it


def _rule(
    event: Event, zone: tzinfo, after: datetime | None = None, before: datetime | None = None
) -> tuple[Any, int | None]:
    """The dateutil rule, stepping on naive wall times from the event's start.

    dateutil walks every period (every day of a daily rule) from its start, even
    those no BY part lets through. Given *after* (naive, at the venue), a rule
    without COUNT starts at its last period before *after* instead, so the work is
    bounded by the window asked for, not by how long ago the series began; the
    parts dateutil would take from the start are written out so they do not move.
    Given *before*, the rule ends there at the latest (a window's end).

    Returns (rule, COUNT): COUNT is taken out of the rule and counted by the caller,
    because dateutil follows a COUNT rule that stops matching to the year 9999.
    """
    from dateutil.rrule import rrulestr

    assert event.rrule is not None
    parts = rrule_parts(event.rrule)
    until_text = parts.pop("UNTIL", None)
    count_text = parts.pop("COUNT", None)
    start = _naive(event.start)
    first = start
    if after is not None and after > start and count_text is None:
        parts, first = _moved_start(parts, start, after)
    body = ";".join(f"{k}={v}" for k, v in parts.items())
    rule: Any = rrulestr(body, dtstart=first)
    until = before
    if count_text is not None and until is None:
        until = start.replace(year=min(start.year + COUNT_SPAN_YEARS, 9999), day=min(start.day, 28))
    if until_text is not None:
        day, clock, utc = parse_until(until_text)
        if clock is None:
            # A date UNTIL includes that whole day at the venue.
            own = datetime.combine(day, time.max)
        elif utc:
            own = datetime.combine(day, clock, UTC).astimezone(zone).replace(tzinfo=None)
        else:
            own = datetime.combine(day, clock)
        until = own if until is None else min(own, until)
    count = int(count_text) if count_text is not None else None
    return (rule.replace(until=until) if until is not None else rule), count


_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _moved_start(
    parts: dict[str, str], start: datetime, after: datetime
) -> tuple[dict[str, str], datetime]:
    """(rule parts, new start): the start moved forward by whole intervals to the last
    period that begins before *after*, giving exactly the same occurrences from there."""
    freq = parts.get("FREQ", "")
    interval = int(parts.get("INTERVAL", "1") or 1)
    out = dict(parts)
    if freq in {"DAILY", "WEEKLY"}:
        step = interval * (1 if freq == "DAILY" else 7)
        if freq == "WEEKLY" and "BYDAY" not in out:
            out["BYDAY"] = _WEEKDAY_CODES[start.weekday()]
        periods = (after - start).days // step
        return out, start + timedelta(days=periods * step)
    if freq in {"MONTHLY", "YEARLY"}:
        if freq == "YEARLY" and not any(
            k in out for k in ("BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY")
        ):
            out["BYMONTH"] = str(start.month)
        if not any(k in out for k in ("BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYDAY")):
            out["BYMONTHDAY"] = str(start.day)
        months = (after.year - start.year) * 12 + after.month - start.month
        step = interval * (1 if freq == "MONTHLY" else 12)
        moved = months // step * step
        year, month = divmod(start.month - 1 + moved, 12)
        return out, start.replace(year=start.year + year, month=month + 1, day=1)
    return parts, start


def _wall_at(moment: datetime, like: WallTime) -> WallTime:
    """A naive wall moment as a stored wall time shaped like *like* (its offset; date-only
    when *like* is)."""
    return WallTime(moment.date(), None if like.date_only else moment.time(), like.offset)


def _moved(event: Event, start: datetime) -> Event:
    """The series *event* moved to start at the naive wall moment *start*, its length kept
    on the wall clock (a 10:00-12:00 meeting stays 10:00-12:00 across DST)."""
    begin = _wall_at(start, event.start)
    end = event.end
    if end is not None:
        end = _wall_at(start + (_naive(end) - _naive(event.start)), end)
    return replace(event, start=begin, end=end)


def _changed(event: Event, moved: Event, change: Override) -> Event:
    """One occurrence as its override says: a new start keeps the series' length unless
    the override gives an end too."""
    start, end = moved.start, moved.end
    if change.start is not None:
        start = change.start
        if event.end is not None and change.end is None:
            end = _wall_at(_naive(start) + (_naive(event.end) - _naive(event.start)), event.end)
    if change.end is not None:
        end = change.end
    return replace(
        moved,
        start=start,
        end=end,
        status=change.status or moved.status,
        title=change.title or moved.title,
    )


def base_start(event: Event, day: date) -> datetime:
    """The naive wall moment the occurrence of *day* starts at before any change: an extra
    date's own time of day, else the series'."""
    for wall in event.rdates:
        if wall.date == day and wall.time is not None:
            return datetime.combine(day, wall.time)
    return datetime.combine(day, event.start.time or time(0))


def changed_occurrence(event: Event, change: Override) -> Event:
    """The occurrence *change* names, as it changes it (its stored start and end)."""
    return _changed(event, _moved(event, base_start(event, change.of)), change)


def _rdate_moments(event: Event) -> list[datetime]:
    """The extra dates as naive wall moments (a date alone takes the series' time of day)."""
    clock = event.start.time or time(0)
    return sorted(datetime.combine(w.date, w.time or clock) for w in event.rdates)


def _rule_moments(
    event: Event, zone: tzinfo, lo: datetime | None, hi: datetime | None
) -> Iterator[datetime]:
    """The rule's wall moments from *lo* (naive; None: from the start) to *hi*, the start
    counted as the first of a COUNT whether or not the rule gives it."""
    start = _naive(event.start)
    rule, most = _rule(event, zone, lo, hi)
    if most is None:
        yield from (rule.xafter(lo, inc=True) if lo is not None and lo > start else iter(rule))
        return
    made = 1  # the start, given by the rule or not
    for moment in rule:  # a COUNT rule is counted from its start
        if moment == start:
            continue
        made += 1
        if made > most:
            return
        yield moment


def _base_moments(
    event: Event, zone: tzinfo, lo: datetime | None, hi: datetime | None
) -> Iterator[datetime]:
    """Every occurrence's wall moment before overrides, in order, at most one a day: the
    start, the rule's, the extra dates'."""
    import heapq

    sources: list[Iterator[datetime]] = [iter([_naive(event.start)]), iter(_rdate_moments(event))]
    if event.rrule:
        sources.append(_rule_moments(event, zone, lo, hi))
    last: date | None = None
    for moment in heapq.merge(*sources):
        if hi is not None and moment >= hi:
            return
        if moment.date() == last or (lo is not None and moment < lo):
            continue
        last = moment.date()
        yield moment


def _override_reach(event: Event) -> timedelta:
    """How far (in days, either way) an override moves or stretches an occurrence."""
    far = 0
    for change in event.overrides:
        for wall in (change.start, change.end):
            if wall is not None:
                far = max(far, abs((wall.date - change.of).days))
    return timedelta(days=far + 1) if far else timedelta(0)


def occurrences(
    event: Event,
    display: tzinfo,
    lo: datetime | None,
    hi: datetime | None,
    *,
    limit: int = MAX_OCCURRENCES,
) -> Iterator[Occurrence]:
    """The occurrences of a series *event* that meet the window [lo, hi), in order.

    Either side may be open (None); an open end stops at the rule's own end or
    after *limit* occurrences. An event that does not recur yields nothing.
    """
    import heapq

    if not event.recurs or limit <= 0:
        return
    zone = series_zone(event, display)
    first = span_of(event, display)
    # Calendar days an occurrence reaches past its start day: it may start before lo.
    reach = timedelta(days=first.day_count() + 1)
    moved_by = _override_reach(event)
    skipped = {wall.date for wall in event.exdates}
    changes = {change.of: change for change in event.overrides}
    lo_naive = hi_naive = None
    try:  # an occurrence thousands of years long reaches back past datetime's range: open
        if lo is not None:
            lo_naive = lo.astimezone(zone).replace(tzinfo=None) - reach - moved_by
    except OverflowError:
        lo_naive = None
    try:
        if hi is not None:
            hi_naive = hi.astimezone(zone).replace(tzinfo=None) + timedelta(days=1) + moved_by
    except OverflowError:
        hi_naive = None
    waiting: list[tuple[datetime, int, Occurrence]] = []  # moved occurrences, by start
    count = 0
    for number, moment in enumerate(_base_moments(event, zone, lo_naive, hi_naive)):
        day = moment.date()
        # Nothing still to come can start before this moment less the farthest move.
        settled = instant(datetime.combine(day, time(0), zone) - moved_by)
        while waiting and waiting[0][0] < settled:
            yield heapq.heappop(waiting)[2]
            count += 1
            if count >= limit:
                return
        if day in skipped:
            continue
        moved = _moved(event, moment)
        if day in changes:
            moved = _changed(event, moved, changes[day])
        item = Occurrence(moved, span_of(moved, display), day)
        if overlaps(item.span, lo, hi):
            heapq.heappush(waiting, (instant(item.span.start), number, item))
    while waiting and count < limit:
        yield heapq.heappop(waiting)[2]
        count += 1


def series_problems(event: Event) -> list[str]:
    """What makes a stored series wrong: a rule that never gives a date, extra dates or
    changes that clash with it. Empty for a good series (or a single event)."""
    problems: list[str] = []
    reason = never_occurs(event)
    if reason is not None:
        problems.append(f"rrule {event.rrule}: {reason}")
        return problems
    if not event.recurs:
        return problems
    for index, wall in enumerate(event.rdates):
        if (wall.offset is not None) != (event.start.offset is not None) or (
            wall.offset is not None and wall.offset != event.start.offset
        ):
            problems.append(
                f"rdates[{index}] {wall}: an extra date is a wall time like the start "
                f"({event.start}), with the same UTC offset or none"
            )
        elif wall.date_only != event.start.date_only and event.start.date_only:
            problems.append(f"rdates[{index}] {wall}: the series is all-day; give a date")
    if problems or not event.overrides:
        return problems
    days = _occurrence_days(event, event.overrides[0].of, event.overrides[-1].of)
    extra_starts = {wall.date: wall for wall in event.rdates}
    for change in event.overrides:
        if change.of not in days:
            problems.append(f"overrides: {change.of} is not a day the series meets")
        elif change.end is not None:
            # The occurrence's own start: the override's, an extra date's, or the series'.
            start = (
                change.start
                or extra_starts.get(change.of)
                or _moved(event, datetime.combine(change.of, event.start.time or time(0))).start
            )
            if start.offset == change.end.offset and _naive(change.end) < _naive(start):
                problems.append(f"overrides: the occurrence of {change.of} ends before it starts")
    return problems


def _occurrence_days(event: Event, first: date, last: date) -> set[date]:
    """The days from *first* to *last* the series meets on (before exdates and overrides)."""
    from summit_cli.zones import resolve_zone

    zone = resolve_zone(event.timezone) if event.timezone else UTC
    lo = datetime.combine(first, time(0))
    hi = datetime.combine(last + timedelta(days=1), time(0))
    days = set()
    for moment in _base_moments(event, zone, lo, hi):
        days.add(moment.date())
        if len(days) > MAX_OCCURRENCES * 20:
            break
    return days


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


# How far a rule is searched for its first occurrence before it is refused (years).
FIRST_SEARCH_YEARS = 50


def _yearly_equivalent(parts: dict[str, str], start: datetime) -> dict[str, str]:
    """A YEARLY rule whose dates include every date of *parts* (the BY parts spelled out as
    dateutil would take them from the start): searching it is about 50 periods, not the
    18,000 days of a daily rule."""
    out = {k: v for k, v in parts.items() if k not in {"COUNT", "UNTIL"}}
    freq = out.get("FREQ")
    if freq != "YEARLY":
        out.pop("INTERVAL", None)
    if freq == "WEEKLY" and "BYDAY" not in out:
        out["BYDAY"] = _WEEKDAY_CODES[start.weekday()]
    if freq == "DAILY" and not any(k in out for k in ("BYMONTHDAY", "BYDAY", "BYYEARDAY")):
        # Every day (of the BYMONTH months): a YEARLY rule alone would take the start's day.
        out["BYMONTHDAY"] = ",".join(str(d) for d in range(1, 32))
    if freq == "MONTHLY":
        if not any(k in out for k in ("BYMONTHDAY", "BYDAY")):
            out["BYMONTHDAY"] = str(start.day)
        out.setdefault("BYMONTH", ",".join(str(m) for m in range(1, 13)))
    out["FREQ"] = "YEARLY"
    return out


def never_occurs(event: Event) -> str | None:
    """Why *event*'s rule gives no occurrence (a BYMONTHDAY=30 in February), or None.

    The rule's dates are searched for FIRST_SEARCH_YEARS years from the start, so a
    rule that never matches is refused when it comes in instead of costing seconds
    on every read.
    """
    if not event.rrule:
        return None
    from dateutil.rrule import rrulestr

    start = _naive(event.start)
    parts = _yearly_equivalent(rrule_parts(event.rrule), start)
    # dateutil stops a rule that yields nothing only at the year 9999, whatever its UNTIL:
    # the Gregorian calendar repeats every 400 years, so the same search is made on the
    # same days shortly before 9999 (at most ~400 empty years, not ~8000).
    shift = max(0, (9999 - FIRST_SEARCH_YEARS - start.year) // 400 * 400)
    start = start.replace(year=start.year + shift)
    horizon = start.replace(year=min(start.year + FIRST_SEARCH_YEARS, 9999), day=min(start.day, 28))
    body = ";".join(f"{k}={v}" for k, v in parts.items())
    rule: Any = rrulestr(body, dtstart=start)
    rule = rule.replace(until=horizon)
    if next(iter(rule), None) is None:
        return f"the rule gives no occurrence within {FIRST_SEARCH_YEARS} years of the start"
    return None
