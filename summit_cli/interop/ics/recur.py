"""A VEVENT's RRULE, RDATE and EXDATE, and its changed occurrences, into a record's
``rrule``, ``rdates``, ``exdates`` and ``overrides`` (see ``series`` for the rules). Pure."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from summit_cli.interop.ics import series
from summit_cli.interop.ics.frame import Frame, Reader, Value, end_value, naive, walls
from summit_cli.interop.ics.owned import x_text
from summit_cli.interop.ics.times import X
from summit_cli.interop.ics.values import (
    moment_of,
    parse_duration,
    parse_moment,
    parse_period,
    split_list,
    unescape_text,
)
from summit_cli.interop.ics.vevents import Said, Vevent
from summit_cli.model import WallTime


def _rules(vevent: Vevent, said: Said) -> list[str]:
    rules = []
    for prop in vevent.block.every("RRULE"):
        rule = series.clean_rule(prop.value)
        if not rule:
            said.repairs.append(f"{vevent.where}: empty RRULE (line {prop.line}); left out")
            continue
        rules.append(rule)
    return rules


def _rule(
    vevent: Vevent, rules: list[str], frame: Frame, start: WallTime, said: Said
) -> tuple[str | None, list[Value]]:
    """(the rule summits keeps, dates kept from rules it cannot keep)."""
    kept: str | None = None
    dates: list[Value] = []
    for index, written in enumerate(rules):
        rule, flaw = series.fix_until(written, frame)
        if flaw is not None:
            said.repairs.append(f"{vevent.where}: RRULE {flaw}")
        problem = series.rule_problem(rule) if index == 0 else "a second RRULE"
        if problem is None:
            kept = rule
            continue
        moments = series.expand_rule(rule, naive(start), frame)
        shown = rule if len(rule) <= 80 else rule[:77] + "..."
        if moments is not None:
            dates += [
                frame.instant(
                    WallTime(m.date(), None if start.date_only else m.time(), frame.offset)
                )
                for m in moments
            ]
            said.repairs.append(
                f"{vevent.where}: RRULE {shown} cannot be kept as a rule ({problem}): kept as "
                f"its {len(moments)} dates"
            )
        elif index == 0:
            said.repairs.append(
                f"{vevent.where}: RRULE {shown} cannot be kept ({problem}); left out: only "
                "the first occurrence (DTSTART) was imported"
            )
        else:
            said.skips.append(
                f"{vevent.where}: a second RRULE {shown} (endless or too many dates); its "
                "occurrences were left out"
            )
    return kept, dates


def _items(vevent: Vevent, name: str, said: Said) -> list[tuple[Any, str | None, str, bool]]:
    """(item text, TZID, VALUE, is a period) of every EXDATE or RDATE value."""
    found = []
    for prop in vevent.block.every(name):
        if not prop.value.strip():
            said.repairs.append(f"{vevent.where}: empty {name} (line {prop.line}); left out")
            continue
        kind = (prop.param("VALUE") or "").strip().upper()
        for item in split_list(prop.value):
            found.append((item, prop.param("TZID"), kind, kind == "PERIOD" or "/" in item))
    return found


def _rdates(
    vevent: Vevent, reader: Reader, said: Said
) -> list[tuple[str, Value, timedelta | None]]:
    values: list[tuple[str, Value, timedelta | None]] = []
    for item, tzid, kind, is_period in _items(vevent, "RDATE", said):
        try:
            if is_period:
                first, second = parse_period(item, tzid)
                begin = reader.value(first)
                if isinstance(second, timedelta):
                    length: timedelta | None = second
                else:
                    finish = reader.value(second)
                    length = _length(begin, finish)
                values.append((vevent.where, begin, length))
            else:
                values.append(
                    (vevent.where, reader.value(parse_moment(item, tzid, value=kind)), None)
                )
        except ValueError as exc:
            said.repairs.append(f"{vevent.where}: RDATE {item[:60]!r} unreadable ({exc}); left out")
    return values


def _length(begin: Value, finish: Value) -> timedelta | None:
    """How long a period lasts (None for dates, or a floating time against a zoned one)."""
    if not isinstance(begin, datetime) or not isinstance(finish, datetime):
        return None
    if (begin.tzinfo is None) != (finish.tzinfo is None):
        return None
    return finish - begin


def _exdates(vevent: Vevent, reader: Reader, said: Said) -> list[tuple[str, Value]]:
    values = []
    for item, tzid, kind, _ in _items(vevent, "EXDATE", said):
        try:
            values.append((vevent.where, reader.value(parse_moment(item, tzid, value=kind))))
        except ValueError as exc:
            said.repairs.append(
                f"{vevent.where}: EXDATE {item[:60]!r} unreadable ({exc}); left out"
            )
    return values


def _change(vevent: Vevent, reader: Reader, said: Said) -> series.Change | None:
    block = vevent.block
    assert vevent.rid is not None
    start = end = None
    prop = block.first("DTSTART")
    if prop is not None and prop.value.strip():
        try:
            start = reader.value(moment_of(prop))
        except ValueError as exc:
            said.repairs.append(
                f"{vevent.where}: DTSTART unreadable ({exc}); the occurrence keeps its time"
            )
    if start is not None:
        raw_end = block.first("DTEND")
        duration = None
        try:
            if raw_end is not None and raw_end.value.strip():
                end = reader.value(moment_of(raw_end))
            elif block.value("DURATION"):
                duration = parse_duration(block.value("DURATION") or "")
        except ValueError as exc:
            said.repairs.append(
                f"{vevent.where}: end unreadable ({exc}); the occurrence keeps its length"
            )
        end = end_value(start, end, duration)
    rid_range = (vevent.rid_prop.param("RANGE") or "").upper() if vevent.rid_prop else ""
    status = x_text(block, "status")
    summary = block.value("SUMMARY")
    title = x_text(block, "title") or (unescape_text(summary).strip() if summary else None)
    state = (block.value("STATUS") or "").strip().upper()
    return series.Change(
        vevent.where,
        reader.value(vevent.rid),
        start,
        end,
        title,
        state == "CANCELLED" or vevent.context.method == "CANCEL",
        status,
        rid_range == "THISANDFUTURE",
    )


def recurrence_of(
    vevent: Vevent,
    changes: list[Vevent],
    plain: dict[str, Any],
    reader: Reader,
    frame: Frame,
    times: tuple[WallTime, WallTime | None],
    said: Said,
) -> None:
    """Fill *plain*'s rrule, exdates, rdates and overrides from the VEVENT and its changes."""
    start, end = times
    own_rule = x_text(vevent.block, "rrule")
    found = series.Said()
    if own_rule:
        rule: str | None = own_rule
        expanded: list[Value] = []
    else:
        rule, expanded = _rule(vevent, _rules(vevent, said), frame, start, said)
    days = series.Days(start, end, plain.get("timezone"), rule)
    if rule is not None and not own_rule:
        series.count_note(vevent.where, rule, start, said.notes)
    length = None  # of a timed series (an all-day one's is in days)
    if start.time is not None:
        timed_end = end is not None and end.time is not None
        length = naive(end) - naive(start) if end is not None and timed_end else timedelta(0)
    rdate_values = [(vevent.where, v, None) for v in expanded] + _rdates(vevent, reader, said)
    rdates, period_changes = series.rdates_of(rdate_values, frame, days, length, found)
    own_exdates: list[str] = []
    dropped: set[date] = set()
    if own_rule:
        own_exdates = [w.isoformat() for w in _own_exdates(vevent)]
        exdates = [w.date for w in _own_exdates(vevent)]
    else:
        exdates, dropped = series.exdates_of(_exdates(vevent, reader, said), frame, days, found)
    if dropped:
        rdates = [w for w in rdates if w.date not in dropped]
        period_changes = [
            c for c in period_changes if c["of"] not in {d.isoformat() for d in dropped}
        ]
        for day in dropped:
            days.extra.pop(day, None)
    read_changes = [c for c in (_change(v, reader, said) for v in changes) if c is not None]

    def end_of(begin: Value, finish: Value | None, where: str) -> tuple[WallTime, WallTime | None]:
        first, last = walls(frame, begin, finish)
        if last is not None and naive(last) < naive(first):
            said.repairs.append(
                f"{where}: the changed occurrence ends ({last}) before it starts ({first}); "
                "it keeps the series' length"
            )
            return first, None
        return first, last

    overrides, more = series.overrides_of(
        read_changes,
        frame,
        days,
        (start, end, plain["title"], plain.get("status") or "scheduled"),
        set(exdates),
        found,
        end_of,
    )
    said.take(found)
    rdates = sorted(rdates + more, key=naive)
    by_day = {c["of"]: c for c in period_changes}
    for change in overrides:
        by_day[change["of"]] = {**by_day.get(change["of"], {}), **change}
    recurs = rule is not None or bool(rdates)
    if exdates and not recurs:
        said.repairs.append(f"{vevent.where}: EXDATE on an event that does not repeat; left out")
        exdates = []
    plain["rrule"] = rule
    plain["exdates"] = own_exdates or [d.isoformat() for d in exdates]
    plain["rdates"] = [w.isoformat() for w in rdates]
    plain["overrides"] = [by_day[k] for k in sorted(by_day)] if recurs else []


def _own_exdates(vevent: Vevent) -> list[WallTime]:
    from summit_cli.interop.ics.owned import own_text
    from summit_cli.model import parse_wall_time

    found = []
    for prop in vevent.block.every(X + "EXDATE"):
        try:
            found.append(parse_wall_time(own_text(prop)))
        except ValueError:
            continue
    return found
