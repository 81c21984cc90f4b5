"""Real servers for sync tests: a Radicale CalDAV server and a local ICS feed server.

A pytest plugin module (``tests/conftest.py`` loads it: ``pytest_plugins = ["servers"]``).
Nothing here is a mock: ``radicale_server`` runs the real Radicale as a subprocess and
``feed_server`` is a real HTTP server on a loopback socket. Both bind 127.0.0.1 only.

Fixtures:

* ``radicale_server`` - a fresh Radicale process and storage for one test (may be stopped and
  restarted by the test);
* ``radicale_session`` - one Radicale for the whole session, cheaper; a test using it takes a
  calendar of its own with ``radicale_session.make_calendar()`` and never stops it;
* ``feed_server`` - an HTTP server for ICS feeds with conditional GET and injectable faults.

Helpers: ``free_port()`` and ``caldav_client(server, user)``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import email.utils
import hashlib
import http.server
import importlib.util
import os
import socket
import subprocess
import sys
import threading
import time
import types
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    # caldav imports its public names lazily (PEP 562), which hides their types from mypy:
    # import them from the modules that define them.
    from caldav.davclient import DAVClient

__all__ = [
    "FeedServer",
    "RadicaleServer",
    "RecordedRequest",
    "Teammate",
    "caldav_client",
    "calendar_objects",
    "feed_server",
    "free_port",
    "passwords",
    "radicale_server",
    "radicale_session",
]

HOST = "127.0.0.1"
STARTUP_TIMEOUT = 15.0  # seconds for Radicale to answer on its port
STOP_TIMEOUT = 5.0  # seconds for Radicale to exit on SIGTERM before it is killed

#: The users of every Radicale started here, name -> password.
USERS: Mapping[str, str] = types.MappingProxyType({"alice": "alice-pw-1", "bob": "bob-pw-2"})

#: The collection both users can read and write (see ``RIGHTS``).
TEAM_FOLDER = "team"
TEAM_CALENDAR = "calendar"

#: Rights (Radicale ``from_file``): the first matching section wins. Upper case R/W are rights on
#: plain collections (the root, a user's principal folder, the team folder), lower case r/w on
#: calendars and address books. Each user owns everything under /<user>/; both users read and
#: write every calendar under /team/; nobody may create or delete the team folder itself.
RIGHTS = """\
[root]
user: .+
collection:
permissions: R

[principal]
user: .+
collection: {user}
permissions: RW

[own-collections]
user: .+
collection: {user}/[^/]+
permissions: rw

[team-folder]
user: alice|bob
collection: team
permissions: R

[team-calendars]
user: alice|bob
collection: team/[^/]+
permissions: rw
"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


# --------------------------------------------------------------------------------------------
# Radicale
# --------------------------------------------------------------------------------------------


def _require_radicale() -> None:
    """Skip the test (naming what is missing) unless Radicale and caldav can be imported."""
    if importlib.util.find_spec("radicale") is None:
        pytest.skip("radicale is not installed: pip install radicale")
    if importlib.util.find_spec("caldav") is None:
        pytest.skip("caldav is not installed: pip install caldav")


def _htpasswd_line(user: str, password: str) -> str:
    # SHA-512-crypt ($6$), which Radicale verifies with passlib (libpass), a dependency of
    # Radicale itself: no bcrypt/argon2 package needed. 1000 rounds (the minimum) keeps the
    # per-request password check cheap; this is a test server.
    from passlib.hash import sha512_crypt  # type: ignore[import-untyped]

    hashed: str = sha512_crypt.using(rounds=1000).hash(password)
    return f"{user}:{hashed}\n"


def _radicale_config(port: int, root: Path, storage: str = "") -> str:
    return f"""\
[server]
hosts = {HOST}:{port}
# Radicale's default; its server answers one request per connection (no keep-alive)
max_connections = 8
# 5xx answers are not delayed (Radicale's default waits 1 s)
delay_on_error = 0
timeout = 10

[auth]
type = htpasswd
htpasswd_filename = {root / "users"}
htpasswd_encryption = sha512
# a wrong password is answered at once (Radicale's default waits ~1 s)
delay = 0

[rights]
type = from_file
file = {root / "rights"}

[storage]
type = multifilesystem
filesystem_folder = {root / "collections"}
{storage}
[web]
type = none

[logging]
level = info
mask_passwords = True
"""


@dataclasses.dataclass
class _Process:
    """The mutable part of a RadicaleServer: the current child process."""

    popen: subprocess.Popen[bytes] | None = None


