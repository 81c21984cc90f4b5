"""Reference expansion of iCalendar data, for import-fidelity tests.

The reference is what two widely used third-party libraries make of a file:
``icalendar`` parses it and ``recurring_ical_events`` expands its ``VEVENT``
series (applying ``X-WR-TIMEZONE`` first, through ``x_wr_timezone.to_standard``,
which ``recurring_ical_events.of`` calls for every calendar it is given).
Tests compare what ``summits`` imports against these instants; the files are
in ``tests/corpus/ics`` (see its ``MANIFEST.json``).

Both functions are tolerant: they never raise for bad input.
"""

from __future__ import annotations

import codecs
import re
import warnings
from datetime import UTC, date, datetime
from typing import Any, ClassVar

import icalendar
import recurring_ical_events

ERROR_KEY = "__error__"
"""Key of the result of :func:`reference_instants` when the file cannot be expanded."""

Instant = tuple[str, str]


class _TolerantQuery(recurring_ical_events.CalendarQuery):  # type: ignore[misc]
    """A query that, with ``skip_bad_series``, also skips series missing DTSTART & co."""

    suppressed_errors: ClassVar[list[type[Exception]]] = [
        *recurring_ical_events.CalendarQuery.suppressed_errors,
        KeyError,
        TypeError,
        AttributeError,
        ValueError,
    ]


def _iso(value: object) -> str:
    """ISO 8601 text of a DTSTART/DTEND value, as the corpus tests compare it.

    Aware datetimes are given in UTC with a ``Z``, floating (naive) datetimes
    as naive ISO text, and dates as ``YYYY-MM-DD``.
    """
    if isinstance(value, datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            utc = value.astimezone(UTC).replace(tzinfo=None)
            return utc.isoformat(timespec="seconds") + "Z"
        return value.replace(tzinfo=None).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not a date or datetime: {value!r}")


def _occurrence_instant(component: Any) -> Instant:
    start = component.decoded("DTSTART")
    end_property = component.get("DTEND")
    end = start if end_property is None else end_property.dt
    return _iso(start), _iso(end)


def reference_instants(
    data: bytes,
    start: datetime,
    end: datetime,
    *,
    skip_bad_series: bool = False,
) -> dict[str, list[Instant]]:
    """Occurrences of every VEVENT in ``data`` overlapping ``[start, end)``, by UID.

    ``data`` may hold several VCALENDARs; their events are merged by UID.  An
    event without a UID is filed under ``""``.  Each UID maps to the sorted
    list of ``(start, end)`` instants of its occurrences, as ISO 8601 text
    (see :func:`_iso`); an event without DTEND or DURATION ends when it starts
    (or a day later for a date), as RFC 5545 says.

    ``start`` and ``end`` are passed to ``recurring_ical_events`` as they are:
    give both aware (UTC is fine) or both naive.

    This never raises for a broken file: the result is then
    ``{"__error__": [(exception class name, message)]}``.  By default one bad
    event (no DTSTART, an unparsable RRULE, ...) fails the whole file; with
    ``skip_bad_series`` such series are left out and the rest is returned.
    """
    try:
        _forget_custom_zones()
        by_uid: dict[str, list[Instant]] = {}
        with warnings.catch_warnings():
            # icalendar warns about guessed TZIDs and the like; a test run
            # with warnings as errors must still get the reference.
            warnings.simplefilter("ignore")
            calendars = icalendar.Calendar.from_ical(data, multiple=True)
            for calendar in calendars:
                query = recurring_ical_events.of(
                    calendar, skip_bad_series=skip_bad_series, calendar_query=_TolerantQuery
                )
                for occurrence in query.between(start, end):
                    uid = str(occurrence.get("UID", ""))
                    by_uid.setdefault(uid, []).append(_occurrence_instant(occurrence))
        return {uid: sorted(instants) for uid, instants in by_uid.items()}
    except Exception as error:  # the reference must never crash on a file
        return {ERROR_KEY: [(type(error).__name__, str(error))]}


def _forget_custom_zones() -> None:
    """Start with icalendar's zone cache empty.

    icalendar caches the zone of every VTIMEZONE it parses under its TZID, for the
    whole process, and the first definition wins: a later file's "Customized Time
    Zone" (or a TZID it does not define at all) would be read with an earlier file's
    rules. Choosing the provider again empties the cache.
    """
    provider = icalendar.timezone.tzp
    provider.use(provider.name)


_FOLD = re.compile(r"(?:\r\n|\n|\r)[ \t]")


def _text(data: bytes) -> str:
    """The text of ``data`` for lexical scanning: UTF-16 if it has that BOM, else bytes."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    # Latin-1 maps every byte to one character, so ASCII keywords survive
    # whatever the real encoding (UTF-8, Windows-1252, garbage) is.
    return data.removeprefix(codecs.BOM_UTF8).decode("latin-1")


def vevent_count(data: bytes) -> int:
    """Number of VEVENT components in ``data``; never raises.

    Counted lexically, so that it does not depend on any parser's leniency:
    ``BEGIN:VEVENT`` lines after unfolding, case-insensitively, with CRLF, LF
    or bare CR line endings, in UTF-8, 8-bit or (with a BOM) UTF-16 text.  On
    well-formed files this is what ``icalendar`` finds; it is more where
    ``icalendar`` silently drops events (an unterminated VCALENDAR, ``CR CR LF``
    line endings).
    """
    try:
        lines = _FOLD.sub("", _text(data)).splitlines()
        return sum(1 for line in lines if line.strip().upper() == "BEGIN:VEVENT")
    except Exception:  # tolerant by design; nothing above is expected to fail
        return 0


def summits_instants(events: Any, start: datetime, end: datetime) -> dict[str, list[Instant]]:
    """What summits makes of imported events, in the form of :func:`reference_instants`.

    ``events`` are :class:`summit_cli.model.Event` objects; each maps (by its id) to the
    sorted ``(start, end)`` of its occurrences overlapping ``[start, end)`` (``start``
    and ``end`` aware). Floating times are read at UTC and written without ``Z``, as the
    reference writes them; all-day events are written as dates (the end exclusive).
    """
    from summit_cli import recurrence
    from summit_cli.timeline import overlaps, span_of

    found: dict[str, list[Instant]] = {}
    for event in events:
        if event.recurs:
            pairs = [(o.event, o.span) for o in recurrence.occurrences(event, UTC, start, end)]
        else:
            span = span_of(event, UTC)
            pairs = [(event, span)] if overlaps(span, start, end) else []
        found.setdefault(event.id, [])
        for occurrence, span in pairs:
            found[event.id].append(_summits_instant(occurrence, span))
    return {key: sorted(value) for key, value in found.items()}


def _summits_instant(event: Any, span: Any) -> Instant:
    from datetime import timedelta

    end_wall = event.end
    if event.start.date_only and (end_wall is None or end_wall.date_only):
        return span.first_day().isoformat(), (span.last_day() + timedelta(days=1)).isoformat()

    def text(moment: datetime, wall: Any) -> str:
        pinned = event.timezone is not None or (wall is not None and wall.offset is not None)
        utc = moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
        return utc + "Z" if pinned else utc

    return text(span.start, event.start), text(span.end, end_wall or event.start)
