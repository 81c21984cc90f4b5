"""The only module that touches the file system: find, read, validate and save stores.

Writes follow the recipe in RELIABILITY.md: a sidecar ``flock`` on
``<store>.lock`` next to the real file, read-modify-write under the lock,
serialise before touching the disk, a hidden temp file in the same folder with
the original mode, fsync, a check that nobody changed the file since we read
it, ``os.replace`` (the commit point), then fsync of the folder.

File operations go through ``os`` functions (not ``pathlib``) on purpose: the
tests inject a fault into the k-th of them, for every k.
"""

# ruff: noqa: PTH102, PTH105, PTH108, PTH116, PTH208

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

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

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any, Literal

# Big enough for a 100,000-event archive (about 30 MB of JSON or 40 MB of YAML);
# a file over it is refused before it is read.
MAX_STORE_BYTES = 64 * 1024 * 1024
MAX_INT_DIGITS = 18
MAX_MESSAGE_CHARS = 300
MAX_JSON_DEPTH = 64
DEFAULT_LOCK_TIMEOUT = 10.0
TEMP_PREFIX = ".summits-tmp-"
APP_NAME = "summits"

if TYPE_CHECKING:
    Syntax = Literal["yaml", "json"]
_TAGGED_TEMP = re.compile(r"\.summits-tmp-[0-9a-f]{8}-")
_SURROGATE = re.compile("[\ud800-\udfff]")


# ----------------------------------------------------------------- location


def bundled_store_path() -> Path:
    """The store shipped with the package (wheel) or the repository (editable install)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / "summits.yaml", here.parent / "data" / "summits.yaml"):
        if candidate.is_file():
            return candidate
    raise NotFound("the bundled store is missing from this installation (reinstall summits)")


def _xdg(variable: str, fallback: str) -> Path | None:
    """An XDG base folder on Linux, exactly as platformdirs computes it; None elsewhere.

    platformdirs costs a few milliseconds to import, a real share of the start-up
    budget, and on Linux its answer is this one line.
    """
    import sys

    if not sys.platform.startswith("linux"):
        return None
    value = os.environ.get(variable, "").strip()
    return Path(value) if value else Path(fallback).expanduser()


def user_store_path() -> Path:
    """The user's own store in the platform data folder (may not exist yet)."""
    base = _xdg("XDG_DATA_HOME", "~/.local/share")
    if base is not None:
        return base / APP_NAME / "summits.yaml"
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
    base = _xdg("XDG_CACHE_HOME", "~/.cache")
    if base is not None:
        return base / APP_NAME / "stores"
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


def _too_big(path: Path, size: int) -> InvalidData:
    return InvalidData(
        str(path),
        [Problem("", f"the file is {size} bytes; stores are limited to {MAX_STORE_BYTES} bytes")],
    )


def _sha256(data: bytes) -> str:
    import hashlib  # imported when writing: reads key the cache by _content_key

    return hashlib.sha256(data).hexdigest()


def _content_key(data: bytes) -> str:
    """What the parse cache is keyed by: the size and two checksums of the bytes.

    zlib is cheap to import (hashlib with OpenSSL is not, at start-up); with CRC-32
    and Adler-32 together, a changed store that keeps its key is a 1-in-2**64 event.
    """
    import zlib

    return f"{len(data)}:{zlib.crc32(data):08x}:{zlib.adler32(data):08x}"


