"""An option or argument declared the way its help line reads:
``option("--search -s TEXT", "Only events whose ...")`` is ``--search``/``-s`` with the
metavar TEXT. Imports Typer alone: the global options (``application``) use it before
any command module, and ``option_groups``, are loaded."""

from __future__ import annotations

from typing import Any

import typer


def option(usage: str, help_text: str, **more: Any) -> Any:
    """``typer.Option`` from *usage*: its names (each starting with ``-``), then the
    metavar if it takes one (a flag, or an option whose type lists its choices, has none).
    *more* goes to ``typer.Option`` as it is (``min``, ``envvar``, ``autocompletion``...)."""
    names = usage.split()
    metavar = None if names[-1].startswith("-") else names.pop()
    assert names and all(name.startswith("-") for name in names), f"no option names: {usage!r}"
    return typer.Option(*names, metavar=metavar, help=help_text, **more)


def argument(metavar: str, help_text: str, **more: Any) -> Any:
    """``typer.Argument`` shown as *metavar* (``[TITLE]`` when it may be left out)."""
    return typer.Argument(metavar=metavar, help=help_text, **more)
