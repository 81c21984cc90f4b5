"""Editing by id (issue 3): edit, postpone, cancel, remove, add --from-file, --dry-run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import digest, ids, ok, record

SUMMIT = "2021-06-16-geneva-summit"
VIRTUAL = "2021-12-07-virtual-summit"
CALL = "2021-12-30-phone-call"
DINNER = "2022-01-09-geneva-dinner"
SSD = "2022-01-10-geneva-ssd"
NRC = "2022-01-12-brussels-nrc"
OSCE = "2022-01-13-vienna-osce"
ALL_IDS = [SUMMIT, VIRTUAL, CALL, DINNER, SSD, NRC, OSCE]

COMMENTS = [
    "# The bundled summits store: US–Russia security talks, June 2021 – January 2022.",
    "# as announced by the White House (ET)",
    "# 23:35 in Moscow, already 31 December in Beijing",
]


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed "now" (unless a test passes --now), so two runs print the same countdowns."""
    monkeypatch.setenv("SUMMITS_NOW", "2022-01-08T06:00")


def refused(result: Any, code: int, *, one_line: bool = True) -> Any:
    """Failed with *code*: nothing on stdout, a 'summits: error:' message, no traceback."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("summits: error: ")
    assert "Traceback" not in result.stderr
    if one_line:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result


# ---------------------------------------------------------------------- edit


def test_edit_set_prints_id_and_changes_only_that(invoke: Any, store_path: Path) -> None:
    before = {i: record(invoke, i) for i in ALL_IDS}
    result = ok(invoke("edit", SSD, "--set", "outcome=No breakthrough", "--set", "round=4"))
    assert result.stdout == SSD + "\n"
    assert result.stderr.startswith(f"summits: edited {SSD}")
    after = record(invoke, SSD)
    assert after["outcome"] == "No breakthrough"
    assert after["round"] == 4
    assert {k: v for k, v in after.items() if k not in {"outcome", "round"}} == {
        k: v for k, v in before[SSD].items() if k not in {"outcome", "round"}
    }
    for other in ALL_IDS:
        if other != SSD:
            assert record(invoke, other) == before[other]


def test_edit_set_lists_with_separator_and_escape(invoke: Any) -> None:
    ok(invoke("edit", NRC, "--set", r"participants=NATO; Russia;A\;B", "--set", "tags=x;y"))
    data = record(invoke, NRC)
    assert data["participants"] == ["NATO", "Russia", "A;B"]
    assert data["tags"] == ["x", "y"]


def test_edit_typed_options(invoke: Any) -> None:
    ok(
        invoke(
            "edit",
            NRC,
            "--title",
            "NRC extraordinary",
            "--round",
            "2",
            "--kind",
            "talks",
            "--with",
            "NATO",
            "--with",
            "Russia; and others",
            "--tag",
            "t1",
            "--status",
            "scheduled",
            "--venue",
            "HQ",
            "--city",
            "Mons",
            "--country",
            "NO",
            "--notes",
            "1:30",
            "--outcome",
            "open",
            "--source",
            "https://example.org/nrc",
        )
    )
    data = record(invoke, NRC)
    assert data["title"] == "NRC extraordinary"
    assert data["round"] == 2
    assert data["kind"] == "talks"
    assert data["participants"] == ["NATO", "Russia; and others"]  # typed: no splitting
    assert data["tags"] == ["t1"]
    assert data["status"] == "scheduled"
    assert (data["venue"], data["city"], data["country"]) == ("HQ", "Mons", "NO")
    assert (data["notes"], data["outcome"]) == ("1:30", "open")
    assert data["sources"] == ["https://example.org/nrc"]


def test_edit_start_end_and_zone(invoke: Any) -> None:
    ok(invoke("edit", SSD, "--start", "2022-01-10 09:00", "--end", "16:30"))
    data = record(invoke, SSD)
    assert (data["start"], data["end"]) == ("2022-01-10T09:00", "2022-01-10T16:30")
    assert data["start_utc"] == "2022-01-10T08:00:00Z"
    assert data["all_day"] is False
    # changing the zone keeps the wall time and moves the instant
    ok(invoke("edit", SSD, "--tz", "America/New_York"))
    data = record(invoke, SSD)
    assert data["start"] == "2022-01-10T09:00"
    assert data["timezone"] == "America/New_York"
    assert data["start_utc"] == "2022-01-10T14:00:00Z"


def test_edit_unset_optional_fields(invoke: Any) -> None:
    ok(invoke("edit", SSD, "--unset", "notes", "--unset", "round", "--unset", "participants"))
    data = record(invoke, SSD)
    assert data["notes"] is None
    assert data["round"] is None
    assert data["participants"] == []


def test_edit_unset_timezone_makes_the_event_floating(invoke: Any) -> None:
    ok(invoke("edit", SSD, "--unset", "timezone"))
    data = record(invoke, SSD)
    assert data["timezone"] is None
    assert data["start_utc"] is None


EDIT_ERRORS: list[Any] = [
    pytest.param(["--set", "end=2022-01-01"], 3, "before it starts", id="end-before-start"),
    pytest.param(["--end", "2022-01-01"], 3, "before it starts", id="typed-end-before-start"),
    pytest.param(["--set", "round=abc"], 3, "round", id="round-text"),
    pytest.param(["--set", "round=0"], 3, "round", id="round-zero"),
    pytest.param(["--set", "title="], 3, "title", id="empty-title"),
    pytest.param(["--set", "start=garbage"], 2, "garbage", id="bad-date"),
    pytest.param(["--start", "01/02/2022"], 2, "ambiguous", id="ambiguous-date"),
    pytest.param(["--set", "start=2022-03-27T02:30"], 2, "does not exist", id="dst-gap"),
    pytest.param(["--tz", "Mars/Base"], 2, "Mars/Base", id="unknown-zone"),
    pytest.param(["--set", "timezone=Mars/Base"], 2, "Mars/Base", id="set-unknown-zone"),
    pytest.param(["--tz", "+03:00"], 2, "zone name", id="offset-as-zone"),
    pytest.param(["--set", "nope=1"], 2, "editable fields", id="unknown-field"),
    pytest.param(["--set", "id=x"], 2, "editable fields", id="read-only-id"),
    pytest.param(["--set", "history=x"], 2, "editable fields", id="read-only-history"),
    pytest.param(["--set", "title"], 2, "FIELD=VALUE", id="no-equals"),
    pytest.param(["--unset", "title"], 2, "required", id="unset-title"),
    pytest.param(["--unset", "start"], 2, "required", id="unset-start"),
    pytest.param(["--unset", "nope"], 2, "editable fields", id="unset-unknown"),
    pytest.param(["--unset", "notes", "--notes", "x"], 2, "conflicts", id="unset-and-set"),
    pytest.param([], 2, "nothing to change", id="nothing"),
    pytest.param(
        ["--kind", "bogus"],
        2,
        "bogus",
        id="typed-kind",
    ),
    pytest.param(
        ["--status", "bogus"],
        2,
        "bogus",
        id="typed-status",
    ),
    pytest.param(
        ["--format", "zz"],
        2,
        "zz",
        id="typed-format",
    ),
    pytest.param(
        ["--set", "kind=bogus"],
        2,
        "bogus",
        id="set-kind",
    ),
    pytest.param(
        ["--set", "format=zz"],
        2,
        "zz",
        id="set-format",
    ),
]


@pytest.mark.parametrize(("args", "code", "needle"), EDIT_ERRORS)
def test_edit_validation_errors_leave_store_byte_identical(
    invoke: Any, store_path: Path, args: list[str], code: int, needle: str
) -> None:
    before = digest(store_path)
    result = refused(invoke("edit", SSD, *args), code)
    assert needle in result.stderr
    assert digest(store_path) == before


@pytest.mark.parametrize("args", [["--kind", "bogus"], ["--status", "bogus"], ["--format", "zz"]])
def test_edit_bad_choice_is_refused_whatever_the_code(
    invoke: Any, store_path: Path, args: list[str]
) -> None:
    before = digest(store_path)
    result = invoke("edit", SSD, *args)
    assert result.exit_code in (2, 3)
    refused(result, result.exit_code)
    assert digest(store_path) == before


def test_edit_round_option_range_is_a_usage_error(invoke: Any, store_path: Path) -> None:
    before = digest(store_path)
    result = invoke("edit", SSD, "--round", "0")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert digest(store_path) == before


def test_edit_missing_id_exits_1(invoke: Any, store_path: Path) -> None:
    before = digest(store_path)
    result = refused(invoke("edit", "no-such-event", "--set", "title=x"), 1)
    assert "no-such-event" in result.stderr
    assert digest(store_path) == before


def test_unset_title_refused(invoke: Any, store_path: Path) -> None:
    before = digest(store_path)
    result = refused(invoke("edit", SSD, "--unset", "title"), 2)
    assert "title" in result.stderr
    assert digest(store_path) == before
    assert record(invoke, SSD)["title"] == "Strategic Stability Dialogue"


# ------------------------------------------------------------------ postpone


def test_postpone_to_moves_start_and_end_together_and_records_history(invoke: Any) -> None:
    old = record(invoke, VIRTUAL)
    result = ok(
        invoke(
            "--now",
            "2022-01-05T08:15",
            "postpone",
            VIRTUAL,
            "--to",
            "2022-01-20",
            "--reason",
            "host request",
        )
    )
    assert result.stdout == VIRTUAL + "\n"
    assert "postponed" in result.stderr
    new = record(invoke, VIRTUAL)
    assert new["status"] == "postponed"
    assert (new["start"], new["end"]) == ("2022-01-20T10:07", "2022-01-20T12:08")  # time kept
    assert new["timezone"] == old["timezone"] == "America/New_York"
    assert new["start_utc"] == "2022-01-20T15:07:00Z"
    assert new["end_utc"] == "2022-01-20T17:08:00Z"
    assert new["history"] == [
        {
            "at": "2022-01-05T08:15:00Z",
            "change": "postponed",
            "status_before": "held",
            "start_before": "2021-12-07T10:07",
            "end_before": "2021-12-07T12:08",
            "reason": "host request",
        }
    ]


def test_postpone_to_a_time_moves_the_end_by_the_same_amount(invoke: Any) -> None:
    ok(invoke("postpone", CALL, "--to", "2022-01-04 09:00"))
    data = record(invoke, CALL)
    assert (data["start"], data["end"]) == ("2022-01-04T09:00", "2022-01-04T09:50")


def test_postpone_multi_day_date_only_event(invoke: Any) -> None:
    ok(
        invoke(
            "add",
            "Conf",
            "--start",
            "2022-03-01",
            "--end",
            "2022-03-03",
            "--tz",
            "Europe/Vienna",
            "--id",
            "conf",
        )
    )
    ok(invoke("postpone", "conf", "--to", "2022-03-10"))
    data = record(invoke, "conf")
    assert (data["start"], data["end"]) == ("2022-03-10", "2022-03-12")
    assert data["all_day"] is True


def test_postpone_twice_keeps_every_change(invoke: Any) -> None:
    ok(invoke("--now", "2022-01-01", "postpone", NRC, "--to", "2022-01-19", "--reason", "one"))
    ok(invoke("--now", "2022-01-02", "postpone", NRC, "--to", "2022-01-26", "--reason", "two"))
    data = record(invoke, NRC)
    assert data["start"] == "2022-01-26"
    history = data["history"]
    assert [h["start_before"] for h in history] == ["2022-01-12", "2022-01-19"]
    assert [h["status_before"] for h in history] == ["held", "postponed"]
    assert [h["reason"] for h in history] == ["one", "two"]
    assert [h["at"] for h in history] == ["2022-01-01T00:00:00Z", "2022-01-02T00:00:00Z"]


def test_postpone_without_to_keeps_the_date(invoke: Any) -> None:
    result = ok(invoke("--now", "2022-01-06", "postpone", OSCE))
    assert result.stdout == OSCE + "\n"
    assert "to be announced" in result.stderr
    data = record(invoke, OSCE)
    assert data["status"] == "postponed"
    assert data["start"] == "2022-01-13"
    assert data["history"] == [
        {
            "at": "2022-01-06T00:00:00Z",
            "change": "postponed",
            "status_before": "held",
            "start_before": "2022-01-13",
        }
    ]


def test_history_is_visible_in_show(invoke: Any) -> None:
    ok(invoke("--now", "2022-01-05", "postpone", VIRTUAL, "--to", "2022-01-20", "--reason", "fog"))
    text = ok(invoke("show", VIRTUAL, "--output", "plain")).stdout
    line = next(ln for ln in text.splitlines() if ln.startswith("history"))
    assert "2022-01-05" in line
    assert "postponed" in line
    assert "2021-12-07T10:07" in line
    assert "fog" in line


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ([VIRTUAL, "--to", "garbage"], 2),
        ([VIRTUAL, "--to", "01/02/2022"], 2),
        (["no-such-event", "--to", "2022-02-01"], 1),
        (["no-such-event"], 1),
    ],
)
def test_postpone_errors_leave_store_alone(
    invoke: Any, store_path: Path, args: list[str], code: int
) -> None:
    before = digest(store_path)
    refused(invoke("postpone", *args), code)
    assert digest(store_path) == before


def test_postpone_into_a_dst_gap_is_refused(invoke: Any, store_path: Path) -> None:
    ok(invoke("add", "Talk", "--start", "2022-03-20 02:30", "--tz", "Europe/Zurich", "--id", "t"))
    before = digest(store_path)
    refused(invoke("postpone", "t", "--to", "2022-03-27"), 2)
    assert digest(store_path) == before


# -------------------------------------------------------------------- cancel


def test_cancel_with_reason(invoke: Any) -> None:
    result = ok(invoke("--now", "2022-01-07", "cancel", OSCE, "--reason", "no agenda"))
    assert result.stdout == OSCE + "\n"
    assert f"cancelled {OSCE}" in result.stderr
    data = record(invoke, OSCE)
    assert data["status"] == "cancelled"
    assert data["start"] == "2022-01-13"
    assert data["history"] == [
        {
            "at": "2022-01-07T00:00:00Z",
            "change": "cancelled",
            "status_before": "held",
            "start_before": "2022-01-13",
            "reason": "no agenda",
        }
    ]
    assert OSCE in ids(invoke)  # kept in the store and in list


def test_cancel_twice_refused(invoke: Any, store_path: Path) -> None:
    ok(invoke("cancel", OSCE))
    before = digest(store_path)
    result = refused(invoke("cancel", OSCE, "--reason", "again"), 2)
    assert "already cancelled" in result.stderr
    assert digest(store_path) == before
    assert len(record(invoke, OSCE)["history"]) == 1


def test_cancel_missing_id(invoke: Any, store_path: Path) -> None:
    before = digest(store_path)
    refused(invoke("cancel", "no-such-event"), 1)
    assert digest(store_path) == before


# -------------------------------------------------------------------- remove


def test_remove_without_yes_off_terminal_refused(invoke: Any, store_path: Path) -> None:
    before = digest(store_path)
    result = refused(invoke("remove", NRC), 2)
    assert "--yes" in result.stderr
    assert digest(store_path) == before
    assert NRC in ids(invoke)


def test_remove_without_yes_refused_even_with_y_on_stdin(invoke: Any, store_path: Path) -> None:
    before = digest(store_path)
    refused(invoke("remove", NRC, input="y\n"), 2)
    assert digest(store_path) == before


def test_remove_yes_prints_removed_ids(invoke: Any) -> None:
    result = ok(invoke("remove", NRC, CALL, NRC, "--yes"))
    assert result.stdout == f"{NRC}\n{CALL}\n"
    assert "removed" in result.stderr
    remaining = ids(invoke)
    assert NRC not in remaining and CALL not in remaining
    assert len(remaining) == len(ALL_IDS) - 2
    refused(invoke("show", NRC), 1)


def test_remove_short_yes(invoke: Any) -> None:
    assert ok(invoke("remove", "-y", OSCE)).stdout == OSCE + "\n"


def test_remove_missing_id_removes_nothing(invoke: Any, store_path: Path) -> None:
    before = digest(store_path)
    result = refused(invoke("remove", NRC, "no-such-event", "--yes"), 1)
    assert "no-such-event" in result.stderr
    assert digest(store_path) == before


# ---------------------------------------------------------- add --from-file


ONE_YAML = """\
id: 2022-01-26-paris-normandy
title: Normandy Format political advisers
kind: talks
start: "2022-01-26T10:00"
timezone: Europe/Paris
city: Paris
participants: [Russia, Ukraine, France, Germany]
"""
ONE_JSON = json.dumps(
    {"id": "one-json", "title": "One JSON", "start": "2022-02-01T10:00", "timezone": "UTC"}
)
LIST_YAML = """\
- id: list-a
  title: List A
  start: "2022-02-02"
  country: NO
