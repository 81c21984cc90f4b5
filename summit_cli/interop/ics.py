"""iCalendar (RFC 5545): events to a calendar feed and calendar files back to events.

Built with the ``icalendar`` library (imported lazily: only ``export``/``import``
of ICS pay for it), never by string formatting, so text from the store cannot
inject properties or components.

Mapping (documented in the README):

- one VEVENT per event, ``UID:<id>@summits`` (re-exporting updates, never duplicates);
- timed events: DTSTART/DTEND with ``TZID`` of the venue's IANA zone plus the
  matching VTIMEZONE; an explicit UTC offset becomes UTC; floating times stay floating;
- date-only events: ``VALUE=DATE`` with an exclusive DTEND (the store's end is inclusive);
- LOCATION (venue, city, country), DESCRIPTION (outcome, participants, notes,
  sources), URL (the first http(s) source), CATEGORIES (format, kind, tags),
  STATUS (held/scheduled: CONFIRMED, postponed: TENTATIVE, cancelled: CANCELLED);
- ``X-SUMMITS-*`` properties carry what ICS has no place for (kind, format,
  round, venue, city, country, participants, status, outcome, notes, sources,
  tags, history, and the stored times where DTSTART/DTEND cannot say them
  exactly), so export then import reproduces the store; the calendar carries the
  definitions of the formats it uses in ``X-SUMMITS-FORMATS`` (JSON).

Import reads any VEVENT: a foreign event gets the id ``ics-<hash of its UID>``,
so importing the same invitation twice (or an updated one) never duplicates.
Recurrence rules are not read yet: the first occurrence is imported, with a warning.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from summit_cli import zones
from summit_cli.errors import InvalidData, Problem
from summit_cli.interop import xprops
from summit_cli.interop.batch import Batch
from summit_cli.model import SLUG_RE, Event, Format, Status, WallTime, parse_wall_time
from summit_cli.safetext import terminal_safe
from summit_cli.store.hardjson import parse_json

UID_SUFFIX = "@summits"
PRODID = "-//summits//summits timeline//EN"
X = "X-SUMMITS-"

STATUS_TO_ICS = {
    Status.HELD: "CONFIRMED",
    Status.SCHEDULED: "CONFIRMED",
    Status.POSTPONED: "TENTATIVE",
    Status.CANCELLED: "CANCELLED",
}
# Single-valued text fields carried as X-SUMMITS-<KEY>.
X_TEXT_KEYS = ("kind", "format", "venue", "city", "country", "status", "outcome", "notes")
# Multi-valued fields: one X-SUMMITS-<KEY> property per item.
X_LIST_KEYS = {"participants": "PARTICIPANT", "sources": "SOURCE", "tags": "TAG"}


def uid_for(event_id: str) -> str:
    """The stable UID of an event: its id plus ``@summits``."""
    return event_id + UID_SUFFIX


def id_for_uid(uid: str) -> str:
    """The event id for a UID: ours back to the id, a foreign one to ``ics-<hash>``."""
    if uid.endswith(UID_SUFFIX):
        candidate = uid[: -len(UID_SUFFIX)]
        if SLUG_RE.match(candidate):
            return candidate
    return "ics-" + hashlib.sha256(uid.encode("utf-8", "surrogatepass")).hexdigest()[:16]


# ------------------------------------------------------------------- times


def _zone(name: str | None) -> tzinfo | None:
    return zones.resolve_zone(name) if name else None


def _moment(wall: WallTime, zone: tzinfo | None) -> datetime:
    """A timed wall as the datetime to write: zone-aware, UTC for an offset, else naive."""
    clock = wall.time or datetime.min.time()
    if wall.offset is not None:
        return datetime.combine(wall.date, clock, timezone(wall.offset)).astimezone(UTC)
    return datetime.combine(wall.date, clock, zone)


def ics_times(
    start: WallTime, end: WallTime | None, tz_name: str | None
) -> tuple[date | datetime, date | datetime | None]:
    """(DTSTART, DTEND) for stored times; DTEND is None for a timed event without end."""
    zone = _zone(tz_name)
    if start.date_only and start.offset is None and (end is None or end.date_only):
        last = end.date if end is not None else start.date
        return start.date, max(last, start.date) + timedelta(days=1)
    dtstart = _moment(start, zone)
    if end is None:
        if start.date_only:  # a date with an offset: the whole day
            return dtstart, dtstart + timedelta(days=1)
        return dtstart, None
    if end.date_only:  # inclusive: up to the next midnight
        after = WallTime(end.date + timedelta(days=1), datetime.min.time(), end.offset)
        return dtstart, _moment(after, zone)
    return dtstart, _moment(end, zone)


def _iana(moment: datetime, tzid: str | None) -> str | None:
    """The IANA name of an aware datetime's zone, when there is a trustworthy one."""
    candidates = [getattr(moment.tzinfo, "key", None), tzid]
    if tzid:
        from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

        candidates.append(WINDOWS_TO_OLSON.get(tzid))
    for candidate in candidates:
        if not candidate or not isinstance(candidate, str):
            continue
        name = zones.canonical_zone_name(candidate)
        if name is None or name == "UTC":
            continue
        zone = zones.resolve_zone(name)
        # A custom VTIMEZONE that disagrees with the IANA rules is not that zone.
        if moment.replace(tzinfo=zone).utcoffset() == moment.utcoffset():
            return name
    return None


