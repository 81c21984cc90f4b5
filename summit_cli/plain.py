"""Plain text layout of the views: aligned columns, no colour, no box drawing.

The default when stdout is not a terminal; it never imports Rich.
"""

from __future__ import annotations

import unicodedata

from summit_cli.views import Card, TableView


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
