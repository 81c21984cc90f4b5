"""Render every view of the bundled store to SVG pictures for the README, and the published
HTML page to PNG screenshots.

The pictures go through the same view builders and renderers as the
commands, with a fixed "now" and display zone, so they never drift from the
code. The page is what ``summits export --output html`` writes, shown by the
system Chromium (Debian's ``chromium``) through Playwright with its clock
held at the same "now" and a reader in New York. Re-run after changing a view:

    python scripts/make_pictures.py            # writes docs/images/*.svg and page*.png
    python scripts/make_pictures.py --out /tmp/pictures --width 100
    python scripts/make_pictures.py --no-page  # the SVGs only (no browser needed)
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOW = "2022-01-11 12:00"
TZ = "Europe/Zurich"
CHROMIUM = Path("/usr/bin/chromium")
# This machine has no internet: without the background-networking flags Chromium keeps
# trying to reach Google's services.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGE_TITLE = "US–Russia security talks, June 2021 – January 2022"
READER_ZONE = "America/New_York"


def pictures() -> list[tuple[str, str, Callable[[int], Any]]]:
    """(file name, the command it shows, a builder of the renderable for a width)."""
    from summit_cli import query, store
    from summit_cli.cli.environment import Environment
    from summit_cli.cli.settings import build
    from summit_cli.render import terminal as render
    from summit_cli.views import cards, tables
    from summit_cli.views import tracks as trackviews
    from summit_cli.views.monthgrid import WEEK_STARTS

    settings = build(
        store_path=str(ROOT / "data" / "summits.yaml"),
        now_text=NOW,
        tz_text=TZ,
        date_order=None,
        lock_timeout=1.0,
        env=Environment.from_process(),
    )
    now, display = settings.now, settings.display
    current = store.read_store(store.Location(ROOT / "data" / "summits.yaml"))
    items = query.place(current.events, display)
    summaries = query.summarize_formats(current, display, now)
    geneva = next(s for s in summaries if s.format.key == "geneva")
    geneva_items = [p for p in items if p.event.format == "geneva"]
    call = next(p for p in items if p.event.id == "2021-12-30-phone-call")
    ahead = query.upcoming(items, now)
    prefix = f"summits --tz {TZ} --now '{NOW}'"
    return [
        ("list", f"{prefix} list", lambda w: render.table(tables.events_table(items, display), w)),
        (
            "upcoming",
            f"{prefix} upcoming",
            lambda w: render.table(tables.events_table(ahead, display, now), w),
        ),
        (
            "timeline",
            f"{prefix} timeline",
            lambda w: render.timeline(trackviews.timeline_view(items, current, now, display), w),
        ),
        (
            "timeline-by-format",
            f"{prefix} timeline --by format",
            lambda w: render.timeline(
                trackviews.timeline_view(items, current, now, display, by="format"), w
            ),
        ),
        (
            "calendar",
            f"{prefix} calendar 2021-12 --months 2",
            lambda w: render.calendar(
                trackviews.calendar_view(
                    items, 2021, 12, 2, now, display, week_start=WEEK_STARTS["monday"]
                ),
                w,
            ),
        ),
        (
            "formats",
            f"{prefix} formats",
            lambda w: render.table(tables.formats_table(summaries, now), w),
        ),
        (
            "format",
            f"{prefix} format geneva",
            lambda w: render.format_detail(trackviews.format_detail(geneva, geneva_items, now), w),
        ),
        (
            "show",
            f"summits --tz Asia/Shanghai --now '{NOW}' show 2021-12-30-phone-call",
            lambda w: render.card(cards.event_card(call, current, _zone("Asia/Shanghai"), now)),
        ),
    ]


def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def make(out: Path, width: int) -> list[Path]:
    """Write one SVG per view into *out*; returns the paths written."""
    from rich.console import Console
    from rich.text import Text

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, command, builder in pictures():
        console = Console(
            record=True,
            width=width,
            file=io.StringIO(),
            force_terminal=True,
            color_system="truecolor",
            highlight=False,
            emoji=False,
            markup=False,
        )
        console.print(Text(f"$ {command}", style="dim"))
        console.print(builder(width))
        path = out / f"{name}.svg"
        console.save_svg(str(path), title=command)
        written.append(path)
    return written


def page_command() -> list[str]:
    """The export the page pictures show (its arguments after ``summits``)."""
    store = str(ROOT / "data" / "summits.yaml")
    return ["--store", store, "--tz", TZ, "--now", NOW, "export", "--output", "html",
            "--title", PAGE_TITLE]  # fmt: skip


def make_page(out: Path) -> list[Path]:
    """Screenshots of the page ``summits export --output html`` writes for the bundled store:
    the timeline with a card open, and the lanes by format. SystemExit (with the reason)
    when Playwright or Chromium is missing."""
    import subprocess
    import tempfile
    from datetime import datetime
    from zoneinfo import ZoneInfo

    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise SystemExit(
            "page pictures need the playwright package (pip install playwright)"
        ) from exc
    if not CHROMIUM.exists():
        raise SystemExit(f"page pictures need Chromium at {CHROMIUM} (apt-get install chromium)")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        page_file = Path(folder) / "page.html"
        done = subprocess.run(
            [sys.executable, "-m", "summit_cli", *page_command(), "-o", str(page_file)],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        if done.returncode != 0:
            raise SystemExit(f"summits export failed: {done.stderr}")
        now = datetime.fromisoformat(NOW).replace(tzinfo=ZoneInfo(TZ))
        written = []
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = browser.new_context(
                viewport={"width": 1000, "height": 800},
                timezone_id=READER_ZONE,
                color_scheme="light",
                locale="en-GB",
            )
            context.route("**/*", _local_only)
            page = context.new_page()
            page.clock.install(time=now)
            for name, fragment, open_id in (
                ("page", "", "2022-01-10-geneva-ssd"),
                ("page-by-format", "#view=lanes", None),
            ):
                page.goto(page_file.as_uri() + fragment)
                page.wait_for_function("document.documentElement.dataset.ready === '1'")
                if open_id:
                    page.locator(f'article[data-id="{open_id}"] summary').click()
                page.clock.run_for(1000)  # one tick of the countdowns
                path = out / f"{name}.png"
                page.screenshot(path=str(path), full_page=True)
                written.append(path)
            browser.close()
    return written


def _local_only(route: Any) -> None:
    """The page must need nothing from the network: any request but the file fails."""
    if route.request.url.startswith("file:"):
        route.continue_()
    else:
        route.abort()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--width", type=int, default=100)
    parser.add_argument(
        "--no-page", action="store_true", help="skip the page screenshots (no browser needed)"
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    for path in make(args.out, args.width):
        print(path)
    if not args.no_page:
        for path in make_page(args.out):
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
