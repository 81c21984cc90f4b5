"""RRULE text (RFC 5545 recurrence rules): its parts, UNTIL values, and what an event may use.

Pure: nothing here expands a rule (see ``recurrence``) or reads the clock.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from summit_cli.model import check_date_range

RRULE_MAX_LEN = 500
MAX_COUNT = 100_000
MAX_INTERVAL = 1000
_WEEKDAYS = frozenset({"MO", "TU", "WE", "TH", "FR", "SA", "SU"})


def _small_number(text: str) -> bool:
    """ASCII digits, a few of them ('²' is a digit to str.isdigit, not to int)."""
    return 0 < len(text) <= 6 and text.isascii() and text.isdigit()


RRULE_FREQS: tuple[str, ...] = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
# An occurrence is named by its date, so a rule may give at most one per day; the
# start comes from the event's own start.
_RRULE_REFUSED = ("DTSTART", "BYHOUR", "BYMINUTE", "BYSECOND", "BYSETPOS")
_UNTIL_RE = re.compile(r"(\d{8})(?:T(\d{6})(Z)?)?\Z", re.ASCII)


def rrule_parts(text: str) -> dict[str, str]:
    """``FREQ=WEEKLY;BYDAY=TH`` (an ``RRULE:`` prefix is allowed) -> {"FREQ": ..., ...}.

    Raises ValueError naming what is wrong.
    """
    body = text.strip()
    if body[:6].upper() == "RRULE:":
        body = body[6:]
    if not body or "\n" in body or "\r" in body:
        raise ValueError(f"{text!r} is not an RRULE such as FREQ=WEEKLY;BYDAY=TH")
    parts: dict[str, str] = {}
    for item in body.split(";"):
        key, sep, value = item.partition("=")
        key = key.strip().upper()
        if not sep or not key or not value.strip():
            raise ValueError(f"{text!r}: {item!r} is not NAME=VALUE")
        if key in parts:
            raise ValueError(f"{text!r}: {key} is given twice")
        parts[key] = value.strip().upper()
    return parts


def parse_until(value: str) -> tuple[date, time | None, bool]:
    """An RRULE UNTIL value -> (date, time or None, is UTC); ValueError when malformed."""
    match = _UNTIL_RE.match(value)
    if not match:
        raise ValueError(f"UNTIL={value} is not YYYYMMDD or YYYYMMDDTHHMMSS[Z]")
    day_text, clock_text, utc = match.groups()
    try:
        day = date(int(day_text[:4]), int(day_text[4:6]), int(day_text[6:]))
        check_date_range(day, f"UNTIL={value}")
        clock = (
            time(int(clock_text[:2]), int(clock_text[2:4]), int(clock_text[4:]))
            if clock_text
            else None
        )
    except ValueError as exc:
        raise ValueError(f"UNTIL={value}: {exc}") from None
    return day, clock, bool(utc)


def check_rrule(text: str) -> str:
    """Validate an RRULE for an event; returns it as stored (stripped). Raises ValueError.

    Allowed: FREQ of YEARLY, MONTHLY, WEEKLY or DAILY with the usual BY* parts,
    INTERVAL, WKST and one of COUNT or UNTIL. Refused: DTSTART (the event's start
    is the series start) and parts that give several occurrences a day.
    """
    parts = rrule_parts(text)
    freq = parts.get("FREQ")
    if freq is None:
        raise ValueError(f"{text!r} has no FREQ (e.g. FREQ=WEEKLY;BYDAY=TH)")
    if freq not in RRULE_FREQS:
        raise ValueError(f"FREQ={freq} is not one of: {', '.join(RRULE_FREQS)}")
    refused = [key for key in _RRULE_REFUSED if key in parts]
    if refused:
        raise ValueError(f"{refused[0]} is not supported in an event's rrule")
    if "COUNT" in parts and "UNTIL" in parts:
        raise ValueError("give COUNT or UNTIL, not both")
    for key, top in (("COUNT", MAX_COUNT), ("INTERVAL", MAX_INTERVAL)):
        value = parts.get(key)
        if value is not None and not (_small_number(value) and 1 <= int(value) <= top):
            raise ValueError(f"{key}={value} must be a whole number from 1 to {top}")
    for key, top in (("BYMONTHDAY", 31), ("BYYEARDAY", 366), ("BYWEEKNO", 53), ("BYMONTH", 12)):
        for item in parts.get(key, "").split(",") if key in parts else ():
            number = item.lstrip("+-")
            if not (_small_number(number) and 1 <= int(number) <= top):
                raise ValueError(f"{key}={parts[key]}: each value must be from 1 to {top}")
    for item in parts.get("BYDAY", "").split(",") if "BYDAY" in parts else ():
        ordinal = item[:-2].lstrip("+-")
        if item[-2:] not in _WEEKDAYS or (
            ordinal and not (_small_number(ordinal) and 1 <= int(ordinal) <= 53)
        ):
            raise ValueError(f"BYDAY={parts['BYDAY']}: write days as MO, 2TU or -1FR")
    if "UNTIL" in parts:
        parse_until(parts["UNTIL"])
    body = ";".join(f"{k}={v}" for k, v in parts.items() if k != "UNTIL")
    from dateutil.rrule import rrulestr

    try:
        rrulestr(body, dtstart=datetime(2000, 1, 1))
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise ValueError(f"{text!r} is not a valid RRULE ({exc or type(exc).__name__})") from None
    return text.strip()
