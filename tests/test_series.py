"""Series with extra dates, changed occurrences and unknown keys (issue 13, the model side).

A changed occurrence (an override) shows at its own time in list, upcoming, countdown and
show; extra dates (rdates) are occurrences too; the start always counts as the first
occurrence (RFC 5545 §3.8.5.3), of a COUNT as well; keys summits does not know travel
with the event through every rewrite and export.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import INVALID_DATA, as_json, failed, ok

from summit_cli import query, recurrence
from summit_cli.fromplain import store_from_plain
from summit_cli.model import Override, Status, WallTime
from summit_cli.store.cache import decode, encode

SERIES = """\
version: 1
events:
  # The weekly council, with one meeting moved, one cancelled and one extra.
  - id: weekly
    title: OSCE Permanent Council
    start: "2022-01-13T10:00"
    end: "2022-01-13T13:00"
    timezone: Europe/Vienna
    rrule: FREQ=WEEKLY;BYDAY=TH;COUNT=6
    rdates: ["2022-01-25T15:00"]
    exdates: ["2022-02-03"]
    overrides:
      - of: "2022-01-20"
        start: "2022-01-21T11:00"
      - of: "2022-01-27"
        status: cancelled
        title: OSCE PC (no agenda)
    reviewed-by: anna  # a key summits does not know
    score: {x: [1, 2]}
