"""Syncs that are interrupted: the server stopped mid-sync, ``kill -9`` of summits during a
sync, an object changed on the server between the listing and the push. Each leaves the
store valid, and the next sync converges with no duplicates and no losses."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import ok
from servers import RadicaleServer, Teammate, caldav_client, calendar_objects

from summit_cli import store
from summit_cli.model import Event, Store, parse_wall_time
from summit_cli.sync import caldav_link

UNREACHABLE = 7
CONFLICTS = 9


def _bulk(path: Path, count: int, prefix: str = "bulk") -> None:
    """Write a store of *count* events at *path* through the store's own writer."""
    events = [
        Event(
            f"{prefix}-{n:04d}",
            f"Round {n} of the bulk talks",
            parse_wall_time(f"2030-{1 + n % 12:02d}-{1 + n % 28:02d}T{8 + n % 10:02d}:00"),
            kind="round",
            timezone="Europe/Vienna",
            participants=("OSCE", f"Delegation {n}"),
        )
        for n in range(count)
    ]
    store.update(store.Location(path), lambda _: Store(events=tuple(events)))


def _mates(tmp_path: Path, invoke: Callable[..., Any], url: str) -> tuple[Teammate, Teammate]:
    alice = Teammate("alice", tmp_path / "alice.yaml", invoke)
    bob = Teammate("bob", tmp_path / "bob.yaml", invoke)
    alice.join(url)
    bob.join(url)
    return alice, bob


def _stored_objects(server: RadicaleServer, url: str) -> int:
    folder = server.storage / "collection-root" / url.removeprefix(server.url).strip("/")
    return len(list(folder.glob("*.ics")))


@pytest.mark.slow
@pytest.mark.parametrize("connections", ["1", "4"])
def test_the_server_stops_mid_sync(
    radicale_server: RadicaleServer,
    passwords: object,
    tmp_path: Path,
    invoke: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    connections: str,
) -> None:
    url = radicale_server.calendar_url
    monkeypatch.setenv("SUMMITS_SYNC_CONNECTIONS", connections)
    alice, bob = _mates(tmp_path, invoke, url)
    _bulk(alice.store, 30)
    real_create = caldav_link.Link.create
    calls = []

    def create_then_stop(self: caldav_link.Link, name: str, data: bytes) -> str | None:
        calls.append(name)
        if len(calls) == 11:
            radicale_server.stop()  # the server goes away after ten events
        return real_create(self, name, data)

    monkeypatch.setattr(caldav_link.Link, "create", create_then_stop)
    before = alice.events()
    result = alice.run("sync", "--output", "json")
    assert result.exit_code == UNREACHABLE, result.stderr
    assert "no answer from the server" in result.stderr and "Traceback" not in result.stderr
    (report,) = json.loads(result.stdout)["remotes"]
    first = len(report["pushed"]["added"])
    if connections == "1":
        assert first == 10
    assert 0 < first <= 10 and not report["ok"]
    assert len(calls) < 30  # the pushes not yet started were not tried
    assert alice.events() == before  # the store is as it was (and valid)
    ok(alice.run("validate"))

    monkeypatch.setattr(caldav_link.Link, "create", real_create)
    result = bob.run("sync")  # bob finds the server down too: nothing happens to his store
    assert result.exit_code == UNREACHABLE and not bob.store.exists()

    radicale_server.start()
    rest = json.loads(alice.sync("--output", "json").stdout)["remotes"][0]
    assert first + len(rest["pushed"]["added"]) <= 30  # nothing sent twice...
    assert len(calendar_objects(radicale_server, url)) == 30  # ...nothing missing, no duplicate
    bob.sync()
    assert bob.events() == alice.events()


