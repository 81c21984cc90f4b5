"""Checks of a store beyond validity: suspicious data that ``validate --strict`` warns about.

Pure: a parsed tree and the model in, findings out. Nothing here reads files,
the clock or the environment (``now`` and the line lookup are passed in).
Warnings, not errors: real negotiation processes number rounds irregularly,
and unknown keys are kept on every write by design.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from summit_cli import timeline
from summit_cli.errors import Problem
from summit_cli.model import CHANGE_KEYS, EVENT_KEYS, FORMAT_KEYS, Event, Status, Store

Level = Literal["error", "warning"]
LineOf = Callable[..., int | None]  # ("events", 3[, field]) / ("formats", "geneva"[, field])

TOP_KEYS = ("version", "formats", "events")
FAR_PAST = timedelta(days=30)
_LINE_RE = re.compile(r"line (?P<line>\d+)(?:, column \d+)?(?:: )?")


@dataclass(frozen=True)
class Finding:
    """One problem or warning: how bad, where (path in the store), which line, what."""

    level: Level
    where: str
    line: int | None
    message: str

    def to_plain(self) -> dict[str, Any]:
        return asdict(self)


def from_problem(problem: Problem, level: Level = "error") -> Finding:
    """A Problem whose ``where`` may start with "line N[, column M]: " as a Finding."""
    match = _LINE_RE.match(problem.where)
    if match is None:
        return Finding(level, problem.where, None, problem.what)
    return Finding(level, problem.where[match.end() :], int(match["line"]), problem.what)


def _no_line(kind: str, key: str | int, field: str | None = None) -> int | None:
    return None


def _event_indexes(tree: Any, store: Store) -> dict[str, int]:
    """Event id -> index in the tree's event list (positions when ids were generated)."""
    raw_events = tree.get("events") if isinstance(tree, Mapping) else None
    if not isinstance(raw_events, list):
        return {}
    indexes: dict[str, int] = {}
    for index, raw in enumerate(raw_events):
        if isinstance(raw, Mapping) and isinstance(raw.get("id"), str):
            indexes.setdefault(raw["id"], index)
    if len(raw_events) == len(store.events):
        for index, event in enumerate(store.events):
            indexes.setdefault(event.id, index)
    return indexes


def unknown_keys(tree: Any, line_of: LineOf = _no_line) -> list[Finding]:
    """Keys the store format does not define (kept on writes, but maybe a typo)."""
    if not isinstance(tree, Mapping):
        return []
    found: list[Finding] = []

    def report(
        where: str, line: Callable[[str], int | None], keys: Sequence[Any], known: Sequence[str]
    ) -> None:
        for key in keys:
            if key not in known:
                hint = _close(str(key), known)
                message = f"unknown key {key!r}" + (f" (did you mean {hint!r}?)" if hint else "")
                found.append(Finding("warning", where, line(str(key)), message))

    report("(top level)", lambda key: None, list(tree.keys()), TOP_KEYS)
    formats = tree.get("formats")
    if isinstance(formats, Mapping):
        for key, raw in formats.items():
            if isinstance(raw, Mapping):
                report(f"formats.{key}", _line_in(line_of, "formats", key), list(raw), FORMAT_KEYS)
    events = tree.get("events")
    if isinstance(events, list):
        for index, raw in enumerate(events):
            if not isinstance(raw, Mapping):
                continue
            where = f"events[{index}]" + (f" (id {raw['id']})" if "id" in raw else "")
            report(where, _line_in(line_of, "events", index), list(raw), EVENT_KEYS)
            history = raw.get("history")
            if isinstance(history, list):
                in_history = _line_in(line_of, "events", index, "history")
                for h_index, change in enumerate(history):
                    if isinstance(change, Mapping):
                        report(f"{where} history[{h_index}]", in_history, list(change), CHANGE_KEYS)
    return found


def _line_in(
    line_of: LineOf, kind: str, key: str | int, fixed: str | None = None
) -> Callable[[str], int | None]:
    """The line of a field of one event or format (of *fixed* when given)."""

    def line(field: str) -> int | None:
        return line_of(kind, key, fixed or field)

    return line


