"""What the human views show, as plain data: table models and event cards.

Renderers (``render`` with Rich, ``plain`` without) only lay these out.
Every string from the store goes through ``safetext`` here, once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from summit_cli.model import Change, Event, Status, Store
from summit_cli.query import FormatSummary, Placed
from summit_cli.safetext import one_line, visible
from summit_cli.timeline import Phase, Span, countdown


@dataclass(frozen=True)
class Column:
    header: str
    justify: str = "left"
    wrap: bool = False  # may wrap on a narrow terminal
    min_width: int | None = None
    priority: int = 0  # 0: always shown; higher numbers are dropped first when space is short


@dataclass(frozen=True)
class Cell:
    text: str
    style: str | None = None  # a semantic style name: see render.STYLES


@dataclass(frozen=True)
class TableView:
    columns: list[Column]
    rows: list[list[Cell]]
    title: str | None = None
    caption: str | None = None


@dataclass(frozen=True)
class Card:
    """One event in full: a title and labelled lines."""

    title: str
    lines: list[tuple[str, Cell]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # URLs rendered by us, not by data markup


STATUS_STYLE = {
    "held": "held",
    "scheduled": "scheduled",
    "postponed": "postponed",
    "cancelled": "cancelled",
}


def _same_offset(a: datetime, b: datetime) -> bool:
    return a.utcoffset() == b.utcoffset()


def local_when(span: Span) -> str:
    """The event's time at the venue: ``2022-01-10 Mon 09:00 CET``, multi-day as a range."""
    start = span.start.astimezone(span.zone) if span.start.tzinfo is not None else span.start
    if span.all_day:
        text = f"{start:%Y-%m-%d %a}"
        if span.day_count() > 1:
            last = span.last_day()
            text += f" → {last:%m-%d %a}" if last.year == start.year else f" → {last:%Y-%m-%d %a}"
        return text
    text = f"{start:%Y-%m-%d %a %H:%M}"
    if not span.point:
        end = span.end.astimezone(span.zone)
        text += f"–{end:%H:%M}" if end.date() == start.date() else f" → {end:%m-%d %H:%M}"
    zone_name = start.tzname() or ""
    return f"{text} {zone_name}".rstrip() if not span.floating else text


def display_when(span: Span, display: tzinfo) -> str:
    """The start in the display zone, or "" when it reads the same as at the venue."""
    if span.all_day or span.floating:
        return ""
    venue = span.start.astimezone(span.zone)
    mine = span.start.astimezone(display)
    if _same_offset(venue, mine) and venue.tzname() == mine.tzname():
        return ""
    fmt = "%H:%M" if mine.date() == venue.date() else "%Y-%m-%d %a %H:%M"
    return f"{mine:{fmt}} {mine.tzname() or ''}".rstrip()


def place_text(event: Event) -> str:
    parts = [p for p in (event.venue, event.city, event.country) if p]
    if event.city and event.venue and event.venue == event.city:
        parts = [p for p in (event.city, event.country) if p]
    return ", ".join(parts)


def short_place(event: Event) -> str:
    """City and country for tables (the venue is on the event card)."""
    parts = [p for p in (event.city, event.country) if p]
    return ", ".join(parts) if parts else (event.venue or "")


def format_text(event: Event) -> str:
    if not event.format:
        return ""
    return f"{event.format} #{event.round}" if event.round else event.format


def events_table(
    items: list[Placed], display: tzinfo, now: datetime | None = None, title: str | None = None
) -> TableView:
    """The table of ``list`` (and of ``upcoming`` when *now* is given: a countdown column)."""
    show_display = any(display_when(p.span, display) for p in items)
    columns = [Column("When (venue)")]
    if show_display:
        columns.append(Column("Your time", priority=2))
    columns += [
        Column("Title", wrap=True, min_width=18),
        Column("Kind", priority=3),
        Column("Format"),
        Column("Place", wrap=True, min_width=10, priority=1),
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
    if event.timezone:
        lines.append(("venue zone", Cell(event.timezone, "dim")))
    elif not span.all_day:
        lines.append(("venue zone", Cell("none (floating: read in your zone)", "dim")))
    mine = display_when(span, display)
    if mine:
        lines.append(("your time", Cell(mine)))
    upcoming = []
    if event.rrule:
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
    if event.rrule:
        lines.append(("repeats", Cell(visible(event.rrule), "dim")))
        if event.exdates:
            lines.append(("except", Cell(", ".join(str(d) for d in event.exdates), "dim")))
        upcoming = recurrence.next_occurrences(event, now, display, 5)
        for occurrence in upcoming:
            lines.append(("next", Cell(local_when(occurrence.span))))
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
    for change in event.history:
        lines.append(("history", Cell(change_text(change), "dim")))
    links = []
    for source in event.sources:
        lines.append(("source", Cell(one_line(source), "link")))
        if is_link(source):
            links.append(source)
    return Card(title=one_line(event.title), lines=lines, links=links)


_URL_RE = re.compile(r"https?://[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]+\Z")


def is_link(text: str) -> bool:
    """True for a plain http(s) URL that we may render as a terminal hyperlink ourselves:
    printable ASCII without spaces, so nothing in it can end or alter the escape sequence."""
    return len(text) <= 2000 and _URL_RE.match(text) is not None


def change_text(change: Change) -> str:
    """One history entry: ``2022-01-05 postponed (was scheduled, start was 2022-01-10): reason``."""
    when = visible(change.at[:10]) if change.at else "?"
    details = []
    if change.status_before:
        details.append(f"was {visible(change.status_before)}")
    if change.start_before:
        details.append(f"start was {visible(change.start_before)}")
    if change.end_before:
        details.append(f"end was {visible(change.end_before)}")
    text = f"{when} {one_line(change.change)}"
    if details:
        text += f" ({', '.join(details)})"
    if change.reason:
        text += f": {one_line(change.reason)}"
    return text


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


# ------------------------------------------------------------ line views
# The timeline and the calendar's legend show one event per line. Each line
# is a row of cells; ``plain.line_layout`` decides which cells fit the width
# and wraps titles, and both renderers draw that same layout.


def original_start(event: Event) -> str | None:
    """The start before the latest move (postponement, reschedule), from the history."""
    for change in reversed(event.history):
        if change.start_before and change.start_before != event.start.isoformat():
            return change.start_before
    return None
