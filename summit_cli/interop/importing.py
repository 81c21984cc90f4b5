"""The import policy: how a batch read from a file joins a store.

Events are matched by id (an ICS event by its UID), so importing the same file
twice changes nothing; formats the file defines come along when its events use
them; with ``update=False`` events already in the store are skipped. Pure: a
batch and a store in, a new store and a report out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from summit_cli import query
from summit_cli.errors import InvalidData, InvalidInput
from summit_cli.interop.batch import Batch, events_of
from summit_cli.model import Store
from summit_cli.store.validation import validate_store
from summit_cli.typed import DateOrder


class NothingToDo(Exception):
    """The import changes nothing: the store is not written at all."""


@dataclass
class ImportReport:
    """What an import did (or, as a dry run, would do)."""

    merge: query.MergeReport = field(default_factory=query.MergeReport)
    skipped: list[str] = field(default_factory=list)
    new_formats: list[str] = field(default_factory=list)


def merge_batch(
    batch: Batch,
    current: Store,
    *,
    default_format: str | None,
    update: bool,
    report: ImportReport,
) -> Store:
    """*current* with the batch's events (and the formats they need); fills *report*.

    Raises InvalidInput for an unknown --format, InvalidData listing every problem
    of the batch, NothingToDo when nothing would change.
    """
    known = {**batch.formats, **current.formats}
    if default_format is not None and default_format not in known:
        raise InvalidInput(
            f"unknown format {default_format!r}; known formats: "
            f"{', '.join(known) or 'none defined'} "
            "(define one with: summits formats add KEY --name NAME)"
        )
    events = events_of(batch, current, default_format=default_format)
    used = {e.format for e in events if e.format}
    new_formats = [batch.formats[k] for k in batch.formats if k not in current.formats]
    new_formats = [f for f in new_formats if f.key in used or not batch.records]
    widened = current
    for definition in new_formats:
        widened = widened.with_format(definition)
    skipped: list[str] = []
    if not update:
        existing = {e.id for e in current.events}
        skipped = [e.id for e in events if e.id in existing]
        events = [e for e in events if e.id not in existing]
    merged, merge = query.merge_events(widened, events, update=True)
    report.merge, report.skipped, report.new_formats = merge, skipped, [f.key for f in new_formats]
    if not merge.added and not merge.updated and not new_formats:
        raise NothingToDo
    return merged


@dataclass(frozen=True)
class Reading:
    """How to read an input file: its codec (else UTF-8), the order of numeric dates, and
    the venue zone of times that name none (CSV)."""

    encoding: str | None = None
    date_order: DateOrder = field(default_factory=DateOrder)
    zone: str | None = None


def read_file(data: bytes, kind: str, source: str, how: Reading | None = None) -> Batch:
    """A file's bytes as an import batch: ics, csv, or json/yaml (a store or a record list).
    How the bytes were read ("read as cp1252") is in the batch's notes."""
    from summit_cli.interop.textcodec import decode_text

    how = how or Reading()
    text, notes = decode_text(data, source, how.encoding)
    batch = read_batch(text, kind, source, how)
    batch.notes[:0] = notes
    return batch


def read_batch(text: str, kind: str, source: str, how: Reading | None = None) -> Batch:
    """A file's text as an import batch: ics, csv, or json/yaml (a store or a record list)."""
    from summit_cli.interop import batch as batches

    how = how or Reading()
    if kind == "ics":
        from summit_cli.interop.ics import ics_batch

        return ics_batch(text, source)
    if kind == "csv":
        from summit_cli.interop.csv_in import csv_batch

        return csv_batch(text, source, date_order=how.date_order, zone=how.zone)
    from summit_cli.fromplain import store_from_plain
    from summit_cli.store.decoding import parse_text

    tree = parse_text(text, "json" if kind == "json" else "yaml", source)
    if isinstance(tree, list):
        return batches.records_batch(tree, source)
    parsed, problems = store_from_plain({} if tree is None else tree)
    problems += validate_store(parsed)
    if problems:
        raise InvalidData(source, problems)
    return batches.store_batch(parsed, source)


def check(batch: Batch) -> None:
    """Problems of the file itself (before it meets the store) stop the import."""
    if batch.problems:
        raise InvalidData(batch.source, list(batch.problems))
