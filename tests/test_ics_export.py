"""What `export` writes, as real readers see it (issue 13, the export side).

Zone definitions that are right for every occurrence of an endless series, in the
form dateutil-, vobject- and icalendar-based readers understand; the same bytes for the
same store; no DTEND that is not after DTSTART; series with extra dates, skipped and
changed occurrences that calendar programs expand to the instants summits shows; and
icalendar, ics-py, vobject, khal and calcurse read the file with the same times.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zoneinfo
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from conftest import BUNDLED
from helpers import as_json, ok

from summit_cli import zones
from summit_cli.interop.ics.zonewrite import vtimezone

SERIES = """\
version: 1
events:
  - id: weekly
    title: OSCE Permanent Council
    start: "2022-01-13T10:00"
    end: "2022-01-13T13:00"
    timezone: Europe/Vienna
    rrule: FREQ=WEEKLY;BYDAY=TH
    rdates: ["2022-01-25T15:00"]
    exdates: ["2022-02-03"]
    overrides:
      - of: "2022-01-20"
        start: "2022-01-21T11:00"
      - of: "2022-01-27"
        status: cancelled
        title: OSCE PC (no agenda)
  - id: offset-call
    title: Call at an offset
    start: "2022-01-10T00:30+03:00"
    rrule: FREQ=DAILY;COUNT=5
    exdates: ["2022-01-12"]
  - id: retreat
    title: All-day retreat
    start: "2022-03-07"
    end: "2022-03-08"
    timezone: America/New_York
    rrule: FREQ=MONTHLY;BYDAY=1MO;COUNT=4
  - id: point
    title: Zero-length moment
    start: "2022-01-10T10:00"
    end: "2022-01-10T10:00"
    timezone: Europe/Zurich
  - id: floating
    title: Floating breakfast
    start: "2022-01-11T08:00"
"""

# Zones whose rules test the VTIMEZONE writer: the usual EU/US rules, a southern
# hemisphere, Ireland's "negative" summer time, abolished DST, a zone whose changes the
# tz database lists for decades ahead, onsets on another weekday (Gaza: "Thursday + 50h";
# Nuuk: "Sunday - 1h"), Santiago's 24:00 onsets, half-hour DST (Lord Howe), 45-minute
# offsets (Chatham), a zone that never changes.
ZONES = (
    "Europe/Zurich",
    "America/New_York",
    "Australia/Sydney",
    "Europe/Dublin",
    "America/Sao_Paulo",
    "Africa/Casablanca",
    "Asia/Gaza",
    "America/Nuuk",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Asia/Tehran",
    "Europe/Moscow",
    "Asia/Tokyo",
)


def _packaged(name: str) -> zoneinfo.ZoneInfo:
    """The zone as summits reads it: from the tzdata package, not the machine's copy."""
    from importlib.resources import files

    with files("tzdata").joinpath("zoneinfo", *name.split("/")).open("rb") as data:
        return zoneinfo.ZoneInfo.from_file(data, key=name)


def _calendar_with(text: str) -> str:
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\n{text}END:VCALENDAR\r\n"


def _instants(first: date, last: date) -> list[datetime]:
    """A moment every 97 hours (a different hour of the day each time) from *first* to *last*."""
    moment = datetime.combine(first, datetime.min.time(), UTC) + timedelta(hours=12)
    end = datetime.combine(last, datetime.min.time(), UTC)
    found = []
    while moment < end:
        found.append(moment)
        moment += timedelta(hours=97)
    return found


def _timezone(calendar: icalendar.Calendar) -> icalendar.Timezone:
    (zone,) = calendar.walk("VTIMEZONE")
    assert isinstance(zone, icalendar.Timezone)
    return zone


def _renamed_vtimezone(name: str, first: date, until: date) -> tuple[str, str]:
    """Our VTIMEZONE of *name* under a TZID no reader can look up (so it is read, not
    replaced by the reader's own copy of the zone)."""
    rules = zones.zone_rules(name)
    assert rules is not None
    component = vtimezone(name, rules, first, until)
    tzid = "Test/" + name.replace("/", "-")
    component["TZID"] = tzid
    return tzid, component.to_ical().decode()


@pytest.mark.parametrize("name", ZONES)
def test_vtimezone_gives_every_offset_to_dateutil_and_icalendar(name: str) -> None:
    from dateutil import tz as dateutil_tz

    first, until = date(2000, 1, 1), date(2040, 1, 1)
    tzid, text = _renamed_vtimezone(name, first, until)
    calendar = _calendar_with(text)
    readers = {
        "dateutil": dateutil_tz.tzical(io.StringIO(calendar)).get(tzid),
        "icalendar": _timezone(icalendar.Calendar.from_ical(calendar)).to_tz(),
    }
    reference = _packaged(name)
    # A yearly rule runs on past *until*; changes listed one by one stop there.
    last = date(2060, 1, 1)
    for reader, zone in readers.items():
        wrong = [
            t
            for t in _instants(first, last)
            if t.astimezone(zone).utcoffset() != t.astimezone(reference).utcoffset()
        ]
        assert wrong == [], (name, reader, wrong[:3])


