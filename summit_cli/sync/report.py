"""What a sync did to each remote, for people (lines) and for scripts (JSON). Pure."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ConflictNote:
    """One conflict: which side was kept, and where the version not kept is recorded."""

    id: str
    kind: str
    kept: str
    record: str | None = None

    def to_plain(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RemoteReport:
    """What one sync of one remote did (or, with ``dry_run``, would do). Ids are listed in
    order, whatever the order the pushes (several at a time) finished in."""

    name: str
    kind: str
    url: str
    dry_run: bool = False
    pushed_new: list[str] = field(default_factory=list)
    pushed_changed: list[str] = field(default_factory=list)
    pushed_deleted: list[str] = field(default_factory=list)
    pulled_new: list[str] = field(default_factory=list)
    pulled_changed: list[str] = field(default_factory=list)
    pulled_deleted: list[str] = field(default_factory=list)
    conflicts: list[ConflictNote] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "what: why", for people
    left: list[str] = field(default_factory=list)  # ids the next sync will finish
    notes: list[str] = field(default_factory=list)  # what else people should know
    not_modified: bool = False  # a feed that answered 304 / did not change
    requests: int = 0
    error: str | None = None
    exit_code: int = 0

    @property
    def pushed(self) -> tuple[list[str], list[str], list[str]]:
        """The ids pushed: new, changed, deleted."""
        return self.pushed_new, self.pushed_changed, self.pushed_deleted

    @property
    def pulled(self) -> tuple[list[str], list[str], list[str]]:
        """The ids pulled: new, changed, deleted."""
        return self.pulled_new, self.pulled_changed, self.pulled_deleted

    @property
    def changed(self) -> bool:
        return any((*self.pushed, *self.pulled))

    def to_plain(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "url": self.url,
            "dry_run": self.dry_run,
            "ok": self.error is None,
            "error": self.error,
            "exit_code": self.exit_code,
            "pushed": _by_change(self.pushed),
            "pulled": _by_change(self.pulled),
            "conflicts": [c.to_plain() for c in self.conflicts],
            "skipped": self.skipped,
            "left_for_next_sync": self.left,
            "notes": self.notes,
            "not_modified": self.not_modified,
            "requests": self.requests,
        }

    def lines(self) -> list[str]:
        """For people: a summary line, then one line per change (ids, never titles)."""
        would = "would " if self.dry_run else ""
        if self.error is not None:
            head = f"{self.name}: failed"
            if self.changed:
                head += f" after {_counts(self)}"
            return [head]
        if self.not_modified:
            return [f"{self.name}: not modified since the last sync"]
        if not self.changed and not self.conflicts:
            head = f"{self.name}: up to date"
        else:
            head = f"{self.name}: {would}{_counts(self)}"
        out = [head]
        there = "the feed" if self.kind == "feed" else "the server"
        for label, ids in (
            (f"{would}push new", self.pushed_new),
            (f"{would}push change", self.pushed_changed),
            (f"{would}delete on {there}", self.pushed_deleted),
            (f"{would}pull new", self.pulled_new),
            (f"{would}pull change", self.pulled_changed),
            (f"{would}delete here", self.pulled_deleted),
        ):
            out += [f"  {label}: {i}" for i in sorted(ids)]
        for note in self.conflicts:
            line = f"  conflict ({note.kind}): {note.id}: kept the {_side(note.kept, there)}"
            if note.record:
                line += f"; the other version is in {note.record}"
            out.append(line)
        out += [f"  skipped: {s}" for s in self.skipped]
        out += [f"  left for the next sync: {i}" for i in self.left]
        out += [f"  note: {n}" for n in self.notes]
        return out


def _side(kept: str, there: str) -> str:
    return "store's version" if kept == "local" else f"version on {there}"


def _by_change(ids: tuple[list[str], list[str], list[str]]) -> dict[str, list[str]]:
    new, changed, deleted = ids
    return {"added": sorted(new), "changed": sorted(changed), "deleted": sorted(deleted)}


def _counts(report: RemoteReport) -> str:
    pushed = sum(map(len, report.pushed))
    pulled = sum(map(len, report.pulled))
    verbs = ("push", "pull") if report.dry_run and report.error is None else ("pushed", "pulled")
    parts = []
    if report.kind != "feed" or pushed:
        parts.append(f"{verbs[0]} {pushed}")
    parts.append(f"{verbs[1]} {pulled}")
    if report.conflicts:
        count = len(report.conflicts)
        parts.append(f"{count} conflict{'s' if count != 1 else ''}")
    return ", ".join(parts)
