"""The ``add`` command: a new event, validated and written safely."""

from __future__ import annotations

import re
from datetime import tzinfo
from typing import Annotated

import typer

from summit_cli import query, store, timeline, zones
from summit_cli.cli import output
from summit_cli.cli.exits import say
from summit_cli.cli.options import complete_format, complete_zone, settings_of
from summit_cli.cli.settings import Settings
from summit_cli.errors import InvalidData, InvalidInput, NotFound, Problem, StoreIOError
from summit_cli.model import KINDS, STATUSES, Event, Status, Store, WallTime
from summit_cli.safetext import visible

CLOCK_ONLY = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\Z")


def register(app: typer.Typer) -> None:
    app.command("add")(add)


def report_saved(saved: store.Saved, what: str) -> None:
    """Tell the user (on stderr) what a write did."""
    if saved.created_from_bundled:
        say(f"created your store at {saved.path} (a copy of the bundled store)")
    say(f"{what} in {saved.path}")
    if not saved.durable:
        say(
            "the change is saved, but durability is unconfirmed (syncing the folder to disk "
            "failed)",
            kind="warning",
        )


def _venue_zone(
    tz: str | None, fmt_key: str | None, city: str | None, current: Store
) -> tuple[str | None, tzinfo | None]:
    """(IANA name to store, fixed-offset zone for the wall time) from --tz, format or city."""
    if tz:
        name = zones.canonical_zone_name(tz)
        if name is not None:
            return name, None
        return None, zones.resolve_zone(tz)  # an offset, or an error with suggestions
    if fmt_key and fmt_key in current.formats and current.formats[fmt_key].timezone:
        return current.formats[fmt_key].timezone, None
    return zones.zone_for_city(city), None


def _typed(text: str, option: str, zone: tzinfo, settings: Settings) -> WallTime:
    now_there = settings.now.astimezone(zone)
    try:
        return timeline.parse_typed(text, now_there, settings.date_order).wall
    except InvalidInput as exc:
        raise InvalidInput(f"{option}: {exc}") from None


def build_event(
    settings: Settings,
    current: Store,
    *,
    title: str,
    start: str,
    end: str | None,
    tz: str | None,
    fmt: str | None,
    round_number: int | None,
    kind: str,
    venue: str | None,
    city: str | None,
    country: str | None,
    participants: list[str],
    status: str,
    sources: list[str],
    tags: list[str],
    outcome: str | None,
    notes: str | None,
    event_id: str | None,
) -> Event:
    """Options -> a new Event, keeping the wall time typed and the venue's zone."""
    if not title.strip():
        raise InvalidInput("the title must not be empty")
    if kind not in KINDS:
        raise InvalidInput(f"--kind {kind!r} is not one of: {', '.join(KINDS)}")
    if status not in STATUSES:
        raise InvalidInput(f"--status {status!r} is not one of: {', '.join(STATUSES)}")
    if fmt is not None:
        query.check_filter(current, query.Filter(formats=(fmt,)))
    zone_name, offset_zone = _venue_zone(tz, fmt, city, current)
    reading_zone: tzinfo = offset_zone or (
        zones.resolve_zone(zone_name) if zone_name else settings.display
    )
    start_wall = _typed(start, "--start", reading_zone, settings)
    end_wall: WallTime | None = None
    if end:
        if CLOCK_ONLY.match(end.strip()):
            end_wall = _typed(
                f"{start_wall.date.isoformat()} {end.strip()}", "--end", reading_zone, settings
            )
        else:
            end_wall = _typed(end, "--end", reading_zone, settings)
    if (
        zone_name is None
        and offset_zone is None
        and start_wall.offset is not None
        and end_wall is not None
        and not end_wall.date_only
        and end_wall.offset is None
    ):
        # '--start 10:00+03:00 --end 12:30': the end is at the start's offset too.
        end_wall = WallTime(end_wall.date, end_wall.time, start_wall.offset)
    if offset_zone is not None:
        fixed = offset_zone.utcoffset(None)
        start_wall = _with_offset(start_wall, fixed)
        end_wall = _with_offset(end_wall, fixed) if end_wall else None
    if zone_name is None and not start_wall.date_only and start_wall.offset is None:
        raise InvalidInput(
            f"--start {start!r} has a time but no time zone: give --tz ZONE (e.g. --tz "
            "Europe/Zurich), a --city the project knows, or a --format that has a zone"
        )
    if zone_name is not None:
        zone = zones.resolve_zone(zone_name)
        for option, wall in (("--start", start_wall), ("--end", end_wall)):
            if wall is not None and not timeline.wall_time_exists(wall, zone):
                raise InvalidInput(
                    f"{option}: {wall} does not exist in {zone_name} "
                    "(the clocks skip it at a DST change)"
                )
    event = Event(
        id=event_id or "",
        title=title.strip(),
        kind=kind,
        format=fmt,
        round=round_number,
        start=start_wall,
        end=end_wall,
        timezone=zone_name,
        venue=venue,
        city=city,
        country=country,
        participants=tuple(participants),
        status=Status(status),
        outcome=outcome,
        sources=tuple(sources),
        tags=tuple(tags),
        notes=notes,
    )
    if timeline.end_before_start(event):
        raise InvalidInput(f"--end {end!r} is before --start {start!r}")
    return event


