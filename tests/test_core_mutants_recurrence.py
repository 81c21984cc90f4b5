"""Series behaviour that mutation testing found untested (scripts/mutation.py recurrence):
the horizon and the occurrence cap, UNTIL in UTC and at the venue (under a process TZ
that is neither), windows far from a series' start, occurrences that began before the
window, moved occurrences, and what a stored series may not hold."""

from __future__ import annotations

import os
import time as clock
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from summit_cli import query, recurrence
from summit_cli.model import Event, Override, Status, parse_wall_time
from summit_cli.timeline import overlaps

VIENNA = ZoneInfo("Europe/Vienna")


@contextmanager
def machine_zone(name: str) -> Iterator[None]:
    """The process runs in zone *name* (TZ), so a time read in the machine's zone instead
    of the series' shows."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    clock.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        clock.tzset()


@pytest.fixture
def process_tz() -> Iterator[None]:
    """The process runs at +05:45 (Kathmandu): neither UTC nor any venue of these tests, so
    a time read in the machine's zone instead of the venue's shows."""
    with machine_zone("Asia/Kathmandu"):
        yield


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def series(
    start: str = "2022-03-10T10:00",
    rrule: str | None = "FREQ=WEEKLY;BYDAY=TH",
    tz: str | None = "Europe/Vienna",
    **fields: Any,
) -> Event:
    if isinstance(fields.get("end"), str):
        fields["end"] = parse_wall_time(fields["end"])
    for key in ("rdates", "exdates"):
        if key in fields:
            fields[key] = tuple(parse_wall_time(text) for text in fields[key])
    start_wall = parse_wall_time(start)
    return Event(id="series", title="Series", start=start_wall, timezone=tz, rrule=rrule, **fields)


def starts(event: Event, lo: datetime | None, hi: datetime | None, **options: Any) -> list[str]:
    return [
        o.span.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for o in recurrence.occurrences(event, UTC, lo, hi, **options)
    ]


def days(event: Event, lo: datetime | None, hi: datetime | None) -> list[date]:
    return [o.day for o in recurrence.occurrences(event, UTC, lo, hi)]


# ------------------------------------------------- the horizon and the cap


def test_an_endless_series_is_expanded_exactly_365_days_past_now() -> None:
    daily = series("2022-01-01T10:00", "FREQ=DAILY", "UTC")
    now = utc(2022, 1, 1)
    assert recurrence.default_window_end(daily, now, None) == utc(2023, 1, 1)
    placed = query.place([daily], UTC, now=now)
    assert len(placed) == 365
    assert placed[-1].occurrence == date(2022, 12, 31)  # 2023-01-01 10:00 is past the horizon


def test_the_horizon_counts_from_the_window_start_when_that_is_later() -> None:
    daily = series("2022-01-01T10:00", "FREQ=DAILY", "UTC")
    now = utc(2022, 1, 1)
    later, earlier = utc(2022, 6, 1), utc(2021, 6, 1)
    assert recurrence.default_window_end(daily, now, later) == later + timedelta(days=365)
    assert recurrence.default_window_end(daily, now, earlier) == now + timedelta(days=365)


@pytest.mark.parametrize(
    ("rrule", "finite"),
    [
        ("FREQ=DAILY", False),
        ("FREQ=DAILY;COUNT=3", True),
        ("FREQ=DAILY;UNTIL=20220110", True),
        ("FREQ=WEEKLY;UNTIL=20220110T000000Z", True),
    ],
)
def test_a_series_ends_by_itself_with_count_or_until(rrule: str, finite: bool) -> None:
    event = series("2022-01-01T10:00", rrule, "UTC")
    assert recurrence.is_finite(event) is finite
    assert (recurrence.default_window_end(event, utc(2022, 1, 1), None) is None) is finite


def test_a_series_with_until_is_expanded_to_its_end_not_to_the_horizon() -> None:
    two_years = series("2022-01-01T10:00", "FREQ=MONTHLY;UNTIL=20231231", "UTC")
    placed = query.place([two_years], UTC, now=utc(2022, 1, 1))
    assert len(placed) == 24
    assert placed[-1].occurrence == date(2023, 12, 1)


def test_an_open_window_yields_at_most_5000_occurrences() -> None:
    daily = series("2022-01-01T10:00", "FREQ=DAILY", "UTC")
    assert len(starts(daily, None, None)) == recurrence.MAX_OCCURRENCES == 5000


def test_an_endless_yearly_series_is_not_cut_at_200_years() -> None:
    yearly = series("2022-05-01", "FREQ=YEARLY", "UTC")
    found = days(yearly, None, None)
    assert len(found) == 5000
    assert found[-1] == date(7021, 5, 1)


def test_limit_caps_the_occurrences() -> None:
    daily = series("2022-01-01T10:00", "FREQ=DAILY;COUNT=10", "UTC")
    assert starts(daily, None, None, limit=1) == ["2022-01-01T10:00:00Z"]
    assert starts(daily, None, None, limit=0) == []
    assert len(starts(daily, None, None, limit=9)) == 9
    assert len(starts(daily, None, None, limit=50)) == 10


def test_limit_holds_while_a_moved_occurrence_keeps_others_waiting() -> None:
    # The first occurrence moves ten days later: every occurrence waits until the series
    # has been read to the end, then the first `limit` come out in time order.
    daily = series(
        "2022-01-01T10:00",
        "FREQ=DAILY;COUNT=5",
        "UTC",
        overrides=(Override(of=date(2022, 1, 1), start=parse_wall_time("2022-01-11T10:00")),),
    )
    assert starts(daily, None, None, limit=3) == [
        "2022-01-02T10:00:00Z",
        "2022-01-03T10:00:00Z",
        "2022-01-04T10:00:00Z",
    ]
    assert len(starts(daily, None, None, limit=4)) == 4


def test_an_event_that_does_not_recur_has_no_occurrences() -> None:
    single = series(rrule=None)
    assert list(recurrence.occurrences(single, UTC, None, None)) == []
    assert recurrence.next_occurrences(single, utc(2022, 1, 1), UTC) == []


# ------------------------------------------------------------------ COUNT


def test_a_count_series_read_far_from_its_start_ends_where_count_ends_it() -> None:
    five = series("2022-01-06T10:00", "FREQ=WEEKLY;BYDAY=TH;COUNT=5")
    # 6, 13, 20, 27 January and 3 February: a window from 1 February holds only the last.
    assert starts(five, utc(2022, 2, 1), None) == ["2022-02-03T09:00:00Z"]
    assert starts(five, utc(2022, 2, 1), utc(2022, 3, 1)) == ["2022-02-03T09:00:00Z"]


def test_a_count_rule_that_rarely_matches_is_followed_for_200_years() -> None:
    # 29 February, 60 times: only the leap years of the 200 years from 2004 are read
    # (2004 to 2196 but 2100; 29 February 2204 is after 28 February 2204), not the 240
    # years that 60 would take.
    leap_days = series("2004-02-29", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=60", "UTC")
    found = days(leap_days, None, None)
    assert len(found) == 48
    assert (found[0], found[-1]) == (date(2004, 2, 29), date(2196, 2, 29))


# ------------------------------------------------------------------ UNTIL


@pytest.mark.usefixtures("process_tz")
@pytest.mark.parametrize(
    ("until", "last"),
    [
        # UTC (Z) is an instant. Thursdays 10:00 in Vienna: 09:00 UTC in winter, 08:00 in
        # summer.
        ("20220324T090000Z", "2022-03-24T09:00:00Z"),
        ("20220324T085959Z", "2022-03-17T09:00:00Z"),
        ("20220331T080000Z", "2022-03-31T08:00:00Z"),
        ("20220331T075959Z", "2022-03-24T09:00:00Z"),
        # Without Z, a wall time at the venue; a date, that whole day at the venue.
        ("20220324T100000", "2022-03-24T09:00:00Z"),
        ("20220324T095959", "2022-03-17T09:00:00Z"),
        ("20220324", "2022-03-24T09:00:00Z"),
        ("20220323", "2022-03-17T09:00:00Z"),
    ],
)
def test_until_in_utc_is_an_instant_and_without_z_a_wall_time_at_the_venue(
    until: str, last: str
) -> None:
    event = series(rrule=f"FREQ=WEEKLY;BYDAY=TH;UNTIL={until}")
    assert starts(event, None, None)[-1] == last


@pytest.mark.usefixtures("process_tz")
@pytest.mark.parametrize(
    ("until", "count"),
    [("20220324T070000Z", 3), ("20220324T065959Z", 2), ("20220324T100000", 3)],
)
def test_until_on_an_offset_pinned_series(until: str, count: int) -> None:
    # 10:00 at +03:00 (07:00 UTC), no venue zone: UNTIL in UTC is an instant, without Z
    # a wall time at the series' offset.
    pinned = series("2022-03-10T10:00+03:00", f"FREQ=WEEKLY;UNTIL={until}", None)
    found = starts(pinned, None, None)
    assert found == ["2022-03-10T07:00:00Z", "2022-03-17T07:00:00Z", "2022-03-24T07:00:00Z"][:count]


@pytest.mark.usefixtures("process_tz")
def test_an_all_day_series_until_midnight_utc_of_its_last_day_includes_that_day() -> None:
    # As some calendar programs write UNTIL for all-day series: a time, at 00:00 UTC.
    event = series("2022-03-10", "FREQ=WEEKLY;UNTIL=20220324T000000Z", "UTC")
    assert days(event, None, None) == [date(2022, 3, 10), date(2022, 3, 17), date(2022, 3, 24)]


def test_until_ends_a_series_inside_a_longer_window() -> None:
    event = series(rrule="FREQ=WEEKLY;BYDAY=TH;UNTIL=20220324T235959Z")
    assert starts(event, utc(2022, 3, 16), utc(2022, 6, 1)) == [
        "2022-03-17T09:00:00Z",
        "2022-03-24T09:00:00Z",
    ]


# ------------------------------------------------ windows far from the start

FAR_RULES = [
    ("2001-01-31T10:00", "FREQ=DAILY;INTERVAL=3"),
    ("2001-01-31T10:00", "FREQ=WEEKLY;INTERVAL=2"),
    ("2001-01-31T10:00", "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,FR"),
    ("2001-01-31T10:00", "FREQ=MONTHLY"),
    ("2001-01-31T10:00", "FREQ=MONTHLY;INTERVAL=5"),
    ("2001-01-15T10:00", "FREQ=MONTHLY;INTERVAL=7"),
    ("2001-01-31T10:00", "FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU"),
    ("2001-03-15", "FREQ=MONTHLY;BYMONTHDAY=1,15"),
    ("2001-02-28T10:00", "FREQ=YEARLY"),
    ("2001-06-15T10:00", "FREQ=YEARLY;INTERVAL=3"),
    ("2001-01-31T10:00", "FREQ=YEARLY;BYMONTH=6,7;BYMONTHDAY=1"),
    ("2001-12-31T10:00", "FREQ=YEARLY;INTERVAL=2;BYDAY=-1MO;BYMONTH=5"),
    # One BY part alone: the rule's own, not the start's month or day.
    ("2001-01-15T10:00", "FREQ=YEARLY;BYMONTH=6"),
    ("2001-01-31T10:00", "FREQ=YEARLY;BYMONTHDAY=15"),
    ("2001-01-31T10:00", "FREQ=YEARLY;BYYEARDAY=200"),
    ("2001-01-31T10:00", "FREQ=YEARLY;BYWEEKNO=30"),
    ("2001-01-31T10:00", "FREQ=YEARLY;BYDAY=20MO"),
    ("2001-01-31T10:00", "FREQ=MONTHLY;BYDAY=-1FR"),
]


@pytest.mark.parametrize(("start", "rrule"), FAR_RULES)
@pytest.mark.parametrize("year", [2022, 2029])
def test_a_window_far_from_the_start_holds_what_the_whole_series_holds_there(
    start: str, rrule: str, year: int
) -> None:
    event = series(start, rrule)
    lo, hi = utc(year, 5, 1), utc(year + 2, 7, 1)
    whole = [
        o.day for o in recurrence.occurrences(event, UTC, None, hi) if overlaps(o.span, lo, hi)
    ]
    assert whole, "the rule meets the window"
    assert days(event, lo, hi) == whole


@pytest.mark.parametrize("weekday", range(7))
def test_a_weekly_series_without_byday_keeps_its_weekday_in_a_later_window(weekday: int) -> None:
    first = date(2022, 1, 3) + timedelta(days=weekday)  # Monday 3 January 2022, and on
    event = series(f"{first.isoformat()}T10:00", "FREQ=WEEKLY")
    found = days(event, utc(2023, 6, 1), utc(2023, 7, 1))
    assert len(found) in {4, 5}
    assert {day.weekday() for day in found} == {weekday}
    assert all((day - first).days % 7 == 0 for day in found)


@pytest.mark.parametrize(
    ("rrule", "count"),
    [("FREQ=DAILY", 7), ("FREQ=WEEKLY", 1), ("FREQ=MONTHLY;BYMONTHDAY=1,5", 2), ("FREQ=YEARLY", 1)],
)
def test_a_window_thousands_of_years_after_the_start_costs_the_window_not_the_years(
    rrule: str, count: int
) -> None:
    ancient = series("1000-01-01T10:00", rrule, "UTC")
    starts(ancient, utc(2000, 1, 1), utc(2000, 1, 8))  # zones and dateutil loaded
    began = clock.process_time()
    found = starts(ancient, utc(8990, 1, 1), utc(8990, 1, 8))
    spent = clock.process_time() - began
    assert len(found) == count
    # Walking 8,000 years period by period takes 0.15 s (yearly) to 3 s (daily) of CPU;
    # starting at the period before the window, about a millisecond.
    assert spent < 0.1, spent


# ------------------------------------------------- occurrences under way


def test_an_occurrence_that_began_days_before_the_window_is_in_it() -> None:
    # Three days a month: 10 to 12 March is under way at noon on the 12th.
    conference = series("2022-01-10T09:00", "FREQ=MONTHLY", end="2022-01-12T17:00")
    noon = datetime(2022, 3, 12, 12, 0, tzinfo=VIENNA)
    assert days(conference, noon, noon + timedelta(hours=1)) == [date(2022, 3, 10)]


def test_next_occurrences_include_one_under_way_that_is_not_the_first() -> None:
    weekly = series(end="2022-03-10T12:00")  # Thursdays 10:00-12:00 in Vienna
    during_the_third = datetime(2022, 3, 24, 11, 0, tzinfo=VIENNA)
    ahead = recurrence.next_occurrences(weekly, during_the_third, UTC, 2)
    assert [o.day for o in ahead] == [date(2022, 3, 24), date(2022, 3, 31)]
    assert len(recurrence.next_occurrences(weekly, during_the_third, UTC)) == 5


# ------------------------------------------------------ moved occurrences


def test_an_occurrence_moved_two_days_earlier_comes_out_in_time_order() -> None:
    daily = series(
        "2022-03-01T10:00",
        "FREQ=DAILY;COUNT=8",
        "UTC",
        overrides=(Override(of=date(2022, 3, 6), start=parse_wall_time("2022-03-04T09:00")),),
    )
    found = starts(daily, None, None)
    assert found == sorted(found)
    assert found[3:5] == ["2022-03-04T09:00:00Z", "2022-03-04T10:00:00Z"]


def test_an_occurrence_moved_days_later_is_found_from_a_window_after_its_day() -> None:
    weekly = series(
        overrides=(Override(of=date(2022, 3, 17), start=parse_wall_time("2022-03-21T10:00")),)
    )
    assert days(weekly, utc(2022, 3, 20), utc(2022, 3, 22)) == [date(2022, 3, 17)]
    assert days(weekly, utc(2022, 3, 16), utc(2022, 3, 18)) == []


def test_a_changed_occurrence_keeps_the_series_length_unless_given_an_end() -> None:
    weekly = series(end="2022-03-10T12:00")
    moved = recurrence.changed_occurrence(
        weekly, Override(of=date(2022, 3, 17), start=parse_wall_time("2022-03-18T15:00"))
    )
    assert (str(moved.start), str(moved.end)) == ("2022-03-18T15:00", "2022-03-18T17:00")
    stretched = recurrence.changed_occurrence(
        weekly,
        Override(
            of=date(2022, 3, 17),
            start=parse_wall_time("2022-03-18T15:00"),
            end=parse_wall_time("2022-03-18T19:00"),
        ),
    )
    assert str(stretched.end) == "2022-03-18T19:00"
    renamed = recurrence.changed_occurrence(
        weekly, Override(of=date(2022, 3, 17), title="Special session", status=Status.CANCELLED)
    )
    assert (str(renamed.start), str(renamed.end)) == ("2022-03-17T10:00", "2022-03-17T12:00")
    assert (renamed.title, renamed.status) == ("Special session", Status.CANCELLED)


def test_an_extra_date_with_its_own_time_of_day_starts_then() -> None:
    event = series(rdates=("2022-03-20T15:30", "2022-03-22"))
    assert recurrence.base_start(event, date(2022, 3, 20)) == datetime(2022, 3, 20, 15, 30)
    assert recurrence.base_start(event, date(2022, 3, 22)) == datetime(2022, 3, 22, 10, 0)
    assert recurrence.base_start(event, date(2022, 3, 24)) == datetime(2022, 3, 24, 10, 0)
    all_day = series("2022-03-10", rdates=("2022-03-22",))
    assert recurrence.base_start(all_day, date(2022, 3, 22)) == datetime(2022, 3, 22, 0, 0)


# ------------------------------------------------- what a series may hold


def test_a_single_event_has_no_series_problems() -> None:
    assert recurrence.series_problems(series(rrule=None)) == []


def test_a_rule_that_never_occurs_is_reported_with_the_rule() -> None:
    never = series(rrule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")
    assert recurrence.series_problems(never) == [
        "rrule FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30: "
        "the rule gives no occurrence within 50 years of the start"
    ]


@pytest.mark.parametrize(
    ("start", "extra"),
    [
        ("2022-03-10T10:00+03:00", "2022-03-20T10:00+02:00"),
        ("2022-03-10T10:00+03:00", "2022-03-20T10:00"),
        ("2022-03-10T10:00", "2022-03-20T10:00+03:00"),
    ],
)
def test_an_extra_date_has_the_start_s_utc_offset_or_none(start: str, extra: str) -> None:
    event = series(start, tz=None, rdates=(extra,))
    assert recurrence.series_problems(event) == [
        f"rdates[0] {extra}: an extra date is a wall time like the start ({start}), "
        "with the same UTC offset or none"
    ]


@pytest.mark.parametrize(
    ("start", "extra"),
    [
        ("2022-03-10T10:00+03:00", "2022-03-20T10:00+03:00"),
        ("2022-03-10T10:00", "2022-03-20T15:00"),
        ("2022-03-10T10:00", "2022-03-20"),
        ("2022-03-10", "2022-03-20"),
    ],
)
def test_extra_dates_that_fit_the_series_are_accepted(start: str, extra: str) -> None:
    assert recurrence.series_problems(series(start, rdates=(extra,))) == []


def test_an_all_day_series_takes_dates_as_extra_dates_not_times() -> None:
    event = series("2022-03-10", rdates=("2022-03-19", "2022-03-20T10:00"))
    assert recurrence.series_problems(event) == [
        "rdates[1] 2022-03-20T10:00: the series is all-day; give a date"
    ]


def test_an_override_of_a_day_the_series_does_not_meet_is_refused() -> None:
    event = series(overrides=(Override(of=date(2022, 3, 16), status=Status.CANCELLED),))
    assert recurrence.series_problems(event) == [
        "overrides: 2022-03-16 is not a day the series meets"
    ]


@pytest.mark.parametrize("start", ["2022-03-10", "2022-03-10T00:00"])
def test_an_override_of_a_series_that_starts_at_midnight_is_accepted(start: str) -> None:
    event = series(start, overrides=(Override(of=date(2022, 3, 17), status=Status.CANCELLED),))
    assert recurrence.series_problems(event) == []


def test_overrides_more_than_a_year_apart_on_a_daily_series_are_accepted() -> None:
    daily = series(
        "2022-01-01T10:00",
        "FREQ=DAILY",
        overrides=(
            Override(of=date(2022, 1, 2), title="First"),
            Override(of=date(2023, 2, 5), title="Four hundred days on"),
        ),
    )
    assert recurrence.series_problems(daily) == []


def test_an_override_that_ends_before_it_starts_is_refused() -> None:
    def moved(end: str) -> Event:
        change = Override(
            of=date(2022, 3, 17),
            start=parse_wall_time("2022-03-17T14:00"),
            end=parse_wall_time(end),
        )
        return series(end="2022-03-10T12:00", overrides=(change,))

    assert recurrence.series_problems(moved("2022-03-17T13:00")) == [
        "overrides: the occurrence of 2022-03-17 ends before it starts"
    ]
    assert recurrence.series_problems(moved("2022-03-17T14:00")) == []  # a moment is fine
    assert recurrence.series_problems(moved("2022-03-17T16:00")) == []


@pytest.mark.parametrize(
    "end",
    [
        "2022-03-17T09:00",  # before the series' 10:00: the start it keeps
        "2022-03-16T23:00",  # the day before its own
    ],
)
def test_an_override_that_only_moves_the_end_before_the_start_is_refused(end: str) -> None:
    event = series(
        end="2022-03-10T12:00",
        overrides=(Override(of=date(2022, 3, 17), end=parse_wall_time(end)),),
    )
    assert recurrence.series_problems(event) == [
        "overrides: the occurrence of 2022-03-17 ends before it starts"
    ]


def test_an_override_of_an_extra_date_is_checked_against_that_date_s_own_start() -> None:
    """A period RDATE (01:00-04:30 on a series held at 10:00) keeps its end: it is not
    'before the start' of the series' time (the corpus file icaljs/recur_instances.ics)."""
    extra = series(
        end="2022-03-10T12:00",
        rdates=["2022-03-12T01:00"],
        overrides=(Override(of=date(2022, 3, 12), end=parse_wall_time("2022-03-12T04:30")),),
    )
    assert recurrence.series_problems(extra) == []
    early = replace(
        extra,
        overrides=(Override(of=date(2022, 3, 12), end=parse_wall_time("2022-03-12T00:30")),),
    )
    assert recurrence.series_problems(early) == [
        "overrides: the occurrence of 2022-03-12 ends before it starts"
    ]


