"""Which reminders are due: events x lead times, at "now", given what was already sent.

An *alert* is one reminder: an event (one occurrence of a series) and a lead
time ("1d before"). It is due at the event's start minus the lead, and it is
named by a key that holds the event id, the start at the venue and the lead
(``2022-01-10-geneva-ssd@2022-01-10T00:00/1d``), so a rescheduled event is a
new alert and reminds again.

A run (``summits remind``, from cron every few minutes) asks :func:`plan` what
to send now. The rules, documented in docs/reminders.md:

- an alert goes out once it is due, at most once: its key is then settled;
- it is *late* when it goes out more than ``LATE_AFTER`` after it was due (the
  machine slept, the timer was off, or the event was added after that time);
- a late alert goes out only within the grace window (``--grace``) after it was
  due, and only while its event is not over; older ones are dropped silently;
- of the leads of one occurrence that are due (after a long sleep, several
  are), only the shortest can go out: the longer ones, stale, are settled as
  superseded, also when the shortest went out earlier (a wider ``--grace``
  never brings back a 7-day reminder once the 1-day one was sent);
- cancelled events, and events with no instant (a date still to be decided),
  never remind;
- an alert left *sending* by a run that died between sending it and recording
  that it was sent goes out again, marked as a retry: at least once, never lost.

Pure: "now" and the state of sent alerts are arguments; nothing here reads the
clock, the environment or a file (``store.alerts`` keeps the state).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from summit_cli.errors import InvalidInput
from summit_cli.model import Event, Status
from summit_cli.query import Placed
from summit_cli.timeline import Phase, phase
from summit_cli.typed import parse_duration

# An alert sent more than this after it was due is marked late. Run the timer at
# least this often (docs: every 5 minutes).
LATE_AFTER = timedelta(minutes=15)
DEFAULT_LEADS = "1d,1h"
DEFAULT_GRACE = "1d"
MAX_LEAD = timedelta(days=366)
MAX_GRACE = timedelta(days=90)
# Settled alerts are forgotten this long after they were due: no grace reaches back
# that far, so a forgotten alert can never be due again.
KEEP = MAX_GRACE + timedelta(days=1)


class Fate(StrEnum):
    """Where a settled alert stands in the state file."""

    SENDING = "sending"  # recorded just before it was sent: a run died if this stays
    SENT = "sent"
    SUPERSEDED = "superseded"  # a shorter lead of the same occurrence went out instead


@dataclass(frozen=True, slots=True)
class Settled:
    """What the state file remembers of one alert."""

    due: datetime  # aware, UTC
    fate: Fate
    at: datetime  # the "now" of the run that recorded it


@dataclass(frozen=True, slots=True, order=True)
class Lead:
    """How long before the start a reminder goes out."""

    seconds: int

    @property
    def delta(self) -> timedelta:
        return timedelta(seconds=self.seconds)

    @property
    def label(self) -> str:
        """``7d``, ``1d12h``, ``2h``, ``1h30min``, ``0min``: one spelling per length."""
        days, rest = divmod(self.seconds, 86400)
        hours, rest = divmod(rest, 3600)
        minutes, seconds = divmod(rest, 60)
        parts = [(days, "d"), (hours, "h"), (minutes, "min"), (seconds, "s")]
        text = "".join(f"{n}{unit}" for n, unit in parts if n)
        return text or "0min"


def parse_leads(text: str) -> tuple[Lead, ...]:
    """``7d,1d,2h`` -> leads, longest first, without repeats (``1d`` and ``24h`` are one)."""
    pieces = [piece.strip() for piece in text.split(",")]
    if not text.strip() or any(not piece for piece in pieces):
        raise InvalidInput(f"--before {text!r}: give lead times separated by commas, e.g. 7d,1d,2h")
    leads = set()
    for piece in pieces:
        delta = parse_duration(piece)
        if delta > MAX_LEAD:
            raise InvalidInput(f"--before {piece!r} is too long (at most {MAX_LEAD.days}d)")
        leads.add(Lead(int(delta.total_seconds())))
    return tuple(sorted(leads, reverse=True))


def parse_grace(text: str) -> timedelta:
    """The grace window: a duration from 0 to ``MAX_GRACE``."""
    delta = parse_duration(text)
    if delta > MAX_GRACE:
        raise InvalidInput(f"--grace {text!r} is too long (at most {MAX_GRACE.days}d)")
    return delta


def window(now: datetime, leads: Sequence[Lead], grace: timedelta) -> tuple[datetime, datetime]:
    """The window [lo, hi) of event times a run must look at: every alert that can be due
    starts in it (an event that started before lo can only have alerts older than grace)."""
    now = now.astimezone(UTC)
    longest = max((lead.delta for lead in leads), default=timedelta(0))
    return now - max(grace, LATE_AFTER), now + longest + timedelta(microseconds=1)


def has_instant(event: Event) -> bool:
    """False for an event whose date is still to be decided (``tbd``): it has nothing to
    count down to. An event with a date, however coarse, reminds from the earliest instant
    of its window."""
    return not event.start.tbd


def reminds(item: Placed) -> bool:
    """Whether *item* can remind at all: not cancelled, with an instant to count down to."""
    return item.event.status is not Status.CANCELLED and has_instant(item.event)


def start_key(item: Placed) -> str:
    """The start as the venue's wall clock reads it (the viewer's for a floating event): the
    same text from any display zone, and a new one when the event is rescheduled."""
    span = item.span
    wall = span.start.astimezone(span.zone).replace(tzinfo=None)
    return wall.isoformat(timespec="seconds" if wall.second else "minutes")


def alert_key(item: Placed, lead: Lead) -> str:
    return f"{item.event.id}@{start_key(item)}/{lead.label}"


@dataclass(frozen=True, slots=True)
class Alert:
    """One reminder that goes out now."""

    key: str
    item: Placed
    lead: Lead
    due: datetime  # aware, UTC
    late: timedelta  # how long after it was due it goes out (0 when on time)
    retry: bool = False  # a run died while sending it: it may have gone out already

    @property
    def is_late(self) -> bool:
        return self.late > timedelta(0)


@dataclass(frozen=True)
class Plan:
    """What a run does: send these, and record those as superseded without sending them."""

    send: tuple[Alert, ...] = ()
    supersede: tuple[Alert, ...] = ()


def plan(
    items: Iterable[Placed],
    leads: Sequence[Lead],
    now: datetime,
    grace: timedelta,
    state: Mapping[str, Settled],
) -> Plan:
    """The alerts due at *now* that *state* has not settled (see the module's rules)."""
    now = now.astimezone(UTC)
    oldest = now - max(grace, LATE_AFTER)
    send: list[Alert] = []
    supersede: list[Alert] = []
    for item in items:
        if not reminds(item) or phase(item.span, now) is Phase.PAST:
            continue
        start = item.span.start.astimezone(UTC)
        # The leads due now and within the grace, the shortest (the latest due) last.
        due_now = sorted(
            (lead for lead in leads if oldest <= start - lead.delta <= now), reverse=True
        )
        if not due_now:
            continue
        alerts: list[Alert | None] = []
        for lead in due_now:
            key, due = alert_key(item, lead), start - lead.delta
            settled = state.get(key)
            if settled is not None and settled.fate is not Fate.SENDING:
                alerts.append(None)  # settled: sent, or superseded
                continue
            late = now - due if now - due > LATE_AFTER else timedelta(0)
            alerts.append(Alert(key, item, lead, due, late, retry=settled is not None))
        # Only the latest reminder of an occurrence says what is true now: it goes out
        # (unless it did already), and the earlier ones it makes stale are superseded.
        latest = alerts[-1]
        if latest is not None:
            send.append(latest)
        supersede += [alert for alert in alerts[:-1] if alert is not None]
    send.sort(key=lambda alert: (alert.due, alert.item.span.start.astimezone(UTC), alert.key))
    return Plan(tuple(send), tuple(supersede))


def settle(
    state: Mapping[str, Settled], alerts: Iterable[Alert], fate: Fate, now: datetime
) -> dict[str, Settled]:
    """*state* with *alerts* recorded as *fate* at *now* (a new mapping)."""
    out = dict(state)
    for alert in alerts:
        out[alert.key] = Settled(alert.due, fate, now.astimezone(UTC))
    return out


def prune(state: Mapping[str, Settled], now: datetime) -> dict[str, Settled]:
    """*state* without the alerts due more than ``KEEP`` ago: they can never be due again."""
    oldest = now.astimezone(UTC) - KEEP
    return {key: settled for key, settled in state.items() if settled.due >= oldest}


def late_text(late: timedelta) -> str:
    """``20 min``, ``3 h``, ``1 h 30 min``, ``2 days``: how late a reminder is."""
    minutes = int(late.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days = hours // 24
    return f"{days} days"
