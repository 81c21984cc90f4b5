"""Commands that move events in and out: export (ICS, CSV, JSON, HTML), import, schema."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from summit_cli import query, records, store
from summit_cli.cli.declare import argument, option
from summit_cli.cli.files import read_bytes
from summit_cli.cli.groups import Filters, to_filter
from summit_cli.cli.option_groups import format_option, zone_option
from summit_cli.cli.options import only, settings_of
from summit_cli.cli.output import Blob, Text
from summit_cli.cli.settings import Settings
from summit_cli.cli.writing import report_saved
from summit_cli.errors import InvalidInput
from summit_cli.interop import importing
from summit_cli.model import Store

# Keys of an exported record that depend on "now": left out of a data export.
_NOW_KEYS = frozenset({"phase", "starts_in_seconds", "countdown"})


class ExportFormat(StrEnum):
    """What ``export`` writes."""

    ICS = "ics"
    CSV = "csv"
    JSON = "json"
    HTML = "html"


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
    ".tsv": "csv",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
}


# ------------------------------------------------------------------ export

# -o FILE's suffix -> what export writes (an .html page is written, never read).
_EXPORT_SUFFIXES: dict[str, str] = {**_SUFFIXES, ".html": "html", ".htm": "html"}


def export_keys() -> list[str]:
    """The record keys of a data export: everything but the countdown to "now"."""
    return [k for k in records.RECORD_KEYS if k not in _NOW_KEYS]


def _export_format(choice: ExportFormat | None, file: str | None) -> ExportFormat:
    if file is not None and not Path(file).suffix and file.lower() in set(ExportFormat):
        raise InvalidInput(
            f"-o names the file to write; to choose the format, use --output {file.lower()}"
        )
    if choice is not None:
        return choice
    if file is not None:
        kind = _EXPORT_SUFFIXES.get(Path(file).suffix.lower())
        if kind in set(ExportFormat):
            return ExportFormat(kind)
    return ExportFormat.ICS


EXPORT_OUTPUT_HELP = (
    "ics (an RFC 5545 calendar; the default), csv, json, or html (a self-contained timeline page "
    "to publish). Default: from the suffix of -o FILE, else ics."
)
FILE_HELP = "Write to FILE (replaced atomically) instead of stdout."
TITLE_HELP = (
    "html: the page's title and heading. Default: the format's name when one --format is given, "
    "else 'summits timeline'."
)


def export_events(
    ctx: typer.Context,
    filters: Filters = only(),
    output_format: Annotated[
        ExportFormat | None, option("--output FORMAT", EXPORT_OUTPUT_HELP, case_sensitive=False)
    ] = None,
    file: Annotated[str | None, option("-o --file FILE", FILE_HELP)] = None,
    name: Annotated[
        str, option("--name TEXT", "The calendar's name in calendar apps (X-WR-CALNAME).")
    ] = "summits",
    title: Annotated[str | None, option("--title TEXT", TITLE_HELP)] = None,
) -> Blob | None:
    """Export events as an iCalendar feed, CSV, JSON or an HTML page (filters as for list).

    The ICS has one VEVENT per event with a stable UID (<id>@summits), so
    re-importing an updated export updates events instead of duplicating them.

    The HTML page is one self-contained file (no network requests; it works
    with scripts off): a timeline by month and swimlanes by format, times at
    the venue and in the reader's zone, live countdowns, filters kept in the
    link. Recurring events appear once per occurrence, as in list. The same
    store and --now give the same bytes.

    Example: summits export --format geneva -o geneva.ics

    Example: summits export -o talks.html --title "Security talks, winter 2022"
    """
    settings = settings_of(ctx)
    spec = to_filter(filters, settings)
    chosen = _export_format(output_format, file)
    if title is not None and chosen is not ExportFormat.HTML:
        raise InvalidInput(
            f"--title names an html page; this export is {chosen.value}"
            + (" (a calendar's name is --name)" if chosen is ExportFormat.ICS else "")
        )
    if title is not None and not title.strip():
        raise InvalidInput("--title needs some text (leave it out for the default)")
    current = store.read_store(settings.location())
    page = chosen is ExportFormat.HTML
    # A page is a timeline, like list: a series becomes its occurrences (up to a year ahead).
    items = query.select(current, spec, settings.display, now=settings.now if page else None)
    if page and query.truncated_series(current, spec):
        settings.env.say(
            "recurring events are shown until one year from now; use --to to see further"
        )
    if not items:
        settings.env.say("no events match")
    if chosen is ExportFormat.ICS:
        from summit_cli.interop import ics

        data = ics.to_ics([i.event for i in items], current.formats, name=name)
        undated = sum(1 for i in items if i.event.start.tbd)
        if undated:
            settings.env.say(
                f"{undated} event{'s' if undated != 1 else ''} with no date yet (tbd) "
                "left out of the calendar"
            )
    elif page:
        data = _page(current, spec, items, settings, title).encode("utf-8")
    else:
        from summit_cli import writers

        keys = export_keys()
        rows = records.select([records.record(i, settings.now) for i in items], keys)
        text = writers.to_csv(rows, keys) if chosen is ExportFormat.CSV else writers.to_json(rows)
        data = text.encode("utf-8")
    if file is None or file == "-":
        return Blob(data)
    store.write_export(Path(file).expanduser(), data)
    plural = "s" if len(items) != 1 else ""
    settings.env.say(f"wrote {len(items)} event{plural} ({chosen.value}) to {file}")
    return None


def _page(
    current: Store,
    spec: query.Filter,
    items: list[query.Placed],
    settings: Settings,
    title: str | None,
) -> str:
    """The HTML timeline page of *items* (``summit_cli.publish.page``)."""
    from summit_cli import __version__
    from summit_cli.publish.page import render_page

    if title is None:
        only_one = current.formats.get(spec.formats[0]) if len(set(spec.formats)) == 1 else None
        title = only_one.name if only_one else "summits timeline"
    return render_page(
        [records.record(i, settings.now) for i in items],
        {key: fmt.to_plain() for key, fmt in current.formats.items()},
        title=title,
        now=settings.now,
        generated_by=f"summits {__version__}",
    )


# ------------------------------------------------------------------ import


def _kind_of(path: str, kind: ImportType | None) -> str:
    if kind is not None:
        return kind.value
    if path == "-":
        raise InvalidInput("reading stdin needs --type ics|csv|json|yaml")
    suffix = Path(path).suffix.lower()
    guessed = _SUFFIXES.get(suffix)
    if guessed is None:
        raise InvalidInput(
            f"{path}: cannot tell the type from the suffix "
            f"{suffix or '(none)'!r}; use .ics, .csv, .json, .yaml or --type"
        )
    return guessed


PATH_HELP = (
    "An .ics calendar (an invitation, another calendar's export), a .csv or .tsv (a summits "
    "export, a spreadsheet, Outlook's or Google Calendar's CSV), or a .json/.yaml store or record "
    "list; '-' is stdin."
)
IMPORT_FORMAT_HELP = "Put imported events that have no format into this negotiation format."
TYPE_HELP = "The file's type: ics, csv, json or yaml (default: from its suffix)."
ENCODING_HELP = (
    "The file's text encoding, e.g. cp1252, latin-1, utf-16 (default: UTF-8; a byte order mark "
    "is recognised)."
)
IMPORT_TZ_HELP = (
    "CSV: the venue's time zone for times that name none (IANA name, known city or UTC offset). "
    "Without it such times float, with a warning."
)
UPDATE_HELP = (
    "Update events whose id (ICS: UID) is already in the store with what the file says, "
    "keeping what it does not say (default), or skip them."
)
STRICT_HELP = (
    "All or nothing: any event the import would repair or skip (ICS), or a format it would "
    "create, is a problem, and nothing is written."
)


def import_events(
    ctx: typer.Context,
    path: Annotated[str, argument("FILE", PATH_HELP)],
    fmt: Annotated[str | None, format_option(IMPORT_FORMAT_HELP)] = None,
    kind: Annotated[
        ImportType | None, option("--type TYPE", TYPE_HELP, case_sensitive=False)
    ] = None,
    encoding: Annotated[str | None, option("--encoding CODEC", ENCODING_HELP)] = None,
    tz: Annotated[str | None, zone_option(IMPORT_TZ_HELP)] = None,
    dry_run: Annotated[bool, option("--dry-run", "Check and report, write nothing.")] = False,
    update: Annotated[bool, option("--update/--no-update", UPDATE_HELP)] = True,
    strict: Annotated[bool, option("--strict", STRICT_HELP)] = False,
) -> Text | None:
    """Import events from a calendar file, a CSV or another store: all or nothing.

    Events are matched by id (an ICS event by its UID), so importing the same
    file twice changes nothing. Prints what was added, updated, unchanged and
    skipped on stderr. Any problem in a CSV, JSON or YAML file stops the whole
    import and is listed. A calendar is read as calendar programs read it: an
    event that cannot be placed is skipped, a flawed one repaired, each said with
    its VEVENT number, line and UID; with --strict any of these stops the whole
    import and is listed.

    Example: summits import invitation.ics --format geneva --dry-run
    """
    settings = settings_of(ctx)
    env = settings.env
    type_name = _kind_of(path, kind)
    data, source = read_bytes(path, env, store.MAX_STORE_BYTES)
    how = importing.Reading(
        encoding=encoding, date_order=settings.date_order, zone=tz, strict=strict
    )
    batch = importing.read_file(data, type_name, source, how)
    for note in batch.notes:
        env.say(note)
    importing.check(batch)
    for warning in _first(batch.warnings):
        env.say(warning, kind="warning")
    for skip in _first(batch.skipped):
        env.say(f"skipped {skip}", kind="warning")
    report = importing.ImportReport()

    def change(current: Store) -> Store:
        return importing.merge_batch(
            batch, current, default_format=fmt, update=update, report=report, strict=strict
        )

    try:
        saved: store.Saved | None = store.update(
            settings.location(), change, lock_timeout=settings.lock_timeout, dry_run=dry_run
        )
    except importing.NothingToDo:
        saved = None
    merge = report.merge
    for warning in report.warnings:
        env.say(warning, kind="warning")
    verb = "would import" if dry_run else "imported"
    env.say(
        f"{verb} {source}: {len(merge.added)} added, {len(merge.updated)} updated, "
        f"{len(merge.unchanged)} unchanged, {len(report.skipped) + len(batch.skipped)} skipped"
    )
    for label, ids in (
        ("new formats", report.new_formats),
        ("added", merge.added),
        ("updated", merge.updated),
        ("skipped", report.skipped),
    ):
        if ids:
            env.say(f"  {label}: {_summary(list(ids))}")
    if saved is None:
        env.say("nothing to change; the store was not written")
    elif dry_run:
        env.say("dry run: nothing was written")
    else:
        report_saved(settings, saved, "saved")
    return None


def _first(lines: list[str], shown: int = 30) -> list[str]:
    """At most *shown* report lines, the last saying how many more there are."""
    if len(lines) <= shown:
        return lines
    return [*lines[: shown - 1], f"... and {len(lines) - shown + 1} more"]


def _summary(ids: list[str], shown: int = 10) -> str:
    """A long list of ids cut to its first few, saying how many more."""
    if len(ids) <= shown:
        return ", ".join(ids)
    return ", ".join(ids[:shown]) + f" ... and {len(ids) - shown} more"


# ------------------------------------------------------------------ schema


def print_schema(ctx: typer.Context) -> Text:
    """Print the JSON Schema of the store (for editors, CI checks and other tools).

    Example: summits schema > store.schema.json
    """
    from summit_cli import schema

    return Text(schema.schema_text())
