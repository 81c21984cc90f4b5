"""A command reads the store once: a second read of a 100,000-event store costs a third of
a second (upcoming read it twice, for the overdue rough dates, and remove --yes read it
before the write that reads it again)."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import ok

from summit_cli import store


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = store.read_store

    def counting(*args: Any, **kwargs: Any) -> Any:
        seen.append(str(args[0]))
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "read_store", counting)
    return seen


@pytest.mark.parametrize(
    "line",
    [
        ["--now", "2021-12-31", "upcoming"],
        ["--now", "2021-12-31", "upcoming", "--format", "geneva", "--output", "json"],
        ["--now", "2021-12-31", "next"],
        ["--now", "2021-12-31", "list"],
    ],
)
def test_a_reading_command_reads_the_store_once(
    line: list[str], reads: list[str], invoke: Any
) -> None:
    ok(invoke(*line))
    assert len(reads) == 1


def test_remove_with_yes_reads_only_inside_the_write(reads: list[str], invoke: Any) -> None:
    result = ok(invoke("remove", "2021-12-30-phone-call", "--yes"))
    assert reads == []
    assert "links cleared: 2022-01-10-geneva-ssd agreed-at 2021-12-30-phone-call" in (result.stderr)
