"""The timeline page in a real browser: the system Chromium driven by Playwright (from PyPI).

Skipped, with the reason, when the ``playwright`` package or /usr/bin/chromium is missing
(CI installs Debian's chromium). No browser download: Playwright only drives the installed
Chromium. Pages here come from ``render_page`` on records; the pages the commands write are
tested with the same harness in test_publish_browser_export.py.
"""

from __future__ import annotations

import re
import struct
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from test_publish_page import (
    HOSTILE,
    fixture_records,
    make_record,
    render,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from make_pictures import CHROMIUM, CHROMIUM_ARGS

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

pytestmark = pytest.mark.slow


def launch() -> Iterator[Any]:
    """The system Chromium, started by Playwright with a fresh profile (a skip, with the
    reason, where it cannot be); the ``browser`` fixture of each browser test module."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install playwright)")
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except Exception as exc:  # the binary exists but cannot start here
            pytest.skip(f"Chromium at {CHROMIUM} did not start: {exc}")
        yield chromium
        chromium.close()


def wait_until(page: Any, expression: str, timeout: float = 10.0) -> None:
    """Poll *expression* from the test's side (Playwright's own ``wait_for_function`` polls
    inside the page with eval, which the page's Content-Security-Policy refuses)."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(f"() => Boolean({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(25)


class Watch:
    """A page with every request, dialog, console error and page error recorded;
    any request that is not the page file itself is aborted."""

    def __init__(self, browser: Any, **context: Any) -> None:
        self.context = browser.new_context(**context)
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.failed: dict[str, str] = {}  # url -> why the browser did not load it
        self.page.on("requestfailed", lambda r: self.failed.setdefault(r.url, r.failure or ""))
        self.page.on("dialog", self._dialog)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def open(self, path: Path, fragment: str = "") -> Any:
        self.page.goto(path.as_uri() + fragment)
        wait_until(self.page, "document.documentElement.dataset.ready === '1'")
        return self.page

    def check_clean(self, path: Path) -> None:
        assert not self.dialogs, self.dialogs
        assert not self.errors, self.errors
        assert not self.blocked, self.blocked
        assert {u.split("#")[0] for u in self.requests} <= {path.as_uri()}, self.requests

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch()


def watcher(browser: Any) -> Iterator[Callable[..., Watch]]:
    """``make(**context)`` -> a new Watch; every one closed at the end (the ``watch``
    fixture)."""
    made: list[Watch] = []

    def make(**context: Any) -> Watch:
        made.append(Watch(browser, **context))
        return made[-1]

    yield make
    for w in made:
        w.close()


@pytest.fixture
def watch(browser: Any) -> Iterator[Callable[..., Watch]]:
    yield from watcher(browser)


def sample_records() -> list[dict[str, Any]]:
    """The captured store, plus a postponed meeting, a timed one and hostile titles."""
    postponed = make_record(
        "moved",
        "Moved council",
        "2022-01-20",
        "Europe/Vienna",
        format="osce",
        status="postponed",
        history=[
            {"at": "2021-12-31T00:00:00Z", "change": "postponed", "start_before": "2022-01-13"}
        ],
    )
    timed = make_record(
        "timed",
        "Timed talks",
        "2022-01-10T09:00",
        "Europe/Zurich",
        end="2022-01-10T12:00",
        format="geneva",
        round=4,
        status="scheduled",
        city="Geneva",
        participants=["United States", "Russia"],
        outcome="Working groups agreed",
        sources=["https://example.org/report", "Kremlin readout"],
    )
    hostile = [
        make_record(f"x{n}", title, f"2022-02-0{n + 1}T10:00", notes=title, sources=[title])
        for n, title in enumerate(HOSTILE)
    ]
    return [*fixture_records(), postponed, timed, *hostile]


def write(tmp_path: Path, records: list[dict[str, Any]], name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_text(render(records), encoding="utf-8")
    return path


def visible_ids(page: Any) -> list[str]:
    return list(
        page.eval_on_selector_all(
            "article[data-id]", "els => els.filter(e => !e.hidden).map(e => e.dataset.id)"
        )
    )


def seconds_left(text: str) -> int:
    """Seconds in a live countdown such as "in 1 day 23:59:59" or "in 00:05:00"."""
    match = re.fullmatch(r"in (?:(\d+) days? )?(\d\d):(\d\d):(\d\d)", text)
    assert match, text
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def png_colours(data: bytes) -> int:
    """How many distinct colours an 8-bit RGB/RGBA, non-interlaced PNG has (no Pillow)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    channels = 4
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, _height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and colour in (2, 6)
            channels = 4 if colour == 6 else 3
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * channels
    prev, colours = bytearray(stride), set[bytes]()
    for row in range(len(raw) // (stride + 1)):
        line_filter: int
        line_filter, line = (
            raw[row * (stride + 1)],
            bytearray(raw[row * (stride + 1) + 1 : (row + 1) * (stride + 1)]),
        )
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = prev[i], prev[i - channels] if i >= channels else 0
            if line_filter == 1:
                line[i] = (line[i] + a) & 255
            elif line_filter == 2:
                line[i] = (line[i] + b) & 255
            elif line_filter == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif line_filter == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        colours.update(bytes(line[i : i + channels]) for i in range(0, stride, channels * 7))
        prev = line
    return len(colours)


# --- tests -------------------------------------------------------------------------------------


def test_every_event_once_no_network_no_errors(watch: Callable[..., Watch], tmp_path: Path) -> None:
    records = sample_records()
    path = write(tmp_path, records)
    w = watch()
    page = w.open(path)
    assert page.locator("[data-id]").count() == len(records)
    assert sorted(visible_ids(page)) == sorted(r["id"] for r in records)
    # Hostile titles are text: shown, never run.
    for title in HOSTILE:
        assert page.get_by_text(title, exact=True).first.count() == 1
    assert page.locator("main img, main svg").count() == 0
    w.check_clean(path)


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/New_York"])
def test_reader_time_in_the_browser_zone(
    watch: Callable[..., Watch], tmp_path: Path, zone: str
) -> None:
    records = sample_records()
    path = write(tmp_path, records)
    w = watch(timezone_id=zone)
    page = w.open(path)
    checked = 0
    for rec in records:
        if rec["all_day"] or rec["start_utc"] is None:
            continue
        utc = datetime.fromisoformat(rec["start_utc"])
        local = utc.astimezone(ZoneInfo(zone))
        expected = (
            f"{WEEKDAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]} {local.year}, "
            f"{local:%H:%M}"
        )
        text = page.locator(f'article[data-id="{rec["id"]}"] time.rt').first.inner_text()
        assert text.startswith(f"(your time: {expected} "), (text, expected)
        checked += 1
    assert checked >= 3
    timed = page.locator('article[data-id="timed"]').inner_text()
    assert "Mon 10 Jan 2022, 09:00–12:00 CET" in timed  # the venue's time stays as it was
    w.check_clean(path)


def test_countdown_updates(watch: Callable[..., Watch], tmp_path: Path) -> None:
    path = write(tmp_path, sample_records())
    w = watch()
    page = w.page
    if not hasattr(page, "clock"):  # older Playwright: the real clock
        page = w.open(path)
        before = page.locator('article[data-id="timed"] .cd').inner_text()
        page.wait_for_timeout(1100)
        assert page.locator('article[data-id="timed"] .cd').inner_text() != before
        return
    start = datetime(2022, 1, 10, 8, 0, tzinfo=UTC)  # the "timed" meeting, 09:00 in Geneva
    page.clock.install(time=datetime(2022, 1, 9, 7, 59, 50, tzinfo=UTC))
    w.open(path)
    page.clock.pause_at(datetime(2022, 1, 9, 8, 0, 0, tzinfo=UTC))  # one day before
    countdown = page.locator('article[data-id="timed"] .cd')
    page.clock.run_for(1000)  # the once-a-second tick fires within this second
    first = seconds_left(countdown.inner_text())
    assert first in (86398, 86399), countdown.inner_text()
    page.clock.run_for(60_000)
    assert seconds_left(countdown.inner_text()) == first - 60
    page.clock.fast_forward(start.timestamp() * 1000 - page.evaluate("Date.now()") + 60_000)
    page.clock.run_for(1000)
    assert countdown.inner_text() == "under way"  # 2022-01-10T09:01 UTC: 10:01 in Geneva
    w.check_clean(path)


def test_filters_update_the_fragment_and_a_fragment_applies(
    watch: Callable[..., Watch], tmp_path: Path
) -> None:
    records = sample_records()
    path = write(tmp_path, records)
    w = watch()
    page = w.open(path)
    page.select_option("#f-format", "geneva")
    geneva = sorted(r["id"] for r in records if r["format"] == "geneva")
    assert sorted(visible_ids(page)) == geneva
    assert page.evaluate("location.hash") == "#format=geneva"
    page.select_option("#f-status", "held")
    assert sorted(visible_ids(page)) == sorted(
        r["id"] for r in records if r["format"] == "geneva" and r["status"] == "held"
    )
    page.fill("#f-q", "dinner")
    assert visible_ids(page) == ["2022-01-09-geneva-dinner"]
    assert page.evaluate("location.hash") == "#format=geneva&status=held&q=dinner"
    assert page.locator("#f-count").inner_text() == f"1 of {len(records)} events"
    page.click("#f-clear")
    assert len(visible_ids(page)) == len(records)
    page.fill("#f-q", "russia")  # participants are searched too
    assert "timed" in visible_ids(page) and "x0" not in visible_ids(page)
    page.click('button[data-view="lanes"]')
    assert page.evaluate("location.hash") == "#q=russia&view=lanes"
    assert page.locator("#timeline").is_hidden() and page.locator("#lanes").is_visible()

    fresh = watch().open(path, "#format=osce&status=postponed&view=lanes")
    assert visible_ids(fresh) == ["moved"]
    assert fresh.input_value("#f-format") == "osce"
    assert fresh.input_value("#f-status") == "postponed"
    assert fresh.locator("#lanes").is_visible() and fresh.locator("#timeline").is_hidden()
    lane_rows = fresh.eval_on_selector_all(
        "#lanes tbody tr", "rows => rows.filter(r => !r.hidden).map(r => r.dataset.format)"
    )
    assert lane_rows == ["osce"]
    # The struck original date is there, in both views.
    assert fresh.locator("#lanes del").first.inner_text() == "13 Jan"
    fresh.evaluate("location.hash = '#q=geneva+talks'")  # a fragment edited by hand
    wait_until(fresh, "document.querySelector('#f-q').value === 'geneva talks'")
    w.check_clean(path)


def test_keyboard_opens_cards(watch: Callable[..., Watch], tmp_path: Path) -> None:
    path = write(tmp_path, sample_records())
    w = watch()
    page = w.open(path)
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    else:
        pytest.fail("Tab never reached an event")
    first = page.locator("article[data-id]").first
    assert not first.locator("details").evaluate("d => d.open")
    page.keyboard.press("Enter")
    assert first.locator("details").evaluate("d => d.open")
    assert first.locator(".card").is_visible()
    page.keyboard.press("Space")
    assert not first.locator("details").evaluate("d => d.open")
    # The focus ring is visible.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")

    # In the lanes view a meeting opens its card in a dialog.
    page.click('button[data-view="lanes"]')
    chip = page.locator('#lanes a[href="#' + first.get_attribute("id") + '"]')
    chip.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#card-dialog")
    assert dialog.is_visible() and dialog.locator(".card").is_visible()
    assert page.locator("[data-id]").count() == len(sample_records())  # the copy has no data-id
    page.keyboard.press("Escape")
    assert dialog.is_hidden()
    links = page.locator('article[data-id="timed"] .card a')
    assert links.count() == 1 and links.get_attribute("rel") == "noopener noreferrer"
    w.check_clean(path)


def test_screenshot_is_not_blank(watch: Callable[..., Watch], tmp_path: Path) -> None:
    path = write(tmp_path, sample_records())
    for scheme in ("light", "dark"):
        w = watch(color_scheme=scheme, viewport={"width": 390, "height": 844})  # a phone
        page = w.open(path)
        shot = page.screenshot(type="png")
        assert png_colours(shot) > 8, scheme
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1  # nothing but the lanes table scrolls sideways
        w.check_clean(path)


def test_page_works_without_scripts(watch: Callable[..., Watch], tmp_path: Path) -> None:
    records = sample_records()
    path = write(tmp_path, records)
    w = watch(java_script_enabled=False)
    page = w.page
    page.goto(path.as_uri())
    assert page.locator("#controls").is_hidden()
    assert page.locator("#timeline").is_visible() and page.locator("#lanes").is_visible()
    text = page.locator("main").inner_text()
    for rec in records:
        assert rec["title"] in text
    assert page.locator('article[data-id="timed"] time.rt').inner_text() == "(08:00 UTC)"
    w.check_clean(path)


def test_the_policy_refuses_loads_and_scripts_added_later(
    watch: Callable[..., Watch], tmp_path: Path
) -> None:
    """Should markup ever get into the page, the page's own Content-Security-Policy still
    refuses it: an image, a style sheet and a frame from elsewhere, and an inline script
    added at run time, are all refused by the browser, before any request."""
    path = write(tmp_path, sample_records())
    w = watch()
    page = w.open(path)
    page.evaluate(
        """() => {
          window.violations = [];
          document.addEventListener('securitypolicyviolation',
            e => window.violations.push(e.effectiveDirective));
          const add = (parent, tag, attrs) => {
            const el = document.createElement(tag);
            Object.assign(el, attrs);
            parent.append(el);
          };
          add(document.body, 'img', {src: 'https://example.org/pixel.png'});
          add(document.head, 'link', {rel: 'stylesheet', href: 'https://example.org/x.css'});
          add(document.body, 'iframe', {src: 'https://example.org/'});
          add(document.body, 'script', {textContent: 'window.ran = true'});
        }"""
    )
    wait_until(page, "window.violations.length >= 4")
    assert set(page.evaluate("window.violations")) == {
        "frame-src",
        "img-src",
        "script-src-elem",
        "style-src-elem",
    }
    assert page.evaluate("window.ran === undefined")

    def tried() -> list[str]:
        return [u for u in w.requests if not u.startswith("file:")]

    def refused() -> list[str]:
        return [e for e in w.errors if "Content Security Policy" in e]

    # The browser reports failed requests and console messages a little later: wait for them.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (
        len(refused()) < 4 or len(tried()) < 2 or any(u not in w.failed for u in tried())
    ):
        page.wait_for_timeout(50)
    assert len(refused()) >= 4, w.errors
    assert not w.blocked  # nothing got as far as the network (where the route fails it)
    assert len(tried()) >= 2 and all(w.failed.get(u) == "csp" for u in tried()), w.failed
    w.errors = [e for e in w.errors if e not in refused()]  # the refusals are the point here
    w.requests = [u for u in w.requests if u not in tried()]
    w.check_clean(path)
