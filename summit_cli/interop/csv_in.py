"""Reading CSV back in: what ``summits export --output csv`` writes, and spreadsheets.

Nothing here reads files or the clock: text in, an import batch out.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

from summit_cli.cells import split_list
from summit_cli.errors import Problem
from summit_cli.interop.batch import COMPUTED_KEYS, CSV_KEYS, Batch
from summit_cli.model import LIST_KEYS
from summit_cli.safetext import unescape_cell
from summit_cli.writers import FORMULA_PREFIXES


def unneutralize(text: str) -> str:
    """Undo ``writers.neutralize``: a quote that was put before a formula character."""
    if len(text) >= 2 and text[0] == "'" and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def _history_cell(cell: str, where: str, out: list[Problem]) -> Any:
    """History as JSON (what ``summits export`` writes) or as the items ``list --output csv``
    writes (Python literals joined with ``;``)."""
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
            plain[key] = unescape_cell(cell)
    return plain
