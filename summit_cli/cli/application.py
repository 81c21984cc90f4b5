"""The Typer app: global options, lazily loaded commands, and the entry point.

Start-up time is a feature: converting every command's signature into Click
parameters costs more than running most commands, so the root group loads a
command's module only when that command is needed (see SummitsGroup).
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from summit_cli import __version__
from summit_cli.cli import grammar
from summit_cli.cli.declare import option
from summit_cli.cli.environment import Environment
from summit_cli.cli.exits import quiet_broken_pipe, report
from summit_cli.cli.settings import build
from summit_cli.store.lock import DEFAULT_TIMEOUT

# Command name -> ("module:function" that implements it, its short help), in help order.
# The module is under summit_cli.cli; the function is registered through options.wired,
# or, for a command with subcommands (formats, remote), it is the module's Typer sub-app.
# The short help is the first paragraph of the command's docstring
# (tests/test_lazy_commands.py keeps them equal); listing commands in --help then
# needs no command module at all.
COMMANDS: dict[str, tuple[str, str]] = {
    "list": (
        "events:list_events",
        "List every event, oldest first (by the real instant, across zones).",
    ),
    "upcoming": (
        "events:upcoming",
        'Events not yet over at "now", soonest first, with a countdown.',
    ),
    "next": (
        "events:next_event",
        "The single next event (not over, not cancelled): for prompts and status bars.",
    ),
    "show": (
        "events:show",
        "Every field of one or more events: times at the venue and in your zone, countdown, "
        "sources.",
    ),
    "thread": (
        "events:thread",
        "The whole story an event belongs to: every event linked to it (follows, agreed at, "
        "part of), directly or through others, in time order.",
    ),
    "fields": (
        "events:fields",
        "The fields of an event record: for --fields, --template, --field and machine output.",
    ),
    "add": (
        "add:add",
        "Add an event: validates it, writes the store safely, prints the new id on stdout.",
    ),
    "edit": (
        "edit:edit",
        "Change fields of an event; the result is validated before anything is written.",
    ),
    "postpone": (
        "edit:postpone",
        "Mark an event postponed (optionally to a new date), keeping its history.",
    ),
    "cancel": (
        "edit:cancel",
        "Mark an event cancelled, keeping its history (it stays in the store and in list).",
    ),
    "remove": (
        "edit:remove",
        "Remove events for good (asks first on a terminal; needs --yes in scripts).",
    ),
    "formats": ("formats:formats_app", "Negotiation formats (tracks): list them, define new ones."),
    "timeline": (
        "views_cmd:timeline",
        'The events on a time line: grouped by month or format, a "now" marker between past '
        "and future, and the gap since each format's previous meeting.",
    ),
    "calendar": (
        "views_cmd:calendar",
        "Month grids with the days of events marked, and a legend listing those events.",
    ),
    "format": (
        "views_cmd:format_history",
        "One negotiation format: rounds held, first and last meeting, the next one with its "
        "countdown, and its full history (rounds, venues, participants, outcomes).",
    ),
    "countdown": (
        "countdown:countdown",
        "The countdown to an event, or to the next event matching the filters.",
    ),
    "remind": (
        "remind:remind",
        "Send the reminders that are due, each once: for cron or a systemd timer.",
    ),
    "export": (
        "interop:export_events",
        "Export events as an iCalendar feed, CSV, JSON or an HTML page (filters as for list).",
    ),
    "brief": (
        "brief:brief",
        "What to watch in the next days: each event with its stakes, and recent schedule changes.",
    ),
    "import": (
        "interop:import_events",
        "Import events from a calendar file, a CSV or another store: all or nothing.",
    ),
    "schema": (
        "interop:print_schema",
        "Print the JSON Schema of the store (for editors, CI checks and other tools).",
    ),
    "validate": (
        "maintenance:validate",
        "Check the store and report every problem with its location.",
    ),
    "undo": (
        "maintenance:undo",
        "Restore the store as it was before the last write (add, edit, remove, formats add...).",
    ),
    "remote": (
        "sync:remote_app",
        "Where this store syncs: CalDAV calendars (two-way) and ICS feeds (read-only).",
    ),
    "sync": (
        "sync:sync",
        "Sync the store with its remotes: push and pull changes, settle conflicts.",
    ),
}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"summits {__version__}")
        raise typer.Exit()


def _complete_zone(incomplete: str) -> list[str]:
    from summit_cli.cli.completion import complete_zone

    return complete_zone(incomplete)


def _given(value: Any) -> Any:
    """An option given explicitly but empty (``--store=``) is a mistake, not "the default"."""
    if value == "":
        raise typer.BadParameter("needs a value (leave the option out for the default)")
    return value


def _env_option(usage: str, help_text: str, envvar: str, **more: Any) -> Any:
    """A global option its environment variable may give instead; given empty, it is refused."""
    return option(usage, help_text, envvar=envvar, callback=_given, **more)


STORE_HELP = (
    "The store file (.yaml, .yml or .json). Default: your store in the platform data folder if it "
    "exists, else the bundled store (copied to yours on the first write)."
)
NOW_HELP = (
    "The moment that counts as now (default: the clock), e.g. 2021-12-31 or '2022-01-09 18:00'. "
    "A value without offset is in the display zone."
)
TZ_HELP = "Display time zone (default: the system's), e.g. Europe/Moscow, UTC, +09:00."
DATE_ORDER_HELP = "How to read numeric dates like 01/02/2022 (default: refuse ambiguous ones)."
LOCK_TIMEOUT_HELP = "How long a write waits for another writer before exit code 4 (0 to 86400)."


def main_options(
    ctx: typer.Context,
    store_path: Annotated[
        str | None, _env_option("--store PATH", STORE_HELP, "SUMMITS_STORE")
    ] = None,
    now: Annotated[str | None, _env_option("--now WHEN", NOW_HELP, "SUMMITS_NOW")] = None,
    tz: Annotated[
        str | None, _env_option("--tz ZONE", TZ_HELP, "SUMMITS_TZ", autocompletion=_complete_zone)
    ] = None,
    date_order: Annotated[
        str | None, _env_option("--date-order dmy|mdy", DATE_ORDER_HELP, "SUMMITS_DATE_ORDER")
    ] = None,
    lock_timeout: Annotated[
        float, option("--lock-timeout SECONDS", LOCK_TIMEOUT_HELP, envvar="SUMMITS_LOCK_TIMEOUT")
    ] = DEFAULT_TIMEOUT,
    version: Annotated[
        bool, option("--version", "Print the version and exit.", callback=_version, is_eager=True)
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
        env=Environment.from_process(),
    )


def _globals_epilog(name: str) -> str:
    """The global options, listed in every command's help (they may come after it too)."""
    shadowed = grammar.shadowed(name)
    parts = [f"{option} {metavar}" for option, metavar in grammar.GLOBAL_METAVARS.items()]
    text = "Global options (before or after the command): " + ", ".join(parts) + "."
    if shadowed:
        names = ", ".join(shadowed)
        text += f" Here {names} belong{'s' if len(shadowed) == 1 else ''} to this command: "
        text += "give the global one before the command name."
    return text


