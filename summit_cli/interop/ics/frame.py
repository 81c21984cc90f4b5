"""The values of one VEVENT as instants, and as wall times in its series' zone.

A VEVENT's DTSTART decides the *frame*: all-day, an IANA zone, a fixed UTC offset, or
floating. Every other value of the event and of its changed occurrences (DTEND,
EXDATE, RDATE, RECURRENCE-ID) may be written in another zone (Exchange writes EXDATE
in UTC): each is read as the instant it names, then as the wall time in the frame,
which is what summits stores. ``X-WR-TIMEZONE`` (Google's calendar zone) applies to
floating and UTC times, as the ``x-wr-timezone`` library applies it. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from summit_cli.interop.ics.tzids import ZoneRead, Zones
from summit_cli.interop.ics.values import Moment
from summit_cli.model import WallTime

Value = date | datetime  # a date, a naive (floating) datetime or an aware one


@dataclass(frozen=True, slots=True)
class Frame:
    """Where a series' wall times are: *zone* (None: floating), stored as the IANA name
    *iana* or the fixed *offset*; *all_day* for a DATE start."""

    zone: tzinfo | None = None
    iana: str | None = None
    offset: timedelta | None = None
    all_day: bool = False

    def wall(self, value: Value) -> WallTime:
        """*value* as a wall time in this frame (a date stays a date)."""
        if not isinstance(value, datetime):
            return WallTime(value)
        if value.tzinfo is not None and self.zone is not None:
            value = value.astimezone(self.zone)
        clock = value.time().replace(tzinfo=None, microsecond=0)
        return WallTime(value.date(), clock, self.offset)

    def like(self, start: WallTime, zone: str | None) -> Frame:
        """The frame of a series stored with *start* and *zone* (summits' own exact form may
        say another offset or zone than DTSTART's)."""
        if start.date_only:
            return self
        if zone is not None:
            return self if zone == self.iana else Frame(_iana(zone), zone)
        if start.offset is not None:
            same = start.offset == self.offset and self.iana is None
            return self if same else Frame(timezone(start.offset), offset=start.offset)
        return Frame() if self.zone is not None else self

    def instant(self, wall: WallTime) -> Value:
        """A wall time of this frame back as a value (aware unless floating)."""
        if wall.time is None:
            return wall.date
        moment = datetime.combine(wall.date, wall.time)
        return moment.replace(tzinfo=self.zone) if self.zone is not None else moment


class Reader:
    """Reads the moments of one series (a VEVENT and its changed occurrences), with the
    calendar's zones asked for the years the series spans."""

    def __init__(self, zones: Zones, xwr: ZoneRead | None, first: int, last: int) -> None:
        self.zones = zones
        self.xwr = xwr if xwr is not None and xwr.reader is not None else None
        self.first, self.last = first, last

    def _zone_of(self, tzid: str) -> ZoneRead:
        return self.zones.read(tzid, self.first, self.last)

    def value(self, moment: Moment) -> Value:
        """The date, floating datetime or aware datetime *moment* names."""
        if moment.clock is None:
            return moment.day
        naive = datetime.combine(moment.day, moment.clock)
        if moment.utc:
            return naive.replace(tzinfo=UTC)
        if moment.offset is not None:
            return naive.replace(tzinfo=timezone(moment.offset))
        if moment.tzid:
            read = self._zone_of(moment.tzid)
            if read.reader is not None:
                return naive.replace(tzinfo=read.reader)
        if self.xwr is not None:
            return naive.replace(tzinfo=self.xwr.reader)
        return naive

    def frame(self, start: Moment) -> Frame:
        """The frame a series starting at *start* keeps its wall times in."""
        if start.clock is None:
            return Frame(all_day=True)
        if start.tzid:
            read = self._zone_of(start.tzid)
            if read.iana is not None:
                return Frame(_iana(read.iana), read.iana)
            if read.offset is not None:
                return Frame(timezone(read.offset), offset=read.offset)
        elif start.offset is not None:
            return Frame(timezone(start.offset), offset=start.offset)
        if self.xwr is not None and self.xwr.iana is not None:
            return Frame(_iana(self.xwr.iana), self.xwr.iana)
        if start.utc:
            return Frame(UTC, offset=timedelta(0))
        return Frame()


def _iana(name: str) -> tzinfo:
    from summit_cli.zones import resolve_zone

    return resolve_zone(name)


def end_value(start: Value, end: Value | None, duration: timedelta | None) -> Value | None:
    """DTEND, or DTSTART + DURATION (on the wall clock, as Python and calendar libraries
    add it); a DATE start with a time-only duration has no end."""
    if end is not None:
        return end
    if duration is None:
        return None
    if not isinstance(start, datetime):
        days = duration.days if duration >= timedelta(0) else -1
        return start + timedelta(days=days) if days else None
    return start + duration


def walls(frame: Frame, start: Value, end: Value | None) -> tuple[WallTime, WallTime | None]:
    """The stored (start, end) of a VEVENT: an all-day end is inclusive (the day before
    DTEND); an end that is not after the start is left out by the caller."""
    first = frame.wall(start)
    if end is None:
        return first, None
    if frame.all_day or not isinstance(start, datetime):  # (an all-day change of a timed series)
        if isinstance(end, datetime):  # a DATE start with a DATE-TIME end keeps its time
            offset = end.utcoffset()  # (and its instant: the start has no zone to read it in)
            last = Frame(end.tzinfo, offset=offset).wall(end)
            if last.time == time(0) and offset is None:
                return first, _day_end(first, last.date - timedelta(days=1))
            return first, last
        return first, _day_end(first, end - timedelta(days=1))
    if not isinstance(end, datetime):  # a DATE-TIME start with a DATE end: up to midnight
        end = datetime.combine(end, time(0), start.tzinfo if isinstance(start, datetime) else None)
    return first, frame.wall(end)


def _day_end(first: WallTime, last: date) -> WallTime | None:
    return WallTime(last) if last > first.date else None


def naive(wall: WallTime) -> datetime:
    return datetime.combine(wall.date, wall.time or time(0))
