"""Commands that read events: list, upcoming, next, show, fields."""

from __future__ import annotations

from typing import Annotated

import typer

from summit_cli import export, query, store
from summit_cli.cli import output, reading
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
    complete_field,
    complete_id,
    settings_of,
)
from summit_cli.errors import InvalidInput, NotFound


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
    reading.run_list(
        settings_of(ctx),
        _filters(locals()),
        limit=limit,
        reverse=reverse,
        output_format=output_format,
        fields_text=fields_text,
        template=template,
    )


def _filters(params: dict[str, object]) -> dict[str, object]:
    """The filter options among a command's parameters (for reading.build_filter)."""
    return {key: params.get(key) for key in reading.FILTER_KEYS}


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
    reading.run_upcoming(
        settings_of(ctx),
        _filters(locals()),
        within=within,
        include_all=include_all,
        limit=limit,
        output_format=output_format,
        fields_text=fields_text,
        template=template,
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
    reading.run_next(
        settings_of(ctx),
        _filters(locals()),
        within=within,
        include_all=include_all,
        field=field,
        output_format=output_format,
        fields_text=fields_text,
        template=template,
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
    from summit_cli import views

    settings = settings_of(ctx)
    current = store.read_store(settings.location())
    placed = {p.event.id: p for p in query.place(current.all_events(), settings.display)}
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
