"""The only module that imports Rich: tables, cards and the two consoles.

Data never reaches Rich as markup: every cell is a ``Text`` built from
already-escaped strings (see ``safetext``), with emoji and highlighting off.
"""

from __future__ import annotations

from typing import IO, Any

from summit_cli.views import Card, Cell, TableView

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


def table(view: TableView) -> Any:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    grid = Table(
        title=Text(view.title) if view.title else None,
        caption=Text(view.caption) if view.caption else None,
        box=box.SIMPLE_HEAD,
        header_style="bold",
        expand=False,
    )
    for column in view.columns:
        grid.add_column(
            Text(column.header),
            justify=column.justify,  # type: ignore[arg-type]
            no_wrap=not column.wrap,
            overflow="fold" if column.wrap else "ellipsis",
            ratio=column.ratio,
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
            value.stylize(f"link {cell.text}")
        grid.add_row(Text(label), value)
    return Panel(grid, title=Text(view.title, style="bold"), title_align="left", expand=False)


def show(target: Any, renderable: Any) -> None:
    target.print(renderable)
