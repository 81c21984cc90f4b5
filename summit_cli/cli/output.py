"""Writing data to stdout in the format asked for; messages go to stderr (``exits.say``)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from enum import StrEnum

from summit_cli import export

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

    from summit_cli.cli.settings import Settings
    from summit_cli.query import Placed
    from summit_cli.views import Card, TableView


class Output(StrEnum):
    """Output formats. table/plain are for people; the rest are stable machine formats."""

    TABLE = "table"
    PLAIN = "plain"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    TSV = "tsv"
    YAML = "yaml"
    IDS = "ids"


def resolve(choice: Output | None, settings: Settings) -> Output:
    """The default is a table on a terminal and plain text otherwise."""
    if choice is not None:
        return choice
    return Output.TABLE if settings.stdout_tty else Output.PLAIN


def write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _rich(renderable: Any, settings: Settings) -> None:
    from summit_cli import render

    render.show(render.console(sys.stdout, color=settings.color), renderable)


def table(view: TableView, settings: Settings, output: Output) -> None:
    if output is Output.TABLE:
        from summit_cli import render

        target = render.console(sys.stdout, color=settings.color)
        render.show(target, render.table(view, target.width))
    else:
        from summit_cli import plain

        write(plain.table(view))


def cards(views: Sequence[Card], settings: Settings, output: Output) -> None:
    if output is Output.TABLE:
        from summit_cli import render

        for view in views:
            _rich(render.card(view), settings)
    else:
        from summit_cli import plain

        write("\n".join(plain.card(v) for v in views))


def records(rows: Sequence[dict[str, Any]], keys: Sequence[str], output: Output) -> None:
    """Machine formats: the same records as JSON, JSON Lines, CSV, TSV or ids."""
    if output is Output.JSON:
        write(export.to_json(rows))
    elif output is Output.JSONL:
        write(export.to_jsonl(rows))
    elif output is Output.CSV:
        write(export.to_csv(rows, keys))
    elif output is Output.TSV:
        write(export.to_tsv(rows, keys))
    elif output is Output.IDS:
        write(export.to_ids(rows))
    elif output is Output.YAML:
        write(export.to_yaml(rows))
    else:  # pragma: no cover - callers route table/plain elsewhere
        raise ValueError(output)


def is_machine(output: Output) -> bool:
    return output not in (Output.TABLE, Output.PLAIN)


def fields_table(rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> TableView:
    """A table of exactly the chosen fields (for --fields with table/plain output)."""
    from summit_cli.views import Cell, Column, TableView

    numeric = {"round", "starts_in_seconds"}
    columns = [
        Column(
            k,
            justify="right" if k in numeric else "left",
            wrap=k in {"title", "notes", "outcome", "participants", "sources"},
        )
        for k in keys
    ]
    from summit_cli.safetext import one_line

    return TableView(
        columns, [[Cell(one_line(export.human(r.get(k)))) for k in keys] for r in rows]
    )


def events(
    items: Sequence[Placed],
    settings: Settings,
    *,
    choice: Output | None,
    fields: str | None,
    template: str | None,
    view: Callable[[], TableView | Sequence[Card]],
) -> None:
    """Print events in the chosen form: a template, a machine format, or a human view.

    --fields picks and orders the keys of every format; --template prints one
    line per event and wins over --output.
    """
    keys = export.parse_fields(fields, export.RECORD_KEYS) if fields else None
    if template is not None:
        parts = export.compile_template(template, export.RECORD_KEYS)
        lines = [export.fill_template(parts, export.record(i, settings.now)) for i in items]
        write("".join(line + "\n" for line in lines))
        return
    chosen = resolve(choice, settings)
    if is_machine(chosen):
        rows = [export.record(i, settings.now) for i in items]
        selected = keys or list(export.RECORD_KEYS)
        if chosen is Output.IDS:
            selected = ["id"]
        records(export.select(rows, selected), selected, chosen)
        return
    if not items:
        return
    if keys:
        rows = [export.record(i, settings.now) for i in items]
        table(fields_table(rows, keys), settings, chosen)
        return
    from summit_cli.views import TableView

    shown = view()
    if isinstance(shown, TableView):
        table(shown, settings, chosen)
    else:
        cards(shown, settings, chosen)
