"""What every command that changes the store does around the write: run it (or a dry
run), then say what happened. Shared by add, edit, postpone, cancel, remove, formats
add, import and undo."""

from __future__ import annotations

from collections.abc import Callable

from summit_cli import store
from summit_cli.cli.output import Text
from summit_cli.model import Store

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from summit_cli.cli.settings import Settings


def report_saved(settings: Settings, saved: store.Saved, what: str) -> None:
    """Tell the user (on stderr) what a write did."""
    env = settings.env
    if saved.created_from_bundled:
        env.say(f"created your store at {saved.path} (a copy of the bundled store)")
    elif saved.created:
        env.say(f"created the store {saved.path}")
    env.say(f"{what} in {saved.path}")
    if not saved.durable:
        env.say(
            "the change is saved, but durability is unconfirmed (syncing the folder to disk "
            "failed)",
            kind="warning",
        )


def dry_run_diff(settings: Settings, before: Store, after: Store) -> Text:
    """The diff a write would make (for stdout), saying nothing was written (stderr)."""
    from summit_cli.writers import store_diff

    settings.env.say("dry run: nothing was written")
    return Text(store_diff(before, after))


def write(
    settings: Settings,
    change: Callable[[Store], Store],
    *,
    dry_run: bool,
    what: str | Callable[[], str],
) -> tuple[store.Saved, Text | None]:
    """Write *change* through the store (or not, with *dry_run*) and say *what* was done
    (a function when it depends on the change); (what was saved, the diff a dry run prints)."""
    saved = store.update(
        settings.location(), change, lock_timeout=settings.lock_timeout, dry_run=dry_run
    )
    if dry_run:
        return saved, dry_run_diff(settings, saved.before, saved.after)
    report_saved(settings, saved, what if isinstance(what, str) else what())
    return saved, None
