"""Table views: the events of list and upcoming, the formats, chosen record fields."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo

from summit_cli.links import LINK_WORDS
from summit_cli.query import FormatSummary, Placed
from summit_cli.safetext import one_line
from summit_cli.timeline import Phase, countdown
from summit_cli.views.base import (
    STATUS_STYLE,
    Cell,
    Column,
    TableView,
    display_when,
    format_text,
    local_when,
    short_place,
)


def events_table(
    items: list[Placed], display: tzinfo, now: datetime | None = None, title: str | None = None
) -> TableView:
    """The table of ``list`` (and of ``upcoming`` when *now* is given: a countdown column)."""
    show_display = any(display_when(p.span, display) for p in items)
    columns = [Column("When (venue)")]
    if show_display:
        columns.append(Column("Your time", priority=2))
    columns += [
        Column("Title", wrap=True, min_width=18, comfort=60),
        Column("Kind", priority=3),
        Column("Format"),
        Column("Place", wrap=True, min_width=10, priority=1, comfort=24),
        Column("Status"),
    ]
    if now is not None:
        columns.append(Column("Countdown", justify="right"))
    rows = []
    for item in items:
        event, span = item.event, item.span
        row = [Cell(local_when(span))]
        if show_display:
            row.append(Cell(display_when(span, display), "dim"))
        row += [
            Cell(one_line(event.title), "title"),
            Cell(event.kind, "dim"),
            Cell(one_line(format_text(event)), "format"),
            Cell(one_line(short_place(event))),
            Cell(event.status.value, STATUS_STYLE[event.status.value]),
        ]
        if now is not None:
            count = countdown(span, now)
            row.append(Cell(count.text, "ongoing" if count.phase is Phase.ONGOING else "countdown"))
        rows.append(row)
    return TableView(columns, rows, title=title)


def thread_table(items: list[Placed], wanted: str) -> TableView:
    """The story of a negotiation (``thread``): its events in time order and how each is
    linked to the ones before it; the event asked for is marked."""
    columns = [
        Column("When (venue)"),
        Column("Title", wrap=True, min_width=18, comfort=60),
        Column("Format"),
        Column("Status"),
        Column("Linked", wrap=True, min_width=16, priority=1),
    ]
    rows = []
    for item in items:
        event = item.event
        links = "; ".join(f"{LINK_WORDS[key][0]} {target}" for key, target in event.links().items())
        title = one_line(event.title) + ("  ◀" if event.id == wanted else "")
        rows.append(
            [
                Cell(local_when(item.span)),
                Cell(title, "title"),
                Cell(one_line(format_text(event)), "format"),
                Cell(event.status.value, STATUS_STYLE[event.status.value]),
                Cell(links, "dim"),
            ]
        )
    return TableView(columns, rows)


def formats_table(summaries: list[FormatSummary], now: datetime) -> TableView:
    columns = [
        Column("Key"),
        Column("Name", wrap=True, min_width=16),
        Column("Events", justify="right"),
        Column("Held", justify="right"),
        Column("First meeting", priority=1),
        Column("Last meeting"),
        Column("Next meeting"),
        Column("Countdown", justify="right"),
    ]
    rows = []
    for summary in summaries:
        first = f"{summary.first.span.first_day():%Y-%m-%d}" if summary.first else "—"
        last = f"{summary.last.span.first_day():%Y-%m-%d}" if summary.last else "—"
        if summary.next:
            nxt = f"{summary.next.span.first_day():%Y-%m-%d}"
            count = countdown(summary.next.span, now).text
        else:
            nxt, count = "—", ""
        rows.append(
            [
                Cell(summary.format.key, "format"),
                Cell(one_line(summary.format.name), "title"),
                Cell(str(summary.count)),
                Cell(str(summary.held)),
                Cell(first),
                Cell(last),
                Cell(nxt),
                Cell(count, "countdown"),
            ]
        )
    return TableView(columns, rows)


def fields_table(rows: Sequence[Mapping[str, object]], keys: Sequence[str]) -> TableView:
    """A table of exactly the chosen record fields (for --fields with table or plain output)."""
    from summit_cli.records import human

    numeric = {"round", "starts_in_seconds"}
    columns = [
        Column(
            k,
            justify="right" if k in numeric else "left",
            wrap=k in {"title", "notes", "outcome", "participants", "sources"},
        )
        for k in keys
    ]
    return TableView(columns, [[Cell(one_line(human(r.get(k)))) for k in keys] for r in rows])
