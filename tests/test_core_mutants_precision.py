"""Rough dates that mutation testing found untested (scripts/mutation.py precision): every
month name, every way to say "no date yet", ordinals, the edges of halves, quarters and
thirds, ISO weeks at a year's edge, and the messages of impossible rough dates."""

from __future__ import annotations

from datetime import UTC, date

import pytest

from summit_cli.model import Event, parse_wall_time
from summit_cli.precision import NO_DATE, canonical, describe, parse_stored, parse_typed, window
from summit_cli.query import place

MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


@pytest.mark.parametrize("number", range(1, 13))
def test_every_month_is_read_by_its_name_and_its_abbreviation(number: int) -> None:
    name = MONTHS[number - 1]
    first = date(2022, number, 1)
    assert parse_typed(f"{name} 2022") == ("month", first)
    assert parse_typed(f"{name[:3]}. 2022") == ("month", first)
    assert parse_typed(f"late {name.lower()} 2022") == ("third", date(2022, number, 21))
    assert describe("month", first) == f"{name[:3]} 2022"


@pytest.mark.parametrize(
    "text", ["tbd", "TBA", "tbc", "to be determined", "To be  announced", "date not set"]
)
def test_every_way_to_say_no_date_yet(text: str) -> None:
    assert parse_typed(text) == ("tbd", NO_DATE)


def test_no_date_is_stored_and_read_as_such() -> None:
    assert canonical("tbd", NO_DATE) == "tbd"
    assert describe("tbd", NO_DATE) == "date not set"
    assert parse_stored("TBD") == ("tbd", NO_DATE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("first quarter 2022", ("quarter", date(2022, 1, 1))),
        ("the 1st quarter of 2022", ("quarter", date(2022, 1, 1))),
        ("second quarter 2022", ("quarter", date(2022, 4, 1))),
        ("2nd quarter 2022", ("quarter", date(2022, 4, 1))),
        ("third quarter 2022", ("quarter", date(2022, 7, 1))),
        ("3rd quarter of 2022", ("quarter", date(2022, 7, 1))),
        ("fourth quarter 2022", ("quarter", date(2022, 10, 1))),
        ("the first half of 2022", ("half", date(2022, 1, 1))),
        ("1st half 2022", ("half", date(2022, 1, 1))),
        ("second half of 2022", ("half", date(2022, 7, 1))),
        ("2nd half 2022", ("half", date(2022, 7, 1))),
        ("2022 h2", ("half", date(2022, 7, 1))),
        ("h1 2022", ("half", date(2022, 1, 1))),
        ("2022 q3", ("quarter", date(2022, 7, 1))),
        ("2022-q4", ("quarter", date(2022, 10, 1))),
        ("2022-h2", ("half", date(2022, 7, 1))),
        ("2022-w03", ("week", date(2022, 1, 17))),
        ("week 3 of 2022", ("week", date(2022, 1, 17))),
        ("mid 2022-03", ("third", date(2022, 3, 11))),
        ("2022-01-late", ("third", date(2022, 1, 21))),  # the stored forms too
        ("2022-03", ("month", date(2022, 3, 1))),
        ("2022", ("year", date(2022, 1, 1))),
        ("early-Feb 2022", ("third", date(2022, 2, 1))),
    ],
)
def test_rough_dates_as_people_write_them(text: str, expected: tuple[str, date]) -> None:
    assert parse_typed(text) == expected


@pytest.mark.parametrize(
    "text",
    ["fifth quarter 2022", "5th quarter 2022", "q5 2022", "third half 2022", "late 2022-13",
     "Smarch 2022", "ja 2022", "12 January 2022"],
)  # fmt: skip
def test_what_is_not_a_rough_date(text: str) -> None:
    assert parse_typed(text) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2022-13", "'2022-13': there is no month 13"),
        ("2022-00", "'2022-00': there is no month 0"),
        ("2022-W54", "2022 has no ISO week 54"),
        ("week 54 2022", "2022 has no ISO week 54"),
    ],
)
def test_impossible_rough_dates_say_why(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_typed(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("kind", "first", "stored", "read", "last"),
    [
        ("year", date(2022, 1, 1), "2022", "2022", date(2022, 12, 31)),
        ("half", date(2022, 1, 1), "2022-H1", "H1 2022", date(2022, 6, 30)),
        ("half", date(2022, 7, 1), "2022-H2", "H2 2022", date(2022, 12, 31)),
        ("quarter", date(2022, 1, 1), "2022-Q1", "Q1 2022", date(2022, 3, 31)),
        ("quarter", date(2022, 4, 1), "2022-Q2", "Q2 2022", date(2022, 6, 30)),
        ("quarter", date(2022, 10, 1), "2022-Q4", "Q4 2022", date(2022, 12, 31)),
        ("month", date(2024, 2, 1), "2024-02", "Feb 2024", date(2024, 2, 29)),
        ("month", date(2022, 12, 1), "2022-12", "Dec 2022", date(2022, 12, 31)),
        ("third", date(2022, 2, 1), "2022-02-early", "early Feb 2022", date(2022, 2, 10)),
        ("third", date(2022, 2, 11), "2022-02-mid", "mid Feb 2022", date(2022, 2, 20)),
        ("third", date(2022, 2, 21), "2022-02-late", "late Feb 2022", date(2022, 2, 28)),
        ("week", date(2022, 1, 17), "2022-W03", "week 3 of 2022", date(2022, 1, 23)),
        # ISO weeks at a year's edge belong to the ISO year.
        ("week", date(2020, 12, 28), "2020-W53", "week 53 of 2020", date(2021, 1, 3)),
        ("week", date(2024, 12, 30), "2025-W01", "week 1 of 2025", date(2025, 1, 5)),
    ],
)
def test_each_precision_is_stored_read_and_spans_its_window(
    kind: str, first: date, stored: str, read: str, last: date
) -> None:
    assert canonical(kind, first) == stored
    assert describe(kind, first) == read
    assert window(kind, first) == (first, last)
    assert parse_stored(stored) == (kind, first)


def test_a_date_not_set_sorts_after_every_dated_event() -> None:
    last_day = Event(id="last", title="Last", start=parse_wall_time("8999-12-31T10:00"))
    undated = Event(id="undated", title="Undated", start=parse_wall_time("tbd"))
    assert [p.event.id for p in place([undated, last_day], UTC)] == ["last", "undated"]
