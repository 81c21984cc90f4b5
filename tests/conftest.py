"""Shared fixtures: every test gets its own copy of the bundled store and a fixed world."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summit_cli.cli import app

pytest_plugins = ["servers"]

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "summits.yaml"


@pytest.fixture(autouse=True)
def isolated_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temp copy of the bundled store as SUMMITS_STORE, no colour, fixed width, UTC display,
    and a private data folder so nothing touches the real user's store."""
    store = tmp_path / "summits.yaml"
    shutil.copyfile(BUNDLED, store)
    monkeypatch.setenv("SUMMITS_STORE", str(store))
    monkeypatch.setenv("SUMMITS_TZ", "UTC")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in (
        "SUMMITS_NOW",
        "SUMMITS_DATE_ORDER",
        "FORCE_COLOR",
        "SUMMITS_LOCK_TIMEOUT",
        "SUMMITS_DEBUG",
    ):
        monkeypatch.delenv(name, raising=False)
    return store


@pytest.fixture
def store_path(isolated_world: Path) -> Path:
    return isolated_world


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner: CliRunner) -> Callable[..., object]:
    """invoke("list", "--output", "json") -> Result (stdout and stderr kept apart)."""

    def run(*args: str, input: str | None = None) -> object:
        return runner.invoke(app, list(args), input=input)

    return run


def pytest_configure(config: pytest.Config) -> None:
    # Deterministic property tests in CI; random exploration on developer machines.
    from hypothesis import HealthCheck, settings

    # Data generation can be slow on a loaded 2-core machine: that is not a failure.
    relaxed = [HealthCheck.too_slow]
    settings.register_profile(
        "ci", derandomize=True, deadline=None, max_examples=150, suppress_health_check=relaxed
    )
    settings.register_profile("dev", deadline=None, suppress_health_check=relaxed)
    settings.load_profile("ci" if os.environ.get("CI") else "dev")
