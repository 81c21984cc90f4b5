"""The weekly brief: "what to watch" in the next days, as a view model and three renderings.

:func:`build_brief` turns event records (``summits list --output json``) into a
:class:`Brief`; :func:`brief_markdown`, :func:`brief_text` and :func:`brief_html` render it.
Pure: ``now`` is passed in, nothing reads the clock, files or the environment.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from summit_cli.publish.eventdata import (
    MONTHS,
    Formats,
    Record,
    first_sentence,
    fmt_date,
    format_name,
    is_uncertain,
    oneline,
    parse_instant,
    place_of,
    sort_key,
    stamp,
    start_instant,
    text_of,
    uncertain_label,
    venue_when,
    visible,
    wall_text,
    zone_abbr,
    zone_name,
)


@dataclass(frozen=True, slots=True)
class BriefItem:
    """One event to watch."""

    id: str
    occurrence: str | None
    title: str
    status: str
    venue_time: str  # "Mon 10 Jan 2022, 09:00 CET", "Mon 10 Jan 2022", "late Jan 2022 (date tbc)"
    display_time: str | None  # "17:00 JST" in the display zone; None: all day, floating, tbc
    countdown: str | None  # the record's countdown text
    format_key: str | None
    format_name: str | None
    round: str | None
    place: str | None  # "US Mission, Geneva, Switzerland"
    stakes: str | None  # "last round: 10 Jan 2022, Geneva; no breakthrough"; None without format


@dataclass(frozen=True, slots=True)
class BriefDay:
    day: date | None  # None: the date is not confirmed yet
    label: str  # "Mon 10 Jan 2022" or "Date to be confirmed"
    items: tuple[BriefItem, ...]


@dataclass(frozen=True, slots=True)
class BriefChange:
    """A postponement, cancellation, reschedule or reinstatement recorded in the window."""

    at: datetime
    at_label: str  # in the display zone
    id: str
    title: str
    change: str  # postponed | cancelled | rescheduled | reinstated | ...
    detail: str  # "from Thu 13 Jan 2022 to Thu 20 Jan 2022; reason: host request"


@dataclass(frozen=True, slots=True)
class Brief:
    title: str
    now: datetime
    until: datetime
    since: datetime
    zone: tzinfo  # the display zone
    days: int
    groups: tuple[BriefDay, ...]
    changes: tuple[BriefChange, ...]

    @property
    def count(self) -> int:
        return sum(len(g.items) for g in self.groups)

    @property
    def zone_name(self) -> str:
        return zone_name(self.zone)


def _in_window(rec: Record, zone: tzinfo, start: datetime, end: datetime) -> bool:
    """Whether the event starts in [start, end). An all-day event goes by its date at the
    venue, as it is shown: in the brief when that date is one of the brief's days in the
    display zone (today's included, though its day began before now)."""
    if rec.get("all_day") is True and not is_uncertain(rec):
        when = venue_when(rec)
        last_day = (end - timedelta(microseconds=1)).astimezone(zone).date()
        return when is not None and start.astimezone(zone).date() <= when.day <= last_day
    first = start_instant(rec, zone)
    if first is None:
        return False
    last = first
    if is_uncertain(rec):  # overlaps the window: earliest before its end, latest after its start
        last = parse_instant(rec.get("latest_start_utc")) or first
    return first < end and last >= start


def _stakes(rec: Record, history: Sequence[Record], zone: tzinfo, now: datetime) -> str | None:
    key = text_of(rec, "format")
    if key is None:
        return None
    me = sort_key(rec)
    ident = (rec.get("id"), rec.get("occurrence"))
    earlier = [
        h
        for h in history
        if text_of(h, "format") == key
        and h.get("status") != "cancelled"
        and (h.get("id"), h.get("occurrence")) != ident
        and sort_key(h) < me
    ]
    if not earlier:
        return "first meeting of this format"
    prev = max(earlier, key=sort_key)
    when = venue_when(prev)
    day = f"{when.day.day} {MONTHS[when.day.month - 1]} {when.day.year}" if when else "date unknown"
    if is_uncertain(prev):
        day = uncertain_label(prev)
    where = next((text_of(prev, k) for k in ("city", "venue", "country") if text_of(prev, k)), None)
    start = start_instant(prev, zone)
    outcome = text_of(prev, "outcome")
    if start is not None and start >= now:
        result = "not held yet"
    elif outcome:
        result = first_sentence(outcome)
    else:
        result = "no outcome recorded"
    label = "last round" if text_of(prev, "round") else "last meeting"
    place = f", {oneline(where)}" if where else ""
    return f"{label}: {day}{place}; {result}"


def _item(
    rec: Record, formats: Formats, history: Sequence[Record], zone: tzinfo, now: datetime
) -> tuple[date | None, BriefItem]:
    """The day the event falls on in the display zone (None: tbc) and its brief entry."""
    when = venue_when(rec)
    utc = parse_instant(rec.get("start_utc"))
    display = None
    if is_uncertain(rec):
        day, venue = None, uncertain_label(rec)
    elif when is None:
        day, venue = None, oneline(text_of(rec, "start") or "date unknown")
    elif when.clock is None or utc is None:  # all day or floating: the venue's (wall) date
        day, venue = when.day, when.text
    else:
        local = utc.astimezone(zone)
        day, venue, display = local.date(), when.text, f"{local:%H:%M} {zone_abbr(local)}"
    key = text_of(rec, "format")
    status = oneline(text_of(rec, "status") or "scheduled")
    return day, BriefItem(
        id=oneline(str(rec.get("id") or "")),
        occurrence=text_of(rec, "occurrence"),
        title=oneline(text_of(rec, "title") or "")
        or oneline(str(rec.get("id") or ""))
        or "(untitled)",
        status=status,
        venue_time=visible(venue),
        display_time=display,
        countdown=None
        if status == "cancelled"
        else oneline(text_of(rec, "countdown") or "") or None,
        format_key=oneline(key) if key else None,
        format_name=oneline(format_name(formats, key)) if key else None,
        round=oneline(text_of(rec, "round") or "") or None,
        place=place_of(rec),
        stakes=_stakes(rec, history, zone, now),
    )


def _change_detail(rec: Record, entry: Mapping[str, object]) -> str:
    change = str(entry.get("change") or "changed")
    before = text_of(entry, "start_before")
    start = text_of(rec, "start")
    parts = []
    if change == "cancelled":
        was = text_of(entry, "status_before")
        parts.append(f"was {was}" + (f", {wall_text(before)}" if before else "") if was else "")
    elif before and start and before != start:
        parts.append(f"from {wall_text(before)} to {wall_text(start)}")
    elif change == "postponed":
        parts.append("new date to be announced")
    reason = text_of(entry, "reason")
    if reason:
        parts.append(f"reason: {reason}")
    return oneline("; ".join(p for p in parts if p))


def _changes(
    history: Sequence[Record], zone: tzinfo, since: datetime, now: datetime
) -> tuple[BriefChange, ...]:
    seen: set[tuple[str, str, str]] = set()
    out: list[BriefChange] = []
    for rec in history:
        entries = rec.get("history")
        for entry in entries if isinstance(entries, list) else []:
            at = parse_instant(entry.get("at")) if isinstance(entry, Mapping) else None
            if at is None or not since <= at <= now:
                continue
            ident = (str(rec.get("id")), str(entry.get("at")), str(entry.get("change")))
            if ident in seen:  # the occurrences of a recurring event share its history
                continue
            seen.add(ident)
            local = at.astimezone(zone)
            out.append(
                BriefChange(
                    at=at.astimezone(UTC),
                    at_label=f"{fmt_date(local.date())}, {local:%H:%M} {zone_abbr(local)}",
                    id=oneline(ident[0]),
                    title=oneline(text_of(rec, "title") or "") or oneline(ident[0]) or "(untitled)",
                    change=oneline(str(entry.get("change") or "changed")),
                    detail=_change_detail(rec, entry),
                )
            )
    return tuple(sorted(out, key=lambda c: (c.at, c.id, c.change)))


def build_brief(
    records: Sequence[Record],
    formats: Formats,
    *,
    now: datetime,
    zone: tzinfo,
    days: int = 7,
    since: datetime | None = None,
    past: Sequence[Record] | None = None,
    changed: Sequence[Record] | None = None,
) -> Brief:
    """What to watch in [now, now + days): the *records* that start (or, with an uncertain
    date, may start) in that window, grouped by day in the display *zone*, each with what is
    at stake (the previous meeting of its format among *past*, default *records*); then the
    schedule changes recorded since *since* (default: now - days) in the history of the
    *changed* records (default *past*). The caller passes every event of the store as
    *past* (filters must not hide the last round) and the filtered ones as *changed*."""
    if now.tzinfo is None or (since is not None and since.tzinfo is None):
        raise ValueError("now and since must be timezone-aware")
    if days < 1:
        raise ValueError("days must be at least 1")
    past = records if past is None else past
    changed = past if changed is None else changed
    now = now.astimezone(UTC)
    until = now + timedelta(days=days)
    since = (since or now - timedelta(days=days)).astimezone(UTC)
    chosen = [r for r in records if _in_window(r, zone, now, until)]
    groups: dict[date | None, list[BriefItem]] = {}
    # Within a day: all-day (and floating) events first, then by the instant.
    for rec in sorted(chosen, key=lambda r: (start_instant(r, zone) or now, *sort_key(r))):
        day, item = _item(rec, formats, past, zone, now)
        groups.setdefault(day, []).append(item)
    for items in groups.values():
        items.sort(key=lambda i: i.display_time is not None)  # stable: keeps the time order
    ordered = sorted(groups.items(), key=lambda g: (g[0] is None, g[0] or date.min))
    last = (until - timedelta(seconds=1)).astimezone(zone).date()
    return Brief(
        title=f"What to watch: {fmt_date(now.astimezone(zone).date())} – {fmt_date(last)}",
        now=now,
        until=until,
        since=since,
        zone=zone,
        days=days,
        groups=tuple(
            BriefDay(day, fmt_date(day) if day else "Date to be confirmed", tuple(items))
            for day, items in ordered
        ),
        changes=_changes(changed, zone, since, now),
    )


def _facts(brief: Brief, item: BriefItem) -> list[tuple[str, str]]:
    """(label, value) lines of one item, shared by the three renderings."""
    facts = [("At the venue", item.venue_time)]
    if item.display_time:
        shown = item.display_time  # "17:00 JST"; "17:00 UTC" in UTC says UTC once
        if shown.endswith(f" {brief.zone_name}"):
            shown = shown[: -len(brief.zone_name) - 1]
        facts.append((f"In {brief.zone_name}", shown))
    if item.countdown:
        facts.append(("Countdown", item.countdown))
    if item.place:
        facts.append(("Where", item.place))
    if item.stakes:
        facts.append(("At stake", item.stakes))
    return facts


def _heading(item: BriefItem) -> tuple[str, str]:
    """The title and its tag line: status, format, round."""
    extra = [item.status] if item.status not in ("scheduled", "held") else []
    rnd = f"round {item.round}" if item.round else ""
    if item.format_name and item.format_name.casefold() != item.title.casefold():
        extra.append(item.format_name + (f", {rnd}" if rnd else ""))
    elif rnd:  # no format, or the title already names it
        extra.append(rnd)
    return item.title, " · ".join(extra)


def _intro(brief: Brief) -> str:
    days = f"{brief.days} day{'' if brief.days == 1 else 's'}"
    events = f"{brief.count} event{'' if brief.count == 1 else 's'}"
    return (
        f"The next {days} from {stamp(brief.now, brief.zone)}; "
        f"times in {brief.zone_name}. {events}."
    )


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#!|~&^])")


def md(text: str) -> str:
    """*text* as literal CommonMark inline content: one line, every ASCII punctuation escaped
    where it could start markup (emphasis, links, raw HTML, entities, code)."""
    return _MD_SPECIAL.sub(r"\\\1", oneline(text))


def brief_markdown(brief: Brief) -> str:
    """The brief as CommonMark: data is escaped, never markup."""
    out = [f"# {md(brief.title)}", "", md(_intro(brief)), ""]
    if not brief.groups:
        out += ["Nothing scheduled in this window.", ""]
    for group in brief.groups:
        out += [f"## {md(group.label)}", ""]
        for item in group.items:
            title, tags = _heading(item)
            out.append(f"- **{md(title)}**" + (f" — {md(tags)}" if tags else ""))
            out += [f"  - {md(label)}: {md(value)}" for label, value in _facts(brief, item)]
        out.append("")
    out += [f"## Schedule changes since {md(stamp(brief.since, brief.zone))}", ""]
    if not brief.changes:
        out += ["No postponements or cancellations recorded.", ""]
    for ch in brief.changes:
        detail = f": {md(ch.detail)}" if ch.detail else ""
        out.append(f"- **{md(ch.title)}** {md(ch.change)}{detail} (recorded {md(ch.at_label)})")
    return "\n".join(out).rstrip("\n") + "\n"


def _wrap(text: str, first: str = "", rest: str = "", width: int = 72) -> list[str]:
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
    ) or [first.rstrip()]


