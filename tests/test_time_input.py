"""Times as people type them and at the edges of DST (issue 12, items 14 to 19)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from helpers import USAGE, as_json, failed, ids, ok, record

from summit_cli.fromplain import store_from_plain
from summit_cli.model import Event, WallTime
from summit_cli.query import place
from summit_cli.timeline import end_before_start, span_of
from summit_cli.typed import parse_typed, read_now
from summit_cli.views.base import local_when

VIENNA = ZoneInfo("Europe/Vienna")
NEW_YORK = ZoneInfo("America/New_York")
AUCKLAND = ZoneInfo("Pacific/Auckland")


# ------------------------------------------------ 14. an offset is a venue


def test_an_all_day_event_at_an_offset_venue_keeps_the_offset(invoke: Any) -> None:
    new_id = ok(invoke("add", "Offset day", "--start", "2022-01-12", "--end", "2022-01-13",
                       "--tz", "+03:00")).stdout.strip()  # fmt: skip
    data = record(invoke, new_id)
    assert data["start"] == "2022-01-12+03:00"
    assert data["end"] == "2022-01-13+03:00"
    assert data["start_utc"] == "2022-01-11T21:00:00Z"  # not floating
    assert data["end_utc"] == "2022-01-13T21:00:00Z"


def test_an_offset_venue_day_does_not_move_with_the_viewer(
    invoke: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_id = ok(invoke("add", "Offset day", "--start", "2022-01-12", "--end", "2022-01-13",
                       "--tz", "+03:00")).stdout.strip()  # fmt: skip
    monkeypatch.setenv("SUMMITS_TZ", "Pacific/Auckland")
    assert new_id in ids(invoke, "--now", "2022-01-12 12:00", "upcoming")
    data = record(invoke, new_id)
    assert data["end_utc"] > data["start_utc"]


# ------------------------------------- 15. hours are elapsed, days are days


def test_plus_hours_across_a_dst_change_is_real_time() -> None:
    now = datetime(2022, 3, 27, 0, 30, tzinfo=UTC).astimezone(VIENNA)  # 01:30 CET
    wall = parse_typed("+3h", now).wall
    assert wall == WallTime(date(2022, 3, 27), time(5, 30))  # 03:30 UTC is 05:30 CEST


def test_in_90_minutes_across_a_dst_change_is_real_time() -> None:
    now = datetime(2022, 3, 13, 6, 30, tzinfo=UTC).astimezone(NEW_YORK)  # 01:30 EST
    assert parse_typed("in 90 min", now).wall == WallTime(date(2022, 3, 13), time(4, 0))


@pytest.mark.parametrize("text", ["+24h", "in 48 hours", "+1440min"])
def test_whole_days_of_hours_stay_a_time(text: str) -> None:
    now = datetime(2022, 1, 10, 9, 15, tzinfo=UTC)
    wall = parse_typed(text, now).wall
    assert wall.time == time(9, 15)


def test_days_are_calendar_days_across_a_dst_change() -> None:
    now = datetime(2022, 3, 26, 12, 0, tzinfo=VIENNA)
    assert parse_typed("+1d", now).wall == WallTime(date(2022, 3, 27))


def test_to_and_within_give_the_same_bound(invoke: Any) -> None:
    now = "2022-01-08T23:00Z"
    within = ids(invoke, "--now", now, "upcoming", "--within", "25h")
    to = ids(invoke, "--now", now, "upcoming", "--to", "+25h")
    assert within == to


# ---------------------------------------------------- 16. zone words


def test_a_zone_abbreviation_in_a_date_is_refused_clearly(invoke: Any) -> None:
    result = invoke("add", "X", "--start", "Jan 12 2022 10am EST")
    failed(result, USAGE, "EST", "offset")
    assert "Warning" not in result.stderr


@pytest.mark.parametrize(
    ("typed", "utc"),
    [
        ("Jan 12 2022 10:00 GMT+3", "2022-01-12T07:00:00Z"),
        ("Jan 12 2022 10:00 UTC-5", "2022-01-12T15:00:00Z"),
        ("2022-01-12 10:00 +03:00", "2022-01-12T07:00:00Z"),
    ],
)
def test_an_offset_in_a_date_means_what_tz_means(invoke: Any, typed: str, utc: str) -> None:
    new_id = ok(invoke("add", "X", "--start", typed)).stdout.strip()
    assert record(invoke, new_id)["start_utc"] == utc


def test_gmt_plus_3_reads_the_same_in_a_date_and_as_a_zone(invoke: Any) -> None:
    typed = ok(invoke("add", "A", "--start", "Jan 12 2022 10:00 GMT+3")).stdout.strip()
    zoned = ok(invoke("add", "B", "--start", "2022-01-12 10:00", "--tz", "GMT+3")).stdout.strip()
    assert record(invoke, typed)["start_utc"] == record(invoke, zoned)["start_utc"]


# ------------------------------------------------------ 17. DST gaps


def _series(**fields: Any) -> Event:
    store, problems = store_from_plain({"version": 1, "events": [fields]})
    assert problems == []
    return store.events[0]


def test_an_occurrence_in_a_dst_gap_moves_forward_keeping_its_length() -> None:
    series = _series(
        title="Night watch",
        start="2022-03-20T02:30",
        end="2022-03-20T03:00",
        timezone="Europe/Vienna",
        rrule="FREQ=DAILY;COUNT=14",
    )
    now = datetime(2022, 3, 20, tzinfo=UTC)
    gap = next(p for p in place([series], VIENNA, now=now) if p.occurrence == date(2022, 3, 27))
    assert gap.span.start.astimezone(UTC) == datetime(2022, 3, 27, 1, 30, tzinfo=UTC)  # 03:30
    # In real time (aware datetimes sharing a zone subtract as wall clocks).
    assert gap.span.end.astimezone(UTC) - gap.span.start.astimezone(UTC) == timedelta(minutes=30)


def test_list_and_upcoming_agree_on_an_occurrence_in_a_gap(invoke: Any, tmp_path: Any) -> None:
    path = tmp_path / "gap.yaml"
    path.write_text(
        "version: 1\nevents:\n  - id: watch\n    title: Night watch\n"
        '    start: "2022-03-20T02:30"\n    end: "2022-03-20T03:00"\n'
        "    timezone: Europe/Vienna\n    rrule: FREQ=DAILY;COUNT=14\n"
    )
    at = ("--store", str(path), "--now", "2022-03-27T01:00Z")
    listed = [
        r for r in as_json(invoke(*at, "list", "--output", "json"))
        if r["occurrence"] == "2022-03-27"
    ]  # fmt: skip
    ahead = [
        r for r in as_json(invoke(*at, "upcoming", "--output", "json"))
        if r["occurrence"] == "2022-03-27"
    ]  # fmt: skip
    assert listed == ahead and len(listed) == 1
    assert listed[0]["start_utc"] < listed[0]["end_utc"]


def test_a_stored_event_whose_end_is_before_its_gap_start_is_invalid(
    invoke: Any, tmp_path: Any
) -> None:
    event = Event(
        id="g",
        title="Gap",
        start=WallTime(date(2022, 3, 27), time(2, 30)),
        end=WallTime(date(2022, 3, 27), time(3, 0)),
        timezone="Europe/Vienna",
    )
    assert end_before_start(event)  # 03:30 CEST (moved forward) is after 03:00 CEST
    path = tmp_path / "gap.yaml"
    path.write_text(
        'version: 1\nevents:\n  - title: Gap\n    start: "2022-03-27T02:30"\n'
        '    end: "2022-03-27T03:00"\n    timezone: Europe/Vienna\n'
    )
    assert invoke("--store", str(path), "validate", "--strict").exit_code == 3
    records_file = tmp_path / "gap.json"
    records_file.write_text(
        '[{"title": "Gap", "start": "2022-03-27T02:30", "end": "2022-03-27T03:00",'
        ' "timezone": "Europe/Vienna"}]'
    )
    assert invoke("add", "--from-file", str(records_file)).exit_code == 3


# --------------------------------------------- 18. start_local at the venue


def test_start_local_carries_the_venue_offset_not_the_typed_one(invoke: Any) -> None:
    new_id = ok(
        invoke("add", "X", "--start", "2022-01-12T10:00+03:00", "--tz", "Europe/Vienna")
    ).stdout.strip()
    data = record(invoke, new_id)
    assert data["start_local"] == "2022-01-12T08:00:00+01:00"
    assert data["start_utc"] == "2022-01-12T07:00:00Z"


def test_occurrences_of_an_offset_series_are_local_at_the_venue() -> None:
    series = _series(
        title="S", start="2022-03-17T10:00+03:00", timezone="Europe/Vienna",
        rrule="FREQ=WEEKLY;COUNT=3",
    )  # fmt: skip
    from summit_cli.records import record as as_record

    now = datetime(2022, 3, 1, tzinfo=UTC)
    rows = [as_record(p, now) for p in place([series], UTC, now=now)]
    assert [r["start_local"] for r in rows] == [
        "2022-03-17T08:00:00+01:00",
        "2022-03-24T08:00:00+01:00",
        "2022-03-31T09:00:00+02:00",  # 07:00 UTC, in summer time
    ]


# --------------------------------------- 19. ranges, ambiguity, fractions


def test_a_range_across_a_dst_change_names_both_zones() -> None:
    event = Event(
        id="x",
        title="Night",
        start=WallTime(date(2021, 10, 31), time(1, 30)),
        end=WallTime(date(2021, 10, 31), time(3, 30)),
        timezone="Europe/Vienna",
    )
    assert local_when(span_of(event, UTC)) == "2021-10-31 Sun 01:30 CEST–03:30 CET"


def test_an_ambiguous_time_says_which_one_was_taken(invoke: Any) -> None:
    result = ok(invoke("add", "Fall back", "--start", "2021-10-31 02:30", "--tz", "Europe/Vienna"))
    assert "happens twice" in result.stderr
    assert "2021-10-31T02:30+01:00" in result.stderr  # how to write the other one


def test_now_keeps_fractions_of_a_second() -> None:
    clock = datetime(2022, 1, 1, tzinfo=UTC)
    now = read_now("2022-01-09T18:00:00.750", clock, UTC)
    assert now.microsecond == 750_000
    assert read_now("2022-01-09T18:00:00.25+01:00", clock, UTC) == datetime(
        2022, 1, 9, 18, 0, 0, 250_000, tzinfo=timezone(timedelta(hours=1))
    )


def test_a_fractional_now_counts_down_exactly(invoke: Any) -> None:
    args = ["--now", "2022-01-10T08:59:59.5+01:00", "next", "--field", "starts_in_seconds"]
    seconds = ok(invoke(*args, "--format", "geneva", "--all")).stdout.strip()
    assert int(seconds) <= 0  # the Geneva round started at midnight: already under way


@pytest.mark.parametrize("zone", [VIENNA, NEW_YORK, AUCKLAND])
def test_spans_compare_as_instants(zone: ZoneInfo) -> None:
    event = Event(
        id="x",
        title="Fold",
        start=WallTime(date(2022, 10, 30), time(2, 30), timedelta(hours=2)),
        end=WallTime(date(2022, 10, 30), time(2, 15), timedelta(hours=1)),
        timezone=zone.key,
    )
    span = span_of(event, zone)
    assert not span.point  # 02:15+01:00 is after 02:30+02:00
    assert not end_before_start(event)