def _close(key: str, known: Sequence[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(key.lower(), known, n=1, cutoff=0.75)
    return matches[0] if matches else None


def _instant(event: Event) -> datetime:
    return timeline.span_of(event, UTC).start


def round_warnings(store: Store) -> list[tuple[str, str]]:
    """(where, message) for duplicate rounds, gaps and rounds out of date order, per format.

    Cancelled events are left out: a cancelled round is often held again under
    the same number.
    """
    by_format: dict[str, list[Event]] = defaultdict(list)
    found: list[tuple[str, str]] = []
    for event in store.events:
        if event.round is None:
            continue
        if event.format is None:
            found.append((f"event {event.id}", f"has round {event.round} but no format"))
        elif event.status is not Status.CANCELLED:
            by_format[event.format].append(event)
    for key, events in by_format.items():
        numbers: dict[int, list[str]] = defaultdict(list)
        for event in events:
            numbers[event.round or 0].append(event.id)
        for number, ids in sorted(numbers.items()):
            if len(ids) > 1:
                found.append(
                    (
                        f"formats.{key}",
                        f"round {number} is used {len(ids)} times: " + ", ".join(ids),
                    )
                )
        present = sorted(numbers)
        missing = [n for n in range(present[0], present[-1] + 1) if n not in numbers]
        if missing:
            shown = ", ".join(str(n) for n in missing[:10]) + (" ..." if len(missing) > 10 else "")
            found.append(
                (
                    f"formats.{key}",
                    f"round{'s' if len(missing) > 1 else ''} {shown} missing between rounds "
                    f"{present[0]} and {present[-1]}",
                )
            )
        ordered = sorted(events, key=_instant)
        for earlier, later in itertools.pairwise(ordered):
            if (earlier.round or 0) > (later.round or 0):
                found.append(
                    (
                        f"event {later.id}",
                        f"round {later.round} starts after round {earlier.round} "
                        f"({earlier.id}) of format {key}",
                    )
                )
    return found


def _naive(event: Event, which: str) -> datetime | None:
    wall = event.start if which == "start" else event.end
    if wall is None or wall.date_only or wall.time is None:
        return None
    return datetime.combine(wall.date, wall.time)


def zone_warnings(store: Store) -> list[tuple[str, str]]:
    """Ends written in another zone than the start whose clock reading is before the start.

    The instants are in order (otherwise loading fails), but the text says the
    meeting ends before it starts: usually a wrong offset or zone.
    """
    found = []
    for event in store.events:
        start, end = _naive(event, "start"), _naive(event, "end")
        if start is None or end is None or event.end is None:
            continue
        if event.start.offset == event.end.offset:
            continue
        if end < start:
            found.append(
                (
                    f"event {event.id}",
                    f"end {event.end} reads as earlier than start {event.start} on the clock; "
                    "they are in different zones, check the offsets",
                )
            )
    return found


def stale_warnings(store: Store, now: datetime, far: timedelta = FAR_PAST) -> list[tuple[str, str]]:
    """Events that ended long ago but are still marked scheduled."""
    found = []
    for event in store.events:
        if event.status is not Status.SCHEDULED or event.start.rough:
            continue
        span = timeline.span_of(event, now.tzinfo or UTC)
        if span.end < now - far:
            days = (now - span.end).days
            found.append(
                (
                    f"event {event.id}",
                    f"ended {days} days ago but is still 'scheduled' "
                    "(held, postponed or cancelled?)",
                )
            )
    return found


def overdue_warnings(store: Store, now: datetime) -> list[tuple[str, str]]:
    """Rough dates still expected whose window has passed with no date set."""
    found = []
    for event in store.events:
        span = timeline.span_of(event, now.tzinfo or UTC)
        if timeline.phase(span, now) is timeline.Phase.OVERDUE:
            days = (now - span.end).days
            text = timeline.countdown(span, now).text
            found.append((f"event {event.id}", f"{text} (the window closed {days} days ago)"))
    return found


def warnings(tree: Any, store: Store, now: datetime, line_of: LineOf = _no_line) -> list[Finding]:
    """Every warning about *store* (parsed as *tree*), with lines where *line_of* knows them."""
    indexes = _event_indexes(tree, store)

    def locate(where: str) -> tuple[str, int | None]:
        if where.startswith("event "):
            event_id = where[6:]
            index = indexes.get(event_id)
            if index is not None:
                return f"events[{index}] (id {event_id})", line_of("events", index)
        if where.startswith("formats."):
            return where, line_of("formats", where[8:])
        return where, None

    found = unknown_keys(tree, line_of)
    for where, message in [
        *round_warnings(store),
        *zone_warnings(store),
        *stale_warnings(store, now),
        *overdue_warnings(store, now),
    ]:
        place, line = locate(where)
        found.append(Finding("warning", place, line, message))
    return found
