"""Two-way sync against a real Radicale (started by the fixtures of tests/servers.py): two
teammates converge through one calendar, a third client (the caldav library, as Thunderbird
would) creates, edits and deletes, deletions go both ways, conflicts follow the rule and
lose nothing, a hostile title arrives inert, ``undo`` takes a sync back."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import BUSY, NOT_FOUND, USAGE, digest, failed, forbidden, ok
from servers import RadicaleServer, Teammate, caldav_client, calendar_objects

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "summits.yaml"
CONFLICTS = 9
AUTH_FAILED = 8


@pytest.fixture
def team(
    radicale_session: RadicaleServer,
    passwords: object,
    tmp_path: Path,
    invoke: Callable[..., Any],
) -> tuple[str, Teammate, Teammate]:
    """A fresh shared calendar; alice holds the bundled store, bob an empty folder; both
    have added the calendar as ``team``."""
    url = radicale_session.make_calendar()
    alice = Teammate("alice", tmp_path / "alice" / "summits.yaml", invoke)
    bob = Teammate("bob", tmp_path / "bob" / "summits.yaml", invoke)
    alice.store.parent.mkdir()
    bob.store.parent.mkdir()
    shutil.copyfile(BUNDLED, alice.store)
    alice.join(url)
    bob.join(url)
    return url, alice, bob


def _json(result: Any) -> dict[str, Any]:
    (report,) = json.loads(result.stdout)["remotes"]
    return dict(report)


@pytest.mark.slow
def test_two_teammates_converge(
    team: tuple[str, Teammate, Teammate], radicale_session: RadicaleServer
) -> None:
    url, alice, bob = team
    first = _json(alice.sync("--output", "json"))
    assert len(first["pushed"]["added"]) == 7 and first["exit_code"] == 0
    assert sorted(calendar_objects(radicale_session, url)) == sorted(
        f"{i}@summits" for i in alice.events()
    )
    bob.sync()  # bob's store did not exist: created, filled, usable
    assert bob.events() == alice.events()
    ok(bob.run("validate"))
    shown = ok(bob.run("format", "geneva", "--now", "2022-01-01")).stdout
    assert "Strategic Stability Dialogue" in shown  # the format's definition came along

    ok(bob.run("postpone", "2022-01-13-vienna-osce", "--to", "2022-01-20", "--reason", "host"))
    ok(bob.run("remove", "2021-12-30-phone-call", "--yes"))
    ok(bob.run("add", "Normandy format, advisers", "--start", "2022-01-26 10:00", "--city",
               "Paris", "--kind", "talks"))  # fmt: skip
    changed = _json(bob.sync("--output", "json"))
    linked = [
        i
        for i, e in alice.events().items()
        if "2021-12-30-phone-call" in (e.get("follows"), e.get("agreed_at"), e.get("part_of"))
    ]
    assert linked  # removing the call cleared the links to it: those events changed too
    assert changed["pushed"]["changed"] == sorted({"2022-01-13-vienna-osce", *linked})
    assert changed["pushed"]["deleted"] == ["2021-12-30-phone-call"]
    assert len(changed["pushed"]["added"]) == 1

    pulled = _json(alice.sync("--output", "json"))
    assert pulled["pulled"]["deleted"] == ["2021-12-30-phone-call"]
    assert pulled["pulled"]["changed"] == sorted({"2022-01-13-vienna-osce", *linked})
    assert alice.events() == bob.events()
    history = alice.events()["2022-01-13-vienna-osce"]["history"]
    assert history[0]["change"] == "postponed" and history[0]["reason"] == "host"

    for mate in (alice, bob):  # converged: nothing left to do on either side
        again = _json(mate.sync("--output", "json"))
        assert again["pushed"] == again["pulled"] == {"added": [], "changed": [], "deleted": []}
        assert again["requests"] == 1  # one sync-collection REPORT, nothing downloaded


def _third_client_event(uid: str, summary: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
        "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20220101T000000Z\r\n"
        "DTSTART:20220301T090000Z\r\nDTEND:20220301T100000Z\r\n"
        f"SUMMARY:{summary}\r\nLOCATION:Vienna\r\nATTENDEE;CN=Anna:mailto:anna@example.org\r\n"
        "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nDESCRIPTION:Soon\r\nEND:VALARM\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def test_a_third_client_creates_edits_and_deletes(
    team: tuple[str, Teammate, Teammate], radicale_session: RadicaleServer
) -> None:
    from caldav.collection import Calendar

    url, alice, _ = team
    alice.sync()
    with caldav_client(radicale_session, "bob") as client:
        calendar = Calendar(client=client, url=url)
        calendar.add_event(_third_client_event("tb-1", "Coordination call"))
        pulled = _json(alice.sync("--output", "json"))
        (new_id,) = pulled["pulled"]["added"]
        assert new_id.startswith("ics-")
        event = alice.events()[new_id]
        assert (event["title"], event["venue"], event["start"]) == (
            "Coordination call",
            "Vienna",
            "2022-03-01T09:00Z",
        )

        # an edit in summits keeps the third client's UID, attendee and alarm
        ok(alice.run("edit", new_id, "--title", "Coordination call (moved)"))
        assert _json(alice.sync("--output", "json"))["pushed"]["changed"] == [new_id]
        stored = calendar_objects(radicale_session, url)["tb-1"]
        assert "SUMMARY:Coordination call (moved)" in stored
        assert "mailto:anna@example.org" in stored and "TRIGGER:-PT15M" in stored

        obj: Any = calendar.get_event_by_uid("tb-1")  # the third client edits it...
        obj.icalendar_component["SUMMARY"] = "Coordination call, final"
        obj.save()
        assert _json(alice.sync("--output", "json"))["pulled"]["changed"] == [new_id]
        assert alice.events()[new_id]["title"] == "Coordination call, final"

        # ...and deletes one of alice's events
        doomed: Any = calendar.get_event_by_uid("2022-01-12-brussels-nrc@summits")
        doomed.delete()
    pulled = _json(alice.sync("--output", "json"))
    assert pulled["pulled"]["deleted"] == ["2022-01-12-brussels-nrc"]
    assert "2022-01-12-brussels-nrc" not in alice.events()


@pytest.mark.slow
def test_conflicts_follow_the_rule_and_lose_nothing(
    team: tuple[str, Teammate, Teammate], radicale_session: RadicaleServer
) -> None:
    url, alice, bob = team
    alice.sync()
    bob.sync()
    ok(alice.run("edit", "2022-01-10-geneva-ssd", "--set", "outcome=Alice's summary"))
    ok(bob.run("edit", "2022-01-10-geneva-ssd", "--set", "outcome=Bob's summary"))
    ok(alice.run("edit", "2022-01-12-brussels-nrc", "--set", "notes=alice was here"))
    ok(bob.run("remove", "2022-01-12-brussels-nrc", "--yes"))
    bob.sync()  # bob syncs first

    result = alice.sync("--output", "json", code=CONFLICTS)
    report = _json(result)
    assert "conflicts were settled by the rule" in result.stderr
    kinds = {c["id"]: (c["kind"], c["kept"]) for c in report["conflicts"]}
    assert kinds == {
        "2022-01-10-geneva-ssd": ("both-changed", "remote"),  # the first to sync wins
        "2022-01-12-brussels-nrc": ("changed-here-deleted-there", "local"),  # a change wins
    }
    assert alice.events()["2022-01-10-geneva-ssd"]["outcome"] == "Bob's summary"
    (conflict,) = [c for c in report["conflicts"] if c["record"]]
    record = json.loads(Path(conflict["record"]).read_text(encoding="utf-8"))
    assert record["version"]["outcome"] == "Alice's summary"  # alice's version is kept
    assert (record["from"], record["remote"]) == ("store", "team")
    assert report["pushed"]["added"] == ["2022-01-12-brussels-nrc"]  # back on the server
    bob.sync()
    assert bob.events() == alice.events()
    assert bob.events()["2022-01-12-brussels-nrc"]["notes"] == "alice was here"

    # --prefer local: alice's side wins, bob's version goes to the record
    ok(alice.run("edit", "2022-01-10-geneva-ssd", "--set", "outcome=Alice insists"))
    ok(bob.run("edit", "2022-01-10-geneva-ssd", "--set", "outcome=Bob insists"))
    bob.sync()
    report = _json(alice.sync("--prefer", "local", "--output", "json", code=CONFLICTS))
    (conflict,) = report["conflicts"]
    assert conflict["kept"] == "local" and report["pushed"]["changed"] == [conflict["id"]]
    record = json.loads(Path(conflict["record"]).read_text(encoding="utf-8"))
    assert record["version"]["outcome"] == "Bob insists" and "BEGIN:VCALENDAR" in record["ics"]
    bob.sync()
    assert bob.events()["2022-01-10-geneva-ssd"]["outcome"] == "Alice insists"
    assert len(calendar_objects(radicale_session, url)) == len(alice.events())


def test_a_wrong_or_missing_password_changes_nothing(
    team: tuple[str, Teammate, Teammate], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, alice, _ = team
    before = digest(alice.store)
    monkeypatch.setenv("PW_ALICE", "not-her-password")
    result = alice.run("sync")
    failed_line = result.stderr.strip().splitlines()[0]
    assert result.exit_code == AUTH_FAILED, result.stderr
    assert "refused the user name or password (401" in failed_line
    assert result.stdout == "team: failed\n"
    monkeypatch.delenv("PW_ALICE")
    result = alice.run("sync")
    assert result.exit_code == AUTH_FAILED
    assert "the environment variable PW_ALICE" in result.stderr
    assert digest(alice.store) == before
    assert "not-her-password" not in result.stdout + result.stderr


def test_a_password_command(team: tuple[str, Teammate, Teammate], tmp_path: Path) -> None:
    url, alice, _ = team
    script = tmp_path / "secret.sh"
    script.write_text("#!/bin/sh\nprintf 'alice-pw-1\\nsecond line\\n'\n", encoding="utf-8")
    script.chmod(0o755)
    ok(alice.run("remote", "add", "cmd", url, "--user", "alice", "--password-cmd", str(script)))
    assert "command:" in ok(alice.run("remote", "list")).stdout
    alice.sync("cmd")
    script.write_text("#!/bin/sh\necho 'no such entry' >&2\nexit 1\n", encoding="utf-8")
    result = alice.run("sync", "cmd")
    assert result.exit_code == AUTH_FAILED
    assert "failed (exit status 1): no such entry" in result.stderr


def test_the_remote_commands(store_path: Path, invoke: Callable[..., Any], tmp_path: Path) -> None:
    failed(invoke("sync"), NOT_FOUND, "this store has no remotes")
    feed = tmp_path / "osce.ics"
    feed.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", encoding="utf-8")
    ok(invoke("remote", "add", "osce", str(feed), "--feed"))
    ok(invoke("remote", "add", "team", "https://dav.example.org/team", "--user", "bob",
              "--password-env", "TEAM_PW"))  # fmt: skip
    failed(invoke("remote", "add", "team", "https://x.org/"), USAGE, "exists")
    failed(invoke("remote", "add", "x", "https://bob:pw@x.org/"), USAGE, "plain text")
    failed(invoke("remote", "add", "x", "https://x.org/", "--password-env", "s3cr3t!"), USAGE)
    listed = json.loads(ok(invoke("remote", "list", "--output", "json")).stdout)
    assert [(r["name"], r["kind"], r["credentials"]) for r in listed] == [
        ("osce", "feed", "none"),
        ("team", "caldav", "env:TEAM_PW"),
    ]
    assert listed[0]["url"] == feed.resolve().as_uri()
    sidecar = store_path.with_name(f".{store_path.name}.sync")
    saved = (sidecar / "remotes.json").read_text(encoding="utf-8")
    assert "TEAM_PW" in saved and "password" not in saved.replace("password_env", "")
    failed(invoke("sync", "nope"), NOT_FOUND, "no remote named 'nope'", "osce, team")
    ok(invoke("remote", "remove", "team"))
    failed(invoke("remote", "remove", "team"), NOT_FOUND)
    assert [r["name"] for r in json.loads(invoke("remote", "list", "-o", "json").stdout)] == [
        "osce"
    ]


def test_dry_run_changes_nothing_anywhere(
    team: tuple[str, Teammate, Teammate], radicale_session: RadicaleServer
) -> None:
    url, alice, bob = team
    before = digest(alice.store)
    result = alice.sync("--dry-run")
    assert result.stdout.startswith("team: would push 7, pull 0\n")
    assert "dry run: nothing was written" in result.stderr
    assert digest(alice.store) == before
    assert calendar_objects(radicale_session, url) == {}
    assert not (alice.store.parent / ".summits.yaml.sync" / "team.state.json").exists()
    alice.sync()
    bob_result = bob.sync("--dry-run")
    assert "would pull new: 2022-01-10-geneva-ssd" in bob_result.stdout
    assert not bob.store.exists()


@pytest.mark.slow
def test_a_hostile_title_arrives_inert(
    team: tuple[str, Teammate, Teammate], radicale_session: RadicaleServer
) -> None:
    from caldav.collection import Calendar

    url, alice, bob = team
    hostile = (
        "\x1b[2J\x1b]0;pwned\x07Talks, round 2; \\N \u202eevil\u202c"
        "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:injected\r\nSUMMARY:x"
    )
    ok(alice.run("add", hostile, "--start", "2022-02-01 10:00", "--tz", "Europe/Vienna"))
    alice.sync()
    objects = calendar_objects(radicale_session, url)
    assert "injected" not in objects and len(objects) == len(alice.events())
    bob.sync()
    (event,) = [e for e in bob.events().values() if e["start"] == "2022-02-01T10:00"]
    assert event["title"] == hostile  # exact, through the server
    with caldav_client(radicale_session, "bob") as client:
        Calendar(client=client, url=url).add_event(
            _third_client_event("tb-evil", "\\u001b[31mred\\, alert\x1b[0m")
        )
    for mate in (alice, bob):
        shown = mate.sync()
        listing = ok(mate.run("list"))
        for text in (shown.stdout, shown.stderr, listing.stdout, listing.stderr):
            assert forbidden(text) == []


@pytest.mark.slow
def test_undo_takes_a_sync_back_and_the_next_sync_reads_it_again(
    team: tuple[str, Teammate, Teammate], radicale_session: RadicaleServer
) -> None:
    url, alice, bob = team
    alice.sync()
    bob.sync()
    ok(alice.run("add", "Extra round", "--start", "2022-02-02 10:00", "--tz", "UTC"))
    alice.sync()
    pulled = _json(bob.sync("--output", "json"))
    assert len(pulled["pulled"]["added"]) == 1
    ok(bob.run("undo"))  # the sync's write is an ordinary write: undo takes it back
    assert pulled["pulled"]["added"][0] not in bob.events()
    again = _json(bob.sync("--output", "json"))
    assert again["pushed"]["deleted"] == []  # nothing deleted on the server...
    assert again["pulled"]["added"] == pulled["pulled"]["added"]  # ...it comes back
    assert len(calendar_objects(radicale_session, url)) == len(alice.events())


def test_one_sync_at_a_time(team: tuple[str, Teammate, Teammate]) -> None:
    _, alice, _ = team
    from summit_cli.store import syncstate

    with syncstate.sync_lock(alice.store.resolve(), 1):
        result = alice.run("--lock-timeout", "0.2", "sync")
    failed(result, BUSY, "another summits sync of this store is running")


def _series(path: Path) -> None:
    """The OSCE Permanent Council, weekly for six weeks, one week skipped, one occurrence
    moved and renamed, written through the store's own writer."""
    from datetime import date

    from summit_cli import store
    from summit_cli.model import Event, Override, parse_wall_time

    council = Event(
        "osce-pc-2030",
        "OSCE Permanent Council",
        parse_wall_time("2030-01-10T10:00"),
        kind="council",
        end=parse_wall_time("2030-01-10T13:00"),
        timezone="Europe/Vienna",
        venue="Hofburg",
        city="Vienna",
        rrule="FREQ=WEEKLY;COUNT=6",
        exdates=(parse_wall_time("2030-01-24"),),
        overrides=(
            Override(date(2030, 1, 17), start=parse_wall_time("2030-01-18T11:00"),
                     title="OSCE Permanent Council (special session)"),
        ),
    )  # fmt: skip
    store.update(store.Location(path), lambda s: s.with_events([*s.events, council]))


