"""The event card of ``show``: every field of one event, times at the venue and in yours."""

from __future__ import annotations

from datetime import datetime, tzinfo

from summit_cli.links import linked
from summit_cli.model import Override, Status, Store
from summit_cli.query import Placed
from summit_cli.safetext import one_line, visible
from summit_cli.timeline import Phase, countdown, span_of
from summit_cli.views.base import (
    STATUS_STYLE,
    Card,
    Cell,
    change_text,
    display_when,
    is_link,
    local_when,
    original_start,
    place_text,
)


def event_card(item: Placed, store: Store, display: tzinfo, now: datetime) -> Card:
    """Every field of one event, for ``show``."""
    event, span = item.event, item.span
    lines: list[tuple[str, Cell]] = [("id", Cell(event.id, "dim")), ("kind", Cell(event.kind))]
    if event.format:
        fmt = store.formats.get(event.format)
        name = f"{event.format} ({visible(fmt.name)})" if fmt else event.format
        lines.append(
            ("format", Cell(name + (f", round {event.round}" if event.round else ""), "format"))
        )
    lines.append(("when", Cell(local_when(span))))
    if span.precision is not None and not span.tbd:
        first, last = span.first_day(), span.last_day()
        lines.append(("window", Cell(f"{first:%Y-%m-%d %a} – {last:%Y-%m-%d %a}", "dim")))
    if event.timezone:
        lines.append(("venue zone", Cell(event.timezone, "dim")))
    elif not span.all_day:
        lines.append(("venue zone", Cell("none (floating: read in your zone)", "dim")))
    mine = display_when(span, display)
    if mine:
        lines.append(("your time", Cell(mine)))
    upcoming = []
    if event.recurs:
        from summit_cli import recurrence

        upcoming = recurrence.next_occurrences(event, now, display, 5)
    # A series counts down to its next occurrence, not to its first.
    count = countdown(upcoming[0].span if upcoming else span, now)
    text = count.text
    if count.phase is Phase.PAST and event.status is Status.HELD:
        text = f"held {text}"
    lines.append(
        ("countdown", Cell(text, "ongoing" if count.phase is Phase.ONGOING else "countdown"))
    )
    lines.append(("status", Cell(event.status.value, STATUS_STYLE[event.status.value])))
    if event.recurs:
        if event.rrule:
            lines.append(("repeats", Cell(visible(event.rrule), "dim")))
        if event.rdates:
            lines.append(("also", Cell(", ".join(str(d) for d in event.rdates), "dim")))
        if event.exdates:
            lines.append(("except", Cell(", ".join(str(d) for d in event.exdates), "dim")))
        for override in event.overrides:
            lines.append(("changed", Cell(visible(_change_text(override)), "dim")))
        for occurrence in upcoming:
            note = ""
            if occurrence.event.status is not event.status:
                note = f" ({occurrence.event.status.value})"
            if occurrence.event.title != event.title:
                note += f": {occurrence.event.title}"
            lines.append(("next", Cell(one_line(local_when(occurrence.span) + note))))
        if not upcoming:
            lines.append(("next", Cell("no more occurrences", "dim")))
    was = original_start(event)
    if was:
        lines.append(("was", Cell(visible(was), "struck")))
    place = place_text(event)
    if place:
        lines.append(("place", Cell(one_line(place))))
    if event.participants:
        lines.append(("participants", Cell(one_line(", ".join(event.participants)))))
    for label, value in (("outcome", event.outcome), ("notes", event.notes)):
        if value:
            lines.append((label, Cell(visible(value).replace("\\n", "\n"))))
    if event.tags:
        lines.append(("tags", Cell(one_line(", ".join(event.tags)))))
    for word, other in linked(store, event):
        first = span_of(other, display).first_day()
        lines.append((word, Cell(f"{other.id} ({one_line(other.title)}, {first:%Y-%m-%d})")))
    for change in event.history:
        lines.append(("history", Cell(change_text(change), "dim")))
    links = []
    for source in event.sources:
        # Styled as a link only when it is one (a citation is plain text).
        lines.append(("source", Cell(one_line(source), "link" if is_link(source) else None)))
        if is_link(source):
            links.append(source)
    return Card(title=one_line(event.title), lines=lines, links=links)


def _change_text(change: Override) -> str:
    """One override as a line: "2022-01-27: moved to 2022-01-28T11:00, cancelled"."""
    parts = []
    if change.start is not None:
        parts.append(f"moved to {change.start}")
    if change.end is not None:
        parts.append(f"ends {change.end}")
    if change.status is not None:
        parts.append(change.status.value)
    if change.title is not None:
        parts.append(f"titled {change.title!r}")
    return f"{change.of}: {', '.join(parts)}"
