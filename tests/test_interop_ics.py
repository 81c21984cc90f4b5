"""iCalendar export and import (issue 6): real readers (icalendar, recurring-ical-events,
khal) see the same instants summits computes; export -> import reproduces the store;
hostile text cannot inject; importing twice changes nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED
from helpers import digest

from summit_cli import store
from summit_cli.interop import ics
from summit_cli.model import Event, Store, parse_wall_time
from summit_cli.timeline import span_of

icalendar = pytest.importorskip("icalendar")

# A store built to be awkward: DST changes inside events, all-day and multi-day
# events, floating times, UTC offsets, seconds, mixed date/time ends, history,
# and text with every character ICS has to escape.
GENERATED = """\
version: 1
formats:
  talks:
    name: "Talks; with, punctuation \\\\ and more"
    description: A track
    timezone: Europe/Zurich
events:
  - id: spring-forward
    title: Overnight talks across the spring DST change
    kind: talks
    format: talks
    round: 2
    start: "2022-03-26T22:00"
    end: "2022-03-27T10:00"
    timezone: Europe/Zurich
  - id: fall-back
    title: Overnight across the autumn change in New York
    start: "2022-11-05T20:00"
    end: "2022-11-06T08:00"
    timezone: America/New_York
    status: postponed
    history:
      - at: "2022-10-01T10:00:00Z"
        change: postponed
        status_before: scheduled
        reason: "venue; moved"
  - id: multi-day
    title: Three-day conference
    kind: ministerial
    start: "2022-03-26"
    end: "2022-03-28"
    timezone: Europe/Berlin
    city: Berlin
    country: Germany
  - id: weekly-council
    title: Weekly council across the DST change
    kind: council
    start: "2022-03-10T10:00"
    end: "2022-03-10T13:00"
    timezone: Europe/Vienna
    rrule: FREQ=WEEKLY;BYDAY=TH;UNTIL=20220421
    exdates: ["2022-03-31"]
  - id: monthly-day
    title: Monthly all-day review
    start: "2022-01-15"
    timezone: America/New_York
    rrule: FREQ=MONTHLY;COUNT=4
  - id: same-day-end
    title: One day, end given
    start: "2022-08-01"
    end: "2022-08-01"
  - id: floating-time
    title: Floating call
    kind: call
    start: "2022-05-01T09:00"
    end: "2022-05-01T09:45"
  - id: floating-day
    title: Floating day
    start: "2022-05-03"
  - id: offset-time
    title: Offset only
    start: "2022-05-02T09:00+03:00"
    end: "2022-05-02T10:30+03:00"
  - id: offset-with-zone
    title: Offset and a zone
    start: "2022-05-04T09:00+02:00"
    timezone: Europe/Paris
  - id: utc-zone
    title: In UTC
    start: "2022-05-05T12:00"
    end: "2022-05-05T13:00"
    timezone: UTC
  - id: day-then-time
    title: Starts on a day, ends at a time
    start: "2022-06-01"
    end: "2022-06-02T12:00"
    timezone: Asia/Tokyo
  - id: time-then-day
    title: Starts at a time, ends on a day
    start: "2022-06-10T09:00"
    end: "2022-06-11"
    timezone: Europe/London
  - id: no-end
    title: A moment in Kolkata
    start: "2022-07-01T12:00:30"
    timezone: Asia/Kolkata
    status: cancelled
  - id: hostile
    title: "Talks\\nEND:VEVENT\\nBEGIN:VEVENT\\nSUMMARY:injected; a, b \\\\ c"
    kind: round
    format: talks
    start: "2022-09-01T10:00"
    end: "2022-09-01T11:00"
    timezone: Europe/Zurich
    venue: "Hall; A, B"
    city: Geneva
    participants: ["A; B", "C, D", "E \\\\ F", "=SUM(1)"]
    outcome: "Line one\\nLine two; with, marks"
    notes: "X-INJECT:1\\nATTENDEE:mailto:x@example.org"
    sources: ["https://example.org/a?b=1;c=2", "A citation, with a comma"]
    tags: [a, "b;c"]
    status: held
