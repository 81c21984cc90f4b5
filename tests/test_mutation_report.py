"""scripts/mutation.py: the kill rates it reports from mutmut's records, and its configuration."""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import mutation  # noqa: E402

PYPROJECT = '[tool.mutmut]\npaths_to_mutate = ["pkg/a.py", "pkg/b.py"]\n'


def record(root: Path, path: str, codes: dict[str, int | None]) -> None:
    """Write mutmut's record of a run on *path* (the shape mutmut 3 keeps in mutants/)."""
    meta = root / "mutants" / f"{path}.meta"
    meta.parent.mkdir(parents=True, exist_ok=True)
    meta.write_text(json.dumps({"exit_code_by_key": codes}), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    monkeypatch.setattr(mutation, "ROOT", tmp_path)
    return tmp_path


def test_the_kill_rate_counts_timeouts_as_kills_and_leaves_skipped_mutants_out(
    project: Path,
) -> None:
    # 7 killed (exit 1), 1 internal error (3, a kill), 1 timeout, 1 survivor, 1 without tests,
    # 1 skipped, 1 not run yet (None, not counted): (7 + 1 + 1) / (12 - 1) = 81.8%.
    codes: dict[str, int | None] = {f"pkg.a.x_f__mutmut_{n}": 1 for n in range(7)}
    codes |= {"pkg.a.x_g__mutmut_1": 3, "pkg.a.x_g__mutmut_2": 36, "pkg.a.x_g__mutmut_3": 0}
    codes |= {"pkg.a.x_h__mutmut_1": 33, "pkg.a.x_h__mutmut_2": 34, "pkg.a.x_h__mutmut_3": None}
    record(project, "pkg/a.py", codes)
    row = mutation.figures("pkg/a.py")
    assert (row.mutants, row.killed, row.timeout, row.survived, row.no_tests, row.skipped) == (
        12,
        8,
        1,
        1,
        1,
        1,
    )
    assert row.kill_rate == 81.8
    assert row.survivors == ["pkg.a.x_g__mutmut_3", "pkg.a.x_h__mutmut_1"]


def test_report_exits_1_naming_the_module_under_the_threshold(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record(project, "pkg/a.py", {"pkg.a.x_f__mutmut_1": 1})
    record(project, "pkg/b.py", {"pkg.b.x_f__mutmut_1": 1, "pkg.b.x_f__mutmut_2": 0})
    out = project / "figures.json"
    assert mutation.main(["--report", "--json", str(out)]) == 1
    captured = capsys.readouterr()
    assert "pkg/a.py" in captured.out and "100.0%" in captured.out and "50.0%" in captured.out
    assert "under 90%: pkg/b.py" in captured.err
    rates = {row["module"]: row["kill_rate"] for row in json.loads(out.read_text())}
    assert rates == {"pkg/a.py": 100.0, "pkg/b.py": 50.0}


def test_report_passes_when_every_module_reaches_the_threshold(project: Path) -> None:
    record(project, "pkg/a.py", {"pkg.a.x_f__mutmut_1": 1})
    record(project, "pkg/b.py", {"pkg.b.x_f__mutmut_1": 36})
    assert mutation.main(["--report"]) == 0


def test_report_without_a_recorded_run_says_so(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert mutation.main(["--report"]) == 2
    assert "no mutmut run recorded" in capsys.readouterr().err


def test_the_configuration_names_files_that_exist() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    mutmut = config["mutmut"]
    assert mutmut["paths_to_mutate"] == mutation.modules()
    for path in [*mutmut["paths_to_mutate"], *mutmut["tests_dir"]]:
        assert (ROOT / path).is_file(), path
    # Core modules only: they never read the clock, the environment or files.
    for path in mutmut["paths_to_mutate"]:
        source = (ROOT / path).read_text(encoding="utf-8")
        assert "import os" not in source and "open(" not in source, path


def test_a_module_left_out_of_the_run_is_said_and_fails_the_report(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record(project, "pkg/a.py", {"pkg.a.x_f__mutmut_1": 1})  # pkg/b.py was not run
    assert mutation.main(["--report"]) == 1
    captured = capsys.readouterr()
    assert "not run" in captured.out
    assert "not run: pkg/b.py" in captured.err and "under" not in captured.err