- id: list-b
  title: List B
  start: 2022-02-03
  format: geneva
  round: 4
"""
LIST_JSON = json.dumps(
    [
        {"id": "json-a", "title": "JSON A", "start": "2022-02-04", "tags": ["x"]},
        {"id": "json-b", "title": "JSON B", "start": "2022-02-05", "kind": "council"},
    ]
)


@pytest.mark.parametrize(
    ("text", "suffix", "expected"),
    [
        (ONE_YAML, ".yaml", ["2022-01-26-paris-normandy"]),
        (ONE_JSON, ".json", ["one-json"]),
        (LIST_YAML, ".yml", ["list-a", "list-b"]),
        (LIST_JSON, ".json", ["json-a", "json-b"]),
    ],
    ids=["one-yaml", "one-json", "list-yaml", "list-json"],
)
@pytest.mark.parametrize("via", ["file", "stdin"])
def test_add_from_file_and_stdin(
    invoke: Any, tmp_path: Path, text: str, suffix: str, expected: list[str], via: str
) -> None:
    if via == "file":
        path = tmp_path / f"input{suffix}"
        path.write_text(text, encoding="utf-8")
        result = ok(invoke("add", "--from-file", str(path)))
    else:
        result = ok(invoke("add", "--from-file", "-", input=text))
    assert result.stdout.splitlines() == expected
    assert f"added {len(expected)}" in result.stderr
    assert ids(invoke) == [*ALL_IDS, *expected] or set(ids(invoke)) == {*ALL_IDS, *expected}
    for event_id in expected:
        assert record(invoke, event_id)["id"] == event_id


def test_add_from_file_values(invoke: Any) -> None:
    ok(invoke("add", "--from-file", "-", input=LIST_YAML))
    a, b = record(invoke, "list-a"), record(invoke, "list-b")
    assert a["country"] == "NO"  # typed by the schema, not by YAML 1.1
    assert a["start"] == "2022-02-02"
    assert (b["start"], b["format"], b["round"]) == ("2022-02-03", "geneva", 4)
    ok(invoke("add", "--from-file", "-", input=ONE_YAML))
    paris = record(invoke, "2022-01-26-paris-normandy")
    assert paris["start_utc"] == "2022-01-26T09:00:00Z"
    assert paris["participants"] == ["Russia", "Ukraine", "France", "Germany"]


BAD_BATCH = json.dumps(
    [
        {"id": "fine-one", "title": "Fine", "start": "2022-03-01"},
        {"id": "bad-kind", "title": "B", "start": "2022-03-02", "kind": "bogus"},
        {"id": "bad-format", "title": "C", "start": "2022-03-03", "format": "zz"},
        {"title": "", "start": "2022-13-01"},
    ]
)


@pytest.mark.parametrize("via", ["file", "stdin"])
def test_one_invalid_record_rejects_the_batch_listing_every_problem(
    invoke: Any, store_path: Path, tmp_path: Path, via: str
) -> None:
    before = digest(store_path)
    if via == "file":
        path = tmp_path / "batch.json"
        path.write_text(BAD_BATCH, encoding="utf-8")
        result = invoke("add", "--from-file", str(path))
    else:
        result = invoke("add", "--from-file", "-", input=BAD_BATCH)
    refused(result, 3, one_line=False)
    err = result.stderr
    assert "4 problems" in err
    assert "record 2" in err and "bogus" in err
    assert "record 3" in err and "'zz'" in err
    assert "record 4" in err and "title" in err and "2022-13-01" in err
    assert "record 1" not in err
    assert digest(store_path) == before
    assert "fine-one" not in ids(invoke)


def test_batch_lists_end_before_start_and_duplicates_with_other_problems(
    invoke: Any, store_path: Path
) -> None:
    batch = json.dumps(
        [
            {"id": "bad-kind", "title": "B", "start": "2022-03-02", "kind": "bogus"},
            {"id": "bad-end", "title": "C", "start": "2022-03-05", "end": "2022-03-01"},
            {"id": "twice", "title": "D", "start": "2022-03-06"},
            {"id": "twice", "title": "E", "start": "2022-03-07"},
        ]
    )
    before = digest(store_path)
    result = refused(invoke("add", "--from-file", "-", input=batch), 3, one_line=False)
    assert "bogus" in result.stderr
    assert "bad-end" in result.stderr
    assert "twice" in result.stderr
    assert digest(store_path) == before


def test_batch_end_before_start_alone_is_refused(invoke: Any, store_path: Path) -> None:
    batch = json.dumps(
        [{"id": "bad-end", "title": "C", "start": "2022-03-05", "end": "2022-03-01"}]
    )
    before = digest(store_path)
    result = refused(invoke("add", "--from-file", "-", input=batch), 3)
    assert "before it starts" in result.stderr
    assert digest(store_path) == before


def test_batch_with_the_same_id_twice_is_refused(invoke: Any, store_path: Path) -> None:
    batch = json.dumps(
        [
            {"id": "a-1", "title": "A", "start": "2022-03-03"},
            {"id": "a-1", "title": "B", "start": "2022-03-04"},
        ]
    )
    before = digest(store_path)
    result = refused(invoke("add", "--from-file", "-", input=batch), 3)
    assert "a-1" in result.stderr
    assert digest(store_path) == before


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        "- !!python/object/apply:os.system ['true']\n",
        "- &a {id: x, title: X, start: '2022-01-01'}\n- *a\n",
        '[{"id": "n", "title": "N", "start": "2022-01-01", "round": NaN}]',
        "{id: x, id: y, title: X, start: '2022-01-01'}\n",
        "- just a string\n",
        "not: [valid\n",
    ],
    ids=["empty", "tag", "alias", "nan", "dup-key", "not-a-mapping", "syntax"],
)
def test_hostile_or_empty_input_is_refused(invoke: Any, store_path: Path, text: str) -> None:
    before = digest(store_path)
    result = invoke("add", "--from-file", "-", input=text)
    assert result.exit_code == 3, (result.exit_code, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert digest(store_path) == before


def test_re_adding_an_existing_id_is_an_error(invoke: Any, store_path: Path) -> None:
    ok(invoke("add", "--from-file", "-", input=ONE_YAML))
    before = digest(store_path)
    result = refused(invoke("add", "--from-file", "-", input=ONE_YAML), 3)
    assert "already exists" in result.stderr
    assert "--update" in result.stderr
    assert digest(store_path) == before


def test_re_adding_a_bundled_id_is_an_error(invoke: Any, store_path: Path) -> None:
    before = digest(store_path)
    text = json.dumps({"id": SSD, "title": "Dup", "start": "2022-01-10"})
    refused(invoke("add", "--from-file", "-", input=text), 3)
    assert digest(store_path) == before


def test_update_twice_is_idempotent(invoke: Any, store_path: Path) -> None:
    ok(invoke("add", "--from-file", "-", input=ONE_YAML))
    changed = ONE_YAML + "notes: moved to Berlin\n"
    first = ok(invoke("add", "--from-file", "-", "--update", input=changed))
    assert first.stdout == "2022-01-26-paris-normandy\n"
    assert "updated 1" in first.stderr
    assert record(invoke, "2022-01-26-paris-normandy")["notes"] == "moved to Berlin"
    after_first = digest(store_path)
    second = ok(invoke("add", "--from-file", "-", "--update", input=changed))
    assert second.stdout == ""
    assert "added 0, updated 0, unchanged 1" in second.stderr
    assert digest(store_path) == after_first


def test_update_mixes_new_and_existing(invoke: Any) -> None:
    ok(invoke("add", "--from-file", "-", input=LIST_JSON))
    items = json.loads(LIST_JSON)
    items[0]["title"] = "JSON A renamed"
    items.append({"id": "json-c", "title": "JSON C", "start": "2022-02-06"})
    result = ok(invoke("add", "--from-file", "-", "--update", input=json.dumps(items)))
    assert sorted(result.stdout.splitlines()) == ["json-a", "json-c"]
    assert "added 1, updated 1, unchanged 1" in result.stderr
    assert record(invoke, "json-a")["title"] == "JSON A renamed"


def test_update_without_from_file_is_usage_error(invoke: Any, store_path: Path) -> None:
    before = digest(store_path)
    refused(invoke("add", "X", "--start", "2022-02-01", "--update"), 2)
    refused(invoke("add", "X", "--from-file", "-", input=ONE_YAML), 2)
    assert digest(store_path) == before


def test_from_missing_file_is_refused(invoke: Any, store_path: Path, tmp_path: Path) -> None:
    before = digest(store_path)
    result = invoke("add", "--from-file", str(tmp_path / "nope.yaml"))
    assert result.exit_code != 0
    assert result.stdout == ""
    assert "nope.yaml" in result.stderr
    assert digest(store_path) == before


# ------------------------------------------------------------------ --dry-run


DRY_RUNS: list[Any] = [
    pytest.param(["add", "Dry", "--start", "2022-02-01", "--id", "dry"], "dry", id="add"),
    pytest.param(["add", "--from-file", "-"], "list-a", id="add-from-file"),
    pytest.param(["edit", SSD, "--set", "notes=dry"], SSD, id="edit"),
    pytest.param(["edit", SSD, "--unset", "venue"], SSD, id="edit-unset"),
    pytest.param(["postpone", NRC, "--to", "2022-01-19", "--reason", "r"], NRC, id="postpone"),
    pytest.param(["postpone", NRC], NRC, id="postpone-tba"),
    pytest.param(["cancel", OSCE, "--reason", "r"], OSCE, id="cancel"),
    pytest.param(["remove", CALL], CALL, id="remove-no-yes"),
    pytest.param(["remove", CALL, "--yes"], CALL, id="remove"),
]


@pytest.mark.parametrize(("args", "event_id"), DRY_RUNS)
@pytest.mark.parametrize("flag", ["--dry-run"])
def test_dry_run_prints_diff_and_writes_nothing(
    invoke: Any, store_path: Path, args: list[str], event_id: str, flag: str
) -> None:
    before = digest(store_path)
    listing = ok(invoke("list", "--output", "json")).stdout
    result = ok(invoke(*args, flag, input=LIST_YAML))
    assert f"--- a/events/{event_id}\n" in result.stdout
    assert f"+++ b/events/{event_id}\n" in result.stdout
    assert "@@" in result.stdout
    assert any(
        line.startswith(("+", "-")) and line[1:2] not in "+-" for line in result.stdout.splitlines()
    )
    assert "nothing was written" in result.stderr
    assert "summits: error" not in result.stderr
    assert digest(store_path) == before
    assert ok(invoke("list", "--output", "json")).stdout == listing


def test_dry_run_diff_shows_the_change(invoke: Any) -> None:
    out = ok(invoke("edit", SSD, "--set", "notes=dry", "--dry-run")).stdout
    assert '-notes: "The first of the three formats agreed in the 30 December call."' in out
    assert '+notes: "dry"' in out
    out = ok(invoke("remove", NRC, "--dry-run")).stdout  # nothing links to it
    assert all(line.startswith(("-", "@", " ")) for line in out.splitlines()[2:])
    out = ok(invoke("add", "Dry", "--start", "2022-02-01", "--id", "dry", "--dry-run")).stdout
    assert '+title: "Dry"' in out


def test_dry_run_of_a_failing_change_still_fails(invoke: Any, store_path: Path) -> None:
    before = digest(store_path)
    refused(invoke("edit", SSD, "--set", "end=2022-01-01", "--dry-run"), 3)
    refused(invoke("cancel", "no-such-event", "--dry-run"), 1)
    assert digest(store_path) == before


def test_dry_run_of_an_update_that_changes_nothing(invoke: Any, store_path: Path) -> None:
    ok(invoke("add", "--from-file", "-", input=ONE_YAML))
    before = digest(store_path)
    result = ok(invoke("add", "--from-file", "-", "--update", "--dry-run", input=ONE_YAML))
    assert result.stdout == "(no change)\n"
    assert "nothing was written" in result.stderr
    assert digest(store_path) == before


# ------------------------------------------------------- YAML comments kept


def test_yaml_comments_survive_edits(invoke: Any, store_path: Path) -> None:
    for comment in COMMENTS:
        assert comment in store_path.read_text(encoding="utf-8")
    ok(invoke("edit", VIRTUAL, "--set", "notes=edited"))
    ok(invoke("edit", CALL, "--outcome", "edited"))
    ok(invoke("postpone", SSD, "--to", "2022-01-17", "--reason", "r"))
    ok(invoke("cancel", NRC))
    ok(invoke("remove", OSCE, "--yes"))
    ok(invoke("add", "--from-file", "-", input=LIST_YAML))
    text = store_path.read_text(encoding="utf-8")
    for comment in COMMENTS:
        assert comment in text, comment
    # the inline comments stay on their lines
    assert any(
        "timezone: America/New_York" in ln and "White House" in ln for ln in text.splitlines()
    )
    assert any("2021-12-30T15:35" in ln and "23:35 in Moscow" in ln for ln in text.splitlines())
    assert record(invoke, VIRTUAL)["notes"] == "edited"


def test_edit_touches_only_the_changed_record(invoke: Any, store_path: Path) -> None:
    before = store_path.read_text(encoding="utf-8").splitlines()
    ok(invoke("edit", SSD, "--set", "notes=changed"))
    after = store_path.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1
    assert "notes:" in changed[0][1] and "changed" in changed[0][1]


def test_edit_json_store(invoke: Any, store_path: Path, tmp_path: Path) -> None:
    from ruamel.yaml import YAML

    data = YAML(typ="safe", pure=True).load(store_path.read_text(encoding="utf-8"))
    json_store = tmp_path / "store.json"
    json_store.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    ok(invoke("--store", str(json_store), "edit", SSD, "--set", "notes=json"))
    saved = json.loads(json_store.read_text(encoding="utf-8"))
    assert next(e for e in saved["events"] if e["id"] == SSD)["notes"] == "json"
    before = digest(json_store)
    refused(invoke("--store", str(json_store), "edit", SSD, "--set", "end=2020-01-01"), 3)
    assert digest(json_store) == before