"""


def _store(path: Path) -> Store:
    return store.load(path).store


def _write_generated(tmp_path: Path) -> Path:
    path = tmp_path / "generated.yaml"
    path.write_text(GENERATED, encoding="utf-8")
    _store(path)  # valid
    return path


def _export(invoke: Any, store_path: Path, *args: str) -> bytes:
    result = invoke("--store", str(store_path), "--now", "2022-01-01T00:00Z", "export", *args)
    assert result.exit_code == 0, result.stderr
    return bytes(result.stdout_bytes)


@pytest.fixture(params=["bundled", "generated"])
def source_store(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if request.param == "bundled":
        path = tmp_path / "bundled.yaml"
        shutil.copyfile(BUNDLED, path)
        return path
    return _write_generated(tmp_path)


def test_export_parses_one_vevent_per_event_with_stable_uids(
    invoke: Any, source_store: Path
) -> None:
    data = _export(invoke, source_store)
    calendar = icalendar.Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    expected = _store(source_store).events
    assert len(events) == len(expected)
    assert sorted(str(e["UID"]) for e in events) == sorted(f"{e.id}@summits" for e in expected)
    assert calendar["VERSION"] == "2.0"
    # Every TZID used has its VTIMEZONE.
    used = {
        e[key].params["TZID"]
        for e in events
        for key in ("DTSTART", "DTEND")
        if key in e and "TZID" in e[key].params
    }
    assert used <= {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    assert b"\r\n" in data and all(len(line) <= 75 for line in data.split(b"\r\n"))


def test_bundled_export_maps_fields(invoke: Any, store_path: Path) -> None:
    calendar = icalendar.Calendar.from_ical(_export(invoke, store_path))
    by_uid = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    ssd = by_uid["2022-01-10-geneva-ssd@summits"]
    assert ssd.decoded("DTSTART") == date(2022, 1, 10)
    assert ssd.decoded("DTEND") == date(2022, 1, 11)  # exclusive
    assert str(ssd["LOCATION"]) == "US Mission, Geneva, Switzerland"
    assert [str(c) for c in ssd["CATEGORIES"].cats] == [
        "geneva",
        "round",
        "arms-control",
        "security-guarantees",
    ]
    assert str(ssd["STATUS"]) == "CONFIRMED"
    assert "The first of the three formats" in str(ssd["DESCRIPTION"])
    assert "United States, Russia" in str(ssd["DESCRIPTION"])
    call = by_uid["2021-12-30-phone-call@summits"]
    assert call["DTSTART"].params["TZID"] == "America/New_York"
    assert call.decoded("DTSTART").astimezone(UTC) == datetime(2021, 12, 30, 20, 35, tzinfo=UTC)


def _occurrence_matches(event: Event, occurrence: Any) -> None:
    span = span_of(event, UTC)
    start = occurrence.decoded("DTSTART")
    end = occurrence.decoded("DTEND") if "DTEND" in occurrence else start
    if not isinstance(start, datetime):  # all-day: dates at the venue
        assert start == span.first_day(), event.id
        assert end == span.last_day() + timedelta(days=1), event.id
    elif start.tzinfo is None:  # floating: wall times
        assert start == span.start.replace(tzinfo=None), event.id
        assert end == span.end.replace(tzinfo=None), event.id
    else:
        assert start == span.start, event.id
        assert end == span.end, event.id


def test_recurring_ical_events_expands_to_the_instants_summits_computes(
    invoke: Any, source_store: Path
) -> None:
    recurring = pytest.importorskip("recurring_ical_events")
    from summit_cli import recurrence

    calendar = icalendar.Calendar.from_ical(_export(invoke, source_store))
    occurrences = recurring.of(calendar).between(date(1990, 1, 1), date(2100, 1, 1))
    by_uid: dict[str, list[Any]] = {}
    for occurrence in occurrences:
        by_uid.setdefault(str(occurrence["UID"]), []).append(occurrence)
    events = _store(source_store).events
    for event in events:
        found = sorted(by_uid.pop(f"{event.id}@summits"), key=lambda o: str(o.decoded("DTSTART")))
        if not event.rrule:
            assert len(found) == 1, event.id
            _occurrence_matches(event, found[0])
            continue
        # A series: the same occurrences, at the same instants, as summits expands it.
        ours = list(recurrence.occurrences(event, UTC, None, datetime(2100, 1, 1, tzinfo=UTC)))
        assert len(found) == len(ours), event.id
        for mine, theirs in zip(ours, found, strict=True):
            _occurrence_matches(mine.event, theirs)
    assert by_uid == {}


def test_export_then_import_reproduces_the_store(
    invoke: Any, source_store: Path, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.ics"
    result = invoke("--store", str(source_store), "export", "-o", str(feed))
    assert result.exit_code == 0, result.stderr
    target = tmp_path / "fresh.yaml"
    result = invoke("--store", str(target), "import", str(feed))
    assert result.exit_code == 0, result.stderr
    original, copy = _store(source_store), _store(target)
    assert copy.formats == original.formats
    assert sorted(copy.events, key=lambda e: e.id) == sorted(original.events, key=lambda e: e.id)
    assert "added" in result.stderr


def test_importing_twice_changes_nothing(invoke: Any, store_path: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed.ics"
    assert invoke("export", "-o", str(feed)).exit_code == 0
    before, mtime = digest(store_path), store_path.stat().st_mtime_ns
    for _ in range(2):
        result = invoke("import", str(feed))
        assert result.exit_code == 0, result.stderr
        assert "0 added, 0 updated, 7 unchanged" in result.stderr
    assert digest(store_path) == before
    assert store_path.stat().st_mtime_ns == mtime


def test_reexport_after_an_edit_updates_instead_of_duplicating(
    invoke: Any, store_path: Path, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.ics"
    assert invoke("export", "-o", str(feed)).exit_code == 0
    target = tmp_path / "team.yaml"
    assert invoke("--store", str(target), "import", str(feed)).exit_code == 0
    text = store_path.read_text(encoding="utf-8").replace(
        "title: OSCE Permanent Council", "title: OSCE Permanent Council (special session)"
    )
    store_path.write_text(text, encoding="utf-8")
    assert invoke("export", "-o", str(feed)).exit_code == 0
    result = invoke("--store", str(target), "import", str(feed))
    assert result.exit_code == 0, result.stderr
    assert "0 added, 1 updated, 6 unchanged" in result.stderr
    assert len(_store(target).events) == 7


HOSTILE_TITLES = [
    "Talks\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected",
    "Talks\nEND:VCALENDAR",
    "A\rB;C,D\\E:F",
    "X\r\nATTENDEE:mailto:evil@example.org",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_cannot_inject_properties_or_events(title: str) -> None:
    event = Event(id="x", title=title, start=parse_wall_time("2022-01-01"))
    data = ics.to_ics([event], {}, stamp=datetime(2022, 1, 1, tzinfo=UTC))
    lines = data.split(b"\r\n")
    assert lines.count(b"BEGIN:VEVENT") == 1
    assert lines.count(b"END:VEVENT") == 1
    assert lines.count(b"END:VCALENDAR") == 1
    assert not any(line.startswith((b"ATTENDEE", b"SUMMARY:injected")) for line in lines)
    assert b"\r" not in data.replace(b"\r\n", b"")
    parsed = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert len(parsed) == 1
    # RFC 5545 TEXT has no CR: line breaks come back as LF; everything else survives.
    assert str(parsed[0]["SUMMARY"]) == title.replace("\r\n", "\n").replace("\r", "\n")


INVITATION = """\
BEGIN:VCALENDAR\r
PRODID:-//Google Inc//Google Calendar 70.9054//EN\r
VERSION:2.0\r
METHOD:REQUEST\r
BEGIN:VTIMEZONE\r
TZID:Europe/Vienna\r
BEGIN:STANDARD\r
DTSTART:19701025T030000\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:19700329T020000\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
DTSTART;TZID=Europe/Vienna:20220113T100000\r
DTEND;TZID=Europe/Vienna:20220113T133000\r
DTSTAMP:20220105T090000Z\r
UID:7kukuqrfedlm2f3jqhmvm4p8s0@google.com\r
SUMMARY:OSCE Permanent Council\\, special session\r
LOCATION:Hofburg\\, Vienna\r
DESCRIPTION:Agenda: European security.\\nBring badges.\r
URL:https://www.osce.org/\r
CATEGORIES:security,osce\r
STATUS:CONFIRMED\r
SEQUENCE:{sequence}\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART:20220114T080000Z\r
DURATION:PT1H\r
DTSTAMP:20220105T090000Z\r
UID:second@example.org\r
SUMMARY:Debrief\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_import_an_invitation(invoke: Any, store_path: Path, tmp_path: Path) -> None:
    invitation = tmp_path / "invite.ics"
    invitation.write_text(INVITATION.replace("{sequence}", "0"), encoding="utf-8")
    result = invoke("import", str(invitation), "--format", "osce")
    assert result.exit_code == 0, result.stderr
    assert "2 added" in result.stderr
    events = {e.id: e for e in _store(store_path).events if e.id.startswith("ics-")}
    assert len(events) == 2
    council = next(e for e in events.values() if e.title.startswith("OSCE"))
    assert council.title == "OSCE Permanent Council, special session"
    assert (council.start.isoformat(), council.end and council.end.isoformat()) == (
        "2022-01-13T10:00",
        "2022-01-13T13:30",
    )
    assert council.timezone == "Europe/Vienna"
    assert council.format == "osce"
    assert council.venue == "Hofburg, Vienna"
    assert council.sources == ("https://www.osce.org/",)
    assert council.tags == ("security", "osce")
    assert council.notes == "Agenda: European security.\nBring badges."
    debrief = next(e for e in events.values() if e.title == "Debrief")
    assert debrief.start.isoformat() == "2022-01-14T08:00Z"
    assert debrief.end is not None and debrief.end.isoformat() == "2022-01-14T09:00Z"
    # The organiser moves the meeting: the same UID updates, never duplicates.
    moved = (
        INVITATION.replace("{sequence}", "1")
        .replace("T100000", "T150000")
        .replace("T133000", "T183000")
    )
    invitation.write_text(moved, encoding="utf-8")
    result = invoke("import", str(invitation), "--format", "osce")
    assert result.exit_code == 0, result.stderr
    assert "0 added, 1 updated, 1 unchanged" in result.stderr
    again = [e for e in _store(store_path).events if e.id == council.id]
    assert len(again) == 1 and again[0].start.isoformat() == "2022-01-13T15:00"
    # A cancellation (METHOD:CANCEL) marks it cancelled.
    cancel = moved.replace("METHOD:REQUEST", "METHOD:CANCEL")
    invitation.write_text(cancel, encoding="utf-8")
    assert invoke("import", str(invitation), "--format", "osce").exit_code == 0
    assert _store(store_path).event(council.id).status.value == "cancelled"  # type: ignore[union-attr]


