"""A VTIMEZONE's own rules as a time zone, and the IANA zone that has the same rules.

A calendar may define its zones itself (Exchange's "Customized Time Zone", Windows
display names, anything that is not an IANA name). :class:`RulesZone` reads the
STANDARD and DAYLIGHT observances (onsets from DTSTART, a yearly or monthly RRULE,
RDATEs) for the years asked for and answers offsets like any tzinfo, so the file's
wall times become the instants the file means. :func:`same_rules` looks for an IANA
zone that gives the same offsets over the years an event needs. Pure and bounded:
rules are followed for at most :data:`MAX_YEARS` years.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache

from summit_cli.interop.ics.lexer import Block
from summit_cli.interop.ics.values import parse_moment, parse_offset, split_list

MAX_YEARS = 120
_STEP = timedelta(days=7)  # how finely another zone's offsets are compared between changes


class BadZone(ValueError):
    """A VTIMEZONE that cannot be read (no observance with an onset and offsets)."""


@dataclass(frozen=True, slots=True)
class Observance:
    dst: bool
    onset: datetime  # local wall time, in the offset before it
    before: timedelta  # TZOFFSETFROM
    after: timedelta  # TZOFFSETTO
    rule: str | None
    extra: tuple[datetime, ...]  # RDATE onsets


def _observance(block: Block) -> Observance:
    start, before, after = (
        block.value("DTSTART"),
        block.value("TZOFFSETFROM"),
        block.value("TZOFFSETTO"),
    )
    if start is None or after is None:
        raise BadZone(f"{block.name} (line {block.line}) needs DTSTART and TZOFFSETTO")
    try:
        onset = parse_moment(start, bounded=False).naive()
        offset_to = parse_offset(after)
        offset_from = parse_offset(before) if before is not None else offset_to
        extra = tuple(
            parse_moment(item, bounded=False).naive()
            for prop in block.every("RDATE")
            for item in split_list(prop.value)
            if "/" not in item
        )
    except ValueError as exc:
        raise BadZone(f"{block.name} (line {block.line}): {exc}") from None
    rule = block.value("RRULE")
    return Observance(block.name == "DAYLIGHT", onset, offset_from, offset_to, rule or None, extra)


def _rule_onsets(item: Observance, first: int, last: int) -> list[datetime]:
    """The onsets an observance's RRULE gives from *first* to *last* (years), bounded."""
    from dateutil.rrule import rrulestr

    from summit_cli.rrules import parse_until, rrule_parts

    assert item.rule is not None
    try:
        parts = rrule_parts(item.rule)
    except ValueError as exc:
        raise BadZone(f"RRULE {item.rule!r}: {exc}") from None
    freq = parts.get("FREQ")
    if freq not in ("YEARLY", "MONTHLY"):
        raise BadZone(f"RRULE {item.rule!r}: a zone changes yearly (FREQ={freq})")
    until_text = parts.pop("UNTIL", None)
    count = parts.pop("COUNT", None)
    start = item.onset
    moved = freq == "YEARLY" and parts.get("INTERVAL", "1") == "1" and count is None
    if moved and start.year < first - 2:  # the same rule, started later: fewer steps
        # From a 1 January, so that the year's every date is still to come; what dateutil
        # would take from the real start is written out.
        start = start.replace(year=first - 2, month=1, day=1)
        if not any(k in parts for k in ("BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY")):
            parts.setdefault("BYMONTH", str(item.onset.month))
            parts["BYMONTHDAY"] = str(item.onset.day)
    body = ";".join(f"{k}={v}" for k, v in parts.items())
    if count is not None:
        body += f";COUNT={min(int(count), 5000) if count.isdigit() else 1}"
    try:
        rule = rrulestr(body, dtstart=start)
        bound = datetime(min(last + 1, 9999), 1, 1)
        if until_text is not None:
            day, clock, utc = parse_until(until_text)
            until = datetime.combine(day, clock or datetime.max.time())
            if utc:
                until += item.before
            bound = min(bound, until)
        onsets: list[datetime] = []
        for moment in rule:
            if moment > bound or len(onsets) > 12 * (last - first + 3):
                break
            if moment.year >= first - 1:
                onsets.append(moment)
        return onsets
    except (ValueError, TypeError, OverflowError, KeyError, IndexError) as exc:
        raise BadZone(f"RRULE {item.rule!r}: {exc}") from None


