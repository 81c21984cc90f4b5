"""No crash, no hang, no slow refusal: far dates, pipes, rules that never match, hostile
values, big bad files, one verdict for every reader (issue 12, items 6 to 11)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import INVALID_DATA, IO_ERROR, USAGE, digest, failed, ok

from summit_cli import query, recurrence
from summit_cli.fromplain import store_from_plain
from summit_cli.model import MAX_DATE, MIN_DATE

SUMMITS = str(Path(sys.executable).with_name("summits"))


def store_with(tmp_path: Path, *events: dict[str, Any], name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"version": 1, "events": list(events)}))
    return path


# ------------------------------------------------------------- 6. far dates


@pytest.mark.parametrize(
    "args",
    [
        ["add", "TBD", "--start", "9999-12-31", "--tz", "UTC"],
        ["add", "Old", "--start", "0001-01-01", "--tz", "UTC"],
        ["add", "Offset", "--start", "2022-01-10T10:00+23:59"],
        ["--now", "0001-01-01", "calendar"],
        ["--now", "9999-12-31 23:59", "show", "2022-01-10-geneva-ssd"],
        ["--now", "9999-12-31", "format", "geneva"],
        ["list", "--from", "9999-12-31"],
        ["edit", "2022-01-10-geneva-ssd", "--start", "9999-01-01"],
        ["postpone", "2022-01-10-geneva-ssd", "--to", "0500-01-01"],
    ],
)
def test_dates_out_of_range_are_refused_at_every_door(
    invoke: Any, store_path: Path, args: list[str]
) -> None:
    before = digest(store_path)
    failed(invoke(*args), USAGE)
    assert digest(store_path) == before


@pytest.mark.parametrize(
    "field",
    ['start: "9999-12-31"', 'start: "2022-01-10T10:00+23:59"', 'start: "0999-12-31"'],
)
def test_a_store_with_a_date_out_of_range_is_refused_with_its_line(
    invoke: Any, tmp_path: Path, field: str
) -> None:
    path = tmp_path / "far.yaml"
    path.write_text(f"version: 1\nevents:\n  - title: Far\n    {field}\n")
    for command in ("list", "upcoming", "validate", "export"):
        result = invoke("--store", str(path), command)
        assert result.exit_code == INVALID_DATA, (command, result.stderr)
        said = result.stdout + result.stderr
        assert "line 4" in said or f"{path}:4:" in said


def test_imports_refuse_far_dates(invoke: Any, tmp_path: Path, store_path: Path) -> None:
    far = tmp_path / "far.ics"
    far.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\nUID:far\r\n"
        "SUMMARY:far\r\nDTSTART;VALUE=DATE:99991231\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    before = digest(store_path)
    # A calendar is read as calendar programs read it: the event is skipped and said...
    result = invoke("import", str(far))
    assert result.exit_code == 0 and "skipped" in result.stderr and "9999" in result.stderr
    assert digest(store_path) == before
    # ...and with --strict, the whole file is refused.
    assert invoke("import", "--strict", str(far)).exit_code == INVALID_DATA
    assert digest(store_path) == before


@pytest.mark.parametrize(
    "now", [f"{MIN_DATE} 00:00", f"{MAX_DATE} 23:59", f"{MIN_DATE}", f"{MAX_DATE}"]
)
@pytest.mark.parametrize(
    "command",
    [
        ["list"],
        ["upcoming"],
        ["calendar", "--months", "2"],
        ["timeline"],
        ["format", "geneva"],
        ["formats"],
        ["show", "osce-meets"],
        ["countdown", "osce-meets"],
        ["export", "--output", "json"],
    ],
)
def test_every_view_works_at_the_edges_of_the_supported_range(
    invoke: Any, store_path: Path, now: str, command: list[str]
) -> None:
    # The formats' regular meetings give a series to expand at the edges too.
    text = store_path.read_text().replace(
        "    timezone: Europe/Vienna\n",
        "    timezone: Europe/Vienna\n"
        '    meets: {start: "2022-01-13T10:00", rrule: "FREQ=WEEKLY;BYDAY=TH"}\n',
        1,
    )
    store_path.write_text(text)
    result = invoke("--now", now, *command)
    assert result.exit_code in (0, 1), (result.exit_code, result.stderr)
    assert "internal error" not in result.stderr


def test_an_until_out_of_range_is_refused() -> None:
    _, problems = store_from_plain(
        {
            "version": 1,
            "events": [
                {
                    "title": "S",
                    "start": "2022-01-10",
                    "rrule": "FREQ=DAILY;UNTIL=99991231",
                }
            ],
        }
    )
    assert problems and "out of range" in problems[0].what


# -------------------------------------------------------- 7. not a file


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize("command", [["list"], ["add", "X", "--start", "2022-01-01"], ["validate"]])
def test_a_fifo_as_the_store_is_refused_not_waited_on(tmp_path: Path, command: list[str]) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    done = subprocess.run(
        [SUMMITS, "--store", str(fifo), *command],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
        env={**os.environ, "SUMMITS_CACHE": "0"},
    )
    assert time.monotonic() - started < 10
    assert done.returncode == IO_ERROR, done.stderr
    assert "not a regular file" in done.stderr
    # The lock of the refused write was released: another writer gets it at once.
    lock = fifo.with_name(fifo.name + ".lock")
    if lock.exists():
        import fcntl

        with lock.open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_a_folder_as_an_import_file_is_refused(invoke: Any, tmp_path: Path) -> None:
    folder = tmp_path / "cal.ics"
    folder.mkdir()
    failed(invoke("import", str(folder)), IO_ERROR, "folder")


# ---------------------------------------------- 8. rules that never match


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=YEARLY;BYYEARDAY=366;BYMONTH=1",
        "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=31",
        "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29",
    ],
)
def test_a_rule_that_never_matches_is_refused_quickly(rule: str) -> None:
    started = time.monotonic()
    _, problems = store_from_plain(
        {"version": 1, "events": [{"title": "S", "start": "2021-03-01", "rrule": rule}]}
    )
    assert time.monotonic() - started < 2
    assert problems and "no occurrence" in problems[0].what


def test_a_rarely_matching_rule_is_accepted_and_bounded() -> None:
    store, problems = store_from_plain(
        {
            "version": 1,
            "events": [
                {
                    "title": "Leap",
                    "start": "2021-03-01",
                    "rrule": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29",
                }
            ],
        }
    )
    assert problems == []
    from datetime import UTC, datetime

    started = time.monotonic()
    found = list(
        recurrence.occurrences(
            store.events[0], UTC, datetime(2090, 1, 1, tzinfo=UTC), datetime(2101, 1, 1, tzinfo=UTC)
        )
    )
    assert time.monotonic() - started < 2  # the series began in 2021: not walked from there
    assert [o.day.isoformat() for o in found][:2] == ["2092-02-29", "2096-02-29"]


def test_100000_exdates_cost_little(tmp_path: Path) -> None:
    from datetime import UTC, date, datetime, timedelta

    exdates = [(date(2000, 1, 1) + timedelta(days=2 * i)).isoformat() for i in range(100_000)]
    store, problems = store_from_plain(
        {
            "version": 1,
            "events": [
                {"title": "D", "start": "2000-01-01", "rrule": "FREQ=DAILY", "exdates": exdates}
            ],
        }
    )
    assert problems == []
    started = time.monotonic()
    placed = query.place(
        store.events, UTC, now=datetime(2022, 1, 1, tzinfo=UTC), lo=datetime(2000, 1, 1, tzinfo=UTC)
    )
    assert time.monotonic() - started < 5
    assert placed[0].occurrence == date(2000, 1, 2)  # every other day skipped
    assert all(p.occurrence and (p.occurrence - date(2000, 1, 2)).days % 2 == 0 for p in placed)
    assert len(placed) == (datetime(2023, 1, 1) - datetime(2000, 1, 1)).days // 2


# ---------------------------------------------------- 9. internal errors


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('version: 1\nevents:\n  - title: "a \\U00110000 b"\n    start: "2022-01-10"\n', "YAML"),
        ("version: 1\n? [a, b]\n: x\nevents: []\n", "not text"),
        (
            'version: 1\nevents:\n  - title: x\n    start: "2022-01-10"\n    rrule: "FREQ=WEEKLY;'
            'BYDAY=+99999999999MO"\n',
            "BYDAY",
        ),
        ('version: 1\nevents:\n  - title: x\n    start: "2022-01-10"\n    round: "²"\n', "round"),
    ],
)
def test_hostile_values_in_a_store_are_clean_errors(
    invoke: Any, tmp_path: Path, text: str, fragment: str
) -> None:
    path = tmp_path / "h.yaml"
    path.write_text(text)
    for command in ("list", "validate"):
        result = invoke("--store", str(path), command)
        assert result.exit_code == INVALID_DATA, (command, result.stderr)
        assert fragment in result.stdout + result.stderr
        assert "internal error" not in result.stderr


def _ics(*lines: str) -> str:
    body = "\r\n".join(lines)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\nUID:u\r\nSUMMARY:s\r\n"
        f"DTSTART:20220110T100000Z\r\n{body}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


@pytest.mark.parametrize(
    "lines",
    [
        ["X-SUMMITS-ROUND:²"],
        ["X-SUMMITS-ROUND:" + "9" * 5000],
        ["X-SUMMITS-HISTORY:" + "[" * 5000 + "]" * 5000],
        ["DURATION:P99999999W"],
        ["RRULE:FREQ=MONTHLY;BYDAY=+99999999999MO"],
    ],
)
def test_hostile_values_in_an_import_are_clean_errors(
    invoke: Any, tmp_path: Path, store_path: Path, lines: list[str]
) -> None:
    path = tmp_path / "h.ics"
    path.write_text(_ics(*lines))
    # Read as calendar programs do: the hostile value is left out and said, briefly.
    result = invoke("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "warning" in result.stderr and "internal error" not in result.stderr
    assert len(result.stderr) < 2000  # a 5000-digit value is not repeated whole
    # With --strict: refused, briefly, the store unchanged.
    result = invoke("--store", str(tmp_path / "strict.yaml"), "import", "--strict", str(path))
    assert result.exit_code == INVALID_DATA, result.stderr
    assert "internal error" not in result.stderr and len(result.stderr) < 2000
    assert not (tmp_path / "strict.yaml").exists()


@pytest.mark.parametrize("args", [["edit", "2022-01-10-geneva-ssd", "--set", "round=²"]])
def test_hostile_values_typed_are_clean_errors(invoke: Any, args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code in (USAGE, INVALID_DATA)
    assert "internal error" not in result.stderr


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e308", "-1", "86401"])
def test_bad_lock_timeouts_are_usage_errors(invoke: Any, value: str) -> None:
    failed(invoke("--lock-timeout", value, "add", "X", "--start", "2022-01-01"), USAGE, "seconds")


def test_a_tiny_lock_timeout_on_a_busy_store_says_busy(store_path: Path) -> None:
    import fcntl

    lock = store_path.with_name(store_path.name + ".lock")
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        done = subprocess.run(
            [SUMMITS, "--lock-timeout", "0.00001", "add", "X", "--start", "2022-01-01"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    assert done.returncode == 4, done.stderr
    assert "busy" in done.stderr


# ------------------------------------------------------- 10. slow refusals


@pytest.mark.slow
def test_a_big_bad_yaml_store_is_refused_in_seconds(invoke: Any, tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    lines = ["version: 1", "events:"]
    for i in range(120_000):
        lines += [f"  - id: e{i}", f"    title: Event {i}", '    start: "2022-01-10"']
    lines.append("  - id: &anchor bad")  # near the end: hostile
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size > 4 * 1024 * 1024
    started = time.monotonic()
    result = invoke("--store", str(path), "list")
    assert time.monotonic() - started < 20
    assert result.exit_code == INVALID_DATA
    assert f"line {len(lines)}" in result.stderr and "anchors" in result.stderr


@pytest.mark.slow
def test_many_unknown_keys_validate_fast(invoke: Any, tmp_path: Path) -> None:
    path = tmp_path / "keys.yaml"
    keys = "\n".join(f"    k{i}: v" for i in range(30_000))
    path.write_text(f'version: 1\nevents:\n  - title: x\n    start: "2022-01-10"\n{keys}\n')
    started = time.monotonic()
    result = invoke("--store", str(path), "validate", "--strict", "--output", "json")
    assert time.monotonic() - started < 10
    assert result.exit_code == INVALID_DATA
    unknown = [f for f in json.loads(result.stdout) if f["message"].startswith("unknown key")]
    assert len(unknown) == 30_000


def test_a_long_import_report_is_summarised(invoke: Any, tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    path.write_text(
        json.dumps([{"title": f"M {i}", "start": "2023-01-01", "id": f"m-{i}"} for i in range(500)])
    )
    result = ok(invoke("import", str(path)))
    added = next(line for line in result.stderr.splitlines() if "added:" in line)
    assert "and 490 more" in added
    assert len(added) < 300


@pytest.mark.slow
def test_importing_many_records_is_not_quadratic(invoke: Any, tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    count = 5000
    path.write_text(
        json.dumps(
            [{"title": f"M {i}", "start": "2023-01-01", "city": "Geneva"} for i in range(count)]
        )
    )
    started = time.monotonic()
    ok(invoke("import", str(path)))
    assert time.monotonic() - started < 20
    assert len(json.loads(ok(invoke("list", "--output", "json")).stdout)) >= count


# ---------------------------------------------------- 11. one verdict


@pytest.mark.parametrize("separator", ["\u2028", "\x85", "\u2029"])
def test_every_command_gives_the_same_verdict_on_unusual_line_breaks(
    invoke: Any, tmp_path: Path, separator: str
) -> None:
    path = tmp_path / "breaks.yaml"
    path.write_text(
        f'version: 1{separator}events:\n  - title: "In{separator}side"\n    start: "2022-01-10"\n',
        encoding="utf-8",
    )
    verdicts = {
        command: invoke("--store", str(path), *args).exit_code
        for command, args in {
            "list": ["list"],
            "add": ["add", "X", "--start", "2022-01-01", "--dry-run"],
            "validate": ["validate"],
            "export": ["export"],
        }.items()
    }
    assert len(set(verdicts.values())) == 1, verdicts


def test_a_value_with_nel_inside_quotes_reads_the_same_everywhere(
    invoke: Any, tmp_path: Path
) -> None:
    path = tmp_path / "nel.yaml"
    path.write_text('version: 1\nevents:\n  - title: "A\\NB"\n    start: "2022-01-10"\n')
    titles = {
        ok(invoke("--store", str(path), "list", "--output", "json")).stdout,
        ok(invoke("--store", str(path), "list", "--output", "json")).stdout,  # cached
    }
    assert len(titles) == 1
    assert json.loads(titles.pop())[0]["title"] == "A\x85B"
    ok(invoke("--store", str(path), "validate"))


def test_readers_never_wait_for_a_writer(tmp_path: Path, store_path: Path) -> None:
    import fcntl

    lock = store_path.with_name(store_path.name + ".lock")
    results: list[int] = []
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)

        def read() -> None:
            done = subprocess.run([SUMMITS, "list"], capture_output=True, timeout=20, check=False)
            results.append(done.returncode)

        thread = threading.Thread(target=read)
        thread.start()
        thread.join(20)
    assert results == [0]
