"""TZIDs as real files write them, to the zone summits stores.

In order: an IANA name (also inside a "globally unique" ``/vendor/.../Europe/Berlin``),
the file's own VTIMEZONE (RFC 5545: it defines its TZID; mapped to the IANA zone with
the same rules over the years the event needs, else kept as its rules: instants
exact, stored in the nearest zone, with a warning), a Windows zone name (``W. Europe
Standard Time``), a Windows display name or a list of cities (``(UTC-05:00) Eastern
Time (US and Canada)``, ``Amsterdam, Berlin, Bern, Rome``), a bare UTC offset; what is
left is read as floating, with a warning. Each choice that is not plain IANA is said
once, in a note or a warning. Pure: the calendar's VTIMEZONE blocks in, zones out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cache

from summit_cli import zones
from summit_cli.interop.ics.lexer import Block
from summit_cli.interop.ics.values import unescape_text
from summit_cli.interop.ics.vtimezone import BadZone, RulesZone, same_rules

# Windows display names that name a region rather than cities.
_REGIONS = {
    "eastern time (us and canada)": "America/New_York",
    "central time (us and canada)": "America/Chicago",
    "mountain time (us and canada)": "America/Denver",
    "pacific time (us and canada)": "America/Los_Angeles",
    "atlantic time (canada)": "America/Halifax",
    "alaska": "America/Anchorage",
    "hawaii": "Pacific/Honolulu",
    "arizona": "America/Phoenix",
    "indiana (east)": "America/Indiana/Indianapolis",
    "saskatchewan": "America/Regina",
    "central america": "America/Guatemala",
    "newfoundland": "America/St_Johns",
    "greenland": "America/Nuuk",
    "west central africa": "Africa/Lagos",
    "international date line west": "Etc/GMT+12",
    "coordinated universal time": "UTC",
    "greenwich mean time": "Europe/London",
    "cape verde islands": "Atlantic/Cape_Verde",
    "mid-atlantic": "Atlantic/South_Georgia",
}
# City names in Windows display names that are not the last part of an IANA name.
_CITIES = {
    "bern": "Europe/Zurich",
    "brasilia": "America/Sao_Paulo",
    "new delhi": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "chennai": "Asia/Kolkata",
    "hanoi": "Asia/Ho_Chi_Minh",
    "st. petersburg": "Europe/Moscow",
    "edinburgh": "Europe/London",
    "wellington": "Pacific/Auckland",
    "canberra": "Australia/Sydney",
    "osaka": "Asia/Tokyo",
    "sapporo": "Asia/Tokyo",
    "quito": "America/Guayaquil",
    "chongqing": "Asia/Shanghai",
    "pretoria": "Africa/Johannesburg",
    "islamabad": "Asia/Karachi",
    "muscat": "Asia/Muscat",
    "guadalajara": "America/Mexico_City",
}
_PREFIX_RE = re.compile(
    r"\(?\s*(?:UTC|GMT)\s*(?P<offset>[+-]\s*\d{1,2}(?:[:.]?\d{2})?)?\s*\)?\s*(?P<rest>.*)\Z",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class ZoneRead:
    """How one TZID is read (*reader*: its wall times to instants; None: floating) and
    stored (*iana*, else the fixed *offset*, else floating). *exact*: the stored zone gives
    the instants the file means for every time in the years asked for."""

    tzid: str
    reader: tzinfo | None
    iana: str | None = None
    offset: timedelta | None = None
    exact: bool = True


def clean_tzid(text: str) -> str:
    """A TZID as compared: TEXT escapes undone, quotes and white space around it gone."""
    return unescape_text(text).strip().strip('"').strip()


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    folded = folded.lower().replace("&", "and").replace("_", " ")
    return re.sub(r"\s+", " ", folded).strip(" .-")


@cache
def _tails() -> dict[str, str]:
    """The last part of every IANA name (lower case, spaces) -> the name."""
    found: dict[str, str] = {}
    for name in zones.all_zone_names():
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/")):
            found.setdefault(_plain(name.rsplit("/", 1)[1]), name)
    return found


@cache
def _windows() -> dict[str, str]:
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    return {name.lower(): olson for name, olson in WINDOWS_TO_OLSON.items()}


@cache
def _preferred_order() -> tuple[str, ...]:
    """Every zone, the well-known first: summits' cities, Windows' main zones, then cities,
    then the rest (legacy names, Etc/)."""
    known = [*zones.CITY_ZONES.values(), *sorted(set(_windows().values()))]
    rest = sorted(zones.all_zone_names(), key=lambda n: ("/" not in n or n.startswith("Etc/"), n))
    return tuple(n for n in dict.fromkeys([*known, *rest]) if zones.is_zone_name(n))


def windows_zone(tzid: str) -> str | None:
    """The IANA zone of a Windows zone name (``W. Europe Standard Time``), or None."""
    windows = _windows().get(tzid.lower())
    return windows if windows is not None and zones.is_zone_name(windows) else None


def iana_name(tzid: str) -> str | None:
    """The IANA zone a TZID names: itself (in any case), a globally unique id's tail."""
    if not tzid:
        return None
    if zones.is_zone_name(tzid):
        return tzid
    parts = [p for p in tzid.split("/") if p]
    for first in range(1, len(parts)):
        tail = "/".join(parts[first:])
        if "/" in tail and zones.is_zone_name(tail):
            return tail
    lowered = zones.canonical_zone_name(tzid) if "/" in tzid else None
    return lowered


