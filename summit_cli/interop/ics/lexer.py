"""Calendar bytes to components, liberally: what real files hold, not only what RFC 5545 allows.

Bytes become text (UTF-8, a UTF-16 byte order mark, bytes that are not UTF-8 read as
cp1252), lines end at CRLF, LF, CR or CR CR LF, folded lines (a space or a tab) are
joined, property names are read in any case, and a file that ends inside a component
is closed. Every component and property keeps the line it starts on, so whatever is
reported about it can say where it is. Pure: bytes or text in, blocks out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Components nested deeper than this are skipped (a VCALENDAR > VEVENT > VALARM is 3).
MAX_DEPTH = 8
_NAME_RE = re.compile(r"[A-Za-z0-9_-]+\Z")
_LINE_END_RE = re.compile(r"\r\r\n|\r\n|\n|\r")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_MAX_JOINED = 100_000  # characters a property takes from lines that are not properties
_TEXT_PROPS = frozenset(
    {"DESCRIPTION", "SUMMARY", "LOCATION", "COMMENT", "CONTACT", "RESOURCES", "CATEGORIES"}
)
_ITEMS = frozenset({"VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY"})


@dataclass(slots=True)
class Prop:
    """One content line: ``NAME;PARAM=VALUE:value``, its name and parameter names upper-case."""

    name: str
    params: dict[str, str]
    value: str
    line: int  # 1-based, where the (unfolded) line starts in the file

    def param(self, name: str) -> str | None:
        return self.params.get(name)


@dataclass(slots=True)
class Block:
    """A component (VCALENDAR, VEVENT, VTIMEZONE, STANDARD...) with its properties."""

    name: str
    line: int
    props: list[Prop] = field(default_factory=list)
    children: list[Block] = field(default_factory=list)

    def first(self, name: str) -> Prop | None:
        for prop in self.props:
            if prop.name == name:
                return prop
        return None

    def every(self, name: str) -> list[Prop]:
        return [prop for prop in self.props if prop.name == name]

    def value(self, name: str) -> str | None:
        prop = self.first(name)
        return prop.value if prop is not None else None


@dataclass(slots=True)
class Lexed:
    """What the lexer found: the top-level components and what it had to repair."""

    blocks: list[Block]
    repairs: list[str]  # "line 12: ..." for things read other than they were written
    notes: list[str]


# ----------------------------------------------------------------- bytes to text


def _cp1252_errors(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 read as cp1252 (else Latin-1)."""
    assert isinstance(exc, UnicodeDecodeError)
    chunk = exc.object[exc.start : exc.end]
    text = "".join(
        bytes([b]).decode("cp1252") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(b)
        for b in chunk
    )
    return text, exc.end


_HANDLER = "summits-ics-cp1252"


def decode_calendar(data: bytes) -> tuple[str, list[str]]:
    """A calendar file's bytes as text, and notes on how they were read.

    RFC 5545 says UTF-8; real files are also UTF-16 (with a byte order mark) or
    Windows-1252/Latin-1. Bytes that are not UTF-8 are read as cp1252 one by one, so
    a UTF-8 file with one bad byte keeps its other accents. Never raises.
    """
    import codecs

    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", "replace"), [
            "read as UTF-16 (the file starts with its byte order mark)"
        ]
    else:
        head = data[:400]
        if len(head) >= 8 and head.count(0) * 3 > len(head):  # UTF-16 without its mark
            order = "le" if head[1::2].count(0) > head[0::2].count(0) else "be"
            return data.decode(f"utf-16-{order}", "replace"), [
                f"read as UTF-16-{order.upper()} (no byte order mark, but NUL bytes "
                "between the letters)"
            ]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        first = exc.start
    try:
        codecs.lookup_error(_HANDLER)
    except LookupError:
        codecs.register_error(_HANDLER, _cp1252_errors)
    text = data.decode("utf-8", _HANDLER)
    line = data.count(b"\n", 0, first) + 1
    return text, [
        f"not valid UTF-8 (first at line {line}, byte 0x{data[first]:02x}): "
        "those bytes were read as Windows-1252"
    ]


