"""Reading stores: validated, through the parse cache for commands that only read.

Readers take no lock: writes replace the file in one rename, so a reader sees
the old file or the new one, never half of each.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path

from summit_cli.model import Store
from summit_cli.store import fs
from summit_cli.store.paths import Location, syntax_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

    from summit_cli.store.paths import Syntax
    from summit_cli.store.validation import Checked

# Big enough for a 100,000-event archive (about 30 MB of JSON or 40 MB of YAML);
# a file over it is refused before it is read, and no write may grow a store past it.
MAX_STORE_BYTES = 64 * 1024 * 1024
# The round-trip YAML loader reads about 0.4 MB/s: above this size the fast loader's
# verdict (with its line) is the one given, so a bad big file is refused in seconds.
LARGE_YAML = 4 * 1024 * 1024


@dataclass
class Loaded:
    """A store as read: the parsed tree (for round-trip writes) and the validated model."""

    path: Path
    syntax: Syntax
    tree: Any
    store: Store
    stamp: fs.Stamp
    bom: bool = False
    data: bytes = b""
    warnings: list[str] = field(default_factory=list)


def read_text(text: str, syntax: Syntax, source: str) -> tuple[Store, Any]:
    """The one reader: text -> (valid Store, YAML outline or None), or InvalidData.

    The fast loader reads what it can decide exactly as the round-trip loader
    would; anything else goes to the round-trip loader, whose verdict and
    errors users see. Reads, writes, undo and imports all come through here.
    """
    from summit_cli.store.validation import parse_store

    if syntax == "yaml":
        from summit_cli.store.splice import read_fast

        fast = read_fast(text, source if len(text) > LARGE_YAML else None)
        if fast is not None:
            return fast.store, fast.outline
    return parse_store(text, syntax, source)[1], None


def read_bytes(path: Path) -> tuple[bytes, fs.Stamp]:
    """The store's bytes and their identity (with the digest that the change check compares)."""
    data, stamp = fs.read_regular(path, MAX_STORE_BYTES)
    return data, _with_digest(stamp, data)


def _with_digest(stamp: fs.Stamp, data: bytes) -> fs.Stamp:

    return stamp._replace(digest=fs.digest(data))


def load(path: Path) -> Loaded:
    """Read and validate a store (the round-trip tree, for writes)."""
    from summit_cli.store.decoding import decode
    from summit_cli.store.validation import parse_store

    syntax = syntax_of(path)
    data, stamp = read_bytes(path)
    text, bom = decode(data, str(path))
    tree, store = parse_store(text, syntax, str(path))
    return Loaded(path, syntax, tree, store, stamp, bom, data)


def check(path: Path) -> Checked:
    """Read *path* and list every problem, without stopping at the first invalid event.

    A file that does not parse at all raises InvalidData (with its location).
    """
    from summit_cli.store.decoding import decode
    from summit_cli.store.validation import Checked, check_fast, check_text

    syntax = syntax_of(path)
    data, _ = fs.read_regular(path, MAX_STORE_BYTES)
    text, _ = decode(data, str(path))
    fast = check_fast(text, str(path)) if syntax == "yaml" else None
    if fast is not None:
        tree, store, problems, outline = fast
        return Checked(path, syntax, tree, store, problems, outline)
    tree, store, problems = check_text(text, syntax, str(path))
    return Checked(path, syntax, tree, store, problems)


def read_store(location: Location, *, formats_only: frozenset[str] = frozenset()) -> Store:
    """The validated store, for commands that only read (through the parse cache).

    *formats_only* leaves out the events of every other format (all formats stay
    defined): a command filtering by format then never builds the others, which
    keeps a 100,000-event store fast.
    """
    path = location.path
    syntax = syntax_of(path)
    if location.cache_dir is None:
        return only(load(path).store, formats_only)
    from summit_cli.store.cache import Cache

    cache = Cache(location.cache_dir)
    real = fs.real_path(path)
    st = fs.stamp_of(real)
    if st is not None and stat.S_ISREG(st.mode):
        entry = cache.trusted(real, st, formats_only)
        if entry is not None:
            return entry.store
    data, stamp = read_bytes(real)
    entry = cache.matching(real, stamp, stamp.digest, formats_only)
    if entry is not None:
        return entry.store
    from summit_cli.store.decoding import decode

    text, _ = decode(data, str(path))
    store, outline = read_text(text, syntax, str(path))
    cache.put(real, stamp, stamp.digest, store, outline)
    return only(store, formats_only)


def only(store: Store, formats: frozenset[str]) -> Store:
    if not formats:
        return store
    return store.with_events([e for e in store.events if e.format in formats])
