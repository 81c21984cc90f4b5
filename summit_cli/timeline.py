"""Time arithmetic: where events sit on the time line, phases and countdowns.

Every function takes "now" and the display zone as arguments; nothing here
reads the clock or the environment. Reading the dates people type is ``typed``'s job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo

from summit_cli.model import Event, WallTime

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from summit_cli.lighttuple import NamedTuple


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def event_zone(event: Event, display: tzinfo) -> tzinfo:
    """The zone an event's wall times are read in: its venue's, else the viewer's."""
    return _zone(event.timezone) if event.timezone else display


def wall_to_datetime(wall: WallTime, zone: tzinfo) -> datetime:
    """A stored wall time as an aware datetime (midnight for a date-only value).

    An explicit UTC offset wins over the zone. A wall time that falls in a DST
    gap is read with the offset before the change (PEP 495 fold=0), i.e. it
    moves forward, as most calendar programs do.
    """
    clock = wall.time or time(0)
    if wall.offset is not None:
        return datetime.combine(wall.date, clock, timezone(wall.offset))
    return datetime.combine(wall.date, clock, zone)


@dataclass(frozen=True, slots=True)
class Span:
    """Where an event sits on the time line."""

    start: datetime  # aware
    end: datetime  # aware, exclusive; equal to start for an event without end or duration
    zone: tzinfo  # the zone its wall times are read in
    all_day: bool  # the start is a date without a time
    floating: bool  # no venue zone: read in the viewer's zone
    # A rough date (``precision``): start and end are its window; ``latest`` the start of
    # its last day; ``expected`` while it is still to happen (scheduled or postponed).
    precision: str | None = None
    latest: datetime | None = None
    expected: bool = False

    @property
    def tbd(self) -> bool:
        return self.precision == "tbd"

    @property
    def rough_start(self) -> bool:
        """Only a window is known for the start ("day" is an exact start with a rough end:
        it starts, runs and ends as an exact event, its end the last its window allows)."""
        return self.precision not in (None, "day")

    @property
    def point(self) -> bool:
        return instant(self.end) <= instant(self.start)

    def first_day(self) -> date:
        return self.start.astimezone(self.zone).date()

    def last_day(self) -> date:
        """The last calendar day (at the venue) the event occupies."""
        if self.point:
            return self.first_day()
        return (self.end - timedelta(microseconds=1)).astimezone(self.zone).date()

    def day_count(self) -> int:
        return (self.last_day() - self.first_day()).days + 1


def instant(moment: datetime) -> datetime:
    """*moment* in UTC: aware datetimes that share a tzinfo compare as wall clocks, so every
    comparison of instants goes through here."""
    return moment.astimezone(UTC)


def _naive(wall: WallTime) -> datetime:
    return datetime.combine(wall.date, wall.time or time(0))


def _end_as_stored(event: Event, zone: tzinfo, start: datetime) -> datetime:
    """The event's end instant as stored (a date-only end is inclusive: the next midnight)."""
    end = event.end
    if end is None:
        return next_midnight(event.start.date, start.tzinfo) if event.start.date_only else start
    if end.date_only:
        return next_midnight(end.date, timezone(end.offset) if end.offset is not None else zone)
    return wall_to_datetime(end, zone)


def span_of(event: Event, display: tzinfo) -> Span:
    """The span of *event* seen from the *display* zone (matters only when floating).

    A start that falls in a DST gap moves forward (RFC 5545: read with the offset
    before the change); an end that would then come first, or at the same instant,
    keeps the event's length on the clock, so an occurrence of a series in the gap is
    never inside out nor shrunk to a moment.
    """
    zone = event_zone(event, display)
    if event.start.rough or (event.end is not None and event.end.rough):
        return _rough_span(event, zone)
    start = wall_to_datetime(event.start, zone)
    all_day = event.start.date_only
    end = _end_as_stored(event, zone, start)
    timed_end = event.end is not None and not event.end.date_only
    if (
        timed_end
        and instant(end) <= instant(start)
        and not wall_time_exists(event.start, zone)
        and event.end is not None
        and _naive(event.end) > _naive(event.start)
    ):
        length = _naive(event.end) - _naive(event.start)
        end = (instant(start) + length).astimezone(
            zone
        )  # real time: wall arithmetic would not move
    # An explicit UTC offset pins the instant even without a venue zone.
    floating = event.timezone is None and event.start.offset is None
    if event.timezone is None and event.start.offset is not None:
        zone = start.tzinfo or zone
    return Span(start=start, end=end, zone=zone, all_day=all_day, floating=floating)


