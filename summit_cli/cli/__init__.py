"""The command-line layer: the Typer app and its commands (imperative shell)."""

from summit_cli.cli.app import app, main

__all__ = ["app", "main"]