def _read_with_stamp(path: Path, *, digest: bool = True) -> tuple[bytes, Stamp]:
    """The file's bytes and the identity of exactly those bytes (fstat of the same fd).

    Only ``os`` calls, so that tests can inject faults into every file operation.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise NotFound(f"store not found: {path}") from None
    except IsADirectoryError:
        raise StoreIOError(f"{path}: is a folder, not a store file") from None
    except PermissionError:
        raise StoreIOError(f"{path}: permission denied (cannot read the store)") from None
    except OSError as exc:
        raise StoreIOError(f"{path}: cannot read the store: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise StoreIOError(f"{path}: is a folder, not a store file")
        if st.st_size > MAX_STORE_BYTES:
            raise _too_big(path, st.st_size)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > MAX_STORE_BYTES:  # grew while we read, or not a regular file
                raise _too_big(path, total)
    except IsADirectoryError:
        raise StoreIOError(f"{path}: is a folder, not a store file") from None
    except OSError as exc:
        raise StoreIOError(f"{path}: cannot read the store: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)
    data = b"".join(chunks)
    checksum = _sha256(data) if digest else ""
    return data, Stamp(True, st.st_ino, st.st_mtime_ns, st.st_size, checksum)


def _read_bytes(path: Path) -> bytes:
    return _read_with_stamp(path)[0]


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


class _JSONValueError(ValueError):
    """A JSON value we refuse, with the text that lets us find its line."""

    def __init__(self, message: str, needle: str = "") -> None:
        super().__init__(message)
        self.needle = needle


def _reject_constant(name: str) -> Any:
    raise _JSONValueError(f"{name} is not allowed in a store", name)


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _JSONValueError(
            f"a number with {len(text.lstrip('-'))} digits is too large for a store", text
        )
    return int(text)


def _pairs_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _JSONValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, max(index, 0)) + 1


def _json_duplicate_line(text: str) -> int | None:
    """Line of the first duplicate key (slow path: only after a duplicate was found)."""
    import json
    import json.decoder
    import json.scanner

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
        parse = json.decoder.JSONObject  # type: ignore[attr-defined]
        pairs, end = parse(s_and_end, *args[:2], None, list, *args[4:])
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _JSONValueError("duplicate", str(_key_position(text, s_and_end[1] - 1, key)))
            seen.add(key)
        return dict(pairs), end

    decoder = json.JSONDecoder()
    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        decoder.decode(text)
    except _JSONValueError as exc:
        return _line_at(text, int(exc.needle))
    except (ValueError, RecursionError):
        return None
    return None


def _key_position(text: str, start: int, key: str) -> int:
    """Index of the second occurrence of *key* as a key of the object opened at *start*."""
    import json

    depth, i, found = 0, start, 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            end = i + 1
            while text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            is_key = depth == 1 and text[end + 1 :].lstrip().startswith(":")
            if is_key and json.loads(text[i : end + 1]) == key:
                found += 1
                if found == 2:
                    return i
            i = end + 1
            continue
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                break
        i += 1
    return start


def _surrogate_paths(tree: Any, path: str = "") -> Iterator[str]:
    """Where the tree holds a lone surrogate (it could never be written back as UTF-8)."""
    if isinstance(tree, str):
        if _SURROGATE.search(tree):
            yield path or "(top level)"
    elif isinstance(tree, Mapping):
        for key, value in tree.items():
            if isinstance(key, str) and _SURROGATE.search(key):
                yield f"{path}.{visible_key(key)}" if path else visible_key(key)
            sub = f"{path}.{key}" if path else str(key)
            yield from _surrogate_paths(value, sub)
    elif isinstance(tree, list | tuple):
        for index, item in enumerate(tree):
            yield from _surrogate_paths(item, f"{path}[{index}]")


def visible_key(key: str) -> str:
    return key.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")


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


def _parse_json(text: str, source: str) -> Any:
    import json

    if not _json_depth_ok(text):
        raise InvalidData(source, [Problem("", f"nested deeper than {MAX_JSON_DEPTH} levels")])
    try:
        return json.loads(
            text,
            object_pairs_hook=_pairs_without_duplicates,
            parse_constant=_reject_constant,
            parse_int=_bounded_int,
        )
    except json.JSONDecodeError as exc:
        raise InvalidData(
            source, [Problem(f"line {exc.lineno}, column {exc.colno}", exc.msg)]
        ) from None
    except _JSONValueError as exc:
        if exc.needle:
            where = f"line {_line_at(text, text.find(exc.needle))}"
        else:
            line = _json_duplicate_line(text)
            where = f"line {line}" if line else ""
        raise InvalidData(source, [Problem(where, str(exc))]) from None
    except (ValueError, RecursionError) as exc:
        raise InvalidData(source, [Problem("", _short(str(exc).splitlines()[0]))]) from None


def parse_text(text: str, syntax: Syntax, source: str) -> Any:
    """Parse store text into a tree; every parser failure becomes one InvalidData.

    Lone surrogates (JSON ``"\\ud800"`` escapes) are refused here: such text can
    be neither shown nor written back as UTF-8.
    """
    tree = _parse_json(text, source) if syntax == "json" else _parse_yaml(text, source)
    lone = list(_surrogate_paths(tree))
    if lone:
        raise InvalidData(
            source,
            [Problem(where, "a lone surrogate (e.g. \\ud800) is not text") for where in lone[:20]],
        )
    return tree


def _parse_yaml(text: str, source: str) -> Any:
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
        position = getattr(exc, "position", None)
        if line is None and isinstance(position, int):
            line = _line_at(text, position)
        where = f"line {line}" if line else ""
        raise InvalidData(source, [Problem(where, _short(yamlio.error_text(exc)))]) from None


def _short(text: str) -> str:
    """Messages quote values; a 5000-digit value must not make a 5000-character message."""
    if len(text) <= MAX_MESSAGE_CHARS:
        return text
    return text[: MAX_MESSAGE_CHARS - 20] + f"... ({len(text)} characters)"


_WHERE_RE = re.compile(r"(?:events\[(?P<index>\d+)\]|formats\.(?P<key>[^ :]+)|event (?P<id>\S+))")


def line_of(tree: Any, kind: str, key: str | int) -> int | None:
    """1-based line of ``events[key]`` or ``formats.key`` in a parsed YAML tree, when known."""
    if not isinstance(tree, Mapping):
        return None
    from summit_cli import yamlio

    container = tree.get(kind)
    if kind == "events" and isinstance(key, int):
        return yamlio.item_line(container, key) if container is not None else None
    return yamlio.key_line(container, key) if container is not None else None


def _line_for(where: str, what: str, tree: Any, ids: Mapping[str, int]) -> int | None:
    match = _WHERE_RE.match(where)
    if match is None:
        return None
    if match["index"] is not None:
        return line_of(tree, "events", int(match["index"]))
    if match["key"] is not None:
        # The line of the field the problem names ("timezone 'Mars/Base' is not..."),
        # else of the format itself.
        from summit_cli import yamlio

        formats = tree.get("formats")
        raw = formats.get(match["key"]) if isinstance(formats, Mapping) else None
        field = what.split(" ", 1)[0].rstrip(":")
        if isinstance(raw, Mapping) and field in raw:
            line = yamlio.key_line(raw, field)
            if line is not None:
                return line
        return line_of(tree, "formats", match["key"])
    index = ids.get(match["id"])
    return line_of(tree, "events", index) if index is not None else None


def _locate_problems(
    problems: list[Problem], tree: Any, syntax: Syntax, store: Store | None = None
) -> list[Problem]:
    """Prefix each problem with the line of the event or format it is about (YAML only)."""
    if syntax != "yaml" or not isinstance(tree, Mapping) or not problems:
        return problems
    events = tree.get("events")
    ids: dict[str, int] = {}
    if isinstance(events, list):
        for index, raw in enumerate(events):
            if isinstance(raw, Mapping) and isinstance(raw.get("id"), str):
                ids.setdefault(raw["id"], index)
        if store is not None and len(store.events) == len(events):  # generated ids
            for index, event in enumerate(store.events):
                ids.setdefault(event.id, index)
    located = []
    for problem in problems:
        where = problem.where
        if not where.startswith("line "):
            line = _line_for(where, problem.what, tree, ids)
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


def check_text(text: str, syntax: Syntax, source: str) -> tuple[Any, Store, list[Problem]]:
    """Text -> (tree, the valid part of the Store, every problem with its location).

    Raises InvalidData only when the text does not parse at all.
    """
    tree = parse_text(text, syntax, source)
    if tree is None:
        tree = {}
    store, problems = store_from_plain(tree)
    problems = _locate_problems(problems + validate_store(store), tree, syntax, store)
    return tree, store, [Problem(p.where, _short(p.what)) for p in problems]


def parse_store(text: str, syntax: Syntax, source: str) -> tuple[Any, Store]:
    """Text -> (tree, validated Store), or InvalidData listing every problem."""
    tree, store, problems = check_text(text, syntax, source)
    if problems:
        raise InvalidData(source, problems)
    return tree, store


def load(path: Path) -> Loaded:
    """Read and validate a store. Readers take no lock: renames are atomic."""
    syntax = syntax_of(path)
    data, stamp = _read_with_stamp(path)
    text, bom = _decode(data, str(path))
    tree, store = parse_store(text, syntax, str(path))
    return Loaded(path, syntax, tree, store, stamp, bom)


@dataclass(frozen=True)
class Checked:
    """A store as ``summits validate`` sees it: whatever parsed, and every problem."""

    path: Path
    syntax: Syntax
    tree: Any
    store: Store
    problems: list[Problem]


def check(path: Path) -> Checked:
    """Read *path* and list every problem, without stopping at the first invalid event.

    A file that does not parse at all raises InvalidData (with its location).
    """
    syntax = syntax_of(path)
    data = _read_bytes(path)
    text, _ = _decode(data, str(path))
    tree, store, problems = check_text(text, syntax, str(path))
    return Checked(path, syntax, tree, store, problems)


# ------------------------------------------------------------ parse cache
#
# Parsing YAML round-trip is slow (ruamel: ~50 ms for the bundled store, far
# more for big ones). Commands that only read use a cache of the parsed,
# validated store: a JSON file in the platform cache folder, keyed by the
# store's real path and trusted only when the store's bytes hash to the same
# digest and the cache was written by this very version of summits.

CACHE_FORMAT = 5  # 5: content key; 4: meets; 3: YAML outline; 2: marshal; 1: JSON


def _cache_file(cache_dir: Path, real: Path) -> Path:
    import zlib

    raw = str(real).encode("utf-8", "surrogateescape")
    key = f"{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}"
    return cache_dir / f"{key}.bin"


def _cache_tag() -> str:
    from summit_cli import __version__

    return f"{CACHE_FORMAT}:{__version__}"


# The cache holds plain tuples (marshal: fast, and it can only ever build
# strings, numbers, None and tuples: loading it runs no code). Events are
# rebuilt positionally, in the order of Event's fields.


def _wall_out(wall: Any) -> Any:
    if wall is None:
        return None
    clock = wall.time
    seconds = None if clock is None else clock.hour * 3600 + clock.minute * 60 + clock.second
    offset = None if wall.offset is None else int(wall.offset.total_seconds())
    return (wall.date.toordinal(), seconds, offset)


def _wall_in_factory() -> Callable[[Any], Any]:
    """A converter from cached tuples to WallTime, sharing equal values (they are frozen).

    A big store repeats dates and times a lot: sharing makes loading it faster
    and smaller.
    """
    from datetime import date, time, timedelta

    from summit_cli.model import WallTime

    seen: dict[Any, Any] = {}

    def wall_in(raw: Any) -> Any:
        if raw is None:
            return None
        wall = seen.get(raw)
        if wall is None:
            ordinal, seconds, offset = raw
            clock = (
                None if seconds is None else time(seconds // 3600, seconds // 60 % 60, seconds % 60)
            )
            wall = WallTime(
                date.fromordinal(ordinal),
                clock,
                None if offset is None else timedelta(seconds=offset),
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
                (c.at, c.change, c.status_before, c.start_before, c.end_before, c.reason)
                for c in value
            )
        elif name == "exdates":
            value = tuple(_wall_out(w) for w in value)
        row.append(value)
    return tuple(row)


def _store_to_tuples(store: Store) -> tuple[Any, ...]:
    names = _event_fields()
    formats = tuple(
        (f.key, f.name, f.description, f.timezone, _event_row(f.meets, names) if f.meets else None)
        for f in store.formats.values()
    )
    events = tuple(_event_row(event, names) for event in store.events)
    return (names, formats, events)


def _store_from_tuples(data: tuple[Any, ...], formats_only: frozenset[str] = frozenset()) -> Store:
    """Rebuild a Store from our own cache (already validated when it was written).

    With *formats_only*, only the events of those formats are built (see read_store).
    """
    from summit_cli.model import Change, Event, Format, Status

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


def _read_cache(
    cache_dir: Path, real: Path, digest: str, formats_only: frozenset[str] = frozenset()
) -> Store | None:
    entry = _read_cache_entry(cache_dir, real, digest, formats_only)
    return entry[0] if entry is not None else None


def _read_cache_entry(
    cache_dir: Path, real: Path, digest: str, formats_only: frozenset[str] = frozenset()
) -> tuple[Store, Any] | None:
    """(store, YAML outline as (events line, item lines) or None) from the cache."""
    import marshal

    try:
        tag, cached_digest, data, outline = marshal.loads(_cache_file(cache_dir, real).read_bytes())
        if tag != _cache_tag() or cached_digest != digest:
            return None
        return _store_from_tuples(data, formats_only), outline
    except Exception:  # a missing, stale or damaged cache is simply rebuilt
        return None


def _write_cache(
    cache_dir: Path, real: Path, digest: str, store: Store, outline: Any = None
) -> None:
    """Best effort: a cache that cannot be written is not an error.

    For a YAML store, the outline (where each event starts) is kept too, so the
    next write can splice without parsing the file first.
    """
    import marshal
    import tempfile

    temp_name = ""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        lines = None if outline is None else (outline.events_line, tuple(outline.items))
        payload = marshal.dumps((_cache_tag(), digest, _store_to_tuples(store), lines), 4)
        fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=cache_dir)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        Path(temp_name).replace(_cache_file(cache_dir, real))
    except (OSError, TypeError, ValueError, UnicodeError):
        if temp_name:
            with contextlib.suppress(OSError):
                Path(temp_name).unlink()


def read_store(location: Location, *, formats_only: frozenset[str] = frozenset()) -> Store:
    """The validated store, for commands that only read (through the parse cache).

    *formats_only* leaves out the events of every other format (all formats stay
    defined): a command filtering by format then never builds the others, which
    keeps a 100,000-event store fast.
    """
    path = location.path
    if location.cache_dir is None:
        return _only(load(path).store, formats_only)
    syntax = syntax_of(path)
    data, _ = _read_with_stamp(path, digest=False)
    key = _content_key(data)
    real = Path(os.path.realpath(path))
    cached = _read_cache(location.cache_dir, real, key, formats_only)
    if cached is not None:
        return cached
    text, _ = _decode(data, str(path))
    fast = _fast_yaml(text) if syntax == "yaml" else None
    store = fast.store if fast is not None else parse_store(text, syntax, str(path))[1]
    _write_cache(location.cache_dir, real, key, store, fast.outline if fast is not None else None)
    return _only(store, formats_only)


def _only(store: Store, formats: frozenset[str]) -> Store:
    if not formats:
        return store
    return store.with_events([e for e in store.events if e.format in formats])


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
    import json

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


# ------------------------------------------------------- fast YAML paths
#
# Round-trip YAML (ruamel, pure Python) parses about 0.4 MB/s: seconds for a
# few thousand events. Reads therefore parse with the C event parser
# (yamlio.load_fast) and writes splice the text of the events that changed
# into the file, leaving every other byte alone; the spliced text is parsed
# back and must give exactly the new store, or the write falls back to the
# full round trip. Anything unusual takes the slow path, never a shortcut.


@dataclass
class _FastYAML:
    store: Store
    outline: Any  # yamlio.Outline


def _fast_yaml(text: str) -> _FastYAML | None:
    """The store of a YAML text, by the fast loader; None when it must take the slow path."""
    from summit_cli import yamlio

    if _SURROGATE.search(text) or "\x00" in text:
        return None
    try:
        tree, outline = yamlio.load_fast(text)
    except Exception:  # refused or unparseable: the slow path gives the real error
        return None
    if tree is None:
        tree = {}
    store, problems = store_from_plain(tree)
    if problems or validate_store(store):
        return None
    return _FastYAML(store, outline)


_DASH = re.compile(r"( *)- ")


def _is_filler(line: str, indent: int) -> bool:
    """Blank, or a comment no deeper than the sequence's dashes (it precedes an item)."""
    stripped = line.strip()
    if not stripped:
        return True
    return stripped.startswith("#") and len(line) - len(line.lstrip(" ")) <= indent


