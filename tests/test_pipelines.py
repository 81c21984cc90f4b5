"""Real shell pipelines with the installed entry point: pure data on stdout, every exit code."""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import digest, unprivileged

TIMEOUT = 60
BIN = Path(sys.executable).parent
SUMMITS = BIN / "summits"
SHELL = shutil.which("bash") or shutil.which("sh")

pytestmark = pytest.mark.skipif(
    not (SUMMITS.is_file() and os.access(SUMMITS, os.X_OK)) or SHELL is None,
    reason="needs the installed summits entry point and a shell",
)

SSD = "2022-01-10-geneva-ssd"
DINNER = "2022-01-09-geneva-dinner"
NRC = "2022-01-12-brussels-nrc"
OSCE = "2022-01-13-vienna-osce"
UPCOMING_AT_NYE = [DINNER, SSD, NRC, OSCE]
PY = shlex.quote(sys.executable)


def sh(script: str, env: dict[str, str] | None = None, **kwargs: Any) -> Any:
    """Run *script* in a real shell with the test's environment and summits on PATH."""
    full = dict(os.environ)
    full["PATH"] = f"{BIN}{os.pathsep}{full.get('PATH', '')}"
    full.update(env or {})
    assert SHELL is not None
    return subprocess.run(
        [*unprivileged(), SHELL, "-c", script],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=full,
        timeout=TIMEOUT,
        check=False,
        **kwargs,
    )


def no_traceback(result: Any) -> None:
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout


# ------------------------------------------------------------------ pipelines