@pytest.mark.slow
def test_a_recurring_series_with_a_changed_occurrence_stays_a_series(
    team: tuple[str, Teammate, Teammate], radicale_session: RadicaleServer
) -> None:
    from caldav.collection import Calendar
    from icalendar import Event as VEvent

    url, alice, bob = team
    _series(alice.store)
    alice.sync()
    stored = calendar_objects(radicale_session, url)["osce-pc-2030@summits"]
    assert stored.count("BEGIN:VEVENT") == 2 and "RRULE:FREQ=WEEKLY;COUNT=6" in stored
    assert "RECURRENCE-ID;TZID=Europe/Vienna:20300117T100000" in stored
    bob.sync()
    assert bob.events()["osce-pc-2030"] == alice.events()["osce-pc-2030"]

    with caldav_client(radicale_session, "bob") as client:  # a calendar app edits the series
        obj: Any = Calendar(client=client, url=url).get_event_by_uid("osce-pc-2030@summits")
        calendar = obj.icalendar_instance
        (moved,) = [c for c in calendar.walk("VEVENT") if c.get("RECURRENCE-ID") is not None]
        moved["SUMMARY"] = "Special session, agenda changed"
        extra = VEvent()  # ...and moves another occurrence, as Thunderbird does
        extra.add("UID", "osce-pc-2030@summits")
        extra.add("DTSTAMP", datetime_utc(2030, 1, 1))
        extra.add("RECURRENCE-ID", vienna(2030, 1, 31, 10))
        extra.add("DTSTART", vienna(2030, 1, 31, 15))
        extra.add("DTEND", vienna(2030, 1, 31, 18))
        extra.add("SUMMARY", "OSCE Permanent Council")
        calendar.add_component(extra)
        obj.save()
    alice.sync()
    series = alice.events()["osce-pc-2030"]
    overrides = {o["of"]: o for o in series["overrides"]}
    assert overrides["2030-01-17"]["title"] == "Special session, agenda changed"
    assert overrides["2030-01-31"]["start"] == "2030-01-31T15:00"
    assert series["rrule"] == "FREQ=WEEKLY;COUNT=6" and series["exdates"] == ["2030-01-24"]

    ok(alice.run("edit", "osce-pc-2030", "--set", "notes=Agenda: Ukraine"))
    alice.sync()
    bob.sync()
    assert bob.events()["osce-pc-2030"] == alice.events()["osce-pc-2030"]
    stored = calendar_objects(radicale_session, url)["osce-pc-2030@summits"]
    assert stored.count("BEGIN:VEVENT") == 3  # still one series with two changed occurrences


