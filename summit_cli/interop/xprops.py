"""The exact text of ``X-SUMMITS-*`` properties, whatever passes through on the way.

A calendar file carries summits' own fields in ``X-SUMMITS-*`` properties, and
they must come back byte-exact. RFC 5545 TEXT escaping is not enough on its own:
the icalendar library turns a literal ``\\N`` into a line break and CR into LF
when it writes, and servers normalise what they store (Radicale deletes C0
controls and cuts an ``X-`` value at the first unescaped comma). So the value is
percent-encoded (``%`` followed by the UTF-8 bytes in hex) for every character
that any of those would touch — ``%``, backslash, comma, semicolon, controls,
bidi and line separators — and marked with the parameter ``X-SUMMITS-ENC=PCT``.
Everything else stays as it is, so the property remains readable.
"""

from __future__ import annotations

import re

from summit_cli.safetext import BIDI

ENCODING_PARAM = "X-SUMMITS-ENC"
PERCENT = "PCT"
_TOUCHED = re.compile(f"[%\\\\,;\x00-\x1f\x7f-\x9f{BIDI}\u2028\u2029\ufeff]")


def encode(text: str) -> str:
    """*text* with every character that could be changed on the way percent-encoded."""
    return _TOUCHED.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), text)


def decode(text: str) -> str:
    """Undo :func:`encode` (invalid %-sequences are kept as they are)."""
    if "%" not in text:
        return text
    from urllib.parse import unquote

    return unquote(text, errors="surrogateescape") if _valid_utf8(text) else text


def _valid_utf8(text: str) -> bool:
    from urllib.parse import unquote_to_bytes

    try:
        unquote_to_bytes(text).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