def _standard_offsets(name: str) -> set[timedelta]:
    zone = zones.resolve_zone(name)
    found = set()
    for month in (1, 7):
        offset = datetime(2021, month, 15, 12, tzinfo=UTC).astimezone(zone).utcoffset()
        if offset is not None:
            found.add(offset)
    return found


def zone_from_name(text: str) -> tuple[str | None, timedelta | None]:
    """(IANA zone, UTC offset) a display name or a list of cities says; (None, None)."""
    match = _PREFIX_RE.match(text)
    offset = None
    rest = text
    if match is not None and (match["offset"] is not None or text.strip()[:1] == "("):
        rest = match["rest"]
        if match["offset"] is not None:
            offset = zones.parse_offset(re.sub(r"[\s.]", "", match["offset"]).replace(".", ":"))
        elif re.match(r"\(?\s*(?:UTC|GMT)\s*\)", text, re.IGNORECASE):
            offset = timedelta(0)
    plain = _plain(rest)
    for region, name in _REGIONS.items():
        if plain.startswith(region):
            return name, offset
    candidates: list[str] = []
    for part in re.split(r"[,;/():]| and | - ", plain):
        token = part.strip(" .")
        found = _CITIES.get(token) or zones.zone_for_city(token) or _tails().get(token)
        if found is not None and zones.is_zone_name(found):
            candidates.append(found)
    if offset is not None:
        for name in candidates:
            if offset in _standard_offsets(name):
                return name, offset
    if candidates:
        return candidates[0], offset
    return None, offset


