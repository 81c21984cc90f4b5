"""Bad input: one line on stderr, the documented exit code, no traceback, the store untouched.

Exit codes (summit_cli/cli/exits.py): 1 not found, 2 usage/bad value, 3 invalid data,
4 busy, 5 I/O.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from helpers import digest, failed, ok, run_cli

NOT_FOUND, USAGE, INVALID_DATA, BUSY, IO_ERROR = 1, 2, 3, 4, 5

SSD = "2022-01-10-geneva-ssd"


@pytest.fixture
def unchanged(store_path: Path) -> Any:
    """Yields; afterwards checks the store is byte-identical and no temp file is left."""
    before = digest(store_path)
    yield
    assert digest(store_path) == before
    assert not [p for p in store_path.parent.iterdir() if p.name.startswith(".summits-tmp-")]


# ------------------------------------------------------------ bad values (2)


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["add", "X", "--start", "2022-13-45", "--city", "Geneva"], ["--start", "2022-13-45"]),
        (["add", "X", "--start", "next blursday"], ["--start", "next blursday"]),
        (["add", "X", "--start", "01/02/2022"], ["01/02/2022", "ambiguous", "--date-order"]),
        (
            ["add", "X", "--start", "2022-01-12", "--end", "02/03/2022", "--city", "Geneva"],
            ["--end", "ambiguous"],
        ),
        (
            ["add", "X", "--start", "2022-01-12 10:00", "--tz", "Europe/Zurch"],
            ["Europe/Zurch", "Europe/Zurich"],
        ),
        (["--tz", "Europe/Zurch", "list"], ["Europe/Zurch", "Europe/Zurich"]),
        (["--tz", "Mars/Base", "upcoming"], ["Mars/Base", "Europe/Zurich", "UTC"]),
        (
            ["add", "X", "--start", "2022-01-12", "--format", "foo"],
            ["'foo'", "geneva, nrc, osce"],
        ),
        (["list", "--format", "foo"], ["'foo'", "geneva, nrc, osce"]),
        (["upcoming", "--format", "geneva", "--format", "g8"], ["'g8'", "geneva, nrc, osce"]),
        (["list", "--format", "json"], ["--output json"]),
        (["upcoming", "--format", "csv"], ["--output csv"]),
        (["add", "X", "--start", "2022-01-12", "--format", "json"], ["--output json"]),
        (["list", "--kind", "meeting"], ["--kind", "'meeting'", "summit", "council"]),
        (["upcoming", "--kind", "council", "--kind", "x"], ["--kind", "'x'"]),
        (["add", "X", "--start", "2022-01-12", "--kind", "meeting"], ["--kind", "council"]),
        (["list", "--status", "done"], ["--status", "'done'", "scheduled, held"]),
        (["upcoming", "--status", "done"], ["--status", "'done'"]),
        (["add", "X", "--start", "2022-01-12", "--status", "done"], ["--status", "cancelled"]),
        (
            ["add", "X", "--start", "2022-03-27 02:30", "--city", "Geneva"],
            ["2022-03-27", "02:30", "does not exist", "Europe/Zurich"],
        ),
        (
            ["add", "X", "--start", "2022-03-27 01:00", "--end", "02:30", "--tz", "Europe/Zurich"],
            ["--end", "does not exist"],
        ),
        (["add", "X", "--start", "2022-01-12 10:00"], ["no time zone", "--tz"]),
        (["add", "X", "--start", "Jan 12 2022 10am"], ["no time zone", "--tz"]),
        (
            ["add", "X", "--start", "2022-01-12 10:00", "--city", "Atlantis"],
            ["no time zone", "--city"],
        ),
        (["add", "   ", "--start", "2022-01-12"], ["title"]),
        (["--now", "garbage", "list"], ["garbage"]),
        (["--now", "31.31.2021", "upcoming"], ["31.31.2021"]),
        (["list", "--from", "someday"], ["someday"]),
        (["upcoming", "--to", "2022-02-30"], ["2022-02-30"]),
        (["upcoming", "--within", "3x"], ["3x", "7d"]),
        (["--date-order", "ymd", "list"], ["--date-order", "dmy", "mdy"]),
        (["--lock-timeout", "-1", "add", "X", "--start", "2022-01-12"], ["--lock-timeout"]),
        (
            ["formats", "add", "Bad Key", "--name", "X"],
            ["'Bad Key'", "[a-z0-9][a-z0-9-]*"],
        ),
        (["formats", "add", "x", "--name", "X", "--tz", "+01:00"], ["--tz", "+01:00"]),
        (["formats", "add", "x", "--name", "X", "--tz", "Europe/Pariss"], ["Europe/Paris"]),
        (["formats", "add", "x", "--name", "  "], ["--name"]),
    ],
)
def test_bad_value(invoke: Any, unchanged: Any, args: list[str], fragments: list[str]) -> None:
    failed(invoke(*args), USAGE, *fragments)


@pytest.mark.parametrize("command", [["list"], ["upcoming"], ["formats"], ["show", SSD]])
def test_bad_now_from_environment(
    invoke: Any, unchanged: Any, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.setenv("SUMMITS_NOW", "not a date")
    failed(invoke(*command), USAGE, "not a date")


def test_bad_tz_from_environment(
    invoke: Any, unchanged: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMITS_TZ", "Europe/Berln")
    failed(invoke("list"), USAGE, "Europe/Berln", "Europe/Berlin")


def test_unknown_store_suffix(invoke: Any, tmp_path: Path) -> None:
    target = tmp_path / "summits.txt"
    target.write_text("version: 1\n", "utf-8")
    failed(invoke("--store", str(target), "list"), USAGE, ".txt", ".yaml", ".json")
    failed(invoke("--store", str(target), "add", "X", "--start", "2022-01-12"), USAGE, ".txt")
    assert target.read_text("utf-8") == "version: 1\n"


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--bogus"],
        ["list", "--limit", "-1"],
        ["add", "X", "--start", "2022-01-12", "--round", "0"],
        ["add", "X"],
        ["show"],
        ["frobnicate"],
        ["list", "--output", "xml"],
    ],
)
def test_typer_usage_errors(invoke: Any, unchanged: Any, args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == USAGE
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr
    assert "error" in result.stderr.lower()
    assert result.stdout == ""


# -------------------------------------------------------- change rejected (3)


def test_duplicate_id(invoke: Any, unchanged: Any) -> None:
    failed(
        invoke("add", "X", "--start", "2022-01-12", "--id", SSD),
        INVALID_DATA,
        SSD,
        "already exists",
    )


def test_duplicate_format_key(invoke: Any, unchanged: Any) -> None:
    failed(invoke("formats", "add", "geneva", "--name", "Again"), INVALID_DATA, "geneva")


def test_end_before_start(invoke: Any, unchanged: Any) -> None:
    # Exit 3 per the table ("the change would make the store invalid"); 2 would do as well.
    line = failed(
        invoke("add", "X", "--start", "2022-01-12 10:00", "--end", "09:00", "--city", "Geneva"),
        (USAGE, INVALID_DATA),
    )
    assert "before" in line
    assert "09:00" in line


def test_end_before_start_names_the_option(invoke: Any, unchanged: Any, store_path: Path) -> None:
    line = failed(
        invoke("add", "X", "--start", "2022-01-12 10:00", "--end", "09:00", "--city", "Geneva"),
        (USAGE, INVALID_DATA),
    )
    assert "--end" in line
    assert str(store_path) not in line


def test_date_only_end_before_start(invoke: Any, unchanged: Any) -> None:
    line = failed(
        invoke("add", "X", "--start", "2022-02-05", "--end", "2022-02-04", "--city", "Geneva"),
        (USAGE, INVALID_DATA),
    )
    assert "before" in line


# ---------------------------------------------------------------- not found


def test_show_unknown_id(invoke: Any, unchanged: Any) -> None:
    failed(invoke("show", "nope"), NOT_FOUND, "'nope'", "summits list --output ids")


def test_show_near_miss_suggests_ids(invoke: Any, unchanged: Any) -> None:
    failed(invoke("show", "2022-01-10-geneva"), NOT_FOUND, "did you mean", SSD)


def test_show_one_missing_of_several_prints_nothing(invoke: Any, unchanged: Any) -> None:
    failed(invoke("show", SSD, "nope"), NOT_FOUND, "'nope'")


@pytest.mark.parametrize(
    "command", [["list"], ["upcoming"], ["formats"], ["show", SSD], ["list", "-o", "json"]]
)
def test_missing_store_file(invoke: Any, tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "nowhere.yaml"
    failed(invoke("--store", str(missing), *command), NOT_FOUND, "store not found", str(missing))
    assert not missing.exists()


# ------------------------------------------------------------ bad store (3)

BUNDLED_TEXT = (Path(__file__).resolve().parent.parent / "data" / "summits.yaml").read_text("utf-8")


def _line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def _field_line(text: str, event_id: str, field: str) -> int:
    """The line of an event's field: problems point there, not at the event's first line."""
    start = text.index(f"- id: {event_id}")
    return text[: text.index(f"{field}:", start)].count("\n") + 1


def _replace_once(old: str, new: str) -> str:
    assert BUNDLED_TEXT.count(old) == 1, old
    return BUNDLED_TEXT.replace(old, new)


SYNTAX_ERROR = textwrap.dedent(
    """\
    version: 1
    formats: {}
    events:
      - id: a
        title: [unclosed
        kind: other
    """
)
UNKNOWN_FORMAT = _replace_once("format: nrc", "format: nope")
BAD_VERSION = _replace_once("version: 1\n", "version: 2\n")
WRONG_TYPE = _replace_once("round: 3", "round: three")
BAD_DATE = _replace_once('start: "2022-01-12"', 'start: "2022-02-30"')
BAD_ZONE = _replace_once(
    "timezone: Europe/Vienna\n    venue: Hofburg", "timezone: Mars/Base\n    venue: Hofburg"
)
DUPLICATE_ID = _replace_once("id: 2022-01-13-vienna-osce", "id: 2022-01-12-brussels-nrc")
HOSTILE_TAG = (
    "version: 1\nformats: {}\nevents: !!python/object/apply:os.system ['touch {sentinel}']\n"
)
CUSTOM_TAG = "version: 1\nformats: {}\nevents:\n  - !event {id: a, title: A, start: '2022-01-01'}\n"

BAD_STORES: dict[str, tuple[str, list[str]]] = {
    "yaml-syntax": (SYNTAX_ERROR, ["line "]),
    "unknown-format": (
        UNKNOWN_FORMAT,
        [
            f"line {_field_line(BUNDLED_TEXT, '2022-01-12-brussels-nrc', 'format')}",
            "2022-01-12-brussels-nrc",
            "'nope'",
            "geneva, nrc, osce",
        ],
    ),
    "version": (BAD_VERSION, ["version", "2"]),
    "wrong-type": (
        WRONG_TYPE,
        [f"line {_field_line(BUNDLED_TEXT, SSD, 'round')}", SSD, "round", "three"],
    ),
    "bad-date": (BAD_DATE, ["2022-01-12-brussels-nrc", "start", "2022-02-30"]),
    "bad-zone": (BAD_ZONE, ["2022-01-13-vienna-osce", "timezone", "Mars/Base"]),
    "duplicate-id": (
        DUPLICATE_ID,
        [f"line {_line_of(BUNDLED_TEXT, '- id: 2022-01-13-vienna-osce')}", "duplicate"],
    ),
    "hostile-tag": (HOSTILE_TAG, ["line 3", "not allowed"]),
    "custom-tag": (CUSTOM_TAG, ["line 4", "!event", "not allowed"]),
}
STORE_COMMANDS = {
    "list": ["list"],
    "upcoming": ["upcoming"],
    "show": ["show", SSD],
    "formats": ["formats"],
    "add": ["add", "X", "--start", "2022-01-12"],
    "formats-add": ["formats", "add", "new", "--name", "New"],
}


@pytest.mark.parametrize("command", list(STORE_COMMANDS))
@pytest.mark.parametrize("kind", list(BAD_STORES))
def test_malformed_store(
    invoke: Any, store_path: Path, tmp_path: Path, kind: str, command: str
) -> None:
    sentinel = tmp_path / "pwned"
    text, fragments = BAD_STORES[kind]
    store_path.write_text(text.replace("{sentinel}", str(sentinel)), "utf-8")
    before = digest(store_path)
    line = failed(invoke(*STORE_COMMANDS[command]), INVALID_DATA, store_path.name, *fragments)
    assert digest(store_path) == before
    assert not sentinel.exists()
    assert line


def test_malformed_json_store(invoke: Any, tmp_path: Path) -> None:
    target = tmp_path / "summits.json"
    target.write_text('{"version": 1, "events": [}', "utf-8")
    before = digest(target)
    failed(invoke("--store", str(target), "list"), INVALID_DATA, "summits.json", "line 1, column")
    failed(
        invoke("--store", str(target), "add", "X", "--start", "2022-01-12"),
        INVALID_DATA,
        "line 1",
    )
    assert digest(target) == before


def test_every_store_problem_is_reported(invoke: Any, store_path: Path) -> None:
    store_path.write_text(
        BUNDLED_TEXT.replace("format: nrc", "format: nope").replace("round: 3", "round: three"),
        "utf-8",
    )
    before = digest(store_path)
    result = invoke("list")
    assert result.exit_code == INVALID_DATA
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("summits: error: ")
    assert "2 problems" in lines[0]
    ssd_line = f"line {_field_line(BUNDLED_TEXT, SSD, 'round')}"
    nrc_line = f"line {_field_line(BUNDLED_TEXT, '2022-01-12-brussels-nrc', 'format')}"
    assert any("round" in line and SSD in line and ssd_line in line for line in lines[1:])
    assert any("'nope'" in line and nrc_line in line for line in lines[1:])
    assert digest(store_path) == before


def test_store_end_before_start_has_location(invoke: Any, store_path: Path) -> None:
    store_path.write_text(
        _replace_once('end: "2021-12-30T16:25"', 'end: "2021-12-30T14:25"'), "utf-8"
    )
    failed(
        invoke("list"),
        INVALID_DATA,
        "2021-12-30-phone-call",
        f"line {_field_line(BUNDLED_TEXT, '2021-12-30-phone-call', 'end')}",
    )


def test_store_format_problem_has_line(invoke: Any, store_path: Path) -> None:
    store_path.write_text(
        _replace_once("    timezone: Europe/Zurich\n  nrc:", "    timezone: Mars/Base\n  nrc:"),
        "utf-8",
    )
    failed(
        invoke("list"),
        INVALID_DATA,
        "formats",
        "geneva",
        f"line {_line_of(BUNDLED_TEXT, '    timezone: Europe/Zurich')}",
    )


# ------------------------------------------------------------ I/O errors (5)


def test_add_in_read_only_folder(store_path: Path) -> None:
    # A real read-only folder, obeyed even when the tests run as root (see unprivileged).
    folder = store_path.parent
    before = digest(store_path)
    folder.chmod(0o555)
    try:
        failed(run_cli("add", "X", "--start", "2022-01-12"), IO_ERROR, str(folder), "not writable")
        failed(run_cli("formats", "add", "x", "--name", "X"), IO_ERROR, str(folder))
        # Reading still works.
        assert ok(run_cli("list")).stdout
    finally:
        folder.chmod(0o755)
    assert digest(store_path) == before


def test_add_in_read_only_store_file_keeps_it(invoke: Any, store_path: Path) -> None:
    # A read-only file in a writable folder: the atomic rename replaces it or refuses;
    # either way nothing half-written is left and no traceback is printed.
    before = digest(store_path)
    store_path.chmod(0o444)
    try:
        result = invoke("add", "X", "--start", "2022-01-12")
    finally:
        store_path.chmod(0o644)
    assert result.exit_code in (0, IO_ERROR)
    assert "Traceback" not in result.stderr
    if result.exit_code != 0:
        assert digest(store_path) == before
    assert not [p for p in store_path.parent.iterdir() if p.name.startswith(".summits-tmp-")]


@pytest.mark.parametrize(
    "command",
    [["add", "X", "--start", "2022-01-12"], ["formats", "add", "x", "--name", "X"]],
)
def test_store_folder_missing(invoke: Any, tmp_path: Path, command: list[str]) -> None:
    target = tmp_path / "no" / "such" / "summits.yaml"
    failed(invoke("--store", str(target), *command), IO_ERROR, "no such folder")
    assert not target.parent.exists()


@pytest.mark.parametrize("command", [["list"], ["add", "X", "--start", "2022-01-12"]])
def test_store_under_a_file(invoke: Any, store_path: Path, command: list[str]) -> None:
    before = digest(store_path)
    target = store_path / "summits.yaml"  # the "folder" is a regular file
    failed(invoke("--store", str(target), *command), IO_ERROR, str(store_path))
    assert digest(store_path) == before


def test_store_is_a_folder(invoke: Any, tmp_path: Path) -> None:
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    failed(invoke("--store", str(folder), "list"), IO_ERROR, "folder")


# ---------------------------------------------------------------- busy (4)


HOLD_LOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()
"""


@pytest.mark.parametrize(
    "command",
    [["add", "X", "--start", "2022-01-12"], ["formats", "add", "x", "--name", "X"]],
)
def test_lock_held_by_another_process(invoke: Any, store_path: Path, command: list[str]) -> None:
    before = digest(store_path)
    lock = store_path.with_name(store_path.name + ".lock")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(lock)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        failed(invoke("--lock-timeout", "0.2", *command), BUSY, "busy", "retry")
        assert digest(store_path) == before
        # Readers take no lock: they still work while a writer holds it.
        assert invoke("list", "--output", "ids").exit_code == 0
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)
    # Once the lock is free, the same command succeeds.
    assert invoke("--lock-timeout", "0.2", *command).exit_code == 0


