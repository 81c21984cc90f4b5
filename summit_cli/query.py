"""Pure queries and edits over the model: filters, ordering, upcoming, per-format summaries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo

from summit_cli.errors import InvalidData, InvalidInput, NotFound, Problem
from summit_cli.ids import generate_id
from summit_cli.model import Event, Format, Status, Store
from summit_cli.timeline import Phase, Span, instant_key, overlaps, phase, span_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from summit_cli.lighttuple import NamedTuple


class Placed(NamedTuple):
    """An event with its span on the time line, as seen from the display zone."""

    event: Event
    span: Span
    occurrence: date | None = None  # the occurrence's start date at the venue, for a series


@dataclass(frozen=True)
class Criteria:
    """What an event must be to match; empty fields match everything. The command line's
    filter group (``cli.groups.Filters``) extends it with its window as typed."""

    formats: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    city: str | None = None
    country: str | None = None
    participant: str | None = None
    tags: tuple[str, ...] = ()
    search: str | None = None
    exact: bool = False  # only events whose date is known (no rough date)


@dataclass(frozen=True)
class Filter(Criteria):
    """Every filter of ``list`` and ``upcoming``: the criteria and a time window."""

    start: datetime | None = None  # window start (inclusive)
    end: datetime | None = None  # window end (exclusive)


def _contains(haystack: str | None, needle: str) -> bool:
    return haystack is not None and needle.casefold() in haystack.casefold()


def matches(item: Placed, spec: Filter) -> bool:
    """True when the placed event passes every filter of *spec*."""
    return event_matches(item.event, spec) and overlaps(item.span, spec.start, spec.end)


def event_matches(event: Event, spec: Filter) -> bool:
    """The filters that need no time arithmetic (checked first: they are cheap)."""
    if spec.formats and event.format not in spec.formats:
        return False
    if spec.exact and (event.start.rough or (event.end is not None and event.end.rough)):
        return False
    if spec.kinds and event.kind not in spec.kinds:
        return False
    if spec.statuses and event.status.value not in spec.statuses:
        return False
    if spec.city and (event.city or "").casefold() != spec.city.casefold():
        return False
    if spec.country and (event.country or "").casefold() != spec.country.casefold():
        return False
    if spec.participant and not any(_contains(p, spec.participant) for p in event.participants):
        return False
    if spec.tags:
        own = {t.casefold() for t in event.tags}
        if not all(t.casefold() in own for t in spec.tags):
            return False
    return not (
        spec.search
        and not any(
            _contains(text, spec.search) for text in (event.title, event.notes, event.outcome)
        )
    )


def check_filter(store: Store, spec: Filter) -> None:
    """Refuse filter values that can never match because they name nothing."""
    unknown = [key for key in spec.formats if key not in store.formats]
    if unknown:
        key = unknown[0]
        hint = ""
        if key in {"json", "csv", "table", "plain", "jsonl", "tsv", "yaml", "ids"}:
            hint = f" (to choose the output, use --output {key})"
        known = ", ".join(store.formats) or "none defined"
        raise InvalidInput(f"unknown format {key!r}{hint}; known formats: {known}")


def place(
    events: Iterable[Event],
    display: tzinfo,
    *,
    now: datetime | None = None,
    lo: datetime | None = None,
    hi: datetime | None = None,
) -> list[Placed]:
    """Events with their spans, oldest first by the real instant.

    Given *now*, a recurring event (one with an rrule) becomes its occurrences
    that meet the window [lo, hi); an open end stops at the rule's own end
    (COUNT/UNTIL) or ``recurrence.HORIZON`` after now (or after *lo* when that
    is later). Without *now*, every event is placed as stored (for exports and
    ``show``, which want the series itself).
    """
    placed: list[Placed] = []
    for event in events:
        if now is None or not event.recurs:
            placed.append(Placed(event, span_of(event, display)))
            continue
        from summit_cli import recurrence

        end = hi if hi is not None else recurrence.default_window_end(event, now, lo)
        placed += [
            Placed(o.event, o.span, o.day) for o in recurrence.occurrences(event, display, lo, end)
        ]
    placed.sort(key=lambda p: instant_key(p.span))
    return placed


def select(
    store: Store, spec: Filter, display: tzinfo, *, now: datetime | None = None
) -> list[Placed]:
    """The events matching *spec*, oldest first.

    Given *now*, recurring events are expanded into their occurrences inside
    the filter's window (see :func:`place`); without it they stay one item each.
    """
    check_filter(store, spec)
    # Cheap filters before any span is computed: a 100,000-event store stays fast. A
    # series with changed occurrences is checked again occurrence by occurrence (one of
    # them may be cancelled, or renamed).
    candidates = [e for e in store.all_events() if _may_match(e, spec)]
    placed = place(candidates, display, now=now, lo=spec.start, hi=spec.end)
    return [
        p
        for p in placed
        if overlaps(p.span, spec.start, spec.end)
        and (not p.event.overrides or event_matches(p.event, spec))
    ]


def _may_match(event: Event, spec: Filter) -> bool:
    """The event, or one of its changed occurrences, passes the cheap filters."""
    if event_matches(event, spec):
        return True
    return any(
        event_matches(
            replace(event, status=o.status or event.status, title=o.title or event.title), spec
        )
        for o in event.overrides
        if o.status is not None or o.title is not None
    )


def truncated_series(store: Store, spec: Filter) -> list[Event]:
    """The endless recurring events that :func:`select` cuts at its horizon (for a note)."""
    series = [e for e in store.all_events() if e.recurs] if spec.end is None else []
    if not series:
        return []
    from summit_cli import recurrence

    return [e for e in series if not recurrence.is_finite(e)]


def upcoming(
    placed: Sequence[Placed],
    now: datetime,
    *,
    include_cancelled: bool = False,
    within: timedelta | None = None,
) -> list[Placed]:
    """Events not over at *now*, soonest first; cancelled ones only when asked."""
    # In UTC: a horizon of 24 h is 24 real hours, also across a DST change.
    horizon = now.astimezone(UTC) + within if within is not None else None
    result = []
    for item in placed:
        if phase(item.span, now) is Phase.PAST:
            continue
        if not include_cancelled and item.event.status is Status.CANCELLED:
            continue
        if horizon is not None and item.span.start > horizon:
            continue
        result.append(item)
    return result


def still_expected(store: Store, spec: Filter, display: tzinfo, now: datetime) -> list[Placed]:
    """Rough dates still expected that no window ahead holds: those whose window has passed
    with no date set (overdue), and those with no date yet (tbd). ``upcoming`` keeps them,
    flagged, instead of dropping them."""
    rough = [e for e in store.events if e.start.rough or (e.end is not None and e.end.rough)]
    if not rough:
        return []
    candidates = select(store.with_events(rough), replace(spec, start=None, end=None), display)
    return [
        p
        for p in candidates
        if p.span.expected and (p.span.tbd or phase(p.span, now) is Phase.OVERDUE)
    ]


def latest_past(placed: Sequence[Placed], now: datetime) -> Placed | None:
    """The most recent event that is over at *now*."""
    past = [p for p in placed if phase(p.span, now) is Phase.PAST]
    return past[-1] if past else None


@dataclass(frozen=True, repr=False)
class FormatSummary:
    """A negotiation format at a glance."""

    format: Format
    count: int
    held: int
    first: Placed | None
    last: Placed | None  # most recent event that is over (or ongoing)
    next: Placed | None  # soonest event not over, not cancelled


def summarize_formats(store: Store, display: tzinfo, now: datetime) -> list[FormatSummary]:
    # With now: recurring events and the formats' regular meetings count by occurrence.
    placed = place(store.all_events(), display, now=now)
    summaries = []
    for key, fmt in store.formats.items():
        own = [p for p in placed if p.event.format == key]
        over = [p for p in own if phase(p.span, now) is not Phase.UPCOMING]
        ahead = upcoming(own, now)
        summaries.append(
            FormatSummary(
                format=fmt,
                count=len(own),
                held=sum(1 for p in own if p.event.status is Status.HELD),
                first=own[0] if own else None,
                last=over[-1] if over else None,
                next=ahead[0] if ahead else None,
            )
        )
    return summaries


def find_event(store: Store, event_id: str) -> Event:
    """An event of the store's event list (what edit, postpone, cancel and remove change)."""
    for event in store.events:
        if event.id == event_id:
            return event
    for fmt in store.formats.values():
        if fmt.meets is not None and fmt.meets.id == event_id:
            raise NotFound(
                f"{event_id!r} is the regular meetings of format {fmt.key!r}: change them "
                f"under formats.{fmt.key}.meets in the store"
            )
    raise NotFound(
        f"no event with id {event_id!r}{closest(event_id, [e.id for e in store.events])}"
    )


