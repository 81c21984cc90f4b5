"""Store bytes to a parsed tree: strict UTF-8, then hardened JSON or safe YAML.

Every parser failure becomes one InvalidData naming the file and, where the
parser can tell, the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from summit_cli.errors import InvalidData, Problem
from summit_cli.store.hardjson import line_at, parse_json, short

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

    from summit_cli.store.paths import Syntax

SURROGATE = re.compile("[\ud800-\udfff]")
BOM = b"\xef\xbb\xbf"


def decode(data: bytes, source: str) -> tuple[str, bool]:
    """(text, had a BOM): strict UTF-8, a BOM accepted, the line of a bad byte named."""
    bom = data.startswith(BOM)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidData(
            source, [Problem(f"line {line}", f"not valid UTF-8 (byte 0x{data[exc.start]:02x})")]
        ) from None
    return text, bom


def visible_key(key: str) -> str:
    return key.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")


def _surrogate_paths(tree: Any, path: str = "") -> Iterator[str]:
    """Where the tree holds a lone surrogate (it could never be written back as UTF-8)."""
    if isinstance(tree, str):
        if SURROGATE.search(tree):
            yield path or "(top level)"
    elif isinstance(tree, Mapping):
        for key, value in tree.items():
            if isinstance(key, str) and SURROGATE.search(key):
                yield f"{path}.{visible_key(key)}" if path else visible_key(key)
            sub = f"{path}.{key}" if path else str(key)
            yield from _surrogate_paths(value, sub)
    elif isinstance(tree, list | tuple):
        for index, item in enumerate(tree):
            yield from _surrogate_paths(item, f"{path}[{index}]")


def _odd_keys(tree: Any, path: str = "") -> Iterator[str]:
    """Where a mapping has a key that is not text (YAML's ``? [a, b]`` or ``1:``)."""
    if isinstance(tree, Mapping):
        for key, value in tree.items():
            if not isinstance(key, str):
                yield f"{path or '(top level)'}: the key {short(repr(key))} is not text"
                continue
            yield from _odd_keys(value, f"{path}.{key}" if path else key)
    elif isinstance(tree, list | tuple):
        for index, item in enumerate(tree):
            yield from _odd_keys(item, f"{path}[{index}]")


def parse_text(text: str, syntax: Syntax, source: str) -> Any:
    """Parse store text into a tree; every parser failure becomes one InvalidData.

    Lone surrogates (JSON ``"\\ud800"`` escapes) are refused here: such text can
    be neither shown nor written back as UTF-8. So are keys that are not text.
    """
    tree = parse_json(text, source) if syntax == "json" else _parse_yaml(text, source)
    lone = [
        Problem(where, "a lone surrogate (e.g. \\ud800) is not text")
        for where in _surrogate_paths(tree)
    ]
    odd = [Problem("", what) for what in _odd_keys(tree)]
    if lone or odd:
        raise InvalidData(source, (lone + odd)[:20])
    return tree


def _parse_yaml(text: str, source: str) -> Any:
    from summit_cli.store import yamltree

    try:
        return yamltree.load(text)
    except yamltree.HostileYAML as exc:
        where = f"line {exc.line}" if exc.line else ""
        raise InvalidData(source, [Problem(where, str(exc))]) from None
    except RecursionError:
        raise InvalidData(source, [Problem("", "nested too deeply")]) from None
    except ValueError as exc:  # e.g. an escape for a code point above U+10FFFF
        if type(exc).__module__.startswith("ruamel"):
            raise yaml_problem(exc, text, source) from None
        raise InvalidData(source, [Problem("", short(f"not valid YAML text: {exc}"))]) from None
    except Exception as exc:  # ruamel raises many unrelated classes for bad YAML
        if not type(exc).__module__.startswith("ruamel"):
            raise
        raise yaml_problem(exc, text, source) from None


def yaml_problem(exc: Exception, text: str, source: str) -> InvalidData:
    from summit_cli.store import yamltree

    line = yamltree.error_line(exc)
    position = getattr(exc, "position", None)
    if line is None and isinstance(position, int):
        line = line_at(text, position)
    where = f"line {line}" if line else ""
    return InvalidData(source, [Problem(where, short(yamltree.error_text(exc)))])
