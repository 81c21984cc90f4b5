"""Fetching an ICS feed: an http(s) URL with a conditional GET (``If-None-Match`` with the
ETag of the last fetch, ``If-Modified-Since`` with its Last-Modified), or a file (its
digest says whether it changed). Everything read is capped in size; a body cut short is
an error, never a feed with fewer events (which would remove events from the store).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from summit_cli.errors import NotFound, RemoteAuthFailed, RemoteError, RemoteUnreachable

MAX_FEED_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Fetched:
    """A feed's body (None: not modified since the validators given), and its validators."""

    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None


def file_path(url: str) -> Path | None:
    """The file a feed URL names (file:// or a plain path), None for http(s)."""
    parts = urlsplit(url)
    if parts.scheme.lower() in {"http", "https"}:
        return None
    if parts.scheme.lower() == "file":
        return Path(unquote(parts.path))
    return Path(url)


def fetch(
    name: str,
    url: str,
    *,
    etag: str | None,
    last_modified: str | None,
    user: str | None,
    password: str | None,
    timeout: float,
) -> Fetched:
    """The feed at *url*, or ``Fetched(None)`` when it has not changed."""
    path = file_path(url)
    if path is not None:
        from summit_cli.store import fs

        try:
            data, _ = fs.read_regular(path, MAX_FEED_BYTES, what="the feed")
        except NotFound:
            raise NotFound(f"{name}: the feed file {path} does not exist") from None
        digest = fs.digest(data)
        return Fetched(None if digest == etag else data, digest)
    headers = _headers(etag, last_modified, user, password)
    return _http(f"{name}: {url}", url, headers, timeout, Fetched(None, etag, last_modified))


def _headers(
    etag: str | None, last_modified: str | None, user: str | None, password: str | None
) -> dict[str, str]:
    """A GET's headers: the conditional ones from the last fetch's validators, and the
    credentials (Basic)."""
    import base64

    from summit_cli import __version__

    headers = {"User-Agent": f"summits/{__version__}", "Accept": "text/calendar, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    if user is not None:
        token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    return headers


def _http(
    where: str, url: str, headers: dict[str, str], timeout: float, unchanged: Fetched
) -> Fetched:
    """The feed, or *unchanged* when the host answers 304 (not modified)."""
    import http.client
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers=headers, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = _body(where, response)
            return Fetched(
                body, response.headers.get("ETag"), response.headers.get("Last-Modified")
            )
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return unchanged
        if exc.code in {401, 403}:
            raise RemoteAuthFailed(
                f"{where}: the feed host refused access ({exc.code}); check --user and the password"
            ) from None
        if exc.code in {404, 410}:
            raise NotFound(f"{where}: no feed there ({exc.code}); check the URL") from None
        if exc.code >= 500 or exc.code == 429:
            raise RemoteUnreachable(
                f"{where}: the feed host failed ({exc.code}); sync again later"
            ) from None
        raise RemoteError(f"{where}: the feed host answered {exc.code}") from None
    except urllib.error.URLError as exc:
        raise RemoteUnreachable(f"{where}: no answer from the feed host ({exc.reason})") from None
    except http.client.IncompleteRead as exc:
        raise RemoteUnreachable(
            f"{where}: the connection was cut after {len(exc.partial)} bytes of the feed; "
            "nothing was changed, sync again"
        ) from None
    except TimeoutError:
        raise RemoteUnreachable(
            f"{where}: no answer from the feed host within {timeout:g} s (SUMMITS_SYNC_TIMEOUT)"
        ) from None
    except (http.client.HTTPException, OSError) as exc:
        raise RemoteUnreachable(
            f"{where}: the feed could not be read ({type(exc).__name__}: {str(exc)[:200]})"
        ) from None


def _body(where: str, response: Any) -> bytes:
    """The whole body, or an error: too big, or shorter than the Content-Length said (a
    connection cut mid-body reads short rather than failing)."""
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = response.read(1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > MAX_FEED_BYTES:
            raise RemoteError(f"{where}: the feed is larger than {MAX_FEED_BYTES} bytes")
    length = response.headers.get("Content-Length")
    if length is not None and length.strip().isdigit() and int(length) != total:
        raise RemoteUnreachable(
            f"{where}: the connection was cut after {total} of {int(length)} bytes of the feed; "
            "nothing was changed, sync again"
        )
    return b"".join(chunks)


def check_complete(where: str, text: str) -> None:
    """A calendar that does not end with END:VCALENDAR was cut short somewhere: taking it
    would remove from the store every event it lost."""
    if not text.rstrip().upper().endswith("END:VCALENDAR"):
        raise RemoteError(
            f"{where}: the feed does not end with END:VCALENDAR (cut short?); nothing was "
            "changed, sync again"
        )
