"""The performance page (docs/performance.md) as ``scripts/bench.py --markdown`` writes it.

The figures come from the run (a :class:`Report` of :class:`Section` tables); the prose
around them is here, so the whole page is written by the benchmark and none of it is
pasted. tests/test_docs.py checks the page's structure against :data:`PAGE_SECTIONS`.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass, field
from pathlib import Path

PAGE = "docs/performance.md"
PAGE_SECTIONS = (
    "The last run",
    "Start-up budgets",
    "Big stores",
    "Writes to a big YAML store",
    "Limits, measured",
    "How summits stays fast",
    "Running the benchmark",
)
"""The page's second-level headings, in order (tests/test_docs.py checks the page has them)."""

_INTRO = """\
summits is called from prompts, status bars and loops, so its start-up time is budgeted,
and it has to stay fast on a research group's archive of 100,000 events.
`python scripts/bench.py` measures both, and this page is what its last run wrote
(`--markdown docs/performance.md`): no figure here is typed by hand."""

_STARTUP_TEXT = """\
Every command runs as a real process of the installed `summits`, with the bundled store.
The figure is CPU time (user + system, from `wait4`), the median of {repeat} runs, compared
with `python -c pass` measured in the same run, interleaved with the commands so that drift
hits them all alike. A budget is a ratio to `python -c pass`; the run fails when a command
is over its budget."""

_BIG_TEXT = """\
Deterministic generated stores of {sizes} events across six formats, zones and fifteen
years: JSON, and YAML with a comment above every event. "Cold" is the first run after the
file was written (it builds the parse cache), "warm" the median of the next runs. Budget:
under 1 s and 300 MiB, warm, at every size."""

_WRITE_TEXT = """\
Each write runs once on a generated YAML store with a comment above every event, after a
read has built the parse cache, as in daily use. "Lines changed" is the size of the diff
the write made to the file: only the records that changed are rewritten."""

_HOW = """\
- **A Typer-free fast path** (`summit_cli/cli/fastpath.py`): importing Typer alone costs
  more than the whole budget of `summits next`, so `list`, `upcoming` and `next` (and
  bash completion of ids) run without it when the generated grammar
  (`cli/grammar_table.py`) reads the command line exactly as Click would; anything else
  (help, an unknown option, a bad value) goes to Typer. Both run the same code
  (`cli/reading.py`), and a test runs a corpus of command lines both ways and compares
  stdout, stderr and exit codes (`SUMMITS_NO_FASTPATH=1` forces Typer).
- **Lazy commands**: the root group lists commands from a static table
  (`COMMANDS` in `cli/application.py`) and has Typer build only the command being run,
  so `--help` loads no command module.
- **Lazy imports**: Rich, ruamel.yaml, dateutil, icalendar, csv, json and platformdirs
  are imported only by the code that needs them (a ruff rule bans module-level imports of
  the heavy ones; a test checks that `upcoming --output json` imports none of Typer, Rich,
  ruamel, platformdirs, dateutil, PyYAML or typing).
- **A parse cache** (`store/cache.py`): the validated store as marshalled tuples in the
  platform cache folder, trusted by a `stat` when the file is older than its last
  verification and by a BLAKE2b digest of its bytes otherwise (see
  [data-safety.md](data-safety.md#the-parse-cache)); a command filtering by format
  rebuilds only the events of those formats.
- **YAML at C speed**: reads parse with libyaml's C parser (ruamel.yaml.clib); writes
  splice only the text of the events that changed and parse the result back before
  committing it, so the comments and formatting of every other event stay byte-identical.
- **Big outputs**: filters that need no time arithmetic run before any span is computed;
  JSON is written one compact record per line with the C encoder."""

_RUNNING = """\
```sh
python scripts/bench.py                                # the full run (its time is above)
python scripts/bench.py --quick                        # 1,000 events and 5 runs: seconds
python scripts/bench.py --markdown docs/performance.md # a full run, written to this page
```

The script exits 1 when a budget is not met. Run it on a quiet machine: other load
shows in the wall times (CPU times are steadier)."""


