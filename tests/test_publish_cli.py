"""`summits export --output html` and `summits brief`: the commands, end to end.

The page and the brief themselves are tested in test_publish_page.py and
test_publish_brief.py, and in a real browser in test_publish_browser.py; here the
commands: what they select, options, messages, exit codes, determinism.
"""

from __future__ import annotations

import difflib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from helpers import USAGE, digest, failed, forbidden, ok, usage_error
from markdown_it import MarkdownIt

HOSTILE = "<img src=x onerror=alert(1)>"
FORMATS: dict[str, dict[str, Any]] = {
    "geneva": {"name": "US–Russia Strategic Stability Dialogue", "timezone": "Europe/Zurich"},
    "nrc": {"name": "NATO–Russia Council", "timezone": "Europe/Brussels"},
    "osce": {"name": "OSCE Permanent Council", "timezone": "Europe/Vienna"},
}


def _event(eid: str, title: str, start: str, tz: str | None, **fields: Any) -> dict[str, Any]:
    event: dict[str, Any] = {"id": eid, "title": title, "kind": "round", "start": start}
    if tz is not None:
        event["timezone"] = tz
    event.update(fields)
    return event


def demo_events() -> list[dict[str, Any]]:
    """Timed events in several zones (one crossing midnight for a reader in New York or
    Tokyo), rounds of a format, a postponement, a cancellation, a floating time, a weekly
    series, hostile text."""
    geneva = {"format": "geneva", "city": "Geneva", "country": "Switzerland"}
    return [
        _event(
            "ssd-1",
            "Strategic Stability Dialogue",
            "2021-07-28T09:00",
            "Europe/Zurich",
            round=1,
            status="held",
            outcome="Constructive. Agreed to meet again.",
            **geneva,
        ),
        _event(
            "ssd-2",
            "Strategic Stability Dialogue",
            "2021-09-30T09:00",
            "Europe/Zurich",
            round=2,
            status="held",
            outcome="No breakthrough. Two working groups set up.",
            **geneva,
        ),
        _event(
            "ssd-3",
            "Strategic Stability Dialogue",
            "2022-01-10T09:00",
            "Europe/Zurich",
            end="2022-01-10T17:30",
            round=3,
            venue="US Mission",
            participants=["Wendy Sherman", "Sergei Ryabkov"],
            sources=["https://example.org/ssd-3", "Kremlin readout, 10 Jan 2022"],
            **geneva,
        ),
        _event(
            "call",
            "Year-end telephone call",
            "2021-12-30T15:35",
            "America/New_York",
            end="2021-12-30T16:25",
            kind="call",
            status="held",
        ),
        _event(
            "tokyo",
            "Tokyo morning briefing",
            "2022-01-11T08:30",
            "Asia/Tokyo",
            kind="talks",
            city="Tokyo",
        ),
        _event(
            "nrc",
            "NATO–Russia Council",
            "2022-01-12T10:00",
            "Europe/Brussels",
            kind="council",
            format="nrc",
            city="Brussels",
        ),
        _event(
            "osce",
            "OSCE Permanent Council",
            "2022-01-20",
            "Europe/Vienna",
            kind="council",
            format="osce",
            city="Vienna",
            status="postponed",
            history=[
                {
                    "at": "2022-01-05T10:00:00Z",
                    "change": "postponed",
                    "status_before": "scheduled",
                    "start_before": "2022-01-13",
                    "reason": "host request",
                }
            ],
        ),
        _event(
            "berlin",
            "Normandy format advisers",
            "2022-01-14T10:00",
            "Europe/Berlin",
            kind="talks",
            status="cancelled",
            history=[
                {
                    "at": "2022-01-08T09:00:00Z",
                    "change": "cancelled",
                    "status_before": "scheduled",
                    "start_before": "2022-01-14T10:00",
                }
            ],
        ),
        _event("dubai", "Gulf consultations", "2022-01-13T09:00", "Asia/Dubai", kind="talks"),
        _event("floating", "Floating call", "2022-01-15T09:00", None, kind="call"),
        _event(
            "weekly",
            "Weekly experts call",
            "2022-01-06T16:00",
            "Europe/Moscow",
            kind="call",
            rrule="FREQ=WEEKLY;COUNT=3",
        ),
        _event(
            "hostile",
            HOSTILE,
            "2022-01-15T18:00",
            "UTC",
            kind="other",
            notes="</script><script>alert(1)</script>\x1b[2J",
            sources=["javascript:alert(1)", HOSTILE],
        ),
    ]


