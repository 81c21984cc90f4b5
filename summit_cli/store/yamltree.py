"""Round-trip YAML for stores: the safe loader, the writer that keeps comments, node helpers.

ruamel.yaml is loaded lazily, so JSON stores never pay for it. The fast reader
for big stores is ``yamlfast``; this module's loader is the one whose verdict
and errors users see.

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
from functools import cache

from summit_cli.safetext import pattern
from summit_cli.store.yamlfast import BOOLS, INT_RE, MAX_DEPTH, NULLS

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any


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
                if value in NULLS:
                    return tags["null"]
                if value in BOOLS:
                    return tags["bool"]
                if INT_RE.match(value):
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


# Unsafe characters (``safetext``): written as escapes inside double quotes, where both
# YAML readers agree (NEL, LS and PS are line breaks to libyaml and text to ruamel).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]"
)
# An item of a flow sequence ([a, b]) that needs no quotes: no flow indicators or comments.
_FLOW_PLAIN = re.compile(r"[\w][\w .'()/@+&=-]*\Z")


def to_node(value: Any, *, flow: bool = True, in_flow: bool = False) -> Any:
    """A plain value as a YAML node that writes safely: quoted where another reader could
    misread it, unsafe characters escaped in double quotes, flow sequences only of
    items that are plain in flow context."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    if isinstance(value, str):
        # Unsafe characters go in double quotes, escaped, where both YAML readers agree
        # (NEL, LS and PS are line breaks to libyaml and text to ruamel).
        unsafe = pattern("unsafe").search(value.replace("\n", ""))
        if "\n" in value and not unsafe and not in_flow and _literal_ok(value):
            return LiteralScalarString(value)
        plain_ok = _FLOW_PLAIN.match(value) if in_flow else True
        if unsafe or not value or needs_quotes(value) or not plain_ok or "\n" in value:
            return DoubleQuotedScalarString(value)
        return value
    if isinstance(value, list | tuple):
        as_flow = flow and all(not isinstance(v, dict | list | tuple) for v in value)
        seq = CommentedSeq(to_node(v, flow=flow, in_flow=as_flow) for v in value)
        if as_flow:
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, dict):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[key] = to_node(item, flow=flow)
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
