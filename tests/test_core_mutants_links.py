"""Links between events that mutation testing found untested (scripts/mutation.py links): how
each kind of link reads from both ends, every problem of a batch, and circles that do not
pass through the first event walked."""

from __future__ import annotations

from typing import Any

from summit_cli.errors import Problem
from summit_cli.links import link_problems, linked, links_to, thread
from summit_cli.model import Event, Store, parse_wall_time


def event(event_id: str, **links: Any) -> Event:
    return Event(id=event_id, title=event_id.title(), start=parse_wall_time("2022-01-10"), **links)


def problems(*events: Event) -> list[Problem]:
    return link_problems(events, {e.id for e in events})


def test_each_link_reads_both_ways() -> None:
    summit = event("summit")
    call = event("call")
    round1 = event("round1", agreed_at="call")
    round2 = event("round2", follows="round1", part_of="summit")
    story = Store(events=(summit, call, round1, round2))
    assert linked(story, round2) == [("follows", round1), ("part of", summit)]
    assert linked(story, round1) == [("agreed at", call), ("followed by", round2)]
    assert linked(story, summit) == [("session", round2)]
    assert linked(story, call) == [("led to", round1)]
    assert links_to(story, ["round1"]) == [(round2, "follows", "round1")]


def test_a_thread_is_every_event_linked_directly_or_not() -> None:
    story = Store(
        events=(
            event("a"),
            event("b", follows="a"),
            event("c", part_of="b"),
            event("alone"),
            event("d", agreed_at="c"),
        )
    )
    assert [e.id for e in thread(story, "c")] == ["a", "b", "c", "d"]
    assert [e.id for e in thread(story, "alone")] == ["alone"]


def test_every_link_problem_of_a_batch_is_reported() -> None:
    found = problems(
        event("a", follows="a"),
        event("b", part_of="nowhere"),
        event("c", agreed_at="gone", follows="c"),
    )
    assert found == [
        Problem("event a", "follows: an event cannot name itself"),
        Problem("event b", "part_of: there is no event 'nowhere'"),
        Problem("event c", "follows: an event cannot name itself"),
        Problem("event c", "agreed_at: there is no event 'gone'"),
    ]


def test_links_that_meet_again_are_no_circle() -> None:
    # d follows b and was agreed at c, both of which follow a.
    assert (
        problems(
            event("a"),
            event("b", follows="a"),
            event("c", follows="a"),
            event("d", follows="b", agreed_at="c"),
        )
        == []
    )


def test_a_circle_away_from_the_first_event_is_found() -> None:
    found = problems(
        event("a", follows="b"),
        event("b", follows="c"),
        event("c", follows="b"),
    )
    assert found == [Problem("event b", "links go round in a circle: b -> c -> b")]


def test_a_circle_among_events_after_finished_ones_is_found() -> None:
    # Walking from b finishes a too: a is passed over, and x and y are still walked.
    found = problems(
        event("b", follows="a"),
        event("a"),
        event("x", follows="y"),
        event("y", agreed_at="x"),
    )
    assert found == [Problem("event x", "links go round in a circle: x -> y -> x")]


def test_a_circle_reached_after_a_finished_branch_is_found() -> None:
    # From d: c is walked to its end first (through a), then e leads round to d.
    found = problems(
        event("d", follows="c", part_of="e"),
        event("e", agreed_at="d"),
        event("c", follows="a"),
        event("a"),
    )
    assert found == [Problem("event d", "links go round in a circle: d -> e -> d")]
