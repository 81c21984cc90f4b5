"""The machine interface of issue 3: --output, --fields, --template, next, fields, TSV, YAML."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from helpers import digest, ok, usage_error
from ruamel.yaml import YAML

from summit_cli import records as rec

NOW = ["--now", "2021-12-31"]
SUMMIT = "2021-06-16-geneva-summit"
VIRTUAL = "2021-12-07-virtual-summit"
CALL = "2021-12-30-phone-call"
DINNER = "2022-01-09-geneva-dinner"
SSD = "2022-01-10-geneva-ssd"
NRC = "2022-01-12-brussels-nrc"
OSCE = "2022-01-13-vienna-osce"
ALL_IDS = [SUMMIT, VIRTUAL, CALL, DINNER, SSD, NRC, OSCE]
TITLES = {
    SUMMIT: "Biden–Putin summit",
    VIRTUAL: "Biden–Putin virtual summit",
    CALL: "Biden–Putin year-end telephone call",
    DINNER: "Strategic Stability Dialogue working dinner",
    SSD: "Strategic Stability Dialogue",
    NRC: "NATO–Russia Council",
    OSCE: "OSCE Permanent Council",
}

# command line -> the ids it prints, in order
COMMANDS: dict[str, tuple[list[str], list[str]]] = {
    "list": ([*NOW, "list"], ALL_IDS),
    "upcoming": ([*NOW, "upcoming"], [DINNER, SSD, NRC, OSCE]),
    "next": ([*NOW, "next"], [DINNER]),
    "show": ([*NOW, "show", SSD, CALL], [SSD, CALL]),
}
MACHINE = ["json", "jsonl", "csv", "tsv", "yaml", "ids"]
ALL_OUTPUTS = [*MACHINE, "plain", "table"]


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed "now" (unless a test passes --now), so two runs print the same countdowns."""
    monkeypatch.setenv("SUMMITS_NOW", "2022-06-01T12:00")


def yaml_load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def tsv_unescape(cell: str) -> str:
    out, i = [], 0
    table = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}
    while i < len(cell):
        if cell[i] == "\\" and i + 1 < len(cell):
            out.append(table[cell[i + 1]])
            i += 2
        else:
            out.append(cell[i])
            i += 1
    return "".join(out)


def parse(output: str, text: str) -> list[dict[str, Any]]:
    """Machine output back to a list of records (all values as the format gives them)."""
    if output == "json":
        data = json.loads(text)
        assert isinstance(data, list)
        return data
    if output == "jsonl":
        return [json.loads(line) for line in text.splitlines()]
    if output == "yaml":
        data = yaml_load(text)
        assert isinstance(data, list)
        return data
    if output == "csv":
        return list(csv.DictReader(io.StringIO(text, newline="")))
    if output == "tsv":
        lines = text.split("\n")
        assert lines[-1] == ""
        header = lines[0].split("\t")
        return [
            dict(zip(header, [tsv_unescape(c) for c in line.split("\t")], strict=True))
            for line in lines[1:-1]
        ]
    if output == "ids":
        return [{"id": line} for line in text.splitlines()]
    raise AssertionError(output)


def header_of(output: str, text: str) -> list[str]:
    if output == "csv":
        return next(csv.reader(io.StringIO(text, newline="")))
    if output == "tsv":
        return text.split("\n", 1)[0].split("\t")
    return list(parse(output, text)[0])


# ------------------------------------------------------------------ --output


@pytest.mark.parametrize("output", ALL_OUTPUTS)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_output_format_on_every_reading_command(
    invoke: Any, command: str, output: str
) -> None:
    args, ids = COMMANDS[command]
    result = ok(invoke(*args, "--output", output))
    assert result.stderr == ""
    assert "\x1b[" not in result.stdout  # NO_COLOR
    if output in MACHINE:
        assert [r["id"] for r in parse(output, result.stdout)] == ids
    else:
        for event_id in ids:
            # a card shows the id; a table row shows the (maybe wrapped) title
            first_word = TITLES[event_id].split()[0]
            assert event_id in result.stdout or first_word in result.stdout
        # nothing else slipped in (a card names the events it is linked with, on their lines)
        words = ("follows", "followed by", "led to", "agreed at", "part of", "session")
        lines = result.stdout.splitlines()
        shown = "\n".join(ln for ln in lines if not ln.strip("\u2502 ").startswith(words))
        others = [i for i in ALL_IDS if i not in ids]
        assert not any(i in shown for i in others)


