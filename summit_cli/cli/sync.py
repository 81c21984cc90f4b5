"""The ``remote`` commands (where a store syncs) and ``sync`` (do it)."""

from __future__ import annotations

from contextlib import nullcontext
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import typer

from summit_cli import store
from summit_cli.cli.declare import argument, option
from summit_cli.cli.options import settings_of, wired
from summit_cli.cli.output import Text, emit
from summit_cli.errors import InvalidInput, NotFound, SummitsError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from summit_cli.cli.settings import Settings
    from summit_cli.sync.remotes import Remote
    from summit_cli.sync.report import RemoteReport

DEFAULT_TIMEOUT = 30.0  # seconds for one exchange with a server (SUMMITS_SYNC_TIMEOUT)
DEFAULT_CONNECTIONS = 4  # pushes in flight at once (SUMMITS_SYNC_CONNECTIONS)
MAX_CONNECTIONS = 16

remote_app = typer.Typer(
    help="Where this store syncs: CalDAV calendars (two-way) and ICS feeds (read-only).",
    no_args_is_help=True,
)


Prefer = Literal["local", "remote"]  # which side a conflict keeps (sync.plan)


class SyncOutput(StrEnum):
    PLAIN = "plain"
    JSON = "json"
    YAML = "yaml"


OutputOpt = Annotated[
    SyncOutput | None,
    option("--output -o FORMAT", "plain (default), json or yaml.", case_sensitive=False),
]


def target(settings: Settings) -> store.Location:
    """The store a sync writes: with no store of your own yet, a new empty one at your
    store's place (a sync never copies the bundled demo events to a team calendar)."""
    location = settings.location()
    if location.bundled and location.copy_to is not None:
        return store.Location(location.copy_to, cache_dir=location.cache_dir)
    return location


def _real(location: store.Location) -> Path:
    from summit_cli.store import fs

    return fs.real_path(location.path)


def _remotes(real: Path) -> list[Remote]:
    from summit_cli.store import syncstate
    from summit_cli.sync.remotes import remotes_from_plain

    source = str(syncstate.sidecar_of(real) / syncstate.REMOTES)
    return remotes_from_plain(syncstate.read_remotes(real), source)


def _feed_url(url: str) -> str:
    """A feed given as a path: made absolute, so it works from any folder."""
    from urllib.parse import urlsplit

    if urlsplit(url).scheme.lower() in {"http", "https", "file"}:
        return url
    path = Path(url).expanduser()
    if not path.is_file():
        raise InvalidInput(f"{url}: no such file (a feed is an http(s) URL or a file)")
    return path.resolve().as_uri()


URL_HELP = (
    "A CalDAV calendar collection (https://.../calendars/bob/team/), or with --feed an ICS feed: "
    "an http(s) URL, a file:// URL or a file path."
)
PASSWORD_ENV_HELP = "The environment variable that holds the password (read at each sync)."
PASSWORD_CMD_HELP = (
    "A command that prints the password, e.g. 'pass show team/caldav' or 'secret-tool lookup "
    "service summits user bob' (run at each sync)."
)


def add_remote(
    ctx: typer.Context,
    name: Annotated[str, argument("NAME", "A short name, e.g. team.")],
    url: Annotated[str, argument("URL", URL_HELP)],
    user: Annotated[str | None, option("--user USER", "The user name on the server.")] = None,
    password_env: Annotated[str | None, option("--password-env VAR", PASSWORD_ENV_HELP)] = None,
    password_cmd: Annotated[str | None, option("--password-cmd COMMAND", PASSWORD_CMD_HELP)] = None,
    feed: Annotated[
        bool, option("--feed", "A read-only ICS feed rather than a CalDAV calendar.")
    ] = False,
) -> Text:
    """Add a remote: a CalDAV calendar to sync both ways, or a read-only ICS feed.

    The remote is kept beside the store (.summits.yaml.sync/remotes.json for summits.yaml)
    with where its password comes from, never the password itself.

    Example: summits remote add team https://dav.example.org/team/ --user bob --password-env PW
    """
    from summit_cli.store import syncstate
    from summit_cli.sync.remotes import make_remote, remotes_to_plain

    settings = settings_of(ctx)
    location = target(settings)
    real = _real(location)
    remote = make_remote(
        name,
        _feed_url(url) if feed else url,
        feed=feed,
        user=user,
        password_env=password_env,
        password_command=password_cmd,
    )
    with syncstate.sync_lock(real, settings.lock_timeout):
        remotes = _remotes(real)
        if any(r.name == remote.name for r in remotes):
            raise InvalidInput(
                f"a remote named {remote.name!r} exists; remove it first (summits remote "
                f"remove {remote.name}) or choose another name"
            )
        syncstate.write_remotes(real, remotes_to_plain([*remotes, remote]))
    kind = "feed (read-only)" if feed else "CalDAV calendar"
    settings.env.say(f"added the {kind} {remote.name}: {remote.url}")
    settings.env.say(f"sync it with: summits sync {remote.name}")
    return Text(remote.name + "\n")