def _dump_item(mapping: Any, indent: int) -> list[str]:
    """One sequence item as text lines, its dash at column *indent*."""
    from summit_cli import yamlio

    dumped = yamlio.dump([mapping]).splitlines(keepends=True)
    first = dumped[0]
    shift = indent - (len(first) - len(first.lstrip(" ")))
    if shift >= 0:
        return [(" " * shift + line) if line.strip() else line for line in dumped]
    return [line[-shift:] if line[:-shift].strip() == "" else line for line in dumped]


def _splice(text: str, fast: _FastYAML, new: Store) -> str | None:
    """The text with only the changed, added and removed events rewritten; None if unsure."""
    from summit_cli import yamlio

    old = fast.store
    outline = fast.outline
    if outline is None or old.formats != new.formats or not outline.items:
        return None
    lines = text.splitlines(keepends=True)
    starts = outline.items
    dash = _DASH.match(lines[starts[0]])
    if dash is None:
        return None
    indent = len(dash.group(1))
    if any(not lines[k].startswith(" " * indent + "- ") for k in starts):
        return None
    # Where the events section ends: the next line at column 0 that is content.
    end = len(lines)
    for number in range(starts[-1] + 1, len(lines)):
        line = lines[number]
        if line.strip() and not line.startswith((" ", "#", "\t")):
            end = number
            break
    blocks: list[tuple[int, int]] = []
    for k, start in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else end
        while stop > start + 1 and _is_filler(lines[stop - 1], indent):
            stop -= 1
        blocks.append((start, stop))
    new_by_id = {e.id: e for e in new.events}
    old_ids = [e.id for e in old.events]
    replacement: dict[int, list[str]] = {}
    for k, event in enumerate(old.events):
        start, stop = blocks[k]
        if event.id not in new_by_id:
            first = start
            while (
                first > 0
                and lines[first - 1].strip().startswith("#")
                and (len(lines[first - 1]) - len(lines[first - 1].lstrip(" ")) == indent)
            ):
                first -= 1  # the comment lines right above the removed event go with it
            replacement[k] = []
            blocks[k] = (first, stop)
        elif new_by_id[event.id] != event:
            # Parsed where it stands (not dedented), so end-of-line comments keep their column.
            block = "".join(lines[start:stop])
            try:
                parsed = yamlio.load(block)
            except Exception:
                return None
            if not isinstance(parsed, list) or len(parsed) != 1:
                return None
            loaded = Loaded(Path(), "yaml", parsed, old, Stamp(exists=False))
            stored_before = event.to_stored()
            if "id" not in parsed[0]:
                stored_before.pop("id", None)
            _merge(loaded, parsed[0], stored_before, new_by_id[event.id].to_stored(), EVENT_KEYS)
            replacement[k] = _dump_item(parsed[0], indent)
    known = set(old_ids)
    added = [e for e in new.events if e.id not in known]
    out: list[str] = []
    cursor = 0
    for k, (start, stop) in enumerate(blocks):
        if k in replacement:
            out += lines[cursor:start]
            out += replacement[k]
            cursor = stop
    insert_at = blocks[-1][1] if blocks else end
    insert_at = max(insert_at, cursor)
    out += lines[cursor:insert_at]
    if out and not out[-1].endswith("\n"):
        out[-1] += "\n"
    # Keep the file's habit: a blank line between events if it has one.
    spaced = len(starts) > 1 and not lines[starts[1] - 1].strip()
    for event in added:
        if spaced:
            out.append("\n")
        out += _dump_item(yamlio.to_node(event.to_stored()), indent)
    out += lines[insert_at:]
    return "".join(out)