def write_store(
    path: Path, events: list[dict[str, Any]], formats: dict[str, Any] | None = None
) -> Path:
    """A JSON store holding *events* (and FORMATS)."""
    store = {"version": 1, "formats": FORMATS if formats is None else formats, "events": events}
    path.write_text(json.dumps(store, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo store as SUMMITS_STORE."""
    path = write_store(tmp_path / "demo.json", demo_events())
    monkeypatch.setenv("SUMMITS_STORE", str(path))
    return path


class Tags(HTMLParser):
    """Start tags with attributes, and the text outside script and style."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._skip = False
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._skip = tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip = False

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)

    def events(self) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == "article" and "data-id" in a]


NOW = "2022-01-09 12:00"


# --- export --output html ----------------------------------------------------------------------


def test_page_has_one_article_per_listed_event_in_the_same_order(invoke: Any, demo: Path) -> None:
    listed = ok(invoke("--now", NOW, "list", "--output", "json")).stdout
    expected = [(r["id"], r["occurrence"]) for r in json.loads(listed)]
    page = ok(invoke("--now", NOW, "export", "--output", "html")).stdout
    found = [(a["data-id"], a.get("data-occurrence")) for a in Tags(page).events()]
    assert found == expected
    assert ("weekly", "2022-01-13") in found  # a series: one article per occurrence, like list


def test_page_is_deterministic_and_written_atomically(
    invoke: Any, demo: Path, tmp_path: Path
) -> None:
    first = ok(invoke("--now", NOW, "export", "--output", "html")).stdout
    assert ok(invoke("--now", NOW, "export", "--output", "html")).stdout == first
    target = tmp_path / "talks.html"
    result = ok(invoke("--now", NOW, "export", "-o", str(target)))  # the suffix says html
    assert result.stdout == ""
    assert result.stderr == f"summits: wrote 14 events (html) to {target}\n"
    assert target.read_text(encoding="utf-8") == first
    before = digest(target)
    ok(invoke("--now", NOW, "export", "-o", str(target)))
    assert digest(target) == before
    assert ok(invoke("--now", "2022-01-09 12:01", "export", "--output", "html")).stdout != first
    shuffled = demo_events()[::-1]  # the store's order does not matter
    write_store(demo, shuffled)
    assert ok(invoke("--now", NOW, "export", "--output", "html")).stdout == first


