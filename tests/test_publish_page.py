"""The HTML timeline page (summit_cli.publish.page): pure tests, no browser.

Records come from tests/data/publish_records.json (captured once from
``summits --store data/summits.yaml --now 2021-12-31 --tz UTC list --output json``)
or are built here with :func:`make_record`, which follows the same contract.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from summit_cli.publish.page import json_for_script, render_page

DATA = Path(__file__).parent / "data" / "publish_records.json"
NOW = datetime(2021, 12, 31, tzinfo=UTC)
FORMATS: dict[str, dict[str, Any]] = {
    "geneva": {
        "name": "US–Russia Strategic Stability Dialogue",
        "description": "Bilateral security talks in Geneva (Sherman–Ryabkov)",
        "timezone": "Europe/Zurich",
    },
    "nrc": {"name": "NATO–Russia Council", "description": "In Brussels", "timezone": None},
    "osce": {"name": "OSCE Permanent Council", "description": "In Vienna", "timezone": None},
}
HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "<!-- x --><style>*{display:none}</style>",
]


def _z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_record(
    rid: str,
    title: str,
    start: str,
    tz: str | None = "Europe/Zurich",
    *,
    end: str | None = None,
    now: datetime = NOW,
    **fields: Any,
) -> dict[str, Any]:
    """A record as ``summits list --output json`` prints it (keys in the documented order)."""
    all_day = len(start) == 10
    wall = datetime.fromisoformat(start)
    start_local = end_local = start_utc = end_utc = None
    if tz is not None:
        local = wall.replace(tzinfo=ZoneInfo(tz))
        if end is not None:
            ends = datetime.fromisoformat(end).replace(tzinfo=ZoneInfo(tz))
            stop: datetime | None = ends + timedelta(days=1) if all_day else ends
        else:
            stop = local + timedelta(days=1) if all_day else None
        start_local, start_utc = local.isoformat(), _z(local)
        if stop is not None:
            end_local, end_utc = stop.isoformat(), _z(stop)
        instant = local
    else:
        instant = wall.replace(tzinfo=UTC)
    seconds = int((instant - now).total_seconds())
    days = abs(seconds) // 86400
    countdown = f"in {days} days" if seconds > 0 else f"{days} days ago"
    record: dict[str, Any] = {
        "id": rid,
        "title": title,
        "kind": "round",
        "format": None,
        "round": None,
        "start": start,
        "end": end,
        "timezone": tz,
        "venue": None,
        "city": None,
        "country": None,
        "participants": [],
        "status": "scheduled",
        "outcome": None,
        "sources": [],
        "tags": [],
        "notes": None,
        "history": [],
        "all_day": all_day,
        "start_local": start_local,
        "end_local": end_local,
        "start_utc": start_utc,
        "end_utc": end_utc,
        "phase": "upcoming" if seconds > 0 else "past",
        "starts_in_seconds": seconds,
        "countdown": countdown,
        "rrule": None,
        "exdates": [],
        "occurrence": None,
    }
    unknown = set(fields) - set(record) - {"precision", "latest_start_utc"}
    assert not unknown, unknown
    record.update(fields)
    return record


def many_records(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """*count* plausible events over four years, in several formats and zones."""
    rng = random.Random(seed)
    zones = ["Europe/Zurich", "Europe/Brussels", "Europe/Vienna", "America/New_York", "Asia/Tokyo"]
    keys = [*FORMATS, None]
    out = []
    for n in range(count):
        day = datetime(2020, 1, 1) + timedelta(days=rng.randrange(4 * 365), hours=rng.randrange(24))
        start = day.date().isoformat() if n % 3 == 0 else day.strftime("%Y-%m-%dT%H:%M")
        status = rng.choice(["scheduled", "held", "held", "postponed", "cancelled"])
        sources = [f"https://example.org/news/{n}", "Press release, 10 Jan 2022"][: 1 + n % 2]
        out.append(
            make_record(
                f"ev-{n:04d}",
                f"Round {n} of talks on strategic stability",
                start,
                rng.choice(zones),
                format=keys[n % len(keys)],
                round=n // len(keys) + 1 if n % 2 else None,
                status=status,
                venue="Palais des Nations",
                city="Geneva",
                country="Switzerland",
                participants=["United States", "Russia"],
                # Like a real store: outcomes once held, notes and a second source now and then.
                outcome="No breakthrough; both sides agreed to continue."
                if status == "held"
                else None,
                sources=sources,
                notes="Delegations led by deputy foreign ministers." if n % 3 == 0 else None,
            )
        )
    return out


class Parsed(HTMLParser):
    """Every start tag with its attributes, the text outside script/style, and scripts."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self._in: str | None = None
        self._attrs: dict[str, str | None] = {}
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in, self._attrs = tag, dict(attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts.append((self._attrs, data))
        elif self._in == "style":
            self.styles.append(data)
        else:
            self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]

    def with_attr(self, name: str) -> list[tuple[str, dict[str, str | None]]]:
        return [(t, a) for t, a in self.tags if name in a]


