"""Rough dates (issue 16): "the next round is expected in late January", "talks in the first
quarter", "a summit later this year, date to be agreed" are stored as written, with their
precision, never turned into a made-up day, and every view, filter and export says what
can be said of them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import icalendar
import pytest
from helpers import INVALID_DATA, USAGE, as_json, failed, ids, ok
from hypothesis import given
from hypothesis import strategies as st

from summit_cli import precision
from summit_cli.model import Event, parse_wall_time
from summit_cli.timeline import Phase, countdown, phase, span_of

TYPED = [
    ("late January 2022", "2022-01-late", "third", "2022-01-21", "2022-01-31"),
    ("mid-Jan 2022", "2022-01-mid", "third", "2022-01-11", "2022-01-20"),
    ("early february 2022", "2022-02-early", "third", "2022-02-01", "2022-02-10"),
    ("late Feb 2024", "2024-02-late", "third", "2024-02-21", "2024-02-29"),
    ("January 2022", "2022-01", "month", "2022-01-01", "2022-01-31"),
    ("2022-01", "2022-01", "month", "2022-01-01", "2022-01-31"),
    ("Q1 2022", "2022-Q1", "quarter", "2022-01-01", "2022-03-31"),
    ("2022 q4", "2022-Q4", "quarter", "2022-10-01", "2022-12-31"),
    ("third quarter of 2022", "2022-Q3", "quarter", "2022-07-01", "2022-09-30"),
    ("first half of 2022", "2022-H1", "half", "2022-01-01", "2022-06-30"),
    ("H2 2022", "2022-H2", "half", "2022-07-01", "2022-12-31"),
    ("2022-W03", "2022-W03", "week", "2022-01-17", "2022-01-23"),
    ("week 52 of 2020", "2020-W52", "week", "2020-12-21", "2020-12-27"),
    ("2020-W53", "2020-W53", "week", "2020-12-28", "2021-01-03"),  # an ISO year
    ("2022", "2022", "year", "2022-01-01", "2022-12-31"),
    ("tbd", "tbd", "tbd", None, None),
    ("TBA", "tbd", "tbd", None, None),
]


@pytest.mark.parametrize(("typed", "stored", "kind", "first", "last"), TYPED)
def test_typed_rough_dates_are_stored_as_written_with_their_window(
    invoke: Any, store_path: Path, typed: str, stored: str, kind: str, first: str, last: str
) -> None:
    new = ok(invoke("add", "Talks", "--start", typed, "--tz", "Europe/Vienna")).stdout.strip()
    (record,) = as_json(invoke("--now", "2020-01-01", "show", new, "--output", "json"))
    assert (record["start"], record["precision"]) == (stored, kind)
    assert f"start: {stored}" in store_path.read_text(encoding="utf-8").replace('"', "")
    if first is None:
        assert record["start_utc"] is record["latest_start_utc"] is None
        assert record["starts_in_seconds"] is None
        assert record["countdown"] == "date not set"
        return
    # The window at the venue: from the first day's midnight to the start of the last day.
    assert record["start_local"].startswith(first + "T00:00:00")
    after_last = date.fromordinal(date.fromisoformat(last).toordinal() + 1)
    assert record["end_local"].startswith(after_last.isoformat() + "T00:00:00")
    assert parse_wall_time(stored).window() == (date.fromisoformat(first), date.fromisoformat(last))
    assert record["all_day"] is True


@pytest.mark.parametrize(
    ("typed", "why"),
    [("2021-W53", "no ISO week 53"), ("2022-13", "no month 13"), ("Q5 2022", "Q5 2022")],
)
def test_impossible_rough_dates_are_refused(invoke: Any, typed: str, why: str) -> None:
    failed(invoke("add", "Talks", "--start", typed, "--tz", "UTC"), USAGE, why)


def test_a_store_with_an_impossible_rough_date_names_the_line(invoke: Any, tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text('version: 1\nevents:\n  - title: T\n    start: "2021-W53"\n', encoding="utf-8")
    failed(invoke("--store", str(path), "list"), INVALID_DATA, "line 4", "no ISO week 53")


@given(
    kind=st.sampled_from(precision.PRECISIONS[1:]),
    day=st.dates(min_value=date(1001, 1, 1), max_value=date(8998, 12, 1)),
)
def test_every_rough_date_reads_back_from_its_stored_text(kind: str, day: date) -> None:
    # The window holding *day*, for each precision; its text gives back the same window.
    first = {
        "year": day.replace(month=1, day=1),
        "half": day.replace(month=1 if day.month <= 6 else 7, day=1),
        "quarter": day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1),
        "month": day.replace(day=1),
        "third": day.replace(day=min(day.day - 1, 20) // 10 * 10 + 1),
        "week": date.fromordinal(day.toordinal() - day.weekday()),
    }[kind]
    text = precision.canonical(kind, first)
    wall = parse_wall_time(text)
    assert (wall.precision, wall.date, wall.isoformat()) == (kind, first, text)
    low, high = wall.window()
    assert low <= day <= high


def _event(start: str, **fields: Any) -> Event:
    return Event(
        id="e", title="E", start=parse_wall_time(start), timezone="Europe/Zurich", **fields
    )


def test_a_window_spans_a_dst_change_at_the_venue() -> None:
    span = span_of(_event("2022-03"), UTC)
    assert span.start == datetime(2022, 2, 28, 23, 0, tzinfo=UTC)  # 1 March, 00:00 CET
    assert span.end == datetime(2022, 3, 31, 22, 0, tzinfo=UTC)  # 1 April, 00:00 CEST
    assert span.latest == datetime(2022, 3, 30, 22, 0, tzinfo=UTC)  # 31 March, 00:00 CEST


@pytest.mark.parametrize(
    ("start", "now", "text", "where"),
    [
        ("2022-01-late", "2022-01-01T12:00Z", "expected in about 3 weeks", Phase.UPCOMING),
        ("2022-01-late", "2022-01-25T12:00Z", "expected by 31 Jan", Phase.UPCOMING),
        ("2022-01", "2022-01-05T12:00Z", "expected this month", Phase.UPCOMING),
        ("2022-Q2", "2022-01-01T12:00Z", "expected in about 3 months", Phase.UPCOMING),
        ("2023", "2022-01-01T12:00Z", "expected in about a year", Phase.UPCOMING),
        ("2022-W03", "2022-01-14T12:00Z", "expected in 2 days", Phase.UPCOMING),
        ("2022-01-late", "2022-02-03T12:00Z", "expected late Jan 2022; no date set", Phase.OVERDUE),
        ("tbd", "2030-01-01T12:00Z", "date not set", Phase.UPCOMING),
    ],
)
def test_countdowns_say_what_can_be_said(start: str, now: str, text: str, where: Phase) -> None:
    moment = datetime.fromisoformat(now.replace("Z", "+00:00"))
    count = countdown(span_of(_event(start), UTC), moment)
    assert (count.text, count.phase) == (text, where)


def test_a_held_rough_date_is_past_not_overdue() -> None:
    from summit_cli.model import Status

    span = span_of(_event("2021-Q3", status=Status.HELD), UTC)
    assert phase(span, datetime(2022, 1, 1, tzinfo=UTC)) is Phase.PAST
    assert countdown(span, datetime(2022, 1, 1, tzinfo=UTC)).text == "Q3 2021"


ROUGH_STORE = """\
version: 1
events:
  - {id: exact-21, title: Exact on the 21st, start: "2022-01-21", timezone: Europe/Vienna}
  - {id: late-jan, title: Next round, start: 2022-01-late, timezone: Europe/Vienna}
  - {id: exact-20, title: Exact on the 20th, start: "2022-01-20T10:00", timezone: Europe/Vienna}
  - {id: someday, title: A summit, start: tbd, timezone: Europe/Vienna}
  - {id: q1, title: Talks in the first quarter, start: 2022-Q1, timezone: Europe/Vienna}
  - {id: feb, title: February talks, start: "2022-02", timezone: Europe/Vienna}
