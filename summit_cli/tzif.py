"""Zone rules as the tz database compiles them (TZif, RFC 8536): every past change of
offset, and the POSIX rule that gives the future ones.

``zoneinfo`` answers "what is the offset at this instant"; writing an iCalendar
VTIMEZONE needs the changes themselves, so they are read here from the same
bytes (the ``tzdata`` package's files, read by ``zones``). Pure: bytes in, rules out.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta


class BadZoneData(ValueError):
    """The bytes are not a TZif file this reader understands."""


@dataclass(frozen=True, slots=True)
class Offset:
    """What clocks read during a stretch of time: offset east of UTC, name, daylight or not."""

    seconds: int
    name: str
    dst: bool


@dataclass(frozen=True, slots=True)
class Change:
    """The clocks change at *at* (seconds since the epoch, UTC) from *before* to *after*."""

    at: int
    before: Offset
    after: Offset


@dataclass(frozen=True, slots=True)
class Onset:
    """When a POSIX rule switches: month, week of the month (5: the last), weekday
    (0: Sunday) and the local time of day in seconds (before the switch)."""

    month: int
    week: int
    weekday: int
    seconds: int

    def day_in(self, year: int) -> date:
        first = date(year, self.month, 1)
        # date.weekday(): Monday 0; POSIX: Sunday 0.
        shift = (self.weekday - (first.isoweekday() % 7)) % 7
        day = first + timedelta(days=shift + 7 * (self.week - 1))
        while day.month != self.month:  # week 5 means the last such weekday
            day -= timedelta(days=7)
        return day


@dataclass(frozen=True, slots=True)
class PosixRule:
    """The rule after the last listed change: a standard offset and maybe a daylight one
    with the onsets of each."""

    standard: Offset
    daylight: Offset | None = None
    to_daylight: Onset | None = None
    to_standard: Onset | None = None

    def changes_in(self, year: int) -> list[Change]:
        """The rule's changes in *year*, in order (none without daylight time)."""
        if self.daylight is None or self.to_daylight is None or self.to_standard is None:
            return []
        found = []
        for onset, before, after in (
            (self.to_daylight, self.standard, self.daylight),
            (self.to_standard, self.daylight, self.standard),
        ):
            local = datetime.combine(onset.day_in(year), datetime.min.time())
            local += timedelta(seconds=onset.seconds)
            at = int((local - timedelta(seconds=before.seconds)).replace(tzinfo=UTC).timestamp())
            found.append(Change(at, before, after))
        return sorted(found, key=lambda c: c.at)


@dataclass(frozen=True, slots=True)
class ZoneRules:
    """A zone's offset before any listed change, the changes, and the rule after them."""

    initial: Offset
    changes: tuple[Change, ...]
    rule: PosixRule | None


def _header(data: bytes, at: int) -> tuple[int, tuple[int, ...]]:
    if data[at : at + 4] != b"TZif":
        raise BadZoneData("not a TZif file")
    return data[at + 4], struct.unpack(">6l", data[at + 20 : at + 44])


def parse_tzif(data: bytes) -> ZoneRules:
    """The rules in a TZif file (version 2 or later: 64-bit times and a POSIX footer)."""
    try:
        version, counts = _header(data, 0)
        isut, isstd, leap, times, types, chars = counts
        at = 44 + times * 5 + types * 6 + chars + leap * 8 + isstd + isut  # skip version 1
        if version < ord("2"):
            raise BadZoneData("TZif version 1 has no rule for the future")
        version, counts = _header(data, at)
        isut, isstd, leap, times, types, chars = counts
        at += 44
        moments = struct.unpack(f">{times}q", data[at : at + times * 8])
        at += times * 8
        indices = data[at : at + times]
        at += times
        raw_types = [struct.unpack(">lBB", data[at + 6 * i : at + 6 * i + 6]) for i in range(types)]
        at += types * 6
        names = data[at : at + chars]
        at += chars + leap * 12 + isstd + isut
        footer = data[at:].strip(b"\n").decode("ascii")
    except (struct.error, IndexError, UnicodeDecodeError) as exc:
        raise BadZoneData(f"truncated or damaged TZif data ({exc})") from None
    offsets = [
        Offset(seconds, names[index : names.index(b"\0", index)].decode("ascii"), bool(dst))
        for seconds, dst, index in raw_types
    ]
    if not offsets:
        raise BadZoneData("a TZif file without local time types")
    initial = offsets[0]
    changes: list[Change] = []
    before = initial
    for moment, index in zip(moments, indices, strict=True):
        after = offsets[index]
        if after != before:
            changes.append(Change(moment, before, after))
        before = after
    return ZoneRules(initial, tuple(changes), parse_posix(footer) if footer else None)


_NAME = r"(?:[A-Za-z]{3,}|<[A-Za-z0-9+-]+>)"
_OFFSET = r"[+-]?\d{1,3}(?::\d{2}){0,2}"
_POSIX_RE = re.compile(
    rf"(?P<std>{_NAME})(?P<stdoff>{_OFFSET})"
    rf"(?:(?P<dst>{_NAME})(?P<dstoff>{_OFFSET})?"
    r",M(?P<m1>\d+)\.(?P<w1>\d)\.(?P<d1>\d)(?:/(?P<t1>[+-]?\d+(?::\d{2}){0,2}))?"
    r",M(?P<m2>\d+)\.(?P<w2>\d)\.(?P<d2>\d)(?:/(?P<t2>[+-]?\d+(?::\d{2}){0,2}))?)?\Z",
    re.ASCII,
)


def _seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")]
    parts += [0] * (3 - len(parts))
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def parse_posix(text: str) -> PosixRule | None:
    """A POSIX TZ string such as ``CET-1CEST,M3.5.0,M10.5.0/3``; None for forms summits
    does not read (Julian-day onsets), whose changes then stay listed one by one."""
    match = _POSIX_RE.match(text)
    if match is None:
        return None
    standard = Offset(-_seconds(match["stdoff"]), match["std"].strip("<>"), False)
    if match["dst"] is None:
        return PosixRule(standard)
    dst_seconds = -_seconds(match["dstoff"]) if match["dstoff"] else standard.seconds + 3600
    daylight = Offset(dst_seconds, match["dst"].strip("<>"), True)
    onsets = []
    for n in ("1", "2"):
        clock = _seconds(match[f"t{n}"]) if match[f"t{n}"] else 7200
        onsets.append(Onset(int(match[f"m{n}"]), int(match[f"w{n}"]), int(match[f"d{n}"]), clock))
    if not all(1 <= o.month <= 12 and 1 <= o.week <= 5 and 0 <= o.weekday <= 6 for o in onsets):
        return None
    return PosixRule(standard, daylight, onsets[0], onsets[1])
