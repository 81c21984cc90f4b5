"""Commands that draw pictures of the store: timeline, calendar, and one format's history."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any

import typer

from summit_cli import export, query, store, trackviews
from summit_cli.cli import output
from summit_cli.cli.exits import say
from summit_cli.cli.options import (
    CityOpt,
    CountryOpt,
    FormatOpt,
    FromOpt,
    KindOpt,
    OutputOpt,
    SearchOpt,
    StatusOpt,
    TagOpt,
    ToOpt,
    WithOpt,
    build_filter,
    complete_format,
    settings_of,
)
from summit_cli.cli.settings import Settings
from summit_cli.errors import NotFound

TIMELINE_KEYS = (*export.RECORD_KEYS, "group", "gap_days")
CALENDAR_KEYS = (*export.RECORD_KEYS, "days")


class GroupBy(StrEnum):
    MONTH = "month"
    FORMAT = "format"


class WeekStart(StrEnum):
    MONDAY = "monday"
    SUNDAY = "sunday"


def register(app: typer.Typer) -> None:
    app.command("timeline")(timeline)
    app.command("calendar")(calendar)
    app.command("format")(format_history)


def _draw(settings: Settings, build: Callable[[int], Any]) -> None:
    """Print a Rich renderable built for the terminal's width."""
    from summit_cli import render

    target = render.console(sys.stdout, color=settings.color)
    render.show(target, build(target.width))


def timeline(
    ctx: typer.Context,
    formats: FormatOpt = None,
    kinds: KindOpt = None,
    statuses: StatusOpt = None,
    city: CityOpt = None,
    country: CountryOpt = None,
    participant: WithOpt = None,
    tags: TagOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    search: SearchOpt = None,
    by: Annotated[
        GroupBy,
        typer.Option("--by", help="Group by month (venue date) or by negotiation format."),
    ] = GroupBy.MONTH,
    output_format: OutputOpt = None,
) -> None:
    """The events on a time line: grouped by month or format, a "now" marker between past
    and future, and the gap since each format's previous meeting.

    Each line: date, time at the venue, a glyph for the kind, title, format and round,
    gap ("+42 days"), status. A moved event shows its original date struck through.

    Example: summits --now 2022-01-11 timeline --by format
    """
    settings = settings_of(ctx)
    spec = build_filter(
        settings,
        formats=formats,
        kinds=kinds,
        statuses=statuses,
        city=city,
        country=country,
        participant=participant,
        tags=tags,
        start=start,
        end=end,
        search=search,
    )
    current = store.read_store(settings.location())
    items = query.select(current, spec, settings.display, now=settings.now)
    chosen = output.resolve(output_format, settings)
    if not items:
        say("no events match")
    if output.is_machine(chosen):
        gaps = trackviews.gap_days(items)
        rows = []
        for item in items:
            data = export.record(item, settings.now)
            first = item.span.first_day()
            data["group"] = item.event.format if by is GroupBy.FORMAT else f"{first:%Y-%m}"
            data["gap_days"] = gaps.get(item.event.id)
            rows.append(data)
        output.records(rows, TIMELINE_KEYS, chosen)
        return
    if not items:
        return
    view = trackviews.timeline_view(items, current, settings.now, settings.display, by=by.value)
    if chosen is output.Output.TABLE:
        from summit_cli import render

        _draw(settings, lambda width: render.timeline(view, width))
    else:
        from summit_cli import plain

        output.write(plain.timeline(view))