@pytest.mark.slow
def test_the_server_stops_before_the_pull(
    radicale_server: RadicaleServer,
    passwords: object,
    tmp_path: Path,
    invoke: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = radicale_server.calendar_url
    alice, bob = _mates(tmp_path, invoke, url)
    _bulk(alice.store, 5)
    alice.sync()
    real_fetch = caldav_link.Link.fetch

    def stop_then_fetch(self: caldav_link.Link, names: Any) -> Any:
        radicale_server.stop()  # after the listing, before the events are read
        return real_fetch(self, names)

    monkeypatch.setattr(caldav_link.Link, "fetch", stop_then_fetch)
    result = bob.run("sync")
    assert result.exit_code == UNREACHABLE, (result.stdout, result.stderr)
    assert not bob.store.exists()  # nothing was written
    monkeypatch.setattr(caldav_link.Link, "fetch", real_fetch)
    radicale_server.start()
    bob.sync()
    assert bob.events() == alice.events()


def _kill_during(argv: list[str], env: dict[str, str], ready: Callable[[], bool]) -> int:
    """Run summits, kill -9 it as soon as *ready()*; its exit status (-9 when killed)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "summit_cli", *argv],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if ready():
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.01)
    return proc.wait(timeout=30)


@pytest.mark.slow
def test_kill_9_during_a_sync(
    radicale_server: RadicaleServer,
    passwords: object,
    tmp_path: Path,
    invoke: Callable[..., Any],
) -> None:
    url = radicale_server.calendar_url
    alice, bob = _mates(tmp_path, invoke, url)
    _bulk(alice.store, 120)
    env = {**os.environ, "SUMMITS_STORE": str(alice.store)}
    status = _kill_during(["sync"], env, lambda: _stored_objects(radicale_server, url) >= 40)
    assert status == -signal.SIGKILL, "the sync ended before it could be killed"
    ok(alice.run("validate"))
    alice.sync()
    objects = calendar_objects(radicale_server, url)  # asserts one object per UID
    assert sorted(objects) == sorted(f"{i}@summits" for i in alice.events())

    # killed while pulling: bob's store is absent or valid, then complete
    env = {**os.environ, "SUMMITS_STORE": str(bob.store)}
    sidecar = bob.store.with_name(f".{bob.store.name}.sync")
    status = _kill_during(["sync"], env, (sidecar / "team.undo.json").exists)
    assert status in {0, -signal.SIGKILL}  # killed around the store write, or just after
    if bob.store.exists():
        ok(bob.run("validate"))
    bob.sync()
    assert bob.events() == alice.events()
    again = json.loads(bob.sync("--output", "json").stdout)["remotes"][0]
    assert again["pulled"] == again["pushed"] == {"added": [], "changed": [], "deleted": []}


def test_an_object_changed_between_the_listing_and_the_push(
    radicale_session: RadicaleServer,
    passwords: object,
    tmp_path: Path,
    invoke: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from caldav.collection import Calendar

    url = radicale_session.make_calendar()
    alice, _ = _mates(tmp_path, invoke, url)
    _bulk(alice.store, 3)
    alice.sync()
    ok(alice.run("edit", "bulk-0001", "--set", "notes=alice's note"))
    real_changes = caldav_link.Link.changes
    rounds = []

    def changes_then_someone_edits(self: caldav_link.Link, token: str | None) -> Any:
        listing = real_changes(self, token)
        rounds.append(listing)
        if len(rounds) == 1:  # after the listing, before alice's PUT: bob edits it
            with caldav_client(radicale_session, "bob") as client:
                obj: Any = Calendar(client=client, url=url).get_event_by_uid("bulk-0001@summits")
                obj.icalendar_component["SUMMARY"] = "Renamed by bob"
                obj.save()
        return listing

    monkeypatch.setattr(caldav_link.Link, "changes", changes_then_someone_edits)
    result = alice.sync("--output", "json", code=CONFLICTS)
    (report,) = json.loads(result.stdout)["remotes"]
    assert len(rounds) == 2  # the refused PUT made a second round read bob's version
    (conflict,) = report["conflicts"]
    assert (conflict["id"], conflict["kept"]) == ("bulk-0001", "remote")
    assert alice.events()["bulk-0001"]["title"] == "Renamed by bob"
    record = json.loads(Path(conflict["record"]).read_text(encoding="utf-8"))
    assert record["version"]["notes"] == "alice's note"
    assert report["left_for_next_sync"] == []
