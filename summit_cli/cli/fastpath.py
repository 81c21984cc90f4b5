"""A Typer-free fast path for the commands people run in prompts, status bars and loops.

Importing Typer alone costs about 5.7 times a bare ``python -c pass`` here, more
than the whole budget for ``summits next``. So ``main`` first offers the command
line to :func:`run`: if ``cli.grammar`` (the table generated from the Typer app)
reads every word exactly as Click would — global options anywhere on the line,
``list``/``upcoming``/``next`` with their options, or bash completion of an
event id — it runs the very same code the Typer commands call (``cli.reading``),
renders through the same door (``cli.output``) and reports errors through the
same funnel (``exits.report``). Anything else (help, an unknown or misspelt
option, a value Click would refuse, ``-abc`` bundles) returns None and Typer
parses the line, so errors and help stay Typer's.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from summit_cli.cli.environment import Environment

FAST = frozenset({"list", "upcoming", "next"})
ID_COMMANDS = frozenset({"show", "edit", "postpone", "cancel", "remove", "countdown"})


def run(argv: list[str], env: Environment) -> int | None:
    """Run *argv* without Typer and return its exit code, or None to let Typer do it."""
    if env.get("_SUMMITS_COMPLETE"):
        return complete(env)
    from summit_cli.cli import grammar

    try:
        glob, command, values = grammar.parse(grammar.hoist(argv), FAST)
        resolved = grammar.global_values(glob, env.environ)
    except grammar.Refused:
        return None
    from summit_cli.cli import output, reading
    from summit_cli.cli.exits import report
    from summit_cli.cli.groups import bundle
    from summit_cli.cli.settings import build

    try:
        settings = build(
            store_path=resolved["store_path"],
            now_text=resolved["now"],
            tz_text=resolved["tz"],
            date_order=resolved["date_order"],
            lock_timeout=resolved["lock_timeout"],
            env=env,
        )
        kwargs = bundle({**grammar.defaults_of(command), **values}, reading.PLAN)
        shown = kwargs.pop("shown")
        result = reading.RUNNERS[command](settings, **kwargs)
        output.emit(result, settings, shown)
    except (Exception, KeyboardInterrupt) as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        return report(exc, env)
    return 0


def complete(env: Environment) -> int | None:
    """Bash completion of an event id (``summits show <TAB>``) without Typer.

    Follows the protocol of the completion script Typer installs for bash
    (``_SUMMITS_COMPLETE=complete_bash``, ``COMP_WORDS``, ``COMP_CWORD``); other
    shells and other positions are left to Typer.
    """
    if env.get("_SUMMITS_COMPLETE") != "complete_bash":
        return None
    import shlex

    from summit_cli.cli import grammar

    try:
        words = shlex.split(env.get("COMP_WORDS") or "")
        cword = int(env.get("COMP_CWORD") or "")
    except ValueError:
        return None
    args, incomplete = words[1:cword], (words[cword] if cword < len(words) else "")
    store_path = None
    while args and args[0] in grammar.GLOBAL and len(args) > 1:  # global options first
        if grammar.GLOBAL[args[0]][0] == "store_path":
            store_path = args[1]
        args = args[2:]
    if not args or args[0] not in ID_COMMANDS or incomplete.startswith("-"):
        return None
    if any(a.startswith("-") for a in args[1:]):
        return None
    from summit_cli import store

    try:
        location = store.locate(store_path or env.get("SUMMITS_STORE"), env.environ)
        ids = [e.id for e in store.read_store(location).events]
    except Exception:
        ids = []
    env.write("\n".join(i for i in ids if i.startswith(incomplete)))
    return 0
