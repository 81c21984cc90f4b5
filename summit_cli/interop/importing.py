"""The import policy: how a batch read from a file joins a store.

Events are matched by id (an ICS event by its UID), so importing the same file
twice changes nothing; formats the file defines come along when its events use
them; with ``update=False`` events already in the store are skipped. Pure: a
batch and a store in, a new store and a report out.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from summit_cli import query
from summit_cli.dateorder import DateOrder
from summit_cli.errors import InvalidData, InvalidInput, Problem
from summit_cli.interop.batch import Batch, events_of
from summit_cli.model import SLUG_RE, Event, Format, Store
from summit_cli.store.validation import validate_store


class NothingToDo(Exception):
    """The import changes nothing: the store is not written at all."""


@dataclass
class ImportReport:
    """What an import did (or, as a dry run, would do)."""

    merge: query.MergeReport = field(default_factory=query.MergeReport)
    skipped: list[str] = field(default_factory=list)
    new_formats: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # formats created, links left out


def merge_batch(
    batch: Batch,
    current: Store,
    *,
    default_format: str | None,
    update: bool,
    report: ImportReport,
    strict: bool = False,
) -> Store:
    """*current* with the batch's events (and the formats they need); fills *report*.

    An event's format that neither the store nor the file defines is created with its
    key as its name (said in *report*; with *strict*, a problem instead). Raises
    InvalidInput for an unknown --format, InvalidData listing every problem of the
    batch, NothingToDo when nothing would change.
    """
    # The store's transaction may run a change twice (fast path, then round trip): the
    # report says what the last run did, once.
    report.warnings.clear()
    known = {**batch.formats, **current.formats}
    if default_format is not None and default_format not in known:
        raise InvalidInput(
            f"unknown format {default_format!r}; known formats: "
            f"{', '.join(known) or 'none defined'} "
            "(define one with: summits formats add KEY --name NAME)"
        )
    batch = _with_named_formats(batch, known, strict, report)
    events = events_of(batch, current, default_format=default_format)
    events = _without_dangling_links(events, current, strict, report, batch.source)
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


def _without_dangling_links(
    events: list[Event], current: Store, strict: bool, report: ImportReport, source: str
) -> list[Event]:
    """The events without their links to events neither the store nor the file has (an
    export of one format names the call where it was agreed); said in *report*, or a
    problem with *strict*."""
    known = {e.id for e in current.all_events()} | {e.id for e in events}
    kept, problems = [], []
    for event in events:
        dangling = {k: v for k, v in event.links().items() if v not in known}
        if not dangling:
            kept.append(event)
            continue
        said = ", ".join(f"{k.replace('_', '-')} {v}" for k, v in dangling.items())
        if strict:
            problems.append(Problem(f"event {event.id}", f"links to no event here: {said}"))
            continue
        report.warnings.append(f"{event.id}: link left out, no such event here: {said}")
        kept.append(replace(event, **dict.fromkeys(dangling)))  # type: ignore[arg-type]
    if problems:
        raise InvalidData(source, problems)
    return kept


def _with_named_formats(
    batch: Batch, known: dict[str, Format], strict: bool, report: ImportReport
) -> Batch:
    """*batch* with a key-only format for each format its events name that is defined
    nowhere (a format key that cannot be one is left out of the event instead)."""
    created: dict[str, Format] = {}
    records = []
    problems = []
    for where, record in batch.records:
        key = record.get("format")
        if not isinstance(key, str) or key in known:
            records.append((where, record))
            continue
        if strict:
            problems.append(
                Problem(
                    where,
                    f"format {key!r} is defined neither in the store nor in the file (--strict)",
                )
            )
        elif SLUG_RE.match(key):
            if key not in created:
                created[key] = Format(key, key)
                report.warnings.append(
                    f"format {key!r} is defined neither in the store nor in the file: "
                    "created with its key as its name"
                )
        else:
            report.warnings.append(f"{where}: format {key[:60]!r} is not a format key; left out")
            records.append((where, {**record, "format": None}))
            continue
        records.append((where, record))
    if problems:
        raise InvalidData(batch.source, [*batch.problems, *problems])
    if not created and records == batch.records:
        return batch
    return replace(batch, records=records, formats={**batch.formats, **created})


@dataclass(frozen=True)
class Reading:
    """How to read an input file: its codec (else UTF-8), the order of numeric dates, the
    venue zone of times that name none (CSV), and whether anything the reader repairs or
    skips is a problem instead (``--strict``)."""

    encoding: str | None = None
    date_order: DateOrder = field(default_factory=DateOrder)
    zone: str | None = None
    strict: bool = False


def read_file(data: bytes, kind: str, source: str, how: Reading | None = None) -> Batch:
    """A file's bytes as an import batch: ics, csv, or json/yaml (a store or a record list).
    How the bytes were read ("read as cp1252") is in the batch's notes. A calendar is read
    liberally (UTF-8, else UTF-16 by its mark, else cp1252) unless --encoding names a codec."""
    from summit_cli.interop.textcodec import decode_text

    how = how or Reading()
    if kind == "ics" and how.encoding is None:
        from summit_cli.interop.ics.lexer import decode_calendar

        text, notes = decode_calendar(data)
    else:
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

        return ics_batch(text, source, strict=how.strict)
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
