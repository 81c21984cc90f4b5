"""Machine formats as strings: JSON, JSON Lines, CSV, TSV and ids.

Each event becomes one record with every schema key (null or [] when unset),
plus computed keys. The key set and order are a contract documented in the
README and pinned by tests; add keys only at the end.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from summit_cli.query import Placed
from summit_cli.timeline import countdown

RECORD_KEYS: tuple[str, ...] = (
    "id",
    "title",
    "kind",
    "format",
    "round",
    "start",
    "end",
    "timezone",
    "venue",
    "city",
    "country",
    "participants",
    "status",
    "outcome",
    "sources",
    "tags",
    "notes",
    "all_day",
    "start_local",
    "end_local",
    "start_utc",
    "end_utc",
)
COUNTDOWN_KEYS: tuple[str, ...] = ("phase", "starts_in_seconds", "countdown")
LIST_SEPARATOR = ";"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def record(item: Placed, now: datetime | None = None) -> dict[str, Any]:
    """One event as a JSON-ready mapping (countdown keys when *now* is given)."""
    event, span = item.event, item.span
    data = event.to_plain()
    data["all_day"] = span.all_day
    known = not span.floating
    data["start_local"] = span.start.isoformat() if known else None
    data["end_local"] = span.end.isoformat() if known and not span.point else None
    data["start_utc"] = _utc(span.start) if known else None
    data["end_utc"] = _utc(span.end) if known and not span.point else None
    if now is not None:
        count = countdown(span, now)
        data["phase"] = count.phase.value
        data["starts_in_seconds"] = count.seconds
        data["countdown"] = count.text
    return data


def to_json(records: Sequence[dict[str, Any]]) -> str:
    return json.dumps(list(records), ensure_ascii=False, indent=2) + "\n"


def to_jsonl(records: Sequence[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
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
