"""The only module that imports Rich: tables, cards and the two consoles.

Data never reaches Rich as markup: every cell is a ``Text`` built from
already-escaped strings (see ``safetext``), with emoji and highlighting off.
"""

from __future__ import annotations

import re
from typing import IO, TYPE_CHECKING, Any

from summit_cli.views.base import Card, Cell, TableView

if TYPE_CHECKING:
    from summit_cli.views.tracks import CalendarView, FormatDetail, TimelineView

STYLES = {
    "title": "bold",
    "dim": "dim",
    "format": "cyan",
    "held": "green",
    "scheduled": "yellow",
    "postponed": "magenta",
    "cancelled": "red strike",
    "countdown": "bold yellow",
    "ongoing": "bold green",
    "link": "blue underline",
    "struck": "strike dim",
    "heading": "bold",
    "now": "bold red",
    "today": "reverse bold",
}


def console(
    file: IO[str] | None = None,
    *,
    color: bool = True,
    width: int | None = None,
    stderr: bool = False,
) -> Any:
    """A Console for data (stdout) or messages (stderr), colour only when asked."""
    from rich.console import Console

    return Console(
        file=file,
        stderr=stderr,
        no_color=not color,
        color_system="auto" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
        width=width,
        soft_wrap=False,
    )


def _text(cell: Cell) -> Any:
    from rich.text import Text

    return Text(cell.text, style=STYLES.get(cell.style or "", ""))


LONG_WORD = 24


def fit_columns(view: TableView, width: int) -> tuple[TableView, list[int | None]]:
    """Choose columns and wrap widths so the table fits *width* terminal cells.

    The least important columns are dropped until the narrowest layout fits;
    then the room left is shared among the wrapping columns (Rich's own
    squeeze can truncate a fixed column instead, so we decide here).
    """
    from summit_cli.render.text import width as cells

    def natural(index: int) -> int:
        column = view.columns[index]
        return max([cells(column.header)] + [cells(row[index].text) for row in view.rows])

    def narrowest(index: int) -> int:
        column = view.columns[index]
        if not column.wrap:
            return natural(index)
        # Rich wraps at spaces: a column can't get narrower than its longest word,
        # up to LONG_WORD cells; longer words are folded rather than squeezing the
        # other columns (a 60-letter word must not push the dates off the table).
        words = [min(cells(w), LONG_WORD) for row in view.rows for w in row[index].text.split()]
        return min(natural(index), max([column.min_width or 8, *words]))

    def overhead(count: int) -> int:
        return 3 * count + 1  # padding of 1 on each side, separators and edges

    def comfortable(index: int) -> int:
        """What a column should get before optional columns are shown at all."""
        column = view.columns[index]
        if not column.wrap or column.comfort is None:
            return narrowest(index)
        return max(narrowest(index), min(natural(index), column.comfort))

    keep = list(range(len(view.columns)))
    droppable = sorted(
        (i for i in keep if view.columns[i].priority > 0), key=lambda i: -view.columns[i].priority
    )

    def fits(columns: list[int]) -> bool:
        return sum(comfortable(i) for i in columns) + overhead(len(columns)) <= width

    dropped = []
    while droppable and not fits(keep):
        dropped.append(droppable.pop(0))
        keep.remove(dropped[-1])
    # A less important column that fits where a more important one did not comes back.
    for index in sorted(dropped, key=lambda i: view.columns[i].priority):
        if fits(sorted([*keep, index])):
            keep = sorted([*keep, index])
    sizes: list[int | None] = [None] * len(keep)
    wrapping = [k for k, i in enumerate(keep) if view.columns[i].wrap]
    if sum(natural(i) for i in keep) + overhead(len(keep)) > width and wrapping:
        fixed = sum(natural(i) for i in keep if not view.columns[i].wrap)
        room = max(width - overhead(len(keep)) - fixed, 0)
        floors = {k: narrowest(keep[k]) for k in wrapping}
        wants = {k: natural(keep[k]) - floors[k] for k in wrapping}
        spare = max(room - sum(floors.values()), 0)
        total_want = sum(wants.values()) or 1
        for k in wrapping:
            sizes[k] = floors[k] + spare * wants[k] // total_want
    fitted = TableView(
        [view.columns[i] for i in keep],
        [[row[i] for i in keep] for row in view.rows],
        view.title,
        view.caption,
    )
    return fitted, sizes


