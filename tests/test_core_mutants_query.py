"""Queries and edits that mutation testing found untested (scripts/mutation.py query): changed
occurrences meeting a filter, dates still expected, the series a horizon cuts, and the exact
messages of what is refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from summit_cli.errors import InvalidData, InvalidInput, NotFound
from summit_cli.model import Event, Format, Override, Status, Store, parse_wall_time
from summit_cli.query import (
    Filter,
    add_event,
    check_filter,
    closest,
    countdown_target,
    find_event,
    merge_events,
    place,
    select,
    still_expected,
    truncated_series,
    upcoming,
)

NOW = datetime(2022, 3, 1, tzinfo=UTC)


def event(event_id: str, start: str, **fields: Any) -> Event:
    return Event(
        id=event_id,
        title=fields.pop("title", event_id.title()),
        start=parse_wall_time(start),
        timezone=fields.pop("timezone", "UTC"),
        **fields,
    )


def weekly(**fields: Any) -> Event:
    """Thursdays at 10:00 UTC from 3 March 2022."""
    return event("call", "2022-03-03T10:00", title="Weekly call", rrule="FREQ=WEEKLY", **fields)


def store(*events: Event, formats: tuple[str, ...] = ("geneva",)) -> Store:
    return Store(formats={key: Format(key, key.title()) for key in formats}, events=events)


def ids(placed: list[Any]) -> list[tuple[str, date | None]]:
    return [(p.event.id, p.occurrence) for p in placed]


def window(start: str, end: str) -> Filter:
    return Filter(
        start=datetime.fromisoformat(start).replace(tzinfo=UTC),
        end=datetime.fromisoformat(end).replace(tzinfo=UTC),
    )


# ------------------------------------------- changed occurrences and filters


def test_an_occurrence_renamed_by_an_override_is_found_by_a_search() -> None:
    renamed = Override(of=date(2022, 3, 17), title="Special session on Ukraine")
    spec = Filter(search="ukraine", start=NOW, end=datetime(2022, 4, 1, tzinfo=UTC))
    found = select(store(weekly(overrides=(renamed,))), spec, UTC, now=NOW)
    assert ids(found) == [("call", date(2022, 3, 17))]


def test_an_occurrence_cancelled_by_an_override_is_found_by_its_status() -> None:
    cancelled = Override(of=date(2022, 3, 10), status=Status.CANCELLED)
    spec = Filter(statuses=("cancelled",), start=NOW, end=datetime(2022, 4, 1, tzinfo=UTC))
    found = select(store(weekly(overrides=(cancelled,))), spec, UTC, now=NOW)
    assert ids(found) == [("call", date(2022, 3, 10))]


def test_an_override_that_only_moves_an_occurrence_does_not_make_a_series_match() -> None:
    moved = Override(of=date(2022, 3, 10), start=parse_wall_time("2022-03-11T10:00"))
    spec = Filter(search="ukraine", start=NOW, end=datetime(2022, 4, 1, tzinfo=UTC))
    assert select(store(weekly(overrides=(moved,))), spec, UTC, now=NOW) == []


def test_a_default_filter_keeps_rough_dates() -> None:
    rough = event("talks", "2022-Q2")
    assert ids(select(store(rough), Filter(), UTC)) == [("talks", None)]
    assert select(store(rough), Filter(exact=True), UTC) == []


# ------------------------------------------------- upcoming and expected


def test_upcoming_goes_on_past_a_cancelled_event() -> None:
    first = event("first", "2022-03-02", status=Status.CANCELLED)
    second = event("second", "2022-03-03")
    placed = place([first, second], UTC)
    assert ids(upcoming(placed, NOW)) == [("second", None)]
    assert ids(upcoming(placed, NOW, include_cancelled=True)) == [
        ("first", None),
        ("second", None),
    ]


def test_upcoming_goes_on_past_an_event_that_is_over() -> None:
    # Sorted by start: a short meeting that is over comes before one still ahead.
    over = event("over", "2022-02-20")
    ahead = event("ahead", "2022-03-05")
    assert ids(upcoming(place([over, ahead], UTC), NOW)) == [("ahead", None)]


def test_still_expected_are_the_overdue_and_the_undated_only() -> None:
    overdue = event("overdue", "2022-01")
    undated = event("undated", "tbd")
    ahead = event("ahead", "2022-Q2")
    held = event("held", "tbd", status=Status.HELD)
    exact = event("exact", "2022-01-10")
    everything = store(overdue, undated, ahead, held, exact)
    assert ids(still_expected(everything, Filter(), UTC, NOW)) == [
        ("overdue", None),
        ("undated", None),
    ]


def test_nothing_is_still_expected_without_rough_dates() -> None:
    assert still_expected(store(event("exact", "2022-01-10")), Filter(), UTC, NOW) == []


def test_only_endless_series_are_cut_by_the_horizon() -> None:
    endless = weekly()
    counted = event("counted", "2022-03-01T09:00", rrule="FREQ=DAILY;COUNT=3")
    both = store(endless, counted, event("single", "2022-03-02"))
    assert truncated_series(both, Filter()) == [endless]
    assert truncated_series(both, window("2022-03-01", "2022-04-01")) == []
    assert truncated_series(store(event("single", "2022-03-02")), Filter()) == []


# --------------------------------------------------------- countdown target


def test_countdown_counts_down_to_the_next_event_not_a_cancelled_one() -> None:
    cancelled = event("cancelled", "2022-03-02", status=Status.CANCELLED)
    held_later = event("next", "2022-03-05")
    both = store(cancelled, held_later)
    assert countdown_target(both, None, Filter(), UTC, NOW).event.id == "next"
    assert (
        countdown_target(both, None, Filter(), UTC, NOW, include_cancelled=True).event.id
        == "cancelled"
    )


def test_countdown_to_a_series_is_to_its_next_occurrence() -> None:
    target = countdown_target(store(weekly()), "call", Filter(), UTC, NOW)
    assert target.occurrence == date(2022, 3, 3)


def test_countdown_to_a_series_that_is_over_is_refused() -> None:
    over = event("over", "2021-01-01T10:00", rrule="FREQ=DAILY;COUNT=3")
    with pytest.raises(NotFound) as caught:
        countdown_target(store(over), "over", Filter(), UTC, NOW)
    assert str(caught.value) == "over has no occurrence after now"


def test_countdown_with_nothing_ahead_is_refused() -> None:
    with pytest.raises(NotFound) as caught:
        countdown_target(store(event("old", "2021-01-01")), None, Filter(), UTC, NOW)
    assert str(caught.value) == "no upcoming event matches"


# ---------------------------------------------------------- unknown names


@pytest.mark.parametrize("name", ["json", "csv", "table", "plain", "jsonl", "tsv", "yaml", "ids"])
def test_an_output_name_given_as_a_format_hints_at_output(name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_filter(store(), Filter(formats=(name,)))
    assert str(caught.value) == (
        f"unknown format {name!r} (to choose the output, use --output {name}); "
        "known formats: geneva"
    )


def test_an_unknown_format_filter_names_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_filter(store(formats=("geneva", "nrc")), Filter(formats=("osce",)))
    assert str(caught.value) == "unknown format 'osce'; known formats: geneva, nrc"


def test_an_event_of_an_unknown_format_is_refused_with_how_to_define_one() -> None:
    with pytest.raises(InvalidInput) as caught:
        add_event(store(formats=()), event("x", "2022-03-02", format="geneva"))
    assert str(caught.value) == (
        "unknown format 'geneva'; known formats: none defined "
        "(define one with: summits formats add KEY --name NAME)"
    )


def test_an_event_whose_id_is_taken_is_refused() -> None:
    with pytest.raises(InvalidData) as caught:
        add_event(store(event("x", "2022-03-02")), event("x", "2022-03-03"))
    assert str(caught.value) == "id x: an event with this id already exists"


def test_a_batch_reports_every_problem_at_once() -> None:
    batch = [
        event("a", "2022-03-02", format="nrc"),
        event("b", "2022-03-03", format="osce"),
        event("c", "2022-03-04"),
        event("c", "2022-03-05"),
        event("d", "2022-03-06", format="nrc"),
    ]
    with pytest.raises(InvalidData) as caught:
        merge_events(store(formats=()), batch, update=False)
    assert str(caught.value) == (
        "4 problems: record 1: unknown format 'nrc' (known: none defined); "
        "record 2: unknown format 'osce' (known: none defined); "
        "record 4 (id c): the same id appears twice in the batch; "
        "record 5: unknown format 'nrc' (known: none defined)"
    )


def test_a_batch_reports_every_id_that_exists() -> None:
    existing = store(event("a", "2022-03-02"), event("b", "2022-03-03"))
    batch = [event("a", "2022-03-02"), event("b", "2022-03-03")]
    with pytest.raises(InvalidData) as caught:
        merge_events(existing, batch, update=False)
    assert caught.value.problems == [
        ("record 1 (id a)", "an event with this id already exists (use --update)"),
        ("record 2 (id b)", "an event with this id already exists (use --update)"),
    ]


def test_a_format_s_regular_meetings_are_changed_under_the_format() -> None:
    meets = replace(weekly(), id="geneva-meets")
    with_meets = Store(formats={"geneva": Format("geneva", "Geneva", meets=meets)})
    with pytest.raises(NotFound) as caught:
        find_event(with_meets, "geneva-meets")
    assert str(caught.value) == (
        "'geneva-meets' is the regular meetings of format 'geneva': change them "
        "under formats.geneva.meets in the store"
    )
    with pytest.raises(NotFound) as caught:
        find_event(with_meets, "geneva")
    assert str(caught.value) == (
        "no event with id 'geneva' (list them with: summits list --output ids)"
    )


def test_an_unknown_id_suggests_at_most_three_close_ones() -> None:
    known = ["2022-01-10-geneva", "2022-01-11-geneva", "2022-01-12-geneva", "2022-01-13-geneva"]
    hint = closest("2022-01-10-genva", known)
    assert hint.startswith(" (did you mean 2022-01-10-geneva, ") and hint.endswith("?)")
    assert len(hint.removeprefix(" (did you mean ").removesuffix("?)").split(", ")) == 3
    assert closest("nrc", known) == " (list them with: summits list --output ids)"
    with pytest.raises(NotFound) as caught:
        find_event(store(event("2022-01-10-geneva", "2022-01-10")), "2022-01-10-genva")
    assert str(caught.value) == (
        "no event with id '2022-01-10-genva' (did you mean 2022-01-10-geneva?)"
    )
