"""Commands that change events by id: edit, postpone, cancel, remove."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

import typer

from summit_cli import edits, links, query, store
from summit_cli.cli.completion import complete_id
from summit_cli.cli.declare import argument, option
from summit_cli.cli.groups import context
from summit_cli.cli.options import DryRunOpt, IdArg, only, settings_of
from summit_cli.cli.output import Text
from summit_cli.cli.writing import write
from summit_cli.edits import EDITABLE, Fields
from summit_cli.errors import InvalidInput
from summit_cli.model import Event, Store
from summit_cli.sync.readonly import refuse_feed_events

ReasonOpt = Annotated[str | None, option("--reason TEXT", "Why (kept in the event's history).")]
SET_HELP = (
    "Set a field (repeatable); lists take ';' between items, e.g. --set 'participants=NATO;Russia'."
)
TO_HELP = (
    "The new start (a date keeps the time of day); the end moves with it. Without --to the new "
    "date is to be announced."
)


def _complete_editable(incomplete: str) -> list[str]:
    return [f"{k}=" for k in EDITABLE if k.startswith(incomplete.split("=", maxsplit=1)[0])]


def edit(
    ctx: typer.Context,
    event_id: IdArg,
    sets: Annotated[
        list[str] | None, option("--set FIELD=VALUE", SET_HELP, autocompletion=_complete_editable)
    ] = None,
    unsets: Annotated[
        list[str] | None, option("--unset FIELD", "Remove a field (repeatable).")
    ] = None,
    title: Annotated[str | None, option("--title TEXT", "A new title.")] = None,
    fields: Fields = only(),
    dry_run: DryRunOpt = False,
) -> Text | None:
    """Change fields of an event; the result is validated before anything is written.

    Typed options replace a field (a repeated --with replaces the participants).
    Changing --tz keeps the wall time and moves the instant.

    Example: summits edit 2022-01-10-geneva-ssd --set outcome="No breakthrough" --round 3
    """
    settings = settings_of(ctx)
    refuse_feed_events(settings.location(), [event_id])
    typed = {"title": title, **fields.stored()}
    if not sets and not unsets and all(v is None for v in typed.values()):
        raise InvalidInput(
            "nothing to change: give --set FIELD=VALUE, --unset FIELD or an option such as --start"
        )

    edited: list[Event] = []

    def change(current: Store) -> Store:
        old = query.find_event(current, event_id)
        new = edits.apply_edits(
            context(settings), current, old, sets=sets or [], unsets=unsets or [], typed=typed
        )
        edited.append(new)
        return edits.replace_event(current, new)

    _, diff = write(settings, change, dry_run=dry_run, what=f"edited {event_id}")
    if (
        "start" in typed
        or "end" in typed
        or any(s.startswith(("start=", "end=")) for s in sets or [])
    ):
        for note in edits.notes_for(edited[-1]):
            settings.env.say(note, kind="note")
    return diff or Text(event_id + "\n")


def postpone(
    ctx: typer.Context,
    event_id: IdArg,
    to: Annotated[str | None, option("--to WHEN", TO_HELP)] = None,
    reason: ReasonOpt = None,
    dry_run: DryRunOpt = False,
) -> Text | None:
    """Mark an event postponed (optionally to a new date), keeping its history.

    Example: summits postpone 2022-01-13-vienna-osce --to 2022-01-20 --reason "host request"
    """
    settings = settings_of(ctx)
    refuse_feed_events(settings.location(), [event_id])

    def change(current: Store) -> Store:
        old = query.find_event(current, event_id)
        return edits.replace_event(current, edits.postponed(context(settings), old, to, reason))

    target = f" to {to}" if to else " (new date to be announced)"
    _, diff = write(settings, change, dry_run=dry_run, what=f"postponed {event_id}{target}")
    return diff or Text(event_id + "\n")


def cancel(
    ctx: typer.Context,
    event_id: IdArg,
    reason: ReasonOpt = None,
    dry_run: DryRunOpt = False,
) -> Text | None:
    """Mark an event cancelled, keeping its history (it stays in the store and in list).

    Example: summits cancel 2022-01-13-vienna-osce --reason "no agreement on the agenda"
    """
    settings = settings_of(ctx)
    refuse_feed_events(settings.location(), [event_id])

    def change(current: Store) -> Store:
        old = query.find_event(current, event_id)
        return edits.replace_event(current, edits.cancelled(settings.now, old, reason))

    _, diff = write(settings, change, dry_run=dry_run, what=f"cancelled {event_id}")
    return diff or Text(event_id + "\n")


def remove(
    ctx: typer.Context,
    ids: Annotated[
        list[str], argument("ID...", "Ids of the events to remove.", autocompletion=complete_id)
    ],
    yes: Annotated[
        bool, option("--yes -y", "Do not ask (required when not on a terminal).")
    ] = False,
    dry_run: DryRunOpt = False,
) -> Text | None:
    """Remove events for good (asks first on a terminal; needs --yes in scripts).

    Example: summits remove 2022-02-10-berlin-normandy --yes
    """
    settings = settings_of(ctx)
    wanted = list(dict.fromkeys(ids))
    refuse_feed_events(settings.location(), wanted)
    if not yes and not dry_run:  # ask first, before the write takes the lock
        current = store.read_store(settings.location())
        for event_id in wanted:
            query.find_event(current, event_id)  # NotFound names the first missing id
        broken = _said(links.links_to(current, wanted))
        if broken:
            raise InvalidInput(
                f"other events link to it ({'; '.join(broken)}): give --yes to remove it and "
                "clear those links"
            )
        if not settings.env.stdin_isatty:
            raise InvalidInput("refusing to remove without --yes when not on a terminal")
        if not typer.confirm(f"Remove {len(wanted)} event(s): {', '.join(wanted)}?", err=True):
            settings.env.say("nothing removed")
            return None
    cleared: list[str] = []

    def change(current: Store) -> Store:
        for event_id in wanted:
            query.find_event(current, event_id)
        new, unlinked = edits.removed(current, wanted)
        cleared[:] = _said(unlinked)
        return new

    _, diff = write(settings, change, dry_run=dry_run, what=f"removed {', '.join(wanted)}")
    if cleared:
        settings.env.say("links cleared: " + "; ".join(cleared), kind="warning")
    return diff or Text("".join(f"{i}\n" for i in wanted))


def _said(found: Iterable[tuple[Event, str, str]]) -> list[str]:
    """Links (holder, key, target id) as people read them:
    "2022-01-10-geneva-ssd agreed-at 2021-12-30-phone-call"."""
    return [f"{holder.id} {key.replace('_', '-')} {target}" for holder, key, target in found]