class SummitsGroup(TyperGroup):
    """The root command group.

    Every domain error becomes a message and an exit code (``exits.report``).
    Commands are loaded lazily (Click's "lazy group" pattern): Typer turns a
    command's signature into Click parameters only when that command is run,
    asked for help or completed, so ``summits next`` never pays for ``import``.
    Global options may come anywhere on the line (``grammar.hoist``); a
    misspelt command gets a "did you mean".
    """

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, name: str) -> Any:
        if name not in self.commands and name in COMMANDS:
            command = _load(name)
            if not command.epilog:
                command.epilog = _globals_epilog(name)
            self.commands[name] = command
        return self.commands.get(name)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, grammar.hoist(list(args)))

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            import difflib

            close = difflib.get_close_matches(name, list(COMMANDS), n=3, cutoff=0.6)
            hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            ctx.fail(f"No such command {name!r}.{hint} (see: summits --help)")
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        from typer._click.utils import make_default_short_help

        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [
            (name, make_default_short_help(text, limit)) for name, (_, text) in COMMANDS.items()
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, BrokenPipeError):
            raise
        except Exception as exc:
            if type(exc).__module__.startswith(("typer", "click")):
                raise
            raise typer.Exit(report(exc, _env_of(ctx))) from None
        except KeyboardInterrupt as exc:
            raise typer.Exit(report(exc, _env_of(ctx))) from None


def _env_of(ctx: Any) -> Environment:
    obj = getattr(ctx.find_root(), "obj", None)
    env = getattr(obj, "env", None)
    return env if isinstance(env, Environment) else Environment.from_process()


def _load(name: str) -> Any:
    """The Click command *name*, built by Typer from what its ``COMMANDS`` entry names."""
    import importlib

    from summit_cli.cli.options import wired

    module_name, _, attribute = COMMANDS[name][0].partition(":")
    target = getattr(importlib.import_module(f"summit_cli.cli.{module_name}"), attribute)
    holder = typer.Typer(rich_markup_mode=None, add_completion=False)
    if isinstance(target, typer.Typer):
        holder.add_typer(target, name=name)
    else:
        holder.command(name)(wired(target))
    return typer.main.get_group(holder).commands[name]


def build_app() -> typer.Typer:
    """The app; its commands are loaded when needed (see SummitsGroup)."""
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
    return app


def main() -> None:
    """Console-script entry point (after the fast path declined the line)."""
    try:
        build_app()(prog_name="summits")
    except BrokenPipeError:
        sys.exit(quiet_broken_pipe())
