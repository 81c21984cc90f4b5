"""The timeline page: one self-contained HTML5 file, server-rendered, scripts only add interaction.

Records are the dicts of ``summits list --output json``; unknown keys are ignored. Every
piece of data is shown through :func:`esc` (visible control/bidi escapes, then HTML
escaping). CSS and JS are inlined and allowed by the CSP through sha256 hashes, so the
output is byte-identical for the same input.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from urllib.parse import urlsplit

from summit_cli.publish.eventdata import (
    MONTHS,
    STATUSES,
    Formats,
    Record,
    When,
    fmt_date,
    format_name,
    is_uncertain,
    list_of,
    original_start,
    parse_instant,
    parse_wall,
    sort_key,
    text_of,
    uncertain_label,
    venue_when,
    visible,
    wall_text,
)

_URL = re.compile(
    r"https?://[^\s\x00-\x1f\x7f-\x9f<>\"'`\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+"
)


def esc(value: object, *, keep_newlines: bool = False) -> str:
    """HTML-escaped (quotes included) visible text of *value*."""
    return html.escape(visible(str(value), keep_newlines=keep_newlines), quote=True)


def read_asset(name: str) -> str:
    """A bundled asset (``page.css``, ``page.js``) of this package."""
    return resources.files("summit_cli.publish").joinpath(name).read_text(encoding="utf-8")


def csp_hash(block: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"


def csp(styles: Sequence[str], scripts: Sequence[str]) -> str:
    """A policy that forbids every external load; inline blocks are allowed by hash only."""
    style = " ".join(csp_hash(s) for s in styles) or "'none'"
    script = " ".join(csp_hash(s) for s in scripts) or "'none'"
    return (
        f"default-src 'none'; style-src {style}; script-src {script}; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


def json_for_script(data: object) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def source_html(source: str) -> str:
    """A link only for a plain http(s) URL; any other citation stays text."""
    if _URL.fullmatch(source) and urlsplit(source).netloc:
        return f'<a href="{esc(source)}" rel="noopener noreferrer">{esc(source)}</a>'
    return esc(source)


# --- the page ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Item:
    rec: Record
    ref: str  # the article's id in the page (see _anchors)
    when: When | None
    fmt: str | None


def _anchors(ordered: Sequence[Record]) -> list[str]:
    """The article ids: from the event's id and occurrence (``e-2022-01-10-geneva-ssd``,
    ``e-weekly--2022-01-13``), not from positions, so adding an event to the store changes
    its own lines of the page and no other article's. A clash (only hand-made records can
    have one) gets ``-2``, ``-3``... in page order."""
    used: set[str] = set()
    out = []
    for rec in ordered:
        ref = re.sub(r"[^a-z0-9-]+", "-", str(rec.get("id") or "").lower()).strip("-")[:100]
        occurrence = text_of(rec, "occurrence")
        if occurrence:
            ref += "--" + re.sub(r"[^a-z0-9-]+", "-", occurrence.lower()).strip("-")[:40]
        ref = "e-" + (ref or "event")
        unique, n = ref, 1
        while unique in used:
            n += 1
            unique = f"{ref}-{n}"
        used.add(unique)
        out.append(unique)
    return out


def _month(item: _Item) -> tuple[int, int]:
    day = item.when.day if item.when else date(9999, 12, 1)
    return day.year, day.month


def _when_html(item: _Item, now: datetime) -> str:
    rec, when = item.rec, item.when
    if is_uncertain(rec):
        label = esc(uncertain_label(rec))
        return (
            f'<time class="vt" datetime="{esc(when.machine[:7])}">{label}</time>'
            if when
            else f'<span class="vt">{label}</span>'
        )
    if when is None:
        return f'<span class="vt">{esc(text_of(rec, "start") or "date unknown")}</span>'
    out = f'<time class="vt" datetime="{esc(when.machine)}">{esc(when.text)}</time>'
    moved = original_start(rec)
    if moved:
        wall = parse_wall(moved)
        attr = f' datetime="{wall[0].isoformat()}"' if wall else ""
        out = f'<del title="original date"><time{attr}>{esc(wall_text(moved))}</time></del> ' + out
    utc = parse_instant(rec.get("start_utc"))
    if utc is not None and when.clock is not None:
        utc = utc.astimezone(UTC)
        stamp = utc.strftime("%Y-%m-%dT%H:%M:%SZ")
        day = "" if utc.date() == when.day else fmt_date(utc.date()) + ", "
        out += f' <time class="rt" datetime="{stamp}">({day}{utc:%H:%M} UTC)</time>'
    upcoming = utc is not None and utc > now and rec.get("status") != "cancelled"
    countdown = text_of(rec, "countdown")
    if upcoming and utc is not None:
        end = parse_instant(rec.get("end_utc"))
        end_attr = f' data-end="{end.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"' if end else ""
        out += f' <span class="cd"{end_attr}>{esc(countdown or "")}</span>'
    return out


def _card(rec: Record) -> str:
    rows: list[str] = []

    def row(label: str, value: str, cls: str = "") -> None:
        rows.append(f"<dt>{label}<dd{cls}>{value}")  # end tags of dt/dd/li are optional

    where = [text_of(rec, key) for key in ("venue", "city", "country")]
    if any(where):
        row("Where", esc(", ".join(w for w in where if w)))
    people = list_of(rec, "participants")
    if people:
        row("Participants", esc(", ".join(people)), ' class="q"')
    for key, label in (("outcome", "Outcome"), ("notes", "Notes")):
        if text_of(rec, key):
            row(label, esc(text_of(rec, key), keep_newlines=True), ' class="q"')
    if list_of(rec, "tags"):
        row("Tags", esc(", ".join(list_of(rec, "tags"))))
    if text_of(rec, "rrule"):
        row("Repeats", esc(text_of(rec, "rrule")))
    sources = list_of(rec, "sources")
    if sources:
        links = "".join(f"<li>{source_html(s)}" for s in sources)
        row("Sources", f"<ul>{links}</ul>" if len(sources) > 1 else source_html(sources[0]))
    return (
        '<dl class="card">' + "".join(rows) + "</dl>" if rows else '<p class="card">No details.</p>'
    )


def _article(item: _Item, formats: Formats, now: datetime) -> str:
    rec = item.rec
    status = text_of(rec, "status") or "scheduled"
    attrs = f'id="{item.ref}" data-id="{esc(rec.get("id") or "")}"'
    if text_of(rec, "occurrence"):
        attrs += f' data-occurrence="{esc(text_of(rec, "occurrence"))}"'
    utc = parse_instant(rec.get("start_utc"))
    start = f"{utc.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}" if utc else ""
    attrs += f' data-start-utc="{start}" data-format="{esc(item.fmt or "")}"'
    attrs += f' data-status="{esc(status)}"'
    cls = ' class="unc"' if is_uncertain(rec) else ""
    badges = f'<span class="st">{esc(status)}</span>'
    if item.fmt:
        badges += f' <span class="fm">{esc(format_name(formats, item.fmt))}</span>'
    if text_of(rec, "round"):
        badges += f' <span class="rd">round {esc(text_of(rec, "round"))}</span>'
    title = esc(text_of(rec, "title") or rec.get("id") or "(untitled)")
    return (
        f"<article{cls} {attrs}><details><summary><h3>{title}</h3> {badges}"
        f"<br>{_when_html(item, now)}</summary>{_card(rec)}</details></article>"
    )


def _timeline(items: list[_Item], formats: Formats, now: datetime) -> str:
    months: dict[tuple[int, int], list[_Item]] = {}
    for item in items:
        months.setdefault(_month(item), []).append(item)
    out = ['<section id="timeline" class="view" aria-label="Timeline by month">']
    for (year, month), group in sorted(months.items()):
        key = f"{year:04d}-{month:02d}"
        label = f'<time datetime="{key}">{_mon((year, month))}</time>'
        out.append(
            f'<section class="month" aria-labelledby="m{key}"><h2 id="m{key}">'
            f"{label if year < 9999 else 'Date unknown'}</h2>"
        )
        out.extend(_article(item, formats, now) for item in group)
        out.append("</section>")
    out.append("</section>")
    return "\n".join(out)


def _columns(items: list[_Item]) -> list[tuple[int, int] | int]:
    """Months from first to last; a run of 3+ empty months collapses to its length (an int)."""
    used = sorted({_month(i) for i in items if i.when})
    cols: list[tuple[int, int] | int] = []
    for prev, cur in zip([None, *used], used, strict=False):
        if prev is not None:
            gap = (cur[0] - prev[0]) * 12 + cur[1] - prev[1] - 1
            fill = [
                ((prev[0] * 12 + prev[1] + k) // 12, (prev[0] * 12 + prev[1] + k) % 12 + 1)
                for k in range(gap)
            ]
            cols.extend([gap] if gap >= 3 else fill)
        cols.append(cur)
    return cols


def _chip(item: _Item, gap: str) -> str:
    rec, when = item.rec, item.when
    status = text_of(rec, "status") or "scheduled"
    day = f"{when.day.day} {MONTHS[when.day.month - 1]}" if when else "?"
    if is_uncertain(rec):
        day = uncertain_label(rec).replace(" (date tbc)", "?")
    moved = original_start(rec)
    wall = parse_wall(moved) if moved else None
    old = f"<del>{wall[0].day} {MONTHS[wall[0].month - 1]}</del> " if wall else ""
    rnd = text_of(rec, "round")
    label = f"<b>R{esc(rnd)}</b> " if rnd else ""
    flag = f" <em>{esc(status)}</em>" if status in ("cancelled", "postponed") else ""
    title = visible(text_of(rec, "title") or str(rec.get("id") or ""))
    title = title if len(title) <= 32 else title[:30].rstrip() + "…"
    cls = "s-" + re.sub(r"[^a-z]", "", status) + (" unc" if is_uncertain(rec) else "")
    return (
        f'<li>{gap}<a class="{cls}" href="#{item.ref}">'
        f"{label}{old}{esc(day)}{flag} <span>{html.escape(title, quote=True)}</span></a>"
    )


def _gap(days: int) -> str:
    return "same day" if days == 0 else f"+{days} day{'' if days == 1 else 's'}"


def _mon(month: tuple[int, int]) -> str:
    return f"{MONTHS[month[1] - 1]} {month[0]}"


def _lanes(items: list[_Item], formats: Formats) -> str:
    nl = "\n"  # a line per row and per meeting: a change to the store is a small diff
    keys: list[str | None] = [*formats]
    keys += sorted({i.fmt for i in items if i.fmt and i.fmt not in formats})
    keys.append(None)
    cols = _columns(items)
    head = "".join(
        f'<th scope="col" class="skip">{c} quiet months</th>'
        if isinstance(c, int)
        else f'<th scope="col"><time datetime="{c[0]:04d}-{c[1]:02d}">{_mon(c)}</time></th>'
        for c in cols
    )
    rows = []
    for key in keys:
        lane = [i for i in items if i.fmt == key]
        if key is None and not lane:
            continue
        cells: dict[tuple[int, int], list[str]] = {}
        prev: date | None = None
        for item in lane:
            gap = ""
            if item.when and item.rec.get("status") != "cancelled":
                if prev is not None:
                    days = (item.when.day - prev).days
                    gap = f"<small>{_gap(days)}</small>"
                prev = item.when.day
            cells.setdefault(_month(item), []).append(_chip(item, gap))
        spec = formats.get(key) if key else None
        zone = spec.get("timezone") if isinstance(spec, Mapping) else None
        sub = f"<small>{esc(zone)}</small>" if zone else ""
        tds = "".join(
            '<td class="skip"></td>'
            if isinstance(c, int)
            else (f"<td><ol>{nl.join(cells[c])}</ol></td>" if c in cells else "<td></td>")
            for c in cols
        )
        rows.append(
            f'<tr data-format="{esc(key or "")}"><th scope="row">'
            f"{esc(format_name(formats, key))}{sub}</th>{tds}</tr>"
        )
    undated = [i for i in items if not i.when]
    extra = (
        f"<p>{len(undated)} event(s) without a readable date are in the timeline.</p>"
        if undated
        else ""
    )
    return (
        '<section id="lanes" class="view" aria-labelledby="lanes-h"><h2 id="lanes-h">'
        'By negotiation format</h2><div class="scroll"><table class="lanes"><thead><tr>'
        f'<th scope="col">Format</th>{head}</tr></thead><tbody>{nl}{nl.join(rows)}</tbody></table>'
        f"</div>{extra}</section>"
    )


def _controls(items: list[_Item], formats: Formats) -> str:
    keys = [*formats, *sorted({i.fmt for i in items if i.fmt and i.fmt not in formats})]
    fmt_opts = "".join(
        f'<option value="{esc(k)}">{esc(format_name(formats, k))}</option>' for k in keys
    )
    statuses = [*STATUSES, *sorted({str(i.rec.get("status")) for i in items} - {*STATUSES})]
    st_opts = "".join(
        f'<option value="{esc(s)}">{esc(s)}</option>' for s in statuses if s != "None"
    )
    return (
        '<form id="controls" class="controls" role="search" hidden>'
        '<div role="group" aria-label="View"><button type="button" data-view="timeline" '
        'aria-pressed="true">Timeline</button> <button type="button" data-view="lanes" '
        'aria-pressed="false">By format</button></div>'
        '<label>Format <select id="f-format"><option value="">All formats</option>'
        f'{fmt_opts}<option value="-">No format</option></select></label> '
        '<label>Status <select id="f-status"><option value="">Any status</option>'
        f"{st_opts}</select></label> "
        '<label>Search <input type="search" id="f-q" autocomplete="off" '
        'placeholder="title, notes, outcome, people"></label> '
        '<button type="button" id="f-clear">Clear</button> '
        f'<output id="f-count" aria-live="polite">{len(items)} events</output></form>'
    )


def render_page(
    records: Sequence[Record],
    formats: Formats,
    *,
    title: str,
    now: datetime,
    generated_by: str,
) -> str:
    """The whole HTML page for *records*, deterministic for the same input."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)
    ordered = sorted(records, key=sort_key)
    items = [
        _Item(rec, ref, venue_when(rec), text_of(rec, "format"))
        for rec, ref in zip(ordered, _anchors(ordered), strict=True)
    ]
    css, js = read_asset("page.css"), read_asset("page.js")
    config = json_for_script({"count": len(items), "now": f"{now:%Y-%m-%dT%H:%M:%SZ}"})
    stamp = (
        f'<time datetime="{now:%Y-%m-%dT%H:%M:%SZ}">{fmt_date(now.date())}, {now:%H:%M} UTC</time>'
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{csp([css], [js])}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="color-scheme" content="light dark">',
            '<meta name="referrer" content="no-referrer">',
            f'<meta name="generator" content="{esc(generated_by)}">',
            '<link rel="icon" href="data:,">',
            f"<title>{esc(title)}</title>",
            f"<style>{css}</style></head>",
            "<body><header>",
            f"<h1>{esc(title)}</h1>",
            f'<p class="meta">{len(items)} events · generated {stamp}<span id="age"></span> '
            f"by {esc(generated_by)}. "
            "Times are shown at the venue and in your zone (UTC when scripts are off).</p>",
            _controls(items, formats),
            "</header><main>",
            _timeline(items, formats, now),
            _lanes(items, formats),
            '</main><dialog id="card-dialog" aria-label="Event details"><div class="dlg"></div>'
            '<button type="button" class="close">Close</button></dialog>',
            f'<script type="application/json" id="summits-data">{config}</script>',
            f"<script>{js}</script>",
            "</body></html>",
            "",
        ]
    )
