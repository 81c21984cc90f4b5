"""Read-only ICS feeds, served by a real local HTTP server (tests/servers.py) or a file: a
conditional GET, events marked with their feed and read-only, removed when they leave it,
and a failing or cut feed that changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import NOT_FOUND, USAGE, digest, failed, ok
from servers import FeedServer, RadicaleServer, Teammate, calendar_objects

UNREACHABLE = 7


def _vevent(uid: str, summary: str, day: str, extra: str = "") -> str:
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20220101T000000Z\r\n"
        f"DTSTART:{day}T090000Z\r\nDTEND:{day}T110000Z\r\nSUMMARY:{summary}\r\n{extra}"
        "END:VEVENT\r\n"
    )


def _calendar(*events: str) -> bytes:
    body = "".join(events)
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//OSCE//Meetings//EN\r\n{body}END:VCALENDAR\r\n"
    ).encode()


V1 = _calendar(
    _vevent("pc-1@osce.org", "Permanent Council 1", "20220113", "LOCATION:Hofburg\r\n"),
    _vevent("pc-2@osce.org", "Permanent Council 2", "20220120"),
    _vevent("fsc-1@osce.org", "Forum for Security Co-operation", "20220119"),
)
V2 = _calendar(  # pc-2 renamed, fsc-1 gone, a special session added
    _vevent("pc-1@osce.org", "Permanent Council 1", "20220113", "LOCATION:Hofburg\r\n"),
    _vevent("pc-2@osce.org", "Permanent Council 2 (moved)", "20220121"),
    _vevent("special-1@osce.org", "Special session", "20220125"),
)


def _fails(result: Any, code: int, fragment: str) -> None:
    """A sync that failed: its code, the remote said failed (stdout), the reason (stderr)."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout.endswith(": failed\n") and fragment in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def _report(result: Any) -> dict[str, Any]:
    (report,) = json.loads(ok(result).stdout)["remotes"]
    return dict(report)


def _feed_events(invoke: Callable[..., Any]) -> dict[str, dict[str, Any]]:
    rows = json.loads(ok(invoke("list", "--tag", "feed:osce", "--output", "json")).stdout)
    return {r["id"]: r for r in rows}


def test_a_feed_that_changes_between_two_syncs(
    feed_server: FeedServer, invoke: Callable[..., Any], store_path: Path
) -> None:
    url = feed_server.set("/osce.ics", V1)
    ok(invoke("remote", "add", "osce", url, "--feed"))
    first = _report(invoke("sync", "--output", "json"))
    assert len(first["pulled"]["added"]) == 3 and first["pushed"]["added"] == []
    events = _feed_events(invoke)
    assert sorted(e["title"] for e in events.values()) == [
        "Forum for Security Co-operation",
        "Permanent Council 1",
        "Permanent Council 2",
    ]
    assert all(i.startswith("osce-") for i in events)
    pc1 = next(i for i, e in events.items() if e["title"] == "Permanent Council 1")
    assert events[pc1]["venue"] == "Hofburg"

    # read-only: every command that changes an event says where it comes from
    for args in (
        ("edit", pc1, "--title", "Mine now"),
        ("postpone", pc1),
        ("cancel", pc1),
        ("remove", pc1, "--yes"),
    ):
        failed(invoke(*args), USAGE, f"{pc1} comes from the feed 'osce' and is read-only")

    # unchanged: a conditional GET answered 304, nothing read, nothing written
    before = digest(store_path)
    again = _report(invoke("sync", "--output", "json"))
    assert again["not_modified"] and digest(store_path) == before
    last = feed_server.requests_for("/osce.ics")[-1]
    assert last.status == 304 and last.headers["if-none-match"] == feed_server.etag("/osce.ics")
    assert ok(invoke("sync")).stdout == "osce: not modified since the last sync\n"

    feed_server.set("/osce.ics", V2)
    second = _report(invoke("sync", "--output", "json"))
    assert len(second["pulled"]["added"]) == 1
    assert len(second["pulled"]["changed"]) == 1
    assert len(second["pulled"]["deleted"]) == 1
    titles = sorted(e["title"] for e in _feed_events(invoke).values())
    assert titles == ["Permanent Council 1", "Permanent Council 2 (moved)", "Special session"]
    assert len(json.loads(invoke("list", "--output", "json").stdout)) == 7 + 3  # bundled + feed

    # removing the remote keeps its events, now ordinary (editable) ones
    ok(invoke("remote", "remove", "osce"))
    ok(invoke("edit", pc1, "--title", "Mine now"))