"""


@pytest.fixture
def rough_store(tmp_path: Path) -> str:
    path = tmp_path / "rough.yaml"
    path.write_text(ROUGH_STORE, encoding="utf-8")
    return str(path)


def test_rough_dates_sort_by_their_earliest_instant_after_exact_events_of_that_day(
    invoke: Any, rough_store: str
) -> None:
    order = ids(invoke, "--store", rough_store, "--now", "2022-01-01", "list")
    assert order == ["q1", "exact-20", "exact-21", "late-jan", "feb", "someday"]


def test_from_and_to_take_a_window_that_overlaps_and_exact_leaves_rough_out(
    invoke: Any, rough_store: str
) -> None:
    base = ("--store", rough_store, "--now", "2022-01-01", "list")
    assert ids(invoke, *base, "--from", "2022-01-25", "--to", "2022-01-26") == ["q1", "late-jan"]
    assert ids(invoke, *base, "--from", "2022-02-10") == ["q1", "feb"]
    assert ids(invoke, *base, "--to", "February 2022") == [
        "q1", "exact-20", "exact-21", "late-jan", "feb",
    ]  # fmt: skip
    assert ids(invoke, *base, "--exact") == ["exact-20", "exact-21"]


def test_upcoming_keeps_an_overdue_rough_date_flagged_and_validate_strict_lists_it(
    invoke: Any, rough_store: str
) -> None:
    records = as_json(
        invoke("--store", rough_store, "--now", "2022-02-03", "upcoming", "--output", "json")
    )
    got = {r["id"]: (r["phase"], r["countdown"]) for r in records}
    assert got["late-jan"] == ("overdue", "expected late Jan 2022; no date set")
    assert got["feb"] == ("upcoming", "expected this month")
    assert got["someday"] == ("upcoming", "date not set")
    assert "exact-21" not in got
    table = ok(invoke("--store", rough_store, "--now", "2022-02-03", "upcoming")).stdout
    assert "late Jan 2022 (date tbc)" in table and "date not set" in table
    result = invoke("--store", rough_store, "--now", "2022-02-03", "validate", "--strict")
    assert result.exit_code == INVALID_DATA
    assert "late-jan" in result.stdout and "no date set" in result.stdout
    plain = ok(invoke("--store", rough_store, "--now", "2022-02-03", "validate"))
    assert "1 warning: see --strict" in plain.stderr


def test_fixing_the_date_is_history(invoke: Any, rough_store: str) -> None:
    base = ("--store", rough_store)
    ok(invoke(*base, "--now", "2022-01-20T09:00Z", "edit", "late-jan", "--start", "2022-01-26"))
    (record,) = as_json(invoke(*base, "show", "late-jan", "--output", "json"))
    assert record["start"] == "2022-01-26" and record["precision"] == "day"
    assert record["history"] == [
        {
            "at": "2022-01-20T09:00:00Z",
            "change": "date set",
            "status_before": "scheduled",
            "start_before": "2022-01-late",
        }
    ]
    card = ok(invoke(*base, "show", "late-jan")).stdout
    assert not [ln for ln in card.splitlines() if ln.startswith("was")]  # it did not move


def test_views_show_rough_dates_without_making_up_a_day(invoke: Any, rough_store: str) -> None:
    base = ("--store", rough_store, "--now", "2022-01-10", "--tz", "UTC")
    calendar = ok(invoke(*base, "calendar", "2022-01")).stdout
    assert "[20]" in calendar and "[21]" in calendar
    assert "late Jan 2022" in calendar and "[2" + "5]" not in calendar  # listed, no day marked
    timeline = ok(invoke(*base, "timeline")).stdout
    assert "Date not set" in timeline and "late Jan 2022" in timeline
    card = ok(invoke(*base, "show", "q1")).stdout
    assert "Q1 2022 (date tbc)" in card and "2022-01-01 Sat – 2022-03-31 Thu" in card


def test_a_series_needs_an_exact_start(invoke: Any) -> None:
    record = "title: X\nstart: 2022-01\nrrule: FREQ=WEEKLY\n"
    failed(invoke("add", "--from-file", "-", input=record), INVALID_DATA, "needs an exact start")


def test_ics_carries_a_rough_date_as_a_tentative_window_and_leaves_tbd_out(
    invoke: Any, rough_store: str, tmp_path: Path
) -> None:
    result = ok(invoke("--store", rough_store, "export"))
    assert "1 event with no date yet (tbd) left out of the calendar" in result.stderr
    calendar = icalendar.Calendar.from_ical(result.stdout_bytes)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert "someday@summits" not in events
    late = events["late-jan@summits"]
    assert (late.decoded("DTSTART"), late.decoded("DTEND")) == (date(2022, 1, 21), date(2022, 2, 1))
    assert str(late["STATUS"]) == "TENTATIVE"
    assert "X-SUMMITS-PRECISION" in late
    # Back into an empty store: the rough dates as written.
    feed = tmp_path / "rough.ics"
    feed.write_bytes(result.stdout_bytes)
    target = str(tmp_path / "back.yaml")
    ok(invoke("--store", target, "import", str(feed)))
    back = {
        r["id"]: r["start"] for r in as_json(invoke("--store", target, "list", "--output", "json"))
    }
    assert back == {
        "exact-21": "2022-01-21",
        "late-jan": "2022-01-late",
        "exact-20": "2022-01-20T10:00",
        "q1": "2022-Q1",
        "feb": "2022-02",
    }


def test_json_and_csv_exports_carry_rough_dates_both_ways(
    invoke: Any, rough_store: str, tmp_path: Path
) -> None:
    before = as_json(
        invoke("--store", rough_store, "--now", "2022-01-01", "list", "--output", "json")
    )
    for output in ("json", "csv"):
        exported = tmp_path / f"rough.{output}"
        ok(invoke("--store", rough_store, "export", "--output", output, "-o", str(exported)))
        target = str(tmp_path / f"back-{output}.yaml")
        ok(invoke("--store", target, "import", str(exported)))
        after = as_json(
            invoke("--store", target, "--now", "2022-01-01", "list", "--output", "json")
        )
        assert after == before, output
