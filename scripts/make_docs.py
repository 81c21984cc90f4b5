"""Make the docs and keep them true (see docs/README.md for the conventions).

Two jobs:

* ``docs/commands.md``, the command reference, is generated from the Typer app:
  every command's ``--help`` as Click prints it on a terminal 100 columns wide.
* Every ```console block of README.md, CONTRIBUTING.md and docs/*.md is run: each ``$ `` line is
  a command, the lines after it are its expected output (stdout and stderr
  merged in the order written, as a terminal shows them). Commands run through
  ``bash -c`` in a scratch folder with a scratch copy of the bundled store and a
  pinned environment, so an example can neither go stale nor touch a real store.

Usage:
    python scripts/make_docs.py              # same as --check
    python scripts/make_docs.py --check      # exit 1 and show a diff for every stale example
    python scripts/make_docs.py --write      # regenerate commands.md and every example's output
    python scripts/make_docs.py --write docs/tour.md   # only some Markdown files
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "commands.md"
EXAMPLES = ROOT / "docs" / "examples"
BUNDLED = ROOT / "data" / "summits.yaml"

WIDTH = 100
"""COLUMNS for every example, and the terminal width of the command reference."""
HELP_WIDTH = WIDTH - 2
"""Click wraps help at two columns less than the terminal (``min(columns, max) - 2``)."""
SCRATCH_SHOWN = "/tmp/tour"
"""How the docs write the scratch folder: in commands (replaced by the real folder before
they run) and in outputs (the real folder is printed as this). The scratch HOME is ``~``."""
TIMEOUT = 60.0
"""Seconds one command may take."""

ENVIRONMENT = {
    "SUMMITS_TZ": "UTC",
    "NO_COLOR": "1",
    "COLUMNS": str(WIDTH),
    "LINES": "40",
    "TERM": "dumb",
    "TZ": "UTC",
    "LC_ALL": "C.UTF-8",
    "LANG": "C.UTF-8",
    "PYTHONUNBUFFERED": "1",  # stdout and stderr reach the one pipe in the order written
}
"""The pinned environment of every command (plus PATH, HOME, XDG_* and SUMMITS_STORE)."""

FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
BARE_FENCE = re.compile(r"^ *(?:`{3,}|~{3,})\s*$")
DIRECTIVE = re.compile(r"^\s*<!--\s*docs:\s*(?P<body>.*?)\s*-->\s*$")
EXIT = re.compile(r"(?:^|\s)#\s*exit\s+(?P<code>\d+)\s*$")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PROMPT = "$ "


class DocError(Exception):
    """A console block or directive that cannot be read (file and line in the message)."""


# --------------------------------------------------------------------------------------
# Reading console blocks


@dataclass(frozen=True)
class Example:
    """One ``$ command`` of a console block and the output written under it."""

    command: str  # as written, without "$ "; continuation lines joined with "\n"
    line: int  # 1-based line of the "$ " in the file
    exit_code: int  # from a trailing "# exit N" (default 0)
    expected: tuple[str, ...]  # the output lines as written (block indent removed)
    first: int  # 0-based index of the first output line in the file
    last: int  # 0-based index after the last output line


@dataclass(frozen=True)
class Block:
    """A ```console block: its directives and its commands."""

    line: int  # 1-based line of the opening fence
    indent: str
    skip: bool = False
    env: tuple[tuple[str, str], ...] = ()
    examples: tuple[Example, ...] = ()


def parse(text: str, name: str = "<text>") -> list[Block]:
    """Every ```console block of a Markdown text, in order (other code blocks are prose)."""
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    blocks: list[Block] = []
    pending: list[tuple[int, str]] = []  # directives waiting for their block
    i = 0
    while i < len(lines):
        line = lines[i]
        directive = DIRECTIVE.match(line)
        opening = FENCE.match(line)
        if directive:
            pending.append((i + 1, directive["body"]))
        elif opening and not (opening["fence"][0] == "`" and "`" in opening["info"]):
            close = _closing(lines, i, opening)
            if opening["info"].split()[:1] == ["console"]:
                if close is None:
                    raise DocError(f"{name}:{i + 1}: this console block is never closed")
                skip, env = _directives(pending, name)
                examples = _examples(lines, i + 1, close, opening["indent"], name)
                blocks.append(Block(i + 1, opening["indent"], skip, env, examples))
            elif pending:
                raise _orphan(name, pending)
            pending = []
            i = len(lines) if close is None else close + 1
            continue
        elif pending and line.strip():
            raise _orphan(name, pending)
        i += 1
    if pending:
        raise _orphan(name, pending)
    return blocks


def _orphan(name: str, pending: list[tuple[int, str]]) -> DocError:
    return DocError(
        f"{name}:{pending[0][0]}: a docs directive must come right before a ```console block"
    )


def _closing(lines: list[str], start: int, opening: re.Match[str]) -> int | None:
    fence = opening["fence"]
    closing = re.compile(rf"^ *{re.escape(fence[0])}{{{len(fence)},}}\s*$")
    for j in range(start + 1, len(lines)):
        if closing.match(lines[j]):
            return j
    return None


def _directives(
    pending: list[tuple[int, str]], name: str
) -> tuple[bool, tuple[tuple[str, str], ...]]:
    skip = False
    env: list[tuple[str, str]] = []
    for line, body in pending:
        words = shlex.split(body)
        if words == ["skip"]:
            skip = True
        elif words[:1] == ["env"] and len(words) > 1:
            for word in words[1:]:
                key, sep, value = word.partition("=")
                if not sep or not NAME.match(key):
                    raise DocError(f"{name}:{line}: 'env' takes NAME=VALUE words, not {word!r}")
                env.append((key, value))
        else:
            raise DocError(
                f"{name}:{line}: unknown docs directive {body!r} (known: 'skip', "
                "'env NAME=VALUE ...')"
            )
    return skip, tuple(env)


def _examples(
    lines: list[str], start: int, end: int, indent: str, name: str
) -> tuple[Example, ...]:
    def body(j: int) -> str:
        text = lines[j]
        return text[len(indent) :] if text.startswith(indent) else text.lstrip(" ")

    commands: list[tuple[int, int, str]] = []  # (first line, last line, command)
    j = start
    while j < end:
        text = body(j)
        if text.startswith(PROMPT) or text == "$":
            first = j
            parts = [text[len(PROMPT) :]]
            while parts[-1].endswith("\\") and j + 1 < end:
                j += 1
                parts.append(body(j))
            command = "\n".join(parts)
            if not command.strip():
                raise DocError(f"{name}:{first + 1}: a '$' line without a command")
            commands.append((first, j, command))
        elif not commands and text.strip():
            raise DocError(
                f"{name}:{j + 1}: output before the first '$ ' command of the console block"
            )
        j += 1
    examples = []
    for k, (first, last, command) in enumerate(commands):
        stop = commands[k + 1][0] if k + 1 < len(commands) else end
        code = EXIT.search(command.rsplit("\n", 1)[-1])
        examples.append(
            Example(
                command=command,
                line=first + 1,
                exit_code=int(code["code"]) if code else 0,
                expected=tuple(body(x) for x in range(last + 1, stop)),
                first=last + 1,
                last=stop,
            )
        )
    return tuple(examples)


def normalize(lines: Sequence[str]) -> list[str]:
    """Output lines as compared and written: no trailing whitespace, no trailing blank lines."""
    out = [line.rstrip() for line in lines]
    while out and not out[-1]:
        out.pop()
    return out


# --------------------------------------------------------------------------------------
# Running them


@dataclass
class Outcome:
    """What one example printed and how it exited."""

    example: Example
    exit_code: int
    output: list[str]
    note: str = ""  # e.g. a timeout

    @property
    def output_stale(self) -> bool:
        return normalize(self.example.expected) != self.output

    @property
    def exit_wrong(self) -> bool:
        return self.exit_code != self.example.exit_code

    def report(self, name: str) -> str:
        example = self.example
        head = f"{name}:{example.line}: $ {example.command}"
        parts = [head]
        if self.note:
            parts.append(f"  {self.note}")
        if self.exit_wrong:
            expected = example.exit_code
            parts.append(
                f"  exit status {self.exit_code}, expected {expected}"
                + (
                    f" (if that is intended, end the command with '# exit {self.exit_code}')"
                    if self.exit_code
                    else " (remove its '# exit' comment if that is intended)"
                )
            )
        if self.output_stale:
            diff = difflib.unified_diff(
                normalize(example.expected),
                self.output,
                fromfile=f"{name}:{example.first + 1} (written)",
                tofile="(printed now)",
                lineterm="",
            )
            parts.extend("  " + line for line in diff)
        elif self.exit_wrong:
            parts.extend("  | " + line for line in self.output)
        return "\n".join(parts)


class Scratch:
    """A scratch world for one Markdown file: a folder (shown as /tmp/tour) holding a copy of
    the bundled store and the files of docs/examples/, a private HOME, a pinned environment.
    Exports and ``cd`` carry from one command to the next, like a reader's shell."""

    def __init__(self, base: Path, *, store: Path = BUNDLED, examples: Path = EXAMPLES) -> None:
        self.base = base
        self.tour = base / "tour"
        self.home = base / "home"
        self.state = base / "state"
        self.tour.mkdir()
        self.home.mkdir()
        shutil.copyfile(store, self.tour / "summits.yaml")
        if examples.is_dir():
            shutil.copytree(examples, self.tour, dirs_exist_ok=True)
        path = os.environ.get("PATH", os.defpath)
        self.env: dict[str, str] = {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{path}",
            "HOME": str(self.home),
            "XDG_DATA_HOME": str(self.home / ".local" / "share"),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "SUMMITS_STORE": str(self.tour / "summits.yaml"),
            **ENVIRONMENT,
        }
        self.cwd = self.tour
        shown = [(self.home, "~"), (self.tour, SCRATCH_SHOWN)]
        pairs = {(str(p), s) for p, s in shown} | {(os.path.realpath(p), s) for p, s in shown}
        self.substitutions = sorted(pairs, key=lambda pair: -len(pair[0]))

    def inward(self, text: str) -> str:
        """A command or value as written in the docs -> as run here."""
        return re.sub(rf"{re.escape(SCRATCH_SHOWN)}(?![\w.-])", str(self.tour), text)

    def outward(self, text: str) -> str:
        """Output as printed here -> as the docs show it."""
        for real, shown in self.substitutions:
            text = text.replace(real, shown)
        return text

    def run(self, example: Example, block_env: Sequence[tuple[str, str]] = ()) -> Outcome:
        extra = {key: self.inward(value) for key, value in block_env}
        env = {**self.env, **extra}
        state = shlex.quote(str(self.state))
        script = (
            f"{self.inward(example.command)}\n"
            "__docs_status=$?\n"
            f'{{ printf "%s\\0" "$PWD"; env -0; }} >{state} 2>/dev/null\n'
            "exit $__docs_status\n"
        )
        self.state.unlink(missing_ok=True)
        note = ""
        with subprocess.Popen(
            ["bash", "--noprofile", "--norc", "-c", script],
            cwd=self.cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ) as process:
            try:
                raw, _ = process.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                raw, _ = process.communicate()
                note = f"killed after {TIMEOUT:.0f} s"
            code = process.returncode
        self._keep_state(extra)
        text = self.outward(raw.decode("utf-8", "replace").replace("\r\n", "\n"))
        output = normalize(text.split("\n"))
        if not note and any(line.startswith(PROMPT) or BARE_FENCE.match(line) for line in output):
            note = (
                "its output has a line starting with '$ ' or a fence, which a console block "
                "cannot hold: filter it (| sed ...) or show another command"
            )
        return Outcome(example, code, output, note)

    def _keep_state(self, extra: dict[str, str]) -> None:
        """Carry the command's exports and folder to the next one (a block's env does not)."""
        if not self.state.is_file():
            return  # the command ended the shell itself (exit, set -e): nothing carries
        cwd, *pairs = self.state.read_bytes().decode("utf-8", "replace").split("\0")
        env: dict[str, str] = {}
        for pair in pairs:
            key, sep, value = pair.partition("=")
            if sep and key not in {"_", "SHLVL", "PWD", "OLDPWD"}:
                env[key] = value
        for key, value in extra.items():
            if env.get(key) == value:
                if key in self.env:
                    env[key] = self.env[key]
                else:
                    del env[key]
        self.env = env
        if Path(cwd).is_dir():
            self.cwd = Path(cwd)