def _splice_write(location: Location, real: Path, change: Callable[[Store], Store]) -> Saved | None:
    """A YAML write by splicing (see above), under the caller's lock; None: use the slow path.

    *change* runs on the store as the fast loader read it; if the slow path
    follows, it runs again on the store the round-trip loader reads (the same
    data), so callers' change functions must be pure.
    """
    if syntax_of(real) != "yaml":
        return None
    data, stamp = _read_with_stamp(real)
    text, bom = _decode(data, str(real))
    entry = None
    if location.cache_dir is not None:
        entry = _read_cache_entry(location.cache_dir, real, _content_key(data))
    # The cache (keyed by these very bytes) spares parsing the file before the splice.
    fast: _FastYAML | None
    if entry is not None and entry[1] is not None:
        from summit_cli.yamlio import Outline

        fast = _FastYAML(entry[0], Outline(entry[1][0], list(entry[1][1])))
    else:
        fast = _fast_yaml(text)
    if fast is None or fast.outline is None:
        return None
    new = change(fast.store)
    _recheck(new, str(real))
    if new == fast.store:
        return Saved(real, fast.store, new)  # nothing to write
    spliced = _splice(text, fast, new)
    if spliced is None:
        return None
    check = _fast_yaml(spliced)
    if check is None or check.store != new:
        return None  # the splice did not give exactly the new store: do it the slow way
    try:
        out = spliced.encode("utf-8")
    except UnicodeEncodeError:
        return None
    out = (b"\xef\xbb\xbf" + out) if bom else out
    durable, backup = _write_atomically(real, out, stamp)
    if location.cache_dir is not None:
        _write_cache(location.cache_dir, real, _content_key(out), new, check.outline)
    return Saved(real, fast.store, new, durable=durable, backup=backup)


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
    """Hold ``flock`` on the sidecar ``<real>.lock``, waiting at most *timeout* seconds.

    The kernel drops the lock when its holder dies, so a crash leaves no stale lock.
    """
    lock_path = real.with_name(real.name + ".lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise _io_error(lock_path, exc, "create the lock file") from None
    try:
        try:
            got = _flock_with_timer(fd, timeout)
        except OSError as exc:
            raise _io_error(lock_path, exc, "lock the store") from None
        if not got:
            raise StoreBusy(
                f"{real}: the store is busy (another summits is writing it); "
                f"waited {timeout:g} s, retry"
            )
        yield
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)  # releases the lock