@dataclass
class Section:
    """One table of the run, as printed and as written to the page."""

    title: str
    header: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)


@dataclass
class Report:
    """What one run measured, for the Markdown page."""

    quick: bool = False
    date: str = ""
    repeat: int = 0
    sizes: tuple[int, ...] = ()
    sections: list[Section] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    over: bool = False
    command: str = "python scripts/bench.py"
    seconds: float = 0.0
    load: float | None = None  # the 1-minute load average when the run started


def machine() -> str:
    """The machine, as the page names it: architecture, cores, CPU model, OS."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    parts = [platform.machine(), f"{os.cpu_count()} cores"]
    if model:
        parts.append(model)
    parts.append(f"{platform.system()} {platform.release()}")
    return ", ".join(parts)


def over_budget(report: Report) -> list[str]:
    """The rows of the run marked OVER, as "name (figures)" texts."""
    found = []
    for section in report.sections:
        for row in section.rows:
            if "OVER" in row:
                figures = ", ".join(
                    f"{h} {v}" for h, v in zip(section.header[1:], row[1:], strict=True) if h and v
                )
                found.append(f"{row[0]} ({figures})")
    return found


def markdown_table(header: list[str], rows: list[list[str]]) -> list[str]:
    def cells(values: list[str]) -> str:
        return "| " + " | ".join(v.replace("|", "\\|") or " " for v in values) + " |"

    return [cells(header), "|" + "|".join(" --- " for _ in header) + "|", *map(cells, rows)]


def render_markdown(report: Report) -> str:
    """The performance page: the run's date and machine, every table, and how it is done."""
    startup, big, writes = report.sections
    sizes = ", ".join(f"{n:,}" for n in report.sizes)
    verdict = "a budget was not met (OVER below)" if report.over else "every budget met"
    out = [
        f"<!-- Written by `python scripts/bench.py --markdown {PAGE}`: do not edit by hand, "
        "run it again. tests/test_docs.py checks this page's structure. -->",
        "",
        "# Performance",
        "",
        _INTRO,
        "",
        f"## {PAGE_SECTIONS[0]}",
        "",
        *markdown_table(
            ["", ""],
            [
                ["date", report.date],
                ["machine", machine()],
                ["Python", f"{platform.python_implementation()} {platform.python_version()}"],
                [
                    "load",
                    "unknown"
                    if report.load is None
                    else f"{report.load:.2f} (1-minute load average when the run started)",
                ],
                ["command", f"`{report.command}`"],
                [
                    "run",
                    ("quick (--quick)" if report.quick else "full")
                    + f", {report.seconds:.0f} s: {verdict}",
                ],
            ],
        ),
        "",
        f"## {PAGE_SECTIONS[1]}",
        "",
        _STARTUP_TEXT.format(repeat=report.repeat),
        "",
        *markdown_table(startup.header, startup.rows),
        "",
        f"## {PAGE_SECTIONS[2]}",
        "",
        _BIG_TEXT.format(sizes=sizes),
        "",
        f"{big.title}:",
        "",
        *markdown_table(big.header, big.rows),
        "",
        f"## {PAGE_SECTIONS[3]}",
        "",
        _WRITE_TEXT,
        "",
        f"{writes.title[:1].upper()}{writes.title[1:]}:",
        "",
        *markdown_table(writes.header, writes.rows),
        "",
        *(f"- {note.strip('()')}" for note in writes.notes),
        "",
        f"## {PAGE_SECTIONS[4]}",
        "",
        *(f"- {finding}" for finding in report.findings),
        *(f"- Over its budget in this run: {row}." for row in over_budget(report)),
        "",
        f"## {PAGE_SECTIONS[5]}",
        "",
        _HOW,
        "",
        f"## {PAGE_SECTIONS[6]}",
        "",
        _RUNNING,
        "",
    ]
    return "\n".join(out)
