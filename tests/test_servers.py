"""Smoke tests of the real-server fixtures in tests/servers.py (Radicale and the ICS feed)."""

from __future__ import annotations

import base64
import hashlib
import http.client
import socket
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pytest
from servers import FeedServer, RadicaleServer, caldav_client, free_port

if TYPE_CHECKING:
    from caldav.calendarobjectresource import CalendarObjectResource
    from caldav.collection import Calendar, SynchronizableCalendarObjectCollection
    from caldav.davclient import DAVClient


def _event(uid: str, summary: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//summits//tests//EN\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20300101T000000Z\r\n"
        f"DTSTART:20300601T090000Z\r\nDTEND:20300601T100000Z\r\nSUMMARY:{summary}\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def _calendar(client: DAVClient, url: str) -> Calendar:
    from caldav.collection import Calendar

    return Calendar(client=client, url=url)


# caldav 3.x methods return "X | Coroutine[..., X]" (one API for sync and async clients):
# these narrow the answer of a sync client for mypy.


def _object(calendar: Calendar, uid: str) -> CalendarObjectResource:
    from caldav.calendarobjectresource import CalendarObjectResource

    obj = calendar.get_event_by_uid(uid)
    assert isinstance(obj, CalendarObjectResource)
    return obj


def _summary(calendar: Calendar, uid: str) -> str:
    return str(_object(calendar, uid).get_icalendar_component()["SUMMARY"])


def _sync(
    calendar: Calendar, token: object = None, *, load: bool = False
) -> SynchronizableCalendarObjectCollection:
    """RFC 6578 sync-collection; disable_fallback, as caldav otherwise silently lists the whole
    calendar (with a fake token) when the REPORT fails."""
    from caldav.collection import SynchronizableCalendarObjectCollection

    result = calendar.get_objects_by_sync_token(token, load_objects=load, disable_fallback=True)
    assert isinstance(result, SynchronizableCalendarObjectCollection)
    return result


# --------------------------------------------------------------------------------------------
# Radicale
# --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_teammates_share_one_calendar(radicale_server: RadicaleServer) -> None:
    from caldav.lib.error import NotFoundError

    url = radicale_server.calendar_url
    with (
        caldav_client(radicale_server, "alice") as alice,
        caldav_client(radicale_server, "bob") as bob,
    ):
        alice_cal, bob_cal = _calendar(alice, url), _calendar(bob, url)
        alice_cal.add_event(_event("crud-1", "Normandy format"))
        assert _summary(bob_cal, "crud-1") == "Normandy format"

        obj = _object(bob_cal, "crud-1")
        obj.icalendar_component["SUMMARY"] = "Normandy format, round 2"
        obj.save()
        assert _summary(alice_cal, "crud-1") == "Normandy format, round 2"

        _object(alice_cal, "crud-1").delete()
        with pytest.raises(NotFoundError):
            bob_cal.get_event_by_uid("crud-1")


def test_own_calendars_are_private(radicale_session: RadicaleServer) -> None:
    from caldav.lib.error import AuthorizationError

    private = radicale_session.make_calendar(owner="alice")
    with caldav_client(radicale_session, "alice") as alice:
        _calendar(alice, private).add_event(_event("private-1", "Alice only"))
    with caldav_client(radicale_session, "bob") as bob, pytest.raises(AuthorizationError):
        _calendar(bob, private).get_event_by_uid("private-1")


def test_wrong_password_is_refused(radicale_session: RadicaleServer) -> None:
    from caldav.lib.error import AuthorizationError

    url = radicale_session.calendar_url
    client = caldav_client(radicale_session, "alice", password="not-her-password")
    with client, pytest.raises(AuthorizationError) as refused:
        _calendar(client, url).get_events()
    assert "Unauthorized" in str(refused.value)


@pytest.mark.slow
def test_stop_then_start_keeps_the_data(radicale_server: RadicaleServer) -> None:
    with caldav_client(radicale_server, "alice") as client:
        calendar = _calendar(client, radicale_server.calendar_url)
        calendar.add_event(_event("survivor", "Still here"))
        first_pid = radicale_server.process.pid

        radicale_server.stop()
        assert not radicale_server.running
        # caldav's transport (niquests) raises its ConnectionError, an OSError
        with pytest.raises(OSError, match="Connection refused"):
            calendar.get_events()

        radicale_server.start()
        assert radicale_server.running
        assert radicale_server.process.pid != first_pid
        assert _summary(calendar, "survivor") == "Still here"


def test_sync_token_round_trip(radicale_session: RadicaleServer) -> None:
    """RFC 6578 sync-collection through caldav 3.x: a token then only what changed since."""
    url = radicale_session.make_calendar()
    with (
        caldav_client(radicale_session, "alice") as alice,
        caldav_client(radicale_session, "bob") as bob,
    ):
        calendar = _calendar(alice, url)
        for uid in ("keep", "edit", "drop"):
            calendar.add_event(_event(uid, uid))
        first = _sync(calendar)
        assert len(first) == 3
        token = first.sync_token
        assert str(token).startswith("http://radicale.org/ns/sync/")

        other = _calendar(bob, url)  # another teammate changes things
        edited = _object(other, "edit")
        edited.icalendar_component["SUMMARY"] = "edited"
        edited.save()
        _object(other, "drop").delete()
        other.add_event(_event("new", "new"))

        changes = _sync(calendar, token, load=True)
        names = {str(obj.url).rsplit("/", 1)[-1] for obj in changes}
        deleted = {str(u).rsplit("/", 1)[-1] for u in changes.deleted_urls}
        assert names == {"edit.ics", "drop.ics", "new.ics"}  # not keep.ics
        assert deleted == {"drop.ics"}
        assert changes.sync_token != token

        nothing = _sync(calendar, changes.sync_token)
        assert len(nothing) == 0
        assert nothing.sync_token == changes.sync_token


def test_unknown_sync_token_is_refused(radicale_session: RadicaleServer) -> None:
    from caldav.lib.error import AuthorizationError

    url = radicale_session.make_calendar()
    unknown = "http://radicale.org/ns/sync/" + "0" * 64
    alice = caldav_client(radicale_session, "alice")
    with alice, pytest.raises(AuthorizationError) as refused:
        _sync(_calendar(alice, url), unknown)
    assert "valid-sync-token" in str(refused.value.preconditions)


def _raw(
    server: RadicaleServer, method: str, url: str, body: bytes | None = None
) -> tuple[int, Mapping[str, str], bytes]:
    """A request with no client library in between: what Radicale does with the exact bytes."""
    credentials = f"alice:{server.users['alice']}".encode()
    headers = {"Authorization": "Basic " + base64.b64encode(credentials).decode()}
    if body is not None:
        headers["Content-Type"] = "text/calendar; charset=utf-8"
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request(method, url.removeprefix(server.url.rstrip("/")), body=body, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_radicale_normalises_what_it_stores(radicale_session: RadicaleServer) -> None:
    """Pins what Radicale 3.9 (vobject 0.9.9) does to stored iCalendar, so sync code never
    assumes a byte-exact round trip. If this fails after an upgrade, update the notes."""
    url = radicale_session.make_calendar() + "norm.ics"
    sent = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//summits//tests//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:norm\r\nDTSTAMP:20300101T000000Z\r\nDTSTART:20300601T090000Z\r\n"
        b"SUMMARY:bell\x07esc\x1bnul\x00tab\tdel\x7f\r\n"
        b"LOCATION:Minsk, Belarus\r\n"
        b"X-SUMMITS-FORMAT:Normandy,Four\r\n"
        b"X-SUMMITS-ESCAPED:Normandy\\,Four\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    status, put_headers, _ = _raw(radicale_session, "PUT", url, sent)
    assert status == 201
    status, headers, stored = _raw(radicale_session, "GET", url)
    assert status == 200
    text = stored.decode()
    assert "SUMMARY:bellescnultab\tdel\x7f\r\n" in text  # C0 gone except TAB; DEL kept
    assert "LOCATION:Minsk\r\n" in text  # an unescaped comma cuts a TEXT value...
    assert "X-SUMMITS-FORMAT:Normandy\r\n" in text  # ...an X- value too
    assert "X-SUMMITS-ESCAPED:Normandy\\,Four\r\n" in text  # an escaped one is kept
    # the ETag is the SHA-256 of the stored (rewritten) text, never of the bytes sent
    assert headers["ETag"] == put_headers["ETag"] == f'"{hashlib.sha256(stored).hexdigest()}"'
    assert stored != sent


# --------------------------------------------------------------------------------------------
# The ICS feed server
# --------------------------------------------------------------------------------------------

ICS_V1 = _event("feed-1", "Round 1").encode()
ICS_V2 = _event("feed-1", "Round 2").encode()


def _get(
    feed: FeedServer,
    path: str,
    headers: Mapping[str, str] | None = None,
    *,
    method: str = "GET",
    timeout: float = 5,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", feed.port, timeout=timeout)
    try:
        conn.request(method, path, headers=dict(headers or {}))
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def test_feed_conditional_get(feed_server: FeedServer) -> None:
    url = feed_server.set("/team.ics", ICS_V1)
    assert url == f"http://127.0.0.1:{feed_server.port}/team.ics"

    status, headers, body = _get(feed_server, "/team.ics")
    assert (status, body) == (200, ICS_V1)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert etag == f'"{hashlib.sha256(ICS_V1).hexdigest()[:32]}"'  # strong: no W/
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"

    status, headers, body = _get(feed_server, "/team.ics", {"If-None-Match": etag})
    assert (status, body, headers["ETag"]) == (304, b"", etag)
    status, _, body = _get(feed_server, "/team.ics", {"If-Modified-Since": modified})
    assert (status, body) == (304, b"")

    feed_server.set("/team.ics", ICS_V2)  # same second: Last-Modified still moves on
    status, headers, body = _get(
        feed_server, "/team.ics", {"If-None-Match": etag, "If-Modified-Since": modified}
    )
    assert (status, body) == (200, ICS_V2)
    assert headers["ETag"] != etag
    assert headers["Last-Modified"] != modified
    status, _, body = _get(feed_server, "/team.ics", {"If-Modified-Since": modified})
    assert (status, body) == (200, ICS_V2)

    log = feed_server.requests_for("/team.ics")
    assert [(r.status, r.body_bytes) for r in log] == [
        (200, len(ICS_V1)),
        (304, 0),
        (304, 0),
        (200, len(ICS_V2)),
        (200, len(ICS_V2)),
    ]
    assert log[1].headers["if-none-match"] == etag


def test_feed_misc_answers(feed_server: FeedServer) -> None:
    feed_server.set("/a.ics", ICS_V1)
    status, headers, body = _get(feed_server, "/a.ics", method="HEAD")
    assert (status, body, headers["Content-Length"]) == (200, b"", str(len(ICS_V1)))
    assert _get(feed_server, "/a.ics?token=x")[0] == 200  # the query is not part of the path
    assert feed_server.requests[-1].query == "token=x"
    assert _get(feed_server, "/missing.ics")[0] == 404
    assert _get(feed_server, "/a.ics", method="POST")[0] == 405
    feed_server.remove("/a.ics")
    assert _get(feed_server, "/a.ics")[0] == 404


def test_feed_failures(feed_server: FeedServer) -> None:
    feed_server.set("/team.ics", ICS_V1)

    feed_server.fail("/team.ics", 500, times=1)
    assert _get(feed_server, "/team.ics")[0] == 500
    assert _get(feed_server, "/team.ics")[0] == 200  # one failure only

    feed_server.fail("/team.ics", 401)
    status, headers, _ = _get(feed_server, "/team.ics")
    assert (status, headers["WWW-Authenticate"]) == (401, 'Basic realm="feed"')
    assert _get(feed_server, "/team.ics")[0] == 401  # until healed
    feed_server.heal("/team.ics")

    feed_server.drop("/team.ics", times=1)
    with pytest.raises(http.client.IncompleteRead) as cut:
        _get(feed_server, "/team.ics")
    assert 0 < len(cut.value.partial) < len(ICS_V1)
    assert feed_server.requests[-1].dropped

    feed_server.delay("/team.ics", 3)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        _get(feed_server, "/team.ics", timeout=0.2)
    assert time.monotonic() - started < 1
    feed_server.delay("/team.ics", 0)
    status, _, body = _get(feed_server, "/team.ics")
    assert (status, body) == (200, ICS_V1)


def test_feed_close_does_not_wait_for_a_slow_answer() -> None:
    feed = FeedServer()
    feed.set("/slow.ics", ICS_V1)
    feed.delay("/slow.ics", 30)
    with pytest.raises(TimeoutError):
        _get(feed, "/slow.ics", timeout=0.2)
    started = time.monotonic()
    feed.close()
    assert time.monotonic() - started < 2
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", feed.port), timeout=1).close()


def test_free_port_is_bindable() -> None:
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
