"""Make untrusted text safe to show on a terminal.

Data may hold ESC sequences, C1 controls or bidi overrides that would clear
the screen, hide links or reverse text. For display they are replaced with
visible escapes (``\\x1b``, ``\\u202e``); the store and JSON keep the raw text.
"""

from __future__ import annotations

import re

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """*text* with every control, format and bidi character shown as an escape."""
    return _UNSAFE.sub(_escape, text)


def one_line(text: str) -> str:
    """Like :func:`visible`, but line breaks become spaces (for table cells)."""
    return visible(" ".join(text.split("\n")))
