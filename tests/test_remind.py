"""`summits remind`: a simulated week of cron runs, series, output, options and the record.

Processes (overlapping runs, kills, --exec) are in tests/test_remind_exec.py.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import IO_ERROR, NOT_FOUND, USAGE, as_json, digest, failed, forbidden, ok

from summit_cli.cli.remind import ALERT_KEYS

DINNER = "2022-01-09-geneva-dinner@2022-01-09T00:00"
SSD = "2022-01-10-geneva-ssd@2022-01-10T00:00"
NRC = "2022-01-12-brussels-nrc@2022-01-12T00:00"
OSCE = "2022-01-13-vienna-osce@2022-01-13T00:00"


def record_of(store: Path) -> dict[str, Any]:
    alerts: dict[str, Any] = json.loads(store.with_name(store.name + ".alerts.json").read_text())
    return alerts


def remind(invoke: Any, now: str, *args: str) -> Any:
    return invoke("--now", now, "remind", *args)


def sent(result: Any) -> list[dict[str, Any]]:
    """The records a ``--output jsonl`` run printed."""
    return [json.loads(line) for line in ok(result).stdout.splitlines()]


def add_events(store: Path, text: str) -> None:
    """Append event records (YAML, indented as list items) to the store's events."""
    store.write_text(store.read_text(encoding="utf-8") + text, encoding="utf-8")


# ------------------------------------------------------------------ a week of cron


@pytest.mark.slow
def test_a_week_of_cron_runs_every_15_minutes_with_two_sleeps(
    invoke: Any, store_path: Path
) -> None:
    """Runs every 15 minutes from 5 to 14 January 2022; the machine sleeps the night of the
    9th and from the evening of the 10th to the evening of the 11th."""
    asleep = [
        (datetime(2022, 1, 9, 18), datetime(2022, 1, 10, 6)),
        (datetime(2022, 1, 10, 20), datetime(2022, 1, 11, 22)),
    ]
    moment, log = datetime(2022, 1, 5), []
    while moment <= datetime(2022, 1, 14):
        if not any(lo < moment < hi for lo, hi in asleep):
            result = remind(invoke, moment.isoformat(), "--before", "7d,1d,2h", "-o", "jsonl")
            log += [(moment.isoformat(), r["alert"], r["late_seconds"]) for r in sent(result)]
        moment += timedelta(minutes=15)
    assert log == [
        # 7 days before the NRC was 23:00 UTC on the 4th: the first run is an hour late.
        ("2022-01-05T00:00:00", f"{NRC}/7d", 3600),
        ("2022-01-05T23:00:00", f"{OSCE}/7d", 0),
        ("2022-01-07T23:00:00", f"{DINNER}/1d", 0),
        ("2022-01-08T21:00:00", f"{DINNER}/2h", 0),
        ("2022-01-08T23:00:00", f"{SSD}/1d", 0),
        # asleep at 21:00 on the 9th: sent on waking, 9 h late, the round being under way
        ("2022-01-10T06:00:00", f"{SSD}/2h", 9 * 3600),
        # asleep when the NRC's 1d and 2h fell due: only the 2h one goes out
        ("2022-01-11T22:00:00", f"{NRC}/2h", 3600),
        ("2022-01-11T23:00:00", f"{OSCE}/1d", 0),
        ("2022-01-12T21:00:00", f"{OSCE}/2h", 0),
    ]
    # Two 7d reminders were due more than a day (--grace) before the first run: dropped.
    alerts = record_of(store_path)["alerts"]
    assert alerts[f"{NRC}/1d"]["fate"] == "superseded"
    assert f"{SSD}/7d" not in alerts
    assert sum(1 for a in alerts.values() if a["fate"] == "sent") == len(log)
    # Months later the record forgets them all: it stays small.
    ok(remind(invoke, "2022-06-01", "--before", "7d,1d,2h"))
    assert record_of(store_path)["alerts"] == {}


