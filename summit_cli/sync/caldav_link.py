"""The talk with a CalDAV server, through the ``caldav`` library (imported here only).

What changed since a sync token (RFC 6578 sync-collection: only the names and ETags of
what changed), the objects themselves in batches (calendar-multiget), and conditional
writes: a new object is PUT with ``If-None-Match: *`` and a replacement or a deletion
with ``If-Match: <the ETag we know>``, so nothing another client wrote in the meantime is
ever overwritten (that answer is :class:`Precondition`, and the next round reads it).

Every failure of the server or the network becomes a domain error naming the remote:
RemoteAuthFailed (401/403), NotFound (no calendar there), RemoteUnreachable (no answer,
a server error, a connection cut), RemoteError (an answer that is not CalDAV).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from summit_cli.errors import NotFound, RemoteAuthFailed, RemoteError, RemoteUnreachable

FETCH_BATCH = 100  # objects per calendar-multiget REPORT
ICS = "text/calendar; charset=utf-8"


class Precondition(Exception):
    """The object is not as we last saw it (412): someone else wrote it meanwhile."""


@dataclass
class Listing:
    """What the server says changed: object names with their ETags, removed names, and the
    token for next time. ``complete``: *items* is every object of the calendar."""

    token: str | None
    complete: bool
    items: dict[str, str | None] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)


def _status(exc: Any) -> int:
    try:
        return int(getattr(exc, "status", 0) or 0)
    except (TypeError, ValueError):
        return 0


class Link:
    """A logged-in connection to one calendar collection."""

    def __init__(
        self, name: str, url: str, user: str | None, password: str | None, timeout: float
    ) -> None:
        try:
            from caldav.collection import Calendar
            from caldav.davclient import DAVClient
        except ImportError:
            raise RemoteError(
                f"{name}: syncing a CalDAV calendar needs the caldav package, which is not "
                "installed (pip install caldav); feeds need nothing more"
            ) from None

        self.name = name
        self.url = url
        self._base = unquote(urlsplit(url).path)
        self._origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        self.requests = 0
        with self.errors("connect"):
            self.client = DAVClient(
                url=url,
                username=user,
                password=password,
                timeout=max(1, round(timeout)),
                enable_rfc6764=False,
            )
            self.calendar = Calendar(client=self.client, url=url)

    def close(self) -> None:
        import contextlib

        with contextlib.suppress(Exception):
            self.client.close()

    # -- names --------------------------------------------------------------------------

    def name_of(self, url: Any) -> str:
        """An object's name: its file name inside the collection (else its whole path)."""
        path = unquote(urlsplit(str(url)).path)
        if path.startswith(self._base):
            rest = path[len(self._base) :]
            if rest and "/" not in rest:
                return rest
        return path

    def url_of(self, name: str) -> str:
        if name.startswith("/"):
            return self._origin + quote(name, safe="/@:+,;=")
        return self.url + quote(name, safe="@:+,;=")

    # -- errors -------------------------------------------------------------------------

    @contextmanager
    def errors(self, doing: str) -> Iterator[None]:
        """Turn what the library and the network raise into domain errors naming the remote."""
        from caldav.lib import error

        where = f"{self.name}: {self.url}"
        try:
            yield
        except error.AuthorizationError as exc:
            if _status(exc) == 403:
                raise RemoteAuthFailed(
                    f"{where}: the server does not allow this user to {doing} (403 Forbidden)"
                ) from None
            raise RemoteAuthFailed(
                f"{where}: the server refused the user name or password (401 Unauthorized)"
            ) from None
        except error.NotFoundError:
            raise NotFound(f"{where}: no calendar there (404 Not Found); check the URL") from None
        except error.RateLimitError:
            raise RemoteUnreachable(
                f"{where}: the server asks to slow down (rate limited); sync again later"
            ) from None
        except error.DAVError as exc:
            status = _status(exc)
            if status >= 500:
                raise RemoteUnreachable(
                    f"{where}: server error ({status}) while trying to {doing}; sync again later"
                ) from None
            raise RemoteError(
                f"{where}: could not {doing}: {str(exc).strip()[:300] or type(exc).__name__}"
            ) from None
        except OSError as exc:  # niquests' ConnectionError and Timeout are OSErrors
            raise RemoteUnreachable(
                f"{where}: no answer from the server while trying to {doing} "
                f"({type(exc).__name__}: {str(exc)[:200]})"
            ) from None
        except ValueError as exc:  # an answer that is not WebDAV XML (an HTML page...)
            raise RemoteError(
                f"{where}: the answer is not CalDAV while trying to {doing} ({str(exc)[:200]}); "
                "is this the URL of a calendar collection?"
            ) from None

    # -- reading ------------------------------------------------------------------------

    def changes(self, token: str | None) -> Listing:
        """What changed since *token* (everything when None or when the server forgot it)."""
        from caldav.elements import dav
        from caldav.lib import error

        if token is not None and token.startswith("fake-"):  # a server without sync-collection
            with self.errors("list the calendar"):
                return self._fallback(token)
        if token is not None:
            with self.errors("list what changed"):
                try:
                    return self._sync(token)
                except error.AuthorizationError as exc:
                    if dav.ValidSyncToken.tag not in exc.preconditions:
                        raise
            token = None  # the server forgot the token: list everything
        with self.errors("list the calendar"):
            try:
                return self._sync(None)
            except error.ReportError:  # no sync-collection here: caldav lists it all
                return self._fallback(None)

    def _sync(self, token: str | None) -> Listing:
        from caldav.elements import dav

        self.requests += 1
        result: Any = self.calendar.get_objects_by_sync_token(
            token, load_objects=False, disable_fallback=True
        )
        deleted = {self.name_of(u) for u in result.deleted_urls}
        items = {
            self.name_of(obj.url): obj.props.get(dav.GetEtag.tag)
            for obj in result
            if self.name_of(obj.url) not in deleted
        }
        complete = token is None and not result.truncated
        return Listing(result.sync_token, complete, items, deleted)

    def _fallback(self, token: str | None) -> Listing:
        from caldav.elements import dav

        self.requests += 1
        result: Any = self.calendar.get_objects_by_sync_token(token, load_objects=False)
        if token is not None and result.sync_token == token and not len(result):
            return Listing(token, False)  # nothing changed since the last full listing
        items = {self.name_of(obj.url): obj.props.get(dav.GetEtag.tag) for obj in result}
        return Listing(result.sync_token, True, items)

    def fetch(self, names: Sequence[str]) -> dict[str, tuple[str | None, str]]:
        """The named objects (name -> (ETag, text)); a name missing from the answer is gone."""
        from caldav.elements import dav
        from caldav.lib.url import URL

        found: dict[str, tuple[str | None, str]] = {}
        for start in range(0, len(names), FETCH_BATCH):
            chunk = [URL.objectify(self.url_of(n)) for n in names[start : start + FETCH_BATCH]]
            self.requests += 1
            with self.errors("read events"):
                objects: Any = self.calendar.multiget(chunk)
            for obj in objects:
                raw = obj.raw_data
                text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(obj.data)
                found[self.name_of(obj.url)] = (obj.props.get(dav.GetEtag.tag), text)
        return found

    # -- writing ------------------------------------------------------------------------

    def _put(self, name: str, data: bytes, condition: dict[str, str], doing: str) -> str | None:
        from caldav.lib.python_utilities import WireBytes

        body: Any = WireBytes(data)  # sent as it is (the library's type says str)
        self.requests += 1
        with self.errors(doing):
            response: Any = self.client.put(
                self.url_of(name), body, {**condition, "Content-Type": ICS}
            )
        self._answered(response, name, {200, 201, 204}, f"trying to {doing}", f"{doing} {name}")
        etag = response.headers.get("ETag")
        return str(etag) if etag and not str(etag).startswith("W/") else None

    def create(self, name: str, data: bytes) -> str | None:
        """PUT a new object (never over an existing one); its ETag if the server says it."""
        return self._put(name, data, {"If-None-Match": "*"}, "add an event")

    def replace(self, name: str, data: bytes, etag: str | None) -> str | None:
        """PUT over the version with *etag* (Precondition if it is not that version)."""
        condition = {"If-Match": etag} if etag else {}
        return self._put(name, data, condition, "change an event")

    def delete(self, name: str, etag: str | None) -> None:
        """DELETE the version with *etag*; an object already gone is fine."""
        self.requests += 1
        condition = {"If-Match": etag} if etag else {}
        with self.errors("delete an event"):
            response: Any = self.client.delete(self.url_of(name), condition)
        self._answered(response, name, {200, 204, 404}, "deleting an event", f"delete {name}")

    def _answered(self, response: Any, name: str, ok: set[int], during: str, refused: str) -> None:
        """Nothing when a write's answer is one of *ok*; else the error it means."""
        status = int(response.status)
        if status == 412:
            raise Precondition(name)
        if status >= 500:
            raise RemoteUnreachable(
                f"{self.name}: server error ({status}) while {during}; sync again later"
            )
        if status not in ok:
            raise RemoteError(f"{self.name}: the server refused to {refused} ({status})")


def open_link(name: str, url: str, user: str | None, password: str | None, timeout: float) -> Link:
    return Link(name, url, user, password, timeout)
