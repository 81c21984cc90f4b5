"""A VEVENT's recurrence as summits keeps it: rrule, exdates, rdates and overrides.

RRULE text is repaired where it can be (Microsoft's escaped separators, a second
rule, a rule summits cannot keep but whose dates are few: kept as extra dates);
EXDATE, RDATE and RECURRENCE-ID values in any zone are matched against the series'
occurrences in its own zone; changed occurrences (RECURRENCE-ID) become overrides,
or extra dates when they name no occurrence (as calendar programs show them).
Everything that is left out or changed is said. Pure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from summit_cli.interop.ics.frame import Frame, Value, naive
from summit_cli.model import Event, WallTime

MAX_EXPANDED = 1000  # a rule summits cannot keep is kept as its dates up to this many


@dataclass
class Said:
    """What reading one series had to repair or leave out."""

    repairs: list[str] = field(default_factory=list)
    skips: list[str] = field(default_factory=list)


def clean_rule(text: str) -> str:
    r"""RRULE text as dateutil reads it: ``RRULE:`` and white space gone, Microsoft's
    ``\;`` and ``\,`` unescaped, names upper-case."""
    body = text.replace("\\;", ";").replace("\\,", ",").strip()
    if body[:6].upper() == "RRULE:":
        body = body[6:]
    parts = []
    for item in body.split(";"):
        key, sep, value = item.partition("=")
        if key.strip():
            parts.append(f"{key.strip().upper()}{sep}{value.replace(' ', '').strip().upper()}")
    return ";".join(parts)


def fix_until(rule: str, frame: Frame) -> tuple[str, str | None]:
    """(*rule* with its UNTIL in the form its series needs, what was wrong or None).

    RFC 5545: UNTIL is a date for an all-day series, a UTC time for a series with a zone,
    a floating time for a floating one. Calendar libraries read a floating UNTIL on a
    zoned series as UTC, and drop the Z of a UTC UNTIL on a floating series; so does this.
    """
    parts = rule.split(";")
    for index, part in enumerate(parts):
        value = part[6:]
        if not part.startswith("UNTIL=") or "T" not in value:
            continue
        if frame.all_day:
            parts[index] = f"UNTIL={value[:8]}"
            return ";".join(parts), None
        if frame.zone is not None and not value.endswith("Z"):
            parts[index] = f"UNTIL={value}Z"
            return ";".join(parts), f"UNTIL={value} has no Z on a series with a zone: read as UTC"
        if frame.zone is None and value.endswith("Z"):
            parts[index] = f"UNTIL={value[:-1]}"
            return ";".join(parts), f"UNTIL={value} is in UTC on a floating series: read floating"
    return rule, None


def rule_problem(rule: str) -> str | None:
    """Why summits cannot keep *rule* as an event's rrule, or None."""
    from summit_cli.rrules import check_rrule

    try:
        check_rrule(rule)
    except ValueError as exc:
        return str(exc)
    return None


def expand_rule(rule: str, start: datetime, frame: Frame) -> list[datetime] | None:
    """The wall moments of a finite *rule* from *start* (at most one a day, at most
    MAX_EXPANDED), or None when it cannot be kept that way."""
    from dateutil.rrule import rrulestr

    from summit_cli.rrules import parse_until, rrule_parts

    try:
        parts = rrule_parts(rule)
        until_text = parts.pop("UNTIL", None)
        if "COUNT" not in parts and until_text is None:
            return None
        if "COUNT" in parts and not (parts["COUNT"].isdigit() and int(parts["COUNT"]) > 0):
            return None
        body = ";".join(f"{k}={v}" for k, v in parts.items())
        dated: object = rrulestr(body, dtstart=start)
        if until_text is not None:
            day, clock, utc = parse_until(until_text)
            until = datetime.combine(day, clock or time.max)
            if utc and clock is not None and frame.zone is not None:
                until = until.replace(tzinfo=UTC).astimezone(frame.zone).replace(tzinfo=None)
            dated = dated.replace(until=until)  # type: ignore[attr-defined]
        moments: list[datetime] = []
        for moment in dated:  # type: ignore[attr-defined]
            if len(moments) >= MAX_EXPANDED:
                return None
            if moments and moment.date() == moments[-1].date():
                return None
            moments.append(moment)
        return moments
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError):
        return None


@cache
def never(rule: str, start: WallTime) -> bool:
    """True when *rule* gives no date (summits' own search, which is slow for such rules:
    asked once a rule)."""
    from summit_cli.recurrence import never_occurs

    return never_occurs(Event(id="x", title="x", start=start, rrule=rule)) is not None