def calendar(
    ctx: typer.Context,
    month: Annotated[
        str | None,
        typer.Argument(
            metavar="[MONTH]",
            help="The first month: 2022-01, 'jan 2022', next (default: the month of now).",
        ),
    ] = None,
    months: Annotated[
        int, typer.Option("--months", "-m", min=1, max=36, help="How many months to show.")
    ] = 1,
    week_start: Annotated[
        WeekStart, typer.Option("--week-start", help="The first day of the week.")
    ] = WeekStart.MONDAY,
    formats: FormatOpt = None,
    kinds: KindOpt = None,
    statuses: StatusOpt = None,
    tags: TagOpt = None,
    output_format: OutputOpt = None,
) -> None:
    """Month grids with the days of events marked, and a legend listing those events.

    Day and month names are English whatever the locale. With --output json, the
    events shown, each with the days it occupies.

    Example: summits calendar 2021-12 --months 2 --week-start sunday
    """
    from datetime import date

    from summit_cli.monthgrid import WEEK_STARTS, add_months, month_title, parse_month

    settings = settings_of(ctx)
    spec = build_filter(
        settings,
        formats=formats,
        kinds=kinds,
        statuses=statuses,
        city=None,
        country=None,
        participant=None,
        tags=tags,
        start=None,
        end=None,
        search=None,
    )
    today = settings.now.astimezone(settings.display).date()
    year, number = parse_month(month, today) if month else (today.year, today.month)
    current = store.read_store(settings.location())
    items = query.select(current, spec, settings.display, now=settings.now)
    view = trackviews.calendar_view(
        items,
        year,
        number,
        months,
        settings.now,
        settings.display,
        week_start=WEEK_STARTS[week_start.value],
    )
    chosen = output.resolve(output_format, settings)
    if not view.legend:
        span = month_title(year, number)
        if months > 1:
            span += " – " + month_title(*add_months(year, number, months - 1))
        hint = ""
        if items:
            lo = date(year, number, 1)
            nearest = min(items, key=lambda p: abs((p.span.first_day() - lo).days))
            first = nearest.span.first_day()
            hint = f"; the nearest is {nearest.event.id}: see 'summits calendar {first:%Y-%m}'"
        say(f"no events in {span}{hint}")
    if output.is_machine(chosen):
        shown = {line.event_id for line in view.legend}
        rows = []
        for item in items:
            if item.event.id not in shown:
                continue
            data = export.record(item, settings.now)
            data["days"] = _days_of(item)
            rows.append(data)
        output.records(rows, CALENDAR_KEYS, chosen)
    elif chosen is output.Output.TABLE:
        from summit_cli import render

        _draw(settings, lambda width: render.calendar(view, width))
    else:
        from summit_cli import plain

        output.write(plain.calendar(view))


def _days_of(item: query.Placed) -> list[str]:
    from datetime import timedelta

    first, last = item.span.first_day(), item.span.last_day()
    count = min((last - first).days + 1, 366)
    return [(first + timedelta(days=i)).isoformat() for i in range(count)]


def format_history(
    ctx: typer.Context,
    key: Annotated[
        str,
        typer.Argument(help="A format key (see: summits formats).", autocompletion=complete_format),
    ],
    output_format: OutputOpt = None,
) -> None:
    """One negotiation format: rounds held, first and last meeting, the next one with its
    countdown, and its full history (rounds, venues, participants, outcomes).

    With --output json: the format's record with its events under "history";
    csv, tsv and ids list the events.

    Example: summits --now 2021-12-31 format geneva
    """
    from summit_cli.cli.formats import FORMAT_RECORD_KEYS, format_record

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
    chosen = output.resolve(output_format, settings)
    gaps = trackviews.gap_days(items)
    history = []
    for item in items:
        data = export.record(item, settings.now)
        data["gap_days"] = gaps.get(item.event.id)
        history.append(data)
    if chosen in (output.Output.JSON, output.Output.JSONL):
        data = format_record(summary, settings.now)
        data["history"] = history
        output.records([data], (*FORMAT_RECORD_KEYS, "history"), chosen)
        return
    if output.is_machine(chosen):
        keys = (*export.RECORD_KEYS, "gap_days")
        output.records(history, keys, chosen)
        return
    view = trackviews.format_detail(summary, items, settings.now)
    if chosen is output.Output.TABLE:
        from summit_cli import render

        _draw(settings, lambda width: render.format_detail(view, width))
    else:
        from summit_cli import plain

        output.write(plain.format_detail(view))