# --------------------------------------------------- rules that never occur


@pytest.mark.parametrize(
    ("start", "rrule"),
    [
        ("2022-02-01", "FREQ=MONTHLY;BYMONTHDAY=31"),
        ("2001-02-01", "FREQ=MONTHLY;INTERVAL=2;BYMONTH=2;BYMONTHDAY=29"),
        ("2022-01-31", "FREQ=WEEKLY;BYMONTH=2"),
        ("2022-01-31", "FREQ=MONTHLY;BYDAY=1MO"),
        ("2000-02-29", "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29"),
        ("2022-02-28", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"),
    ],
)
def test_rules_that_occur_are_accepted(start: str, rrule: str) -> None:
    event = series(start, rrule, "UTC")
    assert recurrence.never_occurs(event) is None
    assert list(recurrence.occurrences(event, UTC, None, None, limit=1))  # and they do


@pytest.mark.parametrize(
    ("start", "rrule"),
    [
        ("2022-01-01", "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30"),
        ("2001-02-28", "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29"),  # odd years only
        ("2002-02-28", "FREQ=YEARLY;INTERVAL=54;BYMONTH=2;BYMONTHDAY=29"),  # first in 2056
    ],
)
def test_rules_without_an_occurrence_within_50_years_are_refused(start: str, rrule: str) -> None:
    assert recurrence.never_occurs(series(start, rrule, "UTC")) == (
        "the rule gives no occurrence within 50 years of the start"
    )


# ------------------------------------- the series' zone, not the machine's


@pytest.mark.usefixtures("process_tz")
def test_a_floating_series_reads_a_utc_until_in_the_viewer_s_zone() -> None:
    # Thursdays 10:00 wherever the viewer is: in Vienna 10:00 is 09:00 UTC, so an UNTIL one
    # second before 09:00 UTC on the 24th ends the series on the 17th (at +05:45 it would not).
    floating = series(rrule="FREQ=WEEKLY;BYDAY=TH;UNTIL=20220324T085959Z", tz=None)
    found = recurrence.occurrences(floating, VIENNA, None, None)
    assert [(o.day, o.span.start) for o in found] == [
        (date(2022, 3, 10), utc(2022, 3, 10, 9)),
        (date(2022, 3, 17), utc(2022, 3, 17, 9)),
    ]


def test_a_day_under_way_at_the_window_start_is_found_whatever_the_machine_zone() -> None:
    # All day every day in Pago Pago (UTC-11); the machine runs at UTC+14, a day ahead.
    pago_pago = ZoneInfo("Pacific/Pago_Pago")
    daily = series("2022-03-01", "FREQ=DAILY", "Pacific/Pago_Pago")
    lo = datetime(2022, 3, 10, 23, 30, tzinfo=pago_pago)
    with machine_zone("Pacific/Kiritimati"):
        found = [
            o.day for o in recurrence.occurrences(daily, pago_pago, lo, lo + timedelta(hours=1))
        ]
    assert found == [date(2022, 3, 10), date(2022, 3, 11)]


def test_an_occurrence_just_before_the_window_end_is_found_whatever_the_machine_zone() -> None:
    # Every day 10:00 at UTC+14; the machine runs at UTC-11, a day behind.
    kiritimati = ZoneInfo("Pacific/Kiritimati")
    daily = series("2022-03-01T10:00", "FREQ=DAILY", "Pacific/Kiritimati")
    lo = datetime(2022, 3, 10, 9, 0, tzinfo=kiritimati)
    with machine_zone("Pacific/Pago_Pago"):
        found = [o.day for o in recurrence.occurrences(daily, UTC, lo, lo + timedelta(minutes=90))]
    assert found == [date(2022, 3, 10)]


def test_a_moved_occurrence_keeps_time_order_whatever_the_machine_zone() -> None:
    # Daily 00:45 at UTC+14; the occurrence of the 5th moves to 00:30 on the 3rd, a quarter
    # of an hour before that day's own: it must come out first although it is read later.
    daily = series(
        "2022-03-01T00:45",
        "FREQ=DAILY;COUNT=6",
        "Pacific/Kiritimati",
        overrides=(Override(of=date(2022, 3, 5), start=parse_wall_time("2022-03-03T00:30")),),
    )
    with machine_zone("Pacific/Pago_Pago"):
        found = [o.event.start for o in recurrence.occurrences(daily, UTC, None, None)]
    assert [str(wall) for wall in found] == [
        "2022-03-01T00:45",
        "2022-03-02T00:45",
        "2022-03-03T00:30",
        "2022-03-03T00:45",
        "2022-03-04T00:45",
        "2022-03-06T00:45",
    ]


def test_a_window_to_the_end_of_time_is_read_as_open_at_a_venue_ahead_of_utc() -> None:
    # datetime.max in UTC is past datetime's range at UTC+14: the window is open-ended.
    three = series("2022-03-01T10:00", "FREQ=DAILY;COUNT=3", "Pacific/Kiritimati")
    end_of_time = datetime.max.replace(tzinfo=UTC)
    assert days(three, utc(2022, 1, 1), end_of_time) == [
        date(2022, 3, 1),
        date(2022, 3, 2),
        date(2022, 3, 3),
    ]


@pytest.mark.usefixtures("process_tz")
def test_next_occurrences_of_a_floating_series_are_in_the_viewer_s_zone() -> None:
    # Thursdays 10:00-12:00 wherever the viewer is: at 10:30 in Vienna the one of the 24th is
    # under way (at +05:45 it would have ended hours ago).
    floating = series(end="2022-03-10T12:00", tz=None)
    now = datetime(2022, 3, 24, 10, 30, tzinfo=VIENNA)
    ahead = recurrence.next_occurrences(floating, now, VIENNA, 1)
    assert [(o.day, o.span.start) for o in ahead] == [(date(2022, 3, 24), utc(2022, 3, 24, 9))]


def test_next_occurrences_of_a_daily_series_begun_twenty_years_ago_are_today_s() -> None:
    # More than MAX_OCCURRENCES days lie between the start and now: they are not read.
    daily = series("2002-03-01T10:00", "FREQ=DAILY", "UTC")
    ahead = recurrence.next_occurrences(daily, utc(2022, 3, 24, 11), UTC, 2)
    assert [o.day for o in ahead] == [date(2022, 3, 25), date(2022, 3, 26)]


# ---------------------------------------------- checking a stored series


@pytest.mark.usefixtures("process_tz")
@pytest.mark.parametrize(
    ("until", "problems"),
    [
        # Thursdays 10:00 in Vienna = 09:00 UTC: the 24th is in the series until 09:00 UTC.
        ("20220324T085959Z", ["overrides: 2022-03-24 is not a day the series meets"]),
        ("20220324T093000Z", []),  # 10:30 in Vienna, though 09:30 at UTC
    ],
)
def test_an_override_of_the_last_day_reads_a_utc_until_at_the_venue(
    until: str, problems: list[str]
) -> None:
    event = series(
        rrule=f"FREQ=WEEKLY;BYDAY=TH;UNTIL={until}",
        overrides=(Override(of=date(2022, 3, 24), title="Last"),),
    )
    assert recurrence.series_problems(event) == problems


def test_an_override_three_hundred_years_into_a_daily_series_is_accepted() -> None:
    # Only the days from the first override on are searched, not the 110,000 from the start.
    daily = series(
        "1900-01-01T10:00",
        "FREQ=DAILY",
        overrides=(Override(of=date(2200, 6, 1), title="Tercentenary"),),
    )
    assert recurrence.series_problems(daily) == []


# ----------------------------------------- rules that occur, checked fast


@pytest.mark.parametrize(
    ("start", "rrule"),
    [
        # 1 January in ISO week 1 (a Monday to Thursday): not on the start's Saturday.
        ("2022-01-01", "FREQ=YEARLY;BYWEEKNO=1;BYMONTH=1;BYMONTHDAY=1"),
        ("2022-01-01", "FREQ=WEEKLY;BYDAY=MO;BYWEEKNO=1;BYMONTH=1;BYMONTHDAY=1"),
        # Day 100 of the year: not on the start's day of the month.
        ("2022-01-31", "FREQ=YEARLY;BYYEARDAY=100"),
        # A Monday 1 February, whatever day the series started on.
        ("2022-01-30", "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=1;BYDAY=MO"),
        # The 31st of March (the start's day in the rule's month).
        ("2022-01-31", "FREQ=MONTHLY;BYMONTH=3"),
        # A UNTIL in UTC on a series without a zone.
        ("2022-03-10T10:00", "FREQ=WEEKLY;UNTIL=20220324T090000Z"),
        # First on Friday 31 December 1999, 49 years after the start: within the 50.
        ("1950-01-01", "FREQ=YEARLY;INTERVAL=49;BYMONTH=12;BYMONTHDAY=31;BYDAY=FR"),
    ],
)
def test_rules_whose_by_parts_meet_are_accepted(start: str, rrule: str) -> None:
    event = series(start, rrule, None)
    assert recurrence.never_occurs(event) is None
    assert list(recurrence.occurrences(event, UTC, None, None, limit=1))


def test_a_monthly_series_on_the_31st_kept_to_february_never_occurs() -> None:
    event = series("2022-01-31", "FREQ=MONTHLY;BYMONTH=2", "UTC")
    assert recurrence.never_occurs(event) == (
        "the rule gives no occurrence within 50 years of the start"
    )
    assert days(event, None, utc(2100, 1, 1)) == [date(2022, 1, 31)]  # only its start


def test_a_daily_series_kept_to_february_started_on_the_30th_occurs() -> None:
    event = series("2022-01-30T10:00", "FREQ=DAILY;BYMONTH=2", "UTC")
    assert days(event, None, utc(2022, 2, 4)) == [date(2022, 1, 30)] + [
        date(2022, 2, n) for n in (1, 2, 3)
    ]
    assert recurrence.never_occurs(event) is None


def test_a_count_rule_is_checked_without_mixing_count_and_until() -> None:
    # dateutil deprecates a rule with both COUNT and UNTIL (RFC 5545 forbids it).
    event = series("2022-01-31", "FREQ=MONTHLY;BYMONTHDAY=31;COUNT=3", "UTC")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert recurrence.never_occurs(event) is None
