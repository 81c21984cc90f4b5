"""A remote's sync state as data: what both sides agreed at the last sync (per event: the
object's name, ETag, content hash and UID), the sync token, and for a feed its HTTP
validators and the events it owns. Pure: plain JSON values in and out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from summit_cli.errors import InvalidData, Problem
from summit_cli.sync.plan import Agreed

VERSION = 1


def _plain(kind: str, url: str, **values: Any) -> dict[str, Any]:
    """A state as stored: the version of the form, the kind of remote and its URL first."""
    return {"version": VERSION, "kind": kind, "url": url, **values}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@dataclass
class CalendarState:
    """What a two-way sync remembers between runs."""

    url: str
    token: str | None = None
    items: dict[str, Agreed] = field(default_factory=dict)  # event id -> agreed base
    ignored: dict[str, str | None] = field(default_factory=dict)  # object name -> ETag
    dirty: set[str] = field(default_factory=set)  # object names to read again next time
    written: str | None = None  # digest of the store the last sync wrote

    def to_plain(self) -> dict[str, Any]:
        return _plain(
            "caldav",
            self.url,
            token=self.token,
            items={k: [a.href, a.etag, a.hash, a.uid, a.foreign] for k, a in self.items.items()},
            ignored=self.ignored,
            dirty=sorted(self.dirty),
            written=self.written,
        )

    @classmethod
    def from_plain(cls, value: Any, source: str, url: str) -> CalendarState:
        """The state in *value* (None: a first sync); one for another URL starts afresh."""
        if value is None:
            return cls(url)
        if not isinstance(value, Mapping) or value.get("kind") != "caldav":
            raise _damaged(source, "not the state of a CalDAV remote")
        if value.get("url") != url:
            return cls(url)
        items: dict[str, Agreed] = {}
        raw = value.get("items")
        if not isinstance(raw, Mapping):
            raise _damaged(source, "items is not an object")
        for key, item in raw.items():
            if not (isinstance(item, list) and len(item) == 5 and isinstance(item[0], str)):
                raise _damaged(source, f"items[{key!r}] is not [href, etag, hash, uid, foreign]")
            href, etag, digest, uid, foreign = item
            if not (isinstance(digest, str) and isinstance(uid, str)):
                raise _damaged(source, f"items[{key!r}] has no hash or UID")
            items[key] = Agreed(href, _text(etag), digest, uid, foreign is True)
        ignored = value.get("ignored") or {}
        dirty = value.get("dirty") or []
        if not isinstance(ignored, Mapping) or not isinstance(dirty, list):
            raise _damaged(source, "ignored or dirty has the wrong type")
        return cls(
            url,
            _text(value.get("token")),
            items,
            {str(k): _text(v) for k, v in ignored.items()},
            {str(d) for d in dirty},
            _text(value.get("written")),
        )


@dataclass
class FeedState:
    """What a feed sync remembers: the feed's validators and the events it owns."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    items: dict[str, str] = field(default_factory=dict)  # event id -> content hash

    def to_plain(self) -> dict[str, Any]:
        return _plain(
            "feed", self.url, etag=self.etag, last_modified=self.last_modified, items=self.items
        )

    @classmethod
    def from_plain(cls, value: Any, source: str, url: str) -> FeedState:
        """The state in *value*; one for another URL keeps only the events it owns (so the
        next sync can remove those that the new feed does not have)."""
        if value is None:
            return cls(url)
        if not isinstance(value, Mapping) or value.get("kind") != "feed":
            raise _damaged(source, "not the state of a feed")
        items = value.get("items")
        if not isinstance(items, Mapping) or not all(isinstance(v, str) for v in items.values()):
            raise _damaged(source, "items is not an object of hashes")
        owned = {str(k): str(v) for k, v in items.items()}
        if value.get("url") != url:
            return cls(url, items=owned)
        return cls(url, _text(value.get("etag")), _text(value.get("last_modified")), owned)


def feed_owners(states: Mapping[str, Any]) -> dict[str, str]:
    """Event id -> the feed it came from, over the states of every remote of a store."""
    owners: dict[str, str] = {}
    for name, value in states.items():
        if isinstance(value, Mapping) and value.get("kind") == "feed":
            items = value.get("items")
            if isinstance(items, Mapping):
                for event_id in items:
                    owners.setdefault(str(event_id), name)
    return owners


def _damaged(source: str, what: str) -> InvalidData:
    return InvalidData(
        source,
        [
            Problem(
                "",
                f"{what}; remove the file to sync this remote afresh (nothing is lost: "
                "events both sides hold are matched again)",
            )
        ],
    )
