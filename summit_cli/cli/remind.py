"""The remind command: run by cron or a timer, it sends each reminder (event x lead) once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from summit_cli import query, reminders, store
from summit_cli.cli.declare import option
from summit_cli.cli.groups import Filters, to_filter
from summit_cli.cli.options import AHEAD, settings_of
from summit_cli.cli.output import Output, Text, emit, machine_text
from summit_cli.cli.settings import Settings
from summit_cli.errors import ExecFailed, InvalidInput
from summit_cli.reminders import Alert, Fate
from summit_cli.safetext import visible

# The keys of a reminder's JSON record, in order; each is also SUMMITS_<KEY> for --exec.
ALERT_KEYS = (
    "alert",
    "id",
    "title",
    "occurrence",
    "lead",
    "lead_seconds",
    "due_utc",
    "late",
    "late_seconds",
    "retry",
    "start_utc",
    "start_local",
    "all_day",
    "starts_in_seconds",
    "countdown",
    "kind",
    "format",
    "status",
    "venue",
    "city",
    "country",
    "message",
)
DEFAULT_EXEC_TIMEOUT = 30.0
MAX_EXEC_TIMEOUT = 3600.0
STOP_WAIT = 2.0  # seconds between asking a timed-out command to stop and killing it


BEFORE_HELP = (
    "Lead times, comma-separated: a reminder this long before each event's start, e.g. 7d,1d,2h "
    "(0min: at the start)."
)
GRACE_HELP = (
    "How late a missed reminder (the machine slept) may still go out, marked late; older ones are "
    "dropped. 0min sends none late. At most 90d."
)
EXEC_HELP = (
    "Run CMD for each reminder (split like a shell line, never run by a shell) with the reminder "
    "in SUMMITS_* environment variables; its output goes to stderr."
)
OUTPUT_HELP = (
    "plain (a line per reminder; table is the same) or a record per reminder: json, jsonl, yaml, "
    "csv, tsv, ids (the event ids)."
)


def remind(
    ctx: typer.Context,
    filters: Filters = AHEAD,
    before: Annotated[str, option("--before LEADS", BEFORE_HELP)] = reminders.DEFAULT_LEADS,
    grace: Annotated[str, option("--grace DURATION", GRACE_HELP)] = reminders.DEFAULT_GRACE,
    exec_command: Annotated[str | None, option("--exec CMD", EXEC_HELP)] = None,
    exec_timeout: Annotated[
        float, option("--exec-timeout SECONDS", "Stop a --exec command that runs longer than this.")
    ] = DEFAULT_EXEC_TIMEOUT,
    dry_run: Annotated[
        bool, option("--dry-run", "Show the reminders due now; send, run and record nothing.")
    ] = False,
    output_format: Annotated[
        Output, option("--output -o FORMAT", OUTPUT_HELP, case_sensitive=False)
    ] = Output.PLAIN,
) -> None:
    r"""Send the reminders that are due, each once: for cron or a systemd timer.

    Run it every 5 minutes (crontab, timer: docs/reminders.md). Each reminder
    (an event, or one occurrence of a series, times a lead time) goes out once
    across runs; overlapping runs take turns (a lock). A run killed between
    sending a reminder and recording it sends it again next time, marked "may
    repeat": at least once, never lost. Cancelled events and dates still to be
    decided never remind; an uncertain date reminds from its window's start.
    The record of sent reminders is <store>.alerts.json beside the store.

    Exit codes: 0 ok (also when nothing is due), 2 usage, 3 the store or the
    record is damaged, 4 another remind held the lock past --lock-timeout
    (nothing sent), 5 I/O error, 6 an --exec command failed or timed out (that
    reminder is tried again by the next run).

    Example: summits remind --before 1d,2h --exec 'sh -c "notify-send \"$SUMMITS_TITLE\""'
    """
    settings = settings_of(ctx)
    leads = reminders.parse_leads(before)
    grace_delta = reminders.parse_grace(grace)
    runner = None if exec_command is None else Runner.parse(exec_command, exec_timeout, settings)
    now = settings.now
    spec = to_filter(filters, settings)
    lo, hi = reminders.window(now, leads, grace_delta)
    spec = replace(spec, start=lo.astimezone(settings.display), end=hi.astimezone(settings.display))
    location = settings.location()
    items = query.select(store.read_store(location), spec, settings.display, now=now)
    from summit_cli.store import alerts

    path = alerts.alerts_path(location)
    printer = Printer(settings, Output(output_format))
    if dry_run:
        planned = reminders.plan(items, leads, now, grace_delta, alerts.read(path))
        for alert in planned.send:
            printer.show(alert)
        printer.close()
        count = len(planned.send)
        settings.env.say(
            f"dry run: {count} reminder{'' if count == 1 else 's'} due; "
            "nothing was sent, run or recorded"
        )
        return None
    failed: list[Alert] = []
    with alerts.locked(path, settings.lock_timeout):
        state = alerts.read(path)
        planned = reminders.plan(items, leads, now, grace_delta, state)
        kept = reminders.prune(state, now)
        kept = reminders.settle(kept, planned.supersede, Fate.SUPERSEDED, now)
        if kept != state and not planned.send:
            alerts.write(path, kept)
        for alert in planned.send:
            before_sending = kept
            kept = reminders.settle(kept, [alert], Fate.SENDING, now)
            alerts.write(path, kept)  # a run killed from here on sends it again
            if runner is not None:
                try:
                    runner.run(alert, record(alert, now))
                except ExecFailed as exc:
                    settings.env.say(str(exc), kind="error")
                    failed.append(alert)
                    kept = before_sending
                    alerts.write(path, kept)
                    continue
            printer.show(alert)
            kept = reminders.settle(kept, [alert], Fate.SENT, now)
            alerts.write(path, kept)
    printer.close()
    if failed:
        raise ExecFailed(
            f"{len(failed)} of {len(planned.send)} reminders not sent (--exec failed); "
            "the next run tries them again"
        )
    return None


# ------------------------------------------------------------------ output


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def message(alert: Alert, now: datetime) -> str:
    """``NATO–Russia Council (nrc): tomorrow (2022-01-12 Wed, Brussels) [1d before]``."""
    from summit_cli.views.base import countdown_line

    notes = [f"{alert.lead.label} before"]
    if alert.is_late:
        notes.append(f"{reminders.late_text(alert.late)} late")
    if alert.retry:
        notes.append("may repeat")
    return f"{countdown_line(alert.item, now)} [{', '.join(notes)}]"


def record(alert: Alert, now: datetime) -> dict[str, Any]:
    """The reminder as a JSON-ready mapping with ALERT_KEYS, in order."""
    from summit_cli.timeline import countdown

    item, span = alert.item, alert.item.span
    event = item.event
    count = countdown(span, now)
    data: dict[str, Any] = {
        "alert": alert.key,
        "id": event.id,
        "title": event.title,
        "occurrence": item.occurrence.isoformat() if item.occurrence else None,
        "lead": alert.lead.label,
        "lead_seconds": alert.lead.seconds,
        "due_utc": _utc_text(alert.due),
        "late": alert.is_late,
        "late_seconds": int(alert.late.total_seconds()),
        "retry": alert.retry,
        "start_utc": _utc_text(span.start),
        "start_local": span.start.astimezone(span.zone).isoformat(),
        "all_day": span.all_day,
        "starts_in_seconds": count.seconds,
        "countdown": count.text,
        "kind": event.kind,
        "format": event.format,
        "status": event.status.value,
        "venue": event.venue,
        "city": event.city,
        "country": event.country,
        "message": message(alert, now),
    }
    return data


class Printer:
    """Prints reminders one at a time as they go out (through the output door), so what a
    killed run printed is what it sent. Each machine format is written as it grows: one
    JSON array, a CSV or TSV header then a row each, a YAML list item each."""

    def __init__(self, settings: Settings, choice: Output) -> None:
        self.settings = settings
        self.choice = choice
        self.count = 0

    def show(self, alert: Alert) -> None:
        now = self.settings.now
        choice = self.choice
        if choice in (Output.PLAIN, Output.TABLE):
            text = message(alert, now) + "\n"
        elif choice is Output.JSON:
            from summit_cli.writers import json_text

            text = ("[\n" if self.count == 0 else ",\n") + json_text(record(alert, now))
        else:
            text = machine_text([record(alert, now)], ALERT_KEYS, choice)
            if self.count and choice in (Output.CSV, Output.TSV):
                text = text.split("\r\n" if choice is Output.CSV else "\n", 1)[1]  # the header
        self.count += 1
        emit(Text(text), self.settings)

    def close(self) -> None:
        """End the output: close the JSON array; with nothing sent, an empty document."""
        if self.choice is Output.JSON:
            emit(Text("\n]\n" if self.count else "[]\n"), self.settings)
        elif not self.count and self.choice in (Output.CSV, Output.TSV, Output.YAML):
            emit(Text(machine_text([], ALERT_KEYS, self.choice)), self.settings)


# -------------------------------------------------------------------- exec


def environment_of(data: Mapping[str, Any]) -> dict[str, str]:
    """A reminder's record as SUMMITS_* variables: text made visible (no control character,
    so a title cannot break a mail header), booleans true/false, null empty; SUMMITS_JSON
    holds the exact record."""
    from summit_cli.writers import json_text

    def text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return visible(str(value)).encode("utf-8", "backslashreplace").decode("utf-8")

    out = {f"SUMMITS_{key.upper()}": text(value) for key, value in data.items()}
    out["SUMMITS_JSON"] = text(json_text(dict(data)))
    return out


@dataclass(frozen=True)
class Runner:
    """Runs the --exec command for a reminder: argv as split once, no shell, the reminder only
    in the environment, stdin empty, stdout and stderr to our stderr, and a time limit."""

    argv: tuple[str, ...]  # argv[0] is the resolved program
    name: str  # the program as typed, for messages
    timeout: float
    environ: Mapping[str, str]
    output: Any  # a file descriptor, or subprocess.DEVNULL

    @classmethod
    def parse(cls, command: str, timeout: float, settings: Settings) -> Runner:
        """Check the command before anything is sent: it splits, and its program exists."""
        import math
        import shlex
        import shutil
        import subprocess

        if not math.isfinite(timeout) or not 0 < timeout <= MAX_EXEC_TIMEOUT:
            raise InvalidInput(
                f"--exec-timeout must be a number of seconds above 0 and at most "
                f"{MAX_EXEC_TIMEOUT:g}, not {timeout!r}"
            )
        try:
            argv = shlex.split(command)
        except ValueError as exc:
            raise InvalidInput(f"--exec {command!r}: cannot split it into words: {exc}") from None
        if not argv:
            raise InvalidInput("--exec needs a command, e.g. --exec 'notify-send Reminder'")
        environ = settings.env.environ
        program = shutil.which(argv[0], path=environ.get("PATH", ""))
        if program is None:
            raise InvalidInput(
                f"--exec: {argv[0]!r} is not an executable program (looked on PATH); "
                "nothing was sent"
            )
        try:
            output: Any = settings.env.stderr.fileno()
        except (AttributeError, OSError, ValueError):
            output = subprocess.DEVNULL
        return cls((program, *argv[1:]), argv[0], timeout, environ, output)

    def run(self, alert: Alert, data: Mapping[str, Any]) -> None:
        """Run the command for *alert*; ExecFailed when it cannot start, fails or times out."""
        import subprocess

        env = {**self.environ, **environment_of(data)}
        what = f"--exec {self.name!r} for {alert.key}"
        try:
            process = subprocess.Popen(  # argv from shlex, no shell: no title can inject
                list(self.argv),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=self.output,
                stderr=self.output,
                start_new_session=True,  # its own process group: a timeout stops all of it
                shell=False,
            )
        except OSError as exc:
            raise ExecFailed(f"{what}: cannot start it: {exc.strerror or exc}") from None
        try:
            status = process.wait(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            _stop(process)
            raise ExecFailed(
                f"{what}: still running after {self.timeout:g} s (--exec-timeout); stopped it"
            ) from None
        except BaseException:
            _stop(process)
            raise
        if status < 0:
            raise ExecFailed(f"{what}: killed by signal {-status}")
        if status != 0:
            raise ExecFailed(f"{what}: exit status {status}")


def _stop(process: Any) -> None:
    """Stop a command and everything it started: SIGTERM to its group, then SIGKILL."""
    import contextlib
    import os
    import signal
    import subprocess

    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_WAIT)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # what ignored SIGTERM, the leader or not
    process.wait()
