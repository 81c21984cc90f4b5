"""Shell completion of what the store in use holds (event ids, format keys) and of zones
and record fields. Runs on every TAB, so it imports only what it needs, when it needs it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer


def _store_hint(ctx: Any) -> tuple[str | None, Any]:
    from summit_cli.cli.environment import Environment

    env = Environment.from_process()
    try:
        value = ctx.find_root().params.get("store_path")
    except AttributeError:
        value = None
    return value or env.get("SUMMITS_STORE"), env.environ


def _current(ctx: Any) -> Any:
    from summit_cli import store

    path, environ = _store_hint(ctx)
    try:
        return store.read_store(store.locate(path, environ))
    except Exception:
        return None


def complete_format(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of format keys from the store in use."""
    current = _current(ctx)
    return [k for k in current.formats if k.startswith(incomplete)] if current else []


def complete_id(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of event ids from the store in use."""
    current = _current(ctx)
    if current is None:
        return []
    return [e.id for e in current.all_events() if e.id.startswith(incomplete)]


def complete_from(choices: tuple[str, ...]) -> Callable[[str], list[str]]:
    def complete(incomplete: str) -> list[str]:
        return [c for c in choices if c.startswith(incomplete)]

    return complete


def complete_field(incomplete: str) -> list[str]:
    """Shell completion of record field names (also after commas in --fields)."""
    from summit_cli.records import RECORD_KEYS

    head, _, tail = incomplete.rpartition(",")
    prefix = f"{head}," if head else ""
    return [prefix + k for k in RECORD_KEYS if k.startswith(tail)]


def complete_zone(incomplete: str) -> list[str]:
    """Shell completion of IANA zone names and the cities the project knows."""
    from summit_cli import zones

    zones.use_packaged_tzdata()
    lowered = incomplete.lower()
    names = [n for n in zones.all_zone_names() if n.lower().startswith(lowered)]
    cities = [c.title() for c in zones.CITY_ZONES if c.startswith(lowered)]
    return sorted(set(names + cities))[:200]
