"""Every real calendar file in, at the right instant (issue 13): the 338 files of
``tests/corpus/ics`` (16 producers; see its README and MANIFEST.json).

Each file is imported as ``summits import`` reads it (``read_file`` + ``events_of``,
against an empty store), with a per-file time limit. Every file with a VEVENT must
import (what is flawed repaired or skipped, and said); no file may raise anything but
InvalidData. Each UID's occurrences over two years from the file's first DTSTART are
compared with the reference (icalendar + recurring-ical-events, ``ics_reference``):
they agree, or the import itself says why they differ (a message naming the UID, or a
TZID the event uses). The figures are printed (``pytest -s``): files by producer,
imported cleanly / with repairs / refused, and instant agreement.
"""

from __future__ import annotations

import json
import re
import signal
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from ics_reference import ERROR_KEY, reference_instants, summits_instants

from summit_cli.errors import InvalidData
from summit_cli.interop import importing
from summit_cli.interop.batch import Batch, events_of
from summit_cli.interop.ics import id_for_uid
from summit_cli.model import Store

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).parent / "corpus" / "ics"
MANIFEST = json.loads((CORPUS / "MANIFEST.json").read_text(encoding="utf-8"))
SECONDS_PER_FILE = 20  # a hang is a failure, not a wait
WINDOW = timedelta(days=730)
_FOLD_RE = re.compile(r"(?:\r\n|\n|\r)[ \t]")
_VEVENT_RE = re.compile(r"(?is)BEGIN:VEVENT(.*?)(?:END:VEVENT|\Z)")
_DTSTART_RE = re.compile(r'(?im)^DTSTART(?:[^:"\r\n]|"[^"\r\n]*")*:[ \t]*(\d{8})')
_TZID_RE = re.compile(rb'(?i)TZID=("[^"]*"|[^;:\r\n]*)')


