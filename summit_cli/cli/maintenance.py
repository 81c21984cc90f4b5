"""Maintenance commands: ``validate`` (check a store) and ``undo`` (restore the last version)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from summit_cli import checks, store
from summit_cli.cli import output
from summit_cli.cli.exits import ExitCode, say
from summit_cli.cli.options import settings_of
from summit_cli.errors import InvalidData
from summit_cli.safetext import visible


class ReportFormat(StrEnum):
    """How ``validate`` lists what it found."""

    TEXT = "text"
    JSON = "json"


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
    app.command("undo")(undo)


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

        def line_of(kind: str, key: str | int) -> int | None:
            if checked.syntax != "yaml":
                return None
            return store.line_of(checked.tree, kind, key)

        found += checks.warnings(checked.tree, checked.store, now, line_of)
    return found


def validate(
    ctx: typer.Context,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Also report warnings (unknown keys, round gaps and duplicates, ends before "
            "starts in another zone, long-past events still scheduled); any warning then "
            "makes the exit code 3.",
        ),
    ] = False,
    report: Annotated[
        ReportFormat,
        typer.Option("--output", "-o", help="text (one line per problem) or json."),
    ] = ReportFormat.TEXT,
) -> None:
    """Check the store and report every problem with its location.

    Exit code: 0 when the store is valid, 3 when it is not (with --strict: also
    when there are warnings). Lines read FILE:LINE: LEVEL: WHERE: MESSAGE.

    Example: summits --store mine.yaml validate --strict --output json
    """
    settings = settings_of(ctx)
    location = settings.location()
    found = _findings(location, strict, settings.now)
    errors = [f for f in found if f.level == "error"]
    warned = [f for f in found if f.level == "warning"]
    shown = found if strict else errors
    if report is ReportFormat.JSON:
        from summit_cli import export

        output.write(export.to_json([f.to_plain() for f in shown]))
    else:
        lines = []
        for finding in shown:
            line = f"{finding.line}:" if finding.line is not None else ""
            where = f" {visible(finding.where)}:" if finding.where else ""
            lines.append(
                f"{visible(str(location.path))}:{line} {finding.level}:{where} "
                f"{visible(finding.message)}\n"
            )
        output.write("".join(lines))
    summary = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
    if strict:
        summary += f", {len(warned)} warning{'s' if len(warned) != 1 else ''}"
    if errors or (strict and warned):
        say(f"{visible(str(location.path))}: {summary}")
        raise typer.Exit(int(ExitCode.INVALID_DATA))
    hint = "" if strict or not warned else f" ({len(warned)} warnings: see --strict)"
    say(f"{visible(str(location.path))}: valid{hint}")


def undo(
    ctx: typer.Context,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", "-n", help="Show what would change and write nothing."),
    ] = False,
) -> None:
    """Restore the store as it was before the last write (add, edit, remove, formats add...).

    The version it replaces is kept too (marked "undone"). Run undo again to go
    one more version back, as long as backups last (the newest 10 are kept in
    the hidden folder .<store name>.backups next to the store).

    Example: summits undo --dry-run
    """
    settings = settings_of(ctx)
    location = settings.location()
    done = store.undo(location, lock_timeout=settings.lock_timeout, dry_run=dry_run)
    restored = visible(str(done.restored.path))
    when = _when(done.restored.mtime_ns)
    if dry_run:
        if done.before is None:
            output.write("(the current store is not valid; it would be replaced whole)\n")
        else:
            from summit_cli.export import store_diff

            diff = store_diff(done.before, done.after)
            output.write("".join(visible(line) + "\n" for line in diff.splitlines()))
        say(f"dry run: nothing was written; undo would restore the version of {when} ({restored})")
        return
    changes = _summary(done)
    say(f"undone: restored {visible(str(done.path))} to the version of {when} ({changes})")
    if done.kept is not None:
        say(f"the state it replaced is kept as {visible(str(done.kept))}")
    more = "run undo again to go one more version back" if done.remaining else "no earlier versions"
    say(f"{done.remaining} earlier version{'s' if done.remaining != 1 else ''} kept; {more}")
    if not done.durable:
        say(
            "the store is restored, but durability is unconfirmed (syncing the folder failed)",
            kind="warning",
        )


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
