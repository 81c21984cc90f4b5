"""ICS import fidelity (issue 13): real calendar files in, at the right instants.

One focused test per point: times in other zones (EXDATE/RDATE/RECURRENCE-ID in UTC),
the file's own VTIMEZONE, TZIDs that are no IANA name, X-WR-TIMEZONE, changed
occurrences and extra dates, one flawed event never refusing the file, --strict,
liberal reading (line ends, folding, encodings, missing END), and a property test
that mutates real corpus files. Where it helps, the instants are checked against
the reference (icalendar + recurring-ical-events, see ``ics_reference``).
"""

from __future__ import annotations

import codecs
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import INVALID_DATA, digest
from hypothesis import given, settings
from hypothesis import strategies as st
from ics_reference import reference_instants, summits_instants

from summit_cli import store
from summit_cli.errors import InvalidData
from summit_cli.interop import importing
from summit_cli.interop.batch import Batch, events_of
from summit_cli.interop.ics import ics_batch, id_for_uid
from summit_cli.model import Event, Store

CORPUS = Path(__file__).parent / "corpus" / "ics"
BERLIN = """BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:STANDARD
DTSTART:19701025T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
END:VTIMEZONE
"""


def calendar(*events: str, head: str = "") -> str:
    """A VCALENDAR (CRLF line ends) around VEVENT bodies (and calendar lines in *head*)."""
    body = "".join(f"BEGIN:VEVENT\n{e.strip()}\nEND:VEVENT\n" for e in events)
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{head}{body}END:VCALENDAR\n"
    return text.replace("\n", "\r\n")


def read(text: str, **how: Any) -> tuple[Batch, dict[str, Event]]:
    batch = ics_batch(text, "test.ics", **how)
    batch.check()
    return batch, {e.id: e for e in events_of(batch, Store())}


def one(text: str) -> tuple[Batch, Event]:
    batch, events = read(text)
    assert len(events) == 1, events
    return batch, next(iter(events.values()))


def said(batch: Batch) -> str:
    return "\n".join([*batch.notes, *batch.warnings, *batch.skipped])


def agree(text: str, start: str, end: str) -> None:
    """summits' instants of every event equal the reference's, UID by UID."""
    lo = datetime.fromisoformat(start).replace(tzinfo=UTC)
    hi = datetime.fromisoformat(end).replace(tzinfo=UTC)
    _, events = read(text)
    reference = reference_instants(text.encode(), lo, hi)
    ours = summits_instants(events.values(), lo, hi)
    assert {id_for_uid(uid): v for uid, v in reference.items()} == ours


# ----------------------------------------------------------------- times in another zone


def test_an_exdate_in_utc_removes_the_occurrence_of_its_day_in_the_series_zone() -> None:
    # SabreDAV/Thunderbird: a series at 00:30 Berlin, the EXDATE written in UTC the day before.
    text = calendar(
        """UID:utc-exdate
SUMMARY:Night shift
DTSTART;TZID=Europe/Berlin:20190309T003000
DTEND;TZID=Europe/Berlin:20190309T013000
RRULE:FREQ=DAILY;COUNT=5
EXDATE:20190310T233000Z""",
        head=BERLIN,
    )
    _, event = one(text)
    assert event.exdates[0].isoformat() == "2019-03-11"
    agree(text, "2019-03-01", "2019-04-01")


def test_rdate_and_recurrence_id_in_other_zones_are_read_as_their_instants() -> None:
    text = calendar(
        """UID:series
SUMMARY:Weekly
DTSTART;TZID=Europe/Berlin:20220301T100000
DTEND;TZID=Europe/Berlin:20220301T110000
RRULE:FREQ=WEEKLY;COUNT=4
RDATE;TZID=America/New_York:20220318T090000""",
        """UID:series
RECURRENCE-ID:20220308T090000Z
SUMMARY:Weekly (moved)
DTSTART:20220308T130000Z
DTEND:20220308T140000Z""",
        head=BERLIN,
    )
    _, event = one(text)
    assert [w.isoformat() for w in event.rdates] == ["2022-03-18T14:00"]
    (change,) = event.overrides
    assert change.to_plain() == {
        "of": "2022-03-08",
        "start": "2022-03-08T14:00",
        "title": "Weekly (moved)",
    }
    agree(text, "2022-02-01", "2022-05-01")