def test_a_failing_or_cut_feed_changes_nothing(
    feed_server: FeedServer,
    invoke: Callable[..., Any],
    store_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = feed_server.set("/osce.ics", V1)
    ok(invoke("remote", "add", "osce", url, "--feed"))
    ok(invoke("sync"))
    feed_server.set("/osce.ics", V2)
    before = digest(store_path)
    feed_server.fail("/osce.ics", 500, times=1)
    _fails(invoke("sync"), UNREACHABLE, "the feed host failed (500)")
    feed_server.drop("/osce.ics", times=1)
    _fails(invoke("sync"), UNREACHABLE, "cut")
    monkeypatch.setenv("SUMMITS_SYNC_TIMEOUT", "0.3")
    feed_server.delay("/osce.ics", 3)
    _fails(invoke("sync"), UNREACHABLE, "no answer")
    feed_server.heal()
    feed_server.remove("/osce.ics")
    _fails(invoke("sync"), NOT_FOUND, "no feed there (404)")
    assert digest(store_path) == before  # every failure left the store as it was
    feed_server.set("/osce.ics", V2)
    assert len(_report(invoke("sync", "--output", "json"))["pulled"]["deleted"]) == 1


def test_a_file_feed_exported_by_a_teammate(
    invoke: Callable[..., Any], store_path: Path, tmp_path: Path
) -> None:
    feed = tmp_path / "published" / "geneva.ics"
    feed.parent.mkdir()
    ok(invoke("export", "--format", "geneva", "-o", str(feed)))
    empty = tmp_path / "mine.yaml"
    ok(invoke("--store", str(empty), "remote", "add", "geneva", str(feed), "--feed"))
    report = _report(invoke("--store", str(empty), "sync", "--output", "json"))
    assert report["pulled"]["added"] == [
        "geneva-2022-01-09-geneva-dinner",
        "geneva-2022-01-10-geneva-ssd",
    ]
    ok(invoke("--store", str(empty), "validate"))
    (dinner,) = json.loads(
        ok(
            invoke("--store", str(empty), "show", "geneva-2022-01-09-geneva-dinner", "-o", "json")
        ).stdout
    )
    assert dinner["part_of"] == "geneva-2022-01-10-geneva-ssd"  # links follow the new ids
    (ssd,) = json.loads(
        ok(
            invoke("--store", str(empty), "show", "geneva-2022-01-10-geneva-ssd", "-o", "json")
        ).stdout
    )
    assert ssd["agreed_at"] is None  # the call it names is not in the feed
    shown = ok(invoke("--store", str(empty), "format", "geneva", "--now", "2022-01-01")).stdout
    assert "US–Russia Strategic Stability Dialogue" in shown  # the definition came too
    ok(invoke("--store", str(empty), "sync"))  # unchanged file: nothing to do
    assert _report(invoke("--store", str(empty), "sync", "-o", "json"))["not_modified"]
    feed.unlink()
    _fails(invoke("--store", str(empty), "sync"), NOT_FOUND, "does not exist")
    failed(invoke("remote", "add", "x", str(tmp_path / "nope.ics"), "--feed"), USAGE, "no such")


def test_feed_events_stay_out_of_the_team_calendar(
    feed_server: FeedServer,
    radicale_session: RadicaleServer,
    passwords: object,
    invoke: Callable[..., Any],
    store_path: Path,
) -> None:
    url = feed_server.set("/osce.ics", V1)
    ok(invoke("remote", "add", "osce", url, "--feed"))
    team = radicale_session.make_calendar()
    mate = Teammate("alice", store_path, invoke)
    mate.join(team)
    mate.sync()  # the feed first (remotes in the order added), then the team calendar
    on_server = calendar_objects(radicale_session, team)
    assert len(on_server) == 7  # the bundled events, not the feed's three
    assert not any("osce.org" in uid for uid in on_server)
    assert len(_feed_events(invoke)) == 3
    again = json.loads(mate.sync("--output", "json").stdout)["remotes"]
    assert [r["name"] for r in again] == ["osce", "team"]
    assert again[1]["pushed"] == {"added": [], "changed": [], "deleted": []}
