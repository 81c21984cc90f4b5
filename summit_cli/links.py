"""How events are linked: a round follows the one before, a format was agreed at a call, a
session is part of a summit. Checking links, reading them both ways, and following them to
the whole story of a negotiation. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from summit_cli.errors import Problem
from summit_cli.model import Event, Store

# How a link reads from each end: (from the event that holds it, from the event it names).
LINK_WORDS: dict[str, tuple[str, str]] = {
    "follows": ("follows", "followed by"),
    "agreed_at": ("agreed at", "led to"),
    "part_of": ("part of", "session"),
}


def links_to(store: Store, ids: Iterable[str]) -> list[tuple[Event, str, str]]:
    """(event, link key, id it names) for every link from another event to one of *ids*."""
    wanted = set(ids)
    return [
        (event, key, target)
        for event in store.all_events()
        if event.id not in wanted
        for key, target in event.links().items()
        if target in wanted
    ]


def linked(store: Store, event: Event) -> list[tuple[str, Event]]:
    """The events *event* is linked with, both ways, as (how it reads, the other event):
    ("follows", round 3), ("followed by", round 5), ("led to", ...)."""
    by_id = {e.id: e for e in store.all_events()}
    found = [
        (LINK_WORDS[key][0], by_id[target])
        for key, target in event.links().items()
        if target in by_id
    ]
    found += [(LINK_WORDS[key][1], other) for other, key, _ in links_to(store, [event.id])]
    return found


def thread(store: Store, event_id: str) -> list[Event]:
    """Every event linked to *event_id*, directly or through others (the whole story of a
    negotiation), the event itself included."""
    neighbours: dict[str, set[str]] = {}
    for event in store.all_events():
        for target in event.links().values():
            neighbours.setdefault(event.id, set()).add(target)
            neighbours.setdefault(target, set()).add(event.id)
    seen, todo = {event_id}, [event_id]
    while todo:
        for other in neighbours.get(todo.pop(), ()):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return [e for e in store.all_events() if e.id in seen]


def link_problems(events: Sequence[Event], known: set[str]) -> list[Problem]:
    """Links that name no event (*known*: every id of the file, a flawed event's too, so
    one mistake is not reported twice), or that go round in a circle (A follows B follows A)."""
    problems = []
    linked = [e for e in events if e.follows or e.agreed_at or e.part_of]
    for event in linked:
        for key, target in event.links().items():
            if target == event.id:
                problems.append(Problem(f"event {event.id}", f"{key}: an event cannot name itself"))
            elif target not in known:
                problems.append(
                    Problem(f"event {event.id}", f"{key}: there is no event {target!r}")
                )
    if problems:
        return problems
    # Every link points back in the story; walking them from any event must end.
    graph = {e.id: list(e.links().values()) for e in linked}
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done
    for origin, targets in graph.items():
        if state.get(origin):
            continue
        path = [origin]
        stack = [iter(targets)]
        state[origin] = 1
        while stack:
            step = next(stack[-1], None)
            if step is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            if state.get(step) == 1:
                circle = " -> ".join([*path[path.index(step) :], step])
                return [Problem(f"event {step}", f"links go round in a circle: {circle}")]
            if not state.get(step):
                state[step] = 1
                path.append(step)
                stack.append(iter(graph.get(step, ())))
    return problems
