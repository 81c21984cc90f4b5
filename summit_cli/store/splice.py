"""Fast YAML writes: splice the text of the events that changed into the file.

Round-trip YAML (ruamel, pure Python) parses about 0.4 MB/s: seconds for a few
thousand events. Writes therefore read with the fast loader (or the parse
cache's outline) and rewrite only the lines of the events that changed,
leaving every other byte alone. The spliced text is parsed back and must give
exactly the new store, or the caller falls back to the full round trip.
Anything unusual takes the slow path, never a shortcut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summit_cli.fromplain import store_from_plain
from summit_cli.model import Store
from summit_cli.store.decoding import SURROGATE
from summit_cli.store.validation import validate_store

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

_DASH = re.compile(r"( *)- ")


@dataclass
class FastYAML:
    """A YAML store as the fast loader read it: the model and where each event starts."""

    store: Store
    outline: Any  # yamlfast.Outline


def read_fast(text: str) -> FastYAML | None:
    """The store of a YAML text, by the fast loader; None when it must take the slow path."""
    from summit_cli.store import yamlfast

    if SURROGATE.search(text) or "\x00" in text:
        return None
    try:
        tree, outline = yamlfast.load_fast(text)
    except Exception:  # refused or unparseable: the slow path gives the real error
        return None
    if tree is None:
        tree = {}
    store, problems = store_from_plain(tree)
    if problems or validate_store(store):
        return None
    return FastYAML(store, outline)


def _is_filler(line: str, indent: int) -> bool:
    """Blank, or a comment no deeper than the sequence's dashes (it precedes an item)."""
    stripped = line.strip()
    if not stripped:
        return True
    return stripped.startswith("#") and len(line) - len(line.lstrip(" ")) <= indent


def _dump_item(mapping: Any, indent: int) -> list[str]:
    """One sequence item as text lines, its dash at column *indent*."""
    from summit_cli.store import yamltree

    dumped = yamltree.dump([mapping]).splitlines(keepends=True)
    first = dumped[0]
    shift = indent - (len(first) - len(first.lstrip(" ")))
    if shift >= 0:
        return [(" " * shift + line) if line.strip() else line for line in dumped]
    return [line[-shift:] if line[:-shift].strip() == "" else line for line in dumped]


def splice(text: str, fast: FastYAML, new: Store) -> str | None:
    """The text with only the changed, added and removed events rewritten; None if unsure."""
    from summit_cli.store import yamltree
    from summit_cli.store.tree import merge_event

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
            continue
        block = "".join(lines[start:stop])
        if new_by_id[event.id] != event or not _has_id(block, indent):
            # Parsed where it stands (not dedented), so end-of-line comments keep their column.
            try:
                parsed = yamltree.load(block)
            except Exception:
                return None
            if not isinstance(parsed, list) or len(parsed) != 1:
                return None
            merge_event("yaml", parsed[0], event, new_by_id[event.id])
            replacement[k] = _dump_item(parsed[0], indent)
    known = {e.id for e in old.events}
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
        out += _dump_item(yamltree.to_node(event.to_stored()), indent)
    out += lines[insert_at:]
    return "".join(out)


def _has_id(block: str, indent: int) -> bool:
    """Does this event's text name its id (a key of the item itself, not of a nested value)?

    A guess from the text: if it is wrong, the parse-back check of the splice fails
    and the slow path writes the id.
    """
    pattern = rf"^(?: {{{indent}}}- | {{{indent + 2}}})id\s*:"
    return re.search(pattern, block, re.MULTILINE) is not None
