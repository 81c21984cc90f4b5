"""Commands that read events: list, upcoming, next, show, fields."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, timedelta
from typing import Annotated

import typer

from summit_cli import export, query, store, timeline, views
from summit_cli.cli import output
from summit_cli.cli.exits import say
from summit_cli.cli.options import (
    AllOpt,
    CityOpt,
    CountryOpt,
    FieldsOpt,
    FormatOpt,
    FromOpt,
    KindOpt,
    LimitOpt,
    OutputOpt,
    SearchOpt,
    StatusOpt,
    TagOpt,
    TemplateOpt,
    ToOpt,
    WithinOpt,
    WithOpt,
    build_filter,
    complete_field,
    complete_id,
    settings_of,
)
from summit_cli.cli.settings import Settings
from summit_cli.errors import InvalidInput, NotFound
from summit_cli.query import Filter, Placed


def register(app: typer.Typer) -> None:
    app.command("list")(list_events)
    app.command("upcoming")(upcoming)
    app.command("next")(next_event)
    app.command("show")(show)
    app.command("fields")(fields)


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
    fields_text: FieldsOpt = None,
    template: TemplateOpt = None,
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
    items = query.select(current, spec, settings.display, now=settings.now)
    if query.truncated_series(current, spec):
        say("recurring events are shown until one year from now; use --to to see further")
    if reverse:
        items.reverse()
    if limit is not None:
        items = items[:limit]
    if not items:
        say("no events match")
    output.events(
        items,
        settings,
        choice=output_format,
        fields=fields_text,
        template=template,
        view=lambda: views.events_table(items, settings.display),
    )


def _upcoming(
    settings: Settings, spec: Filter, within: str | None, include_all: bool
) -> tuple[list[Placed], Callable[[], str]]:
    """(upcoming events, a function explaining why there are none) for upcoming and next.

    Recurring events are expanded from now on: the window starts at now (an
    occurrence still under way overlaps it) and ends at --to or --within.
    """
    horizon = timeline.parse_duration(within) if within else None
    current = store.read_store(settings.location())
    lo = max(spec.start, settings.now) if spec.start is not None else settings.now
    hi = spec.end
    if horizon is not None:
        # Exclusive bound just past now + within: an event starting right then counts.
        limit = (settings.now.astimezone(UTC) + horizon + timedelta(microseconds=1)).astimezone(
            settings.display
        )
        hi = min(hi, limit) if hi is not None else limit
    ahead = replace(spec, start=lo, end=hi)
    selected = query.select(current, ahead, settings.display, now=settings.now)
    items = query.upcoming(selected, settings.now, include_cancelled=include_all, within=horizon)

    def why() -> str:
        return _nothing_ahead(query.select(current, spec, settings.display), settings)

    return items, why


def _nothing_ahead(selected: list[Placed], settings: Settings) -> str:
    latest = query.latest_past(selected, settings.now)
    if latest is None:
        return "no upcoming events match"
    day = f"{latest.span.first_day():%Y-%m-%d}"
    return (
        f"no upcoming events match; the latest past one is {latest.event.id} ({day}): "
        f"see it with 'summits show {latest.event.id}' or look from then with "
        f"'summits --now {day} upcoming'"
    )


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
    within: WithinOpt = None,
    include_all: AllOpt = False,
    limit: LimitOpt = None,
    output_format: OutputOpt = None,
    fields_text: FieldsOpt = None,
    template: TemplateOpt = None,
) -> None:
    """Events not yet over at "now", soonest first, with a countdown.

    Cancelled events are left out unless --all. Ongoing events stay until
    they end ("ongoing, day 2 of 2").

    Example: summits --now 2021-12-31 upcoming --format geneva
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
    items, why = _upcoming(settings, spec, within, include_all)
    if limit is not None:
        items = items[:limit]
    if not items:
        say(why())
    output.events(
        items,
        settings,
        choice=output_format,
        fields=fields_text,
        template=template,
        view=lambda: views.events_table(items, settings.display, settings.now),
    )


def next_event(
    ctx: typer.Context,
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
    field: Annotated[
        str | None,
        typer.Option(
            "--field",
            metavar="NAME",
            help="Print only this field's value (e.g. starts_in_seconds, countdown, id).",
            autocompletion=complete_field,
        ),
    ] = None,
    output_format: OutputOpt = None,
    fields_text: FieldsOpt = None,
    template: TemplateOpt = None,
) -> None:
    """The single next event (not over, not cancelled): for prompts and status bars.

    Exit code 1 when there is none.

    Example: summits next --format geneva --field starts_in_seconds
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
        start=None,
        end=None,
        search=search,
    )
    if field is not None:
        export.check_fields([field], export.RECORD_KEYS)
    items, why = _upcoming(settings, spec, within, include_all)
    if not items:
        raise NotFound(why())
    first = items[:1]
    if field is not None:
        output.write(export.human(export.record(first[0], settings.now)[field]) + "\n")
        return
    output.events(
        first,
        settings,
        choice=output_format,
        fields=fields_text,
        template=template,
        view=lambda: views.events_table(first, settings.display, settings.now),
    )


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
    fields_text: FieldsOpt = None,
    template: TemplateOpt = None,
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
    output.events(
        items,
        settings,
        choice=output_format,
        fields=fields_text,
        template=template,
        view=lambda: [views.event_card(i, current, settings.display, settings.now) for i in items],
    )


def fields(
    output_format: OutputOpt = None,
) -> None:
    """The fields of an event record: for --fields, --template, --field and machine output.

    Example: summits fields
    """
    rows = [{"field": k, "meaning": export.FIELD_DOCS[k]} for k in export.RECORD_KEYS]
    if output_format is not None and output.is_machine(output_format):
        if output_format is output.Output.IDS:
            raise InvalidInput("--output ids does not apply to fields")
        output.records(rows, ["field", "meaning"], output_format)
        return
    width = max(len(k) for k in export.RECORD_KEYS)
    output.write("".join(f"{r['field']:<{width}}  {r['meaning']}\n" for r in rows))


def _closest(wanted: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.5)
    if close:
        return f" (did you mean {', '.join(close)}?)"
    return " (list them with: summits list --output ids)"
