"""Command-level tests through Typer's CliRunner: what each command prints, and where.

Every test runs against a private copy of the bundled store (see conftest.py),
with the display zone UTC unless a test says otherwise.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED
from helpers import as_json, command_at, command_paths, digest, ids, ok

from summit_cli import __version__, store

SUMMIT = "2021-06-16-geneva-summit"
VIRTUAL = "2021-12-07-virtual-summit"
CALL = "2021-12-30-phone-call"
DINNER = "2022-01-09-geneva-dinner"
SSD = "2022-01-10-geneva-ssd"
NRC = "2022-01-12-brussels-nrc"
OSCE = "2022-01-13-vienna-osce"
ALL_IDS = [SUMMIT, VIRTUAL, CALL, DINNER, SSD, NRC, OSCE]

# The documented schema of an event (issue 2): every key is present in JSON output.
SCHEMA_KEYS = (
    "id",
    "title",
    "kind",
    "format",
    "round",
    "start",
    "end",
    "timezone",
    "venue",
    "city",
    "country",
    "participants",
    "status",
    "outcome",
    "sources",
    "tags",
    "notes",
)
LIST_KEYS = ("participants", "sources", "tags")
EVENT_KEYS = (*SCHEMA_KEYS, "start_utc", "end_utc")
COUNTDOWN_KEYS = ("phase", "starts_in_seconds", "countdown")
FORMAT_KEYS = (
    "key",
    "name",
    "description",
    "timezone",
    "events",
    "held",
    "last_id",
    "last_start",
    "next_id",
    "next_start",
    "next_countdown",
)


def by_id(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in records}


def line_with(text: str, fragment: str) -> str:
    matches = [line for line in text.splitlines() if fragment in line]
    assert matches, f"no line with {fragment!r} in:\n{text}"
    return matches[0]


def plain_tree(node: Any) -> Any:
    """A ruamel round-trip tree as plain dicts, lists and scalars."""
    if isinstance(node, dict):
        return {str(k): plain_tree(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain_tree(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return str(node)


@pytest.fixture
def json_store(tmp_path: Path) -> Path:
    """The bundled data as a .json store (built from the parsed YAML tree, not from our output)."""
    tree = store.load(BUNDLED).tree
    target = tmp_path / "copy" / "summits.json"
    target.parent.mkdir()
    target.write_text(json.dumps(plain_tree(tree), ensure_ascii=False, indent=2), "utf-8")
    return target


# --------------------------------------------------------------------- list


def test_list_shows_every_event_oldest_first(invoke: Any) -> None:
    assert ids(invoke, "list") == ALL_IDS
    text = ok(invoke("list")).stdout
    titles = [
        "Biden–Putin summit",
        "Biden–Putin virtual summit",
        "Biden–Putin year-end telephone call",
        "Strategic Stability Dialogue working dinner",
        "NATO–Russia Council",
        "OSCE Permanent Council",
    ]
    positions = [text.index(t) for t in titles]
    assert positions == sorted(positions)
    # Venue time and zone, and the time in the display zone (UTC here) where it differs.
    row = line_with(text, "virtual summit")
    assert "10:07" in row
    assert "15:07 UTC" in row
    assert "geneva #3" in line_with(text, "Strategic Stability Dialogue  ")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["list", "--format", "geneva"], [DINNER, SSD]),
        (["list", "-f", "osce"], [OSCE]),
        (["list", "--format", "geneva", "--format", "nrc"], [DINNER, SSD, NRC]),
        (["list", "--kind", "council"], [NRC, OSCE]),
        (["list", "--kind", "summit", "--kind", "call"], [SUMMIT, CALL]),
        (["list", "--status", "held"], ALL_IDS),
        (["list", "--city", "geneva"], [SUMMIT, DINNER, SSD]),
        (["list", "--country", "Belgium"], [NRC]),
        (["list", "--country", "austria"], [OSCE]),
        (["list", "--with", "sherman"], [DINNER]),
        (["list", "--with", "Russia"], [SSD, NRC]),
        (["list", "--with", "vladimir"], [SUMMIT, VIRTUAL, CALL]),
        (["list", "--tag", "leaders"], [SUMMIT, VIRTUAL, CALL]),
        (["list", "--tag", "leaders", "--tag", "ukraine"], [VIRTUAL]),
        (["list", "--tag", "SECURITY-GUARANTEES"], [CALL, DINNER, SSD, NRC, OSCE]),
        (["list", "--search", "working dinner"], [DINNER]),  # title
        (["list", "--search", "businesslike"], [CALL]),  # outcome
        (["list", "--search", "three formats"], [CALL, SSD]),  # outcome and notes
        (["list", "-s", "osce"], [CALL, OSCE]),
        (["list", "--limit", "2"], [SUMMIT, VIRTUAL]),
        (["list", "--reverse"], ALL_IDS[::-1]),
        (["list", "--reverse", "--limit", "2"], [OSCE, NRC]),
        (["list", "--city", "Geneva", "--kind", "round"], [SSD]),
        (["list", "--format", "geneva", "--from", "2022-01-10"], [SSD]),
    ],
)
def test_list_filters(invoke: Any, args: list[str], expected: list[str]) -> None:
    assert ids(invoke, *args) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # --from keeps what ends after it, --to what starts before it (overlap).
        (["list", "--from", "2022-01-01"], [DINNER, SSD, NRC, OSCE]),
        # A date as --to means the end of that day: the call at 20:35 UTC is in.
        (["list", "--to", "2021-12-30"], [SUMMIT, VIRTUAL, CALL]),
        # The virtual summit ran 15:07-17:08 UTC: a window inside it still meets it.
        (["list", "--from", "2021-12-07T16:00", "--to", "2021-12-07T16:30"], [VIRTUAL]),
        (["list", "--to", "2021-12-07T15:00"], [SUMMIT]),
        (["list", "--to", "2021-12-07T15:30"], [SUMMIT, VIRTUAL]),
        (["list", "--from", "2021-12-07T17:30", "--to", "2021-12-31"], [CALL]),
        # Day boundaries are the display zone's: the Vienna day of 13 January starts
        # at 23:00 UTC on the 12th, so it meets "--to 2022-01-12" when viewed in UTC...
        (["list", "--from", "2022-01-10", "--to", "2022-01-12"], [SSD, NRC, OSCE]),
        # ...but not when viewed from Zurich.
        (
            ["--tz", "Europe/Zurich", "list", "--from", "2022-01-10", "--to", "2022-01-12"],
            [SSD, NRC],
        ),
    ],
)
def test_list_from_to_overlap(invoke: Any, args: list[str], expected: list[str]) -> None:
    assert ids(invoke, *args) == expected


def test_list_nothing_matches_says_so_on_stderr_and_exits_0(invoke: Any) -> None:
    result = ok(invoke("list", "--status", "cancelled"))
    assert result.stdout == ""
    assert result.stderr.strip() == "summits: no events match"
    result = ok(invoke("list", "--status", "cancelled", "--output", "json"))
    assert json.loads(result.stdout) == []
    assert "no events match" in result.stderr


def test_list_output_json_has_every_key(invoke: Any) -> None:
    records = as_json(invoke("list", "--output", "json"))
    assert [r["id"] for r in records] == ALL_IDS
    for record in records:
        for key in EVENT_KEYS:
            assert key in record, (record["id"], key)
        for key in LIST_KEYS:
            assert isinstance(record[key], list)
    virtual = by_id(records)[VIRTUAL]
    assert virtual["city"] is None
    assert virtual["format"] is None
    assert virtual["start"] == "2021-12-07T10:07"
    assert virtual["end"] == "2021-12-07T12:08"
    assert virtual["timezone"] == "America/New_York"
    assert virtual["start_utc"] == "2021-12-07T15:07:00Z"
    assert virtual["end_utc"] == "2021-12-07T17:08:00Z"
    ssd = by_id(records)[SSD]
    assert ssd["round"] == 3
    assert ssd["start"] == "2022-01-10"
    assert ssd["end"] is None
    assert ssd["start_utc"] == "2022-01-09T23:00:00Z"  # midnight in Geneva
    assert ssd["participants"] == ["United States", "Russia"]
    assert ssd["status"] == "held"


def test_unset_lists_are_empty_lists_in_json(invoke: Any) -> None:
    new_id = ok(invoke("add", "Bare meeting", "--start", "2022-02-01")).stdout.strip()
    record = by_id(as_json(invoke("list", "--output", "json")))[new_id]
    for key in SCHEMA_KEYS:
        assert key in record
    assert record["participants"] == []
    assert record["sources"] == []
    assert record["tags"] == []
    for key in ("format", "round", "end", "venue", "city", "country", "outcome", "notes"):
        assert record[key] is None, key


# ----------------------------------------------------------------- upcoming


def test_upcoming_spec_example(invoke: Any) -> None:
    args = ("--now", "2021-12-31", "--tz", "Europe/Zurich", "upcoming", "--format", "geneva")
    text = ok(invoke(*args)).stdout
    dinner = line_with(text, "working dinner")
    talks = line_with(text, "Strategic Stability Dialogue  ")
    assert "in 9 days" in dinner
    assert "in 10 days" in talks
    assert text.index("working dinner") < text.index(talks)
    records = as_json(invoke(*args, "--output", "json"))
    assert [r["id"] for r in records] == [DINNER, SSD]
    assert [r["countdown"] for r in records] == ["in 9 days", "in 10 days"]
    assert [r["phase"] for r in records] == ["upcoming", "upcoming"]
    # 2021-12-31 00:00 in Zurich -> 2022-01-09 00:00 in Zurich: exactly 9 days.
    assert records[0]["starts_in_seconds"] == 9 * 86400


def test_upcoming_now_from_environment(invoke: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMITS_NOW", "2021-12-31")
    assert ids(invoke, "upcoming") == [DINNER, SSD, NRC, OSCE]


def test_upcoming_leaves_out_past_events_soonest_first(invoke: Any) -> None:
    assert ids(invoke, "--now", "2021-12-31", "upcoming") == [DINNER, SSD, NRC, OSCE]
    assert ids(invoke, "--now", "2022-01-11", "upcoming") == [NRC, OSCE]


@pytest.mark.parametrize(
    ("within", "expected"),
    [
        ("9d", [DINNER]),
        ("10d", [DINNER, SSD]),
        ("2w", [DINNER, SSD, NRC, OSCE]),
        ("216h", [DINNER]),
    ],
)
def test_upcoming_within(invoke: Any, within: str, expected: list[str]) -> None:
    assert ids(invoke, "--now", "2021-12-31", "upcoming", "--within", within) == expected


def test_upcoming_within_nothing(invoke: Any) -> None:
    result = ok(invoke("--now", "2021-12-31", "upcoming", "--within", "36h"))
    assert result.stdout == ""
    assert "no upcoming events match" in result.stderr


def test_upcoming_shows_ongoing_events(invoke: Any) -> None:
    records = as_json(invoke("--now", "2021-12-07T16:00", "upcoming", "--output", "json"))
    first = records[0]
    assert first["id"] == VIRTUAL
    assert first["phase"] == "ongoing"
    assert first["starts_in_seconds"] < 0
    assert first["countdown"].startswith("ongoing")


def test_upcoming_leaves_out_cancelled_unless_all(invoke: Any) -> None:
    cancelled = ok(
        invoke(
            "add",
            "Cancelled round",
            "--start",
            "2022-01-11",
            "--city",
            "Geneva",
            "--status",
            "cancelled",
        )
    ).stdout.strip()
    assert cancelled not in ids(invoke, "--now", "2021-12-31", "upcoming")
    assert ids(invoke, "--now", "2021-12-31", "upcoming", "--all") == [
        DINNER,
        SSD,
        cancelled,
        NRC,
        OSCE,
    ]
    assert cancelled in ids(invoke, "list")


def test_upcoming_nothing_names_latest_past_event(invoke: Any) -> None:
    result = ok(invoke("--now", "2023-01-01", "upcoming"))
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    # One sentence, then each hint on a line of its own (no line longer than 100 characters).
    assert len(lines) == 3 and all(len(line) <= 100 for line in lines)
    assert OSCE in lines[0]
    assert f"summits show {OSCE}" in lines[1]
    assert "summits --now 2022-01-13 upcoming" in lines[2]
    # The hint works: looking from then shows that event.
    assert ids(invoke, "--now", "2022-01-13", "upcoming") == [OSCE]


def test_upcoming_nothing_at_all(invoke: Any) -> None:
    result = ok(invoke("--now", "2020-01-01", "upcoming", "--search", "no such words"))
    assert result.stdout == ""
    assert result.stderr.strip() == "summits: no upcoming events match"


def test_upcoming_json_empty_is_an_empty_array(invoke: Any) -> None:
    result = ok(invoke("--now", "2023-01-01", "upcoming", "--output", "json"))
    assert json.loads(result.stdout) == []
    assert OSCE in result.stderr


# --------------------------------------------------------------------- show


def test_show_card(invoke: Any) -> None:
    text = ok(invoke("show", SSD)).stdout
    for fragment in (
        "Strategic Stability Dialogue",
        SSD,
        "round",
        "geneva",
        "US–Russia Strategic Stability Dialogue",
        "2022-01-10",
        "Europe/Zurich",
        "held",
        "US Mission, Geneva, Switzerland",
        "United States, Russia",
        "The first of the three formats agreed in the 30 December call.",
        "arms-control",
        "security-guarantees",
        "Xinhua / People's Daily Online",
    ):
        assert fragment in text, fragment


def test_show_times_at_venue_and_in_display_zone(invoke: Any) -> None:
    text = ok(invoke("--tz", "Europe/Moscow", "--now", "2021-12-01", "show", VIRTUAL)).stdout
    assert "10:07–12:08 EST" in text  # at the venue
    assert "18:07 MSK" in text  # in the display zone
    assert "America/New_York" in text
    assert "in " in line_with(text, "countdown")
    assert "Iran nuclear deal" in text  # outcome


def test_show_several_ids_in_the_order_given(invoke: Any) -> None:
    text = ok(invoke("show", OSCE, SSD)).stdout
    assert text.index("OSCE Permanent Council") < text.index("Strategic Stability Dialogue")
    assert SSD in text
    assert OSCE in text


def test_show_json(invoke: Any) -> None:
    records = as_json(invoke("--now", "2021-12-31", "show", SSD, OSCE, "--output", "json"))
    assert [r["id"] for r in records] == [SSD, OSCE]
    for record in records:
        for key in (*EVENT_KEYS, *COUNTDOWN_KEYS):
            assert key in record, key
    assert records[0]["countdown"] == "in 10 days"
    assert records[0]["round"] == 3
    assert records[1]["venue"] == "Hofburg"


# ------------------------------------------------------------------ formats


def test_formats_table(invoke: Any) -> None:
    text = ok(invoke("--now", "2021-12-31", "formats")).stdout
    geneva = line_with(text, "geneva")
    assert "US–Russia Strategic Stability Dialogue" in geneva
    assert re.search(r"\b2\b", geneva)  # two events
    assert "2022-01-09" in geneva  # next meeting
    assert "in 9 days" in geneva
    assert "NATO–Russia Council" in line_with(text, "nrc")
    assert "OSCE Permanent Council" in line_with(text, "osce")


def test_formats_json(invoke: Any) -> None:
    records = as_json(invoke("--now", "2022-01-11", "formats", "--output", "json"))
    assert [r["key"] for r in records] == ["geneva", "nrc", "osce"]
    for record in records:
        for key in FORMAT_KEYS:
            assert key in record, key
    geneva, nrc, _ = records
    assert geneva["name"] == "US–Russia Strategic Stability Dialogue"
    assert geneva["timezone"] == "Europe/Zurich"
    assert geneva["events"] == 2
    assert geneva["held"] == 2
    assert geneva["last_id"] == SSD
    assert geneva["next_id"] is None
    assert geneva["next_countdown"] is None
    assert nrc["next_id"] == NRC
    assert nrc["next_countdown"] == "tomorrow"
    assert nrc["last_id"] is None


def test_formats_add_then_use_it(invoke: Any, store_path: Path) -> None:
    result = ok(
        invoke(
            "formats",
            "add",
            "normandy",
            "--name",
            "Normandy Format",
            "--description",
            "France, Germany, Russia, Ukraine",
            "--tz",
            "Europe/Paris",
        )
    )
    assert result.stdout == "normandy\n"
    assert "normandy" in result.stderr
    assert "added" in result.stderr
    records = by_id_key(as_json(invoke("formats", "--output", "json")))
    assert records["normandy"]["name"] == "Normandy Format"
    assert records["normandy"]["description"] == "France, Germany, Russia, Ukraine"
    assert records["normandy"]["timezone"] == "Europe/Paris"
    assert records["normandy"]["events"] == 0
    # The new format's zone is used for an event that gives none.
    new_id = ok(
        invoke("add", "Paris meeting", "--start", "2022-02-01 10:00", "--format", "normandy")
    ).stdout.strip()
    record = by_id(as_json(invoke("list", "--output", "json")))[new_id]
    assert record["timezone"] == "Europe/Paris"
    assert record["start_utc"] == "2022-02-01T09:00:00Z"
    assert "normandy:" in store_path.read_text("utf-8")


def by_id_key(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["key"]: r for r in records}


# ---------------------------------------------------------------------- add


def test_add_prints_only_the_id_on_stdout(invoke: Any) -> None:
    result = ok(
        invoke(
            "add",
            "NATO–Russia Council follow-up",
            "--start",
            "2022-01-20 10:00",
            "--end",
            "16:30",
            "--format",
            "nrc",
            "--kind",
            "council",
            "--with",
            "NATO",
            "--with",
            "Russia",
        )
    )
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*\n", result.stdout)
    new_id = result.stdout.strip()
    assert new_id.startswith("2022-01-20")
    assert "nrc" in new_id  # generated from date, place and format
    assert new_id in result.stderr
    assert "added" in result.stderr
    record = by_id(as_json(invoke("list", "--output", "json")))[new_id]
    assert record["title"] == "NATO–Russia Council follow-up"
    assert record["start"] == "2022-01-20T10:00"  # the wall time as typed
    assert record["end"] == "2022-01-20T16:30"  # --end 16:30 means the start's day
    assert record["timezone"] == "Europe/Brussels"  # inferred from the format
    assert record["start_utc"] == "2022-01-20T09:00:00Z"
    assert record["end_utc"] == "2022-01-20T15:30:00Z"
    assert record["participants"] == ["NATO", "Russia"]
    assert record["kind"] == "council"
    assert record["format"] == "nrc"
    assert record["status"] == "scheduled"


def test_add_zone_from_city(invoke: Any) -> None:
    new_id = ok(
        invoke("add", "Vienna lunch", "--start", "2022-01-21 13:00", "--city", "Vienna")
    ).stdout.strip()
    assert "vienna" in new_id
    record = by_id(as_json(invoke("list", "--output", "json")))[new_id]
    assert record["timezone"] == "Europe/Vienna"
    assert record["start"] == "2022-01-21T13:00"
    assert record["start_utc"] == "2022-01-21T12:00:00Z"


def test_add_tz_wins_over_format(invoke: Any) -> None:
    new_id = ok(
        invoke(
            "add",
            "Moved",
            "--start",
            "2022-01-20 10:00",
            "--format",
            "nrc",
            "--tz",
            "Europe/Moscow",
        )
    ).stdout.strip()
    record = by_id(as_json(invoke("list", "--output", "json")))[new_id]
    assert record["timezone"] == "Europe/Moscow"
    assert record["start_utc"] == "2022-01-20T07:00:00Z"


def test_add_dateutil_form_keeps_the_time(invoke: Any) -> None:
    new_id = ok(
        invoke("add", "Council", "--start", "Jan 12 2022 10am", "--city", "Brussels")
    ).stdout.strip()
    record = by_id(as_json(invoke("list", "--output", "json")))[new_id]
    assert record["start"] == "2022-01-12T10:00"
    assert record["timezone"] == "Europe/Brussels"


def test_add_with_offset_has_known_instant(invoke: Any) -> None:
    new_id = ok(
        invoke("add", "Call", "--start", "2022-01-22 10:00", "--tz", "+03:00")
    ).stdout.strip()
    record = by_id(as_json(invoke("list", "--output", "json")))[new_id]
    assert record["start"] == "2022-01-22T10:00+03:00"
    assert record["start_utc"] == "2022-01-22T07:00:00Z"


def test_add_date_only_needs_no_zone(invoke: Any) -> None:
    new_id = ok(invoke("add", "Some day", "--start", "2022-02-01")).stdout.strip()
    record = by_id(as_json(invoke("list", "--output", "json")))[new_id]
    assert record["start"] == "2022-02-01"
    assert record["timezone"] is None


def test_add_date_order_reads_numeric_dates(invoke: Any) -> None:
    new_id = ok(
        invoke("--date-order", "dmy", "add", "Numeric", "--start", "01/02/2022")
    ).stdout.strip()
    assert by_id(as_json(invoke("list", "--output", "json")))[new_id]["start"] == "2022-02-01"


def test_add_every_option_is_stored(invoke: Any) -> None:
    result = ok(
        invoke(
            "add",
            "Fourth round",
            "--start",
            "2022-02-10 09:30",
            "--end",
            "2022-02-11 17:00",
            "--format",
            "geneva",
            "--round",
            "4",
            "--kind",
            "round",
            "--venue",
            "Palais des Nations",
            "--city",
            "Geneva",
            "--country",
            "Switzerland",
            "--with",
            "United States",
            "--with",
            "Russia",
            "--status",
            "postponed",
            "--source",
            "https://example.org/a",
            "--source",
            "A printed report",
            "--tag",
            "arms-control",
            "--outcome",
            "None yet",
            "--notes",
            "Dates may move",
            "--id",
            "geneva-round-4",
        )
    )
    assert result.stdout == "geneva-round-4\n"
    record = by_id(as_json(invoke("show", "geneva-round-4", "--output", "json")))["geneva-round-4"]
    assert record["title"] == "Fourth round"
    assert record["start"] == "2022-02-10T09:30"
    assert record["end"] == "2022-02-11T17:00"
    assert record["timezone"] == "Europe/Zurich"
    assert record["format"] == "geneva"
    assert record["round"] == 4
    assert record["kind"] == "round"
    assert record["venue"] == "Palais des Nations"
    assert record["city"] == "Geneva"
    assert record["country"] == "Switzerland"
    assert record["participants"] == ["United States", "Russia"]
    assert record["status"] == "postponed"
    assert record["sources"] == ["https://example.org/a", "A printed report"]
    assert record["tags"] == ["arms-control"]
    assert record["outcome"] == "None yet"
    assert record["notes"] == "Dates may move"


def test_add_keeps_yaml_comments_and_formatting(invoke: Any, store_path: Path) -> None:
    before = store_path.read_text("utf-8")
    ok(invoke("add", "New talks", "--start", "2022-02-01 10:00", "--format", "geneva"))
    after = store_path.read_text("utf-8")
    assert "# The bundled summits store" in after
    assert "# as announced by the White House (ET)" in after
    assert "# 23:35 in Moscow, already 31 December in Beijing" in after
    # Only insertions: every line of the old file is kept, in order, unchanged.
    ops = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines()).get_opcodes()
    assert [op for op in ops if op[0] in {"delete", "replace"}] == []
    assert "New talks" in after


def test_add_keeps_unknown_keys_yaml(invoke: Any, store_path: Path) -> None:
    text = store_path.read_text("utf-8")
    text = text.replace("version: 1\n", "version: 1\nx-top: keep me  # mine\n", 1)
    text = text.replace(
        "    timezone: Europe/Vienna\n\nevents:",
        "    timezone: Europe/Vienna\n    x-format-note: 7\n\nevents:",
        1,
    )
    text = text.replace(f"  - id: {SUMMIT}\n", f"  - id: {SUMMIT}\n    x-event: {{a: 1}}\n", 1)
    assert text.count("x-") == 3
    store_path.write_text(text, "utf-8")
    ok(invoke("add", "X", "--start", "2022-02-01", "--format", "osce"))
    after = store_path.read_text("utf-8")
    assert "x-top: keep me  # mine\n" in after
    assert "    x-format-note: 7\n" in after
    assert "    x-event: {a: 1}\n" in after


def test_add_keeps_unknown_keys_json(invoke: Any, json_store: Path) -> None:
    tree = json.loads(json_store.read_text("utf-8"))
    tree["x-top"] = "keep"
    tree["formats"]["osce"]["x-format-note"] = 7
    tree["events"][0]["x-event"] = {"a": [1, 2]}
    json_store.write_text(json.dumps(tree, ensure_ascii=False), "utf-8")
    new_id = ok(
        invoke("--store", str(json_store), "add", "X", "--start", "2022-02-01", "--format", "osce")
    ).stdout.strip()
    after = json.loads(json_store.read_text("utf-8"))
    assert after["x-top"] == "keep"
    assert after["formats"]["osce"]["x-format-note"] == 7
    assert after["events"][0]["x-event"] == {"a": [1, 2]}
    assert after["events"][-1]["id"] == new_id
    assert ids(invoke, "--store", str(json_store), "list")[-1] == new_id


def test_country_no_is_a_string(invoke: Any, store_path: Path) -> None:
    store_path.write_text(
        store_path.read_text("utf-8").replace("country: Belgium", "country: NO"), "utf-8"
    )
    records = as_json(invoke("list", "--country", "NO", "--output", "json"))
    assert [r["id"] for r in records] == [NRC]
    assert records[0]["country"] == "NO"


# ----------------------------------------------------------- machine output


COMMANDS = {
    "list": (["list"], EVENT_KEYS, ALL_IDS),
    "upcoming": (
        ["--now", "2021-12-31", "upcoming"],
        (*EVENT_KEYS, *COUNTDOWN_KEYS),
        [DINNER, SSD, NRC, OSCE],
    ),
    "show": (["show", SSD, CALL], (*EVENT_KEYS, *COUNTDOWN_KEYS), [SSD, CALL]),
    "formats": (["formats"], FORMAT_KEYS, ["geneva", "nrc", "osce"]),
}


def _key_of(record: dict[str, Any]) -> str:
    return str(record["id"] if "title" in record else record["key"])


@pytest.mark.parametrize("command", list(COMMANDS))
def test_output_json(invoke: Any, command: str) -> None:
    args, keys, expected = COMMANDS[command]
    records = as_json(invoke(*args, "--output", "json"))
    assert isinstance(records, list)
    assert [_key_of(r) for r in records] == expected
    for record in records:
        assert set(keys) <= set(record), set(keys) - set(record)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_output_jsonl(invoke: Any, command: str) -> None:
    args, keys, expected = COMMANDS[command]
    # A fixed "now": countdown keys would differ between two runs on the real clock.
    result = ok(invoke("--now", "2022-01-05T12:00", *args, "--output", "jsonl"))
    lines = result.stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert [_key_of(r) for r in records] == expected
    assert records == as_json(invoke("--now", "2022-01-05T12:00", *args, "--output", "json"))
    for record in records:
        assert set(keys) <= set(record)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_output_csv(invoke: Any, command: str) -> None:
    args, keys, expected = COMMANDS[command]
    result = ok(invoke(*args, "--output", "csv"))
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert rows
    assert set(keys) <= set(rows[0])
    first_key = "id" if command != "formats" else "key"
    assert [r[first_key] for r in rows] == expected


@pytest.mark.parametrize("command", list(COMMANDS))
def test_output_tsv(invoke: Any, command: str) -> None:
    args, keys, expected = COMMANDS[command]
    lines = ok(invoke(*args, "--output", "tsv")).stdout.splitlines()
    header = lines[0].split("\t")
    assert set(keys) <= set(header)
    rows = [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]
    first_key = "id" if command != "formats" else "key"
    assert [r[first_key] for r in rows] == expected


@pytest.mark.parametrize("command", list(COMMANDS))
def test_output_ids(invoke: Any, command: str) -> None:
    args, _, expected = COMMANDS[command]
    assert ok(invoke(*args, "--output", "ids")).stdout == "".join(f"{i}\n" for i in expected)


def test_csv_lists_and_values(invoke: Any) -> None:
    result = ok(invoke("list", "--format", "geneva", "--output", "csv"))
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    ssd = next(r for r in rows if r["id"] == SSD)
    assert ssd["participants"] == "United States;Russia"
    assert ssd["round"] == "3"
    assert ssd["end"] == ""
    assert ssd["start_utc"] == "2022-01-09T23:00:00Z"


def test_csv_neutralises_formulas(invoke: Any) -> None:
    ok(invoke("add", '=HYPERLINK("http://evil")', "--start", "2022-02-01"))
    ok(invoke("add", "@SUM(A1)", "--start", "2022-02-02"))
    rows = list(
        csv.DictReader(io.StringIO(ok(invoke("list", "--output", "csv")).stdout, newline=""))
    )
    titles = [r["title"] for r in rows]
    assert '\'=HYPERLINK("http://evil")' in titles
    assert "'@SUM(A1)" in titles
    assert not any(t.startswith(("=", "@")) for t in titles)
    # JSON keeps the raw text: neutralising is for spreadsheets only.
    json_titles = [r["title"] for r in as_json(invoke("list", "--output", "json"))]
    assert '=HYPERLINK("http://evil")' in json_titles


# ------------------------------------------------------- JSON store == YAML


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["--now", "2021-12-31", "list", "--output", "json"],
        ["--now", "2021-12-31", "list", "--format", "geneva", "--output", "csv"],
        ["--now", "2021-12-31", "upcoming"],
        ["--now", "2021-12-31", "upcoming", "--output", "json"],
        ["--now", "2021-12-31", "show", SSD, VIRTUAL],
        ["--now", "2021-12-31", "show", SSD, "--output", "json"],
        ["--now", "2021-12-31", "formats"],
        ["--now", "2021-12-31", "formats", "--output", "json"],
    ],
)
def test_json_store_gives_same_output_as_yaml(
    invoke: Any, store_path: Path, json_store: Path, args: list[str]
) -> None:
    from_yaml = ok(invoke("--store", str(store_path), *args))
    from_json = ok(invoke("--store", str(json_store), *args))
    assert from_json.stdout == from_yaml.stdout
    assert from_yaml.stdout.strip()


def test_reading_commands_leave_the_store_alone(invoke: Any, store_path: Path) -> None:
    before = digest(store_path)
    for args in (["list"], ["upcoming"], ["show", SSD], ["formats"]):
        ok(invoke(*args))
    assert digest(store_path) == before


# ------------------------------------------------------------ version, help


def test_version(invoke: Any) -> None:
    result = ok(invoke("--version"))
    assert result.stdout == f"summits {__version__}\n"


COMMAND_PATHS = command_paths()


def test_every_expected_command_exists() -> None:
    assert {("list",), ("upcoming",), ("show",), ("add",), ("formats",), ("formats", "add")} <= set(
        COMMAND_PATHS
    )


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda p: " ".join(p) or "summits")
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_on_every_command(invoke: Any, path: tuple[str, ...], flag: str) -> None:
    result = ok(invoke(*path, flag))
    assert result.stdout.startswith("Usage: summits")
    command = command_at(path)
    assert command.help and command.help.strip(), f"{path} has no help text"
    first_line = command.help.strip().splitlines()[0]
    assert first_line.split()[0] in result.stdout
    assert len(result.stdout.splitlines()) > 3


def test_every_option_has_help_text() -> None:
    missing = []
    for path in COMMAND_PATHS:
        for param in command_at(path).params:
            is_option = getattr(param, "param_type_name", "") == "option"
            if is_option and not (getattr(param, "help", None) or "").strip():
                missing.append(f"{' '.join(path)} {param.opts[0]}")
    assert missing == []


def test_listing_commands_mention_examples_in_help(invoke: Any) -> None:
    for command in ("list", "upcoming", "show", "add"):
        assert "Example:" in ok(invoke(command, "-h")).stdout


# ---------------------------------------------------------------- countdowns


@pytest.mark.parametrize(
    ("event", "now", "expected"),
    [
        (
            ["--start", "2022-02-01", "--end", "2022-02-02"],
            "2022-02-02 12:00",
            "ongoing, day 2 of 2",
        ),
        (["--start", "2022-02-01 10:00"], "2022-02-01 06:40", "in 3 h 20 min"),
        (["--start", "2022-02-01"], "2022-02-01 12:00", "today"),
        (["--start", "2022-02-01"], "2022-01-31 12:00", "tomorrow"),
        (["--start", "2022-02-01"], "2022-01-22 12:00", "in 10 days"),
    ],
)
def test_countdown_texts(invoke: Any, event: list[str], now: str, expected: str) -> None:
    new_id = ok(invoke("add", "Countdown", *event, "--city", "Geneva")).stdout.strip()
    records = as_json(invoke("--tz", "Europe/Zurich", "--now", now, "upcoming", "--output", "json"))
    assert by_id(records)[new_id]["countdown"] == expected
    text = ok(invoke("--tz", "Europe/Zurich", "--now", now, "upcoming")).stdout
    assert expected in line_with(text, "Countdown")


# ------------------------------------------------------------- default store


def test_default_store_is_bundled_then_copied_on_first_write(
    invoke: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SUMMITS_STORE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    bundled_bytes = BUNDLED.read_bytes()
    user_store = tmp_path / "xdg-data" / "summits" / "summits.yaml"
    try:
        assert ids(invoke, "list") == ALL_IDS  # read from the bundled store
        assert not user_store.exists()
        result = ok(invoke("add", "First own event", "--start", "2022-02-01"))
        new_id = result.stdout.strip()
        assert "created your store" in result.stderr
        assert str(user_store) in result.stderr
        assert user_store.is_file()
        assert ids(invoke, "list") == [*ALL_IDS, new_id]  # now read from the user's store
        # The second write does not announce a copy again.
        assert "created" not in ok(invoke("add", "Second", "--start", "2022-02-02")).stderr
    finally:
        changed = BUNDLED.read_bytes() != bundled_bytes
        if changed:  # never leave the repository's data damaged by a failing test
            BUNDLED.write_bytes(bundled_bytes)
    assert not changed, "a write went to the bundled store"
