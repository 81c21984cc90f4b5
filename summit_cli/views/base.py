"""What the human views show, as plain data: cells, columns, tables and cards, and the
texts of times and places they are made of.

Renderers (``render.terminal`` with Rich, ``render.text`` without) only lay these
out. Every string from the store goes through ``safetext`` here, once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from summit_cli.model import Change, Event
from summit_cli.safetext import one_line, visible
from summit_cli.timeline import Span

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any, NamedTuple
else:
    from summit_cli.lighttuple import NamedTuple


class Column(NamedTuple):
    header: str
    justify: str = "left"
    wrap: bool = False  # may wrap on a narrow terminal
    min_width: int | None = None
    priority: int = 0  # 0: always shown; higher numbers are dropped first when space is short
    comfort: int | None = None  # a wrapping column's width below which optional ones go first


class Cell(NamedTuple):
    text: str
    style: str | None = None  # a semantic style name: see render.STYLES


class TableView(NamedTuple):
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
    """The event's time at the venue: ``2022-01-10 Mon 09:00 CET``, multi-day as a range;
    a range across a DST change names both zones (``01:30 CEST–03:30 CET``)."""
    start = span.start.astimezone(span.zone) if span.start.tzinfo is not None else span.start
    if span.precision is not None:
        return rough_when(span)
    if span.all_day:
        text = f"{start:%Y-%m-%d %a}"
        if span.day_count() > 1:
            last = span.last_day()
            text += f" → {last:%m-%d %a}" if last.year == start.year else f" → {last:%Y-%m-%d %a}"
        return text
    zone_name = "" if span.floating else (start.tzname() or "")
    if span.point:
        return f"{start:%Y-%m-%d %a %H:%M} {zone_name}".rstrip()
    end = span.end.astimezone(span.zone)
    end_zone = "" if span.floating else (end.tzname() or "")
    begin = f"{start:%Y-%m-%d %a %H:%M}"
    if end_zone != zone_name:
        begin += f" {zone_name}"
        zone_name = end_zone
    text = begin + (f"–{end:%H:%M}" if end.date() == start.date() else f" → {end:%m-%d %H:%M}")
    return f"{text} {zone_name}".rstrip()


def rough_when(span: Span) -> str:
    """A rough date as people read it: "late Jan 2022 (date tbc)", "date not set"."""
    from summit_cli.precision import describe

    if span.tbd:
        return "date not set"
    first = span.start.astimezone(span.zone).date()
    if span.precision == "day":  # an exact start with a rough end
        last = (span.end - timedelta(microseconds=1)).astimezone(span.zone).date()
        return f"{first:%Y-%m-%d %a} → {last:%Y-%m} (end tbc)"
    return f"{describe(span.precision or 'day', first)} (date tbc)"


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


def original_start(event: Event) -> str | None:
    """The start before the latest move (postponement, reschedule), from the history."""
    for change in reversed(event.history):
        if change.change in {"date set", "date revised"}:
            continue  # a rough date made exact did not move: it was never on another day
        if change.start_before and change.start_before != event.start.isoformat():
            return change.start_before
    return None


def countdown_line(item: Any, now: datetime) -> str:
    """``Strategic Stability Dialogue (geneva #3): in 9 days (2022-01-10 Mon, Geneva)``."""
    from summit_cli.timeline import countdown

    event = item.event
    label = format_text(event)
    head = one_line(event.title) + (f" ({one_line(label)})" if label else "")
    where = event.city or event.venue or event.country
    when = local_when(item.span) + (f", {one_line(where)}" if where else "")
    return f"{head}: {countdown(item.span, now).text} ({when})"
