"""The Typer app: global options, command registration, and the entry point."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from summit_cli import __version__
from summit_cli.cli import add, countdown, edit, events, interop, maintenance, views_cmd
from summit_cli.cli.exits import SummitsGroup
from summit_cli.cli.formats import formats_app
from summit_cli.cli.settings import build
from summit_cli.store import DEFAULT_LOCK_TIMEOUT

app = typer.Typer(
    cls=SummitsGroup,
    name="summits",
    help="Track summits, negotiation rounds and formats: what meets where, when, and how long "
    "until the next round.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"summits {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    store_path: Annotated[
        str | None,
        typer.Option(
            "--store",
            envvar="SUMMITS_STORE",
            metavar="PATH",
            help="The store file (.yaml, .yml or .json). Default: your store in the platform data "
            "folder if it exists, else the bundled store (copied to yours on the first write).",
        ),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            envvar="SUMMITS_NOW",
            metavar="WHEN",
            help="The moment that counts as now (default: the clock), e.g. 2021-12-31 or "
            "'2022-01-09 18:00'. A value without offset is in the display zone.",
        ),
    ] = None,
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz",
            envvar="SUMMITS_TZ",
            metavar="ZONE",
            help="Display time zone (default: the system's), e.g. Europe/Moscow, UTC, +09:00.",
        ),
    ] = None,
    date_order: Annotated[
        str | None,
        typer.Option(
            "--date-order",
            envvar="SUMMITS_DATE_ORDER",
            metavar="dmy|mdy",
            help="How to read numeric dates like 01/02/2022 (default: refuse ambiguous ones).",
        ),
    ] = None,
    lock_timeout: Annotated[
        float,
        typer.Option(
            "--lock-timeout",
            envvar="SUMMITS_LOCK_TIMEOUT",
            metavar="SECONDS",
            help="How long a write waits for another writer before exit code 4.",
        ),
    ] = DEFAULT_LOCK_TIMEOUT,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Track summits, negotiation rounds and formats."""
    if ctx.resilient_parsing:
        return
    ctx.obj = build(
        store_path=store_path,
        now_text=now,
        tz_text=tz,
        date_order=date_order,
        lock_timeout=lock_timeout,
    )


events.register(app)
add.register(app)
edit.register(app)
app.add_typer(formats_app, name="formats")
views_cmd.register(app)
interop.register(app)
maintenance.register(app)
countdown.register(app)


def main() -> None:
    """Console-script entry point."""
    try:
        app(prog_name="summits")
    except BrokenPipeError:
        # The reader went away (e.g. `summits list | head -1`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
