"""A format's regular meetings (formats.<key>.meets), a recurring event under the format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import BUNDLED
from helpers import digest

from summit_cli import store

MEETS = """\
  osce:
    name: OSCE Permanent Council
    description: The Organization for Security and Co-operation in Europe, in Vienna
    timezone: Europe/Vienna
    meets:                      # the Council's regular weekly meeting
      rrule: FREQ=WEEKLY;BYDAY=TH
      start: "2022-01-20T10:00"
      end: "2022-01-20T13:00"
      kind: council
      city: Vienna
      exdates: ["2022-02-03"]
"""


def _with_meets(path: Path) -> Path:
    text = BUNDLED.read_text(encoding="utf-8")
    start = text.index("  osce:\n")
    end = text.index("\n\n", start) + 1
    path.write_text(text[:start] + MEETS + text[end:], encoding="utf-8")
    return path


def _ids(result: Any) -> list[str]:
    assert result.exit_code == 0, result.stderr
    found: list[str] = result.stdout.split()
    return found


def test_the_regular_meetings_are_expanded_like_a_recurring_event(
    invoke: Any, store_path: Path
) -> None:
    _with_meets(store_path)
    result = invoke(
        "--now", "2022-01-14", "upcoming", "--format", "osce", "--within", "4w", "--output", "json"
    )
    records = json.loads(result.stdout)
    assert [(r["id"], r["occurrence"]) for r in records] == [
        ("osce-meets", "2022-01-20"),
        ("osce-meets", "2022-01-27"),
        ("osce-meets", "2022-02-10"),  # 2022-02-03 is an exception date
    ]
    assert {r["title"] for r in records} == {"OSCE Permanent Council"}  # the format's name
    assert records[0]["start_local"] == "2022-01-20T10:00:00+01:00"  # the format's zone
    assert _ids(invoke("--now", "2022-01-14", "next", "--format", "osce", "--field", "id")) == [
        "osce-meets"
    ]


def test_show_and_formats_know_the_regular_meetings(invoke: Any, store_path: Path) -> None:
    _with_meets(store_path)
    shown = invoke("--now", "2022-01-14", "show", "osce-meets", "--output", "plain")
    assert shown.exit_code == 0, shown.stderr
    assert "FREQ=WEEKLY;BYDAY=TH" in shown.stdout
    assert "2022-01-27 Thu 10:00–13:00 CET" in shown.stdout
    formats = json.loads(invoke("--now", "2022-01-14", "formats", "--output", "json").stdout)
    osce = next(f for f in formats if f["key"] == "osce")
    assert osce["next_id"] == "osce-meets"
    assert osce["next_countdown"] == "in 6 days"


def test_the_regular_meetings_are_changed_in_the_store_not_by_id(
    invoke: Any, store_path: Path
) -> None:
    _with_meets(store_path)
    before = digest(store_path)
    for args in (
        ["edit", "osce-meets", "--set", "notes=x"],
        ["cancel", "osce-meets"],
        ["remove", "osce-meets", "--yes"],
    ):
        result = invoke(*args)
        assert result.exit_code == 1
        assert "formats.osce.meets" in result.stderr
    assert digest(store_path) == before


def test_writes_keep_the_meets_block(invoke: Any, store_path: Path) -> None:
    _with_meets(store_path)
    assert invoke("add", "Extra", "--start", "2022-05-01", "--format", "osce").exit_code == 0
    assert MEETS in store_path.read_text(encoding="utf-8")
    assert store.load(store_path).store.formats["osce"].meets is not None


def test_bad_meets_are_located(invoke: Any, store_path: Path, tmp_path: Path) -> None:
    for bad, message in (
        (MEETS.replace("      rrule: FREQ=WEEKLY;BYDAY=TH\n", ""), "needs an rrule"),
        (MEETS.replace('      start: "2022-01-20T10:00"\n', ""), "start is required"),
        (MEETS.replace("      kind: council\n", "      id: other\n"), "cannot be set here"),
    ):
        path = tmp_path / "bad.yaml"
        text = BUNDLED.read_text(encoding="utf-8")
        start = text.index("  osce:\n")
        end = text.index("\n\n", start) + 1
        path.write_text(text[:start] + bad + text[end:], encoding="utf-8")
        result = invoke("--store", str(path), "list")
        assert result.exit_code == 3
        assert "formats.osce.meets" in result.stderr and message in result.stderr


def test_an_event_cannot_take_the_id_of_the_regular_meetings(invoke: Any, store_path: Path) -> None:
    _with_meets(store_path)
    result = invoke(
        "add", "Clash", "--start", "2022-05-01", "--format", "osce", "--id", "osce-meets"
    )
    assert result.exit_code == 3
    assert "osce-meets" in result.stderr
