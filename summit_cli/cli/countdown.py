"""The countdown command: how long until an event, once or live."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any

import typer

from summit_cli import query, records, store, typed
from summit_cli.cli.completion import complete_id
from summit_cli.cli.declare import argument, option
from summit_cli.cli.groups import Ahead, Filters, to_filter
from summit_cli.cli.options import AHEAD, only, settings_of
from summit_cli.cli.output import Text
from summit_cli.errors import InvalidInput
from summit_cli.views.base import countdown_line

JSON_KEYS = ("id", "title", "starts_in_seconds", "countdown", "start_utc")
ID_HELP = "An event id; without it, the next event matching the filters."
OUTPUT_HELP = "json: {id, title, starts_in_seconds, countdown, start_utc}."


def watch(
    line_at: Callable[[datetime], str],
    now: Callable[[], datetime],
    target: Any,
    *,
    sleep: Callable[[float], None] = time.sleep,
    frames: int | None = None,
) -> None:
    """Show ``line_at(now())`` live on the Rich console *target*, once a second.

    Runs until Ctrl-C (returns normally then) or, for tests, after *frames* frames.
    """
    from summit_cli.render import terminal

    with contextlib.suppress(KeyboardInterrupt):
        terminal.live_countdown(target, lambda: line_at(now()), sleep=sleep, frames=frames)


def countdown(
    ctx: typer.Context,
    event_id: Annotated[str | None, argument("[ID]", ID_HELP, autocompletion=complete_id)] = None,
    filters: Filters = AHEAD,
    horizon: Ahead = only(),
    live: Annotated[
        bool, option("--watch -w", "Update every second until Ctrl-C (terminal only).")
    ] = False,
    output_format: Annotated[str | None, option("--output -o json", OUTPUT_HELP)] = None,
) -> Text | None:
    """The countdown to an event, or to the next event matching the filters.

    Recurring events count down to their next occurrence. Exit code 1 when
    nothing matches. --watch keeps it on screen, updating every second.

    Example: summits countdown --format geneva
    """
    settings = settings_of(ctx)
    if output_format is not None and output_format.lower() != "json":
        raise InvalidInput(f"--output {output_format!r}: countdown prints text or json")
    if live and output_format is not None:
        raise InvalidInput("--watch and --output json do not go together")
    if live and not settings.terminal:
        raise InvalidInput("--watch needs a terminal (stdout is not one); drop --watch")
    if event_id is not None and (filters.given() or horizon.within):
        raise InvalidInput("give an ID or filters, not both")
    spec = to_filter(filters, settings)
    within = typed.parse_duration(horizon.within) if horizon.within else None
    current = store.read_store(settings.location())
    item = query.countdown_target(
        current,
        event_id,
        spec,
        settings.display,
        settings.now,
        include_cancelled=horizon.include_all,
        within=within,
    )
    if output_format is not None:
        from summit_cli.writers import json_text

        data = records.record(item, settings.now)
        return Text(json_text({k: data[k] for k in JSON_KEYS}, indent=2) + "\n")
    if not live:
        return Text(countdown_line(item, settings.now) + "\n")
    from summit_cli.render import terminal

    started, origin = time.monotonic(), settings.now
    watch(
        lambda moment: countdown_line(item, moment),
        lambda: origin + timedelta(seconds=time.monotonic() - started),
        terminal.console(settings.env.stdout, color=settings.color),
    )
    return None
