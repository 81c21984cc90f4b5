"""A new user's first hour: global options anywhere, the first write undone, typos,
problems at their line, tables that read well, help that speaks plainly (issue 12,
items 20 to 25; the tour of item 26 is checked by tests/test_docs.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from helpers import NOT_FOUND, USAGE, failed, ids, ok

SSD = "2022-01-10-geneva-ssd"


# ---------------------------------------------- 20. global options anywhere


@pytest.mark.parametrize("option", [["--now", "2021-12-31"], ["--tz", "UTC"], ["--store", "S"]])
def test_a_global_option_after_the_command_is_taken(
    invoke: Any, store_path: Path, option: list[str]
) -> None:
    value = [str(store_path) if word == "S" else word for word in option]
    result = invoke("upcoming", *value)
    assert result.exit_code == 0, result.stderr
    assert "No such option" not in result.stderr


# ------------------------------------------------- 21. the first write undone


def test_the_first_write_to_a_new_store_can_be_undone(
    invoke: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SUMMITS_STORE")  # the user's own store, made from the bundled one
    user = tmp_path / "xdg-data" / "summits" / "summits.yaml"
    bundled = Path(__file__).resolve().parent.parent / "data" / "summits.yaml"
    result = ok(invoke("add", "First", "--start", "2022-02-01"))
    assert "created your store" in result.stderr and user.exists()
    ok(invoke("undo"))
    assert user.read_bytes() == bundled.read_bytes()


def test_the_first_copy_points_editors_at_the_installed_schema(
    invoke: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 13: the bundled store has no relative schema path (it would not resolve inside
    # an installed package); the user's copy names the installed schema by absolute path.
    from urllib.parse import unquote, urlparse

    monkeypatch.delenv("SUMMITS_STORE")
    bundled = Path(__file__).resolve().parent.parent / "data" / "summits.yaml"
    assert "yaml-language-server" not in bundled.read_text(encoding="utf-8")
    ok(invoke("add", "First", "--start", "2022-02-01"))
    user = tmp_path / "xdg-data" / "summits" / "summits.yaml"
    first = user.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema=file://"
    assert first.startswith(prefix), first
    schema = Path(unquote(urlparse(first.split("=", 1)[1]).path))
    assert schema.is_file() and schema.name == "store.schema.json"
    assert schema.read_text(encoding="utf-8") == ok(invoke("schema")).stdout


def test_the_first_write_to_a_new_file_can_be_undone(invoke: Any, tmp_path: Path) -> None:
    path = tmp_path / "fresh.yaml"
    ok(invoke("--store", str(path), "add", "First", "--start", "2022-02-01"))
    ok(invoke("--store", str(path), "undo"))
    assert ids(invoke, "--store", str(path), "list") == []


# ------------------------------------------------------------ 22. typos


def test_a_misspelt_command_gets_a_suggestion(invoke: Any) -> None:
    result = invoke("lsit")
    assert result.exit_code == USAGE
    assert "Did you mean 'list'?" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["edit", "2022-01-10-geneva-sd", "--notes", "x"],
        ["cancel", "2022-01-10-geneva-sd"],
        ["postpone", "2022-01-10-geneva-sd"],
        ["remove", "2022-01-10-geneva-sd", "--yes"],
        ["countdown", "2022-01-10-geneva-sd"],
        ["show", "2022-01-10-geneva-sd"],
    ],
    ids=lambda c: c[0],
)
def test_a_near_miss_id_gets_a_suggestion(invoke: Any, command: list[str]) -> None:
    failed(invoke(*command), NOT_FOUND, f"did you mean {SSD}")


# ------------------------------------------- 23. the line of the field


def test_validate_points_at_the_line_of_the_field(invoke: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "version: 1\nevents:\n  - id: a\n    title: A\n    start: 2022-01-10\n    kind: party\n"
    )
    out = invoke("--store", str(path), "validate").stdout
    assert f"{path}:6: error: events[0] (id a): kind 'party'" in out


# ------------------------------------------------------------- 24. tables


def _lines(text: str) -> list[str]:
    return text.splitlines()


def test_a_wider_terminal_never_makes_the_title_narrower(
    invoke: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    title_width = {}
    for columns in (80, 100, 120, 160):
        monkeypatch.setenv("COLUMNS", str(columns))
        out = ok(invoke("--now", "2021-12-31", "list", "--output", "table")).stdout
        assert max(len(line) for line in _lines(out)) <= columns
        header = _lines(out)[0]
        start = header.index("Title")
        # The Title column runs from its header to the next header.
        after = header[start + len("Title") :]
        title_width[columns] = len("Title") + len(after) - len(after.lstrip())
    assert title_width[80] <= title_width[100] <= title_width[120] <= title_width[160]
    assert title_width[120] >= 30  # optional columns went before the title got squeezed


def test_format_history_keeps_titles_readable_at_80_columns(
    invoke: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = ok(invoke("--now", "2021-12-31", "format", "geneva", "--output", "table")).stdout
    history = out[out.index("History of geneva") :]
    rows = [line for line in _lines(history) if re.match(r"\s*\d? +\d{4}-\d{2}-\d{2}", line)]
    # Each event takes at most two lines: optional columns go before the title is squeezed.
    assert len(_lines(history)) <= 3 + 2 * len(rows) + 1


def test_a_piped_table_has_no_trailing_spaces_or_blank_edges(invoke: Any) -> None:
    out = ok(invoke("--now", "2021-12-31", "list", "--output", "table")).stdout
    lines = _lines(out)
    assert all(line == line.rstrip() for line in lines)
    assert lines[0].strip() and lines[-1].strip()


@pytest.mark.parametrize("command", [["timeline"], ["calendar", "2022-01"], ["list"]])
def test_columns_is_honoured_in_a_pipe(
    invoke: Any, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = ok(invoke("--now", "2021-12-31", *command, "--output", "table")).stdout
    assert max(len(line) for line in _lines(out)) <= 80
    plain = ok(invoke("--now", "2021-12-31", "timeline")).stdout
    assert max(len(line) for line in _lines(plain)) <= 80


def test_the_nothing_upcoming_message_breaks_between_hints(invoke: Any) -> None:
    result = ok(invoke("--now", "2023-01-01", "upcoming"))
    assert all(len(line) <= 100 for line in _lines(result.stderr))


def test_a_source_that_is_not_a_url_is_not_styled_as_a_link() -> None:
    from datetime import UTC, datetime

    from summit_cli.model import Event, Store, WallTime
    from summit_cli.query import Placed
    from summit_cli.timeline import span_of
    from summit_cli.views.cards import event_card

    event = Event(
        id="x",
        title="t",
        start=WallTime(datetime(2022, 1, 1).date()),
        sources=("Xinhua, 31 Dec 2021", "https://example.org/a"),
    )
    card = event_card(Placed(event, span_of(event, UTC)), Store(), UTC, datetime.now(UTC))
    styles = {cell.text: cell.style for label, cell in card.lines if label == "source"}
    assert styles == {"Xinhua, 31 Dec 2021": None, "https://example.org/a": "link"}


def test_an_empty_month_has_no_key(invoke: Any) -> None:
    result = ok(invoke("calendar", "2023-05"))
    assert "a day with events" not in result.stdout
    assert "no events in May 2023" in result.stderr


def test_undo_ends_plainly(invoke: Any) -> None:
    ok(invoke("add", "X", "--start", "2022-02-01"))
    result = ok(invoke("undo"))
    assert "0 earlier versions" not in result.stderr


# -------------------------------------------------------------- 25. help


def test_help_speaks_plainly(invoke: Any) -> None:
    from summit_cli.cli.application import COMMANDS

    for name in COMMANDS:
        text = ok(invoke(name, "--help")).stdout
        assert "<str>" not in text and "<int range>" not in text and "<float>" not in text, name
        # Commands that list events offer every data format; export, the brief (a
        # document: text, markdown, html), countdown and validate have their own.
        if "--output" in text and name not in {"export", "brief", "countdown", "validate"}:
            assert "yaml" in text, name


def test_short_n_means_the_same_everywhere(invoke: Any) -> None:
    from summit_cli.cli import grammar

    meanings = set()
    for command in grammar.COMMANDS:
        spec = grammar.options_of(command).get("-n")
        if spec is not None:
            meanings.add(spec[0])
    assert meanings == {"limit"}
