"""YAML reading and writing for stores, safe and round-trip.

Only ``store`` imports this module (and only for YAML stores): ruamel.yaml is
loaded lazily, so JSON stores never pay for it.

Reading: plain scalars are typed by the store's schema, not by YAML 1.1 rules
(``NO`` and ``2022-01-10`` stay strings; only ``null``, ``true``/``false`` and
plain decimal integers are typed); explicit tags, anchors and aliases are
refused (no code execution, no alias bombs); duplicate keys are an error.
Writing: comments, key order and quoting of untouched values are kept; new
string values that another YAML reader could mistake for something else are
quoted.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

_INT_RE = re.compile(r"[-+]?(?:0|[1-9][0-9]{0,17})\Z")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = frozenset({"true", "True", "TRUE", "false", "False", "FALSE"})

# Plain scalars a YAML 1.1 reader (PyYAML and friends) would not read as a string.
_YAML11_SURPRISE = re.compile(
    r"""(?x)\A(?:
        y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
      | ~|null|Null|NULL
      | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?     # sexagesimal 1:30
      | [-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*)   # ints incl. 010
      | [-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?  # floats
      | [-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
      | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*                     # dates and timestamps
      | =
    )\Z""",
)

MAX_DEPTH = 64


class HostileYAML(Exception):
    """YAML that uses a feature stores must not use (tags, anchors, aliases)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def needs_quotes(text: str) -> bool:
    """True when a plain *text* would be read as something else by a YAML 1.1 reader."""
    return bool(_YAML11_SURPRISE.match(text)) or text != text.strip()


@cache
def _yaml() -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.composer import Composer
    from ruamel.yaml.events import AliasEvent
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.resolver import VersionedResolver
    from ruamel.yaml.tag import Tag

    tags = {
        name: Tag(suffix=f"tag:yaml.org,2002:{name}") for name in ("null", "bool", "int", "str")
    }

    class SchemaResolver(VersionedResolver):
        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is ScalarNode and implicit[0]:
                if value in _NULLS:
                    return tags["null"]
                if value in _BOOLS:
                    return tags["bool"]
                if _INT_RE.match(value):
                    return tags["int"]
                return tags["str"]
            return super().resolve(kind, value, implicit)

    class StrictComposer(Composer):
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.parser.check_event(AliasEvent):
                event = self.parser.get_event()
                raise HostileYAML(
                    "aliases (*name) are not allowed in a store", event.start_mark.line + 1
                )
            event = self.parser.peek_event()
            if getattr(event, "anchor", None) is not None:
                raise HostileYAML(
                    "anchors (&name) are not allowed in a store", event.start_mark.line + 1
                )
            tag = getattr(event, "ctag", None)
            if tag is not None and str(tag) != "!":
                raise HostileYAML(
                    f"explicit tags ({tag}) are not allowed in a store", event.start_mark.line + 1
                )
            return super().compose_node(parent, index)

    yaml = YAML(typ="rt")
    yaml.Resolver = SchemaResolver
    yaml.Composer = StrictComposer
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    yaml.max_depth = MAX_DEPTH
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load(text: str) -> Any:
    """Parse YAML text into a round-trip tree. Raises HostileYAML or ruamel's errors."""
    try:
        return _yaml().load(text)
    except BaseException:
        # ruamel keeps parser state (its nesting-depth counter among it) on the YAML
        # object after a failed load: a fresh one for the next load, or every later
        # load in this process fails with "maximum depth exceeded".
        _yaml.cache_clear()
        raise


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
                if value in _NULLS:
                    value = None
                elif value in _BOOLS:
                    value = value in {"true", "True", "TRUE"}
                elif _INT_RE.match(value):
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


def dump(tree: Any) -> str:
    out = io.StringIO()
    _yaml().dump(tree, out)
    return out.getvalue()


def item_line(seq: Any, index: int) -> int | None:
    """1-based line of item *index* of a parsed sequence, when known."""
    try:
        return int(seq.lc.item(index)[0]) + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return None


def key_line(mapping: Any, key: Any) -> int | None:
    """1-based line of *key* in a parsed mapping, when known."""
    try:
        return int(mapping.lc.key(key)[0]) + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return None


def error_line(exc: Exception) -> int | None:
    """1-based line a ruamel error points at, when it says."""
    for attr in ("problem_mark", "context_mark"):
        mark = getattr(exc, attr, None)
        if mark is not None and getattr(mark, "line", None) is not None:
            return int(mark.line) + 1
    return getattr(exc, "line", None)


def error_text(exc: Exception) -> str:
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    text = " ".join(str(p) for p in (context, problem) if p) or str(exc).splitlines()[0]
    return " ".join(text.split())


def to_node(value: Any, *, flow: bool = True) -> Any:
    """A plain value as a YAML node that writes safely (quoted where needed)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    if isinstance(value, str):
        if "\n" in value and _literal_ok(value):
            return LiteralScalarString(value)
        return DoubleQuotedScalarString(value) if needs_quotes(value) else value
    if isinstance(value, list | tuple):
        seq = CommentedSeq(to_node(v) for v in value)
        if flow and all(not isinstance(v, dict | list | tuple) for v in value):
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, dict):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[key] = to_node(item)
        return mapping
    return value


def _literal_ok(value: str) -> bool:
    lines = value.split("\n")
    return all(line == line.rstrip() and line.isprintable() for line in lines)


def new_mapping() -> Any:
    from ruamel.yaml.comments import CommentedMap

    return CommentedMap()


def new_sequence() -> Any:
    from ruamel.yaml.comments import CommentedSeq

    return CommentedSeq()
