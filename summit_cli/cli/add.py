"""The ``add`` command: a new event (or a file of them), validated and written safely."""

from __future__ import annotations

from typing import Annotated

import typer

from summit_cli import edits, query, store
from summit_cli.cli.declare import argument, option
from summit_cli.cli.files import read_bytes
from summit_cli.cli.groups import context
from summit_cli.cli.options import DryRunOpt, only, settings_of
from summit_cli.cli.output import Text
from summit_cli.cli.settings import Settings
from summit_cli.cli.writing import write
from summit_cli.edits import Fields
from summit_cli.errors import InvalidInput
from summit_cli.interop.textcodec import decode_text
from summit_cli.model import Event, Store

MAX_INPUT_BYTES = 16 * 1024 * 1024

FROM_FILE_HELP = (
    "Add the events of a YAML or JSON file (one record or a list; - reads stdin). All or nothing."
)
UPDATE_HELP = (
    "With --from-file: an existing id is updated instead of refused (importing the same file "
    "twice changes nothing)."
)


def add(
    ctx: typer.Context,
    title: Annotated[str | None, argument("[TITLE]", "What the meeting is called.")] = None,
    fields: Fields = only(),
    event_id: Annotated[
        str | None, option("--id ID", "Id to use (default: generated from date, place and format).")
    ] = None,
    from_file: Annotated[str | None, option("--from-file FILE|-", FROM_FILE_HELP)] = None,
    update: Annotated[bool, option("--update", UPDATE_HELP)] = False,
    dry_run: DryRunOpt = False,
) -> Text | None:
    """Add an event: validates it, writes the store safely, prints the new id on stdout.

    Example: summits add "NATO-Russia Council" --start "2022-01-12 10:00" --city Brussels
    --format nrc --kind council --with NATO --with Russia
    """
    settings = settings_of(ctx)
    if from_file is not None:
        if title is not None or fields.start is not None:
            raise InvalidInput("give either TITLE --start WHEN or --from-file, not both")
        return _add_from_file(settings, from_file, update=update, dry_run=dry_run)
    if update:
        raise InvalidInput("--update only applies with --from-file")
    if title is None or fields.start is None:
        raise InvalidInput("give a TITLE and --start WHEN (or --from-file FILE)")
    created: list[Event] = []

    def change(current: Store) -> Store:
        event = edits.build_event(
            context(settings), current, title=title, fields=fields, event_id=event_id
        )
        updated = query.add_event(current, event)
        created.append(updated.events[-1])
        return updated

    def what() -> str:
        event = created[-1]
        zone = f" {event.timezone}" if event.timezone else ""
        return f"added {event.id} ({event.title}, {event.start}{zone})"

    _, diff = write(settings, change, dry_run=dry_run, what=what)
    for note in edits.notes_for(created[-1]):
        settings.env.say(note, kind="note")
    return diff or Text(created[-1].id + "\n")


def read_records(source: str, settings: Settings) -> tuple[object, str]:
    """The parsed tree of --from-file (YAML or JSON, the store's hostile-input rules)."""
    data, name = read_bytes(source, settings.env, MAX_INPUT_BYTES)
    text, _ = decode_text(data, name)
    is_json = source.lower().endswith(".json") or (
        source == "-" and text.lstrip()[:1] in {"[", "{"}
    )
    return store.parse_text(text, "json" if is_json else "yaml", name), name


def _add_from_file(settings: Settings, source: str, *, update: bool, dry_run: bool) -> Text:
    tree, name = read_records(source, settings)
    reports: list[query.MergeReport] = []

    def change(current: Store) -> Store:
        events = edits.events_from_records(tree, current, name)
        merged, report = query.merge_events(current, events, update=update)
        reports.append(report)
        return merged

    def what() -> str:
        report = reports[-1]
        return (
            f"added {len(report.added)}, updated {len(report.updated)}, "
            f"unchanged {len(report.unchanged)}"
        )

    _, diff = write(settings, change, dry_run=dry_run, what=what)
    if diff is not None:
        return diff
    return Text("".join(f"{i}\n" for i in (*reports[-1].added, *reports[-1].updated)))