# --------------------------------------------------------------- no traceback


@pytest.mark.parametrize(
    "args",
    [
        ["--now", "", "list"],
        ["--tz", "", "list"],
        ["--now", "9999-99-99", "upcoming"],
        ["--now", "10000-01-01", "upcoming"],
        ["add", "X", "--start", "0000-01-01"],
        ["add", "X", "--start", "99999-01-01"],
        ["add", "X", "--start", "2022-01-12T25:00", "--city", "Geneva"],
        ["add", "X", "--start", "2022-01-12", "--id", "Not A Slug"],
        ["add", "X", "--start", "2022-01-12", "--id", "-leading-dash"],
        ["upcoming", "--within", ""],
        ["show", ""],
    ],
)
def test_odd_input_never_prints_a_traceback(invoke: Any, unchanged: Any, args: list[str]) -> None:
    result = invoke(*args)
    assert "Traceback" not in result.stderr
    assert isinstance(result.exception, (SystemExit, type(None))), repr(result.exception)
    # Either it works, or it is a user error with a documented code, never an internal error.
    assert result.exit_code in (0, NOT_FOUND, USAGE, INVALID_DATA), (
        result.exit_code,
        result.stderr,
    )
    if result.exit_code:
        assert result.stderr.strip()


@pytest.mark.parametrize(
    "args",
    [
        ["upcoming", "--within", "99999999999999999999w"],
        ["list", "--from", "+99999999999d"],
        ["add", "X", "--start", "+99999999999d"],
    ],
)
def test_huge_durations_are_bad_values(invoke: Any, unchanged: Any, args: list[str]) -> None:
    failed(invoke(*args), USAGE)
