"""VTIMEZONE definitions for export: an IANA zone's rules in the form calendar apps trust.

Outlook and other clients read an event's times through the VTIMEZONE that comes
with it, not through their own zone database, so the definition must be right
for every occurrence, an endless series' included. Each definition has the
offset in force at the first day exported, every change after it that the tz
database lists (one sub-component per kind of change, its later onsets as RDATE),
and the rule in force today as yearly RRULEs (``FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU``),
which never run out and which dateutil- and vobject-based readers understand too.
A rule an RRULE cannot say (an onset at 50:00, Gaza) is listed change by change
up to *until*. Onsets are local times in the offset before the change (RFC 5545
§3.6.5). Pure: the rules come from ``zones.zone_rules``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from summit_cli.tzif import Change, Offset, Onset, PosixRule, ZoneRules

WEEKDAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")


def _moment(at: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(seconds=at)


def _local(change: Change) -> datetime:
    """The onset as RFC 5545 wants it: the wall time just before the change."""
    return _moment(change.at + change.before.seconds)


def _rrule_for(onset: Onset) -> dict[str, Any] | None:
    """The yearly RRULE of a POSIX onset. An onset time past midnight or before it (Gaza's
    ``M3.4.4/50``, Nuuk's ``M3.5.0/-1``) falls on another weekday, inside a shifted range
    of days of the month; None when that range would cross into another month."""
    shift = onset.seconds // 86400
    weekday = WEEKDAYS[(onset.weekday + shift) % 7]
    shortest = 28 if onset.month == 2 else 30 if onset.month in (4, 6, 9, 11) else 31
    if onset.week == 5:
        days = [d + shift for d in range(-7, 0)]
        if shift == 0:
            return {"FREQ": "YEARLY", "BYMONTH": onset.month, "BYDAY": f"-1{weekday}"}
        if not all(-shortest <= d <= -1 for d in days):
            return None
    else:
        if shift == 0:
            return {"FREQ": "YEARLY", "BYMONTH": onset.month, "BYDAY": f"{onset.week}{weekday}"}
        days = [d + shift for d in range(7 * onset.week - 6, 7 * onset.week + 1)]
        if not all(1 <= d <= shortest for d in days):
            return None
    return {"FREQ": "YEARLY", "BYMONTH": onset.month, "BYMONTHDAY": days, "BYDAY": weekday}


def _offset_at(rules: ZoneRules, at: int) -> Offset:
    current = rules.initial
    for change in rules.changes:
        if change.at > at:
            return current
        current = change.after
    if rules.rule is None:
        return current
    year = _moment(at).year
    for change in [*rules.rule.changes_in(year - 1), *rules.rule.changes_in(year)]:
        if change.at <= at and (not rules.changes or change.at > rules.changes[-1].at):
            current = change.after
    return current


def _listed(rules: ZoneRules, start: int, until: int) -> tuple[list[Change], PosixRule | None]:
    """The changes after *start* one by one (to *until* at least), and the POSIX rule that
    takes over after them as RRULEs (None when an RRULE cannot say it: its changes up to
    *until* are then in the list)."""
    last = rules.changes[-1].at if rules.changes else start
    rule = rules.rule
    if rule is None or rule.daylight is None:
        return [c for c in rules.changes if start < c.at <= until], None
    assert rule.to_daylight is not None and rule.to_standard is not None
    if _rrule_for(rule.to_daylight) and _rrule_for(rule.to_standard):
        return [c for c in rules.changes if c.at > start], rule
    listed = [c for c in rules.changes if start < c.at <= until]
    for year in range(_moment(max(last, start)).year, _moment(until).year + 1):
        listed += [c for c in rule.changes_in(year) if max(last, start) < c.at <= until]
    return listed, None


def _component(kind: Offset, before: Offset) -> Any:
    """A STANDARD or DAYLIGHT sub-component: DAYLIGHT when the change puts clocks forward
    (Ireland's winter "daylight" time in the tz database stays STANDARD, as readers expect)."""
    from icalendar import TimezoneDaylight, TimezoneStandard

    forward = kind.seconds > before.seconds or (kind == before and kind.dst)
    item = TimezoneDaylight() if forward else TimezoneStandard()
    item.add("tzname", kind.name)
    item.add("tzoffsetfrom", timedelta(seconds=before.seconds))
    item.add("tzoffsetto", timedelta(seconds=kind.seconds))
    return item


def vtimezone(name: str, rules: ZoneRules, first: date, until: date) -> Any:
    """The VTIMEZONE of zone *name* from *first* on; changes listed one by one run to
    *until* at least (the yearly rule, where there is one, runs on forever)."""
    from icalendar import Timezone

    start = int(datetime.combine(first, datetime.min.time(), UTC).timestamp())
    end = int(datetime.combine(until, datetime.min.time(), UTC).timestamp())
    zone = Timezone()
    zone.add("tzid", name)
    opening = _offset_at(rules, start)
    first_item = _component(opening, opening)
    first_item.add("dtstart", datetime.combine(first, datetime.min.time()))
    parts: list[tuple[datetime, Any]] = [(_moment(start), first_item)]
    listed, rule = _listed(rules, start, end)
    groups: dict[tuple[Offset, Offset], list[datetime]] = {}
    for change in listed:
        groups.setdefault((change.after, change.before), []).append(_local(change))
    for (after, before), onsets in groups.items():
        item = _component(after, before)
        item.add("dtstart", onsets[0])
        if onsets[1:]:
            item.add("rdate", onsets[1:])
        parts.append((onsets[0], item))
    if rule is not None:
        after_listed = max([start] + [c.at for c in listed])
        for change in _first_rule_changes(rule, after_listed):
            onset = rule.to_daylight if change.after == rule.daylight else rule.to_standard
            assert onset is not None
            item = _component(change.after, change.before)
            item.add("dtstart", _local(change))
            item.add("rrule", _rrule_for(onset))
            parts.append((_local(change), item))
    for _, item in sorted(parts, key=lambda p: p[0]):
        zone.add_component(item)
    return zone


def _first_rule_changes(rule: PosixRule, after: int) -> list[Change]:
    """The rule's first change of each kind after *after*."""
    year = _moment(after).year
    found: dict[Offset, Change] = {}
    for y in (year, year + 1, year + 2):
        for change in rule.changes_in(y):
            if change.at > after and change.after not in found:
                found[change.after] = change
    return sorted(found.values(), key=lambda c: c.at)
