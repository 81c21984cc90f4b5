"""What a remote is: a CalDAV calendar (two-way) or an ICS feed (read-only), its URL, and
where its password comes from (an environment variable or a command; never the password
itself). Pure: plain data in, checked values out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from summit_cli.errors import InvalidData, InvalidInput, NotFound, Problem

NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}\Z")
ENV_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}\Z")
MAX_URL = 2000
VERSION = 1


class Kind(StrEnum):
    CALDAV = "caldav"
    FEED = "feed"


@dataclass(frozen=True)
class Remote:
    """One remote of a store."""

    name: str
    kind: Kind
    url: str  # a CalDAV calendar collection (ends with /), an http(s) feed, or a file URL
    user: str | None = None
    password_env: str | None = None  # the environment variable holding the password
    password_command: str | None = None  # a command printing it (pass, secret-tool...)

    @property
    def credentials(self) -> str:
        """Where the password comes from, for people (never the password)."""
        if self.password_env:
            return f"env:{self.password_env}"
        if self.password_command:
            return f"command:{self.password_command}"
        return "none"

    def to_plain(self) -> dict[str, Any]:
        plain = {
            "name": self.name,
            "kind": self.kind.value,
            "url": self.url,
            "user": self.user,
            "password_env": self.password_env,
            "password_command": self.password_command,
        }
        return {k: v for k, v in plain.items() if v is not None}


def check_name(name: str) -> str:
    if not NAME_RE.match(name):
        raise InvalidInput(
            f"remote name {name!r} must be a short slug: lower-case letters, digits, '-' or "
            "'_', at most 40 characters (e.g. team, osce-feed)"
        )
    return name


def _no_secrets(url: str) -> None:
    parts = urlsplit(url)
    if parts.password is not None or parts.username is not None:
        raise InvalidInput(
            "the URL carries a user name or password; give --user USER and --password-env VAR "
            "(or --password-cmd) instead, so no password is stored in plain text"
        )


def check_url(url: str, kind: Kind) -> str:
    """The URL as stored: a CalDAV calendar ends with '/'; a feed is http(s) or file."""
    url = url.strip()
    if not url or len(url) > MAX_URL or any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        raise InvalidInput(
            f"{url!r} is not a URL (no spaces or control characters, at most {MAX_URL})"
        )
    scheme = urlsplit(url).scheme.lower()
    if kind is Kind.CALDAV:
        if scheme not in {"http", "https"} or not urlsplit(url).hostname:
            raise InvalidInput(
                f"{url!r}: a CalDAV calendar is an http(s) URL, e.g. "
                "https://cloud.example.org/remote.php/dav/calendars/bob/team/"
            )
        _no_secrets(url)
        return url if url.endswith("/") else url + "/"
    if scheme in {"http", "https"}:
        if not urlsplit(url).hostname:
            raise InvalidInput(f"{url!r}: the URL names no host")
        _no_secrets(url)
        return url
    if scheme == "file":
        if urlsplit(url).netloc not in {"", "localhost"}:
            raise InvalidInput(f"{url!r}: a file URL names a file on this machine (file:///...)")
        return url
    raise InvalidInput(
        f"{url!r}: a feed is an http(s) URL, a file:// URL or a file path (for a two-way "
        "CalDAV calendar, leave out --feed)"
    )


def make_remote(
    name: str,
    url: str,
    *,
    feed: bool,
    user: str | None,
    password_env: str | None,
    password_command: str | None,
) -> Remote:
    """A new remote from the options of ``remote add`` (InvalidInput naming the mistake)."""
    kind = Kind.FEED if feed else Kind.CALDAV
    if password_env is not None and password_command is not None:
        raise InvalidInput("give --password-env or --password-cmd, not both")
    if password_env is not None and not ENV_RE.match(password_env):
        raise InvalidInput(
            f"--password-env {password_env!r} must name an environment variable (e.g. TEAM_PW), "
            "not hold the password"
        )
    if password_command is not None and not password_command.strip():
        raise InvalidInput("--password-cmd must not be empty")
    if user is not None and (not user or any(ord(c) < 0x20 or c == ":" for c in user)):
        raise InvalidInput(f"--user {user!r}: a user name has no ':' or control characters")
    checked = check_url(url, kind)
    if kind is Kind.FEED and urlsplit(checked).scheme == "file" and (user or password_env):
        raise InvalidInput("a file feed takes no --user or password")
    if (password_env or password_command) and not user:
        raise InvalidInput("a password needs --user USER")
    return Remote(check_name(name), kind, checked, user, password_env, password_command)


def remotes_from_plain(value: Any, source: str) -> list[Remote]:
    """The remotes in a parsed ``remotes.json`` (InvalidData naming what is wrong)."""
    if value is None:
        return []
    problems: list[Problem] = []
    items = value.get("remotes") if isinstance(value, Mapping) else None
    if not isinstance(items, list):
        raise InvalidData(source, [Problem("", "expected an object with a list 'remotes'")])
    found: list[Remote] = []
    for index, item in enumerate(items):
        where = f"remotes[{index}]"
        try:
            found.append(_remote_from_plain(item))
        except (InvalidInput, KeyError, TypeError, ValueError) as exc:
            problems.append(Problem(where, str(exc) or type(exc).__name__))
    names = [r.name for r in found]
    for name in {n for n in names if names.count(n) > 1}:
        problems.append(Problem("remotes", f"the name {name!r} appears twice"))
    if problems:
        raise InvalidData(source, problems)
    return found


def _remote_from_plain(item: Any) -> Remote:
    if not isinstance(item, Mapping):
        raise InvalidInput("a remote must be an object")
    unknown = set(item) - {"name", "kind", "url", "user", "password_env", "password_command"}
    if unknown:
        raise InvalidInput(f"unknown keys: {', '.join(sorted(map(str, unknown)))}")
    for key in item:
        if item[key] is not None and not isinstance(item[key], str):
            raise InvalidInput(f"{key} must be text")
    kind = Kind(item["kind"])
    return make_remote(
        item["name"],
        item["url"],
        feed=kind is Kind.FEED,
        user=item.get("user"),
        password_env=item.get("password_env"),
        password_command=item.get("password_command"),
    )


def remotes_to_plain(remotes: Sequence[Remote]) -> dict[str, Any]:
    return {"version": VERSION, "remotes": [r.to_plain() for r in remotes]}


def pick(remotes: Sequence[Remote], names: Sequence[str]) -> list[Remote]:
    """The remotes named (all of them when none is), NotFound naming an unknown one."""
    if not remotes:
        raise NotFound(
            "this store has no remotes; add one with: summits remote add NAME URL "
            "[--user USER --password-env VAR] [--feed]"
        )
    if not names:
        return list(remotes)
    by_name = {r.name: r for r in remotes}
    for name in names:
        if name not in by_name:
            raise NotFound(
                f"no remote named {name!r} (this store has: {', '.join(by_name)}; see: summits "
                "remote list)"
            )
    return [by_name[n] for n in dict.fromkeys(names)]