def test_strict_import_is_all_or_nothing_and_lists_every_problem(
    invoke: Any, store_path: Path, tmp_path: Path
) -> None:
    # Issue 13: without --strict the flawed events are repaired or skipped (see
    # test_ics_import.py); with it, the old all-or-nothing import and its list.
    bad = INVITATION.replace("{sequence}", "0")
    bad = bad.replace("DTSTART:20220114T080000Z\r\n", "").replace(
        "SUMMARY:OSCE Permanent Council\\, special session\r\n", ""
    )
    path = tmp_path / "bad.ics"
    path.write_text(bad, encoding="utf-8")
    before = digest(store_path)
    result = invoke("import", str(path), "--strict")
    assert result.exit_code == 3
    assert "2 problems" in result.stderr
    assert "SUMMARY" in result.stderr and "DTSTART" in result.stderr
    assert digest(store_path) == before


def test_dry_run_and_unknown_format(invoke: Any, store_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "invite.ics"
    path.write_text(INVITATION.replace("{sequence}", "0"), encoding="utf-8")
    before = digest(store_path)
    result = invoke("import", str(path), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "would import" in result.stderr and "2 added" in result.stderr
    result = invoke("import", str(path), "--format", "nope")
    assert result.exit_code == 2 and "unknown format 'nope'" in result.stderr
    result = invoke("import", str(tmp_path / "missing.ics"))
    assert result.exit_code == 1
    garbage = tmp_path / "garbage.ics"
    garbage.write_bytes(b"\xff\xfe not utf-8")
    assert invoke("import", str(garbage)).exit_code == 3
    assert digest(store_path) == before


def test_a_recurring_invitation_keeps_its_rule(
    invoke: Any, store_path: Path, tmp_path: Path
) -> None:
    text = INVITATION.replace("{sequence}", "0").replace(
        "STATUS:CONFIRMED\r\n", "STATUS:CONFIRMED\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n"
    )
    path = tmp_path / "weekly.ics"
    path.write_text(text, encoding="utf-8")
    result = invoke("import", str(path))
    assert result.exit_code == 0, result.stderr
    imported = [e for e in _store(store_path).events if e.rrule]
    assert [e.rrule for e in imported] == ["FREQ=WEEKLY;COUNT=3"]


def test_export_options(invoke: Any, store_path: Path, tmp_path: Path) -> None:
    result = invoke("export", "--format", "geneva")
    assert result.exit_code == 0
    calendar = icalendar.Calendar.from_ical(result.stdout_bytes)
    assert len(calendar.walk("VEVENT")) == 2
    result = invoke("export", "-o", "json")
    assert result.exit_code == 2 and "--output json" in result.stderr
    feed = tmp_path / "feed.ics"
    assert invoke("export", "-o", str(feed)).exit_code == 0
    assert feed.stat().st_mode & 0o044  # readable by a web server, unlike mkstemp's 0600
    csv_file = tmp_path / "x.csv"
    assert invoke("export", "-o", str(csv_file)).exit_code == 0
    assert csv_file.read_text(encoding="utf-8").startswith("id,title,")


def test_export_does_not_import_icalendar_for_other_commands() -> None:
    code = (
        "import sys; from summit_cli.cli import app; "
        "assert 'icalendar' not in sys.modules and 'jsonschema' not in sys.modules, "
        "sorted(m for m in sys.modules if m.startswith(('icalendar', 'jsonschema')))"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _khal() -> str | None:
    found = shutil.which("khal") or str(Path(sys.executable).with_name("khal"))
    return found if found and os.access(found, os.X_OK) else None


@pytest.mark.slow
@pytest.mark.skipif(_khal() is None, reason="khal is not installed (pip install khal)")
def test_khal_imports_the_exported_calendar(invoke: Any, store_path: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed.ics"
    assert invoke("export", "-o", str(feed)).exit_code == 0
    calendars = tmp_path / "calendars" / "summits"
    calendars.mkdir(parents=True)
    config = tmp_path / "khal.conf"
    config.write_text(
        f"[calendars]\n[[summits]]\npath = {calendars}\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\n"
        "longdateformat = %Y-%m-%d\ndatetimeformat = %Y-%m-%d %H:%M\n"
        "longdatetimeformat = %Y-%m-%d %H:%M\ndefault_timezone = UTC\nlocal_timezone = UTC\n"
        f"[sqlite]\npath = {tmp_path / 'khal.db'}\n",
        encoding="utf-8",
    )
    khal = _khal()
    assert khal is not None
    env = {**os.environ, "TZ": "UTC"}
    base = [khal, "-c", str(config)]
    for _ in range(2):  # twice: re-import must not duplicate
        subprocess.run(
            [*base, "import", "--batch", "-a", "summits", str(feed)],
            check=True,
            env=env,
            capture_output=True,
        )
    assert len(list(calendars.glob("*.ics"))) == 7
    listing = subprocess.run(
        [*base, "list", "--format", "{start} {title}", "2021-12-30", "2d"],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    ).stdout
    assert "2021-12-30 20:35 Biden–Putin year-end telephone call" in listing
