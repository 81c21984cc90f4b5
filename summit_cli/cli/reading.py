"""What list, upcoming and next do, without Typer: they return what ``cli.output`` prints.

The Typer commands in ``events`` and the fast path in ``fastpath`` both call
these functions, so a command behaves the same whichever way it was parsed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from summit_cli import query, records, store, typed
from summit_cli.cli.groups import Ahead, Filters, Shown, horizon_end, members, to_filter
from summit_cli.cli.output import Events, Text
from summit_cli.errors import NotFound
from summit_cli.query import Filter, Placed
from summit_cli.timeline import instant_key

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

    from summit_cli.cli.settings import Settings
    from summit_cli.model import Store

# How both ways of parsing bundle a runner's options: every group, whole.
PLAN: list[tuple[str, type, tuple[str, ...]]] = [
    ("filters", Filters, members(Filters)),
    ("horizon", Ahead, members(Ahead)),
    ("shown", Shown, members(Shown)),
]


def _table(items: list[Placed], settings: Settings, now: bool) -> Callable[[], Any]:
    def view() -> Any:
        from summit_cli.views.tables import events_table

        return events_table(items, settings.display, settings.now if now else None)

    return view


def run_list(
    settings: Settings,
    filters: Filters,
    *,
    limit: int | None = None,
    reverse: bool = False,
) -> Events:
    """``summits list``: every matching event, oldest first."""
    spec = to_filter(filters, settings)
    current = store.read_store(settings.location(), formats_only=frozenset(spec.formats))
    items = query.select(current, spec, settings.display, now=settings.now)
    if query.truncated_series(current, spec):
        settings.env.say(
            "recurring events are shown until one year from now; use --to to see further"
        )
    if reverse:
        items.reverse()
    if limit is not None:
        items = items[:limit]
    if not items:
        settings.env.say("no events match")
    return Events(items, settings.now, _table(items, settings, now=False))


def ahead(
    settings: Settings, spec: Filter, horizon: Ahead, current: Store
) -> tuple[list[Placed], Callable[[], str]]:
    """(upcoming events, a function explaining why there are none) for upcoming and next.

    Recurring events are expanded from now on: the window starts at now (an
    occurrence still under way overlaps it) and ends at --to or --within.
    """
    within = typed.parse_duration(horizon.within) if horizon.within else None
    lo = max(spec.start, settings.now) if spec.start is not None else settings.now
    hi = spec.end
    if within is not None:
        limit = horizon_end(settings, within)
        hi = min(hi, limit) if hi is not None else limit
    selected = query.select(
        current, replace(spec, start=lo, end=hi), settings.display, now=settings.now
    )
    items = query.upcoming(
        selected, settings.now, include_cancelled=horizon.include_all, within=within
    )

    def why() -> str:
        return nothing_ahead(query.select(current, spec, settings.display), settings)

    return items, why


def nothing_ahead(selected: list[Placed], settings: Settings) -> str:
    latest = query.latest_past(selected, settings.now)
    if latest is None:
        return "no upcoming events match"
    day = f"{latest.span.first_day():%Y-%m-%d}"
    return (
        f"no upcoming events match; the latest past one is {latest.event.id} ({day}).\n"
        f"  see it:         summits show {latest.event.id}\n"
        f"  look from then: summits --now {day} upcoming"
    )


def run_upcoming(
    settings: Settings,
    filters: Filters,
    horizon: Ahead,
    *,
    limit: int | None = None,
) -> Events:
    """``summits upcoming``: events not over at now, soonest first, with countdowns."""
    spec = to_filter(filters, settings)
    current = store.read_store(settings.location(), formats_only=frozenset(spec.formats))
    items, why = ahead(settings, spec, horizon, current)
    late = query.still_expected(current, spec, settings.display, settings.now)
    if late:
        items = sorted([*late, *items], key=lambda p: instant_key(p.span))
    if limit is not None:
        items = items[:limit]
    if not items:
        settings.env.say(why())
    return Events(items, settings.now, _table(items, settings, now=True))


def run_next(
    settings: Settings,
    filters: Filters,
    horizon: Ahead,
    *,
    field: str | None = None,
) -> Events | Text:
    """``summits next``: the single next event, or one field of it; NotFound when none."""
    spec = to_filter(replace(filters, start=None, end=None), settings)
    if field is not None:
        records.check_fields([field], records.RECORD_KEYS)
    current = store.read_store(settings.location(), formats_only=frozenset(spec.formats))
    items, why = ahead(settings, spec, horizon, current)
    if not items:
        raise NotFound(why())
    first = items[:1]
    if field is not None:
        return Text(records.field_value(first[0], settings.now, field) + "\n")
    return Events(first, settings.now, _table(first, settings, now=True))


RUNNERS: dict[str, Callable[..., Events | Text]] = {
    "list": run_list,
    "upcoming": run_upcoming,
    "next": run_next,
}