class Days:
    """The days a series meets (its start, rule and extra dates) and at what time, found
    with summits' own expansion so that they agree with what summits will show."""

    def __init__(self, start: WallTime, end: WallTime | None, zone: str | None, rule: str | None):
        if rule is not None and never(rule, start):
            rule = None  # (the model refuses it: the event keeps its start alone)
        self.event = Event(id="x", title="x", start=start, end=end, timezone=zone, rrule=rule)
        self.start = start
        self._known: dict[date, time | None] = {start.date: start.time}
        self._span: tuple[date, date] | None = None
        self.extra: dict[date, time | None] = {}

    def _load(self, first: date, last: date) -> None:
        from summit_cli import recurrence

        if self.event.rrule is None:
            self._span = (first, last)
            return
        lo = datetime.combine(first - timedelta(days=1), time(0), UTC)
        hi = datetime.combine(last + timedelta(days=2), time(0), UTC)
        try:
            for item in recurrence.occurrences(self.event, UTC, lo, hi, limit=50_000):
                self._known.setdefault(item.day, self.start.time)
        except (OverflowError, ValueError):  # (an occurrence that lasts millennia)
            pass
        self._span = (first, last)

    def prepare(self, days: list[date]) -> None:
        if days:
            self._load(min(days), max(days))

    def time_on(self, day: date) -> tuple[bool, time | None]:
        """(the series meets on *day*, at what time)."""
        if day in self.extra:
            return True, self.extra[day]
        if self._span is None or not self._span[0] <= day <= self._span[1]:
            self._load(day, day)
        if day in self._known:
            return True, self._known[day]
        return False, None


def _floating_note(values: list[tuple[str, Value]], frame: Frame, name: str, said: Said) -> None:
    """Say once when a series without a zone has dates in one: they are read by their clock
    time (some programs move the whole series into that zone instead)."""
    if frame.zone is not None or frame.all_day:
        return
    for where, value in values:
        if isinstance(value, datetime) and value.tzinfo is not None:
            said.repairs.append(
                f"{where}: {name} {value.isoformat()} has a zone but the series has none "
                "(floating): read by its clock time"
            )
            return


def _same_time(wall: WallTime, clock: time | None) -> bool:
    return wall.time is None or clock is None or wall.time == clock


def exdates_of(
    values: list[tuple[str, Value]], frame: Frame, days: Days, said: Said
) -> tuple[list[date], set[date]]:
    """(exdates to store, extra dates to drop) for EXDATE values: each must name an
    occurrence (by its date for an all-day series, its date and time otherwise)."""
    kept: list[date] = []
    dropped_extra: set[date] = set()
    _floating_note(values, frame, "EXDATE", said)
    for where, value in values:
        wall = frame.wall(value)
        meets, clock = days.time_on(wall.date)
        if wall.date in days.extra and _same_time(wall, days.extra[wall.date]):
            dropped_extra.add(wall.date)
            continue
        if meets and not _same_time(wall, clock):
            said.repairs.append(
                f"{where}: EXDATE {wall} names no occurrence (the series meets at "
                f"{clock.isoformat('minutes') if clock else 'another time'} that day); left out"
            )
            continue
        kept.append(wall.date)
    return list(dict.fromkeys(kept)), dropped_extra


def rdates_of(
    values: list[tuple[str, Value, timedelta | None]],
    frame: Frame,
    days: Days,
    length: timedelta | None,
    said: Said,
) -> tuple[list[WallTime], list[dict[str, str]]]:
    """(extra dates, overrides for those of another length) for RDATE values."""
    days.prepare([frame.wall(v).date for _, v, _ in values])
    _floating_note([(w, v) for w, v, _ in values], frame, "RDATE", said)
    found: list[WallTime] = []
    changes: list[dict[str, str]] = []
    for where, value, own_length in values:
        wall = frame.wall(value)
        if frame.all_day:
            wall = WallTime(wall.date)
        meets, clock = days.time_on(wall.date)
        if meets:
            if not _same_time(wall, clock) or (wall.time is None and clock is not None):
                said.skips.append(
                    f"{where}: RDATE {wall} falls on a day the series already meets "
                    f"(summits keeps one occurrence a day); left out"
                )
            elif own_length is not None and length is not None and own_length != length:
                end = naive(wall) + own_length
                changes.append({"of": wall.date.isoformat(), "end": _text(end, frame, wall)})
            continue
        if wall.time is None and days.start.time is not None:
            said.repairs.append(
                f"{where}: RDATE {wall} is a date but the series has times: read at its time "
                f"({days.start.time.isoformat('minutes')})"
            )
        days.extra[wall.date] = wall.time if wall.time is not None else days.start.time
        found.append(wall)
        if own_length is not None and length is not None and own_length != length:
            end = naive(wall) + own_length
            changes.append({"of": wall.date.isoformat(), "end": _text(end, frame, wall)})
    return found, changes


def _text(moment: datetime, frame: Frame, like: WallTime) -> str:
    if like.time is None and moment.time() == time(0):
        return (moment.date() - timedelta(days=1)).isoformat()
    return WallTime(moment.date(), moment.time(), frame.offset).isoformat()


