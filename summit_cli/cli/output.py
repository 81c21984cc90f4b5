"""The one output door: what commands return, printed in the form asked for.

Commands compute data and return it: :class:`Events` (events with a human
view), :class:`Rows` (other records), :class:`Text` (lines made for people, or
exact machine text a writer produced) or :class:`Blob` (bytes of an export).
:func:`emit` prints it: a template, a machine format (``writers``), or a human
view (``render.terminal`` with Rich on a terminal, ``render.text`` otherwise).
Messages go to stderr through ``Environment.say``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum

from summit_cli import records
from summit_cli.cli.groups import Shown

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any, NamedTuple

    from summit_cli.cli.settings import Settings
    from summit_cli.query import Placed
else:
    from summit_cli.lighttuple import NamedTuple


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


MACHINE = frozenset({Output.JSON, Output.JSONL, Output.CSV, Output.TSV, Output.YAML, Output.IDS})


class Events(NamedTuple):
    """Events to print: their records for machines, *view* for people.

    *extra* adds computed keys after the record's (a timeline's group and gap).
    """

    items: Sequence[Placed]
    now: Any
    view: Callable[[], Any] | None = None
    keys: Sequence[str] = records.RECORD_KEYS
    extra: Callable[[Placed], dict[str, Any]] | None = None
    always_view: bool = False  # show the view even with no events (a calendar's month)

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for item in self.items:
            data = records.record(item, self.now)
            if self.extra is not None:
                data.update(self.extra(item))
            out.append(data)
        return out


class Rows(NamedTuple):
    """Records that are not events (formats, fields, findings), and their view for people."""

    rows: Sequence[dict[str, Any]]
    keys: Sequence[str]
    view: Callable[[], Any] | None = None


class Text(NamedTuple):
    """Text to print as it is (an id per line, a countdown line, a writer's JSON)."""

    text: str


class Blob(NamedTuple):
    """Exact bytes (an export), written to stdout untouched."""

    data: bytes


Result = Events | Rows | Text | Blob


def resolve(choice: str | None, settings: Settings) -> Output:
    """The default is a table on a terminal and plain text otherwise."""
    if choice is not None:
        return Output(choice)
    return Output.TABLE if settings.terminal else Output.PLAIN


def is_machine(choice: str | None) -> bool:
    return choice is not None and Output(choice) in MACHINE


def machine_text(rows: Sequence[dict[str, Any]], keys: Sequence[str], output: Output) -> str:
    """Records in a machine format (every writer lives in ``writers``)."""
    from summit_cli import writers

    if output is Output.IDS:
        return writers.to_ids(rows)
    selected = records.select(rows, keys)
    if output is Output.JSON:
        return writers.to_json(selected)
    if output is Output.JSONL:
        return writers.to_jsonl(selected)
    if output is Output.CSV:
        return writers.to_csv(selected, keys)
    if output is Output.TSV:
        return writers.to_tsv(selected, keys)
    return writers.to_yaml(selected)


def emit(result: Result, settings: Settings, shown: Shown | None = None) -> None:
    """Print *result* on stdout in the form *shown* asks for."""
    env = settings.env
    shown = shown or Shown()
    if isinstance(result, Blob):
        env.write_bytes(result.data)
        return
    if isinstance(result, Text):
        env.write(result.text)
        return
    if isinstance(result, Events):
        _events(result, settings, shown)
        return
    chosen = resolve(shown.output, settings)
    if chosen in MACHINE:
        env.write(machine_text(result.rows, result.keys, chosen))
    elif result.view is not None and result.rows:
        show_view(result.view(), settings, chosen)


def _events(result: Events, settings: Settings, shown: Shown) -> None:
    """--template wins over --output; --fields picks and orders the keys of every format."""
    env = settings.env
    keys = records.parse_fields(shown.fields, records.RECORD_KEYS) if shown.fields else None
    if shown.template is not None:
        parts = records.compile_template(shown.template, records.RECORD_KEYS)
        env.write("".join(records.fill_template(parts, row) + "\n" for row in result.rows()))
        return
    chosen = resolve(shown.output, settings)
    if chosen in MACHINE:
        env.write(machine_text(result.rows(), keys or result.keys, chosen))
        return
    if not result.items and not result.always_view:
        return
    if keys or result.view is None:
        from summit_cli.views.tables import fields_table

        show_view(fields_table(result.rows(), keys or list(result.keys)), settings, chosen)
        return
    show_view(result.view(), settings, chosen)


def show_view(view: Any, settings: Settings, chosen: Output) -> None:
    """A view model for people: Rich on a terminal (``table``), plain text otherwise."""
    env = settings.env
    if chosen is Output.TABLE:
        from summit_cli.render import terminal

        terminal.show(view, env.stdout, color=settings.color, width=env.width)
    else:
        from summit_cli.render import text

        env.write(text.show(view, env.width))
