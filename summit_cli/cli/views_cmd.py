"""Commands that draw pictures of the store: timeline, calendar, and one format's history."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import typer

from summit_cli import query, records, store
from summit_cli.cli.declare import argument, option
from summit_cli.cli.groups import Filters, Shown, to_filter
from summit_cli.cli.options import FormatKeyArg, only, settings_of
from summit_cli.cli.output import Events, Rows, is_machine
from summit_cli.errors import NotFound
from summit_cli.query import Placed

TIMELINE_KEYS = (*records.RECORD_KEYS, "group", "gap_days")
CALENDAR_KEYS = (*records.RECORD_KEYS, "days")


GroupBy = Literal["month", "format"]
WeekStart = Literal["monday", "sunday"]  # views.monthgrid.WEEK_STARTS
MONTH_HELP = "The first month: 2022-01, 'jan 2022', next (default: the month of now)."


def timeline(
    ctx: typer.Context,
    filters: Filters = only(),
    by: Annotated[
        GroupBy, option("--by", "Group by month (venue date) or by negotiation format.")
    ] = "month",
    shown: Shown = only("output"),
) -> Events:
    """The events on a time line: grouped by month or format, a "now" marker between past
    and future, and the gap since each format's previous meeting.

    Each line: date, time at the venue, a glyph for the kind, title, format and round,
    gap ("+42 days"), status. A moved event shows its original date struck through.

    Example: summits --now 2022-01-11 timeline --by format
    """
    from summit_cli.views import tracks

    settings = settings_of(ctx)
    spec = to_filter(filters, settings)
    current = store.read_store(settings.location())
    items = query.select(current, spec, settings.display, now=settings.now)
    if not items:
        settings.env.say("no events match")
    gaps = tracks.gap_days(items)

    def extra(item: Placed) -> dict[str, Any]:
        first = item.span.first_day()
        group = item.event.format if by == "format" else f"{first:%Y-%m}"
        return {"group": group, "gap_days": gaps.get(item.event.id)}

    def view() -> Any:
        return tracks.timeline_view(items, current, settings.now, settings.display, by=by)

    return Events(items, settings.now, view, TIMELINE_KEYS, extra)


def calendar(
    ctx: typer.Context,
    month: Annotated[str | None, argument("[MONTH]", MONTH_HELP)] = None,
    months: Annotated[int, option("--months -m N", "How many months to show.", min=1, max=36)] = 1,
    week_start: Annotated[
        WeekStart, option("--week-start", "The first day of the week.")
    ] = "monday",
    filters: Filters = only("formats", "kinds", "statuses", "tags"),
    shown: Shown = only("output"),
) -> Events:
    """Month grids with the days of events marked, and a legend listing those events.

    Day and month names are English whatever the locale. With --output json, the
    events shown, each with the days it occupies.

    Example: summits calendar 2021-12 --months 2 --week-start sunday
    """
    from summit_cli.views import tracks
    from summit_cli.views.monthgrid import WEEK_STARTS, parse_month

    settings = settings_of(ctx)
    spec = to_filter(filters, settings)
    today = settings.now.astimezone(settings.display).date()
    year, number = parse_month(month, today) if month else (today.year, today.month)
    current = store.read_store(settings.location())
    items = query.select(current, spec, settings.display, now=settings.now)
    view = tracks.calendar_view(
        items,
        year,
        number,
        months,
        settings.now,
        settings.display,
        week_start=WEEK_STARTS[week_start],
    )
    if not view.legend:
        settings.env.say(tracks.calendar_empty_note(items, year, number, months))
    ids = {line.event_id for line in view.legend}
    shown_items = [item for item in items if item.event.id in ids]
    return Events(
        shown_items,
        settings.now,
        lambda: view,
        CALENDAR_KEYS,
        lambda i: {"days": _days_of(i)},
        always_view=True,
    )


def _days_of(item: Placed) -> list[str]:
    from datetime import timedelta

    first, last = item.span.first_day(), item.span.last_day()
    count = min((last - first).days + 1, 366)
    return [(first + timedelta(days=i)).isoformat() for i in range(count)]


def format_history(
    ctx: typer.Context, key: FormatKeyArg, shown: Shown = only("output")
) -> Events | Rows:
    """One negotiation format: rounds held, first and last meeting, the next one with its
    countdown, and its full history (rounds, venues, participants, outcomes).

    With --output json: the format's record with its events under "history";
    csv, tsv and ids list the events.

    Example: summits --now 2021-12-31 format geneva
    """
    from summit_cli.views import tracks

    settings = settings_of(ctx)
    current = store.read_store(settings.location())
    if key not in current.formats:
        known = ", ".join(current.formats) or "none defined"
        raise NotFound(f"no format {key!r}; known formats: {known}")
    summaries = query.summarize_formats(current, settings.display, settings.now)
    summary = next(s for s in summaries if s.format.key == key)
    items = [
        p
        for p in query.place(current.all_events(), settings.display, now=settings.now)
        if p.event.format == key
    ]
    gaps = tracks.gap_days(items)
    history = Events(
        items,
        settings.now,
        lambda: tracks.format_detail(summary, items, settings.now),
        (*records.RECORD_KEYS, "gap_days"),
        lambda i: {"gap_days": gaps.get(i.event.id)},
    )
    if is_machine(shown.output) and shown.output in {"json", "jsonl"}:
        data = records.format_record(summary, settings.now)
        data["history"] = history.rows()
        return Rows([data], (*records.FORMAT_RECORD_KEYS, "history"))
    return history
