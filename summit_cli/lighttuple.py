"""``typing.NamedTuple``'s class syntax without importing ``typing`` (start-up time).

Importing ``typing`` costs about 2 ms and a frozen dataclass about 0.4 ms to define,
while a prompt calls summits many times a minute; the small value records on the
start-up path (a problem, a placed event, a countdown...) are named tuples built by
``collections.namedtuple`` from the class body, as ``typing.NamedTuple`` does. Type
checkers see ``typing.NamedTuple`` itself::

    TYPE_CHECKING = False
    if TYPE_CHECKING:
        from typing import NamedTuple
    else:
        from summit_cli.lighttuple import NamedTuple
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable

_SPECIAL = frozenset({"__module__", "__qualname__", "__annotations__", "__orig_bases__"})


class _Maker(type):
    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, object]) -> type:
        if namespace.get("_root"):
            return super().__new__(mcs, name, bases, namespace)
        fields = list(namespace.get("__annotations__", {}))  # type: ignore[call-overload]
        defaults = [namespace[f] for f in fields if f in namespace]
        if any(f in namespace for f in fields[: len(fields) - len(defaults)]):
            raise TypeError(f"{name}: a field without a default follows one with a default")
        factory: Callable[..., type] = namedtuple  # called as a plain function, not a literal
        made = factory(name, fields, defaults=defaults, module=namespace.get("__module__"))
        for key, value in namespace.items():
            if key not in _SPECIAL and key not in fields:
                setattr(made, key, value)
        made.__qualname__ = str(namespace.get("__qualname__", name))
        return made


class NamedTuple(metaclass=_Maker):
    """Subclass it with annotated fields (and defaults, methods, a docstring)."""

    _root = True
