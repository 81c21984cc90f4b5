"""The model: wall times, conversion from plain data with located problems, ids, shapes."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest

from summit_cli.fromplain import store_from_plain
from summit_cli.ids import generate_id, slugify
from summit_cli.model import (
    EVENT_KEYS,
    KINDS,
    STATUSES,
    Change,
    Event,
    Format,
    Status,
    Store,
    WallTime,
    parse_wall_time,
)

# ------------------------------------------------------------ parse_wall_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-01-10", WallTime(date(2022, 1, 10))),
        ("  2022-01-10\n", WallTime(date(2022, 1, 10))),
        ("2022-01-10T09:00", WallTime(date(2022, 1, 10), time(9, 0))),
        ("2022-01-10 09:00", WallTime(date(2022, 1, 10), time(9, 0))),
        ("2022-01-10T09:00:30", WallTime(date(2022, 1, 10), time(9, 0, 30))),
        ("2022-01-10T09:00Z", WallTime(date(2022, 1, 10), time(9, 0), timedelta(0))),
        ("2022-01-10T09:00:05Z", WallTime(date(2022, 1, 10), time(9, 0, 5), timedelta(0))),
        ("2022-01-10T09:00+01:00", WallTime(date(2022, 1, 10), time(9), timedelta(hours=1))),
        ("2022-01-10T09:00+0100", WallTime(date(2022, 1, 10), time(9), timedelta(hours=1))),
        (
            "2021-12-30T15:35-05:00",
            WallTime(date(2021, 12, 30), time(15, 35), timedelta(hours=-5)),
        ),
        (
            "2022-01-10T09:00-00:30",
            WallTime(date(2022, 1, 10), time(9), timedelta(minutes=-30)),
        ),
        (
            "2022-01-10T09:00+05:45",
            WallTime(date(2022, 1, 10), time(9), timedelta(hours=5, minutes=45)),
        ),
        ("2022-01-10T09:00+00:00", WallTime(date(2022, 1, 10), time(9), timedelta(0))),
        ("2024-02-29", WallTime(date(2024, 2, 29))),
    ],
)
def test_parse_wall_time_accepts(text: str, expected: WallTime) -> None:
    assert parse_wall_time(text) == expected


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("2022-01-10", "2022-01-10"),
        ("2022-01-10 09:00", "2022-01-10T09:00"),
        ("2022-01-10T09:00:00", "2022-01-10T09:00"),
        ("2022-01-10T09:00:30", "2022-01-10T09:00:30"),
        ("2022-01-10T09:00+00:00", "2022-01-10T09:00Z"),
        ("2022-01-10T09:00+0100", "2022-01-10T09:00+01:00"),
        ("2022-01-10T09:00-0530", "2022-01-10T09:00-05:30"),
    ],
)
def test_wall_time_isoformat_is_canonical(text: str, canonical: str) -> None:
    wall = parse_wall_time(text)
    assert wall.isoformat() == canonical
    assert str(wall) == canonical
    assert parse_wall_time(canonical) == wall


def test_date_only_property() -> None:
    assert parse_wall_time("2022-01-10").date_only
    assert not parse_wall_time("2022-01-10T00:00").date_only


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "2022-1-10",
        "22-01-10",
        "10.01.2022",
        "01/10/2022",
        "2022-01-10T9:00",
        "2022-01-10T09",
        "2022-01-10T09:00:00.5",
        "2022-01-10+25:00",
        "2022-01-10+18:01",
        "2022-01-10T09:00+1",
        "2022-01-10T09:00 CET",
        "2022-01-10T09:00Europe/Zurich",
        "2022-13-01",
        "2022-02-30",
        "2023-02-29",
        "2022-01-00",
        "2022-01-10T24:00",
        "2022-01-10T23:60",
        "2022-01-10T23:59:60",
        "2022-01-10T09:00+24:00",
        "2022-01-10T09:00+25:00",
        "2022-01-10T09:00-99:00",
        "2022-01-10T09:00+01:60",
        "2022-01-10T09:00+01:99",
        "tomorrow",
        "2022-01-10\x00",
        "٢٠٢٢-٠١-١٠",
    ],
)
def test_parse_wall_time_rejects_with_the_input_quoted(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_wall_time(text)
    # The message quotes what was typed, so the user can find it.
    assert repr(text) in str(info.value)


def test_parse_wall_time_error_names_the_problem() -> None:
    with pytest.raises(ValueError, match=r"month must be in 1\.\.12"):
        parse_wall_time("2022-13-01")
    with pytest.raises(ValueError, match="impossible UTC offset"):
        parse_wall_time("2022-01-10T09:00+24:00")


# ------------------------------------------------------------ store_from_plain


def _event(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"title": "Talks", "start": "2022-01-10"}
    base.update(fields)
    return base


def _problems(tree: Any) -> list[str]:
    _, problems = store_from_plain(tree)
    return [str(p) for p in problems]


def test_valid_store_has_no_problems() -> None:
    tree = {
        "version": 1,
        "formats": {
            "geneva": {
                "name": "Strategic Stability Dialogue",
                "description": "Geneva",
                "timezone": "Europe/Zurich",
            }
        },
        "events": [
            {
                "id": "2022-01-10-geneva-talks",
                "title": "SSD",
                "kind": "talks",
                "format": "geneva",
                "round": 3,
                "start": "2022-01-10T09:00",
                "end": "2022-01-10T17:00",
                "timezone": "Europe/Zurich",
                "venue": "US Mission",
                "city": "Geneva",
                "country": "Switzerland",
                "participants": ["Wendy Sherman", "Sergei Ryabkov"],
                "status": "held",
                "outcome": "No breakthrough",
                "sources": ["Xinhua"],
                "tags": ["security"],
                "notes": "Eight hours",
            }
        ],
    }
    store, problems = store_from_plain(tree)
    assert problems == []
    assert store.version == 1
    assert store.formats == {
        "geneva": Format("geneva", "Strategic Stability Dialogue", "Geneva", "Europe/Zurich")
    }
    (event,) = store.events
    assert event == Event(
        id="2022-01-10-geneva-talks",
        title="SSD",
        kind="talks",
        format="geneva",
        round=3,
        start=WallTime(date(2022, 1, 10), time(9)),
        end=WallTime(date(2022, 1, 10), time(17)),
        timezone="Europe/Zurich",
        venue="US Mission",
        city="Geneva",
        country="Switzerland",
        participants=("Wendy Sherman", "Sergei Ryabkov"),
        status=Status.HELD,
        outcome="No breakthrough",
        sources=("Xinhua",),
        tags=("security",),
        notes="Eight hours",
    )


@pytest.mark.parametrize("tree", [{}, {"version": 1}, {"formats": None, "events": None}])
def test_empty_store(tree: Any) -> None:
    store, problems = store_from_plain(tree)
    assert problems == []
    assert store == Store()


def test_defaults_for_kind_and_status() -> None:
    store, problems = store_from_plain({"events": [_event(kind=None, status=None)]})
    assert problems == []
    assert store.events[0].kind == "other"
    assert store.events[0].status is Status.SCHEDULED


@pytest.mark.parametrize(
    ("tree", "expected"),
    [
        ([1, 2], "the top level must be a mapping with version, formats and events, not a list"),
        ("text", "the top level must be a mapping with version, formats and events, not a string"),
        (None, "the top level must be a mapping with version, formats and events, not null"),
        (7, "not a number"),
    ],
)
def test_top_level_must_be_a_mapping(tree: Any, expected: str) -> None:
    store, problems = store_from_plain(tree)
    assert store == Store()
    assert len(problems) == 1
    assert problems[0].where == ""
    assert expected in problems[0].what


@pytest.mark.parametrize("version", [2, 0, "1", True, 1.0, 1.5, None, [1]])
def test_unsupported_version(version: Any) -> None:
    problems = _problems({"version": version, "events": [_event()]})
    assert len(problems) == 1
    assert problems[0].startswith("version: unsupported store version")
    assert repr(version) in problems[0]


@pytest.mark.parametrize(
    ("tree", "expected"),
    [
        ({"formats": "x"}, "formats: must be a mapping of key -> format, not a string"),
        ({"formats": ["a"]}, "formats: must be a mapping of key -> format, not a list"),
        ({"formats": []}, "formats: must be a mapping of key -> format, not a list"),
        ({"formats": False}, "formats: must be a mapping of key -> format, not a boolean"),
        ({"events": {"a": 1}}, "events: must be a list of events, not a mapping"),
        ({"events": {}}, "events: must be a list of events, not a mapping"),
        ({"events": 0}, "events: must be a list of events, not a number"),
        ({"events": ""}, "events: must be a list of events, not a string"),
    ],
)
def test_sections_of_the_wrong_type(tree: Any, expected: str) -> None:
    assert _problems(tree) == [expected]


def test_every_problem_is_reported_with_its_location() -> None:
    tree = {
        "version": 1,
        "formats": {"geneva": {"name": "Geneva"}},
        "events": [
            {
                "id": "bad-one",
                "title": "x",
                "start": "2022-01-10",
                "format": "nope",
                "kind": "party",
                "status": "done",
                "round": 0,
                "timezone": "Nowhere/City",
                "city": 5,
                "tags": [1, "x"],
                "participants": 7,
                "end": "2022-01-40",
            },
            "not a mapping",
            {"title": "", "start": 20220110},
            {"id": "Bad Id", "start": "2022-01-10"},
        ],
    }
    problems = _problems(tree)
    expected = [
        "events[0] (id bad-one): kind 'party' is not one of: " + ", ".join(KINDS),
        "events[0] (id bad-one): format 'nope' is not defined under formats (known: geneva)",
        "events[0] (id bad-one): round must be a positive whole number, not 0",
        "events[0] (id bad-one): end: '2022-01-40' is not a valid date or time: "
        "day is out of range for month",
        "events[0] (id bad-one): timezone 'Nowhere/City' is not an IANA time zone name "
        "(e.g. Europe/Zurich)",
        "events[0] (id bad-one): status 'done' is not one of: " + ", ".join(STATUSES),
        "events[0] (id bad-one): city must be a string, not a number",
        "events[0] (id bad-one): participants must be a list of strings, not a number",
        "events[0] (id bad-one): tags[0] must be a string, not a number",
        "events[1]: an event must be a mapping, not a string",
        "events[2]: title must not be empty",
        'events[2]: start must be a quoted string such as "2022-01-10T09:00", not a number',
        "events[3]: id 'Bad Id' must match [a-z0-9][a-z0-9-]* (at most 100 characters)",
        "events[3]: title is required",
    ]
    assert problems == expected


def test_unknown_format_key_lists_known_or_none() -> None:
    assert _problems({"events": [_event(format="geneva")]}) == [
        "events[0]: format 'geneva' is not defined under formats (known: none defined)"
    ]
    assert _problems({"events": [_event(format=3)]}) == [
        "events[0]: format must be a string, not a number"
    ]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("start", "2022-01-32", "start: '2022-01-32' is not a valid date or time"),
        ("start", "10/01/2022", "start: '10/01/2022' is not a date (YYYY-MM-DD)"),
        ("start", "2022-01-10T25:00", "start: '2022-01-10T25:00' is not a valid date or time"),
        ("end", "tomorrow", "end: 'tomorrow' is not a date"),
        ("start", None, "start is required"),
        ("start", True, "start must be a quoted string"),
        ("end", ["2022-01-10"], "end must be a quoted string such as"),
    ],
)
def test_bad_dates(field: str, value: Any, expected: str) -> None:
    (problem,) = _problems({"events": [_event(**{field: value})]})
    assert problem.startswith("events[0]: ")
    assert expected in problem


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus", "europe/zurich ", "CET+1", "", "../../etc/passwd", "/etc/localtime"]
)
def test_unknown_time_zone(zone: str) -> None:
    (problem,) = _problems({"events": [_event(timezone=zone)]})
    assert problem == (
        f"events[0]: timezone {zone!r} is not an IANA time zone name (e.g. Europe/Zurich)"
    )


@pytest.mark.parametrize("zone", [5, ["Europe/Zurich"], {"a": 1}, False])
def test_time_zone_of_the_wrong_type(zone: Any) -> None:
    (problem,) = _problems({"events": [_event(timezone=zone)]})
    assert "is not an IANA time zone name" in problem


def test_format_zone_is_checked() -> None:
    assert _problems({"formats": {"g": {"name": "G", "timezone": "Mars/Base"}}}) == [
        "formats.g: timezone 'Mars/Base' is not an IANA time zone name"
    ]


@pytest.mark.parametrize(
    ("formats", "expected"),
    [
        ({"Bad Key": {"name": "x"}}, "formats: format key 'Bad Key' must match [a-z0-9][a-z0-9-]*"),
        ({"-a": {"name": "x"}}, "formats: format key '-a' must match"),
        ({"g": "Geneva"}, "formats.g: must be a mapping with a name, not a string"),
        ({"g": None}, "formats.g: must be a mapping with a name, not null"),
        ({"g": {}}, "formats.g: name is required"),
        ({"g": {"name": " "}}, "formats.g: name must not be empty"),
        ({"g": {"name": 3}}, "formats.g: name must be a string, not a number"),
        ({"g": {"name": "G", "description": ["x"]}}, "formats.g: description must be a string"),
    ],
)
def test_format_problems(formats: dict[str, Any], expected: str) -> None:
    (problem,) = _problems({"formats": formats})
    assert problem.startswith(expected)


def test_duplicate_ids_are_rejected_with_both_positions() -> None:
    tree = {
        "events": [
            _event(id="a-1"),
            _event(id="b-2"),
            _event(id="a-1", title="Again"),
        ]
    }
    store, problems = store_from_plain(tree)
    assert [str(p) for p in problems] == [
        "events[2] (id a-1): duplicate id (first used by events[0])"
    ]
    assert [e.id for e in store.events] == ["a-1", "b-2"]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("title", 5, "title must be a string, not a number"),
        ("title", ["a"], "title must be a string, not a list"),
        ("title", {"a": 1}, "title must be a string, not a mapping"),
        ("title", "x" * 1001, "title is longer than 1000 characters"),
        ("notes", True, "notes must be a string, not a boolean"),
        ("notes", "x" * 20_001, "notes is longer than 20000 characters"),
        ("venue", 1.5, "venue must be a string, not float"),
        ("country", False, "country must be a string, not a boolean"),
        ("tags", {"a": 1}, "tags must be a list of strings, not a mapping"),
        ("sources", [None], "sources[0] must be a string, not null"),
        ("participants", ["A", ["B"]], "participants[1] must be a string, not a list"),
        ("id", 123, "id 123 must match"),
        ("id", "", "id '' must match"),
        ("id", "a/b", "id 'a/b' must match"),
        ("id", "../x", "id '../x' must match"),
        ("id", "a" * 101, "must match [a-z0-9][a-z0-9-]* (at most 100 characters)"),
    ],
)
def test_wrong_types(field: str, value: Any, expected: str) -> None:
    problems = _problems({"events": [_event(**{field: value})]})
    assert len(problems) == 1
    assert problems[0].startswith("events[0]")
    assert expected in problems[0]


def test_a_single_string_is_a_one_item_list() -> None:
    store, problems = store_from_plain({"events": [_event(tags="security")]})
    assert problems == []
    assert store.events[0].tags == ("security",)


@pytest.mark.parametrize("status", ["done", "Held", "HELD", 1, None])
def test_status(status: Any) -> None:
    problems = _problems({"events": [_event(status=status)]})
    if status is None:
        assert problems == []
    else:
        assert problems == [f"events[0]: status {status!r} is not one of: " + ", ".join(STATUSES)]


@pytest.mark.parametrize("kind", ["party", "Summit", 3, ["summit"]])
def test_bad_kind(kind: Any) -> None:
    assert _problems({"events": [_event(kind=kind)]}) == [
        f"events[0]: kind {kind!r} is not one of: " + ", ".join(KINDS)
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_accepted(kind: str) -> None:
    store, problems = store_from_plain({"events": [_event(kind=kind)]})
    assert problems == []
    assert store.events[0].kind == kind


@pytest.mark.parametrize("value", [0, -1, True, False, 1.0, 1.5, "3", "010", [1]])
def test_round_must_be_a_positive_int(value: Any) -> None:
    assert _problems({"events": [_event(round=value)]}) == [
        f"events[0]: round must be a positive whole number, not {value!r}"
    ]


@pytest.mark.parametrize("value", [1, 8, 10**6])
def test_round_accepts_positive_ints(value: int) -> None:
    store, problems = store_from_plain({"events": [_event(round=value)]})
    assert problems == []
    assert store.events[0].round == value


# ------------------------------------------------------------ ids


def test_missing_ids_are_generated_and_unique() -> None:
    tree = {
        "formats": {"geneva": {"name": "SSD"}},
        "events": [
            _event(city="Geneva", format="geneva"),
            _event(city="Geneva", format="geneva"),
            _event(id="2022-01-10-geneva-geneva-3"),
            _event(city="Geneva", format="geneva"),
            _event(kind="call"),
        ],
    }
    store, problems = store_from_plain(tree)
    assert problems == []
    ids = [e.id for e in store.events]
    assert ids == [
        "2022-01-10-geneva-geneva",
        "2022-01-10-geneva-geneva-2",
        "2022-01-10-geneva-geneva-3",
        "2022-01-10-geneva-geneva-4",
        "2022-01-10-call",
    ]
    assert len(set(ids)) == len(ids)


def test_generated_id_never_takes_a_later_explicit_id() -> None:
    tree = {"events": [_event(kind="call"), _event(id="2022-01-10-call")]}
    store, problems = store_from_plain(tree)
    assert problems == []
    assert [e.id for e in store.events] == ["2022-01-10-call-2", "2022-01-10-call"]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, "2022-01-10-other"),
        ({"kind": "summit", "city": "Geneva"}, "2022-01-10-geneva-summit"),
        ({"kind": "summit", "venue": "Villa La Grange"}, "2022-01-10-villa-la-grange-summit"),
        ({"city": "São Paulo", "venue": "X"}, "2022-01-10-sao-paulo-other"),
        ({"format": "nrc", "kind": "council", "city": "Brussels"}, "2022-01-10-brussels-nrc"),
        ({"city": "Москва"}, "2022-01-10-other"),
        ({"city": "../../etc", "kind": "call"}, "2022-01-10-etc-call"),
    ],
)
def test_generate_id(fields: dict[str, Any], expected: str) -> None:
    event = Event(id="", title="t", start=WallTime(date(2022, 1, 10)), **fields)
    assert generate_id(event, set()) == expected


def test_generate_id_counts_up_past_taken_ids() -> None:
    event = Event(id="", title="t", start=WallTime(date(2022, 1, 10)), kind="call")
    taken = {"2022-01-10-call", "2022-01-10-call-2", "2022-01-10-call-3"}
    assert generate_id(event, taken) == "2022-01-10-call-4"
    assert generate_id(event, frozenset()) == "2022-01-10-call"


def test_generated_ids_are_safe_and_bounded() -> None:
    event = Event(id="", title="t", start=WallTime(date(2022, 1, 10)), city="x" * 300 + " / .. / y")
    new = generate_id(event, set())
    assert len(new) <= 90
    assert "/" not in new
    assert ".." not in new
    store, problems = store_from_plain({"events": [{**event.to_stored(), "id": new}]})
    assert problems == []
    assert store.events[0].id == new


def test_slugify() -> None:
    assert slugify("  Villa La Grange! ") == "villa-la-grange"
    assert slugify("Zürich") == "zurich"
    assert slugify("---") == ""


# ------------------------------------------------------------ shapes


def _full_event() -> Event:
    return Event(
        id="e-1",
        title="SSD",
        start=WallTime(date(2022, 1, 10), time(9)),
        kind="talks",
        format="geneva",
        round=2,
        end=WallTime(date(2022, 1, 10), time(17, 30), timedelta(hours=1)),
        timezone="Europe/Zurich",
        venue="Mission",
        city="Geneva",
        country="Switzerland",
        participants=("A", "B"),
        status=Status.HELD,
        outcome="o",
        sources=("s",),
        tags=("t",),
        notes="n",
        history=(
            Change(
                at="2022-01-05T10:00:00Z",
                change="postponed",
                status_before="scheduled",
                start_before="2022-01-09",
                reason="travel",
            ),
        ),
    )


def test_event_to_plain_has_every_key_in_order() -> None:
    minimal = Event(id="e-1", title="T", start=WallTime(date(2022, 1, 10)))
    plain = minimal.to_plain()
    assert tuple(plain) == EVENT_KEYS
    assert plain == {
        "id": "e-1",
        "title": "T",
        "kind": "other",
        "format": None,
        "round": None,
        "start": "2022-01-10",
        "end": None,
        "timezone": None,
        "venue": None,
        "city": None,
        "country": None,
        "participants": [],
        "status": "scheduled",
        "outcome": None,
        "sources": [],
        "tags": [],
        "notes": None,
        "history": [],
        "rrule": None,
        "exdates": [],
        "rdates": [],
        "overrides": [],
        "follows": None,
        "agreed_at": None,
        "part_of": None,
    }
    full = _full_event().to_plain()
    assert tuple(full) == EVENT_KEYS
    assert full["start"] == "2022-01-10T09:00"
    assert full["end"] == "2022-01-10T17:30+01:00"
    assert full["status"] == "held"
    assert full["participants"] == ["A", "B"]
    assert full["history"] == [
        {
            "at": "2022-01-05T10:00:00Z",
            "change": "postponed",
            "status_before": "scheduled",
            "start_before": "2022-01-09",
            "reason": "travel",
        }
    ]


def test_event_to_stored_keeps_only_set_keys_in_order() -> None:
    minimal = Event(id="e-1", title="T", start=WallTime(date(2022, 1, 10)))
    assert minimal.to_stored() == {
        "id": "e-1",
        "title": "T",
        "kind": "other",
        "start": "2022-01-10",
        "status": "scheduled",
    }
    stored = _full_event().to_stored()
    # A one-off event has no recurrence keys; everything else is set, in schema order.
    unset = {"rrule", "exdates", "rdates", "overrides", "follows", "agreed_at", "part_of"}
    assert tuple(stored) == tuple(k for k in EVENT_KEYS if k not in unset)
    # Only plain JSON types: a parser gives back exactly this.
    assert all(isinstance(v, str | int | list) for v in stored.values())


def test_to_stored_round_trips_through_store_from_plain() -> None:
    event = _full_event()
    tree = {
        "version": 1,
        "formats": {"geneva": Format("geneva", "SSD").to_stored()},
        "events": [event.to_stored()],
    }
    store, problems = store_from_plain(tree)
    assert problems == []
    assert store.events == (event,)


def test_format_shapes() -> None:
    fmt = Format("geneva", "SSD", None, "Europe/Zurich")
    assert fmt.to_plain() == {
        "key": "geneva",
        "name": "SSD",
        "description": None,
        "timezone": "Europe/Zurich",
        "meets": None,
    }
    assert fmt.to_stored() == {"name": "SSD", "timezone": "Europe/Zurich"}
    assert "key" not in fmt.to_stored()


def test_store_helpers() -> None:
    event = _full_event()
    store = Store().with_format(Format("geneva", "SSD")).with_events([event])
    assert store.event("e-1") is event
    assert store.event("nope") is None
    assert list(store.formats) == ["geneva"]
    # Frozen: the helpers return new stores.
    assert Store().events == ()
    assert Store().formats == {}


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ("postponed", "events[0]: history must be a list of changes, not a string"),
        (["x"], "events[0] history[0]: must be a mapping, not a string"),
        ([{"change": "postponed"}], "events[0] history[0]: at is required"),
        ([{"at": "2022-01-05T10:00:00Z", "change": 3}], "events[0] history[0]: change must be a"),
    ],
)
def test_history_problems(history: Any, expected: str) -> None:
    (problem,) = _problems({"events": [_event(history=history)]})
    assert problem.startswith(expected)
