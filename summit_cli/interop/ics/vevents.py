"""The VEVENTs of a calendar, before they become records: where each is (its number,
line and UID), which calendar it is in (METHOD, zones, X-WR-TIMEZONE), and of a UID
seen twice (or a changed occurrence seen twice) the newest copy. Pure."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from summit_cli.interop.ics import series
from summit_cli.interop.ics.lexer import Block, Prop
from summit_cli.interop.ics.tzids import ZoneRead, Zones
from summit_cli.interop.ics.values import Moment, moment_of, parse_moment, unescape_text

SHOWN = 60  # characters of a UID or value quoted in a message


@dataclass
class Context:
    """What a VEVENT takes from its calendar."""

    method: str | None
    zones: Zones
    xwr: ZoneRead | None


@dataclass
class Vevent:
    """One VEVENT before it becomes a record."""

    number: int
    block: Block
    context: Context
    uid: str | None
    key: str  # the UID, or one derived from the content
    sequence: int
    stamp: str  # DTSTAMP/LAST-MODIFIED as YYYYMMDDTHHMMSS text (compares in order)
    rid: Moment | None = None
    rid_prop: Prop | None = None

    @property
    def where(self) -> str:
        uid = self.uid if self.uid is None or len(self.uid) <= SHOWN else self.uid[:SHOWN] + "..."
        tail = f", UID {uid}" if uid else ""
        return f"VEVENT {self.number} (line {self.block.line}{tail})"


@dataclass
class Said:
    repairs: list[str] = field(default_factory=list)
    skips: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def take(self, other: series.Said) -> None:
        self.repairs += other.repairs
        self.skips += other.skips


def context_of(calendar: Block, said: Said) -> Context:
    method = (calendar.value("METHOD") or "").strip().upper() or None
    zones = Zones([b for b in calendar.children if b.name == "VTIMEZONE"])
    xwr = None
    raw = calendar.value("X-WR-TIMEZONE")
    if raw is not None and raw.strip():
        xwr = zones.read(raw, 2000, 2000)
        if xwr.iana is not None:
            said.notes.append(
                f"X-WR-TIMEZONE {xwr.iana}: times without a zone (and in UTC) are read there, "
                "as Google Calendar means them"
            )
        else:
            said.repairs.append(
                f"X-WR-TIMEZONE {raw.strip()[:SHOWN]!r} is not a time zone; ignored"
            )
            xwr = None
    return Context(method, zones, xwr)


def vevents_of(calendar: Block) -> list[Block]:
    """The VEVENTs of a calendar, also those inside components that are not events."""
    found: list[Block] = []
    stack = list(reversed(calendar.children))
    while stack:
        block = stack.pop()
        if block.name == "VEVENT":
            found.append(block)
        elif block.name not in ("VTIMEZONE", "VTODO", "VJOURNAL", "VFREEBUSY", "VALARM"):
            stack.extend(reversed(block.children))
    return found


def _derived_uid(block: Block) -> str:
    """A stable UID for a VEVENT without one: a hash of what it says (not of its stamps)."""
    lines = [
        f"{p.name};{sorted(p.params.items())}:{p.value}"
        for p in block.props
        if p.name not in ("DTSTAMP", "CREATED", "LAST-MODIFIED", "SEQUENCE")
    ]
    return (
        "summits-derived-"
        + hashlib.sha256("\n".join(lines).encode("utf-8", "replace")).hexdigest()[:24]
    )


def first_look(block: Block, number: int, context: Context, said: Said) -> Vevent:
    raw_uid = block.value("UID")
    uid = unescape_text(raw_uid).strip() if raw_uid is not None else ""
    vevent = Vevent(number, block, context, uid or None, uid or _derived_uid(block), 0, "")
    if not uid:
        said.repairs.append(f"{vevent.where}: no UID; its id was derived from its content")
    sequence = block.value("SEQUENCE")
    if sequence is not None:
        text = sequence.strip()
        if text.lstrip("-").isdigit() and len(text) < 10:
            vevent.sequence = int(text)
        else:
            said.repairs.append(
                f"{vevent.where}: SEQUENCE {text[:SHOWN]!r} is not a number; read as 0"
            )
    stamps = []
    for name in ("LAST-MODIFIED", "DTSTAMP"):
        value = block.value(name)
        if value is None:
            continue
        try:
            stamps.append(parse_moment(value, bounded=False).naive().isoformat())
        except ValueError:
            said.repairs.append(
                f"{vevent.where}: {name} {value.strip()[:SHOWN]!r} unreadable; ignored"
            )
    vevent.stamp = max(stamps, default="")
    rid = block.first("RECURRENCE-ID")
    if rid is not None:
        try:
            vevent.rid = moment_of(rid)
            vevent.rid_prop = rid
        except ValueError as exc:
            said.repairs.append(
                f"{vevent.where}: RECURRENCE-ID unreadable ({exc}); read as an event of its own"
            )
    return vevent


def newest(vevents: list[Vevent], said: Said) -> tuple[list[Vevent], dict[str, list[Vevent]]]:
    """(series and single events, changed occurrences by UID): of a UID (and RECURRENCE-ID)
    seen twice, the copy with the highest SEQUENCE, then the latest stamp, then the last."""
    best: dict[tuple[str, str], Vevent] = {}
    for vevent in vevents:
        slot = (vevent.key, rid_key(vevent))
        other = best.get(slot)
        if other is None:
            best[slot] = vevent
            continue
        newer = (vevent.sequence, vevent.stamp) >= (other.sequence, other.stamp)
        kept, dropped = (vevent, other) if newer else (other, vevent)
        best[slot] = kept
        later = kept.sequence == dropped.sequence and kept.stamp != dropped.stamp
        said.skips.append(
            f"{dropped.where}: an older copy of the same event (VEVENT {kept.number} has "
            f"SEQUENCE {kept.sequence}{', a later stamp' if later else ''}); left out"
        )
    masters = sorted((v for v in best.values() if v.rid is None), key=lambda v: v.number)
    changes: dict[str, list[Vevent]] = {}
    for vevent in sorted(best.values(), key=lambda v: v.number):
        if vevent.rid is not None:
            changes.setdefault(vevent.key, []).append(vevent)
    return masters, changes


def rid_key(vevent: Vevent) -> str:
    if vevent.rid is None:
        return ""
    moment = vevent.rid
    return f"{moment.day}|{moment.clock}|{moment.utc}|{moment.offset}|{moment.tzid}"