@contextmanager
def scratch(**kwargs: Any) -> Iterator[Scratch]:
    base = Path(tempfile.mkdtemp(prefix="summits-docs-"))
    try:
        yield Scratch(base, **kwargs)
    finally:
        shutil.rmtree(base, ignore_errors=True)


@dataclass
class FileResult:
    """One Markdown file, run: every example's outcome, or why it could not be read."""

    path: Path
    name: str
    text: str
    blocks: list[Block] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0

    @property
    def stale(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.output_stale or o.exit_wrong or o.note]

    def problems(self) -> list[str]:
        if self.error:
            return [self.error]
        return [outcome.report(self.name) for outcome in self.stale]

    def rewritten(self) -> str:
        """The file with every stale output replaced; every other byte kept."""
        lines = self.text.split("\n")
        crlf = bool(lines) and lines[0].endswith("\r")
        indent = {id(e): b.indent for b in self.blocks for e in b.examples}
        for outcome in sorted(self.outcomes, key=lambda o: -o.example.first):
            example = outcome.example
            if not outcome.output_stale or outcome.note:
                continue  # current, or not writable (timeout, unholdable output)
            pad = indent[id(example)]
            written = list(example.expected)
            blank = 0  # blank lines the author left before the next command: kept
            while blank < len(written) and not written[-1 - blank].strip():
                blank += 1
            new = [pad + line if line else "" for line in outcome.output] + [""] * blank
            if crlf:
                new = [line + "\r" for line in new]
            lines[example.first : example.last] = new
        return "\n".join(lines)


