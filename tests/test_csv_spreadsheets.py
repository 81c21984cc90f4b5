"""CSV import that takes real spreadsheets (Excel, LibreOffice, Outlook, Google Calendar):
encodings, delimiters, header names, spreadsheet dates, rounds, zones and list cells.

The library functions are used directly: ``decode_text`` (bytes -> text), ``csv_batch``
(text -> batch) and ``events_of`` (batch -> validated events)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summit_cli import records
from summit_cli.dateorder import DateOrder
from summit_cli.errors import InvalidData
from summit_cli.interop.batch import Batch, events_of
from summit_cli.interop.csv_in import csv_batch
from summit_cli.interop.textcodec import decode_text as decode_csv
from summit_cli.model import Event, Store, WallTime
from summit_cli.query import Placed
from summit_cli.timeline import span_of
from summit_cli.writers import to_csv

DATA = Path(__file__).parent / "data" / "csv"
DMY, MDY = DateOrder(dayfirst=True), DateOrder(dayfirst=False)


def _read(name: str, encoding: str | None = None) -> tuple[str, list[str]]:
    return decode_csv((DATA / name).read_bytes(), name, encoding)


def _batch(name: str, encoding: str | None = None, **options: Any) -> Batch:
    text, _ = _read(name, encoding)
    return csv_batch(text, name, **options)


def _events(batch: Batch) -> list[Event]:
    return events_of(batch, Store())


def _stored(text: str, **options: Any) -> list[dict[str, Any]]:
    batch = csv_batch(text, "x.csv", **options)
    assert not batch.problems, batch.problems
    return [e.to_stored() for e in _events(batch)]


def _problems(text: str, **options: Any) -> list[str]:
    return [str(p) for p in csv_batch(text, "x.csv", **options).problems]


# --- encodings ---------------------------------------------------------------------------


def test_utf8_with_a_bom_reads_as_utf8() -> None:
    text, notes = _read("utf8_bom.csv")
    assert notes == [] and text.startswith("Title,")
    events = _events(csv_batch(text, "utf8_bom.csv"))
    assert [(e.title, e.city) for e in events] == [("Strategic Stability Dialogue", "Genève")]


def test_utf8_without_a_bom_and_bom_inside_text_are_read() -> None:
    assert decode_csv("title,start\r\nZürich,2022-01-10\r\n".encode(), "x") == (
        "title,start\r\nZürich,2022-01-10\r\n",
        [],
    )
    # csv_batch also drops a BOM left at the start of the text (utf-8 asked explicitly).
    text, notes = decode_csv(b"\xef\xbb\xbftitle,start\r\nX,2022-01-10\r\n", "x", "utf-8")
    assert notes == ["read as utf-8"]
    assert _stored(text)[0]["title"] == "X"


def test_utf16_bom_is_recognised_without_asking() -> None:
    text, notes = _read("excel_unicode_text.txt")  # Excel's "Unicode Text": UTF-16, tabs
    assert notes == ["read as UTF-16 (the file starts with its byte order mark)"]
    batch = csv_batch(text, "excel_unicode_text.txt")
    assert [(e.title, e.city) for e in _events(batch)] == [("Переговоры в Женеве", "Женева")]


def test_cp1252_file_is_refused_naming_line_byte_and_codec() -> None:
    with pytest.raises(InvalidData) as caught:
        _read("excel_german_cp1252.csv")
    assert [str(p) for p in caught.value.problems] == [
        "line 2: not valid UTF-8 (byte 0xe4): save it as UTF-8 or give --encoding cp1252"
    ]  # the first bad byte is ä; the en dash (0x96) further down makes it cp1252


def test_latin1_is_suggested_without_cp1252_bytes() -> None:
    with pytest.raises(InvalidData) as caught:
        decode_csv(b"title,start\nZ\xfcrich,2022-01-10\n", "x.csv")
    assert str(caught.value) == (
        "x.csv: line 2: not valid UTF-8 (byte 0xfc): save it as UTF-8 or give --encoding latin-1"
    )


def test_encoding_given_is_used_and_noted() -> None:
    text, notes = _read("excel_german_cp1252.csv", "cp1252")
    assert notes == ["read as cp1252"]
    assert "NATO–Russland-Rat" in text


@pytest.mark.parametrize(
    ("data", "encoding", "message"),
    [
        (b"x", "no-such-codec", "unknown encoding 'no-such-codec'"),
        (b"x", "rot13", "unknown encoding 'rot13'"),
        (b"title\n\xff\xfe", "utf-8", "line 2: not valid UTF-8 (byte 0xff)"),
        (b"\xef\xbb\xbftitle", "cp1252", "it is UTF-8, not cp1252"),
        ("title,start".encode("utf-16-le"), None, "give --encoding utf-16-le"),
    ],
)
def test_encoding_problems_are_invalid_data(
    data: bytes, encoding: str | None, message: str
) -> None:
    with pytest.raises(InvalidData) as caught:
        decode_csv(data, "x.csv", encoding)
    assert message in str(caught.value)


# --- delimiters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title", "warnings"),
    [
        ("title,start\r\nA; B,2022-01-10\r\n", "A; B", []),
        ('title;start\r\n"A, B";2022-01-10\r\n', "A, B", ["read with ';' between columns"]),
        ("title\tstart\nA, B; C\t2022-01-10\n", "A, B; C", ["read with tabs between columns"]),
    ],
)
def test_delimiter_is_detected_and_said(text: str, title: str, warnings: list[str]) -> None:
    batch = csv_batch(text, "x.csv")
    assert batch.warnings == warnings
    assert [e.title for e in _events(batch)] == [title]


def test_tab_separated_file() -> None:
    batch = _batch("tab_separated.tsv")
    assert batch.warnings == ["read with tabs between columns"]
    first, second = _events(batch)
    assert (first.title, first.round, first.timezone) == (
        "Vienna talks, eighth round",
        8,
        "Europe/Vienna",
    )
    assert first.participants == ("Ali Bagheri Kani", "Enrique Mora")
    assert second.start == WallTime(datetime(2022, 1, 10).date())


def test_semicolon_excel_file_in_cp1252_with_german_dates() -> None:
    batch = _batch("excel_german_cp1252.csv", "cp1252", date_order=DMY, zone="Europe/Zurich")
    assert batch.warnings == ["read with ';' between columns"]
    stored = [e.to_stored() for e in _events(batch)]
    assert stored[0]["title"] == "Gespräche über Sicherheitsgarantien"
    assert (stored[0]["start"], stored[0]["end"]) == ("2022-01-10T09:00", "2022-01-10T17:30")
    assert stored[0]["participants"] == ["Wendy Sherman", "Sergei Ryabkov"]
    assert stored[0]["timezone"] == "Europe/Zurich"
    assert (stored[1]["title"], stored[1]["start"]) == ("NATO–Russland-Rat", "2022-01-12T10:00")
    assert (stored[2]["start"], stored[2]["round"]) == ("2022-01-13", 3)
    assert "timezone" not in stored[2]  # a date alone: --tz is for times
    assert stored[2]["tags"] == ["osce", "security-guarantees"]


def test_summits_export_with_semicolons_in_cells_is_still_comma_separated() -> None:
    text = "id,title,start,participants\r\nx,a;b;c;d;e,2022-01-10,p;q;r;s\r\n"
    assert _stored(text)[0]["title"] == "a;b;c;d;e"


# --- headers ------------------------------------------------------------------------------


def test_headers_are_case_insensitive_and_trimmed() -> None:
    text = "Title, START ,  Time   Zone ,City\r\nTalks,2022-01-10T09:00,Europe/Zurich,Geneva\r\n"
    assert "'Time   Zone'" in _problems(text)[0]  # a word inside a name still has to match
    text = "Title, START ,TimeZone,City\r\nTalks,2022-01-10T09:00,Europe/Zurich,Geneva\r\n"
    assert _stored(text)[0]["timezone"] == "Europe/Zurich"


def test_unknown_columns_are_still_an_error() -> None:
    problems = _problems("title,start,titel\r\nA,2022-01-10,B\r\n")
    assert len(problems) == 1 and problems[0].startswith("line 1: unknown column(s) 'titel'")


def test_an_alias_and_its_key_together_are_an_error() -> None:
    problems = _problems("Title,Subject,Start\r\nA,B,2022-01-10\r\n")
    assert problems == ["line 1: columns 'Title' and 'Subject' are both title"]
    problems = _problems("Title,Start,Start Date\r\nA,2022-01-10,2022-01-10\r\n")
    assert problems == ["line 1: columns 'Start' and 'Start Date' both give the start"]


def test_trailing_empty_columns_are_ignored() -> None:
    batch = _batch("trailing_empty_columns.csv")
    assert batch.problems == [] and batch.warnings == []
    assert [(e.title, e.city) for e in _events(batch)] == [
        ("Strategic Stability Dialogue", "Geneva"),
        ("NATO-Russia Council", "Brussels"),  # a row that drops its trailing empty cells
        ("OSCE Permanent Council", "Vienna"),  # a row with more (empty) cells than the header
    ]


def test_a_value_under_an_empty_header_is_an_error() -> None:
    problems = _problems("title,start,\r\nA,2022-01-10,\r\nB,2022-01-11,oops\r\n")
    assert problems == ["line 3: a value in column 3, which has no name"]


def test_outlook_export() -> None:
    batch = _batch("outlook_export.csv", date_order=MDY)
    assert batch.problems == []
    assert batch.warnings == [
        "2 events have a time but no time zone (read as floating): give --tz ZONE to set it",
        "column(s) 'Reminder on/off', 'Reminder Date', 'Reminder Time', 'Meeting Organizer', "
        "'Priority', 'Private', 'Sensitivity', 'Show time as' not imported "
        "(summits has no place for them)",
    ]
    dialogue, council, osce = (e.to_stored() for e in _events(batch))
    assert dialogue == {
        "id": "",
        "title": "Strategic Stability Dialogue",
        "kind": "other",
        "start": "2022-01-10T09:00",
        "end": "2022-01-10T17:30",
        "venue": "US Mission, Geneva",
        "participants": ["Wendy Sherman", "Sergei Ryabkov"],
        "status": "scheduled",
        "tags": ["security-guarantees"],
        "notes": "Bilateral talks on security guarantees.\r\nSecond line of the note.",
    }
    assert council["participants"] == ["Jens Stoltenberg", "Alexander Grushko"]
    assert (council["start"], council["end"]) == ("2022-01-12T10:00", "2022-01-12T14:00")
    # All day, ending at the next midnight as Outlook writes it: one day, date-only.
    assert osce["start"] == "2022-01-13" and "end" not in osce


def test_outlook_export_problems_name_the_line_after_a_multi_line_cell() -> None:
    problems = [str(p) for p in _batch("outlook_export.csv").problems]
    assert [p.split(":")[0] for p in problems] == ["line 2", "line 4"]
    assert all("--date-order" in p for p in problems)


def test_google_calendar_export() -> None:
    batch = _batch("google_calendar.csv", date_order=MDY, zone="Geneva")
    assert batch.warnings == ["column(s) 'Private' not imported (summits has no place for them)"]
    talks, vienna = (e.to_stored() for e in _events(batch))
    assert (talks["start"], talks["end"], talks["timezone"]) == (
        "2022-01-10T09:00",
        "2022-01-10T17:30",
        "Europe/Zurich",  # --tz takes a city the project knows
    )
    assert (talks["venue"], talks["notes"]) == ("Geneva", "Strategic stability, day one")
    # All day with an end date and no end time: the end day is inclusive, as in the store.
    assert (vienna["start"], vienna["end"]) == ("2021-12-27", "2021-12-30")


@pytest.mark.parametrize(
    ("header", "row", "problem"),
    [
        ("title,Start Time", "A,10:00", "column(s) 'Start Time' need a 'Start Date' column"),
        ("title,start,End Time", "A,2022-01-10,10:00", "'End Time' need a 'Start Date' column"),
        ("title,Start Date,End Time", "A,,10:00", "line 2: a time or an end without a start date"),
        ("title,city", "A,B", "line 1: a 'start' column is required"),
    ],
)
def test_calendar_time_columns_need_their_date(header: str, row: str, problem: str) -> None:
    assert any(problem in p for p in _problems(f"{header}\r\n{row}\r\n"))


# --- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "order", "start"),
    [
        ("1/12/2022 10:00 AM", MDY, "2022-01-12T10:00"),
        ("1/12/2022 10:00 AM", DMY, "2022-12-01T10:00"),
        ("10.01.2022", DMY, "2022-01-10"),
        ("2022-01-10 10:00", DateOrder(), "2022-01-10 10:00"),  # the store's form, as is
        ("10/01/2022 14:30", DMY, "2022-01-10T14:30"),
        ("Jan 10, 2022", DateOrder(), "2022-01-10"),
        ("25.01.2022", DateOrder(), "2022-01-25"),  # not ambiguous
        ("2022-01-10T09:00:00.000Z", DateOrder(), "2022-01-10T09:00Z"),
    ],
)
def test_spreadsheet_dates_are_read_under_the_date_order(
    cell: str, order: DateOrder, start: str
) -> None:
    batch = csv_batch(f'title,start\r\nA,"{cell}"\r\n', "x.csv", date_order=order, zone="UTC")
    assert batch.problems == []
    assert batch.records[0][1]["start"] == start
    assert _events(batch)[0].start.isoformat() == start.replace(" ", "T")


def test_ambiguous_dates_without_a_date_order_name_the_line() -> None:
    problems = _problems("title,start\r\nA,2022-01-10\r\n\r\nB,01/02/2022\r\n")
    assert len(problems) == 1
    assert problems[0].startswith("line 4: start: '01/02/2022' is ambiguous")
    assert "--date-order" in problems[0]


@pytest.mark.parametrize("cell", ["tomorrow", "+3d", "next monday", "now", "in 2 weeks"])
def test_relative_words_are_refused_in_a_file(cell: str) -> None:
    problems = _problems(f"title,start\r\nA,{cell}\r\n")
    assert problems == [
        f"line 2: start: {cell!r} is relative to today; a file needs the date itself"
    ]


@pytest.mark.parametrize(
    "cell", ["Dienstag, 10. Januar 2022", "2022-13-01", "x" * 5000, "10:00 EST"]
)
def test_unreadable_dates_are_problems(cell: str) -> None:
    batch = csv_batch(f"title,start\r\nA,{cell}\r\n", "x.csv", date_order=DMY)
    with pytest.raises(InvalidData, match="line 2"):
        _events(batch)


# --- round --------------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "value"), [("3", 3), ("3.0", 3), (" 3 ", 3), ("03", 3)])
def test_round_written_as_a_spreadsheet_number(cell: str, value: int) -> None:
    assert _stored(f'title,start,round\r\nA,2022-01-10,"{cell}"\r\n')[0]["round"] == value


@pytest.mark.parametrize("cell", ["3.5", "²", "5" * 5000, "-1", "0", "three"])
def test_round_that_is_not_a_whole_number_is_reported(cell: str) -> None:
    batch = csv_batch(f"title,start,round\r\nA,2022-01-10,{cell}\r\n", "x.csv")
    with pytest.raises(InvalidData, match="round must be a positive whole number"):
        _events(batch)


# --- zones --------------------------------------------------------------------------------


def test_timed_start_without_a_zone_warns_once_per_file() -> None:
    batch = _batch("timed_without_zone.csv")
    assert batch.warnings == [
        "2 events have a time but no time zone (read as floating): give --tz ZONE to set it"
    ]
    assert [e.timezone for e in _events(batch)] == [None, None, None, "Europe/Brussels", None]


def test_tz_sets_the_zone_of_floating_times_only() -> None:
    batch = _batch("timed_without_zone.csv", zone="Europe/Zurich")
    assert batch.warnings == []
    events = _events(batch)
    assert [e.timezone for e in events] == [
        "Europe/Zurich",
        "Europe/Zurich",
        None,  # a date alone
        "Europe/Brussels",  # its own timezone cell wins
        None,  # an explicit offset (Z)
    ]
    assert events[0].start.isoformat() == "2022-01-10T09:00"  # the wall time is kept


def test_tz_as_an_offset_is_written_on_the_times() -> None:
    stored = _stored("title,start,end\r\nA,2022-01-10 09:00,2022-01-10 17:00\r\n", zone="+01:00")
    assert (stored[0]["start"], stored[0]["end"]) == (
        "2022-01-10T09:00+01:00",
        "2022-01-10T17:00+01:00",
    )


def test_tz_as_an_offset_leaves_a_bad_end_to_be_reported() -> None:
    batch = csv_batch(
        "title,start,end\r\nA,2022-01-10 09:00,2022-13-01T10:00\r\n", "x", zone="+01:00"
    )
    assert batch.records[0][1]["start"] == "2022-01-10T09:00+01:00"
    with pytest.raises(InvalidData, match=r"line 2.*end"):
        _events(batch)


def test_an_unknown_tz_is_a_problem() -> None:
    assert _problems("title,start\r\nA,2022-01-10T09:00\r\n", zone="Mars/Olympus") == [
        "--tz 'Mars/Olympus' is not a time zone (e.g. Europe/Zurich or +01:00)"
    ]


# --- cells and rows -----------------------------------------------------------------------


def test_list_cells_are_trimmed() -> None:
    text = 'title,start,participants,tags,sources\r\nA,2022-01-10,"Sherman ; Ryabkov ",x; y,\r\n'
    stored = _stored(text)[0]
    assert (stored["participants"], stored["tags"]) == (["Sherman", "Ryabkov"], ["x", "y"])
    assert "sources" not in stored


def test_text_cells_unescape_and_lose_neutralising_quotes() -> None:
    stored = _stored("title,start,venue\r\n'=SUM(1),2022-01-10,a\\x1bb\r\n")[0]
    assert (stored["title"], stored["venue"]) == ("=SUM(1)", "a\x1bb")


def test_blank_lines_are_skipped_and_short_rows_are_padded() -> None:
    stored = _stored("\r\ntitle,start,city\r\n\r\nA,2022-01-10\r\n , , \r\nB,2022-01-11,Geneva\r\n")
    assert [(s["title"], s.get("city")) for s in stored] == [("A", None), ("B", "Geneva")]


def test_a_row_with_more_cells_than_the_header_is_an_error() -> None:
    problems = _problems("title,start\r\nA,2022-01-10\r\nB,2022-01-11,Geneva\r\n")
    assert problems == ["line 3: 3 cells where the header has 2"]


def test_export_reads_back_exactly() -> None:
    event = Event(
        "x",
        " Title ; with = signs\t",
        WallTime(datetime(2022, 1, 10, 9, 0).date(), datetime(2022, 1, 10, 9, 0).time()),
        round=3,
        participants=(" a ", "b;c", "=d", ""),
        notes="line\r\nnext \\ \x1b",
        venue="-2+3",
    )
    now = datetime(2022, 1, 1, tzinfo=UTC)
    row = records.record(Placed(event, span_of(event, UTC)), now)
    keys = list(records.RECORD_KEYS)
    text = to_csv(records.select([row], keys), keys)
    batch = csv_batch(text, "x.csv")
    assert batch.problems == [] and [e for e in _events(batch)] == [event]


# --- anything in, InvalidData or a batch out ----------------------------------------------

_CELLS = st.sampled_from(
    [
        "title",
        "Start",
        "Start Date",
        "Start Time",
        "End Date",
        "End Time",
        "All Day Event",
        "round",
        "participants",
        "timezone",
        "history",
        "exdates",
        "rrule",
        "",
        " ",
        "end",
        "1/12/2022 10:00 AM",
        "10.01.2022",
        "2022-01-10",
        "2022-01-10T09:00",
        "tomorrow",
        "3.0",
        "True",
        '"',
        "'=x",
        "\\x1b",
        "a;b",
        "\x00",
        "\ufeff",
        "\r\n",
    ]
) | st.text(max_size=12)


def st_join(cells: list[str]) -> str:
    """A row with ';' or ',' between its cells (the sniffer sees both)."""
    return ";".join(cells) if len(cells) % 2 else ",".join(cells)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.binary(max_size=300)
    | st.lists(st.lists(_CELLS, max_size=6), max_size=5).map(
        lambda rows: "\n".join(st_join(r) for r in rows).encode()
    ),
    encoding=st.sampled_from([None, None, "cp1252", "latin-1", "utf-16", "utf-8", "bogus"]),
    order=st.sampled_from([DateOrder(), DMY, MDY]),
    zone=st.sampled_from([None, "Europe/Zurich", "+01:00", "nowhere"]),
)
def test_any_input_gives_a_batch_or_invalid_data(
    data: bytes, encoding: str | None, order: DateOrder, zone: str | None
) -> None:
    try:
        text, _ = decode_csv(data, "x.csv", encoding)
        batch = csv_batch(text, "x.csv", date_order=order, zone=zone)
        assert isinstance(batch, Batch)
        _events(batch)
    except InvalidData:
        pass


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_a_batch_or_invalid_data(text: str) -> None:
    with contextlib.suppress(InvalidData):
        _events(csv_batch(text, "x.csv"))


# --- the import command: --encoding, --date-order, --tz, the notes on stderr --------------


def test_import_command_reads_an_excel_file_with_encoding_date_order_and_zone(
    invoke: Any, tmp_path: Path
) -> None:
    from helpers import INVALID_DATA, as_json, failed, ok

    target = str(tmp_path / "new.yaml")
    path = str(DATA / "excel_german_cp1252.csv")
    # Without --encoding: the byte, its line and the codec to try.
    failed(invoke("--store", target, "import", path), INVALID_DATA, "line 2", "cp1252")
    # Without --date-order: the ambiguous dates are named, nothing is written.
    refused = invoke("--store", target, "import", path, "--encoding", "cp1252")
    assert refused.exit_code == INVALID_DATA and refused.stdout == ""
    assert "summits: read as cp1252\nsummits: error: " in refused.stderr
    assert refused.stderr.count("is ambiguous") == 3 and "--date-order" in refused.stderr
    assert not Path(target).exists()
    done = ok(
        invoke(
            "--store", target, "--date-order", "dmy",
            "import", path, "--encoding", "cp1252", "--tz", "Europe/Zurich",
        )
    )  # fmt: skip
    assert "summits: read as cp1252" in done.stderr
    assert "read with ';' between columns" in done.stderr
    got = as_json(invoke("--store", target, "list", "--output", "json"))
    first = next(e for e in got if e["title"] == "Gespräche über Sicherheitsgarantien")
    assert (first["start"], first["end"], first["timezone"]) == (
        "2022-01-10T09:00",
        "2022-01-10T17:30",
        "Europe/Zurich",
    )
    assert first["participants"] == ["Wendy Sherman", "Sergei Ryabkov"]


def test_import_command_warns_about_floating_times_and_takes_tsv(
    invoke: Any, tmp_path: Path
) -> None:
    from helpers import as_json, ok

    target = str(tmp_path / "new.yaml")
    done = ok(invoke("--store", target, "import", str(DATA / "timed_without_zone.csv")))
    assert "no time zone" in done.stderr and "--tz" in done.stderr
    done = ok(invoke("--store", target, "import", str(DATA / "tab_separated.tsv")))
    assert "tabs between columns" in done.stderr
    vienna = next(
        e
        for e in as_json(invoke("--store", target, "list", "--output", "json"))
        if e["city"] == "Vienna"
    )
    assert vienna["round"] == 8
