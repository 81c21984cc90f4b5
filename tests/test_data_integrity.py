"""Nothing wrong, nothing lost: the right event, a readable store, exact text, small diffs,
an unforgeable parse cache (issue 12, items 1 to 5)."""

from __future__ import annotations

import difflib
import json
import os
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import INVALID_DATA, digest, failed, ids, ok
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summit_cli import cells, records, store
from summit_cli.interop import batch as batches
from summit_cli.interop import ics, importing
from summit_cli.interop.csv_in import csv_batch
from summit_cli.model import Change, Event, Store, WallTime, parse_wall_time
from summit_cli.query import Placed, add_event
from summit_cli.store import reading
from summit_cli.timeline import span_of
from summit_cli.writers import to_csv, to_json

THREE_WITHOUT_IDS = """\
version: 1
events:
  - title: Alpha
    start: "2022-01-10"
    city: Geneva
  - title: Bravo
    start: "2022-01-10"
    city: Geneva
  - title: Charlie
    start: "2022-01-10"
    city: Geneva
"""


# ------------------------------------------------------------ 1. the wrong event


def test_a_generated_id_never_moves_to_another_event(invoke: Any, tmp_path: Path) -> None:
    path = tmp_path / "noids.yaml"
    path.write_text(THREE_WITHOUT_IDS)
    at = ("--store", str(path))
    first, second, third = ids(invoke, *at, "list")
    ok(invoke(*at, "remove", first, "--yes"))
    listing = ok(invoke(*at, "list", "--template", "{id} {title}")).stdout.splitlines()
    assert listing == [f"{second} Bravo", f"{third} Charlie"]
    ok(invoke(*at, "remove", second, "--yes"))
    assert ok(invoke(*at, "list", "--template", "{title}")).stdout == "Charlie\n"
    # The first write named every event in the file, so the cache and the file agree;
    # it wrote nothing else (no default spelled out).
    assert path.read_text() == f'version: 1\nevents:\n  - id: "{third}"\n' + (
        '    title: Charlie\n    start: "2022-01-10"\n    city: Geneva\n'
    )


def test_the_cache_and_a_cold_read_always_agree(invoke: Any, tmp_path: Path) -> None:
    path = tmp_path / "noids.yaml"
    path.write_text(THREE_WITHOUT_IDS)
    at = ("--store", str(path))
    ok(invoke(*at, "list"))  # builds the parse cache
    ok(invoke(*at, "remove", ids(invoke, *at, "list")[0], "--yes"))
    cached = ok(invoke(*at, "list", "--output", "json")).stdout
    cold = invoke("--store", str(path), "list", "--output", "json")
    assert cached == ok(cold).stdout
    assert [e.id for e in store.load(path).store.events] == [r["id"] for r in json.loads(cached)]


# ------------------------------------------------- 2. a write past the read limit


def test_a_write_that_would_make_the_store_unreadable_is_refused(
    invoke: Any, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    size = store_path.stat().st_size
    monkeypatch.setattr(reading, "MAX_STORE_BYTES", size + 200)
    big = tmp_path / "many.json"
    big.write_text(
        json.dumps(
            [{"title": f"Meeting {i}", "start": "2022-03-01", "id": f"m-{i}"} for i in range(20)]
        )
    )
    before = digest(store_path)
    failed(invoke("import", str(big)), INVALID_DATA, "would grow the store", "nothing was written")
    assert digest(store_path) == before
    ok(invoke("validate"))
    ok(invoke("add", "Small", "--start", "2022-03-01"))
    ok(invoke("undo"))  # undo can always open what a write produced
    assert digest(store_path) == before


# --------------------------------------------------- 3. text changed silently

# Every character a store may hold (no lone surrogates), unsafe ones included.
TEXT = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=40).filter(
    lambda t: t.strip() != ""
)


