"""The only module that touches the file system: find, read, validate and save stores.

Writes follow the recipe in RELIABILITY.md: a sidecar ``flock`` on
``<store>.lock`` next to the real file, read-modify-write under the lock,
serialise before touching the disk, a hidden temp file in the same folder with
the original mode, fsync, a check that nobody changed the file since we read
it, ``os.replace`` (the commit point), then fsync of the folder.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from summit_cli import timeline
from summit_cli.errors import (
    InvalidData,
    InvalidInput,
    NotFound,
    Problem,
    StoreBusy,
    StoreChanged,
    StoreIOError,
)
from summit_cli.model import EVENT_KEYS, Store, store_from_plain

MAX_STORE_BYTES = 128 * 1024 * 1024
MAX_JSON_DEPTH = 64
DEFAULT_LOCK_TIMEOUT = 10.0
TEMP_PREFIX = ".summits-tmp-"
APP_NAME = "summits"

Syntax = Literal["yaml", "json"]


# ----------------------------------------------------------------- location


def bundled_store_path() -> Path:
    """The store shipped with the package (wheel) or the repository (editable install)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / "summits.yaml", here.parent / "data" / "summits.yaml"):
        if candidate.is_file():
            return candidate
    raise NotFound("the bundled store is missing from this installation (reinstall summits)")


def user_store_path() -> Path:
    """The user's own store in the platform data folder (may not exist yet)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "summits.yaml"


@dataclass(frozen=True)
class Location:
    """Which store a command uses, and whether it is the read-only bundled copy."""

    path: Path
    bundled: bool = False
    copy_to: Path | None = None  # where the first write puts the user's copy
    cache_dir: Path | None = None  # where parsed YAML stores are cached (None: no cache)


def cache_folder() -> Path:
    """The platform cache folder for parsed stores."""
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False) / "stores"


def locate(explicit: str | None, *, cache: bool = True) -> Location:
    """``--store``/``SUMMITS_STORE`` if given; else the user's store; else the bundled one."""
    cache_dir = cache_folder() if cache else None
    if explicit:
        return Location(Path(explicit).expanduser(), cache_dir=cache_dir)
    user = user_store_path()
    if user.exists():
        return Location(user, cache_dir=cache_dir)
    return Location(bundled_store_path(), bundled=True, copy_to=user, cache_dir=cache_dir)


def syntax_of(path: Path) -> Syntax:
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        return "yaml"
    if suffix == ".json":
        return "json"
    raise InvalidInput(
        f"{path}: unknown store type {suffix or '(no suffix)'!r}; use a .yaml, .yml or .json file"
    )


# ------------------------------------------------------------------ reading


@dataclass(frozen=True)
class Stamp:
    """Identity of the bytes we read, to notice a change made behind our back."""

    exists: bool
    inode: int = 0
    mtime_ns: int = 0
    size: int = 0
    digest: str = ""


@dataclass
class Loaded:
    """A store as read: the parsed tree (for round-trip writes) and the validated model."""

    path: Path
    syntax: Syntax
    tree: Any
    store: Store
    stamp: Stamp
    bom: bool = False
    warnings: list[str] = field(default_factory=list)


def _stamp_of(path: Path, data: bytes | None) -> Stamp:
    try:
        st = path.stat()
    except FileNotFoundError:
        return Stamp(exists=False)
    digest = hashlib.sha256(data).hexdigest() if data is not None else ""
    return Stamp(True, st.st_ino, st.st_mtime_ns, st.st_size, digest)


def _read_bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_STORE_BYTES:
                raise InvalidData(
                    str(path),
                    [
                        Problem(
                            "",
                            f"the file is {size} bytes; stores are "
                            f"limited to {MAX_STORE_BYTES} bytes",
                        )
                    ],
                )
            data = handle.read(MAX_STORE_BYTES + 1)
    except FileNotFoundError:
        raise NotFound(f"store not found: {path}") from None
    except IsADirectoryError:
        raise StoreIOError(f"{path}: is a folder, not a store file") from None
    except PermissionError:
        raise StoreIOError(f"{path}: permission denied (cannot read the store)") from None
    except OSError as exc:
        raise StoreIOError(f"{path}: cannot read the store: {exc.strerror or exc}") from None
    if len(data) > MAX_STORE_BYTES:
        raise InvalidData(
            str(path), [Problem("", f"stores are limited to {MAX_STORE_BYTES} bytes")]
        )
    return data


