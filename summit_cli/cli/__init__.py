"""The command-line layer: the Typer app and its commands (imperative shell).

Importing this package is cheap: the app is built on first use of ``app``
(with every command) or by ``main`` (with only the command being run).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point (``summits``)."""
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