# ----------------------------------------------------------------- the file's own zones

CUSTOM = """BEGIN:VTIMEZONE
TZID:Customized Time Zone
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY={october};BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
"""


def test_a_custom_vtimezone_with_berlin_rules_is_read_as_europe_berlin() -> None:
    text = calendar(
        """UID:exchange
SUMMARY:Jour fixe
DTSTART;TZID=Customized Time Zone:20220103T090000
DTEND;TZID=Customized Time Zone:20220103T100000
RRULE:FREQ=WEEKLY;UNTIL=20221231T000000Z""",
        head=CUSTOM.replace("{october}", "-1SU"),
    )
    batch, event = one(text)
    assert event.timezone == "Europe/Berlin"
    assert "TZID 'Customized Time Zone' read as Europe/Berlin (same rules 2022)" in batch.notes
    agree(text, "2022-01-01", "2023-01-01")  # across both DST changes


def test_a_custom_vtimezone_like_no_iana_zone_keeps_its_own_instants_and_says_so() -> None:
    # Exchange's "4th Sunday of October": the last Sunday in 2022 is the 5th (the 30th).
    text = calendar(
        """UID:fourth-sunday
SUMMARY:Single meeting in the odd week
DTSTART;TZID=Customized Time Zone:20221026T090000
DTEND;TZID=Customized Time Zone:20221026T100000""",
        head=CUSTOM.replace("{october}", "4SU"),
    )
    batch, event = one(text)
    # The file's rules: winter time from 23 October, so 09:00 is 08:00 UTC (Berlin: 07:00).
    assert summits_instants([event], *_year(2022))[event.id] == [
        ("2022-10-26T08:00:00Z", "2022-10-26T09:00:00Z")
    ]
    assert "match no IANA zone" in said(batch) and "Customized Time Zone" in said(batch)
    agree(text, "2022-01-01", "2023-01-01")


def test_a_custom_vtimezone_without_daylight_saving_is_a_fixed_offset() -> None:
    zone = """BEGIN:VTIMEZONE
TZID:Kathmandu office
BEGIN:STANDARD
DTSTART:16010101T000000
TZOFFSETFROM:+0545
TZOFFSETTO:+0545
END:STANDARD
END:VTIMEZONE
"""
    text = calendar("UID:k\nSUMMARY:Call\nDTSTART;TZID=Kathmandu office:20220301T100000", head=zone)
    batch, event = one(text)
    assert event.start.isoformat() == "2022-03-01T10:00+05:45"
    assert "fixed offset +05:45" in said(batch)
    agree(text, "2022-01-01", "2023-01-01")


def _year(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tzid", "zone"),
    [
        ('"(UTC-05:00) Eastern Time (US and Canada)"', "America/New_York"),
        ('"(UTC-05:00) Eastern Time (US & Canada)"', "America/New_York"),
        ('"Amsterdam, Belgrade, Berlin, Bern, Rome, Stockholm, Vienna"', "Europe/Amsterdam"),
        ('"(UTC+10:00) Canberra, Melbourne, Sydney"', "Australia/Sydney"),
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("/mozilla.org/20050126_1/Europe/Vienna", "Europe/Vienna"),
    ],
)
def test_a_tzid_without_vtimezone_is_resolved_from_its_name(tzid: str, zone: str) -> None:
    text = calendar(f"UID:x\nSUMMARY:Call\nDTSTART;TZID={tzid}:20220701T100000")
    batch, event = one(text)
    assert event.timezone == zone
    assert event.start.isoformat() == "2022-07-01T10:00"
    assert f"read as {zone}" in said(batch)


def test_an_unknown_tzid_without_vtimezone_is_floating_with_a_warning() -> None:
    text = calendar("UID:x\nSUMMARY:Call\nDTSTART;TZID=Planet Mars:20220701T100000")
    batch, event = one(text)
    assert event.timezone is None and event.start.offset is None
    assert any("'Planet Mars' is not a known time zone" in w for w in batch.warnings)


def test_a_display_name_with_only_an_offset_is_a_fixed_offset_with_a_warning() -> None:
    text = calendar('UID:x\nSUMMARY:Call\nDTSTART;TZID="(GMT +01:00)":20220701T100000')
    batch, event = one(text)
    assert event.start.isoformat() == "2022-07-01T10:00+01:00"
    assert any("fixed offset +01:00" in w for w in batch.warnings)


