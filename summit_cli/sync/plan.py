"""What a two-way sync does, decided from three views of every event: the store now, the
remote now, and what both held at the last sync (the agreed base). Pure: no I/O.

Each side is compared with the base by a content hash, so "changed" means changed in
content (a server that rewrites an object without changing it changes nothing).

The rule for conflicts (both sides changed an event since the last sync), one for all:

- changed on both sides, differently: the remote's version is kept (the teammate who synced
  first wins, as a push that was first wins), and the store's version is kept in a
  conflict record;
- changed on one side, deleted on the other: the change is kept (nothing someone is still
  working on is deleted), on both sides;
- ``prefer="local"`` keeps the store's side in every conflict (its deletions too), and
  ``prefer="remote"`` the remote's; the version not kept is recorded either way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from summit_cli.model import Event, Format, Store


class Action(StrEnum):
    PUSH_NEW = "push-new"  # create on the remote
    PUSH_CHANGE = "push-change"  # replace on the remote
    PUSH_DELETE = "push-delete"  # delete on the remote
    PULL_NEW = "pull-new"  # add to the store
    PULL_CHANGE = "pull-change"  # replace in the store
    PULL_DELETE = "pull-delete"  # remove from the store
    ADOPT = "adopt"  # both sides hold the same version: record it as agreed
    FORGET = "forget"  # both sides deleted it: drop it from the base


PUSHES = frozenset({Action.PUSH_NEW, Action.PUSH_CHANGE, Action.PUSH_DELETE})
PULLS = frozenset({Action.PULL_NEW, Action.PULL_CHANGE, Action.PULL_DELETE})


class Conflict(StrEnum):
    BOTH_CHANGED = "both-changed"
    BOTH_ADDED = "both-added"  # the same id created on both sides, differently
    CHANGED_HERE_DELETED_THERE = "changed-here-deleted-there"
    DELETED_HERE_CHANGED_THERE = "deleted-here-changed-there"


@dataclass(frozen=True)
class Agreed:
    """What the store and the remote both held at the last sync, for one event."""

    href: str  # the object's name in the calendar collection (or its full URL)
    etag: str | None  # the remote's ETag of that version (None: the server gave none)
    hash: str  # content hash of the event (``codec.event_hash``)
    uid: str  # the object's UID (foreign objects keep theirs)
    foreign: bool = False  # the object holds what summits does not write (alarms, attendees)


@dataclass(frozen=True)
class Step:
    """One thing to do for one event. For a conflict: which side was kept, and which
    side's version is lost unless recorded (None when the loser was a deletion)."""

    id: str
    action: Action
    conflict: Conflict | None = None
    kept: str | None = None  # "local" | "remote"
    lost: str | None = None  # "local" | "remote" | None


def plan(
    local: Mapping[str, str],
    agreed: Mapping[str, Agreed],
    remote: Mapping[str, str],
    prefer: str | None = None,
) -> list[Step]:
    """The steps of one sync, in id order.

    *local* and *remote* map each event id present on that side to its content hash;
    *agreed* holds the base of the events synced before. *prefer* is None (the rule),
    "local" or "remote".
    """
    steps: list[Step] = []
    for event_id in sorted(set(local) | set(agreed) | set(remote)):
        step = _decide(event_id, local.get(event_id), agreed.get(event_id), remote.get(event_id))
        if step is not None:
            steps.append(_settle(step, prefer))
    return steps


def _decide(event_id: str, here: str | None, base: Agreed | None, there: str | None) -> Step | None:
    known = base.hash if base is not None else None
    changed_here, changed_there = here != known, there != known
    if not changed_here and not changed_there:
        return None
    if changed_here and not changed_there:
        if here is None:
            return Step(event_id, Action.PUSH_DELETE)
        return Step(event_id, Action.PUSH_NEW if there is None else Action.PUSH_CHANGE)
    if changed_there and not changed_here:
        if there is None:
            return Step(event_id, Action.PULL_DELETE)
        return Step(event_id, Action.PULL_NEW if here is None else Action.PULL_CHANGE)
    if here == there:
        return Step(event_id, Action.FORGET if here is None else Action.ADOPT)
    if here is None:
        return Step(event_id, Action.PULL_NEW, Conflict.DELETED_HERE_CHANGED_THERE)
    if there is None:
        return Step(event_id, Action.PUSH_NEW, Conflict.CHANGED_HERE_DELETED_THERE)
    kind = Conflict.BOTH_ADDED if base is None else Conflict.BOTH_CHANGED
    return Step(event_id, Action.PULL_CHANGE, kind)


def _settle(step: Step, prefer: str | None) -> Step:
    """Apply the conflict rule (or *prefer*) to a conflicting step; others pass through."""
    if step.conflict is None:
        return step
    kind = step.conflict
    if kind in {Conflict.BOTH_CHANGED, Conflict.BOTH_ADDED}:
        if prefer == "local":
            return replace(step, action=Action.PUSH_CHANGE, kept="local", lost="remote")
        return replace(step, action=Action.PULL_CHANGE, kept="remote", lost="local")
    if kind is Conflict.DELETED_HERE_CHANGED_THERE:
        if prefer == "local":
            return replace(step, action=Action.PUSH_DELETE, kept="local", lost="remote")
        return replace(step, action=Action.PULL_NEW, kept="remote", lost=None)
    # changed here, deleted there
    if prefer == "remote":
        return replace(step, action=Action.PULL_DELETE, kept="remote", lost="local")
    return replace(step, action=Action.PUSH_NEW, kept="local", lost=None)


