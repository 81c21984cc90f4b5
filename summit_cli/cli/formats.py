"""The ``formats`` command group: negotiation formats / tracks."""

from __future__ import annotations

from typing import Annotated

import typer

from summit_cli import query, records, store, zones
from summit_cli.cli.declare import argument, option
from summit_cli.cli.groups import Shown
from summit_cli.cli.option_groups import zone_option
from summit_cli.cli.options import DryRunOpt, only, settings_of, wired
from summit_cli.cli.output import Rows, Text
from summit_cli.cli.writing import write
from summit_cli.errors import InvalidInput
from summit_cli.model import SLUG_RE, Format

formats_app = typer.Typer(
    help="Negotiation formats (tracks): list them, define new ones.",
    invoke_without_command=True,
    no_args_is_help=False,
)


def formats(ctx: typer.Context, shown: Shown = only("output")) -> Rows | None:
    """The formats with their number of events, last and next meeting.

    Example: summits formats --output json
    """
    if ctx.invoked_subcommand is not None:
        return None
    settings = settings_of(ctx)
    current = store.read_store(settings.location())
    summaries = query.summarize_formats(current, settings.display, settings.now)
    if not summaries:
        settings.env.say("no formats defined (add one with: summits formats add KEY --name NAME)")

    def view() -> object:
        from summit_cli.views.tables import formats_table

        return formats_table(summaries, settings.now)

    rows = [records.format_record(s, settings.now) for s in summaries]
    return Rows(rows, records.FORMAT_RECORD_KEYS, view)


TZ_HELP = "Its usual venue's time zone (used by 'add' when an event gives none)."


def add_format(
    ctx: typer.Context,
    key: Annotated[str, argument("KEY", "Short slug, e.g. geneva, nrc, osce.")],
    name: Annotated[str, option("--name TEXT", "Full name of the format.")],
    description: Annotated[str | None, option("--description TEXT", "One line about it.")] = None,
    tz: Annotated[str | None, zone_option(TZ_HELP)] = None,
    dry_run: DryRunOpt = False,
) -> Text | None:
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
    _, diff = write(
        settings, lambda s: query.add_format(s, fmt), dry_run=dry_run, what=f"added format {key}"
    )
    return diff or Text(key + "\n")


# The group's own commands; cli/application.py's COMMANDS names formats_app for "formats".
formats_app.callback()(wired(formats))
formats_app.command("add")(wired(add_format))
