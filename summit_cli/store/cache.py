"""The parse cache: validated stores kept as marshal data, so reads skip parsing.

Shaped like black's cache: one small class, a file per store in a cache
folder (``SUMMITS_CACHE_DIR`` moves it), checked by a cheap ``stat`` first and
by a strong digest only when the stat cannot be trusted, written through the
one atomic writer. The stat (size, mtime, ctime, inode) is trusted only when
the file's times are older than the moment its bytes were last verified (git's
"racily clean" rule): an edit inside the same clock tick, or one that forges
its mtime (ctime cannot be set), is caught by the BLAKE2b digest of the bytes.

The cache holds plain tuples (marshal can only ever build strings, numbers,
None and tuples: loading it runs no code). Events are rebuilt positionally, in
the order of Event's fields; equal wall times are shared.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from summit_cli.model import Store
from summit_cli.store.fs import Stamp

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any, NamedTuple
else:
    from summit_cli.lighttuple import NamedTuple

# 9: history extras; 8: rough dates; 7: rdates, overrides, extra; 6: stat + BLAKE2b key;
# 5: checksums; 4: meets; 3: YAML outline; 2: marshal
FORMAT = 9
# How much older than the last verification a file's times must be for its stat to be trusted:
# file systems stamp times from a coarse clock (a few ms on ext4, 2 s on FAT).
RACY_NS = 2_000_000_000


class Entry(NamedTuple):
    """A store as cached: the model, and the YAML outline a splice needs (or None)."""

    store: Store
    outline: Any  # yamlfast.Outline or None
    digest: str


def stat_key(st: Stamp) -> tuple[int, int, int, int]:
    return (st.size, st.mtime_ns, st.ctime_ns, st.inode)


class Cache:
    """Parsed stores, keyed by the store's real path."""

    def __init__(self, folder: Path, clock: Callable[[], int] | None = None) -> None:
        import time

        self.folder = folder
        self.clock = clock or time.time_ns

    def file_for(self, real: Path) -> Path:
        from summit_cli.store.fs import digest

        return self.folder / f"{digest(str(real).encode('utf-8', 'surrogateescape'))[:32]}.bin"

    def _load(self, real: Path) -> tuple[Any, ...] | None:
        import marshal

        from summit_cli.store import fs

        try:
            data, _ = fs.read_regular(self.file_for(real), 1 << 30, what="the cache")
            raw = marshal.loads(data)
        except Exception:  # a missing, stale or damaged cache is simply rebuilt
            return None
        if not isinstance(raw, tuple) or len(raw) != 6 or raw[0] != _tag():
            return None
        return raw

    def trusted(self, real: Path, st: Stamp, formats_only: frozenset[str]) -> Entry | None:
        """The entry, when the file's stat alone proves it is current (no read, no hash)."""
        raw = self._load(real)
        if raw is None:
            return None
        _, key, verified_ns, digest, tuples, outline = raw
        if tuple(key) != stat_key(st) or max(st.mtime_ns, st.ctime_ns) + RACY_NS > verified_ns:
            return None
        return _entry(tuples, outline, digest, formats_only)

    def matching(
        self, real: Path, st: Stamp, digest: str, formats_only: frozenset[str]
    ) -> Entry | None:
        """The entry, when it was made from bytes with *digest*; refreshes its stat."""
        raw = self._load(real)
        if raw is None or raw[3] != digest:
            return None
        entry = _entry(raw[4], raw[5], digest, formats_only)
        settled = max(st.mtime_ns, st.ctime_ns) + RACY_NS
        stale = tuple(raw[1]) != stat_key(st) or raw[2] <= settled
        if entry is not None and stale and settled < self.clock():
            self._write(
                real, st, digest, raw[4], raw[5]
            )  # verified now: the stat will do next time
        return entry

    def put(self, real: Path, st: Stamp, digest: str, store: Store, outline: Any) -> None:
        """Best effort: a cache that cannot be written is not an error."""
        self._write(real, st, digest, encode(store), _outline_out(outline))

    def _write(self, real: Path, st: Stamp, digest: str, tuples: Any, lines: Any) -> None:
        import marshal

        from summit_cli.errors import SummitsError
        from summit_cli.store import fs

        try:
            fs.make_folder(self.folder, parents=True)
            payload = marshal.dumps((_tag(), stat_key(st), self.clock(), digest, tuples, lines), 4)
            fs.atomic_write(self.file_for(real), payload, mode=0o600, durable=False)
        except (OSError, SummitsError, TypeError, ValueError, UnicodeError):
            pass


def _tag() -> str:
    from summit_cli import __version__

    return f"{FORMAT}:{__version__}"


def _entry(tuples: Any, outline: Any, digest: str, formats_only: frozenset[str]) -> Entry | None:
    try:
        store = decode(tuples, formats_only)
        lines = _outline_in(outline)
    except Exception:  # written by a build with other fields: rebuild it
        return None
    return Entry(store, lines, digest)


