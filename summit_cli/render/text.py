"""Plain text layout of the views: aligned columns, no colour, no box drawing.

The default when stdout is not a terminal; it never imports Rich.
"""

from __future__ import annotations

import unicodedata

from summit_cli.views.base import Card, Cell, TableView

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

    from summit_cli.views.tracks import (
        CalendarView,
        Day,
        FormatDetail,
        Line,
        MonthGrid,
        TimelineView,
    )

Segment = tuple[str, "str | None"]  # text and a semantic style name (render.STYLES)
Styled = list[Segment]  # one output line


def width(text: str) -> int:
    """Terminal cells taken by *text* (wide East Asian characters count two)."""
    total = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in {"W", "F"} else 1
    return total


def _pad(text: str, size: int, justify: str) -> str:
    gap = " " * max(size - width(text), 0)
    return gap + text if justify == "right" else text + gap


def table(view: TableView) -> str:
    """Columns separated by two spaces, a header row, one line per row."""
    headers = [c.header.upper() for c in view.columns]
    sizes = [width(h) for h in headers]
    for row in view.rows:
        for i, cell in enumerate(row):
            sizes[i] = max(sizes[i], width(cell.text))
    lines = []
    for cells in [headers, *[[c.text for c in row] for row in view.rows]]:
        padded = [_pad(text, sizes[i], view.columns[i].justify) for i, text in enumerate(cells)]
        lines.append("  ".join(padded).rstrip())
    return "\n".join(lines) + "\n"


