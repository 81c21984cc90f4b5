"""Domain exceptions.

They are nouns and carry no exit codes: the command-line layer (``cli.errors``)
is the one place that turns them into a message and an exit status.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from summit_cli.lighttuple import NamedTuple


class SummitsError(Exception):
    """Base of every error that is the user's or the data's, not a bug."""

    @property
    def message(self) -> str:
        return str(self)


class NotFound(SummitsError):
    """A named thing (event id, format key) does not exist."""


class InvalidInput(SummitsError):
    """A value the user typed cannot be used (bad date, unknown zone, unknown key)."""


class Problem(NamedTuple):
    """One validation problem, with where it is."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}" if self.where else self.what


class InvalidData(SummitsError):
    """Data (a store, an event to add) breaks the store format's rules."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{source}: " if source else ""
        if count == 1:
            text = f"{head}{self.problems[0]}"
        else:
            text = f"{head}{count} problems: " + "; ".join(str(p) for p in self.problems)
        super().__init__(text)


class StoreBusy(SummitsError):
    """Another process holds the store's lock; retrying later will work."""


class StoreChanged(SummitsError):
    """The store was changed by someone else between our read and our write."""


class StoreIOError(SummitsError):
    """The file system refused (permission, full disk, read-only folder...)."""


class ExecFailed(SummitsError):
    """A command run for an event (``remind --exec``) failed, timed out or could not start."""


class RemoteError(SummitsError):
    """A remote (a CalDAV calendar, an ICS feed) could not be synced."""


class RemoteUnreachable(RemoteError):
    """The server did not answer, went away mid-sync, or answered with a server error."""


class RemoteAuthFailed(RemoteError):
    """The server refused the credentials, or no credentials could be had."""


class ReadOnlyEvent(InvalidInput):
    """The event comes from a read-only feed: the next sync would undo any change to it."""
