"""The series keys of a plain event (rrule, exdates, rdates, overrides) and its unknown keys,
to the model, with every problem found.

A series is a rule (``rrule``), extra dates (``rdates``) or both; ``exdates``
skip occurrences and ``overrides`` change one each, both naming the occurrence
by its date at the venue. Nothing here reads files, the clock or the environment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from summit_cli.model import EVENT_KEYS, OVERRIDE_KEYS, STATUSES, Override, Status, parse_wall_time
from summit_cli.plaincheck import Collector, text_list, text_value, type_name
from summit_cli.rrules import RRULE_MAX_LEN, check_rrule

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

    from summit_cli.model import WallTime


# More extra dates or changed occurrences than this is not a meeting series.
MAX_SERIES_ITEMS = 10_000


@dataclass(frozen=True, slots=True)
class SeriesKeys:
    """What makes an event a series (all empty for a single event)."""

    rrule: str | None = None
    exdates: tuple[WallTime, ...] = ()
    rdates: tuple[WallTime, ...] = ()
    overrides: tuple[Override, ...] = ()


NO_SERIES = SeriesKeys()
SERIES_KEYS = ("rrule", "exdates", "rdates", "overrides")


def _walls(raw: Mapping[str, Any], key: str, where: str, out: Collector) -> tuple[WallTime, ...]:
    items = text_list(raw, key, where, out)
    if key == "rdates" and len(items) > MAX_SERIES_ITEMS:
        out.add(where, f"{key} has {len(items)} items; at most {MAX_SERIES_ITEMS}")
        return ()
    walls = []
    for index, text in enumerate(items):
        try:
            wall = parse_wall_time(text)
        except ValueError as exc:
            out.add(where, f"{key}[{index}]: {exc}")
            continue
        if wall.rough:
            out.add(where, f"{key}[{index}]: {text!r} is a rough date; give the day")
            continue
        walls.append(wall)
    return tuple(walls)


def _override(item: Any, at: str, out: Collector) -> Override | None:
    if not isinstance(item, Mapping):
        out.add(at, f"must be a mapping with 'of' and what changes, not {type_name(item)}")
        return None
    unknown = sorted(str(k) for k in item if k not in OVERRIDE_KEYS)
    if unknown:
        out.add(at, f"unknown key {unknown[0]!r}; an override has: {', '.join(OVERRIDE_KEYS)}")
        return None
    before = len(out.problems)
    day: date | None = None
    of = item.get("of")
    if not isinstance(of, str):
        out.add(at, f"'of' (the date of the occurrence changed) is required, not {type_name(of)}")
    else:
        try:
            wall = parse_wall_time(of)
        except ValueError as exc:
            out.add(at, f"of: {exc}")
        else:
            if wall.time is not None or wall.offset is not None or wall.rough:
                out.add(at, f"of {of!r} must be a date (YYYY-MM-DD): the occurrence's day")
            day = wall.date
    walls: dict[str, WallTime | None] = {}
    for key in ("start", "end"):
        value = item.get(key)
        walls[key] = None
        if value is None:
            continue
        if not isinstance(value, str):
            out.add(at, f"{key} must be a quoted date or time, not {type_name(value)}")
            continue
        try:
            walls[key] = parse_wall_time(value)
        except ValueError as exc:
            out.add(at, f"{key}: {exc}")
            continue
        if walls[key] is not None and walls[key].rough:  # type: ignore[union-attr]
            out.add(at, f"{key}: {value!r} is a rough date; give the day")
            walls[key] = None
    status = item.get("status")
    if status is not None and status not in STATUSES:
        out.add(at, f"status {status!r} is not one of: {', '.join(STATUSES)}")
    title = item.get("title")
    if title is not None and (not isinstance(title, str) or not title.strip() or len(title) > 1000):
        out.add(at, "title must be a non-empty string of at most 1000 characters")
    if len(item) == 1 and "of" in item:
        out.add(at, "changes nothing: give start, end, status or title")
    if len(out.problems) > before or day is None:
        return None
    return Override(
        of=day,
        start=walls["start"],
        end=walls["end"],
        status=Status(status) if status is not None else None,
        title=title,
    )


def _overrides(raw: Mapping[str, Any], where: str, out: Collector) -> tuple[Override, ...]:
    value = raw.get("overrides")
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        out.add(where, f"overrides must be a list of changed occurrences, not {type_name(value)}")
        return ()
    if len(value) > MAX_SERIES_ITEMS:
        out.add(where, f"overrides has {len(value)} items; at most {MAX_SERIES_ITEMS}")
        return ()
    found: dict[date, Override] = {}
    for index, item in enumerate(value):
        at = f"{where} overrides[{index}]"
        override = _override(item, at, out)
        if override is None:
            continue
        if override.of in found:
            out.add(at, f"a second override of the occurrence of {override.of}")
            continue
        found[override.of] = override
    return tuple(sorted(found.values(), key=lambda o: o.of))


def series_from_plain(raw: Mapping[str, Any], where: str, out: Collector) -> SeriesKeys:
    """The series keys of *raw*, every problem added to *out*."""
    if not any(key in raw for key in SERIES_KEYS):
        return NO_SERIES  # most events: nothing to check
    rrule = text_value(raw, "rrule", where, out, max_len=RRULE_MAX_LEN)
    if rrule is not None:
        try:
            rrule = check_rrule(rrule)
        except ValueError as exc:
            out.add(where, f"rrule: {exc}")
            rrule = None
    exdates = _walls(raw, "exdates", where, out)
    rdates = _walls(raw, "rdates", where, out)
    overrides = _overrides(raw, where, out)
    recurs = raw.get("rrule") is not None or bool(raw.get("rdates"))
    if exdates and not recurs:
        out.add(where, "exdates need an rrule or rdates (they skip occurrences of a series)")
    if overrides and not recurs:
        out.add(where, "overrides need an rrule or rdates (they change occurrences of a series)")
    skipped = {wall.date for wall in exdates}
    for override in overrides:
        if override.of in skipped:
            out.add(where, f"the occurrence of {override.of} is both skipped (exdates) and changed")
    return SeriesKeys(rrule, exdates, rdates, overrides)


def extra_from_plain(
    raw: Mapping[str, Any], where: str, out: Collector, known: Sequence[str] = EVENT_KEYS
) -> tuple[tuple[str, str], ...]:
    """The keys of *raw* that summits does not know, as (key, JSON text), sorted by key.

    The store may hold them (they are kept through every rewrite and export); they
    must be JSON data (the store's YAML reader gives nothing else).
    """
    import json

    extra = []
    for key in sorted((k for k in raw if k not in known), key=str):
        if not isinstance(key, str):
            out.add(where, f"a key must be text, not {type_name(key)}")
            continue
        try:
            text = json.dumps(raw[key], ensure_ascii=False, sort_keys=False, allow_nan=False)
        except (TypeError, ValueError):
            out.add(where, f"{key}: the value of an unknown key must be plain data")
            continue
        extra.append((key, text))
    return tuple(extra)
