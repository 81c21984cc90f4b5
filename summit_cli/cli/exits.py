"""The one place where errors become messages and exit codes.

Exit codes (the same for every command; documented in docs/scripting.md):

====  ==============================================================
 0    success (also: a listing that matched nothing)
 1    no result where one was demanded (``show`` of a missing id)
 2    usage: unknown option, bad option value (date, zone, format key)
 3    invalid data: the store or an input file is malformed, or the change would make it so
 4    store busy or changed on disk by another program: retry
 5    permission or I/O error (read-only folder, full disk...)
 6    a command run by ``remind --exec`` failed or timed out (retried by the next run)
 7    sync: a remote is unreachable or failed (no answer, server error, cut mid-sync)
 8    sync: a remote refused the credentials (or none could be had)
 9    sync: done, but conflicting changes were settled by the rule (the other version kept)
 70   internal error (a bug: please report it, with SUMMITS_DEBUG=1 output)
 130  interrupted (Ctrl-C)
====  ==============================================================
"""

from __future__ import annotations

from enum import IntEnum

from summit_cli import errors

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from summit_cli.cli.environment import Environment

MAX_PROBLEMS_SHOWN = 50


class ExitCode(IntEnum):
    OK = 0
    NOT_FOUND = 1
    USAGE = 2
    INVALID_DATA = 3
    BUSY = 4
    IO_ERROR = 5
    EXEC_FAILED = 6
    UNREACHABLE = 7
    AUTH_FAILED = 8
    CONFLICTS = 9
    INTERNAL = 70
    INTERRUPTED = 130


_CODES: list[tuple[type[errors.SummitsError], ExitCode]] = [
    (errors.NotFound, ExitCode.NOT_FOUND),
    (errors.InvalidInput, ExitCode.USAGE),
    (errors.InvalidData, ExitCode.INVALID_DATA),
    (errors.StoreBusy, ExitCode.BUSY),
    (errors.StoreChanged, ExitCode.BUSY),
    (errors.StoreIOError, ExitCode.IO_ERROR),
    (errors.ExecFailed, ExitCode.EXEC_FAILED),
    (errors.RemoteAuthFailed, ExitCode.AUTH_FAILED),
    (errors.RemoteError, ExitCode.UNREACHABLE),
]


def exit_code_for(exc: errors.SummitsError) -> ExitCode:
    for kind, code in _CODES:
        if isinstance(exc, kind):
            return code
    return ExitCode.INTERNAL


def error_lines(exc: errors.SummitsError) -> list[str]:
    """The message for *exc*: one line, or a head line plus one line per problem (a long
    list is cut, saying how many more there are)."""
    from summit_cli.store.hardjson import short

    if isinstance(exc, errors.InvalidData) and len(exc.problems) > 1:
        head = f"{exc.source}: " if exc.source else ""
        problems = exc.problems
        lines = [f"{head}{len(problems)} problems:"]
        lines += [f"  {short(str(p), 1000)}" for p in problems[:MAX_PROBLEMS_SHOWN]]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            lines.append(f"  ... and {len(problems) - MAX_PROBLEMS_SHOWN} more")
        return lines
    return [short(exc.message, 1000)]


def report(exc: BaseException, env: Environment) -> int:
    """Tell the user what went wrong (stderr) and return the exit code for it.

    The single funnel from exceptions to messages and codes, shared by the Typer
    app (SummitsGroup) and the fast path. Bugs (anything that is not a domain
    error) are re-raised when SUMMITS_DEBUG is set, for a traceback.
    """
    if isinstance(exc, errors.SummitsError):
        lines = error_lines(exc)
        env.say("\n".join([lines[0], *lines[1:]]), kind="error")
        return int(exit_code_for(exc))
    if isinstance(exc, KeyboardInterrupt):
        env.stderr.write("\n")
        return int(ExitCode.INTERRUPTED)
    if env.get("SUMMITS_DEBUG"):
        raise exc
    env.say(
        f"internal error: {type(exc).__name__}: {exc} (this is a bug; run with "
        "SUMMITS_DEBUG=1 for a traceback and report it)",
        kind="error",
    )
    return int(ExitCode.INTERNAL)


def quiet_broken_pipe() -> int:
    """The reader went away (``summits list | head -1``): not an error of ours.

    Later writes to stdout go nowhere, so the interpreter's final flush is silent.
    """
    import contextlib
    import os
    import sys

    devnull = os.open(os.devnull, os.O_WRONLY)
    with contextlib.suppress(OSError, ValueError):
        os.dup2(devnull, sys.stdout.fileno())
    return 0
