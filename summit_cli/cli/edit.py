"""Commands that change events by id: edit, postpone, cancel, remove."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from typing import Annotated, Any

import typer

from summit_cli import query, store, timeline, zones
from summit_cli.cli import output
from summit_cli.cli.add import (
    CLOCK_ONLY,
    CityValueOpt,
    CountryValueOpt,
    DryRunOpt,
    EndOpt,
    EventFormatOpt,
    KindChoiceOpt,
    NotesOpt,
    OutcomeOpt,
    PartyOpt,
    RoundOpt,
    SourceOpt,
    StartOpt,
    StatusChoiceOpt,
    TagValueOpt,
    VenueOpt,
    VenueZoneOpt,
    report_dry_run,
    report_saved,
)
from summit_cli.cli.exits import say
from summit_cli.cli.options import complete_id, settings_of
from summit_cli.cli.settings import Settings
from summit_cli.errors import InvalidData, InvalidInput
from summit_cli.export import LIST_SEPARATOR
from summit_cli.fromplain import validate_event
from summit_cli.model import (
    EVENT_KEYS,
    KINDS,
    LIST_KEYS,
    STATUSES,
    Change,
    Event,
    Status,
    Store,
    WallTime,
)

EDITABLE = tuple(k for k in EVENT_KEYS if k not in {"id", "history"})
REQUIRED = frozenset({"title", "start"})
IdArg = Annotated[
    str, typer.Argument(metavar="ID", help="The event's id.", autocompletion=complete_id)
]
ReasonOpt = Annotated[
    str | None, typer.Option("--reason", metavar="TEXT", help="Why (kept in the event's history).")
]


def register(app: typer.Typer) -> None:
    app.command("edit")(edit)
    app.command("postpone")(postpone)
    app.command("cancel")(cancel)
    app.command("remove")(remove)


def _complete_editable(incomplete: str) -> list[str]:
    return [f"{k}=" for k in EDITABLE if k.startswith(incomplete.split("=", maxsplit=1)[0])]


def _split_list(text: str) -> list[str]:
    """'a;b\\;c' -> ['a', 'b;c'] (the CSV list rule: ';' separates, backslash escapes)."""
    items, current, escaped = [], [], False
    for ch in text:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == LIST_SEPARATOR:
            items.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    items.append("".join(current).strip())
    return [i for i in items if i]


def _zone_for(plain: dict[str, Any], settings: Settings) -> tzinfo:
    name = plain.get("timezone")
    return zones.resolve_zone(name) if isinstance(name, str) and name else settings.display


def _typed_wall(text: str, option: str, zone: tzinfo, settings: Settings) -> WallTime:
    try:
        return timeline.parse_typed(text, settings.now.astimezone(zone), settings.date_order).wall
    except InvalidInput as exc:
        raise InvalidInput(f"{option}: {exc}") from None


def _as_value(key: str, text: str) -> Any:
    if key in LIST_KEYS:
        return _split_list(text)
    if key == "round":
        return int(text) if text.isdigit() else text
    return text


def apply_edits(
    settings: Settings,
    current: Store,
    old: Event,
    *,
    sets: list[str],
    unsets: list[str],
    typed: dict[str, Any],
) -> Event:
    """The event after --set/--unset/typed options, fully validated."""
    plain = old.to_stored()
    changes: dict[str, Any] = {}
    for item in sets:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep:
            raise InvalidInput(f"--set {item!r}: write it as FIELD=VALUE")
        if key not in EDITABLE:
            raise InvalidInput(
                f"--set: unknown or read-only field {key!r}; editable fields: {', '.join(EDITABLE)}"
            )
        changes[key] = _as_value(key, value)
    changes.update({k: v for k, v in typed.items() if v is not None})
    _check_choices(changes, current)
    for key in unsets:
        if key not in EDITABLE:
            raise InvalidInput(
                f"--unset: unknown or read-only field {key!r}; editable fields: "
                f"{', '.join(EDITABLE)}"
            )
        if key in REQUIRED:
            raise InvalidInput(f"--unset: {key} is required and cannot be removed")
        if key in changes:
            raise InvalidInput(f"--unset {key} conflicts with a new value for it")
        plain.pop(key, None)
    if changes.get("timezone"):
        name = zones.canonical_zone_name(str(changes["timezone"]))
        if name is None:
            zones.resolve_zone(str(changes["timezone"]))  # suggestions for a typo
            raise InvalidInput(
                "--tz for an existing event must be a zone name; to give a UTC "
                "offset, set start/end with it (e.g. --set start=2022-01-10T09:00"
                "+01:00)"
            )
        changes["timezone"] = name
    plain.update(changes)
    zone = _zone_for(plain, settings)
    for key in ("start", "end"):
        if key in changes and isinstance(changes[key], str):
            text = changes[key]
            if key == "end" and CLOCK_ONLY.match(text.strip()):
                text = f"{str(plain['start'])[:10]} {text.strip()}"  # '16:30': the start's day
            wall = _typed_wall(text, f"--{key}", zone, settings)
            if not timeline.wall_time_exists(wall, zone):
                raise InvalidInput(
                    f"--{key}: {wall} does not exist in {plain.get('timezone')} "
                    "(the clocks skip it at a DST change)"
                )
            plain[key] = wall.isoformat()
    event, problems = validate_event(plain, current.formats, "edited event")
    if problems or event is None:
        raise InvalidData("", problems)
    return event


def _check_choices(changes: dict[str, Any], current: Store) -> None:
    """Closed choices are usage errors (exit 2), as they are for add."""
    if "kind" in changes and changes["kind"] not in KINDS:
        raise InvalidInput(f"kind {changes['kind']!r} is not one of: {', '.join(KINDS)}")
    if "status" in changes and changes["status"] not in STATUSES:
        raise InvalidInput(f"status {changes['status']!r} is not one of: {', '.join(STATUSES)}")
    if changes.get("format"):
        query.check_filter(current, query.Filter(formats=(str(changes["format"]),)))


def _replace_event(current: Store, new: Event) -> Store:
    return current.with_events([new if e.id == new.id else e for e in current.events])


def _write(settings: Settings, change: Any, dry_run: bool, what: str) -> store.Saved:
    saved = store.update(
        settings.location(), change, lock_timeout=settings.lock_timeout, dry_run=dry_run
    )
    if dry_run:
        report_dry_run(saved)
    else:
        report_saved(saved, what)
    return saved


def edit(
    ctx: typer.Context,
    event_id: IdArg,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="FIELD=VALUE",
            help="Set a field (repeatable); lists take ';' between "
            "items, e.g. --set 'participants=NATO;Russia'.",
            autocompletion=_complete_editable,
        ),
    ] = None,
    unsets: Annotated[
        list[str] | None,
        typer.Option("--unset", metavar="FIELD", help="Remove a field (repeatable)."),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="A new title.")] = None,
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
    dry_run: DryRunOpt = False,
) -> None:
    """Change fields of an event; the result is validated before anything is written.

    Typed options replace a field (a repeated --with replaces the participants).
    Changing --tz keeps the wall time and moves the instant.

    Example: summits edit 2022-01-10-geneva-ssd --set outcome="No breakthrough" --round 3
    """
    settings = settings_of(ctx)
    typed = {
        "title": title,
        "start": start,
        "end": end,
        "timezone": tz,
        "format": fmt,
        "round": round_number,
        "kind": kind,
        "venue": venue,
        "city": city,
        "country": country,
        "participants": participants,
        "status": status,
        "sources": sources,
        "tags": tags,
        "outcome": outcome,
        "notes": notes,
    }
    if not sets and not unsets and all(v is None for v in typed.values()):
        raise InvalidInput(
            "nothing to change: give --set FIELD=VALUE, --unset FIELD or an option such as --start"
        )

    def change(current: Store) -> Store:
        old = query.find_event(current, event_id)
        return _replace_event(
            current,
            apply_edits(settings, current, old, sets=sets or [], unsets=unsets or [], typed=typed),
        )

    _write(settings, change, dry_run, f"edited {event_id}")
    if not dry_run:
        output.write(event_id + "\n")


def _change_record(settings: Settings, old: Event, change: str, reason: str | None) -> Change:
    at = settings.now.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return Change(
        at=at,
        change=change,
        status_before=old.status.value,
        start_before=old.start.isoformat(),
        end_before=old.end.isoformat() if old.end else None,
        reason=reason,
    )


def _shift(old: Event, new_start: WallTime) -> tuple[WallTime, WallTime | None]:
    """The new start and the end moved by the same wall-clock amount (keeping its form)."""
    if new_start.date_only and old.start.time is not None:
        new_start = WallTime(new_start.date, old.start.time, old.start.offset)
    if old.end is None:
        return new_start, None
    a = datetime.combine(old.start.date, old.start.time or datetime.min.time())
    b = datetime.combine(new_start.date, new_start.time or datetime.min.time())
    moved = datetime.combine(old.end.date, old.end.time or datetime.min.time()) + (b - a)
    if old.end.time is None:
        return new_start, WallTime(moved.date())
    return new_start, WallTime(moved.date(), moved.time(), old.end.offset)


def postpone(
    ctx: typer.Context,
    event_id: IdArg,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="WHEN",
            help="The new start (a date keeps the time of day); the end "
            "moves with it. Without --to the new date is to be announced.",
        ),
    ] = None,
    reason: ReasonOpt = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Mark an event postponed (optionally to a new date), keeping its history.

    Example: summits postpone 2022-01-13-vienna-osce --to 2022-01-20 --reason "host request"
    """
    settings = settings_of(ctx)

    def change(current: Store) -> Store:
        old = query.find_event(current, event_id)
        record = _change_record(settings, old, "postponed", reason)
        new = replace(old, status=Status.POSTPONED, history=(*old.history, record))
        if to is not None:
            zone = zones.resolve_zone(old.timezone) if old.timezone else settings.display
            start, end = _shift(old, _typed_wall(to, "--to", zone, settings))
            if old.timezone and not timeline.wall_time_exists(start, zone):
                raise InvalidInput(f"--to: {start} does not exist in {old.timezone}")
            new = replace(new, start=start, end=end)
        return _replace_event(current, new)

    target = f" to {to}" if to else " (new date to be announced)"
    _write(settings, change, dry_run, f"postponed {event_id}{target}")
    if not dry_run:
        output.write(event_id + "\n")


