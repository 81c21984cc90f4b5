"""Every option declared once: the common options and ``wired``, which brings in the
shared groups (``option_groups``).

A command names a group by a parameter annotated with its dataclass (``filters:
Filters``); :func:`wired` puts the group's options into the signature Typer reads
and hands the command one group value. Adding a filter is one entry in
``option_groups`` and one field in ``groups.Filters``. :func:`wired` also renders
what the command returns through ``cli.output`` (the one output door).
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from typing import Annotated, Any

import typer

from summit_cli.cli.completion import complete_format, complete_id
from summit_cli.cli.declare import argument, option
from summit_cli.cli.groups import Shown, bundle, unset
from summit_cli.cli.option_groups import GROUP_OPTIONS, GROUPS
from summit_cli.cli.settings import Settings


def settings_of(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    assert isinstance(obj, Settings)
    return obj


class Only(frozenset[str]):
    """The default of a group parameter: which of the group's options it takes (none named:
    all of them)."""


def only(*names: str) -> Any:
    return Only(names)


# The filters of the commands that look ahead from now themselves (next, countdown, remind,
# brief): all but the window (--from, --to) and --exact.
AHEAD = only("formats", "kinds", "statuses", "city", "country", "participant", "tags", "search")


def wired(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The command *fn* as Typer should see it: each group parameter replaced by the group's
    options (in place), and what *fn* returns rendered by ``cli.output``."""
    signature = inspect.signature(fn)
    hints = typing.get_type_hints(fn, include_extras=True)
    parameters: list[inspect.Parameter] = []
    plan: list[tuple[str, type, tuple[str, ...]]] = []
    for param in signature.parameters.values():
        group = hints.get(param.name)
        if group not in GROUP_OPTIONS:
            parameters.append(param.replace(annotation=hints.get(param.name, param.annotation)))
            continue
        chosen = param.default if isinstance(param.default, Only) and param.default else None
        members = tuple(n for n in GROUPS[group] if chosen is None or n in chosen)
        defaults = unset(group)
        for name in members:
            annotation = GROUP_OPTIONS[group][name]
            parameters.append(
                inspect.Parameter(
                    name, param.KEYWORD_ONLY, annotation=annotation, default=defaults[name]
                )
            )
        plan.append((param.name, group, members))
    shown_name = next((name for name, group, _ in plan if group is Shown), None)

    @functools.wraps(fn)
    def command(**kwargs: Any) -> None:
        bundled = bundle(kwargs, plan)
        result = fn(**bundled)
        if result is not None:
            from summit_cli.cli import output

            shown = bundled.get(shown_name) if shown_name else None
            output.emit(result, settings_of(bundled["ctx"]), shown or Shown())

    keyword = [p.replace(kind=p.KEYWORD_ONLY) for p in parameters]
    command.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=keyword, return_annotation=None
    )
    command.__annotations__ = {p.name: p.annotation for p in keyword}
    return command


# ---------------------------------------------------------- plain options

IDS_HELP = "Event ids (see: summits list --output ids)."
LimitOpt = Annotated[int | None, option("--limit -n N", "At most N events.", min=0)]
DryRunOpt = Annotated[
    bool, option("--dry-run", "Show what would change (a diff of the records); write nothing.")
]
IdArg = Annotated[str, argument("ID", "The event's id.", autocompletion=complete_id)]
IdsArg = Annotated[list[str], argument("ID...", IDS_HELP, autocompletion=complete_id)]
FormatKeyArg = Annotated[
    str, argument("KEY", "A format key (see: summits formats).", autocompletion=complete_format)
]