class TookTooLong(Exception):
    pass


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def stop(signum: int, frame: Any) -> None:
        raise TookTooLong(f"more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Outcome:
    producer: str
    verdict: str  # clean, repaired, refused, crash
    reason: str = ""
    agree: int = 0
    reported: int = 0
    unexplained: list[str] = field(default_factory=list)
    compared: bool = False


def _first_day(data: bytes) -> date | None:
    """The earliest DTSTART day of the file's VEVENTs (lexically, so that it does not
    depend on either reader)."""
    text = _FOLD_RE.sub("", data.decode("latin-1"))
    days = []
    for block in _VEVENT_RE.findall(text):
        for day in _DTSTART_RE.findall(block):
            try:
                days.append(date(int(day[:4]), int(day[4:6]), int(day[6:])))
            except ValueError:
                continue
    days = [d for d in days if d.year > 1700]
    return min(days) if days else None


def _said(batch: Batch) -> list[str]:
    return [*batch.notes, *batch.warnings, *batch.skipped]


def _label(uid: str) -> str:
    """How the import names a VEVENT's UID in its messages."""
    return f"UID {uid})" if len(uid) <= 60 else f"UID {uid[:60]}...)"


def _tzids_of(data: bytes, uid: str) -> set[str]:
    """The TZIDs the VEVENTs of *uid* use (lexically: what the messages would name)."""
    text = data.decode("utf-8", "replace")
    found = set()
    for chunk in re.split(r"(?i)BEGIN:VEVENT", text)[1:]:
        if uid and f"UID:{uid}" not in chunk.replace("\r\n ", "").replace("\n ", ""):
            continue
        for raw in _TZID_RE.findall(chunk.encode("utf-8", "replace")):
            found.add(raw.decode("utf-8", "replace").strip().strip('"').strip())
    return found


def _explained(uid: str, messages: list[str], data: bytes) -> bool:
    if not uid:  # the reference files every VEVENT without UID under ""
        return any(m.startswith("VEVENT") and "UID" not in m.split(":")[0] for m in messages)
    if any(_label(uid) in m for m in messages):
        return True
    zones = {t[:80] for t in _tzids_of(data, uid) if t}
    return any(f"TZID '{zone}'" in m or f'TZID "{zone}"' in m for zone in zones for m in messages)


def _compare(data: bytes, batch: Batch, events: list[Any], outcome: Outcome) -> None:
    first = _first_day(data)
    if first is None:
        return
    lo = datetime.combine(first - timedelta(days=3), datetime.min.time(), UTC)
    hi = lo + WINDOW + timedelta(days=3)
    reference = reference_instants(data, lo, hi)
    if ERROR_KEY in reference:
        reference = reference_instants(data, lo, hi, skip_bad_series=True)
    if ERROR_KEY in reference:
        return
    outcome.compared = True
    keep_from, keep_to = (first - timedelta(days=1)).isoformat(), (first + WINDOW).isoformat()

    def kept(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return sorted({p for p in pairs if keep_from <= p[0][:10] < keep_to})

    ours = summits_instants(events, lo, hi)
    where = {str(r["id"]): label for label, r in batch.records if isinstance(r.get("id"), str)}
    messages = _said(batch)
    for uid, instants in reference.items():
        ids = {i for i, label in where.items() if "UID" not in label} if not uid else set()
        if uid:
            ids = {id_for_uid(uid)} | {i for i, label in where.items() if _label(uid) in label}
        mine = [pair for i in ids for pair in ours.get(i, [])]
        if kept(instants) == kept(mine):
            outcome.agree += 1
        elif _explained(uid, messages, data):
            outcome.reported += 1
        else:
            outcome.unexplained.append(
                f"UID {uid!r}: reference {kept(instants)[:3]}... ({len(kept(instants))}), "
                f"summits {kept(mine)[:3]}... ({len(kept(mine))})"
            )


def _import(entry: dict[str, Any]) -> Outcome:
    data = (CORPUS / entry["file"]).read_bytes()
    outcome = Outcome(entry["producer"], "clean")
    began = time.monotonic()
    try:
        with time_limit(SECONDS_PER_FILE):
            batch = importing.read_file(data, "ics", entry["file"])
            importing.check(batch)
            events = events_of(batch, Store())
            if batch.warnings or batch.skipped:
                outcome.verdict = "repaired"
            _compare(data, batch, events, outcome)
    except InvalidData as exc:
        outcome.verdict, outcome.reason = "refused", str(exc)[:200]
    except Exception as exc:  # the point: nothing else may come out
        outcome.verdict, outcome.reason = "crash", f"{type(exc).__name__}: {exc}"[:300]
    outcome.reason += f" ({time.monotonic() - began:.1f} s)" if outcome.verdict == "crash" else ""
    return outcome


def _figures(outcomes: dict[str, Outcome]) -> str:
    rows: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for outcome in outcomes.values():
        row = rows[outcome.producer]
        row["files"] += 1
        row[outcome.verdict] += 1
        row["agree"] += outcome.agree
        row["reported"] += outcome.reported
        row["unexplained"] += len(outcome.unexplained)
    columns = ["files", "clean", "repaired", "refused", "crash", "agree", "reported", "unexplained"]
    lines = ["producer".ljust(24) + "".join(c.rjust(12) for c in columns)]
    total: Counter[str] = Counter()
    for producer in sorted(rows):
        total.update(rows[producer])
        lines.append(
            producer.ljust(24) + "".join(str(rows[producer][c]).rjust(12) for c in columns)
        )
    lines.append("all".ljust(24) + "".join(str(total[c]).rjust(12) for c in columns))
    refused = [f"  refused {f}: {o.reason}" for f, o in outcomes.items() if o.verdict == "refused"]
    return "\n".join(lines + refused)


def test_every_corpus_file_imports_at_the_reference_instants() -> None:
    outcomes = {entry["file"]: _import(entry) for entry in MANIFEST}
    print("\nICS corpus (UIDs: agree / reported differences / unexplained)\n" + _figures(outcomes))
    crashes = {f: o.reason for f, o in outcomes.items() if o.verdict == "crash"}
    assert crashes == {}
    with_events = {entry["file"] for entry in MANIFEST if entry["has_vevent"]}
    refused = {
        f: o.reason for f, o in outcomes.items() if f in with_events and o.verdict == "refused"
    }
    assert refused == {}
    unexplained = {f: o.unexplained for f, o in outcomes.items() if o.unexplained}
    assert unexplained == {}
    compared = sum(o.compared for o in outcomes.values())
    assert compared >= 285  # every file with a DTSTART that the reference can expand


def test_files_without_events_are_refused_or_read_cleanly() -> None:
    for entry in MANIFEST:
        if entry["has_vevent"]:
            continue
        outcome = _import(entry)
        assert outcome.verdict in {"clean", "repaired", "refused"}, (entry["file"], outcome)
