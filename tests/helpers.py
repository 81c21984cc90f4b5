"""What many tests need: clean-success and clean-failure checks, ids, digests, records.

Results are CliRunner results (``result.exit_code``, ``.stdout``, ``.stderr``) or
anything with those attributes (a subprocess run wrapped by ``Ran``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OK = 0
NOT_FOUND = 1
USAGE = 2
INVALID_DATA = 3
BUSY = 4
IO_ERROR = 5
INTERNAL = 70

# What no output may carry raw (safetext's policy): ESC and C1 controls, bidi controls,
# line and paragraph separators, the BOM; tab, LF and CR are layout.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]"
)


@dataclass
class Ran:
    """A subprocess run, shaped like a CliRunner result."""

    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None = None


def ok(result: Any) -> Any:
    """A clean success (exit 0, no traceback); returns the result."""
    assert result.exit_code == OK, (result.exit_code, result.stdout, result.stderr)
    exception = getattr(result, "exception", None)
    assert exception is None or isinstance(exception, SystemExit), repr(exception)
    assert "Traceback" not in result.stderr
    return result


def failed(result: Any, code: int | tuple[int, ...], *fragments: str, lines: int = 1) -> str:
    """A clean failure: *code*, nothing on stdout, *lines* 'summits: error:' lines on stderr
    holding every fragment, no traceback, no uncaught exception. Returns the first line."""
    codes = code if isinstance(code, tuple) else (code,)
    assert result.exit_code in codes, (result.exit_code, result.stdout, result.stderr)
    exception = getattr(result, "exception", None)
    assert exception is None or isinstance(exception, SystemExit), repr(exception)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    found = result.stderr.strip().splitlines()
    assert len(found) == lines, result.stderr
    assert found[0].startswith("summits: error: "), found[0]
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)
    return str(found[0])


def usage_error(result: Any, *fragments: str) -> Any:
    """Exit 2 with one clean message line (a usage error of ours, not Typer's); the result."""
    failed(result, USAGE, *fragments)
    return result


def as_json(result: Any) -> Any:
    return json.loads(ok(result).stdout)


def ids(invoke: Any, *args: str) -> list[str]:
    """The ids a listing command prints (``list`` when no command is given)."""
    found: list[str] = ok(invoke(*(args or ("list",)), "--output", "ids")).stdout.split()
    return found


def record(invoke: Any, event_id: str) -> dict[str, Any]:
    """One event's record, as ``show --output json`` prints it."""
    (data,) = as_json(invoke("show", event_id, "--output", "json"))
    return dict(data)


def digest(path: Path) -> str:
    """Hash of a file, to prove a failed command left it byte-identical."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def forbidden(text: str) -> list[str]:
    """The unsafe characters in *text* (an empty list is what every output must give)."""
    return FORBIDDEN.findall(text)


# Root ignores file modes through two capabilities; without them it obeys them like anyone.
_ROOT_POWERS = "-dac_override,-dac_read_search,-fowner"


def unprivileged() -> list[str]:
    """A command prefix under which file modes are enforced: nothing for an ordinary user;
    for root, setpriv dropping the capabilities that bypass them (CI runs as root)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:  # pragma: no cover - util-linux is on every Debian
        import pytest

        pytest.skip("running as root without setpriv: file modes cannot be enforced")
    return [setpriv, f"--inh-caps={_ROOT_POWERS}", f"--bounding-set={_ROOT_POWERS}"]


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Ran:
    """``python -m summit_cli *args`` in a subprocess that obeys file modes (see
    ``unprivileged``), with the test's environment plus *env*."""
    full = {**os.environ, **(env or {})}
    done = subprocess.run(
        [*unprivileged(), sys.executable, "-m", "summit_cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=full,
        timeout=timeout,
        check=False,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


def command_paths(group: Any = None, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path of the app (``()`` is ``summits`` itself), through Click's
    list_commands/get_command: the root group loads commands lazily. Typer vendors Click,
    so groups are duck-typed."""
    if group is None:
        group = command_at(())
    found = [path]
    if hasattr(group, "list_commands"):
        for name in group.list_commands(None):
            found += command_paths(group.get_command(None, name), (*path, name))
    return found


def command_at(path: tuple[str, ...]) -> Any:
    """The Click command at *path* (``("formats", "add")``)."""
    import typer.main

    from summit_cli.cli import app

    command: Any = typer.main.get_command(app)
    for name in path:
        command = command.get_command(None, name)
    return command
