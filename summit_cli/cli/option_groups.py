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
from summit_cli.cli.groups import Ahead, Filters, Shown, members
from summit_cli.cli.output import Output
from summit_cli.edits import Fields
from summit_cli.model import KINDS, STATUSES

OUTPUT_HELP = (
    "table (default on a terminal), plain (default when piped), or a machine format: "
    "json, jsonl, yaml, csv, tsv, ids."
)


def one_of(name: str, choices: tuple[str, ...], lead: str) -> Any:
    """An option whose values are *choices*: its help lists them after *lead*, the shell
    completes them."""
    return typer.Option(
        name,
        metavar=name.removeprefix("--").upper(),
        help=f"{lead}: {', '.join(choices)}.",
        autocompletion=complete_from(choices),
    )


def format_option(help_text: str) -> Any:
    """``--format/-f KEY``: a negotiation format, completed from the store's."""
    return typer.Option(
        "--format", "-f", metavar="KEY", help=help_text, autocompletion=complete_format
    )


def link_option(name: str, help_text: str) -> Any:
    """An event's link to another (``--follows`` and the like): an id, completed from the
    store's."""
    return typer.Option(name, metavar="ID", help=help_text, autocompletion=complete_id)


def zone_option(help_text: str) -> Any:
    """``--tz ZONE``: a venue's time zone, completed from the zones the project knows."""
    return typer.Option("--tz", metavar="ZONE", help=help_text, autocompletion=complete_zone)


# The options of each group, declared once: name -> annotation. An option's default is
# its group field's (see ``options.wired``).
GROUP_OPTIONS: dict[type, dict[str, Any]] = {
    Filters: {
        "formats": Annotated[
            list[str] | None,
            format_option("Only this negotiation format (repeatable), e.g. geneva, nrc, osce."),
        ],
        "kinds": Annotated[
            list[str] | None, one_of("--kind", KINDS, "Only this kind (repeatable)")
        ],
        "statuses": Annotated[
            list[str] | None, one_of("--status", STATUSES, "Only this status (repeatable)")
        ],
        "city": Annotated[
            str | None, typer.Option("--city", metavar="CITY", help="Only events in CITY.")
        ],
        "country": Annotated[
            str | None,
            typer.Option("--country", metavar="COUNTRY", help="Only events in COUNTRY."),
        ],
        "participant": Annotated[
            str | None,
            typer.Option(
                "--with", metavar="TEXT", help="Only events with a participant containing TEXT."
            ),
        ],
        "tags": Annotated[
            list[str] | None,
            typer.Option(
                "--tag",
                metavar="TAG",
                help="Only events with TAG (repeatable: all must match).",
            ),
        ],
        "start": Annotated[
            str | None,
            typer.Option(
                "--from",
                metavar="WHEN",
                help="Only events that end after WHEN (e.g. 2022-01-01, 'in 2 weeks').",
            ),
        ],
        "end": Annotated[
            str | None,
            typer.Option(
                "--to",
                metavar="WHEN",
                help="Only events that start before WHEN; a date means the end of that day.",
            ),
        ],
        "search": Annotated[
            str | None,
            typer.Option(
                "--search",
                "-s",
                metavar="TEXT",
                help="Only events whose title, notes or outcome contain TEXT.",
            ),
        ],
        "exact": Annotated[
            bool,
            typer.Option(
                "--exact",
                help="Only events whose date is known (not a rough date such as "
                "'late January 2022' or tbd).",
            ),
        ],
    },
    Ahead: {
        "within": Annotated[
            str | None,
            typer.Option(
                "--within",
                metavar="DURATION",
                help="Only events starting within DURATION from now: 7d, 2w, 36h, 90min.",
            ),
        ],
        "include_all": Annotated[
            bool, typer.Option("--all", "-a", help="Include cancelled events.")
        ],
    },
    Shown: {
        "output": Annotated[
            Output | None,
            typer.Option(
                "--output", "-o", metavar="FORMAT", help=OUTPUT_HELP, case_sensitive=False
            ),
        ],
        "fields": Annotated[
            str | None,
            typer.Option(
                "--fields",
                metavar="A,B,C",
                help="Pick and order the fields of any output format (see: summits fields).",
                autocompletion=complete_field,
            ),
        ],
        "template": Annotated[
            str | None,
            typer.Option(
                "--template",
                "-t",
                metavar="TEMPLATE",
                help="One line per event, e.g. '{start_local} {title}' (fields: summits "
                "fields; format specs such as {title:<30} work).",
            ),
        ],
    },
    Fields: {
        "start": Annotated[
            str | None,
            typer.Option(
                "--start",
                metavar="WHEN",
                help="Start: '2022-01-12 10:00', 'Jan 12 2022 10am', '2022-01-12' (all day), "
                "'tomorrow 10:00', '+3d'. Read in the venue's zone.",
            ),
        ],
        "end": Annotated[
            str | None,
            typer.Option(
                "--end",
                metavar="WHEN",
                help="End, same forms (a date is inclusive; '16:30' means the start's day).",
            ),
        ],
        "tz": Annotated[
            str | None,
            zone_option(
                "The venue's time zone: IANA name, known city or UTC offset. "
                "Default: the format's zone, else the city's."
            ),
        ],
        "fmt": Annotated[
            str | None, format_option("Negotiation format key (see: summits formats).")
        ],
        "round_number": Annotated[
            int | None,
            typer.Option("--round", metavar="N", min=1, help="Round number within the format."),
        ],
        "kind": Annotated[str | None, one_of("--kind", KINDS, "One of")],
        "venue": Annotated[
            str | None, typer.Option("--venue", metavar="PLACE", help="Building or place.")
        ],
        "city": Annotated[
            str | None,
            typer.Option(
                "--city",
                metavar="CITY",
                help="City (also gives the zone when the project knows it).",
            ),
        ],
        "country": Annotated[
            str | None,
            typer.Option("--country", metavar="COUNTRY", help="Country of the venue."),
        ],
        "participants": Annotated[
            list[str] | None,
            typer.Option("--with", metavar="PARTY", help="A participant (repeatable)."),
        ],
        "status": Annotated[str | None, one_of("--status", STATUSES, "One of")],
        "sources": Annotated[
            list[str] | None,
            typer.Option("--source", metavar="URL", help="A source URL or citation (repeatable)."),
        ],
        "tags": Annotated[
            list[str] | None, typer.Option("--tag", metavar="TAG", help="A tag (repeatable).")
        ],
        "outcome": Annotated[
            str | None,
            typer.Option("--outcome", metavar="TEXT", help="What came out of it."),
        ],
        "notes": Annotated[str | None, typer.Option("--notes", metavar="TEXT", help="Free text.")],
        "follows": Annotated[
            str | None,
            link_option("--follows", "The event this one comes after (round 4 after round 3)."),
        ],
        "agreed_at": Annotated[
            str | None,
            link_option("--agreed-at", "The meeting or call where this event was agreed."),
        ],
        "part_of": Annotated[
            str | None, link_option("--part-of", "The summit or round this event is a session of.")
        ],
    },
}
# Each group's options in the order --help lists them (which need not be its fields').
GROUPS = {group: tuple(options) for group, options in GROUP_OPTIONS.items()}
assert all(set(GROUPS[g]) == set(members(g)) for g in GROUPS)