def test_a_weekly_series_reminds_for_each_occurrence(invoke: Any, store_path: Path) -> None:
    add_events(
        store_path,
        """
  - id: weekly-call
    title: Weekly coordination call
    kind: call
    start: "2022-01-06T10:00"
    end: "2022-01-06T11:00"
    timezone: Europe/Vienna
    rrule: FREQ=WEEKLY;COUNT=4
    exdates: ["2022-01-13"]
""",
    )
    log = []
    moment = datetime(2022, 1, 5, 2)
    while moment < datetime(2022, 2, 5):  # every 3 hours: 08:00 UTC is a run
        args = ("--before", "1h", "--search", "coordination", "-o", "jsonl")
        result = remind(invoke, moment.isoformat(), *args)
        log += [(moment.isoformat(), r["alert"], r["occurrence"]) for r in sent(result)]
        moment += timedelta(hours=3)
    assert log == [
        ("2022-01-06T08:00:00", "weekly-call@2022-01-06T10:00/1h", "2022-01-06"),
        ("2022-01-20T08:00:00", "weekly-call@2022-01-20T10:00/1h", "2022-01-20"),
        ("2022-01-27T08:00:00", "weekly-call@2022-01-27T10:00/1h", "2022-01-27"),
    ]


def test_a_rescheduled_event_reminds_again_for_its_new_date(invoke: Any, store_path: Path) -> None:
    assert remind(invoke, "2022-01-08T23:00", "--before", "1d").stdout.startswith("Strategic")
    ok(
        invoke(
            "--now", "2022-01-09T08:00", "postpone", "2022-01-10-geneva-ssd", "--to", "2022-01-20"
        )
    )
    assert remind(invoke, "2022-01-09T23:00", "--before", "1d").stdout == ""
    again = remind(invoke, "2022-01-18T23:05", "--before", "1d")
    assert ok(again).stdout == (
        "Strategic Stability Dialogue (geneva #3): tomorrow (2022-01-20 Thu, Geneva) [1d before]\n"
    )


def test_cancelled_events_and_filters(invoke: Any, store_path: Path) -> None:
    ok(invoke("--now", "2022-01-05", "cancel", "2022-01-13-vienna-osce"))
    result = remind(invoke, "2022-01-11T23:00", "--before", "1d", "--grace", "3d", "-o", "jsonl")
    assert [r["id"] for r in sent(result)] == ["2022-01-12-brussels-nrc"]
    # The bundled events are marked held: --status scheduled leaves them out.
    assert remind(invoke, "2022-01-08T23:00", "--status", "scheduled").stdout == ""
    geneva = remind(invoke, "2022-01-08T23:00", "--format", "geneva", "--dry-run", "-o", "jsonl")
    assert [r["id"] for r in sent(geneva)] == ["2022-01-09-geneva-dinner", "2022-01-10-geneva-ssd"]


# -------------------------------------------------------------------------- output


def test_plain_lines_say_the_lead_lateness_and_countdown(invoke: Any) -> None:
    result = remind(invoke, "2022-01-09T01:30", "--before", "1d,2h")
    assert ok(result).stdout == (
        "Strategic Stability Dialogue working dinner (geneva): today (2022-01-09 Sun, Geneva) "
        "[2h before, 4 h 30 min late]\n"
        "Strategic Stability Dialogue (geneva #3): tomorrow (2022-01-10 Mon, Geneva) "
        "[1d before, 2 h 30 min late]\n"
    )
    assert result.stderr == ""


def test_json_is_an_array_of_documented_records(invoke: Any) -> None:
    data = as_json(remind(invoke, "2022-01-08T23:05", "--before", "1d", "-o", "json"))
    assert [list(r) for r in data] == [list(ALERT_KEYS)]
    assert data[0] | {"message": ""} == {
        "alert": f"{SSD}/1d",
        "id": "2022-01-10-geneva-ssd",
        "title": "Strategic Stability Dialogue",
        "occurrence": None,
        "lead": "1d",
        "lead_seconds": 86400,
        "due_utc": "2022-01-08T23:00:00Z",
        "late": False,
        "late_seconds": 0,
        "retry": False,
        "start_utc": "2022-01-09T23:00:00Z",
        "start_local": "2022-01-10T00:00:00+01:00",
        "all_day": True,
        "starts_in_seconds": 86100,
        "countdown": "tomorrow",
        "kind": "round",
        "format": "geneva",
        "status": "held",
        "venue": "US Mission",
        "city": "Geneva",
        "country": "Switzerland",
        "message": "",
    }
    assert as_json(remind(invoke, "2022-01-08T23:05", "--before", "1d", "-o", "json")) == []


