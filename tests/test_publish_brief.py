"""The weekly brief (summit_cli.publish.brief): view model and its three renderings."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from markdown_it import MarkdownIt
from test_publish_page import make_record

from summit_cli.publish.brief import (
    Brief,
    brief_html,
    brief_markdown,
    brief_text,
    build_brief,
)
from summit_cli.publish.page import read_asset

NOW = datetime(2022, 1, 9, 12, 0, tzinfo=UTC)
FORMATS = {
    "geneva": {"name": "Strategic Stability Dialogue", "description": "", "timezone": None},
    "nrc": {"name": "NATO–Russia Council", "description": "", "timezone": None},
}
HOSTILE = "<img src=x onerror=alert(1)> *bold* _it_ [x](javascript:alert(1)) `code` &amp; #"


def rec(rid: str, start: str, tz: str | None = "Europe/Zurich", **fields: Any) -> dict[str, Any]:
    """A record in the ``summits list --output json`` shape, counted down from NOW."""
    return make_record(rid, fields.pop("title", rid), start, tz, now=NOW, **fields)


def ids(brief: Brief) -> list[str]:
    return [item.id for group in brief.groups for item in group.items]


def brief_of(records: list[dict[str, Any]], **kw: Any) -> Brief:
    """The brief of *records*; ``zone`` is a zone name (``UTC``, ``Asia/Tokyo``, ``+09:00``),
    ``history`` every record of the store (default: *records*)."""
    options: dict[str, Any] = {"now": NOW, "days": 7}
    options.update(kw)
    name = options.pop("zone", "UTC")
    hours = re.fullmatch(r"([+-]\d\d):00", name)
    zone = timezone(timedelta(hours=int(hours.group(1)))) if hours else ZoneInfo(name)
    history = options.pop("history", records)
    return build_brief(records, FORMATS, zone=zone, past=history, **options)


# --- the view model ----------------------------------------------------------------------------


def test_window_is_now_to_now_plus_days() -> None:
    records = [
        rec("before", "2022-01-09T11:59:59", "UTC"),
        rec("at-now", "2022-01-09T12:00", "UTC"),
        rec("last-second", "2022-01-16T11:59:59", "UTC"),
        rec("at-end", "2022-01-16T12:00", "UTC"),
        rec("next-month", "2022-02-10T12:00", "UTC"),
        {**rec("no-start", "2022-01-10", None), "start": "soon"},
    ]
    assert ids(brief_of(records)) == ["at-now", "last-second"]
    assert ids(brief_of(records, days=1)) == ["at-now"]
    with pytest.raises(ValueError):
        brief_of(records, days=0)
    with pytest.raises(ValueError):
        brief_of(records, now=datetime(2022, 1, 9))  # naive


def test_all_day_events_go_by_their_date_at_the_venue() -> None:
    """Bug: all-day events were in the window by the instant their day starts at the venue,
    so today's summit was missing from the morning brief (its day began before now) and
    Geneva's Monday (23:00 UTC on Sunday) was in a UTC brief of Saturday and Sunday."""
    records = [
        rec("today", "2022-01-09", "Europe/Zurich"),  # began 8 Jan 23:00 UTC, before now
        rec("sunday-tokyo", "2022-01-09", "Asia/Tokyo"),  # began 8 Jan 15:00 UTC
        rec("monday", "2022-01-10", "Europe/Zurich"),  # begins 9 Jan 23:00 UTC
        rec("yesterday", "2022-01-08", "America/Los_Angeles"),  # till 9 Jan 08:00 UTC
    ]
    midnight = datetime(2022, 1, 9, tzinfo=UTC)  # a brief of Sunday alone
    brief = brief_of(records, now=midnight, days=1)
    assert ids(brief) == ["sunday-tokyo", "today"]
    assert [g.label for g in brief.groups] == ["Sun 9 Jan 2022"]
    morning = brief_of(records, now=midnight + timedelta(hours=7), days=1)  # Sun 07:00-Mon 07:00
    assert ids(morning) == ["sunday-tokyo", "today", "monday"]
    assert ids(brief_of(records, now=midnight, days=2)) == ["sunday-tokyo", "today", "monday"]


def test_floating_and_uncertain_events() -> None:
    floating = rec("floating", "2022-01-10T09:00", None)  # wall time, read in the display zone
    late = rec(
        "late-jan",
        "2022-01-20",
        precision="third",
        latest_start_utc="2022-01-30T23:00:00Z",
        start_utc="2022-01-20T23:00:00Z",
    )
    late["start"] = "2022-01-late"  # as summits stores "late January 2022"
    early_feb = rec("feb", "2022-02-01", precision="month", latest_start_utc="2022-02-27T23:00:00Z")
    early_feb["start"] = "2022-02"
    brief = brief_of([floating, late, early_feb], now=datetime(2022, 1, 9, tzinfo=UTC), days=14)
    assert ids(brief) == ["floating", "late-jan"]  # the tbc window overlaps; February does not
    assert brief.groups[0].label == "Mon 10 Jan 2022"
    assert brief.groups[0].items[0].display_time is None  # floating: the wall time only
    assert "floating" in brief.groups[0].items[0].venue_time
    tbc = brief.groups[-1]
    assert tbc.day is None and tbc.label == "Date to be confirmed"
    assert tbc.items[0].venue_time == "late Jan 2022 (date tbc)"