class RulesZone(tzinfo):
    """The zone a VTIMEZONE describes, from year *first* to *last* (outside: the offsets
    in force at either end). Local times in a gap or an overlap are read as RFC 5545 says:
    with the offset before the change (PEP 495 fold=0)."""

    def __init__(self, block: Block, first: int, last: int) -> None:
        self.tzid = (block.value("TZID") or "").strip()
        last = min(last, first + MAX_YEARS)
        observances = []
        for child in block.children:
            if child.name in ("STANDARD", "DAYLIGHT"):
                observances.append(_observance(child))
        if not observances:
            raise BadZone("no STANDARD or DAYLIGHT observance")
        changes: list[tuple[datetime, timedelta, timedelta, bool]] = []
        for item in observances:
            onsets = [item.onset, *item.extra]
            if item.rule is not None:
                onsets += _rule_onsets(item, first, last)
            for onset in set(onsets):
                try:
                    changes.append((onset - item.before, item.before, item.after, item.dst))
                except OverflowError:  # an onset in year 1 with a positive offset
                    continue
        if not changes:
            raise BadZone("no onset summits can place")
        changes.sort(key=lambda c: c[0])
        # Before the first onset the rules say nothing: standard time, as calendar libraries
        # read it (the first change's offset before, when it is to standard time).
        standard = [c for c in changes if not c[3]]
        self._initial = standard[0][2] if standard and standard[0] is changes[0] else changes[0][1]
        self._times: list[datetime] = []
        self._offsets: list[timedelta] = []
        self._dst: list[bool] = []
        current = self._initial
        for moment, _before, after, dst in changes:
            if after == current and self._offsets:
                continue
            self._times.append(moment)
            self._offsets.append(after)
            self._dst.append(dst)
            current = after
        self.first, self.last = first, last

    # -- offsets of instants

    def offset_at(self, utc: datetime) -> timedelta:
        """The offset in force at a naive UTC instant."""
        index = bisect.bisect_right(self._times, utc) - 1
        return self._initial if index < 0 else self._offsets[index]

    def changes(self) -> list[datetime]:
        """The instants (naive UTC) the offset changes at, within the years read."""
        return [t for t in self._times if self.first <= t.year <= self.last]

    def offsets(self, first: int, last: int) -> set[timedelta]:
        """The offsets in force from year *first* to *last*."""
        found = {self.offset_at(datetime(first, 1, 1))}
        pairs = zip(self._times, self._offsets, strict=True)
        found.update(o for t, o in pairs if first <= t.year <= last)
        return found

    # -- tzinfo

    def _local_offset(self, local: datetime) -> timedelta:
        """The offset for a naive local wall time; in a gap or an overlap, the one before
        the change (fold=0)."""
        index = bisect.bisect_left(self._times, local - timedelta(days=1))
        before = self._initial if index == 0 else self._offsets[index - 1]
        for probe in range(index, len(self._times)):
            change, after = self._times[probe], self._offsets[probe]
            if local < change + max(before, after):
                return before
            before = after
        return before

    def utcoffset(self, dt: datetime | None) -> timedelta:
        if dt is None:
            return self._initial
        return self._local_offset(dt.replace(tzinfo=None))

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str:
        return self.tzid

    def fromutc(self, dt: datetime) -> datetime:
        utc = dt.replace(tzinfo=None)
        return (utc + self.offset_at(utc)).replace(tzinfo=self)

    def __repr__(self) -> str:
        return f"RulesZone({self.tzid!r})"


def local_to_utc(zone: tzinfo, local: datetime) -> datetime:
    """A naive wall time in *zone* as a naive UTC instant."""
    return local.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


# ----------------------------------------------------------------- IANA zones with the same rules


@cache
def _zone(name: str) -> tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _offset(name: str, utc: datetime) -> timedelta | None:
    try:
        return _zone(name).utcoffset(utc.replace(tzinfo=UTC).astimezone(_zone(name)))
    except (OverflowError, ValueError):
        return None


def _samples(zone: RulesZone, first: int, last: int) -> list[tuple[datetime, timedelta]]:
    """(instant, offset) pairs that pin the zone down from *first* to *last*: both sides of
    every change, and every week between them."""
    samples = []
    changes = zone.changes()
    for change in changes:
        for moment in (change - timedelta(seconds=1), change):
            samples.append((moment, zone.offset_at(moment)))
    moment = datetime(first, 1, 1)
    end = datetime(min(last + 1, 9999), 1, 1)
    while moment < end:
        samples.append((moment, zone.offset_at(moment)))
        moment += _STEP
    return samples


def mismatches(name: str, samples: list[tuple[datetime, timedelta]], stop: int = 0) -> int:
    """How many samples the IANA zone *name* disagrees with (counting stops after *stop*)."""
    wrong = 0
    for moment, offset in samples:
        if _offset(name, moment) != offset:
            wrong += 1
            if stop and wrong >= stop:
                break
    return wrong


def same_rules(
    zone: RulesZone, first: int, last: int, preferred: list[str], everything: tuple[str, ...]
) -> tuple[str | None, str | None, int]:
    """(IANA zone with the same offsets from *first* to *last*, or None; the nearest zone
    otherwise; how many sampled instants the nearest one gets wrong). *preferred* names are
    tried first, in order."""
    samples = _samples(zone, first, last)
    if not samples:
        return None, None, 0
    quick = samples[:: max(1, len(samples) // 12)]
    tried: set[str] = set()
    for name in [*preferred, *everything]:
        if name in tried:
            continue
        tried.add(name)
        if mismatches(name, quick, 1) == 0 and mismatches(name, samples, 1) == 0:
            return name, name, 0
    best, fewest = None, len(samples) + 1
    for name in dict.fromkeys([*preferred, *everything]):
        wrong = mismatches(name, quick, 4)
        if wrong >= 4:
            continue
        wrong = mismatches(name, samples, fewest)
        if wrong < fewest:
            best, fewest = name, wrong
    return None, best, fewest if best is not None else len(samples)
