"""A parsed tree to a valid Store, with every problem located (the line of its field in YAML).

The model (``fromplain``) checks each field; this module adds the rules that
need time arithmetic and turns "events[3]" into the line a person can find.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from summit_cli import timeline
from summit_cli.errors import InvalidData, Problem
from summit_cli.fromplain import store_from_plain
from summit_cli.model import Store
from summit_cli.store.decoding import parse_text
from summit_cli.store.hardjson import short

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

    from summit_cli.store.paths import Syntax

_WHERE_RE = re.compile(r"(?:events\[(?P<index>\d+)\]|formats\.(?P<key>[^ :]+)|event (?P<id>\S+))")
_FIELD_RE = re.compile(r"(?P<field>[a-z_]+)(?:\[\d+\])?(?: |:|$)")


def line_of(tree: Any, kind: str, key: str | int, field: str | None = None) -> int | None:
    """1-based line of ``events[key]`` or ``formats.key`` (or of its *field*) in a YAML tree."""
    if not isinstance(tree, Mapping):
        return None
    from summit_cli.store import yamltree

    container = tree.get(kind)
    if container is None:
        return None
    if kind == "events" and isinstance(key, int):
        line = yamltree.item_line(container, key)
        try:
            raw = container[key]
        except (IndexError, KeyError, TypeError):
            raw = None
    else:
        line = yamltree.key_line(container, key)
        raw = container.get(key) if isinstance(container, Mapping) else None
    if field is not None and isinstance(raw, Mapping) and field in raw:
        return yamltree.key_line(raw, field) or line
    return line


def _field_named(what: str) -> str | None:
    """The store field a problem message is about ("timezone 'Mars' is not...")."""
    match = _FIELD_RE.match(what)
    if match is None:
        return None
    return {"ends": "end"}.get(match["field"], match["field"])


def _line_for(where: str, what: str, tree: Any, ids: Mapping[str, int]) -> int | None:
    match = _WHERE_RE.match(where)
    if match is None:
        return None
    field = _field_named(what)
    if match["index"] is not None:
        return line_of(tree, "events", int(match["index"]), field)
    if match["key"] is not None:
        return line_of(tree, "formats", match["key"], field)
    index = ids.get(match["id"])
    return line_of(tree, "events", index, field) if index is not None else None


def event_indexes(tree: Any, store: Store | None) -> dict[str, int]:
    """Event id -> its index in the tree's event list (generated ids by position)."""
    events = tree.get("events") if isinstance(tree, Mapping) else None
    ids: dict[str, int] = {}
    if not isinstance(events, list):
        return ids
    for index, raw in enumerate(events):
        if isinstance(raw, Mapping) and isinstance(raw.get("id"), str):
            ids.setdefault(raw["id"], index)
    if store is not None and len(store.events) == len(events):  # generated ids
        for index, event in enumerate(store.events):
            ids.setdefault(event.id, index)
    return ids


def locate_problems(
    problems: list[Problem], tree: Any, syntax: Syntax, store: Store | None = None
) -> list[Problem]:
    """Prefix each problem with the line of the field it is about (YAML only)."""
    if syntax != "yaml" or not isinstance(tree, Mapping) or not problems:
        return problems
    ids = event_indexes(tree, store)
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


def store_and_problems(tree: Any) -> tuple[Store, list[Problem]]:
    """The valid part of a parsed store and every problem (unlocated)."""
    store, problems = store_from_plain(tree)
    return store, problems + validate_store(store)


def check_fast(text: str, source: str) -> tuple[Any, Store, list[Problem], Any] | None:
    """What :func:`check_text` says of a YAML text, by the fast loader: (plain tree, store,
    problems located by the outline's lines, the outline); None when only the round-trip
    loader can judge it (unusual YAML, or YAML that does not parse)."""
    from summit_cli.store import yamlfast

    try:
        tree, outline = yamlfast.load_fast(text, fields=True)
    except Exception:
        return None
    if tree is None:
        tree = {}
    if not isinstance(tree, Mapping) or outline is None:
        return None
    store, problems = store_and_problems(tree)
    return tree, store, locate_fast(problems, tree, store, outline), outline


def locate_fast(problems: list[Problem], tree: Any, store: Store, outline: Any) -> list[Problem]:
    """Problems prefixed with their line, from the fast loader's outline."""
    located = []
    ids = event_indexes(tree, store)
    for problem in problems:
        line = _fast_line(problem, outline, ids)
        where = f"line {line}: {problem.where}" if line is not None else problem.where
        located.append(Problem(where, short(problem.what)))
    return located


def _fast_line(problem: Problem, outline: Any, ids: Mapping[str, int]) -> int | None:
    match = _WHERE_RE.match(problem.where)
    if match is None:
        return None
    field = _field_named(problem.what)
    if match["key"] is not None:
        key = match["key"]
        line = outline.format_fields.get(key, {}).get(field or "", outline.formats.get(key))
        return None if line is None else line + 1
    index = int(match["index"]) if match["index"] is not None else ids.get(match["id"])
    if index is None or index >= len(outline.event_fields):
        return None
    fields = outline.event_fields[index]
    line = fields.get(field or "")
    if line is None:
        line = (
            outline.items[index]
            if index < len(outline.items)
            else min(fields.values(), default=None)
        )
    return None if line is None else line + 1


def check_text(text: str, syntax: Syntax, source: str) -> tuple[Any, Store, list[Problem]]:
    """Text -> (tree, the valid part of the Store, every problem with its location).

    Raises InvalidData only when the text does not parse at all.
    """
    tree = parse_text(text, syntax, source)
    if tree is None:
        tree = {}
    store, problems = store_from_plain(tree)
    problems = locate_problems(problems + validate_store(store), tree, syntax, store)
    return tree, store, [Problem(p.where, short(p.what)) for p in problems]


def parse_store(text: str, syntax: Syntax, source: str) -> tuple[Any, Store]:
    """Text -> (tree, validated Store), or InvalidData listing every problem."""
    tree, store, problems = check_text(text, syntax, source)
    if problems:
        raise InvalidData(source, problems)
    return tree, store


def recheck(store: Store, source: str) -> None:
    """Refuse a store a change made invalid."""
    problems = validate_store(store)
    if problems:
        raise InvalidData(source, problems)


@dataclass(frozen=True)
class Checked:
    """A store as ``summits validate`` sees it: whatever parsed, and every problem.

    *outline* (from the fast loader) knows the lines; else *tree* (round trip) does.
    """

    path: Path
    syntax: Syntax
    tree: Any
    store: Store
    problems: list[Problem]
    outline: Any = None

    def line_of(self, kind: str, key: str | int, field: str | None = None) -> int | None:
        """1-based line of an event (by index) or format (by key), or of one of its fields."""
        if self.syntax != "yaml":
            return None
        if self.outline is None:
            return line_of(self.tree, kind, key, field)
        outline = self.outline
        if kind == "events" and isinstance(key, int):
            fields = outline.event_fields[key] if key < len(outline.event_fields) else {}
            start = outline.items[key] if key < len(outline.items) else None
            line = fields.get(field) if field else None
            line = line if line is not None else start
            if line is None and fields:
                line = min(fields.values())
        else:
            line = outline.format_fields.get(str(key), {}).get(field or "")
            if line is None:
                line = outline.formats.get(str(key))
        return None if line is None else line + 1
