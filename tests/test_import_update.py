"""An import that updates a stored event takes what the file says and keeps what it does
not say: a re-sent invitation must not wipe the format, round, participants, outcome and
history an analyst added in summits (it did: the update replaced the whole event)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import as_json, ok

INVITE = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Example Corp//Outlook 16.0//EN\r
METHOD:REQUEST\r
BEGIN:VEVENT\r
UID:040000008200E00074C5B7101A82E008@example.org\r
DTSTAMP:20211220T090000Z\r
SEQUENCE:{sequence}\r
DTSTART;TZID=Europe/Zurich:{start}\r
DTEND;TZID=Europe/Zurich:20220110T170000\r
SUMMARY:Strategic Stability Dialogue\r
LOCATION:{venue}\r
STATUS:CONFIRMED\r
END:VEVENT\r
END:VCALENDAR\r
"""
ID = "ics-"  # prefix of the id an invitation's UID becomes


def invitation(tmp_path: Path, sequence: int, start: str, venue: str) -> str:
    path = tmp_path / f"invite-{sequence}.ics"
    path.write_text(INVITE.format(sequence=sequence, start=start, venue=venue), newline="")
    return str(path)


def record(invoke: Any, event_id: str) -> dict[str, Any]:
    (found,) = as_json(ok(invoke("--now", "2021-12-31", "show", event_id, "--output", "json")))
    assert isinstance(found, dict)
    return found


def test_a_resent_invitation_keeps_what_summits_added(invoke: Any, tmp_path: Path) -> None:
    ok(invoke("import", invitation(tmp_path, 0, "20220110T100000", "US Mission")))
    (event_id,) = [i for i in ok(invoke("list", "--output", "ids")).stdout.split() if ID in i]
    ok(invoke("edit", event_id, "--format", "geneva", "--round", "1", "--with", "US"))
    ok(invoke("edit", event_id, "--with", "Russia", "--outcome", "No breakthrough"))
    ok(invoke("postpone", event_id, "--to", "2022-01-10 11:00", "--reason", "delegation late"))
    before = record(invoke, event_id)

    moved = invitation(tmp_path, 1, "20220110T140000", "Palais des Nations")
    result = ok(invoke("import", moved))
    assert "1 updated" in result.stderr
    after = record(invoke, event_id)
    # What the invitation says, it changes ...
    assert after["start"] == "2022-01-10T14:00" and after["venue"] == "Palais des Nations"
    # ... and what it cannot say stays as the analyst left it.
    for key in ("format", "round", "participants", "outcome", "history", "kind"):
        assert after[key] == before[key], key
    assert after["participants"] == ["Russia"] and after["history"]

    # The same invitation again changes nothing.
    assert "1 unchanged" in ok(invoke("import", moved)).stderr


def test_a_spreadsheet_with_some_columns_updates_only_those(invoke: Any, tmp_path: Path) -> None:
    event_id = "2022-01-10-geneva-ssd"
    before = record(invoke, event_id)
    assert before["participants"] and before["format"] == "geneva"
    sheet = tmp_path / "retitle.csv"
    sheet.write_text(
        f"id,title,start,timezone\n{event_id},SSD plenary,{before['start']},{before['timezone']}\n",
        encoding="utf-8",
    )
    ok(invoke("import", str(sheet), "--dry-run"))
    assert record(invoke, event_id) == before
    ok(invoke("import", str(sheet)))
    after = record(invoke, event_id)
    assert after["title"] == "SSD plenary"
    assert {k: v for k, v in after.items() if k != "title"} == {
        k: v for k, v in before.items() if k != "title"
    }


def test_a_store_document_is_taken_whole(invoke: Any, store_path: Path, tmp_path: Path) -> None:
    """A store writes only the keys that are set: importing one takes the file's event whole
    (what their store leaves out, such as notes, is unset here too)."""
    event_id = "2022-01-10-geneva-ssd"
    theirs = tmp_path / "theirs.yaml"
    theirs.write_bytes(store_path.read_bytes())  # their store, before our edit
    before = record(invoke, event_id)
    assert before["outcome"] is None and before["notes"] and before["round"] == 3
    ok(invoke("edit", event_id, "--unset", "notes", "--round", "7", "--outcome", "ours"))
    ok(invoke("import", str(theirs)))
    assert record(invoke, event_id) == before


def test_an_invitation_says_only_whether_the_meeting_is_cancelled(
    invoke: Any, tmp_path: Path
) -> None:
    """Held and postponed are summits' own: a re-sent invitation keeps them. A cancellation
    cancels, and the organiser calling the meeting on again schedules it again."""
    first = invitation(tmp_path, 0, "20220110T100000", "US Mission")
    ok(invoke("import", first))
    (event_id,) = [i for i in ok(invoke("list", "--output", "ids")).stdout.split() if ID in i]
    assert record(invoke, event_id)["status"] == "scheduled"
    ok(invoke("edit", event_id, "--status", "held"))
    ok(invoke("import", invitation(tmp_path, 1, "20220110T100000", "US Mission")))
    assert record(invoke, event_id)["status"] == "held"

    cancelled = tmp_path / "cancelled.ics"
    cancelled.write_text(
        Path(first).read_text().replace("STATUS:CONFIRMED", "STATUS:CANCELLED"), newline=""
    )
    ok(invoke("import", str(cancelled)))
    assert record(invoke, event_id)["status"] == "cancelled"
    ok(invoke("import", invitation(tmp_path, 2, "20220110T100000", "US Mission")))
    assert record(invoke, event_id)["status"] == "scheduled"