def table(view: TableView, width: int = 10_000) -> Any:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    view, sizes = fit_columns(view, width)
    grid = Table(
        title=Text(view.title) if view.title else None,
        caption=Text(view.caption) if view.caption else None,
        box=box.SIMPLE_HEAD,
        header_style="bold",
        expand=False,
        show_edge=False,
    )
    for column, size in zip(view.columns, sizes, strict=True):
        grid.add_column(
            Text(column.header),
            justify=column.justify,  # type: ignore[arg-type]
            no_wrap=not column.wrap,
            overflow="fold" if column.wrap else "ellipsis",
            width=size,
        )
    for row in view.rows:
        grid.add_row(*(_text(cell) for cell in row))
    return grid


def card(view: Card) -> Any:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, cell in view.lines:
        value = _text(cell)
        if cell.style == "link" and cell.text in view.links:
            from rich.style import Style

            # A Style object, never a parsed style string: the URL cannot inject styles.
            value.stylize(Style(link=cell.text))
        grid.add_row(Text(label), value)
    return Panel(grid, title=Text(view.title, style="bold"), title_align="left", expand=False)


def show(view: Any, stream: IO[str], *, color: bool, width: int | None = None) -> None:
    """Print a view model on a Rich console writing to *stream*, lines never ending in
    spaces (Rich pads every line to the table's width)."""
    target = console(stream, color=color, width=width)
    with target.capture() as captured:
        for renderable in _renderables(view, target.width):
            target.print(renderable)
    stream.write(_TRAILING.sub(r"\1", captured.get()))
    stream.flush()


_TRAILING = re.compile(r"[ \t]+((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)


def _renderables(view: Any, size: int) -> list[Any]:
    if isinstance(view, TableView):
        return [table(view, size)]
    if isinstance(view, Card):
        return [card(view)]
    if isinstance(view, list):
        return [card(item) for item in view]
    from summit_cli.views.tracks import CalendarView, FormatDetail, TimelineView

    if isinstance(view, TimelineView):
        return [timeline(view, size)]
    if isinstance(view, CalendarView):
        return [calendar(view, size)]
    if isinstance(view, FormatDetail):
        return [format_detail(view, size)]
    raise TypeError(f"no terminal renderer for {type(view).__name__}")  # pragma: no cover


def styled_lines(lines: list[list[tuple[str, str | None]]]) -> Any:
    """Lines laid out by ``plain`` (text and style names) as one Rich renderable."""
    from rich.console import Group
    from rich.text import Text

    out = []
    for line in lines:
        text = Text(no_wrap=True, overflow="ellipsis")
        for piece, style in line:
            text.append(piece, style=STYLES.get(style or "", ""))
        out.append(text)
    return Group(*out)


def timeline(view: TimelineView, width: int) -> Any:
    from summit_cli.render.text import timeline_layout

    return styled_lines(timeline_layout(view, width))


def calendar(view: CalendarView, width: int) -> Any:
    from summit_cli.render.text import calendar_layout

    return styled_lines(calendar_layout(view, width))


def format_detail(view: FormatDetail, width: int) -> Any:
    from rich.console import Group

    return Group(card(view.card), table(view.history, width))


def live_countdown(
    target: Any,
    line: Any,
    *,
    sleep: Any,
    frames: int | None = None,
) -> None:
    """Show ``line()`` on *target* and redraw it after every ``sleep(1.0)``.

    Runs until interrupted (Ctrl-C propagates to the caller) or, when *frames*
    is given, after that many frames: tests pass a fake sleep and a count.
    """
    from rich.live import Live
    from rich.text import Text

    with Live(Text(line()), console=target, auto_refresh=False, transient=False) as live:
        shown = 1
        while frames is None or shown < frames:
            sleep(1.0)
            live.update(Text(line()), refresh=True)
            shown += 1
