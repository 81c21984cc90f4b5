"""Options shared by several commands, and turning them into a query Filter."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer

from summit_cli.cli import reading
from summit_cli.cli.output import Output
from summit_cli.cli.settings import Settings
from summit_cli.model import KINDS, STATUSES


def settings_of(ctx: typer.Context) -> Settings:
    root = ctx.find_root()
    obj = root.obj
    assert isinstance(obj, Settings)
    return obj


def _store_hint(ctx: Any) -> str | None:
    try:
        value = ctx.find_root().params.get("store_path")
    except AttributeError:
        value = None
    return value or os.environ.get("SUMMITS_STORE")


def complete_format(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of format keys from the store in use."""
    from summit_cli import store

    try:
        current = store.read_store(store.locate(_store_hint(ctx), os.environ))
    except Exception:
        return []
    return [k for k in current.formats if k.startswith(incomplete)]


def complete_id(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of event ids from the store in use."""
    from summit_cli import store

    try:
        current = store.read_store(store.locate(_store_hint(ctx), os.environ))
    except Exception:
        return []
    return [e.id for e in current.all_events() if e.id.startswith(incomplete)]


def _complete_from(choices: tuple[str, ...]) -> Any:
    def complete(incomplete: str) -> list[str]:
        return [c for c in choices if c.startswith(incomplete)]

    return complete


OutputOpt = Annotated[
    Output | None,
    typer.Option(
        "--output",
        "-o",
        help="table (default on a terminal), plain (default when "
        "piped), json, jsonl, csv, tsv or ids.",
        case_sensitive=False,
    ),
]
FormatOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--format",
        "-f",
        metavar="KEY",
        help="Only this negotiation format (repeatable), e.g. geneva, nrc, osce.",
        autocompletion=complete_format,
    ),
]
KindOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--kind",
        metavar="KIND",
        help=f"Only this kind (repeatable): {', '.join(KINDS)}.",
        autocompletion=_complete_from(KINDS),
    ),
]
StatusOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--status",
        metavar="STATUS",
        help=f"Only this status (repeatable): {', '.join(STATUSES)}.",
        autocompletion=_complete_from(STATUSES),
    ),
]
CityOpt = Annotated[str | None, typer.Option("--city", help="Only events in this city.")]
CountryOpt = Annotated[str | None, typer.Option("--country", help="Only events in this country.")]
WithOpt = Annotated[
    str | None,
    typer.Option("--with", metavar="TEXT", help="Only events with a participant containing TEXT."),
]
TagOpt = Annotated[
    list[str] | None,
    typer.Option("--tag", help="Only events with this tag (repeatable: all must match)."),
]
FromOpt = Annotated[
    str | None,
    typer.Option(
        "--from",
        metavar="WHEN",
        help="Only events that end after WHEN (e.g. 2022-01-01, 'in 2 weeks').",
    ),
]
ToOpt = Annotated[
    str | None,
    typer.Option(
        "--to",
        metavar="WHEN",
        help="Only events that start before WHEN; a date means the end of that day.",
    ),
]
SearchOpt = Annotated[
    str | None,
    typer.Option(
        "--search",
        "-s",
        metavar="TEXT",
        help="Only events whose title, notes or outcome contain TEXT.",
    ),
]
LimitOpt = Annotated[int | None, typer.Option("--limit", "-n", min=0, help="At most N events.")]


# Typer-free, shared with the fast path.
build_filter = reading.build_filter


def complete_field(incomplete: str) -> list[str]:
    """Shell completion of record field names (also after commas in --fields)."""
    from summit_cli.export import RECORD_KEYS

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


FieldsOpt = Annotated[
    str | None,
    typer.Option(
        "--fields",
        metavar="A,B,C",
        help="Pick and order the fields of any output format (see: summits fields).",
        autocompletion=complete_field,
    ),
]
TemplateOpt = Annotated[
    str | None,
    typer.Option(
        "--template",
        "-t",
        metavar="TEMPLATE",
        help="One line per event, e.g. "
        "'{start_local} {title}' (fields: summits fields; format specs such as "
        "{title:<30} work).",
    ),
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