def fixture_records() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(DATA.read_text(encoding="utf-8"))
    return records


def render(records: list[dict[str, Any]], **kw: Any) -> str:
    options: dict[str, Any] = {"title": "Summits", "now": NOW, "generated_by": "summits test"}
    options.update(kw)
    return render_page(records, FORMATS, **options)


def article_of(page: str, rid: str) -> str:
    match = re.search(rf'<article [^>]*data-id="{re.escape(rid)}".*?</article>', page, re.S)
    assert match, rid
    return match.group()


# --- structure ---------------------------------------------------------------------------------


def test_one_element_per_record_with_data_attributes() -> None:
    records = fixture_records()
    parsed = Parsed(render(records))
    tagged = parsed.with_attr("data-id")
    assert [a["data-id"] for _, a in tagged] == [r["id"] for r in records]  # same stable order
    for (tag, attrs), rec in zip(tagged, records, strict=True):
        assert tag == "article"
        assert attrs["data-start-utc"] == rec["start_utc"]
        assert attrs["data-format"] == (rec["format"] or "")
        assert attrs["data-status"] == rec["status"]


def test_occurrences_carry_data_occurrence() -> None:
    records = [
        make_record(
            "weekly", "Weekly sync", f"2022-01-{d:02d}T09:00", occurrence=f"2022-01-{d:02d}"
        )
        for d in (3, 10, 17)
    ]
    for rec in records:
        rec["rrule"] = "FREQ=WEEKLY;COUNT=3"
    tagged = Parsed(render(records)).with_attr("data-id")
    assert [a["data-occurrence"] for _, a in tagged] == ["2022-01-03", "2022-01-10", "2022-01-17"]


def test_scriptless_content_has_every_title_grouped_by_month() -> None:
    records = many_records(60)
    parsed = Parsed(render(records))
    text = "".join(parsed.text)
    for rec in records:
        assert rec["title"] in text
    headings = [a.get("datetime") for t, a in parsed.tags if t == "time" and a.get("datetime")]
    months = {rec["start_local"][:7] for rec in records}
    assert months <= set(headings)
    # Both views are server-rendered; the controls need scripts and start hidden.
    ids = [a.get("id") for _, a in parsed.tags]
    assert "timeline" in ids and "lanes" in ids
    controls = next(a for t, a in parsed.tags if a.get("id") == "controls")
    assert "hidden" in controls


def test_semantic_elements_and_title() -> None:
    page = render(fixture_records(), title="Security talks <2022>")
    parsed = Parsed(page)
    for tag in ("header", "main", "section", "article", "time", "h1", "h2", "h3", "details"):
        assert parsed.all(tag), tag
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Security talks &lt;2022&gt;</title>" in page


# --- safety ------------------------------------------------------------------------------------


def hostile_records() -> list[dict[str, Any]]:
    return [
        make_record(
            f"h{n}",
            title,
            f"2022-01-{10 + n:02d}T10:00",
            notes=title,
            outcome=title,
            venue=title,
            participants=[title],
            tags=[title],
            format=title if n == 0 else "geneva",
            sources=[
                "javascript:alert(1)",
                'https://example.org/a"onmouseover="alert(1)',
                "https://example.org/ok?a=1&b=<2>",
                "https://example.org/ok?a=1&b=2",
                "data:text/html,<script>alert(1)</script>",
                title,
            ],
        )
        for n, title in enumerate(HOSTILE)
    ]


