"""A Typer-free fast path for the commands people run in prompts, status bars and loops.

Importing Typer alone costs about 5.7 times a bare ``python -c pass`` here, more
than the whole budget for ``summits next``. So ``main`` first offers the command
line to :func:`run`: if every word is one it understands — global options,
``list``/``upcoming``/``next`` with their options, or bash completion of an
event id — it runs the very same code the Typer commands call
(``cli.reading``), through the same error funnel (``exits.report``). Anything
else (help, an unknown or misspelt option, a bad choice, ``-abc`` bundles)
returns None and Typer parses the line, so errors and help stay Typer's.

Option names and their meanings must match ``cli.options``/``cli.events``;
``tests/test_fastpath.py`` runs a corpus of command lines both ways and
compares stdout, stderr and exit codes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any
GLOBAL_VALUED = {
    "--store": "store_path",
    "--now": "now_text",
    "--tz": "tz_text",
    "--date-order": "date_order",
    "--lock-timeout": "lock_timeout",
}
ENVVARS = {
    "store_path": "SUMMITS_STORE",
    "now_text": "SUMMITS_NOW",
    "tz_text": "SUMMITS_TZ",
    "date_order": "SUMMITS_DATE_ORDER",
    "lock_timeout": "SUMMITS_LOCK_TIMEOUT",
}

# option -> (parameter, kind): kind is "multi" (repeatable), "value" or "flag".
_FILTERS: dict[str, tuple[str, str]] = {
    "--format": ("formats", "multi"),
    "-f": ("formats", "multi"),
    "--kind": ("kinds", "multi"),
    "--status": ("statuses", "multi"),
    "--city": ("city", "value"),
    "--country": ("country", "value"),
    "--with": ("participant", "value"),
    "--tag": ("tags", "multi"),
    "--search": ("search", "value"),
    "-s": ("search", "value"),
    "--output": ("output_format", "value"),
    "-o": ("output_format", "value"),
    "--fields": ("fields_text", "value"),
    "--template": ("template", "value"),
    "-t": ("template", "value"),
}
_WINDOW = {
    "--from": ("start", "value"),
    "--to": ("end", "value"),
}
_AHEAD = {
    "--within": ("within", "value"),
    "--all": ("include_all", "flag"),
    "-a": ("include_all", "flag"),
}
_LIMIT = {"--limit": ("limit", "value"), "-n": ("limit", "value")}
COMMAND_OPTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "list": {
        **_FILTERS,
        **_WINDOW,
        **_LIMIT,
        "--reverse": ("reverse", "flag"),
        "-r": ("reverse", "flag"),
    },
    "upcoming": {**_FILTERS, **_WINDOW, **_AHEAD, **_LIMIT},
    "next": {**_FILTERS, **_AHEAD, "--field": ("field", "value")},
}
ID_COMMANDS = frozenset({"show", "edit", "postpone", "cancel", "remove", "countdown"})


def parse(argv: list[str]) -> tuple[dict[str, Any], str, dict[str, Any]] | None:
    """(global options, command, command options) or None when Typer must parse the line."""
    glob: dict[str, Any] = {}
    words = list(argv)
    while words and words[0].startswith("-"):
        name, eq, value = words.pop(0).partition("=")
        if name not in GLOBAL_VALUED or GLOBAL_VALUED[name] in glob:
            return None
        if not eq:
            if not words:
                return None
            value = words.pop(0)
        glob[GLOBAL_VALUED[name]] = value
    if not words or words[0] not in COMMAND_OPTIONS:
        return None
    command = words.pop(0)
    spec = COMMAND_OPTIONS[command]
    opts: dict[str, Any] = {}
    while words:
        word = words.pop(0)
        name, eq, value = word.partition("=")
        if name not in spec or (eq and not name.startswith("--")):
            return None
        param, kind = spec[name]
        if kind == "flag":
            if eq:
                return None
            opts[param] = True
            continue
        if not eq:
            if not words:
                return None
            value = words.pop(0)
        if kind == "multi":
            opts.setdefault(param, []).append(value)
        elif param in opts:
            return None  # Typer's "last one wins" is not worth copying
        else:
            opts[param] = value
    return glob, command, opts


def _settings(glob: dict[str, Any]) -> Any:
    from summit_cli.cli.settings import build
    from summit_cli.store import DEFAULT_LOCK_TIMEOUT

    values = {key: glob.get(key) or os.environ.get(env) or None for key, env in ENVVARS.items()}
    timeout = values.pop("lock_timeout")
    return build(
        lock_timeout=float(timeout) if timeout is not None else DEFAULT_LOCK_TIMEOUT, **values
    )


def _valid(glob: dict[str, Any], opts: dict[str, Any]) -> bool:
    """Values Typer itself would check (types, choices): leave bad ones to Typer's errors."""
    from summit_cli.cli.output import Output

    timeout = glob.get("lock_timeout") or os.environ.get("SUMMITS_LOCK_TIMEOUT")
    try:
        if timeout is not None:
            float(timeout)
        if "limit" in opts and (not opts["limit"].isdigit()):
            return False
        if "output_format" in opts:
            Output(opts["output_format"].lower())
    except ValueError:
        return False
    return True


def run(argv: list[str]) -> int | None:
    """Run *argv* without Typer and return its exit code, or None to let Typer do it."""
    if os.environ.get("_SUMMITS_COMPLETE"):
        return complete()
    parsed = parse(argv)
    if parsed is None:
        return None
    glob, command, opts = parsed
    if not _valid(glob, opts):
        return None
    from summit_cli.cli import reading
    from summit_cli.cli.exits import report
    from summit_cli.cli.output import Output

    try:
        settings = _settings(glob)
        filters = {key: opts.pop(key, None) for key in reading.FILTER_KEYS}
        if "output_format" in opts:
            opts["output_format"] = Output(opts["output_format"].lower())
        if "limit" in opts:
            opts["limit"] = int(opts["limit"])
        runners: dict[str, Callable[..., None]] = {
            "list": reading.run_list,
            "upcoming": reading.run_upcoming,
            "next": reading.run_next,
        }
        runners[command](settings, filters, **opts)
    except (Exception, KeyboardInterrupt) as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        return report(exc)
    return 0


def complete() -> int | None:
    """Bash completion of an event id (``summits show <TAB>``) without Typer.

    Follows the protocol of the completion script Typer installs for bash
    (``_SUMMITS_COMPLETE=complete_bash``, ``COMP_WORDS``, ``COMP_CWORD``); other
    shells and other positions are left to Typer.
    """
    if os.environ.get("_SUMMITS_COMPLETE") != "complete_bash":
        return None
    import shlex

    try:
        words = shlex.split(os.environ.get("COMP_WORDS", ""))
        cword = int(os.environ.get("COMP_CWORD", ""))
    except ValueError:
        return None
    args, incomplete = words[1:cword], (words[cword] if cword < len(words) else "")
    glob: dict[str, Any] = {}  # global options before the command
    while args and args[0] in GLOBAL_VALUED and len(args) > 1:
        glob[GLOBAL_VALUED[args[0]]] = args[1]
        args = args[2:]
    if not args or args[0] not in ID_COMMANDS or incomplete.startswith("-"):
        return None
    if any(a.startswith("-") for a in args[1:]):
        return None
    from summit_cli import store

    try:
        location = store.locate(
            glob.get("store_path") or os.environ.get("SUMMITS_STORE"), os.environ
        )
        ids = [e.id for e in store.read_store(location).events]
    except Exception:
        ids = []
    sys.stdout.write("\n".join(i for i in ids if i.startswith(incomplete)))
    return 0
