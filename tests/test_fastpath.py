"""The Typer-free fast path must behave exactly like the Typer commands it stands in for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from summit_cli.cli import fastpath, grammar

SUMMITS = str(Path(sys.executable).with_name("summits"))

# Command lines the fast path takes, and some it must hand to Typer; both ways must agree.
CORPUS = [
    ["--now", "2021-12-31", "upcoming", "--output", "json"],
    ["--now", "2021-12-31", "upcoming", "--format", "geneva"],
    ["--now=2021-12-31", "upcoming", "-f", "geneva", "-f", "nrc", "-o", "ids"],
    ["--now", "2021-12-31", "--tz", "Europe/Zurich", "upcoming", "--within", "10d", "-o", "csv"],
    ["--now", "2021-12-31", "upcoming", "--template", "{start_local} {title}"],
    ["--now", "2021-12-31", "upcoming", "--fields", "id,countdown", "-o", "tsv"],
    ["--now", "2021-12-31", "upcoming", "--all", "--limit", "2", "-o", "jsonl"],
    ["--now", "2021-12-31", "next"],
    ["--now", "2021-12-31", "next", "--format", "geneva", "--field", "starts_in_seconds"],
    ["--now", "2021-12-31", "next", "--field", "nope"],
    ["next"],
    ["list"],
    ["list", "--reverse", "--limit", "3", "-o", "json"],
    ["list", "--with", "ryabkov", "--from", "2022-01-01", "--to", "2022-01-31", "-o", "csv"],
    ["list", "--kind", "council", "--status", "held", "--city", "Vienna", "-o", "ids"],
    ["list", "--search", "dialogue", "--tag", "security-guarantees"],
    ["list", "--format", "json"],
    ["list", "--kind", "meeting"],
    ["list", "--from", "01/02/2022"],
    ["--tz", "Mars/Base", "list"],
    ["--now", "garbage", "upcoming"],
    ["upcoming", "--within", "forever"],
    ["upcoming", "--limit", "x"],
    ["upcoming", "--output", "xml"],
    ["upcoming", "--bogus"],
    ["upcoming", "-h"],
]


def run(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    done = subprocess.run(
        [SUMMITS, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def env(store_path: Path) -> dict[str, str]:
    # A fixed "now" for lines without --now: countdown seconds must not tick between runs.
    clean = {k: v for k, v in os.environ.items() if k != "SUMMITS_NO_FASTPATH"}
    return {**clean, "SUMMITS_NOW": "2022-01-05T12:00"}


@pytest.mark.parametrize("args", CORPUS, ids=[" ".join(a) for a in CORPUS])
def test_fast_path_and_typer_agree(args: list[str], env: dict[str, str]) -> None:
    fast = run(args, env)
    typer = run(args, {**env, "SUMMITS_NO_FASTPATH": "1"})
    assert fast == typer


@pytest.mark.parametrize(
    ("argv", "taken"),
    [
        (["upcoming", "--output", "json"], True),
        (["--store", "x.yaml", "next", "--field", "id"], True),
        (["list", "-r", "-n", "2"], True),
        (["upcoming", "-h"], False),
        (["--help"], False),
        (["show", "x"], False),
        (["upcoming", "--bogus"], False),
        (["upcoming", "-ao", "json"], False),
        (["--store"], False),
        (["upcoming", "--limit"], False),
        (["--now", "a", "--now", "b", "upcoming"], False),
        (["upcoming", "--city", "a", "--city", "b"], False),
    ],
)
def test_parse_takes_only_what_it_understands(argv: list[str], taken: bool) -> None:
    try:
        grammar.parse(grammar.hoist(argv), fastpath.FAST)
    except grammar.Refused:
        assert not taken
    else:
        assert taken


def test_the_fast_path_imports_no_typer_and_no_rich(env: dict[str, str]) -> None:
    run(["list", "-o", "ids"], env)  # builds the parse cache of the YAML store
    code = (
        "import sys; sys.argv = ['summits', '--now', '2021-12-31', 'upcoming', '-o', 'json'];"
        "from summit_cli.cli import main\n"
        "try:\n    main()\n"
        "except SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'typer', 'rich', 'ruamel', "
        "'platformdirs', 'typing', 'dateutil', 'yaml'}), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stderr.strip().splitlines()[-1] == "[]"


def test_bash_completion_of_ids_without_typer(env: dict[str, str]) -> None:
    completion = {
        **env,
        "_SUMMITS_COMPLETE": "complete_bash",
        "COMP_WORDS": "summits show 2022-01-1",
        "COMP_CWORD": "2",
    }
    fast = run([], completion)
    typer = run([], {**completion, "SUMMITS_NO_FASTPATH": "1"})
    assert fast[1].split() == [
        "2022-01-10-geneva-ssd",
        "2022-01-12-brussels-nrc",
        "2022-01-13-vienna-osce",
    ]
    assert fast[1].split() == typer[1].split()
    assert fast[0] == typer[0] == 0
