"""The option builders (cli/declare.py) and the one style they give every command:
an option reads as its help line, and every --output takes its formats in any case."""

from __future__ import annotations

import inspect
from typing import Annotated, Any

import pytest
from helpers import command_at, command_paths, ok

from summit_cli.cli.declare import argument, option


def click_params(**declared: Any) -> dict[str, Any]:
    """The Click parameters Typer makes of a command declaring *declared* (name -> info)."""
    import typer
    import typer.main

    def command(**values: Any) -> None:
        pass

    command.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=None,
                annotation=Annotated[str | None, info],
            )
            for name, info in declared.items()
        ]
    )
    app = typer.Typer()
    app.command()(command)
    return {str(p.name): p for p in typer.main.get_command(app).params}


def test_option_reads_names_then_the_metavar() -> None:
    params = click_params(
        search=option("--search -s TEXT", "Only events whose text matches.", envvar="X"),
        reverse=option("--reverse -r", "Newest first."),
        title=argument("[TITLE]", "What the meeting is called."),
    )
    search, reverse, title = params["search"], params["reverse"], params["title"]
    assert search.opts == ["--search", "-s"] and search.metavar == "TEXT"
    assert search.param_type_name == "option" and search.help == "Only events whose text matches."
    assert search.envvar == "X"
    assert reverse.opts == ["--reverse", "-r"] and reverse.metavar is None
    assert title.param_type_name == "argument" and title.metavar == "[TITLE]"


def test_a_usage_without_an_option_name_is_refused() -> None:
    with pytest.raises(AssertionError, match="no option names"):
        option("TEXT", "help")
    with pytest.raises(AssertionError, match="no option names"):
        option("--search TEXT MORE", "help")


def test_every_output_choice_is_case_insensitive() -> None:
    """One rule for every command: --output JSON is --output json (it was refused by
    sync, remote list and validate, accepted elsewhere)."""
    checked = []
    for names in command_paths():
        path = " ".join(names)
        for param in command_at(names).params:
            if "--output" in getattr(param, "opts", ()) and hasattr(param.type, "choices"):
                assert param.type.case_sensitive is False, path
                checked.append(path)
    assert {"list", "sync", "remote list", "validate", "export", "brief"} <= set(checked)


@pytest.mark.parametrize(
    "line", [["validate", "--output", "JSON"], ["remote", "list", "--output", "Json"]]
)
def test_output_in_capitals_is_accepted(line: list[str], invoke: Any) -> None:
    ok(invoke(*line))
