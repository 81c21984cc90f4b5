"""One sync of one ICS feed: read-only, the feed is the truth for the events it brought.

The feed is fetched with a conditional GET (nothing is read when it has not changed,
unless the store no longer holds exactly what the feed gave). Its events get ids of their
own (``<feed>-<id>``: two feeds never collide, nor a feed with the team calendar) and the
tag ``feed:<name>``; they are added, replaced and removed so that the store holds what the
feed holds, through the store's safe write path. Editing one is refused (``readonly``).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from summit_cli import store
from summit_cli.errors import InvalidData
from summit_cli.model import SLUG_RE, Event, Format, Store
from summit_cli.store import syncstate
from summit_cli.sync import codec, feed_link
from summit_cli.sync.plan import apply_feed, plan_feed
from summit_cli.sync.remotes import Remote
from summit_cli.sync.report import RemoteReport
from summit_cli.sync.run import Context, read_local
from summit_cli.sync.state import FeedState

TAG_PREFIX = "feed:"


def feed_id(feed: str, event_id: str) -> str:
    """The id an event of *feed* gets in the store (a valid, stable id)."""
    prefix = feed.replace("_", "-")
    candidate = f"{prefix}-{event_id}"
    if len(candidate) <= 100 and SLUG_RE.match(candidate):
        return candidate
    return f"{prefix}-{hashlib.sha256(event_id.encode()).hexdigest()[:16]}"


def feed_events(
    remote: Remote, text: str, formats: dict[str, Format], report: RemoteReport
) -> tuple[dict[str, Event], dict[str, Format]]:
    """The feed's events as the store will hold them, and the formats the feed defines; an
    event that cannot be read is skipped (and said), the others still come."""
    from summit_cli.interop.batch import Batch, events_of
    from summit_cli.interop.ics import ics_batch

    batch = ics_batch(text, remote.url)
    report.skipped += [str(p) for p in batch.problems]
    report.skipped += batch.skipped
    known = Store(formats=formats)
    incoming: dict[str, Event] = {}
    tag = TAG_PREFIX + remote.name
    for where, record in batch.records:
        try:
            found = events_of(Batch(remote.url, [(where, record)], dict(batch.formats)), known)
        except InvalidData as exc:
            report.skipped.append(f"{where}: {'; '.join(str(p) for p in exc.problems)}")
            continue
        for event in found:
            if not event.id:
                report.skipped.append(f"{where}: no UID, so no stable id")
                continue
            tags = event.tags if tag in event.tags else (*event.tags, tag)
            mine = replace(event, id=feed_id(remote.name, event.id), tags=tags)
            if mine.id in incoming:
                report.skipped.append(f"{where}: a second event with the UID of {mine.id}")
                continue
            incoming[mine.id] = mine
    return _relinked(remote.name, incoming), dict(batch.formats)


def _relinked(feed: str, incoming: dict[str, Event]) -> dict[str, Event]:
    """The feed's links between its own events, renamed as the events are; a link to an
    event the feed does not hold is dropped (the store has no such event)."""
    out: dict[str, Event] = {}
    for event_id, event in incoming.items():
        links = {key: feed_id(feed, target) for key, target in event.links().items()}
        kept = {key: (target if target in incoming else None) for key, target in links.items()}
        out[event_id] = replace(event, **kept) if kept else event  # type: ignore[arg-type]
    return out


def sync_feed(remote: Remote, password: str | None, ctx: Context, report: RemoteReport) -> None:
    """Bring the store in line with the feed *remote*, saying what was done in *report*."""
    from summit_cli.interop.textcodec import decode_text

    source = str(syncstate.state_path(ctx.real, remote.name))
    state = FeedState.from_plain(syncstate.read_state(ctx.real, remote.name), source, remote.url)
    current = read_local(ctx)
    hashes = {e.id: codec.event_hash(e) for e in current.events}
    in_line = all(hashes.get(i) == h for i, h in state.items.items())
    report.requests += 1
    fetched = feed_link.fetch(
        remote.name,
        remote.url,
        etag=state.etag if in_line else None,
        last_modified=state.last_modified if in_line else None,
        user=remote.user,
        password=password,
        timeout=ctx.timeout,
    )
    if fetched.body is None:
        report.not_modified = True
        return
    text, _ = decode_text(fetched.body, remote.url)
    feed_link.check_complete(f"{remote.name}: {remote.url}", text)
    incoming, definitions = feed_events(remote, text, dict(current.formats), report)
    owned = list(state.items)
    changes = plan_feed(hashes, owned, {i: codec.event_hash(e) for i, e in incoming.items()})
    report.pulled_new += changes.add
    report.pulled_changed += changes.change
    report.pulled_deleted += changes.remove
    report.skipped += [
        f"{i}: an event of the store that is not from this feed has this id" for i in changes.clash
    ]
    if ctx.dry_run:
        return
    clash = set(changes.clash)
    mine = {i: e for i, e in incoming.items() if i not in clash}
    if not changes.empty:

        def change(now: Store) -> Store:
            return apply_feed(now, owned, mine, definitions, codec.event_hash)

        store.update(ctx.location, change, lock_timeout=ctx.lock_timeout)
    state = FeedState(
        remote.url,
        fetched.etag,
        fetched.last_modified,
        {i: codec.event_hash(e) for i, e in mine.items()},
    )
    syncstate.write_state(ctx.real, remote.name, state.to_plain())