def test_x_wr_timezone_applies_to_floating_and_utc_times() -> None:
    # Google: floating times and UTC times are meant in the calendar's zone.
    text = calendar(
        "UID:floating\nSUMMARY:Standup\nDTSTART:20220301T090000\nRRULE:FREQ=WEEKLY;COUNT=6",
        "UID:utc\nSUMMARY:Review\nDTSTART:20220301T080000Z\nRRULE:FREQ=WEEKLY;COUNT=6",
        "UID:zoned\nSUMMARY:Call\nDTSTART;TZID=America/New_York:20220301T090000",
        head="X-WR-TIMEZONE:Europe/Berlin\n",
    )
    batch, events = read(text)
    floating, utc, zoned = (events[id_for_uid(u)] for u in ("floating", "utc", "zoned"))
    assert (floating.timezone, floating.start.isoformat()) == ("Europe/Berlin", "2022-03-01T09:00")
    assert (utc.timezone, utc.start.isoformat()) == ("Europe/Berlin", "2022-03-01T09:00")
    assert zoned.timezone == "America/New_York"
    assert any("X-WR-TIMEZONE Europe/Berlin" in n for n in batch.notes)
    agree(text, "2022-02-01", "2022-05-01")  # the weekly series keep 09:00 across DST


# ----------------------------------------------------------------- series: overrides, rdates


def test_changed_occurrences_and_extra_dates_join_their_series() -> None:
    text = calendar(
        """UID:council
SUMMARY:Council
DTSTART;TZID=Europe/Berlin:20220106T100000
DTEND;TZID=Europe/Berlin:20220106T120000
RRULE:FREQ=WEEKLY;COUNT=6
RDATE;TZID=Europe/Berlin:20220111T150000
EXDATE;TZID=Europe/Berlin:20220203T100000""",
        """UID:council
RECURRENCE-ID;TZID=Europe/Berlin:20220113T100000
SUMMARY:Council
DTSTART;TZID=Europe/Berlin:20220114T110000
DTEND;TZID=Europe/Berlin:20220114T120000""",
        """UID:council
RECURRENCE-ID;TZID=Europe/Berlin:20220120T100000
SUMMARY:Council (cancelled)
STATUS:CANCELLED
DTSTART;TZID=Europe/Berlin:20220120T100000
DTEND;TZID=Europe/Berlin:20220120T120000""",
        head=BERLIN,
    )
    _, event = one(text)
    assert event.rrule == "FREQ=WEEKLY;COUNT=6"
    assert [w.isoformat() for w in event.rdates] == ["2022-01-11T15:00"]
    assert [w.isoformat() for w in event.exdates] == ["2022-02-03"]
    assert [o.to_plain() for o in event.overrides] == [
        {"of": "2022-01-13", "start": "2022-01-14T11:00", "end": "2022-01-14T12:00"},
        {"of": "2022-01-20", "status": "cancelled", "title": "Council (cancelled)"},
    ]
    agree(text, "2022-01-01", "2022-03-01")


def test_a_series_of_dtstart_and_rdates_without_a_rule() -> None:
    text = calendar(
        """UID:dates
SUMMARY:Rounds
DTSTART;VALUE=DATE:20220110
RDATE;VALUE=DATE:20220124,20220207
RDATE;VALUE=DATE:20220110"""
    )
    _, event = one(text)
    assert event.rrule is None
    assert [w.isoformat() for w in event.rdates] == ["2022-01-24", "2022-02-07"]  # no duplicate
    agree(text, "2022-01-01", "2022-03-01")


def test_an_rdate_period_of_another_length_changes_that_occurrence() -> None:
    text = calendar(
        """UID:p
SUMMARY:Talks
DTSTART:20220301T090000Z
DTEND:20220301T100000Z
RDATE;VALUE=PERIOD:20220305T090000Z/PT3H"""
    )
    _, event = one(text)
    assert [o.to_plain() for o in event.overrides] == [
        {"of": "2022-03-05", "end": "2022-03-05T12:00Z"}
    ]
    agree(text, "2022-02-01", "2022-04-01")


