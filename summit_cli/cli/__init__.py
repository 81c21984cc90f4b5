"""The command-line layer: the Typer app and its commands (imperative shell).

Importing this package is cheap: the app is built on first use of ``app``
(with every command) or by ``main`` (with only the command being run).
"""

from __future__ import annotations

from functools import cache

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

    import typer

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point (``summits``): the fast path first, else the Typer app."""
    import os
    import sys

    from summit_cli.cli import fastpath

    try:
        code = None if os.environ.get("SUMMITS_NO_FASTPATH") else fastpath.run(sys.argv[1:])
        if code is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        _quiet_broken_pipe()
    if code is not None:
        sys.exit(code)
    from summit_cli.cli.application import main as run

    run()


def _quiet_broken_pipe() -> None:
    """The reader went away (``summits list | head -1``): not an error of ours."""
    import os
    import sys

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(0)


@cache
def _full_app() -> typer.Typer:
    from summit_cli.cli.application import build_app

    return build_app()


def __getattr__(name: str) -> Any:
    if name == "app":
        return _full_app()
    raise AttributeError(name)
