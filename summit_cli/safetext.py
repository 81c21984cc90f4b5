"""The one escaping policy: which characters from data must never reach a terminal as they
are, and how each kind of output makes them inert.

The unsafe characters are the C0 controls (ESC starts every terminal escape
sequence), DEL, the C1 controls (0x9b is a one-byte CSI), the bidi controls
that reorder text (U+202E shows "txt.exe" as "exe.txt"), the line and
paragraph separators, NEL and the BOM. The store keeps them as typed; every
output makes them inert in its own way:

- for people (tables, plain text, cards, templates, ``--field``, messages):
  :func:`visible` shows each as an escape (``\\x1b``, ``\\u202e``);
- JSON, JSON Lines and YAML: their own ``\\u`` escapes (the data is exact);
- CSV, TSV and iCalendar's ``X-SUMMITS-*`` values: :func:`escape_cell`, a
  reversible backslash escape that :func:`unescape_cell` undoes on import.
"""

from __future__ import annotations

import re

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_SEPARATORS = f"{BIDI}\u2028\u2029\ufeff"
# The patterns, compiled on first use (start-up time: a command uses one or two of them).
_SOURCES = {
    # Every unsafe character: what no output may carry raw.
    "unsafe": f"[\x00-\x1f\x7f-\x9f{_SEPARATORS}]",
    # The unsafe characters a JSON encoder leaves raw (it escapes C0 itself).
    "json": f"[\x7f-\x9f{_SEPARATORS}]",
    # In cells, tab and line breaks are data that the cell syntax (CSV quoting) carries.
    "cell": f"[\\\\\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_SEPARATORS}]",
    "cell-escape": r"\\(\\|x[0-9a-f]{2}|u[0-9a-f]{4})",
    # For whole outputs: tab and line breaks lay text out.
    "terminal": f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_SEPARATORS}]",
}
_COMPILED: dict[str, re.Pattern[str]] = {}


def pattern(name: str) -> re.Pattern[str]:
    """The compiled pattern *name* ("unsafe": every character no output may carry raw;
    "json": those a JSON encoder leaves raw)."""
    found = _COMPILED.get(name)
    if found is None:
        found = _COMPILED[name] = re.compile(_SOURCES[name])
    return found


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _code(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    return _NAMED.get(ch) or _code(ch)


def visible(text: str) -> str:
    """*text* with every unsafe character shown as an escape, for people."""
    return pattern("unsafe").sub(_escape, text)


def one_line(text: str) -> str:
    """Like :func:`visible`, but line breaks become spaces (for table cells)."""
    return visible(" ".join(text.split("\n")))


def json_escape(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with the characters it left
    raw written as ``\\u`` escapes: the same data for any JSON reader, inert bytes."""
    return pattern("json").sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def escape_cell(text: str) -> str:
    """A reversible form for CSV/TSV cells and X- properties: ``\\\\`` for a backslash,
    ``\\xNN``/``\\uNNNN`` for unsafe characters; tab and line breaks stay as they are."""
    return pattern("cell").sub(lambda m: "\\\\" if m.group() == "\\" else _code(m.group()), text)


def unescape_cell(text: str) -> str:
    """Undo :func:`escape_cell`; a backslash before anything else is kept as it is."""
    if "\\" not in text:
        return text

    def undo(match: re.Match[str]) -> str:
        body = match.group(1)
        return "\\" if body == "\\" else chr(int(body[1:], 16))

    return pattern("cell-escape").sub(undo, text)


def terminal_safe(text: str) -> str:
    """The last line of defence for whole outputs: every unsafe character but tab and line
    breaks (which lay text out) shown as an escape. Safe text passes unchanged."""
    return pattern("terminal").sub(_escape, text)