def list_remotes(
    ctx: typer.Context,
    output: OutputOpt = None,
) -> Text:
    """The remotes of this store: name, kind, URL, user and where the password comes from.

    Example: summits remote list --output json
    """
    from summit_cli.store import syncstate

    settings = settings_of(ctx)
    real = _real(target(settings))
    remotes = _remotes(real)
    states = syncstate.states(real, [r.name for r in remotes])
    rows = []
    for remote in remotes:
        items = states.get(remote.name, {}).get("items", {})
        rows.append(
            {
                "name": remote.name,
                "kind": remote.kind.value,
                "url": remote.url,
                "user": remote.user,
                "credentials": remote.credentials,
                "events": len(items) if isinstance(items, dict) else 0,
            }
        )
    if output is SyncOutput.JSON:
        from summit_cli.writers import to_json

        return Text(to_json(rows))
    if output is SyncOutput.YAML:
        from summit_cli.writers import to_yaml

        return Text(to_yaml(rows))
    if not rows:
        settings.env.say("no remotes (add one with: summits remote add NAME URL)")
    lines = [
        f"{r['name']}  {r['kind']}  {r['url']}"
        + (f"  user {r['user']} ({r['credentials']})" if r["user"] else "")
        + f"  {r['events']} events synced"
        for r in rows
    ]
    return Text("".join(line + "\n" for line in lines))


def remove_remote(
    ctx: typer.Context,
    name: Annotated[str, argument("NAME", "The remote to remove.")],
) -> Text:
    """Remove a remote; its events stay in the store (a feed's become ordinary events).

    Nothing on the server changes. Conflict records are kept.

    Example: summits remote remove team
    """
    from summit_cli.store import syncstate
    from summit_cli.sync.remotes import remotes_to_plain

    settings = settings_of(ctx)
    real = _real(target(settings))
    with syncstate.sync_lock(real, settings.lock_timeout):
        remotes = _remotes(real)
        if not any(r.name == name for r in remotes):
            known = ", ".join(r.name for r in remotes) or "none"
            raise NotFound(f"no remote named {name!r} (this store has: {known})")
        syncstate.write_remotes(real, remotes_to_plain([r for r in remotes if r.name != name]))
        syncstate.forget(real, name)
    settings.env.say(f"removed the remote {name}; its events stay in the store")
    return Text(name + "\n")


# The group's commands; cli/application.py's COMMANDS names remote_app for "remote".
remote_app.command("add")(wired(add_remote))
remote_app.command("list")(wired(list_remotes))
remote_app.command("remove")(wired(remove_remote))


DRY_RUN_HELP = "Say what a sync would do; change nothing, here or on the remotes."
PREFER_HELP = (
    "In a conflict keep this side: local (the store) or remote. Default: the rule (both changed: "
    "the remote's version; changed vs deleted: the change)."
)