def test_every_machine_format_holds_one_record_per_reminder(invoke: Any) -> None:
    """Each format is written as reminders go out: one header, then a row each."""
    import csv
    import io

    import yaml

    args = ("--before", "7d,1d,2h", "--dry-run", "-o")
    expected = [r["alert"] for r in as_json(remind(invoke, "2022-01-08T23:05", *args, "json"))]
    assert len(expected) == 2
    table = list(
        csv.DictReader(io.StringIO(ok(remind(invoke, "2022-01-08T23:05", *args, "csv")).stdout))
    )
    assert [r["alert"] for r in table] == expected
    assert list(table[0]) == list(ALERT_KEYS)
    tsv = ok(remind(invoke, "2022-01-08T23:05", *args, "tsv")).stdout.splitlines()
    assert tsv[0].split("\t") == list(ALERT_KEYS)
    assert [line.split("\t")[0] for line in tsv[1:]] == expected
    records = yaml.safe_load(ok(remind(invoke, "2022-01-08T23:05", *args, "yaml")).stdout)
    assert [r["alert"] for r in records] == expected
    assert ok(remind(invoke, "2022-01-08T23:05", *args, "ids")).stdout.split() == [
        key.split("@")[0] for key in expected
    ]
    assert (
        ok(remind(invoke, "2022-01-08T23:05", *args, "table")).stdout
        == ok(remind(invoke, "2022-01-08T23:05", *args, "plain")).stdout
    )
    # Nothing due: an empty document, or nothing at all for lines.
    empty = {o: remind(invoke, "2022-03-01", *args, o).stdout for o in ("csv", "yaml", "ids")}
    assert empty["csv"].splitlines() == [",".join(ALERT_KEYS)]
    assert (empty["yaml"], empty["ids"]) == ("[]\n", "")


def test_dry_run_shows_what_is_due_and_records_nothing(invoke: Any, store_path: Path) -> None:
    dry = remind(invoke, "2022-01-08T23:05", "--before", "1d", "--dry-run", "--exec", "false")
    assert ok(dry).stdout.startswith("Strategic Stability Dialogue (geneva #3): tomorrow")
    assert dry.stderr == "summits: dry run: 1 reminder due; nothing was sent, run or recorded\n"
    assert list(store_path.parent.glob("*.alerts.json*")) == []
    assert ok(remind(invoke, "2022-01-08T23:05", "--before", "1d")).stdout == dry.stdout


def test_nothing_from_a_title_reaches_the_terminal_raw(invoke: Any, store_path: Path) -> None:
    add_events(
        store_path,
        """
  - id: hostile
    title: "Talks \\e[2J\\e]8;;https://evil.example\\aclick\\u202eevil\\nnext line"
    start: "2022-01-20T10:00"
    timezone: UTC
    city: "Gen\\x9beva"
""",
    )
    plain = remind(invoke, "2022-01-20T09:00", "--before", "1h")
    assert forbidden(ok(plain).stdout) == []
    assert "\\x1b[2J" in plain.stdout and "\\u202e" in plain.stdout
    assert plain.stdout.count("\n") == 1
    data = as_json(remind(invoke, "2022-01-20T09:10", "--before", "55min", "-o", "json"))
    assert data[0]["title"].startswith("Talks \x1b[2J")  # exact data, escaped by JSON


