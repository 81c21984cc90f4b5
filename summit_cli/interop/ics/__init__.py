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
so importing the same invitation twice (or an updated one) never duplicates. It is
liberal, as calendar programs are (``read``): RRULE, RDATE, EXDATE and changed
occurrences (RECURRENCE-ID) become the series' rrule, rdates, exdates and overrides;
times in any zone (UTC, Windows names, the file's own VTIMEZONE, X-WR-TIMEZONE) are
read as the instants they name; a flawed event is repaired or skipped, and said.
"""

from __future__ import annotations

from summit_cli.interop.ics.read import ics_batch
from summit_cli.interop.ics.times import id_for_uid, uid_for, walls_from_ics
from summit_cli.interop.ics.write import to_ics

__all__ = ["ics_batch", "id_for_uid", "to_ics", "uid_for", "walls_from_ics"]
