"""The fast YAML reader: libyaml's C event parser into plain data, and the store's outline.

About 50 times faster than the round-trip loader (``yamltree.load``); used for
reads (the parse cache) and to check what a write is about to save. Anything
unusual is refused (:class:`FastLoadRefused`) and left to the round-trip loader,
whose verdict and errors are the ones users see.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from summit_cli.store.yamltree import BOOLS, INT_RE, MAX_DEPTH, NULLS

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any


class FastLoadRefused(Exception):
    """The fast loader met something it leaves to the round-trip loader to judge."""


@dataclass
class Outline:
    """Where things are in a YAML store, for writes that splice text (0-based lines).

    ``events_line`` is the line of the ``events:`` key; ``items`` holds the line
    where each event's mapping starts. Only a block sequence of block mappings
    gets an outline.
    """

    events_line: int
    items: list[int]


@cache
def _event_parser() -> Any:
    from ruamel.yaml import YAML

    # typ="safe" uses libyaml's C parser (ruamel.yaml.clib) where it is installed.
    return YAML(typ="safe", pure=False)


def load_fast(text: str) -> tuple[Any, Outline | None]:
    """Parse YAML into plain dicts, lists and scalars typed like :func:`load` does.

    Uses the C event parser when available: about 50 times faster than the
    round-trip loader, for reads (the parse cache) and to check what a write is
    about to save. Anything unusual — tags, anchors, aliases, duplicate or
    complex keys, several documents, deep nesting — raises FastLoadRefused, and
    the caller falls back to :func:`load`, whose errors are the ones users see.
    Parser errors propagate as ruamel's own.
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

    stack: list[Any] = []  # containers being built
    keys: list[Any] = []  # for mappings: the pending key (or a sentinel)
    pending = object()
    root: Any = None
    documents = 0
    events_line = -1
    items: list[int] = []
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
                raise FastLoadRefused("complex key")
            keys[-1] = value
            return
        if key in top:
            raise FastLoadRefused("duplicate key")
        top[key] = value
        keys[-1] = pending

    for event in _event_parser().parse(text):
        kind = type(event)
        if kind is ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                raise FastLoadRefused("anchor or tag")
            value: Any = event.value
            if event.implicit[0]:  # plain: typed by the store's schema, as load() does
                if value in NULLS:
                    value = None
                elif value in BOOLS:
                    value = value in {"true", "True", "TRUE"}
                elif INT_RE.match(value):
                    value = int(value)
            if (
                len(stack) == 1
                and isinstance(stack[0], dict)
                and value == "events"
                and (keys[-1] is pending)
            ):
                events_line = event.start_mark.line
            add(value)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or event.tag is not None:
                raise FastLoadRefused("anchor or tag")
            if len(stack) >= MAX_DEPTH:
                raise FastLoadRefused("too deep")
            container: Any = {} if kind is MappingStartEvent else []
            add(container)
            stack.append(container)
            keys.append(pending)
            if (
                kind is SequenceStartEvent
                and len(stack) == 2
                and events_line >= 0
                and (
                    isinstance(stack[0], dict)
                    and "events" in stack[0]
                    and stack[0]["events"] is container
                )
            ):
                block_events = not event.flow_style
            if block_events and len(stack) == 3 and stack[1] is root.get("events"):
                if kind is MappingStartEvent and not event.flow_style:
                    items.append(event.start_mark.line)
                else:
                    block_events = False
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            stack.pop()
            keys.pop()
        elif kind is AliasEvent:
            raise FastLoadRefused("alias")
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise FastLoadRefused("several documents")
    outline = None
    if (
        block_events
        and isinstance(root, dict)
        and isinstance(root.get("events"), list)
        and (len(items) == len(root["events"]))
    ):
        outline = Outline(events_line, items)
    return root, outline
