"""Month grids and English date names from fixed tables (no locale, no Rich).

The stdlib ``calendar`` module's text calendars follow the process locale
(and khal's grid breaks under ``C.UTF-8``); these tables never do.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from summit_cli.errors import InvalidInput

MONTH_NAMES: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAY_NAMES: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_SHORT: tuple[str, ...] = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
WEEK_STARTS = {"monday": 0, "sunday": 6}

_MONTH_RE = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\Z")


def weekday_name(day: date) -> str:
    """``Mon`` ... ``Sun``, whatever the locale."""
    return WEEKDAY_NAMES[day.weekday()]


def long_day(day: date) -> str:
    """``2022-01-10 Mon``."""
    return f"{day.isoformat()} {weekday_name(day)}"


def month_title(year: int, month: int) -> str:
    """``January 2022``."""
    return f"{MONTH_NAMES[month - 1]} {year}"


def add_months(year: int, month: int, count: int) -> tuple[int, int]:
    """The month *count* months after (or before, when negative) year-month."""
    index = year * 12 + (month - 1) + count
    return index // 12, index % 12 + 1


def month_days(year: int, month: int) -> int:
    nxt_year, nxt_month = add_months(year, month, 1)
    return (date(nxt_year, nxt_month, 1) - timedelta(days=1)).day


def weekday_header(week_start: int) -> list[str]:
    """Two-letter day names in column order for a week starting on *week_start* (0=Monday)."""
    return [WEEKDAY_SHORT[(week_start + i) % 7] for i in range(7)]


def month_weeks(year: int, month: int, week_start: int = 0) -> list[list[date | None]]:
    """The weeks of a month as rows of seven cells; None outside the month."""
    first = date(year, month, 1)
    lead = (first.weekday() - week_start) % 7
    cells: list[date | None] = [None] * lead
    cells += [date(year, month, d) for d in range(1, month_days(year, month) + 1)]
    cells += [None] * (-len(cells) % 7)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


def _month_number(word: str) -> int | None:
    lowered = word.lower().rstrip(".")
    if len(lowered) < 3:
        return None
    for index, name in enumerate(MONTH_NAMES):
        if name.lower().startswith(lowered):
            return index + 1
    return None


def parse_month(text: str, today: date) -> tuple[int, int]:
    """Read a month as people type it: ``2022-01``, ``2022-01-10``, ``jan 2022``,
    ``January`` (this year), ``this``/``now``, ``next``, ``last``.

    Raises InvalidInput quoting the input.
    """
    source = " ".join(text.split()).lower()
    if source in {"this", "now", "today"}:
        return today.year, today.month
    if source in {"next", "last", "previous"}:
        return add_months(today.year, today.month, 1 if source == "next" else -1)
    match = _MONTH_RE.match(source)
    if match:
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return year, month
    else:
        words = source.replace(",", " ").split()
        numbers = [w for w in words if w.isdigit()]
        names = [w for w in words if not w.isdigit()]
        if len(names) == 1 and len(numbers) <= 1:
            month_number = _month_number(names[0])
            year = int(numbers[0]) if numbers else today.year
            if month_number is not None and len(numbers[0] if numbers else "0000") == 4:
                return year, month_number
    raise InvalidInput(f"cannot read {text!r} as a month (use 2022-01, 'jan 2022' or 'next')")