def _wall(moment: datetime, tz_name: str | None, offset: timedelta | None) -> WallTime:
    """A datetime as a stored wall time: in the zone, with the offset, or floating."""
    if moment.tzinfo is not None:
        if tz_name is not None:
            moment = moment.astimezone(zones.resolve_zone(tz_name))
        elif offset is not None:
            moment = moment.astimezone(timezone(offset))
    clock = moment.time().replace(microsecond=0, tzinfo=None)
    return WallTime(moment.date(), clock, offset if tz_name is None else None)


def walls_from_ics(
    dtstart: date | datetime,
    dtend: date | datetime | None,
    duration: timedelta | None = None,
    tzid: str | None = None,
) -> tuple[WallTime, WallTime | None, str | None]:
    """(start, end, timezone) to store for DTSTART/DTEND (or DURATION) of a VEVENT."""
    if not isinstance(dtstart, datetime):
        if dtend is None and duration is not None:
            dtend = dtstart + duration
        end_day = dtend if isinstance(dtend, date) else None
        if isinstance(end_day, datetime):
            end_day = end_day.date()
        last = end_day - timedelta(days=1) if end_day is not None else None
        end = WallTime(last) if last is not None and last > dtstart else None
        return WallTime(dtstart), end, None
    tz_name: str | None = None
    offset: timedelta | None = None
    if dtstart.tzinfo is not None:
        tz_name = _iana(dtstart, tzid)
        if tz_name is None:
            offset = dtstart.utcoffset()
    if dtend is None and duration is not None:
        dtend = dtstart + duration
    if dtend is not None and not isinstance(dtend, datetime):  # DATE end with a DATE-TIME start
        dtend = datetime.combine(dtend, datetime.min.time(), dtstart.tzinfo)
    if isinstance(dtend, datetime) and (dtend.tzinfo is None) != (dtstart.tzinfo is None):
        dtend = dtend.replace(tzinfo=dtstart.tzinfo)
    end = _wall(dtend, tz_name, offset) if dtend is not None else None
    return _wall(dtstart, tz_name, offset), end, tz_name


def _same(a: date | datetime | None, b: date | datetime | None) -> bool:
    """Equal as ICS values: the same instant (aware), wall time (floating) or day."""
    if a is None or b is None:
        return a is b
    if isinstance(a, datetime) != isinstance(b, datetime):
        return False
    if (
        isinstance(a, datetime)
        and isinstance(b, datetime)
        and (a.tzinfo is None) != (b.tzinfo is None)
    ):
        return False
    return a == b


# ------------------------------------------------------------------ export


def _location(event: Event) -> str:
    return ", ".join(p for p in (event.venue, event.city, event.country) if p)


def _description(event: Event, formats: Mapping[str, Format]) -> str:
    parts: list[str] = []
    if event.format:
        name = formats[event.format].name if event.format in formats else event.format
        parts.append(f"{name}, round {event.round}" if event.round else name)
    if event.outcome:
        parts.append(event.outcome)
    if event.participants:
        parts.append("Participants: " + ", ".join(event.participants))
    if event.notes:
        parts.append(event.notes)
    if event.sources:
        parts.append("Sources:\n" + "\n".join(f"- {s}" for s in event.sources))
    return "\n\n".join(parts)


def _is_url(text: str) -> bool:
    return re.match(r"https?://[^\s]+\Z", text, re.IGNORECASE) is not None


def _shown(text: str) -> str:
    """Text for a property calendar apps show: unsafe characters as visible escapes
    (the exact text travels in an X-SUMMITS-* property)."""
    return terminal_safe(text.replace("\r\n", "\n")).replace("\r", "\n")


def _x(text: str) -> Any:
    """An X-SUMMITS-* value that comes back byte-exact (see ``xprops``)."""
    from icalendar import vText

    value = vText(xprops.encode(text))
    value.params[xprops.ENCODING_PARAM] = xprops.PERCENT
    return value


