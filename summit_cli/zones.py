"""Time zones: IANA names, UTC offsets and the cities the project knows.

Pure lookups; the zone rules themselves come from the ``tzdata`` package
(see :func:`use_packaged_tzdata`), so results do not depend on the machine.
"""

from __future__ import annotations

import re
from datetime import timedelta, timezone, tzinfo
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones, reset_tzpath

from summit_cli.errors import InvalidInput

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from summit_cli.tzif import ZoneRules

# Venue cities seen in diplomacy, with their IANA zone. Used to infer a zone
# for `add` when none is given, and accepted wherever a zone is expected.
CITY_ZONES: dict[str, str] = {
    "abu dhabi": "Asia/Dubai",
    "addis ababa": "Africa/Addis_Ababa",
    "ankara": "Europe/Istanbul",
    "astana": "Asia/Almaty",
    "beijing": "Asia/Shanghai",
    "berlin": "Europe/Berlin",
    "brussels": "Europe/Brussels",
    "budapest": "Europe/Budapest",
    "cairo": "Africa/Cairo",
    "doha": "Asia/Qatar",
    "geneva": "Europe/Zurich",
    "helsinki": "Europe/Helsinki",
    "istanbul": "Europe/Istanbul",
    "jeddah": "Asia/Riyadh",
    "kyiv": "Europe/Kyiv",
    "kiev": "Europe/Kyiv",
    "london": "Europe/London",
    "minsk": "Europe/Minsk",
    "moscow": "Europe/Moscow",
    "new york": "America/New_York",
    "paris": "Europe/Paris",
    "riyadh": "Asia/Riyadh",
    "rome": "Europe/Rome",
    "tokyo": "Asia/Tokyo",
    "vienna": "Europe/Vienna",
    "warsaw": "Europe/Warsaw",
    "washington": "America/New_York",
    "wilmington": "America/New_York",
}

_OFFSET_RE = re.compile(r"(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?\Z", re.IGNORECASE)
_MAX_OFFSET = timedelta(hours=18)


def use_packaged_tzdata() -> None:
    """Read zone rules only from the ``tzdata`` package, never the machine's copy.

    Pointing the search path at the package's folder (rather than emptying it,
    which makes zoneinfo go through importlib.resources) keeps start-up fast.
    """
    from importlib.util import find_spec

    spec = find_spec("tzdata")
    folder = Path(spec.origin).parent / "zoneinfo" if spec and spec.origin else None
    reset_tzpath(to=[str(folder)] if folder is not None and folder.is_dir() else ())


def parse_offset(text: str) -> timedelta | None:
    """``+01:00``, ``-0530``, ``UTC+3`` -> an offset; None when *text* is not one."""
    match = _OFFSET_RE.match(text.strip())
    if not match:
        return None
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if delta > _MAX_OFFSET:
        return None
    return -delta if sign == "-" else delta


def format_offset(delta: timedelta) -> str:
    """An offset as ``+01:00``."""
    total = int(delta.total_seconds())
    sign = "-" if total < 0 else "+"
    hours, rest = divmod(abs(total), 3600)
    return f"{sign}{hours:02d}:{rest // 60:02d}"


@cache
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def is_zone_name(name: str) -> bool:
    """True when *name* is an IANA zone name this machine's tzdata knows."""
    return bool(name) and "\0" not in name and _zone(name) is not None


def zone_for_city(city: str | None) -> str | None:
    """The IANA zone of a city the project knows, or None."""
    if not city:
        return None
    return CITY_ZONES.get(city.strip().lower())


def resolve_zone(text: str) -> tzinfo:
    """An IANA name, a known city or a UTC offset -> a tzinfo; else InvalidInput.

    The error names the input and suggests close IANA names and known cities.
    """
    name = canonical_zone_name(text)
    if name is not None:
        zone = _zone(name)
        assert zone is not None
        return zone
    offset = parse_offset(text)
    if offset is not None:
        return timezone(offset)
    raise InvalidInput(f"unknown time zone {text!r}{_suggest(text)}")


def canonical_zone_name(text: str) -> str | None:
    """The IANA name for an IANA name (case-insensitive) or a known city; else None."""
    stripped = text.strip()
    if not stripped:
        return None
    if stripped.upper() in {"UTC", "Z", "GMT"}:
        return "UTC"
    if is_zone_name(stripped):
        return stripped
    city = zone_for_city(stripped)
    if city is not None:
        return city
    lowered = stripped.lower().replace(" ", "_")
    for candidate in _all_zone_names():
        if candidate.lower() == lowered:
            return candidate
    return None


@cache
def _all_zone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def _suggest(text: str) -> str:
    import difflib

    names = list(_all_zone_names())
    needle = text.strip().replace(" ", "_")
    tails = {name.rsplit("/", 1)[-1].lower(): name for name in names}
    close = difflib.get_close_matches(needle.lower(), list(tails), n=3, cutoff=0.75)
    picks = [tails[c] for c in close]
    picks += [
        n for n in difflib.get_close_matches(needle, names, n=3, cutoff=0.6) if n not in picks
    ]
    # A misspelt city, alone or as the tail of a zone name ('Genva', 'Europe/Genva').
    city_needle = text.strip().rsplit("/", 1)[-1].replace("_", " ").lower()
    close_cities = difflib.get_close_matches(city_needle, list(CITY_ZONES), n=2, cutoff=0.75)
    cities = [f"{city.title()} ({CITY_ZONES[city]})" for city in close_cities]
    picks = [p for p in picks if p not in {CITY_ZONES[c] for c in close_cities}]
    if not picks and not cities:
        return " (use an IANA name such as Europe/Zurich, a UTC offset such as +01:00, or UTC)"
    return " (did you mean " + ", ".join([*cities, *picks][:4]) + "?)"


def all_zone_names() -> tuple[str, ...]:
    """Every IANA zone name tzdata knows, sorted (for completion and suggestions)."""
    return _all_zone_names()


def zone_rules(name: str) -> ZoneRules | None:
    """The compiled rules of the IANA zone *name* (``tzif.ZoneRules``), from the packaged
    tzdata as every other zone lookup; None when the zone has no file there."""
    from importlib.resources import files

    from summit_cli.tzif import BadZoneData, parse_tzif

    if not is_zone_name(name):
        return None
    try:
        data = files("tzdata").joinpath("zoneinfo", *name.split("/")).read_bytes()
        return parse_tzif(data)
    except (OSError, ModuleNotFoundError, BadZoneData):
        return None
