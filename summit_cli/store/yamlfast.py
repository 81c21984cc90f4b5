"""The fast YAML reader: libyaml's C event parser into plain data, and the store's outline.

About 50 times faster than the round-trip loader (``yamltree.load``); used for
reads, for validation and to check what a write is about to save. Anything
unusual is refused (:class:`FastLoadRefused`) and left to the round-trip loader,
whose verdict and errors are the ones users see. The outline says where each
event and format starts (and, when asked, the line of each of their fields), so
writes can splice text and problems can name their line without the slow parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

# The store's scalar schema, shared with the round-trip reader (``yamltree``): null, bool,
# int, str; nothing else (no floats, dates or YAML 1.1 surprises such as NO -> False).
INT_RE = re.compile(r"[-+]?(?:0|[1-9][0-9]{0,17})\Z")
NULLS = frozenset({"", "~", "null", "Null", "NULL"})
BOOLS = frozenset({"true", "True", "TRUE", "false", "False", "FALSE"})
MAX_DEPTH = 64

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

# YAML 1.1 (libyaml) reads these as line breaks, YAML 1.2 (ruamel) as text: a file
# that holds them is left to the round-trip loader, so there is one verdict.
SPECIAL_BREAKS = ("\x85", "\u2028", "\u2029")


class FastLoadRefused(Exception):
    """The fast loader met something it leaves to the round-trip loader to judge (at
    *line*, 1-based, when known)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Outline:
    """Where things are in a YAML store (0-based lines).

    ``events_line`` is the line of the ``events:`` key and ``items`` the line where
    each event's mapping starts (``flow[i]``: written ``{...}``); ``formats_line``
    and ``formats`` the same for the formats mapping (key -> line of its key).
    ``event_fields``/``format_fields`` hold the line of each field, when asked for.
    Only a block sequence of events gets ``items`` (else they are empty).
    """

    events_line: int
    items: list[int]
    flow: list[bool] = field(default_factory=list)
    formats_line: int = -1
    formats: dict[str, int] = field(default_factory=dict)
    event_fields: list[dict[str, int]] = field(default_factory=list)
    format_fields: dict[str, dict[str, int]] = field(default_factory=dict)


@cache
def _event_parser() -> Any:
    from ruamel.yaml import YAML

    # typ="safe" uses libyaml's C parser (ruamel.yaml.clib) where it is installed.
    return YAML(typ="safe", pure=False)


def _line(event: Any) -> int:
    return int(event.start_mark.line) + 1


def _hostile(event: Any) -> FastLoadRefused:
    if event.anchor is not None:
        return FastLoadRefused("anchors (&name) are not allowed in a store", _line(event))
    return FastLoadRefused(f"explicit tags ({event.tag}) are not allowed in a store", _line(event))


def _scalar(event: Any) -> Any:
    value: Any = event.value
    if event.implicit[0]:  # plain: typed by the store's schema, as yamltree.load() does
        if value in NULLS:
            return None
        if value in BOOLS:
            return value in {"true", "True", "TRUE"}
        if INT_RE.match(value):
            return int(value)
    return value


def load_fast(text: str, *, fields: bool = False) -> tuple[Any, Outline | None]:
    """Parse YAML into plain dicts, lists and scalars typed like ``yamltree.load`` does.

    With *fields*, the outline also holds the line of every event and format field.
    Anything unusual — tags, anchors, aliases, duplicate or complex keys, several
    documents, deep nesting, NEL/LS/PS characters — raises FastLoadRefused, and
    the caller falls back to the round-trip loader. Parser errors propagate as
    ruamel's own.
    """
    from ruamel.yaml.events import (
        AliasEvent,
        DocumentStartEvent,
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
    )

    for ch in SPECIAL_BREAKS:
        at = text.find(ch)
        if at >= 0:
            line = text.count("\n", 0, at) + 1
            raise FastLoadRefused(
                f"U+{ord(ch):04X} (NEL, LS or PS) is a line break in YAML 1.1 and text in 1.2; "
                "inside a value write it as \\N, \\L or \\P in double quotes",
                line,
            )
    stack: list[Any] = []  # containers being built
    keys: list[Any] = []  # for mappings: the pending key (or a sentinel)
    pending = object()
    root: Any = None
    documents = 0
    outline = Outline(-1, [])
    block_events = False

    def add(value: Any) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        top = stack[-1]
        if isinstance(top, list):
            top.append(value)
            return
        key = keys[-1]
        if key is pending:
            if isinstance(value, dict | list):
                raise FastLoadRefused("a key that is not text")
            keys[-1] = value
            return
        if key in top:
            raise FastLoadRefused(f"duplicate key {key!r}")
        top[key] = value
        keys[-1] = pending

    def note_key(value: Any, line: int) -> None:
        """Record where the key *value* (just read, in the innermost mapping) stands."""
        depth = len(stack)
        if depth == 1:
            if value == "events":
                outline.events_line = line
            elif value == "formats":
                outline.formats_line = line
        elif depth == 2 and stack[1] is root.get("formats"):
            outline.formats[str(value)] = line
            if fields:
                outline.format_fields[str(value)] = {}
        elif fields and depth == 3:
            if stack[1] is root.get("events") and outline.event_fields:
                outline.event_fields[-1][str(value)] = line
            elif stack[1] is root.get("formats") and outline.formats:
                name = next(reversed(outline.formats))
                outline.format_fields.setdefault(name, {})[str(value)] = line

    for event in _event_parser().parse(text):
        kind = type(event)
        if kind is ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                raise _hostile(event)
            value = _scalar(event)
            depth = len(stack)
            shallow = depth <= 2 or (fields and depth == 3)
            if shallow and keys and keys[-1] is pending and isinstance(stack[-1], dict):
                note_key(value, event.start_mark.line)
            add(value)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or event.tag is not None:
                raise _hostile(event)
            if len(stack) >= MAX_DEPTH:
                raise FastLoadRefused(f"nested deeper than {MAX_DEPTH} levels", _line(event))
            container: Any = {} if kind is MappingStartEvent else []
            add(container)
            stack.append(container)
            keys.append(pending)
            depth = len(stack)
            if depth == 2 and kind is SequenceStartEvent and root.get("events") is container:
                block_events = not event.flow_style
            elif depth == 3 and stack[1] is root.get("events"):
                if kind is MappingStartEvent:
                    outline.items.append(event.start_mark.line)
                    outline.flow.append(bool(event.flow_style))
                    if fields:
                        outline.event_fields.append({})
                else:
                    block_events = False
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            stack.pop()
            keys.pop()
        elif kind is AliasEvent:
            raise FastLoadRefused("aliases (*name) are not allowed in a store", _line(event))
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise FastLoadRefused("a store is one YAML document, not several", _line(event))
    events = root.get("events") if isinstance(root, dict) else None
    if not (block_events and isinstance(events, list) and len(outline.items) == len(events)):
        outline.items, outline.flow = [], []
    return root, outline if isinstance(root, dict) else None
