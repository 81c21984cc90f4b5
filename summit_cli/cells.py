"""Text in one cell of a CSV/TSV row, or typed after ``--set``: the one list-cell codec.

A list is its items joined with ``;``. Inside an item, ``\\;`` is a
semicolon, ``\\\\`` a backslash, and ``\\xNN``/``\\uNNNN`` an unsafe character
(see ``safetext``); an item's leading or trailing white space is written as
escapes too (``\\x20``), so readers may trim the space people put after ``;``.
"""

from __future__ import annotations

import re

from summit_cli.safetext import escape_cell, unescape_cell

SEPARATOR = ";"
_ITEM = re.compile(r"(?:\\.|[^\\;])*", re.DOTALL)
_EDGE_SPACE = re.compile(r"^\s+|\s+$")


def _code(ch: str) -> str:
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def join_list(items: list[str] | tuple[str, ...]) -> str:
    """Items as one cell (spaces at an item's edges escaped: readers trim the rest)."""
    return SEPARATOR.join(
        _EDGE_SPACE.sub(
            lambda m: "".join(_code(ch) for ch in m.group()), escape_cell(item)
        ).replace(SEPARATOR, "\\" + SEPARATOR)
        for item in items
    )


def split_list(cell: str, *, trim: bool = True) -> list[str]:
    """A cell as items: split on unescaped ``;``, each item trimmed (when *trim*) and
    unescaped. An empty cell is no items."""
    if not cell.strip():
        return []
    items: list[str] = []
    position = 0
    while True:
        match = _ITEM.match(cell, position)
        assert match is not None  # the pattern matches the empty string
        raw = match.group()
        items.append(unescape_cell((raw.strip() if trim else raw).replace("\\;", ";")))
        position = match.end() + 1  # past the separator
        if position > len(cell):
            break
    return items