def cancel(
    ctx: typer.Context,
    event_id: IdArg,
    reason: ReasonOpt = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Mark an event cancelled, keeping its history (it stays in the store and in list).

    Example: summits cancel 2022-01-13-vienna-osce --reason "no agreement on the agenda"
    """
    settings = settings_of(ctx)

    def change(current: Store) -> Store:
        old = query.find_event(current, event_id)
        if old.status is Status.CANCELLED:
            raise InvalidInput(f"{event_id} is already cancelled")
        record = _change_record(settings, old, "cancelled", reason)
        return _replace_event(
            current, replace(old, status=Status.CANCELLED, history=(*old.history, record))
        )

    _write(settings, change, dry_run, f"cancelled {event_id}")
    if not dry_run:
        output.write(event_id + "\n")


def remove(
    ctx: typer.Context,
    ids: Annotated[
        list[str],
        typer.Argument(
            metavar="ID...", help="Ids of the events to remove.", autocompletion=complete_id
        ),
    ],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask (required when not on a terminal).")
    ] = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Remove events for good (asks first on a terminal; needs --yes in scripts).

    Example: summits remove 2022-02-10-berlin-normandy --yes
    """
    settings = settings_of(ctx)
    wanted = list(dict.fromkeys(ids))
    current = store.read_store(settings.location())
    for event_id in wanted:
        query.find_event(current, event_id)  # NotFound names the first missing id
    if not yes and not dry_run:
        if not sys.stdin.isatty():
            raise InvalidInput("refusing to remove without --yes when not on a terminal")
        if not typer.confirm(f"Remove {len(wanted)} event(s): {', '.join(wanted)}?", err=True):
            say("nothing removed")
            raise typer.Exit(0)

    def change(current: Store) -> Store:
        for event_id in wanted:
            query.find_event(current, event_id)
        return current.with_events([e for e in current.events if e.id not in set(wanted)])

    _write(settings, change, dry_run, f"removed {', '.join(wanted)}")
    if not dry_run:
        output.write("".join(f"{i}\n" for i in wanted))
