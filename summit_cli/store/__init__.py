"""The only package that touches the file system: find, read, validate and save stores.

Each module has one job:

- ``paths``: where stores live (the user's, the bundled one, the cache folder);
- ``fs``: the file-system seam, the capped reader and the one atomic writer;
- ``hardjson``, ``decoding``: bytes to a parsed tree, every failure one clean error;
- ``yamltree``, ``yamlfast``: round-trip YAML (comments kept) and the fast C reader;
- ``validation``: a tree to a valid Store, problems located by line;
- ``cache``: the parse cache (a small ``Cache`` class);
- ``tree``, ``splice``: writing a change into the tree, or splicing it into the text;
- ``lock``, ``backups``, ``transaction``: the lock, backups/undo, and ``update``.

This facade keeps the call sites simple; it imports submodules lazily where a
command may not need them.
"""

from __future__ import annotations

from summit_cli.store.fs import Stamp
from summit_cli.store.lock import DEFAULT_TIMEOUT as DEFAULT_LOCK_TIMEOUT
from summit_cli.store.paths import Location, bundled_store_path, locate, syntax_of
from summit_cli.store.reading import MAX_STORE_BYTES, Loaded, check, load, read_store
from summit_cli.store.transaction import Saved, Undone, undo, update, write_export
from summit_cli.store.validation import Checked, line_of, parse_store, validate_store

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from summit_cli.store.paths import Syntax

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "MAX_STORE_BYTES",
    "Checked",
    "Loaded",
    "Location",
    "Saved",
    "Stamp",
    "Syntax",
    "Undone",
    "bundled_store_path",
    "check",
    "line_of",
    "load",
    "locate",
    "parse_store",
    "parse_text",
    "read_store",
    "syntax_of",
    "undo",
    "update",
    "validate_store",
    "write_export",
]


def parse_text(text: str, syntax: Syntax, source: str) -> object:
    """Parse text with the store's hostile-input rules (for files users hand us)."""
    from summit_cli.store.decoding import parse_text as parse

    return parse(text, syntax, source)
