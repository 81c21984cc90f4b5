"""The timeline, calendar and format-history views, as plain data.

Apart from ``tables`` so the everyday commands (list, upcoming, next, show) do
not pay for building these classes at start-up. Renderers lay them out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from summit_cli.model import Status, Store
from summit_cli.query import FormatSummary, Placed
from summit_cli.safetext import one_line, visible
from summit_cli.timeline import Phase, Span, countdown, phase
from summit_cli.views.base import (
    STATUS_STYLE,
    Card,
    Cell,
    Column,
    TableView,
    format_text,
    original_start,
    place_text,
    rough_when,
)
from summit_cli.views.monthgrid import (
    add_months,
    long_day,
    month_title,
    month_weeks,
    weekday_header,
    weekday_name,
)

KIND_GLYPHS = {
    "summit": "★",
    "virtual-summit": "☆",
    "call": "○",
    "talks": "◆",
    "round": "●",
    "council": "▲",
    "ministerial": "■",
    "working-dinner": "◇",
    "other": "·",
}
TITLE_STYLE = {
    "held": "title",
    "scheduled": "title",
    "postponed": "postponed",
    "cancelled": "struck",
}


@dataclass(frozen=True)
class Line:
    """One event on one line (titles may wrap onto more)."""

    day: Cell
    clock: Cell  # time at the venue, "" for an all-day event
    glyph: Cell  # the kind, see KIND_GLYPHS
    title: Cell
    track: Cell  # format and round
    gap: Cell  # "+42 days" since the format's previous meeting
    status: Cell
    was: Cell | None = None  # the original date of a moved event, shown struck through
    event_id: str = ""


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class NowMarker:
    text: str


Entry = Heading | Line | NowMarker


@dataclass(frozen=True)
class TimelineView:
    entries: list[Entry]
    legend: list[Cell]  # one cell per kind glyph used: "● round"
    note: str = ""


def glyph_legend(items: list[Placed]) -> list[Cell]:
    """ "● round", "▲ council"... for the kinds among *items*, in KIND_GLYPHS order."""
    kinds = {p.event.kind for p in items}
    return [Cell(f"{g} {k}", "dim") for k, g in KIND_GLYPHS.items() if k in kinds]


def clock_text(span: Span) -> str:
    """The time at the venue for a line view: ``10:07 EST``, ``→ 01-10 Mon`` for multi-day."""
    if span.all_day:
        if span.day_count() > 1:
            last = span.last_day()
            return f"→ {last:%m-%d} {weekday_name(last)}"
        return ""
    start = span.start.astimezone(span.zone)
    text = f"{start:%H:%M}"
    if not span.point and span.last_day() != span.first_day():
        last = span.last_day()
        text += f" → {last:%m-%d}"
    zone_name = "" if span.floating else (start.tzname() or "")
    return f"{text} {zone_name}".rstrip()


def gap_days(items: list[Placed]) -> dict[str, int]:
    """Days since the previous meeting of the same format (by venue date), by event id.

    Cancelled events are not meetings: they get no gap and do not count.
    """
    last: dict[str, Placed] = {}
    gaps: dict[str, int] = {}
    for item in items:
        event = item.event
        if not event.format or event.status is Status.CANCELLED:
            continue
        before = last.get(event.format)
        if before is not None:
            gaps[event.id] = (item.span.first_day() - before.span.first_day()).days
        last[event.format] = item
    return gaps


def gap_text(days: int | None) -> str:
    if days is None:
        return ""
    if days == 0:
        return "same day"
    return f"+{days} day" if days == 1 else f"+{days} days"


def event_line(item: Placed, *, short_day: bool, gap: int | None, track: str | None = None) -> Line:
    """One event for the timeline or a calendar legend."""
    event, span = item.event, item.span
    first = span.first_day()
    day = f"{first:%d} {weekday_name(first)}" if short_day else long_day(first)
    status = event.status.value
    was = original_start(event)
    rough = span.precision is not None
    if rough:  # dimmed, with the window in words: no day is made up
        day = rough_when(span).replace(" (date tbc)", "")
    return Line(
        day=Cell(day, "dim" if rough else None),
        clock=Cell("date tbc" if rough and not span.tbd else clock_text(span), "dim"),
        glyph=Cell(KIND_GLYPHS.get(event.kind, "·"), "dim" if rough else STATUS_STYLE[status]),
        title=Cell(one_line(event.title), "dim" if rough else TITLE_STYLE[status]),
        track=Cell(one_line(format_text(event) if track is None else track), "format"),
        gap=Cell(gap_text(gap), "dim"),
        status=Cell(status, STATUS_STYLE[status]),
        was=Cell(f"was {visible(was)}", "struck") if was else None,
        event_id=event.id,
    )


def now_text(now: datetime, display: tzinfo) -> str:
    mine = now.astimezone(display)
    return f"now: {long_day(mine.date())} {mine:%H:%M} {mine.tzname() or ''}".rstrip()


def _with_marker(
    groups: list[tuple[str, list[Placed]]],
    now: datetime,
    marker: NowMarker,
    *,
    per_group: bool,
    make: Callable[[Placed], Line],
    opens_after: Callable[[str], bool] = lambda heading: False,
) -> list[Entry]:
    """Headings and lines, with *marker* before the first upcoming event (of each group
    when *per_group*). When that event opens a group that starts after now
    (``opens_after``), the marker goes between the groups."""
    entries: list[Entry] = []
    placed = False
    for heading, items in groups:
        if per_group:
            placed = False
        elif not placed and opens_after(heading) and entries:
            entries.append(marker)
            placed = True
        entries.append(Heading(heading))
        for item in items:
            if not placed and phase(item.span, now) is Phase.UPCOMING:
                entries.append(marker)
                placed = True
            entries.append(make(item))
        if per_group and not placed:
            entries.append(marker)
    if not per_group and not placed:
        entries.append(marker)
    return entries


def timeline_view(
    items: list[Placed],
    store: Store,
    now: datetime,
    display: tzinfo,
    *,
    by: str = "month",
) -> TimelineView:
    """The timeline: events oldest first, grouped by month (venue date) or by format,
    with a "now" marker between past and future and the gaps between rounds."""
    gaps = gap_days(items)
    marker = NowMarker(now_text(now, display))
    groups: list[tuple[str, list[Placed]]] = []
    if by == "format":
        keys = [k for k in store.formats if any(p.event.format == k for p in items)]
        for key in keys:
            name = one_line(store.formats[key].name)
            groups.append((f"{key} — {name}", [p for p in items if p.event.format == key]))
        loose = [p for p in items if not p.event.format]
        if loose:
            groups.append(("Other meetings (no format)", loose))

        def make(item: Placed) -> Line:
            rnd = f"#{item.event.round}" if item.event.round else ""
            return event_line(item, short_day=False, gap=gaps.get(item.event.id), track=rnd)

        entries = _with_marker(groups, now, marker, per_group=True, make=make)
    else:
        for item in items:
            first = item.span.first_day()
            title = "Date not set" if item.span.tbd else month_title(first.year, first.month)
            if groups and groups[-1][0] == title:
                groups[-1][1].append(item)
            else:
                groups.append((title, [item]))

        def make(item: Placed) -> Line:
            return event_line(item, short_day=True, gap=gaps.get(item.event.id))

        today = now.astimezone(display).date()
        starts = {title: items[0].span.first_day().replace(day=1) for title, items in groups}
        entries = _with_marker(
            groups,
            now,
            marker,
            per_group=False,
            make=make,
            opens_after=lambda heading: today < starts[heading],
        )
    note = "+N days: since the format's previous meeting" if gaps else ""
    return TimelineView(entries, glyph_legend(items), note)


# -------------------------------------------------------------- calendar


@dataclass(frozen=True)
class Day:
    number: int | None  # None: a cell outside the month
    events: int = 0
    style: str | None = None  # the status style of its (first) event
    today: bool = False


@dataclass(frozen=True)
class MonthGrid:
    title: str
    weekdays: list[str]
    weeks: list[list[Day]]


@dataclass(frozen=True)
class CalendarView:
    months: list[MonthGrid]
    legend: list[Line]  # the events in the months shown
    keys: list[str]  # how to read the marks


def calendar_view(
    items: list[Placed],
    year: int,
    month: int,
    count: int,
    now: datetime,
    display: tzinfo,
    *,
    week_start: int = 0,
) -> CalendarView:
    """*count* month grids from year-month with event days marked, and a legend of events."""
    last_year, last_month = add_months(year, month, count)
    lo, hi = date(year, month, 1), date(last_year, last_month, 1)
    today = now.astimezone(display).date()
    marks: dict[date, list[Placed]] = {}
    shown: list[Placed] = []
    for item in items:
        first, last = item.span.first_day(), item.span.last_day()
        if item.span.tbd or last < lo or first >= hi:
            continue
        shown.append(item)
        if item.span.precision is not None:
            continue  # a rough date marks no day: it is listed under the grid
        day = max(first, lo)
        while day <= last and day < hi:
            marks.setdefault(day, []).append(item)
            day += timedelta(days=1)
    grids = []
    for offset in range(count):
        y, m = add_months(year, month, offset)
        weeks = []
        for week in month_weeks(y, m, week_start):
            row = []
            for cell in week:
                if cell is None:
                    row.append(Day(None))
                    continue
                here = marks.get(cell, [])
                live = [p for p in here if p.event.status is not Status.CANCELLED] or here
                style = STATUS_STYLE[live[0].event.status.value] if live else None
                row.append(Day(cell.day, len(here), style, cell == today))
            weeks.append(row)
        grids.append(MonthGrid(month_title(y, m), weekday_header(week_start), weeks))
    legend = [event_line(p, short_day=False, gap=None) for p in shown]
    keys: list[str] = []
    if shown:  # the key explains marks; an empty month has none to explain
        keys.append("[ 9] a day with events")
        if lo <= today < hi:
            keys.append(f"( 9) today, {today.isoformat()}")
        keys += [c.text for c in glyph_legend(shown)]
    return CalendarView(grids, legend, keys)


# --------------------------------------------------------- one format


@dataclass(frozen=True)
class FormatDetail:
    card: Card
    history: TableView


def _meeting(item: Placed | None) -> str:
    if item is None:
        return "—"
    text = f"{long_day(item.span.first_day())}  {one_line(item.event.title)}"
    return text + (f" (round {item.event.round})" if item.event.round else "")


def format_detail(summary: FormatSummary, items: list[Placed], now: datetime) -> FormatDetail:
    """One negotiation format: its rounds at a glance and its full history."""
    fmt = summary.format
    lines: list[tuple[str, Cell]] = [("key", Cell(fmt.key, "format"))]
    if fmt.description:
        lines.append(("about", Cell(one_line(fmt.description))))
    if fmt.timezone:
        lines.append(("venue zone", Cell(fmt.timezone, "dim")))
    rounds = [p.event.round for p in items if p.event.round]
    lines.append(("meetings", Cell(f"{summary.count} recorded, {summary.held} held")))
    if rounds:
        low, high = min(rounds), max(rounds)
        lines.append(("rounds", Cell(f"#{low}" if low == high else f"#{low} to #{high}")))
    lines.append(("first", Cell(_meeting(summary.first))))
    lines.append(("last", Cell(_meeting(summary.last))))
    if summary.next is not None:
        count = countdown(summary.next.span, now)
        lines.append(("next", Cell(_meeting(summary.next))))
        style = "ongoing" if count.phase is Phase.ONGOING else "countdown"
        lines.append(("countdown", Cell(count.text, style)))
    else:
        lines.append(("next", Cell("none scheduled", "dim")))
    gaps = gap_days(items)
    columns = [
        Column("#", justify="right"),
        Column("Date"),
        Column("Title", wrap=True, min_width=14, comfort=24),
        Column("Place", wrap=True, min_width=10, priority=2, comfort=16),
        Column("Participants", wrap=True, min_width=12, priority=3, comfort=20),
        Column("Status"),
        Column("Gap", justify="right", priority=4),
        Column("Outcome", wrap=True, min_width=16, priority=1, comfort=24),
    ]
    rows = []
    for item in items:
        event = item.event
        status = event.status.value
        rows.append(
            [
                Cell(str(event.round) if event.round else "", "format"),
                Cell(long_day(item.span.first_day())),
                Cell(one_line(event.title), TITLE_STYLE[status]),
                Cell(one_line(place_text(event))),
                Cell(one_line(", ".join(event.participants))),
                Cell(status, STATUS_STYLE[status]),
                Cell(gap_text(gaps.get(event.id)), "dim"),
                Cell(one_line(event.outcome or "")),
            ]
        )
    # Columns with nothing in them leave their room to the others.
    keep = [i for i, c in enumerate(columns) if c.priority == 0 or any(r[i].text for r in rows)]
    table = TableView(
        [columns[i] for i in keep],
        [[r[i] for i in keep] for r in rows],
        title=f"History of {fmt.key}",
    )
    title = f"{fmt.key} — {one_line(fmt.name)}"
    return FormatDetail(Card(title=title, lines=lines), table)


def calendar_empty_note(items: list[Placed], year: int, month: int, count: int) -> str:
    """What to say when the months shown hold no event: where the nearest one is."""
    span = month_title(year, month)
    if count > 1:
        span += " – " + month_title(*add_months(year, month, count - 1))
    if not items:
        return f"no events in {span}"
    first_day = date(year, month, 1)
    nearest = min(items, key=lambda p: abs((p.span.first_day() - first_day).days))
    day = nearest.span.first_day()
    return (
        f"no events in {span}; the nearest is {nearest.event.id}: "
        f"see 'summits calendar {day:%Y-%m}'"
    )
