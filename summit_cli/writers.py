"""Every machine format summits writes: JSON, JSON Lines, YAML, CSV, TSV and ids.

One escaping policy (``safetext``) for all of them: JSON and YAML write unsafe
characters as their own escapes (the data is exact); CSV and TSV cells use the
reversible backslash escape (``cells``), and CSV cells that start like a
formula are neutralised (CWE-1236). No raw ESC, C1 or bidi byte leaves here.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from summit_cli.cells import join_list
from summit_cli.safetext import escape_cell, json_escape, pattern

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def json_text(value: Any, *, indent: int | None = None) -> str:
    """One value as JSON with the policy's escapes."""
    import json

    return json_escape(json.dumps(value, ensure_ascii=False, indent=indent))


def to_json(records: Sequence[dict[str, Any]]) -> str:
    """One JSON array, one record per line (compact records: fast for 100,000 of them).

    Pipe it through ``jq .`` for an indented view.
    """
    if not records:
        return "[]\n"
    return "[\n" + ",\n".join(json_text(r) for r in records) + "\n]\n"


def to_jsonl(records: Sequence[dict[str, Any]]) -> str:
    return "".join(json_text(r) + "\n" for r in records)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        # Structured lists (history) as JSON: unambiguous, and CSV import reads them back.
        return escape_cell(json_text_compact(value))
    if isinstance(value, list):
        return join_list([str(v) for v in value])
    if isinstance(value, dict):  # the unknown keys (extra): {} is no data
        return escape_cell(json_text_compact(value)) if value else ""
    return escape_cell(str(value))


def json_text_compact(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


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


def _tsv_cell(value: Any) -> str:
    text = _cell(value)
    return text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def to_tsv(records: Sequence[dict[str, Any]], keys: Sequence[str]) -> str:
    lines = ["\t".join(keys)]
    lines += ["\t".join(_tsv_cell(data.get(k)) for k in keys) for data in records]
    return "\n".join(lines) + "\n"


def to_ids(records: Sequence[dict[str, Any]]) -> str:
    return "".join(f"{escape_cell(str(r['id']))}\n" for r in records)


def to_yaml(records: Sequence[dict[str, Any]]) -> str:
    """A YAML list of records, through ruamel's emitter, block style throughout.

    Strings that a YAML 1.1 reader could misread, or that hold unsafe
    characters, are double-quoted; unsafe characters the emitter would leave
    raw inside double quotes are then written as ``\\u`` escapes.
    """
    from summit_cli.store import yamltree

    if not records:
        return "[]\n"
    text = yamltree.dump(yamltree.to_node([dict(r) for r in records], flow=False))
    return pattern("json").sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def store_diff(before: Any, after: Any) -> str:
    """A unified diff, record by record, of what a write would change (for --dry-run)."""
    import difflib

    def lines(data: dict[str, Any] | None) -> list[str]:
        if data is None:
            return []
        out = []
        for key, value in data.items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                for index, item in enumerate(value):
                    out += [f"{key}[{index}].{k}: {json_text(v)}" for k, v in item.items()]
            else:
                out.append(f"{key}: {json_text(value)}")
        return [line + "\n" for line in out]

    chunks: list[str] = []
    pairs = [
        (f"formats/{key}", before.formats.get(key), after.formats.get(key))
        for key in [*before.formats, *(k for k in after.formats if k not in before.formats)]
    ]
    old_events = {e.id: e for e in before.events}
    new_events = {e.id: e for e in after.events}
    pairs += [
        (f"events/{event_id}", old_events.get(event_id), new_events.get(event_id))
        for event_id in [*old_events, *(i for i in new_events if i not in old_events)]
    ]
    for name, old, new in pairs:
        a = old.to_stored() if old is not None else None
        b = new.to_stored() if new is not None else None
        if a != b:
            chunks += difflib.unified_diff(lines(a), lines(b), f"a/{name}", f"b/{name}")
    return "".join(chunks) if chunks else "(no change)\n"
