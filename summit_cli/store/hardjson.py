"""Hardened JSON reading: one clean error, with its line, for every kind of bad input.

``json.loads`` alone accepts NaN, keeps the last of duplicate keys, raises
ValueError (not JSONDecodeError) for a 5000-digit integer and RecursionError
for deep nesting; each of those becomes an InvalidData here.
"""

from __future__ import annotations

from summit_cli.errors import InvalidData, Problem

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

MAX_INT_DIGITS = 18
MAX_JSON_DEPTH = 64
MAX_MESSAGE_CHARS = 300


def short(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """Messages quote values; a 5000-digit value must not make a 5000-character message."""
    if len(text) <= limit:
        return text
    return text[: limit - 20] + f"... ({len(text)} characters)"


def line_at(text: str, index: int) -> int:
    return text.count("\n", 0, max(index, 0)) + 1


class _JSONValueError(ValueError):
    """A JSON value we refuse, with the text that lets us find its line."""

    def __init__(self, message: str, needle: str = "") -> None:
        super().__init__(message)
        self.needle = needle


def _reject_constant(name: str) -> Any:
    raise _JSONValueError(f"{name} is not allowed in a store", name)


def _bounded_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise _JSONValueError(f"a number with {digits} digits is too large for a store", text)
    return int(text)


def _pairs_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _JSONValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _duplicate_line(text: str) -> int | None:
    """Line of the first duplicate key (slow path: only after a duplicate was found)."""
    import json
    import json.decoder
    import json.scanner

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
        parse = json.decoder.JSONObject  # type: ignore[attr-defined]
        pairs, end = parse(s_and_end, *args[:2], None, list, *args[4:])
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _JSONValueError("duplicate", str(_key_position(text, s_and_end[1] - 1, key)))
            seen.add(key)
        return dict(pairs), end

    decoder = json.JSONDecoder()
    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        decoder.decode(text)
    except _JSONValueError as exc:
        return line_at(text, int(exc.needle))
    except (ValueError, RecursionError):
        return None
    return None


def _key_position(text: str, start: int, key: str) -> int:
    """Index of the second occurrence of *key* as a key of the object opened at *start*."""
    import json

    depth, i, found = 0, start, 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            end = i + 1
            while text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            is_key = depth == 1 and text[end + 1 :].lstrip().startswith(":")
            if is_key and json.loads(text[i : end + 1]) == key:
                found += 1
                if found == 2:
                    return i
            i = end + 1
            continue
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                break
        i += 1
    return start


def depth_ok(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """False when brackets (outside strings) nest deeper than *limit*."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def parse_json(text: str, source: str) -> Any:
    """JSON text -> a tree, or InvalidData naming the problem and its line."""
    import json

    if not depth_ok(text):
        raise InvalidData(source, [Problem("", f"nested deeper than {MAX_JSON_DEPTH} levels")])
    try:
        return json.loads(
            text,
            object_pairs_hook=_pairs_without_duplicates,
            parse_constant=_reject_constant,
            parse_int=_bounded_int,
        )
    except json.JSONDecodeError as exc:
        raise InvalidData(
            source, [Problem(f"line {exc.lineno}, column {exc.colno}", exc.msg)]
        ) from None
    except _JSONValueError as exc:
        if exc.needle:
            where = f"line {line_at(text, text.find(exc.needle))}"
        else:
            line = _duplicate_line(text)
            where = f"line {line}" if line else ""
        raise InvalidData(source, [Problem(where, short(str(exc)))]) from None
    except (ValueError, RecursionError) as exc:
        raise InvalidData(source, [Problem("", short(str(exc).splitlines()[0]))]) from None