@dataclasses.dataclass(frozen=True)
class RadicaleServer:
    """A running Radicale 3 server (a subprocess) on 127.0.0.1.

    ``url`` is the server root ("http://127.0.0.1:PORT/"), ``calendar_url`` the shared team
    calendar both users can write, ``users`` name -> password, ``storage`` the folder holding
    the collections on disk (``storage / "collection-root"`` is Radicale's documented layout),
    ``log`` Radicale's log (its stderr, appended across restarts).
    """

    url: str
    calendar_url: str
    users: Mapping[str, str]
    storage: Path
    port: int
    config: Path
    log: Path
    _proc: _Process = dataclasses.field(repr=False, compare=False)

    @property
    def process(self) -> subprocess.Popen[bytes]:
        """The current Radicale process (a new one after every ``start()``)."""
        popen = self._proc.popen
        if popen is None:
            raise RuntimeError("Radicale was never started")
        return popen

    @property
    def running(self) -> bool:
        popen = self._proc.popen
        return popen is not None and popen.poll() is None

    def user_url(self, user: str) -> str:
        """The principal collection (home) of ``user``: http://127.0.0.1:PORT/alice/."""
        return f"{self.url}{user}/"

    def log_text(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def start(self) -> None:
        """Start Radicale (again) on the same port and storage; return once the port answers."""
        if self.running:
            return
        env = {k: v for k, v in os.environ.items() if not k.startswith("RADICALE_")}
        env["PYTHONUNBUFFERED"] = "1"
        with self.log.open("ab") as log:
            popen = subprocess.Popen(
                [sys.executable, "-m", "radicale", "--config", str(self.config)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
                cwd=self.config.parent,
            )
        self._proc.popen = popen
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if popen.poll() is not None:
                raise RuntimeError(
                    f"Radicale exited with status {popen.returncode} before answering on "
                    f"{HOST}:{self.port}; its log ({self.log}):\n{self._log_tail()}"
                )
            if _port_answers(self.port):
                return
            if time.monotonic() > deadline:
                self.stop(hard=True)
                raise RuntimeError(
                    f"Radicale did not answer on {HOST}:{self.port} within {STARTUP_TIMEOUT:.0f} "
                    f"s; its log ({self.log}):\n{self._log_tail()}"
                )
            time.sleep(0.05)

    def stop(self, *, hard: bool = False) -> None:
        """Stop Radicale: SIGTERM (or SIGKILL when ``hard``, a crash), then wait for it to go.

        Returns once the process is gone, so the port refuses connections. Never hangs: a
        process that ignores SIGTERM for ``STOP_TIMEOUT`` seconds is killed.
        """
        popen = self._proc.popen
        if popen is None or popen.poll() is not None:
            return
        if hard:
            popen.kill()
        else:
            popen.terminate()
        try:
            popen.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait(timeout=STOP_TIMEOUT)

    def make_calendar(self, name: str | None = None, *, owner: str | None = None) -> str:
        """Create a calendar and return its URL.

        By default a fresh shared calendar under /team/ (both users write it); with ``owner``
        one in that user's home, which only they can reach.
        """
        cal_id = name or f"cal-{uuid.uuid4().hex[:12]}"
        user = owner or "alice"
        parent = self.user_url(owner) if owner else f"{self.url}{TEAM_FOLDER}/"
        from caldav.collection import Calendar, CalendarSet

        with caldav_client(self, user) as client:
            home = CalendarSet(client=client, url=parent)
            calendar = home.make_calendar(name=cal_id, cal_id=cal_id)
            assert isinstance(calendar, Calendar)
        return f"{parent}{cal_id}/"

    def _log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:]) or "(empty)"


def caldav_client(
    server: RadicaleServer, user: str, *, password: str | None = None, timeout: int = 5
) -> DAVClient:
    """A caldav-library client logged in as ``user`` (its password unless ``password`` is given),
    for tests that play a third client (Thunderbird, a phone) against the same server.

    Use it as a context manager (``with caldav_client(server, "bob") as client:``) so its
    connections are closed.
    """
    from caldav.davclient import DAVClient

    return DAVClient(
        url=server.url,
        username=user,
        password=server.users[user] if password is None else password,
        timeout=timeout,
        auth_type="basic",
        features="radicale",
    )


