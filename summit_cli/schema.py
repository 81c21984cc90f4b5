"""The JSON Schema of the store, shipped in the package (``schemas/store.schema.json``).

Printed by ``summits schema``; editors use it through the
``# yaml-language-server: $schema=...`` comment at the top of a YAML store.
The model (``fromplain.store_from_plain``) stays the authority: it also checks what a
schema cannot (known time zones, defined format keys, unique ids, end after start).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from summit_cli.errors import Problem

SCHEMA_RESOURCE = "schemas/store.schema.json"


def schema_text() -> str:
    """The schema exactly as shipped."""
    from importlib.resources import files

    return files("summit_cli").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")


def _compiled() -> Any:
    """The schema as a Python function (compiled on each use: validate runs it once)."""
    import fastjsonschema

    return fastjsonschema.compile(store_schema())


@cache
def store_schema() -> dict[str, Any]:
    """The schema as a mapping."""
    loaded: dict[str, Any] = json.loads(schema_text())
    return loaded


def schema_problems(tree: Any) -> list[Problem]:
    """Every place where *tree* (a parsed store) breaks the schema.

    fastjsonschema (the schema compiled to Python) answers "valid" in tens of
    milliseconds for a 10,000-event store; only a store it finds invalid is read
    again with the reference validator (jsonschema), which lists every problem.
    """
    plain = json.loads(json.dumps(tree, default=str))
    import fastjsonschema

    try:
        _compiled()(plain)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    import jsonschema

    validator = jsonschema.Draft202012Validator(store_schema())
    problems = []
    for error in sorted(validator.iter_errors(plain), key=lambda e: list(e.absolute_path)):
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        problems.append(Problem(where.lstrip("."), error.message))
    return problems
