"""The options of each shared group, declared once: the filters, what is shown, the event
fields. ``options.wired`` puts a group's options into a command's signature."""

from __future__ import annotations

from typing import Annotated, Any

from summit_cli.cli.completion import (
    complete_field,
    complete_format,
    complete_from,
    complete_id,
    complete_zone,
)
from summit_cli.cli.declare import option
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
    usage = f"{name} {name.removeprefix('--').upper()}"
    return option(usage, f"{lead}: {', '.join(choices)}.", autocompletion=complete_from(choices))


def format_option(help_text: str) -> Any:
    """``--format/-f KEY``: a negotiation format, completed from the store's."""
    return option("--format -f KEY", help_text, autocompletion=complete_format)


def link_option(name: str, help_text: str) -> Any:
    """An event's link to another (``--follows`` and the like): an id, completed from the
    store's."""
    return option(f"{name} ID", help_text, autocompletion=complete_id)


def zone_option(help_text: str) -> Any:
    """``--tz ZONE``: a venue's time zone, completed from the zones the project knows."""
    return option("--tz ZONE", help_text, autocompletion=complete_zone)


# Help texts too long to stand on their option's line in the table below, in its order.
FORMATS_HELP = "Only this negotiation format (repeatable), e.g. geneva, nrc, osce."
TAGS_HELP = "Only events with TAG (repeatable: all must match)."
FROM_HELP = "Only events that end after WHEN (e.g. 2022-01-01, 'in 2 weeks')."
TO_HELP = "Only events that start before WHEN; a date means the end of that day."
SEARCH_HELP = "Only events whose title, notes or outcome contain TEXT."
EXACT_HELP = (
    "Only events whose date is known (not a rough date such as 'late January 2022' or tbd)."
)
WITHIN_HELP = "Only events starting within DURATION from now: 7d, 2w, 36h, 90min."
FIELDS_HELP = "Pick and order the fields of any output format (see: summits fields)."
TEMPLATE_HELP = (
    "One line per event, e.g. '{start_local} {title}' (fields: summits fields; format specs "
    "such as {title:<30} work)."
)
START_HELP = (
    "Start: '2022-01-12 10:00', 'Jan 12 2022 10am', '2022-01-12' (all day), 'tomorrow 10:00', "
    "'+3d'. Read in the venue's zone."
)
END_HELP = "End, same forms (a date is inclusive; '16:30' means the start's day)."
TZ_HELP = (
    "The venue's time zone: IANA name, known city or UTC offset. Default: the format's zone, "
    "else the city's."
)
CITY_HELP = "City (also gives the zone when the project knows it)."
FOLLOWS_HELP = "The event this one comes after (round 4 after round 3)."
AGREED_AT_HELP = "The meeting or call where this event was agreed."
PART_OF_HELP = "The summit or round this event is a session of."

# The options of each group, declared once: name -> annotation. An option's default is
# its group field's (see ``options.wired``).
GROUP_OPTIONS: dict[type, dict[str, Any]] = {
    Filters: {
        "formats": Annotated[list[str] | None, format_option(FORMATS_HELP)],
        "kinds": Annotated[
            list[str] | None, one_of("--kind", KINDS, "Only this kind (repeatable)")
        ],
        "statuses": Annotated[
            list[str] | None, one_of("--status", STATUSES, "Only this status (repeatable)")
        ],
        "city": Annotated[str | None, option("--city CITY", "Only events in CITY.")],
        "country": Annotated[str | None, option("--country COUNTRY", "Only events in COUNTRY.")],
        "participant": Annotated[
            str | None, option("--with TEXT", "Only events with a participant containing TEXT.")
        ],
        "tags": Annotated[list[str] | None, option("--tag TAG", TAGS_HELP)],
        "start": Annotated[str | None, option("--from WHEN", FROM_HELP)],
        "end": Annotated[str | None, option("--to WHEN", TO_HELP)],
        "search": Annotated[str | None, option("--search -s TEXT", SEARCH_HELP)],
        "exact": Annotated[bool, option("--exact", EXACT_HELP)],
    },
    Ahead: {
        "within": Annotated[str | None, option("--within DURATION", WITHIN_HELP)],
        "include_all": Annotated[bool, option("--all -a", "Include cancelled events.")],
    },
    Shown: {
        "output": Annotated[
            Output | None, option("--output -o FORMAT", OUTPUT_HELP, case_sensitive=False)
        ],
        "fields": Annotated[
            str | None, option("--fields A,B,C", FIELDS_HELP, autocompletion=complete_field)
        ],
        "template": Annotated[str | None, option("--template -t TEMPLATE", TEMPLATE_HELP)],
    },
    Fields: {
        "start": Annotated[str | None, option("--start WHEN", START_HELP)],
        "end": Annotated[str | None, option("--end WHEN", END_HELP)],
        "tz": Annotated[str | None, zone_option(TZ_HELP)],
        "fmt": Annotated[
            str | None, format_option("Negotiation format key (see: summits formats).")
        ],
        "round_number": Annotated[
            int | None, option("--round N", "Round number within the format.", min=1)
        ],
        "kind": Annotated[str | None, one_of("--kind", KINDS, "One of")],
        "venue": Annotated[str | None, option("--venue PLACE", "Building or place.")],
        "city": Annotated[str | None, option("--city CITY", CITY_HELP)],
        "country": Annotated[str | None, option("--country COUNTRY", "Country of the venue.")],
        "participants": Annotated[
            list[str] | None, option("--with PARTY", "A participant (repeatable).")
        ],
        "status": Annotated[str | None, one_of("--status", STATUSES, "One of")],
        "sources": Annotated[
            list[str] | None, option("--source URL", "A source URL or citation (repeatable).")
        ],
        "tags": Annotated[list[str] | None, option("--tag TAG", "A tag (repeatable).")],
        "outcome": Annotated[str | None, option("--outcome TEXT", "What came out of it.")],
        "notes": Annotated[str | None, option("--notes TEXT", "Free text.")],
        "follows": Annotated[str | None, link_option("--follows", FOLLOWS_HELP)],
        "agreed_at": Annotated[str | None, link_option("--agreed-at", AGREED_AT_HELP)],
        "part_of": Annotated[str | None, link_option("--part-of", PART_OF_HELP)],
    },
}
# Each group's options in the order --help lists them (which need not be its fields').
GROUPS = {group: tuple(options) for group, options in GROUP_OPTIONS.items()}
assert all(set(GROUPS[g]) == set(members(g)) for g in GROUPS)