def sync(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None, argument("[NAME]...", "The remotes to sync (default: all of them).")
    ] = None,
    dry_run: Annotated[bool, option("--dry-run", DRY_RUN_HELP)] = False,
    prefer: Annotated[
        Prefer | None, option("--prefer SIDE", PREFER_HELP, case_sensitive=False)
    ] = None,
    output: OutputOpt = None,
) -> None:
    """Sync the store with its remotes: push and pull changes, settle conflicts.

    Prints what was pushed, pulled and deleted, and each conflict. A conflict (both sides
    changed an event) follows one rule: the remote's version is kept and yours goes to a
    conflict record (a change beats a deletion); --prefer overrides it. Exit codes: 0 done,
    1 no such remote, 7 a remote is unreachable or failed, 8 credentials refused, 9 done
    with conflicts (see the records), 4 another sync is running.

    Example: summits sync team --dry-run
    """
    from summit_cli.cli import exits
    from summit_cli.store import syncstate
    from summit_cli.sync.remotes import pick

    settings = settings_of(ctx)
    env = settings.env
    location = target(settings)
    real = _real(location)
    remotes = _remotes(real)
    chosen = pick(remotes, names or [])
    feeds = tuple(r.name for r in remotes if r.kind.value == "feed")
    tuning = (_timeout(settings), _connections(settings))  # a bad value: usage, before any sync
    reports = []
    code = 0
    lock = syncstate.sync_lock(real, settings.lock_timeout) if not dry_run else nullcontext()
    with lock:
        for remote in chosen:
            report, failure = _one(remote, settings, location, real, prefer, dry_run, feeds, tuning)
            if failure is not None:
                report.error = failure.message
                report.exit_code = exits.report(failure, env)
                code = code or report.exit_code
            elif report.conflicts:
                report.exit_code = int(exits.ExitCode.CONFLICTS)
            reports.append(report)
    if output is SyncOutput.JSON:
        from summit_cli.writers import json_text

        text = json_text({"remotes": [r.to_plain() for r in reports]}, indent=2) + "\n"
    elif output is SyncOutput.YAML:
        from summit_cli.writers import to_yaml

        text = to_yaml([r.to_plain() for r in reports])
    else:
        text = "".join(line + "\n" for r in reports for line in r.lines())
    emit(Text(text), settings)  # printed here: the exit code comes after it
    if dry_run:
        env.say("dry run: nothing was written, here or on the remotes")
    if not code and any(r.conflicts for r in reports):
        code = int(exits.ExitCode.CONFLICTS)
        said = (
            "conflicts would be settled by the rule"
            if dry_run
            else "conflicts were settled by the rule; the versions not kept are in the records "
            "listed"
        )
        env.say(said, kind="warning")
    if code:
        raise typer.Exit(code)


def _connections(settings: Settings) -> int:
    text = settings.env.get("SUMMITS_SYNC_CONNECTIONS")
    if text is None:
        return DEFAULT_CONNECTIONS
    if not text.strip().isdigit() or not 1 <= int(text) <= MAX_CONNECTIONS:
        raise InvalidInput(
            f"SUMMITS_SYNC_CONNECTIONS must be a number from 1 to {MAX_CONNECTIONS}, not {text!r}"
        )
    return int(text)


def _timeout(settings: Settings) -> float:
    text = settings.env.get("SUMMITS_SYNC_TIMEOUT")
    if text is None:
        return DEFAULT_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise InvalidInput(f"SUMMITS_SYNC_TIMEOUT must be seconds from 0 to 3600, not {text!r}")
    return value


def _one(
    remote: Remote,
    settings: Settings,
    location: store.Location,
    real: Path,
    prefer: Prefer | None,
    dry_run: bool,
    feeds: tuple[str, ...],
    tuning: tuple[float, int],
) -> tuple[RemoteReport, SummitsError | None]:
    """Sync one remote: its report, and the error that stopped it (the report then says
    what was done before)."""
    from summit_cli.sync.credentials import password_for
    from summit_cli.sync.remotes import Kind
    from summit_cli.sync.report import RemoteReport
    from summit_cli.sync.run import Context

    report = RemoteReport(remote.name, remote.kind.value, remote.url, dry_run=dry_run)
    try:
        ctx = Context(
            location,
            real,
            settings.now,
            tuning[0],
            settings.lock_timeout,
            prefer,
            dry_run,
            tuning[1],
            feeds,
        )
        password = password_for(remote, settings.env)
        if remote.kind is Kind.FEED:
            from summit_cli.sync.feedsync import sync_feed

            sync_feed(remote, password, ctx, report)
        else:
            from summit_cli.sync.run import sync_calendar

            sync_calendar(remote, password, ctx, report)
    except SummitsError as exc:
        return report, exc
    return report, None
