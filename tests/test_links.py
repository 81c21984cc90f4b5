"""Linked events (issue 16): a round follows the one before, formats are agreed at a call, a
session is part of a summit. Links are validated (the target exists, no circle), shown
both ways, followed by `thread`, kept through edits, imports and exports, and a linked
event is not removed without --yes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import INVALID_DATA, USAGE, as_json, digest, failed, ids, ok, record

CALL = "2021-12-30-phone-call"
SSD = "2022-01-10-geneva-ssd"
NRC = "2022-01-12-brussels-nrc"
OSCE = "2022-01-13-vienna-osce"
DINNER = "2022-01-09-geneva-dinner"


def test_the_bundled_store_says_the_january_formats_were_agreed_at_the_call(
    invoke: Any,
) -> None:
    for event_id in (SSD, NRC, OSCE):
        assert record(invoke, event_id)["agreed_at"] == CALL
    card = ok(invoke("--now", "2022-01-01", "show", CALL)).stdout
    for event_id in (SSD, NRC, OSCE):
        assert f"led to        {event_id}" in card
    assert "follows       2021-12-07-virtual-summit" in card


def test_thread_tells_the_whole_story_in_time_order(invoke: Any) -> None:
    story = [
        "2021-06-16-geneva-summit",
        "2021-12-07-virtual-summit",
        CALL,
        DINNER,
        SSD,
        NRC,
        OSCE,
    ]
    assert ids(invoke, "thread", NRC) == story
    assert ids(invoke, "thread", "2021-06-16-geneva-summit") == story
    table = ok(invoke("thread", NRC)).stdout
    assert "agreed at 2021-12-30-phone-call" in table and "◀" in table
    records = as_json(invoke("thread", DINNER, "--output", "json"))
    assert records[3]["part_of"] == SSD
    failed(invoke("thread", "2022-01-12-brussels-nr"), 1, "did you mean", NRC)


def test_add_and_edit_take_links_and_refuse_unknown_or_self_targets(invoke: Any) -> None:
    new = ok(
        invoke(
            "add", "Round 4", "--start", "2022-02-10", "--format", "geneva", "--round", "4",
            "--follows", SSD, "--agreed-at", CALL,
        )
    ).stdout.strip()  # fmt: skip
    assert (record(invoke, new)["follows"], record(invoke, new)["agreed_at"]) == (SSD, CALL)
    failed(
        invoke("add", "X", "--start", "2022-02-11", "--follows", "2022-01-10-geneva-sd"),
        USAGE,
        "--follows",
        "did you mean",
        SSD,
    )
    failed(invoke("edit", new, "--part-of", new), USAGE, "cannot name itself")
    ok(invoke("edit", new, "--unset", "follows"))
    assert record(invoke, new)["follows"] is None
    assert record(invoke, new)["agreed_at"] == CALL  # the other link stays


def test_a_circle_of_links_is_refused_and_the_store_is_unchanged(
    invoke: Any, store_path: Path
) -> None:
    before = digest(store_path)
    failed(invoke("edit", CALL, "--follows", SSD), INVALID_DATA, "circle", CALL, SSD)
    assert digest(store_path) == before


@pytest.mark.parametrize(
    ("lines", "fragments"),
    [
        ("    follows: nowhere\n", ["line", "follows", "there is no event 'nowhere'"]),
        ("    follows: a\n", ["cannot name itself"]),
        ("    follows: [a, b]\n", ["follows must be an event id"]),
    ],
)
def test_store_links_are_checked_with_their_line(
    invoke: Any, tmp_path: Path, lines: str, fragments: list[str]
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        'version: 1\nevents:\n  - id: a\n    title: A\n    start: "2022-01-10"\n' + lines,
        encoding="utf-8",
    )
    failed(invoke("--store", str(path), "list"), INVALID_DATA, *fragments)


def test_a_flawed_event_is_not_reported_again_as_a_missing_link(
    invoke: Any, store_path: Path
) -> None:
    text = store_path.read_text(encoding="utf-8")
    store_path.write_text(text.replace("    round: 3\n", "    round: three\n"), encoding="utf-8")
    result = invoke("list")
    assert result.exit_code == INVALID_DATA
    assert "round must be a positive whole number" in result.stderr
    assert "there is no event" not in result.stderr


def test_removing_a_linked_event_needs_yes_and_clears_the_links(
    invoke: Any, store_path: Path
) -> None:
    before = digest(store_path)
    failed(invoke("remove", CALL), USAGE, "other events link to it", f"{SSD} agreed-at {CALL}")
    assert digest(store_path) == before
    done = ok(invoke("remove", CALL, "--yes"))
    assert "links cleared" in done.stderr and NRC in done.stderr
    for event_id in (SSD, NRC, OSCE):
        assert record(invoke, event_id)["agreed_at"] is None
    assert record(invoke, "2021-12-07-virtual-summit")["follows"] == "2021-06-16-geneva-summit"


@pytest.mark.parametrize("output", ["ics", "csv", "json"])
def test_links_survive_export_and_import(invoke: Any, tmp_path: Path, output: str) -> None:
    exported = tmp_path / f"all.{output}"
    ok(invoke("export", "--output", output, "-o", str(exported)))
    target = str(tmp_path / "new.yaml")
    ok(invoke("--store", target, "import", str(exported)))
    got = {r["id"]: (r["follows"], r["agreed_at"], r["part_of"]) for r in
           as_json(invoke("--store", target, "list", "--output", "json"))}  # fmt: skip
    assert got[SSD] == (None, CALL, None)
    assert got[DINNER] == (None, None, SSD)
    assert got[CALL] == ("2021-12-07-virtual-summit", None, None)


def test_an_import_leaves_out_links_to_events_it_does_not_bring(
    invoke: Any, tmp_path: Path
) -> None:
    # An export of one format names the call where it was agreed, which it does not carry.
    exported = tmp_path / "geneva.ics"  # ICS carries the format's definition
    ok(invoke("export", "--format", "geneva", "-o", str(exported)))
    target = str(tmp_path / "new.yaml")
    strict = invoke("--store", target, "import", "--strict", str(exported))
    assert strict.exit_code == INVALID_DATA and f"agreed-at {CALL}" in strict.stderr
    done = ok(invoke("--store", target, "import", str(exported)))
    assert f"{SSD}: link left out, no such event here: agreed-at {CALL}" in done.stderr
    got = {r["id"]: (r["agreed_at"], r["part_of"]) for r in
           as_json(invoke("--store", target, "list", "--output", "json"))}  # fmt: skip
    assert got == {DINNER: (None, SSD), SSD: (None, None)}  # the link within the file stays


def test_each_left_out_link_is_said_once(invoke: Any, tmp_path: Path) -> None:
    # The store's transaction may run the import twice (fast path, then round trip).
    exported = ok(invoke("--now", "2022-01-01", "list", "--format", "geneva", "--output", "json"))
    target = str(tmp_path / "talks.yaml")
    ok(invoke("--store", target, "formats", "add", "geneva", "--name", "Geneva"))
    done = ok(invoke("--store", target, "import", "-", "--type", "json", input=exported.stdout))
    assert done.stderr.count("link left out") == 1
