"""Every option declared once: the shared groups, the common options, and ``wired``.

A command names a group by a parameter annotated with its dataclass (``filters:
Filters``); :func:`wired` puts the group's options into the signature Typer reads
and hands the command one group value. Adding a filter is one line here and
one field in ``groups.Filters``. :func:`wired` also renders what the command
returns through ``cli.output`` (the one output door).
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from typing import Annotated, Any

import typer

from summit_cli.cli.groups import Filters, Shown, bundle, members
from summit_cli.cli.output import Output
from summit_cli.cli.settings import Settings
from summit_cli.edits import Fields
from summit_cli.model import KINDS, STATUSES


def settings_of(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    assert isinstance(obj, Settings)
    return obj


# ------------------------------------------------------------- completion


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


# ----------------------------------------------------------------- output


OUTPUT_HELP = (
    "table (default on a terminal), plain (default when piped), or a machine format: "
    "json, jsonl, yaml, csv, tsv, ids."
)

# The options of each group, declared once: name -> (annotation, default).
GROUP_OPTIONS: dict[type, dict[str, tuple[Any, Any]]] = {
    Filters: {
        "formats": (
            Annotated[
                list[str] | None,
                typer.Option(
                    "--format",
                    "-f",
                    metavar="KEY",
                    help="Only this negotiation format (repeatable), e.g. geneva, nrc, osce.",
                    autocompletion=complete_format,
                ),
            ],
            None,
        ),
        "kinds": (
            Annotated[
                list[str] | None,
                typer.Option(
                    "--kind",
                    metavar="KIND",
                    help=f"Only this kind (repeatable): {', '.join(KINDS)}.",
                    autocompletion=complete_from(KINDS),
                ),
            ],
            None,
        ),
        "statuses": (
            Annotated[
                list[str] | None,
                typer.Option(
                    "--status",
                    metavar="STATUS",
                    help=f"Only this status (repeatable): {', '.join(STATUSES)}.",
                    autocompletion=complete_from(STATUSES),
                ),
            ],
            None,
        ),
        "city": (
            Annotated[
                str | None, typer.Option("--city", metavar="CITY", help="Only events in CITY.")
            ],
            None,
        ),
        "country": (
            Annotated[
                str | None,
                typer.Option("--country", metavar="COUNTRY", help="Only events in COUNTRY."),
            ],
            None,
        ),
        "participant": (
            Annotated[
                str | None,
                typer.Option(
                    "--with", metavar="TEXT", help="Only events with a participant containing TEXT."
                ),
            ],
            None,
        ),
        "tags": (
            Annotated[
                list[str] | None,
                typer.Option(
                    "--tag",
                    metavar="TAG",
                    help="Only events with TAG (repeatable: all must match).",
                ),
            ],
            None,
        ),
        "start": (
            Annotated[
                str | None,
                typer.Option(
                    "--from",
                    metavar="WHEN",
                    help="Only events that end after WHEN (e.g. 2022-01-01, 'in 2 weeks').",
                ),
            ],
            None,
        ),
        "end": (
            Annotated[
                str | None,
                typer.Option(
                    "--to",
                    metavar="WHEN",
                    help="Only events that start before WHEN; a date means the end of that day.",
                ),
            ],
            None,
        ),
        "search": (
            Annotated[
                str | None,
                typer.Option(
                    "--search",
                    "-s",
                    metavar="TEXT",
                    help="Only events whose title, notes or outcome contain TEXT.",
                ),
            ],
            None,
        ),
    },
    Shown: {
        "output": (
            Annotated[
                Output | None,
                typer.Option(
                    "--output", "-o", metavar="FORMAT", help=OUTPUT_HELP, case_sensitive=False
                ),
            ],
            None,
        ),
        "fields": (
            Annotated[
                str | None,
                typer.Option(
                    "--fields",
                    metavar="A,B,C",
                    help="Pick and order the fields of any output format (see: summits fields).",
                    autocompletion=complete_field,
                ),
            ],
            None,
        ),
        "template": (
            Annotated[
                str | None,
                typer.Option(
                    "--template",
                    "-t",
                    metavar="TEMPLATE",
                    help="One line per event, e.g. '{start_local} {title}' (fields: summits "
                    "fields; format specs such as {title:<30} work).",
                ),
            ],
            None,
        ),
    },
    Fields: {
        "start": (
            Annotated[
                str | None,
                typer.Option(
                    "--start",
                    metavar="WHEN",
                    help="Start: '2022-01-12 10:00', 'Jan 12 2022 10am', '2022-01-12' (all day), "
                    "'tomorrow 10:00', '+3d'. Read in the venue's zone.",
                ),
            ],
            None,
        ),
        "end": (
            Annotated[
                str | None,
                typer.Option(
                    "--end",
                    metavar="WHEN",
                    help="End, same forms (a date is inclusive; '16:30' means the start's day).",
                ),
            ],
            None,
        ),
        "tz": (
            Annotated[
                str | None,
                typer.Option(
                    "--tz",
                    metavar="ZONE",
                    help="The venue's time zone: IANA name, known city or UTC offset. "
                    "Default: the format's zone, else the city's.",
                    autocompletion=complete_zone,
                ),
            ],
            None,
        ),
        "fmt": (
            Annotated[
                str | None,
                typer.Option(
                    "--format",
                    "-f",
                    metavar="KEY",
                    help="Negotiation format key (see: summits formats).",
                    autocompletion=complete_format,
                ),
            ],
            None,
        ),
        "round_number": (
            Annotated[
                int | None,
                typer.Option("--round", metavar="N", min=1, help="Round number within the format."),
            ],
            None,
        ),
        "kind": (
            Annotated[
                str | None,
                typer.Option(
                    "--kind",
                    metavar="KIND",
                    help=f"One of: {', '.join(KINDS)}.",
                    autocompletion=complete_from(KINDS),
                ),
            ],
            None,
        ),
        "venue": (
            Annotated[
                str | None, typer.Option("--venue", metavar="PLACE", help="Building or place.")
            ],
            None,
        ),
        "city": (
            Annotated[
                str | None,
                typer.Option(
                    "--city",
                    metavar="CITY",
                    help="City (also gives the zone when the project knows it).",
                ),
            ],
            None,
        ),
        "country": (
            Annotated[
                str | None,
                typer.Option("--country", metavar="COUNTRY", help="Country of the venue."),
            ],
            None,
        ),
        "participants": (
            Annotated[
                list[str] | None,
                typer.Option("--with", metavar="PARTY", help="A participant (repeatable)."),
            ],
            None,
        ),
        "status": (
            Annotated[
                str | None,
                typer.Option(
                    "--status",
                    metavar="STATUS",
                    help=f"One of: {', '.join(STATUSES)}.",
                    autocompletion=complete_from(STATUSES),
                ),
            ],
            None,
        ),
        "sources": (
            Annotated[
                list[str] | None,
                typer.Option(
                    "--source", metavar="URL", help="A source URL or citation (repeatable)."
                ),
            ],
            None,
        ),
        "tags": (
            Annotated[
                list[str] | None, typer.Option("--tag", metavar="TAG", help="A tag (repeatable).")
            ],
            None,
        ),
        "outcome": (
            Annotated[
                str | None,
                typer.Option("--outcome", metavar="TEXT", help="What came out of it."),
            ],
            None,
        ),
        "notes": (
            Annotated[str | None, typer.Option("--notes", metavar="TEXT", help="Free text.")],
            None,
        ),
    },
}
GROUPS = {group: members(group) for group in GROUP_OPTIONS}
assert all(tuple(GROUP_OPTIONS[g]) == GROUPS[g] for g in GROUPS)


class Only(frozenset[str]):
    """The default of a group parameter: which of the group's options it takes (none named:
    all of them)."""


def only(*names: str) -> Any:
    return Only(names)


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
        for name in members:
            annotation, default = GROUP_OPTIONS[group][name]
            parameters.append(
                inspect.Parameter(name, param.KEYWORD_ONLY, annotation=annotation, default=default)
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

LimitOpt = Annotated[
    int | None, typer.Option("--limit", "-n", metavar="N", min=0, help="At most N events.")
]
WithinOpt = Annotated[
    str | None,
    typer.Option(
        "--within",
        metavar="DURATION",
        help="Only events starting within DURATION from now: 7d, 2w, 36h, 90min.",
    ),
]
AllOpt = Annotated[bool, typer.Option("--all", "-a", help="Include cancelled events.")]
DryRunOpt = Annotated[
    bool,
    typer.Option(
        "--dry-run", help="Show what would change (a diff of the records); write nothing."
    ),
]
IdArg = Annotated[
    str, typer.Argument(metavar="ID", help="The event's id.", autocompletion=complete_id)
]
IdsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="ID...",
        help="Event ids (see: summits list --output ids).",
        autocompletion=complete_id,
    ),
]
FormatKeyArg = Annotated[
    str,
    typer.Argument(
        metavar="KEY", help="A format key (see: summits formats).", autocompletion=complete_format
    ),
]