def test_vtimezone_reads_in_vobject() -> None:
    vobject = pytest.importorskip("vobject")
    _tzid, text = _renamed_vtimezone("Europe/Zurich", date(2020, 1, 1), date(2030, 1, 1))
    zone = vobject.readOne(_calendar_with(text)).vtimezone.gettzinfo()
    reference = _packaged("Europe/Zurich")
    for t in _instants(date(2020, 1, 1), date(2050, 1, 1)):
        assert t.astimezone(zone).utcoffset() == t.astimezone(reference).utcoffset(), t


def test_vtimezone_onsets_are_local_times_before_the_change() -> None:
    # RFC 5545 3.6.5: DTSTART of a STANDARD/DAYLIGHT is in the offset before the change:
    # 02:00 CET for the spring change, 03:00 CEST for the autumn one.
    _, text = _renamed_vtimezone("Europe/Zurich", date(2022, 1, 1), date(2023, 1, 1))
    assert "DTSTART:20220327T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text
    assert "DTSTART:20221030T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in text
    # Gaza: "the Saturday after the fourth Thursday", said as days of the month.
    _, gaza = _renamed_vtimezone("Asia/Gaza", date(2030, 1, 1), date(2031, 1, 1))
    assert "BYMONTHDAY=24,25,26,27,28,29,30" in gaza and "BYDAY=SA" in gaza


@pytest.fixture
def series_store(tmp_path: Path) -> Path:
    path = tmp_path / "series.yaml"
    path.write_text(SERIES, encoding="utf-8")
    return path


def _export(invoke: Any, store: Path, *args: str) -> bytes:
    data: bytes = ok(invoke("--store", str(store), *args, "export")).stdout_bytes
    return data


def test_the_same_store_exports_the_same_bytes(invoke: Any, series_store: Path) -> None:
    first = _export(invoke, series_store, "--now", "2022-01-01")
    assert _export(invoke, series_store, "--now", "2026-11-30T12:34:56Z") == first
    assert _export(invoke, series_store) == first
    assert b"DTSTAMP:19700101T000000Z" in first
    # An event with history is stamped with its last change.
    ok(invoke("--store", str(series_store), "--now", "2022-01-05T10:00Z", "postpone", "point"))
    assert b"DTSTAMP:20220105T100000Z" in _export(invoke, series_store)


def test_no_dtend_is_at_or_before_its_dtstart(invoke: Any, series_store: Path) -> None:
    calendar = icalendar.Calendar.from_ical(_export(invoke, series_store))
    for item in calendar.walk("VEVENT"):
        if "DTEND" in item:
            assert item.decoded("DTEND") > item.decoded("DTSTART"), item["UID"]
    (point,) = [e for e in calendar.walk("VEVENT") if str(e["UID"]) == "point@summits"]
    assert "DTEND" not in point and "DURATION" not in point


def _summits_instants(invoke: Any, store: Path, lo: str, hi: str) -> list[tuple[str, str, str]]:
    records = as_json(
        invoke(
            "--store", str(store), "--now", lo, "--tz", "UTC",
            "list", "--from", lo, "--to", hi, "--output", "json",
        )
    )  # fmt: skip
    return sorted(
        (r["start_utc"] or r["start"], r["status"], r["title"])
        for r in records
        if r["id"] != "floating"
    )


STATUS = {"CONFIRMED": "scheduled", "CANCELLED": "cancelled", "TENTATIVE": "postponed"}


def _reference_instants(data: bytes, lo: date, hi: date) -> list[tuple[str, str, str]]:
    """The occurrences as recurring-ical-events expands the file, read through our
    VTIMEZONEs (every TZID renamed so no reader uses its own copy of the zone)."""
    import recurring_ical_events

    text = data.decode()
    for name in set(re.findall(r"TZID[:=]([A-Za-z_/]+)", text)):
        text = text.replace(f"TZID:{name}\r\n", f"TZID:Test-{name}\r\n")
        text = text.replace(f"TZID={name}:", f"TZID=Test-{name}:")
    calendar = icalendar.Calendar.from_ical(text)
    found = []
    for item in recurring_ical_events.of(calendar).between(lo, hi):
        start = item.decoded("DTSTART")
        if str(item["UID"]) == "floating@summits":
            continue
        if isinstance(start, datetime):
            when = start.astimezone(UTC).isoformat().replace("+00:00", "Z")
        else:
            when = start.isoformat()
        found.append((when, STATUS[str(item["STATUS"])], str(item["SUMMARY"])))
    return sorted(found)