def test_upcoming_json_into_json_load() -> None:
    result = sh(
        "set -o pipefail; summits upcoming --output json | "
        f"{PY} -c 'import json,sys; json.load(sys.stdin)'"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    no_traceback(result)


def test_upcoming_json_pipeline_sees_only_data() -> None:
    result = sh(
        "set -o pipefail; summits --now 2021-12-31 upcoming --output json | "
        f'{PY} -c \'import json,sys; print(",".join(r["id"] for r in json.load(sys.stdin)))\''
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().split(",") == UPCOMING_AT_NYE


def test_empty_upcoming_pipeline_gets_an_empty_array_and_the_message_on_stderr() -> None:
    result = sh(
        "set -o pipefail; summits --now 2030-01-01 upcoming --output json | "
        f"{PY} -c 'import json,sys; print(json.load(sys.stdin))'"
    )
    assert result.returncode == 0
    assert result.stdout == "[]\n"
    assert result.stderr.startswith("summits: no upcoming events match")


def test_ids_into_xargs_show_gives_the_same_ids() -> None:
    result = sh(
        "set -o pipefail; summits --now 2021-12-31 upcoming --output ids "
        "| xargs summits show --output json"
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert [r["id"] for r in json.loads(result.stdout)] == UPCOMING_AT_NYE


def test_list_ids_into_xargs_show_ids_round_trips() -> None:
    listed = sh("summits list --output ids")
    shown = sh("summits list --output ids | xargs summits show --output ids")
    assert listed.returncode == shown.returncode == 0
    assert shown.stdout == listed.stdout
    assert len(listed.stdout.splitlines()) >= 7


def test_jsonl_pipeline_one_object_per_line() -> None:
    result = sh(
        "set -o pipefail; summits --now 2021-12-31 upcoming --output jsonl | "
        f"{PY} -c 'import json,sys; [print(json.loads(l)[\"id\"]) for l in sys.stdin]'"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == UPCOMING_AT_NYE


def test_tsv_into_cut() -> None:
    result = sh(
        "set -o pipefail; summits --now 2021-12-31 upcoming --output tsv "
        "--fields id,countdown | tail -n +2 | cut -f2"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["in 9 days", "in 10 days", "in 12 days", "in 13 days"]


def test_csv_into_python_csv() -> None:
    result = sh(
        "set -o pipefail; summits list --output csv | "
        f"{PY} -c 'import csv,sys; print(len(list(csv.DictReader(sys.stdin))))'"
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 7


def test_template_into_grep() -> None:
    result = sh("summits list --template '{id}\t{city}' | grep -c Geneva")
    assert result.returncode == 0
    assert result.stdout.strip() == "3"


# --------------------------------------------------------------------- next


def test_next_field_starts_in_seconds_with_summits_now_is_an_integer() -> None:
    result = sh(
        "summits next --format geneva --field starts_in_seconds",
        env={"SUMMITS_NOW": "2021-12-31"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.endswith("\n")
    assert int(result.stdout) == 774000  # 2021-12-31T00:00Z -> 2022-01-08T23:00Z


def test_readme_status_bar_recipe() -> None:
    script = (
        'if secs=$(summits next --field starts_in_seconds); then echo "next in ${secs}s"; '
        'else echo "none ($?)"; fi'
    )
    assert sh(script, env={"SUMMITS_NOW": "2022-01-11"}).stdout == "next in 82800s\n"
    none = sh(script, env={"SUMMITS_NOW": "2022-02-01"})
    assert none.stdout == "none (1)\n"
    assert "no upcoming events" in none.stderr


def test_readme_prompt_segment_is_silent_when_none() -> None:
    script = 'summits next --format geneva --field countdown 2>/dev/null; echo "rc=$?"'
    assert sh(script, env={"SUMMITS_NOW": "2021-12-31"}).stdout == "in 9 days\nrc=0\n"
    assert sh(script, env={"SUMMITS_NOW": "2022-02-01"}).stdout == "rc=1\n"


# ------------------------------------------------------ stdout vs stderr


def test_success_stdout_is_data_stderr_is_messages(isolated_world: Path) -> None:
    added = sh("summits add Pipe --start 2022-02-01 --id pipe-test")
    assert added.returncode == 0, added.stderr
    assert added.stdout == "pipe-test\n"
    assert added.stderr.startswith("summits: added pipe-test")
    edited = sh("summits edit pipe-test --set notes=x")
    assert (edited.returncode, edited.stdout) == (0, "pipe-test\n")
    assert edited.stderr.startswith("summits: edited")
    removed = sh("summits remove pipe-test --yes")
    assert (removed.returncode, removed.stdout) == (0, "pipe-test\n")
    assert removed.stderr.startswith("summits: removed")
    dry = sh("summits cancel " + SSD + " --dry-run")
    assert dry.returncode == 0
    assert dry.stdout.startswith(f"--- a/events/{SSD}")
    assert "nothing was written" in dry.stderr
    nothing = sh("summits list --search no-such-thing --output json")
    assert (nothing.returncode, nothing.stdout) == (0, "[]\n")
    assert nothing.stderr.startswith("summits: ")


@pytest.mark.parametrize(
    "script",
    [
        "summits show no-such-event --output json",
        "summits --now 2030-01-01 next --output json",
        "summits list --output json --fields nope",
        "summits list --from 01/02/2022 --output json",
        "summits edit " + SSD + " --set end=2020-01-01",
        "summits remove " + SSD + " </dev/null",
        "summits list --template '{title.__class__}'",
    ],
)
def test_error_stdout_is_empty_stderr_has_the_message(isolated_world: Path, script: str) -> None:
    before = digest(isolated_world)
    result = sh(script)
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.startswith("summits: error: ")
    no_traceback(result)
    assert digest(isolated_world) == before


def test_error_in_a_pipeline_is_seen_by_pipefail() -> None:
    result = sh(
        "set -o pipefail; summits show no-such-event --output json | "
        f"{PY} -c 'import sys; sys.stdin.read()'; echo \"rc=$?\""
    )
    assert result.stdout == "rc=1\n"
    assert "no event with id" in result.stderr


def test_no_colour_in_a_pipe() -> None:
    result = sh("summits list | cat; summits --now 2021-12-31 next | cat", env={"NO_COLOR": ""})
    assert "\x1b[" not in result.stdout
    assert result.returncode == 0


# ----------------------------------------------------------------- exit codes


def test_exit_0_success() -> None:
    assert sh("summits list --output ids").returncode == 0
    assert sh("summits --now 2030-01-01 upcoming").returncode == 0  # empty listing is fine


@pytest.mark.parametrize(
    "script",
    ["summits show no-such-event", "summits --now 2030-01-01 next", "summits cancel nope-id"],
)
def test_exit_1_not_found(script: str) -> None:
    result = sh(script)
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    no_traceback(result)


@pytest.mark.parametrize(
    "script",
    [
        "summits list --no-such-option",
        "summits no-such-command",
        "summits list --from 01/02/2022",
        "summits list --from garbage",
        "summits --tz Mars/Base list",
        "summits upcoming --format json",
        "summits list --kind bogus",
        "summits list --output json --fields nope",
        "summits list --template '{nope}'",
        "summits add X --start '2022-01-12 10:00'",
        "summits remove " + SSD + " </dev/null",
    ],
)
def test_exit_2_usage(isolated_world: Path, script: str) -> None:
    before = digest(isolated_world)
    result = sh(script)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.strip()
    no_traceback(result)
    assert digest(isolated_world) == before


def test_exit_3_invalid_store(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        'version: 1\nevents:\n  - {id: a, title: x, start: "2022-13-01"}\n', encoding="utf-8"
    )
    result = sh(f"summits --store {shlex.quote(str(bad))} list --output json")
    assert result.returncode == 3, result.stderr
    assert result.stdout == ""
    assert "2022-13-01" in result.stderr
    no_traceback(result)


def test_exit_3_hostile_store(tmp_path: Path) -> None:
    evil = tmp_path / "evil.yaml"
    evil.write_text("version: 1\nevents: !!python/object/apply:os.system ['true']\n")
    result = sh(f"summits --store {shlex.quote(str(evil))} list")
    assert result.returncode == 3
    assert "not allowed" in result.stderr
    no_traceback(result)


def test_exit_3_change_would_make_store_invalid(isolated_world: Path) -> None:
    before = digest(isolated_world)
    result = sh(f"summits add Dup --start 2022-01-10 --id {SSD}")
    assert result.returncode == 3, result.stderr
    result = sh(f"summits edit {SSD} --set end=2020-01-01")
    assert result.returncode == 3, result.stderr
    assert digest(isolated_world) == before


def test_exit_4_store_busy(isolated_world: Path) -> None:
    lock = isolated_world.with_name(isolated_world.name + ".lock")
    before = digest(isolated_world)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        result = sh(f"summits --lock-timeout 0.2 edit {SSD} --set notes=busy")
        env_result = sh("summits add Busy --start 2022-02-01", env={"SUMMITS_LOCK_TIMEOUT": "0.2"})
        reader = sh("summits list --output ids")  # readers take no lock
    finally:
        os.close(fd)
    assert result.returncode == 4, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "busy" in result.stderr
    no_traceback(result)
    assert env_result.returncode == 4
    assert reader.returncode == 0 and SSD in reader.stdout
    assert digest(isolated_world) == before
    # once the lock is released, the same write works
    assert sh(f"summits --lock-timeout 0.2 edit {SSD} --set notes=free").returncode == 0


def test_exit_5_store_is_a_directory(tmp_path: Path) -> None:
    folder = tmp_path / "store.yaml"
    folder.mkdir()
    for script in ("list", "add X --start 2022-02-01"):
        result = sh(f"summits --store {shlex.quote(str(folder))} {script}")
        assert result.returncode == 5, (script, result.stderr)
        assert result.stdout == ""
        assert result.stderr.startswith("summits: error: ")
        no_traceback(result)


def test_exit_5_unreadable_store(tmp_path: Path, isolated_world: Path) -> None:
    store = tmp_path / "locked.yaml"
    store.write_bytes(isolated_world.read_bytes())
    store.chmod(0)
    try:
        result = sh(f"summits --store {shlex.quote(str(store))} list", env={"SUMMITS_CACHE": "0"})
    finally:
        store.chmod(0o644)
    assert result.returncode == 5, result.stderr
    assert result.stdout == ""
    no_traceback(result)


def test_exit_5_read_only_folder(tmp_path: Path, isolated_world: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    store = folder / "summits.yaml"
    store.write_bytes(isolated_world.read_bytes())
    folder.chmod(0o555)
    try:
        result = sh(f"summits --store {shlex.quote(str(store))} edit {SSD} --set notes=x")
    finally:
        folder.chmod(0o755)
    assert result.returncode == 5, result.stderr
    no_traceback(result)
