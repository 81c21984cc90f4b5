"""Guarantees 7 and 8: hostile store content is refused cleanly and quickly; output never
carries active control sequences or markup from the data."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from summit_cli import store

ROOT = Path(__file__).resolve().parent.parent


def _stress() -> Any:
    if "stress" in sys.modules:
        return sys.modules["stress"]
    spec = importlib.util.spec_from_file_location("stress", ROOT / "scripts" / "stress.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["stress"] = module
    spec.loader.exec_module(module)
    return module


stress = _stress()
CORPUS = stress.hostile_corpus()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_store_is_refused_or_read_correctly(name: str, tmp_path: Path, invoke: Any) -> None:
    content, expect = CORPUS[name]
    path = tmp_path / name
    path.write_bytes(content)
    if name.startswith("oversized"):
        with path.open("r+b") as handle:
            handle.truncate(store.MAX_STORE_BYTES + 1)
    before = sha(path)
    started = time.monotonic()
    result = invoke("--store", str(path), "list", "--output", "json")
    elapsed = time.monotonic() - started
    assert elapsed < 5, f"{name} took {elapsed:.1f} s"
    assert "Traceback" not in result.stderr
    assert sha(path) == before
    if expect == "read":
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)
        return
    assert result.exit_code == 3, (result.exit_code, result.stderr)
    assert result.stderr.startswith(f"summits: error: {path}")
    if not name.startswith(("deep", "not-a-mapping", "two-documents")):
        assert re.search(r"line \d+|events\[\d+\]|bytes", result.stderr), result.stderr
    assert len(result.stderr) < 1000  # a 5000-digit value is not echoed whole


def test_yaml_11_surprises_are_read_as_the_schema_says(tmp_path: Path, invoke: Any) -> None:
    path = tmp_path / "y.yaml"
    path.write_bytes(CORPUS["yaml11-no.yaml"][0])
    record = json.loads(invoke("--store", str(path), "list", "--output", "json").stdout)[0]
    assert (record["country"], record["venue"], record["city"]) == ("NO", "1:30", "010")
    path.write_bytes(CORPUS["unquoted-date.yaml"][0])
    record = json.loads(invoke("--store", str(path), "list", "--output", "json").stdout)[0]
    assert (record["start"], record["end"]) == ("2022-01-10", "2022-01-11")


def test_unsafe_tag_is_never_executed(tmp_path: Path, invoke: Any) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "tag.yaml"
    path.write_text(f"version: 1\nx: !!python/object/apply:os.system ['touch {marker}']\n")
    result = invoke("--store", str(path), "list")
    assert result.exit_code == 3 and "line 2" in result.stderr and "tags" in result.stderr
    assert not marker.exists()


def test_duplicate_json_key_names_its_line(tmp_path: Path, invoke: Any) -> None:
    path = tmp_path / "dup.json"
    path.write_text(
        '{"version": 1, "events": [\n {"id": "a", "title": "t", "start": "2022-01-01"},\n'
        ' {"id": "b",\n  "title": "t", "start": "2022-01-01", "x": {"title": 1},\n'
        '  "title": "u"}]}'
    )
    result = invoke("--store", str(path), "list")
    assert result.exit_code == 3
    assert "line 5: duplicate key 'title'" in result.stderr


def test_a_lone_surrogate_typed_by_the_user_never_reaches_the_disk(
    invoke: Any, store_path: Path
) -> None:
    before = sha(store_path)
    result = invoke("add", "Talks \ud800", "--start", "2023-01-01")
    assert result.exit_code in (2, 3)
    assert "Traceback" not in result.stderr
    assert sha(store_path) == before


# ------------------------------------------------------------- output safety

FORBIDDEN_RE = re.compile("[\x1b\x9b\u202a-\u202e\u2066-\u2069]")


def hostile_store(folder: Path, title: str) -> Path:
    path = folder / "hostile.json"
    event = {
        "id": "x",
        "title": title,
        "start": "2023-01-01",
        "notes": title,
        "outcome": title,
        "city": title,
        "participants": [title],
    }
    path.write_text(json.dumps({"version": 1, "events": [event]}))
    return path


@pytest.mark.parametrize("label", sorted(stress.HOSTILE_TITLES))
def test_output_never_carries_control_sequences_or_markup(
    label: str, tmp_path: Path, invoke: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    title = stress.HOSTILE_TITLES[label]
    path = hostile_store(tmp_path, title)
    monkeypatch.setenv("COLUMNS", "400")  # room for the whole title: nothing truncated
    for colour in (False, True):
        if colour:  # a terminal with colour: Rich tables and cards
            monkeypatch.delenv("NO_COLOR", raising=False)
            monkeypatch.setenv("FORCE_COLOR", "1")
        for args in (
            ["list"],
            ["list", "--output", "plain"],
            ["show", "x"],
            ["upcoming"],
        ):
            result = invoke("--store", str(path), "--now", "2022-12-31", *args)
            assert result.exit_code == 0, result.stderr
            shown = re.sub("\x1b\\[[0-9;]*m", "", result.stdout)  # our own colours
            assert not FORBIDDEN_RE.search(shown), (args, colour, shown)
            if "[bold" in title:
                assert "[bold red]resumed[/bold red]" in shown  # literally, not styled
            if ":thumbs_down:" in title:
                assert ":thumbs_down:" in shown and "\U0001f44e" not in shown
    records = json.loads(invoke("--store", str(path), "list", "--output", "json").stdout)
    assert records[0]["title"] == title  # JSON keeps the exact data
    csv_text = invoke("--store", str(path), "list", "--output", "csv").stdout
    if title.startswith("="):
        assert "'=HYPERLINK" in csv_text


def test_output_on_a_real_terminal(tmp_path: Path) -> None:
    title = "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \x9b31m \u202eevil [bold]b"
    path = hostile_store(tmp_path, title)
    command = [str(Path(sys.executable).with_name("summits")), "--store", str(path), "list"]
    env = stress.clean_env(FORCE_COLOR="1", COLUMNS="300")
    env.pop("NO_COLOR", None)
    received = stress._on_tty(command, env)
    assert b"click" in received
    assert stress.forbidden_count(stress._strip_own_sgr(received)) == 0
    assert b"\\x1b]8;;" in received  # shown visibly


def test_line_separators_cr_and_a_literal_backslash_n_are_read_exactly(
    tmp_path: Path, invoke: Any
) -> None:
    # Issue 12, point 3: NEL, LS, PS, a lone CR and a literal \N are data, not line breaks.
    path = tmp_path / "separators.yaml"
    path.write_bytes(CORPUS["separators.yaml"][0])
    for _ in range(2):  # a cold read, then the parse cache
        (record,) = json.loads(invoke("--store", str(path), "list", "--output", "json").stdout)
        assert record["notes"] == "a\x85b\u2028c\u2029d\rE \\N f"
