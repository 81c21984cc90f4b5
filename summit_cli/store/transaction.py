"""Writes: read-modify-write under the lock, verified before the disk, atomic, with a backup.

The recipe (RELIABILITY.md): lock, sweep orphaned temp files, read, change
(a pure function), validate, serialise and parse back **before** touching the
disk, check the size limit, write through the one atomic writer, checking just
before the rename that nobody changed the file since we read it and keeping
the replaced version as a backup.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from summit_cli.errors import InvalidData, NotFound, Problem, StoreChanged, StoreIOError
from summit_cli.model import Store
from summit_cli.store import backups, fs, reading
from summit_cli.store.decoding import decode
from summit_cli.store.lock import DEFAULT_TIMEOUT, locked
from summit_cli.store.paths import Location, syntax_of
from summit_cli.store.reading import Loaded, load, read_bytes, read_text
from summit_cli.store.validation import recheck

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

    from summit_cli.store.paths import Syntax

_TAGGED_TEMP = re.compile(rf"{re.escape(fs.TEMP_PREFIX)}[0-9a-f]{{8}}-")


@dataclass(frozen=True)
class Saved:
    """What a write did."""

    path: Path
    before: Store
    after: Store
    created_from_bundled: bool = False
    durable: bool = True  # False: saved, but syncing the folder to disk failed
    created: bool = False  # the store file did not exist before


def update(
    location: Location,
    change: Callable[[Store], Store],
    *,
    lock_timeout: float = DEFAULT_TIMEOUT,
    dry_run: bool = False,
) -> Saved:
    """Read-modify-write under the lock. *change* is pure: old Store -> new Store.

    A bundled (read-only) store is first copied to the user's store. Nothing is
    written when *change* raises, when the result is invalid, or when *dry_run*.
    *change* may run twice (fast path, then round trip), so it must be pure.
    """
    target = location.copy_to if location.bundled and location.copy_to else location.path
    real = fs.real_path(target)
    if dry_run:
        return _dry_run(location, real, change)
    if location.bundled:
        fs.make_folder(real.parent, parents=True)
    elif not real.parent.is_dir():
        raise StoreIOError(f"{real.parent}: no such folder")
    with locked(real, lock_timeout):
        sweep_temp_files(real)
        if location.bundled and not fs.exists(real):
            loaded = load(location.path)
            loaded.stamp = fs.Stamp(exists=False)
            return _write(location, real, loaded, change, created=True, bundled=True)
        if fs.exists(real):
            spliced = _splice_write(location, real, change)
            if spliced is not None:
                return spliced
            return _write(location, real, load(real), change)
        syntax = syntax_of(real)
        from summit_cli.store.tree import empty_tree, serialize

        tree = empty_tree(syntax)
        empty = serialize(syntax, tree, False)
        loaded = Loaded(real, syntax, tree, Store(), fs.Stamp(exists=False), data=empty)
        return _write(location, real, loaded, change, created=True)


def _dry_run(location: Location, real: Path, change: Callable[[Store], Store]) -> Saved:
    exists = fs.exists(location.path) or location.bundled
    before = load(location.path).store if exists else Store()
    new = change(before)
    recheck(new, str(real))
    return Saved(real, before, new)


def _write(
    location: Location,
    real: Path,
    loaded: Loaded,
    change: Callable[[Store], Store],
    *,
    created: bool = False,
    bundled: bool = False,
) -> Saved:
    """The round-trip write: change the tree where the store changed, serialise, verify, commit."""
    from summit_cli.store.tree import apply_changes, serialize

    new = change(loaded.store)
    recheck(new, str(real))
    apply_changes(loaded.syntax, loaded.tree, loaded.store, new)
    data = serialize(loaded.syntax, loaded.tree, loaded.bom)
    if bundled and loaded.syntax == "yaml":
        data = schema_comment() + data
    verify(data, loaded.syntax, real)
    durable, _ = commit(real, data, loaded.stamp, first=loaded.data if created else None)
    _cache(location, real, data, new)
    return Saved(
        real, loaded.store, new, created_from_bundled=bundled, durable=durable, created=created
    )


def schema_comment() -> bytes:
    """The first line of a store copied from the bundled one: editors that read
    ``yaml-language-server`` comments find the installed JSON Schema at this absolute path
    (the bundled store has no such line: inside a package no relative path would do)."""
    schema = Path(__file__).resolve().parent.parent / "schemas" / "store.schema.json"
    return f"# yaml-language-server: $schema={schema.as_uri()}\n".encode()


def verify(data: bytes, syntax: Syntax, real: Path) -> Store:
    """Parse what we are about to write with the reader's own rules and limits: a bug here
    must never reach the disk, and no write may produce a store that cannot be read back."""
    source = f"{real} (about to be written)"
    if len(data) > reading.MAX_STORE_BYTES:
        raise InvalidData(
            str(real),
            [
                Problem(
                    "",
                    f"the change would grow the store to {len(data)} bytes, over the limit of "
                    f"{reading.MAX_STORE_BYTES}; nothing was written (split the store, or "
                    "remove events)",
                )
            ],
        )
    text, _ = decode(data, source)
    return read_text(text, syntax, source)[0]


def commit(
    real: Path,
    data: bytes,
    expected: fs.Stamp,
    *,
    old: bytes | None = None,
    undone: bool = False,
    first: bytes | None = None,
) -> tuple[bool, Path | None]:
    """Replace the store with *data* (the caller holds the lock).

    Returns (durable, backup): durable is False when the folder sync after the
    rename failed; backup is where the replaced version was kept.

    Just before the rename: nobody may have changed the file since it was read,
    and the version replaced is kept as a backup. A store created by this write
    keeps *first* (the bundled copy, or an empty store) as its backup, so even
    the first write can be undone.
    """

    kept: list[Path] = []

    def prepare() -> Callable[[], None] | None:
        check_unchanged(real, expected)
        if not expected.exists:
            return None
        kept.append(backups.keep(real, old, undone=undone))
        return lambda: fs.remove(kept[0])

    durable = fs.atomic_write(
        real,
        data,
        mode=expected.mode if expected.exists else None,
        owner=expected.owner if expected.exists else None,
        tag=temp_tag(real),
        prepare=prepare,
    )
    if first is not None:
        backups.keep_bytes(real, first)
    backups.prune(real)
    return durable, kept[0] if kept else None


def check_unchanged(real: Path, expected: fs.Stamp) -> None:
    """Refuse to replace a store whose bytes differ from the ones we read.

    The bytes are always compared (by digest): on ext4 mtime moves in coarse
    ticks, so an in-place edit of the same size can keep (inode, mtime, size).
    """
    if not expected.exists:
        if fs.exists(real):
            raise StoreChanged(
                f"{real}: the store was created by someone else while we worked; "
                "nothing was written, re-run the command"
            )
        return
    gone = StoreChanged(f"{real}: the store was removed while we worked; nothing was written")
    try:
        _, current = read_bytes(real)
    except InvalidData:  # grew past the size limit: certainly not what we read
        current = fs.Stamp(True)
    except NotFound:
        raise gone from None
    if current.digest != expected.digest:
        raise StoreChanged(
            f"{real}: the store was changed on disk by another program since it "
            "was read; their change is kept and nothing was written, re-run the command"
        )


def _cache(location: Location, real: Path, data: bytes, new: Store, outline: Any = None) -> None:
    if location.cache_dir is None:
        return
    from summit_cli.store.cache import Cache

    stamp = fs.stamp_of(real)
    if stamp is not None:
        Cache(location.cache_dir).put(real, stamp, fs.digest(data), new, outline)


def _cached(location: Location, real: Path, stamp: fs.Stamp) -> Store | None:
    """The store with these very bytes from the parse cache, if it is there."""
    if location.cache_dir is None:
        return None
    from summit_cli.store.cache import Cache

    entry = Cache(location.cache_dir).matching(real, stamp, stamp.digest, frozenset())
    return entry.store if entry is not None else None


def _splice_write(location: Location, real: Path, change: Callable[[Store], Store]) -> Saved | None:
    """A YAML write by splicing (see ``splice``), under the caller's lock; None: slow path."""
    if syntax_of(real) != "yaml":
        return None
    from summit_cli.store.splice import FastYAML, read_fast, splice

    data, stamp = read_bytes(real)
    text, bom = decode(data, str(real))
    fast: FastYAML | None = None
    if location.cache_dir is not None:
        from summit_cli.store.cache import Cache

        entry = Cache(location.cache_dir).matching(real, stamp, stamp.digest, frozenset())
        if entry is not None and entry.outline is not None:
            fast = FastYAML(entry.store, entry.outline)  # no parse: the cache has these bytes
    if fast is None:
        fast = read_fast(text)  # the cache (keyed by these very bytes) spares this parse
    if fast is None or fast.outline is None:
        return None
    new = change(fast.store)
    recheck(new, str(real))
    spliced = splice(text, fast, new)
    if spliced is None:
        return None
    if spliced == text:
        return Saved(real, fast.store, new)  # nothing to write
    check = read_fast(spliced)
    if check is None or check.store != new:
        return None  # the splice did not give exactly the new store: do it the slow way
    try:
        out = spliced.encode("utf-8")
    except UnicodeEncodeError:
        return None
    out = (b"\xef\xbb\xbf" + out) if bom else out
    if len(out) > reading.MAX_STORE_BYTES:
        verify(out, "yaml", real)  # raises the size error
    durable, _ = commit(real, out, stamp)
    _cache(location, real, out, new, check.outline)
    return Saved(real, fast.store, new, durable=durable)


