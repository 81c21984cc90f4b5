"""The import batch that every importer (CSV, JSON/YAML, iCalendar) produces.

An importer turns its input into a :class:`Batch` of plain records (what
``Event.to_plain`` gives) plus any format definitions the file carries. The
records become events only once the target store is known
(:func:`events_of`), so validation sees the right set of formats and every
problem of the batch is reported at once. Nothing here reads files or the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from summit_cli.errors import InvalidData, Problem
from summit_cli.fromplain import event_from_plain
from summit_cli.model import EVENT_KEYS, Event, Format, Store
from summit_cli.plaincheck import Collector
from summit_cli.records import RECORD_KEYS

# Keys of an exported record that are computed from the stored ones (and from
# "now"): accepted in an input file and ignored. Every record key that is not an
# event key counts, so keys added to the export later are ignored too.
COMPUTED_KEYS = frozenset(RECORD_KEYS) - {*EVENT_KEYS, "extra"}
# The columns of a CSV export that carry data (the CSV header is documented in the README).
CSV_KEYS: tuple[str, ...] = (*EVENT_KEYS, "extra")


@dataclass
class Batch:
    """What an input file holds, before it meets the target store."""

    source: str
    records: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (where, plain)
    formats: dict[str, Format] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # what the file has that we cannot take
    notes: list[str] = field(default_factory=list)  # how it was read ("read as cp1252")
    # Whether a key a record leaves out is unset (a store document writes only the keys
    # that are set) rather than not said (an invitation has no format, round or outcome).
    complete: bool = False
    # Ids of events the file says only are not cancelled (an invitation): a stored one
    # keeps held or postponed, and a cancelled one is scheduled again.
    uncancelled: set[str] = field(default_factory=set)

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
    stored = {} if batch.complete else {e.id: e for e in target.events}
    for where, record in batch.records:
        plain = with_stored(with_extra(record, where, out), stored)
        if plain.get("status") == "cancelled" and record.get("id") in batch.uncancelled:
            plain["status"] = "scheduled"  # the organiser called it on again
        if default_format and not plain.get("format"):
            plain = {**plain, "format": default_format}
        event = event_from_plain(plain, where, formats, out)
        if event is not None:
            events.append(event)
    if out.problems:
        raise InvalidData(batch.source, out.problems)
    if all(e.id for e in events):
        return events
    # An event without an id takes the id of an identical stored event (so a second
    # import of the same file changes nothing); otherwise the store generates one.
    named = {replace(stored, id=""): stored.id for stored in target.events}
    return [e if e.id or e not in named else replace(e, id=named[e]) for e in events]


def with_stored(plain: dict[str, Any], stored: Mapping[str, Event]) -> dict[str, Any]:
    """An update of a stored event takes what the record says and keeps what it does not
    say: a calendar invitation re-sent with a new time keeps the format, round,
    participants, outcome and history added in summits."""
    ident = plain.get("id")
    event = stored.get(ident) if isinstance(ident, str) else None
    if event is None:
        return plain
    return {**event.to_stored(), **plain}


def with_extra(record: dict[str, Any], where: str, out: Collector) -> dict[str, Any]:
    """A record whose ``extra`` object (the keys summits does not know, as every export
    writes them) is spread back into top-level keys, as the store holds them."""
    if "extra" not in record:
        return record
    plain = {k: v for k, v in record.items() if k != "extra"}
    extra = record["extra"]
    if extra is None:
        return plain
    if not isinstance(extra, Mapping):
        out.add(where, "extra must be an object of the keys summits does not know")
        return plain
    for key, value in extra.items():
        if key in EVENT_KEYS or key in COMPUTED_KEYS or key == "extra":
            out.add(where, f"extra: {key!r} is a key summits knows; set it directly")
        elif key not in plain:
            plain[key] = value
    return plain


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
    batch = Batch(source, formats=dict(store.formats), complete=True)
    for index, event in enumerate(store.events):
        batch.records.append((f"events[{index}]", event.to_stored()))
    return batch