# ---------------------------------------------------------------- options and errors


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--before", ""], "lead times separated by commas"),
        (["--before", "7d,,1d"], "lead times separated by commas"),
        (["--before", "soon"], "cannot read 'soon' as a duration"),
        (["--before", "2y"], "as a duration"),
        (["--before", "400d"], "too long"),
        (["--grace", "100d"], "too long"),
        (["--grace", "later"], "as a duration"),
        (["--exec", ""], "--exec needs a command"),
        (["--exec", "  "], "--exec needs a command"),
        (["--exec", "'unclosed"], "cannot split it into words"),
        (["--exec", "no-such-program-summits --flag"], "not an executable program"),
        (["--exec", "true", "--exec-timeout", "0"], "--exec-timeout"),
        (["--exec", "true", "--exec-timeout", "nan"], "--exec-timeout"),
        (["--format", "nope"], "unknown format 'nope'"),
        (["--kind", "party"], "--kind 'party'"),
    ],
)
def test_bad_options_are_usage_errors_and_nothing_is_written(
    invoke: Any, store_path: Path, args: list[str], fragment: str
) -> None:
    before = digest(store_path)
    failed(remind(invoke, "2022-01-08T23:05", *args), USAGE, fragment)
    assert digest(store_path) == before
    assert list(store_path.parent.glob("*.alerts.json*")) == []


def test_an_unknown_output_is_refused(invoke: Any) -> None:
    result = remind(invoke, "2022-01-08T23:05", "--output", "xml")
    assert result.exit_code == USAGE
    assert result.stdout == ""


def test_a_damaged_record_is_refused_and_left_as_it_is(invoke: Any, store_path: Path) -> None:
    path = store_path.with_name(store_path.name + ".alerts.json")
    for text in [
        "{not json",
        '{"version": 2, "alerts": {}}',
        '{"version": 1, "alerts": []}',
        '{"version": 1, "alerts": {"k": {"due": "yesterday", "fate": "sent", "at": "x"}}}',
        '{"version": 1, "alerts": {"k": {"due": "2022-01-01T00:00", "fate": "sent", '
        '"at": "2022-01-01T00:00"}}}',
        '{"version": 1, "alerts": {"k": {"due": "2022-01-01T00:00Z", "fate": "lost", '
        '"at": "2022-01-01T00:00Z"}}}',
    ]:
        path.write_text(text)
        for extra in ([], ["--dry-run"]):
            failed(
                remind(invoke, "2022-01-08T23:05", *extra),
                3,
                "the record of sent reminders is damaged",
                "move it away",
            )
        assert path.read_text() == text
    path.write_bytes(b'{"version": 1, "alerts": {"\xff": 1}}')
    failed(remind(invoke, "2022-01-08T23:05"), 3, "not UTF-8")


def test_missing_store_and_read_only_folder(invoke: Any, tmp_path: Path) -> None:
    failed(invoke("--store", str(tmp_path / "none.yaml"), "remind"), NOT_FOUND)
    folder = tmp_path / "ro"
    folder.mkdir()
    store = folder / "summits.yaml"
    store.write_text("version: 1\nevents:\n  - {id: a, title: A, start: '2022-01-20T10:00'}\n")
    folder.chmod(0o555)
    try:
        from helpers import run_cli

        result = run_cli("--store", str(store), "--now", "2022-01-20T09:00", "remind")
        failed(result, IO_ERROR, "not writable")
    finally:
        folder.chmod(0o755)


def test_the_bundled_store_keeps_its_record_in_the_user_data_folder(
    invoke: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SUMMITS_STORE")
    result = remind(invoke, "2022-01-08T23:05", "--before", "1d")
    assert ok(result).stdout.startswith("Strategic Stability Dialogue")
    record = tmp_path / "xdg-data" / "summits" / "summits.yaml.alerts.json"
    assert list(json.loads(record.read_text())["alerts"]) == [f"{SSD}/1d"]
    assert not (tmp_path / "xdg-data" / "summits" / "summits.yaml").exists()
    assert remind(invoke, "2022-01-08T23:10", "--before", "1d").stdout == ""


def test_help_documents_the_exit_codes(invoke: Any) -> None:
    text = " ".join(ok(invoke("remind", "--help")).stdout.split())
    for fragment in ["0 ok", "4 another remind", "6 an --exec command failed", "at least once"]:
        assert fragment in text