def _event(title: str, notes: str, item: str, reason: str) -> Event:
    return Event(
        id="e-1",
        title=title,
        start=parse_wall_time("2022-01-10T10:00"),
        timezone="Europe/Zurich",
        notes=notes,
        outcome=reason,
        participants=(item, "Russia"),
        sources=(item,),
        tags=(item,),
        history=(Change(at="2022-01-05T10:00:00Z", change="postponed", reason=reason),),
    )


def _texts(event: Event) -> tuple[Any, ...]:
    return (event.title, event.notes, event.outcome, event.participants, event.sources,
            event.tags, event.history)  # fmt: skip


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=TEXT, notes=TEXT, item=TEXT, reason=TEXT)
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_every_string_round_trips_through_the_store(
    tmp_path: Path, suffix: str, title: str, notes: str, item: str, reason: str
) -> None:
    # A fresh folder per example: hypothesis runs an example again when it shrinks one.
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path = folder / f"store{suffix}"
    event = _event(title, notes, item, reason)
    location = store.Location(path, cache_dir=folder / "cache")
    store.update(location, lambda s: add_event(s, event))
    assert _texts(store.load(path).store.events[0]) == _texts(event)  # the round trip
    assert _texts(store.read_store(location).events[0]) == _texts(event)  # a cold read
    assert _texts(store.read_store(location).events[0]) == _texts(event)  # the cache


@settings(max_examples=60)
@given(title=TEXT, notes=TEXT, item=TEXT, reason=TEXT)
def test_every_string_round_trips_through_ics_csv_and_json(
    title: str, notes: str, item: str, reason: str
) -> None:
    event = _event(title, notes, item, reason)
    now = datetime(2022, 1, 1, tzinfo=UTC)
    # iCalendar: our X-SUMMITS-* properties bring back every byte.
    data = ics.to_ics([event], {}, stamp=now)
    back = batches.events_of(ics.ics_batch(data.decode("utf-8"), "x.ics"), Store())
    assert _texts(back[0]) == _texts(event)
    # CSV and JSON exports, as `summits export` writes them.
    row = records.record(Placed(event, span_of(event, UTC)), now)
    keys = [k for k in records.RECORD_KEYS if k not in {"phase", "starts_in_seconds", "countdown"}]
    csv_text = to_csv(records.select([row], keys), keys)
    back = batches.events_of(csv_batch(csv_text, "x.csv"), Store())
    assert _texts(back[0]) == _texts(event)
    json_text = to_json(records.select([row], keys))
    back = batches.events_of(importing.read_batch(json_text, "json", "x.json"), Store())
    assert _texts(back[0]) == _texts(event)


@given(st.lists(TEXT, max_size=5))
def test_list_cells_round_trip(items: list[str]) -> None:
    assert cells.split_list(cells.join_list(items)) == items


def test_nel_in_a_yaml_store_reads_the_same_cold_and_cached(tmp_path: Path) -> None:
    path = tmp_path / "nel.yaml"
    location = store.Location(path, cache_dir=tmp_path / "cache")
    event = replace(_event("Next\x85line", "n", "i", "r"), title="Next\x85line")
    store.update(location, lambda s: add_event(s, event))
    assert "\x85" not in path.read_text(encoding="utf-8")  # written as an escape
    cold = store.read_store(location).events[0].title
    cached = store.read_store(location).events[0].title
    assert cold == cached == "Next\x85line"


def test_a_literal_backslash_n_and_a_cr_survive_an_ics_round_trip() -> None:
    event = _event("Title \\N not a break", "CR\rinside", "x", "reason with \\N")
    data = ics.to_ics([event], {}, stamp=datetime(2022, 1, 1, tzinfo=UTC))
    (back,) = batches.events_of(ics.ics_batch(data.decode(), "x.ics"), Store())
    assert back.title == "Title \\N not a break"
    assert back.notes == "CR\rinside"
    assert back.history[0].reason == "reason with \\N"