def _rough_span(event: Event, zone: tzinfo) -> Span:
    """The window of a rough date: from the first day's midnight at the venue to the
    midnight after the last day (of the end's window when the end is rough too)."""
    first, last = event.start.window()
    start = datetime.combine(first, time(0), zone)
    latest = datetime.combine(last, time(0), zone)
    if event.end is None:
        end = next_midnight(last, zone)
    elif event.end.rough:
        end = next_midnight(max(event.end.window()[1], last), zone)
    else:
        end = max(_end_as_stored(event, zone, start), next_midnight(last, zone), key=instant)
    expected = event.status.value in {"scheduled", "postponed"}
    return Span(
        start=start,
        end=end,
        zone=zone,
        all_day=True,
        floating=event.timezone is None,
        precision=event.start.precision or "day",
        latest=latest,
        expected=expected,
    )


def next_midnight(day: date, zone: tzinfo | None) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), zone)


def end_before_start(event: Event) -> bool:
    """True when the event's stored end is before its start, as instants (a floating
    event is read at UTC on both sides)."""
    if event.end is None:
        return False
    if event.start.rough or event.end.rough:  # windows: the end's may not close before
        return event.end.window()[1] < event.start.window()[0]
    zone = event_zone(event, UTC)
    start = wall_to_datetime(event.start, zone)
    end = _end_as_stored(event, zone, start)
    if event.end.date_only:
        # An inclusive end day before the start day gives end == start, not end < start.
        return instant(end) <= instant(start)
    return instant(end) < instant(start)


def instant_key(span: Span) -> tuple[bool, datetime, bool, datetime]:
    """Sort key: by the real instant, never by the stored text; a rough date after the exact
    events of its first day, and one with no date at all after everything (even an event
    on the last day summits accepts, where a tbd span is placed)."""
    return (
        span.tbd,
        span.start.astimezone(UTC),
        span.precision is not None,
        span.end.astimezone(UTC),
    )


# ------------------------------------------------------------------ states


class Phase(StrEnum):
    """An event relative to now."""

    UPCOMING = "upcoming"
    ONGOING = "ongoing"
    PAST = "past"
    # A rough date whose window has passed with no date set (and still to happen).
    OVERDUE = "overdue"


def phase(span: Span, now: datetime) -> Phase:
    # Compare real instants: aware datetimes sharing a tzinfo compare as wall times.
    now = now.astimezone(UTC)
    if span.rough_start:
        # Expected until its window has passed (a date not set: always), then overdue;
        # a held or cancelled rough date is past once its window has begun.
        if span.expected:
            return Phase.UPCOMING if span.tbd or now < span.end else Phase.OVERDUE
        return Phase.UPCOMING if not span.tbd and now < span.start else Phase.PAST
    if now < span.start:
        return Phase.UPCOMING
    if span.point:
        return Phase.ONGOING if now == span.start else Phase.PAST
    return Phase.ONGOING if now < span.end else Phase.PAST


def overlaps(span: Span, lo: datetime | None, hi: datetime | None) -> bool:
    """True when the span meets the window [lo, hi) (either side open when None); a date not
    set (tbd) meets no window."""
    if span.tbd:
        return lo is None and hi is None
    end = span.end if not span.point else span.start + timedelta(microseconds=1)
    if lo is not None and end <= lo:
        return False
    return not (hi is not None and span.start >= hi)


class Countdown(NamedTuple):
    """Time to an event: exact seconds for machines, text for people."""

    seconds: int | None  # start (a rough date's earliest) minus now; None: no date set
    phase: Phase
    text: str


def _hm(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    if hours:
        return f"{hours} h"
    if minutes:
        return f"{minutes} min"
    return "less than a minute"


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M} {moment.tzname() or ''}".rstrip()