"""

WHEN = [
    ("2022-01-13", "2022-01-13T09:00:00Z", "scheduled"),
    ("2022-01-20", "2022-01-21T10:00:00Z", "scheduled"),  # moved a day later, 11:00 CET
    ("2022-01-25", "2022-01-25T14:00:00Z", "scheduled"),  # the extra date
    ("2022-01-27", "2022-01-27T09:00:00Z", "cancelled"),
    ("2022-02-10", "2022-02-10T09:00:00Z", "scheduled"),  # 2022-02-03 skipped
    ("2022-02-17", "2022-02-17T09:00:00Z", "scheduled"),  # COUNT=6 reached
]


@pytest.fixture
def series_store(tmp_path: Path) -> Path:
    path = tmp_path / "series.yaml"
    path.write_text(SERIES, encoding="utf-8")
    return path


def _records(invoke: Any, path: Path, *args: str) -> list[dict[str, Any]]:
    result = invoke("--store", str(path), "--now", "2022-01-01", *args, "--output", "json")
    records: list[dict[str, Any]] = as_json(result)
    return records


def test_list_shows_moved_extra_skipped_and_cancelled_occurrences(
    invoke: Any, series_store: Path
) -> None:
    got = _records(invoke, series_store, "list")
    assert [(r["occurrence"], r["start_utc"], r["status"]) for r in got] == WHEN
    moved = got[1]
    assert (moved["start"], moved["end"]) == ("2022-01-21T11:00", "2022-01-21T14:00")
    assert got[3]["title"] == "OSCE PC (no agenda)"
    assert {r["id"] for r in got} == {"weekly"}


def test_upcoming_and_countdown_follow_the_moved_occurrence(
    invoke: Any, series_store: Path
) -> None:
    store = str(series_store)
    # On the 20th at noon the meeting of that day has moved to the 21st: still ahead.
    got = as_json(
        invoke("--store", store, "--now", "2022-01-20T12:00Z", "upcoming", "--output", "json")
    )
    assert [r["occurrence"] for r in got][:2] == ["2022-01-20", "2022-01-25"]
    # The cancelled occurrence is left out of upcoming, as cancelled events are.
    assert "2022-01-27" not in [r["occurrence"] for r in got]
    shown = ok(invoke("--store", store, "--now", "2022-01-20T12:00Z", "countdown", "weekly"))
    assert (
        shown.stdout
        == "OSCE Permanent Council: tomorrow 11:00 CET (2022-01-21 Fri 11:00–14:00 CET)\n"
    )
    card = ok(
        invoke("--store", store, "--now", "2022-01-20T12:00Z", "--tz", "UTC", "show", "weekly")
    )
    assert "2022-01-20: moved to 2022-01-21T11:00" in card.stdout
    assert "2022-01-27 Thu 10:00–13:00 CET (cancelled): OSCE PC (no agenda)" in card.stdout


def test_status_filter_finds_one_cancelled_occurrence(invoke: Any, series_store: Path) -> None:
    got = _records(invoke, series_store, "list", "--status", "cancelled")
    assert [r["occurrence"] for r in got] == ["2022-01-27"]
    got = _records(invoke, series_store, "list", "--search", "no agenda")
    assert [r["occurrence"] for r in got] == ["2022-01-27"]


def test_unknown_keys_travel_in_records_and_survive_an_edit(
    invoke: Any, series_store: Path
) -> None:
    (first, *_) = _records(invoke, series_store, "list")
    assert first["extra"] == {"reviewed-by": "anna", "score": {"x": [1, 2]}}
    assert first["overrides"][1] == {
        "of": "2022-01-27",
        "status": "cancelled",
        "title": "OSCE PC (no agenda)",
    }
    ok(invoke("--store", str(series_store), "edit", "weekly", "--set", "notes=hello"))
    text = series_store.read_text(encoding="utf-8")
    assert "reviewed-by: anna  # a key summits does not know" in text
    assert "score: {x: [1, 2]}" in text
    assert text.count("\n") == SERIES.count("\n") + 1  # only the new line
    (first, *_) = _records(invoke, series_store, "list")
    assert first["extra"] == {"reviewed-by": "anna", "score": {"x": [1, 2]}}


def test_json_store_export_and_import_keep_everything(
    invoke: Any, series_store: Path, tmp_path: Path
) -> None:
    before = _records(invoke, series_store, "list")
    for output in ("json", "csv"):
        target = tmp_path / f"copy-{output}.yaml"
        exported = tmp_path / f"export.{output}"
        ok(invoke("--store", str(series_store), "export", "--output", output, "-o", str(exported)))
        ok(invoke("--store", str(target), "import", str(exported)))
        assert _records(invoke, target, "list") == before, output


def test_the_parse_cache_rebuilds_a_series_exactly() -> None:
    import yaml

    store, problems = store_from_plain(yaml.safe_load(SERIES))
    assert problems == []
    assert decode(encode(store)) == store
    (event,) = store.events
    assert event.overrides == (
        Override(
            date(2022, 1, 20), start=WallTime(date(2022, 1, 21), datetime(1, 1, 1, 11).time())
        ),
        Override(date(2022, 1, 27), status=Status.CANCELLED, title="OSCE PC (no agenda)"),
    )
    assert event.extra == (("reviewed-by", '"anna"'), ("score", '{"x": [1, 2]}'))


def _event(**fields: Any) -> Any:
    raw = {"id": "s", "title": "S", "start": "2022-01-03T10:00", "timezone": "Europe/Berlin"}
    store, problems = store_from_plain({"version": 1, "events": [{**raw, **fields}]})
    assert problems == [], problems
    return store.events[0]


def _starts(event: Any, lo: datetime | None = None, hi: datetime | None = None) -> list[str]:
    return [
        o.span.start.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
        for o in recurrence.occurrences(event, UTC, lo, hi)
    ]


def test_the_start_counts_as_the_first_occurrence_of_a_count() -> None:
    # 3 January 2022 is a Monday: the rule (Thursdays) does not give it, RFC 5545 counts it.
    event = _event(rrule="FREQ=WEEKLY;BYDAY=TH;COUNT=3")
    assert _starts(event) == ["2022-01-03 09:00", "2022-01-06 09:00", "2022-01-13 09:00"]
    endless = _event(rrule="FREQ=WEEKLY;BYDAY=TH")
    assert _starts(endless, hi=datetime(2022, 1, 14, tzinfo=UTC)) == [
        "2022-01-03 09:00",
        "2022-01-06 09:00",
        "2022-01-13 09:00",
    ]


def test_extra_dates_alone_make_a_series() -> None:
    event = _event(rdates=["2022-01-05", "2022-01-04T16:30"], end="2022-01-03T11:00")
    assert event.recurs and event.rrule is None
    assert _starts(event) == ["2022-01-03 09:00", "2022-01-04 15:30", "2022-01-05 09:00"]
    # Each keeps the series' length on the wall clock.
    spans = [o.span for o in recurrence.occurrences(event, UTC, None, None)]
    assert all((s.end - s.start).total_seconds() == 3600 for s in spans)
    assert recurrence.is_finite(event)


def test_a_moved_occurrence_is_found_from_a_window_it_moved_into() -> None:
    # The meeting of 6 January moves to 20 January: a window on the 20th finds it; the
    # window of the 6th finds nothing of that occurrence.
    event = _event(
        rrule="FREQ=WEEKLY;BYDAY=TH;COUNT=4",
        overrides=[{"of": "2022-01-06", "start": "2022-01-20T15:00"}],
    )
    week = (datetime(2022, 1, 17, tzinfo=UTC), datetime(2022, 1, 24, tzinfo=UTC))
    assert _starts(event, *week) == ["2022-01-20 09:00", "2022-01-20 14:00"]
    assert _starts(event, datetime(2022, 1, 6, tzinfo=UTC), datetime(2022, 1, 7, tzinfo=UTC)) == []
    # In order, even though the moved one comes from earlier in the rule.
    assert _starts(event) == [
        "2022-01-03 09:00",
        "2022-01-13 09:00",
        "2022-01-20 09:00",
        "2022-01-20 14:00",
    ]


def test_limit_counts_what_is_yielded() -> None:
    event = _event(rrule="FREQ=DAILY", overrides=[{"of": "2022-01-05", "status": "cancelled"}])
    items = list(recurrence.occurrences(event, UTC, None, None, limit=4))
    assert [i.day.isoformat() for i in items] == [
        "2022-01-03",
        "2022-01-04",
        "2022-01-05",
        "2022-01-06",
    ]
    assert items[2].event.status is Status.CANCELLED


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"overrides": [{"of": "2022-01-04", "status": "cancelled"}]}, "not a day the series"),
        (
            {"exdates": ["2022-01-06"], "overrides": [{"of": "2022-01-06", "title": "X"}]},
            "both skipped (exdates) and changed",
        ),
        ({"overrides": [{"of": "2022-01-06"}]}, "changes nothing"),
        ({"overrides": [{"of": "2022-01-06T10:00", "title": "X"}]}, "must be a date"),
        ({"overrides": [{"of": "2022-01-06", "venue": "X"}]}, "unknown key 'venue'"),
        (
            {"overrides": [{"of": "2022-01-06", "title": "A"}, {"of": "2022-01-06", "title": "B"}]},
            "a second override",
        ),
        (
            {
                "overrides": [
                    {"of": "2022-01-06", "start": "2022-01-06T12:00", "end": "2022-01-06T11:00"}
                ]
            },
            "ends before it starts",
        ),
        ({"rdates": ["2022-01-05T10:00+01:00"]}, "same UTC offset"),
        ({"rrule": None, "overrides": [{"of": "2022-01-06", "title": "X"}]}, "need an rrule"),
        ({"overrides": {"of": "2022-01-06"}}, "must be a list"),
    ],
)
def test_bad_series_keys_are_named(fields: dict[str, Any], problem: str) -> None:
    raw = {"title": "S", "start": "2022-01-03T10:00", "rrule": "FREQ=WEEKLY;BYDAY=TH", **fields}
    _, problems = store_from_plain({"version": 1, "events": [raw]})
    assert any(problem in p.what for p in problems), problems


def test_a_bad_override_in_the_store_is_refused_with_its_line(invoke: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(SERIES.replace('of: "2022-01-27"', 'of: "2022-01-26"'), encoding="utf-8")
    failed(invoke("--store", str(path), "list"), INVALID_DATA, "2022-01-26 is not a day")


def test_select_expands_overrides_only_for_the_occurrences_they_name() -> None:
    import yaml

    store, _ = store_from_plain(yaml.safe_load(SERIES))
    now = datetime(2022, 1, 1, tzinfo=UTC)
    spec = query.Filter(statuses=("scheduled",))
    got = query.select(store, spec, UTC, now=now)
    assert [p.occurrence.isoformat() for p in got if p.occurrence] == [
        "2022-01-13",
        "2022-01-20",
        "2022-01-25",
        "2022-02-10",
        "2022-02-17",
    ]


def test_an_occurrence_thousands_of_years_long_is_listed_not_a_crash(
    invoke: Any, tmp_path: Path
) -> None:
    # Found by the ICS fuzzer: the window reached back before year 1 (OverflowError, exit 70).
    path = tmp_path / "long.yaml"
    path.write_text(
        'version: 1\nevents:\n  - {id: a, title: A, start: "2024-07-01", end: "8024-07-01",\n'
        '     rrule: "FREQ=WEEKLY;UNTIL=20240801;INTERVAL=2;BYDAY=MO"}\n',
        encoding="utf-8",
    )
    got = as_json(invoke("--store", str(path), "list", "--from", "2024-07-10", "--to", "2024-08-01",
                         "--output", "json"))  # fmt: skip
    assert [r["occurrence"] for r in got] == ["2024-07-01", "2024-07-15", "2024-07-29"]


def test_a_rule_that_never_matches_is_refused_quickly() -> None:
    import time

    started = time.perf_counter()
    for rule in ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31", "FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31"):
        _, problems = store_from_plain(
            {"version": 1, "events": [{"title": "B", "start": "2024-01-01", "rrule": rule}]}
        )
        assert "no occurrence within 50 years" in problems[0].what
    # dateutil used to walk ~8,000 empty years per rule (0.2-0.5 s each); now ~400.
    assert time.perf_counter() - started < 1.0
    # A rule that matches only in leap years still matches, near the end of the range too.
    for start in ("2024-01-01", "8990-01-01"):
        _, problems = store_from_plain(
            {"version": 1, "events": [{"title": "B", "start": start,
                                       "rrule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"}]}
        )  # fmt: skip
        assert problems == []


def test_a_history_entry_keeps_the_keys_summits_does_not_know(invoke: Any, tmp_path: Path) -> None:
    # Issue 14: "history entries keep every key they carry" (a teammate's newer summits,
    # another tool), through edits, the parse cache and every export.
    path = tmp_path / "h.yaml"
    path.write_text(
        'version: 1\nevents:\n  - id: e\n    title: E\n    start: "2022-01-10"\n'
        "    history:\n      - {at: '2022-01-05T10:00:00Z', change: postponed,"
        " by: anna, ticket: {n: 7}}\n",
        encoding="utf-8",
    )
    want = [{"at": "2022-01-05T10:00:00Z", "change": "postponed", "by": "anna", "ticket": {"n": 7}}]
    ok(invoke("--store", str(path), "edit", "e", "--set", "notes=x"))
    assert "by: anna, ticket: {n: 7}" in path.read_text(encoding="utf-8")
    for _ in range(2):  # a cold read, then the cache
        (got,) = as_json(invoke("--store", str(path), "list", "--output", "json"))
        assert got["history"] == want
    for output in ("ics", "csv", "json"):
        exported = tmp_path / f"h.{output}"
        ok(invoke("--store", str(path), "export", "--output", output, "-o", str(exported)))
        target = tmp_path / f"back-{output}.yaml"
        ok(invoke("--store", str(target), "import", str(exported)))
        (back,) = as_json(invoke("--store", str(target), "list", "--output", "json"))
        assert back["history"] == want, output