def test_an_invitation_to_one_occurrence_is_an_event_of_its_own_with_a_stable_id(
    invoke: Any, store_path: Path, tmp_path: Path
) -> None:
    text = calendar(
        """UID:weekly-call@example.org
RECURRENCE-ID;TZID=Europe/Berlin:20220113T100000
SUMMARY:Weekly call (this week only: 11:00)
DTSTART;TZID=Europe/Berlin:20220113T110000
DTEND;TZID=Europe/Berlin:20220113T120000""",
        head=BERLIN,
    )
    batch, event = one(text)
    assert event.start.isoformat() == "2022-01-13T11:00" and not event.recurs
    assert event.id != id_for_uid("weekly-call@example.org")
    assert any("series is not in the file" in n for n in batch.notes)
    path = tmp_path / "invite.ics"
    path.write_text(text, encoding="utf-8")
    assert invoke("import", str(path)).exit_code == 0
    again = invoke("import", str(path))
    assert again.exit_code == 0 and "0 added, 0 updated, 1 unchanged" in again.stderr


SERIES_STORE = """\
version: 1
events:
  - id: council
    title: Council
    start: "2022-03-03T10:00"
    end: "2022-03-03T12:00"
    timezone: Europe/Vienna
    rrule: FREQ=WEEKLY;COUNT=6
    exdates: ["2022-03-24"]
    rdates: ["2022-03-08T15:00"]
    overrides:
      - {of: "2022-03-10", start: "2022-03-11T09:00"}
      - {of: "2022-03-17", status: cancelled, title: "Council (off)"}
      - {of: "2022-03-31", status: postponed}
  - id: offset-series
    title: Offset
    start: "2022-05-02T09:00+03:00"
    end: "2022-05-02T10:00+03:00"
    rrule: FREQ=DAILY;COUNT=3
    overrides:
      - {of: "2022-05-03", start: "2022-05-03T11:00+03:00"}
  - id: dates-only
    title: Dates
    start: "2022-06-01"
    x-desk: {owner: "Europe desk", checked: true}
    rdates: ["2022-06-15", "2022-07-01"]
    overrides:
      - {of: "2022-06-15", title: "Mid-June"}
  - id: floating
    title: Floating
    start: "2022-08-01T09:00"
    rrule: FREQ=WEEKLY;COUNT=3
    overrides:
      - {of: "2022-08-08", start: "2022-08-08T10:30"}
"""


def test_series_and_unknown_keys_survive_export_then_import(invoke: Any, tmp_path: Path) -> None:
    source, feed, target = tmp_path / "src.yaml", tmp_path / "feed.ics", tmp_path / "dst.yaml"
    source.write_text(SERIES_STORE, encoding="utf-8")
    assert invoke("--store", str(source), "export", "-o", str(feed)).exit_code == 0
    result = invoke("--store", str(target), "import", str(feed), "--strict")
    assert result.exit_code == 0, result.stderr
    original = store.load(source).store.events
    assert store.load(target).store.events == original


# ----------------------------------------------------------------- one flaw never refuses the file


def test_missing_summary_and_uid_are_repaired_with_a_stable_id() -> None:
    text = calendar("DTSTART:20220301T090000Z\nLOCATION:Geneva")
    batch, event = one(text)
    assert event.title == "(no title)"
    warnings = "\n".join(batch.warnings)
    assert "VEVENT 1 (line 4): no SUMMARY" in warnings and "no UID" in warnings
    _, again = one(text.replace("PRODID:-//test//EN", "PRODID:-//other//EN"))
    assert again.id == event.id  # derived from the event, not from the file around it


@pytest.mark.parametrize(
    ("first", "second", "kept"),
    [
        ("SEQUENCE:2", "SEQUENCE:1", "first"),
        ("SEQUENCE:1", "SEQUENCE:2", "second"),
        ("DTSTAMP:20220102T000000Z", "DTSTAMP:20220101T000000Z", "first"),
        ("LAST-MODIFIED:20220101T000000Z", "LAST-MODIFIED:20220105T000000Z", "second"),
        ("SEQUENCE:0", "SEQUENCE:0", "second"),  # nothing else to go by: the later in the file
    ],
)
def test_a_uid_seen_twice_keeps_its_newest_copy(first: str, second: str, kept: str) -> None:
    text = calendar(
        f"UID:dup\nSUMMARY:first\nDTSTART:20220301T090000Z\n{first}",
        f"UID:dup\nSUMMARY:second\nDTSTART:20220302T090000Z\n{second}",
    )
    batch, event = one(text)
    assert event.title == kept
    dropped = "VEVENT 1 (line 4" if kept == "second" else "VEVENT 2 (line 10"
    assert any(s.startswith(dropped) and "older copy" in s for s in batch.skipped)