def temp_tag(real: Path) -> str:
    """Temp files of the store at *real*: the lock of another store in the folder does not
    cover them, so each store sweeps only its own."""
    return fs.digest(real.name.encode("utf-8", "surrogateescape"))[:8] + "-"


def sweep_temp_files(real: Path) -> None:
    """Remove temp files orphaned by a writer of this store that died (we hold the lock)."""
    prefix = fs.TEMP_PREFIX + temp_tag(real)
    folder = real.parent
    for name in fs.list_folder(folder):
        # Ours, or one that names no store (older versions): a sibling store's temp
        # file may belong to a write in progress under that store's lock.
        if name.startswith(prefix) or (
            name.startswith(fs.TEMP_PREFIX) and not _TAGGED_TEMP.match(name)
        ):
            fs.remove(folder / name)


# --------------------------------------------------------------------- undo


@dataclass(frozen=True)
class Undone:
    """What ``undo`` restored (or, with dry_run, would restore)."""

    path: Path
    restored: backups.Backup
    before: Store | None  # the state replaced (None when it was not a valid store)
    after: Store
    kept: Path | None = None  # where the replaced state was kept
    durable: bool = True
    remaining: int = 0  # earlier versions still available to a further undo


def _store_or_none(data: bytes, syntax: Syntax, source: str) -> Store | None:
    try:
        text, _ = decode(data, source)
        return read_text(text, syntax, source)[0]
    except InvalidData:
        return None


