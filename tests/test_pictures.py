"""The README's pictures: the script that makes them runs and shows every view."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIEWS = (
    "list",
    "upcoming",
    "timeline",
    "timeline-by-format",
    "calendar",
    "formats",
    "format",
    "show",
)


def test_make_pictures_writes_every_view(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_pictures.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for name in VIEWS:
        svg = (tmp_path / f"{name}.svg").read_text(encoding="utf-8")
        assert svg.startswith("<svg"), name
        assert "summits" in svg, name
    timeline = (tmp_path / "timeline.svg").read_text(encoding="utf-8")
    assert "now:&#160;2022-01-11" in timeline or "now: 2022-01-11" in timeline


def test_readme_shows_every_picture() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in VIEWS:
        assert f"docs/images/{name}.svg" in readme, name
        assert (ROOT / "docs" / "images" / f"{name}.svg").is_file(), name