def test_empty_lines_broken_properties_and_a_second_rule_are_repaired() -> None:
    text = calendar(
        """UID:flawed
SUMMARY:Flawed
DTSTAMP:yesterday
ORGANIZER;CN="unterminated:mailto:x@example.org
DTSTART:20220301T090000Z
RRULE:
EXDATE:
RRULE:FREQ=WEEKLY;COUNT=3
RRULE:FREQ=MONTHLY;COUNT=2;BYMONTHDAY=20
X-BROKEN;;:"""
    )
    batch, event = one(text)
    assert event.rrule == "FREQ=WEEKLY;COUNT=3"
    assert [w.isoformat() for w in event.rdates] == ["2022-03-20T09:00Z", "2022-04-20T09:00Z"]
    warnings = "\n".join(batch.warnings)
    for fragment in (
        "DTSTAMP 'yesterday' unreadable",
        "empty RRULE",
        "empty EXDATE",
        "second RRULE",
    ):
        assert fragment in warnings
    assert all(w.startswith("VEVENT 1 (line 4, UID flawed)") for w in batch.warnings)
    # The reference refuses an empty EXDATE or RRULE: compare without them.
    agree(text.replace("EXDATE:\r\n", "").replace("RRULE:\r\n", ""), "2022-02-01", "2022-06-01")


def test_an_endless_second_rule_is_left_out_and_said() -> None:
    text = calendar(
        "UID:two\nSUMMARY:Two\nDTSTART:20220301T090000Z\n"
        "RRULE:FREQ=WEEKLY\nRRULE:FREQ=MONTHLY;BYMONTHDAY=20"
    )
    batch, event = one(text)
    assert event.rrule == "FREQ=WEEKLY" and not event.rdates
    assert any("second RRULE" in s for s in batch.skipped)


def test_a_rule_summits_cannot_keep_imports_its_dates_or_its_first_occurrence() -> None:
    text = calendar(
        "UID:hourly\nSUMMARY:Hourly\nDTSTART:20220301T090000Z\nRRULE:FREQ=HOURLY;COUNT=3",
        "UID:byhour\nSUMMARY:Twice a day\nDTSTART:20220301T090000Z\n"
        "RRULE:FREQ=DAILY;BYHOUR=9,15;COUNT=4",
        "UID:endless\nSUMMARY:Every day at two times\nDTSTART:20220301T090000Z\n"
        "RRULE:FREQ=DAILY;BYHOUR=9,15",
        "UID:yearly\nSUMMARY:Anniversary\nDTSTART;VALUE=DATE:20220301\n"
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1;BYHOUR=0;COUNT=3",
    )
    batch, events = read(text)
    for uid in ("hourly", "byhour", "endless"):
        event = events[id_for_uid(uid)]
        assert event.rrule is None and not event.rdates, uid
        assert any(f"UID {uid})" in w and "only the first occurrence" in w for w in batch.warnings)
    yearly = events[id_for_uid("yearly")]
    assert [w.isoformat() for w in yearly.rdates] == ["2023-03-01", "2024-03-01"]
    assert any("kept as its 3 dates" in w for w in batch.warnings)


def test_an_event_without_dtstart_is_skipped_and_the_rest_imported() -> None:
    text = calendar("UID:nostart\nSUMMARY:Nowhere", "UID:fine\nSUMMARY:Fine\nDTSTART:20220301")
    batch, events = read(text)
    assert list(events) == [id_for_uid("fine")]
    assert batch.skipped == [
        "VEVENT 1 (line 4, UID nostart): no DTSTART; the event cannot be placed"
    ]


