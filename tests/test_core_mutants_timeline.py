"""Time-line behaviour that mutation testing found untested (scripts/mutation.py timeline):
an event pinned by a UTC offset alone, rough windows and their ends, the exact edges of
phases and windows, and the thresholds of countdown texts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from summit_cli.model import Event, Status, parse_wall_time
from summit_cli.timeline import (
    Phase,
    countdown,
    end_before_start,
    instant,
    overlaps,
    phase,
    span_of,
    wall_time_ambiguous,
)

VIENNA = ZoneInfo("Europe/Vienna")


def event(start: str, end: str | None = None, **fields: Any) -> Event:
    return Event(
        id="event",
        title="Event",
        start=parse_wall_time(start),
        end=parse_wall_time(end) if end else None,
        **fields,
    )


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


def text_at(item: Event, now: datetime) -> str:
    return countdown(span_of(item, UTC), now).text


# --------------------------------------------- an offset without a venue


def test_an_offset_only_event_is_read_and_counted_down_at_its_offset() -> None:
    pinned = event("2022-01-12T10:00+03:00")
    span = span_of(pinned, UTC)
    assert span.start == utc(2022, 1, 12, 7)
    assert span.zone.utcoffset(None) == timedelta(hours=3)
    assert not span.floating
    # 22:00 UTC on the 11th is 01:00 on the 12th at +03:00: "today", on the venue's clock.
    assert countdown(span, utc(2022, 1, 11, 22)).text == "today 10:00 UTC+03:00"


def test_a_floating_event_is_read_in_the_viewer_s_zone() -> None:
    floating = event("2022-01-12T10:00")
    span = span_of(floating, VIENNA)
    assert span.floating
    assert span.zone is VIENNA
    assert span.start == utc(2022, 1, 12, 9)


# ------------------------------------------------------- rough windows


@pytest.mark.parametrize(
    ("start", "end", "window"),
    [
        ("2022-01", None, ("2022-01-01", "2022-02-01")),
        ("2022-01", "2022-03", ("2022-01-01", "2022-04-01")),
        # An end whose window closes before the start's: the start's window still holds.
        ("2022-03", "2022-02", ("2022-03-01", "2022-04-01")),
        # An exact end inside the window does not shorten it; one after it lengthens it.
        ("2022-01-late", "2022-01-22", ("2022-01-21", "2022-02-01")),
        ("2022-01-late", "2022-02-03T12:00", ("2022-01-21", "2022-02-03T12:00")),
    ],
)
def test_a_rough_window_runs_to_the_later_of_its_ends(
    start: str, end: str | None, window: tuple[str, str]
) -> None:
    span = span_of(event(start, end, timezone="UTC"), UTC)
    assert (span.start, span.end) == tuple(
        datetime.fromisoformat(text).replace(tzinfo=UTC) for text in window
    )
    assert span.all_day


def test_a_rough_window_knows_its_last_day() -> None:
    span = span_of(event("2022-01", "2022-03", timezone="UTC"), UTC)
    assert span.precision == "month"
    assert span.latest == utc(2022, 1, 31)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.SCHEDULED, True),
        (Status.POSTPONED, True),
        (Status.HELD, False),
        (Status.CANCELLED, False),
    ],
)
def test_a_rough_date_is_expected_while_it_is_still_to_happen(
    status: Status, expected: bool
) -> None:
    assert span_of(event("2022-Q2", status=status), UTC).expected is expected


def test_an_exact_start_with_a_rough_end_is_a_window_of_days() -> None:
    span = span_of(event("2022-01-10", "2022-02", timezone="UTC"), UTC)
    assert span.precision == "day"
    assert (span.start, span.end) == (utc(2022, 1, 10), utc(2022, 3, 1))


@pytest.mark.parametrize(
    ("now", "where", "text"),
    [
        (utc(2022, 1, 7, 12), Phase.UPCOMING, "in 3 days"),  # the start is known: counted
        (utc(2022, 1, 20), Phase.ONGOING, "ongoing (end tbc)"),  # not "expected this day"
        (utc(2022, 3, 5), Phase.PAST, "past"),  # not "expected ; no date set": the date is set
    ],
)
def test_an_exact_start_with_a_rough_end_counts_like_a_known_date(
    now: datetime, where: Phase, text: str
) -> None:
    item = event("2022-01-10", "2022-02", timezone="UTC")
    found = countdown(span_of(item, UTC), now)
    assert (found.phase, found.text) == (where, text)
    assert found.seconds == int((utc(2022, 1, 10) - now).total_seconds())


# ------------------------------------------------------ end before start


@pytest.mark.parametrize(
    ("start", "end", "before"),
    [
        ("2022-03", "2022-02", True),
        ("2022-03", "2022-03-early", False),  # the windows meet
        ("2022-03", "2022-03-01", False),  # an end on the window's first day
        ("2022-03-10", "2022-02", True),  # exact start, rough end
        ("2022-02-10", "2022-02", False),  # the end's window closes after the start
        ("2022-02", "2022-02-10", False),
        ("2022-02-10T10:00", "2022-02-10T10:00", False),  # a moment
        ("2022-02-10T10:00", "2022-02-10T09:59", True),
        ("2022-02-10", "2022-02-09", True),  # an inclusive end day before the start day
        ("2022-02-10", "2022-02-10", False),
    ],
)
def test_end_before_start(start: str, end: str, before: bool) -> None:
    assert end_before_start(event(start, end, timezone="Europe/Vienna")) is before


# -------------------------------------------------------------- phases


def test_phases_are_named_as_machine_output_names_them() -> None:
    assert [p.value for p in Phase] == ["upcoming", "ongoing", "past", "overdue"]


def test_an_event_is_past_at_the_exact_instant_it_ends() -> None:
    span = span_of(event("2022-01-12T10:00", "2022-01-12T12:00", timezone="UTC"), UTC)
    assert phase(span, utc(2022, 1, 12, 11, 59, 59, 999999)) is Phase.ONGOING
    assert phase(span, utc(2022, 1, 12, 12)) is Phase.PAST


def test_an_expected_rough_date_is_overdue_at_the_exact_end_of_its_window() -> None:
    span = span_of(event("2022-01", timezone="UTC"), UTC)
    assert phase(span, utc(2022, 1, 31, 23, 59, 59, 999999)) is Phase.UPCOMING
    assert phase(span, utc(2022, 2, 1)) is Phase.OVERDUE


def test_a_held_rough_date_is_past_from_the_first_instant_of_its_window() -> None:
    span = span_of(event("2022-01", timezone="UTC", status=Status.HELD), UTC)
    assert phase(span, utc(2021, 12, 31, 23, 59, 59)) is Phase.UPCOMING
    assert phase(span, utc(2022, 1, 1)) is Phase.PAST
    undated = span_of(event("tbd", status=Status.HELD), UTC)
    assert phase(undated, utc(2000, 1, 1)) is Phase.PAST


def test_a_moment_is_in_a_window_that_starts_with_it_not_one_that_starts_after() -> None:
    moment = span_of(event("2022-01-12T10:00", timezone="UTC"), UTC)
    start = utc(2022, 1, 12, 10)
    assert overlaps(moment, start, None)
    assert not overlaps(moment, start + timedelta(microseconds=1), None)
    assert not overlaps(moment, None, start)


# ---------------------------------------------------- countdown texts


@pytest.mark.parametrize(
    ("now", "text"),
    [
        (utc(2022, 1, 12, 12, 1), "in 5 h 59 min"),
        (utc(2022, 1, 12, 12, 0), "today 18:00 UTC"),  # six hours: the clock time
        (utc(2022, 1, 12, 11, 30), "today 18:00 UTC"),
        (utc(2022, 1, 11, 20, 0), "tomorrow 18:00 UTC"),
        (utc(2022, 1, 10, 20, 0), "in 2 days"),
    ],
)
def test_an_upcoming_event_counts_down_in_hours_only_under_six_hours(
    now: datetime, text: str
) -> None:
    assert text_at(event("2022-01-12T18:00", "2022-01-12T19:00", timezone="UTC"), now) == text


@pytest.mark.parametrize(
    ("end", "now", "text"),
    [
        ("2022-01-12T11:00", utc(2022, 1, 12, 16, 59), "ended 5 h 59 min ago"),
        ("2022-01-12T11:00", utc(2022, 1, 12, 17, 0), "earlier today"),
        ("2022-01-12T11:00", utc(2022, 1, 12, 17, 30), "earlier today"),
        ("2022-01-12T11:00", utc(2022, 1, 13, 9, 0), "yesterday"),
        (None, utc(2022, 1, 12, 15, 59), "5 h 59 min ago"),
        (None, utc(2022, 1, 12, 16, 0), "earlier today"),
        (None, utc(2022, 1, 14, 16, 0), "2 days ago"),
    ],
)
def test_a_past_event_says_how_long_ago_in_hours_only_under_six_hours(
    end: str | None, now: datetime, text: str
) -> None:
    assert text_at(event("2022-01-12T10:00", end, timezone="UTC"), now) == text


@pytest.mark.parametrize(
    ("before", "text"),
    [
        (timedelta(hours=12), "expected within a day"),
        (timedelta(days=1), "expected tomorrow"),
        (timedelta(days=2), "expected in 2 days"),
        (timedelta(days=13), "expected in 13 days"),
        (timedelta(days=14), "expected in about 2 weeks"),
        (timedelta(days=55), "expected in about 8 weeks"),
        (timedelta(days=56), "expected in about 2 months"),
        (timedelta(days=329), "expected in about 11 months"),
        (timedelta(days=330), "expected in about a year"),
        (timedelta(days=548), "expected in about 2 years"),  # 1.5 years
        (timedelta(days=800), "expected in about 2 years"),
        (timedelta(days=1200), "expected in about 3 years"),
    ],
)
def test_a_rough_date_ahead_is_counted_down_coarsely(before: timedelta, text: str) -> None:
    rough = event("2025-03", timezone="UTC")
    assert text_at(rough, utc(2025, 3, 1) - before) == text


@pytest.mark.parametrize(
    ("start", "status", "now", "text"),
    [
        ("2025-03", Status.SCHEDULED, utc(2025, 3, 1), "expected this month"),
        ("2025-03-late", Status.SCHEDULED, utc(2025, 3, 25), "expected by 31 Mar"),
        ("2025-03-mid", Status.SCHEDULED, utc(2025, 3, 11), "expected by 20 Mar"),
        ("2025-03", Status.SCHEDULED, utc(2025, 4, 1), "expected Mar 2025; no date set"),
        ("2025-03", Status.HELD, utc(2025, 3, 2), "Mar 2025"),
        ("2025-03-10", Status.HELD, utc(2025, 5, 2), "past"),  # an exact start, a rough end
        ("tbd", Status.SCHEDULED, utc(2025, 3, 2), "date not set"),
    ],
)
def test_a_rough_date_in_or_after_its_window(
    start: str, status: Status, now: datetime, text: str
) -> None:
    end = "2025-04" if start == "2025-03-10" else None
    assert text_at(event(start, end, timezone="UTC", status=status), now) == text


# ------------------------------------------------------------ DST edges


def test_an_event_starting_in_a_dst_gap_keeps_its_length() -> None:
    # Vienna skips 02:00-03:00 on 27 March 2022: 02:30 is read as 03:30 (01:30 UTC).
    item = event("2022-03-27T02:30", "2022-03-27T03:00", timezone="Europe/Vienna")
    span = span_of(item, UTC)
    start, end = instant(span.start), instant(span.end)
    assert start == utc(2022, 3, 27, 1, 30)
    assert end - start == timedelta(minutes=30)


@pytest.mark.parametrize(
    ("end", "length"),
    [
        ("2022-03-27T03:30", timedelta(hours=1)),  # would end as it starts: the hour is kept
        ("2022-03-27T04:00", timedelta(minutes=30)),  # ends after the moved start: as stored
        ("2022-03-27T02:30", timedelta(0)),  # typed as a moment: stays one
    ],
)
def test_an_event_starting_in_a_dst_gap(end: str, length: timedelta) -> None:
    # Vienna skips 02:00-03:00 on 27 March 2022: a start at 02:30 is read as 03:30 CEST.
    item = event("2022-03-27T02:30", end, timezone="Europe/Vienna")
    span = span_of(item, UTC)
    assert instant(span.start) == utc(2022, 3, 27, 1, 30)
    assert instant(span.end) - instant(span.start) == length
    assert span.end.tzinfo is VIENNA  # read at the venue, not in the machine's zone


@pytest.mark.parametrize(
    ("wall", "ambiguous"),
    [
        ("2022-10-30T02:30", True),  # Vienna: 02:00-03:00 happens twice
        ("2022-10-30T01:30", False),
        ("2022-10-30T03:00", False),
        ("2022-10-30", False),
        ("2022-10-30T02:30+01:00", False),  # an offset says which one
    ],
)
def test_a_wall_time_is_ambiguous_only_in_the_repeated_hour(wall: str, ambiguous: bool) -> None:
    assert wall_time_ambiguous(parse_wall_time(wall), VIENNA) is ambiguous


@pytest.mark.parametrize(
    ("start", "status", "now"),
    [
        ("2025-03", Status.SCHEDULED, utc(2025, 2, 1)),  # ahead
        ("2025-03", Status.SCHEDULED, utc(2025, 3, 2)),  # in its window
        ("2025-03-late", Status.SCHEDULED, utc(2025, 3, 25)),  # in a third of a month
        ("2025-03", Status.SCHEDULED, utc(2025, 4, 2)),  # overdue
        ("2025-03", Status.HELD, utc(2025, 4, 2)),  # past
    ],
)
def test_a_rough_date_counts_seconds_to_its_earliest_instant(
    start: str, status: Status, now: datetime
) -> None:
    rough = event(start, timezone="UTC", status=status)
    span = span_of(rough, UTC)
    result = countdown(span, now)
    assert result.seconds == int((span.start - now).total_seconds())
    assert result.phase is phase(span, now)
