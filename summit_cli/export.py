"""Machine formats as strings: JSON, JSON Lines, CSV, TSV and ids.

Each event becomes one record with every schema key (null or [] when unset),
plus computed keys. The key set and order are a contract documented in the
README and pinned by tests; add keys only at the end.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import UTC, datetime

from summit_cli.errors import InvalidInput
from summit_cli.model import EVENT_KEYS, RECURRENCE_KEYS, Store
from summit_cli.query import Placed
from summit_cli.timeline import countdown

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

RECORD_KEYS: tuple[str, ...] = (
    *(k for k in EVENT_KEYS if k not in RECURRENCE_KEYS),
    "all_day",
    "start_local",
    "end_local",
    "start_utc",
    "end_utc",
    "phase",
    "starts_in_seconds",
    "countdown",
    # Added with recurrence (issue 4), at the end as the contract requires.
    *RECURRENCE_KEYS,
    "occurrence",
)

# What each record key means: printed by `summits fields`, used for --fields and --template.
FIELD_DOCS: dict[str, str] = {
    "id": "unique id ([a-z0-9][a-z0-9-]*)",
    "title": "what the meeting is called",
    "kind": "summit, call, virtual-summit, talks, round, council, ministerial, "
    "working-dinner or other",
    "format": "negotiation format key (e.g. geneva) or null",
    "round": "round number within the format, or null",
    "start": "start as stored: local wall time YYYY-MM-DD[THH:MM[:SS]][offset]",
    "end": "end as stored (a date-only end is inclusive), or null",
    "timezone": "IANA zone of the venue, or null (floating)",
    "venue": "building or place",
    "city": "city",
    "country": "country",
    "participants": "list of parties or people",
    "status": "scheduled, held, postponed or cancelled",
    "outcome": "outcome text",
    "sources": "list of URLs or citations",
    "tags": "list of tags",
    "notes": "free text",
    "history": "list of changes: {at, change, status_before, start_before, end_before, reason}",
    "all_day": "true when the start is a date without a time",
    "start_local": "start instant, ISO 8601 with the venue's offset (null when floating)",
    "end_local": "end instant (exclusive), ISO 8601 with the venue's offset, or null",
    "start_utc": "start instant in UTC, ISO 8601 with Z (null when floating)",
    "end_utc": "end instant in UTC, or null",
    "phase": "upcoming, ongoing or past, at now",
    "starts_in_seconds": "start minus now in seconds (negative once started)",
    "countdown": "the countdown as text: 'in 9 days', 'ongoing, day 2 of 2', '3 days ago'",
    "rrule": "RFC 5545 recurrence rule of a series (e.g. FREQ=WEEKLY;BYDAY=TH), or null",
    "exdates": "list of dates (at the venue) whose occurrence of the series is skipped",
    "occurrence": "date at the venue of this occurrence of a recurring event, else null",
}

LIST_SEPARATOR = ";"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def record(item: Placed, now: datetime) -> dict[str, Any]:
    """One event as a JSON-ready mapping with every key of RECORD_KEYS, in order."""
    event, span = item.event, item.span
    data = event.to_plain()
    recurrence = {key: data.pop(key) for key in RECURRENCE_KEYS}
    data["all_day"] = span.all_day
    known = not span.floating
    data["start_local"] = span.start.isoformat() if known else None
    data["end_local"] = span.end.isoformat() if known and not span.point else None
    data["start_utc"] = _utc(span.start) if known else None
    data["end_utc"] = _utc(span.end) if known and not span.point else None
    count = countdown(span, now)
    data["phase"] = count.phase.value
    data["starts_in_seconds"] = count.seconds
    data["countdown"] = count.text
    data.update(recurrence)
    data["occurrence"] = item.occurrence.isoformat() if item.occurrence else None
    return data


def check_fields(fields: Sequence[str], valid: Sequence[str]) -> list[str]:
    """Validate a --fields list; unknown names are a usage error listing the valid ones."""
    unknown = [f for f in fields if f not in valid]
    if unknown:
        raise InvalidInput(
            f"unknown field {unknown[0]!r}; valid fields: {', '.join(valid)} (see: summits fields)"
        )
    if not fields:
        raise InvalidInput("--fields needs at least one field name")
    return list(fields)


def parse_fields(text: str, valid: Sequence[str]) -> list[str]:
    return check_fields([f.strip() for f in text.split(",") if f.strip()], valid)


def select(records: Sequence[dict[str, Any]], keys: Sequence[str]) -> list[dict[str, Any]]:
    """The records with only *keys*, in that order."""
    if tuple(keys) == RECORD_KEYS:
        return list(records)  # already exactly that
    return [{k: r.get(k) for k in keys} for r in records]


def human(value: Any) -> str:
    """A value as people read it in a table or a template: lists joined with ', '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(human(v) for v in value)
    if isinstance(value, dict):
        return " ".join(f"{k}={human(v)}" for k, v in value.items())
    return str(value)