def test_hostile_titles_notes_and_sources_are_text() -> None:
    page = render(hostile_records())
    parsed = Parsed(page)
    assert not parsed.all("img") and not parsed.all("svg")
    assert len(parsed.scripts) == 2  # the JSON data block and the page script, nothing else
    assert len(parsed.styles) == 1
    for _, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs), attrs
    text = "".join(parsed.text)
    for title in HOSTILE:
        assert title in text  # shown verbatim, as text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    hrefs = [h for a in parsed.all("a") if (h := a.get("href")) and h[0] != "#"]
    assert hrefs and set(hrefs) == {"https://example.org/ok?a=1&b=2"}, hrefs
    assert 'href="https://example.org/ok?a=1&amp;b=2"' in page


def test_only_http_urls_become_links_with_noopener() -> None:
    rec = make_record(
        "s1",
        "Sourced",
        "2022-01-10T10:00",
        sources=["https://example.org/report", "http://example.net/x", "Kremlin readout, 10 Jan"],
    )
    parsed = Parsed(render([rec]))
    links = [a for a in parsed.all("a") if not (a.get("href") or "#").startswith("#")]
    assert [a["href"] for a in links] == ["https://example.org/report", "http://example.net/x"]
    assert all(a["rel"] == "noopener noreferrer" for a in links)
    assert "Kremlin readout, 10 Jan" in "".join(parsed.text)


def test_control_and_bidi_characters_are_visible_escapes() -> None:
    title = "Talks\x1b[2J\u202eevil\x85\x07"
    page = render([make_record("c1", title, "2022-01-10T10:00", notes="line1\nline2\x1b")])
    assert "\x1b" not in page and "\u202e" not in page and "\x85" not in page
    assert "Talks\\x1b[2J\\u202eevil\\x85\\x07" in page
    assert "line1\nline2\\x1b" in page  # notes keep their line breaks


def test_json_data_block_is_escaped() -> None:
    block = json_for_script({"t": "</script><b>&\u2028\u2029"})
    assert "<" not in block and ">" not in block and "&" not in block
    assert "\u2028" not in block and "\u2029" not in block
    assert json.loads(block) == {"t": "</script><b>&\u2028\u2029"}
    page = render(hostile_records())
    data = next(d for a, d in Parsed(page).scripts if a.get("type") == "application/json")
    assert "<" not in data and json.loads(data)["count"] == len(HOSTILE)


