"""The event record: what every machine format and --fields/--template/--field show.

Each event becomes one record with every schema key (null or [] when unset),
plus computed keys. The key set and order are a contract documented in
docs/scripting.md and pinned by tests; keys are only ever added at the end.
Nothing here reads the clock: "now" is passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from summit_cli.errors import InvalidInput
from summit_cli.model import EVENT_KEYS, LINK_KEYS, RECURRENCE_KEYS
from summit_cli.query import FormatSummary, Placed
from summit_cli.safetext import visible
from summit_cli.timeline import countdown

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

# The store keys published first (issue 3): id ... history.
_FIRST_KEYS = EVENT_KEYS[: EVENT_KEYS.index("history") + 1]

RECORD_KEYS: tuple[str, ...] = (
    *_FIRST_KEYS,
    "all_day",
    "start_local",
    "end_local",
    "start_utc",
    "end_utc",
    "phase",
    "starts_in_seconds",
    "countdown",
    # Added with recurrence (issue 4), at the end as the contract requires.
    "rrule",
    "exdates",
    "occurrence",
    # Added with extra dates, changed occurrences and unknown keys (issue 13).
    "rdates",
    "overrides",
    "extra",
    # Added with rough dates and links (issue 16).
    "precision",
    "latest_start_utc",
    *LINK_KEYS,
)

# What each record key means: printed by `summits fields`, used for --fields and --template.
FIELD_DOCS: dict[str, str] = {
    "id": "unique id ([a-z0-9][a-z0-9-]*)",
    "title": "what the meeting is called",
    "kind": "summit, call, virtual-summit, talks, round, council, ministerial, "
    "working-dinner or other",
    "format": "negotiation format key (e.g. geneva) or null",
    "round": "round number within the format, or null",
    "start": "start as stored: local wall time YYYY-MM-DD[THH:MM[:SS]][offset], or a rough date "
    "(2022-01, 2022-01-late, 2022-W03, 2022-Q1, 2022-H1, 2022, tbd)",
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
    "phase": "upcoming, ongoing or past, at now; overdue: a rough date whose window has passed "
    "with no date set",
    "starts_in_seconds": "start minus now in seconds (negative once started); null when no date "
    "is set (tbd)",
    "countdown": "the countdown as text: 'in 9 days', 'ongoing, day 2 of 2', '3 days ago'",
    "rrule": "RFC 5545 recurrence rule of a series (e.g. FREQ=WEEKLY;BYDAY=TH), or null",
    "exdates": "list of dates (at the venue) whose occurrence of the series is skipped",
    "occurrence": "date at the venue of this occurrence of a recurring event, else null",
    "rdates": "list of extra occurrences of the series: their starts at the venue",
    "overrides": "list of changed occurrences: {of (the occurrence's date), start, end, "
    "status, title}",
    "extra": "the keys the store holds that summits does not know, with their values "
    "(an object; {} when none)",
    "precision": "how well the start is known: time or day (exact), week, third (early, mid "
    "or late in a month), month, quarter, half, year, or tbd (no date yet)",
    "latest_start_utc": "the latest the start can be, in UTC: start_utc for an exact date, the "
    "start of the last day of a rough date's window; null when floating or tbd",
    "follows": "id of the event this one comes after (round 4 after round 3), or null",
    "agreed_at": "id of the meeting or call where this event was agreed, or null",
    "part_of": "id of the summit or round this event is a session of, or null",
}


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def record(item: Placed, now: datetime) -> dict[str, Any]:
    """One event as a JSON-ready mapping with every key of RECORD_KEYS, in order."""
    event, span = item.event, item.span
    data = event.to_plain()
    later = {key: data.pop(key) for key in (*RECURRENCE_KEYS, *LINK_KEYS)}
    data["all_day"] = span.all_day
    known = not span.floating and not span.tbd
    # At the venue: with the venue zone's offset, whatever offset the start was typed with.
    data["start_local"] = span.start.astimezone(span.zone).isoformat() if known else None
    data["end_local"] = (
        span.end.astimezone(span.zone).isoformat() if known and not span.point else None
    )
    data["start_utc"] = _utc(span.start) if known else None
    data["end_utc"] = _utc(span.end) if known and not span.point else None
    count = countdown(span, now)
    data["phase"] = count.phase.value
    data["starts_in_seconds"] = count.seconds
    data["countdown"] = count.text
    data["rrule"], data["exdates"] = later["rrule"], later["exdates"]
    data["occurrence"] = item.occurrence.isoformat() if item.occurrence else None
    data["rdates"], data["overrides"] = later["rdates"], later["overrides"]
    data["extra"] = event.extra_plain()
    data["precision"] = span.precision or ("day" if span.all_day else "time")
    latest = span.latest if span.latest is not None else span.start
    data["latest_start_utc"] = _utc(latest) if known else None
    for key in LINK_KEYS:
        data[key] = later[key]
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
    """One template line; each value is shown safely (controls and line breaks as escapes)."""
    out = []
    for literal, field, spec in parts:
        out.append(literal)
        if field is not None:
            text = visible(human(data.get(field)))
            try:
                out.append(format(text, spec))
            except ValueError as exc:
                raise InvalidInput(f"bad --template format spec {spec!r}: {exc}") from None
    return "".join(out)


FORMAT_RECORD_KEYS = (
    "key",
    "name",
    "description",
    "timezone",
    "events",
    "held",
    "first_id",
    "first_start",
    "last_id",
    "last_start",
    "next_id",
    "next_start",
    "next_starts_in_seconds",
    "next_countdown",
    "meets",
)


def format_record(summary: FormatSummary, now: datetime) -> dict[str, Any]:
    """One negotiation format at a glance, as a record (``summits formats --output json``)."""
    data: dict[str, Any] = summary.format.to_plain()
    data["events"] = summary.count
    data["held"] = summary.held
    for label, item in (("first", summary.first), ("last", summary.last), ("next", summary.next)):
        data[f"{label}_id"] = item.event.id if item else None
        data[f"{label}_start"] = item.event.start.isoformat() if item else None
    count = countdown(summary.next.span, now) if summary.next else None
    data["next_starts_in_seconds"] = count.seconds if count else None
    data["next_countdown"] = count.text if count else None
    data["meets"] = data.pop("meets")  # added after the others: keys only ever go at the end
    data["id"] = summary.format.key  # for --output ids
    return data


def field_value(item: Placed, now: datetime, field: str) -> str:
    """One field of an event as people read it (``next --field``), shown safely."""
    return visible(human(record(item, now)[field]))
