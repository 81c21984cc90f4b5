"""The views: timeline, calendar, one format's history, the event card.

Rendered at 80 and 120 columns (Rich, no colour) and as plain text, with
hostile titles and very long names; assertions are on the text.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from summit_cli import query, store
from summit_cli.errors import InvalidInput
from summit_cli.model import Store
from summit_cli.render import terminal as render
from summit_cli.render import text as plain
from summit_cli.views import base, cards
from summit_cli.views import tracks as trackviews
from summit_cli.views.monthgrid import month_weeks, parse_month, weekday_header

HOSTILE_STORE = r"""
version: 1
formats:
  geneva:
    name: "[bold]Geneva[/bold] :smile: \e[31mred"
    timezone: Europe/Zurich
events:
  - id: r1
    title: "[bold]Round one[/bold] [link=https://evil.example]click[/link] :thumbs_up: \e[2J\u202eevil"
    kind: round
    format: geneva
    round: 1
    start: "2022-01-10T09:00"
    end: "2022-01-10T17:00"
    timezone: Europe/Zurich
    venue: "[red]Palais[/red]"
    city: Geneva
    participants: ["[i]US[/i]", "Russia"]
    status: held
    outcome: "Agreed to meet again :tada: [blink]now[/blink]"
    sources:
      - "https://example.org/a?b=1"
      - "[link=https://x.example]not a link[/link]"
      - "https://ex ample.org bold"
  - id: r2
    title: "A very long name for a negotiation round that keeps going and going on and on until it wraps many times over Supercalifragilisticexpialidociousnegotiationsroundwithoutspaces"
    kind: round
    format: geneva
    round: 2
    start: "2022-02-21"
    timezone: Europe/Zurich
    city: Geneva
    status: postponed
    history:
      - at: "2022-02-01T10:00:00Z"
        change: postponed
        status_before: scheduled
        start_before: "2022-02-14"
        reason: "[bold]visa[/bold] issues"
  - id: r3
    title: Round three
    kind: round
    format: geneva
    round: 3
    start: "2022-03-01"
    end: "2022-03-03"
    timezone: Europe/Zurich
    status: cancelled
  - id: r4
    title: Round four
    kind: talks
    format: geneva
    round: 4
    start: "2022-04-04"
    timezone: Europe/Zurich
  - id: loose
    title: "宽字符会议 with wide characters"
    kind: call
    start: "2022-02-16T10:00"
    timezone: Asia/Shanghai