def _decode(data: bytes, source: str) -> tuple[str, bool]:
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidData(
            source, [Problem(f"line {line}", f"not valid UTF-8 (byte 0x{data[exc.start]:02x})")]
        ) from None
    return text, bom


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a store")


def _pairs_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _json_depth_ok(text: str) -> bool:
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def parse_text(text: str, syntax: Syntax, source: str) -> Any:
    """Parse store text into a tree; every parser failure becomes one InvalidData."""
    if syntax == "json":
        if not _json_depth_ok(text):
            raise InvalidData(source, [Problem("", f"nested deeper than {MAX_JSON_DEPTH} levels")])
        try:
            return json.loads(
                text, object_pairs_hook=_pairs_without_duplicates, parse_constant=_reject_constant
            )
        except json.JSONDecodeError as exc:
            raise InvalidData(
                source, [Problem(f"line {exc.lineno}, column {exc.colno}", exc.msg)]
            ) from None
        except (ValueError, RecursionError) as exc:
            raise InvalidData(source, [Problem("", str(exc).splitlines()[0])]) from None
    from summit_cli import yamlio

    try:
        return yamlio.load(text)
    except yamlio.HostileYAML as exc:
        where = f"line {exc.line}" if exc.line else ""
        raise InvalidData(source, [Problem(where, str(exc))]) from None
    except RecursionError:
        raise InvalidData(source, [Problem("", "nested too deeply")]) from None
    except Exception as exc:  # ruamel raises many unrelated classes for bad YAML
        if not type(exc).__module__.startswith("ruamel"):
            raise
        line = yamlio.error_line(exc)
        where = f"line {line}" if line else ""
        raise InvalidData(source, [Problem(where, yamlio.error_text(exc))]) from None


def _locate_problems(problems: list[Problem], tree: Any, syntax: Syntax) -> list[Problem]:
    """Add the line of the event each problem is about, where the parser knows it."""
    if syntax != "yaml" or not isinstance(tree, Mapping):
        return problems
    from summit_cli import yamlio

    events = tree.get("events")
    located = []
    for problem in problems:
        where = problem.where
        if where.startswith("events[") and events is not None:
            index = int(where[7 : where.index("]")])
            line = yamlio.item_line(events, index)
            if line is not None:
                where = f"line {line}: {where}"
        located.append(Problem(where, problem.what))
    return located


def validate_store(store: Store) -> list[Problem]:
    """Cross-field rules that need time arithmetic (the model checks the rest)."""
    problems = []
    for event in store.events:
        if timeline.end_before_start(event):
            problems.append(
                Problem(f"event {event.id}", f"ends ({event.end}) before it starts ({event.start})")
            )
    return problems


def parse_store(text: str, syntax: Syntax, source: str) -> tuple[Any, Store]:
    """Text -> (tree, validated Store), or InvalidData listing every problem."""
    tree = parse_text(text, syntax, source)
    if tree is None:
        tree = {}
    store, problems = store_from_plain(tree)
    problems = _locate_problems(problems, tree, syntax) + validate_store(store)
    if problems:
        raise InvalidData(source, problems)
    return tree, store


def load(path: Path) -> Loaded:
    """Read and validate a store. Readers take no lock: renames are atomic."""
    syntax = syntax_of(path)
    data = _read_bytes(path)
    text, bom = _decode(data, str(path))
    tree, store = parse_store(text, syntax, str(path))
    return Loaded(path, syntax, tree, store, _stamp_of(path, data), bom)


# ------------------------------------------------------------ parse cache
#
# Parsing YAML round-trip is slow (ruamel: ~50 ms for the bundled store, far
# more for big ones). Commands that only read use a cache of the parsed,
# validated store: a JSON file in the platform cache folder, keyed by the
# store's real path and trusted only when the store's bytes hash to the same
# digest and the cache was written by this very version of summits.

CACHE_FORMAT = 1