def _launch_radicale(root: Path, *, storage: str = "") -> RadicaleServer:
    """Start a Radicale in *root*; *storage*: more lines for its [storage] section (the
    benchmark's ``use_mtime_and_size_for_item_cache = True``)."""
    _require_radicale()
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    (root / "users").write_text(
        "".join(_htpasswd_line(u, p) for u, p in USERS.items()), encoding="utf-8"
    )
    (root / "rights").write_text(RIGHTS, encoding="utf-8")
    config = root / "radicale.conf"
    config.write_text(_radicale_config(port, root, storage), encoding="utf-8")
    collections = root / "collections"
    # The team folder is a plain collection (a bare folder in Radicale's storage layout); the
    # rights give nobody W on it, so it is made here rather than by MKCOL.
    (collections / "collection-root" / TEAM_FOLDER).mkdir(parents=True)
    url = f"http://{HOST}:{port}/"
    server = RadicaleServer(
        url=url,
        calendar_url=f"{url}{TEAM_FOLDER}/{TEAM_CALENDAR}/",
        users=USERS,
        storage=collections,
        port=port,
        config=config,
        log=root / "radicale.log",
        _proc=_Process(),
    )
    try:
        server.start()
        server.make_calendar(TEAM_CALENDAR)
    except BaseException:
        server.stop(hard=True)
        raise
    return server


