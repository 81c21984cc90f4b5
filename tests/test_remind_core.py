"""The pure core of reminders (``summit_cli.reminders``): what is due at "now", given what
was sent; with hypothesis over random cron schedules, killed runs included."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import event as note
from hypothesis import given
from hypothesis import strategies as st

from summit_cli import query, reminders
from summit_cli.errors import InvalidInput
from summit_cli.model import Event, Status, WallTime
from summit_cli.query import Placed
from summit_cli.reminders import LATE_AFTER, Fate, Lead, Settled
from summit_cli.timeline import Phase, phase, span_of

VIENNA = ZoneInfo("Europe/Vienna")
H = timedelta(hours=1)
D = timedelta(days=1)


def event(
    start: str, *, end: str | None = None, tz: str | None = "Europe/Vienna", **more: object
) -> Event:
    kwargs: dict[str, object] = {"id": more.pop("id", "e1"), "title": "Talks"}
    kwargs.update(more)
    return Event(
        start=_wall(start),
        end=_wall(end) if end else None,
        timezone=tz,
        **kwargs,  # type: ignore[arg-type]
    )


def _wall(text: str) -> WallTime:
    from summit_cli.model import parse_wall_time

    return parse_wall_time(text)


def placed(ev: Event, display: ZoneInfo | None = None) -> Placed:
    return Placed(ev, span_of(ev, display or UTC))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


LEADS = reminders.parse_leads("7d,1d,2h")
TALKS = placed(event("2022-01-12T10:00"))  # 09:00 UTC


# ---------------------------------------------------------------- leads and grace


def test_leads_are_read_longest_first_one_spelling_each() -> None:
    assert [lead.label for lead in LEADS] == ["7d", "1d", "2h"]
    assert reminders.parse_leads("24h, 1d,90min,2w") == (
        Lead(14 * 86400),
        Lead(86400),
        Lead(5400),
    )
    assert [lead.label for lead in reminders.parse_leads("36h,90min,0min,45s")] == [
        "1d12h",
        "1h30min",
        "45s",
        "0min",
    ]


@pytest.mark.parametrize("text", ["", " ", "7d,,1d", "1d,", "soon", "400d", "-1d"])
def test_bad_leads_are_usage_errors(text: str) -> None:
    with pytest.raises(InvalidInput):
        reminders.parse_leads(text)


def test_grace_is_at_most_90_days() -> None:
    assert reminders.parse_grace("0min") == timedelta(0)
    assert reminders.parse_grace("90d") == 90 * D
    with pytest.raises(InvalidInput, match="too long"):
        reminders.parse_grace("91d")


# ------------------------------------------------------------------------- plan


def keys(plan: reminders.Plan) -> list[str]:
    return [alert.key for alert in plan.send]


def test_an_alert_is_due_from_its_time_on_and_on_time_for_a_while() -> None:
    before = reminders.plan([TALKS], LEADS, at("2022-01-11T08:59"), 7 * D, {})
    assert keys(before) == ["e1@2022-01-12T10:00/7d"]  # only the 7d one, 6 days late
    assert keys(reminders.plan([TALKS], LEADS, at("2022-01-11T08:59"), D, {})) == []
    due = reminders.plan([TALKS], LEADS, at("2022-01-11T09:10"), D, {})
    (alert,) = due.send
    assert alert.key == "e1@2022-01-12T10:00/1d"
    assert alert.due == at("2022-01-11T09:00")
    assert not alert.is_late and not alert.retry
    assert [a.key for a in due.supersede] == []  # the 7d one is older than the grace: dropped


def test_late_means_more_than_15_minutes_after_it_was_due() -> None:
    on_time = reminders.plan([TALKS], LEADS, at("2022-01-11T09:00") + LATE_AFTER, D, {})
    assert not on_time.send[0].is_late
    late = reminders.plan([TALKS], LEADS, at("2022-01-11T12:30"), D, {})
    assert late.send[0].late == timedelta(hours=3, minutes=30)
    assert reminders.late_text(late.send[0].late) == "3 h 30 min"


def test_older_than_the_grace_window_is_dropped_unsettled() -> None:
    now = at("2022-01-11T09:00") + 2 * H
    assert keys(reminders.plan([TALKS], LEADS, now, H, {})) == []
    assert keys(reminders.plan([TALKS], LEADS, now, 3 * H, {})) == ["e1@2022-01-12T10:00/1d"]
    # grace 0 still sends what is due within the last 15 minutes
    assert keys(reminders.plan([TALKS], LEADS, at("2022-01-11T09:14"), timedelta(0), {}))


def test_after_a_long_sleep_only_the_shortest_lead_goes_out() -> None:
    now = at("2022-01-12T07:30")  # 7d, 1d and 2h (07:00) all due, the grace is a week
    plan = reminders.plan([TALKS], LEADS, now, 7 * D, {})
    assert keys(plan) == ["e1@2022-01-12T10:00/2h"]
    assert [a.key for a in plan.supersede] == ["e1@2022-01-12T10:00/7d", "e1@2022-01-12T10:00/1d"]


def test_settled_alerts_do_not_go_out_again_but_one_left_sending_does() -> None:
    now = at("2022-01-11T09:05")
    (alert,) = reminders.plan([TALKS], LEADS, now, D, {}).send
    sent = reminders.settle({}, [alert], Fate.SENT, now)
    assert reminders.plan([TALKS], LEADS, now + H, D, sent).send == ()
    superseded = reminders.settle({}, [alert], Fate.SUPERSEDED, now)
    assert reminders.plan([TALKS], LEADS, now + H, D, superseded).send == ()
    sending = reminders.settle({}, [alert], Fate.SENDING, now)
    (again,) = reminders.plan([TALKS], LEADS, now + H, D, sending).send
    assert again.key == alert.key and again.retry


def test_cancelled_and_over_events_never_remind() -> None:
    cancelled = placed(event("2022-01-12T10:00", status=Status.CANCELLED))
    assert reminders.plan([cancelled], LEADS, at("2022-01-11T09:00"), D, {}).send == ()
    call = placed(event("2022-01-12T10:00"))  # no end: over once it started
    assert reminders.plan([call], LEADS, at("2022-01-12T09:01"), D, {}).send == ()
    meeting = placed(event("2022-01-12T10:00", end="2022-01-12T12:00"))
    (late,) = reminders.plan([meeting], LEADS, at("2022-01-12T09:30"), D, {}).send
    assert late.lead.label == "2h" and late.is_late  # ongoing: still worth telling


def test_an_event_without_an_instant_never_reminds() -> None:
    item = placed(event("tbd", tz="Europe/Zurich"))
    assert not reminders.reminds(item)
    for now in ("2022-01-11T12:00", "9999-12-30T12:00"):
        assert reminders.plan([item], LEADS, at(now), D, {}).send == ()


def test_a_rough_date_reminds_from_the_start_of_its_window() -> None:
    item = placed(event("2022-01-late", tz="Europe/Zurich"))
    assert reminders.reminds(item)
    # The window opens on 21 January at 00:00 in Zurich (23:00 UTC the day before).
    (alert,) = reminders.plan([item], LEADS, at("2022-01-19T23:00"), D, {}).send
    assert alert.lead.label == "1d" and alert.due == at("2022-01-19T23:00")
    assert not alert.is_late


def test_the_key_reads_the_venue_clock_so_the_display_zone_does_not_change_it() -> None:
    zoned = event("2022-01-12T10:00")
    floating = event("2022-01-12T10:00", tz=None)
    lead = Lead(3600)
    for ev in (zoned, floating):
        seen = {reminders.alert_key(placed(ev, ZoneInfo(z)), lead) for z in ("UTC", "Asia/Tokyo")}
        assert seen == {"e1@2022-01-12T10:00/1h"}


def test_a_rescheduled_event_is_a_new_alert() -> None:
    moved = placed(replace(TALKS.event, start=_wall("2022-01-12T15:00")))
    assert reminders.alert_key(moved, Lead(7200)) != reminders.alert_key(TALKS, Lead(7200))


def test_prune_forgets_only_what_no_grace_can_reach() -> None:
    now = at("2022-06-01T00:00")
    old = Settled(now - reminders.KEEP - H, Fate.SENT, now)
    recent = Settled(now - reminders.MAX_GRACE, Fate.SENT, now)
    assert reminders.prune({"old": old, "recent": recent}, now) == {"recent": recent}


def test_window_covers_every_alert_that_can_be_due() -> None:
    lo, hi = reminders.window(at("2022-01-11T09:00"), LEADS, D)
    assert lo == at("2022-01-10T09:00")
    assert hi > at("2022-01-18T09:00")


@pytest.mark.parametrize(
    ("late", "text"),
    [(timedelta(minutes=20), "20 min"), (2 * H, "2 h"), (47 * H, "47 h"), (3 * D, "3 days")],
)
def test_late_text(late: timedelta, text: str) -> None:
    assert reminders.late_text(late) == text


# ------------------------------------------------- exactly once over random schedules

BASE = datetime(2022, 3, 20, tzinfo=UTC)  # Vienna changes to summer time on 27 March
LEAD_CHOICES = [0, 3600, 2 * 3600, 86400, 7 * 86400]


@st.composite
def events(draw: st.DrawFn) -> list[Event]:
    out = []
    for number in range(draw(st.integers(1, 4))):
        start = BASE + timedelta(minutes=draw(st.integers(0, 14 * 24 * 60)))
        local = start.astimezone(VIENNA)
        zone = draw(st.sampled_from(["Europe/Vienna", "UTC", None]))
        shape = draw(st.sampled_from(["point", "hours", "day", "weekly"]))
        wall = WallTime(local.date(), time(local.hour, local.minute))
        end = None
        if shape == "hours":
            end = WallTime(local.date(), time(min(local.hour + 2, 23), 59))
        if shape == "day":
            wall, end = WallTime(local.date()), WallTime(local.date() + D)
        out.append(
            Event(
                id=f"e{number}",
                title=f"Event {number}",
                start=wall,
                end=end,
                timezone=zone,
                status=draw(st.sampled_from([Status.SCHEDULED, Status.CANCELLED, Status.HELD])),
                rrule="FREQ=WEEKLY;COUNT=3" if shape == "weekly" else None,
            )
        )
    return out


@st.composite
def schedules(draw: st.DrawFn) -> list[datetime]:
    """Run times from a week before BASE to a month after: stretches of cron runs every few
    minutes and sleeps of hours or days."""
    cron = st.tuples(st.sampled_from([5, 15, 30, 60]), st.integers(1, 48))
    sleep = st.tuples(st.just(0), st.integers(1, 8 * 24))
    stretches = draw(st.lists(st.one_of(cron, sleep), min_size=1, max_size=12))
    moments: list[datetime] = []
    moment = BASE - 8 * D
    for every, hours in stretches:
        end = moment + hours * H
        while every and moment + timedelta(minutes=every) <= end:
            moment += timedelta(minutes=every)
            moments.append(moment)
        moment = end
    while moment < BASE + 30 * D:  # then on to the end, every 2 hours
        moment += 2 * H
        moments.append(moment)
    return moments


def every_alert(evs: list[Event], leads: tuple[Lead, ...]) -> list[tuple[Placed, Lead]]:
    wide = query.place(evs, UTC, now=BASE, lo=BASE - 40 * D, hi=BASE + 60 * D)
    return [(item, lead) for item in wide for lead in leads]


@dataclass(frozen=True)
class Attempt:
    key: str
    when: datetime
    retry: bool
    delivered: bool  # False: the run was killed after recording "sending", before sending
    killed: bool  # the run died right after this attempt, before recording "sent"


@pytest.mark.slow
@given(
    evs=events(),
    lead_set=st.sets(st.sampled_from(LEAD_CHOICES), min_size=1),
    grace=st.sampled_from([timedelta(0), H, D, 3 * D, 8 * D]),
    moments=schedules(),
    kills=st.dictionaries(st.integers(0, 3), st.booleans(), min_size=1, max_size=2) | st.just({}),
    nap=st.none() | st.tuples(st.integers(0, 3), st.integers(0, 120), st.integers(2, 48)),
)
def test_each_alert_goes_out_once_and_a_killed_run_is_made_good(
    evs: list[Event],
    lead_set: set[int],
    grace: timedelta,
    moments: list[datetime],
    kills: dict[int, bool],
    nap: tuple[int, int, int] | None,
) -> None:
    """The command's loop over a random schedule of runs, as pure steps.

    *kills*: the run making the n-th attempt of the schedule is killed during it, after
    sending (True) or before (False), in both cases after recording "sending" and before
    recording "sent". *nap*: the machine sleeps for some hours and wakes up minutes
    before an event starts (several leads of one event fall due at once).
    """
    leads = tuple(sorted((Lead(s) for s in lead_set), reverse=True))
    if nap is not None:
        number, minutes, hours = nap
        woken = span_of(evs[number % len(evs)], UTC).start - timedelta(minutes=minutes)
        asleep = [m for m in moments if not woken - hours * H < m < woken]
        moments = sorted({*asleep, woken})
    state: dict[str, Settled] = {}
    attempts: list[Attempt] = []
    superseded: dict[str, datetime] = {}
    whole_runs: list[datetime] = []  # the runs that were not killed
    for now in moments:
        lo, hi = reminders.window(now, leads, grace)
        items = query.place(evs, UTC, now=now, lo=lo, hi=hi)  # as the command selects them
        plan = reminders.plan(items, leads, now, grace, state)
        state = reminders.settle(reminders.prune(state, now), plan.supersede, Fate.SUPERSEDED, now)
        for alert in plan.supersede:
            assert alert.key not in superseded
            superseded[alert.key] = now
            # by a shorter lead of the same occurrence, sent now or before
            shorter = {reminders.alert_key(alert.item, lead) for lead in leads if lead < alert.lead}
            sent_now = {a.key for a in plan.send}
            assert shorter & (sent_now | {a.key for a in attempts}), alert.key
        occurrences = [(a.item.event.id, a.item.span.start) for a in plan.send]
        assert len(set(occurrences)) == len(occurrences)  # one reminder per event per run
        killed = False
        for alert in plan.send:
            # The rules: due, within the grace, reminding, not over, the late flag exact.
            since = now - alert.due
            assert timedelta(0) <= since <= max(grace, LATE_AFTER)
            assert reminders.reminds(alert.item)
            assert phase(alert.item.span, now) is not Phase.PAST
            assert alert.late == (since if since > LATE_AFTER else timedelta(0))
            state = reminders.settle(state, [alert], Fate.SENDING, now)
            mode = kills.get(len(attempts))
            killed = mode is not None
            attempts.append(Attempt(alert.key, now, alert.retry, mode is not False, killed))
            if killed:
                break
            state = reminders.settle(state, [alert], Fate.SENT, now)
        if not killed:
            whole_runs.append(now)

    note(f"a run killed after sending: {any(a.killed and a.delivered for a in attempts)}")
    note(f"a run killed before sending: {any(a.killed and not a.delivered for a in attempts)}")
    note(f"superseded: {bool(superseded)}")
    by_key: dict[str, list[Attempt]] = {}
    for attempt in attempts:
        by_key.setdefault(attempt.key, []).append(attempt)
    for key, history in by_key.items():
        # Sent again only after a run died while sending it, and then marked as a retry.
        assert not history[0].retry
        for first, then in itertools.pairwise(history):
            assert first.killed and then.retry, (key, history)
        assert key not in superseded or superseded[key] > history[-1].when
    delivered = {a.key for a in attempts if a.delivered}
    # Every alert that a whole run could see in its window was delivered, or a shorter lead
    # of the same occurrence was delivered instead.
    for item, lead in every_alert(evs, leads):
        key = reminders.alert_key(item, lead)
        if not reminders.reminds(item):
            assert key not in by_key
            continue
        due = item.span.start.astimezone(UTC) - lead.delta
        seen = [
            now
            for now in whole_runs
            if due <= now <= due + max(grace, LATE_AFTER)
            and phase(item.span, now) is not Phase.PAST
        ]
        if seen:
            assert key in delivered or key in superseded, (key, seen[0])
        if key in by_key:
            assert due <= by_key[key][0].when


def test_the_date_of_an_occurrence_names_its_alert() -> None:
    series = event("2022-01-06T10:00", rrule="FREQ=WEEKLY;COUNT=3")
    items = query.place([series], UTC, now=at("2022-01-01T00:00"))
    assert [reminders.alert_key(i, Lead(3600)) for i in items] == [
        "e1@2022-01-06T10:00/1h",
        "e1@2022-01-13T10:00/1h",
        "e1@2022-01-20T10:00/1h",
    ]
    assert [i.occurrence for i in items] == [date(2022, 1, 6), date(2022, 1, 13), date(2022, 1, 20)]


def test_once_a_shorter_lead_went_out_a_longer_one_never_does() -> None:
    """A wider --grace on a later run does not bring back the stale 7-day reminder."""
    now = at("2022-01-11T09:05")
    (one_day,) = reminders.plan([TALKS], LEADS, now, D, {}).send
    state = reminders.settle({}, [one_day], Fate.SENT, now)
    wider = reminders.plan([TALKS], LEADS, now + H, 7 * D, state)
    assert wider.send == ()
    assert [a.key for a in wider.supersede] == ["e1@2022-01-12T10:00/7d"]
