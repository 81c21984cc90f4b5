"""One escaping policy on every output path: hostile text through every command and format
(issue 12, items 12 and 13; issue 11, point 3).

Every title, note, outcome, participant, source, tag and history reason below holds
terminal controls, bidi overrides, markup and injection attempts. No output may
carry an unsafe character raw (``helpers.FORBIDDEN``), markup must stay text, and
every machine format must parse back to the exact data.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import forbidden, ok
from ruamel.yaml import YAML

from summit_cli import records

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from stress import HOSTILE_TITLES

HOSTILE = HOSTILE_TITLES  # one hostile corpus, shared with the stress harness
TEXT = " | ".join(HOSTILE.values())
ID = "2023-01-01-hostile"


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store whose one event (and its history) holds every hostile text."""
    path = tmp_path / "hostile.json"
    event = {
        "id": ID,
        "title": TEXT,
        "kind": "talks",
        "format": "geneva",
        "round": 2,
        "start": "2023-01-01T10:00",
        "end": "2023-01-01T12:00",
        "timezone": "Europe/Zurich",
        "venue": TEXT,
        "city": "Geneva",
        "country": TEXT,
        "participants": list(HOSTILE.values()),
        "status": "postponed",
        "outcome": TEXT,
        "sources": list(HOSTILE.values()),
        "tags": ["t\x1bag", "t\u202eag"],
        "notes": TEXT,
        "history": [
            {
                "at": "2022-12-01T10:00:00Z",
                "change": "postponed",
                "reason": TEXT,
                "start_before": "2022-12-20T10:00",
            }
        ],
    }
    formats = {"geneva": {"name": TEXT, "description": TEXT, "timezone": "Europe/Zurich"}}
    path.write_text(json.dumps({"version": 1, "formats": formats, "events": [event]}))
    monkeypatch.setenv("SUMMITS_STORE", str(path))
    monkeypatch.setenv("SUMMITS_NOW", "2022-12-30T10:00")
    return path


HUMAN = ["table", "plain"]
MACHINE = ["json", "jsonl", "csv", "tsv", "yaml", "ids"]
LISTINGS = [["list"], ["upcoming"], ["next"], ["show", ID]]


def safe(result: Any) -> Any:
    """A clean run whose stdout and stderr carry no unsafe character."""
    assert "Traceback" not in result.stderr
    assert forbidden(result.stdout) == [], result.stdout
    assert forbidden(result.stderr) == [], result.stderr
    assert "internal error" not in result.stderr
    return result