def display_name(path: Path, root: Path = ROOT) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def run_file(path: Path, **kwargs: Any) -> FileResult:
    """Run every console block of one Markdown file, in order, in one scratch world."""
    started = time.perf_counter()
    text = path.read_bytes().decode("utf-8")
    result = FileResult(path, display_name(path), text)
    try:
        result.blocks = parse(text, result.name)
    except DocError as exc:
        result.error = str(exc)
        return result
    runnable = [b for b in result.blocks if not b.skip and b.examples]
    if runnable:
        with scratch(**kwargs) as world:
            for block in runnable:
                for example in block.examples:
                    result.outcomes.append(world.run(example, block.env))
    result.seconds = time.perf_counter() - started
    return result


def check_file(path: Path, **kwargs: Any) -> list[str]:
    """Every stale example of one Markdown file, reported with a diff (empty when current)."""
    return run_file(path, **kwargs).problems()


def markdown_files(root: Path = ROOT) -> list[Path]:
    """The Markdown files whose console blocks are checked: README.md, CONTRIBUTING.md and
    docs/*.md."""
    found = [root / "README.md", root / "CONTRIBUTING.md", *sorted((root / "docs").glob("*.md"))]
    return [p for p in found if p.is_file()]


# --------------------------------------------------------------------------------------
# The command reference


