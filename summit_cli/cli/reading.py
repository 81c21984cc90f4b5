"""What list, upcoming and next do, without Typer.

The Typer commands in ``events`` and the fast path in ``fastpath`` both call
these functions, so a command behaves the same whichever way it was parsed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, timedelta

from summit_cli import export, query, store, timeline
from summit_cli.cli import output
from summit_cli.cli.exits import say
from summit_cli.errors import InvalidInput, NotFound
from summit_cli.model import KINDS, STATUSES
from summit_cli.query import Filter, Placed

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

    from summit_cli.cli.output import Output
    from summit_cli.cli.settings import Settings

# The keyword arguments of build_filter, as the commands name them.
FILTER_KEYS = (
    "formats",
    "kinds",
    "statuses",
    "city",
    "country",
    "participant",
    "tags",
    "start",
    "end",
    "search",
)


def _check_choices(values: list[str] | None, allowed: tuple[str, ...], option: str) -> None:
    for value in values or ():
        if value not in allowed:
            raise InvalidInput(f"{option} {value!r} is not one of: {', '.join(allowed)}")


def build_filter(
    settings: Settings,
    *,
    formats: list[str] | None,
    kinds: list[str] | None,
    statuses: list[str] | None,
    city: str | None,
    country: str | None,
    participant: str | None,
    tags: list[str] | None,
    start: str | None,
    end: str | None,
    search: str | None,
) -> Filter:
    """Filter options -> a query Filter (dates read in the display zone)."""
    _check_choices(kinds, KINDS, "--kind")
    _check_choices(statuses, STATUSES, "--status")
    lo = hi = None
    if start:
        typed = timeline.parse_typed(start, settings.now, settings.date_order)
        lo = timeline.resolve_typed(typed, settings.display)
    if end:
        typed = timeline.parse_typed(end, settings.now, settings.date_order)
        hi = timeline.resolve_typed(typed, settings.display, end_of_day=True)
    return Filter(
        formats=tuple(formats or ()),
        kinds=tuple(kinds or ()),
        statuses=tuple(statuses or ()),
        city=city,
        country=country,
        participant=participant,
        tags=tuple(tags or ()),
        search=search,
        start=lo,
        end=hi,
    )


def _table(items: list[Placed], settings: Settings, now: bool) -> Any:
    from summit_cli import views

    return views.events_table(items, settings.display, settings.now if now else None)


def run_list(
    settings: Settings,
    filters: dict[str, Any],
    *,
    limit: int | None = None,
    reverse: bool = False,
    output_format: Output | None = None,
    fields_text: str | None = None,
    template: str | None = None,
) -> None:
    """``summits list``: every matching event, oldest first."""
    spec = build_filter(settings, **filters)
    current = store.read_store(settings.location(), formats_only=frozenset(spec.formats))
    items = query.select(current, spec, settings.display, now=settings.now)
    if query.truncated_series(current, spec):
        say("recurring events are shown until one year from now; use --to to see further")
    if reverse:
        items.reverse()
    if limit is not None:
        items = items[:limit]
    if not items:
        say("no events match")
    output.events(
        items,
        settings,
        choice=output_format,
        fields=fields_text,
        template=template,
        view=lambda: _table(items, settings, now=False),
    )


def ahead(
    settings: Settings, spec: Filter, within: str | None, include_all: bool
) -> tuple[list[Placed], Callable[[], str]]:
    """(upcoming events, a function explaining why there are none) for upcoming and next.

    Recurring events are expanded from now on: the window starts at now (an
    occurrence still under way overlaps it) and ends at --to or --within.
    """
    horizon = timeline.parse_duration(within) if within else None
    current = store.read_store(settings.location(), formats_only=frozenset(spec.formats))
    lo = max(spec.start, settings.now) if spec.start is not None else settings.now
    hi = spec.end
    if horizon is not None:
        # Exclusive bound just past now + within: an event starting right then counts.
        limit = (settings.now.astimezone(UTC) + horizon + timedelta(microseconds=1)).astimezone(
            settings.display
        )
        hi = min(hi, limit) if hi is not None else limit
    selected = query.select(
        current, replace(spec, start=lo, end=hi), settings.display, now=settings.now
    )
    items = query.upcoming(selected, settings.now, include_cancelled=include_all, within=horizon)

    def why() -> str:
        return nothing_ahead(query.select(current, spec, settings.display), settings)

    return items, why


def nothing_ahead(selected: list[Placed], settings: Settings) -> str:
    latest = query.latest_past(selected, settings.now)
    if latest is None:
        return "no upcoming events match"
    day = f"{latest.span.first_day():%Y-%m-%d}"
    return (
        f"no upcoming events match; the latest past one is {latest.event.id} ({day}): "
        f"see it with 'summits show {latest.event.id}' or look from then with "
        f"'summits --now {day} upcoming'"
    )


def run_upcoming(
    settings: Settings,
    filters: dict[str, Any],
    *,
    within: str | None = None,
    include_all: bool = False,
    limit: int | None = None,
    output_format: Output | None = None,
    fields_text: str | None = None,
    template: str | None = None,
) -> None:
    """``summits upcoming``: events not over at now, soonest first, with countdowns."""
    spec = build_filter(settings, **filters)
    items, why = ahead(settings, spec, within, include_all)
    if limit is not None:
        items = items[:limit]
    if not items:
        say(why())
    output.events(
        items,
        settings,
        choice=output_format,
        fields=fields_text,
        template=template,
        view=lambda: _table(items, settings, now=True),
    )


def run_next(
    settings: Settings,
    filters: dict[str, Any],
    *,
    within: str | None = None,
    include_all: bool = False,
    field: str | None = None,
    output_format: Output | None = None,
    fields_text: str | None = None,
    template: str | None = None,
) -> None:
    """``summits next``: the single next event, or one field of it; NotFound when none."""
    spec = build_filter(settings, **{**filters, "start": None, "end": None})
    if field is not None:
        export.check_fields([field], export.RECORD_KEYS)
    items, why = ahead(settings, spec, within, include_all)
    if not items:
        raise NotFound(why())
    first = items[:1]
    if field is not None:
        output.write(export.human(export.record(first[0], settings.now)[field]) + "\n")
        return
    output.events(
        first,
        settings,
        choice=output_format,
        fields=fields_text,
        template=template,
        view=lambda: _table(first, settings, now=True),
    )