"""

UTC = ZoneInfo("UTC")
NOW = datetime(2022, 2, 15, tzinfo=UTC)
WIDTHS = (80, 120)


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE_STORE, encoding="utf-8")
    monkeypatch.setenv("SUMMITS_STORE", str(path))
    monkeypatch.setenv("SUMMITS_NOW", "2022-02-15")
    return path


def _load(path: Path) -> tuple[Store, list[query.Placed]]:
    current = store.read_store(store.Location(path))
    return current, query.place(current.events, UTC)


def to_text(renderable: Any, width: int) -> str:
    """What a NO_COLOR terminal of *width* columns shows."""
    buffer = io.StringIO()
    console = render.console(buffer, color=False, width=width)
    console.print(renderable)
    return buffer.getvalue()


def assert_fits(text: str, width: int) -> None:
    for line in text.splitlines():
        assert plain.width(line) <= width, (width, line)


def assert_literal(text: str) -> None:
    """Hostile data is shown as typed, and no control character reaches the terminal."""
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert "\\x1b" in text
    assert "\\u202e" in text
    assert "[bold]Round one[/bold]" in text
    assert ":thumbs_up:" in text
    assert "👍" not in text


# ------------------------------------------------------------ pure parts
# ruff: noqa: E501 (the hostile store has long lines on purpose)


def test_month_weeks_monday_and_sunday_first() -> None:
    weeks = month_weeks(2022, 1, 0)
    assert weeks[0][:5] == [None] * 5  # 1 January 2022 was a Saturday
    assert weeks[0][5] == date(2022, 1, 1)
    assert weeks[-1][0] == date(2022, 1, 31)
    sunday = month_weeks(2022, 1, 6)
    assert sunday[0][6] == date(2022, 1, 1)
    assert weekday_header(6)[0] == "Su"
    assert all(len(w) == 7 for w in weeks + sunday)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-01", (2022, 1)),
        ("2022-1", (2022, 1)),
        ("2022-01-13", (2022, 1)),
        ("jan 2022", (2022, 1)),
        ("January 2022", (2022, 1)),
        ("dec", (2021, 12)),
        ("next", (2022, 1)),
        ("last", (2021, 11)),
    ],
)
def test_parse_month(text: str, expected: tuple[int, int]) -> None:
    assert parse_month(text, date(2021, 12, 31)) == expected


@pytest.mark.parametrize("text", ["2022-13", "ja 2022", "blah", "jan 22", ""])
def test_parse_month_refuses(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_month(text, date(2021, 12, 31))


def test_wrap_never_exceeds_the_width() -> None:
    text = "short words then Supercalifragilisticexpialidocious and 宽字符宽字符宽字符"
    for size in (5, 8, 13, 30):
        for piece in plain.wrap(text, size):
            assert plain.width(piece) <= size
    assert "".join(plain.wrap("abcdefghij", 4)) == "abcdefghij"


def test_gaps_skip_cancelled_rounds(hostile: Path) -> None:
    _, items = _load(hostile)
    gaps = trackviews.gap_days(items)
    assert gaps == {"r2": 42, "r4": 42}  # r3 was cancelled: r4 counts from r2
    assert trackviews.gap_text(1) == "+1 day"
    assert trackviews.gap_text(0) == "same day"


def test_link_only_for_plain_urls() -> None:
    assert base.is_link("https://example.org/a?b=1")
    assert not base.is_link("https://ex ample.org bold")
    assert not base.is_link("[link=https://x]y[/link]")
    assert not base.is_link("https://x.example/\x1b]8;;evil\x1b\\")
    assert not base.is_link("javascript:alert(1)")


# ------------------------------------------------------------ timeline


@pytest.mark.parametrize("width", WIDTHS)
def test_timeline_rendered(hostile: Path, width: int) -> None:
    current, items = _load(hostile)
    view = trackviews.timeline_view(items, current, NOW, UTC)
    text = to_text(render.timeline(view, width), width)
    assert_fits(text, width)
    assert_literal(text)
    lines = text.splitlines()
    headings = [line for line in lines if line and not line.startswith(" ")]
    assert headings[:4] == ["January 2022", "February 2022", "March 2022", "April 2022"]
    marker = next(i for i, line in enumerate(lines) if "now: 2022-02-15 Tue 00:00 UTC" in line)
    # "now" falls in February, after the round of 10 January, before the events of the 16th/21st
    assert lines.index("February 2022") < marker
    assert marker < next(i for i, line in enumerate(lines) if "A very long name" in line)
    assert "+42 days" in text
    assert "was 2022-02-14" in text  # the postponed round's original date
    assert "postponed" in text
    assert "cancelled" in text
    assert "09:00 CET" in text
    assert "→ 03-03 Thu" in text or width < 100  # multi-day range (may be dropped when narrow)
    assert "★" not in text  # only glyphs of kinds present are in the legend
    assert "● round" in text
    assert "Supercalifragilistic" in text


def test_timeline_wide_uses_the_space(hostile: Path) -> None:
    current, items = _load(hostile)
    view = trackviews.timeline_view(items, current, NOW, UTC)
    narrow = to_text(render.timeline(view, 80), 80)
    wide = to_text(render.timeline(view, 120), 120)
    assert len(wide.splitlines()) < len(narrow.splitlines())
    assert max(plain.width(line) for line in wide.splitlines()) > 80


def test_timeline_by_format_has_a_marker_per_group(hostile: Path) -> None:
    current, items = _load(hostile)
    view = trackviews.timeline_view(items, current, NOW, UTC, by="format")
    text = plain.timeline(view)
    assert text.count("now: 2022-02-15") == 2  # geneva, and the meetings without format
    assert "Other meetings (no format)" in text
    assert "#2" in text
    assert "\x1b" not in text


def test_timeline_cli_plain(invoke: Any) -> None:
    result: Any = invoke("--now", "2022-01-11 12:00", "--tz", "Europe/Zurich", "timeline")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    lines = text.splitlines()
    assert lines[0] == "June 2021"
    marker = next(i for i, line in enumerate(lines) if "-- now: 2022-01-11 Tue 12:00 CET" in line)
    assert "Strategic Stability Dialogue" in lines[marker - 1]
    assert "+1 day" in lines[marker - 1]
    assert "NATO–Russia Council" in lines[marker + 1]
    assert "─" not in text and "\x1b" not in text  # no box drawing or colour in a pipe


def test_timeline_cli_json(invoke: Any) -> None:
    result: Any = invoke("--now", "2022-01-11", "timeline", "--format", "geneva", "-o", "json")
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    assert [r["gap_days"] for r in records] == [None, 1]
    assert [r["group"] for r in records] == ["2022-01", "2022-01"]
    by_format: Any = invoke("timeline", "--by", "format", "-o", "json")
    assert {r["group"] for r in json.loads(by_format.stdout)} == {"geneva", "nrc", "osce", None}


def test_timeline_cli_nothing_matches(invoke: Any) -> None:
    result: Any = invoke("timeline", "--search", "no such thing")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no events match" in result.stderr


@pytest.mark.parametrize("width", WIDTHS)
def test_timeline_cli_table_fits(invoke: Any, monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    result: Any = invoke("--now", "2022-01-11", "timeline", "-o", "table")
    assert result.exit_code == 0, result.stderr
    assert_fits(result.stdout, width)
    assert "Biden–Putin year-end telephone" in result.stdout


# ------------------------------------------------------------ calendar


@pytest.mark.parametrize("width", WIDTHS)
def test_calendar_rendered(hostile: Path, width: int) -> None:
    _, items = _load(hostile)
    view = trackviews.calendar_view(items, 2022, 2, 2, NOW, UTC)
    text = to_text(render.calendar(view, width), width)
    assert_fits(text, width)
    lines = text.splitlines()
    assert "February 2022" in lines[0] and "March 2022" in lines[0]  # side by side
    assert lines[1].split()[:7] == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    assert "(15)" in text  # today
    assert "[21]" in text  # the postponed round
    assert "[ 1][ 2][ 3]" in text  # a three-day event marks every day
    assert "[16]" in text
    assert "[14]" not in text  # the original date is not an event day
    assert "A very long name" in text
    assert "Round four" not in text  # April is not shown
    assert "\x1b" not in text


def test_calendar_sunday_first_plain(hostile: Path) -> None:
    _, items = _load(hostile)
    view = trackviews.calendar_view(items, 2022, 2, 1, NOW, UTC, week_start=6)
    text = plain.calendar(view)
    lines = text.splitlines()
    assert lines[0].strip() == "February 2022"
    assert lines[1].split() == ["Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"]
    assert lines[2].split()[0] == "1"  # 1 February 2022 was a Tuesday
    assert "[ 9] a day with events" in text


def test_calendar_cli_under_c_locale(store_path: Path) -> None:
    env = {
        **os.environ,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "SUMMITS_STORE": str(store_path),
        "SUMMITS_TZ": "UTC",
    }
    result = subprocess.run(
        [sys.executable, "-m", "summit_cli", "--now", "2022-01-11", "calendar", "2022-01"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "January 2022" in result.stdout
    assert "[ 9][10](11)[12][13]" in result.stdout.replace(" ", "").replace("][", "] [") or (
        "[10]" in result.stdout and "(11)" in result.stdout
    )
    assert "NATO–Russia Council" in result.stdout


def test_calendar_cli_empty_month_hints(invoke: Any) -> None:
    result: Any = invoke("--now", "2023-05-01", "calendar")
    assert result.exit_code == 0
    assert "May 2023" in result.stdout
    assert "no events in May 2023" in result.stderr
    assert "summits calendar 2022-01" in result.stderr


def test_calendar_cli_json_and_bad_month(invoke: Any) -> None:
    result: Any = invoke("calendar", "2022-01", "-o", "json")
    records = json.loads(result.stdout)
    assert records[0]["id"] == "2022-01-09-geneva-dinner"
    assert records[0]["days"] == ["2022-01-09"]
    bad: Any = invoke("calendar", "smarch")
    assert bad.exit_code == 2
    assert "cannot read 'smarch' as a month" in bad.stderr


# ------------------------------------------------------------ one format


@pytest.mark.parametrize("width", WIDTHS)
def test_format_detail_rendered(hostile: Path, width: int) -> None:
    current, items = _load(hostile)
    summary = next(
        s for s in query.summarize_formats(current, UTC, NOW) if s.format.key == "geneva"
    )
    view = trackviews.format_detail(summary, [p for p in items if p.event.format == "geneva"], NOW)
    text = to_text(render.format_detail(view, width), width)
    assert_fits(text, width)
    assert_literal(text)
    assert "[bold]Geneva[/bold] :smile: \\x1b[31mred" in text
    assert "4 recorded, 1 held" in text
    assert "#1 to #4" in text
    assert "in 6 days" in text  # the next scheduled: the postponed round of the 21st
    assert "2022-03-01 Tue" in text and "2022-01-10 Mon" in text  # dates never squeezed
    if width >= 120:
        assert "Agreed to" in text and ":tada:" in text
        assert "[blink]now[/blink]" in text


def test_format_cli(invoke: Any) -> None:
    result: Any = invoke("--now", "2021-12-31", "format", "geneva")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "geneva — US–Russia Strategic Stability Dialogue" in text
    assert "2 recorded, 0 held" not in text
    assert "in 9 days" in text
    assert "Wendy Sherman, Sergei Ryabkov" in text
    data = json.loads(invoke("--now", "2021-12-31", "format", "geneva", "-o", "json").stdout)
    assert data[0]["key"] == "geneva"
    assert data[0]["next_countdown"] == "in 9 days"
    assert [e["id"] for e in data[0]["history"]] == [
        "2022-01-09-geneva-dinner",
        "2022-01-10-geneva-ssd",
    ]
    ids: Any = invoke("format", "geneva", "-o", "ids")
    assert ids.stdout.split() == ["2022-01-09-geneva-dinner", "2022-01-10-geneva-ssd"]


def test_format_unknown_key(invoke: Any) -> None:
    result: Any = invoke("format", "normandy")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no format 'normandy'; known formats: geneva, nrc, osce" in result.stderr


def test_formats_table_has_first_meeting(invoke: Any) -> None:
    text = invoke("--now", "2022-01-11", "formats").stdout
    assert "FIRST MEETING" in text
    assert "2022-01-09" in next(line for line in text.splitlines() if line.startswith("geneva"))


# ------------------------------------------------------------ event card


@pytest.mark.parametrize("width", WIDTHS)
def test_card_with_history_and_links(hostile: Path, width: int) -> None:
    current, items = _load(hostile)
    by_id = {p.event.id: p for p in items}
    text = to_text(render.card(cards.event_card(by_id["r2"], current, UTC, NOW)), width)
    assert_fits(text, width)
    assert "2022-02-01 postponed (was scheduled, start was 2022-02-14)" in text
    assert "[bold]visa[/bold] issues" in text
    card = cards.event_card(by_id["r1"], current, UTC, NOW)
    assert card.links == ["https://example.org/a?b=1"]
    assert "held 36 days ago" in to_text(render.card(card), width)
    buffer = io.StringIO()
    from rich.console import Console

    Console(file=buffer, force_terminal=True, width=width, color_system="standard").print(
        render.card(card)
    )
    raw = buffer.getvalue()
    assert "\x1b]8;" in raw  # a hyperlink for the one plain URL
    assert "https://example.org/a?b=1\x1b\\" in raw
    assert "evil.example\x1b" not in raw and "x.example\x1b" not in raw
    assert "ample.org bold\x1b" not in raw


def test_show_cli_history(hostile: Path, invoke: Any) -> None:
    result: Any = invoke("show", "r2")
    assert result.exit_code == 0, result.stderr
    assert "history" in result.stdout
    assert "start was 2022-02-14" in result.stdout
    assert re.search(r"^was +2022-02-14$", result.stdout, re.MULTILINE)


# ------------------------------------------------------------ the world


def test_plain_views_do_not_import_rich(store_path: Path) -> None:
    code = (
        "import sys\n"
        "from summit_cli.cli import main\n"
        "sys.argv = ['summits', '--now', '2022-01-11', 'timeline']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.argv = ['summits', 'calendar', '2022-01']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.argv = ['summits', 'format', 'geneva']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert not [m for m in sys.modules if m == 'rich' or m.startswith('rich.')], 'rich'\n"
    )
    env = {**os.environ, "SUMMITS_STORE": str(store_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "January 2022" in result.stdout


def test_no_color_means_no_colour_codes(invoke: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    for args in (["timeline"], ["calendar", "2022-01"], ["format", "geneva"]):
        result: Any = invoke(*args, "-o", "table")
        assert result.exit_code == 0, result.stderr
        assert "\x1b[3" not in result.stdout  # no foreground colours


def test_every_new_command_has_help(invoke: Any) -> None:
    for command in ("timeline", "calendar", "format"):
        result: Any = invoke(command, "--help")
        assert result.exit_code == 0
        assert "Example:" in result.stdout
