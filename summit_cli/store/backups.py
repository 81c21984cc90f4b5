"""Backups of the store, for ``summits undo``.

Before each write replaces the store, the version it replaces is kept in a
hidden folder next to the real file: ``.<name>.backups/000042.yaml`` (a hard
link: one atomic call, no copy; a copy where links are not supported). The
newest KEEP versions are kept. ``undo`` restores the newest one and keeps the
state it replaced as ``000043.undone.yaml``; a second undo goes one version
further back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from summit_cli.errors import NotFound, StoreIOError
from summit_cli.store import fs

KEEP = 10
_BACKUP_RE = re.compile(r"(?P<seq>\d{6,})(?P<undone>\.undone)?\.[A-Za-z]+\Z")


def folder_of(real: Path) -> Path:
    """Where the previous versions of the store at *real* (a resolved path) are kept."""
    return real.with_name(f".{real.name}.backups")


@dataclass(frozen=True)
class Backup:
    """One kept version of the store."""

    path: Path
    seq: int
    undone: bool  # True: the state an ``undo`` replaced (never restored by ``undo``)
    mtime_ns: int


def list_backups(real: Path) -> list[Backup]:
    """Kept versions of the store at *real*, oldest first."""
    folder = folder_of(real)
    found = []
    for name in fs.list_folder(folder):
        match = _BACKUP_RE.match(name)
        if match is None:
            continue
        st = fs.stat_of(folder / name)
        if st is None:
            continue
        found.append(
            Backup(folder / name, int(match["seq"]), bool(match["undone"]), st.st_mtime_ns)
        )
    return sorted(found, key=lambda b: b.seq)


def keep(real: Path, old: bytes | None, *, undone: bool = False) -> Path:
    """Keep the current store file as the newest backup (the caller holds the lock)."""
    folder = folder_of(real)
    fs.make_folder(folder, report_as=real)
    existing = list_backups(real)
    seq = (existing[-1].seq + 1) if existing else 1
    suffix = ".undone" + real.suffix if undone else real.suffix
    target = folder / f"{seq:06d}{suffix}"
    try:
        linked = fs.link(real, target)
    except OSError as exc:
        raise fs.io_error(real, exc, "keep a backup") from None
    if not linked:
        if old is None:  # no bytes to copy from
            raise StoreIOError(f"{real}: cannot keep a backup (no hard links here); unchanged")
        st = fs.stat_of(real)
        fs.atomic_write(target, old, mode=st.st_mode if st else None)
    return target


def keep_bytes(real: Path, data: bytes) -> None:
    """Keep *data* as the newest backup of *real* (the state before the store was created)."""
    folder = folder_of(real)
    fs.make_folder(folder, report_as=real)
    existing = list_backups(real)
    seq = (existing[-1].seq + 1) if existing else 1
    st = fs.stat_of(real)
    fs.atomic_write(folder / f"{seq:06d}{real.suffix}", data, mode=st.st_mode if st else None)


def prune(real: Path) -> None:
    """Best effort (after the commit point): keep only the newest KEEP versions."""
    kept = list_backups(real)
    for backup in kept[: max(len(kept) - KEEP, 0)]:
        fs.remove(backup.path)


def undo_candidate(
    real: Path, current: bytes, read: Callable[[Path], bytes], *, drop_stale: bool
) -> tuple[Backup, bytes, int]:
    """The newest backup whose bytes differ from *current*, its bytes, and how many remain.

    A backup equal to the current bytes is left over from a crash after the
    commit point (or a write that changed nothing): undoing it would do nothing,
    so it is skipped (and removed when *drop_stale*).
    """
    candidates = [b for b in list_backups(real) if not b.undone]
    while candidates:
        backup = candidates.pop()
        data = read(backup.path)
        if data != current:
            return backup, data, len(candidates)
        if drop_stale:
            fs.remove(backup.path)
    raise NotFound(f"nothing to undo: no earlier version of {real} is kept in {folder_of(real)}")