class _LockWaitOver(Exception):
    pass


def _flock_with_timer(fd: int, timeout: float) -> bool:
    """Wait in the kernel's queue for the lock (fair under contention), at most *timeout* s.

    Only the main thread can use SIGALRM; other threads poll (``_flock_polling``).
    """
    import signal
    import threading

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        pass
    if timeout <= 0:
        return False
    if threading.current_thread() is not threading.main_thread():
        return _flock_polling(fd, timeout)

    def expire(signum: int, frame: Any) -> None:
        raise _LockWaitOver

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            return True
        except _LockWaitOver:
            return False
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)


def _flock_polling(fd: int, timeout: float) -> bool:
    deadline = time.monotonic() + max(timeout, 0.0)
    delay = 0.002
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(min(delay, max(deadline - time.monotonic(), 0.0)))
            delay = min(delay * 2, 0.05)


def _temp_prefix(real: Path) -> str:
    """Temp files of the store at *real*: the lock of another store in the folder does not
    cover them, so each store sweeps only its own."""
    tag = _sha256(real.name.encode("utf-8", "surrogateescape"))[:8]
    return f"{TEMP_PREFIX}{tag}-"


def _sweep_temp_files(real: Path) -> None:
    """Remove temp files orphaned by a writer of this store that died (we hold the lock)."""
    prefix = _temp_prefix(real)
    folder = real.parent
    with contextlib.suppress(OSError):
        for name in os.listdir(folder):
            # Ours, or one that names no store (older versions): a sibling store's temp
            # file may belong to a write in progress under that store's lock.
            if name.startswith(prefix) or (
                name.startswith(TEMP_PREFIX) and not _TAGGED_TEMP.match(name)
            ):
                with contextlib.suppress(OSError):
                    os.unlink(folder / name)


