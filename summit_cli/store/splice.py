"""Fast YAML writes: splice the text of what changed into the file, leave the rest alone.

Round-trip YAML (ruamel, pure Python) parses about 0.4 MB/s: seconds for a few
thousand events. Writes therefore read with the fast loader (or the parse
cache's outline) and rewrite only the lines of the events and formats that
changed, were added or removed; every other byte (comments, blank lines,
quoting, indentation) stays. A comment right above an event belongs to it. The
spliced text is read back and must give exactly the new store, or the caller
falls back to the full round trip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summit_cli.model import Store
from summit_cli.store.decoding import SURROGATE

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

    from summit_cli.store.yamlfast import Outline


@dataclass
class FastYAML:
    """A YAML store as the fast loader read it: the model and where things start."""

    store: Store
    outline: Outline | None


def read_fast(text: str, verdict_for: str | None = None) -> FastYAML | None:
    """The valid store of a YAML text, by the fast loader; None when the fast loader cannot
    say (the round-trip loader then gives the verdict).

    With *verdict_for* (the file's name), the fast loader's own verdict is final: what
    it refuses or cannot parse raises InvalidData naming the line (for big files,
    which the round-trip loader would take minutes over).
    """
    from summit_cli.store import yamlfast
    from summit_cli.store.validation import locate_fast, store_and_problems

    if SURROGATE.search(text) or "\x00" in text:
        return None
    try:
        tree, outline = yamlfast.load_fast(text, fields=verdict_for is not None)
    except Exception as exc:  # refused or unparseable: the slow path gives the real error
        if verdict_for is None:
            return None
        raise _verdict(exc, text, verdict_for) from None
    store, problems = store_and_problems({} if tree is None else tree)
    if problems:
        if verdict_for is None or outline is None:
            return None
        from summit_cli.errors import InvalidData

        raise InvalidData(verdict_for, locate_fast(problems, tree, store, outline))
    return FastYAML(store, outline)


def _verdict(exc: Exception, text: str, source: str) -> Exception:
    from summit_cli.errors import InvalidData, Problem
    from summit_cli.store.decoding import yaml_problem
    from summit_cli.store.yamlfast import FastLoadRefused

    if isinstance(exc, FastLoadRefused):
        where = f"line {exc.line}" if exc.line else ""
        return InvalidData(source, [Problem(where, str(exc))])
    if type(exc).__module__.startswith("ruamel"):
        return yaml_problem(exc, text, source)
    return InvalidData(source, [Problem("", f"not valid YAML: {type(exc).__name__}")])


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_filler(line: str, indent: int) -> bool:
    """Blank, or a comment no deeper than the entries (it precedes the next one)."""
    stripped = line.strip()
    return not stripped or (stripped.startswith("#") and _indent(line) <= indent)


def _section_end(lines: list[str], after: int) -> int:
    """The first line after *after* that is content at column 0 (the next top-level key)."""
    for number in range(after + 1, len(lines)):
        line = lines[number]
        if line.strip() and not line.startswith((" ", "#", "\t")):
            return number
    return len(lines)


def _blocks(lines: list[str], starts: list[int], end: int, indent: int) -> list[list[int]]:
    """[start, stop] of each entry: up to the next one, its trailing comments and blank
    lines left out (they precede what follows)."""
    blocks = []
    for k, start in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else end
        while stop > start + 1 and _is_filler(lines[stop - 1], indent):
            stop -= 1
        blocks.append([start, stop])
    return blocks


def _with_comments_above(lines: list[str], start: int, indent: int) -> int:
    """The first line of the comment lines right above *start* (they go with the entry)."""
    while (
        start > 0
        and lines[start - 1].strip().startswith("#")
        and (_indent(lines[start - 1]) == indent)
    ):
        start -= 1
    return start


def _shifted(dumped: list[str], indent: int) -> list[str]:
    first = next((line for line in dumped if line.strip()), "")
    shift = indent - _indent(first)
    if shift >= 0:
        return [(" " * shift + line) if line.strip() else line for line in dumped]
    return [line[-shift:] if line[:-shift].strip() == "" else line for line in dumped]


def _dump_item(mapping: Any, indent: int) -> list[str]:
    """One sequence item as text lines, its dash at column *indent*."""
    from summit_cli.store import yamltree

    return _shifted(yamltree.dump([mapping]).splitlines(keepends=True), indent)


def _dump_entry(key: str, mapping: Any, indent: int) -> list[str]:
    """One mapping entry ``key: {...}`` as text lines, the key at column *indent*."""
    from summit_cli.store import yamltree

    tree = yamltree.new_mapping()
    tree[key] = mapping
    return _shifted(yamltree.dump(tree).splitlines(keepends=True), indent)


def _parse_block(text: str) -> Any:
    """A slice of the file parsed where it stands (not dedented), so end-of-line comments
    keep their column; None when it does not parse on its own."""
    from summit_cli.store import yamltree

    try:
        return yamltree.load(text)
    except Exception:
        return None


def _event_edits(
    lines: list[str], outline: Outline, old: Store, new: Store
) -> list[tuple[int, int, list[str]]] | None:
    """(start, stop, new lines) for every event that changed, went or came."""
    from summit_cli.store import yamltree
    from summit_cli.store.tree import merge_event

    starts = outline.items
    if not starts:
        return None if (old.events != new.events) else []
    dash = re.match(r"( *)- ", lines[starts[0]])
    if dash is None:
        return None
    indent = len(dash.group(1))
    if any(not lines[k].startswith(" " * indent + "- ") for k in starts):
        return None
    end = _section_end(lines, starts[-1])
    blocks = _blocks(lines, starts, end, indent)
    new_by_id = {e.id: e for e in new.events}
    edits: list[tuple[int, int, list[str]]] = []
    for k, event in enumerate(old.events):
        start, stop = blocks[k]
        if event.id not in new_by_id:
            edits.append((_with_comments_above(lines, start, indent), stop, []))
            continue
        block = "".join(lines[start:stop])
        if new_by_id[event.id] != event or not _has_id(block, indent):
            parsed = _parse_block(block)
            if not isinstance(parsed, list) or len(parsed) != 1:
                return None
            merge_event("yaml", parsed[0], event, new_by_id[event.id])
            edits.append((start, stop, _dump_item(parsed[0], indent)))
    known = {e.id for e in old.events}
    added = [e for e in new.events if e.id not in known]
    if added:
        # Keep the file's habit: a blank line between events if it has one.
        spaced = len(starts) > 1 and not lines[starts[1] - 1].strip()
        text: list[str] = []
        for event in added:
            text += ["\n"] if spaced else []
            text += _dump_item(yamltree.to_node(event.to_stored()), indent)
        at = blocks[-1][1]
        edits.append((at, at, text))
    return edits


def _format_edits(
    lines: list[str], outline: Outline, old: Store, new: Store
) -> list[tuple[int, int, list[str]]] | None:
    """(start, stop, new lines) for every format that changed, went or came."""
    from summit_cli.store import yamltree
    from summit_cli.store.tree import FORMAT_ORDER, merge

    if old.formats == new.formats:
        return []
    keys = list(outline.formats)
    if outline.formats_line < 0 or not keys or keys != list(old.formats):
        return None  # no block mapping of formats to splice into: the slow path writes one
    starts = [outline.formats[k] for k in keys]
    indent = _indent(lines[starts[0]])
    if indent == 0 or any(_indent(lines[s]) != indent for s in starts):
        return None
    end = _section_end(lines, starts[-1])
    blocks = _blocks(lines, starts, end, indent)
    edits: list[tuple[int, int, list[str]]] = []
    for k, key in enumerate(keys):
        start, stop = blocks[k]
        if key not in new.formats:
            edits.append((_with_comments_above(lines, start, indent), stop, []))
        elif new.formats[key] != old.formats[key]:
            parsed = _parse_block("".join(lines[start:stop]))
            if not isinstance(parsed, dict) or list(parsed) != [key]:
                return None
            body = parsed[key]
            merge(
                "yaml",
                body,
                old.formats[key].to_stored(),
                new.formats[key].to_stored(),
                FORMAT_ORDER,
            )
            edits.append((start, stop, _dump_entry(key, body, indent)))
    added: list[str] = []
    for key, fmt in new.formats.items():
        if key not in old.formats:
            added += _dump_entry(key, yamltree.to_node(fmt.to_stored()), indent)
    if added:
        at = blocks[-1][1]
        edits.append((at, at, added))
    return edits


def splice(text: str, fast: FastYAML, new: Store) -> str | None:
    """The text with only the changed, added and removed events and formats rewritten;
    None when the text is not laid out in a way this can do safely."""
    outline = fast.outline
    if outline is None:
        return None
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    event_edits = _event_edits(lines, outline, fast.store, new)
    format_edits = _format_edits(lines, outline, fast.store, new)
    if event_edits is None or format_edits is None:
        return None
    out: list[str] = []
    cursor = 0
    for start, stop, replacement in sorted(event_edits + format_edits, key=lambda e: e[:2]):
        if start < cursor:
            return None  # overlapping edits: not a layout we understand
        out += lines[cursor:start]
        out += replacement
        cursor = max(cursor, stop)
    out += lines[cursor:]
    return "".join(out)


def _has_id(block: str, indent: int) -> bool:
    """Does this event's text name its id (a key of the item itself, not of a nested value)?

    A guess from the text: if it is wrong, the read-back check of the splice fails
    and the slow path writes the id.
    """
    pattern = rf"^(?: {{{indent}}}- (?:\{{\s*)?| {{{indent + 2}}})id\s*:"
    return re.search(pattern, block, re.MULTILINE) is not None
