"""The pure parts of sync, without a server: the plan and its conflict rule, applying pulls
and feeds to a store, remotes and states as data, one event as one calendar object."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from summit_cli import store
from summit_cli.errors import InvalidData, InvalidInput
from summit_cli.model import Event, Store, parse_wall_time
from summit_cli.query import find_event
from summit_cli.sync import codec
from summit_cli.sync.plan import (
    Action,
    Agreed,
    Applied,
    Conflict,
    apply_feed,
    apply_pulls,
    plan,
    plan_feed,
)
from summit_cli.sync.remotes import Kind, make_remote, remotes_from_plain, remotes_to_plain
from summit_cli.sync.report import ConflictNote, RemoteReport
from summit_cli.sync.state import CalendarState, FeedState, feed_owners

ROOT = Path(__file__).resolve().parent.parent
STAMP = datetime(2030, 1, 1, tzinfo=UTC)


def _base(digest: str) -> Agreed:
    return Agreed(f"{digest}.ics", f'"{digest}"', digest, f"{digest}@summits")


def _one(local: str | None, base: str | None, remote: str | None, prefer: str | None = None) -> Any:
    steps = plan(
        {"e": local} if local else {},
        {"e": _base(base)} if base else {},
        {"e": remote} if remote else {},
        prefer,
    )
    assert len(steps) <= 1
    return steps[0] if steps else None


@pytest.mark.parametrize(
    ("local", "base", "remote", "action"),
    [
        ("a", "a", "a", None),  # nothing changed
        ("a", None, None, Action.PUSH_NEW),
        ("b", "a", "a", Action.PUSH_CHANGE),
        (None, "a", "a", Action.PUSH_DELETE),
        (None, None, "a", Action.PULL_NEW),
        ("a", "a", "b", Action.PULL_CHANGE),
        ("a", "a", None, Action.PULL_DELETE),
        ("b", "a", "b", Action.ADOPT),  # both made the same change
        ("a", None, "a", Action.ADOPT),  # both added the same event
        (None, "a", None, Action.FORGET),  # both deleted it
    ],
)
def test_each_side_alone(
    local: str | None, base: str | None, remote: str | None, action: str | None
) -> None:
    step = _one(local, base, remote)
    assert (step.action if step else None) == action
    if step is not None:
        assert step.conflict is None


@pytest.mark.parametrize(
    ("local", "base", "remote", "prefer", "action", "conflict", "kept", "lost"),
    [
        # changed on both sides: the remote's version wins unless --prefer local
        ("b", "a", "c", None, Action.PULL_CHANGE, Conflict.BOTH_CHANGED, "remote", "local"),
        ("b", "a", "c", "remote", Action.PULL_CHANGE, Conflict.BOTH_CHANGED, "remote", "local"),
        ("b", "a", "c", "local", Action.PUSH_CHANGE, Conflict.BOTH_CHANGED, "local", "remote"),
        ("b", None, "c", None, Action.PULL_CHANGE, Conflict.BOTH_ADDED, "remote", "local"),
        ("b", None, "c", "local", Action.PUSH_CHANGE, Conflict.BOTH_ADDED, "local", "remote"),
        # a change beats a deletion, unless --prefer names the deleting side
        ("b", "a", None, None, Action.PUSH_NEW, Conflict.CHANGED_HERE_DELETED_THERE, "local", None),
        ("b", "a", None, "remote", Action.PULL_DELETE, Conflict.CHANGED_HERE_DELETED_THERE,
         "remote", "local"),
        (None, "a", "c", None, Action.PULL_NEW, Conflict.DELETED_HERE_CHANGED_THERE,
         "remote", None),
        (None, "a", "c", "local", Action.PUSH_DELETE, Conflict.DELETED_HERE_CHANGED_THERE,
         "local", "remote"),
    ],
)  # fmt: skip
def test_the_conflict_rule(
    local: str | None,
    base: str | None,
    remote: str | None,
    prefer: str | None,
    action: str,
    conflict: bool,
    kept: str | None,
    lost: str | None,
) -> None:
    step = _one(local, base, remote, prefer)
    assert step is not None
    assert (step.action, step.conflict, step.kept, step.lost) == (action, conflict, kept, lost)


def test_plan_is_in_id_order_and_covers_every_id() -> None:
    steps = plan({"b": "1", "a": "1"}, {}, {"c": "1"})
    assert [(s.id, s.action) for s in steps] == [
        ("a", Action.PUSH_NEW),
        ("b", Action.PUSH_NEW),
        ("c", Action.PULL_NEW),
    ]


def _event(event_id: str, title: str = "Talks", **extra: object) -> Event:
    return Event(event_id, title, parse_wall_time("2030-03-01T10:00"), **extra)  # type: ignore[arg-type]


def test_apply_pulls_adds_replaces_removes_and_brings_formats() -> None:
    from summit_cli.model import Format

    current = Store(events=(_event("keep"), _event("old"), _event("gone")))
    incoming = {"new": _event("new", format="osce"), "old": _event("old", "Changed")}
    steps = plan(
        {e.id: codec.event_hash(e) for e in current.events},
        {i: _base(codec.event_hash(_event(i))) for i in ("keep", "old", "gone")},
        {
            "keep": codec.event_hash(_event("keep")),
            "old": codec.event_hash(incoming["old"]),
            "new": codec.event_hash(incoming["new"]),
        },
    )
    expected = {e.id: codec.event_hash(e) for e in current.events}
    applied = Applied()
    osce = Format("osce", "OSCE Permanent Council")
    after = apply_pulls(
        current, steps, expected, incoming, {"osce": osce}, codec.event_hash, applied
    )
    assert [e.id for e in after.events] == ["keep", "old", "new"]
    assert find_event(after, "old").title == "Changed"
    assert after.formats == {"osce": osce}
    assert sorted(applied.done) == ["gone", "new", "old"] and applied.left == []


def test_apply_pulls_leaves_an_event_changed_meanwhile() -> None:
    planned = Store(events=(_event("x"),))
    steps = plan({"x": codec.event_hash(_event("x"))}, {"x": _base(codec.event_hash(_event("x")))},
                 {"x": "remote"})  # fmt: skip
    edited = Store(events=(_event("x", "Edited by hand meanwhile"),))
    applied = Applied()
    after = apply_pulls(
        edited,
        steps,
        {"x": codec.event_hash(planned.events[0])},
        {"x": _event("x", "From the server")},
        {},
        codec.event_hash,
        applied,
    )
    assert after == edited
    assert applied.left == ["x"]


def test_pulls_clear_the_links_to_events_the_store_does_not_hold() -> None:
    call, linked = _event("call"), _event("round", agreed_at="call")
    current = Store(events=(call, linked))
    new = _event("new", follows="missing")
    hashes = {e.id: codec.event_hash(e) for e in current.events}
    steps = plan(hashes, {i: _base(h) for i, h in hashes.items()},
                 {"round": hashes["round"], "new": codec.event_hash(new)})  # fmt: skip
    applied = Applied()
    after = apply_pulls(current, steps, hashes, {"new": new}, {}, codec.event_hash, applied)
    assert [e.id for e in after.events] == ["round", "new"]  # the call was deleted there
    assert find_event(after, "round").agreed_at is None and find_event(after, "new").follows is None
    assert applied.cleared == [("round", "agreed_at", "call"), ("new", "follows", "missing")]
    assert applied.stored["new"] == replace(new, follows=None)  # what the base records


def test_feed_plan_and_apply() -> None:
    current = Store(events=(_event("mine"), _event("f-old"), _event("f-same"), _event("f-clash")))
    hashes = {e.id: codec.event_hash(e) for e in current.events}
    incoming = {
        "f-same": _event("f-same"),
        "f-new": _event("f-new"),
        "f-clash": _event("f-clash", "Not ours"),
    }
    owned = ["f-old", "f-same"]
    feed = plan_feed(hashes, owned, {k: codec.event_hash(v) for k, v in incoming.items()})
    assert (feed.add, feed.change, feed.remove, feed.clash) == (
        ("f-new",),
        (),
        ("f-old",),
        ("f-clash",),
    )
    mine = {k: v for k, v in incoming.items() if k != "f-clash"}
    after = apply_feed(current, owned, mine, {}, codec.event_hash)
    assert [e.id for e in after.events] == ["mine", "f-same", "f-clash", "f-new"]
    assert find_event(after, "f-clash").title == "Talks"  # an event not from the feed is left alone


# ------------------------------------------------------------------ remotes


def test_remote_validation() -> None:
    team = make_remote(
        "team", "https://dav.example.org/cal", feed=False, user="bob", password_env="TEAM_PW",
        password_command=None,
    )  # fmt: skip
    assert team.url == "https://dav.example.org/cal/" and team.credentials == "env:TEAM_PW"
    assert remotes_from_plain(remotes_to_plain([team]), "x") == [team]
    bad = [
        ("Team!", "https://x.org/", {}),
        ("team", "https://bob:secret@x.org/cal/", {}),  # a password in the URL
        ("team", "ftp://x.org/cal/", {}),
        ("team", "/tmp/feed.ics", {}),  # a path is a feed, not a calendar
        ("team", "https://x.org/", {"password_env": "hunter2!"}),  # a password, not a name
        ("team", "https://x.org/", {"password_env": "PW"}),  # a password without --user
        ("team", "https://x.org/\x1b[2J", {}),
    ]
    for name, url, options in bad:
        with pytest.raises(InvalidInput):
            make_remote(
                name,
                url,
                feed=False,
                user=options.get("user"),
                password_env=options.get("password_env"),
                password_command=None,
            )
    feed = make_remote(
        "osce", "file:///srv/osce.ics", feed=True, user=None, password_env=None,
        password_command=None,
    )  # fmt: skip
    assert feed.kind is Kind.FEED
    with pytest.raises(InvalidData, match="appears twice"):
        remotes_from_plain({"remotes": [team.to_plain(), team.to_plain()]}, "remotes.json")
    with pytest.raises(InvalidData, match="unknown keys: password"):
        remotes_from_plain({"remotes": [{**team.to_plain(), "password": "x"}]}, "remotes.json")


def test_states_round_trip_and_a_damaged_one_is_named() -> None:
    state = CalendarState(
        "https://x.org/cal/",
        "token-1",
        {"a": Agreed("a.ics", '"1"', "h", "a@summits", True)},
        {"todo.ics": '"2"'},
        {"b.ics"},
        "digest",
    )
    assert CalendarState.from_plain(state.to_plain(), "s", state.url) == state
    assert CalendarState.from_plain(state.to_plain(), "s", "https://other/") == CalendarState(
        "https://other/"
    )
    with pytest.raises(InvalidData, match="remove the file"):
        CalendarState.from_plain({"kind": "caldav", "url": state.url, "items": [1]}, "s", state.url)
    feed = FeedState("file:///f.ics", "e", "lm", {"osce-x": "h"})
    assert FeedState.from_plain(feed.to_plain(), "s", feed.url) == feed
    moved = FeedState.from_plain(feed.to_plain(), "s", "file:///g.ics")
    assert moved.items == feed.items and moved.etag is None  # still owns its events
    assert feed_owners({"osce": feed.to_plain(), "team": state.to_plain()}) == {"osce-x": "osce"}


# -------------------------------------------------------------------- codec


def _bundled() -> Store:
    return store.read_store(store.Location(ROOT / "data" / "summits.yaml"))


def test_every_bundled_event_comes_back_from_its_object() -> None:
    bundled = _bundled()
    for event in bundled.events:
        data = codec.render(event, bundled.formats, stamp=STAMP, uid=f"{event.id}@summits")
        decoded = codec.decode(data.decode(), "x", {})
        assert decoded.problem is None and decoded.event == event
        assert codec.event_hash(decoded.event) == codec.event_hash(event)
        if event.format:  # the definition travels with the event
            assert decoded.formats[event.format] == bundled.formats[event.format]
        assert not decoded.foreign


def test_a_foreign_object_keeps_its_uid_alarms_and_attendees() -> None:
    existing = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
        "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\n"
        "BEGIN:VEVENT\r\nUID:thunderbird-1234\r\nDTSTAMP:20300101T000000Z\r\n"
        "DTSTART:20300301T100000Z\r\nDTEND:20300301T110000Z\r\nSUMMARY:Coordination\r\n"
        "ATTENDEE;CN=Anna:mailto:anna@example.org\r\nX-MOZ-GENERATION:3\r\n"
        "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nDESCRIPTION:Soon\r\nEND:VALARM\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    decoded = codec.decode(existing, "x", {})
    assert decoded.foreign and decoded.uid == "thunderbird-1234" and decoded.event is not None
    edited = replace(
        decoded.event, title="Coordination, moved", end=parse_wall_time("2030-03-01T12:00Z")
    )
    data = codec.render(edited, {}, stamp=STAMP, uid=decoded.uid, existing=existing).decode()
    assert "UID:thunderbird-1234" in data and "@summits" not in data
    assert "ATTENDEE;CN=Anna:mailto:anna@example.org" in data
    assert "X-MOZ-GENERATION:3" in data and "TRIGGER:-PT15M" in data
    assert data.count("SUMMARY:") == 1 and "SUMMARY:Coordination\\, moved" in data
    again = codec.decode(data, "x", {})
    assert again.event == edited


def test_objects_that_are_not_events_say_why() -> None:
    todo = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTODO\r\nUID:t\r\n"
        "DTSTAMP:20300101T000000Z\r\nSUMMARY:Do\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    )
    assert codec.decode(todo, "x", {}).problem == "not an event (it holds VTODO)"
    assert "not a valid calendar" in (codec.decode("garbage", "x", {}).problem or "")


def test_report_lines_say_what_was_done() -> None:
    report = RemoteReport("team", "caldav", "https://x/", pushed_new=["a"], pulled_deleted=["b"])
    report.conflicts.append(ConflictNote("c", "both-changed", "remote", "/r/c.json"))
    assert report.lines() == [
        "team: pushed 1, pulled 1, 1 conflict",
        "  push new: a",
        "  delete here: b",
        "  conflict (both-changed): c: kept the version on the server; the other version is "
        "in /r/c.json",
    ]
    assert RemoteReport("team", "caldav", "u", dry_run=True, pushed_new=["a"]).lines()[0] == (
        "team: would push 1, pull 0"
    )


def test_keys_summits_does_not_know_travel_too() -> None:
    event = _event("x", extra=(("desk_owner", '"anna"'), ("priority", "3")))
    data = codec.render(event, {}, stamp=STAMP, uid="x@summits")
    assert codec.decode(data.decode(), "x", {}).event == event