def _vevent(event: Event, formats: Mapping[str, Format], stamp: datetime) -> Any:
    from icalendar import Event as VEvent

    item = VEvent()
    item.add("uid", uid_for(event.id))
    item.add("dtstamp", stamp.astimezone(UTC))
    item.add("summary", _shown(event.title))
    item.add(X + "TITLE", _x(event.title))
    dtstart, dtend = ics_times(event.start, event.end, event.timezone)
    item.add("dtstart", dtstart)
    if dtend is not None:
        item.add("dtend", dtend)
    if event.history:
        item.add("sequence", len(event.history))
    location = _location(event)
    if location:
        item.add("location", _shown(location))
    description = _description(event, formats)
    if description:
        item.add("description", _shown(description))
    url = next((s for s in event.sources if _is_url(s)), None)
    if url:
        item.add("url", url)
    categories = list(dict.fromkeys(c for c in (event.format, event.kind, *event.tags) if c))
    if categories:
        item.add("categories", [_shown(c) for c in categories])
    item.add("status", STATUS_TO_ICS[event.status])
    # What ICS has no place for, so that import gives back exactly this event.
    plain = event.to_plain()
    for key in X_TEXT_KEYS:
        if plain[key] is not None:
            item.add(X + key.upper(), _x(plain[key]))
    if event.round is not None:
        item.add(X + "ROUND", _x(str(event.round)))
    for key, name in X_LIST_KEYS.items():
        for value in plain[key]:
            item.add(X + name, _x(value))
    if event.history:
        item.add(X + "HISTORY", _x(json.dumps(plain["history"], ensure_ascii=False)))
    start, end, tz_name = walls_from_ics(dtstart, dtend)
    if (start, end) != (event.start, event.end):
        item.add(X + "START", _x(event.start.isoformat()))
        item.add(X + "END", _x(event.end.isoformat() if event.end else ""))
    if tz_name != event.timezone:
        item.add(X + "TIMEZONE", _x(event.timezone or ""))
    if event.rrule:
        _add_recurrence(item, event, dtstart)
    return item


def _ics_rule(event: Event, dtstart: Any) -> str:
    """The event's rule as RFC 5545 wants it next to this DTSTART (UNTIL's value type)."""
    from summit_cli.rrules import parse_until, rrule_parts

    assert event.rrule is not None
    parts = rrule_parts(event.rrule)
    until = parts.get("UNTIL")
    if until:
        day, clock, utc = parse_until(until)
        if not isinstance(dtstart, datetime):  # an all-day series: UNTIL is a DATE
            if utc and clock is not None:
                day = datetime.combine(day, clock, UTC).date()
            parts["UNTIL"] = day.strftime("%Y%m%d")
        elif not utc:  # a timed series: UNTIL in UTC; a date means the end of that day
            zone = dtstart.tzinfo or UTC
            local = datetime.combine(day, clock or time(23, 59, 59), zone)
            parts["UNTIL"] = local.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return ";".join(f"{k}={v}" for k, v in parts.items())


def _add_recurrence(item: Any, event: Event, dtstart: Any) -> None:
    """RRULE and EXDATE, so calendar apps repeat the event; X- copies keep the exact text."""
    from icalendar import vRecur

    assert event.rrule is not None
    item.add("rrule", vRecur.from_ical(_ics_rule(event, dtstart)))
    if event.exdates:
        skipped: list[date]
        if isinstance(dtstart, datetime):
            # An exception date skips the occurrence of that day, at the series' time of day.
            skipped = [datetime.combine(w.date, dtstart.timetz()) for w in event.exdates]
        else:
            skipped = [w.date for w in event.exdates]
        item.add("exdate", skipped)
    item.add(X + "RRULE", _x(event.rrule))
    for wall in event.exdates:
        item.add(X + "EXDATE", _x(wall.isoformat()))


def to_ics(
    events: Sequence[Event],
    formats: Mapping[str, Format],
    *,
    stamp: datetime,
    name: str = "summits",
) -> bytes:
    """An RFC 5545 calendar with one VEVENT per event, VTIMEZONEs for the zones used.

    *stamp* (aware) is the DTSTAMP of every event: pass "now" for a fresh export.
    """
    from icalendar import Calendar, vText

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", vText(_shown(name)))
    used = {e.format for e in events if e.format and e.format in formats}
    if used:
        definitions = {k: formats[k].to_stored() for k in sorted(used)}
        calendar.add(X + "FORMATS", _x(json.dumps(definitions, ensure_ascii=False)))
    for event in events:
        calendar.add_component(_vevent(event, formats, stamp))
    if events:
        days = [e.start.date for e in events] + [e.end.date for e in events if e.end]
        # VTIMEZONE rules covering every event (and a margin), from the packaged tzdata.
        first = max(min(days) - timedelta(days=366), date(1, 1, 2))
        last = min(max(days) + timedelta(days=731), date(9998, 12, 31))
        calendar.add_missing_timezones(first_date=first, last_date=last)
    data: bytes = calendar.to_ical()
    return data


# ------------------------------------------------------------------ import

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
            if _same(want_start, dtstart) and _same(want_end, dtend):
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
    from summit_cli.fromplain import Collector, format_from_plain

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
