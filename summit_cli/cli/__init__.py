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
    import sys

    from summit_cli.cli.environment import Environment
    from summit_cli.cli.exits import quiet_broken_pipe

    env = Environment.from_process()
    code = None
    try:
        if not env.get("SUMMITS_NO_FASTPATH"):
            from summit_cli.cli import fastpath

            code = fastpath.run(sys.argv[1:], env)
        if code is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        code = quiet_broken_pipe()
    if code is not None:
        sys.exit(code)
    from summit_cli.cli.application import main as run

    run()


@cache
def _full_app() -> typer.Typer:
    from summit_cli.cli.application import build_app

    return build_app()


def __getattr__(name: str) -> Any:
    if name == "app":
        return _full_app()
    raise AttributeError(name)
