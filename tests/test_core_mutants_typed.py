"""Typed dates and durations that mutation testing found untested (scripts/mutation.py typed):
relative times with am/pm ("tomorrow 3pm", "12pm", "12am"), every weekday and unit, the
edges of clock times, durations and offsets, and the exact messages of what is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from summit_cli.dateorder import DateOrder
from summit_cli.errors import InvalidInput
from summit_cli.model import WallTime
from summit_cli.typed import Context, parse_duration, parse_typed, read_now, resolve_typed

VIENNA = ZoneInfo("Europe/Vienna")
# Wednesday 12 January 2022, 15:30 and a fraction in Vienna.
NOW = datetime(2022, 1, 12, 15, 30, 0, 123456, tzinfo=VIENNA)


def wall(text: str) -> WallTime:
    return parse_typed(text, NOW).wall


def refusal(text: str) -> str:
    with pytest.raises(InvalidInput) as caught:
        parse_typed(text, NOW)
    return str(caught.value)


# ------------------------------------------------ relative times of day


@pytest.mark.parametrize(
    ("text", "day", "clock"),
    [
        ("tomorrow 3pm", 13, time(15, 0)),
        ("tomorrow 1pm", 13, time(13, 0)),
        ("today 12pm", 12, time(12, 0)),  # noon
        ("tomorrow 12am", 13, time(0, 0)),  # midnight
        ("tomorrow 1am", 13, time(1, 0)),
        ("yesterday 9:30 am", 11, time(9, 30)),
        ("today 11:45:30 PM", 12, time(23, 45, 30)),
        ("tomorrow at 10", 13, time(10, 0)),
        ("today 23:59:59", 12, time(23, 59, 59)),
        ("today 00:00", 12, time(0, 0)),
    ],
)
def test_a_day_word_with_a_clock_time(text: str, day: int, clock: time) -> None:
    assert wall(text) == WallTime(date(2022, 1, day), clock)


@pytest.mark.parametrize(
    "text",
    [
        "today 13pm",
        "today 0am",
        "today 24:00",
        "today 10:60",
        "today 10:00:60",
        "today 99",
        "tomorrow noonish",
    ],
)
def test_an_impossible_clock_time_is_refused_naming_the_input(text: str) -> None:
    assert refusal(text) == f"cannot read the time of day in {text!r}"


# -------------------------------------------------------------- weekdays


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("monday", date(2022, 1, 17)),
        ("tuesday", date(2022, 1, 18)),
        ("wednesday", date(2022, 1, 12)),  # today is a Wednesday
        ("thursday", date(2022, 1, 13)),
        ("friday", date(2022, 1, 14)),
        ("saturday", date(2022, 1, 15)),
        ("sunday", date(2022, 1, 16)),
        ("next wednesday", date(2022, 1, 19)),
        ("this friday", date(2022, 1, 14)),
        ("last monday", date(2022, 1, 10)),
        ("last wednesday", date(2022, 1, 5)),
        ("last sunday", date(2022, 1, 9)),
        ("Next Tuesday 9am", date(2022, 1, 18)),
    ],
)
def test_every_weekday_is_read(text: str, day: date) -> None:
    assert wall(text).date == day


# ------------------------------------------------------------ relative units


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+1y", WallTime(date(2023, 1, 12))),
        ("in 2 years", WallTime(date(2024, 1, 12))),
        ("a year ago", WallTime(date(2021, 1, 12))),
        ("+1mo", WallTime(date(2022, 2, 12))),
        ("in 3 months", WallTime(date(2022, 4, 12))),
        ("one month ago", WallTime(date(2021, 12, 12))),
        ("+3w", WallTime(date(2022, 2, 2))),
        ("in one week", WallTime(date(2022, 1, 19))),
        ("in one day", WallTime(date(2022, 1, 13))),
        ("+90m", WallTime(date(2022, 1, 12), time(17, 0))),
        ("in 5 min", WallTime(date(2022, 1, 12), time(15, 35))),
        ("in 5 mins", WallTime(date(2022, 1, 12), time(15, 35))),
        ("in a minute", WallTime(date(2022, 1, 12), time(15, 31))),
        ("in 10 minutes", WallTime(date(2022, 1, 12), time(15, 40))),
        ("in an hour", WallTime(date(2022, 1, 12), time(16, 30))),
        ("+3h", WallTime(date(2022, 1, 12), time(18, 30))),  # the fraction of now dropped
        ("in 90 seconds", WallTime(date(2022, 1, 12), time(15, 31, 30))),
        ("2 hrs ago", WallTime(date(2022, 1, 12), time(13, 30))),
    ],
)
def test_relative_units(text: str, expected: WallTime) -> None:
    moment = parse_typed(text, NOW)
    assert moment.wall == expected
    assert moment.relative


@pytest.mark.parametrize(("text", "unit"), [("in 3 fortnights", "fortnights"), ("+3wk", "wk")])
def test_an_unknown_unit_is_named(text: str, unit: str) -> None:
    assert refusal(text) == f"cannot read {text!r}: unknown unit {unit!r}"


# ----------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90min", timedelta(minutes=90)),
        ("5m", timedelta(minutes=5)),
        ("2 mins", timedelta(minutes=2)),
        ("1w", timedelta(weeks=1)),
        ("30s", timedelta(seconds=30)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("366000d", timedelta(days=366000)),  # the longest: 1000 years of 366 days
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("366000d1s", "duration '366000d1s' is too long (at most 1000 years)"),
        ("", "empty duration (use forms such as 7d, 2w, 36h, 90min)"),
        ("  ", "empty duration (use forms such as 7d, 2w, 36h, 90min)"),
        ("3 fortnights", "cannot read '3 fortnights' as a duration (use forms such as 7d, 2w, "
         "36h, 90min)"),
    ],
)  # fmt: skip
def test_durations_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_duration(text)
    assert str(caught.value) == message


# ------------------------------------------------------ what is refused


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty date"),
        (" \t", "empty date"),
        ("+7000y", "'+7000y' is out of range: summits supports dates from 1000-01-01 to "
         "8999-12-31"),
        ("+9000y", "cannot read '+9000y' as a date: it is out of range (year 11022 is out of "
         "range)"),
        ("week 54 2022", "cannot read 'week 54 2022' as a date: 2022 has no ISO week 54"),
        ("12 Jan 2022 10:00 +18:30", "'12 Jan 2022 10:00 +18:30' has an impossible UTC offset "
         "(at most ±18:00)"),
        ("12/11/2022", "'12/11/2022' is ambiguous: day-first or month-first? Write it as "
         "YYYY-MM-DD, or set --date-order dmy|mdy (env SUMMITS_DATE_ORDER)"),
        ("11/12/2022", "'11/12/2022' is ambiguous: day-first or month-first? Write it as "
         "YYYY-MM-DD, or set --date-order dmy|mdy (env SUMMITS_DATE_ORDER)"),
        ("12 2022 10:00", "cannot read '12 2022 10:00' as a date: it has no full date"),
        ("12 Jan 2022 10:00 EST", "'12 Jan 2022 10:00 EST': zone names such as 'EST' inside a "
         "date are not read (they are ambiguous); write an offset (e.g. 2022-01-12 10:00 "
         "-05:00) or use --tz"),
        ("12 Jan 10:00", "cannot read '12 Jan 10:00' as a date: it has no year"),
        ("Jan 2022 10:00", "cannot read 'Jan 2022 10:00' as a date: it has no full date"),
    ],
)  # fmt: skip
def test_refused_dates_say_why(text: str, message: str) -> None:
    assert refusal(text) == message


def test_an_offset_of_eighteen_hours_is_the_largest_read() -> None:
    assert wall("12 Jan 2022 10:00 +18:00").offset == timedelta(hours=18)


@pytest.mark.parametrize("zone", ["UTC", "GMT", "Z", "UT"])
def test_utc_by_any_of_its_names(zone: str) -> None:
    assert wall(f"12 Jan 2022 10:00 {zone}") == WallTime(
        date(2022, 1, 12), time(10, 0), timedelta(0)
    )


def test_what_dateutil_cannot_read_is_refused_with_its_reason() -> None:
    message = refusal("banana split")
    assert message.startswith("cannot read 'banana split' as a date (")
    assert message.endswith(")")


def test_an_hour_after_now_in_the_repeated_hour_keeps_its_offset() -> None:
    # 02:30 CEST on 30 October 2022; an hour later is 02:30 again, in CET.
    first_0230 = datetime(2022, 10, 30, 0, 30, tzinfo=UTC).astimezone(VIENNA)
    later = parse_typed("+1h", first_0230).wall
    assert later == WallTime(date(2022, 10, 30), time(2, 30), timedelta(hours=1))


def test_a_rough_date_is_read_as_its_window() -> None:
    assert wall("Q1 2022") == WallTime(date(2022, 1, 1), precision="quarter")
    assert wall("tbd").tbd
    assert wall("to be announced").tbd


# --------------------------------------------- from a typed date to a moment


def test_a_rough_date_resolves_to_the_start_or_the_end_of_its_window() -> None:
    quarter = parse_typed("2022-Q1", NOW)
    assert resolve_typed(quarter, UTC) == datetime(2022, 1, 1, tzinfo=UTC)
    assert resolve_typed(quarter, UTC, end_of_day=True) == datetime(2022, 4, 1, tzinfo=UTC)


def test_tbd_is_no_moment_to_count_from() -> None:
    with pytest.raises(InvalidInput) as caught:
        resolve_typed(parse_typed("tbd", NOW), UTC)
    assert str(caught.value) == "'tbd' is not a date to count from (give a day, a month, a year...)"


def test_a_context_reads_a_date_alone_as_its_start_unless_asked_for_its_end() -> None:
    context = Context(NOW, UTC, DateOrder())
    assert context.moment("2022-01-20", "--from") == datetime(2022, 1, 20, tzinfo=UTC)
    assert context.moment("2022-01-20", "--to", end_of_day=True) == datetime(
        2022, 1, 21, tzinfo=UTC
    )


def test_now_is_read_in_any_typed_form() -> None:
    clock = datetime(2022, 1, 12, 20, 0, tzinfo=UTC)
    assert read_now("tomorrow 10:00", clock, VIENNA) == datetime(2022, 1, 13, 10, tzinfo=VIENNA)
    assert read_now("2022-01-12T10:00:00.250", clock, VIENNA) == datetime(
        2022, 1, 12, 10, 0, 0, 250000, tzinfo=VIENNA
    )


def test_a_context_reads_a_venue_s_date_relative_to_now_there() -> None:
    # 20:00 UTC on the 12th is already the 13th in Tokyo: "tomorrow" there is the 14th.
    context = Context(datetime(2022, 1, 12, 20, 0, tzinfo=UTC), UTC, DateOrder())
    assert context.wall("tomorrow", "--start", ZoneInfo("Asia/Tokyo")) == WallTime(
        date(2022, 1, 14)
    )
    assert context.wall("tomorrow", "--start") == WallTime(date(2022, 1, 13))


def test_a_context_names_the_option_when_it_cannot_read_a_date() -> None:
    context = Context(NOW, UTC, DateOrder())
    with pytest.raises(InvalidInput) as caught:
        context.moment("Jan 2022 10:00", "--from")
    assert (
        str(caught.value) == "--from: cannot read 'Jan 2022 10:00' as a date: it has no full date"
    )
    with pytest.raises(InvalidInput) as caught:
        context.wall("today 25:00", "--start")
    assert str(caught.value) == "--start: cannot read the time of day in 'today 25:00'"