# --------------------------------------------------------------- applying pulls


@dataclass
class Applied:
    """Which pulls a store write applied (and the version of each event it stored), which
    it left for the next sync because the event changed in the store while the sync talked
    to the remote, and the links it cleared: (event id, link key, the id it named)."""

    done: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    stored: dict[str, Event] = field(default_factory=dict)
    cleared: list[tuple[str, str, str]] = field(default_factory=list)


def without_dangling_links(
    events: list[Event], known: set[str]
) -> tuple[list[Event], list[tuple[str, str, str]]]:
    """*events* with every link to an id not in *known* cleared (as ``remove`` clears the
    links to what it removes), and the links cleared."""
    out: list[Event] = []
    cleared: list[tuple[str, str, str]] = []
    for event in events:
        gone = {key: target for key, target in event.links().items() if target not in known}
        if not gone:
            out.append(event)
            continue
        cleared += [(event.id, key, target) for key, target in gone.items()]
        out.append(replace(event, **dict.fromkeys(gone)))  # type: ignore[arg-type]
    return out, cleared


def apply_pulls(
    current: Store,
    steps: Sequence[Step],
    expected: Mapping[str, str | None],
    incoming: Mapping[str, Event],
    definitions: Mapping[str, Format],
    hash_of: Callable[[Event], str],
    applied: Applied,
) -> Store:
    """*current* with the pull steps applied (new events at the end, in step order).

    A pull is applied only while the event is as the plan saw it (*expected*: its hash
    then, None for absent); otherwise it is left (``applied.left``). Format definitions
    the pulled events name and the store lacks come from *definitions*. Links to events
    the store does not hold (a pulled deletion, an event this store does not sync) are
    cleared, so the store stays valid.
    """
    applied.done, applied.left, applied.stored, applied.cleared = [], [], {}, []
    events: list[Event | None] = list(current.events)
    position = {e.id: i for i, e in enumerate(current.events)}
    formats = dict(current.formats)
    for step in steps:
        if step.action not in PULLS:
            continue
        at = position.get(step.id)
        old = events[at] if at is not None else None
        if (hash_of(old) if old is not None else None) != expected.get(step.id):
            applied.left.append(step.id)
            continue
        if step.action is Action.PULL_DELETE:
            if at is not None:
                events[at] = None
        else:
            event = incoming[step.id]
            if event.format and event.format not in formats and event.format in definitions:
                formats[event.format] = definitions[event.format]
            if at is None:
                position[step.id] = len(events)
                events.append(event)
            else:
                events[at] = event
        applied.done.append(step.id)
    kept = [e for e in events if e is not None]
    known = {e.id for e in kept} | {s.id for s in current.series()}
    kept, applied.cleared = without_dangling_links(kept, known)
    done = set(applied.done)
    applied.stored = {e.id: e for e in kept if e.id in done}
    return replace(current, formats=formats, events=tuple(kept))


# ------------------------------------------------------------------- feeds


@dataclass(frozen=True)
class FeedPlan:
    """What a feed sync does to the store: events it adds, replaces and removes, and the
    events it leaves alone because an event of the store not from this feed has their id."""

    add: tuple[str, ...] = ()
    change: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    clash: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.add or self.change or self.remove)


def plan_feed(
    store_hashes: Mapping[str, str], owned: Sequence[str], incoming: Mapping[str, str]
) -> FeedPlan:
    """The feed is the truth for the events it owns: *store_hashes* are the hashes of every
    event in the store, *owned* the ids this feed put there, *incoming* the feed's now."""
    mine = set(owned)
    add, change, clash = [], [], []
    for event_id, digest in incoming.items():
        if event_id not in store_hashes:
            add.append(event_id)
        elif event_id not in mine:
            clash.append(event_id)
        elif store_hashes[event_id] != digest:
            change.append(event_id)
    remove = [i for i in owned if i not in incoming and i in store_hashes]
    return FeedPlan(tuple(add), tuple(change), tuple(sorted(remove)), tuple(clash))


def apply_feed(
    current: Store,
    owned: Sequence[str],
    incoming: Mapping[str, Event],
    definitions: Mapping[str, Format],
    hash_of: Callable[[Event], str],
) -> Store:
    """*current* holding exactly the feed's events among those it owns (replanned against
    *current*, as the store may have changed since the plan that was shown)."""
    hashes = {e.id: hash_of(e) for e in current.events}
    feed = plan_feed(hashes, owned, {k: hash_of(v) for k, v in incoming.items()})
    removed = set(feed.remove)
    changed = set(feed.change)
    events = [incoming[e.id] if e.id in changed else e for e in current.events]
    events = [e for e in events if e.id not in removed]
    events += [incoming[i] for i in feed.add]
    known = {e.id for e in events} | {s.id for s in current.series()}
    events, _ = without_dangling_links(events, known)  # links to what left the feed
    formats = dict(current.formats)
    for event in incoming.values():
        if event.format and event.format not in formats and event.format in definitions:
            formats[event.format] = definitions[event.format]
    return replace(current, formats=formats, events=tuple(events))