def test_csp_forbids_external_loads_and_hashes_the_inline_blocks() -> None:
    page = render(fixture_records())
    parsed = Parsed(page)
    metas = [a for a in parsed.all("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert len(metas) == 1
    policy = {
        d.split()[0]: d.split()[1:] for d in (metas[0]["content"] or "").split(";") if d.strip()
    }
    assert policy["default-src"] == ["'none'"]
    assert "'unsafe-inline'" not in str(policy) and "http" not in str(policy)
    assert policy["img-src"] == ["data:"]

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    code = [d for a, d in parsed.scripts if "type" not in a]
    assert policy["script-src"] == [digest(code[0])]
    assert policy["style-src"] == [digest(parsed.styles[0])]
    # The policy comes before anything that could load.
    assert page.index("Content-Security-Policy") < page.index("<style>")


def test_no_external_url_in_any_src_or_href() -> None:
    records = [*fixture_records(), *many_records(30), *hostile_records()]
    sources = {s for rec in records for s in rec["sources"]}
    page = render(records)
    parsed = Parsed(page)
    for tag, attrs in parsed.tags:
        for name in ("src", "href", "action", "poster", "srcset", "data"):
            value = attrs.get(name)
            if value is None or value.startswith(("#", "data:")):
                continue
            assert tag == "a" and name == "href" and value in sources, (tag, attrs)
            assert attrs.get("rel") == "noopener noreferrer"
    assert not parsed.all("link") or all(a.get("rel") == "icon" for a in parsed.all("link"))
    assert not parsed.all("iframe") and not parsed.all("object") and not parsed.all("embed")
    assert "url(" not in parsed.styles[0] and "@import" not in parsed.styles[0]
    code = next(d for a, d in parsed.scripts if "type" not in a)
    assert "http" not in code and "fetch(" not in code and "XMLHttpRequest" not in code


# --- content -----------------------------------------------------------------------------------


def test_deterministic_and_independent_of_input_order() -> None:
    records = [*fixture_records(), *many_records(40)]
    first = render(records)
    assert render(records) == first
    shuffled = list(records)
    random.Random(3).shuffle(shuffled)
    assert render(shuffled) == first
    assert render(records, now=NOW + timedelta(seconds=1)) != first


def test_article_ids_come_from_event_ids_and_are_unique() -> None:
    records = [
        make_record("ssd-3", "SSD", "2022-01-10T09:00"),
        *[
            make_record("weekly", "Call", f"2022-01-{d:02d}T09:00", occurrence=f"2022-01-{d:02d}")
            for d in (6, 13)
        ],
        make_record("Odd ID!", "Hand-made", "2022-01-11T09:00"),
        make_record("odd-id", "Clash", "2022-01-12T09:00"),
        make_record("odd-id-2", "Clash of the suffix", "2022-01-12T10:00"),
        make_record("", "No id", "2022-01-14T09:00"),
    ]
    parsed = Parsed(render(records))
    refs = [a["id"] for _, a in parsed.with_attr("data-id")]
    assert refs == [
        "e-weekly--2022-01-06",
        "e-ssd-3",
        "e-odd-id",
        "e-odd-id-2",
        "e-odd-id-2-2",
        "e-weekly--2022-01-13",
        "e-event",
    ]
    chips = [h for t, a in parsed.tags if t == "a" and (h := a.get("href") or "")[:1] == "#"]
    assert sorted(chips) == sorted(f"#{r}" for r in refs)


def test_postponed_event_shows_original_date_struck() -> None:
    rec = make_record(
        "2022-01-13-vienna-osce",
        "OSCE Permanent Council",
        "2022-01-20",
        "Europe/Vienna",
        format="osce",
        status="postponed",
        history=[
            {
                "at": "2021-12-20T00:00:00Z",
                "change": "postponed",
                "status_before": "scheduled",
                "start_before": "2022-01-12",
            },
            {
                "at": "2021-12-31T00:00:00Z",
                "change": "postponed",
                "status_before": "scheduled",
                "start_before": "2022-01-13",
                "reason": "host request",
            },
        ],
    )
    page = render([rec])
    article = article_of(page, rec["id"])
    assert (
        '<del title="original date"><time datetime="2022-01-13">Thu 13 Jan 2022</time></del>'
        in (article)
    )
    assert "Thu 20 Jan 2022" in article
    lanes = page[page.index('id="lanes"') :]
    assert "<del>13 Jan</del>" in lanes and "postponed" in lanes


def test_a_later_change_that_kept_the_date_does_not_hide_the_move() -> None:
    """Bug: the newest history entry decided alone, so "postponed, new date to be announced"
    (or a cancellation) after a move lost the struck original date."""
    moved = {"change": "postponed", "start_before": "2022-01-13", "at": "2021-12-20T00:00:00Z"}
    for later in ("postponed", "cancelled"):
        rec = make_record(
            "m1",
            "Moved then " + later,
            "2022-01-20",
            "Europe/Vienna",
            status=later,
            history=[
                moved,
                {"change": later, "start_before": "2022-01-20", "at": "2021-12-30T00:00:00Z"},
            ],
        )
        article = article_of(render([rec]), "m1")
        assert '<del title="original date"><time datetime="2022-01-13">' in article, later
    never = make_record(
        "m2",
        "Cancelled in place",
        "2022-01-20",
        status="cancelled",
        history=[{"change": "cancelled", "start_before": "2022-01-20", "at": "2021-12-30"}],
    )
    assert "<del" not in article_of(render([never]), "m2")


def test_cancelled_event_is_marked_in_both_views() -> None:
    rec = make_record("x1", "NATO–Russia Council", "2022-01-12", "Europe/Brussels", format="nrc")
    rec["status"] = "cancelled"
    page = render([rec])
    article = article_of(page, "x1")
    assert 'data-status="cancelled"' in article and '<span class="st">cancelled</span>' in article
    assert 'class="cd"' not in article  # no countdown to a meeting that will not happen
    lanes = page[page.index('id="lanes"') :]
    assert '<a class="s-cancelled" href="#e-x1">12 Jan <em>cancelled</em>' in lanes


def test_lanes_show_rounds_and_gaps() -> None:
    records = [
        make_record("g1", "SSD 1", "2021-07-28", format="geneva", round=1, status="held"),
        make_record("g2", "SSD 2", "2021-09-30", format="geneva", round=2, status="held"),
        make_record("g3", "SSD 3", "2022-01-10", format="geneva", round=3),
        make_record("n1", "Loose call", "2021-08-02T10:00"),
    ]
    lanes = render(records)
    lanes = lanes[lanes.index('id="lanes"') :]
    rows = re.findall(r'<tr data-format="([^"]*)">', lanes)
    assert rows == ["geneva", "nrc", "osce", ""]
    assert "<b>R3</b> 10 Jan" in lanes
    assert "+64 days" in lanes and "+102 days" in lanes
    assert "3 quiet months" in lanes  # Oct-Dec 2021 collapse into one column


def test_times_at_the_venue_with_zone_and_reader_fallback() -> None:
    records = [
        make_record("z1", "Geneva", "2022-01-10T09:00", "Europe/Zurich", end="2022-01-10T12:30"),
        make_record("z2", "Washington", "2022-07-01T09:00", "America/New_York"),
        make_record("z3", "Dubai", "2022-03-01T09:00", "Asia/Dubai"),
        make_record("z4", "Floating", "2022-03-02T09:00", None),
        make_record("z5", "All day", "2022-03-03", "Asia/Tokyo", end="2022-03-04"),
        make_record("z6", "Tokyo morning", "2022-01-10T08:30", "Asia/Tokyo"),
    ]
    page = render(records)
    z1 = article_of(page, "z1")
    assert 'datetime="2022-01-10T09:00+01:00">Mon 10 Jan 2022, 09:00–12:30 CET</time>' in z1
    assert '<time class="rt" datetime="2022-01-10T08:00:00Z">(08:00 UTC)</time>' in z1
    z6 = article_of(page, "z6")  # the UTC date differs from the venue's: shown in full
    assert '<time class="rt" datetime="2022-01-09T23:30:00Z">(Sun 9 Jan 2022, 23:30 UTC)' in z6
    assert "Fri 1 Jul 2022, 09:00 EDT" in article_of(page, "z2")
    assert "Tue 1 Mar 2022, 09:00 UTC+04" in article_of(page, "z3")
    z4 = article_of(page, "z4")
    assert "Wed 2 Mar 2022, 09:00 (floating" in z4 and 'class="rt"' not in z4
    z5 = article_of(page, "z5")
    assert "Thu 3 Mar 2022 – Fri 4 Mar 2022" in z5 and 'class="rt"' not in z5  # dates only


def test_upcoming_events_have_a_countdown_from_the_record() -> None:
    past = make_record("p", "Past", "2021-12-07T10:00")
    soon = make_record("s", "Soon", "2022-01-10T10:00", end="2022-01-10T12:00")
    page = render([past, soon])
    assert 'class="cd"' not in article_of(page, "p")
    article = article_of(page, "s")
    assert 'data-start-utc="2022-01-10T09:00:00Z"' in article  # what the script counts down to
    assert '<span class="cd" data-end="2022-01-10T11:00:00Z">in 10 days</span>' in article


def test_uncertain_dates_are_marked() -> None:
    rec = make_record(
        "u1",
        "Follow-up round",
        "2022-01-21",
        precision="third",
        latest_start_utc="2022-01-31T23:00:00Z",
    )
    rec["start"] = "2022-01-late"  # as summits stores "late January 2022"
    rec["future_key"] = {"ignored": True}  # unknown keys are ignored
    article = article_of(render([rec]), "u1")
    assert article.startswith('<article class="unc"') and "late Jan 2022 (date tbc)" in article
    assert 'class="cd"' not in article
    exact = make_record("u2", "Exact", "2022-01-21", precision="day")
    assert "unc" not in article_of(render([exact]), "u2").split(">")[0]


def test_thousand_events_page_is_under_one_megabyte() -> None:
    page = render(many_records(1000))
    size = len(page.encode("utf-8"))
    print(f"1,000-event page: {size / 1024:.0f} KiB")
    assert size < 1_000_000
    assert len(Parsed(page).with_attr("data-id")) == 1000
