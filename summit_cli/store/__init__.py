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

This facade keeps the call sites simple. It loads the modules behind a name on
first use (PEP 562), so a command that only reads never imports the writers.
"""

from __future__ import annotations

from summit_cli.store.paths import Location, bundled_store_path, locate, syntax_of
from summit_cli.store.reading import MAX_STORE_BYTES, read_store

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:  # what __getattr__ loads on first use, for type checkers
    from summit_cli.store.fs import Stamp as Stamp
    from summit_cli.store.lock import DEFAULT_TIMEOUT as DEFAULT_LOCK_TIMEOUT
    from summit_cli.store.paths import Syntax as Syntax
    from summit_cli.store.reading import Loaded as Loaded
    from summit_cli.store.reading import check as check
    from summit_cli.store.reading import load as load
    from summit_cli.store.transaction import Saved as Saved
    from summit_cli.store.transaction import Undone as Undone
    from summit_cli.store.transaction import undo as undo
    from summit_cli.store.transaction import update as update
    from summit_cli.store.transaction import write_export as write_export
    from summit_cli.store.validation import Checked as Checked
    from summit_cli.store.validation import line_of as line_of
    from summit_cli.store.validation import parse_store as parse_store
    from summit_cli.store.validation import validate_store as validate_store

# name -> (module, attribute): what the facade loads on first use.
_LAZY = {
    "Stamp": ("fs", "Stamp"),
    "DEFAULT_LOCK_TIMEOUT": ("lock", "DEFAULT_TIMEOUT"),
    "Loaded": ("reading", "Loaded"),
    "check": ("reading", "check"),
    "load": ("reading", "load"),
    "Saved": ("transaction", "Saved"),
    "Undone": ("transaction", "Undone"),
    "undo": ("transaction", "undo"),
    "update": ("transaction", "update"),
    "write_export": ("transaction", "write_export"),
    "Checked": ("validation", "Checked"),
    "line_of": ("validation", "line_of"),
    "parse_store": ("validation", "parse_store"),
    "validate_store": ("validation", "validate_store"),
}

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


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(name)
    import importlib

    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(f"summit_cli.store.{module}"), attribute)
    globals()[name] = value
    return value


def parse_text(text: str, syntax: Syntax, source: str) -> object:
    """Parse text with the store's hostile-input rules (for files users hand us)."""
    from summit_cli.store.decoding import parse_text as parse

    return parse(text, syntax, source)
