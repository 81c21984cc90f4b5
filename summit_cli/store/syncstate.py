"""The sync sidecar: a store's remotes, what each remote and the store agreed at the last
sync, the versions conflicts did not keep, and the lock that lets one sync run at a time.

Beside the store ``summits.yaml``, in ``.summits.yaml.sync/``:

- ``remotes.json``: the remotes of this store (names, URLs, user names, where passwords
  come from; never a password);
- ``<remote>.state.json``: per remote, what both sides held at the last sync;
- ``<remote>.undo.json``: the state before the last sync that wrote the store, so a sync
  that ``summits undo`` took back is recognised (see :func:`undone_write`);
- ``conflicts/<remote>/<time>-<id>.json``: each version a conflict did not keep;
- ``sync.lock``: held by a running sync.

Every file is written whole by the one atomic writer; a missing file reads as None; a
damaged one is an InvalidData error naming it (never a silent reset that could push
deletions).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

from summit_cli.errors import InvalidData, NotFound, Problem, StoreBusy
from summit_cli.store import fs

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

# A sync state holds a few hundred bytes per event: 100,000 events fit well under this.
MAX_STATE_BYTES = 256 * 1024 * 1024
REMOTES = "remotes.json"


def sidecar_of(real: Path) -> Path:
    """The sync folder of the store at *real* (a resolved path)."""
    return real.with_name(f".{real.name}.sync")


def _read(path: Path, what: str) -> Any:
    """The JSON value in *path*, None when there is no such file. These files are summits'
    own (a state holds a few hundred bytes per event), so the plain JSON reader is used."""
    if not fs.exists(path):
        return None
    try:
        data, _ = fs.read_regular(path, MAX_STATE_BYTES, what=what)
    except NotFound:
        return None
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InvalidData(
            str(path), [Problem("", f"{what} is damaged ({str(exc)[:200]}); remove the file")]
        ) from None


def _write(path: Path, value: Any, *, durable: bool = True, pretty: bool = False) -> None:
    fs.make_folder(path.parent, parents=True, report_as=path)
    if pretty:  # a file people read: their alphabet as it is
        text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: escaped, as everything else is below
            data = (json.dumps(value, indent=1, sort_keys=True) + "\n").encode("ascii")
    else:
        data = (json.dumps(value, separators=(",", ":")) + "\n").encode("ascii")
    fs.atomic_write(path, data, durable=durable)


def read_remotes(real: Path) -> Any:
    """The parsed ``remotes.json`` of the store at *real*, or None."""
    return _read(sidecar_of(real) / REMOTES, "the remotes file")


def write_remotes(real: Path, value: Any) -> None:
    _write(sidecar_of(real) / REMOTES, value, pretty=True)


def state_path(real: Path, remote: str) -> Path:
    return sidecar_of(real) / f"{remote}.state.json"


def read_state(real: Path, remote: str) -> Any:
    """The sync state of *remote* (parsed JSON), or None before its first sync."""
    return _read(state_path(real, remote), f"the sync state of {remote}")


def write_state(real: Path, remote: str, value: Any, *, durable: bool = True) -> None:
    """Replace the state of *remote*; ``durable=False`` for checkpoints in the middle of a
    sync (a crash loses at most what the next sync finds again)."""
    _write(state_path(real, remote), value, durable=durable)


def read_undo_state(real: Path, remote: str) -> Any:
    return _read(sidecar_of(real) / f"{remote}.undo.json", f"the undo state of {remote}")


def write_undo_state(real: Path, remote: str, value: Any) -> None:
    _write(sidecar_of(real) / f"{remote}.undo.json", value)


def forget(real: Path, remote: str) -> None:
    """Remove every file of *remote* but its conflict records (they are the user's)."""
    folder = sidecar_of(real)
    for name in (f"{remote}.state.json", f"{remote}.undo.json"):
        fs.remove(folder / name)


def states(real: Path, names: list[str]) -> dict[str, Any]:
    """The states of the remotes *names* (those synced at least once), by name."""
    found: dict[str, Any] = {}
    for name in names:
        value = read_state(real, name)
        if value is not None:
            found[name] = value
    return found


def has_sidecar(real: Path) -> bool:
    return fs.exists(sidecar_of(real))


def keep_conflict(real: Path, remote: str, name: str, value: Any) -> Path:
    """Keep *value* (a version a conflict did not keep) as ``conflicts/<remote>/<name>.json``;
    an existing record is never replaced (``-2``, ``-3``... are added)."""
    folder = sidecar_of(real) / "conflicts" / remote
    fs.make_folder(folder, parents=True, report_as=real)
    target = folder / f"{name}.json"
    count = 2
    while fs.exists(target):
        target = folder / f"{name}-{count}.json"
        count += 1
    _write(target, value, pretty=True)
    return target


@contextlib.contextmanager
def sync_lock(real: Path, timeout: float) -> Iterator[None]:
    """One sync of the store at *real* at a time (StoreBusy naming the sync otherwise)."""
    from summit_cli.store.lock import locked

    folder = sidecar_of(real)
    fs.make_folder(folder, parents=True, report_as=real)
    try:
        with locked(folder / "sync", timeout):
            yield
    except StoreBusy:
        raise StoreBusy(
            f"{real}: another summits sync of this store is running; waited {timeout:g} s, "
            "retry when it is done"
        ) from None


def store_digest(real: Path) -> str | None:
    """The digest of the store's bytes now, None when there is no store file."""
    from summit_cli.store.reading import read_bytes

    try:
        _, stamp = read_bytes(real)
    except NotFound:
        return None
    return stamp.digest


def undone_write(real: Path, written: str) -> bool:
    """True when ``summits undo`` took back the store version whose digest is *written*: undo
    keeps the version it replaces as an ``.undone`` backup, so that version is among them."""
    from summit_cli.store import backups
    from summit_cli.store.reading import read_bytes

    for backup in reversed(backups.list_backups(real)):
        if not backup.undone:
            continue
        try:
            _, stamp = read_bytes(backup.path)
        except (NotFound, InvalidData):
            continue
        if stamp.digest == written:
            return True
    return False
