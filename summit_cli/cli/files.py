"""Reading the files users hand us (``add --from-file``, ``import``): the one capped reader.

A path or ``-`` for stdin; a size limit checked before and while reading; a
FIFO or folder refused before it blocks. Bytes become text in ``interop.textcodec``.
"""

from __future__ import annotations

from pathlib import Path

from summit_cli.errors import InvalidData, Problem
from summit_cli.store import fs

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from summit_cli.cli.environment import Environment


def read_bytes(source: str, env: Environment, limit: int) -> tuple[bytes, str]:
    """(bytes, name to show) of *source*: a file path, or ``-`` for stdin."""
    if source == "-":
        stream = getattr(env.stdin, "buffer", None)
        if stream is None:  # a text stream (tests): its text, as UTF-8
            data = env.stdin.read(limit + 1).encode("utf-8")
            if len(data) > limit:
                raise InvalidData("<stdin>", [Problem("", f"input is larger than {limit} bytes")])
            return data, "<stdin>"
        return fs.read_stream(stream, limit, "<stdin>"), "<stdin>"
    data, _ = fs.read_regular(Path(source).expanduser(), limit, what="the file")
    return data, source