def test_grouped_by_day_in_the_display_zone_crossing_midnight() -> None:
    records = [
        rec("evening-geneva", "2022-01-10T17:30", "Europe/Zurich", city="Geneva"),  # 16:30Z
        rec("morning-geneva", "2022-01-10T09:00", "Europe/Zurich"),  # 08:00Z
        rec("allday-geneva", "2022-01-11"),  # all day: the venue's date, whatever the zone
    ]
    tokyo = brief_of(records, zone="Asia/Tokyo")
    assert [(g.label, [i.id for i in g.items]) for g in tokyo.groups] == [
        ("Mon 10 Jan 2022", ["morning-geneva"]),
        ("Tue 11 Jan 2022", ["allday-geneva", "evening-geneva"]),
    ]
    evening = tokyo.groups[1].items[1]
    assert evening.venue_time == "Mon 10 Jan 2022, 17:30 CET"
    assert evening.display_time == "01:30 JST"
    assert tokyo.groups[1].items[0].display_time is None  # all day: dates, not times

    new_york = brief_of(records, zone="America/New_York")
    assert [(g.label, len(g.items)) for g in new_york.groups] == [
        ("Mon 10 Jan 2022", 2),
        ("Tue 11 Jan 2022", 1),
    ]
    assert new_york.groups[0].items[1].display_time == "11:30 EST"
    offset = brief_of(records, zone="+09:00")
    assert offset.groups[1].items[1].display_time == "01:30 UTC+09:00"
    assert "times in UTC+09:00." in " ".join(brief_text(offset).split())


def test_last_round_of_the_same_format() -> None:
    past = [
        rec(
            "r1",
            "2021-07-28",
            format="geneva",
            round=1,
            status="held",
            city="Geneva",
            outcome="Constructive. Agreed to meet again.",
        ),
        rec(
            "r2",
            "2021-09-30",
            format="geneva",
            round=2,
            status="held",
            city="Geneva",
            outcome="No breakthrough. Two working groups set up.",
        ),
        rec("r2b", "2021-12-01", format="geneva", status="cancelled", city="Vienna"),
        rec("nrc0", "2019-07-05", format="nrc", status="held", venue="NATO HQ"),
    ]
    upcoming = [
        rec("r3", "2022-01-10", format="geneva", round=3, city="Geneva"),
        rec("r4", "2022-01-12T10:00", format="geneva", round=4),
        rec("first", "2022-01-13", format="new-format"),
        rec("nrc1", "2022-01-12", format="nrc"),
        rec("loose", "2022-01-11T10:00"),
    ]
    brief = brief_of(upcoming, history=[*past, *upcoming])
    stakes = {i.id: i.stakes for g in brief.groups for i in g.items}
    assert stakes["r3"] == "last round: 30 Sep 2021, Geneva; No breakthrough"
    assert stakes["r4"] == "last round: 10 Jan 2022, Geneva; not held yet"
    assert stakes["first"] == "first meeting of this format"
    assert stakes["nrc1"] == "last meeting: 5 Jul 2019, NATO HQ; no outcome recorded"
    assert stakes["loose"] is None
    r3 = next(i for g in brief.groups for i in g.items if i.id == "r3")
    assert (r3.format_name, r3.round, r3.place) == ("Strategic Stability Dialogue", "3", "Geneva")


def _history_record() -> list[dict[str, Any]]:
    moved = rec(
        "osce",
        "2022-01-20",
        "Europe/Vienna",
        title="OSCE Permanent Council",
        status="postponed",
        history=[
            {"at": "2021-12-01T00:00:00Z", "change": "postponed", "start_before": "2022-01-06"},
            {
                "at": "2022-01-05T10:00:00Z",
                "change": "postponed",
                "status_before": "scheduled",
                "start_before": "2022-01-13",
                "reason": "host request",
            },
        ],
    )
    dropped = rec(
        "nrc",
        "2022-01-12",
        "Europe/Brussels",
        title="NATO–Russia Council",
        status="cancelled",
        history=[
            {
                "at": "2022-01-08T09:00:00Z",
                "change": "cancelled",
                "status_before": "scheduled",
                "start_before": "2022-01-12",
                "reason": "no agenda",
            }
        ],
    )
    series = [
        rec(
            "weekly",
            f"2022-02-{d:02d}T09:00",
            title="Weekly call",
            occurrence=f"2022-02-{d:02d}",
            history=[{"at": "2022-01-07T00:00:00Z", "change": "rescheduled", "reason": "x"}],
        )
        for d in (1, 8)
    ]
    future = rec("f", "2022-03-01", history=[{"at": "2022-01-10T00:00:00Z", "change": "cancelled"}])
    return [moved, dropped, *series, future]


