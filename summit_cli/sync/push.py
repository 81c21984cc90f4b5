"""Pushes of a two-way sync: each event rendered and sent as a conditional PUT or DELETE,
several at a time (a server far away answers each request in tens of milliseconds, so a
first sync of a thousand events waits on the network, not on summits).

Each worker thread has its own connection. Results are recorded by the calling thread as
they come, in the sync state, saved every ``CHECKPOINT`` pushes and at the end, so an
interrupted sync keeps what was done. The first failure (the server went away) stops the
pushes not yet started; those already sent are recorded, then the error is raised.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime

from summit_cli.model import Event, Format
from summit_cli.sync import codec
from summit_cli.sync.caldav_link import Link, Precondition
from summit_cli.sync.plan import Action, Agreed, Step

CHECKPOINT = 100  # pushes between two saves of the sync state
CONNECTIONS = 4  # pushes in flight at once (SUMMITS_SYNC_CONNECTIONS)


@dataclass(frozen=True)
class Job:
    """One push: the step, and where and over which version it goes."""

    step: Step
    name: str  # the object's name in the collection
    etag: str | None  # the version replaced or deleted (None: unknown or new)
    uid: str
    foreign: bool
    existing: str | None  # the server's text, when it was read in this sync


@dataclass(frozen=True)
class Done:
    """A push that went through: the job and the object's new ETag (None for a delete, or a
    server that does not say)."""

    job: Job
    etag: str | None


class Pusher:
    """Sends jobs over up to *connections* connections made by *connect*."""

    def __init__(
        self,
        connect: Callable[[], Link],
        events: Mapping[str, Event],
        formats: Mapping[str, Format],
        stamp: datetime,
        connections: int = CONNECTIONS,
    ) -> None:
        self.connect = connect
        self.events = events
        self.formats = formats
        self.stamp = stamp
        self.connections = max(1, connections)
        self._local = threading.local()
        self._links: list[Link] = []
        self._lock = threading.Lock()

    def _link(self) -> Link:
        link = getattr(self._local, "link", None)
        if link is None:
            link = self.connect()
            self._local.link = link
            with self._lock:
                self._links.append(link)
        return link

    @property
    def requests(self) -> int:
        return sum(link.requests for link in self._links)

    def close(self) -> None:
        for link in self._links:
            link.close()

    def send(self, job: Job) -> Done:
        """Push one job (in a worker thread); Precondition when the object is not as seen."""
        link = self._link()
        action = job.step.action
        if action is Action.PUSH_DELETE:
            link.delete(job.name, job.etag)
            return Done(job, None)
        event = self.events[job.step.id]
        if action is Action.PUSH_NEW:
            data = codec.render(event, self.formats, stamp=self.stamp, uid=job.uid)
            return Done(job, link.create(job.name, data))
        existing = job.existing
        if existing is None and job.foreign:
            found = link.fetch([job.name])
            if job.name not in found:
                raise Precondition(job.name)
            existing = found[job.name][1]
        data = codec.render(event, self.formats, stamp=self.stamp, uid=job.uid, existing=existing)
        return Done(job, link.replace(job.name, data, job.etag))

    def run(
        self,
        jobs: list[Job],
        on_done: Callable[[Done], None],
        on_refused: Callable[[Job], None],
    ) -> None:
        """Send every job; *on_done* / *on_refused* are called in this thread, as results come.
        The first other error stops what has not started and is raised once the rest is in."""
        if not jobs:
            return
        failure: BaseException | None = None
        with ThreadPoolExecutor(self.connections, thread_name_prefix="summits-push") as pool:
            pending: set[Future[Done]] = set()
            queue = list(reversed(jobs))
            futures: dict[Future[Done], Job] = {}
            while queue or pending:
                while queue and failure is None and len(pending) < self.connections * 2:
                    job = queue.pop()
                    future = pool.submit(self.send, job)
                    futures[future] = job
                    pending.add(future)
                if not pending:
                    break
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    error = future.exception()
                    if error is None:
                        on_done(future.result())
                    elif isinstance(error, Precondition):
                        on_refused(futures[future])
                    elif failure is None:
                        failure = error
                if failure is not None:
                    queue.clear()
        if failure is not None:
            raise failure


def jobs_for(
    steps: list[Step],
    agreed: Mapping[str, Agreed],
    seen: Mapping[str, tuple[str, str | None, str, bool, str]],
) -> list[Job]:
    """The jobs of the push steps: an object read in this sync (*seen*: id -> (name, ETag,
    UID, foreign, text)) is pushed over that version, else over the agreed one; a new
    event gets the name and UID ``<id>@summits``."""
    jobs = []
    for step in steps:
        if step.action not in {Action.PUSH_NEW, Action.PUSH_CHANGE, Action.PUSH_DELETE}:
            continue
        base, item = agreed.get(step.id), seen.get(step.id)
        if item is not None:
            name, etag, uid, foreign, text = item
            jobs.append(Job(step, name, etag, uid, foreign, text))
        elif base is not None:
            jobs.append(Job(step, base.href, base.etag, base.uid, base.foreign, None))
        else:
            from summit_cli.interop.ics import uid_for

            uid = uid_for(step.id)
            jobs.append(Job(step, f"{uid}.ics", None, uid, False, None))
    return jobs