def undo(
    location: Location, *, lock_timeout: float = DEFAULT_TIMEOUT, dry_run: bool = False
) -> Undone:
    """Restore the version of the store before the last write, through the safe write path.

    The state it replaces is kept as a backup marked ``undone``; a second undo
    restores the version before that one, and so on while backups last.
    """
    if location.bundled:
        raise NotFound("nothing to undo: you have no store of your own yet")
    real = fs.real_path(location.path)
    syntax = syntax_of(real)

    def prepare(drop_stale: bool) -> tuple[bytes, fs.Stamp, backups.Backup, bytes, Store, int]:
        current, stamp = read_bytes(real)
        backup, data, remaining = backups.undo_candidate(
            real, current, lambda p: read_bytes(p)[0], drop_stale=drop_stale
        )
        restored = verify(data, syntax, backup.path)
        return current, stamp, backup, data, restored, remaining

    if dry_run:
        current, _, backup, _, restored, remaining = prepare(False)
        before = _store_or_none(current, syntax, str(real))
        return Undone(real, backup, before, restored, None, True, remaining)
    with locked(real, lock_timeout):
        sweep_temp_files(real)
        current, stamp, backup, data, restored, remaining = prepare(True)
        before = _cached(location, real, stamp) or _store_or_none(current, syntax, str(real))
        durable, kept = commit(real, data, stamp, old=current, undone=True)
        fs.remove(backup.path)  # after the commit point: a crash before this is harmless
        _cache(location, real, data, restored)
        return Undone(real, backup, before, restored, kept, durable, remaining)


def write_export(path: Path, data: bytes) -> None:
    """Replace *path* with *data* in one rename, so a web server or a calendar app reading
    the feed while cron regenerates it sees the old file or the new one, never half."""
    real = fs.real_path(path)
    if not real.parent.is_dir():
        raise StoreIOError(f"{real.parent}: no such folder")
    fs.atomic_write(real, data, tag=temp_tag(real))