class Zones:
    """The zones of one calendar: its VTIMEZONEs, and what each TZID was read as (said once
    each, in :attr:`notes` and :attr:`warnings`)."""

    def __init__(self, vtimezones: list[Block]) -> None:
        self.blocks: dict[str, Block] = {}
        self.notes: dict[str, None] = {}
        self.warnings: dict[str, None] = {}
        # Messages about years ("{span}"), said once for all the years asked for.
        self._spans: dict[tuple[str, bool], tuple[int, int]] = {}
        for block in vtimezones:
            key = clean_tzid(block.value("TZID") or "")
            if key and key not in self.blocks:
                self.blocks[key] = block
        self._cache: dict[tuple[str, int, int], ZoneRead] = {}

    def said(self) -> tuple[list[str], list[str]]:
        """(notes, warnings): how each TZID was read."""
        notes, warnings = list(self.notes), list(self.warnings)
        for (template, warn), (first, last) in self._spans.items():
            span = f"{first}" if first == last else f"{first}-{last}"
            (warnings if warn else notes).append(template.replace("{span}", span))
        return notes, warnings

    def _say(self, template: str, first: int, last: int, *, warn: bool = False) -> None:
        known = self._spans.get((template, warn))
        if known is not None:
            first, last = min(first, known[0]), max(last, known[1])
        self._spans[(template, warn)] = (first, last)

    def read(self, tzid: str, first: int, last: int) -> ZoneRead:
        """How the TZID *tzid* is read for an event from year *first* to *last*."""
        key = clean_tzid(tzid)
        cached = self._cache.get((key, first, last))
        if cached is None:
            cached = self._cache[(key, first, last)] = self._read(key, first, last)
        return cached

    def _read(self, key: str, first: int, last: int) -> ZoneRead:
        shown = repr(key[:80])
        name = iana_name(key)
        if name is not None:
            if name != key:
                self.notes[f"TZID {shown} read as {name}"] = None
            return ZoneRead(key, zones.resolve_zone(name), name)
        block = self.blocks.get(key)
        if block is not None:  # the file's own definition, mapped to the zone with its rules
            try:
                return self._own_rules(key, block, first, last)
            except (BadZone, OverflowError) as exc:
                self.warnings[f"TZID {shown}: its VTIMEZONE cannot be read ({exc})"] = None
        windows = windows_zone(key)
        if windows is not None:
            self.notes[f"TZID {shown} (a Windows zone) read as {windows}"] = None
            return ZoneRead(key, zones.resolve_zone(windows), windows)
        guess, offset = zone_from_name(key)
        if guess is not None:
            origin = "the file does not define it" if block is None else "its VTIMEZONE is broken"
            self.notes[f"TZID {shown} read as {guess} (from its name; {origin})"] = None
            return ZoneRead(key, zones.resolve_zone(guess), guess)
        if offset is not None:
            self.warnings[
                f"TZID {shown} read as the fixed offset {zones.format_offset(offset)} "
                "(the file does not define it; its daylight saving rules are unknown)"
            ] = None
            return ZoneRead(key, timezone(offset), None, offset)
        self.warnings[
            f"TZID {shown} is not a known time zone and the file does not define it: "
            "its times were read as floating (the same clock time wherever viewed)"
        ] = None
        return ZoneRead(key, None)

    def _own_rules(self, key: str, block: Block, first: int, last: int) -> ZoneRead:
        shown = repr(key[:80])
        rules = RulesZone(block, first, last)
        hint = windows_zone(key) or zone_from_name(key)[0]
        preferred = [hint] if hint is not None else []
        offsets = rules.offsets(first, last)
        if len(offsets) == 1:  # no change in the years the event needs
            fixed = next(iter(offsets))
            if hint is not None and _standard_offsets(hint) == {fixed}:
                self._say(f"TZID {shown} read as {hint} (same offset {{span}})", first, last)
                return ZoneRead(key, rules, hint)
            text = zones.format_offset(fixed)
            self._say(
                f"TZID {shown} read as the fixed offset {text} (its VTIMEZONE's, {{span}})",
                first,
                last,
            )
            return ZoneRead(key, rules, None, fixed)
        found, nearest, _ = same_rules(rules, first, last, preferred, _preferred_order())
        if found is not None:
            self._say(f"TZID {shown} read as {found} (same rules {{span}})", first, last)
            return ZoneRead(key, rules, found)
        if nearest is None:
            raise BadZone("its rules are like no time zone's")
        self._say(
            f"TZID {shown}: its VTIMEZONE's rules match no IANA zone in {{span}}; times were "
            f"read by its rules and stored in {nearest}, the nearest zone, whose changes "
            "differ from the file's (at some of the instants compared): times near those "
            "changes may be an hour off",
            first,
            last,
            warn=True,
        )
        return ZoneRead(key, rules, nearest, exact=False)
