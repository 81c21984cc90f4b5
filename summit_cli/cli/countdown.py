"""The countdown command: how long until an event, once or live."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any

import typer

from summit_cli import export, query, store, timeline
from summit_cli.cli import output
from summit_cli.cli.options import (
    AllOpt,
    CityOpt,
    CountryOpt,
    FormatOpt,
    KindOpt,
    SearchOpt,
    StatusOpt,
    TagOpt,
    WithinOpt,
    WithOpt,
    build_filter,
    complete_id,
    settings_of,
)
from summit_cli.cli.settings import Settings
from summit_cli.errors import InvalidInput, NotFound
from summit_cli.query import Placed

JSON_KEYS = ("id", "title", "starts_in_seconds", "countdown", "start_utc")


def register(app: typer.Typer) -> None:
    app.command("countdown")(countdown)


def target_of(settings: Settings, event_id: str | None, spec: query.Filter, **how: Any) -> Placed:
    """The event to count down to: *event_id* (its next occurrence when recurring),
    else the next event matching *spec*. NotFound when there is none."""
    current = store.read_store(settings.location())
    if event_id is not None:
        from summit_cli import recurrence

        event = query.find_event(current, event_id)
        if not event.rrule:
            return Placed(event, timeline.span_of(event, settings.display))
        ahead = recurrence.next_occurrences(event, settings.now, settings.display, 1)
        if not ahead:
            raise NotFound(f"{event_id} has no occurrence after now")
        return Placed(ahead[0].event, ahead[0].span, ahead[0].day)
    selected = query.select(current, spec, settings.display, now=settings.now)
    items = query.upcoming(selected, settings.now, **how)
    if not items:
        raise NotFound("no upcoming event matches")
    return items[0]


def countdown_line(item: Placed, now: datetime) -> str:
    """``Strategic Stability Dialogue (geneva #3): in 9 days (2022-01-10 Mon, Geneva)``."""
    from summit_cli.safetext import one_line
    from summit_cli.views import format_text, local_when

    event = item.event
    label = format_text(event)
    head = one_line(event.title) + (f" ({one_line(label)})" if label else "")
    where = event.city or event.venue or event.country
    when = local_when(item.span) + (f", {one_line(where)}" if where else "")
    return f"{head}: {timeline.countdown(item.span, now).text} ({when})"


def watch(
    line_at: Callable[[datetime], str],
    now: Callable[[], datetime],
    target: Any,
    *,
    sleep: Callable[[float], None] = time.sleep,
    frames: int | None = None,
) -> None:
    """Show ``line_at(now())`` live on the Rich console *target*, once a second.

    Runs until Ctrl-C (returns normally then) or, for tests, after *frames* frames.
    """
    from summit_cli import render

    with contextlib.suppress(KeyboardInterrupt):
        render.live_countdown(target, lambda: line_at(now()), sleep=sleep, frames=frames)


def countdown(
    ctx: typer.Context,
    event_id: Annotated[
        str | None,
        typer.Argument(
            metavar="[ID]",
            help="An event id; without it, the next event matching the filters.",
            autocompletion=complete_id,
        ),
    ] = None,
    formats: FormatOpt = None,
    kinds: KindOpt = None,
    statuses: StatusOpt = None,
    city: CityOpt = None,
    country: CountryOpt = None,
    participant: WithOpt = None,
    tags: TagOpt = None,
    search: SearchOpt = None,
    within: WithinOpt = None,
    include_all: AllOpt = False,
    live: Annotated[
        bool,
        typer.Option("--watch", "-w", help="Update every second until Ctrl-C (terminal only)."),
    ] = False,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="json",
            help="json: {id, title, starts_in_seconds, countdown, start_utc}.",
        ),
    ] = None,
) -> None:
    """The countdown to an event, or to the next event matching the filters.

    Recurring events count down to their next occurrence. Exit code 1 when
    nothing matches. --watch keeps it on screen, updating every second.

    Example: summits countdown --format geneva
    """
    settings = settings_of(ctx)
    if output_format is not None and output_format.lower() != "json":
        raise InvalidInput(f"--output {output_format!r}: countdown prints text or json")
    if live and output_format is not None:
        raise InvalidInput("--watch and --output json do not go together")
    if live and not settings.stdout_tty:
        raise InvalidInput("--watch needs a terminal (stdout is not one); drop --watch")
    if event_id is not None and any(
        (formats, kinds, statuses, city, country, participant, tags, search, within)
    ):
        raise InvalidInput("give an ID or filters, not both")
    spec = build_filter(
        settings,
        formats=formats,
        kinds=kinds,
        statuses=statuses,
        city=city,
        country=country,
        participant=participant,
        tags=tags,
        start=None,
        end=None,
        search=search,
    )
    horizon = timeline.parse_duration(within) if within else None
    item = target_of(settings, event_id, spec, include_cancelled=include_all, within=horizon)
    if output_format is not None:
        data = export.record(item, settings.now)
        import json

        output.write(json.dumps({k: data[k] for k in JSON_KEYS}, ensure_ascii=False, indent=2))
        output.write("\n")
        return
    if not live:
        output.write(countdown_line(item, settings.now) + "\n")
        return
    from summit_cli import render

    started, origin = time.monotonic(), settings.now
    watch(
        lambda moment: countdown_line(item, moment),
        lambda: origin + timedelta(seconds=time.monotonic() - started),
        render.console(sys.stdout, color=settings.color),
    )
