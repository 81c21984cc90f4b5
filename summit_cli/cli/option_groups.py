"""The options of each shared group, declared once: the filters, what is shown, the event
fields. ``options.wired`` puts a group's options into a command's signature."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from summit_cli.cli.completion import (
    complete_field,
    complete_format,
    complete_from,
    complete_id,
    complete_zone,
)
from summit_cli.cli.groups import Filters, Shown, members
from summit_cli.cli.output import Output
from summit_cli.edits import Fields
from summit_cli.model import KINDS, STATUSES

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
        "exact": (
            Annotated[
                bool,
                typer.Option(
                    "--exact",
                    help="Only events whose date is known (not a rough date such as "
                    "'late January 2022' or tbd).",
                ),
            ],
            False,
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
        "follows": (
            Annotated[
                str | None,
                typer.Option(
                    "--follows",
                    metavar="ID",
                    help="The event this one comes after (round 4 after round 3).",
                    autocompletion=complete_id,
                ),
            ],
            None,
        ),
        "agreed_at": (
            Annotated[
                str | None,
                typer.Option(
                    "--agreed-at",
                    metavar="ID",
                    help="The meeting or call where this event was agreed.",
                    autocompletion=complete_id,
                ),
            ],
            None,
        ),
        "part_of": (
            Annotated[
                str | None,
                typer.Option(
                    "--part-of",
                    metavar="ID",
                    help="The summit or round this event is a session of.",
                    autocompletion=complete_id,
                ),
            ],
            None,
        ),
    },
}
GROUPS = {group: members(group) for group in GROUP_OPTIONS}
assert all(tuple(GROUP_OPTIONS[g]) == GROUPS[g] for g in GROUPS)
