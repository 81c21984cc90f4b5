"""Maintenance commands: ``validate`` (check a store) and ``undo`` (restore the last version)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from summit_cli import checks, store
from summit_cli.cli.declare import option
from summit_cli.cli.exits import ExitCode
from summit_cli.cli.options import settings_of
from summit_cli.cli.output import Text
from summit_cli.errors import InvalidData


class ReportFormat(StrEnum):
    """How ``validate`` lists what it found."""

    TEXT = "text"
    JSON = "json"


STRICT_HELP = (
    "Also report warnings (unknown keys, round gaps and duplicates, ends before starts in another "
    "zone, long-past events still scheduled, rough dates whose window has passed with no date "
    "set); any warning then makes the exit code 3."
)


def validate(
    ctx: typer.Context,
    strict: Annotated[bool, option("--strict", STRICT_HELP)] = False,
    report: Annotated[
        ReportFormat,
        option("--output -o FORMAT", "text (one line per problem) or json.", case_sensitive=False),
    ] = ReportFormat.TEXT,
) -> None:
    """Check the store and report every problem with its location.

    Exit code: 0 when the store is valid, 3 when it is not (with --strict: also
    when there are warnings). Lines read FILE:LINE: LEVEL: WHERE: MESSAGE.

    Example: summits --store mine.yaml validate --strict --output json
    """
    settings = settings_of(ctx)
    env = settings.env
    location = settings.location()
    found = _findings(location, strict, settings.now)
    errors = [f for f in found if f.level == "error"]
    warned = [f for f in found if f.level == "warning"]
    shown = found if strict else errors
    if report is ReportFormat.JSON:
        from summit_cli.writers import to_json

        env.write(to_json([f.to_plain() for f in shown]))
    else:
        env.write("".join(finding_line(str(location.path), f) for f in shown))
    summary = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
    if strict:
        summary += f", {len(warned)} warning{'s' if len(warned) != 1 else ''}"
    if errors or (strict and warned):
        env.say(f"{location.path}: {summary}")
        raise typer.Exit(int(ExitCode.INVALID_DATA))
    plural = "warning" if len(warned) == 1 else "warnings"
    hint = "" if strict or not warned else f" ({len(warned)} {plural}: see --strict)"
    env.say(f"{location.path}: valid{hint}")


def finding_line(path: str, finding: checks.Finding) -> str:
    """``FILE:LINE: LEVEL: WHERE: MESSAGE``, shown safely."""
    from summit_cli.safetext import visible

    line = f"{finding.line}:" if finding.line is not None else ""
    where = f" {finding.where}:" if finding.where else ""
    return visible(f"{path}:{line} {finding.level}:{where} {finding.message}") + "\n"


def _findings(location: store.Location, strict: bool, now: object) -> list[checks.Finding]:
    from datetime import datetime

    assert isinstance(now, datetime)
    try:
        checked = store.check(location.path)
    except InvalidData as exc:  # does not parse at all: that one problem is all we can say
        return [checks.from_problem(p) for p in exc.problems]
    found = [checks.from_problem(p) for p in checked.problems]
    if not found:
        # The published contract too: what the JSON Schema says (summits schema).
        from summit_cli import schema

        found += [
            checks.from_problem(problem.__class__(f"schema: {problem.where}", problem.what))
            for problem in schema.schema_problems(checked.tree)
        ]
    if strict or not found:
        found += checks.warnings(checked.tree, checked.store, now, checked.line_of)
    return found


def undo(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, option("--dry-run", "Show what would change and write nothing.")
    ] = False,
) -> Text | None:
    """Restore the store as it was before the last write (add, edit, remove, formats add...).

    The version it replaces is kept too (marked "undone"). Run undo again to go
    one more version back, as long as backups last (the newest 10 are kept in
    the hidden folder .<store name>.backups next to the store).

    Example: summits undo --dry-run
    """
    settings = settings_of(ctx)
    env = settings.env
    done = store.undo(settings.location(), lock_timeout=settings.lock_timeout, dry_run=dry_run)
    when = _when(done.restored.mtime_ns)
    if dry_run:
        env.say(
            f"dry run: nothing was written; undo would restore the version of {when} "
            f"({done.restored.path})"
        )
        if done.before is None:
            return Text("(the current store is not valid; it would be replaced whole)\n")
        from summit_cli.writers import store_diff

        return Text(store_diff(done.before, done.after))
    env.say(f"undone: restored {done.path} to the version of {when} ({_summary(done)})")
    if done.kept is not None:
        env.say(f"the state it replaced is kept as {done.kept}")
    if done.remaining:
        plural = "s" if done.remaining != 1 else ""
        env.say(f"{done.remaining} earlier version{plural} kept: run undo again to go further back")
    else:
        env.say("that was the oldest version kept")
    if not done.durable:
        env.say(
            "the store is restored, but durability is unconfirmed (syncing the folder failed)",
            kind="warning",
        )
    return None


def _when(mtime_ns: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(mtime_ns / 1e9, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _summary(done: store.Undone) -> str:
    if done.before is None:
        return "the invalid store was replaced whole"
    before = {e.id: e for e in done.before.events}
    after = {e.id: e for e in done.after.events}
    parts = []
    removed = [i for i in before if i not in after]
    added = [i for i in after if i not in before]
    changed = [i for i in after if i in before and before[i] != after[i]]
    for label, ids in (("removed", removed), ("brought back", added), ("changed back", changed)):
        if ids:
            shown = ", ".join(ids[:5]) + (" ..." if len(ids) > 5 else "")
            parts.append(f"{len(ids)} event{'s' if len(ids) != 1 else ''} {label}: {shown}")
    if done.before.formats != done.after.formats:
        parts.append("formats changed back")
    return "; ".join(parts) or "no event changed"