# ------------------------------------------------------- 4. minimal diffs


def _changed(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in {"+++", "---"}]


def test_formats_add_changes_only_the_lines_of_the_new_format(
    invoke: Any, store_path: Path
) -> None:
    before = store_path.read_text()
    ok(invoke("formats", "add", "normandy", "--name", "Normandy Format", "--tz", "Europe/Paris"))
    changed = _changed(before, store_path.read_text())
    assert changed == [
        "+  normandy:",
        "+    name: Normandy Format",
        "+    timezone: Europe/Paris",
    ]


def test_a_flow_style_event_is_rewritten_alone(invoke: Any, tmp_path: Path) -> None:
    path = tmp_path / "flow.yaml"
    path.write_text(
        "version: 1\n"
        "events:\n"
        "  # the first one\n"
        '  - {id: a, title: First, start: "2022-01-10"}\n'
        "  # the second one\n"
        '  - {id: b, title: Second, start: "2022-01-11"}\n'
    )
    before = path.read_text()
    ok(invoke("--store", str(path), "edit", "a", "--set", "notes=hello"))
    after = path.read_text()
    assert len(_changed(before, after)) == 2  # one line out, one line in
    assert "  # the second one\n" in after
    assert after.index("# the second one") < after.index("id: b")


def test_a_comment_stays_with_the_event_it_precedes_when_its_neighbour_changes(
    invoke: Any, store_path: Path
) -> None:
    text = store_path.read_text()
    marker = "  # comment for the NATO-Russia Council\n"
    text = text.replace(
        "  - id: 2022-01-12-brussels-nrc", marker + "  - id: 2022-01-12-brussels-nrc"
    )
    store_path.write_text(text)
    ok(invoke("edit", "2022-01-10-geneva-ssd", "--set", "outcome=No breakthrough"))
    ok(invoke("remove", "2022-01-09-geneva-dinner", "--yes"))
    after = store_path.read_text()
    assert marker + "  - id: 2022-01-12-brussels-nrc" in after


# --------------------------------------------------------- 5. the cache key


def test_a_same_size_edit_that_keeps_the_mtime_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(THREE_WITHOUT_IDS.replace("Alpha", "AAAAA"))
    old = path.stat().st_mtime_ns - 3_600_000_000_000  # an hour ago: the stat is trusted
    os.utime(path, ns=(old, old))
    location = store.Location(path, cache_dir=tmp_path / "cache")
    assert store.read_store(location).events[0].title == "AAAAA"
    assert store.read_store(location).events[0].title == "AAAAA"  # from the cache
    with path.open("r+b") as handle:  # same size, same inode
        data = handle.read().replace(b"AAAAA", b"ZZZZZ")
        handle.seek(0)
        handle.write(data)
    os.utime(path, ns=(old, old))  # and the old mtime: only ctime and the bytes tell
    assert path.stat().st_size == len(THREE_WITHOUT_IDS)
    assert store.read_store(location).events[0].title == "ZZZZZ"


def test_the_cache_key_is_a_strong_digest(tmp_path: Path) -> None:
    from summit_cli.store import fs

    assert len(fs.digest(b"x")) == 64  # 256 bits of BLAKE2b, not a checksum


@pytest.mark.parametrize(
    "edit",
    [
        lambda s: s.with_events(s.events[1:]),
        lambda s: s.with_events([replace(e, notes="n") for e in s.events]),
        lambda s: add_event(
            s, Event(id="", title="New", start=WallTime(datetime(2022, 2, 1).date()))
        ),
    ],
    ids=["remove", "edit-all", "add"],
)
def test_reads_after_a_write_match_the_file(tmp_path: Path, edit: Any) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(THREE_WITHOUT_IDS)
    location = store.Location(path, cache_dir=tmp_path / "cache")
    store.read_store(location)
    store.update(location, edit)
    assert store.read_store(location) == store.load(path).store
