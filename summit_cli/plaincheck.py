"""The checks every plain-data reader shares: a problem collector, typed values (text,
lists of text, wall times) with messages naming what is wrong, and how values are shown
in those messages. Pure."""

from __future__ import annotations

from collections.abc import Mapping

from summit_cli.errors import Problem
from summit_cli.model import WallTime, parse_wall_time

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any


class Collector:
    """Accumulates problems so that loading reports all of them at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, where: str, what: str) -> None:
        self.problems.append(Problem(where, what))


def shown(value: Any, limit: int = 60) -> str:
    """A value quoted in a message: its repr, cut when long (a 5000-digit round)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 20]}... ({len(text)} characters)"


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def _string(
    raw: Mapping[str, Any], key: str, where: str, out: Collector, required: bool, kind: str
) -> str | None:
    """*raw*'s string at *key*; None when there is none (a problem when *required*) or the
    value is not a string (a problem naming the *kind* of string expected)."""
    value = raw.get(key)
    if value is None:
        if required:
            out.add(where, f"{key} is required")
        return None
    if not isinstance(value, str):
        out.add(where, f"{key} must be {kind}, not {type_name(value)}")
        return None
    return value


def text_value(
    raw: Mapping[str, Any],
    key: str,
    where: str,
    out: Collector,
    *,
    required: bool = False,
    max_len: int = 20_000,
) -> str | None:
    value = _string(raw, key, where, out, required, "a string")
    if value is None:
        return None
    if required and not value.strip():
        out.add(where, f"{key} must not be empty")
        return None
    if len(value) > max_len:
        out.add(where, f"{key} is longer than {max_len} characters")
        return None
    return str(value)


def text_list(raw: Mapping[str, Any], key: str, where: str, out: Collector) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return (str(value),)
    if not isinstance(value, list | tuple):
        out.add(where, f"{key} must be a list of strings, not {type_name(value)}")
        return ()
    items: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str):
            out.add(where, f"{key}[{i}] must be a string, not {type_name(item)}")
        else:
            items.append(str(item))
    return tuple(items)


def wall_value(
    raw: Mapping[str, Any], key: str, where: str, out: Collector, *, required: bool = False
) -> WallTime | None:
    value = _string(raw, key, where, out, required, 'a quoted string such as "2022-01-10T09:00"')
    if value is None:
        return None
    try:
        return parse_wall_time(value)
    except ValueError as exc:
        out.add(where, f"{key}: {exc}")
        return None


def check_choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    """*value* when it is one of *allowed*; else the usage error naming them (exit 2)."""
    if value not in allowed:
        from summit_cli.errors import InvalidInput

        raise InvalidInput(f"{option} {value!r} is not one of: {', '.join(allowed)}")
    return value