def test_an_end_before_its_start_is_said_against_the_file_not_the_store() -> None:
    text = calendar(
        "UID:backwards\nSUMMARY:Backwards\nDTSTART:20220301T100000Z\nDTEND:20220301T090000Z"
    )
    batch, event = one(text)
    assert event.end is None
    assert batch.warnings == [
        "VEVENT 1 (line 4, UID backwards): ends (2022-03-01T09:00Z) before it starts "
        "(2022-03-01T10:00Z); end left out"
    ]


# ----------------------------------------------------------------- liberal reading


def _liberal(text: str) -> tuple[Batch, dict[str, Event]]:
    batch = importing.read_file(text.encode("utf-8"), "ics", "test.ics")
    batch.check()
    return batch, {e.id: e for e in events_of(batch, Store())}


PLAIN = calendar("UID:a\nSUMMARY:Talks in Zürich\nDTSTART:20220301T090000Z\nDTEND:20220301T100000Z")


@pytest.mark.parametrize(
    "variant",
    [
        PLAIN.replace("\r\n", "\n"),
        PLAIN.replace("\r\n", "\r"),
        PLAIN.replace("\r\n", "\r\r\n"),
        PLAIN.replace("SUMMARY:Talks in Zürich", "SUMMARY:Talks \r\n\tin Zürich"),
        PLAIN.replace("SUMMARY:Talks in Zürich", "SUMMARY:Talks \r\n in Zürich"),
        PLAIN.replace("SUMMARY:", "summary:").replace("DTSTART:", "dtstart:"),
        PLAIN.replace("END:VEVENT\r\nEND:VCALENDAR\r\n", ""),
        PLAIN.replace("DTEND:20220301T100000Z", "DURATION:PT1H"),
    ],
    ids=["lf", "cr", "cr-cr-lf", "tab-fold", "space-fold", "lower-case", "no-end", "duration"],
)
def test_liberal_reading_gives_the_same_event(variant: str) -> None:
    _, events = _liberal(variant)
    (event,) = events.values()
    assert (event.title, event.start.isoformat()) == ("Talks in Zürich", "2022-03-01T09:00Z")
    assert event.end is not None and event.end.isoformat() == "2022-03-01T10:00Z"


def test_missing_end_lines_are_said() -> None:
    batch, _ = _liberal(PLAIN.replace("END:VEVENT\r\nEND:VCALENDAR\r\n", ""))
    assert any("BEGIN:VEVENT has no END:VEVENT" in w for w in batch.warnings)


@pytest.mark.parametrize(
    ("data", "note"),
    [
        (PLAIN.encode("cp1252"), "read as Windows-1252"),
        (PLAIN.encode("latin-1"), "read as Windows-1252"),
        (codecs.BOM_UTF16_LE + PLAIN.encode("utf-16-le"), "read as UTF-16"),
        (codecs.BOM_UTF8 + PLAIN.encode("utf-8"), None),
    ],
    ids=["cp1252", "latin-1", "utf-16", "utf-8-bom"],
)
def test_encodings_real_files_have(data: bytes, note: str | None) -> None:
    batch = importing.read_file(data, "ics", "test.ics")
    (event,) = events_of(batch, Store())
    assert event.title == "Talks in Zürich"
    assert (note is None and not batch.notes) or any(note in n for n in batch.notes if note)


def test_a_date_start_with_a_timed_end_is_read() -> None:
    text = calendar("UID:mixed\nSUMMARY:Mixed\nDTSTART;VALUE=DATE:20220301\nDTEND:20220302T120000")
    batch, event = one(text)
    assert (event.start.isoformat(), event.end and event.end.isoformat()) == (
        "2022-03-01",
        "2022-03-02T12:00",
    )
    assert any("DTSTART is a date but DTEND has a time" in w for w in batch.warnings)


def test_text_that_is_no_calendar_is_invalid_data() -> None:
    with pytest.raises(InvalidData, match="not an iCalendar file"):
        ics_batch("just some text\nwith lines\n", "notes.ics")


# ----------------------------------------------------------------- the command


FLAWED = calendar(
    "UID:ok\nSUMMARY:Fine\nDTSTART:20220301T090000Z",
    "UID:untitled\nDTSTART:20220302T090000Z",
    "UID:nowhere\nSUMMARY:No start",
)


