"""The output contract: JSON/JSONL/CSV/TSV records against the JSON Schema and RECORD_KEYS."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from helpers import as_json, ok

from summit_cli import records as rec

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "summit_cli" / "schemas" / "event-records.schema.json"
README = ROOT / "README.md"

NOW = ["--now", "2021-12-31"]
SSD = "2022-01-10-geneva-ssd"
CALL = "2021-12-30-phone-call"
DINNER = "2022-01-09-geneva-dinner"
NRC = "2022-01-12-brussels-nrc"
OSCE = "2022-01-13-vienna-osce"
VIRTUAL = "2021-12-07-virtual-summit"
SUMMIT = "2021-06-16-geneva-summit"
ALL_IDS = [SUMMIT, VIRTUAL, CALL, DINNER, SSD, NRC, OSCE]

COMMANDS: dict[str, list[str]] = {
    "list": ["list"],
    "list-now": [*NOW, "list"],
    "upcoming": [*NOW, "upcoming"],
    "upcoming-all": [*NOW, "upcoming", "--all"],
    "next": [*NOW, "next"],
    "show": [*NOW, "show", *ALL_IDS],
}

# The record as published with issue 3 (README "The event record"); a prefix forever.
PUBLISHED_KEYS = (
    "id",
    "title",
    "kind",
    "format",
    "round",
    "start",
    "end",
    "timezone",
    "venue",
    "city",
    "country",
    "participants",
    "status",
    "outcome",
    "sources",
    "tags",
    "notes",
    "history",
    "all_day",
    "start_local",
    "end_local",
    "start_utc",
    "end_utc",
    "phase",
    "starts_in_seconds",
    "countdown",
)

LOCAL = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}\Z")
UTC_Z = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed "now" (unless a test passes --now), so two runs print the same countdowns."""
    monkeypatch.setenv("SUMMITS_NOW", "2022-01-11T12:00")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(data)
    return data


def validate(schema: dict[str, Any], records: Any) -> None:
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(records), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def _enrich(invoke: Any) -> None:
    """Give the store every shape of record: floating, offset, timed, history, lists, round."""
    ok(invoke("add", "Floating day", "--start", "2022-02-01", "--id", "floating-day"))
    ok(
        invoke(
            "add",
            "Offset talks",
            "--start",
            "2022-02-02T10:00+03:00",
            "--end",
            "12:30",
            "--id",
            "offset-talks",
            "--with",
            "A;B",
            "--tag",
            "x",
            "--source",
            "https://example.org/a",
        )
    )
    ok(
        invoke(
            "add",
            "Multi-day",
            "--start",
            "2022-03-01",
            "--end",
            "2022-03-03",
            "--tz",
            "Asia/Kolkata",
            "--id",
            "multi-day",
            "--format",
            "osce",
            "--round",
            "2",
        )
    )
    ok(invoke("--now", "2022-01-05", "postpone", NRC, "--to", "2022-01-19", "--reason", "why"))
    ok(invoke("--now", "2022-01-06", "postpone", OSCE))
    ok(invoke("--now", "2022-01-07", "cancel", OSCE, "--reason", "no agenda"))
    ok(invoke("--now", "2022-01-07", "postpone", CALL, "--to", "2022-01-04 09:00"))


# ---------------------------------------------------------------- the schema


