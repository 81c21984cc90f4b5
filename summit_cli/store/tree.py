"""Bringing a parsed tree in line with a changed Store, touching only what differs.

Unknown keys, comments, key order and quoting of untouched values stay as the
user wrote them (the tree is ruamel's round-trip tree for YAML, plain dicts
for JSON).
"""

from __future__ import annotations

from summit_cli.model import EVENT_KEYS, FORMAT_KEYS, Store

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

    from summit_cli.store.paths import Syntax

FORMAT_ORDER = FORMAT_KEYS


def node(syntax: Syntax, value: Any) -> Any:
    """A plain value as it goes into the tree (a quoted-where-needed YAML node)."""
    if syntax == "yaml":
        from summit_cli.store import yamltree

        return yamltree.to_node(value)
    return value


def empty_tree(syntax: Syntax) -> Any:
    """The tree of a new, empty store."""
    if syntax == "yaml":
        from summit_cli.store import yamltree

        tree = yamltree.new_mapping()
        tree["version"] = 1
        tree["formats"] = yamltree.new_mapping()
        tree["events"] = yamltree.new_sequence()
        return tree
    return {"version": 1, "formats": {}, "events": []}


def set_key(syntax: Syntax, mapping: Any, key: str, value: Any, order: tuple[str, ...]) -> None:
    """Set *key*; a new key goes after the schema keys that precede it."""
    new = node(syntax, value)
    if key in mapping:
        mapping[key] = new
        return
    keys = list(mapping.keys())
    position = 0
    for earlier in order[: order.index(key)]:
        if earlier in keys:
            position = max(position, keys.index(earlier) + 1)
    if hasattr(mapping, "insert"):  # ruamel CommentedMap
        mapping.insert(position, key, new)
        return
    items = list(mapping.items())
    mapping.clear()
    for index, (existing, item) in enumerate(items):
        if index == position:
            mapping[key] = new
        mapping[existing] = item
    if key not in mapping:
        mapping[key] = new


def merge(
    syntax: Syntax, mapping: Any, old: dict[str, Any], new: dict[str, Any], order: tuple[str, ...]
) -> None:
    """Change only the keys whose values changed; unknown keys and formatting stay (a key
    left out because it has its default value stays left out)."""
    for key in order:
        before, after = old.get(key), new.get(key)
        if before == after and (after is None or key in mapping or key != "id"):
            continue
        if after is None:
            if key in mapping:
                del mapping[key]
        else:
            set_key(syntax, mapping, key, after, order)


def merge_event(syntax: Syntax, mapping: Any, before: Any, after: Any) -> None:
    """Merge event *after* into its *mapping*; an event stored without an id gets its id
    written, so a generated id never shifts when another event goes."""
    stored_before = before.to_stored()
    if "id" not in mapping:
        stored_before.pop("id", None)
    unknown = dict.fromkeys(k for event in (before, after) for k, _ in event.extra)
    merge(syntax, mapping, stored_before, after.to_stored(), (*EVENT_KEYS, *unknown))


def apply_changes(syntax: Syntax, tree: Any, old: Store, new: Store) -> None:
    """Bring *tree* (read as *old*) in line with *new*, touching only what differs."""
    if old.formats != new.formats or "formats" not in tree:
        formats = tree.get("formats")
        if not isinstance(formats, dict):
            formats = node(syntax, {})
            tree["formats"] = formats
        for key in [k for k in formats if k not in new.formats]:
            del formats[key]
        for key, fmt in new.formats.items():
            if key not in formats:
                formats[key] = node(syntax, fmt.to_stored())
            elif old.formats.get(key) != fmt:
                previous = old.formats[key].to_stored() if key in old.formats else {}
                merge(syntax, formats[key], previous, fmt.to_stored(), FORMAT_ORDER)
    events = tree.get("events")
    if not isinstance(events, list):
        events = node(syntax, [])
        tree["events"] = events
        if syntax == "yaml":
            events.fa.set_block_style()
    new_by_id = {e.id: e for e in new.events}
    index_of = {e.id: i for i, e in enumerate(old.events)}
    for event_id in sorted(
        (i for i in index_of if i not in new_by_id), key=index_of.__getitem__, reverse=True
    ):
        del events[index_of[event_id]]
    remaining = [e for e in old.events if e.id in new_by_id]
    for position, before in enumerate(remaining):
        after = new_by_id[before.id]
        if after != before or "id" not in events[position]:
            merge_event(syntax, events[position], before, after)
    for event in new.events:
        if event.id not in index_of:
            events.append(node(syntax, event.to_stored()))


def serialize(syntax: Syntax, tree: Any, bom: bool) -> bytes:
    """The tree as bytes, strictly encoded (a lone surrogate fails here, before the disk)."""
    from summit_cli.errors import InvalidInput

    if syntax == "json":
        import json

        text = json.dumps(tree, ensure_ascii=False, indent=2) + "\n"
    else:
        from summit_cli.store import yamltree

        text = yamltree.dump(tree)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInput(
            f"text that cannot be stored (invalid character at {exc.start}: "
            f"{exc.object[exc.start : exc.end]!r})"
        ) from None
    return (b"\xef\xbb\xbf" + data) if bom else data
