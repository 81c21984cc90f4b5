"""The Typer app: global options, command registration, and the entry point.

Start-up time is a feature: converting every command's signature into Click
parameters costs more than running most commands, so ``main`` registers only
the module of the command being run (all of them for help, completion and
anything it cannot tell). ``app`` (for tests and ``typer.testing``) has them all.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from summit_cli import __version__
from summit_cli.cli.exits import report
from summit_cli.cli.settings import build
from summit_cli.store import DEFAULT_LOCK_TIMEOUT

# Command name -> the module under summit_cli.cli that registers it, in help order.
COMMANDS: dict[str, str] = {
    "list": "events",
    "upcoming": "events",
    "next": "events",
    "show": "events",
    "fields": "events",
    "add": "add",
    "edit": "edit",
    "postpone": "edit",
    "cancel": "edit",
    "remove": "edit",
    "formats": "formats",
    "timeline": "views_cmd",
    "calendar": "views_cmd",
    "format": "views_cmd",
    "countdown": "countdown",
    "export": "interop",
    "import": "interop",
    "schema": "interop",
    "validate": "maintenance",
    "undo": "maintenance",
}
# Global options that take a value (so the word after them is not the command).
_VALUED = frozenset({"--store", "--now", "--tz", "--date-order", "--lock-timeout"})


def _version(value: bool) -> None:
    if value:
        typer.echo(f"summits {__version__}")
        raise typer.Exit()


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


class SummitsGroup(TyperGroup):
    """The root command group: every domain error becomes a message and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, BrokenPipeError):
            raise
        except Exception as exc:
            if type(exc).__module__.startswith(("typer", "click")):
                raise
            raise typer.Exit(report(exc)) from None
        except KeyboardInterrupt as exc:
            raise typer.Exit(report(exc)) from None


def build_app(only: str | None = None) -> typer.Typer:
    """The app with every command, or with just the module that defines *only*."""
    import importlib

    app = typer.Typer(
        cls=SummitsGroup,
        name="summits",
        help="Track summits, negotiation rounds and formats: what meets where, when, and how "
        "long until the next round.",
        no_args_is_help=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )
    app.callback()(main_options)
    wanted = [COMMANDS[only]] if only in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for module in wanted:
        importlib.import_module(f"summit_cli.cli.{module}").register(app)
    return app


def command_word(words: list[str]) -> str | None:
    """The command a command line runs (None: help, or cannot tell without parsing)."""
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word in _VALUED:
            skip = True
        elif word == "--":
            return None
        elif not word.startswith("-"):
            return word
        elif word in {"-h", "--help"}:
            return None
    return None


def _wanted_command() -> str | None:
    completing = os.environ.get("_SUMMITS_COMPLETE")
    if completing:
        # Click's completion protocol: COMP_WORDS is the line, COMP_CWORD the word completed.
        words = os.environ.get("COMP_WORDS", "").split()[1:]
        cword = int(os.environ.get("COMP_CWORD", "0") or 0)
        if cword <= 1 or len(words) < 1:
            return None
        name = command_word(words[: cword - 1])
        return name if name in COMMANDS else None
    name = command_word(sys.argv[1:])
    return name if name in COMMANDS else None


def main() -> None:
    """Console-script entry point."""
    try:
        build_app(_wanted_command())(prog_name="summits")
    except BrokenPipeError:
        # The reader went away (e.g. `summits list | head -1`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