# ----------------------------------------------------------------- text to lines


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Unfolded content lines with the number of the physical line each starts on."""
    lines: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(_LINE_END_RE.split(text), start=1):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1][1].append(raw[1:])
        elif raw.strip():
            lines.append((number, [raw]))
    return [(number, "".join(pieces)) for number, pieces in lines]


def split_params(text: str) -> tuple[str, dict[str, str], str] | None:
    """``NAME;P=V;Q="a:b":value`` -> (NAME, {P: V, Q: a:b}, value); None when there is no
    name or no colon. A quoted parameter value that never closes takes the rest of the line
    (the caller sees an empty value)."""
    length = len(text)
    index = 0
    while index < length and text[index] not in ";:":
        index += 1
    name = text[:index].strip()
    if not name or not _NAME_RE.match(name) or index >= length:
        return None
    params: dict[str, str] = {}
    while index < length and text[index] == ";":
        index += 1
        begin = index
        while index < length and text[index] not in "=;:":
            index += 1
        key = text[begin:index].strip().upper()
        values: list[str] = []
        if index < length and text[index] == "=":
            index += 1
            while True:
                if index < length and text[index] == '"':
                    close = text.find('"', index + 1)
                    if close < 0:
                        values.append(text[index + 1 :])
                        index = length
                        break
                    values.append(text[index + 1 : close])
                    index = close + 1
                    # Junk between a closing quote and the next separator belongs to the value.
                    begin = index
                    while index < length and text[index] not in ",;:":
                        index += 1
                    if index > begin:
                        values[-1] += text[begin:index]
                else:
                    begin = index
                    while index < length and text[index] not in ",;:":
                        index += 1
                    values.append(text[begin:index])
                if index < length and text[index] == ",":
                    index += 1
                    continue
                break
        if key and key not in params:
            params[key] = ",".join(values)
    if index >= length or text[index] != ":":
        return name.upper(), params, ""
    return name.upper(), params, text[index + 1 :]


# ----------------------------------------------------------------- lines to blocks


def lex(text: str) -> Lexed:
    """The components of a calendar text, repaired where they are broken. Never raises."""
    repairs: list[str] = []
    notes: list[str] = []
    top: list[Block] = []
    stack: list[Block] = []
    skipping = 0  # depth of components skipped for being nested too deep
    last_prop: Prop | None = None
    joined: dict[int, tuple[Prop, int, int]] = {}  # id(prop) -> (prop, first line, last line)
    for number, raw in _logical_lines(text):
        parsed = split_params(raw)
        if parsed is None:
            text_prop = last_prop is not None and _is_text(last_prop.name)
            if last_prop is not None and text_prop and len(last_prop.value) < _MAX_JOINED:
                # A line break the writer did not fold (Outlook's descriptions): keep the text.
                last_prop.value += "\n" + raw
                first = joined.get(id(last_prop), (last_prop, number, number))[1]
                joined[id(last_prop)] = (last_prop, first, number)
            elif stack:
                repairs.append(f"line {number}: not a property (NAME:value); left out")
            continue
        name, params, value = parsed
        if name in ("BEGIN", "END"):
            last_prop = None
            kind = value.strip().upper()
            if not kind:
                repairs.append(f"line {number}: {name} without a component name; left out")
                continue
            if name == "BEGIN":
                if skipping or len(stack) >= MAX_DEPTH:
                    skipping += 1
                    continue
                if kind in _ITEMS and stack and stack[-1].name in _ITEMS:
                    inner = stack.pop()  # an event never holds another: the END is missing
                    repairs.append(
                        f"line {inner.line}: BEGIN:{inner.name} has no END:{inner.name} "
                        f"(closed at the BEGIN:{kind} of line {number})"
                    )
                block = Block(kind, number)
                (stack[-1].children if stack else top).append(block)
                stack.append(block)
                continue
            if skipping:
                skipping -= 1
                continue
            names = [b.name for b in stack]
            if kind not in names:
                if stack and stack[-1].name != "VCALENDAR":
                    inner = stack.pop()  # a misspelt END ("END:VTOOD") closes what is open
                    repairs.append(f"line {number}: END:{kind} read as END:{inner.name}")
                else:
                    repairs.append(f"line {number}: END:{kind} without BEGIN:{kind}; left out")
                continue
            while stack and stack[-1].name != kind:
                inner = stack.pop()
                repairs.append(
                    f"line {inner.line}: BEGIN:{inner.name} has no END:{inner.name} "
                    f"(closed at line {number})"
                )
            stack.pop()
            continue
        if skipping:
            continue
        if not stack:
            notes.append(f"line {number}: {name} outside any component was left out")
            continue
        last_prop = Prop(name, params, value, number)
        stack[-1].props.append(last_prop)
    while stack:
        inner = stack.pop()
        repairs.append(
            f"line {inner.line}: BEGIN:{inner.name} has no END:{inner.name} "
            "(the file ends inside it)"
        )
    for prop, first, last in joined.values():
        lines = f"line {first}" if first == last else f"lines {first}-{last}"
        repairs.append(f"{lines}: not properties; joined to {prop.name} (line {prop.line})")
    if len(notes) > 5:
        notes[4:] = [f"... and {len(notes) - 4} more lines outside any component were left out"]
    return Lexed(top, repairs, notes)


def _is_text(name: str) -> bool:
    """Properties whose value is free text (where an unfolded line break may be)."""
    return name in _TEXT_PROPS or name.startswith("X-")


def calendars_of(lexed: Lexed) -> list[Block]:
    """The VCALENDARs of the file; components found outside one form a calendar of their own."""
    calendars = [b for b in lexed.blocks if b.name == "VCALENDAR"]
    loose = [b for b in lexed.blocks if b.name != "VCALENDAR"]
    if loose:
        calendars.append(Block("VCALENDAR", loose[0].line, [], loose))
        lexed.repairs.append(
            f"line {loose[0].line}: BEGIN:{loose[0].name} outside a VCALENDAR; read as in one"
        )
    return calendars
