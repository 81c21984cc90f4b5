"""The store's JSON Schema (issue 6): shipped, printed by `summits schema`, referenced by
the bundled YAML, and agreeing with the bundled data and the README's example."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED, ROOT

from summit_cli import schema
from summit_cli.store import yamltree

jsonschema = pytest.importorskip("jsonschema")


def _plain(text: str) -> Any:
    return json.loads(json.dumps(yamltree.load(text), default=str))


def test_schema_command_prints_the_shipped_schema(invoke: Any) -> None:
    result = invoke("schema")
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    shipped = ROOT / "summit_cli" / "schemas" / "store.schema.json"
    assert printed == json.loads(shipped.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(printed)


def test_bundled_store_validates_and_names_no_schema_path() -> None:
    # Inside an installed package no relative path reaches the schema: the bundled store
    # names none; the user's first copy names the installed one (test_first_hour.py).
    text = BUNDLED.read_text(encoding="utf-8")
    assert schema.schema_problems(_plain(text)) == []
    assert "yaml-language-server" not in text


def test_the_store_format_page_shows_a_store_the_schema_accepts() -> None:
    page = (ROOT / "docs" / "store-format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", page, re.DOTALL)
    stores = [b for b in blocks if "\nversion: 1" in "\n" + b]
    assert stores, "docs/store-format.md shows a store"
    for block in stores:
        assert schema.schema_problems(_plain(block)) == []


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"version": 2}, "version"),
        ({"events": [{"title": "x", "start": "2022-01-10", "round": 0}]}, "events[0].round"),
        ({"events": [{"title": "x", "start": "10/01/2022"}]}, "events[0].start"),
        ({"events": [{"title": "x", "start": "2022-01-10", "kind": "party"}]}, "events[0].kind"),
        ({"events": [{"id": "Bad Id", "title": "x", "start": "2022-01-10"}]}, "events[0].id"),
        ({"events": [{"start": "2022-01-10"}]}, "events[0]"),
        ({"formats": {"geneva": {"description": "no name"}}}, "formats.geneva"),
    ],
)
def test_schema_and_model_refuse_the_same_mistakes(change: dict[str, Any], where: str) -> None:
    from summit_cli.fromplain import store_from_plain

    document = {"version": 1, "formats": {}, "events": [], **change}
    problems = schema.schema_problems(document)
    assert problems and problems[0].where == where
    _, model_problems = store_from_plain(document)
    assert model_problems


def test_wheel_config_ships_the_schema() -> None:
    # Hatch puts every file under summit_cli/ (not git-ignored) into the wheel; the schema
    # must be there and not ignored.
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'packages = ["summit_cli"]' in pyproject
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8")
    assert "json" not in ignored
    assert Path(schema.__file__).with_name("schemas").joinpath("store.schema.json").is_file()


def test_validate_checks_the_store_against_the_schema(
    invoke: Any, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """validate runs the published schema too: a store the schema refuses is an error."""
    import copy

    from summit_cli import schema

    strict = copy.deepcopy(schema.store_schema())  # the real one is cached: never mutate it
    strict["$defs"]["event"]["properties"]["city"] = {"type": "string", "maxLength": 3}
    monkeypatch.setattr(schema, "store_schema", lambda: strict)
    result = invoke("validate")
    assert result.exit_code == 3
    assert "schema: events[0].city" in result.stdout + result.stderr


def test_recurrence_and_regular_meetings_are_in_the_schema() -> None:
    from summit_cli import schema

    defs = schema.store_schema()["$defs"]
    assert {"rrule", "exdates", "history"} <= set(defs["event"]["properties"])
    assert "meets" in defs["format"]["properties"]