def test_calendar_programs_expand_series_to_the_instants_summits_shows(
    invoke: Any, series_store: Path
) -> None:
    data = _export(invoke, series_store)
    got = _summits_instants(invoke, series_store, "2022-01-01", "2022-07-01")
    # All-day occurrences: recurring-ical-events gives dates, summits gives instants at the
    # venue's midnight; compare those by date.
    reference = _reference_instants(data, date(2022, 1, 1), date(2022, 7, 1))
    by_date = [(w[:10] if "T" not in w else w, s, t) for w, s, t in reference]
    mine = [(w[:10] if t == "All-day retreat" else w, s, t) for w, s, t in got]
    assert mine == sorted(by_date)
    assert ("2022-01-21T10:00:00Z", "scheduled", "OSCE Permanent Council") in mine  # moved
    assert ("2022-01-25T14:00:00Z", "scheduled", "OSCE Permanent Council") in mine  # extra
    assert ("2022-01-27T09:00:00Z", "cancelled", "OSCE PC (no agenda)") in mine


def test_an_endless_series_is_right_decades_ahead(invoke: Any, series_store: Path) -> None:
    # Outlook trusts the file's VTIMEZONE: its yearly rules must still hold in 2061.
    data = _export(invoke, series_store)
    lo, hi = date(2061, 3, 20), date(2061, 4, 10)  # across the 2061 spring change
    got = [g for g in _summits_instants(invoke, series_store, str(lo), str(hi)) if "OSCE" in g[2]]
    assert got == [g for g in _reference_instants(data, lo, hi) if "OSCE" in g[2]]
    assert [g[0] for g in got] == [
        "2061-03-24T09:00:00Z",
        "2061-03-31T08:00:00Z",
        "2061-04-07T08:00:00Z",
    ]


def test_an_offset_series_skips_the_right_day(invoke: Any, series_store: Path) -> None:
    # 00:30 at +03:00 is 21:30 UTC the day before: the EXDATE must name the instant of
    # the 12th at the venue, not 21:30 UTC on the 12th.
    data = _export(invoke, series_store)
    got = [
        g[0]
        for g in _reference_instants(data, date(2022, 1, 1), date(2022, 2, 1))
        if "Call" in g[2]
    ]
    assert got == [
        "2022-01-09T21:30:00Z",
        "2022-01-10T21:30:00Z",
        "2022-01-12T21:30:00Z",
        "2022-01-13T21:30:00Z",
    ]


@pytest.mark.parametrize("store_text", ["bundled", "series"])
def test_ics_py_and_vobject_read_the_export(invoke: Any, tmp_path: Path, store_text: str) -> None:
    ics_py = pytest.importorskip("ics")
    vobject = pytest.importorskip("vobject")
    path = tmp_path / "s.yaml"
    path.write_text(SERIES if store_text == "series" else BUNDLED.read_text(), encoding="utf-8")
    data = _export(invoke, path).decode()
    masters = [
        e for e in icalendar.Calendar.from_ical(data).walk("VEVENT") if "RECURRENCE-ID" not in e
    ]
    parsed = ics_py.Calendar(data)
    assert len(parsed.events) == len(icalendar.Calendar.from_ical(data).walk("VEVENT"))
    calendar = vobject.readOne(data)
    starts = {
        str(v.uid.value): v.dtstart.value
        for v in calendar.vevent_list
        if not hasattr(v, "recurrence_id")
    }
    assert set(starts) == {str(m["UID"]) for m in masters}
    for master in masters:
        want = master.decoded("DTSTART")
        got = starts[str(master["UID"])]
        if isinstance(want, datetime) and want.tzinfo is not None:
            assert got.astimezone(UTC) == want.astimezone(UTC), master["UID"]
        else:
            assert got == want, master["UID"]


def _calcurse() -> str | None:
    return shutil.which("calcurse")


@pytest.mark.skipif(
    _calcurse() is None, reason="calcurse is not installed (apt-get install calcurse)"
)
def test_calcurse_imports_every_event_at_the_same_times(
    invoke: Any, series_store: Path, tmp_path: Path
) -> None:
    for store in (BUNDLED, series_store):
        feed = tmp_path / f"{store.stem}.ics"
        feed.write_bytes(_export(invoke, store))
        folder = tmp_path / f"calcurse-{store.stem}"
        done = subprocess.run(
            [str(_calcurse()), "-D", str(folder), "-i", str(feed)],
            capture_output=True,
            text=True,
            env={**os.environ, "TZ": "UTC"},
            timeout=60,
            check=False,
        )
        assert "0 skipped" in done.stdout, done.stdout + done.stderr
    # The one-off timed events of the bundled store, in UTC (calcurse keeps local time).
    apts = (tmp_path / "calcurse-summits" / "apts").read_text(encoding="utf-8")
    timed = re.findall(r"(\d\d)/(\d\d)/(\d{4}) @ (\d\d:\d\d) -> .*?\|(.*)", apts)
    got = sorted(f"{y}-{m}-{d}T{hm}:00Z {title}" for m, d, y, hm, title in timed)
    records = as_json(
        invoke("--store", str(BUNDLED), "--now", "2021-01-01", "list", "--output", "json")
    )
    want = sorted(f"{r['start_utc']} {r['title']}" for r in records if not r["all_day"])
    assert got == want
