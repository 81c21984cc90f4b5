"""Commands that read events: list, upcoming, next, show, fields."""

from __future__ import annotations

from typing import Annotated

import typer

from summit_cli import links, query, records, store
from summit_cli.cli import reading
from summit_cli.cli.completion import complete_field
from summit_cli.cli.declare import option
from summit_cli.cli.groups import Ahead, Filters, Shown
from summit_cli.cli.options import AHEAD, IdArg, IdsArg, LimitOpt, only, settings_of
from summit_cli.cli.output import Events, Rows, Text
from summit_cli.errors import NotFound

FIELD_HELP = "Print only this field's value (e.g. starts_in_seconds, countdown, id)."


def list_events(
    ctx: typer.Context,
    filters: Filters = only(),
    limit: LimitOpt = None,
    reverse: Annotated[bool, option("--reverse -r", "Newest first.")] = False,
    shown: Shown = only(),
) -> Events:
    """List every event, oldest first (by the real instant, across zones).

    Example: summits list --format geneva --from 2022-01-01 --output json
    """
    return reading.run_list(settings_of(ctx), filters, limit=limit, reverse=reverse)


def upcoming(
    ctx: typer.Context,
    filters: Filters = only(),
    horizon: Ahead = only(),
    limit: LimitOpt = None,
    shown: Shown = only(),
) -> Events:
    """Events not yet over at "now", soonest first, with a countdown.

    Cancelled events are left out unless --all. Ongoing events stay until
    they end ("ongoing, day 2 of 2").

    Example: summits --now 2021-12-31 upcoming --format geneva
    """
    return reading.run_upcoming(settings_of(ctx), filters, horizon, limit=limit)


def next_event(
    ctx: typer.Context,
    filters: Filters = AHEAD,
    horizon: Ahead = only(),
    field: Annotated[
        str | None, option("--field NAME", FIELD_HELP, autocompletion=complete_field)
    ] = None,
    shown: Shown = only(),
) -> Events | Text:
    """The single next event (not over, not cancelled): for prompts and status bars.

    Exit code 1 when there is none.

    Example: summits next --format geneva --field starts_in_seconds
    """
    return reading.run_next(settings_of(ctx), filters, horizon, field=field)


def show(ctx: typer.Context, ids: IdsArg, shown: Shown = only()) -> Events:
    """Every field of one or more events: times at the venue and in your zone, countdown, sources.

    Example: summits show 2022-01-12-brussels-nrc
    """
    settings = settings_of(ctx)
    current = store.read_store(settings.location())
    placed = {p.event.id: p for p in query.place(current.all_events(), settings.display)}
    missing = [i for i in ids if i not in placed]
    if missing:
        raise NotFound(f"no event with id {missing[0]!r}{query.closest(missing[0], list(placed))}")
    items = [placed[i] for i in ids]

    def cards() -> list[object]:
        from summit_cli.views.cards import event_card

        return [event_card(i, current, settings.display, settings.now) for i in items]

    return Events(items, settings.now, cards)


def thread(ctx: typer.Context, event_id: IdArg, shown: Shown = only()) -> Events:
    """The whole story an event belongs to: every event linked to it (follows, agreed at,
    part of), directly or through others, in time order.

    Example: summits thread 2022-01-10-geneva-ssd
    """
    settings = settings_of(ctx)
    current = store.read_store(settings.location())
    query.find_event(current, event_id)  # NotFound, with the nearest ids
    items = query.place(links.thread(current, event_id), settings.display)

    def table() -> object:
        from summit_cli.views.tables import thread_table

        return thread_table(items, event_id)

    return Events(items, settings.now, table)


def fields(ctx: typer.Context, shown: Shown = only("output")) -> Rows:
    """The fields of an event record: for --fields, --template, --field and machine output.

    Example: summits fields
    """
    rows = [{"id": k, "field": k, "meaning": records.FIELD_DOCS[k]} for k in records.RECORD_KEYS]

    def view() -> object:
        from summit_cli.views.base import Cell, Column, TableView

        return TableView(
            [Column("Field"), Column("Meaning", wrap=True, min_width=20)],
            [[Cell(r["field"], "format"), Cell(r["meaning"])] for r in rows],
        )

    return Rows(rows, ["field", "meaning"], view)