@dataclass
class Change:
    """A changed occurrence (a VEVENT with RECURRENCE-ID) as read."""

    where: str
    of: Value
    start: Value | None
    end: Value | None
    title: str | None
    cancelled: bool
    status: str | None  # summits' own status (X-SUMMITS-STATUS), when the file has it
    this_and_future: bool


def overrides_of(
    changes: list[Change],
    frame: Frame,
    days: Days,
    series: tuple[WallTime, WallTime | None, str, str],
    skipped: set[date],
    said: Said,
    end_of: Callable[[Value, Value | None, str], tuple[WallTime, WallTime | None]],
) -> tuple[list[dict[str, str]], list[WallTime]]:
    """(overrides, extra dates) for the changed occurrences of a series whose (start, end,
    title, status) are *series*."""
    start, end, title, status = series
    length = naive(end) - naive(start) if end is not None and end.time is not None else None
    days.prepare([frame.wall(c.of).date for c in changes])
    found: dict[date, dict[str, str]] = {}
    extra: list[WallTime] = []
    for change in sorted(changes, key=lambda c: str(c.of)):
        rid = frame.wall(change.of)
        if change.this_and_future:
            said.repairs.append(
                f"{change.where}: RANGE=THISANDFUTURE changes this occurrence only "
                "(summits keeps one change an occurrence)"
            )
        if rid.date in skipped:
            said.skips.append(f"{change.where}: changes an occurrence the series skips (EXDATE)")
            continue
        meets, clock = days.time_on(rid.date)
        if (rid.time is None) != frame.all_day:
            kind = "a date" if rid.time is None else "a date-time"
            said.repairs.append(
                f"{change.where}: RECURRENCE-ID is {kind}, unlike the series' DTSTART: read "
                f"as the occurrence of {rid.date}"
            )
        new_start, new_end = (
            end_of(change.start, change.end, change.where) if change.start else (None, None)
        )
        own: dict[str, str] = {}
        if meets and _same_time(rid, clock):
            usual = WallTime(rid.date, clock, start.offset) if start.time is not None else None
            if new_start is not None and new_start != (usual or WallTime(rid.date)):
                own["start"] = new_start.isoformat()
            base = new_start or usual or WallTime(rid.date)
            if new_end is not None and length is not None and base.time is not None:
                if naive(new_end) - naive(base) != length:
                    own["end"] = new_end.isoformat()
            elif new_end is not None and (end is None or end.time is None):
                own.update(
                    {"end": new_end.isoformat()}
                    if new_end != _shifted(end, start, rid.date)
                    else {}
                )
            if new_start is not None and (new_start.time is None) != (start.time is None):
                # A timed occurrence made all-day (or the other way): its end says so too.
                own["end"] = (new_end or WallTime(new_start.date)).isoformat()
                if new_start.time is not None and new_end is None:
                    own["end"] = new_start.isoformat()
            day = rid.date
        else:
            if new_start is None:
                said.skips.append(f"{change.where}: RECURRENCE-ID {rid} names no occurrence")
                continue
            taken, _ = days.time_on(new_start.date)
            if taken:
                said.skips.append(
                    f"{change.where}: RECURRENCE-ID {rid} names no occurrence and its new "
                    "date already has one (summits keeps one occurrence a day); left out"
                )
                continue
            days.extra[new_start.date] = new_start.time
            extra.append(new_start)
            day = new_start.date
            if new_end is not None and (
                length is None or naive(new_end) - naive(new_start) != length
            ):
                own["end"] = new_end.isoformat()
        new_status = change.status or ("cancelled" if change.cancelled else None)
        if new_status is not None and new_status != status:
            own["status"] = new_status
        if change.title and change.title.strip() and change.title != title:
            own["title"] = change.title
        if own and day not in found:
            found[day] = {"of": day.isoformat(), **own}
    return list(found.values()), extra


def _shifted(end: WallTime | None, start: WallTime, day: date) -> WallTime | None:
    if end is None:
        return None
    return WallTime(end.date + (day - start.date), end.time, end.offset)


def count_note(where: str, rule: str, start: WallTime, notes: list[str]) -> None:
    """Say so when a COUNT rule does not give DTSTART: summits counts DTSTART as the first
    of the COUNT (RFC 5545 §3.8.5.3); programs built on dateutil count COUNT dates after it."""
    from dateutil.rrule import rrulestr

    from summit_cli.rrules import rrule_parts

    parts = rrule_parts(rule)
    if "COUNT" not in parts or never(rule, start):
        return
    body = ";".join(f"{k}={v}" for k, v in parts.items() if k not in ("COUNT", "UNTIL"))
    first = next(iter(rrulestr(body, dtstart=naive(start))), None)
    if first is not None and first != naive(start):
        notes.append(
            f"{where}: DTSTART is not one of its RRULE's dates; it counts as the first of "
            f"COUNT={parts['COUNT']} (RFC 5545), so the series has one date fewer than in "
            "programs that do not count it"
        )
