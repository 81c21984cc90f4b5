"""Reading events back in: CSV written by ``export.to_csv``, record lists, and the
import batch that every importer (CSV, JSON/YAML, iCalendar) produces.

An importer turns its input into a :class:`Batch` of plain records (what
``Event.to_plain`` gives) plus any format definitions the file carries. The
records become events only once the target store is known
(:func:`events_of`), so validation sees the right set of formats and every
problem of the batch is reported at once. Nothing here reads files or the clock.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from summit_cli.errors import InvalidData, Problem
from summit_cli.export import FORMULA_PREFIXES, LIST_SEPARATOR, RECORD_KEYS
from summit_cli.fromplain import Collector, event_from_plain
from summit_cli.model import EVENT_KEYS, LIST_KEYS, Event, Format, Store

# Keys of an exported record that are computed from the stored ones (and from
# "now"): accepted in an input file and ignored. Every record key that is not an
# event key counts, so keys added to the export later are ignored too.
COMPUTED_KEYS = frozenset(k for k in RECORD_KEYS if k not in EVENT_KEYS) | frozenset(
    {
        "all_day",
        "start_local",
        "end_local",
        "start_utc",
        "end_utc",
        "phase",
        "starts_in_seconds",
        "countdown",
    }
)
# The columns of a CSV export that carry data (the CSV header is documented in the README).
CSV_KEYS: tuple[str, ...] = EVENT_KEYS


@dataclass
class Batch:
    """What an input file holds, before it meets the target store."""

    source: str
    records: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (where, plain)
    formats: dict[str, Format] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # what the file has that we cannot take

    def check(self) -> None:
        if self.problems:
            raise InvalidData(self.source, self.problems)


def events_of(batch: Batch, target: Store, *, default_format: str | None = None) -> list[Event]:
    """The batch's records as validated events, against *target*'s formats plus the file's.

    Raises InvalidData listing every problem of the batch (and of the file).
    """
    formats: dict[str, Format] = {**batch.formats, **target.formats}
    out = Collector()
    out.problems.extend(batch.problems)
    events: list[Event] = []
    for where, record in batch.records:
        plain = record
        if default_format and not plain.get("format"):
            plain = {**plain, "format": default_format}
        event = event_from_plain(plain, where, formats, out)
        if event is not None:
            events.append(event)
    if out.problems:
        raise InvalidData(batch.source, out.problems)
    return [_match_unnamed(e, target) for e in events]


def _match_unnamed(event: Event, target: Store) -> Event:
    """An event without an id takes the id of an identical stored event (so a second
    import of the same file changes nothing); otherwise the store generates one."""
    if event.id:
        return event
    for stored in target.events:
        if replace(stored, id="") == event:
            return replace(event, id=stored.id)
    return event


def records_batch(items: Any, source: str) -> Batch:
    """A list of records (``summits list --output json|yaml``) as a batch."""
    batch = Batch(source)
    if not isinstance(items, list):
        batch.problems.append(Problem("", "expected a list of event records"))
        return batch
    for index, item in enumerate(items):
        where = f"record {index + 1}"
        if not isinstance(item, Mapping):
            batch.problems.append(Problem(where, "a record must be a mapping"))
            continue
        batch.records.append((where, {k: v for k, v in item.items() if k not in COMPUTED_KEYS}))
    return batch


def store_batch(store: Store, source: str) -> Batch:
    """A whole (already validated) store document as a batch."""
    batch = Batch(source, formats=dict(store.formats))
    for index, event in enumerate(store.events):
        batch.records.append((f"events[{index}]", event.to_plain()))
    return batch


# --------------------------------------------------------------------- CSV


def unneutralize(text: str) -> str:
    """Undo ``export.neutralize``: a quote that was put before a formula character."""
    if len(text) >= 2 and text[0] == "'" and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


_LIST_ITEM_RE = re.compile(r"(?:\\.|[^\\" + re.escape(LIST_SEPARATOR) + r"])*", re.DOTALL)


def split_list(cell: str) -> list[str]:
    r"""A list cell (items joined with ``;``, ``\`` escaping ``;`` and ``\``) -> items."""
    if cell == "":
        return []
    items: list[str] = []
    position = 0
    while True:
        match = _LIST_ITEM_RE.match(cell, position)
        assert match is not None  # the pattern matches the empty string
        items.append(re.sub(r"\\(.)", r"\1", match.group(), flags=re.DOTALL))
        position = match.end()
        if position >= len(cell):
            break
        position += 1  # the separator
        if position == len(cell):
            items.append("")
            break
    return items


def _history_cell(cell: str, where: str, out: list[Problem]) -> Any:
    """History as JSON (what ``summits export`` writes) or as the items ``list --output csv``
    writes (Python literals joined with ``;``)."""
    try:
        return json.loads(cell)
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
            out.append(Problem(where, "history: not a JSON list of changes"))
            return None
    return changes


def csv_batch(text: str, source: str) -> Batch:
    """CSV text (header row first, as ``summits export --output csv`` writes it) as a batch.

    Columns: the event keys (see ``CSV_KEYS``); computed columns such as
    ``start_utc`` are ignored; any other column is an error (a typo would lose
    data). Empty cells are unset; list cells are split on unescaped ``;``;
    formula-neutralising quotes are removed.
    """
    import csv

    batch = Batch(source)
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        batch.problems.append(Problem(f"line {reader.line_num}", f"not valid CSV: {exc}"))
        return batch
    if not rows:
        batch.problems.append(Problem("", "the file is empty (expected a header row)"))
        return batch
    header = [h.strip() for h in rows[0]]
    unknown = [h for h in header if h not in CSV_KEYS and h not in COMPUTED_KEYS]
    if unknown:
        batch.problems.append(
            Problem(
                "line 1",
                f"unknown column(s) {', '.join(map(repr, unknown))}; known: {', '.join(CSV_KEYS)}",
            )
        )
    for key in ("title", "start"):
        if key not in header:
            batch.problems.append(Problem("line 1", f"a {key!r} column is required"))
    if len(set(header)) != len(header):
        batch.problems.append(Problem("line 1", "a column name appears twice"))
    if batch.problems:
        return batch
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank line
        where = f"line {number}"
        if len(row) != len(header):
            batch.problems.append(
                Problem(where, f"{len(row)} cells where the header has {len(header)}")
            )
            continue
        cells = dict(zip(header, row, strict=True))
        batch.records.append((where, _csv_record(cells, where, batch)))
    return batch


def _csv_record(cells: Mapping[str, str], where: str, batch: Batch) -> dict[str, Any]:
    plain: dict[str, Any] = {}
    for key, raw in cells.items():
        if key in COMPUTED_KEYS or raw == "":
            continue
        cell = unneutralize(raw)
        if key in LIST_KEYS:
            plain[key] = split_list(cell)
        elif key == "round":
            try:
                plain[key] = int(cell.strip())
            except ValueError:
                plain[key] = cell  # event_from_plain reports it
        elif key == "history":
            plain[key] = _history_cell(cell, where, batch.problems)
        else:
            plain[key] = cell
    return plain


def csv_rows_for_export(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records ready for ``export.to_csv``: history as JSON text, so it reads back exactly."""
    rows = []
    for data in records:
        row = dict(data)
        if isinstance(row.get("history"), list):
            row["history"] = (
                json.dumps(row["history"], ensure_ascii=False) if row["history"] else None
            )
        rows.append(row)
    return rows