def test_plain_has_no_box_drawing_and_table_has(invoke: Any) -> None:
    plain = ok(invoke("list", "--output", "plain")).stdout
    table = ok(invoke("list", "--output", "table")).stdout
    assert not any("\u2500" <= ch <= "\u257f" for ch in plain)
    assert any("\u2500" <= ch <= "\u257f" for ch in table)
    assert plain.splitlines()[0].startswith("WHEN (VENUE)")


@pytest.mark.parametrize("output", ["json", "jsonl", "csv", "tsv", "yaml", "ids"])
def test_empty_listing_is_empty_data_and_a_message_on_stderr(invoke: Any, output: str) -> None:
    result = ok(invoke("list", "--search", "no-such-text-anywhere", "--output", output))
    assert result.stderr.startswith("summits: ")
    assert parse(output, result.stdout) == []


def test_output_is_case_insensitive_and_has_short_form(invoke: Any) -> None:
    a = ok(invoke("list", "-o", "JSON")).stdout
    b = ok(invoke("list", "--output", "json")).stdout
    assert a == b
    assert json.loads(a)


def test_unknown_output_is_usage_error(invoke: Any) -> None:
    result = invoke("list", "--output", "xml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------ --fields


PICKED = ["start_utc", "id", "title", "participants", "round"]


@pytest.mark.parametrize("output", ["json", "jsonl", "yaml", "csv", "tsv"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_fields_pick_and_order_keys(invoke: Any, command: str, output: str) -> None:
    args, ids = COMMANDS[command]
    result = ok(invoke(*args, "--output", output, "--fields", ",".join(PICKED)))
    assert header_of(output, result.stdout) == PICKED
    records = parse(output, result.stdout)
    assert [r["id"] for r in records] == ids
    for record in records:
        assert list(record) == PICKED


def test_fields_values_match_full_records(invoke: Any) -> None:
    full = json.loads(ok(invoke(*NOW, "upcoming", "--output", "json")).stdout)
    picked = json.loads(
        ok(invoke(*NOW, "upcoming", "--output", "json", "--fields", "countdown,id")).stdout
    )
    assert picked == [{"countdown": r["countdown"], "id": r["id"]} for r in full]


def test_fields_with_spaces_and_computed_keys(invoke: Any) -> None:
    result = ok(invoke(*NOW, "next", "-o", "json", "--fields", " starts_in_seconds , phase "))
    assert json.loads(result.stdout) == [{"starts_in_seconds": 774000, "phase": "upcoming"}]


@pytest.mark.parametrize("output", ["plain", "table"])
def test_fields_pick_and_order_columns_for_people(invoke: Any, output: str) -> None:
    text = ok(invoke("list", "--output", output, "--fields", "start_utc,id")).stdout
    header = next(line for line in text.splitlines() if line.strip())
    assert header.split() in (["START_UTC", "ID"], ["start_utc", "id"])
    assert "TITLE" not in text.upper().split()
    for event_id in ALL_IDS:
        assert event_id in text
    # every row: the UTC start first, then the id
    rows = [line.split() for line in text.splitlines() if any(i in line for i in ALL_IDS)]
    assert [r[1] for r in rows] == ALL_IDS
    assert all(r[0].endswith("Z") for r in rows)


def test_fields_with_ids_output_still_prints_ids(invoke: Any) -> None:
    result = ok(invoke("list", "--output", "ids", "--fields", "id"))
    assert result.stdout.splitlines() == ALL_IDS


@pytest.mark.parametrize("output", [*ALL_OUTPUTS])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_unknown_field_is_usage_error_listing_valid_fields(
    invoke: Any, command: str, output: str
) -> None:
    args, _ = COMMANDS[command]
    result = usage_error(invoke(*args, "--output", output, "--fields", "id,nope"))
    assert "'nope'" in result.stderr
    for key in rec.RECORD_KEYS:
        assert key in result.stderr


def test_empty_fields_is_usage_error(invoke: Any) -> None:
    usage_error(invoke("list", "--output", "json", "--fields", " , "))


# ---------------------------------------------------------------- --template


def test_template_prints_one_line_per_event(invoke: Any) -> None:
    result = ok(invoke("list", "--template", "{id}|{start_utc}|{title}"))
    lines = result.stdout.splitlines()
    assert [line.split("|")[0] for line in lines] == ALL_IDS
    assert lines[3] == f"{DINNER}|2022-01-08T23:00:00Z|{TITLES[DINNER]}"
    assert result.stderr == ""


def test_template_human_values_and_format_spec(invoke: Any) -> None:
    result = ok(
        invoke(
            *NOW,
            "show",
            SSD,
            "--template",
            "[{id:>25}] {participants} round={round} all_day={all_day} end={end}; {countdown}",
        )
    )
    assert result.stdout == (
        f"[    {SSD}] United States, Russia round=3 all_day=yes end=; in 10 days\n"
    )


def test_template_wins_over_output(invoke: Any) -> None:
    result = ok(invoke(*NOW, "upcoming", "--output", "json", "--template", "{id}"))
    assert result.stdout.splitlines() == [DINNER, SSD, NRC, OSCE]


def test_template_on_next(invoke: Any) -> None:
    result = ok(invoke(*NOW, "next", "--template", "{countdown}: {title}"))
    assert result.stdout == f"in 9 days: {TITLES[DINNER]}\n"


def test_template_literal_braces(invoke: Any) -> None:
    result = ok(invoke("show", SSD, "--template", "{{{id}}}"))
    assert result.stdout == "{" + SSD + "}\n"


@pytest.mark.parametrize(
    "template",
    [
        "{title.__class__}",
        "{title.__class__.__mro__}",
        "{nope}",
        "{title!r}",
        "{title!s}",
        "{participants[0]}",
        "{0}",
        "{}",
        "{id",
        "id}",
        "{title:{id}}",
    ],
)
@pytest.mark.parametrize("command", ["list", "upcoming", "next", "show"])
def test_bad_template_is_usage_error(
    invoke: Any, store_path: Path, command: str, template: str
) -> None:
    args, _ = COMMANDS[command]
    before = digest(store_path)
    result = usage_error(invoke(*args, "--template", template))
    assert "template" in result.stderr
    assert "class" not in result.stderr.replace("__class__", "")  # no Python object leaked
    assert digest(store_path) == before


def test_template_bad_format_spec_is_usage_error(invoke: Any) -> None:
    usage_error(invoke("show", SSD, "--template", "{title:%Y}"))


# ---------------------------------------------------------------------- next


def test_next_without_field_prints_the_single_next_event(invoke: Any) -> None:
    result = ok(invoke(*NOW, "next", "--output", "plain"))
    assert "Strategic Stability Dialogue working dinner" in result.stdout
    assert "in 9 days" in result.stdout
    assert "NATO" not in result.stdout
    assert result.stderr == ""


def test_next_json_is_one_record_array(invoke: Any) -> None:
    records = json.loads(ok(invoke(*NOW, "next", "--output", "json")).stdout)
    assert len(records) == 1
    assert records[0]["id"] == DINNER
    assert list(records[0]) == list(rec.RECORD_KEYS)
    assert records[0]["phase"] == "upcoming"


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("id", DINNER),
        ("starts_in_seconds", "774000"),  # 2021-12-31T00:00Z -> 2022-01-08T23:00Z
        ("countdown", "in 9 days"),
        ("start_utc", "2022-01-08T23:00:00Z"),
        ("start_local", "2022-01-09T00:00:00+01:00"),
        ("title", TITLES[DINNER]),
        ("participants", "Wendy Sherman, Sergei Ryabkov"),
        ("end", ""),
    ],
)
def test_next_field(invoke: Any, field: str, expected: str) -> None:
    result = ok(invoke(*NOW, "next", "--field", field))
    assert result.stdout == expected + "\n"
    assert result.stderr == ""


def test_next_field_starts_in_seconds_is_an_integer(invoke: Any) -> None:
    out = ok(invoke(*NOW, "next", "--format", "nrc", "--field", "starts_in_seconds")).stdout
    # 2021-12-31T00:00Z -> 2022-01-11T23:00Z (midnight in Brussels)
    assert int(out) == 11 * 86400 + 23 * 3600


def test_next_respects_filters(invoke: Any) -> None:
    out = ok(invoke(*NOW, "next", "--format", "osce", "--field", "id")).stdout
    assert out == OSCE + "\n"
    out = ok(invoke("--now", "2022-01-10 12:00", "next", "--field", "id")).stdout
    assert out == SSD + "\n"  # ongoing counts as next (not over)


def test_next_skips_cancelled_unless_all(invoke: Any) -> None:
    ok(invoke(*NOW, "cancel", DINNER))
    assert ok(invoke(*NOW, "next", "--field", "id")).stdout == SSD + "\n"
    assert ok(invoke(*NOW, "next", "--all", "--field", "id")).stdout == DINNER + "\n"


@pytest.mark.parametrize(
    "args",
    [
        ["next"],  # real now: everything is past
        ["next", "--field", "id"],
        ["next", "--output", "json"],
        ["--now", "2022-01-11", "next", "--format", "geneva"],
        [*NOW, "next", "--kind", "summit"],
        [*NOW, "next", "--within", "1d"],
    ],
)
def test_next_none_exits_1_message_on_stderr_nothing_on_stdout(
    invoke: Any, args: list[str]
) -> None:
    result = invoke(*args)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("summits: error: no upcoming events match")
    assert "Traceback" not in result.stderr


def test_next_unknown_field_is_usage_error(invoke: Any) -> None:
    result = usage_error(invoke(*NOW, "next", "--field", "nope"))
    assert "starts_in_seconds" in result.stderr


def test_next_unknown_field_wins_over_nothing_found(invoke: Any) -> None:
    usage_error(invoke("next", "--field", "nope"))


# -------------------------------------------------------------------- fields


def test_fields_lists_every_record_key_in_order_with_its_meaning(invoke: Any) -> None:
    result = ok(invoke("fields"))
    header, *lines = result.stdout.splitlines()
    assert header.split() == ["FIELD", "MEANING"]
    assert [line.split()[0] for line in lines] == list(rec.RECORD_KEYS)
    for line, key in zip(lines, rec.RECORD_KEYS, strict=True):
        assert line.split(None, 1)[1] == rec.FIELD_DOCS[key]
    assert result.stderr == ""


def test_every_record_key_is_documented() -> None:
    assert set(rec.FIELD_DOCS) == set(rec.RECORD_KEYS)
    assert all(rec.FIELD_DOCS[k].strip() for k in rec.RECORD_KEYS)


@pytest.mark.parametrize("output", ["json", "jsonl", "yaml", "csv", "tsv"])
def test_fields_machine_output(invoke: Any, output: str) -> None:
    rows = parse(output, ok(invoke("fields", "--output", output)).stdout)
    assert [r["field"] for r in rows] == list(rec.RECORD_KEYS)
    assert [r["meaning"] for r in rows] == [rec.FIELD_DOCS[k] for k in rec.RECORD_KEYS]


def test_fields_ids_output_lists_the_field_names(invoke: Any) -> None:
    assert ok(invoke("fields", "--output", "ids")).stdout.split() == list(rec.RECORD_KEYS)


def test_every_documented_field_works_in_fields_template_and_next(invoke: Any) -> None:
    for key in rec.RECORD_KEYS:
        ok(invoke(*NOW, "upcoming", "--output", "csv", "--fields", key))
        ok(invoke(*NOW, "upcoming", "--template", "{" + key + "}"))
        ok(invoke(*NOW, "next", "--field", key))


# ---------------------------------------------------------------------- TSV


NASTY = "tab\there\nnew line\r\ncrlf back\\slash \\t literal"


def test_tsv_escapes_tab_newline_cr_backslash(invoke: Any) -> None:
    ok(invoke("edit", SSD, "--set", f"notes={NASTY}", "--set", "outcome=a\tb"))
    text = ok(invoke("list", "--output", "tsv")).stdout
    lines = text.split("\n")
    assert lines[-1] == ""
    assert len(lines) == len(ALL_IDS) + 2  # header, one line per event, final newline
    width = len(rec.RECORD_KEYS)
    for line in lines[:-1]:
        assert line.count("\t") == width - 1
        assert "\r" not in line
    row = next(r for r in parse("tsv", text) if r["id"] == SSD)
    assert row["notes"] == NASTY
    assert row["outcome"] == "a\tb"
    raw = next(line for line in lines if line.startswith(SSD))
    assert "tab\\there\\nnew line\\r\\ncrlf back\\\\slash \\\\t literal" in raw


def test_tsv_header_and_lists(invoke: Any) -> None:
    text = ok(invoke("show", SSD, "--output", "tsv")).stdout
    header, row = text.splitlines()
    assert header.split("\t") == list(rec.RECORD_KEYS)
    cells = dict(zip(header.split("\t"), row.split("\t"), strict=True))
    assert cells["participants"] == "United States;Russia"
    assert cells["end"] == ""
    assert cells["all_day"] == "true"
    assert cells["round"] == "3"


# ---------------------------------------------------------------------- YAML


@pytest.mark.parametrize("command", list(COMMANDS))
def test_yaml_parses_back_to_the_json_records(invoke: Any, command: str) -> None:
    args, _ = COMMANDS[command]
    as_json = json.loads(ok(invoke(*args, "--output", "json")).stdout)
    as_yaml = yaml_load(ok(invoke(*args, "--output", "yaml")).stdout)
    assert as_yaml == as_json


def test_yaml_with_history_and_tricky_strings(invoke: Any) -> None:
    ok(invoke(*NOW, "postpone", NRC, "--to", "2022-01-19", "--reason", "yes: no # maybe"))
    ok(invoke("edit", OSCE, "--country", "NO", "--notes", "1:30", "--set", "venue=010"))
    ok(invoke("edit", SSD, "--set", "title=null", "--set", "outcome=true"))
    as_json = json.loads(ok(invoke("list", "--output", "json")).stdout)
    as_yaml = yaml_load(ok(invoke("list", "--output", "yaml")).stdout)
    assert as_yaml == as_json
    osce = next(r for r in as_yaml if r["id"] == OSCE)
    assert (osce["country"], osce["notes"], osce["venue"]) == ("NO", "1:30", "010")
    ssd = next(r for r in as_yaml if r["id"] == SSD)
    assert (ssd["title"], ssd["outcome"]) == ("null", "true")


def test_yaml_empty_is_an_empty_list(invoke: Any) -> None:
    result = ok(invoke("list", "--search", "nothing-at-all", "--output", "yaml"))
    assert yaml_load(result.stdout) == []


def test_yaml_parses_with_a_yaml_1_1_reader_too(invoke: Any) -> None:
    """Strings that YAML 1.1 reads as other types (dates, NO, 1:30) are quoted."""
    ok(invoke("edit", OSCE, "--country", "NO", "--notes", "1:30"))
    loader = YAML(typ="safe", pure=True)
    loader.version = (1, 1)
    as_yaml = loader.load(ok(invoke("list", "--output", "yaml")).stdout)
    as_json = json.loads(ok(invoke("list", "--output", "json")).stdout)
    assert as_yaml == as_json


def test_csv_writes_history_as_json(invoke: Any) -> None:
    import csv
    import io
    import json as jsonlib

    assert (
        invoke(
            "--now", "2022-01-05T12:00", "cancel", "2022-01-13-vienna-osce", "--reason", "a; b"
        ).exit_code
        == 0
    )
    result = invoke("show", "2022-01-13-vienna-osce", "--output", "csv", "--fields", "id,history")
    (row,) = list(csv.DictReader(io.StringIO(result.stdout)))
    assert jsonlib.loads(row["history"]) == [
        {
            "at": "2022-01-05T12:00:00Z",
            "change": "cancelled",
            "status_before": "held",
            "start_before": "2022-01-13",
            "reason": "a; b",
        }
    ]