def test_postponements_and_cancellations_since_the_last_brief() -> None:
    history = _history_record()
    brief = brief_of([], history=history)  # since = now - 7 days = 2 Jan 12:00
    assert [(c.id, c.change) for c in brief.changes] == [
        ("osce", "postponed"),
        ("weekly", "rescheduled"),  # once, not once per occurrence
        ("nrc", "cancelled"),
    ]
    osce = brief.changes[0]
    assert osce.detail == "from Thu 13 Jan 2022 to Thu 20 Jan 2022; reason: host request"
    assert osce.at_label == "Wed 5 Jan 2022, 10:00 UTC"
    assert brief.changes[2].detail == "was scheduled, Wed 12 Jan 2022; reason: no agenda"
    wider = brief_of([], history=history, since=datetime(2021, 11, 1, tzinfo=UTC))
    assert len(wider.changes) == 4
    assert wider.changes[0].detail == "from Thu 6 Jan 2022 to Thu 20 Jan 2022"
    text = brief_text(brief)
    assert "OSCE Permanent Council postponed: from Thu 13 Jan 2022 to Thu 20 Jan" in text


# --- renderings --------------------------------------------------------------------------------


def _rich_brief() -> Brief:
    records = [
        rec(
            "h1",
            "2022-01-10T09:00",
            title=HOSTILE,
            format="geneva",
            round=3,
            venue=HOSTILE,
            city="Geneva",
            countdown="in 20 h 0 min",
        ),
        rec("h2", "2022-01-11", title="Plain <b>bold</b>\x1b[31m\u202eevil", format="geneva"),
    ]
    past = rec(
        "h0",
        "2021-12-01",
        format="geneva",
        status="held",
        city="Geneva",
        outcome="1. No *breakthrough*. [x](y) <script>alert(1)</script>",
        history=[{"at": "2022-01-08T00:00:00Z", "change": "cancelled", "reason": HOSTILE}],
    )
    return brief_of(records, history=[past, *records], zone="Asia/Tokyo")


class _Tags(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def test_markdown_renders_with_no_markup_from_data() -> None:
    markdown = brief_markdown(_rich_brief())
    md = MarkdownIt("commonmark")  # raw HTML enabled: escaping must do the work
    rendered = md.render(markdown)
    assert set(_Tags(rendered).tags) <= {"h1", "h2", "ul", "li", "strong", "p"}
    assert _Tags(rendered).tags.count("h2") == 3  # two days and the changes
    assert "<img" not in rendered and "<script" not in rendered and "<a " not in rendered
    assert "<em>" not in rendered and "<code>" not in rendered
    # The data shows up as literal text.
    assert "&lt;img src=x onerror=alert(1)&gt; *bold* _it_ [x](javascript:alert(1))" in rendered
    assert "`code` &amp;amp; #" in rendered
    assert "last meeting: 1 Dec 2021, Geneva; 1" in rendered  # h0 had no round number
    assert "last round: 10 Jan 2022, Geneva; not held yet" in rendered  # h1 is round 3
    assert "\\x1b[31m\\u202eevil" in rendered and "\x1b" not in markdown
    # Structure: one list item per event, with its facts as a nested list.
    tokens = [t.type for t in md.parse(markdown)]
    assert tokens.count("heading_open") == 4
    assert "html_inline" not in tokens and "html_block" not in tokens


def test_text_is_wrapped_at_72_columns_without_controls() -> None:
    brief = _rich_brief()
    text = brief_text(brief)
    lines = text.splitlines()
    assert lines and max(len(line) for line in lines) <= 72
    for ch in text:
        assert ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf"), repr(ch)
    assert "Plain <b>bold</b>\\x1b[31m\\u202eevil" in text
    assert "17:00 JST" in text and "Mon 10 Jan 2022, 09:00 CET" in text
    long_word = rec("w", "2022-01-10T10:00", title="Q" * 200, notes="y")
    wrapped = brief_text(brief_of([long_word]))
    assert max(len(line) for line in wrapped.splitlines()) <= 72
    assert "".join(re.findall("Q+", wrapped)) == "Q" * 200
    narrow = brief_text(brief, width=40)
    assert max(len(line) for line in narrow.splitlines()) <= 40


def test_empty_brief_renders() -> None:
    brief = brief_of([], history=[])
    assert brief.count == 0 and not brief.groups and not brief.changes
    assert "Nothing scheduled" in brief_markdown(brief)
    assert "No postponements or cancellations recorded." in brief_text(brief)
    assert "Nothing scheduled" in brief_html(brief, read_asset("page.css"))


def test_html_brief_is_self_contained_and_escaped() -> None:
    css = read_asset("page.css")
    page = brief_html(_rich_brief(), css)
    tags = _Tags(page).tags
    assert "img" not in tags and "script" not in tags and "a" not in tags
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "default-src 'none'" in page and "script-src 'none'" in page
    assert f"<style>{css}</style>" in page
    assert not re.search(r"(src|href)=\"(?!data:)", page)


def test_deterministic() -> None:
    brief = _rich_brief()
    assert brief_markdown(brief) == brief_markdown(_rich_brief())
    assert brief_text(brief) == brief_text(_rich_brief())
