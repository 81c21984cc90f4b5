"""Times between the store and iCalendar: stored wall times to DTSTART/DTEND and back,
UIDs to ids, and the ``X-SUMMITS-`` vocabulary both directions share. Pure."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

from summit_cli import zones
from summit_cli.model import SLUG_RE, Status, WallTime

UID_SUFFIX = "@summits"
PRODID = "-//summits//summits timeline//EN"
X = "X-SUMMITS-"

STATUS_TO_ICS = {
    Status.HELD: "CONFIRMED",
    Status.SCHEDULED: "CONFIRMED",
    Status.POSTPONED: "TENTATIVE",
    Status.CANCELLED: "CANCELLED",
}


# Single-valued text fields carried as X-SUMMITS-<KEY>.
def x_name(key: str) -> str:
    """The property that carries the stored key *key*: ``agreed_at`` -> X-SUMMITS-AGREED-AT
    (a property name has letters, digits and hyphens only: RFC 5545 3.1)."""
    return X + key.upper().replace("_", "-")


X_TEXT_KEYS = (
    "kind",
    "format",
    "venue",
    "city",
    "country",
    "status",
    "outcome",
    "notes",
    "follows",
    "agreed_at",
    "part_of",
)
# Multi-valued fields: one X-SUMMITS-<KEY> property per item.
X_LIST_KEYS = {"participants": "PARTICIPANT", "sources": "SOURCE", "tags": "TAG"}


def uid_for(event_id: str) -> str:
    """The stable UID of an event: its id plus ``@summits``."""
    return event_id + UID_SUFFIX


def id_for_uid(uid: str) -> str:
    """The event id for a UID: ours back to the id, a foreign one to ``ics-<hash>``."""
    if uid.endswith(UID_SUFFIX):
        candidate = uid[: -len(UID_SUFFIX)]
        if SLUG_RE.match(candidate):
            return candidate
    return "ics-" + hashlib.sha256(uid.encode("utf-8", "surrogatepass")).hexdigest()[:16]


# ------------------------------------------------------------------- times


def _zone(name: str | None) -> tzinfo | None:
    return zones.resolve_zone(name) if name else None


def _moment(wall: WallTime, zone: tzinfo | None) -> datetime:
    """A timed wall as the datetime to write: zone-aware, UTC for an offset, else naive."""
    clock = wall.time or datetime.min.time()
    if wall.offset is not None:
        return datetime.combine(wall.date, clock, timezone(wall.offset)).astimezone(UTC)
    return datetime.combine(wall.date, clock, zone)


def ics_times(
    start: WallTime, end: WallTime | None, tz_name: str | None
) -> tuple[date | datetime, date | datetime | None]:
    """(DTSTART, DTEND) for stored times; DTEND is None for a timed event without end.
    A rough date is its window, as an all-day span (``X-SUMMITS-PRECISION`` says so)."""
    if start.rough or (end is not None and end.rough):
        first, last = start.window()
        if end is not None:
            last = max(last, end.window()[1])
        return first, last + timedelta(days=1)
    zone = _zone(tz_name)
    if start.date_only and start.offset is None and (end is None or end.date_only):
        last = end.date if end is not None else start.date
        return start.date, max(last, start.date) + timedelta(days=1)
    dtstart = _moment(start, zone)
    if end is None:
        if start.date_only:  # a date with an offset: the whole day
            return dtstart, dtstart + timedelta(days=1)
        return dtstart, None
    if end.date_only:  # inclusive: up to the next midnight
        after = WallTime(end.date + timedelta(days=1), datetime.min.time(), end.offset)
        return dtstart, _moment(after, zone)
    return dtstart, _moment(end, zone)


def _iana(moment: datetime, tzid: str | None) -> str | None:
    """The IANA name of an aware datetime's zone, when there is a trustworthy one."""
    candidates = [getattr(moment.tzinfo, "key", None), tzid]
    if tzid:
        from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

        candidates.append(WINDOWS_TO_OLSON.get(tzid))
    for candidate in candidates:
        if not candidate or not isinstance(candidate, str):
            continue
        name = zones.canonical_zone_name(candidate)
        if name is None or name == "UTC":
            continue
        zone = zones.resolve_zone(name)
        # A custom VTIMEZONE that disagrees with the IANA rules is not that zone.
        if moment.replace(tzinfo=zone).utcoffset() == moment.utcoffset():
            return name
    return None


def _wall(moment: datetime, tz_name: str | None, offset: timedelta | None) -> WallTime:
    """A datetime as a stored wall time: in the zone, with the offset, or floating."""
    if moment.tzinfo is not None:
        if tz_name is not None:
            moment = moment.astimezone(zones.resolve_zone(tz_name))
        elif offset is not None:
            moment = moment.astimezone(timezone(offset))
    clock = moment.time().replace(microsecond=0, tzinfo=None)
    return WallTime(moment.date(), clock, offset if tz_name is None else None)


def walls_from_ics(
    dtstart: date | datetime,
    dtend: date | datetime | None,
    duration: timedelta | None = None,
    tzid: str | None = None,
) -> tuple[WallTime, WallTime | None, str | None]:
    """(start, end, timezone) to store for DTSTART/DTEND (or DURATION) of a VEVENT."""
    if not isinstance(dtstart, datetime):
        if dtend is None and duration is not None:
            dtend = dtstart + duration
        end_day = dtend if isinstance(dtend, date) else None
        if isinstance(end_day, datetime):
            end_day = end_day.date()
        last = end_day - timedelta(days=1) if end_day is not None else None
        end = WallTime(last) if last is not None and last > dtstart else None
        return WallTime(dtstart), end, None
    tz_name: str | None = None
    offset: timedelta | None = None
    if dtstart.tzinfo is not None:
        tz_name = _iana(dtstart, tzid)
        if tz_name is None:
            offset = dtstart.utcoffset()
    if dtend is None and duration is not None:
        dtend = dtstart + duration
    if dtend is not None and not isinstance(dtend, datetime):  # DATE end with a DATE-TIME start
        dtend = datetime.combine(dtend, datetime.min.time(), dtstart.tzinfo)
    if isinstance(dtend, datetime) and (dtend.tzinfo is None) != (dtstart.tzinfo is None):
        dtend = dtend.replace(tzinfo=dtstart.tzinfo)
    end = _wall(dtend, tz_name, offset) if dtend is not None else None
    return _wall(dtstart, tz_name, offset), end, tz_name


def same_value(a: date | datetime | None, b: date | datetime | None) -> bool:
    """Equal as ICS values: the same instant (aware), wall time (floating) or day."""
    if a is None or b is None:
        return a is b
    if isinstance(a, datetime) != isinstance(b, datetime):
        return False
    if (
        isinstance(a, datetime)
        and isinstance(b, datetime)
        and (a.tzinfo is None) != (b.tzinfo is None)
    ):
        return False
    return a == b
