"""Text files users hand us, as text: one decoder for every import (CSV, JSON, YAML).

UTF-8 unless told otherwise, a byte order mark recognised, and when a byte cannot
be read, the line it is on and the ``--encoding`` that most likely reads it.
Pure: bytes in, text out.
"""

from __future__ import annotations

from summit_cli.errors import InvalidData, Problem


def decode_text(data: bytes, source: str, encoding: str | None = None) -> tuple[str, list[str]]:
    """A file's bytes as text, and notes on how they were read ("read as cp1252").

    UTF-8 (with or without a BOM) unless *encoding* names a codec; a UTF-16 BOM is
    recognised without asking. Raises InvalidData naming the line and the byte
    that cannot be read, and the ``--encoding`` that likely reads it.
    """
    import codecs

    def refused(where: str, what: str) -> InvalidData:
        return InvalidData(source, [Problem(where, what)])

    unknown = f"unknown encoding {encoding!r} (e.g. utf-8, cp1252, latin-1, utf-16)"
    if encoding is None and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, notes = "utf-16", ["read as UTF-16 (the file starts with its byte order mark)"]
    elif encoding is None:
        encoding, notes, head = "utf-8-sig", [], data[:400]
        if head.count(0) * 4 > len(head):  # NUL bytes: UTF-16 text without its BOM
            order = "le" if head[1::2].count(0) > head[0::2].count(0) else "be"
            raise refused("", f"the file looks like UTF-16: give --encoding utf-16-{order}")
    else:
        notes = [f"read as {encoding}"]
        try:
            utf8 = codecs.lookup(encoding).name in {"utf-8", "utf-8-sig"}
        except LookupError:
            raise refused("", unknown) from None
        if data.startswith(codecs.BOM_UTF8) and not utf8:
            raise refused("", f"the file starts with a UTF-8 mark: it is UTF-8, not {encoding}")
    try:
        return data.decode(encoding), notes
    except LookupError:  # a codec that is not for text (rot13, base64)
        raise refused("", unknown) from None
    except UnicodeDecodeError as exc:
        raise refused(*_decode_problem(data, exc, encoding, asked=bool(notes))) from None
    except (UnicodeError, ValueError, TypeError):
        raise refused("", f"cannot read the file as {encoding}") from None


def _decode_problem(
    data: bytes, exc: UnicodeDecodeError, encoding: str, *, asked: bool
) -> tuple[str, str]:
    position = min(exc.start, len(data) - 1)
    where = "line " + str(data.count(b"\n", 0, position) + 1)
    byte = f"0x{data[position]:02x}"
    if asked:  # an encoding that was asked for (or UTF-16 from the BOM)
        return where, f"not valid {encoding.upper()} (byte {byte})"
    c1 = set(data) & set(range(0x80, 0xA0))  # cp1252's letters and signs, latin-1's controls
    likely = "cp1252" if c1 and not c1 & {0x81, 0x8D, 0x8F, 0x90, 0x9D} else "latin-1"
    return where, f"not valid UTF-8 (byte {byte}): save it as UTF-8 or give --encoding {likely}"
