"""The world a command runs in: streams, whether they are terminals, environment variables.

Like httpie's ``Environment``: built once at the edge from the real process
(:meth:`Environment.from_process`), handed to every command inside Settings,
and built by tests with their own streams and variables instead of swapping
globals. Nothing else in summits reads ``os.environ`` or ``sys.stdout``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from summit_cli.safetext import terminal_safe, visible

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import IO, Any

TRUE_WORDS = frozenset({"1", "yes", "on", "true"})
FALSE_WORDS = frozenset({"0", "no", "off", "false"})


@dataclass(frozen=True)
class Environment:
    """Streams, terminals and environment variables, as one value."""

    stdin: Any
    stdout: IO[str]
    stderr: IO[str]
    environ: Mapping[str, str]
    stdout_isatty: bool = False
    stdin_isatty: bool = False

    @classmethod
    def from_process(cls) -> Environment:
        """The real process's world (read once, at the edge)."""
        import os
        import sys

        def tty(stream: Any) -> bool:
            try:
                return bool(stream.isatty())
            except (AttributeError, ValueError):
                return False

        return cls(
            stdin=sys.stdin,
            stdout=sys.stdout,
            stderr=sys.stderr,
            environ=os.environ,
            stdout_isatty=tty(sys.stdout),
            stdin_isatty=tty(sys.stdin),
        )

    def get(self, name: str) -> str | None:
        """An environment variable; an empty one counts as unset (as Click reads them)."""
        return self.environ.get(name) or None

    def flag(self, name: str, default: bool = False) -> bool:
        value = (self.get(name) or "").strip().lower()
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        return default

    @property
    def color(self) -> bool:
        """Colour only on a terminal; NO_COLOR wins; FORCE_COLOR forces it on."""
        if self.get("NO_COLOR"):
            return False
        if self.get("FORCE_COLOR"):
            return True
        return self.stdout_isatty and self.get("TERM") != "dumb"

    @property
    def terminal(self) -> bool:
        """True when output is for a terminal (human views by default)."""
        return self.stdout_isatty or bool(self.get("FORCE_COLOR"))

    @property
    def width(self) -> int | None:
        """``COLUMNS`` when set to a sensible number (it wins, on a terminal or in a pipe)."""
        text = self.get("COLUMNS")
        if text and text.strip().isascii() and text.strip().isdigit():
            value = int(text)
            if 20 <= value <= 1000:
                return value
        return None

    def write(self, text: str) -> None:
        """Data on stdout; no unsafe character from data gets through (line breaks do)."""
        self.stdout.write(terminal_safe(text))
        self.stdout.flush()

    def write_bytes(self, data: bytes) -> None:
        """Exact bytes on stdout (exports: their writers made them safe)."""
        buffer = getattr(self.stdout, "buffer", None)
        if buffer is None:
            self.write(data.decode("utf-8"))
            return
        self.stdout.flush()
        buffer.write(data)
        buffer.flush()

    def say(self, text: str, *, kind: str = "") -> None:
        """A message for people, on stderr (never mixed with data on stdout)."""
        prefix = f"summits: {kind}: " if kind else "summits: "
        lines = text.split("\n")
        self.stderr.write("".join(visible(line) + "\n" for line in [prefix + lines[0], *lines[1:]]))
        self.stderr.flush()