def _with_offset(wall: WallTime, offset: object) -> WallTime:
    from datetime import timedelta

    if wall.date_only or wall.offset is not None or not isinstance(offset, timedelta):
        return wall
    return WallTime(wall.date, wall.time, offset)


# Options shared by `add` and `edit` (in `edit`, a given option replaces the field).
StartOpt = Annotated[
    str | None,
    typer.Option(
        "--start",
        metavar="WHEN",
        help="Start: '2022-01-12 10:00', 'Jan 12 2022 10am', '2022-01-12' "
        "(all day), 'tomorrow 10:00', '+3d'. Read in the venue's zone.",
    ),
]
EndOpt = Annotated[
    str | None,
    typer.Option(
        "--end",
        metavar="WHEN",
        help="End, same forms (a date is inclusive; '16:30' means the start's day).",
    ),
]
VenueZoneOpt = Annotated[
    str | None,
    typer.Option(
        "--tz",
        metavar="ZONE",
        help="The venue's time zone: IANA name, known city or UTC offset. "
        "Default: the format's zone, else the city's.",
        autocompletion=complete_zone,
    ),
]
EventFormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="KEY",
        help="Negotiation format key (see: summits formats).",
        autocompletion=complete_format,
    ),
]
RoundOpt = Annotated[
    int | None, typer.Option("--round", min=1, help="Round number within the format.")
]
KindChoiceOpt = Annotated[str | None, typer.Option("--kind", help=f"One of: {', '.join(KINDS)}.")]
VenueOpt = Annotated[str | None, typer.Option("--venue", help="Building or place.")]
CityValueOpt = Annotated[
    str | None, typer.Option("--city", help="City (also gives the zone when the project knows it).")
]
CountryValueOpt = Annotated[str | None, typer.Option("--country", help="Country of the venue.")]
PartyOpt = Annotated[
    list[str] | None, typer.Option("--with", metavar="PARTY", help="A participant (repeatable).")
]
StatusChoiceOpt = Annotated[
    str | None, typer.Option("--status", help=f"One of: {', '.join(STATUSES)}.")
]
SourceOpt = Annotated[
    list[str] | None,
    typer.Option("--source", metavar="URL", help="A source URL or citation (repeatable)."),
]
TagValueOpt = Annotated[list[str] | None, typer.Option("--tag", help="A tag (repeatable).")]
OutcomeOpt = Annotated[
    str | None, typer.Option("--outcome", metavar="TEXT", help="What came out of it.")
]
NotesOpt = Annotated[str | None, typer.Option("--notes", metavar="TEXT", help="Free text.")]
DryRunOpt = Annotated[
    bool,
    typer.Option(
        "--dry-run", "-n", help="Show what would change (a diff of the records) and write nothing."
    ),
]


def report_dry_run(saved: store.Saved) -> None:
    """Print the diff a write would make (stdout) and say nothing was written (stderr)."""
    from summit_cli.export import store_diff

    output.write(store_diff(saved.before, saved.after))
    say("dry run: nothing was written")


MAX_INPUT_BYTES = 16 * 1024 * 1024


