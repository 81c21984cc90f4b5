"""The README's pictures: the script that makes them runs and shows every view."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
PAGES = ("page", "page-by-format")  # screenshots of `export --output html`, in a browser
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
    script = ROOT / "scripts" / "make_pictures.py"
    result = subprocess.run(
        [sys.executable, str(script), "--out", str(tmp_path), "--no-page"],
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


def test_the_docs_show_every_picture() -> None:
    # The README shows a few; the guide shows every view.
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    text = "\n".join(page.read_text(encoding="utf-8") for page in pages)
    for name in VIEWS:
        assert f"images/{name}.svg" in text, name
        assert (ROOT / "docs" / "images" / f"{name}.svg").is_file(), name


@pytest.mark.slow
def test_make_pictures_screenshots_the_published_page(tmp_path: Path) -> None:
    """The page pictures: the real export in the system Chromium, not blank, page-sized."""
    pytest.importorskip("playwright", reason="the playwright package is not installed")
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    script = ROOT / "scripts" / "make_pictures.py"
    result = subprocess.run(
        [sys.executable, str(script), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for name in PAGES:
        data = (tmp_path / f"{name}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", name
        width, height = struct.unpack(">II", data[16:24])
        assert width == 1000 and height >= 600, (name, width, height)
        assert len(data) > 20_000, name  # text and colour, not an empty canvas
    assert f"{tmp_path / 'page.png'}\n" in result.stdout


def test_readme_shows_the_published_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/images/page.png" in readme
    for name in PAGES:
        assert (ROOT / "docs" / "images" / f"{name}.png").is_file(), name
