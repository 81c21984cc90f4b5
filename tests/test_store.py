"""The store: safe reading of YAML and JSON, and the locked, atomic, round-trip write."""

from __future__ import annotations

import difflib
import fcntl
import itertools
import json
import os
import shutil
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from summit_cli import store
from summit_cli.errors import (
    InvalidData,
    InvalidInput,
    NotFound,
    StoreBusy,
    StoreChanged,
    StoreIOError,
)
from summit_cli.model import Event, Format, Status, Store, WallTime, parse_wall_time
from summit_cli.query import add_event, add_format
from summit_cli.store import fs, reading, transaction, yamltree

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "summits.yaml"


@pytest.fixture(autouse=True)
def fresh_yaml_parser() -> Iterator[None]:
    """A new YAML parser per test, so one test's failed parse cannot leak into another
    (see test_a_failed_yaml_parse_does_not_break_later_loads)."""
    yamltree._yaml.cache_clear()
    yield
    yamltree._yaml.cache_clear()


def sha(path: Path) -> str:
    return fs.digest(path.read_bytes())


def new_event(event_id: str = "2022-02-01-geneva-talks", **fields: Any) -> Event:
    base: dict[str, Any] = {
        "id": event_id,
        "title": "Follow-up talks",
        "start": parse_wall_time("2022-02-01T10:00"),
        "kind": "talks",
        "timezone": "Europe/Zurich",
        "city": "Geneva",
    }
    base.update(fields)
    return Event(**base)


def adding(event: Event) -> Callable[[Store], Store]:
    return lambda current: add_event(current, event)


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(fs.TEMP_PREFIX))


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


MINIMAL = """\
version: 1
events:
  - id: a-1
    title: First
    start: "2022-01-10"
"""


# ------------------------------------------------------------------ reading


def test_yaml_and_json_stores_give_the_same_store(tmp_path: Path) -> None:
    from_yaml = store.load(BUNDLED)
    assert len(from_yaml.store.events) > 5
    json_path = write(tmp_path / "s.json", json.dumps(from_yaml.tree, ensure_ascii=False))
    from_json = store.load(json_path)
    assert from_json.syntax == "json"
    assert from_yaml.syntax == "yaml"
    assert from_json.store == from_yaml.store


