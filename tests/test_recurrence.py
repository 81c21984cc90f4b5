"""Recurring events (issue 4): RRULE validation, lazy expansion on wall times, exdates, zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from summit_cli import query, recurrence, zones
from summit_cli import records as rec
from summit_cli.errors import InvalidInput
from summit_cli.fromplain import store_from_plain
from summit_cli.model import EVENT_KEYS, Event, Store, WallTime, parse_wall_time
from summit_cli.rrules import check_rrule

VIENNA = ZoneInfo("Europe/Vienna")


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def series(
    start: str = "2022-03-10T10:00",
    rrule: str = "FREQ=WEEKLY;BYDAY=TH",
    tz: str | None = "Europe/Vienna",
    **fields: Any,
) -> Event:
    return Event(
        id="osce-pc",
        title="OSCE Permanent Council",
        start=parse_wall_time(start),
        timezone=tz,
        rrule=rrule,
        **fields,
    )


def starts(event: Event, lo: datetime | None, hi: datetime | None) -> list[str]:
    return [
        o.span.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")
        for o in recurrence.occurrences(event, UTC, lo, hi)
    ]


# ------------------------------------------------------------- expansion


@pytest.mark.parametrize(
    ("event", "lo", "hi", "expected"),
    [
        pytest.param(
            series(),
            utc(2022, 3, 17),
            utc(2022, 4, 8),
            # Vienna moves to CEST on 27 March 2022: 10:00 local stays, UTC moves an hour.
            ["2022-03-17T09:00Z", "2022-03-24T09:00Z", "2022-03-31T08:00Z", "2022-04-07T08:00Z"],
            id="weekly Thursday in Vienna across the March DST change",
        ),
        pytest.param(
            series(start="2022-10-20T10:00"),
            utc(2022, 10, 20),
            utc(2022, 11, 4),
            ["2022-10-20T08:00Z", "2022-10-27T08:00Z", "2022-11-03T09:00Z"],
            id="and back across the October change",
        ),
        pytest.param(
            series(exdates=(parse_wall_time("2022-03-24"), parse_wall_time("2022-04-07T10:00"))),
            utc(2022, 3, 17),
            utc(2022, 4, 8),
            ["2022-03-17T09:00Z", "2022-03-31T08:00Z"],
            id="exdates skip occurrences (date or wall time)",
        ),
        pytest.param(
            series(rrule="FREQ=WEEKLY;BYDAY=TH;COUNT=3"),
            None,
            None,
            ["2022-03-10T09:00Z", "2022-03-17T09:00Z", "2022-03-24T09:00Z"],
            id="COUNT ends the series",
        ),
        pytest.param(
            series(rrule="FREQ=WEEKLY;BYDAY=TH;UNTIL=20220324"),
            None,
            None,
            ["2022-03-10T09:00Z", "2022-03-17T09:00Z", "2022-03-24T09:00Z"],
            id="a date UNTIL includes that day",
        ),
        pytest.param(
            series(rrule="FREQ=WEEKLY;BYDAY=TH;UNTIL=20220324T085959Z"),
            None,
            None,
            ["2022-03-10T09:00Z", "2022-03-17T09:00Z"],
            id="a UTC UNTIL is an instant",
        ),
        pytest.param(
            # 02:30 does not exist in Vienna on 27 March 2022: read with the offset
            # before the change, it is 01:30 UTC (03:30 CEST), as span_of does.
            series(start="2022-03-25T02:30", rrule="FREQ=DAILY;COUNT=4"),
            None,
            None,
            ["2022-03-25T01:30Z", "2022-03-26T01:30Z", "2022-03-27T01:30Z", "2022-03-28T00:30Z"],
            id="an occurrence in a DST gap moves forward",
        ),
        pytest.param(
            series(start="2021-11-04T16:00", rrule="FREQ=MONTHLY;BYDAY=1TH", tz="America/New_York"),
            utc(2022, 3, 1),
            utc(2022, 5, 1),
            # The US switched on 13 March, two weeks before Europe.
            ["2022-03-03T21:00Z", "2022-04-07T20:00Z"],
            id="monthly first Thursday in Washington",
        ),
        pytest.param(
            series(start="2022-01-03T09:00+03:00", rrule="FREQ=DAILY;COUNT=2", tz=None),
            None,
            None,
            ["2022-01-03T06:00Z", "2022-01-04T06:00Z"],
            id="an explicit offset steps in that offset",
        ),
    ],
)
def test_occurrences(
    event: Event, lo: datetime | None, hi: datetime | None, expected: list[str]
) -> None:
    assert starts(event, lo, hi) == expected


def test_occurrences_keep_wall_time_id_and_date() -> None:
    items = list(recurrence.occurrences(series(), UTC, utc(2022, 3, 20), utc(2022, 4, 1)))
    assert [o.day for o in items] == [date(2022, 3, 24), date(2022, 3, 31)]
    assert {o.event.id for o in items} == {"osce-pc"}
    assert {o.event.start.time for o in items} == {parse_wall_time("2022-01-01T10:00").time}


def test_multi_day_occurrence_started_before_the_window_is_included() -> None:
    event = series(start="2022-01-03", rrule="FREQ=MONTHLY", end=parse_wall_time("2022-01-05"))
    items = list(recurrence.occurrences(event, UTC, utc(2022, 2, 4, 12), utc(2022, 2, 5)))
    assert [o.day for o in items] == [date(2022, 2, 3)]
    assert items[0].event.end == WallTime(date(2022, 2, 5))


def test_floating_series_steps_in_the_display_zone() -> None:
    event = series(tz=None, rrule="FREQ=DAILY;COUNT=1")
    (item,) = recurrence.occurrences(event, ZoneInfo("Asia/Tokyo"), None, None)
    assert item.span.start == datetime(2022, 3, 10, 1, 0, tzinfo=UTC)


def test_next_occurrences_for_show() -> None:
    now = utc(2022, 3, 24, 9, 30)  # during the 24 March meeting (a point event: it is past)
    items = recurrence.next_occurrences(series(), now, UTC, 3)
    assert [o.day.isoformat() for o in items] == ["2022-03-31", "2022-04-07", "2022-04-14"]
    assert recurrence.next_occurrences(series(rrule="FREQ=DAILY;COUNT=1"), now, UTC) == []
    plain = series(rrule=None)  # type: ignore[arg-type]
    assert recurrence.next_occurrences(plain, now, UTC) == []


# ------------------------------------------------------------- properties


@given(
    start=st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1)).map(
        lambda d: d.replace(second=0, microsecond=0)
    ),
    rule=st.sampled_from(
        [
            "FREQ=DAILY",
            "FREQ=WEEKLY;BYDAY=TH",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE",
            "FREQ=MONTHLY;BYMONTHDAY=31",
            "FREQ=MONTHLY;BYDAY=-1FR",
            "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        ]
    ),
    zone=st.sampled_from(["Europe/Vienna", "America/New_York", "Asia/Tokyo", "Africa/Cairo"]),
    lo_days=st.integers(-400, 400),
    length_days=st.integers(0, 200),
)
def test_occurrences_strictly_increase_inside_the_window(
    start: datetime, rule: str, zone: str, lo_days: int, length_days: int
) -> None:
    event = Event(
        id="s",
        title="t",
        start=WallTime(start.date(), start.time()),
        timezone=zone,
        rrule=rule,
    )
    lo = datetime.combine(start.date(), start.time(), UTC) + timedelta(days=lo_days)
    hi = lo + timedelta(days=length_days)
    items = list(recurrence.occurrences(event, UTC, lo, hi))
    instants = [o.span.start.astimezone(UTC) for o in items]
    assert instants == sorted(set(instants))
    assert all(lo <= i < hi for i in instants)


# ------------------------------------------------------------- model and store


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("BYDAY=TH", "has no FREQ"),
        ("FREQ=HOURLY", "FREQ=HOURLY is not one of"),
        ("FREQ=WEEKLY;BYHOUR=10", "BYHOUR is not supported"),
        ("FREQ=WEEKLY;DTSTART=20220101", "DTSTART is not supported"),
        ("FREQ=WEEKLY;COUNT=2;UNTIL=20220101", "COUNT or UNTIL"),
        ("FREQ=WEEKLY;COUNT=0", "COUNT=0"),
        ("FREQ=WEEKLY;UNTIL=2022-01-01", "UNTIL=2022-01-01"),
        ("FREQ=WEEKLY;BYDAY=XX", "write days as MO, 2TU or -1FR"),
        ("FREQ=WEEKLY;BYDAY", "not NAME=VALUE"),
    ],
)
def test_bad_rules_are_refused(rule: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_rrule(rule)


def test_rrule_prefix_is_accepted() -> None:
    assert check_rrule(" RRULE:FREQ=WEEKLY;BYDAY=TH ") == "RRULE:FREQ=WEEKLY;BYDAY=TH"


def _load(**fields: Any) -> tuple[Store, list[Any]]:
    record = {"title": "PC", "start": "2022-03-10T10:00", "timezone": "Europe/Vienna", **fields}
    return store_from_plain({"version": 1, "events": [record]})


def test_store_round_trip_keeps_rule_and_exdates() -> None:
    loaded, problems = _load(rrule="FREQ=WEEKLY;BYDAY=TH", exdates=["2022-03-24"])
    assert problems == []
    (event,) = loaded.events
    assert event.exdates == (WallTime(date(2022, 3, 24)),)
    stored = event.to_stored()
    assert list(stored)[-2:] == ["rrule", "exdates"]
    assert stored["exdates"] == ["2022-03-24"]
    series = EVENT_KEYS[EVENT_KEYS.index("rrule") :][:4]
    assert series == ("rrule", "exdates", "rdates", "overrides")
    # The parse cache rebuilds it exactly (exdates as WallTime, shared where equal).
    from summit_cli.store.cache import decode, encode

    assert decode(encode(loaded)) == loaded


def test_store_problems_name_the_field() -> None:
    _, problems = _load(rrule="FREQ=SOMETIMES", exdates=["24.03.2022"])
    text = [str(p) for p in problems]
    assert any("rrule: FREQ=SOMETIMES" in t for t in text)
    assert any("exdates[0]" in t for t in text)
    _, problems = _load(exdates=["2022-03-24"])
    assert any("exdates need an rrule" in str(p) for p in problems)


# ------------------------------------------------------------- queries


def _store(*events: Event) -> Store:
    return Store(events=events)


def test_select_expands_only_when_given_now() -> None:
    store = _store(series(rrule="FREQ=WEEKLY;BYDAY=TH"))
    spec = query.Filter(start=utc(2022, 3, 15), end=utc(2022, 4, 1))
    assert len(query.select(store, spec, UTC)) == 0  # the series as stored starts 10 March
    items = query.select(store, spec, UTC, now=utc(2022, 3, 1))
    assert [p.occurrence for p in items] == [
        date(2022, 3, 17),
        date(2022, 3, 24),
        date(2022, 3, 31),
    ]


def test_open_window_stops_a_year_after_now() -> None:
    store = _store(series())
    now = utc(2022, 6, 1)
    items = query.select(store, query.Filter(), UTC, now=now)
    assert items[0].occurrence == date(2022, 3, 10)
    assert items[-1].span.start < now + recurrence.HORIZON
    assert items[-1].span.start + timedelta(days=7) >= now + recurrence.HORIZON
    assert [e.id for e in query.truncated_series(store, query.Filter())] == ["osce-pc"]
    finite = _store(series(rrule="FREQ=WEEKLY;COUNT=2"))
    assert query.truncated_series(finite, query.Filter()) == []


def test_upcoming_counts_from_now_and_respects_within() -> None:
    store = _store(series())
    now = utc(2022, 3, 28)
    selected = query.select(store, query.Filter(), UTC, now=now)
    ahead = query.upcoming(selected, now, within=timedelta(days=14))
    assert [p.occurrence for p in ahead] == [date(2022, 3, 31), date(2022, 4, 7)]


def test_record_has_occurrence_last() -> None:

    store = _store(series())
    (item,) = query.select(
        store, query.Filter(start=utc(2022, 3, 17), end=utc(2022, 3, 18)), UTC, now=utc(2022, 3, 1)
    )
    data = rec.record(item, utc(2022, 3, 1))
    assert list(data) == list(rec.RECORD_KEYS)
    assert rec.RECORD_KEYS[rec.RECORD_KEYS.index("rrule") :][:6] == (
        "rrule",
        "exdates",
        "occurrence",
        "rdates",
        "overrides",
        "extra",
    )
    assert data["occurrence"] == "2022-03-17"
    assert data["start"] == "2022-03-17T10:00"
    assert data["id"] == "osce-pc"
    plain = query.place([series(rrule=None)], UTC)  # type: ignore[arg-type]
    assert rec.record(plain[0], utc(2022, 3, 1))["occurrence"] is None


# ------------------------------------------------------------- zones


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Genva", "Geneva (Europe/Zurich)"),
        ("Europe/Genva", "Geneva (Europe/Zurich)"),
        ("Europe/Zurik", "Europe/Zurich"),
        ("Viena", "Vienna (Europe/Vienna)"),
    ],
)
def test_unknown_zone_suggests_zones_and_cities(typed: str, suggested: str) -> None:
    zones.use_packaged_tzdata()
    with pytest.raises(InvalidInput, match="did you mean") as info:
        zones.resolve_zone(typed)
    assert suggested in str(info.value)


@pytest.mark.parametrize("name", ["Europe/Kiev", "Europe/Kyiv", "Kyiv", "Kiev"])
def test_renamed_zone_is_accepted_under_both_names(name: str) -> None:
    zones.use_packaged_tzdata()
    zone = zones.resolve_zone(name)
    # Kyiv: EET in winter, EEST from 27 March 2022.
    assert datetime(2022, 1, 10, 12, tzinfo=zone).utcoffset() == timedelta(hours=2)
    assert datetime(2022, 7, 10, 12, tzinfo=zone).utcoffset() == timedelta(hours=3)
