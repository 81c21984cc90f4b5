"""The ``formats`` command group: negotiation formats / tracks."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from summit_cli import query, store, views, zones
from summit_cli.cli import output
from summit_cli.cli.exits import say
from summit_cli.cli.options import OutputOpt, complete_zone, settings_of
from summit_cli.errors import InvalidInput
from summit_cli.model import SLUG_RE, Format
from summit_cli.timeline import countdown

formats_app = typer.Typer(
    help="Negotiation formats (tracks): list them, define new ones.",
    invoke_without_command=True,
    no_args_is_help=False,
)

FORMAT_RECORD_KEYS = (
    "key",
    "name",
    "description",
    "timezone",
    "events",
    "held",
    "first_id",
    "first_start",
    "last_id",
    "last_start",
    "next_id",
    "next_start",
    "next_starts_in_seconds",
    "next_countdown",
    "meets",
)


def register(app: typer.Typer) -> None:
    app.add_typer(formats_app, name="formats")


@formats_app.callback()
def formats(ctx: typer.Context, output_format: OutputOpt = None) -> None:
    """The formats with their number of events, last and next meeting.

    Example: summits formats --output json
    """
    if ctx.invoked_subcommand is not None:
        return
    settings = settings_of(ctx)
    current = store.read_store(settings.location())
    summaries = query.summarize_formats(current, settings.display, settings.now)
    chosen = output.resolve(output_format, settings)
    if not summaries:
        say("no formats defined (add one with: summits formats add KEY --name NAME)")
    if output.is_machine(chosen):
        output.records(
            [format_record(s, settings.now) for s in summaries], FORMAT_RECORD_KEYS, chosen
        )
    elif summaries:
        output.table(views.formats_table(summaries, settings.now), settings, chosen)


def format_record(summary: query.FormatSummary, now: Any) -> dict[str, Any]:
    data: dict[str, Any] = summary.format.to_plain()
    data["events"] = summary.count
    data["held"] = summary.held
    for label, item in (("first", summary.first), ("last", summary.last), ("next", summary.next)):
        data[f"{label}_id"] = item.event.id if item else None
        data[f"{label}_start"] = item.event.start.isoformat() if item else None
    count = countdown(summary.next.span, now) if summary.next else None
    data["next_starts_in_seconds"] = count.seconds if count else None
    data["next_countdown"] = count.text if count else None
    data["meets"] = data.pop("meets")  # added after the others: keys only ever go at the end
    data["id"] = summary.format.key  # for --output ids
    return data


@formats_app.command("add")
def add_format(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Short slug, e.g. geneva, nrc, osce.")],
    name: Annotated[str, typer.Option("--name", help="Full name of the format.")],
    description: Annotated[
        str | None, typer.Option("--description", help="One line about it.")
    ] = None,
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz",
            help="Its usual venue's time zone (used by 'add' when an event gives none).",
            autocompletion=complete_zone,
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", "-n", help="Show what would change and write nothing."),
    ] = False,
) -> None:
    """Define a new negotiation format.

    Example: summits formats add normandy --name "Normandy Format" --tz Europe/Paris
    """
    settings = settings_of(ctx)
    if not SLUG_RE.match(key):
        raise InvalidInput(f"format key {key!r} must match [a-z0-9][a-z0-9-]* (e.g. geneva)")
    if not name.strip():
        raise InvalidInput("--name must not be empty")
    zone_name = None
    if tz:
        zone_name = zones.canonical_zone_name(tz)
        if zone_name is None:
            zones.resolve_zone(tz)  # raises with suggestions, or is an offset
            raise InvalidInput(f"--tz for a format must be a zone name, not an offset ({tz!r})")
    fmt = Format(key, name.strip(), description, zone_name)
    saved = store.update(
        settings.location(),
        lambda s: query.add_format(s, fmt),
        lock_timeout=settings.lock_timeout,
        dry_run=dry_run,
    )
    from summit_cli.cli.add import report_dry_run, report_saved

    if dry_run:
        report_dry_run(saved)
        return
    report_saved(saved, f"added format {key}")
    output.write(key + "\n")
