"""Dates known only roughly, as negotiations are announced: a year, a half, a quarter, a
month, a third of a month ("late January"), an ISO week, or no date at all yet (tbd).

Each is a window of days; the store keeps the rough date as written, in one
canonical text per precision (``2022``, ``2022-H1``, ``2022-Q1``, ``2022-01``,
``2022-01-late``, ``2022-W03``, ``tbd``), never a made-up day. Pure.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, timedelta

# From the coarsest to the finest; "tbd" has no window at all.
PRECISIONS: tuple[str, ...] = ("tbd", "year", "half", "quarter", "month", "third", "week")
# What an exact start is, in machine output: a day, or a time of day.
EXACT: tuple[str, ...] = ("day", "time")
THIRDS: tuple[str, ...] = ("early", "mid", "late")
# A rough date's first day when it has none (tbd): after every real date, so it sorts last.
NO_DATE = date(8999, 12, 31)

_STORED_RE = re.compile(
    r"(?P<year>\d{4})"
    r"(?:-(?P<half>H[12])|-(?P<quarter>Q[1-4])|-W(?P<week>\d{2})"
    r"|-(?P<month>\d{2})(?:-(?P<third>early|mid|late))?)?\Z",
    re.ASCII,
)
_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_SHORT = tuple(m[:3].title() for m in _MONTHS)
_TBD = frozenset({"tbd", "tba", "tbc", "to be determined", "to be announced", "date not set"})
# Each precision's two texts: as stored (canonical) and as people read it (describe);
# anything else is written as its ISO week.
_FORMS: dict[str, tuple[str, str]] = {
    "tbd": ("tbd", "date not set"),
    "year": ("{year}", "{year}"),
    "half": ("{year}-H{half}", "H{half} {year}"),
    "quarter": ("{year}-Q{quarter}", "Q{quarter} {year}"),
    "month": ("{year}-{month:02d}", "{mon} {year}"),
    "third": ("{year}-{month:02d}-{third}", "{third} {mon} {year}"),
    "week": ("{iso_year}-W{week:02d}", "week {week} of {iso_year}"),
}


def window(precision: str, first: date) -> tuple[date, date]:
    """(first day, last day) of the rough date that starts on *first*."""
    if precision == "year":
        return first, date(first.year, 12, 31)
    if precision in {"half", "quarter", "month"}:
        months = {"half": 6, "quarter": 3, "month": 1}[precision]
        last_month = first.month + months - 1
        return first, date(first.year, last_month, monthrange(first.year, last_month)[1])
    if precision == "third":
        end = {1: 10, 11: 20}.get(first.day) or monthrange(first.year, first.month)[1]
        return first, first.replace(day=end)
    if precision == "week":
        return first, first + timedelta(days=6)
    return first, first  # tbd: no window (the caller knows)


def canonical(precision: str, first: date) -> str:
    """The stored text of a rough date."""
    return _FORMS.get(precision, _FORMS["week"])[0].format(**_parts(first))


def _third_start(year: int, month: int, third: str) -> date:
    return date(year, month, {"early": 1, "mid": 11, "late": 21}[third])


def _week_start(year: int, week: int) -> date:
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"{year} has no ISO week {week}") from None


def parse_stored(text: str) -> tuple[str, date] | None:
    """A canonical rough date -> (precision, first day); None when *text* is not one.
    Raises ValueError for a rough date that cannot be (month 13, week 54)."""
    stripped = text.strip()
    if stripped.lower() == "tbd":
        return "tbd", NO_DATE
    match = _STORED_RE.match(stripped)
    if match is None:
        return None
    year = int(match["year"])
    if match["half"]:
        return "half", date(year, 1 if match["half"] == "H1" else 7, 1)
    if match["quarter"]:
        return "quarter", date(year, 3 * int(match["quarter"][1]) - 2, 1)
    if match["week"]:
        return "week", _week_start(year, int(match["week"]))
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValueError(f"{text!r}: there is no month {month}")
        if match["third"]:
            return "third", _third_start(year, month, match["third"])
        return "month", date(year, month, 1)
    return "year", date(year, 1, 1)


def _month_number(word: str) -> int | None:
    lowered = word.lower().rstrip(".")
    for index, name in enumerate(_MONTHS):
        if len(lowered) >= 3 and name.startswith(lowered):
            return index + 1
    return None


_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4}
_TYPED_PATTERNS: tuple[tuple[str, str], ...] = (
    # early/mid/late January 2022, mid-Jan 2022, late 2022-01
    ("third", r"(?P<third>early|mid|late)[\s-]+(?P<month>[a-z]+\.?)\s+(?P<year>\d{4})"),
    ("third", r"(?P<third>early|mid|late)\s+(?P<year>\d{4})-(?P<mnum>\d{2})"),
    # January 2022, Jan. 2022
    ("month", r"(?P<month>[a-z]+\.?)\s+(?P<year>\d{4})"),
    # Q1 2022, 2022 Q1, first quarter (of) 2022
    ("quarter", r"q(?P<n>[1-4])\s+(?P<year>\d{4})"),
    ("quarter", r"(?P<year>\d{4})\s+q(?P<n>[1-4])"),
    ("quarter", r"(?:the\s+)?(?P<ord>[a-z0-9]+)\s+quarter\s+(?:of\s+)?(?P<year>\d{4})"),
    # H1 2022, first half (of) 2022
    ("half", r"h(?P<n>[12])\s+(?P<year>\d{4})"),
    ("half", r"(?P<year>\d{4})\s+h(?P<n>[12])"),
    ("half", r"(?:the\s+)?(?P<ord>first|1st|second|2nd)\s+half\s+(?:of\s+)?(?P<year>\d{4})"),
    # week 3 2022, week 3 of 2022, W03 2022
    ("week", r"(?:week|w)\s*(?P<n>\d{1,2})\s+(?:of\s+)?(?P<year>\d{4})"),
)


def parse_typed(text: str) -> tuple[str, date] | None:
    """A rough date as people write it ("late January 2022", "Q1 2022", "first half of
    2022", "week 3 2022", "tbd") or in its stored form -> (precision, first day); None
    when *text* is not a rough date. Raises ValueError for one that cannot be."""
    source = " ".join(text.split()).lower()
    if source in _TBD:
        return "tbd", NO_DATE
    letters = any(part in source for part in ("-w", "-q", "-h"))
    stored = parse_stored(source.upper() if letters else source)
    if stored is not None:
        return stored
    for precision, pattern in _TYPED_PATTERNS:
        match = re.fullmatch(pattern, source)
        if match is None:
            continue
        year = int(match["year"])
        groups = match.groupdict()
        if precision in {"third", "month"}:
            month = int(groups["mnum"]) if groups.get("mnum") else _month_number(groups["month"])
            if month is None or not 1 <= month <= 12:
                continue
            if precision == "third":
                return "third", _third_start(year, month, groups["third"])
            return "month", date(year, month, 1)
        n = int(groups["n"]) if groups.get("n") else _ORDINALS.get(groups.get("ord") or "")
        if n is None:
            continue
        if precision == "quarter":
            if not 1 <= n <= 4:
                continue
            return "quarter", date(year, 3 * n - 2, 1)
        if precision == "half":
            return "half", date(year, 1 if n == 1 else 7, 1)
        return "week", _week_start(year, n)
    return None


def describe(precision: str, first: date) -> str:
    """A rough date as people read it: "late Jan 2022", "Q1 2022", "week 3 of 2022"."""
    return _FORMS.get(precision, _FORMS["week"])[1].format(**_parts(first))


def _parts(first: date) -> dict[str, int | str]:
    """What the forms of a rough date starting on *first* are made of."""
    iso_year, week, _ = first.isocalendar()
    return {
        "year": first.year,
        "half": 1 if first.month <= 6 else 2,
        "quarter": (first.month - 1) // 3 + 1,
        "month": first.month,
        "mon": _SHORT[first.month - 1],
        "third": THIRDS[min(first.day // 10, 2)],
        "iso_year": iso_year,
        "week": week,
    }


def unit(precision: str) -> str:
    """The window as a span of time ("this month", "this week")."""
    return {"third": "third of the month"}.get(precision, precision)
