"""The fields of a VEVENT: summits' own (``X-SUMMITS-*``, exact) or a calendar app's.

An event summits exported carries every stored field in ``X-SUMMITS-*`` properties
(percent-encoded where a character could be changed on the way, see ``xprops``);
an invitation from elsewhere has SUMMARY, LOCATION, DESCRIPTION, URL, CATEGORIES and
STATUS. Pure.
"""

from __future__ import annotations

import re
from typing import Any

from summit_cli import zones
from summit_cli.interop import xprops
from summit_cli.interop.ics.frame import Frame, Value
from summit_cli.interop.ics.lexer import Block, Prop
from summit_cli.interop.ics.times import X_LIST_KEYS, X_TEXT_KEYS, X, ics_times, same_value, x_name
from summit_cli.interop.ics.values import split_list, unescape_text
from summit_cli.model import EVENT_KEYS, Status, WallTime, parse_wall_time

_ESCAPE_RE = re.compile(r"\\([\\;,nN])")


def own_text(prop: Prop) -> str:
    """An X- property's exact text: percent-decoded when it says so (what summits writes),
    else with RFC 5545 TEXT escapes undone (what older summits and other programs wrote)."""
    if (prop.param(xprops.ENCODING_PARAM) or "").upper() == xprops.PERCENT:
        return xprops.decode(_ESCAPE_RE.sub(lambda m: m.group(1), prop.value))
    return unescape_text(prop.value)


def x_text(block: Block, key: str) -> str | None:
    prop = block.first(x_name(key))
    return own_text(prop) if prop is not None else None


def _text(block: Block, name: str) -> str | None:
    value = block.value(name)
    if value is None:
        return None
    text = unescape_text(value).strip()
    return text or None


def foreign_fields(block: Block, plain: dict[str, Any], method: str | None) -> None:
    """An invitation's fields: what ICS says. Of the status, an invitation says only whether
    the meeting is cancelled: when it is not, the record has no status (a new event is
    scheduled; a stored one keeps held or postponed, see ``Batch.uncancelled``)."""
    status = (block.value("STATUS") or "").strip().upper()
    if status == "CANCELLED" or method == "CANCEL":
        plain["status"] = Status.CANCELLED.value
    plain["venue"] = _text(block, "LOCATION")
    plain["notes"] = _text(block, "DESCRIPTION")
    url = _text(block, "URL")
    plain["sources"] = [url] if url else []
    tags: list[str] = []
    for prop in block.every("CATEGORIES"):
        tags += [unescape_text(item) for item in split_list(prop.value)]
    plain["tags"] = list(dict.fromkeys(t for t in tags if t))


def own_fields(block: Block, plain: dict[str, Any], where: str, repairs: list[str]) -> None:
    """summits' own fields from its X-SUMMITS-* properties."""
    from summit_cli.store.hardjson import parse_json

    for key in X_TEXT_KEYS:
        plain[key] = x_text(block, key)
    raw_round = x_text(block, "round")
    digits = raw_round is not None and raw_round.isascii() and raw_round.isdigit()
    plain["round"] = (
        int(raw_round) if raw_round is not None and digits and len(raw_round) < 10 else raw_round
    )
    for key, name in X_LIST_KEYS.items():
        plain[key] = [own_text(p) for p in block.every(X + name)]
    history = x_text(block, "history")
    if history:
        try:
            plain["history"] = parse_json(history, f"{where} X-SUMMITS-HISTORY")
        except Exception:
            repairs.append(f"{where}: X-SUMMITS-HISTORY is not JSON; left out")
    extra = x_text(block, "extra")  # the keys summits did not know, kept as they were
    if extra:
        try:
            keys = parse_json(extra, f"{where} X-SUMMITS-EXTRA")
        except Exception:
            keys = None
        if not isinstance(keys, dict):
            repairs.append(f"{where}: X-SUMMITS-EXTRA is not a JSON mapping; left out")
        else:
            plain.update({k: v for k, v in keys.items() if k not in EVENT_KEYS})


def own_times(
    block: Block,
    ours: bool,
    start: WallTime,
    end: WallTime | None,
    frame: Frame,
    dtstart: Value,
    dtend: Value | None,
) -> tuple[WallTime, WallTime | None, str | None]:
    """(start, end, timezone) to store: summits' exact stored form (X-SUMMITS-START, -END,
    -TIMEZONE) while it still describes DTSTART/DTEND (a calendar app may have moved the
    event), else what DTSTART/DTEND say."""
    zone_name = frame.iana
    if not ours:
        return start, end, zone_name
    x_start, x_end, x_zone = (x_text(block, k) for k in ("start", "end", "timezone"))
    if x_zone is not None and zone_name is None:
        zone_name = x_zone or None
        if zone_name is not None and not zones.is_zone_name(zone_name):
            zone_name = None
    if x_start is not None:
        try:
            wanted = parse_wall_time(x_start), (parse_wall_time(x_end) if x_end else None)
            want_start, want_end = ics_times(wanted[0], wanted[1], zone_name)
            if same_value(want_start, dtstart) and same_value(want_end, dtend):
                return wanted[0], wanted[1], zone_name
        except (ValueError, LookupError, OverflowError):
            pass
    if x_zone is not None and frame.iana is None and not start.date_only and start.offset is None:
        zone_name = None  # a floating time stays floating
    return start, end, zone_name
