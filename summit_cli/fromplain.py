"""Plain data (what the JSON and YAML parsers give) to the model, with every problem found.

Each problem is reported with where it is ("events[3] (id x)", "formats.geneva"),
so a file with many mistakes gets them all in one go. Nothing here reads files,
the clock or the environment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from summit_cli.errors import Problem
from summit_cli.fromplain_series import extra_from_plain, series_from_plain
from summit_cli.ids import generate_id
from summit_cli.links import link_problems
from summit_cli.model import (
    CHANGE_KEYS,
    KINDS,
    LINK_KEYS,
    SLUG_RE,
    STATUSES,
    STORE_VERSION,
    TEXT_KEYS,
    Change,
    Event,
    Format,
    Status,
    Store,
    meets_id,
)
from summit_cli.plaincheck import Collector, shown, text_list, text_value, type_name, wall_value
from summit_cli.zones import is_zone_name

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any


def format_from_plain(key: Any, raw: Any, out: Collector) -> Format | None:
    where = f"formats.{key}"
    if not isinstance(key, str) or not SLUG_RE.match(key):
        out.add("formats", f"format key {shown(key)} must match [a-z0-9][a-z0-9-]*")
        return None
    if not isinstance(raw, Mapping):
        out.add(where, f"must be a mapping with a name, not {type_name(raw)}")
        return None
    name = text_value(raw, "name", where, out, required=True, max_len=500)
    description = text_value(raw, "description", where, out)
    tz = text_value(raw, "timezone", where, out, max_len=100)
    if tz is not None and not is_zone_name(tz):
        out.add(where, f"timezone {shown(tz)} is not an IANA time zone name")
        tz = None
    if name is None:
        return None
    meets = _meets(key, name, tz, raw.get("meets"), where, out)
    return Format(key, name, description, tz, meets)


def _meets(
    key: str, name: str, tz: str | None, raw: Any, where: str, out: Collector
) -> Event | None:
    """A format's regular meetings: a recurring event with the format's defaults."""
    if raw is None:
        return None
    where = f"{where}.meets"
    if not isinstance(raw, Mapping):
        out.add(where, f"must be a mapping with start and rrule, not {type_name(raw)}")
        return None
    if not raw.get("rrule"):
        out.add(where, "needs an rrule (the format's regular meetings repeat)")
        return None
    unknown = sorted(str(k) for k in raw if k in {"id", "format"})
    if unknown:
        out.add(where, f"{', '.join(unknown)} cannot be set here (implied by the format)")
        return None
    plain = {"title": name, "timezone": tz, **dict(raw), "id": meets_id(key), "format": key}
    return event_from_plain(plain, where, {key: Format(key, name)}, out)


def event_from_plain(
    raw: Any, where: str, formats: Mapping[str, Format], out: Collector
) -> Event | None:
    """Build an Event from a parsed mapping, adding every problem to *out*."""
    if not isinstance(raw, Mapping):
        out.add(where, f"an event must be a mapping, not {type_name(raw)}")
        return None
    before = len(out.problems)
    event_id = raw.get("id")
    if event_id is not None:
        if not isinstance(event_id, str) or not SLUG_RE.match(event_id):
            out.add(
                where,
                f"id {shown(event_id)} must match [a-z0-9][a-z0-9-]* (at most 100 characters)",
            )
        else:
            where = f"{where} (id {event_id})"
    title = text_value(raw, "title", where, out, required=True, max_len=1000)
    kind = raw.get("kind", "other")
    if kind is None:
        kind = "other"
    if kind not in KINDS:
        out.add(where, f"kind {shown(kind)} is not one of: {', '.join(KINDS)}")
    fmt = raw.get("format")
    if fmt is not None:
        if not isinstance(fmt, str):
            out.add(where, f"format must be a string, not {type_name(fmt)}")
        elif fmt not in formats:
            known = ", ".join(formats) or "none defined"
            out.add(where, f"format {shown(fmt)} is not defined under formats (known: {known})")
    rnd = raw.get("round")
    if rnd is not None and (isinstance(rnd, bool) or not isinstance(rnd, int) or rnd < 1):
        out.add(where, f"round must be a positive whole number, not {shown(rnd)}")
    start = wall_value(raw, "start", where, out, required=True)
    end = wall_value(raw, "end", where, out)
    tz = raw.get("timezone")
    if tz is not None and (not isinstance(tz, str) or not is_zone_name(tz)):
        out.add(where, f"timezone {shown(tz)} is not an IANA time zone name (e.g. Europe/Zurich)")
    status = raw.get("status", "scheduled")
    if status is None:
        status = "scheduled"
    if status not in STATUSES:
        out.add(where, f"status {shown(status)} is not one of: {', '.join(STATUSES)}")
    texts = {key: text_value(raw, key, where, out) for key in TEXT_KEYS if key != "title"}
    lists = {key: text_list(raw, key, where, out) for key in ("participants", "sources", "tags")}
    history = _history(raw.get("history"), where, out)
    series = series_from_plain(raw, where, out)
    if start is not None and start.rough and raw.get("rrule") is not None:
        out.add(where, f"a series needs an exact start, not the rough date {start}")
    links = {key: _link(raw, key, where, out) for key in LINK_KEYS}
    extra = extra_from_plain(raw, where, out)
    if len(out.problems) > before or title is None or start is None:
        return None
    event = Event(
        id=str(event_id or ""),
        title=title,
        kind=str(kind),
        format=fmt,
        round=rnd,
        start=start,
        end=end,
        timezone=tz,
        status=Status(status),
        participants=lists["participants"],
        sources=lists["sources"],
        tags=lists["tags"],
        history=history,
        rrule=series.rrule,
        exdates=series.exdates,
        rdates=series.rdates,
        overrides=series.overrides,
        extra=extra,
        **links,
        **texts,
    )
    if event.recurs:
        from summit_cli.recurrence import series_problems

        problems = series_problems(event)
        for problem in problems:
            out.add(where, problem)
        if problems:
            return None
    return event


def _link(raw: Mapping[str, Any], key: str, where: str, out: Collector) -> str | None:
    """A link to another event: its id (whether it exists is the store's check)."""
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not SLUG_RE.match(value):
        out.add(where, f"{key} must be an event id ([a-z0-9][a-z0-9-]*), not {shown(value)}")
        return None
    return str(value)


def _history(value: Any, where: str, out: Collector) -> tuple[Change, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        out.add(where, f"history must be a list of changes, not {type_name(value)}")
        return ()
    changes = []
    for index, item in enumerate(value):
        at = f"{where} history[{index}]"
        if not isinstance(item, Mapping):
            out.add(at, f"must be a mapping, not {type_name(item)}")
            continue
        fields = {
            key: text_value(item, key, at, out, required=key in {"at", "change"}, max_len=5000)
            for key in CHANGE_KEYS
        }
        extra = extra_from_plain(item, at, out, known=CHANGE_KEYS)
        if fields["at"] is not None and fields["change"] is not None:
            changes.append(Change(**fields, extra=extra))  # type: ignore[arg-type]
    return tuple(changes)


def store_from_plain(tree: Any) -> tuple[Store, list[Problem]]:
    """Build the Store from a parsed document; returns it with every problem found."""
    out = Collector()
    if not isinstance(tree, Mapping):
        out.add(
            "",
            f"the top level must be a mapping with version, formats and events, "
            f"not {type_name(tree)}",
        )
        return Store(), out.problems
    version = tree.get("version", STORE_VERSION)
    if type(version) is not int or version != STORE_VERSION:
        out.add(
            "version", f"unsupported store version {shown(version)} (this summits reads version 1)"
        )
        return Store(), out.problems
    raw_formats = tree.get("formats")
    if raw_formats is None:
        raw_formats = {}
    formats: dict[str, Format] = {}
    if not isinstance(raw_formats, Mapping):
        out.add("formats", f"must be a mapping of key -> format, not {type_name(raw_formats)}")
    else:
        for key, raw in raw_formats.items():
            fmt = format_from_plain(key, raw, out)
            if fmt is not None:
                formats[fmt.key] = fmt
    raw_events = tree.get("events")
    if raw_events is None:
        raw_events = []
    events: list[Event] = []
    if not isinstance(raw_events, list | tuple):
        out.add("events", f"must be a list of events, not {type_name(raw_events)}")
        raw_events = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_events):
        event = event_from_plain(raw, f"events[{index}]", formats, out)
        if event is None:
            continue
        if event.id:
            if event.id in seen:
                out.add(
                    f"events[{index}] (id {event.id})",
                    f"duplicate id (first used by events[{seen[event.id]}])",
                )
                continue
            seen[event.id] = index
            if any(f.meets is not None and f.meets.id == event.id for f in formats.values()):
                out.add(
                    f"events[{index}] (id {event.id})",
                    "this id belongs to a format's regular meetings (formats.*.meets)",
                )
                continue
        events.append(event)
    taken = set(seen) | {f.meets.id for f in formats.values() if f.meets is not None}
    # Every id the file names, a flawed event's too: a link to it is not a second mistake.
    written = {r.get("id") for r in raw_events if isinstance(r, Mapping)}
    known = taken | {i for i in written if isinstance(i, str)}
    named: list[Event] = []
    for event in events:
        if event.id:
            named.append(event)
            continue
        generated = replace(event, id=generate_id(event, taken))
        taken.add(generated.id)
        named.append(generated)
    series = [f.meets for f in formats.values() if f.meets is not None]
    out.problems += link_problems([*named, *series], known | {e.id for e in named})
    return Store(formats=formats, events=tuple(named), version=STORE_VERSION), out.problems


def events_from_plain(
    records: Sequence[Any], formats: Mapping[str, Format], label: str = "record", first: int = 1
) -> tuple[list[Event], list[Problem]]:
    """Validate a batch of event records (for imports); returns events and every problem.

    Problems are located as "<label> <n>", numbering the records from *first*.
    """
    out = Collector()
    events = []
    for index, raw in enumerate(records):
        event = event_from_plain(raw, f"{label} {index + first}", formats, out)
        if event is not None:
            events.append(event)
    return events, out.problems


def validate_event(
    raw: Any, formats: Mapping[str, Format], where: str
) -> tuple[Event | None, list[Problem]]:
    """One record -> (Event or None, every problem), located by *where*."""
    out = Collector()
    return event_from_plain(raw, where, formats, out), out.problems