def _cache_file(cache_dir: Path, real: Path) -> Path:
    key = hashlib.sha256(str(real).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return cache_dir / f"{key}.json"


def _cache_tag() -> str:
    from summit_cli import __version__

    return f"{CACHE_FORMAT}:{__version__}"


def _store_to_plain(store: Store) -> dict[str, Any]:
    return {
        "formats": {k: f.to_stored() for k, f in store.formats.items()},
        "events": [e.to_plain() for e in store.events],
    }


def _store_from_cache(plain: dict[str, Any]) -> Store:
    """Rebuild a Store from our own cache (already validated when it was written)."""
    from summit_cli.model import Change, Event, Format, Status, parse_wall_time

    formats = {
        key: Format(key, raw["name"], raw.get("description"), raw.get("timezone"))
        for key, raw in plain["formats"].items()
    }
    events = []
    for raw in plain["events"]:
        fields = dict(raw)
        fields["start"] = parse_wall_time(raw["start"])
        fields["end"] = parse_wall_time(raw["end"]) if raw["end"] else None
        fields["status"] = Status(raw["status"])
        for key in ("participants", "sources", "tags"):
            fields[key] = tuple(raw[key])
        fields["history"] = tuple(Change(**change) for change in raw["history"])
        events.append(Event(**fields))
    return Store(formats=formats, events=tuple(events))


def _read_cache(cache_dir: Path, real: Path, digest: str) -> Store | None:
    try:
        raw = json.loads(_cache_file(cache_dir, real).read_bytes())
        if raw.get("tag") != _cache_tag() or raw.get("digest") != digest:
            return None
        return _store_from_cache(raw["store"])
    except Exception:  # a missing, stale or damaged cache is simply rebuilt
        return None


def _write_cache(cache_dir: Path, real: Path, digest: str, store: Store) -> None:
    """Best effort: a cache that cannot be written is not an error."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        target = _cache_file(cache_dir, real)
        payload = {
            "tag": _cache_tag(),
            "source": str(real),
            "digest": digest,
            "store": _store_to_plain(store),
        }
        fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=cache_dir)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False, separators=(",", ":"))
        Path(temp_name).replace(target)
    except (OSError, TypeError, ValueError, UnicodeError):
        with contextlib.suppress(OSError, UnboundLocalError):
            Path(temp_name).unlink()


def read_store(location: Location) -> Store:
    """The validated store, for commands that only read (uses the parse cache for YAML)."""
    path = location.path
    if location.cache_dir is None or syntax_of(path) != "yaml":
        return load(path).store
    data = _read_bytes(path)
    digest = hashlib.sha256(data).hexdigest()
    real = Path(os.path.realpath(path))
    cached = _read_cache(location.cache_dir, real, digest)
    if cached is not None:
        return cached
    text, _ = _decode(data, str(path))
    _, store = parse_store(text, "yaml", str(path))
    _write_cache(location.cache_dir, real, digest, store)
    return store


def _empty(path: Path) -> Loaded:
    syntax = syntax_of(path)
    tree: Any
    if syntax == "yaml":
        from summit_cli import yamlio

        tree = yamlio.new_mapping()
    else:
        tree = {}
    tree["version"] = 1
    tree["formats"] = yamlio.new_mapping() if syntax == "yaml" else {}
    tree["events"] = yamlio.new_sequence() if syntax == "yaml" else []
    return Loaded(path, syntax, tree, Store(), Stamp(exists=False))


# ------------------------------------------------------------------ writing


def serialize(loaded: Loaded) -> bytes:
    """The tree as bytes, strictly encoded (a lone surrogate fails here, before the disk)."""
    if loaded.syntax == "json":
        text = json.dumps(loaded.tree, ensure_ascii=False, indent=2) + "\n"
    else:
        from summit_cli import yamlio

        text = yamlio.dump(loaded.tree)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInput(
            f"text that cannot be stored (invalid character at {exc.start}: "
            f"{exc.object[exc.start : exc.end]!r})"
        ) from None
    return (b"\xef\xbb\xbf" + data) if loaded.bom else data


def _node(loaded: Loaded, value: Any) -> Any:
    if loaded.syntax == "yaml":
        from summit_cli import yamlio

        return yamlio.to_node(value)
    return value


def _set_key(loaded: Loaded, mapping: Any, key: str, value: Any, order: tuple[str, ...]) -> None:
    """Set *key*; a new key goes after the schema keys that precede it."""
    node = _node(loaded, value)
    if key in mapping:
        mapping[key] = node
        return
    keys = list(mapping.keys())
    position = 0
    for earlier in order[: order.index(key)]:
        if earlier in keys:
            position = max(position, keys.index(earlier) + 1)
    if hasattr(mapping, "insert"):  # ruamel CommentedMap
        mapping.insert(position, key, node)
        return
    items = list(mapping.items())
    mapping.clear()
    for index, (existing, item) in enumerate(items):
        if index == position:
            mapping[key] = node
        mapping[existing] = item
    if key not in mapping:
        mapping[key] = node


def _merge(
    loaded: Loaded, mapping: Any, old: dict[str, Any], new: dict[str, Any], order: tuple[str, ...]
) -> None:
    """Change only the keys whose values changed; unknown keys and formatting stay."""
    for key in order:
        before, after = old.get(key), new.get(key)
        if before == after and (after is None or key in mapping):
            continue
        if after is None:
            if key in mapping:
                del mapping[key]
        else:
            _set_key(loaded, mapping, key, after, order)


def apply_changes(loaded: Loaded, new: Store) -> None:
    """Bring the parsed tree in line with *new*, touching only what differs."""
    old, tree = loaded.store, loaded.tree
    if old.formats != new.formats or "formats" not in tree:
        formats = tree.get("formats")
        if not isinstance(formats, dict):
            formats = _node(loaded, {})
            tree["formats"] = formats
        for key in [k for k in formats if k not in new.formats]:
            del formats[key]
        format_order = ("name", "description", "timezone")
        for key, fmt in new.formats.items():
            if key not in formats:
                formats[key] = _node(loaded, fmt.to_stored())
            elif old.formats.get(key) != fmt:
                previous = old.formats[key].to_stored() if key in old.formats else {}
                _merge(loaded, formats[key], previous, fmt.to_stored(), format_order)
    events = tree.get("events")
    if not isinstance(events, list):
        events = _node(loaded, [])
        tree["events"] = events
        if loaded.syntax == "yaml":
            events.fa.set_block_style()
    old_by_id = {e.id: e for e in old.events}
    new_by_id = {e.id: e for e in new.events}
    index_of = {e.id: i for i, e in enumerate(old.events)}
    for event_id in sorted(
        (i for i in old_by_id if i not in new_by_id), key=index_of.__getitem__, reverse=True
    ):
        del events[index_of[event_id]]
    remaining = [e for e in old.events if e.id in new_by_id]
    for position, before in enumerate(remaining):
        after = new_by_id[before.id]
        if after != before:
            stored_before = before.to_stored()
            if "id" not in events[position]:
                stored_before.pop("id", None)
            _merge(loaded, events[position], stored_before, after.to_stored(), EVENT_KEYS)
    for event in new.events:
        if event.id not in old_by_id:
            events.append(_node(loaded, event.to_stored()))


@contextlib.contextmanager
def _locked(real: Path, timeout: float) -> Iterator[None]:
    lock_path = real.with_name(real.name + ".lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except PermissionError:
        raise StoreIOError(
            f"{real.parent}: permission denied (cannot create the lock file {lock_path.name})"
        ) from None
    except OSError as exc:
        raise StoreIOError(
            f"{lock_path}: cannot create the lock file: {exc.strerror or exc}"
        ) from None
    try:
        deadline = time.monotonic() + max(timeout, 0.0)
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        f"{real}: the store is busy (another summits is writing it); "
                        f"waited {timeout:g} s, retry"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        yield
    finally:
        os.close(fd)  # releases the lock


def _sweep_temp_files(folder: Path) -> None:
    """Remove temp files orphaned by a writer that died (we hold the lock)."""
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            if entry.name.startswith(TEMP_PREFIX):
                with contextlib.suppress(OSError):
                    entry.unlink()


def _io_error(path: Path, exc: OSError, doing: str) -> StoreIOError:
    reason = {
        errno.ENOSPC: "no space left on the device",
        errno.EDQUOT: "disk quota exceeded",
        errno.EROFS: "read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    return StoreIOError(f"{path}: cannot {doing}: {reason}; the store is unchanged")


def _write_atomically(real: Path, data: bytes, expected: Stamp) -> bool:
    """Write *data* over *real* atomically; True when the folder sync confirmed durability."""
    folder = real.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreIOError(
            f"{folder}: the folder is not writable, so the store cannot be "
            "saved safely; the store is unchanged"
        )
    try:
        fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
    except OSError as exc:
        raise _io_error(real, exc, "create a temporary file") from None
    temp = Path(temp_name)
    try:
        try:
            if expected.exists:
                st = real.stat()
                os.fchmod(fd, stat.S_IMODE(st.st_mode))
                with contextlib.suppress(OSError):
                    os.fchown(fd, st.st_uid, st.st_gid)
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.fchmod(fd, 0o666 & ~umask)
            with os.fdopen(fd, "wb", closefd=True) as handle:
                fd = -1
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise _io_error(real, exc, "write the store") from None
        _check_unchanged(real, expected)
        try:
            temp.replace(real)  # the commit point
        except OSError as exc:
            raise _io_error(real, exc, "replace the store") from None
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    try:
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        return False
    return True


def _check_unchanged(real: Path, expected: Stamp) -> None:
    now = _stamp_of(real, None)
    if not expected.exists:
        if now.exists:
            raise StoreChanged(
                f"{real}: the store was created by someone else while we worked; "
                "nothing was written, re-run the command"
            )
        return
    if not now.exists:
        raise StoreChanged(f"{real}: the store was removed while we worked; nothing was written")
    same_identity = (now.inode, now.mtime_ns, now.size) == (
        expected.inode,
        expected.mtime_ns,
        expected.size,
    )
    if same_identity:
        return
    try:
        digest = hashlib.sha256(real.read_bytes()).hexdigest()
    except OSError:
        digest = ""
    if digest != expected.digest:
        raise StoreChanged(
            f"{real}: the store was changed on disk by another program since it "
            "was read; their change is kept and nothing was written, re-run the command"
        )


@dataclass(frozen=True)
class Saved:
    """What a write did."""

    path: Path
    before: Store
    after: Store
    created_from_bundled: bool = False
    durable: bool = True  # False: saved, but syncing the folder to disk failed


def update(
    location: Location,
    change: Callable[[Store], Store],
    *,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    dry_run: bool = False,
) -> Saved:
    """Read-modify-write under the lock. *change* is pure: old Store -> new Store.

    A bundled (read-only) store is first copied to the user's store. Nothing is
    written when *change* raises, when the result is invalid, or when *dry_run*.
    """
    target = location.copy_to if location.bundled and location.copy_to else location.path
    real = Path(os.path.realpath(target))
    if location.bundled and not dry_run:
        try:
            real.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _io_error(real.parent, exc, "create the data folder") from None
    if not real.parent.is_dir():
        raise StoreIOError(f"{real.parent}: no such folder")
    if dry_run:
        loaded = load(location.path) if location.path.exists() or location.bundled else _empty(real)
        new = change(loaded.store)
        _recheck(new, str(real))
        return Saved(real, loaded.store, new)
    with _locked(real, lock_timeout):
        _sweep_temp_files(real.parent)
        copied = False
        if location.bundled and not real.exists():
            loaded = load(location.path)
            loaded = Loaded(
                real, loaded.syntax, loaded.tree, loaded.store, Stamp(exists=False), loaded.bom
            )
            copied = True
        elif real.exists():
            loaded = load(real)
        else:
            loaded = _empty(real)
        new = change(loaded.store)
        _recheck(new, str(real))
        apply_changes(loaded, new)
        data = serialize(loaded)
        # Parse what we are about to write: a bug here must never reach the disk.
        check_text, _ = _decode(data, str(real))
        parse_store(check_text, loaded.syntax, f"{real} (about to be written)")
        durable = _write_atomically(real, data, loaded.stamp)
        if location.cache_dir is not None and loaded.syntax == "yaml":
            _write_cache(location.cache_dir, real, hashlib.sha256(data).hexdigest(), new)
        return Saved(real, loaded.store, new, created_from_bundled=copied, durable=durable)


def _recheck(store: Store, source: str) -> None:
    problems = validate_store(store)
    if problems:
        raise InvalidData(source, problems)
