"""The one place where errors become messages and exit codes.

Exit codes (the same for every command; documented in the README):

====  ==============================================================
 0    success (also: a listing that matched nothing)
 1    no result where one was demanded (``show`` of a missing id)
 2    usage: unknown option, bad option value (date, zone, format key)
 3    invalid data: the store is malformed, or the change would make it so
 4    store busy or changed on disk by another program: retry
 5    permission or I/O error (read-only folder, full disk...)
 70   internal error (a bug: please report it, with SUMMITS_DEBUG=1 output)
 130  interrupted (Ctrl-C)
====  ==============================================================
"""

from __future__ import annotations

import os
import sys
from enum import IntEnum

from summit_cli import errors


class ExitCode(IntEnum):
    OK = 0
    NOT_FOUND = 1
    USAGE = 2
    INVALID_DATA = 3
    BUSY = 4
    IO_ERROR = 5
    INTERNAL = 70
    INTERRUPTED = 130


_CODES: list[tuple[type[errors.SummitsError], ExitCode]] = [
    (errors.NotFound, ExitCode.NOT_FOUND),
    (errors.InvalidInput, ExitCode.USAGE),
    (errors.InvalidData, ExitCode.INVALID_DATA),
    (errors.StoreBusy, ExitCode.BUSY),
    (errors.StoreChanged, ExitCode.BUSY),
    (errors.StoreIOError, ExitCode.IO_ERROR),
]


def exit_code_for(exc: errors.SummitsError) -> ExitCode:
    for kind, code in _CODES:
        if isinstance(exc, kind):
            return code
    return ExitCode.INTERNAL


def error_lines(exc: errors.SummitsError) -> list[str]:
    """The message for *exc*: one line, or a head line plus one line per problem."""
    from summit_cli.safetext import visible

    if isinstance(exc, errors.InvalidData) and len(exc.problems) > 1:
        head = f"{exc.source}: " if exc.source else ""
        return [f"{head}{len(exc.problems)} problems:"] + [
            f"  {visible(str(p))}" for p in exc.problems
        ]
    return [visible(exc.message)]


def say(text: str, *, kind: str = "") -> None:
    """A message for people, on stderr (never mixed with data on stdout)."""
    prefix = f"summits: {kind}: " if kind else "summits: "
    sys.stderr.write(prefix + text + "\n")
    sys.stderr.flush()


def report(exc: BaseException) -> int:
    """Tell the user what went wrong (stderr) and return the exit code for it.

    The single funnel from exceptions to messages and codes, shared by the Typer
    app (SummitsGroup) and the fast path. Bugs (anything that is not a domain
    error) are re-raised when SUMMITS_DEBUG is set, for a traceback.
    """
    if isinstance(exc, errors.SummitsError):
        lines = error_lines(exc)
        say(lines[0], kind="error")
        for line in lines[1:]:
            sys.stderr.write(line + "\n")
        return int(exit_code_for(exc))
    if isinstance(exc, KeyboardInterrupt):
        sys.stderr.write("\n")
        return int(ExitCode.INTERRUPTED)
    if os.environ.get("SUMMITS_DEBUG"):
        raise exc
    say(
        f"internal error: {type(exc).__name__}: {exc} (this is a bug; run with "
        "SUMMITS_DEBUG=1 for a traceback and report it)",
        kind="error",
    )
    return int(ExitCode.INTERNAL)
