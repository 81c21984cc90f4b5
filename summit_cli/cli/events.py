"""Commands that read events: list, upcoming, show."""

from __future__ import annotations

from typing import Annotated

import typer

from summit_cli import export, query, store, views
from summit_cli.cli import output
from summit_cli.cli.exits import say
from summit_cli.cli.options import (
    CityOpt,
    CountryOpt,
    FormatOpt,
    FromOpt,
    KindOpt,
    LimitOpt,
    OutputOpt,
    SearchOpt,
    StatusOpt,
    TagOpt,
    ToOpt,
    WithOpt,
    build_filter,
    complete_id,
    settings_of,
)
from summit_cli.errors import NotFound


def register(app: typer.Typer) -> None:
    app.command("list")(list_events)
    app.command("upcoming")(upcoming)
    app.command("show")(show)


def list_events(
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
    limit: LimitOpt = None,
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Newest first.")] = False,
    output_format: OutputOpt = None,
) -> None:
    """List every event, oldest first (by the real instant, across zones).

    Example: summits list --format geneva --from 2022-01-01 --output json
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
    items = query.select(current, spec, settings.display)
    if reverse:
        items.reverse()
    if limit is not None:
        items = items[:limit]
    chosen = output.resolve(output_format, settings)
    if not items:
        say("no events match")
    if output.is_machine(chosen):
        output.records([export.record(i) for i in items], export.RECORD_KEYS, chosen)
    elif items:
        output.table(views.events_table(items, settings.display), settings, chosen)


def upcoming(
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
    within: Annotated[
        str | None,
        typer.Option(
            "--within",
            metavar="DURATION",
            help="Only events starting within DURATION from now: 7d, 2w, 36h, 90min.",
        ),
    ] = None,
    include_all: Annotated[
        bool, typer.Option("--all", "-a", help="Include cancelled events.")
    ] = False,
    limit: LimitOpt = None,
    output_format: OutputOpt = None,
) -> None:
    """Events not yet over at "now", soonest first, with a countdown.

    Cancelled events are left out unless --all. Ongoing events stay until
    they end ("ongoing, day 2 of 2").

    Example: summits --now 2021-12-31 upcoming --format geneva
    """
    from summit_cli import timeline

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
    horizon = timeline.parse_duration(within) if within else None
    current = store.read_store(settings.location())
    selected = query.select(current, spec, settings.display)
    items = query.upcoming(selected, settings.now, include_cancelled=include_all, within=horizon)
    if limit is not None:
        items = items[:limit]
    chosen = output.resolve(output_format, settings)
    if not items:
        latest = query.latest_past(selected, settings.now)
        if latest is None:
            say("no upcoming events match")
        else:
            day = f"{latest.span.first_day():%Y-%m-%d}"
            say(
                f"no upcoming events match; the latest past one is {latest.event.id} ({day}): "
                f"see it with 'summits show {latest.event.id}' or look from then with "
                f"'summits --now {day} upcoming'"
            )
    if output.is_machine(chosen):
        output.records(
            [export.record(i, settings.now) for i in items],
            export.RECORD_KEYS + export.COUNTDOWN_KEYS,
            chosen,
        )
    elif items:
        output.table(views.events_table(items, settings.display, settings.now), settings, chosen)


def show(
    ctx: typer.Context,
    ids: Annotated[
        list[str],
        typer.Argument(
            metavar="ID...",
            help="Event ids (see: summits list --output ids).",
            autocompletion=complete_id,
        ),
    ],
    output_format: OutputOpt = None,
) -> None:
    """Every field of one or more events: times at the venue and in your zone, countdown, sources.

    Example: summits show 2022-01-12-brussels-nrc
    """
    settings = settings_of(ctx)
    current = store.read_store(settings.location())
    placed = {p.event.id: p for p in query.place(current.events, settings.display)}
    missing = [i for i in ids if i not in placed]
    if missing:
        raise NotFound(f"no event with id {missing[0]!r}" + _closest(missing[0], list(placed)))
    items = [placed[i] for i in ids]
    chosen = output.resolve(output_format, settings)
    if output.is_machine(chosen):
        output.records(
            [export.record(i, settings.now) for i in items],
            export.RECORD_KEYS + export.COUNTDOWN_KEYS,
            chosen,
        )
        return
    cards = [views.event_card(i, current, settings.display, settings.now) for i in items]
    output.cards(cards, settings, chosen)


def _closest(wanted: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.5)
    return (
        f" (did you mean {', '.join(close)}?)"
        if close
        else " (list them with: summits list --output ids)"
    )
