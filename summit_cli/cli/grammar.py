"""The command line's grammar, read from the table generated from the Typer app.

Two users, neither keeping a grammar of its own: the fast path (:func:`parse`,
:func:`convert`) and the hoisting of global options written after the command
(:func:`hoist`, so ``summits upcoming --now 2021-12-31`` works). Whatever this
module cannot read exactly as Click would, it leaves to Typer.

The table is data, ``grammar_table.py`` beside this module (a literal written by
``scripts/gen_grammar.py``): a spec is a list (parameter,
flag|off|value|multi, type, type details, environment variable, metavar).
"""

from __future__ import annotations

from summit_cli.cli.grammar_table import TABLE

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

_TABLE: dict[str, Any] = TABLE
SPECS: list[list[Any]] = _TABLE["specs"]
# Command path ("list", "formats add") -> {"options": {name: spec number}, "defaults":
# {parameter: default}, "arguments": number of positional arguments}.
COMMANDS: dict[str, dict[str, Any]] = _TABLE["commands"]
GLOBAL: dict[str, list[Any]] = {name: SPECS[n] for name, n in _TABLE["global"].items()}
GLOBAL_DEFAULTS: dict[str, Any] = _TABLE["global_defaults"]
GLOBAL_METAVARS = {
    name: spec[5] or ""
    for name, spec in GLOBAL.items()
    if name.startswith("--") and spec[1] not in {"flag", "off"}
}


class Refused(Exception):
    """The fast path cannot take this line exactly as Typer would: Typer must parse it."""


def options_of(command: str) -> dict[str, list[Any]]:
    """The options of *command* ("list", "formats add"): name -> spec."""
    numbers = COMMANDS[command]["options"] if command in COMMANDS else {}
    return {name: SPECS[n] for name, n in numbers.items()}


def defaults_of(command: str) -> dict[str, Any]:
    return dict(COMMANDS[command]["defaults"])


def _command_at(words: list[str]) -> tuple[str, int] | None:
    """(command path, index after it) for words that start at a command name."""
    if not words or words[0] not in COMMANDS:
        return None
    if len(words) > 1 and f"{words[0]} {words[1]}" in COMMANDS:
        return f"{words[0]} {words[1]}", 2
    return words[0], 1


def _skip_globals(words: list[str]) -> int:
    """Index of the first word after the global options at the start of the line."""
    i = 0
    while i < len(words) and words[i].startswith("-"):
        name, eq, _ = words[i].partition("=")
        spec = GLOBAL.get(name)
        if spec is None:
            return i
        i += 1 if eq or spec[1] in {"flag", "off"} else 2
    return i


def shadowed(command: str) -> list[str]:
    """Global options that *command* has an option of the same name for (e.g. add's --tz)."""
    options = options_of(command)
    return [name for name in GLOBAL_METAVARS if name in options]


def hoist(argv: list[str]) -> list[str]:
    """*argv* with global options given after the command moved before it.

    A word is moved only when it is certainly a global option: not the value of a
    command option, not after ``--``, and not an option the command has itself.
    """
    start = _skip_globals(argv)
    found = _command_at(argv[start:])
    if found is None:
        return argv
    command, length = found
    options = options_of(command)
    head, rest = argv[: start + length], argv[start + length :]
    moved: list[str] = []
    kept: list[str] = []
    i = 0
    while i < len(rest):
        word = rest[i]
        if word == "--":
            kept += rest[i:]
            break
        name, eq, _ = word.partition("=")
        spec = options.get(name)
        if spec is not None:
            take = 1 if eq or spec[1] in {"flag", "off"} else 2
            kept += rest[i : i + take]
            i += take
            continue
        glob = GLOBAL.get(name) if name.startswith("--") else None
        if glob is not None and glob[1] not in {"flag", "off"}:
            take = 1 if eq else 2
            moved += rest[i : i + take]
            i += take
            continue
        kept.append(word)
        i += 1
    if not moved:
        return argv
    return argv[:start] + moved + head[start:] + kept


def convert(value: str, spec: list[Any]) -> Any:
    """*value* converted as Click converts it for the option *spec*; Refused if Click would
    refuse it (so Typer gives its own error)."""
    kind, extra = spec[2], spec[3]
    if kind == "str":
        return value
    if kind == "choice":
        choices, case_sensitive = extra
        for choice in choices:
            if value == choice or (not case_sensitive and value.casefold() == choice.casefold()):
                return choice
        raise Refused(value)
    try:
        number: Any = int(value) if kind == "int" else float(value)
    except ValueError:
        raise Refused(value) from None
    if extra is not None:
        low, high = extra
        if (low is not None and number < low) or (high is not None and number > high):
            raise Refused(value)
    return number


def parse(argv: list[str], fast: frozenset[str]) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """(global option values, command, command option values) for a line whose command is
    in *fast*; Refused for anything Typer must see (help, errors, bundles, repeats)."""
    words = list(argv)
    glob: dict[str, Any] = {}
    while words and words[0].startswith("-"):
        name, eq, value = words.pop(0).partition("=")
        spec = GLOBAL.get(name)
        if spec is None or spec[1] in {"flag", "off"} or spec[0] in glob:
            raise Refused(name)
        if not eq:
            if not words:
                raise Refused(name)
            value = words.pop(0)
        if value == "":
            raise Refused(name)  # an explicit empty value is Typer's usage error
        glob[spec[0]] = convert(value, spec)
    if not words or words[0] not in fast:
        raise Refused("command")
    command = words.pop(0)
    options = options_of(command)
    values: dict[str, Any] = {}
    while words:
        word = words.pop(0)
        name, eq, value = word.partition("=")
        spec = options.get(name)
        if spec is None or (eq and not name.startswith("--")):
            raise Refused(name)
        param, how = spec[0], spec[1]
        if how in {"flag", "off"}:
            if eq or param in values:
                raise Refused(name)
            values[param] = how == "flag"
            continue
        if not eq:
            if not words:
                raise Refused(name)
            value = words.pop(0)
        converted = convert(value, spec)
        if how == "multi":
            values.setdefault(param, []).append(converted)
        elif param in values:
            raise Refused(name)  # Typer's "last one wins" is not worth copying
        else:
            values[param] = converted
    return glob, command, values


def global_values(glob: dict[str, Any], environ: Any) -> dict[str, Any]:
    """Every global option's value as Click resolves it: the line, else a non-empty
    environment variable (converted), else the default."""
    valued = [spec for spec in GLOBAL.values() if spec[1] not in {"flag", "off"}]
    out = {spec[0]: GLOBAL_DEFAULTS[spec[0]] for spec in valued}
    for spec in valued:
        param, envvar = spec[0], spec[4]
        if param in glob:
            out[param] = glob[param]
        elif envvar and environ.get(envvar):
            out[param] = convert(environ[envvar], spec)
    return out