def read_input(source: str) -> tuple[str, store.Syntax]:
    """The text of --from-file (a path, or - for stdin) and its syntax (json or yaml)."""
    import sys
    from pathlib import Path

    if source == "-":
        data = (
            sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
            if hasattr(sys.stdin, "buffer")
            else (sys.stdin.read().encode("utf-8"))
        )
        name = "<stdin>"
    else:
        try:
            with Path(source).open("rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
        except FileNotFoundError:
            raise NotFound(f"no such file: {source}") from None
        except OSError as exc:
            raise StoreIOError(f"{source}: cannot read: {exc.strerror or exc}") from None
        name = source
    if len(data) > MAX_INPUT_BYTES:
        raise InvalidData(name, [Problem("", f"input is larger than {MAX_INPUT_BYTES} bytes")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidData(name, [Problem("", "not valid UTF-8")]) from None
    if source != "-" and source.lower().endswith(".json"):
        return text, "json"
    if source == "-" and text.lstrip()[:1] in {"[", "{"}:
        return text, "json"
    return text, "yaml"


def events_from_records(tree: object, current: Store, source: str) -> list[Event]:
    """Validate one record or a list of records; every problem is reported at once."""
    from summit_cli.fromplain import events_from_plain

    records = tree if isinstance(tree, list) else [tree]
    if isinstance(tree, dict) and isinstance(tree.get("events"), list):
        records = tree["events"]  # a whole store file: take its events
    events: list[Event] = []
    problems: list[Problem] = []
    ids: dict[str, int] = {}
    for number, raw in enumerate(records, start=1):
        valid, found = events_from_plain([raw], current.formats, first=number)
        problems += found
        for event in valid:
            where = f"record {number}" + (f" (id {event.id})" if event.id else "")
            if timeline.end_before_start(event):
                problems.append(
                    Problem(where, f"ends ({event.end}) before it starts ({event.start})")
                )
            elif event.id and event.id in ids:
                problems.append(Problem(where, f"the same id as record {ids[event.id]}"))
            else:
                if event.id:
                    ids[event.id] = number
                events.append(event)
    if problems:
        raise InvalidData(source, problems)
    if not events:
        raise InvalidData(source, [Problem("", "no records to add")])
    return events


def add(
    ctx: typer.Context,
    title: Annotated[str | None, typer.Argument(help="What the meeting is called.")] = None,
    start: StartOpt = None,
    end: EndOpt = None,
    tz: VenueZoneOpt = None,
    fmt: EventFormatOpt = None,
    round_number: RoundOpt = None,
    kind: KindChoiceOpt = None,
    venue: VenueOpt = None,
    city: CityValueOpt = None,
    country: CountryValueOpt = None,
    participants: PartyOpt = None,
    status: StatusChoiceOpt = None,
    sources: SourceOpt = None,
    tags: TagValueOpt = None,
    outcome: OutcomeOpt = None,
    notes: NotesOpt = None,
    event_id: Annotated[
        str | None,
        typer.Option("--id", help="Id to use (default: generated from date, place and format)."),
    ] = None,
    from_file: Annotated[
        str | None,
        typer.Option(
            "--from-file",
            metavar="FILE|-",
            help="Add the events of a YAML or JSON file (one "
            "record or a list; - reads stdin). All or nothing.",
        ),
    ] = None,
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help="With --from-file: an existing id is updated instead of refused "
            "(importing the same file twice changes nothing).",
        ),
    ] = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Add an event: validates it, writes the store safely, prints the new id on stdout.

    Example: summits add "NATO-Russia Council" --start "2022-01-12 10:00" --city Brussels
    --format nrc --kind council --with NATO --with Russia
    """
    settings = settings_of(ctx)
    if from_file is not None:
        _add_from_file(
            settings, from_file, update=update, dry_run=dry_run, title=title, start=start
        )
        return
    if update:
        raise InvalidInput("--update only applies with --from-file")
    if title is None or start is None:
        raise InvalidInput("give a TITLE and --start WHEN (or --from-file FILE)")
    created: list[Event] = []

    def change(current: Store) -> Store:
        event = build_event(
            settings,
            current,
            title=title,
            start=start,
            end=end,
            tz=tz,
            fmt=fmt,
            round_number=round_number,
            kind=kind or "other",
            venue=venue,
            city=city,
            country=country,
            participants=participants or [],
            status=status or "scheduled",
            sources=sources or [],
            tags=tags or [],
            outcome=outcome,
            notes=notes,
            event_id=event_id,
        )
        updated = query.add_event(current, event)
        created.append(updated.events[-1])
        return updated

    saved = store.update(
        settings.location(), change, lock_timeout=settings.lock_timeout, dry_run=dry_run
    )
    if dry_run:
        report_dry_run(saved)
        return
    event = created[-1]
    zone = f" {event.timezone}" if event.timezone else ""
    report_saved(saved, f"added {event.id} ({visible(event.title)}, {event.start}{zone})")
    output.write(event.id + "\n")


def _add_from_file(
    settings: Settings,
    source: str,
    *,
    update: bool,
    dry_run: bool,
    title: str | None,
    start: str | None,
) -> None:
    if title is not None or start is not None:
        raise InvalidInput("give either TITLE --start WHEN or --from-file, not both")
    text, syntax = read_input(source)
    name = "<stdin>" if source == "-" else source
    tree = store.parse_text(text, syntax, name)  # the store's hostile-input rules apply
    reports: list[query.MergeReport] = []

    def change(current: Store) -> Store:
        events = events_from_records(tree, current, name)
        merged, report = query.merge_events(current, events, update=update)
        reports.append(report)
        return merged

    saved = store.update(
        settings.location(), change, lock_timeout=settings.lock_timeout, dry_run=dry_run
    )
    report = reports[-1]
    if dry_run:
        report_dry_run(saved)
        return
    counts = (
        f"added {len(report.added)}, updated {len(report.updated)}, "
        f"unchanged {len(report.unchanged)}"
    )
    report_saved(saved, counts)
    output.write("".join(f"{i}\n" for i in (*report.added, *report.updated)))
