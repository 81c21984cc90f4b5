"""Option groups as values: the filters, how far ahead, the output choice, the event fields.

Typer-free, so the fast path shares them: each group is a frozen dataclass
whose field names are the Click parameter names of its options (declared once,
in ``cli.options``); :func:`bundle` turns a command's flat keyword arguments
into the group values both ways of parsing hand to the same runner.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, timedelta

from summit_cli import query
from summit_cli.model import KINDS, STATUSES
from summit_cli.plaincheck import check_choice

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

    from summit_cli.cli.settings import Settings
    from summit_cli.typed import Context


@dataclass(frozen=True)
class Filters(query.Criteria):
    """The filter options of list, upcoming, next, countdown, timeline, calendar, export:
    the query's criteria, and its window as typed (--from, --to)."""

    start: str | None = None
    end: str | None = None

    def given(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


@dataclass(frozen=True)
class Shown:
    """How events are printed: --output, --fields, --template."""

    output: str | None = None
    fields: str | None = None
    template: str | None = None


@dataclass(frozen=True)
class Ahead:
    """How far ahead upcoming, next and countdown look: --within, --all."""

    within: str | None = None
    include_all: bool = False


def make(group: type, values: dict[str, Any]) -> Any:
    """A group value from its options' parsed values (lists become tuples; a repeatable
    option not given is an empty tuple)."""
    defaults = {f.name: f.default for f in fields(group)}
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, list):
            out[key] = tuple(value)
        elif value is None and isinstance(defaults.get(key), tuple):
            out[key] = defaults[key]
        else:
            out[key] = value
    return group(**out)


def members(group: type) -> tuple[str, ...]:
    """The option (parameter) names of a group, in order."""
    return tuple(f.name for f in fields(group))


def unset(group: type) -> dict[str, Any]:
    """Each option's default: its field's, None for a repeatable one (Typer gives None when
    it is not given; :func:`make` turns that back into the empty tuple)."""
    return {f.name: None if isinstance(f.default, tuple) else f.default for f in fields(group)}


def bundle(kwargs: dict[str, Any], plan: list[tuple[str, type, tuple[str, ...]]]) -> dict[str, Any]:
    """Replace each group's options in *kwargs* with the group value (see ``options.wired``)."""
    out = dict(kwargs)
    for name, group, members in plan:
        if any(m in out for m in members):  # a group the command has
            out[name] = make(group, {m: out.pop(m) for m in members if m in out})
    return out


def context(settings: Settings) -> Context:
    """What reading typed dates needs, from the global settings."""
    from summit_cli.typed import Context

    return Context(settings.now, settings.display, settings.date_order)


def to_filter(args: Filters, settings: Settings) -> query.Filter:
    """Filter options -> a query Filter (dates read in the display zone)."""
    for value in args.kinds:
        check_choice(value, KINDS, "--kind")
    for value in args.statuses:
        check_choice(value, STATUSES, "--status")
    ctx = context(settings) if args.start or args.end else None
    return query.Filter(
        **{f.name: getattr(args, f.name) for f in fields(query.Criteria)},
        start=ctx.moment(args.start, "--from") if ctx and args.start else None,
        end=ctx.moment(args.end, "--to", end_of_day=True) if ctx and args.end else None,
    )


def horizon_end(settings: Settings, within: timedelta) -> Any:
    """The exclusive end of ``--within``: just past now + within, so an event starting
    right then counts (real elapsed time, also across a DST change)."""
    return (settings.now.astimezone(UTC) + within + timedelta(microseconds=1)).astimezone(
        settings.display
    )
