"""Events that came from a read-only feed refuse ``edit``, ``postpone``, ``cancel`` and
``remove``: the next sync would undo the change. One call per command (``refuse_feed_events``);
a store that never synced a feed pays one ``stat``.
"""

from __future__ import annotations

from collections.abc import Iterable

from summit_cli.errors import ReadOnlyEvent

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from summit_cli.store.paths import Location


def refuse_feed_events(location: Location, ids: Iterable[str]) -> None:
    """ReadOnlyEvent naming the feed when one of *ids* came from a feed of this store."""
    from summit_cli.store import fs, syncstate

    target = location.copy_to if location.bundled and location.copy_to else location.path
    real = fs.real_path(target)
    if not syncstate.has_sidecar(real):
        return
    from summit_cli.sync.remotes import Kind, remotes_from_plain
    from summit_cli.sync.state import feed_owners

    remotes = remotes_from_plain(syncstate.read_remotes(real), "remotes.json")
    feeds = [r.name for r in remotes if r.kind is Kind.FEED]
    if not feeds:
        return
    owners = feed_owners(syncstate.states(real, feeds))
    for event_id in ids:
        feed = owners.get(event_id)
        if feed is not None:
            raise ReadOnlyEvent(
                f"{event_id} comes from the feed {feed!r} and is read-only: the next "
                f"'summits sync {feed}' would undo any change (change it at its source, or "
                f"'summits remote remove {feed}' to keep its events as your own)"
            )