def card(view: Card) -> str:
    label_width = max((len(label) for label, _ in view.lines), default=0)
    lines = [view.title, "=" * min(max(width(view.title), 3), 80)]
    for label, cell in view.lines:
        text = cell.text.replace("\n", "\n" + " " * (label_width + 2))
        lines.append(f"{label.ljust(label_width)}  {text}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------ line views
# Shared by both renderers: this module lays the lines out (which cells fit,
# where titles wrap); ``render`` only turns the style names into Rich styles.

TITLE_MIN = 20
MONTH_WIDTH = 28  # seven day cells of four
MONTH_GAP = 4


def wrap(text: str, size: int) -> list[str]:
    """Word-wrap *text* to *size* terminal cells; words longer than that are cut."""
    size = max(size, 1)
    lines: list[str] = []
    current = ""
    for original in text.split(" "):
        word = original
        while width(word) > size:
            if current:
                lines.append(current)
                current = ""
            head, word = _cut(word, size)
            lines.append(head)
        if not current:
            current = word
        elif width(current) + 1 + width(word) <= size:
            current = f"{current} {word}"
        else:
            lines.append(current)
            current = word
    lines.append(current)
    return lines


def _cut(word: str, room: int) -> tuple[str, str]:
    used = 0
    for index, ch in enumerate(word):
        used += width(ch)
        if used > room:
            return word[: max(index, 1)], word[max(index, 1) :]
    return word, ""


_LINE_CELLS = ("day", "clock", "glyph", "title", "track", "gap", "status")
_DROP_ORDER = ("clock", "gap", "track")  # first dropped when the title would be too narrow


def line_layout(lines: list[Line], size: int | None, indent: int = 2) -> list[Styled]:
    """Event lines as aligned columns, one or more output lines each (see line_blocks)."""
    return [row for block in line_blocks(lines, size, indent) for row in block]


def line_blocks(lines: list[Line], size: int | None, indent: int = 2) -> list[list[Styled]]:
    """Lay event lines out as aligned columns; with *size*, fit that many cells.

    Empty columns are left out. When the title would get narrower than
    TITLE_MIN, the venue time goes first, then the gap, then the track.
    """
    if not lines:
        return []
    natural = {name: max(width(getattr(line, name).text) for line in lines) for name in _LINE_CELLS}
    keep = [name for name in _LINE_CELLS if natural[name] or name == "title"]

    def fixed(names: list[str]) -> int:
        # two spaces between columns, one between the glyph and the title
        others = [n for n in names if n != "title"]
        return (
            indent
            + sum(natural[n] for n in others)
            + 2 * len(others)
            - (1 if "glyph" in names else 0)
        )

    if size is not None:
        for name in _DROP_ORDER:
            if size - fixed(keep) >= min(TITLE_MIN, natural["title"]):
                break
            if name in keep:
                keep.remove(name)
    title_size = natural["title"]
    if size is not None:
        title_size = max(min(natural["title"], size - fixed(keep)), 8)
    out: list[list[Styled]] = []
    for line in lines:
        block: list[Styled] = []
        title_cell: Cell = line.title
        pieces = wrap(title_cell.text, title_size) if size is not None else [title_cell.text]
        extra: list[Styled] = [[(piece, title_cell.style)] for piece in pieces]
        if line.was is not None:
            extra.append([(line.was.text, line.was.style)])
        for row, title_part in enumerate(extra):
            segments: Styled = [(" " * indent, None)]
            for name in keep:
                cell: Cell = getattr(line, name)
                if name == "title":
                    used = sum(width(t) for t, _ in title_part)
                    segments += title_part
                    segments.append((" " * max(title_size - used, 0), None))
                elif row == 0:
                    text = cell.text
                    justify = "right" if name == "gap" else "left"
                    segments.append((_pad(text, natural[name], justify), cell.style))
                else:
                    segments.append((" " * natural[name], None))
                if name != keep[-1]:
                    segments.append((" " if name == "glyph" else "  ", None))
            block.append(_trim(segments))
        out.append(block)
    return out


def _trim(segments: Styled) -> Styled:
    """Drop trailing blanks so lines never end in spaces."""
    while segments and not segments[-1][0].strip():
        segments.pop()
    if segments:
        text, style = segments[-1]
        segments[-1] = (text.rstrip(), style)
    return segments


def timeline_layout(view: TimelineView, size: int | None, *, rule: str = "─") -> list[Styled]:
    """Headings, event lines and the "now" marker, as styled lines."""
    from summit_cli.views.tracks import Heading, Line, NowMarker

    event_lines = [e for e in view.entries if isinstance(e, Line)]
    laid = line_blocks(event_lines, size)
    blocks = iter(laid)
    # The "now" rule spans the event lines, not the whole of a wide terminal.
    span = max((sum(width(t) for t, _ in row) for b in laid for row in b), default=40)
    if size is None:
        span = min(span, 80)  # unwrapped plain text: a rule, not a wall
    out: list[Styled] = []
    for entry in view.entries:
        if isinstance(entry, Heading):
            if out:
                out.append([])
            out.append([(entry.text, "heading")])
        elif isinstance(entry, NowMarker):
            head = f"{rule * 2} {entry.text} "
            fill = rule * max(span - width(head) - 2, 2)
            out.append([("  ", None), (head + fill, "now")])
        else:
            out += next(blocks)
    if view.legend or view.note:
        out.append([])
        out += key_lines([c.text for c in view.legend], size)
        if view.note:
            out.append([(view.note, "dim")])
    return out


def key_lines(items: list[str], size: int | None, sep: str = "   ") -> list[Styled]:
    """Legend items on as few lines as fit *size*, never split inside an item."""
    lines: list[str] = []
    for item in items:
        if lines and (size is None or width(lines[-1] + sep + item) <= size):
            lines[-1] += sep + item
        else:
            lines.append(item)
    return [[(line, "dim")] for line in lines]


def as_text(lines: list[Styled]) -> str:
    return "".join("".join(text for text, _ in line) + "\n" for line in lines)


def timeline(view: TimelineView) -> str:
    """The timeline as plain text: one event per line, nothing wrapped."""
    return as_text(timeline_layout(view, None, rule="-"))


def _day_cell(day: Day) -> Segment:
    if day.number is None:
        return ("    ", None)
    if day.today and day.events:
        return (f"[{day.number:>2}]", "today")
    if day.events:
        return (f"[{day.number:>2}]", day.style)
    if day.today:
        return (f"({day.number:>2})", "today")
    return (f" {day.number:>2} ", None)


def month_lines(grid: MonthGrid, rows: int) -> list[Styled]:
    """One month: a centred title, the weekday header and *rows* week lines."""
    title = grid.title.center(MONTH_WIDTH).rstrip()
    out: list[Styled] = [[(title, "heading")]]
    out.append([("".join(f" {d} " for d in grid.weekdays), "dim")])
    for week in grid.weeks:
        out.append([_day_cell(day) for day in week])
    while len(out) < rows + 2:
        out.append([])
    return out


def calendar_layout(view: CalendarView, size: int | None) -> list[Styled]:
    """Month grids side by side as the width allows (one per row without a width),
    then the legend of events and the key to the marks."""
    per_row = 1
    if size is not None:
        per_row = max(1, min(len(view.months), (size + MONTH_GAP) // (MONTH_WIDTH + MONTH_GAP)))
    out: list[Styled] = []
    for start in range(0, len(view.months), per_row):
        chunk = view.months[start : start + per_row]
        rows = max(len(g.weeks) for g in chunk)
        blocks = [month_lines(g, rows) for g in chunk]
        if out:
            out.append([])
        for index in range(rows + 2):
            line: Styled = []
            for number, block in enumerate(blocks):
                part = block[index]
                used = sum(width(t) for t, _ in part)
                line += part
                if number < len(blocks) - 1:
                    line.append((" " * (MONTH_WIDTH - used + MONTH_GAP), None))
            out.append(_trim(line))
    if view.legend:
        out.append([])
        out += line_layout(view.legend, size, indent=0)
    if view.keys:
        out.append([])
        out += key_lines(view.keys, size)
    return out


def calendar(view: CalendarView) -> str:
    return as_text(calendar_layout(view, None))


def show(view: Any, width: int | None = None) -> str:
    """A view model as plain text; line views fit *width* when it is given."""
    if isinstance(view, TableView):
        return table(view)
    if isinstance(view, Card):
        return card(view)
    if isinstance(view, list):
        return "\n".join(card(item) for item in view)
    from summit_cli.views.tracks import CalendarView, FormatDetail, TimelineView

    if isinstance(view, TimelineView):
        return as_text(timeline_layout(view, width, rule="-"))
    if isinstance(view, CalendarView):
        return as_text(calendar_layout(view, width))
    if isinstance(view, FormatDetail):
        return format_detail(view)
    raise TypeError(f"no text renderer for {type(view).__name__}")  # pragma: no cover


def format_detail(view: FormatDetail) -> str:
    return card(view.card) + "\n" + table(view.history)