def test_load_reports_path_syntax_and_stamp(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yml", MINIMAL)
    loaded = store.load(path)
    assert loaded.path == path
    assert loaded.syntax == "yaml"
    assert loaded.stamp.exists
    assert loaded.stamp.size == len(MINIMAL)
    assert loaded.stamp.digest == sha(path)
    assert not loaded.bom
    assert [e.id for e in loaded.store.events] == ["a-1"]


@pytest.mark.parametrize("name", ["s.txt", "s", "s.toml", "s.yaml.bak"])
def test_unknown_store_suffix(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, MINIMAL)
    with pytest.raises(InvalidInput, match="unknown store type"):
        store.load(path)


def test_missing_store_and_folder(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="store not found"):
        store.load(tmp_path / "nope.yaml")
    (tmp_path / "dir.yaml").mkdir()
    with pytest.raises(StoreIOError, match="is a folder"):
        store.load(tmp_path / "dir.yaml")


@pytest.mark.parametrize("syntax", ["yaml", "json"])
def test_empty_file_is_an_empty_store(tmp_path: Path, syntax: str) -> None:
    path = write(tmp_path / f"s.{syntax}", "" if syntax == "yaml" else "{}")
    assert store.load(path).store == Store()


def test_yaml_scalars_are_typed_by_the_schema(tmp_path: Path) -> None:
    path = write(
        tmp_path / "s.yaml",
        """\
version: 1
events:
  - title: yes
    start: 2022-01-10
    end: 2022-01-11
    country: NO
    city: 1:30
    venue: 010
    notes: on
    tags: [off, y, 1e3, null-ish, ~x]
    round: 10
""",
    )
    (event,) = store.load(path).store.events
    assert event.title == "yes"
    assert event.start == WallTime(parse_wall_time("2022-01-10").date)
    assert event.end == parse_wall_time("2022-01-11")
    assert event.country == "NO"
    assert event.city == "1:30"
    assert event.venue == "010"
    assert event.notes == "on"
    assert event.tags == ("off", "y", "1e3", "null-ish", "~x")
    assert event.round == 10


@pytest.mark.parametrize(
    ("value", "shown"),
    [("010", "'010'"), ("0x10", "'0x10'"), ("1.5", "'1.5'"), ("1_000", "'1_000'"), ("0", "0")],
)
def test_yaml_round_must_be_a_plain_decimal(tmp_path: Path, value: str, shown: str) -> None:
    path = write(tmp_path / "s.yaml", MINIMAL + f"    round: {value}\n")
    with pytest.raises(InvalidData) as info:
        store.load(path)
    assert str(info.value) == (
        f"{path}: line 6: events[0] (id a-1): round must be a positive whole number, not {shown}"
    )


def test_problems_name_the_line_of_their_field(tmp_path: Path) -> None:
    text = MINIMAL + '  - id: b-2\n    title: Second\n    start: "2022-01-32"\n    kind: party\n'
    path = write(tmp_path / "s.yaml", text)
    with pytest.raises(InvalidData) as info:
        store.load(path)
    wheres = [p.where for p in info.value.problems]
    assert wheres == ["line 9: events[1] (id b-2)", "line 8: events[1] (id b-2)"]
    assert "2 problems" in str(info.value)


def test_end_before_start_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", MINIMAL + '    end: "2022-01-09"\n')
    with pytest.raises(InvalidData, match=r"event a-1: ends \(2022-01-09\) before it starts"):
        store.load(path)


HOSTILE_YAML = {
    "python tag": (
        "version: 1\nevents:\n  - !!python/object/apply:os.system ['touch {marker}']\n",
        "line 3: explicit tags (tag:yaml.org,2002:python/object/apply:os.system)",
    ),
    "python tag on a value": (
        "version: 1\nevents:\n  - title: !!python/object/apply:os.system ['touch {marker}']\n"
        "    start: '2022-01-10'\n",
        "line 3: explicit tags",
    ),
    "standard tag": ("version: 1\nformats: !!map {{}}\n", "line 2: explicit tags"),
    "local tag": (
        "version: 1\nevents:\n  - !event {{title: x}}\n",
        "line 3: explicit tags (!event)",
    ),
    "str tag": (
        "version: 1\nevents:\n  - title: !!str 5\n    start: '2022-01-10'\n",
        "line 3: explicit tags",
    ),
    "anchor": (
        "version: 1\nformats:\n  a: &x {{name: A}}\n  b: {{name: B}}\n",
        "line 3: anchors (&name) are not allowed",
    ),
    "alias": (
        "version: 1\nformats:\n  a: {{name: A}}\n  b: *x\n",
        "line 4: aliases (*name) are not allowed",
    ),
    "merge key with alias": (
        "version: 1\nformats:\n  a: &base {{name: A}}\n  b:\n    <<: *base\n",
        "line 3: anchors",
    ),
    "duplicate top-level key": ("version: 1\nversion: 1\n", "line 2: while constructing a mapping"),
    "duplicate event key": (
        "version: 1\nevents:\n  - title: x\n    start: '2022-01-10'\n    title: y\n",
        'line 5: while constructing a mapping found duplicate key "title"',
    ),
    "two documents": ("version: 1\n---\nversion: 1\n", "line 2: expected a single document"),
    "syntax error": ("version: 1\nevents: [\n", "line 3:"),
    "tab indentation": ("version: 1\n\tformats: {{}}\n", "line 2:"),
    "control character": ('version: 1\nx: "\x07"\n', "special characters are not allowed"),
    "deep nesting": ("x: " + "[" * 200 + "]" * 200 + "\n", "maximum depth"),
}


@pytest.mark.parametrize("case", list(HOSTILE_YAML))
def test_hostile_yaml_is_refused_with_its_line(tmp_path: Path, case: str) -> None:
    marker = tmp_path / "pwned"
    template, expected = HOSTILE_YAML[case]
    path = write(tmp_path / "s.yaml", template.format(marker=marker))
    with pytest.raises(InvalidData) as info:
        store.load(path)
    assert expected in str(info.value)
    assert str(info.value).startswith(f"{path}: ")
    assert not marker.exists()


def test_billion_laughs_is_refused_fast(tmp_path: Path) -> None:
    lines = ["version: 1", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghi"
    for previous, name in itertools.pairwise(names):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    path = write(tmp_path / "s.yaml", "\n".join(lines) + "\n")
    started = time.monotonic()
    with pytest.raises(InvalidData, match="line 2: anchors"):
        store.load(path)
    assert time.monotonic() - started < 2


def test_hostile_store_is_not_touched_by_an_update(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", "version: 1\nformats: !!map {}\n")
    before = sha(path)
    with pytest.raises(InvalidData):
        store.update(store.Location(path), adding(new_event()))
    assert sha(path) == before
    assert temp_files(tmp_path) == []


BAD_JSON = {
    "duplicate top-level key": ('{"version": 1, "version": 1}', "duplicate key 'version'"),
    "duplicate event key": (
        '{"events": [{"title": "a", "title": "b", "start": "2022-01-10"}]}',
        "duplicate key 'title'",
    ),
    "NaN": ('{"events": [{"title": "a", "start": "2022-01-10", "round": NaN}]}', "NaN"),
    "Infinity": ('{"version": Infinity}', "Infinity is not allowed"),
    "-Infinity": ('{"version": -Infinity}', "-Infinity is not allowed"),
    "5000-digit integer": ('{"version": ' + "9" * 5000 + "}", "digits"),
    "deep nesting": ("[" * 100_000 + "]" * 100_000, "nested deeper than 64 levels"),
    "deep objects": ('{"a":' * 70 + "1" + "}" * 70, "nested deeper than 64 levels"),
    "syntax error": ('{"version": 1,\n', "line 2, column 1"),
    "trailing comma": ('{"version": 1,}', "line 1"),
    "top-level list": ("[]", "the top level must be a mapping"),
    "huge float": (
        '{"events": [{"title": "a", "start": "2022-01-10", "round": 1e400}]}',
        "round must be a positive whole number, not inf",
    ),
    "float version": ('{"version": 1.0}', "unsupported store version 1.0"),
}


@pytest.mark.parametrize("case", list(BAD_JSON))
def test_bad_json_is_one_clean_error(tmp_path: Path, case: str) -> None:
    text, expected = BAD_JSON[case]
    path = write(tmp_path / "s.json", text)
    with pytest.raises(InvalidData) as info:
        store.load(path)
    assert expected in str(info.value)


@pytest.mark.parametrize("suffix", ["yaml", "json"])
def test_invalid_utf8_is_invalid_data_with_its_line(tmp_path: Path, suffix: str) -> None:
    body = (
        b"version: 1\nevents:\n  - title: caf\xe9\n"
        if suffix == "yaml"
        else b'{"version": 1,\n "events": [{"title": "caf\xe9"}]}'
    )
    path = write(tmp_path / f"s.{suffix}", body)
    with pytest.raises(InvalidData) as info:
        store.load(path)
    line = 3 if suffix == "yaml" else 2
    assert str(info.value) == f"{path}: line {line}: not valid UTF-8 (byte 0xe9)"


def test_json_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    title = "[" * 100 + '\\"{{{'
    path = write(
        tmp_path / "s.json", '{"events": [{"title": "' + title + '", "start": "2022-01-10"}]}'
    )
    (event,) = store.load(path).store.events
    assert event.title == "[" * 100 + '"{{{'


@pytest.mark.parametrize("suffix", ["yaml", "json"])
def test_bom_is_accepted_and_kept(tmp_path: Path, suffix: str) -> None:
    text = (
        MINIMAL
        if suffix == "yaml"
        else json.dumps(
            {"version": 1, "events": [{"id": "a-1", "title": "First", "start": "2022-01-10"}]}
        )
    )
    path = write(tmp_path / f"s.{suffix}", b"\xef\xbb\xbf" + text.encode())
    loaded = store.load(path)
    assert loaded.bom
    assert [e.id for e in loaded.store.events] == ["a-1"]
    store.update(store.Location(path), adding(new_event()))
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert not data[3:].startswith(b"\xef\xbb\xbf")
    assert [e.id for e in store.load(path).store.events] == ["a-1", "2022-02-01-geneva-talks"]


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_STORE_BYTES", 64)
    path = write(tmp_path / "s.yaml", MINIMAL + "# padding\n" * 10)
    with pytest.raises(InvalidData) as info:
        store.load(path)
    assert f"the file is {path.stat().st_size} bytes" in str(info.value)
    assert "the limit is 64" in str(info.value)
    small = write(tmp_path / "small.json", '{"version": 1}')
    assert store.load(small).store == Store()


def test_readers_take_no_lock(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", MINIMAL)
    with held_lock(path):
        assert [e.id for e in store.load(path).store.events] == ["a-1"]


# ------------------------------------------------------------------ round-trip writes

COMMENTED = """\
# Head comment: keep me.
version: 1   # the version
x-top: {keep: me}   # an unknown top-level key

formats:
  # A format comment.
  geneva:
    name: Strategic Stability Dialogue   # end-of-line comment
    x-format-extra: 42
events:
  # First event.
  - id: a-1
    title: 'Single-quoted title'
    start: '2022-01-10'
    x-custom: [1, 2]   # an unknown event key
    country: NO

  - id: b-2
    title: "Double-quoted"
    start: "2022-01-12T09:00"   # keep this too
    timezone: Europe/Zurich
    notes: >-
      Folded text
      over two lines.
"""


def test_adding_an_event_keeps_every_comment_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", COMMENTED)
    event = new_event(country="NO", title="yes", venue="010", tags=("on", "x"))
    saved = store.update(store.Location(path), adding(event))
    after = path.read_text(encoding="utf-8")
    assert after[: len(COMMENTED)] == COMMENTED
    appended = after[len(COMMENTED) :]
    # The file puts a blank line between events, so the new one gets one too.
    assert appended.startswith('\n  - id: "2022-02-01-geneva-talks"\n')  # date-like: quoted
    # Values another YAML reader would mistake for something else are quoted.
    assert '    title: "yes"\n' in appended
    assert '    country: "NO"\n' in appended
    assert '    venue: "010"\n' in appended
    assert '    start: "2022-02-01T10:00"\n' in appended
    assert saved.after.event("2022-02-01-geneva-talks") == event
    reloaded = store.load(path)
    assert reloaded.store.events[-1] == event
    assert reloaded.tree["x-top"] == {"keep": "me"}


def test_adding_to_the_bundled_store_keeps_it_byte_identical(store_path: Path) -> None:
    before = store_path.read_text(encoding="utf-8")
    store.update(store.Location(store_path), adding(new_event(format="geneva")))
    after = store_path.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert after[len(before) :].startswith('\n  - id: "2022-02-01-geneva-talks"\n')
    comments = [line for line in before.splitlines() if "#" in line]
    assert comments
    assert all(line in after.splitlines() for line in comments)


def test_a_trailing_comment_stays_in_place(tmp_path: Path) -> None:
    text = MINIMAL + "# trailing comment\n"
    path = write(tmp_path / "s.yaml", text)
    store.update(store.Location(path), adding(new_event()))
    after = path.read_text(encoding="utf-8")
    # The new event goes after the last one; a comment closing the file stays last.
    assert after.startswith(MINIMAL)
    assert after.endswith("\n# trailing comment\n")
    assert [e.id for e in store.load(path).store.events] == ["a-1", "2022-02-01-geneva-talks"]


def _diff(before: str, after: str) -> tuple[list[str], list[str]]:
    lines = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    removed = [line[2:] for line in lines if line.startswith("- ")]
    added = [line[2:] for line in lines if line.startswith("+ ")]
    return removed, added


def test_editing_an_event_changes_only_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", COMMENTED)

    def hold(current: Store) -> Store:
        events = [
            replace(e, status=Status.HELD, outcome="Done") if e.id == "a-1" else e
            for e in current.events
        ]
        return current.with_events(events)

    store.update(store.Location(path), hold)
    after = path.read_text(encoding="utf-8")
    removed, added = _diff(COMMENTED, after)
    assert removed == []
    assert {"    outcome: Done", "    status: held"} <= set(added)
    # Besides the change, at most the schema default of an unchanged key is spelled out.
    assert set(added) - {"    outcome: Done", "    status: held"} <= {"    kind: other"}
    reloaded = store.load(path)
    assert reloaded.tree["events"][0]["x-custom"] == [1, 2]
    assert reloaded.store.event("a-1") is not None
    assert reloaded.store.event("a-1").status is Status.HELD  # type: ignore[union-attr]


def test_adding_a_format_keeps_unknown_keys_and_comments(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", COMMENTED)
    store.update(
        store.Location(path),
        lambda current: add_format(current, Format("nrc", "NATO–Russia Council")),
    )
    after = path.read_text(encoding="utf-8")
    removed, added = _diff(COMMENTED, after)
    assert removed == []
    assert added == ["  nrc:", "    name: NATO–Russia Council"]
    tree = store.load(path).tree
    assert tree["formats"]["geneva"]["x-format-extra"] == 42


def test_removing_an_event_keeps_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", COMMENTED)
    store.update(
        store.Location(path),
        lambda current: current.with_events([e for e in current.events if e.id != "b-2"]),
    )
    loaded = store.load(path)
    assert [e.id for e in loaded.store.events] == ["a-1"]
    text = path.read_text(encoding="utf-8")
    assert "# Head comment: keep me." in text
    assert "x-custom: [1, 2]   # an unknown event key" in text


JSON_STORE: dict[str, Any] = {
    "version": 1,
    "x-meta": {"owner": "desk"},
    "formats": {"geneva": {"name": "SSD", "x-format-extra": [1]}},
    "events": [
        {"id": "a-1", "title": "First", "start": "2022-01-10", "x-custom": {"k": "v"}},
    ],
}


def test_json_store_keeps_unknown_keys(tmp_path: Path) -> None:
    path = write(tmp_path / "s.json", json.dumps(JSON_STORE))
    store.update(store.Location(path), adding(new_event(format="geneva")))
    tree: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    assert tree["x-meta"] == {"owner": "desk"}
    assert tree["formats"]["geneva"]["x-format-extra"] == [1]
    assert tree["events"][0] == JSON_STORE["events"][0]
    assert tree["events"][1]["id"] == "2022-02-01-geneva-talks"
    assert tree["events"][1]["format"] == "geneva"
    assert list(tree) == ["version", "x-meta", "formats", "events"]


def test_update_creates_a_new_store(tmp_path: Path) -> None:
    for name in ("new.yaml", "new.json"):
        path = tmp_path / name
        saved = store.update(store.Location(path), adding(new_event()))
        assert saved.before == Store()
        loaded = store.load(path)
        assert loaded.store.version == 1
        assert [e.id for e in loaded.store.events] == ["2022-02-01-geneva-talks"]
        umask = os.umask(0)
        os.umask(umask)
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_update_into_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreIOError, match="no such folder"):
        store.update(store.Location(tmp_path / "nope" / "s.yaml"), adding(new_event()))


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", MINIMAL)
    before = sha(path)
    saved = store.update(store.Location(path), adding(new_event()), dry_run=True)
    assert saved.after.event("2022-02-01-geneva-talks") is not None
    assert sha(path) == before


# ------------------------------------------------------------------ failures leave the store alone


def test_a_change_that_raises_leaves_the_file_byte_identical(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", COMMENTED)
    before = sha(path)

    def boom(current: Store) -> Store:
        raise RuntimeError("bug in the change")

    with pytest.raises(RuntimeError, match="bug in the change"):
        store.update(store.Location(path), boom)
    assert sha(path) == before
    assert temp_files(tmp_path) == []
    with pytest.raises(InvalidData):
        store.update(store.Location(path), adding(new_event(event_id="a-1")))
    assert sha(path) == before


def test_an_invalid_result_is_not_written(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", MINIMAL)
    before = sha(path)
    backwards = new_event(end=parse_wall_time("2022-01-01"))
    with pytest.raises(InvalidData, match="before it starts"):
        store.update(store.Location(path), adding(backwards))
    assert sha(path) == before
    bad_id = new_event(event_id="../../etc/passwd")
    with pytest.raises(InvalidData, match="about to be written"):
        store.update(store.Location(path), adding(bad_id))
    assert sha(path) == before
    assert temp_files(tmp_path) == []


def test_text_that_cannot_be_encoded_is_refused_before_the_disk(tmp_path: Path) -> None:
    path = write(tmp_path / "s.json", json.dumps(JSON_STORE))
    before = sha(path)
    with pytest.raises(InvalidInput, match="cannot be stored"):
        store.update(store.Location(path), adding(new_event(title="lone \ud800 surrogate")))
    assert sha(path) == before
    assert temp_files(tmp_path) == []


def test_store_changed_in_place_during_the_change(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", MINIMAL)
    theirs = MINIMAL + "  - id: theirs\n    title: Their edit\n    start: '2022-01-11'\n"

    def race(current: Store) -> Store:
        with path.open("r+", encoding="utf-8") as handle:  # same inode
            handle.write(theirs)
        return add_event(current, new_event())

    with pytest.raises(StoreChanged, match="changed on disk by another program"):
        store.update(store.Location(path), race)
    assert path.read_text(encoding="utf-8") == theirs
    assert temp_files(tmp_path) == []


def test_store_replaced_during_the_change(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", MINIMAL)
    theirs = MINIMAL.replace("First", "Fast")  # same size, new inode

    def race(current: Store) -> Store:
        other = write(tmp_path / "other.tmp", theirs)
        other.replace(path)
        return add_event(current, new_event())

    with pytest.raises(StoreChanged):
        store.update(store.Location(path), race)
    assert path.read_text(encoding="utf-8") == theirs


def test_store_created_during_the_change(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"

    def race(current: Store) -> Store:
        write(path, MINIMAL)
        return add_event(current, new_event())

    with pytest.raises(StoreChanged, match="created by someone else"):
        store.update(store.Location(path), race)
    assert path.read_text(encoding="utf-8") == MINIMAL


def test_same_identity_with_the_same_bytes_is_not_a_change(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", MINIMAL)

    def touch(current: Store) -> Store:
        path.write_text(MINIMAL, encoding="utf-8")  # same bytes, new mtime
        return add_event(current, new_event())

    store.update(store.Location(path), touch)
    assert [e.id for e in store.load(path).store.events] == ["a-1", "2022-02-01-geneva-talks"]


def test_check_unchanged_compares_the_stamp(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", MINIMAL)
    stamp = store.load(path).stamp
    transaction.check_unchanged(path, stamp)  # nothing changed: no error
    with pytest.raises(StoreChanged):
        transaction.check_unchanged(path, stamp._replace(size=stamp.size + 1, digest="0" * 64))
    with pytest.raises(StoreChanged, match="removed"):
        transaction.check_unchanged(tmp_path / "gone.yaml", stamp)


def test_store_removed_during_the_change_is_store_changed(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", MINIMAL)

    def race(current: Store) -> Store:
        path.unlink()
        return add_event(current, new_event())

    with pytest.raises(StoreChanged):
        store.update(store.Location(path), race)


def test_same_size_edit_with_an_unchanged_mtime_is_noticed(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", MINIMAL)
    theirs = MINIMAL.replace("First", "Fast!")
    assert len(theirs) == len(MINIMAL)
    st = path.stat()

    def race(current: Store) -> Store:
        with path.open("r+", encoding="utf-8") as handle:
            handle.write(theirs)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # a coarse clock: same tick
        return add_event(current, new_event())

    with pytest.raises(StoreChanged):
        store.update(store.Location(path), race)


# ------------------------------------------------------------------ the lock


class held_lock:
    """Another holder of the store's sidecar flock."""

    def __init__(self, path: Path) -> None:
        self.lock = path.with_name(path.name + ".lock")

    def __enter__(self) -> None:
        self.fd = os.open(self.lock, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)


def test_store_busy_when_the_lock_is_held(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", MINIMAL)
    before = sha(path)
    calls: list[int] = []

    def change(current: Store) -> Store:
        calls.append(1)
        return add_event(current, new_event())

    with held_lock(path):
        started = time.monotonic()
        with pytest.raises(StoreBusy, match="busy") as info:
            store.update(store.Location(path), change, lock_timeout=0.2)
        waited = time.monotonic() - started
    assert 0.2 <= waited < 5
    assert "retry" in info.value.message
    assert calls == []
    assert sha(path) == before
    # Once the holder is gone, the write goes through.
    store.update(store.Location(path), change, lock_timeout=0.2)
    assert calls == [1]


def test_lock_is_released_after_a_failed_update(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", MINIMAL)

    def boom(current: Store) -> Store:
        raise ValueError("x")

    with pytest.raises(ValueError, match="x"):
        store.update(store.Location(path), boom)
    fd = os.open(path.with_name("s.yaml.lock"), os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # would raise if still held
    finally:
        os.close(fd)


# ------------------------------------------------------------------ files on disk


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664])
def test_mode_bits_are_kept(tmp_path: Path, mode: int) -> None:
    path = write(tmp_path / "s.yaml", MINIMAL)
    path.chmod(mode)
    inode = path.stat().st_ino
    store.update(store.Location(path), adding(new_event()))
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert path.stat().st_ino != inode  # replaced by rename, not rewritten in place


def test_writing_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    target = write(tmp_path / "real" / "summits.yaml", MINIMAL)
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    saved = store.update(store.Location(link), adding(new_event()))
    assert link.is_symlink()
    assert link.resolve() == target.resolve()
    assert saved.path == target.resolve()
    assert [e.id for e in store.load(target).store.events] == ["a-1", "2022-02-01-geneva-talks"]
    # The lock sits next to the real file.
    assert (target.parent / "summits.yaml.lock").exists()
    assert not (tmp_path / "link.yaml.lock").exists()
    assert temp_files(target.parent) == []
    assert temp_files(tmp_path) == []


def test_orphaned_temp_files_are_swept_by_the_next_write(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", MINIMAL)
    orphans = [
        write(tmp_path / f"{fs.TEMP_PREFIX}abc123", "half a store"),
        write(tmp_path / f"{fs.TEMP_PREFIX}zzz", b""),
    ]
    unrelated = write(tmp_path / "notes.txt", "keep")
    store.update(store.Location(path), adding(new_event()))
    assert not any(p.exists() for p in orphans)
    assert unrelated.read_text() == "keep"
    assert temp_files(tmp_path) == []


def test_sweeping_spares_a_sibling_stores_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = write(tmp_path / "a.yaml", MINIMAL)
    b = write(tmp_path / "b.yaml", MINIMAL)
    check = transaction.check_unchanged

    def meanwhile(real: Path, expected: store.Stamp) -> None:
        if real.name == "b.yaml":  # b's temp file exists; a is written by another process
            store.update(store.Location(a), adding(new_event("from-a")))
        check(real, expected)

    monkeypatch.setattr(transaction, "check_unchanged", meanwhile)
    store.update(store.Location(b), adding(new_event("from-b")))
    assert store.load(b).store.event("from-b") is not None


def test_bundled_store_is_copied_on_first_write(tmp_path: Path) -> None:
    bundled = tmp_path / "package" / "summits.yaml"
    bundled.parent.mkdir()
    shutil.copyfile(BUNDLED, bundled)
    bundled.chmod(0o444)  # as installed: read-only
    before = sha(bundled)
    user = tmp_path / "data" / "summits" / "summits.yaml"
    location = store.Location(bundled, bundled=True, copy_to=user)

    saved = store.update(location, adding(new_event()))
    assert saved.created_from_bundled
    assert saved.path == user.resolve()
    assert sha(bundled) == before
    first, text = user.read_text(encoding="utf-8").split("\n", 1)
    assert first.startswith("# yaml-language-server: $schema=file:///")  # the installed schema
    assert text.startswith(bundled.read_text(encoding="utf-8"))
    ids = [e.id for e in store.load(user).store.events]
    assert ids[-1] == "2022-02-01-geneva-talks"
    assert len(ids) == len(store.load(bundled).store.events) + 1

    again = store.update(location, adding(new_event("second")))
    assert not again.created_from_bundled
    assert [e.id for e in store.load(user).store.events][-2:] == [
        "2022-02-01-geneva-talks",
        "second",
    ]
    assert sha(bundled) == before


def test_dry_run_on_the_bundled_store_of_a_fresh_install(tmp_path: Path) -> None:
    user = tmp_path / "data" / "summits" / "summits.yaml"
    location = store.Location(BUNDLED, bundled=True, copy_to=user)
    dry = store.update(location, adding(new_event()), dry_run=True)
    assert dry.after.event("2022-02-01-geneva-talks") is not None
    assert not user.parent.exists()


def test_dry_run_on_the_bundled_store_writes_nothing(tmp_path: Path) -> None:
    user = tmp_path / "data" / "summits.yaml"
    user.parent.mkdir()
    before = sha(BUNDLED)
    location = store.Location(BUNDLED, bundled=True, copy_to=user)
    dry = store.update(location, adding(new_event()), dry_run=True)
    assert dry.after.event("2022-02-01-geneva-talks") is not None
    assert not dry.created_from_bundled
    assert not user.exists()
    assert sha(BUNDLED) == before


# ------------------------------------------------------------------ parser state


def test_a_failed_yaml_parse_does_not_break_later_loads(tmp_path: Path) -> None:
    hostile = write(tmp_path / "hostile.yaml", "version: 1\nevents:\n  - title: !!python/x 1\n")
    for _ in range(30):
        with pytest.raises(InvalidData):
            store.load(hostile)
    assert len(store.load(BUNDLED).store.events) > 5