def countdown(span: Span, now: datetime) -> Countdown:
    """The countdown to *span* at *now*.

    Days are counted as calendar days at the venue ("in 3 days"); hours and
    minutes as real elapsed time, so a countdown across a DST change is exact.
    """
    # In UTC: subtracting aware datetimes that share a tzinfo ignores DST changes.
    now = now.astimezone(UTC)
    if span.rough_start:
        return _rough_countdown(span, now)
    seconds = int((span.start - now).total_seconds())
    where = phase(span, now)
    if span.precision == "day" and where is not Phase.UPCOMING:  # an exact start, a rough end
        return Countdown(seconds, where, "ongoing (end tbc)" if where is Phase.ONGOING else "past")
    local_now = now.astimezone(span.zone)
    if where is Phase.ONGOING:
        days = span.day_count()
        if days > 1:
            today = (local_now.date() - span.first_day()).days + 1
            return Countdown(seconds, where, f"ongoing, day {today} of {days}")
        if span.all_day or span.point:
            return Countdown(seconds, where, "ongoing" if not span.all_day else "today")
        return Countdown(seconds, where, f"ongoing, ends in {_hm(span.end - now)}")
    if where is Phase.UPCOMING:
        start_local = span.start.astimezone(span.zone)
        days = (start_local.date() - local_now.date()).days
        delta = span.start - now
        if not span.all_day and delta < timedelta(hours=6):
            return Countdown(seconds, where, f"in {_hm(delta)}")
        if days == 0:
            return Countdown(
                seconds, where, "today" if span.all_day else f"today {_clock(start_local)}"
            )
        if days == 1:
            return Countdown(
                seconds, where, "tomorrow" if span.all_day else f"tomorrow {_clock(start_local)}"
            )
        return Countdown(seconds, where, f"in {days} days")
    reference = span.start if span.point else span.end
    ago = now - reference
    days = (
        (
            local_now.date() - (reference - timedelta(microseconds=1)).astimezone(span.zone).date()
        ).days
        if not span.point
        else (local_now.date() - span.first_day()).days
    )
    if ago < timedelta(hours=6) and not span.all_day:
        return Countdown(
            seconds, where, f"ended {_hm(ago)} ago" if not span.point else f"{_hm(ago)} ago"
        )
    if days <= 0:
        return Countdown(seconds, where, "earlier today")
    if days == 1:
        return Countdown(seconds, where, "yesterday")
    return Countdown(seconds, where, f"{days} days ago")


def _about(delta: timedelta) -> str:
    """A coarse length of time: "in 5 days", "in about 3 weeks", "in about 4 months"."""
    days = delta.days
    if days < 1:
        return "within a day"
    if days < 14:
        return f"in {days} days" if days > 1 else "tomorrow"
    if days < 8 * 7:
        return f"in about {round(days / 7)} weeks"
    if days < 330:
        months = round(days / 30.44)
        return f"in about {months} months" if months > 1 else "in about a month"
    years = round(days / 365.25)
    return f"in about {years} years" if years > 1 else "in about a year"


def _rough_countdown(span: Span, now: datetime) -> Countdown:
    """What can be said of a rough date: "expected in about 3 weeks", "expected this
    month", "expected late Jan 2022; no date set", "date not set"."""
    from summit_cli.precision import describe

    where = phase(span, now)
    if span.tbd:
        return Countdown(None, where, "date not set")
    seconds = int((span.start - now).total_seconds())
    first = span.start.astimezone(span.zone).date()
    when = describe(span.precision or "day", first)
    if where is Phase.OVERDUE:
        return Countdown(seconds, where, f"expected {when}; no date set")
    if where is Phase.PAST:
        return Countdown(seconds, where, when or "past")
    if now < span.start:
        return Countdown(seconds, where, f"expected {_about(span.start - now)}")
    if span.precision == "third":
        last = (span.end - timedelta(microseconds=1)).astimezone(span.zone).date()
        return Countdown(seconds, where, f"expected by {last.day} {last:%b}")
    return Countdown(seconds, where, f"expected this {span.precision}")


def wall_time_exists(wall: WallTime, zone: tzinfo) -> bool:
    """False when a wall time falls in a DST gap (the clock skips it) in *zone*."""
    if wall.time is None or wall.offset is not None:
        return True
    local = datetime.combine(wall.date, wall.time, zone)
    round_trip = local.astimezone(UTC).astimezone(zone)
    return round_trip.replace(tzinfo=None) == local.replace(tzinfo=None)


def wall_time_ambiguous(wall: WallTime, zone: tzinfo) -> bool:
    """True when a wall time happens twice in *zone* (the hour the clocks go back)."""
    if wall.time is None or wall.offset is not None:
        return False
    local = datetime.combine(wall.date, wall.time, zone)
    return local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset()
