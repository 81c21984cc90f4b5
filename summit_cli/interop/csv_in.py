"""Reading CSV back in: what ``summits export --output csv`` writes, and spreadsheets
(Excel, LibreOffice, Outlook and Google Calendar exports) in UTF-8 or a named encoding,
with ``,`` ``;`` or tabs between columns and dates as people type them.

Nothing here reads files, the clock or the environment: bytes or text in, an import
batch out; the only exception raised is InvalidData.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any

from summit_cli.cells import split_list
from summit_cli.dateorder import DateOrder
from summit_cli.errors import InvalidInput, Problem
from summit_cli.interop.batch import COMPUTED_KEYS, CSV_KEYS, Batch
from summit_cli.model import LIST_KEYS, WallTime, parse_wall_time
from summit_cli.safetext import unescape_cell
from summit_cli.typed import parse_typed
from summit_cli.writers import FORMULA_PREFIXES

DELIMITERS = (",", ";", "\t")
# Column names of calendar exports (Outlook, Google Calendar's CSV) read as event keys.
ALIASES = {
    "subject": "title",
    "location": "venue",
    "description": "notes",
    "categories": "tags",
    "required attendees": "participants",
}
# Date and time in separate columns (Outlook, Google Calendar): combined into start/end.
CALENDAR_TIMES = ("start date", "start time", "end date", "end time", "all day event")
# Outlook's columns that summits has no place for: ignored, with a warning when they hold values.
_OUTLOOK_ONLY = (
    "reminder on/off|reminder date|reminder time|meeting organizer|optional attendees|"
    "meeting resources|billing information|mileage|priority|private|sensitivity|show time as"
)
NOT_KEPT = frozenset(_OUTLOOK_ONLY.split("|"))
_COMPUTED, _IGNORED = "(computed)", "(not kept)"
_TRUE = frozenset({"true", "yes", "y", "1", "x"})
# Relative words ("tomorrow", "+3d") are refused, so this "now" never shows in a result.
REFERENCE_NOW = datetime(2000, 1, 1, tzinfo=UTC)
_STORE_SHAPE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?(?:Z|[+-]\d{2}:?\d{2})?\Z", re.ASCII
)
_ROUND = re.compile(r"\s*([0-9]{1,9})(?:\.0*)?\s*\Z", re.ASCII)
_MAX_DATE_TEXT = 100
NO_DATE_ORDER = DateOrder()  # ambiguous numeric dates (01/02/2022) are problems


def unneutralize(text: str) -> str:
    """Undo ``writers.neutralize``: a quote that was put before a formula character."""
    if len(text) >= 2 and text[0] == "'" and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def _history_cell(cell: str, where: str, out: list[Problem], key: str = "history") -> Any:
    """History or overrides as JSON (what ``summits export`` writes) or as the items older
    ``list --output csv`` wrote (Python literals joined with ``;``)."""
    if not cell.strip():
        return []
    try:
        return json.loads(unescape_cell(cell))
    except ValueError:
        pass
    import ast

    changes = []
    for item in split_list(cell):
        try:
            if len(item) > 20_000:
                raise ValueError("too long")
            changes.append(ast.literal_eval(item))
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            out.append(Problem(where, f"{key}: not a JSON list"))
            return None
    return changes


def _object_cell(cell: str, where: str, out: list[Problem]) -> Any:
    """The ``extra`` column: a JSON object of the keys summits does not know (or empty)."""
    text = unescape_cell(cell).strip()
    if not text:
        return {}
    try:
        return json.loads(text)
    except ValueError:
        out.append(Problem(where, "extra: not a JSON object"))
        return None


def _column_name(header: str) -> str:
    return " ".join(header.split()).lower()


def _target(name: str) -> str | None:
    """What a (normalised) column holds: an event key, a calendar time part, or ignored."""
    if name in CSV_KEYS or name in CALENDAR_TIMES:
        return name
    if name in COMPUTED_KEYS:
        return _COMPUTED
    return ALIASES.get(name) or (_IGNORED if name in NOT_KEPT else None)


def sniff_delimiter(text: str) -> str:
    """``,``, ``;`` or tab: the one whose header row has the most known column names (then
    the most columns); a comma when nothing tells them apart."""
    import csv

    best, best_score = ",", (0, 1)
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(text[:100_000], newline=""), delimiter=delimiter)
        try:
            header = next((row for row in reader if any(c.strip() for c in row)), [])
        except csv.Error:
            continue
        known = sum(_target(_column_name(h)) is not None for h in header)
        if (known, len(header)) > best_score:
            best, best_score = delimiter, (known, len(header))
    return best


@dataclass
class _Reading:
    """What reading the rows of one file needs and gathers."""

    order: DateOrder
    zone_name: str | None = None
    zone_offset: timedelta | None = None
    floating: int = 0
    not_kept: dict[str, None] = field(default_factory=dict)  # column names, in order


def csv_batch(
    text: str, source: str, *, date_order: DateOrder = NO_DATE_ORDER, zone: str | None = None
) -> Batch:
    """CSV text (header row first) as a batch: ``summits export --output csv`` or a spreadsheet.

    Columns are the event keys (``CSV_KEYS``, in any case) and the aliases above;
    computed columns are ignored, other named ones are errors (a typo would lose
    data). Dates not in the store's form are read as typed, under *date_order*; a
    timed start with no offset or timezone takes *zone* (a zone name, a known city
    or an offset) when given, else it floats and the batch warns once.
    """
    import csv

    batch = Batch(source)
    reading = _Reading(date_order)
    text = text.removeprefix("\ufeff")
    delimiter = sniff_delimiter(text)
    if delimiter != ",":
        shown = "tabs" if delimiter == "\t" else repr(delimiter)
        batch.warnings.append(f"read with {shown} between columns")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []  # (first line, cells) of the rows that are not blank
    previous = 0
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((previous + 1, row))
            previous = reader.line_num
    except csv.Error as exc:
        batch.problems.append(Problem(f"line {reader.line_num}", f"not valid CSV: {exc}"))
        return batch
    if not rows:
        batch.problems.append(Problem("", "the file is empty (expected a header row)"))
        return batch
    (header_line, header), body = rows[0], rows[1:]
    targets = _header_targets(header, f"line {header_line}", body, batch)
    _zone(zone, reading, batch)
    if batch.problems:
        return batch
    for number, row in body:
        where = f"line {number}"
        extra = row[len(header) :]
        if any(cell.strip() for cell in extra):
            batch.problems.append(
                Problem(where, f"{len(row)} cells where the header has {len(header)}")
            )
            continue
        cells: dict[str, str] = {}
        for target, name, cell in zip(targets, header, row, strict=False):
            if target == _IGNORED and cell.strip():
                reading.not_kept[name.strip()] = None
            elif target not in {None, _COMPUTED, _IGNORED} and cell != "":
                cells[str(target)] = cell
        before = len(batch.problems)
        record = _csv_record(cells, where, batch, reading)
        if len(batch.problems) == before:
            _place(record, reading)
            batch.records.append((where, record))
    if reading.floating:
        count = reading.floating
        batch.warnings.append(
            f"{count} event{' has' if count == 1 else 's have'} a time but no time zone "
            "(read as floating): give --tz ZONE to set it"
        )
    if reading.not_kept:
        names = ", ".join(map(repr, reading.not_kept))
        batch.warnings.append(f"column(s) {names} not imported (summits has no place for them)")
    return batch


def _header_targets(
    header: list[str], where: str, body: list[tuple[int, list[str]]], batch: Batch
) -> list[str | None]:
    """Each column's target (None: a column without a name, whose cells must be empty);
    every problem of the header goes to *batch*."""
    targets: list[str | None] = []
    unknown: list[str] = []
    seen: dict[str, str] = {}
    for index, raw in enumerate(header):
        name = _column_name(raw)
        target = _target(name) if name else None
        if not name:
            filled = next((n for n, row in body if index < len(row) and row[index].strip()), None)
            if filled is not None:
                batch.problems.append(
                    Problem(f"line {filled}", f"a value in column {index + 1}, which has no name")
                )
        elif target is None:
            unknown.append(raw.strip())
        elif target not in {_COMPUTED, _IGNORED}:
            if target in seen:
                batch.problems.append(
                    Problem(
                        where, f"columns {seen[target]!r} and {raw.strip()!r} are both {target}"
                    )
                )
            seen.setdefault(target, raw.strip())
        targets.append(target)
    if unknown:
        batch.problems.append(
            Problem(
                where,
                f"unknown column(s) {', '.join(map(repr, unknown))}; known: {', '.join(CSV_KEYS)} "
                "(and calendar exports' Subject, Start Date, Start Time, End Date, End Time, "
                "All Day Event, Description, Location)",
            )
        )
    for key, part in (("start", "start date"), ("end", "end date")):
        if key in seen and part in seen:
            batch.problems.append(
                Problem(where, f"columns {seen[key]!r} and {seen[part]!r} both give the {key}")
            )
    lone = [seen[part] for part in CALENDAR_TIMES[1:] if part in seen and "start date" not in seen]
    if lone:
        names = ", ".join(map(repr, lone))
        batch.problems.append(Problem(where, f"column(s) {names} need a 'Start Date' column"))
    if "title" not in seen:
        batch.problems.append(Problem(where, "a 'title' column is required"))
    if "start" not in seen and "start date" not in seen:
        batch.problems.append(Problem(where, "a 'start' column is required"))
    return targets


def _zone(zone: str | None, reading: _Reading, batch: Batch) -> None:
    if zone is None:
        return
    from summit_cli import zones

    reading.zone_name = zones.canonical_zone_name(zone)
    if reading.zone_name is None:
        reading.zone_offset = zones.parse_offset(zone)
        if reading.zone_offset is None:
            batch.problems.append(
                Problem("", f"--tz {zone!r} is not a time zone (e.g. Europe/Zurich or +01:00)")
            )


def _csv_record(
    cells: Mapping[str, str], where: str, batch: Batch, reading: _Reading
) -> dict[str, Any]:
    plain: dict[str, Any] = {}
    for key, raw in cells.items():
        if key in CALENDAR_TIMES:
            continue
        cell = unneutralize(raw)
        if key in LIST_KEYS:
            plain[key] = split_list(cell)
        elif key == "round":
            match = _ROUND.match(cell)
            plain[key] = int(match[1]) if match else cell  # event_from_plain reports text
        elif key in {"history", "overrides"}:
            plain[key] = _history_cell(cell, where, batch.problems, key)
        elif key == "extra":
            plain[key] = _object_cell(cell, where, batch.problems)
        elif key in {"start", "end"}:
            text = " ".join(unescape_cell(cell).split())
            wall = text if _STORE_SHAPE.match(text) else _typed(text, key, where, batch, reading)
            if wall:
                plain[key] = str(wall)  # the store's form as it is: event_from_plain checks it
        elif key == "timezone":
            plain[key] = unescape_cell(cell).strip() or None
        else:
            plain[key] = unescape_cell(cell)
    if any(cells.get(part, "").strip() for part in CALENDAR_TIMES):
        _calendar_times(cells, where, batch, reading, plain)
    return plain


def _typed(text: str, key: str, where: str, batch: Batch, reading: _Reading) -> WallTime | None:
    """A date as a spreadsheet writes it ("1/12/2022 10:00 AM", "10.01.2022"); None (and a
    problem) when it cannot be read, is ambiguous or is relative to today."""
    if not text:
        return None
    if len(text) > _MAX_DATE_TEXT:
        batch.problems.append(Problem(where, f"{key}: {text[:40]!r}... is not a date"))
        return None
    try:
        moment = parse_typed(text, REFERENCE_NOW, reading.order)
    except (InvalidInput, ValueError, OverflowError) as exc:
        batch.problems.append(Problem(where, f"{key}: {exc}"))
        return None
    if moment.relative:
        batch.problems.append(
            Problem(where, f"{key}: {text!r} is relative to today; a file needs the date itself")
        )
        return None
    return moment.wall


def _calendar_times(
    cells: Mapping[str, str], where: str, batch: Batch, reading: _Reading, plain: dict[str, Any]
) -> None:
    """Start and end from Outlook/Google Calendar's date, time and all-day columns."""
    part = {name: " ".join(unescape_cell(cells.get(name, "")).split()) for name in CALENDAR_TIMES}
    all_day = part["all day event"].lower() in _TRUE
    if not part["start date"]:
        batch.problems.append(Problem(where, "a time or an end without a start date"))
        return
    start_text = part["start date"] if all_day else f"{part['start date']} {part['start time']}"
    start = _typed(start_text.strip(), "start", where, batch, reading)
    if start is None:
        return
    if all_day:
        start = WallTime(start.date)
    plain["start"] = start.isoformat()
    if not part["end date"] and not part["end time"]:
        return
    end_text = f"{part['end date'] or part['start date']} {part['end time']}".strip()
    end = _typed(end_text, "end", where, batch, reading)
    if end is None:
        return
    if not all_day:
        plain["end"] = end.isoformat()
        return
    day = end.date
    if end.time == time(0) and day > start.date:
        day -= timedelta(days=1)  # Outlook ends an all-day event at the next midnight
    if day != start.date:
        plain["end"] = WallTime(day).isoformat()  # the store's end day is inclusive


def _place(plain: dict[str, Any], reading: _Reading) -> None:
    """A timed start without an offset or a timezone: the zone given, else counted floating."""
    start, end = _wall(plain.get("start")), _wall(plain.get("end"))
    if start is None or start.time is None or start.offset is not None or plain.get("timezone"):
        return  # a date alone, a time with its zone, or a problem event_from_plain reports
    if reading.zone_name is not None:
        plain["timezone"] = reading.zone_name
    elif reading.zone_offset is not None:
        plain["start"] = replace(start, offset=reading.zone_offset).isoformat()
        if end is not None and end.time is not None and end.offset is None:
            plain["end"] = replace(end, offset=reading.zone_offset).isoformat()
    else:
        reading.floating += 1


def _wall(value: Any) -> WallTime | None:
    try:
        return parse_wall_time(value) if isinstance(value, str) else None
    except ValueError:
        return None
