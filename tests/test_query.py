"""Filters, ordering by the real instant, upcoming, per-format summaries and edits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from summit_cli.errors import InvalidData, InvalidInput, NotFound
from summit_cli.fromplain import store_from_plain
from summit_cli.model import Event, Format, Status, Store, parse_wall_time
from summit_cli.query import (
    Filter,
    add_event,
    add_format,
    check_filter,
    find_event,
    latest_past,
    matches,
    merge_events,
    place,
    select,
    summarize_formats,
    upcoming,
)

ZURICH = ZoneInfo("Europe/Zurich")
NEW_YORK = ZoneInfo("America/New_York")

TREE: dict[str, Any] = {
    "version": 1,
    "formats": {
        "geneva": {"name": "Strategic Stability Dialogue", "timezone": "Europe/Zurich"},
        "nrc": {"name": "NATO–Russia Council", "timezone": "Europe/Brussels"},
        "osce": {"name": "OSCE Permanent Council", "timezone": "Europe/Vienna"},
    },
    "events": [
        {
            "id": "summit",
            "title": "Biden–Putin summit",
            "kind": "summit",
            "start": "2021-06-16",
            "timezone": "Europe/Zurich",
            "city": "Geneva",
            "country": "Switzerland",
            "participants": ["Joe Biden", "Vladimir Putin"],
            "status": "held",
            "outcome": "Agreed to launch a strategic stability dialogue",
            "tags": ["leaders", "strategic-stability"],
        },
        {
            "id": "virtual",
            "title": "Biden–Putin virtual summit",
            "kind": "virtual-summit",
            "start": "2021-12-07T10:07",
            "end": "2021-12-07T12:08",
            "timezone": "America/New_York",
            "participants": ["Joe Biden", "Vladimir Putin"],
            "status": "held",
            "notes": "Held over a secure video link",
            "tags": ["leaders", "ukraine"],
        },
        {
            "id": "call",
            "title": "Year-end phone call",
            "kind": "call",
            "start": "2021-12-30T15:35",
            "timezone": "America/New_York",
            "participants": ["Joe Biden", "Vladimir Putin"],
            "status": "held",
            "outcome": "Putin warned of a complete rupture of relations",
            "tags": ["leaders", "security-guarantees"],
        },
        {
            "id": "geneva",
            "title": "Strategic Stability Dialogue",
            "kind": "talks",
            "format": "geneva",
            "start": "2022-01-09",
            "end": "2022-01-10",
            "timezone": "Europe/Zurich",
            "city": "Geneva",
            "participants": ["Wendy Sherman", "Sergei Ryabkov"],
            "status": "held",
            "tags": ["security-guarantees"],
        },
        {
            "id": "nrc",
            "title": "NATO–Russia Council",
            "kind": "council",
            "format": "nrc",
            "start": "2022-01-12",
            "timezone": "Europe/Brussels",
            "city": "Brussels",
            "country": "Belgium",
            "participants": ["Wendy Sherman", "Alexander Grushko"],
            "status": "held",
        },
        {
            "id": "osce",
            "title": "OSCE Permanent Council",
            "kind": "council",
            "format": "osce",
            "start": "2022-01-13",
            "timezone": "Europe/Vienna",
            "city": "Vienna",
            "country": "Austria",
        },
        {
            "id": "cancelled",
            "title": "Second round",
            "kind": "talks",
            "format": "geneva",
            "start": "2022-02-01",
            "timezone": "Europe/Zurich",
            "city": "geneva",
            "status": "cancelled",
        },
        {
            "id": "floating",
            "title": "Follow-up call",
            "kind": "call",
            "start": "2022-02-10T09:00",
            "status": "postponed",
            "notes": "Date to be confirmed",
        },
    ],
}


@pytest.fixture
def store() -> Store:
    built, problems = store_from_plain(TREE)
    assert problems == []
    return built


def ids(placed: list[Any]) -> list[str]:
    return [p.event.id for p in placed]


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# ------------------------------------------------------------------ filters


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (Filter(), ["summit", "virtual", "call", "geneva", "nrc", "osce", "cancelled", "floating"]),
        (Filter(formats=("geneva",)), ["geneva", "cancelled"]),
        (Filter(formats=("nrc", "osce")), ["nrc", "osce"]),
        (Filter(kinds=("council",)), ["nrc", "osce"]),
        (Filter(kinds=("call", "summit")), ["summit", "call", "floating"]),
        (Filter(statuses=("held",)), ["summit", "virtual", "call", "geneva", "nrc"]),
        (Filter(statuses=("scheduled",)), ["osce"]),
        (Filter(statuses=("cancelled", "postponed")), ["cancelled", "floating"]),
        (Filter(city="geneva"), ["summit", "geneva", "cancelled"]),
        (Filter(city="GENEVA"), ["summit", "geneva", "cancelled"]),
        (Filter(city="Gen"), []),  # a city is matched whole, not as a substring
        (Filter(country="switzerland"), ["summit"]),
        (Filter(country="BELGIUM"), ["nrc"]),
        (Filter(participant="sherman"), ["geneva", "nrc"]),
        (Filter(participant="PUTIN"), ["summit", "virtual", "call"]),
        (Filter(participant="Lavrov"), []),
        (Filter(tags=("leaders",)), ["summit", "virtual", "call"]),
        (Filter(tags=("Leaders", "security-guarantees")), ["call"]),  # every tag must match
        (Filter(tags=("security",)), []),  # tags are matched whole
        (Filter(search="rupture"), ["call"]),  # in the outcome
        (Filter(search="VIDEO LINK"), ["virtual"]),  # in the notes
        (Filter(search="council"), ["nrc", "osce"]),  # in the title
        (Filter(search="stability"), ["summit", "geneva"]),  # outcome and title
        (Filter(search="Brussels"), []),  # the city is not searched
        (Filter(kinds=("talks",), statuses=("held",)), ["geneva"]),  # filters combine
        (Filter(participant="biden", search="virtual"), ["virtual"]),
    ],
)
def test_filters(store: Store, spec: Filter, expected: list[str]) -> None:
    assert ids(select(store, spec, UTC)) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # --from 2022-01-10 --to 2022-01-11 in Geneva: the two-day talks overlap the 10th.
        (
            datetime(2022, 1, 10, tzinfo=ZURICH),
            datetime(2022, 1, 12, tzinfo=ZURICH),
            ["geneva"],
        ),
        # An hour in the middle of a multi-day event selects it.
        (
            datetime(2022, 1, 10, 12, tzinfo=ZURICH),
            datetime(2022, 1, 10, 13, tzinfo=ZURICH),
            ["geneva"],
        ),
        # The window end is exclusive; the event end too.
        (
            datetime(2022, 1, 11, tzinfo=ZURICH),
            datetime(2022, 1, 12, tzinfo=ZURICH),
            [],
        ),
        # Brussels midnight of the 12th is 23:00 UTC on the 11th.
        (utc(2022, 1, 11, 22), utc(2022, 1, 11, 23, 30), ["nrc"]),
        # A point event (the call) is selected by a window that contains it.
        (utc(2021, 12, 30, 20, 35), utc(2021, 12, 30, 20, 36), ["call"]),
        (utc(2021, 12, 30, 20, 36), utc(2021, 12, 31), []),
        # Open-ended windows.
        (utc(2022, 1, 13), None, ["osce", "cancelled", "floating"]),
        (None, utc(2021, 12, 8), ["summit", "virtual"]),
    ],
)
def test_date_window_selects_overlapping_events(
    store: Store, start: datetime | None, end: datetime | None, expected: list[str]
) -> None:
    assert ids(select(store, Filter(start=start, end=end), UTC)) == expected


def test_matches_single_item(store: Store) -> None:
    (item,) = [p for p in place(store.events, UTC) if p.event.id == "nrc"]
    assert matches(item, Filter(city="brussels", country="belgium", kinds=("council",)))
    assert not matches(item, Filter(city="brussels", country="austria"))


def test_empty_filter_values_match_everything(store: Store) -> None:
    everything = ids(select(store, Filter(), UTC))
    assert ids(select(store, Filter(city="", country="", participant="", search=""), UTC)) == (
        everything
    )
    # An event without a city never matches a city filter.
    assert ids(select(store, Filter(city="new york"), UTC)) == []


# ------------------------------------------------------------------ ordering


def _plain_event(event_id: str, start: str, tz: str | None = None) -> Event:
    return Event(id=event_id, title=event_id, start=parse_wall_time(start), timezone=tz)


def test_place_sorts_by_the_real_instant_not_the_text() -> None:
    events = [
        _plain_event("c", "2022-01-10T01:30Z"),
        _plain_event("a", "2022-01-10T09:00+09:00"),  # 00:00Z
        _plain_event("b", "2022-01-09T20:00-05:00"),  # 01:00Z
        _plain_event("d", "2022-01-10T03:00", "Europe/Zurich"),  # 02:00Z
        _plain_event("e", "2022-01-09T21:30", "America/New_York"),  # 02:30Z
    ]
    assert sorted(e.start.isoformat() for e in events)[0].startswith("2022-01-09T20")
    assert ids(place(events, UTC)) == ["a", "b", "c", "d", "e"]


def test_floating_events_sort_where_the_viewer_is() -> None:
    fixed = _plain_event("fixed", "2022-01-10T12:00Z")
    floating = _plain_event("floating", "2022-01-10T09:00")
    plus_9 = timezone(timedelta(hours=9))
    minus_8 = timezone(timedelta(hours=-8))
    assert ids(place([fixed, floating], plus_9)) == ["floating", "fixed"]  # 00:00Z
    assert ids(place([fixed, floating], minus_8)) == ["fixed", "floating"]  # 17:00Z


def test_equal_starts_sort_by_end_then_keep_file_order() -> None:
    long = Event("long", "l", parse_wall_time("2022-01-10"), end=parse_wall_time("2022-01-11"))
    short = Event("short", "s", parse_wall_time("2022-01-10"))
    twin = Event("twin", "t", parse_wall_time("2022-01-10"))
    assert ids(place([long, short, twin], UTC)) == ["short", "twin", "long"]


# ------------------------------------------------------------------ upcoming


def test_upcoming_leaves_out_past_and_cancelled(store: Store) -> None:
    now = utc(2022, 1, 10, 12)  # day 2 of the Geneva talks
    placed = place(store.events, UTC)
    assert ids(upcoming(placed, now)) == ["geneva", "nrc", "osce", "floating"]
    assert ids(upcoming(placed, now, include_cancelled=True)) == [
        "geneva",
        "nrc",
        "osce",
        "cancelled",
        "floating",
    ]


@pytest.mark.parametrize(
    ("within", "expected"),
    [
        (timedelta(hours=1), ["geneva"]),  # ongoing, so always within
        (timedelta(hours=35) - timedelta(seconds=1), ["geneva"]),
        (timedelta(hours=35), ["geneva", "nrc"]),  # nrc starts at 23:00 UTC on the 11th
        (timedelta(days=3), ["geneva", "nrc", "osce"]),
        (timedelta(weeks=8), ["geneva", "nrc", "osce", "floating"]),
    ],
)
def test_upcoming_within_a_horizon(store: Store, within: timedelta, expected: list[str]) -> None:
    placed = place(store.events, UTC)
    assert ids(upcoming(placed, utc(2022, 1, 10, 12), within=within)) == expected


def test_upcoming_keeps_an_ongoing_multi_day_event(store: Store) -> None:
    placed = place(store.events, UTC)
    first_day = upcoming(placed, datetime(2022, 1, 9, 0, 30, tzinfo=ZURICH))
    last_minute = upcoming(placed, datetime(2022, 1, 10, 23, 59, tzinfo=ZURICH))
    after = upcoming(placed, datetime(2022, 1, 11, 0, 0, tzinfo=ZURICH))
    assert ids(first_day)[0] == "geneva"
    assert ids(last_minute)[0] == "geneva"
    assert "geneva" not in ids(after)


def test_upcoming_horizon_counts_real_hours_across_dst() -> None:
    # 24 real hours after Saturday 12:00 CET is Sunday 13:00 CEST (11:00 UTC).
    event = _plain_event("e", "2022-03-27T12:30", "Europe/Zurich")  # 10:30 UTC
    placed = place([event], UTC)
    now = datetime(2022, 3, 26, 12, tzinfo=ZURICH)  # 11:00 UTC
    assert ids(upcoming(placed, now, within=timedelta(hours=24))) == ["e"]
    assert ids(upcoming(placed, now, within=timedelta(hours=23))) == []


def test_latest_past(store: Store) -> None:
    placed = place(store.events, UTC)
    latest = latest_past(placed, utc(2022, 1, 11, 12))
    assert latest is not None
    assert latest.event.id == "geneva"
    assert latest_past(placed, utc(2021, 1, 1)) is None


# ------------------------------------------------------------------ summaries


def test_summarize_formats(store: Store) -> None:
    summaries = {s.format.key: s for s in summarize_formats(store, UTC, utc(2022, 1, 5))}
    assert list(summaries) == ["geneva", "nrc", "osce"]
    geneva = summaries["geneva"]
    assert (geneva.count, geneva.held) == (2, 1)
    assert geneva.first is not None
    assert geneva.first.event.id == "geneva"
    assert geneva.last is None
    assert geneva.next is not None
    assert geneva.next.event.id == "geneva"
    assert summaries["osce"].held == 0


def test_summarize_formats_later(store: Store) -> None:
    summaries = {s.format.key: s for s in summarize_formats(store, UTC, utc(2022, 1, 20))}
    geneva = summaries["geneva"]
    assert geneva.last is not None
    assert geneva.last.event.id == "geneva"
    assert geneva.next is None  # the only later round is cancelled
    osce = summaries["osce"]
    assert osce.last is not None
    assert osce.last.event.id == "osce"


def test_summarize_a_format_without_events() -> None:
    store = Store().with_format(Format("empty", "Empty"))
    (summary,) = summarize_formats(store, UTC, utc(2022, 1, 1))
    assert (summary.count, summary.held, summary.first, summary.last, summary.next) == (
        0,
        0,
        None,
        None,
        None,
    )


# ------------------------------------------------------------------ checks and edits


@pytest.mark.parametrize("key", ["json", "csv", "table", "yaml", "ids"])
def test_check_filter_hints_at_output_for_output_names(store: Store, key: str) -> None:
    with pytest.raises(InvalidInput) as info:
        check_filter(store, Filter(formats=(key,)))
    message = info.value.message
    assert f"unknown format {key!r}" in message
    assert f"use --output {key}" in message
    assert "known formats: geneva, nrc, osce" in message


def test_check_filter_unknown_format_without_hint(store: Store) -> None:
    with pytest.raises(InvalidInput) as info:
        select(store, Filter(formats=("geneva", "minsk")), UTC)
    assert "unknown format 'minsk'" in info.value.message
    assert "--output" not in info.value.message
    check_filter(store, Filter(formats=("geneva",)))  # known: no error


def test_check_filter_with_no_formats_defined() -> None:
    with pytest.raises(InvalidInput, match="known formats: none defined"):
        check_filter(Store(), Filter(formats=("geneva",)))


def test_find_event(store: Store) -> None:
    assert find_event(store, "nrc").title == "NATO–Russia Council"
    with pytest.raises(NotFound, match="no event with id 'nope'"):
        find_event(store, "nope")


def test_add_event_appends_and_generates_an_id(store: Store) -> None:
    new = Event(
        id="",
        title="Third round",
        start=parse_wall_time("2022-03-01"),
        kind="talks",
        format="geneva",
        city="Geneva",
    )
    after = add_event(store, new)
    assert len(after.events) == len(store.events) + 1
    assert after.events[-1].id == "2022-03-01-geneva-geneva"
    assert after.events[-1].title == "Third round"
    assert store.event("2022-03-01-geneva-geneva") is None  # the old store is untouched
    again = add_event(after, new)
    assert again.events[-1].id == "2022-03-01-geneva-geneva-2"


def test_add_event_keeps_a_given_id(store: Store) -> None:
    after = add_event(store, _plain_event("my-id", "2022-03-01"))
    assert after.events[-1].id == "my-id"


def test_add_event_unknown_format(store: Store) -> None:
    event = Event(id="", title="x", start=parse_wall_time("2022-03-01"), format="minsk")
    with pytest.raises(InvalidInput) as info:
        add_event(store, event)
    assert "unknown format 'minsk'" in info.value.message
    assert "known formats: geneva, nrc, osce" in info.value.message
    assert "summits formats add" in info.value.message


def test_add_event_duplicate_id(store: Store) -> None:
    with pytest.raises(InvalidData) as info:
        add_event(store, _plain_event("nrc", "2022-03-01"))
    assert [str(p) for p in info.value.problems] == ["id nrc: an event with this id already exists"]


def test_add_format(store: Store) -> None:
    after = add_format(store, Format("normandy", "Normandy Format"))
    assert list(after.formats) == ["geneva", "nrc", "osce", "normandy"]
    assert "normandy" not in store.formats
    with pytest.raises(InvalidData) as info:
        add_format(after, Format("normandy", "Again"))
    assert str(info.value) == "format normandy: is already defined"


# ------------------------------------------------------------------ batch merge


def test_merge_events_adds_updates_and_reports(store: Store) -> None:
    changed = Event(**{**_fields(store.event("osce")), "status": Status.HELD})
    new_store, report = merge_events(
        store,
        [_plain_event("new-1", "2022-03-01"), changed, store.event("nrc")],  # type: ignore[list-item]
        update=True,
    )
    assert report.added == ("new-1",)
    assert report.updated == ("osce",)
    assert report.unchanged == ("nrc",)
    osce = new_store.event("osce")
    assert osce is not None
    assert osce.status is Status.HELD
    assert [e.id for e in new_store.events][-1] == "new-1"


def test_merge_events_is_all_or_nothing(store: Store) -> None:
    batch = [
        _plain_event("new-1", "2022-03-01"),
        _plain_event("nrc", "2022-03-02"),
        Event("x", "x", parse_wall_time("2022-03-03"), format="minsk"),
        _plain_event("new-1", "2022-03-04"),
    ]
    with pytest.raises(InvalidData) as info:
        merge_events(store, batch, update=False)
    assert [str(p) for p in info.value.problems] == [
        "record 2 (id nrc): an event with this id already exists (use --update)",
        "record 3: unknown format 'minsk' (known: geneva, nrc, osce)",
        "record 4 (id new-1): the same id appears twice in the batch",
    ]


def test_merge_events_generated_ids_do_not_collide_with_the_batch(store: Store) -> None:
    unnamed = Event("", "x", parse_wall_time("2022-03-01"), kind="call")
    named = _plain_event("2022-03-01-call", "2022-03-01")
    new_store, report = merge_events(store, [unnamed, unnamed, named], update=False)
    assert len(set(report.added)) == 3
    assert "2022-03-01-call" in report.added
    assert len(new_store.events) == len(store.events) + 3


def _fields(event: Event | None) -> dict[str, Any]:
    assert event is not None
    return {name: getattr(event, name) for name in Event.__slots__}
