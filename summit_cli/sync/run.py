"""One sync of one CalDAV remote: read what changed on both sides, decide (``plan``), then
apply in an order that survives an interruption anywhere.

1. The versions conflicts will not keep are recorded first.
2. Pulls go into the store through its safe write path (lock, atomic write, backup: ``undo``
   takes a sync back), and only then is the sync state saved with the new token. A crash
   before that reads the same changes again next time and finds them already in the store.
3. Pushes follow, each a conditional PUT/DELETE (``If-None-Match: *`` / ``If-Match``), the
   state saved every ``CHECKPOINT`` pushes and at the end. A push the state missed is found
   on the server next time, identical to the store: it is adopted, never duplicated.

A push refused because the object changed meanwhile is read again in another round.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from summit_cli import store
from summit_cli.model import Event, Format, Store
from summit_cli.store import syncstate
from summit_cli.sync import codec
from summit_cli.sync.caldav_link import Link, open_link
from summit_cli.sync.plan import PULLS, PUSHES, Action, Agreed, Applied, Step, apply_pulls, plan
from summit_cli.sync.remotes import Remote
from summit_cli.sync.report import ConflictNote, RemoteReport
from summit_cli.sync.state import CalendarState, feed_owners

MAX_ROUNDS = 3
CHECKPOINT = 100  # pushes between two saves of the sync state
CONNECTIONS = 4  # pushes in flight at once


@dataclass(frozen=True)
class Context:
    """What every sync of a store shares."""

    location: store.Location  # the store synced (never the bundled one)
    real: Path  # its resolved path (the sidecar is beside it)
    now: datetime
    timeout: float  # seconds for one network exchange
    lock_timeout: float
    prefer: str | None = None
    dry_run: bool = False
    connections: int = CONNECTIONS
    feeds: tuple[str, ...] = ()  # the store's feed remotes (their events are read-only)


@dataclass(frozen=True)
class Seen:
    """An object read from the server in this sync, as an event."""

    href: str
    etag: str | None
    hash: str
    uid: str
    foreign: bool
    event: Event
    text: str
    formats: dict[str, Format] = field(default_factory=dict)

    def agreed(self) -> Agreed:
        return Agreed(self.href, self.etag, self.hash, self.uid, self.foreign)


@dataclass(frozen=True)
class Found:
    """What one round read and decided: the store's events that sync (with their content
    hashes) and its formats, the objects read from the server, and the plan."""

    events: Mapping[str, Event]
    local: Mapping[str, str]
    formats: Mapping[str, Format]
    seen: Mapping[str, Seen]
    steps: list[Step]


def read_local(ctx: Context) -> Store:
    """The store now (an empty one when its file does not exist yet)."""
    from summit_cli.store import fs

    if not fs.exists(ctx.location.path):
        return Store()
    return store.read_store(ctx.location)


def excluded_ids(ctx: Context, current: Store) -> dict[str, str]:
    """Ids a two-way sync leaves alone, with why: events of feeds (read-only copies that
    every teammate can subscribe to) and the formats' regular meetings (kept with their
    format)."""
    owners = feed_owners(syncstate.states(ctx.real, list(ctx.feeds)))
    out = {i: f"comes from the feed {f}" for i, f in owners.items()}
    for series in current.series():
        out[series.id] = "is a format's regular meetings"
    return out


def load_state(ctx: Context, remote: Remote, report: RemoteReport) -> CalendarState:
    """The state of *remote*; the one before the last sync when ``undo`` took that sync's
    write back (so the next sync reads those changes again instead of deleting them)."""
    source = str(syncstate.state_path(ctx.real, remote.name))
    state = CalendarState.from_plain(
        syncstate.read_state(ctx.real, remote.name), source, remote.url
    )
    if state.written is not None:
        now = syncstate.store_digest(ctx.real)
        if now != state.written and syncstate.undone_write(ctx.real, state.written):
            before = syncstate.read_undo_state(ctx.real, remote.name)
            state = CalendarState.from_plain(before, source, remote.url)
            state.written = None
            if not ctx.dry_run:
                syncstate.write_state(ctx.real, remote.name, state.to_plain())
            report.skipped.append(
                "the store changes of the last sync were undone (summits undo): "
                "the remote is read again, nothing is deleted there"
            )
    return state


def sync_calendar(remote: Remote, password: str | None, ctx: Context, report: RemoteReport) -> None:
    """Sync *remote* (a CalDAV calendar) with the store, saying what was done in *report*.
    Domain errors (unreachable, refused...) propagate after the state of what was done is
    saved (and *report* holds what was done before)."""
    state = load_state(ctx, remote, report)

    def connect() -> Link:
        return open_link(remote.name, remote.url, remote.user, password, ctx.timeout)

    link = connect()
    try:
        for _ in range(MAX_ROUNDS):
            report.left.clear()  # each round plans everything again
            if not _round(remote, ctx, link, connect, state, report) or ctx.dry_run:
                break
        if any(report.pushed) and not report.left and not ctx.dry_run:
            settle_token(link, state)
            syncstate.write_state(ctx.real, remote.name, state.to_plain())
    finally:
        report.requests += link.requests
        link.close()


def _round(
    remote: Remote,
    ctx: Context,
    link: Link,
    connect: Callable[[], Link],
    state: CalendarState,
    report: RemoteReport,
) -> bool:
    """One round; True when some push was refused and another round should read it."""
    current = read_local(ctx)
    excluded = excluded_ids(ctx, current)
    events = {e.id: e for e in current.events if e.id not in excluded}
    local = {i: codec.event_hash(e) for i, e in events.items()}
    listing = link.changes(state.token)
    by_href = {a.href: i for i, a in state.items.items()}
    wanted: set[str] = set(state.dirty)
    for name, etag in listing.items.items():
        owner = by_href.get(name)
        known = state.items[owner].etag if owner is not None else state.ignored.get(name, "")
        if name in state.dirty or etag is None or known != etag:
            wanted.add(name)
    wanted -= listing.deleted
    fetched = link.fetch(sorted(wanted))
    seen, ignored = _decode(remote, fetched, current.formats, excluded, report)
    there: dict[str, str] = {}
    for event_id, agreed in state.items.items():
        gone = agreed.href in listing.deleted or agreed.href in wanted
        if gone or (listing.complete and agreed.href not in listing.items):
            continue
        there[event_id] = agreed.hash
    there.update({i: s.hash for i, s in seen.items()})
    steps = plan(local, state.items, there, ctx.prefer)
    _note(steps, report, ctx.dry_run)
    if ctx.dry_run:
        return False
    found = Found(events, local, current.formats, seen, steps)
    _record_conflicts(ctx, remote, found, report)
    relinked = _pull(ctx, remote, state, found, report)
    for event_id, item in seen.items():  # same content, new ETag (a rewrite, our own push)
        base = state.items.get(event_id)
        if base is not None and base.hash == item.hash and event_id not in report.left:
            state.items[event_id] = item.agreed()
    for step in steps:
        if step.action is Action.ADOPT:
            state.items[step.id] = seen[step.id].agreed()
        elif step.action is Action.FORGET:
            state.items.pop(step.id, None)
    events_now = {s.href for s in seen.values()}
    state.ignored = {
        n: e
        for n, e in {**state.ignored, **ignored}.items()
        if n not in listing.deleted
        and n not in events_now
        and (not listing.complete or n in listing.items)
    }
    state.dirty = (state.dirty - wanted) | {seen[i].href for i in report.left if i in seen}
    idle = not (wanted or steps or ignored or listing.deleted) and state.token == listing.token
    state.token = listing.token
    if not idle:  # a sync that found nothing to do writes nothing
        syncstate.write_state(ctx.real, remote.name, state.to_plain())
    refused = _push(ctx, remote, connect, state, found, report)
    return refused or relinked


def _decode(
    remote: Remote,
    fetched: Mapping[str, tuple[str | None, str]],
    formats: Mapping[str, Format],
    excluded: Mapping[str, str],
    report: RemoteReport,
) -> tuple[dict[str, Seen], dict[str, str | None]]:
    seen: dict[str, Seen] = {}
    ignored: dict[str, str | None] = {}
    for name in sorted(fetched):
        etag, text = fetched[name]
        decoded = codec.decode(text, f"{remote.name}: {name}", formats)
        event = decoded.event
        why = decoded.problem
        if event is not None and event.id in excluded:
            why = f"its id {event.id} {excluded[event.id]} in this store"
        elif event is not None and event.id in seen:
            why = f"a second object with the id {event.id} (the first is {seen[event.id].href})"
        if event is None or why is not None:
            ignored[name] = etag
            report.skipped.append(f"{name}: {why}")
            continue
        report.skipped += [f"{name}: {note}" for note in decoded.notes]
        seen[event.id] = Seen(
            name,
            etag,
            codec.event_hash(event),
            decoded.uid or event.id,
            decoded.foreign,
            event,
            text,
            decoded.formats,
        )
    return seen, ignored


def _note(steps: list[Step], report: RemoteReport, dry_run: bool) -> None:
    """Conflicts into the report (their records are added when written)."""
    for step in steps:
        if step.conflict is not None and step.kept is not None:
            report.conflicts.append(ConflictNote(step.id, step.conflict.value, step.kept))
    if dry_run:
        for step in steps:
            if step.action in PUSHES or step.action in PULLS:
                _listed(report, step.action).append(step.id)


def _listed(report: RemoteReport, action: Action) -> list[str]:
    """The list of *report* that holds the ids of a push or pull *action*."""
    return {
        Action.PUSH_NEW: report.pushed_new,
        Action.PUSH_CHANGE: report.pushed_changed,
        Action.PUSH_DELETE: report.pushed_deleted,
        Action.PULL_NEW: report.pulled_new,
        Action.PULL_CHANGE: report.pulled_changed,
        Action.PULL_DELETE: report.pulled_deleted,
    }[action]


def _record_conflicts(ctx: Context, remote: Remote, found: Found, report: RemoteReport) -> None:
    """Keep every version a conflict does not keep, before anything changes."""
    at = ctx.now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    notes = {n.id: n for n in report.conflicts if n.record is None}
    for step in found.steps:
        if step.conflict is None or step.lost is None:
            continue
        record: dict[str, Any] = {
            "remote": remote.name,
            "url": remote.url,
            "id": step.id,
            "conflict": step.conflict.value,
            "kept": step.kept,
            "recorded_at": at,
        }
        if step.lost == "local":
            record["version"] = found.events[step.id].to_stored()
            record["from"] = "store"
        else:
            record["version"] = found.seen[step.id].event.to_stored()
            record["from"] = "remote"
            record["ics"] = found.seen[step.id].text
        path = syncstate.keep_conflict(ctx.real, remote.name, f"{at}-{step.id}", record)
        if step.id in notes:
            notes[step.id].record = str(path)


def _pull(
    ctx: Context, remote: Remote, state: CalendarState, found: Found, report: RemoteReport
) -> bool:
    """The pulls, in one store write; True when events of the store lost a link (to an
    event deleted on the server) and must be pushed too."""
    seen, local = found.seen, found.local
    pulls = [s for s in found.steps if s.action in PULLS]
    if not pulls:
        return False
    definitions: dict[str, Format] = {}
    for item in seen.values():
        definitions.update({k: v for k, v in item.formats.items() if k not in definitions})
    incoming = {i: s.event for i, s in seen.items()}
    expected = {s.id: local.get(s.id) for s in pulls}
    applied = Applied()

    def change(now: Store) -> Store:
        return apply_pulls(now, pulls, expected, incoming, definitions, codec.event_hash, applied)

    syncstate.write_undo_state(ctx.real, remote.name, state.to_plain())
    store.update(ctx.location, change, lock_timeout=ctx.lock_timeout)
    state.written = syncstate.store_digest(ctx.real)
    actions = {s.id: s.action for s in pulls}
    for event_id in applied.done:
        action = actions[event_id]
        if action is Action.PULL_NEW and event_id in local:
            action = Action.PULL_CHANGE
        _listed(report, action).append(event_id)
        if action is Action.PULL_DELETE:
            state.items.pop(event_id, None)
        else:  # agreed: the server's version as this store holds it (a link cleared here
            # stays on the server, and is not pushed back as a change)
            stored = codec.event_hash(applied.stored[event_id])
            state.items[event_id] = replace(seen[event_id].agreed(), hash=stored)
    report.left += applied.left
    report.notes += [
        f"link cleared: {holder} {key.replace('_', '-')} {target} (no such event here)"
        for holder, key, target in applied.cleared
    ]
    # events of the store that lost a link to a pulled deletion changed: another round
    # sends them, as `summits remove` would have
    return any(holder not in applied.done for holder, _, _ in applied.cleared)


def _push(
    ctx: Context,
    remote: Remote,
    connect: Callable[[], Link],
    state: CalendarState,
    found: Found,
    report: RemoteReport,
) -> bool:
    """The pushes, each recorded in the state as it succeeds; True when one was refused
    because the object changed on the server meanwhile (another round reads it)."""
    from summit_cli.sync.push import Done, Job, Pusher, jobs_for

    jobs = jobs_for(
        found.steps,
        state.items,
        {i: (s.href, s.etag, s.uid, s.foreign, s.text) for i, s in found.seen.items()},
    )
    if not jobs:
        return False
    refused: list[Job] = []

    def done(result: Done) -> None:
        job = result.job
        event_id = job.step.id
        if job.step.action is Action.PUSH_DELETE:
            state.items.pop(event_id, None)
        else:
            state.items[event_id] = Agreed(job.name, result.etag, found.local[event_id], job.uid,
                                           job.foreign)  # fmt: skip
        _listed(report, job.step.action).append(event_id)
        if sum(map(len, report.pushed)) % CHECKPOINT == 0:
            syncstate.write_state(ctx.real, remote.name, state.to_plain(), durable=False)

    def refuse(job: Job) -> None:
        state.dirty.add(job.name)
        report.left.append(job.step.id)
        refused.append(job)

    pusher = Pusher(connect, found.events, found.formats, ctx.now, ctx.connections)
    try:
        pusher.run(jobs, done, refuse)
    finally:
        report.requests += pusher.requests
        pusher.close()
        syncstate.write_state(ctx.real, remote.name, state.to_plain())
    return bool(refused)


def settle_token(link: Link, state: CalendarState) -> None:
    """After pushes: the server's token moved past our own writes. When everything it
    lists since the saved token is what we wrote, take the new token, so the next sync
    lists nothing; when anyone else wrote meanwhile, keep the old one (the next sync reads
    their changes)."""
    listing = link.changes(state.token)
    mine = {a.href: a.etag for a in state.items.values()}
    ours = all(e is not None and mine.get(n) == e for n, e in listing.items.items())
    if ours and not listing.deleted & set(mine) and listing.token:
        state.token = listing.token
