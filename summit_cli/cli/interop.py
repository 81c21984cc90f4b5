"""Commands that move events in and out: export (ICS, CSV, JSON), import, schema."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from summit_cli import export, query, store
from summit_cli.cli import output
from summit_cli.cli.exits import say
from summit_cli.cli.options import (
    CityOpt,
    CountryOpt,
    FormatOpt,
    FromOpt,
    KindOpt,
    SearchOpt,
    StatusOpt,
    TagOpt,
    ToOpt,
    WithOpt,
    build_filter,
    complete_format,
    settings_of,
)
from summit_cli.errors import InvalidData, InvalidInput, NotFound, Problem, StoreIOError
from summit_cli.model import Store

# Keys of an exported record that depend on "now": left out of a data export.
_NOW_KEYS = frozenset({"phase", "starts_in_seconds", "countdown"})


class ExportFormat(StrEnum):
    """What ``export`` writes."""

    ICS = "ics"
    CSV = "csv"
    JSON = "json"


class ImportType(StrEnum):
    """What ``import`` reads (default: from the file's suffix)."""

    ICS = "ics"
    CSV = "csv"
    JSON = "json"
    YAML = "yaml"


_SUFFIXES: dict[str, str] = {
    ".ics": "ics",
    ".ical": "ics",
    ".icalendar": "ics",
    ".ifb": "ics",
    ".csv": "csv",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
}


def register(app: typer.Typer) -> None:
    app.command("export")(export_events)
    app.command("import")(import_events)
    app.command("schema")(print_schema)


# ------------------------------------------------------------------ export


def export_keys() -> list[str]:
    """The record keys of a data export: everything but the countdown to "now"."""
    return [k for k in export.RECORD_KEYS if k not in _NOW_KEYS]


def _export_format(choice: ExportFormat | None, file: str | None) -> ExportFormat:
    if file is not None and not Path(file).suffix and file.lower() in set(ExportFormat):
        raise InvalidInput(
            f"-o names the file to write; to choose the format, use --output {file.lower()}"
        )
    if choice is not None:
        return choice
    if file is not None:
        kind = _SUFFIXES.get(Path(file).suffix.lower())
        if kind in set(ExportFormat):
            return ExportFormat(kind)
    return ExportFormat.ICS


def export_events(
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
    output_format: Annotated[
        ExportFormat | None,
        typer.Option(
            "--output",
            help="ics (an RFC 5545 calendar; the default), csv or json. Default: from the "
            "suffix of -o FILE, else ics.",
            case_sensitive=False,
        ),
    ] = None,
    file: Annotated[
        str | None,
        typer.Option(
            "-o",
            "--file",
            metavar="FILE",
            help="Write to FILE (replaced atomically) instead of stdout.",
        ),
    ] = None,
    name: Annotated[
        str,
        typer.Option("--name", help="The calendar's name in calendar apps (X-WR-CALNAME)."),
    ] = "summits",
) -> None:
    """Export events as an iCalendar feed, CSV or JSON (filters as for list).

    The ICS has one VEVENT per event with a stable UID (<id>@summits), so
    re-importing an updated export updates events instead of duplicating them.

    Example: summits export --format geneva -o geneva.ics
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
    chosen = _export_format(output_format, file)
    current = store.read_store(settings.location())
    items = query.select(current, spec, settings.display)
    if not items:
        say("no events match")
    if chosen is ExportFormat.ICS:
        from summit_cli import ics

        data = ics.to_ics([i.event for i in items], current.formats, stamp=settings.now, name=name)
    else:
        keys = export_keys()
        rows = [export.select([export.record(i, settings.now)], keys)[0] for i in items]
        if chosen is ExportFormat.CSV:
            from summit_cli import csvio

            text = export.to_csv(csvio.csv_rows_for_export(rows), keys)
        else:
            text = export.to_json(rows)
        data = text.encode("utf-8")
    if file is None or file == "-":
        _write_stdout(data)
        return
    store.write_export(Path(file).expanduser(), data)
    say(f"wrote {len(items)} event{'s' if len(items) != 1 else ''} ({chosen.value}) to {file}")


def _write_stdout(data: bytes) -> None:
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        output.write(data.decode("utf-8"))
        return
    sys.stdout.flush()
    buffer.write(data)
    buffer.flush()


# ------------------------------------------------------------------ import


class _NothingToDo(Exception):
    """Raised inside the store update when the import changes nothing: no write at all."""


def _read_input(path: str, kind: ImportType | None) -> tuple[str, str, str]:
    """(text, type, source name) of the file to import; '-' is stdin (needs --type)."""
    if path == "-":
        if kind is None:
            raise InvalidInput("reading stdin needs --type ics|csv|json|yaml")
        data = sys.stdin.buffer.read(store.MAX_STORE_BYTES + 1)
        source = "<stdin>"
    else:
        file = Path(path).expanduser()
        if kind is None:
            guessed = _SUFFIXES.get(file.suffix.lower())
            if guessed is None:
                raise InvalidInput(
                    f"{path}: cannot tell the type from the suffix "
                    f"{file.suffix or '(none)'!r}; use .ics, .csv, .json, .yaml or --type"
                )
            kind = ImportType(guessed)
        try:
            with file.open("rb") as handle:
                data = handle.read(store.MAX_STORE_BYTES + 1)
        except FileNotFoundError:
            raise NotFound(f"no such file: {path}") from None
        except IsADirectoryError:
            raise StoreIOError(f"{path}: is a folder, not a file") from None
        except OSError as exc:
            raise StoreIOError(f"{path}: cannot read: {exc.strerror or exc}") from None
        source = path
    if len(data) > store.MAX_STORE_BYTES:
        raise InvalidData(source, [Problem("", f"larger than {store.MAX_STORE_BYTES} bytes")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidData(source, [Problem(f"line {line}", "not valid UTF-8")]) from None
    return text, kind.value, source


def read_batch(text: str, kind: str, source: str) -> Any:
    """The file's content as an import batch (see csvio.Batch)."""
    from summit_cli import csvio

    if kind == "ics":
        from summit_cli import ics

        return ics.ics_batch(text, source)
    if kind == "csv":
        return csvio.csv_batch(text, source)
    syntax: store.Syntax = "json" if kind == "json" else "yaml"
    tree = store.parse_text(text, syntax, source)
    if isinstance(tree, list):
        return csvio.records_batch(tree, source)
    from summit_cli.fromplain import store_from_plain

    parsed, problems = store_from_plain({} if tree is None else tree)
    problems += store.validate_store(parsed)
    if problems:
        raise InvalidData(source, problems)
    return csvio.store_batch(parsed, source)


def import_events(
    ctx: typer.Context,
    path: Annotated[
        str,
        typer.Argument(
            metavar="FILE",
            help="An .ics calendar (an invitation, another calendar's export), a .csv from "
            "'summits export --output csv', or a .json/.yaml store or record list; '-' is stdin.",
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="KEY",
            help="Put imported events that have no format into this negotiation format.",
            autocompletion=complete_format,
        ),
    ] = None,
    kind: Annotated[
        ImportType | None,
        typer.Option(
            "--type", help="The file's type (default: from its suffix).", case_sensitive=False
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Check and report, write nothing.")
    ] = False,
    update: Annotated[
        bool,
        typer.Option(
            "--update/--no-update",
            help="Replace events whose id (ICS: UID) is already in the store (default), or "
            "skip them.",
        ),
    ] = True,
) -> None:
    """Import events from a calendar file, a CSV or another store: all or nothing.

    Events are matched by id (an ICS event by its UID), so importing the same
    file twice changes nothing. Prints what was added, updated, unchanged and
    skipped on stderr; any problem in the file stops the whole import and is
    listed.

    Example: summits import invitation.ics --format geneva --dry-run
    """
    from summit_cli import csvio

    settings = settings_of(ctx)
    text, type_name, source = _read_input(path, kind)
    batch = read_batch(text, type_name, source)
    batch.check()
    for warning in batch.warnings:
        say(warning, kind="warning")
    outcome: dict[str, Any] = {}

    def change(current: Store) -> Store:
        known = {**batch.formats, **current.formats}
        if fmt is not None and fmt not in known:
            raise InvalidInput(
                f"unknown format {fmt!r}; known formats: {', '.join(known) or 'none defined'} "
                "(define one with: summits formats add KEY --name NAME)"
            )
        events = csvio.events_of(batch, current, default_format=fmt)
        used = {e.format for e in events if e.format}
        new_formats = [batch.formats[k] for k in batch.formats if k not in current.formats]
        new_formats = [f for f in new_formats if f.key in used or not batch.records]
        widened = current
        for definition in new_formats:
            widened = widened.with_format(definition)
        skipped: list[str] = []
        if not update:
            existing = {e.id for e in current.events}
            skipped = [e.id for e in events if e.id in existing]
            events = [e for e in events if e.id not in existing]
        merged, report = query.merge_events(widened, events, update=True)
        outcome.update(report=report, skipped=skipped, formats=[f.key for f in new_formats])
        if not report.added and not report.updated and not new_formats:
            raise _NothingToDo
        return merged

    try:
        saved: store.Saved | None = store.update(
            settings.location(), change, lock_timeout=settings.lock_timeout, dry_run=dry_run
        )
    except _NothingToDo:
        saved = None
    report: query.MergeReport = outcome["report"]
    skipped = [*outcome["skipped"], *batch.skipped]
    verb = "would import" if dry_run else "imported"
    say(
        f"{verb} {source}: {len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(skipped)} skipped"
    )
    for label, ids in (
        ("new formats", outcome["formats"]),
        ("added", report.added),
        ("updated", report.updated),
        ("skipped", skipped),
    ):
        if ids:
            say(f"  {label}: {', '.join(ids)}")
    if saved is None:
        say("nothing to change; the store was not written")
    elif dry_run:
        say("dry run: nothing was written")
    else:
        from summit_cli.cli.add import report_saved

        report_saved(saved, "saved")


# ------------------------------------------------------------------ schema


def print_schema() -> None:
    """Print the JSON Schema of the store (for editors, CI checks and other tools).

    Example: summits schema > store.schema.json
    """
    from summit_cli import schema

    output.write(schema.schema_text())
