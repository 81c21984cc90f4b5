"""The installed command, run as a real process: pipes, colour, start-up imports, exit codes."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED
from helpers import digest

from summit_cli import __version__, store

ANSI = re.compile(r"\x1b\[")
BOX_DRAWING = re.compile("[\u2500-\u257f]")
TIMEOUT = 60


def _find_summits() -> str | None:
    beside = Path(sys.executable).parent / "summits"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("summits")


SUMMITS = _find_summits()
needs_summits = pytest.mark.skipif(SUMMITS is None, reason="the summits command is not installed")


def run(*args: str, env: dict[str, str] | None = None, **kwargs: Any) -> Any:
    """Run the installed `summits` with the test's environment (plus *env*), piped."""
    assert SUMMITS is not None
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [SUMMITS, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=full_env,
        timeout=TIMEOUT,
        check=False,
        **kwargs,
    )


def plain_tree(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): plain_tree(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain_tree(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    return str(node)


@pytest.fixture
def json_store(tmp_path: Path) -> Path:
    target = tmp_path / "json" / "summits.json"
    target.parent.mkdir()
    tree = plain_tree(store.load(BUNDLED).tree)
    target.write_text(json.dumps(tree, ensure_ascii=False, indent=2), "utf-8")
    return target


@pytest.fixture
def big_json_store(tmp_path: Path) -> Path:
    """A store whose listing is far bigger than a pipe's buffer."""
    tree = plain_tree(store.load(BUNDLED).tree)
    base = tree["events"][0]
    tree["events"] = [dict(base, id=f"event-{i:05d}") for i in range(4000)]
    target = tmp_path / "big" / "summits.json"
    target.parent.mkdir()
    target.write_text(json.dumps(tree, ensure_ascii=False), "utf-8")
    return target


# ------------------------------------------------------------------ version


def test_python_dash_m_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "summit_cli", "--version"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"summits {__version__}\n"
    assert result.stderr == ""


@needs_summits
def test_installed_command_version_and_help() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout == f"summits {__version__}\n"
    result = run("--help")
    assert result.returncode == 0
    for command in ("list", "upcoming", "show", "add", "formats"):
        assert command in result.stdout


@needs_summits
def test_no_arguments_shows_help_not_a_traceback() -> None:
    result = run()
    assert "Traceback" not in result.stderr
    assert "Usage: summits" in result.stdout + result.stderr
    assert result.returncode in (0, 2)


# ------------------------------------------------------------ pipes, colour


@needs_summits
@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["--now", "2021-12-31", "upcoming"],
        ["--now", "2021-12-31", "show", "2022-01-10-geneva-ssd"],
        ["formats"],
    ],
)
def test_piped_output_is_plain(args: list[str]) -> None:
    # No NO_COLOR here: being piped alone must be enough.
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    assert SUMMITS is not None
    result = subprocess.run(
        [SUMMITS, *args], capture_output=True, text=True, env=env, timeout=TIMEOUT, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert not ANSI.search(result.stdout)
    assert not BOX_DRAWING.search(result.stdout), result.stdout
    assert not ANSI.search(result.stderr)


@needs_summits
def test_force_color_gives_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    result = run("list", env={"FORCE_COLOR": "1"})
    assert result.returncode == 0, result.stderr
    assert ANSI.search(result.stdout)


@needs_summits
def test_no_color_wins_over_force_color() -> None:
    result = run("list", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert result.returncode == 0, result.stderr
    assert not ANSI.search(result.stdout)
    assert "Biden–Putin summit" in result.stdout


@needs_summits
def test_no_color_respected_for_a_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    result = run("list", "--output", "table")
    assert result.returncode == 0, result.stderr
    assert not ANSI.search(result.stdout)
    assert "Biden–Putin summit" in result.stdout


@needs_summits
def test_json_pipeline_into_python() -> None:
    assert SUMMITS is not None
    reader = shlex.quote(sys.executable)
    command = (
        f"{shlex.quote(SUMMITS)} --now 2021-12-31 upcoming --output json | "
        f"{reader} -c 'import json,sys; d=json.load(sys.stdin); print(len(d), d[0][\"id\"])'"
    )
    result = subprocess.run(
        ["/bin/sh", "-c", command], capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["4", "2022-01-09-geneva-dinner"]


@needs_summits
def test_stdout_is_pure_json_and_messages_go_to_stderr() -> None:
    result = run("--now", "2023-01-01", "upcoming", "--output", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == []
    assert "no upcoming events match" in result.stderr
    assert "2022-01-13-vienna-osce" in result.stderr
    data = run("--now", "2021-12-31", "upcoming", "--output", "json")
    assert data.returncode == 0
    records = json.loads(data.stdout)
    assert [r["countdown"] for r in records[:2]] == ["in 9 days", "in 10 days"]
    assert data.stderr == ""


@needs_summits
def test_add_writes_only_the_id_to_stdout(store_path: Path) -> None:
    result = run("add", "Pipeline test", "--start", "2022-02-01 10:00", "--city", "Geneva")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*\n", result.stdout)
    assert result.stdout.strip() in result.stderr
    assert "Pipeline test" in store_path.read_text("utf-8")


@needs_summits
@pytest.mark.parametrize("output", ["plain", "json", "csv"])
def test_reader_going_away_is_not_an_error(big_json_store: Path, output: str) -> None:
    assert SUMMITS is not None
    process = subprocess.Popen(
        [SUMMITS, "--store", str(big_json_store), "list", "--output", output],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # like `| head -1`
    errors = process.stderr.read().decode("utf-8", "replace")
    code = process.wait(timeout=TIMEOUT)
    assert first.strip()
    assert "Traceback" not in errors
    assert "BrokenPipe" not in errors
    assert "Exception ignored" not in errors
    assert code == 0


@needs_summits
def test_list_into_head_in_a_shell(big_json_store: Path) -> None:
    assert SUMMITS is not None
    command = (
        f"{shlex.quote(SUMMITS)} --store {shlex.quote(str(big_json_store))} list | head -1; "
        'echo "status=${PIPESTATUS:-}"'
    )
    result = subprocess.run(
        ["/bin/bash", "-c", "set -o pipefail; " + command],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert "Traceback" not in result.stderr
    assert "BrokenPipe" not in result.stderr
    assert result.stdout.splitlines()[0].startswith("WHEN")
    assert result.stdout.splitlines()[-1] == "status=0"


# ----------------------------------------------------------- start-up cost


def _imported_modules(*args: str) -> tuple[Any, set[str]]:
    """Run `python -X importtime -m summit_cli ARGS`; return (result, top-level modules)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "summit_cli", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    modules = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            modules.add(name.split(".")[0])
    assert "summit_cli" in modules  # the measurement itself works
    return result, modules


def test_upcoming_json_on_a_json_store_imports_no_rich_or_ruamel(json_store: Path) -> None:
    result, modules = _imported_modules(
        "--store", str(json_store), "--now", "2021-12-31", "upcoming", "--output", "json"
    )
    assert result.returncode == 0
    assert len(json.loads(result.stdout)) == 4
    assert "rich" not in modules
    assert "ruamel" not in modules


def test_plain_list_on_a_json_store_imports_no_rich(json_store: Path) -> None:
    result, modules = _imported_modules("--store", str(json_store), "list")
    assert result.returncode == 0
    assert "Biden–Putin summit" in result.stdout
    assert "rich" not in modules
    assert "ruamel" not in modules


def test_import_check_detects_rich_when_used(json_store: Path) -> None:
    # Control: a table does need Rich, so the check above is not vacuous.
    result, modules = _imported_modules("--store", str(json_store), "list", "--output", "table")
    assert result.returncode == 0
    assert "rich" in modules


# ------------------------------------------------------------ user mistakes


@needs_summits
@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["add", "X", "--start", "garbage"], 2),
        (["add", "X", "--start", "2022-01-12 10:00"], 2),
        (["list", "--format", "json"], 2),
        (["--tz", "Nowhere/City", "list"], 2),
        (["show", "no-such-event"], 1),
        (["list", "--bogus-option"], 2),
    ],
)
def test_user_mistake_prints_no_traceback(store_path: Path, args: list[str], code: int) -> None:
    before = digest(store_path)
    result = run(*args)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert result.stderr.strip()
    assert digest(store_path) == before


@needs_summits
def test_malformed_store_prints_no_traceback(store_path: Path) -> None:
    store_path.write_text("version: 1\nevents: [\n", "utf-8")
    before = digest(store_path)
    result = run("list")
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("summits: error: ")
    assert store_path.name in result.stderr
    assert digest(store_path) == before


def test_a_non_posix_import_fails_with_a_clear_message() -> None:
    """summits is POSIX only: elsewhere the import says so (simulated by os.name)."""
    code = (
        "import os; os.name = 'nt'\n"
        "try:\n    import summit_cli\nexcept ImportError as exc:\n    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert "POSIX systems" in done.stdout and "WSL" in done.stdout


def test_reading_never_imports_fcntl() -> None:
    """The lock module imports fcntl when a write takes the lock, never on the read path."""
    code = (
        "import sys; sys.argv = ['summits', '--now', '2021-12-31', 'upcoming', '-o', 'json']\n"
        "from summit_cli.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('fcntl' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stderr.strip().splitlines()[-1] == "False"