def test_a_new_event_is_a_small_diff_of_the_page(invoke: Any, demo: Path) -> None:
    """Ids come from the event ids and every article and lane row is a line of its own, so a
    page kept in git shows an added event as its own lines, not as a rewrite."""
    before = ok(invoke("--now", NOW, "export", "--output", "html")).stdout.splitlines()
    extra = _event(
        "ssd-2b",
        "Working group on strategic stability",
        "2021-09-15T10:00",
        "Europe/Zurich",
        format="geneva",
        status="held",
    )
    write_store(demo, [*demo_events(), extra])
    after = ok(invoke("--now", NOW, "export", "--output", "html")).stdout.splitlines()
    changed = [
        line
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    added = [line for line in changed if line.startswith("+")]
    removed = [line for line in changed if line.startswith("-")]
    assert sum('data-id="ssd-2b"' in line for line in added) == 1  # its article
    assert sum('href="#e-ssd-2b"' in line for line in added) == 1  # its place in its lane
    assert not [line for line in removed if "<article " in line]  # no other article changed
    # What else changes: the counts (meta line, the controls' count, the data block) and, in
    # the lane, the next round's gap ("+64 days" becomes "+15 days" after the new meeting).
    assert len(added) == len(removed) + 2 and len(changed) <= 12, changed


def test_page_filters_and_title(invoke: Any, demo: Path) -> None:
    page = ok(invoke("--now", NOW, "export", "--output", "html", "--format", "geneva")).stdout
    assert [a["data-id"] for a in Tags(page).events()] == ["ssd-1", "ssd-2", "ssd-3"]
    assert "<title>US–Russia Strategic Stability Dialogue</title>" in page
    page = ok(invoke("--now", NOW, "export", "--output", "html", "--status", "held")).stdout
    assert {a["data-status"] for a in Tags(page).events()} == {"held"}
    assert "<title>summits timeline</title>" in page
    page = ok(invoke("--now", NOW, "export", "--output", "html", "--title", HOSTILE)).stdout
    assert f"<title>{HOSTILE.replace('<', '&lt;').replace('>', '&gt;')}</title>" in page
    assert "<img" not in page


def test_page_escapes_hostile_data(invoke: Any, demo: Path) -> None:
    page = ok(invoke("--now", NOW, "export", "--output", "html")).stdout
    parsed = Tags(page)
    assert not [t for t, _ in parsed.tags if t in ("img", "svg", "iframe", "object")]
    assert [t for t, _ in parsed.tags].count("script") == 2  # the JSON block and the page's
    assert not [a for _, a in parsed.tags if any(k.startswith("on") for k in a)]
    text = "".join(parsed.text)
    assert HOSTILE in text and "</script><script>alert(1)</script>\\x1b[2J" in text
    assert not forbidden(page)
    hrefs = {a.get("href") for t, a in parsed.tags if t == "a"}
    assert "javascript:alert(1)" not in hrefs and "https://example.org/ssd-3" in hrefs


def test_page_shows_moves_cancellations_and_zones(invoke: Any, demo: Path) -> None:
    page = ok(invoke("--now", NOW, "export", "--output", "html")).stdout

    def article(eid: str) -> str:
        match = re.search(rf'<article [^>]*data-id="{eid}".*?</article>', page, re.S)
        assert match, eid
        return match.group()

    assert '<del title="original date"><time datetime="2022-01-13">' in article("osce")
    assert 'data-status="cancelled"' in article("berlin") and 'class="cd"' not in article("berlin")
    assert "Mon 10 Jan 2022, 09:00–17:30 CET" in article("ssd-3")
    assert '<time class="rt" datetime="2022-01-10T08:00:00Z">' in article("ssd-3")
    assert "Tue 11 Jan 2022, 08:30 JST" in article("tokyo")
    assert "Thu 13 Jan 2022, 09:00 UTC+04" in article("dubai")
    assert "(floating" in article("floating")
    countdown = '<span class="cd" data-end="2022-01-10T16:30:00Z">tomorrow 09:00 CET</span>'
    assert countdown in article("ssd-3")  # the record's countdown, until the script runs


def test_page_suffix_and_option_mistakes(invoke: Any, demo: Path, tmp_path: Path) -> None:
    usage_error(invoke("export", "--output", "csv", "--title", "x"), "--title", "csv")
    usage_error(invoke("export", "--title", "x"), "--title", "ics", "--name")
    usage_error(invoke("export", "--output", "html", "--title", " "), "--title needs some text")
    usage_error(invoke("export", "-o", "html"), "--output html")
    result = invoke("export", "--output", "pdf")
    assert result.exit_code == USAGE and "html" in result.stderr
    missing = tmp_path / "nowhere" / "page.html"
    failed(invoke("--now", NOW, "export", "-o", str(missing)), 5, "no such folder")
    assert not missing.parent.exists()


def test_page_with_no_events_is_still_a_page(invoke: Any, demo: Path) -> None:
    result = ok(invoke("export", "--output", "html", "--search", "nothing like this"))
    assert result.stderr == "summits: no events match\n"
    assert "0 events" in result.stdout and not Tags(result.stdout).events()


# --- brief -------------------------------------------------------------------------------------


def test_brief_text_lists_the_week_by_day_with_stakes_and_changes(invoke: Any, demo: Path) -> None:
    out = ok(invoke("--now", NOW, "--tz", "Asia/Tokyo", "brief")).stdout
    assert out.startswith("What to watch: Sun 9 Jan 2022 – Sun 16 Jan 2022\n")
    days = re.findall(r"^((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d+ Jan 2022)\n-+$", out, re.M)
    assert days == [
        "Mon 10 Jan 2022",
        "Tue 11 Jan 2022",
        "Wed 12 Jan 2022",
        "Thu 13 Jan 2022",
        "Fri 14 Jan 2022",
        "Sat 15 Jan 2022",
        "Sun 16 Jan 2022",  # the hostile title: 18:00 UTC is 03:00 JST the next day
    ]
    flat = " ".join(out.split())
    assert (
        "* Strategic Stability Dialogue (US–Russia Strategic Stability Dialogue, round 3) "
        "At the venue: Mon 10 Jan 2022, 09:00–17:30 CET In Asia/Tokyo: 17:00 JST "
        "Countdown: tomorrow 09:00 CET Where: US Mission, Geneva, Switzerland "
        "At stake: last round: 30 Sep 2021, Geneva; No breakthrough" in flat
    )
    assert "In Asia/Tokyo: 18:00 JST" in flat  # the NATO–Russia Council, 10:00 in Brussels
    assert "Normandy format advisers (cancelled)" in flat  # in the window, marked
    assert "Weekly experts call" in flat and "Floating call" in flat
    assert "OSCE Permanent Council" not in flat.split("Schedule changes")[0]  # moved to the 20th
    changes = flat.split("Schedule changes since Sun 2 Jan 2022, 12:00 JST")[1]
    assert (
        "OSCE Permanent Council postponed: from Thu 13 Jan 2022 to Thu 20 Jan 2022; "
        "reason: host request (recorded Wed 5 Jan 2022, 19:00 JST)" in changes
    )
    assert "Normandy format advisers cancelled: was scheduled, Fri 14 Jan 2022, 10:00" in changes
    assert max(len(line) for line in out.splitlines()) <= 72


def test_brief_markdown_renders_as_commonmark(invoke: Any, demo: Path) -> None:
    markdown = ok(invoke("--now", NOW, "brief", "--output", "markdown")).stdout
    md = MarkdownIt("commonmark")
    tokens = md.parse(markdown)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[0] == "What to watch: Sun 9 Jan 2022 – Sun 16 Jan 2022"
    # In UTC the Tokyo briefing (08:30 JST on the 11th) is on the 10th: no Tue 11 Jan.
    assert headings[1:3] == ["Mon 10 Jan 2022", "Wed 12 Jan 2022"]
    assert headings[-1].startswith("Schedule changes since Sun 2 Jan 2022, 12:00 UTC")
    assert "html_inline" not in {t.type for t in tokens} | {
        c.type for t in tokens for c in t.children or []
    }
    assert "  - In UTC: 08:00\n" in markdown  # the display zone's time, named once
    rendered = md.render(markdown)
    assert "<strong>" + HOSTILE.replace("<", "&lt;").replace(">", "&gt;") + "</strong>" in rendered
    assert "<img" not in rendered
    items = [t for t in tokens if t.type == "bullet_list_open"]
    assert len(items) == 5 + 8 + 1  # a list per day, a nested list per event, the changes


def test_brief_html_is_self_contained_and_styled_like_the_page(invoke: Any, demo: Path) -> None:
    page = ok(invoke("--now", NOW, "brief", "--output", "html")).stdout
    exported = ok(invoke("--now", NOW, "export", "--output", "html")).stdout
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    assert style and f"<style>{style.group(1)}</style>" in exported  # the page's CSS
    assert "script-src 'none'" in page and "default-src 'none'" in page
    tags = Tags(page)
    assert "script" not in [t for t, _ in tags.tags] and "img" not in [t for t, _ in tags.tags]
    assert HOSTILE in "".join(tags.text)


def test_brief_filters_keep_the_stakes_and_days_and_since_choose_the_window(
    invoke: Any, demo: Path
) -> None:
    geneva = ok(invoke("--now", NOW, "brief", "--format", "geneva")).stdout
    flat = " ".join(geneva.split())
    assert "1 event." in flat and "last round: 30 Sep 2021, Geneva" in flat
    # --status scheduled hides the held rounds from the brief, not from the stakes.
    scheduled = " ".join(ok(invoke("--now", NOW, "brief", "--status", "scheduled")).stdout.split())
    assert "last round: 30 Sep 2021, Geneva; No breakthrough" in scheduled
    assert "Normandy format advisers cancelled" not in scheduled  # the changes follow filters
    one_day = " ".join(ok(invoke("--now", NOW, "brief", "--days", "1")).stdout.split())
    assert "Mon 10 Jan 2022" in one_day and "Tue 11 Jan 2022" not in one_day
    assert "The next 1 day from" in one_day
    later = " ".join(ok(invoke("--now", NOW, "brief", "--since", "2022-01-06")).stdout.split())
    assert "Normandy format advisers cancelled" in later and "OSCE" not in later
    assert (
        ok(invoke("--now", NOW, "brief", "--since", "2022-01-06")).stdout
        == ok(invoke("--now", NOW, "brief", "--since", "2022-01-06")).stdout
    )


def test_brief_follows_postpone_and_cancel_on_the_bundled_store(invoke: Any) -> None:
    ok(
        invoke(
            "--now",
            "2022-01-05 10:00",
            "postpone",
            "2022-01-13-vienna-osce",
            "--to",
            "2022-01-20",
            "--reason",
            "host request",
        )
    )
    ok(invoke("--now", "2022-01-06 09:00", "cancel", "2022-01-12-brussels-nrc"))
    out = " ".join(ok(invoke("--now", "2022-01-08", "brief")).stdout.split())
    assert "OSCE Permanent Council postponed: from Thu 13 Jan 2022 to Thu 20 Jan 2022" in out
    assert "NATO–Russia Council cancelled: was scheduled" in out or (
        "NATO–Russia Council cancelled: was held" in out
    )
    assert "OSCE" not in out.split("Schedule changes")[0]  # now on the 20th: next week


def test_brief_mistakes(invoke: Any, demo: Path) -> None:
    usage_error(invoke("--now", NOW, "brief", "--since", "2022-02-01"), "--since", "after now")
    usage_error(invoke("--now", NOW, "brief", "--since", "someday"), "--since")
    for days in ("0", "367", "x"):
        result = invoke("brief", "--days", days)
        assert result.exit_code == USAGE and "--days" in result.stderr, days
    result = invoke("brief", "--output", "pdf")
    assert result.exit_code == USAGE and "markdown" in result.stderr
    failed(invoke("brief", "--format", "nope"), USAGE, "unknown format 'nope'")
    result = invoke("brief", "--from", "2022-01-01")
    assert result.exit_code == USAGE and "--from" in result.stderr


def test_brief_has_no_control_characters_and_nothing_scheduled_is_said(
    invoke: Any, demo: Path
) -> None:
    for output in ("text", "markdown", "html"):
        out = ok(invoke("--now", NOW, "brief", "-o", output)).stdout
        assert not forbidden(out), output
    quiet = ok(invoke("--now", "2030-01-01", "brief")).stdout
    assert "0 events." in quiet and "Nothing scheduled in this window." in quiet