def test_schema_is_valid_draft_2020_12(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "array"


def test_schema_keys_are_record_keys_in_order(schema: dict[str, Any]) -> None:
    record = schema["$defs"]["record"]
    assert record["required"] == list(rec.RECORD_KEYS)
    assert list(record["properties"]) == list(rec.RECORD_KEYS)
    assert record["additionalProperties"] is False


def test_record_keys_keep_the_published_order() -> None:
    """The keys published with issue 3 stay first, in order; new keys only come after."""
    assert rec.RECORD_KEYS[: len(PUBLISHED_KEYS)] == PUBLISHED_KEYS
    assert len(set(rec.RECORD_KEYS)) == len(rec.RECORD_KEYS)


# ---------------------------------------------------- JSON against the schema


@pytest.mark.parametrize("enriched", [False, True], ids=["bundled", "enriched"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_json_validates_against_schema(
    invoke: Any, schema: dict[str, Any], command: str, enriched: bool
) -> None:
    if enriched:
        _enrich(invoke)
    args = COMMANDS[command]
    if command == "show" and enriched:
        args = [*args, "floating-day", "offset-talks", "multi-day"]
    records = as_json(invoke(*args, "--output", "json"))
    assert records
    validate(schema, records)
    for record in records:
        assert list(record) == list(rec.RECORD_KEYS)


def test_enriched_store_exercises_every_shape(invoke: Any, schema: dict[str, Any]) -> None:
    _enrich(invoke)
    records = {r["id"]: r for r in as_json(invoke(*NOW, "list", "--output", "json"))}
    validate(schema, list(records.values()))
    floating = records["floating-day"]
    assert floating["timezone"] is None
    assert floating["start_local"] is None and floating["start_utc"] is None
    assert floating["end_local"] is None and floating["end_utc"] is None
    offset = records["offset-talks"]
    assert offset["start"] == "2022-02-02T10:00+03:00"
    assert offset["participants"] == ["A;B"]
    assert offset["sources"] == ["https://example.org/a"]
    kolkata = records["multi-day"]
    assert kolkata["start_local"] == "2022-03-01T00:00:00+05:30"
    assert kolkata["end_local"] == "2022-03-04T00:00:00+05:30"  # inclusive date end, exclusive
    assert kolkata["start_utc"] == "2022-02-28T18:30:00Z"
    assert kolkata["round"] == 2
    osce = records[OSCE]
    assert [h["change"] for h in osce["history"]] == ["postponed", "cancelled"]
    assert osce["history"][1]["status_before"] == "postponed"
    assert osce["status"] == "cancelled"


def test_offset_event_has_known_instants(invoke: Any, schema: dict[str, Any]) -> None:
    ok(invoke("add", "Offset", "--start", "2022-02-02T10:00+03:00", "--end", "12:30", "--id", "o"))
    (record,) = as_json(invoke("show", "o", "--output", "json"))
    validate(schema, [record])
    assert record["start_local"] == "2022-02-02T10:00:00+03:00"
    assert record["start_utc"] == "2022-02-02T07:00:00Z"
    assert record["end_utc"] == "2022-02-02T09:30:00Z"


def test_history_entries_have_documented_keys(invoke: Any) -> None:
    ok(invoke("--now", "2022-01-05T10:30", "postpone", CALL, "--to", "2022-01-04", "--reason", "r"))
    (record,) = as_json(invoke("show", CALL, "--output", "json"))
    (entry,) = record["history"]
    assert entry == {
        "at": "2022-01-05T10:30:00Z",
        "change": "postponed",
        "status_before": "held",
        "start_before": "2021-12-30T15:35",
        "end_before": "2021-12-30T16:25",
        "reason": "r",
    }


# ------------------------------------------------------ timestamps and zones


@pytest.mark.parametrize("command", list(COMMANDS))
def test_timestamps_are_extended_iso_8601_with_offsets(invoke: Any, command: str) -> None:
    _enrich(invoke)
    args = COMMANDS[command]
    if command == "show":
        args = [*args, "floating-day", "offset-talks", "multi-day"]
    for record in as_json(invoke(*args, "--output", "json")):
        for key in ("start_local", "end_local"):
            value = record[key]
            if value is None:
                continue
            assert LOCAL.match(value), (key, value)
            assert datetime.fromisoformat(value).utcoffset() is not None
        for key in ("start_utc", "end_utc"):
            value = record[key]
            if value is None:
                continue
            assert UTC_Z.match(value), (key, value)
            assert value.endswith("Z")
        for local, utc in (("start_local", "start_utc"), ("end_local", "end_utc")):
            if record[local] is None:
                assert record[utc] is None
                continue
            a = datetime.fromisoformat(record[local])
            b = datetime.fromisoformat(record[utc].replace("Z", "+00:00"))
            assert a == b
            assert b.utcoffset() == timedelta(0)
        if record["start_utc"] is not None and record["end_utc"] is not None:
            assert record["end_utc"] > record["start_utc"]
        if record["timezone"] is not None:
            from zoneinfo import ZoneInfo

            ZoneInfo(record["timezone"])  # an IANA name


def test_known_instants_of_the_bundled_store(invoke: Any) -> None:
    records = {r["id"]: r for r in as_json(invoke("list", "--output", "json"))}
    dinner = records[DINNER]
    assert dinner["start"] == "2022-01-09"
    assert dinner["all_day"] is True
    assert dinner["start_local"] == "2022-01-09T00:00:00+01:00"
    assert dinner["end_local"] == "2022-01-10T00:00:00+01:00"
    assert dinner["start_utc"] == "2022-01-08T23:00:00Z"
    assert dinner["end_utc"] == "2022-01-09T23:00:00Z"
    call = records[CALL]
    assert call["start"] == "2021-12-30T15:35"
    assert call["all_day"] is False
    assert call["timezone"] == "America/New_York"
    assert call["start_local"] == "2021-12-30T15:35:00-05:00"
    assert call["start_utc"] == "2021-12-30T20:35:00Z"
    summit = records[SUMMIT]
    assert summit["start_local"] == "2021-06-16T00:00:00+02:00"  # CEST in June


def test_countdown_keys_are_consistent_with_now(invoke: Any) -> None:
    now = datetime(2021, 12, 31, tzinfo=UTC)
    for record in as_json(invoke(*NOW, "list", "--output", "json")):
        start = datetime.fromisoformat(record["start_utc"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(record["end_utc"].replace("Z", "+00:00"))
        assert record["starts_in_seconds"] == int((start - now).total_seconds())
        expected = "upcoming" if start > now else ("ongoing" if end > now else "past")
        assert record["phase"] == expected


def test_display_zone_does_not_change_the_records(invoke: Any) -> None:
    base = as_json(invoke(*NOW, "list", "--output", "json"))
    other = as_json(
        invoke("--tz", "Asia/Shanghai", "--now", "2021-12-31T08:00+08:00", "list", "-o", "json")
    )
    assert other == base


# ------------------------------------------------------- JSONL, CSV and TSV


@pytest.mark.parametrize("command", list(COMMANDS))
def test_jsonl_objects_equal_json_array_items(invoke: Any, command: str) -> None:
    _enrich(invoke)
    args = COMMANDS[command]
    array = as_json(invoke(*args, "--output", "json"))
    text = ok(invoke(*args, "--output", "jsonl")).stdout
    assert text.endswith("\n")
    lines = text.splitlines()
    assert all(line.startswith("{") and line.endswith("}") for line in lines)
    assert [json.loads(line) for line in lines] == array
    for line in lines:
        assert list(json.loads(line)) == list(rec.RECORD_KEYS)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_csv_header_is_record_keys(invoke: Any, command: str) -> None:
    text = ok(invoke(*COMMANDS[command], "--output", "csv")).stdout
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(rec.RECORD_KEYS)
    assert all(len(row) == len(rec.RECORD_KEYS) for row in rows)
    raw = ok(invoke(*COMMANDS[command], "--output", "csv")).stdout_bytes
    assert raw.count(b"\r\n") == len(rows)  # RFC 4180 line ends (CliRunner folds them)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_tsv_header_is_record_keys(invoke: Any, command: str) -> None:
    text = ok(invoke(*COMMANDS[command], "--output", "tsv")).stdout
    assert text.split("\n", 1)[0].split("\t") == list(rec.RECORD_KEYS)


def test_csv_and_json_agree_cell_by_cell(invoke: Any) -> None:
    _enrich(invoke)
    records = as_json(invoke(*NOW, "list", "--output", "json"))
    text = ok(invoke(*NOW, "list", "--output", "csv")).stdout
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["id"] for r in rows] == [r["id"] for r in records]
    for record, row in zip(records, rows, strict=True):
        for key in ("start", "end", "timezone", "start_local", "start_utc", "end_utc", "round"):
            value = record[key]
            assert row[key] == ("" if value is None else str(value)), key
        assert row["all_day"] == ("true" if record["all_day"] else "false")
        assert row["starts_in_seconds"] == str(record["starts_in_seconds"])
        assert row["participants"] == ";".join(
            p.replace("\\", "\\\\").replace(";", "\\;") for p in record["participants"]
        )


# ------------------------------------------------------ the documented contract


def _documentation() -> str:
    """The README and the docs pages: the record contract is documented in one of them."""
    pages = [README, *sorted((ROOT / "docs").glob("*.md"))]
    return "\n".join(page.read_text(encoding="utf-8") for page in pages if page.is_file())


def test_docs_give_the_record_keys_as_the_csv_header() -> None:
    headers = [ln.split(",") for ln in _documentation().splitlines() if ln.startswith("id,title,")]
    assert list(rec.RECORD_KEYS) in headers


def test_docs_name_the_schema_file_and_every_record_key() -> None:
    text = _documentation()
    assert "summit_cli/schemas/event-records.schema.json" in text
    # the store fields may be documented as the range `id` … `notes`; the rest one by one
    for key in ("id", "notes", "history", *rec.RECORD_KEYS[len(PUBLISHED_KEYS) - 8 :]):
        assert f"`{key}`" in text, key