@contextmanager
def _pinned_environment() -> Iterator[None]:
    saved = dict(os.environ)
    os.environ["COLUMNS"] = str(WIDTH)
    for name in (
        "NO_COLOR",
        "FORCE_COLOR",
        "TERMINAL_WIDTH",
        "_TYPER_FORCE_DISABLE_TERMINAL",
        "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION",
    ):
        os.environ.pop(name, None)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _first_paragraph(text: str | None) -> str:
    paragraph = (text or "").strip().split("\n\n")[0]
    return " ".join(paragraph.replace("\b", "").split())


def help_pages() -> list[tuple[str, str, str]]:
    """(command path, first paragraph of its help, its --help) for the root, every command in
    COMMANDS order, and every subcommand of a group (``formats add``)."""
    import importlib.util

    if importlib.util.find_spec("summit_cli") is None:  # run from a checkout, not installed
        sys.path.insert(0, str(ROOT))
    import typer.main
    from typer._click import core

    from summit_cli.cli.application import COMMANDS, build_app

    with _pinned_environment():
        group: Any = typer.main.get_command(build_app())
        settings = {
            **(group.context_settings or {}),
            "terminal_width": HELP_WIDTH,
            "max_content_width": WIDTH,
        }
        root = core.Context(group, info_name="summits", **settings)
        pages = [("summits", _first_paragraph(group.help), group.get_help(root).rstrip())]
        for name in COMMANDS:
            command: Any = group.get_command(root, name)
            ctx = core.Context(
                command, info_name=name, parent=root, **(command.context_settings or {})
            )
            pages.append((f"summits {name}", COMMANDS[name][1], command.get_help(ctx).rstrip()))
            for sub in getattr(command, "list_commands", lambda _: [])(ctx):
                child: Any = command.get_command(ctx, sub)
                sub_ctx = core.Context(
                    child, info_name=sub, parent=ctx, **(child.context_settings or {})
                )
                pages.append(
                    (
                        f"summits {name} {sub}",
                        _first_paragraph(child.help),
                        child.get_help(sub_ctx).rstrip(),
                    )
                )
    return pages


