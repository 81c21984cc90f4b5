"""Time arithmetic with real-world cases: spans, DST, countdowns, typed dates, durations."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summit_cli.dateorder import DateOrder
from summit_cli.errors import InvalidInput
from summit_cli.fromplain import store_from_plain
from summit_cli.model import MAX_DATE, MIN_DATE, Event, WallTime, parse_wall_time
from summit_cli.timeline import (
    Phase,
    countdown,
    end_before_start,
    instant_key,
    overlaps,
    phase,
    span_of,
    wall_time_exists,
)
from summit_cli.typed import parse_duration, parse_typed, resolve_typed
from summit_cli.zones import is_zone_name

ZURICH = ZoneInfo("Europe/Zurich")
NEW_YORK = ZoneInfo("America/New_York")
MOSCOW = ZoneInfo("Europe/Moscow")
SHANGHAI = ZoneInfo("Asia/Shanghai")
TOKYO = ZoneInfo("Asia/Tokyo")
MINUS_8 = timezone(timedelta(hours=-8))
PLUS_9 = timezone(timedelta(hours=9))


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def ev(start: str, end: str | None = None, tz: str | None = None, **fields: Any) -> Event:
    return Event(
        id="e",
        title="t",
        start=parse_wall_time(start),
        end=parse_wall_time(end) if end else None,
        timezone=tz,
        **fields,
    )


# ------------------------------------------------------------------ spans


@pytest.mark.parametrize(
    ("event", "display", "start_utc", "end_utc", "all_day", "floating", "days"),
    [
        pytest.param(
            ev("2022-01-10", tz="Europe/Zurich"),
            UTC,
            utc(2022, 1, 9, 23),
            utc(2022, 1, 10, 23),
            True,
            False,
            1,
            id="date-only at the venue",
        ),
        pytest.param(
            ev("2022-01-09", "2022-01-10", tz="Europe/Zurich"),
            TOKYO,
            utc(2022, 1, 8, 23),
            utc(2022, 1, 10, 23),
            True,
            False,
            2,
            id="multi-day, date-only end inclusive",
        ),
        pytest.param(
            ev("2022-01-10T09:00", "2022-01-10T17:00", tz="Europe/Zurich"),
            NEW_YORK,
            utc(2022, 1, 10, 8),
            utc(2022, 1, 10, 16),
            False,
            False,
            1,
            id="timed with end",
        ),
        pytest.param(
            ev("2022-01-09T19:00", "2022-01-10", tz="Europe/Zurich"),
            UTC,
            utc(2022, 1, 9, 18),
            utc(2022, 1, 10, 23),
            False,
            False,
            2,
            id="timed start, date-only end runs to the end of that day",
        ),
        pytest.param(
            ev("2021-12-30T15:35", tz="America/New_York"),
            UTC,
            utc(2021, 12, 30, 20, 35),
            utc(2021, 12, 30, 20, 35),
            False,
            False,
            1,
            id="point in time",
        ),
        pytest.param(
            ev("2022-01-10T09:00+03:00", tz="Europe/Zurich"),
            UTC,
            utc(2022, 1, 10, 6),
            utc(2022, 1, 10, 6),
            False,
            False,
            1,
            id="explicit offset wins over the zone",
        ),
        pytest.param(
            ev("2022-01-10T09:00Z"),
            PLUS_9,
            utc(2022, 1, 10, 9),
            utc(2022, 1, 10, 9),
            False,
            False,
            1,
            id="explicit Z without a venue zone is absolute, not floating",
        ),
        pytest.param(
            ev("2022-01-10"),
            MINUS_8,
            utc(2022, 1, 10, 8),
            utc(2022, 1, 11, 8),
            True,
            True,
            1,
            id="floating date seen from UTC-8",
        ),
        pytest.param(
            ev("2022-01-10"),
            PLUS_9,
            utc(2022, 1, 9, 15),
            utc(2022, 1, 10, 15),
            True,
            True,
            1,
            id="floating date seen from UTC+9",
        ),
        pytest.param(
            ev("2022-01-10T09:00", "2022-01-10T10:00"),
            MINUS_8,
            utc(2022, 1, 10, 17),
            utc(2022, 1, 10, 18),
            False,
            True,
            1,
            id="floating time seen from UTC-8",
        ),
        pytest.param(
            ev("2022-01-10T09:00", "2022-01-10T10:00"),
            PLUS_9,
            utc(2022, 1, 10, 0),
            utc(2022, 1, 10, 1),
            False,
            True,
            1,
            id="floating time seen from UTC+9",
        ),
    ],
)
def test_span_of(
    event: Event,
    display: tzinfo,
    start_utc: datetime,
    end_utc: datetime,
    all_day: bool,
    floating: bool,
    days: int,
) -> None:
    span = span_of(event, display)
    assert span.start.astimezone(UTC) == start_utc
    assert span.end.astimezone(UTC) == end_utc
    assert span.all_day is all_day
    assert span.floating is floating
    assert span.day_count() == days
    assert span.point is (start_utc == end_utc)
    assert instant_key(span) == (False, start_utc, False, end_utc)  # exact: before rough dates


def test_multi_day_first_and_last_day_are_at_the_venue() -> None:
    span = span_of(ev("2022-01-09", "2022-01-10", tz="Europe/Zurich"), TOKYO)
    assert span.first_day() == date(2022, 1, 9)
    assert span.last_day() == date(2022, 1, 10)
    assert span.zone is ZURICH


def test_floating_event_uses_the_display_zone() -> None:
    span = span_of(ev("2022-01-10T09:00"), MINUS_8)
    assert span.zone is MINUS_8
    assert span.start.astimezone(MINUS_8).time() == time(9)


# ------------------------------------------------------------------ DST


@pytest.mark.parametrize(
    ("day", "zone", "hours"),
    [
        ("2022-03-26", "Europe/Zurich", 24),
        ("2022-03-27", "Europe/Zurich", 23),  # last Sunday of March
        ("2022-10-30", "Europe/Zurich", 25),  # last Sunday of October
        ("2022-03-27", "Europe/London", 23),
        ("2022-03-13", "America/New_York", 23),  # 2nd Sunday of March
        ("2022-03-27", "America/New_York", 24),
        ("2022-11-06", "America/New_York", 25),  # 1st Sunday of November
        ("2022-10-30", "America/New_York", 24),
        ("2022-03-27", "Europe/Moscow", 24),  # no DST since 2011
        ("2022-03-13", "Asia/Tokyo", 24),
    ],
)
def test_an_all_day_event_lasts_the_real_length_of_its_day(day: str, zone: str, hours: int) -> None:
    span = span_of(ev(day, tz=zone), UTC)
    real = span.end.astimezone(UTC) - span.start.astimezone(UTC)
    assert real == timedelta(hours=hours)
    assert span.day_count() == 1


@pytest.mark.parametrize(
    ("start", "zone", "expected_utc"),
    [
        ("2022-03-26T10:00", "Europe/Zurich", utc(2022, 3, 26, 9)),  # CET
        ("2022-03-27T10:00", "Europe/Zurich", utc(2022, 3, 27, 8)),  # CEST
        ("2022-10-29T10:00", "Europe/Zurich", utc(2022, 10, 29, 8)),  # CEST
        ("2022-10-30T10:00", "Europe/Zurich", utc(2022, 10, 30, 9)),  # CET
        ("2022-03-12T10:00", "America/New_York", utc(2022, 3, 12, 15)),  # EST
        ("2022-03-13T10:00", "America/New_York", utc(2022, 3, 13, 14)),  # EDT
        ("2022-11-05T10:00", "America/New_York", utc(2022, 11, 5, 14)),  # EDT
        ("2022-11-06T10:00", "America/New_York", utc(2022, 11, 6, 15)),  # EST
        # In the DST gap the wall time moves forward (read with the offset before).
        ("2022-03-27T02:30", "Europe/Zurich", utc(2022, 3, 27, 1, 30)),
        ("2022-03-13T02:30", "America/New_York", utc(2022, 3, 13, 7, 30)),
        # An ambiguous wall time is the first occurrence (fold=0).
        ("2022-10-30T02:30", "Europe/Zurich", utc(2022, 10, 30, 0, 30)),
        ("2022-11-06T01:30", "America/New_York", utc(2022, 11, 6, 5, 30)),
    ],
)
def test_wall_times_around_dst_changes(start: str, zone: str, expected_utc: datetime) -> None:
    assert span_of(ev(start, tz=zone), UTC).start.astimezone(UTC) == expected_utc


@pytest.mark.parametrize(
    ("zurich", "new_york"),
    [
        ("2022-03-06T15:00", time(9)),  # both on winter time: 6 h apart
        ("2022-03-20T15:00", time(10)),  # US already on summer time: 5 h apart
        ("2022-03-28T15:00", time(9)),  # both on summer time: 6 h apart
        ("2022-10-31T15:00", time(10)),  # Europe back on winter time, US not yet
        ("2022-11-07T15:00", time(9)),
    ],
)
def test_the_weeks_when_europe_and_the_us_differ(zurich: str, new_york: time) -> None:
    span = span_of(ev(zurich, tz="Europe/Zurich"), UTC)
    assert span.start.astimezone(NEW_YORK).time() == new_york


def test_year_end_call_in_moscow_and_shanghai() -> None:
    # The Biden–Putin call of 30 December 2021, 15:35 in Washington.
    span = span_of(ev("2021-12-30T15:35", tz="America/New_York"), UTC)
    assert span.start.astimezone(UTC) == utc(2021, 12, 30, 20, 35)
    moscow = span.start.astimezone(MOSCOW)
    assert (moscow.date(), moscow.time()) == (date(2021, 12, 30), time(23, 35))
    shanghai = span.start.astimezone(SHANGHAI)
    assert (shanghai.date(), shanghai.time()) == (date(2021, 12, 31), time(4, 35))
    assert span.first_day() == date(2021, 12, 30)  # at the venue


@pytest.mark.parametrize(
    ("wall", "zone", "exists"),
    [
        ("2022-03-27T02:30", ZURICH, False),
        ("2022-03-27T02:00", ZURICH, False),
        ("2022-03-27T02:59:59", ZURICH, False),
        ("2022-03-27T03:00", ZURICH, True),
        ("2022-03-27T01:59", ZURICH, True),
        ("2022-03-13T02:30", NEW_YORK, False),
        ("2022-03-27T02:30", NEW_YORK, True),
        ("2022-03-13T02:30", ZURICH, True),
        ("2022-10-30T02:30", ZURICH, True),  # ambiguous, but it exists
        ("2022-11-06T01:30", NEW_YORK, True),
        ("2022-03-27", ZURICH, True),  # date-only
        ("2022-03-27T02:30+01:00", ZURICH, True),  # explicit offset
        ("2022-03-27T02:30", UTC, True),
        ("2022-03-27T02:30", PLUS_9, True),
    ],
)
def test_wall_time_exists(wall: str, zone: tzinfo, exists: bool) -> None:
    assert wall_time_exists(parse_wall_time(wall), zone) is exists


@pytest.mark.parametrize(
    ("start", "now", "seconds"),
    [
        # Spring forward: from Saturday noon to Sunday noon is 23 real hours.
        ("2022-03-27T12:00", datetime(2022, 3, 26, 12, tzinfo=ZURICH), 23 * 3600),
        ("2022-03-27T12:00", datetime(2022, 3, 26, 11, tzinfo=UTC), 23 * 3600),
        ("2022-03-27T12:00", datetime(2022, 3, 26, 7, tzinfo=NEW_YORK), 23 * 3600),
        # Fall back: 25 real hours.
        ("2022-10-30T12:00", datetime(2022, 10, 29, 12, tzinfo=ZURICH), 25 * 3600),
        ("2022-10-30T12:00", datetime(2022, 10, 29, 10, tzinfo=UTC), 25 * 3600),
    ],
)
def test_countdown_across_dst_counts_real_seconds(start: str, now: datetime, seconds: int) -> None:
    span = span_of(ev(start, tz="Europe/Zurich"), UTC)
    assert countdown(span, now).seconds == seconds


def test_countdown_across_us_dst_in_the_viewers_zone() -> None:
    span = span_of(ev("2022-03-13T12:00", tz="America/New_York"), NEW_YORK)
    now = datetime(2022, 3, 12, 12, tzinfo=NEW_YORK)
    count = countdown(span, now)
    assert count.seconds == 23 * 3600
    assert count.text == "tomorrow 12:00 EDT"


def test_phase_in_the_repeated_hour_uses_the_real_instant() -> None:
    # 01:45 EDT (first pass) is before 01:30 EST (second pass, fold=1).
    span = span_of(ev("2022-11-06T01:45", "2022-11-06T01:50", tz="America/New_York"), UTC)
    now = datetime(2022, 11, 6, 1, 30, fold=1, tzinfo=NEW_YORK)
    assert now.astimezone(UTC) > span.end.astimezone(UTC)
    assert phase(span, now) is Phase.PAST
    assert (countdown(span, now).seconds or 0) < 0


# ------------------------------------------------------------------ countdown texts

GENEVA_DAY = ev("2022-01-10", tz="Europe/Zurich")
GENEVA_TWO_DAYS = ev("2022-01-09", "2022-01-10", tz="Europe/Zurich")
GENEVA_TALKS = ev("2022-01-10T09:00", "2022-01-10T17:00", tz="Europe/Zurich")
YEAR_END_CALL = ev("2021-12-30T15:35", tz="America/New_York")
OSCE = ev("2022-01-13T10:00", tz="Europe/Vienna")
NRC = ev("2022-01-12T15:00", tz="Europe/Brussels")
EARLY = ev("2022-01-10T01:00", "2022-01-10T02:00", tz="Europe/Zurich")


@pytest.mark.parametrize(
    ("event", "now", "text", "where"),
    [
        (GENEVA_DAY, utc(2022, 1, 1, 12), "in 9 days", Phase.UPCOMING),
        (GENEVA_DAY, utc(2022, 1, 8, 12), "in 2 days", Phase.UPCOMING),
        (GENEVA_DAY, utc(2022, 1, 9, 12), "tomorrow", Phase.UPCOMING),
        (GENEVA_DAY, utc(2022, 1, 10, 12), "today", Phase.ONGOING),
        (GENEVA_DAY, utc(2022, 1, 9, 23, 30), "today", Phase.ONGOING),  # 00:30 in Geneva
        (GENEVA_DAY, utc(2022, 1, 11, 12), "yesterday", Phase.PAST),
        (GENEVA_DAY, utc(2022, 1, 15, 12), "5 days ago", Phase.PAST),
        (YEAR_END_CALL, utc(2021, 12, 30, 17, 15), "in 3 h 20 min", Phase.UPCOMING),
        (YEAR_END_CALL, utc(2021, 12, 30, 18, 35), "in 2 h", Phase.UPCOMING),
        (YEAR_END_CALL, utc(2021, 12, 30, 20, 10), "in 25 min", Phase.UPCOMING),
        (YEAR_END_CALL, utc(2021, 12, 30, 20, 34, 30), "in less than a minute", Phase.UPCOMING),
        (YEAR_END_CALL, utc(2021, 12, 30, 20, 35), "ongoing", Phase.ONGOING),
        (YEAR_END_CALL, utc(2021, 12, 30, 21, 5), "30 min ago", Phase.PAST),
        (YEAR_END_CALL, utc(2021, 12, 30, 8), "today 15:35 EST", Phase.UPCOMING),
        (YEAR_END_CALL, utc(2021, 12, 29, 12), "tomorrow 15:35 EST", Phase.UPCOMING),
        (YEAR_END_CALL, utc(2022, 1, 1, 12), "2 days ago", Phase.PAST),
        (OSCE, utc(2022, 1, 12, 12), "tomorrow 10:00 CET", Phase.UPCOMING),
        (NRC, utc(2022, 1, 12, 7), "today 15:00 CET", Phase.UPCOMING),
        (GENEVA_TWO_DAYS, utc(2022, 1, 9, 12), "ongoing, day 1 of 2", Phase.ONGOING),
        (GENEVA_TWO_DAYS, utc(2022, 1, 10, 12), "ongoing, day 2 of 2", Phase.ONGOING),
        (GENEVA_TWO_DAYS, utc(2022, 1, 11, 12), "yesterday", Phase.PAST),
        (GENEVA_TALKS, utc(2022, 1, 10, 14), "ongoing, ends in 2 h", Phase.ONGOING),
        (GENEVA_TALKS, utc(2022, 1, 10, 17, 30), "ended 1 h 30 min ago", Phase.PAST),
        (GENEVA_TALKS, utc(2022, 1, 13, 12), "3 days ago", Phase.PAST),
        (EARLY, utc(2022, 1, 10, 20), "earlier today", Phase.PAST),
    ],
)
def test_countdown_texts(event: Event, now: datetime, text: str, where: Phase) -> None:
    span = span_of(event, UTC)
    count = countdown(span, now)
    assert count.text == text
    assert count.phase is where
    assert count.seconds == int((span.start.astimezone(UTC) - now).total_seconds())


def test_countdown_is_the_same_whatever_zone_now_is_given_in() -> None:
    span = span_of(ev("2022-03-27T12:00", tz="Europe/Zurich"), UTC)
    now = utc(2022, 3, 26, 12)
    results = {countdown(span, now.astimezone(zone)) for zone in (UTC, ZURICH, TOKYO, MINUS_8)}
    assert len(results) == 1


# ------------------------------------------------------------------ windows


def test_overlaps_half_open_window() -> None:
    span = span_of(GENEVA_TALKS, UTC)  # 08:00–16:00Z
    assert overlaps(span, None, None)
    assert overlaps(span, utc(2022, 1, 10, 15), utc(2022, 1, 10, 18))
    assert not overlaps(span, utc(2022, 1, 10, 16), None)  # end is exclusive
    assert not overlaps(span, None, utc(2022, 1, 10, 8))  # window end is exclusive
    point = span_of(YEAR_END_CALL, UTC)
    assert overlaps(point, utc(2021, 12, 30, 20, 35), utc(2021, 12, 30, 20, 36))
    assert not overlaps(point, utc(2021, 12, 30, 20, 36), None)


def test_end_before_start() -> None:
    assert end_before_start(ev("2022-01-10T10:00", "2022-01-10T09:00", tz="Europe/Zurich"))
    assert end_before_start(ev("2022-01-10", "2022-01-09"))
    assert not end_before_start(ev("2022-01-10T18:00", "2022-01-10"))  # whole last day
    assert not end_before_start(ev("2022-01-10"))
    # Offsets are compared as instants: 10:00+03:00 is before 09:00Z.
    assert not end_before_start(ev("2022-01-10T10:00+03:00", "2022-01-10T09:00Z"))
    assert end_before_start(ev("2022-01-10T10:00Z", "2022-01-10T12:00+03:00"))


# ------------------------------------------------------------------ typed dates

NOW = utc(2022, 1, 5, 12)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "expected", "relative"),
    [
        ("2022-01-10", "2022-01-10", False),
        ("2022-01-10T09:00", "2022-01-10T09:00", False),
        ("2022-01-10 09:00:30", "2022-01-10T09:00:30", False),
        ("2022-01-10T09:00+01:00", "2022-01-10T09:00+01:00", False),
        ("Jan 12 2022 10am", "2022-01-12T10:00", False),
        ("Jan 12 2022 10:30pm", "2022-01-12T22:30", False),
        ("January 12, 2022", "2022-01-12", False),
        ("12 January 2022 15:35", "2022-01-12T15:35", False),
        ("Jan 12 2022 00:00", "2022-01-12T00:00", False),
        ("Jan 12 2022 10:30 +0100", "2022-01-12T10:30+01:00", False),
        ("Jan 12 2022 10:30 UTC", "2022-01-12T10:30Z", False),
        ("13/01/2022", "2022-01-13", False),
        ("01/13/2022", "2022-01-13", False),
        ("05.05.2022", "2022-05-05", False),
        ("2022/01/02", "2022-01-02", False),
        ("today", "2022-01-05", True),
        ("Today", "2022-01-05", True),
        ("tomorrow", "2022-01-06", True),
        ("yesterday", "2022-01-04", True),
        ("tomorrow 10:00", "2022-01-06T10:00", True),
        ("tomorrow at 10am", "2022-01-06T10:00", True),
        ("today 15:35:10", "2022-01-05T15:35:10", True),
        ("now", "2022-01-05T12:00", True),
        ("+3d", "2022-01-08", True),
        ("-2d", "2022-01-03", True),
        ("+36h", "2022-01-07T00:00", True),
        ("-2h", "2022-01-05T10:00", True),
        ("+90min", "2022-01-05T13:30", True),
        ("in 2 weeks", "2022-01-19", True),
        ("in a day", "2022-01-06", True),
        ("in 1 month", "2022-02-05", True),
        ("3 days ago", "2022-01-02", True),
        ("a year ago", "2021-01-05", True),
        ("next monday", "2022-01-10", True),
        ("monday", "2022-01-10", True),
        ("last monday", "2022-01-03", True),
        ("wednesday", "2022-01-05", True),
        ("next wednesday", "2022-01-12", True),
        ("last wednesday", "2021-12-29", True),
        ("next friday 09:30", "2022-01-07T09:30", True),
    ],
)
def test_parse_typed(text: str, expected: str, relative: bool) -> None:
    moment = parse_typed(text, NOW)
    assert moment.wall == parse_wall_time(expected)
    assert moment.relative is relative


def test_relative_dates_use_the_date_where_now_is() -> None:
    late_utc = utc(2022, 1, 5, 23, 30)  # already the 6th in Tokyo
    assert parse_typed("today", late_utc).wall == WallTime(date(2022, 1, 5))
    assert parse_typed("today", late_utc.astimezone(TOKYO)).wall == WallTime(date(2022, 1, 6))


@pytest.mark.parametrize("text", ["01/02/2022", "01.02.2022", "1-2-2022", "12.01.2022 10:00"])
def test_ambiguous_numeric_dates_need_a_date_order(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_typed(text, NOW)
    assert repr(text) in info.value.message
    assert "ambiguous" in info.value.message


@pytest.mark.parametrize(
    ("text", "dayfirst", "expected"),
    [
        ("01/02/2022", True, "2022-02-01"),
        ("01/02/2022", False, "2022-01-02"),
        ("12.01.2022 10:00", True, "2022-01-12T10:00"),
        ("12.01.2022 10:00", False, "2022-12-01T10:00"),
        ("13/01/2022", False, "2022-01-13"),  # cannot be month-first: read as it must
        ("2022/01/02", True, "2022-01-02"),  # year first is never day-first
    ],
)
def test_date_order(text: str, dayfirst: bool, expected: str) -> None:
    moment = parse_typed(text, NOW, DateOrder(dayfirst=dayfirst))
    assert moment.wall == parse_wall_time(expected)
    assert not moment.relative


@pytest.mark.parametrize(
    "text",
    [
        "garbage",
        "next blursday",
        "+3x",
        "in 3 parsecs",
        "tomorrow 25:00",
        "today at 13pm",
        "Jan 12",  # no year
        "10:00",  # no date
        "Blursday 2022",  # not a month (a month alone is a rough date: test_rough_dates.py)
        "13th month 2022",
        "2022-02-30",
        "32/01/2022",
    ],
)
def test_parse_typed_refuses_quoting_the_input(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_typed(text, NOW)
    assert repr(text) in info.value.message


def test_parse_typed_empty() -> None:
    with pytest.raises(InvalidInput, match="empty date"):
        parse_typed("   ", NOW)


def test_resolve_typed() -> None:
    day = parse_typed("2022-01-12", NOW)
    assert resolve_typed(day, ZURICH) == datetime(2022, 1, 12, tzinfo=ZURICH)
    assert resolve_typed(day, ZURICH, end_of_day=True) == datetime(2022, 1, 13, tzinfo=ZURICH)
    timed = parse_typed("2022-01-12T10:00", NOW)
    assert resolve_typed(timed, ZURICH, end_of_day=True) == datetime(2022, 1, 12, 10, tzinfo=ZURICH)


# ------------------------------------------------------------------ durations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", timedelta(days=7)),
        ("2w", timedelta(weeks=2)),
        ("36h", timedelta(hours=36)),
        ("1d12h", timedelta(hours=36)),
        ("90min", timedelta(minutes=90)),
        ("90m", timedelta(minutes=90)),
        ("90 min", timedelta(minutes=90)),
        ("1h30m", timedelta(minutes=90)),
        ("1h 30min", timedelta(minutes=90)),
        ("45s", timedelta(seconds=45)),
        ("2 weeks", timedelta(weeks=2)),
        ("7days", timedelta(days=7)),
        ("1 day", timedelta(days=1)),
        ("36hours", timedelta(hours=36)),
        ("3hrs", timedelta(hours=3)),
        ("10 minutes", timedelta(minutes=10)),
        ("10secs", timedelta(seconds=10)),
        ("7D", timedelta(days=7)),
        (" 7d ", timedelta(days=7)),
        ("0d", timedelta(0)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["abc", "7", "d7", "1.5h", "-1d", "+1d", "7x", "1mo", "7 dayz", "7d junk", "1ms"]
)
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_duration(text)
    assert repr(text) in info.value.message


def test_parse_duration_empty() -> None:
    with pytest.raises(InvalidInput, match="empty duration"):
        parse_duration("  ")


# ------------------------------------------------------------------ properties

# The zones a store may name (the machine's zoneinfo folder may add 'localtime', 'posixrules').
ZONES = sorted(z for z in available_timezones() if is_zone_name(z))

times = st.times().map(lambda t: t.replace(microsecond=0, fold=0))
# Every offset the store accepts (±18:00), and every date summits supports.
offsets = st.none() | st.integers(min_value=-18 * 60, max_value=18 * 60).map(
    lambda m: timedelta(minutes=m)
)
dates = st.dates(min_value=MIN_DATE, max_value=MAX_DATE)
wall_times = st.one_of(
    st.builds(WallTime, dates, st.none(), offsets),
    st.builds(WallTime, dates, times, offsets),
)


@given(wall_times)
def test_wall_time_isoformat_round_trips(wall: WallTime) -> None:
    assert parse_wall_time(wall.isoformat()) == wall


DST_DAYS = [
    date(2021, 3, 14),
    date(2021, 3, 28),
    date(2021, 10, 31),
    date(2021, 11, 7),
    date(2022, 3, 13),
    date(2022, 3, 27),
    date(2022, 10, 30),
    date(2022, 11, 6),
]
DST_ZONES = ["Europe/Zurich", "America/New_York", "Europe/London", "Australia/Sydney"]
event_days = st.one_of(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
    st.builds(
        lambda day, shift: day + timedelta(days=shift),
        st.sampled_from(DST_DAYS),
        st.integers(min_value=-1, max_value=2),
    ),
)


@settings(max_examples=300)
@given(
    day=event_days,
    clock=st.none() | times,
    zone=st.sampled_from(DST_ZONES) | st.sampled_from(ZONES),
    viewer=st.sampled_from([*DST_ZONES, "UTC", "Asia/Tokyo"]),
    lead=st.integers(min_value=0, max_value=3 * 86400),
    steps=st.lists(st.integers(min_value=0, max_value=12 * 3600), min_size=1, max_size=8),
    same_zone=st.booleans(),
)
def test_countdown_seconds_never_increase_as_time_passes(
    day: date,
    clock: time | None,
    zone: str,
    viewer: str,
    lead: int,
    steps: list[int],
    same_zone: bool,
) -> None:
    event = Event(id="e", title="t", start=WallTime(day, clock), timezone=zone)
    span = span_of(event, ZoneInfo(viewer))
    # "now" is given in the event's own zone or another one: the answer must not differ.
    now_zone = ZoneInfo(zone) if same_zone else ZoneInfo(viewer)
    now = span.start.astimezone(UTC) - timedelta(seconds=lead)
    previous = countdown(span, now.astimezone(now_zone)).seconds
    for step in steps:
        now += timedelta(seconds=step)
        current = countdown(span, now.astimezone(now_zone)).seconds
        assert current is not None and previous is not None
        assert current <= previous
        assert current == int((span.start.astimezone(UTC) - now).total_seconds())
        previous = current


@given(
    wall=st.builds(WallTime, dates, st.none() | times),
    offset_wall=wall_times,
    zone=st.sampled_from(ZONES),
)
def test_event_keeps_wall_time_and_zone_through_the_store_form(
    wall: WallTime, offset_wall: WallTime, zone: str
) -> None:
    event = Event(id="e-1", title="t", start=wall, end=offset_wall, timezone=zone)
    store, problems = store_from_plain({"version": 1, "events": [event.to_stored()]})
    assert problems == []
    (back,) = store.events
    assert back.start == wall
    assert back.end == offset_wall
    assert back.timezone == zone
    assert back == event