def datetime_utc(year: int, month: int, day: int) -> Any:
    from datetime import UTC, datetime

    return datetime(year, month, day, tzinfo=UTC)


def vienna(year: int, month: int, day: int, hour: int) -> Any:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime(year, month, day, hour, tzinfo=ZoneInfo("Europe/Vienna"))


def test_a_newcomer_without_a_store_gets_the_teams_events_only(
    radicale_session: RadicaleServer,
    passwords: object,
    invoke: Callable[..., Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = radicale_session.make_calendar()
    alice = Teammate("alice", tmp_path / "alice.yaml", invoke)
    ok(alice.run("add", "Desk kick-off", "--start", "2022-03-01 09:00", "--tz", "UTC"))
    alice.join(url)
    alice.sync()
    monkeypatch.delenv("SUMMITS_STORE")  # bob has no store of his own: the bundled one shows
    assert len(ok(invoke("list", "--output", "ids")).stdout.split()) == 7
    ok(invoke("remote", "add", "team", url, "--user", "bob", "--password-env", "PW_BOB"))
    result = ok(invoke("sync"))
    assert result.stdout.startswith("team: pushed 0, pulled 1\n")  # no demo event pushed
    assert ok(invoke("list", "--output", "ids")).stdout.split() == list(alice.events())
    assert len(calendar_objects(radicale_session, url)) == 1


@pytest.mark.slow
def test_a_deleted_event_takes_its_links_along(
    team: tuple[str, Teammate, Teammate], radicale_session: RadicaleServer
) -> None:
    from caldav.collection import Calendar

    url, alice, bob = team
    alice.sync()
    bob.sync()
    linked = sorted(i for i, e in alice.events().items() if e.get("agreed_at"))
    with caldav_client(radicale_session, "bob") as client:  # a calendar app deletes the call
        call: Any = Calendar(client=client, url=url).get_event_by_uid(
            "2021-12-30-phone-call@summits"
        )
        call.delete()
    report = _json(alice.sync("--output", "json"))
    assert report["pulled"]["deleted"] == ["2021-12-30-phone-call"]
    assert len(report["notes"]) == len(linked) and "link cleared" in report["notes"][0]
    assert report["pushed"]["changed"] == linked  # in the same sync, as remove would
    ok(alice.run("validate"))
    bob.sync()
    assert bob.events() == alice.events()
    assert not any(e.get("agreed_at") for e in bob.events().values())


def test_bad_sync_settings_are_usage_errors(
    store_path: Path, invoke: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(invoke("remote", "add", "team", "https://dav.example.org/team/"))
    before = digest(store_path)
    for name, value in (("SUMMITS_SYNC_TIMEOUT", "soon"), ("SUMMITS_SYNC_CONNECTIONS", "99")):
        with monkeypatch.context() as patch:
            patch.setenv(name, value)
            failed(invoke("sync"), USAGE, name)
    result = invoke("sync", "--prefer", "mine")
    assert result.exit_code == USAGE and "'mine' is not one of" in result.stderr
    assert digest(store_path) == before


def test_without_the_caldav_package_sync_says_so(
    store_path: Path, invoke: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    ok(invoke("remote", "add", "team", "https://dav.example.org/team/"))
    monkeypatch.setitem(sys.modules, "caldav.collection", None)  # as if not installed
    result = invoke("sync")
    assert result.exit_code == 7 and "needs the caldav package" in result.stderr
    assert "Traceback" not in result.stderr
