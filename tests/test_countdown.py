"""`summits countdown`: once, as JSON, live (with a fake clock and sleep), and its errors."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from summit_cli.cli.countdown import watch
from summit_cli.render import terminal as render

NOW = ("--now", "2022-01-01")
SSD = "2022-01-10-geneva-ssd"


def test_next_matching_event_once(invoke: Any) -> None:
    result = invoke(*NOW, "countdown", "--format", "geneva", "--kind", "round")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Strategic Stability Dialogue (geneva #3): in 9 days (2022-01-10 Mon, Geneva)\n"
    )


def test_by_id_as_json(invoke: Any) -> None:
    result = invoke(*NOW, "countdown", SSD, "--output", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["id", "title", "starts_in_seconds", "countdown", "start_utc"]
    assert data["id"] == SSD
    assert data["countdown"] == "in 9 days"
    # 9 days minus the hour Geneva is ahead of UTC.
    assert data["starts_in_seconds"] == 9 * 86400 - 3600
    assert data["start_utc"] == "2022-01-09T23:00:00Z"


def test_nothing_matches_is_exit_1(invoke: Any) -> None:
    result = invoke("--now", "2030-01-01", "countdown")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no upcoming event matches" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["countdown", "--watch"],
        ["countdown", SSD, "--format", "geneva"],
        ["countdown", "--output", "csv"],
        ["countdown", "--watch", "--output", "json"],
    ],
)
def test_usage_errors_are_exit_2(invoke: Any, args: list[str]) -> None:
    result = invoke(*NOW, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1


def test_watch_refuses_a_pipe_with_one_line(invoke: Any) -> None:
    result = invoke(*NOW, "countdown", "--watch")
    assert result.stderr == (
        "summits: error: --watch needs a terminal (stdout is not one); drop --watch\n"
    )


def test_recurring_event_counts_to_its_next_occurrence(invoke: Any, store_path: Path) -> None:
    text = store_path.read_text(encoding="utf-8")
    text += (
        "  - id: osce-weekly\n"
        "    title: OSCE Permanent Council\n"
        "    format: osce\n"
        '    start: "2022-01-13T10:00"\n'
        "    timezone: Europe/Vienna\n"
        "    city: Vienna\n"
        '    rrule: "FREQ=WEEKLY;BYDAY=TH"\n'
        '    exdates: ["2022-03-31"]\n'
    )
    store_path.write_text(text, encoding="utf-8")
    result = invoke("--now", "2022-03-28", "countdown", "osce-weekly")
    assert result.exit_code == 0, result.stderr
    # 31 March is skipped; 7 April is after Vienna's DST change: 10:00 CEST.
    assert result.stdout == (
        "OSCE Permanent Council (osce): in 10 days (2022-04-07 Thu 10:00 CEST, Vienna)\n"
    )
    result = invoke("--now", "2022-03-28", "countdown", "--format", "osce", "-o", "json")
    assert json.loads(result.stdout)["start_utc"] == "2022-04-07T08:00:00Z"


def _fake_world(
    start: datetime, interrupt_after: int | None = None
) -> tuple[Any, Any, list[float]]:
    clock = [start]
    slept: list[float] = []

    def now() -> datetime:
        return clock[0]

    def sleep(seconds: float) -> None:
        if interrupt_after is not None and len(slept) >= interrupt_after:
            raise KeyboardInterrupt
        slept.append(seconds)
        clock[0] += timedelta(seconds=seconds)

    return now, sleep, slept


def test_watch_redraws_every_second_with_the_injected_clock() -> None:
    now, sleep, slept = _fake_world(datetime(2022, 1, 10, 8, 59, 58, tzinfo=UTC))
    out = io.StringIO()
    target = render.console(out, color=False, width=80)
    seen: list[datetime] = []

    def line(moment: datetime) -> str:
        seen.append(moment)
        return f"t={moment:%H:%M:%S}"

    watch(line, now, target, sleep=sleep, frames=4)
    assert slept == [1.0, 1.0, 1.0]
    assert [f"{m:%S}" for m in seen] == ["58", "59", "00", "01"]
    assert "t=09:00:01" in out.getvalue()


def test_watch_ends_cleanly_on_ctrl_c() -> None:
    now, sleep, slept = _fake_world(datetime(2022, 1, 1, tzinfo=UTC), interrupt_after=2)
    target = render.console(io.StringIO(), color=False, width=80)
    watch(str, now, target, sleep=sleep)  # no frames: runs until "Ctrl-C"
    assert len(slept) == 2


def test_countdown_has_help(invoke: Any) -> None:
    result = invoke("countdown", "--help")
    assert result.exit_code == 0
    assert "Example: summits countdown" in result.stdout