def _io_error(path: Path, exc: OSError, doing: str) -> StoreIOError:
    reason = {
        errno.ENOSPC: "no space left on the device",
        errno.EDQUOT: "disk quota exceeded",
        errno.EROFS: "read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    return StoreIOError(f"{path}: cannot {doing}: {reason}; the store is unchanged")


# ------------------------------------------------------------------ backups
#
# Before each write replaces the store, the version it replaces is kept in a
# hidden folder next to the real file: ``.<name>.backups/000042.yaml`` (a hard
# link: one atomic call, no copy; a copy where links are not supported). The
# newest BACKUP_KEEP versions are kept. ``undo`` restores the newest one and
# keeps the state it replaced as ``000043.undone.yaml``; a second undo goes one
# version further back.

BACKUP_KEEP = 10
_BACKUP_RE = re.compile(r"(?P<seq>\d{6,})(?P<undone>\.undone)?\.[A-Za-z]+\Z")


def backup_folder(real: Path) -> Path:
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
    folder = backup_folder(real)
    found = []
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    for name in names:
        match = _BACKUP_RE.match(name)
        if match is None:
            continue
        try:
            mtime = os.stat(folder / name).st_mtime_ns
        except OSError:
            continue
        found.append(Backup(folder / name, int(match["seq"]), bool(match["undone"]), mtime))
    return sorted(found, key=lambda b: b.seq)


def _keep_backup(real: Path, old: bytes | None, *, undone: bool = False) -> Path:
    """Keep the current store file as the newest backup (we hold the lock)."""
    folder = backup_folder(real)
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except OSError as exc:
        raise _io_error(real, exc, "create the backup folder") from None
    existing = list_backups(real)
    seq = (existing[-1].seq + 1) if existing else 1
    suffix = ".undone" + real.suffix if undone else real.suffix
    target = folder / f"{seq:06d}{suffix}"
    try:
        os.link(real, target)
        return target
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EEXIST):
            raise _io_error(real, exc, "keep a backup") from None
    if old is None:  # no bytes to copy from
        raise StoreIOError(f"{real}: cannot keep a backup (no hard links here); unchanged")
    _write_new_file(target, old, os.stat(real).st_mode, real)
    return target