def closest(wanted: str, known: list[str]) -> str:
    """ " (did you mean ...?)" with the nearest known ids, or where to find them."""
    import difflib

    close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.5)
    if close:
        return f" (did you mean {', '.join(close)}?)"
    return " (list them with: summits list --output ids)"


# ------------------------------------------------------------------- edits


def add_event(store: Store, event: Event) -> Store:
    """The store with *event* appended; generates its id when empty."""
    problems = []
    if event.format is not None and event.format not in store.formats:
        known = ", ".join(store.formats) or "none defined"
        raise InvalidInput(
            f"unknown format {event.format!r}; known formats: {known} "
            "(define one with: summits formats add KEY --name NAME)"
        )
    taken = {e.id for e in store.events}
    if not event.id:
        event = replace(event, id=generate_id(event, taken))
    elif event.id in taken:
        problems.append(Problem(f"id {event.id}", "an event with this id already exists"))
    if problems:
        raise InvalidData("", problems)
    return store.with_events([*store.events, event])


def add_format(store: Store, fmt: Format) -> Store:
    if fmt.key in store.formats:
        raise InvalidData("", [Problem(f"format {fmt.key}", "is already defined")])
    return store.with_format(fmt)


class MergeReport(NamedTuple):
    """What a batch add/import did, by id."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()


def merge_events(
    store: Store, incoming: Sequence[Event], *, update: bool
) -> tuple[Store, MergeReport]:
    """Add a batch of events, all or nothing.

    An event whose id exists is an error unless *update*, in which case it
    replaces the stored one (unchanged when equal, so importing twice is a
    no-op). Events without an id get a generated one. Every problem of the
    batch is reported at once.
    """
    problems: list[Problem] = []
    by_id = {e.id: i for i, e in enumerate(store.events)}
    # Generated ids must not take an id that a later record of the batch names.
    taken = set(by_id) | {e.id for e in incoming if e.id}
    taken |= {f.meets.id for f in store.formats.values() if f.meets is not None}
    events = list(store.events)
    seen: set[str] = set()
    added: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    for position, record in enumerate(incoming):
        where = f"record {position + 1}"
        event = record
        if event.format is not None and event.format not in store.formats:
            known = ", ".join(store.formats) or "none defined"
            problems.append(Problem(where, f"unknown format {event.format!r} (known: {known})"))
            continue
        if not event.id:
            event = replace(event, id=generate_id(event, taken))
            taken.add(event.id)
        if event.id in seen:
            problems.append(
                Problem(f"{where} (id {event.id})", "the same id appears twice in the batch")
            )
            continue
        seen.add(event.id)
        if event.id in by_id:
            if not update:
                problems.append(
                    Problem(
                        f"{where} (id {event.id})",
                        "an event with this id already exists (use --update)",
                    )
                )
                continue
            current = events[by_id[event.id]]
            if current == event:
                unchanged.append(event.id)
            else:
                events[by_id[event.id]] = event
                updated.append(event.id)
            continue
        events.append(event)
        added.append(event.id)
    if problems:
        raise InvalidData("", problems)
    report = MergeReport(tuple(added), tuple(updated), tuple(unchanged))
    return store.with_events(events), report


def countdown_target(
    store: Store,
    event_id: str | None,
    spec: Filter,
    display: tzinfo,
    now: datetime,
    *,
    include_cancelled: bool = False,
    within: timedelta | None = None,
) -> Placed:
    """What ``countdown`` counts down to: the event *event_id* (its next occurrence when it
    repeats), else the next event matching *spec*. NotFound when there is none."""
    if event_id is not None:
        from summit_cli import recurrence

        event = find_event(store, event_id)
        if not event.recurs:
            return Placed(event, span_of(event, display))
        ahead = recurrence.next_occurrences(event, now, display, 1)
        if not ahead:
            raise NotFound(f"{event_id} has no occurrence after now")
        return Placed(ahead[0].event, ahead[0].span, ahead[0].day)
    selected = select(store, spec, display, now=now)
    items = upcoming(selected, now, include_cancelled=include_cancelled, within=within)
    if not items:
        raise NotFound("no upcoming event matches")
    return items[0]