def compile_template(template: str, valid: Sequence[str]) -> list[tuple[str, str | None, str]]:
    """Check a --template such as '{start_local} {title:<30}' -> (literal, field, spec) parts.

    Only plain field names are allowed (no attribute or index access, no
    conversions), so a template cannot reach into Python objects.
    """
    from string import Formatter

    parts: list[tuple[str, str | None, str]] = []
    try:
        parsed = list(Formatter().parse(template))
    except ValueError as exc:
        raise InvalidInput(f"bad --template {template!r}: {exc}") from None
    for literal, field, spec, conversion in parsed:
        if field is None:
            parts.append((literal, None, ""))
            continue
        if conversion or field not in valid:
            raise InvalidInput(
                f"bad --template field {{{field}}}: use plain field names, one of: "
                f"{', '.join(valid)} (see: summits fields)"
            )
        if spec and "{" in spec:
            raise InvalidInput(f"bad --template format spec {spec!r}")
        parts.append((literal, field, spec or ""))
    return parts


def fill_template(parts: list[tuple[str, str | None, str]], data: dict[str, Any]) -> str:
    out = []
    for literal, field, spec in parts:
        out.append(literal)
        if field is not None:
            text = human(data.get(field))
            try:
                out.append(format(text, spec))
            except ValueError as exc:
                raise InvalidInput(f"bad --template format spec {spec!r}: {exc}") from None
    return "".join(out)


# JSON escapes C0 controls itself; C1 controls, bidi overrides and line/paragraph
# separators are escaped too (\u009b...), so `summits ... -o json | cat` can't
# drive a terminal. The data is unchanged: any JSON reader gets the same string.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _json_escape(text: str) -> str:
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def to_json(records: Sequence[dict[str, Any]]) -> str:
    """One JSON array, one record per line (compact records: fast for 100,000 of them).

    Pipe it through ``jq .`` for an indented view.
    """
    import json

    if not records:
        return "[]\n"
    lines = ",\n".join(_json_escape(json.dumps(r, ensure_ascii=False)) for r in records)
    return "[\n" + lines + "\n]\n"


def to_jsonl(records: Sequence[dict[str, Any]]) -> str:
    import json

    return "".join(_json_escape(json.dumps(r, ensure_ascii=False)) + "\n" for r in records)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        import json

        # Structured lists (history) as JSON: unambiguous, and CSV import reads them back.
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, list):
        return LIST_SEPARATOR.join(
            str(v).replace("\\", "\\\\").replace(LIST_SEPARATOR, "\\" + LIST_SEPARATOR)
            for v in value
        )
    return str(value)


def neutralize(text: str) -> str:
    """Stop a spreadsheet from reading a cell as a formula (CWE-1236)."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def to_csv(records: Sequence[dict[str, Any]], keys: Sequence[str], *, safe: bool = True) -> str:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(keys)
    for data in records:
        row = []
        for key in keys:
            value = data.get(key)
            text = _cell(value)
            # Numbers are data, not formulas: only text cells are neutralised.
            row.append(neutralize(text) if safe and not isinstance(value, int) else text)
        writer.writerow(row)
    return out.getvalue()


def _tsv_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def to_tsv(records: Sequence[dict[str, Any]], keys: Sequence[str]) -> str:
    lines = ["\t".join(keys)]
    lines += ["\t".join(_tsv_escape(_cell(data.get(k))) for k in keys) for data in records]
    return "\n".join(lines) + "\n"


def to_ids(records: Sequence[dict[str, Any]]) -> str:
    return "".join(f"{r['id']}\n" for r in records)


def to_yaml(records: Sequence[dict[str, Any]]) -> str:
    """A YAML list of records (strings that a YAML 1.1 reader could misread are quoted)."""
    from summit_cli.store import yamltree

    if not records:
        return "[]\n"
    return yamltree.dump(yamltree.to_node([dict(r) for r in records], flow=False))


def _record_lines(data: dict[str, Any] | None) -> list[str]:
    import json

    if data is None:
        return []
    lines = []
    for key, value in data.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for index, item in enumerate(value):
                lines += [f"{key}[{index}].{k}: {v}" for k, v in item.items()]
        else:
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    return [line + "\n" for line in lines]


def store_diff(before: Store, after: Store) -> str:
    """A unified diff, record by record, of what a write would change."""
    import difflib

    chunks: list[str] = []
    old_formats, new_formats = before.formats, after.formats
    for key in [*old_formats, *(k for k in new_formats if k not in old_formats)]:
        a = old_formats[key].to_stored() if key in old_formats else None
        b = new_formats[key].to_stored() if key in new_formats else None
        if a != b:
            chunks += difflib.unified_diff(
                _record_lines(a), _record_lines(b), f"a/formats/{key}", f"b/formats/{key}"
            )
    old_events = {e.id: e for e in before.events}
    new_events = {e.id: e for e in after.events}
    for event_id in [*old_events, *(i for i in new_events if i not in old_events)]:
        a = old_events[event_id].to_stored() if event_id in old_events else None
        b = new_events[event_id].to_stored() if event_id in new_events else None
        if a != b:
            chunks += difflib.unified_diff(
                _record_lines(a), _record_lines(b), f"a/events/{event_id}", f"b/events/{event_id}"
            )
    return "".join(chunks) if chunks else "(no change)\n"
