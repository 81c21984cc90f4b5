"""The fast YAML loader must read exactly what the round-trip loader reads, or step aside."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from summit_cli import store
from summit_cli.store import yamlfast, yamltree

ROOT = Path(__file__).resolve().parent.parent


def plain(value: Any) -> Any:
    """A round-trip tree as plain Python values."""
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    return str(value)


SAMPLES = [
    (ROOT / "data" / "summits.yaml").read_text(encoding="utf-8"),
    "version: 1\nevents:\n  - title: x\n    start: 2022-01-10\n    country: NO\n    round: 3\n",
    "a: 010\nb: 1:30\nc: 1.5\nd: ~\ne: null\nf: TRUE\ng: yes\nh: -7\ni: '3'\nj: \"\"\nk:\n",
    "list: [a, 'b', \"c\", 1, [x, {y: z}]]\nmap: {k: v, n: 2}\n",
    "text: |\n  two\n  lines\nfolded: >-\n  one\n  line\n",
    "# only a comment\n",
    "",
    "- 1\n- two\n",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_fast_and_round_trip_loaders_agree(text: str) -> None:
    fast, _ = yamlfast.load_fast(text)
    assert fast == plain(yamltree.load(text))


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system [echo]\n",
        "a: &x 1\nb: *x\n",
        "a: 1\na: 2\n",
        "--- 1\n--- 2\n",
        "? [a, b]\n: c\n",
        "a: ! 5\n",
    ],
)
def test_unusual_yaml_is_left_to_the_round_trip_loader(text: str) -> None:
    with pytest.raises(yamlfast.FastLoadRefused):
        yamlfast.load_fast(text)


def test_the_outline_points_at_every_event(tmp_path: Path) -> None:
    text = SAMPLES[0]
    _, outline = yamlfast.load_fast(text)
    assert outline is not None
    lines = text.splitlines()
    assert lines[outline.events_line].startswith("events:")
    assert [lines[i].split("id: ")[1] for i in outline.items] == [
        e.id for e in store.load(ROOT / "data" / "summits.yaml").store.events
    ]


scalars = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=12
)


@given(st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True), scalars, max_size=6))
def test_any_dumped_mapping_reads_the_same_both_ways(data: dict[str, str]) -> None:
    text = yamltree.dump(yamltree.to_node(data, flow=False)) if data else "{}\n"
    fast, _ = yamlfast.load_fast(text)
    assert fast == plain(yamltree.load(text)) == (data or {})


def _add(event_id: str) -> Any:
    from dataclasses import replace

    from summit_cli.model import Event, WallTime, parse_wall_time

    event = Event(id=event_id, title="Added", start=parse_wall_time("2022-03-01"))
    assert isinstance(event.start, WallTime)
    return lambda current: current.with_events([*current.events, replace(event)])


def test_splice_rewrites_only_the_changed_event(tmp_path: Path) -> None:
    from dataclasses import replace

    source = ROOT / "data" / "summits.yaml"
    path = tmp_path / "s.yaml"
    path.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    before = path.read_text(encoding="utf-8").splitlines()

    def edit(current: Any) -> Any:
        events = [
            replace(e, notes="edited") if e.id == "2022-01-12-brussels-nrc" else e
            for e in current.events
        ]
        return current.with_events(events)

    saved = store.update(store.Location(path), edit)
    after = path.read_text(encoding="utf-8").splitlines()
    assert [line for line in after if line not in before] == ["    notes: edited"]
    assert [line for line in before if line not in after] == []
    assert store.load(path).store == saved.after


@pytest.mark.parametrize(
    "text",
    [
        # events as a flow sequence: no outline, the round trip does it
        'version: 1\nevents: [{id: a, title: A, start: "2022-01-01"}]\n',
        # an item whose dash stands alone on its line
        'version: 1\nevents:\n  -\n    id: a\n    title: A\n    start: "2022-01-01"\n',
    ],
)
def test_unusual_layouts_fall_back_to_the_round_trip(tmp_path: Path, text: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    saved = store.update(store.Location(path), _add("b"))
    assert [e.id for e in store.load(path).store.events] == ["a", "b"]
    assert store.load(path).store == saved.after