def _prune_backups(real: Path) -> None:
    """Best effort (after the commit point): keep only the newest BACKUP_KEEP versions."""
    kept = list_backups(real)
    for backup in kept[: max(len(kept) - BACKUP_KEEP, 0)]:
        with contextlib.suppress(OSError):
            os.unlink(backup.path)


# ------------------------------------------------------------------ writing


def _write_new_file(path: Path, data: bytes, mode: int, report_as: Path) -> None:
    """Create *path* (must not exist) with *data*, *mode*, fsynced; remove it on failure."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise _io_error(report_as, exc, "create a temporary file") from None
    try:
        try:
            os.fchmod(fd, stat.S_IMODE(mode))
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise _io_error(report_as, exc, "write the store") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _write_atomically(
    real: Path,
    data: bytes,
    expected: Stamp,
    *,
    old: bytes | None = None,
    undone: bool = False,
) -> tuple[bool, Path | None]:
    """Write *data* over *real* atomically (we hold the lock).

    Returns (durable, backup): durable is False when the folder sync after the
    rename failed; backup is where the replaced version was kept.
    Every failure before ``os.replace`` leaves the store byte-identical.
    """
    folder = real.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreIOError(
            f"{folder}: the folder is not writable, so the store cannot be "
            "saved safely; the store is unchanged"
        )
    import secrets

    temp = folder / f"{_temp_prefix(real)}{secrets.token_hex(8)}"
    umask = os.umask(0)
    os.umask(umask)
    mode = 0o666 & ~umask
    owner: tuple[int, int] | None = None
    if expected.exists:
        try:
            st = os.stat(real)
        except FileNotFoundError:
            raise StoreChanged(
                f"{real}: the store was removed while we worked; nothing was written"
            ) from None
        except OSError as exc:
            raise _io_error(real, exc, "read the store's mode") from None
        mode, owner = st.st_mode, (st.st_uid, st.st_gid)
    _write_new_file(temp, data, mode, real)
    backup: Path | None = None
    try:
        if owner is not None and (os.geteuid() == 0 or owner[0] == os.geteuid()):
            with contextlib.suppress(OSError):
                os.chown(temp, *owner)
        _check_unchanged(real, expected)
        if expected.exists:
            backup = _keep_backup(real, old, undone=undone)
        try:
            os.replace(temp, real)  # the commit point
        except OSError as exc:
            raise _io_error(real, exc, "replace the store") from None
    except BaseException:
        for leftover in (temp, backup):
            if leftover is not None:
                with contextlib.suppress(OSError):
                    os.unlink(leftover)
        raise
    durable = True
    try:
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        durable = False
    _prune_backups(real)
    return durable, backup


def _check_unchanged(real: Path, expected: Stamp) -> None:
    """Refuse to replace a store whose bytes differ from the ones we read.

    The bytes are always compared (by hash): on ext4 mtime moves in coarse
    ticks, so an in-place edit of the same size can keep (inode, mtime, size).
    """
    try:
        os.stat(real)
        exists = True
    except FileNotFoundError:
        exists = False
    except OSError as exc:
        raise _io_error(real, exc, "check the store") from None
    if not expected.exists:
        if exists:
            raise StoreChanged(
                f"{real}: the store was created by someone else while we worked; "
                "nothing was written, re-run the command"
            )
        return
    if not exists:
        raise StoreChanged(f"{real}: the store was removed while we worked; nothing was written")
    try:
        _, now = _read_with_stamp(real)
    except InvalidData:  # grew past the size limit: certainly not what we read
        now = Stamp(True)
    except NotFound:
        raise StoreChanged(
            f"{real}: the store was removed while we worked; nothing was written"
        ) from None
    if now.digest != expected.digest:
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
    backup: Path | None = None  # where the replaced version was kept


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
    if not real.parent.is_dir() and not (dry_run and location.bundled):
        raise StoreIOError(f"{real.parent}: no such folder")
    if dry_run:
        loaded = load(location.path) if location.path.exists() or location.bundled else _empty(real)
        new = change(loaded.store)
        _recheck(new, str(real))
        return Saved(real, loaded.store, new)
    with _locked(real, lock_timeout):
        _sweep_temp_files(real)
        copied = False
        if location.bundled and not os.path.lexists(real):
            loaded = load(location.path)
            loaded = Loaded(
                real, loaded.syntax, loaded.tree, loaded.store, Stamp(exists=False), loaded.bom
            )
            copied = True
        elif os.path.lexists(real):
            spliced = _splice_write(location, real, change)
            if spliced is not None:
                return spliced
            loaded = load(real)
        else:
            loaded = _empty(real)
        new = change(loaded.store)
        _recheck(new, str(real))
        apply_changes(loaded, new)
        data = serialize(loaded)
        # Parse what we are about to write: a bug here must never reach the disk.
        check_text_, _ = _decode(data, str(real))
        parse_store(check_text_, loaded.syntax, f"{real} (about to be written)")
        durable, backup = _write_atomically(real, data, loaded.stamp)
        _cache_after_write(location, real, loaded.syntax, data, new)
        return Saved(
            real, loaded.store, new, created_from_bundled=copied, durable=durable, backup=backup
        )


def _cache_after_write(
    location: Location, real: Path, syntax: Syntax, data: bytes, new: Store
) -> None:
    if location.cache_dir is not None:
        _write_cache(location.cache_dir, real, _content_key(data), new)


def _recheck(store: Store, source: str) -> None:
    problems = validate_store(store)
    if problems:
        raise InvalidData(source, problems)


# --------------------------------------------------------------------- undo


@dataclass(frozen=True)
class Undone:
    """What ``undo`` restored (or, with dry_run, would restore)."""

    path: Path
    restored: Backup
    before: Store | None  # the state replaced (None when it was not a valid store)
    after: Store
    kept: Path | None = None  # where the replaced state was kept
    durable: bool = True
    remaining: int = 0  # earlier versions still available to a further undo


def _undo_candidate(real: Path, current: bytes, *, drop_stale: bool) -> tuple[Backup, bytes, int]:
    """The newest backup whose bytes differ from *current*, its bytes, and how many remain.

    A backup equal to the current bytes is left over from a crash after the
    commit point (or a write that changed nothing): undoing it would do nothing,
    so it is skipped (and removed when *drop_stale*).
    """
    candidates = [b for b in list_backups(real) if not b.undone]
    while candidates:
        backup = candidates.pop()
        data, _ = _read_with_stamp(backup.path)
        if data != current:
            return backup, data, len(candidates)
        if drop_stale:
            with contextlib.suppress(OSError):
                os.unlink(backup.path)
    raise NotFound(
        f"nothing to undo: no earlier version of {real} is kept in {backup_folder(real)}"
    )


def _store_or_none(data: bytes, syntax: Syntax, source: str) -> Store | None:
    try:
        text, _ = _decode(data, source)
        return parse_store(text, syntax, source)[1]
    except InvalidData:
        return None


def undo(
    location: Location, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT, dry_run: bool = False
) -> Undone:
    """Restore the version of the store before the last write, through the safe write path.

    The state it replaces is kept as a backup marked ``undone``; a second undo
    restores the version before that one, and so on while backups last.
    """
    if location.bundled:
        raise NotFound("nothing to undo: you have no store of your own yet")
    real = Path(os.path.realpath(location.path))
    syntax = syntax_of(real)

    def prepare(drop_stale: bool) -> tuple[bytes, Stamp, Backup, bytes, Store, int]:
        current, stamp = _read_with_stamp(real)
        backup, data, remaining = _undo_candidate(real, current, drop_stale=drop_stale)
        text, _ = _decode(data, str(backup.path))
        restored = parse_store(text, syntax, str(backup.path))[1]
        return current, stamp, backup, data, restored, remaining

    if dry_run:
        current, _, backup, _, restored, remaining = prepare(False)
        return Undone(
            real,
            backup,
            _store_or_none(current, syntax, str(real)),
            restored,
            None,
            True,
            remaining,
        )
    with _locked(real, lock_timeout):
        _sweep_temp_files(real)
        current, stamp, backup, data, restored, remaining = prepare(True)
        durable, kept = _write_atomically(real, data, stamp, old=current, undone=True)
        with contextlib.suppress(OSError):
            os.unlink(backup.path)  # after the commit point: a crash before this is harmless
        _cache_after_write(location, real, syntax, data, restored)
        return Undone(
            real,
            backup,
            _store_or_none(current, syntax, str(real)),
            restored,
            kept,
            durable,
            remaining,
        )


def write_export(path: Path, data: bytes) -> None:
    """Replace *path* with *data* in one rename, so a web server or a calendar app reading
    the feed while cron regenerates it sees the old file or the new one, never half."""
    real = Path(os.path.realpath(path))
    folder = real.parent
    if not folder.is_dir():
        raise StoreIOError(f"{folder}: no such folder")
    try:
        import tempfile

        fd, temp_name = tempfile.mkstemp(prefix=".summits-export-", dir=folder)
    except OSError as exc:
        raise StoreIOError(f"{path}: cannot write: {exc.strerror or exc}") from None
    temp = Path(temp_name)
    try:
        try:
            mode = real.stat().st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask  # readable like any new file (mkstemp's 0600 is not)
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temp.replace(real)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise StoreIOError(f"{path}: cannot write: {exc.strerror or exc}") from None
