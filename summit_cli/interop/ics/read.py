"""Calendar files to an import batch (``summits import``): every VEVENT as a plain record.

Liberal, as the best calendar programs are: one flawed event never stops the file.
What cannot be placed (no DTSTART) is skipped, what is broken is repaired (no
SUMMARY, no UID, an empty or second RRULE, an end before the start...), a UID seen
twice keeps its newest copy, and each skip or repair is said with the VEVENT's
number, line and UID. Changed occurrences (RECURRENCE-ID) and extra dates (RDATE)
join their series; times in any zone are read as the instants they name (see
``frame`` and ``tzids``). With *strict*, every skip, repair and guess is a problem
instead. Pure: text in, a batch of records (and the formats the file defines) out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

from summit_cli.errors import InvalidData, Problem
from summit_cli.interop.batch import Batch
from summit_cli.interop.ics import lexer, series
from summit_cli.interop.ics.frame import Frame, Reader, Value, end_value, walls
from summit_cli.interop.ics.lexer import Block
from summit_cli.interop.ics.owned import foreign_fields, own_fields, own_times, x_text
from summit_cli.interop.ics.recur import recurrence_of
from summit_cli.interop.ics.times import X, id_for_uid
from summit_cli.interop.ics.tzids import Zones
from summit_cli.interop.ics.values import (
    Moment,
    moment_of,
    parse_duration,
    split_list,
    unescape_text,
)
from summit_cli.interop.ics.vevents import (
    SHOWN,
    Said,
    Vevent,
    context_of,
    first_look,
    newest,
    rid_key,
    vevents_of,
)

NO_TITLE = "(no title)"
_ENDLESS_YEARS = 10  # how far ahead an endless series' zone rules are compared


def ics_batch(text: str, source: str, *, strict: bool = False) -> Batch:
    """The VEVENTs of an iCalendar text as a batch of records (and the formats it defines).

    Raises InvalidData only for a text that is no calendar at all; everything else is
    read, repaired or skipped, and said in the batch's warnings, skipped and notes (with
    *strict*: in its problems).
    """
    batch = Batch(source)
    lexed = lexer.lex(text)
    calendars = lexer.calendars_of(lexed)
    if not calendars:
        raise InvalidData(source, [Problem("", "not an iCalendar file (no BEGIN:VCALENDAR)")])
    said = Said(repairs=list(lexed.repairs), notes=list(lexed.notes))
    vevents: list[Vevent] = []
    zone_sets: list[Zones] = []
    for calendar in calendars:
        context = context_of(calendar, said)
        zone_sets.append(context.zones)
        raw_formats = x_text(calendar, "formats")
        if raw_formats:
            _formats_from_json(raw_formats, batch, said)
        for block in vevents_of(calendar):
            vevents.append(first_look(block, len(vevents) + 1, context, said))
    if not vevents:
        batch.warnings.append("the calendar has no events (VEVENT)")
    masters, changes = newest(vevents, said)
    found = [(v, _record(v, changes.pop(v.key, []), said)) for v in masters]
    found += [(v, _record(v, [], said, orphan=True)) for vs in changes.values() for v in vs]
    for vevent, record in found:
        if record is None:
            continue
        batch.records.append((vevent.where, record))
        if "status" not in record:
            batch.uncancelled.add(record["id"])
    for zones in zone_sets:
        notes, warnings = zones.said()
        said.notes += [n for n in notes if n not in said.notes]
        said.repairs += [w for w in warnings if w not in said.repairs]
    batch.notes += said.notes
    batch.warnings += said.repairs
    batch.skipped += said.skips
    if strict:
        batch.problems += [Problem("", f"{text} (--strict)") for text in said.repairs]
        batch.problems += [Problem("", f"skipped {text} (--strict)") for text in said.skips]
    return batch


# ----------------------------------------------------------------- one series to a record


def _years(block: Block, first: int) -> int:
    """The last year an event's zone matters in: its rule's end, its last date, or (for a
    series without end) some years ahead."""
    last = first
    for name in ("DTEND", "RDATE", "EXDATE"):
        for prop in block.every(name):
            for item in split_list(prop.value):
                if item[:4].isdigit():
                    last = max(last, int(item[:4]))
    for prop in block.every("RRULE"):
        rule = series.clean_rule(prop.value)
        until = next((p[6:] for p in rule.split(";") if p.startswith("UNTIL=")), None)
        if until is not None and until[:4].isdigit():
            last = max(last, int(until[:4]))
        elif rule:
            last = max(last, first + _ENDLESS_YEARS)
    return min(max(last, first), first + 100)


def _moment(vevent: Vevent, name: str, said: Said, *, needed: bool = False) -> Moment | None:
    """The moment property *name* holds; None (said) when it is missing, empty or unreadable:
    an event without the *needed* one (DTSTART) is skipped, another is read without it."""
    prop = vevent.block.first(name)
    if prop is None and not needed:
        return None
    notes, outcome = (
        (said.skips, "the event cannot be placed") if needed else (said.repairs, "left out")
    )
    if prop is None or not prop.value.strip():
        notes.append(f"{vevent.where}: {'no' if needed else 'empty'} {name}; {outcome}")
        return None
    try:
        moment = moment_of(prop)
    except ValueError as exc:
        notes.append(f"{vevent.where}: {name} unreadable ({exc}); {outcome}")
        return None
    if moment.flaw:
        said.repairs.append(f"{vevent.where}: {name} has {moment.flaw}")
    return moment


def _times(vevent: Vevent, said: Said) -> tuple[Reader, Frame, Value, Value | None] | None:
    """(reader, frame, DTSTART, end) of a VEVENT; None (said) when it cannot be placed."""
    start = _moment(vevent, "DTSTART", said, needed=True)
    if start is None:
        return None
    end = _moment(vevent, "DTEND", said)
    floating = (
        start.clock is not None and start.tzid is None and not start.utc and start.offset is None
    )
    zoned_end = end is not None and end.clock is not None and (end.tzid or end.utc or end.offset)
    if floating and vevent.context.xwr is None and end is not None and zoned_end:
        start = replace(start, tzid=end.tzid, utc=end.utc, offset=end.offset)
        shown = end.tzid[:SHOWN] if end.tzid else "UTC" if end.utc else "its UTC offset"
        said.repairs.append(f"{vevent.where}: DTSTART has no zone; read in DTEND's ({shown})")
    if start.clock is None and end is not None and end.clock is not None:
        said.repairs.append(
            f"{vevent.where}: DTSTART is a date but DTEND has a time: read as a day start "
            "and a timed end"
        )
    reader = Reader(
        vevent.context.zones,
        vevent.context.xwr,
        start.day.year,
        _years(vevent.block, start.day.year),
    )
    frame = reader.frame(start)
    start_value = reader.value(start)
    duration = None
    raw_duration = vevent.block.first("DURATION")
    if end is None and raw_duration is not None and raw_duration.value.strip():
        try:
            duration = parse_duration(raw_duration.value)
        except ValueError as exc:
            said.repairs.append(f"{vevent.where}: DURATION unreadable ({exc}); left out")
        if duration is not None and start.clock is None and duration % timedelta(days=1):
            said.repairs.append(
                f"{vevent.where}: DURATION {raw_duration.value.strip()[:SHOWN]} on a day "
                "(not whole days): read as whole days"
            )
    end_v = end_value(start_value, reader.value(end) if end is not None else None, duration)
    return reader, frame, start_value, end_v


def _record(
    vevent: Vevent, changes: list[Vevent], said: Said, *, orphan: bool = False
) -> dict[str, Any] | None:
    where = vevent.where
    times = _times(vevent, said)
    if times is None:
        return None
    reader, frame, start_value, end_v = times
    start, end = walls(frame, start_value, end_v)
    if frame.all_day and end_v is not None and end_v == start_value:
        said.repairs.append(
            f"{where}: ends on the day it starts (DTEND is exclusive): read as that one day"
        )
    if end is not None and _before(start, end):
        shown_end = end
        end = None
        said.repairs.append(f"{where}: ends ({shown_end}) before it starts ({start}); end left out")
    block = vevent.block
    ours = any(p.name.startswith(X) for p in block.props)
    start, end, zone = own_times(block, ours, start, end, frame, start_value, end_v)
    frame = frame.like(start, zone)
    plain: dict[str, Any] = {"id": _id(vevent, orphan)}
    title = x_text(block, "title") or _summary(block)
    if not title:
        said.repairs.append(f"{where}: no SUMMARY; titled {NO_TITLE!r}")
        title = NO_TITLE
    plain["title"] = title
    plain["start"], plain["end"], plain["timezone"] = (
        start.isoformat(),
        end.isoformat() if end else None,
        zone,
    )
    if ours:
        own_fields(block, plain, where, said.repairs)
    else:
        foreign_fields(block, plain, vevent.context.method)
    if orphan:
        said.notes.append(
            f"{where}: a changed occurrence (RECURRENCE-ID) whose series is not in the file: "
            "imported as an event of its own"
        )
    else:
        recurrence_of(vevent, changes, plain, reader, frame, (start, end), said)
    return _validated(plain, where, said)


def _before(start: Any, end: Any) -> bool:
    from summit_cli.model import Event
    from summit_cli.timeline import end_before_start

    return end_before_start(Event(id="x", title="x", start=start, end=end))


def _summary(block: Block) -> str | None:
    value = block.value("SUMMARY")
    if value is None:
        return None
    return unescape_text(value).strip() or None


def _id(vevent: Vevent, orphan: bool) -> str:
    if not orphan or vevent.rid is None:
        return id_for_uid(vevent.key)
    return id_for_uid(f"{vevent.key}#{rid_key(vevent)}")


_DROPPABLE = (
    "overrides",
    "rdates",
    "exdates",
    "rrule",
    "kind",
    "round",
    "status",
    "history",
    "venue",
    "city",
    "country",
    "outcome",
    "notes",
    "participants",
    "sources",
    "tags",
    "end",
    "timezone",
)


def _validated(plain: dict[str, Any], where: str, said: Said) -> dict[str, Any] | None:
    """*plain* as the store takes it: what the model refuses is left out (and said); None
    when the event itself is refused."""
    from summit_cli.fromplain import validate_event
    from summit_cli.model import Format

    for _ in range(len(_DROPPABLE) + 1):
        check = {k: v for k, v in plain.items() if k != "format"}
        fmt = plain.get("format")
        formats = {fmt: Format(fmt, fmt)} if isinstance(fmt, str) else {}
        try:
            event, problems = validate_event(
                {**check, "format": fmt} if fmt else check, formats, where
            )
        except (OverflowError, ValueError) as exc:  # dates the model cannot compute with
            said.skips.append(f"{where}: its dates are out of range ({exc})")
            return None
        if event is not None:
            return plain
        dropped = False
        for problem in problems:
            key = _key_of(problem.where, problem.what)
            if key is None or plain.get(key) in (None, []):
                continue
            said.repairs.append(f"{where}: {key} left out ({problem.what})")
            plain[key] = [] if isinstance(plain[key], list) else None
            dropped = True
            break
        if not dropped:
            said.skips.append(f"{where}: " + "; ".join(p.what for p in problems))
            return None
    return None


_SERIES_KEYS = ("overrides", "rdates", "exdates", "rrule")


def _key_of(where: str, what: str) -> str | None:
    """The record key a problem of the model is about (its messages start with it), if the
    event can do without it."""
    if " overrides[" in where:
        return "overrides"
    first = re.split(r"[\s:\[]", what, maxsplit=1)[0]
    if first in _DROPPABLE:
        return first
    return next((k for k in _SERIES_KEYS if k in what), None)


def _formats_from_json(text: str, batch: Batch, said: Said) -> None:
    from summit_cli.fromplain import format_from_plain
    from summit_cli.plaincheck import Collector

    try:
        raw = json.loads(text)
    except ValueError:
        said.repairs.append("X-SUMMITS-FORMATS is not JSON; left out")
        return
    if not isinstance(raw, Mapping):
        said.repairs.append("X-SUMMITS-FORMATS is not a mapping of formats; left out")
        return
    out = Collector()
    for key, value in raw.items():
        fmt = format_from_plain(key, value, out)
        if fmt is not None:
            batch.formats[fmt.key] = fmt
    said.repairs += [f"X-SUMMITS-FORMATS: {p}; left out" for p in out.problems]