def brief_text(brief: Brief, width: int = 72) -> str:
    """The brief as plain text for a mail body: wrapped at *width* columns, no controls."""
    top = _wrap(brief.title, width=width)
    out = [*top, "=" * max(len(x) for x in top), *_wrap(_intro(brief), width=width), ""]
    if not brief.groups:
        out += ["Nothing scheduled in this window.", ""]
    for group in brief.groups:
        out += [group.label, "-" * len(group.label)]
        for item in group.items:
            title, tags = _heading(item)
            out += _wrap(title + (f" ({tags})" if tags else ""), "* ", "  ", width)
            for label, value in _facts(brief, item):
                out += _wrap(f"{label}: {value}", "  ", "      ", width)
        out.append("")
    head = f"Schedule changes since {stamp(brief.since, brief.zone)}"
    out += _wrap(head, width=width)
    out.append("-" * min(len(head), width))
    if not brief.changes:
        out.append("No postponements or cancellations recorded.")
    for ch in brief.changes:
        line = f"{ch.title} {ch.change}" + (f": {ch.detail}" if ch.detail else "")
        out += _wrap(f"{line} (recorded {ch.at_label})", "* ", "  ", width)
    return "\n".join(out).rstrip("\n") + "\n"


def brief_html(brief: Brief, css: str) -> str:
    """A small self-contained HTML document (the page's CSS inlined, allowed by hash)."""
    from summit_cli.publish.page import csp

    def e(text: str) -> str:
        return html.escape(text, quote=True)

    body: list[str] = []
    for group in brief.groups:
        attr = f' datetime="{group.day.isoformat()}"' if group.day else ""
        body.append(f"<section><h2><time{attr}>{e(group.label)}</time></h2>")
        for item in group.items:
            title, tags = _heading(item)
            facts = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in _facts(brief, item))
            tag = f' <span class="fm">{e(tags)}</span>' if tags else ""
            body.append(
                f'<article class="ev" data-status="{e(item.status)}"><h3>{e(title)}</h3>{tag}'
                f'<dl class="card">{facts}</dl></article>'
            )
        body.append("</section>")
    if not brief.groups:
        body.append("<p>Nothing scheduled in this window.</p>")
    changes = "".join(
        f"<li><strong>{e(c.title)}</strong> {e(c.change)}"
        + (f": {e(c.detail)}" if c.detail else "")
        + f' <small>(recorded <time datetime="{c.at:%Y-%m-%dT%H:%M:%SZ}">{e(c.at_label)}'
        "</time>)</small></li>"
        for c in brief.changes
    )
    changes = f"<ul>{changes}</ul>" if changes else "<p>No postponements or cancellations.</p>"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{csp([css], [])}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="color-scheme" content="light dark">',
            '<link rel="icon" href="data:,">',
            f"<title>{e(brief.title)}</title>",
            f"<style>{css}</style></head>",
            f'<body><header><h1>{e(brief.title)}</h1><p class="meta">{e(_intro(brief))}</p>'
            "</header><main>",
            *body,
            f"<section><h2>Schedule changes since {e(stamp(brief.since, brief.zone))}</h2>"
            f"{changes}</section>",
            "</main></body></html>",
            "",
        ]
    )