@pytest.mark.parametrize("output", HUMAN + MACHINE)
@pytest.mark.parametrize("command", LISTINGS, ids=lambda c: c[0])
def test_listings_in_every_output_format(
    invoke: Any, hostile: Path, command: list[str], output: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if output == "table":
        monkeypatch.setenv("FORCE_COLOR", "1")  # a terminal with colour: Rich draws it
        monkeypatch.setenv("COLUMNS", "1000")  # wide enough that no cell wraps
    result = safe(ok(invoke(*command, "--output", output)))
    if output == "table":
        assert "[bold red]" in result.stdout  # markup is shown as text, never applied
        assert "\\x1b" in result.stdout  # controls are shown as escapes
    if output in {"json", "jsonl", "yaml", "csv"}:
        text = result.stdout_bytes.decode("utf-8")  # .stdout folds CR LF into LF
        assert _parsed(text, output)[0]["title"] == TEXT  # the exact data


def _parsed(text: str, output: str) -> list[dict[str, Any]]:
    if output == "json":
        return list(json.loads(text))
    if output == "jsonl":
        return [json.loads(line) for line in text.splitlines()]
    if output == "yaml":
        by_pyyaml = yaml.safe_load(text)
        assert YAML(typ="safe").load(text) == by_pyyaml  # both readers, one answer
        return list(by_pyyaml)
    from summit_cli.safetext import unescape_cell

    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 1  # no injected row
    return [{k: unescape_cell(v) for k, v in rows[0].items()}]


def test_yaml_output_parses_back_to_the_json_output(invoke: Any, hostile: Path) -> None:
    as_json = json.loads(ok(invoke("list", "--output", "json")).stdout)
    as_yaml = ok(invoke("list", "--output", "yaml")).stdout
    assert yaml.safe_load(as_yaml) == as_json
    assert YAML(typ="safe").load(as_yaml) == as_json


@pytest.mark.parametrize("field", records.RECORD_KEYS)
def test_template_and_field_show_every_value_safely(invoke: Any, hostile: Path, field: str) -> None:
    safe(ok(invoke("list", "--template", "{id} {" + field + "}")))
    safe(ok(invoke("next", "--field", field)))


@pytest.mark.parametrize(
    "command",
    [
        ["countdown"],
        ["countdown", "--output", "json"],
        ["countdown", ID],
        ["timeline"],
        ["timeline", "--by", "format"],
        ["timeline", "--output", "json"],
        ["calendar", "2023-01"],
        ["calendar", "2023-01", "--output", "csv"],
        ["formats"],
        ["formats", "--output", "yaml"],
        ["format", "geneva"],
        ["format", "geneva", "--output", "json"],
        ["fields"],
        ["validate"],
        ["validate", "--strict"],
        ["validate", "--strict", "--output", "json"],
    ],
    ids=" ".join,
)
@pytest.mark.parametrize("tty", [False, True], ids=["pipe", "tty"])
def test_views_and_reports(
    invoke: Any, hostile: Path, command: list[str], tty: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if tty:
        monkeypatch.setenv("FORCE_COLOR", "1")
    result = invoke(*command)
    assert result.exit_code in (0, 3), result.stderr
    safe(result)


def test_countdown_json_is_the_exact_data(invoke: Any, hostile: Path) -> None:
    data = json.loads(safe(ok(invoke("countdown", ID, "--output", "json"))).stdout)
    assert data["title"] == TEXT


@pytest.mark.parametrize(
    "command",
    [
        ["edit", ID, "--set", "notes=" + TEXT, "--dry-run"],
        ["postpone", ID, "--to", "2023-02-01", "--reason", TEXT, "--dry-run"],
        ["cancel", ID, "--reason", TEXT, "--dry-run"],
        ["remove", ID, "--dry-run"],
        ["add", TEXT, "--start", "2023-02-01", "--tz", "UTC", "--dry-run"],
    ],
    ids=lambda c: c[0],
)
def test_dry_run_diffs(invoke: Any, hostile: Path, command: list[str]) -> None:
    safe(ok(invoke(*command)))


def test_messages_about_writes(invoke: Any, hostile: Path) -> None:
    safe(ok(invoke("add", TEXT, "--start", "2023-02-01", "--tz", "UTC")))
    safe(ok(invoke("postpone", ID, "--reason", TEXT)))
    safe(ok(invoke("undo")))


@pytest.mark.parametrize("output", ["ics", "csv", "json"])
def test_exports_carry_no_raw_control(invoke: Any, hostile: Path, output: str) -> None:
    result = ok(invoke("export", "--output", output))
    assert forbidden(result.stdout_bytes.decode("utf-8")) == []
    if output == "ics":  # nothing injected: one event, however the title reads
        lines = result.stdout_bytes.decode("utf-8").split("\r\n")
        assert sum(1 for line in lines if line == "BEGIN:VEVENT") == 1


@pytest.mark.parametrize("output", ["ics", "csv", "json"])
def test_exports_import_back_exactly(
    invoke: Any, hostile: Path, tmp_path: Path, output: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    exported = tmp_path / f"out.{output}"
    ok(invoke("export", "--output", output, "-o", str(exported)))
    target = tmp_path / "empty.yaml"
    target.write_text("version: 1\nformats:\n  geneva: {name: Geneva}\nevents: []\n")
    monkeypatch.setenv("SUMMITS_STORE", str(target))
    safe(ok(invoke("import", str(exported))))
    (back,) = json.loads(ok(invoke("list", "--output", "json")).stdout)
    for key in ("title", "notes", "outcome", "venue", "country", "participants", "sources"):
        assert back[key] == json.loads(hostile.read_text())["events"][0][key], key
    assert back["history"][0]["reason"] == TEXT


def test_import_warnings_show_a_hostile_uid_safely(invoke: Any, tmp_path: Path) -> None:
    path = tmp_path / "evil.ics"
    path.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\n"
        b"UID:evil\x1b[2J\xc2\x9b31m\r\nSUMMARY:s\r\nDTSTART:20230101T100000Z\r\n"
        b"RDATE:20230102T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    safe(invoke("import", str(path), "--dry-run"))


def test_an_error_naming_a_hostile_value_is_shown_safely(invoke: Any, hostile: Path) -> None:
    safe(invoke("show", "x\x1b[2J\u202e"))
    safe(invoke("list", "--format", "x\x1b[2J"))
    safe(invoke("--tz", "Mars\x1b[2J", "list"))