def _outline_out(outline: Any) -> Any:
    if outline is None:
        return None
    return (
        outline.events_line,
        tuple(outline.items),
        tuple(outline.flow),
        outline.formats_line,
        tuple(outline.formats.items()),
    )


def _outline_in(raw: Any) -> Any:
    if raw is None:
        return None
    from summit_cli.store.yamlfast import Outline

    events_line, items, flow, formats_line, formats = raw
    return Outline(events_line, list(items), list(flow), formats_line, dict(formats))


# ------------------------------------------------------------------- codec


def _wall_out(wall: Any) -> Any:
    if wall is None:
        return None
    clock = wall.time
    seconds = None if clock is None else clock.hour * 3600 + clock.minute * 60 + clock.second
    offset = None if wall.offset is None else int(wall.offset.total_seconds())
    if wall.precision is not None:
        return (wall.date.toordinal(), seconds, offset, wall.precision)
    return (wall.date.toordinal(), seconds, offset)


def _wall_in_factory() -> Callable[[Any], Any]:
    """A converter from cached tuples to WallTime, sharing equal values (they are frozen)."""
    from datetime import date, time, timedelta

    from summit_cli.model import WallTime

    seen: dict[Any, Any] = {}

    def wall_in(raw: Any) -> Any:
        if raw is None:
            return None
        wall = seen.get(raw)
        if wall is None:
            ordinal, seconds, offset, *rough = raw
            clock = (
                None if seconds is None else time(seconds // 3600, seconds // 60 % 60, seconds % 60)
            )
            wall = WallTime(
                date.fromordinal(ordinal),
                clock,
                None if offset is None else timedelta(seconds=offset),
                rough[0] if rough else None,
            )
            seen[raw] = wall
        return wall

    return wall_in


def _event_fields() -> tuple[str, ...]:
    from dataclasses import fields

    from summit_cli.model import Event

    return tuple(f.name for f in fields(Event))


def _event_row(event: Any, names: tuple[str, ...]) -> tuple[Any, ...]:
    row = []
    for name in names:
        value = getattr(event, name)
        if name in {"start", "end"}:
            value = _wall_out(value)
        elif name == "status":
            value = value.value
        elif name == "history":
            value = tuple(
                (c.at, c.change, c.status_before, c.start_before, c.end_before, c.reason, c.extra)
                for c in value
            )
        elif name in {"exdates", "rdates"}:
            value = tuple(_wall_out(w) for w in value)
        elif name == "overrides":
            value = tuple(
                (
                    o.of.toordinal(),
                    _wall_out(o.start) if o.start else None,
                    _wall_out(o.end) if o.end else None,
                    o.status.value if o.status else None,
                    o.title,
                )
                for o in value
            )
        row.append(value)
    return tuple(row)


def encode(store: Store) -> tuple[Any, ...]:
    """A Store as marshal-able tuples."""
    names = _event_fields()
    formats = tuple(
        (f.key, f.name, f.description, f.timezone, _event_row(f.meets, names) if f.meets else None)
        for f in store.formats.values()
    )
    events = tuple(_event_row(event, names) for event in store.events)
    return (names, formats, events)


def decode(data: tuple[Any, ...], formats_only: frozenset[str] = frozenset()) -> Store:
    """Rebuild a Store from our own cache (validated when it was written).

    With *formats_only*, only the events of those formats are built (all formats
    stay defined): a command filtering by format never builds the others.
    """
    from datetime import date

    from summit_cli.model import Change, Event, Format, Override, Status

    names, formats, rows = data
    if tuple(names) != _event_fields():
        raise ValueError("the cache was written for other event fields")
    wall_in = _wall_in_factory()
    statuses = {status.value: status for status in Status}
    convert: dict[str, Callable[[Any], Any]] = {
        "start": wall_in,
        "end": wall_in,
        "status": statuses.__getitem__,
        "history": lambda raw: tuple(Change(*c) for c in raw) if raw else (),
        "exdates": lambda raw: tuple(wall_in(w) for w in raw) if raw else (),
        "rdates": lambda raw: tuple(wall_in(w) for w in raw) if raw else (),
        "overrides": lambda raw: tuple(
            Override(
                date.fromordinal(o[0]),
                wall_in(o[1]) if o[1] else None,
                wall_in(o[2]) if o[2] else None,
                statuses[o[3]] if o[3] else None,
                o[4],
            )
            for o in raw
        ),
    }
    plan = [(i, convert[name]) for i, name in enumerate(names) if name in convert]

    def build(row: tuple[Any, ...]) -> Any:
        values = list(row)
        for index, fn in plan:
            values[index] = fn(values[index])
        return Event(*values)

    if formats_only:
        at = list(names).index("format")
        rows = [row for row in rows if row[at] in formats_only]
    events = tuple(build(row) for row in rows)
    built = {
        f[0]: Format(f[0], f[1], f[2], f[3], build(f[4]) if f[4] is not None else None)
        for f in formats
    }
    return Store(formats=built, events=events)
