"""One grammar: the fast path and the hoisting of global options read the table generated
from the Typer app, and both ways of parsing a line agree (issue 11, point 2)."""

from __future__ import annotations

import inspect
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import USAGE, ok

from summit_cli.cli import fastpath, grammar, reading
from summit_cli.cli.environment import Environment
from summit_cli.cli.groups import bundle, members

ROOT = Path(__file__).resolve().parent.parent
SUMMITS = str(Path(sys.executable).with_name("summits"))
sys.path.insert(0, str(ROOT / "scripts"))

import gen_grammar  # noqa: E402


def test_the_generated_table_is_current() -> None:
    """Adding or changing an option needs `python scripts/gen_grammar.py` (CI checks it)."""
    assert (ROOT / "summit_cli" / "cli" / "grammar_table.py").read_text() == gen_grammar.render()


def test_the_table_has_every_option_of_every_command_as_click_sees_it() -> None:
    """Structural: walk the Click parameters of the app and compare each with the table."""
    import typer.main
    from typer._click import core
    from typer.core import TyperGroup

    from summit_cli.cli.application import COMMANDS, build_app

    group = typer.main.get_command(build_app())
    assert isinstance(group, TyperGroup)
    ctx = core.Context(group)
    seen = 0
    for name in COMMANDS:
        command = group.get_command(ctx, name)
        paths = [(name, command)] + [
            (f"{name} {sub}", c) for sub, c in getattr(command, "commands", {}).items()
        ]
        for path, cmd in paths:
            table = grammar.options_of(path)
            for param in cmd.params:
                if param.param_type_name != "option" or param.name == "help":
                    continue
                for option in param.opts:
                    spec = table[option]
                    assert spec[0] == param.name, (path, option)
                    assert (spec[1] == "multi") == bool(param.multiple), (path, option)
                    assert (spec[1] == "flag") == bool(param.is_flag), (path, option)
                    seen += 1
    for param in group.params:
        if param.param_type_name == "option" and param.name != "help":
            for option in param.opts:
                assert grammar.GLOBAL[option][0] == param.name
                assert grammar.GLOBAL[option][4] == param.envvar
    assert seen > 100


@pytest.mark.parametrize("command", sorted(fastpath.FAST))
def test_the_fast_path_runners_take_exactly_the_commands_options(command: str) -> None:
    """Every option of the command reaches the runner: as a group member or a parameter."""
    defaults = grammar.defaults_of(command)
    bundled = bundle(defaults, reading.PLAN)
    bundled.pop("shown")
    runner = inspect.signature(reading.RUNNERS[command])
    assert set(bundled) == set(runner.parameters) - {"settings"}
    groups = {name: group for name, group, _ in reading.PLAN}
    taken = {name for name in runner.parameters if name in groups}
    grouped = {m for name in taken | {"shown"} for m in members(groups[name])}
    assert set(defaults) - grouped == set(runner.parameters) - {"settings", *taken}


def run(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    done = subprocess.run(
        [SUMMITS, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def both(store_path: Path) -> Any:
    """Run a line through the fast path and through Typer; both answers."""
    clean = {k: v for k, v in os.environ.items() if k != "SUMMITS_NO_FASTPATH"}

    def go(args: list[str], **extra: str) -> tuple[Any, Any]:
        env = {**clean, **extra}
        return run(args, env), run(args, {**env, "SUMMITS_NO_FASTPATH": "1"})

    return go


def test_a_limit_that_is_not_a_number_is_a_usage_error_on_both_paths(both: Any) -> None:
    fast, typer = both(["list", "--limit", "²"])
    assert fast == typer
    assert fast[0] == USAGE


def test_an_explicit_empty_store_beats_the_environment_on_both_paths(
    both: Any, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "a.yaml"
    elsewhere.write_text("version: 1\nevents: []\n")
    fast, typer = both(["--store=", "list"], SUMMITS_STORE=str(elsewhere))
    assert fast == typer
    assert fast[0] == USAGE and "--store" in fast[2]


@pytest.mark.parametrize(
    "line",
    [
        ["upcoming", "--now", "2021-12-31"],
        [
            "upcoming",
            "--format",
            "geneva",
            "--tz",
            "Europe/Zurich",
            "--now=2021-12-31",
            "-o",
            "ids",
        ],
        ["list", "--store", "STORE", "--limit", "2"],
        ["next", "--field", "id", "--now", "2021-12-31"],
        ["--now", "2021-12-31", "upcoming", "--tz", "UTC", "--output", "json"],
    ],
)
def test_global_options_after_the_command_work_on_both_paths(
    both: Any, store_path: Path, line: list[str]
) -> None:
    args = [str(store_path) if word == "STORE" else word for word in line]
    fast, typer = both(args, SUMMITS_NOW="2021-12-31")
    assert fast == typer
    assert fast[0] == 0, fast[2]


def test_hoisting_keeps_a_commands_own_option_of_the_same_name() -> None:
    line = ["add", "X", "--start", "2022-01-10 10:00", "--tz", "Europe/Vienna", "--now", "x"]
    assert grammar.hoist(line) == ["--now", "x", "add", "X", "--start", "2022-01-10 10:00",
                                   "--tz", "Europe/Vienna"]  # fmt: skip
    # A value that looks like a global option stays the value of the option before it.
    assert grammar.hoist(["list", "--search", "--now"]) == ["list", "--search", "--now"]
    assert grammar.hoist(["list", "--", "--now", "x"]) == ["list", "--", "--now", "x"]


def test_a_no_flag_is_read_as_off() -> None:
    specs = {spec[1] for spec in grammar.options_of("import").values()}
    assert "off" in specs  # --no-update


def test_commands_run_with_an_injected_environment(store_path: Path) -> None:
    """Streams, terminal and variables come from the Environment handed in: no global
    is swapped, no os.environ read."""
    out, err = io.StringIO(), io.StringIO()
    env = Environment(
        stdin=io.StringIO(),
        stdout=out,
        stderr=err,
        environ={"SUMMITS_STORE": str(store_path), "SUMMITS_TZ": "UTC", "NO_COLOR": "1"},
    )
    code = fastpath.run(["--now", "2021-12-31", "upcoming", "--output", "ids"], env)
    assert code == 0
    assert out.getvalue().split() == [
        "2022-01-09-geneva-dinner",
        "2022-01-10-geneva-ssd",
        "2022-01-12-brussels-nrc",
        "2022-01-13-vienna-osce",
    ]
    code = fastpath.run(["--now", "2023-01-01", "next"], env)
    assert code == 1 and err.getvalue().startswith("summits: error: no upcoming")


def test_nothing_outside_settings_reads_the_environment() -> None:
    offenders = []
    for path in (ROOT / "summit_cli").rglob("*.py"):
        code = [
            line
            for line in path.read_text().splitlines()
            if not line.lstrip().startswith(("#", "``"))
        ]
        text = "\n".join(code)
        if re.search(r"\bos\.environ\b|\bgetenv\(", text) and path.name != "environment.py":
            offenders.append(path.relative_to(ROOT))
    assert offenders == []


def test_every_command_lists_the_global_options_in_its_help(invoke: Any) -> None:
    from summit_cli.cli.application import COMMANDS

    for name in COMMANDS:
        text = ok(invoke(name, "--help")).stdout
        assert "Global options" in text and "--now WHEN" in text, name
    assert "Here --tz belongs to this command" in " ".join(
        ok(invoke("add", "--help")).stdout.split()
    )