def _anchor(heading: str) -> str:
    return re.sub(r"[^a-z0-9 -]", "", heading.lower()).replace(" ", "-")


def render_reference() -> str:
    """docs/commands.md: every command's --help, generated from the app."""
    pages = help_pages()
    out = [
        "<!-- Generated by scripts/make_docs.py from the app: do not edit by hand. After changing "
        "a command, run `python scripts/make_docs.py --write`; tests/test_docs.py fails while "
        "this file is stale. -->",
        "",
        "# Command reference",
        "",
        f"Every command's `--help`, exactly as `summits` prints it on a terminal {WIDTH} columns "
        "wide. Global options go before the command name (most may also come after it); see "
        "[the global options](#global-options).",
        "",
        "| command | what it does |",
        "| --- | --- |",
    ]
    for path, summary, _ in pages[1:]:
        text = summary.replace("|", "\\|")
        out.append(f"| [`{path}`](#{_anchor(path)}) | {text} |")
    out.append("")
    for index, (path, summary, page) in enumerate(pages):
        heading = "Global options" if index == 0 else path
        level = "###" if path.count(" ") > 1 else "##"
        out += [f"{level} {heading}", ""]
        if index == 0:
            out += ["`summits --help`: the global options, then the commands.", ""]
        else:
            out += [summary, ""]
        out += ["```text", page, "```", ""]
    return "\n".join(out)


# --------------------------------------------------------------------------------------
# The command line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate docs/commands.md and check (or rewrite) the output of every "
        "console example in README.md, CONTRIBUTING.md and docs/*.md.",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--check",
        action="store_true",
        help="exit 1 listing every stale example with a diff (the default)",
    )
    mode.add_argument(
        "--write",
        action="store_true",
        help="regenerate docs/commands.md and rewrite the output lines of every stale example",
    )
    parser.add_argument(
        "files",
        nargs="*",
        type=Path,
        help="Markdown files to run (default: README.md, CONTRIBUTING.md and docs/*.md)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    problems: list[str] = []

    reference = render_reference()
    current = REFERENCE.read_text(encoding="utf-8") if REFERENCE.is_file() else None
    if current != reference:
        if args.write:
            REFERENCE.parent.mkdir(parents=True, exist_ok=True)
            REFERENCE.write_text(reference, encoding="utf-8")
            print(f"wrote {display_name(REFERENCE)}")
        else:
            problems.append(f"{display_name(REFERENCE)} is stale: the app's help changed")

    files = args.files or markdown_files()
    workers = max(1, min(len(files), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(run_file, files))
    examples = 0
    for result in results:
        examples += len(result.outcomes)
        if args.write and not result.error:
            new = result.rewritten()
            if new != result.text:
                result.path.write_bytes(new.encode("utf-8"))
                count = sum(o.output_stale for o in result.outcomes)
                print(f"rewrote {count} example output(s) in {result.name}")
            problems += [o.report(result.name) for o in result.outcomes if o.exit_wrong or o.note]
        else:
            problems += result.problems()
    elapsed = time.perf_counter() - started
    for problem in problems:
        print(problem, end="\n\n")
    summary = f"{examples} examples in {len(results)} Markdown files, {elapsed:.1f} s"
    if problems:
        fix = "fix the commands" if args.write else "run: python scripts/make_docs.py --write"
        print(f"{len(problems)} problem(s); {summary}; {fix}", file=sys.stderr)
        return 1
    print(f"docs are current: {summary}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