def test_import_reports_each_repair_and_skip_with_vevent_line_and_uid(
    invoke: Any, store_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "flawed.ics"
    path.write_text(FLAWED, encoding="utf-8")
    result = invoke("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "warning: VEVENT 2 (line 9, UID untitled): no SUMMARY; titled '(no title)'" in (
        result.stderr
    )
    assert "skipped VEVENT 3 (line 13, UID nowhere): no DTSTART" in result.stderr
    assert "2 added, 0 updated, 0 unchanged, 1 skipped" in result.stderr


def test_strict_import_refuses_any_repair_and_writes_nothing(
    invoke: Any, store_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "flawed.ics"
    path.write_text(FLAWED, encoding="utf-8")
    before = digest(store_path)
    result = invoke("import", str(path), "--strict")
    assert result.exit_code == INVALID_DATA
    assert "2 problems" in result.stderr
    assert "VEVENT 2 (line 9, UID untitled): no SUMMARY" in result.stderr
    assert "VEVENT 3 (line 13, UID nowhere): no DTSTART" in result.stderr
    assert digest(store_path) == before
    clean = tmp_path / "clean.ics"
    clean.write_text(calendar("UID:ok\nSUMMARY:Fine\nDTSTART:20220301T090000Z"), encoding="utf-8")
    assert invoke("import", str(clean), "--strict").exit_code == 0


def test_a_malformed_file_gets_a_message_and_exit_3(
    invoke: Any, store_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "binary.ics"
    path.write_bytes(bytes(range(256)) * 4)
    before = digest(store_path)
    result = invoke("import", str(path))
    assert result.exit_code == INVALID_DATA
    assert "not an iCalendar file" in result.stderr and "Traceback" not in result.stderr
    assert digest(store_path) == before


@pytest.mark.parametrize("kind", ["ics", "json", "csv"])
def test_a_format_defined_nowhere_is_created_from_its_key(
    invoke: Any, store_path: Path, tmp_path: Path, kind: str
) -> None:
    if kind == "ics":
        data = calendar("UID:f\nSUMMARY:Round\nDTSTART:20220301\nX-SUMMITS-FORMAT:normandy")
    elif kind == "json":
        data = '[{"id": "r1", "title": "Round", "start": "2022-03-01", "format": "normandy"}]'
    else:
        data = "id,title,start,format\nr1,Round,2022-03-01,normandy\n"
    path = tmp_path / f"in.{kind}"
    path.write_text(data, encoding="utf-8")
    before = digest(store_path)
    strict = invoke("import", str(path), "--strict")
    assert strict.exit_code == INVALID_DATA and "'normandy'" in strict.stderr
    assert digest(store_path) == before
    result = invoke("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "format 'normandy' is defined neither in the store nor in the file" in result.stderr
    assert "new formats: normandy" in result.stderr
    formats = store.load(store_path).store.formats
    assert formats["normandy"].name == "normandy"


# ----------------------------------------------------------------- nothing breaks it


def _corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*.ics") if p.stat().st_size < 60_000)


@st.composite
def _mutated(draw: Any) -> bytes:
    files = _corpus_files()
    data = draw(st.sampled_from(files)).read_bytes()
    lines = data.splitlines(keepends=True) or [b""]
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["truncate", "drop", "flip", "duplicate", "swap"]))
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        if action == "truncate":
            lines = [*lines[:at], lines[at][: draw(st.integers(0, len(lines[at])))]]
        elif action == "drop":
            del lines[at]
        elif action == "flip" and lines[at]:
            index = draw(st.integers(0, len(lines[at]) - 1))
            byte = draw(st.integers(0, 255))
            lines[at] = lines[at][:index] + bytes([byte]) + lines[at][index + 1 :]
        elif action == "duplicate":
            end = min(len(lines), at + draw(st.integers(1, 40)))
            lines = lines[:end] + lines[at:end] + lines[end:]
        else:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
    return b"".join(lines)


@pytest.mark.slow
@settings(max_examples=120, deadline=None)
@given(_mutated())
def test_mutated_corpus_files_raise_nothing_but_invalid_data_and_finish_quickly(
    data: bytes,
) -> None:
    began = time.monotonic()
    try:
        batch = importing.read_file(data, "ics", "mutated.ics")
        events_of(batch, Store())
        importing.read_file(data, "ics", "mutated.ics", importing.Reading(strict=True))
    except InvalidData:
        pass
    assert time.monotonic() - began < 5