@pytest.fixture
def radicale_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RadicaleServer]:
    """A real Radicale 3 (``python -m radicale``) for this test alone, on 127.0.0.1:<free port>.

    Config (see ``_radicale_config``): htpasswd auth with SHA-512-crypt hashes for ``alice`` and
    ``bob`` (``server.users``); multifilesystem storage in a temp folder (``server.storage``);
    rights ``from_file`` (``RIGHTS``): each user owns /<user>/ and the calendars in it, and both
    read and write every calendar under /team/. ``server.calendar_url`` is /team/calendar/, the
    one shared calendar two teammates sync; it is reached by URL, not by discovery (it is in
    neither user's calendar home). Why not rights type ``owner_write``: it lets everyone *read*
    everything but write only their own collections, so no calendar could be written by both.

    ``server.stop()`` / ``server.start()`` stop and restart it on the same port and storage
    ("server went away mid-sync"); teardown stops it, killing it if it does not exit in 5 s.
    """
    server = _launch_radicale(tmp_path_factory.mktemp("radicale"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def radicale_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RadicaleServer]:
    """One Radicale shared by the whole session (configured as ``radicale_server``).

    Tests using it must not stop it nor rely on ``calendar_url`` being empty: take a fresh
    calendar with ``radicale_session.make_calendar()`` (a shared one under /team/) instead.
    """
    server = _launch_radicale(tmp_path_factory.mktemp("radicale-session"))
    try:
        yield server
    finally:
        server.stop()


# --------------------------------------------------------------------------------------------
# ICS feed server
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RecordedRequest:
    """One request the feed server answered (or dropped). It is recorded just before the answer
    is written, so a test sees it as soon as its client has the response."""

    method: str
    path: str  # the URL path, without the query
    query: str
    headers: Mapping[str, str]  # header names in lower case
    status: int
    body_bytes: int  # bytes of body actually sent
    dropped: bool = False  # the connection was cut mid-body


@dataclasses.dataclass(frozen=True)
class _Resource:
    body: bytes
    content_type: str
    etag: str
    last_modified: datetime


@dataclasses.dataclass
class _Fault:
    kind: Literal["status", "drop"]
    status: int = 0
    body: bytes = b""
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    after: float = 0.5  # for "drop": the fraction of the body sent before the cut
    remaining: int | None = None  # requests left to fault; None = until cleared


def _http_date(moment: datetime) -> str:
    return email.utils.format_datetime(moment.astimezone(UTC), usegmt=True)


def _etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/ prefixes are ignored."""
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in header.split(","))


def _not_modified_since(header: str, last_modified: datetime) -> bool:
    try:
        since = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False  # an unparsable date is ignored (RFC 9110 13.1.3)
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return last_modified <= since


class _FeedHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    feed: FeedServer

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hung up (a timeout test) is expected; anything else is printed.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class _FeedHandler(http.server.BaseHTTPRequestHandler):
    server: _FeedHTTPServer
    protocol_version = "HTTP/1.1"  # keep-alive, like real feed hosts
    timeout = 10  # an idle keep-alive connection is closed after this many seconds

    def setup(self) -> None:
        super().setup()
        self.server.feed._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.feed._track(self.connection, add=False)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the request log is FeedServer.requests

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _other(self) -> None:
        self._send(405, b"method not allowed\n", {"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _other

    def _answer(self, *, head: bool) -> None:
        feed = self.server.feed
        path = urlsplit(self.path).path
        resource, fault, delay = feed._lookup(path)
        if delay and feed._closing.wait(delay):
            self.close_connection = True
            return  # shutting down
        if fault is not None and fault.kind == "status":
            headers = dict(fault.headers)
            if fault.status == 401:
                headers.setdefault("WWW-Authenticate", 'Basic realm="feed"')
            self._send(fault.status, fault.body, headers, head=head)
            return
        if resource is None:
            self._send(404, b"no such feed\n", {}, head=head)
            return
        validators = {
            "ETag": resource.etag,
            "Last-Modified": _http_date(resource.last_modified),
            "Cache-Control": "no-cache",
        }
        if_none_match = self.headers.get("If-None-Match")
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_none_match is not None:
            not_modified = _etag_matches(if_none_match, resource.etag)
        elif if_modified_since is not None:
            not_modified = _not_modified_since(if_modified_since, resource.last_modified)
        else:
            not_modified = False
        if not_modified:
            self._send(304, b"", validators, head=True)
            return
        headers = {"Content-Type": resource.content_type, **validators}
        if fault is not None and fault.kind == "drop" and not head:
            self._drop(resource.body, headers, fault.after)
            return
        self._send(200, resource.body, headers, head=head)

    def _send(
        self, status: int, body: bytes, headers: Mapping[str, str], *, head: bool = False
    ) -> None:
        with_body = not head and status != 304
        self._record(status, len(body) if with_body else 0)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def _drop(self, body: bytes, headers: Mapping[str, str], after: float) -> None:
        cut = max(0, min(len(body) - 1, int(len(body) * after)))
        self._record(200, cut, dropped=True)
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[:cut])
        self.wfile.flush()
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _record(self, status: int, sent: int, *, dropped: bool = False) -> None:
        split = urlsplit(self.path)
        self.server.feed._record(
            RecordedRequest(
                method=self.command,
                path=split.path,
                query=split.query,
                headers={k.lower(): v for k, v in self.headers.items()},
                status=status,
                body_bytes=sent,
                dropped=dropped,
            )
        )


class FeedServer:
    """A real HTTP server on 127.0.0.1 serving ICS feeds, in a background thread.

    ``set(path, body)`` publishes (or replaces) a feed; each answer carries a strong ``ETag``
    (a hash of the body) and ``Last-Modified``; ``If-None-Match`` (checked first, weak
    comparison as RFC 9110 wants for GET) and ``If-Modified-Since`` are answered with 304 and no
    body. Every request is kept in ``requests``. Faults: ``fail()`` (a status such as 500 or
    401), ``delay()`` (sleep before answering) and ``drop()`` (cut the connection mid-body).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._resources: dict[str, _Resource] = {}
        self._faults: dict[str, _Fault] = {}
        self._delays: dict[str, float] = {}
        self._requests: list[RecordedRequest] = []
        self._connections: set[socket.socket] = set()
        self._closing = threading.Event()
        self._httpd = _FeedHTTPServer((HOST, 0), _FeedHandler)
        self._httpd.feed = self
        self.port: int = self._httpd.server_address[1]
        self.url = f"http://{HOST}:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"feed-server-{self.port}",
            daemon=True,
        )
        self._thread.start()

    # -- publishing ---------------------------------------------------------------------------

    def url_for(self, path: str) -> str:
        return f"{self.url}{path}"

    def set(
        self,
        path: str,
        body: bytes,
        *,
        content_type: str = "text/calendar; charset=utf-8",
        last_modified: datetime | None = None,
    ) -> str:
        """Serve ``body`` at ``path`` from the next request on; return its URL.

        Setting the same bytes again changes nothing (same ETag and Last-Modified). New bytes get
        a new ETag and a Last-Modified later than the previous one, even within the same
        second (HTTP dates have one-second resolution), so If-Modified-Since sees the change.
        """
        if not path.startswith("/"):
            raise ValueError(f"a feed path starts with '/': {path!r}")
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        with self._lock:
            old = self._resources.get(path)
            if old is not None and old.etag == etag and last_modified is None:
                return self.url_for(path)
            if last_modified is None:
                moment = datetime.now(UTC).replace(microsecond=0)
                if old is not None and moment <= old.last_modified:
                    moment = old.last_modified + timedelta(seconds=1)
            else:
                moment = last_modified.astimezone(UTC).replace(microsecond=0)
            self._resources[path] = _Resource(body, content_type, etag, moment)
        return self.url_for(path)

    def remove(self, path: str) -> None:
        """Stop serving ``path`` (404 from then on)."""
        with self._lock:
            self._resources.pop(path, None)

    def etag(self, path: str) -> str:
        with self._lock:
            return self._resources[path].etag

    # -- faults -------------------------------------------------------------------------------

    def fail(
        self,
        path: str,
        status: int,
        *,
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
        times: int | None = None,
    ) -> None:
        """Answer ``path`` with ``status`` (a 401 carries ``WWW-Authenticate: Basic``) for the
        next ``times`` requests, or until ``heal()`` when ``times`` is None."""
        fault = _Fault("status", status=status, body=body, headers=dict(headers or {}))
        fault.remaining = times
        with self._lock:
            self._faults[path] = fault

    def drop(self, path: str, *, after: float = 0.5, times: int | None = None) -> None:
        """Send the headers (with the full Content-Length) and the first ``after`` fraction of
        the body, then close the connection: the client sees a truncated body."""
        with self._lock:
            self._faults[path] = _Fault("drop", after=after, remaining=times)

    def delay(self, path: str, seconds: float) -> None:
        """Wait ``seconds`` before answering ``path`` (for client timeouts); 0 to undo."""
        with self._lock:
            if seconds > 0:
                self._delays[path] = seconds
            else:
                self._delays.pop(path, None)

    def heal(self, path: str | None = None) -> None:
        """Clear faults and delays on ``path``, or on every path."""
        with self._lock:
            if path is None:
                self._faults.clear()
                self._delays.clear()
            else:
                self._faults.pop(path, None)
                self._delays.pop(path, None)

    # -- the request log ----------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """The requests answered so far, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    def requests_for(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == path]

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    # -- life cycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Stop serving: wake delayed handlers, cut open connections, close the socket."""
        self._closing.set()
        self._httpd.shutdown()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FeedServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- used by the handler ------------------------------------------------------------------

    def _lookup(self, path: str) -> tuple[_Resource | None, _Fault | None, float]:
        with self._lock:
            fault = self._faults.get(path)
            if fault is not None and fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    del self._faults[path]
            return self._resources.get(path), fault, self._delays.get(path, 0.0)

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A real HTTP server on 127.0.0.1:<free port> serving ICS feeds (see ``FeedServer``)."""
    with FeedServer() as feed:
        yield feed


# --------------------------------------------------------------------------------------------
# Sync test helpers: teammates (stores driven through the CLI) and what a server holds
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Teammate:
    """One analyst's store, driven through the summits CLI in this process (``invoke``)."""

    name: str  # a server user (alice, bob)
    store: Path
    invoke: Callable[..., Any]

    def run(self, *args: str) -> Any:
        """``summits --store STORE *args`` -> a CliRunner result."""
        return self.invoke("--store", str(self.store), *args)

    def join(self, url: str, remote: str = "team", *, password_env: str | None = None) -> None:
        """``remote add`` the calendar at *url* with this user's password variable."""
        variable = password_env or f"PW_{self.name.upper()}"
        result = self.run(
            "remote", "add", remote, url, "--user", self.name, "--password-env", variable
        )
        assert result.exit_code == 0, (result.stdout, result.stderr)

    def sync(self, *args: str, code: int = 0) -> Any:
        result = self.run("sync", *args)
        assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        return result

    def events(self) -> dict[str, dict[str, Any]]:
        """Every event of the store, id -> its stored keys."""
        from summit_cli import store as stores

        if not self.store.exists():
            return {}
        current = stores.read_store(stores.Location(self.store))
        return {e.id: e.to_stored() for e in current.events}


def calendar_objects(server: RadicaleServer, url: str, user: str = "alice") -> dict[str, str]:
    """What the calendar at *url* holds, read with the caldav library: UID -> the object's
    text (exactly as the server stores it)."""
    from caldav.collection import Calendar
    from icalendar import Calendar as ICalendar

    found: dict[str, str] = {}
    with caldav_client(server, user) as client:
        result: Any = Calendar(client=client, url=url).get_objects_by_sync_token(
            None, load_objects=True, disable_fallback=True
        )
        for obj in result:
            raw = obj.raw_data
            text = raw.decode("utf-8") if isinstance(raw, bytes) else str(obj.data)
            uids = {str(c["UID"]) for c in ICalendar.from_ical(text).walk("VEVENT")}
            assert len(uids) == 1, text
            uid = uids.pop()
            assert uid not in found, f"two objects hold the UID {uid}"
            found[uid] = text
    return found


@pytest.fixture
def passwords(monkeypatch: pytest.MonkeyPatch) -> Mapping[str, str]:
    """PW_ALICE and PW_BOB set to the users' passwords (what ``Teammate.join`` names)."""
    for user, password in USERS.items():
        monkeypatch.setenv(f"PW_{user.upper()}", password)
    return USERS
