"""Calendar files to an import batch (``summits import``): every VEVENT as a plain record.

Pure: text in, a batch of records (and the formats the file defines) out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from summit_cli import zones
from summit_cli.errors import InvalidData, Problem
from summit_cli.interop import xprops
from summit_cli.interop.batch import Batch
from summit_cli.interop.ics.times import (
    X_LIST_KEYS,
    X_TEXT_KEYS,
    X,
    ics_times,
    id_for_uid,
    same_value,
    walls_from_ics,
)
from summit_cli.model import Status, WallTime, parse_wall_time
from summit_cli.store.hardjson import parse_json

_ESCAPE_RE = re.compile(r"\\([\\;,nN])")


def _unescape(value: Any) -> str:
    """An X- property's exact text: percent-decoded when it says so (what summits writes),
    else with RFC 5545 TEXT escapes undone (what older summits and other programs wrote)."""
    params = getattr(value, "params", {}) or {}
    raw = value.to_ical() if hasattr(value, "to_ical") else value
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    text = str(raw)
    if str(params.get(xprops.ENCODING_PARAM, "")).upper() == xprops.PERCENT:
        return xprops.decode(_ESCAPE_RE.sub(lambda m: m.group(1), text))
    return _ESCAPE_RE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def _all(component: Any, name: str) -> list[Any]:
    value = component.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _x_text(component: Any, key: str) -> str | None:
    values = _all(component, X + key.upper())
    return _unescape(values[0]) if values else None


def _text(component: Any, name: str) -> str | None:
    value = component.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value) if value is not None else None


def _categories(component: Any) -> list[str]:
    found: list[str] = []
    for value in _all(component, "CATEGORIES"):
        cats = getattr(value, "cats", None)
        found.extend(str(c) for c in (cats if cats is not None else [value]))
    return found


def _decoded(component: Any, name: str) -> Any:
    if name not in component:
        return None
    value = component.decoded(name)
    return value[0] if isinstance(value, list) else value


def _times(
    component: Any, where: str, problems: list[Problem]
) -> tuple[WallTime, WallTime | None, str | None] | None:
    try:
        dtstart = _decoded(component, "DTSTART")
        dtend = _decoded(component, "DTEND")
        duration = _decoded(component, "DURATION")
    except (ValueError, TypeError, KeyError) as exc:
        problems.append(Problem(where, f"unreadable date or time: {exc}"))
        return None
    if not isinstance(dtstart, date):
        problems.append(Problem(where, "DTSTART is missing"))
        return None
    if dtend is not None and not isinstance(dtend, date):
        dtend = None
    if duration is not None and not isinstance(duration, timedelta):
        duration = None
    tzid = None
    raw_start = component.get("DTSTART")
    params = getattr(raw_start, "params", None)
    if params is not None:
        tzid = params.get("TZID")
    try:
        start, end, tz_name = walls_from_ics(dtstart, dtend, duration, tzid)
    except (OverflowError, ValueError) as exc:
        problems.append(Problem(where, f"a date or duration out of range ({exc})"))
        return None
    # Our own export says the stored form exactly; trust it only while it still
    # describes the same DTSTART/DTEND (a calendar app may have moved the event).
    x_start, x_end, x_zone = (_x_text(component, k) for k in ("start", "end", "timezone"))
    zone_name = tz_name
    if x_zone is not None and tz_name is None:
        zone_name = x_zone or None
        if zone_name is not None and not zones.is_zone_name(zone_name):
            zone_name = None
    if x_start is not None:
        try:
            wanted = parse_wall_time(x_start), (parse_wall_time(x_end) if x_end else None)
            want_start, want_end = ics_times(wanted[0], wanted[1], zone_name)
            if same_value(want_start, dtstart) and same_value(want_end, dtend):
                return wanted[0], wanted[1], zone_name
        except (ValueError, LookupError):
            pass
    if x_zone is not None and tz_name is None and not start.date_only and start.offset is None:
        zone_name = None  # a floating time stays floating
    return start, end, zone_name


def _record(component: Any, where: str, cal_status: str | None, batch: Batch) -> dict[str, Any]:
    uid = _text(component, "UID")
    if not uid:
        batch.problems.append(Problem(where, "the VEVENT has no UID"))
    else:
        where = f"{where} (UID {uid})"
    plain: dict[str, Any] = {"id": id_for_uid(uid) if uid else None}
    plain["title"] = _x_text(component, "title") or _text(component, "SUMMARY")
    if plain["title"] is None:
        batch.problems.append(Problem(where, "the VEVENT has no SUMMARY (title)"))
    times = _times(component, where, batch.problems)
    if times is not None:
        start, end, tz_name = times
        plain["start"] = start.isoformat()
        plain["end"] = end.isoformat() if end else None
        plain["timezone"] = tz_name
    ours = any(key.startswith(X) for key in component)
    for key in X_TEXT_KEYS:
        plain[key] = _x_text(component, key)
    raw_round = _x_text(component, "round")
    digits = raw_round is not None and raw_round.isascii() and raw_round.isdigit()
    if raw_round is not None and digits and len(raw_round) < 10:
        plain["round"] = int(raw_round)
    else:
        plain["round"] = raw_round
    for key, name in X_LIST_KEYS.items():
        plain[key] = [_unescape(v) for v in _all(component, X + name)]
    history = _x_text(component, "history")
    if history:
        try:
            plain["history"] = parse_json(history, f"{where} X-SUMMITS-HISTORY")
        except InvalidData:
            batch.problems.append(Problem(where, "X-SUMMITS-HISTORY is not JSON"))
    if not ours:  # a foreign event (an invitation): take what ICS says
        status = (_text(component, "STATUS") or "").upper()
        cancelled = status == "CANCELLED" or cal_status == "CANCEL"
        plain["status"] = Status.CANCELLED.value if cancelled else Status.SCHEDULED.value
        plain["venue"] = _text(component, "LOCATION")
        plain["notes"] = _text(component, "DESCRIPTION")
        url = _text(component, "URL")
        plain["sources"] = [url] if url else []
        plain["tags"] = list(dict.fromkeys(_categories(component)))
    _recurrence_in(component, plain)
    if component.get("RDATE") is not None:
        batch.warnings.append(f"{where}: RDATE (extra dates) is not supported and was left out")
    return plain


def _recurrence_in(component: Any, plain: dict[str, Any]) -> None:
    """RRULE and EXDATE back into rrule/exdates (our own X- copies win: they are exact)."""
    own_rule = _x_text(component, "rrule")
    if own_rule:
        plain["rrule"] = own_rule
        plain["exdates"] = [_unescape(v) for v in _all(component, X + "EXDATE")]
        return
    rule = component.get("RRULE")
    if rule is None:
        return
    plain["rrule"] = rule.to_ical().decode()
    days: list[str] = []
    raw = component.get("EXDATE")
    for group in raw if isinstance(raw, list) else [raw] if raw is not None else []:
        for value in getattr(group, "dts", []):
            moment = value.dt
            days.append((moment.date() if isinstance(moment, datetime) else moment).isoformat())
    plain["exdates"] = list(dict.fromkeys(days))


def ics_batch(text: str, source: str) -> Batch:
    """The VEVENTs of an iCalendar text as a batch of records (and the formats it defines)."""
    from icalendar import Calendar

    batch = Batch(source)
    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise InvalidData(source, [Problem("", f"not a valid iCalendar file: {exc}")]) from None
    if not calendars:
        raise InvalidData(source, [Problem("", "no VCALENDAR in the file")])
    count = 0
    seen: set[str] = set()
    for calendar in calendars:
        cal_status = (_text(calendar, "METHOD") or "").upper() or None
        raw_formats = _x_text(calendar, "formats")
        if raw_formats:
            _formats_from_json(raw_formats, batch)
        for component in calendar.walk("VEVENT"):
            count += 1
            where = f"VEVENT {count}"
            for error in getattr(component, "errors", ()) or ():
                batch.problems.append(Problem(where, f"unreadable property: {error}"))
            uid = _text(component, "UID")
            if component.get("RECURRENCE-ID") is not None:
                batch.skipped.append(f"{where}: a changed occurrence of {uid} (not supported yet)")
                continue
            if uid and uid in seen:
                batch.problems.append(Problem(where, f"UID {uid} appears twice"))
                continue
            if uid:
                seen.add(uid)
            batch.records.append((where, _record(component, where, cal_status, batch)))
    if count == 0:
        batch.warnings.append("the calendar has no events (VEVENT)")
    return batch


def _formats_from_json(text: str, batch: Batch) -> None:
    from summit_cli.fromplain import format_from_plain
    from summit_cli.plaincheck import Collector

    try:
        raw = json.loads(text)
    except ValueError:
        batch.problems.append(Problem("X-SUMMITS-FORMATS", "not JSON"))
        return
    if not isinstance(raw, Mapping):
        batch.problems.append(Problem("X-SUMMITS-FORMATS", "not a mapping of formats"))
        return
    out = Collector()
    for key, value in raw.items():
        fmt = format_from_plain(key, value, out)
        if fmt is not None:
            batch.formats[fmt.key] = fmt
    batch.problems.extend(out.problems)
