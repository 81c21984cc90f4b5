"""The record of reminders sent: a small JSON file beside the store, with a lock of its own.

``summits remind`` runs from cron; two runs may overlap and one may be killed.
Each run holds :func:`locked` for its whole length (so overlapping runs take
turns and never send the same alert twice), reads the record with :func:`read`
and writes it back with :func:`write`, which goes through the one atomic writer
(a reader sees the old record or the new one, never half of each).

The file is ``<store>.alerts.json`` beside the real store file (the user's data
folder when the store is the bundled one)::

    {"version": 1,
     "alerts": {"2022-01-10-geneva-ssd@2022-01-10T00:00/1d":
                {"due": "2022-01-08T23:00:00Z", "fate": "sent", "at": "2022-01-08T23:05:00Z"}}}
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

from summit_cli.errors import InvalidData, Problem, StoreBusy
from summit_cli.reminders import Fate, Settled
from summit_cli.store import fs
from summit_cli.store.paths import Location

VERSION = 1
SUFFIX = ".alerts.json"
MAX_BYTES = 16 * 1024 * 1024  # pruned, it holds weeks of alerts: a few kilobytes
_FIX = "move it away to start afresh (reminders already sent may then be sent again)"


def alerts_path(location: Location) -> Path:
    """Where the record of *location*'s store lives: beside the real store file, or beside
    the user's store-to-be when the store in use is the bundled, read-only one."""
    target = location.copy_to if location.bundled and location.copy_to else location.path
    real = fs.real_path(target)
    return real.with_name(real.name + SUFFIX)


def _tag(path: Path) -> str:
    """Our temp files' tag: a store's write sweeps only its own (``transaction.temp_tag``)."""
    return fs.digest(path.name.encode("utf-8", "surrogateescape"))[:8] + "-"


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@contextlib.contextmanager
def locked(path: Path, timeout: float) -> Iterator[None]:
    """Hold the record's own lock (``<record>.lock``), waiting at most *timeout* seconds.

    Creates the folder of a user store that does not exist yet. StoreBusy when
    another run holds the lock longer than that.
    """
    from summit_cli.store.lock import locked as flocked

    fs.make_folder(path.parent, parents=True)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(flocked(path, timeout))
        except StoreBusy:
            raise StoreBusy(
                f"{path}: another summits remind is running; waited {timeout:g} s "
                "(nothing was sent; the next run will send what is due)"
            ) from None
        _sweep(path)
        yield


def _sweep(path: Path) -> None:
    """Remove temp files of ours that a killed run left behind (we hold the lock)."""
    prefix = fs.TEMP_PREFIX + _tag(path)
    for name in fs.list_folder(path.parent):
        if name.startswith(prefix):
            fs.remove(path.parent / name)


def read(path: Path) -> dict[str, Settled]:
    """The alerts recorded in *path* (none when it does not exist yet).

    A damaged record is refused (InvalidData, exit 3) rather than taken as empty,
    which would send again every reminder still in its grace window.
    """
    from summit_cli.errors import NotFound
    from summit_cli.store.hardjson import parse_json

    source = str(path)
    try:
        data, _ = fs.read_regular(path, MAX_BYTES, what="the record of sent reminders")
    except NotFound:
        return {}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _damaged(source, f"not UTF-8 text (byte {exc.start})") from None
    try:
        tree = parse_json(text, source)
    except InvalidData as exc:
        raise _damaged(source, "; ".join(str(p) for p in exc.problems)) from None
    return _from_tree(tree, source)


def _damaged(source: str, what: str) -> InvalidData:
    problem = Problem("", f"{what}: the record of sent reminders is damaged; {_FIX}")
    return InvalidData(source, [problem])


def _from_tree(tree: object, source: str) -> dict[str, Settled]:
    if not isinstance(tree, dict) or tree.get("version") != VERSION:
        raise _damaged(source, f"not a version {VERSION} record of sent reminders")
    alerts = tree.get("alerts")
    if not isinstance(alerts, dict):
        raise _damaged(source, "'alerts' is not a mapping")
    out: dict[str, Settled] = {}
    for key, entry in alerts.items():
        try:
            out[key] = _settled(entry)
        except (TypeError, ValueError, KeyError):
            raise _damaged(source, f"alert {key!r} is not {{due, fate, at}}") from None
    return out


def _settled(entry: object) -> Settled:
    if not isinstance(entry, dict):
        raise TypeError(entry)
    due, at = (datetime.fromisoformat(str(entry[name])) for name in ("due", "at"))
    if due.tzinfo is None or at.tzinfo is None:
        raise ValueError(entry)
    return Settled(due.astimezone(UTC), Fate(entry["fate"]), at.astimezone(UTC))


def to_bytes(state: Mapping[str, Settled]) -> bytes:
    """The record's file content: one alert per line, sorted, so it reads well in a diff."""
    from summit_cli.writers import json_text

    lines = [
        f"  {json_text(key)}: "
        + json_text({"due": _utc_text(s.due), "fate": s.fate.value, "at": _utc_text(s.at)})
        for key, s in sorted(state.items())
    ]
    body = "{\n" + ",\n".join(lines) + "\n }" if lines else "{}"
    return f'{{"version": {VERSION},\n "alerts": {body}}}\n'.encode()


def write(path: Path, state: Mapping[str, Settled]) -> None:
    """Replace the record with *state*, durably (fsync), in one rename."""
    fs.atomic_write(path, to_bytes(state), tag=_tag(path))
