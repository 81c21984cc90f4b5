"""Mutation testing of the core modules with mutmut: do the unit tests notice a change?

Usage:
    python scripts/mutation.py                  # a fresh mutmut run ([tool.mutmut]), the table
    python scripts/mutation.py --keep           # reuse mutants/ (only changed code re-run)
    python scripts/mutation.py --report         # the table of the last run, nothing re-run
    python scripts/mutation.py --survivors      # ... and each surviving mutant's diff
    python scripts/mutation.py --json out.json  # also write the figures as JSON

mutmut (a dev dependency, in the ``test`` extra) copies the package into ``mutants/``,
changes one thing at a time in the modules ``paths_to_mutate`` names (an operator, a
comparison, a constant, a string, a call's argument, a returned value...), and runs the
tests in ``tests_dir`` that execute the changed function. A mutant is *killed* when a
test fails (or it times out: an endless loop), and *survives* when every test passes:
a change no test notices. "No tests" means no listed test runs that function at all.

The kill rate of a module is (killed + timed out) / (mutants - skipped); a reviewed
equivalent mutant (no test could tell it from the real code) is kept out with a
``# pragma: no mutate`` comment on its line. Exit 0 when every core module reaches
the threshold (90%), 1 when one is under it or was not run, 2 when mutmut itself fails or no run
has been recorded yet.

A run starts from an empty ``mutants/`` unless ``--keep``: mutmut 3 re-runs only the
mutants of functions that changed, so after a change to the tests alone it would still
report survivors that the new tests kill.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from mutmut.stats import status_by_exit_code  # what each exit code of a mutant means

ROOT = Path(__file__).resolve().parent.parent
THRESHOLD = 90.0

SURVIVED = ("survived", "no tests")  # mutmut's words (mutmut.stats.status_by_exit_code)


def modules() -> list[str]:
    """The files [tool.mutmut] mutates, e.g. ``summit_cli/query.py``."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(config["tool"]["mutmut"]["paths_to_mutate"])


def results(path: str) -> dict[str, int]:
    """mutant name -> exit code, from mutmut's record of the last run on *path*."""
    meta = ROOT / "mutants" / f"{path}.meta"
    if not meta.exists():
        return {}
    codes: dict[str, int | None] = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    return {name: code for name, code in codes.items() if code is not None}


@dataclass(frozen=True)
class Figures:
    module: str
    mutants: int
    killed: int
    timeout: int
    survived: int
    no_tests: int
    suspicious: int
    skipped: int
    survivors: list[str]

    @property
    def kill_rate(self) -> float:
        counted = self.mutants - self.skipped
        return round(100 * (self.killed + self.timeout) / counted, 1) if counted else 0.0


def figures(path: str) -> Figures:
    codes = results(path)
    statuses = {name: status_by_exit_code[code] for name, code in codes.items()}
    status = Counter(statuses.values())
    return Figures(
        module=path,
        mutants=len(codes),
        killed=status["killed"],
        timeout=status["timeout"],
        survived=status["survived"],
        no_tests=status["no tests"],
        suspicious=status["suspicious"],
        skipped=status["skipped"],
        survivors=sorted(name for name, said in statuses.items() if said in SURVIVED),
    )


def show(name: str) -> str:
    """The diff of one mutant, as ``mutmut show`` prints it (only the changed lines)."""
    out = subprocess.run(
        ["mutmut", "show", name], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout
    lines = out.splitlines()
    return "\n".join(
        line for line in lines if line[:1] in "+-" and not line.startswith(("+++", "---"))
    )


def table(rows: list[Figures]) -> str:
    head = f"{'module':<28} {'mutants':>7} {'killed':>7} {'timeout':>7} {'survived':>8}"
    head += f" {'no tests':>8} {'rate':>6}"
    lines = [head]
    for row in rows:
        lines.append(
            f"{row.module:<28} {row.mutants:>7} {row.killed:>7} {row.timeout:>7}"
            f" {row.survived:>8} {row.no_tests:>8} "
            + (f"{row.kill_rate:>5}%" if row.mutants else "not run")
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", action="store_true", help="do not run; report the last run")
    parser.add_argument("--survivors", action="store_true", help="print each survivor's diff")
    parser.add_argument("--keep", action="store_true", help="reuse mutants/ from the last run")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument(
        "--children", type=int, default=os.cpu_count() or 2, help="mutants run at once"
    )
    args = parser.parse_args(argv)
    if not args.report:
        if not args.keep:
            shutil.rmtree(ROOT / "mutants", ignore_errors=True)
        run = subprocess.run(
            ["mutmut", "run", "--max-children", str(args.children)], cwd=ROOT, check=False
        )
        if run.returncode != 0:
            print(f"mutation: mutmut failed (exit {run.returncode})", file=sys.stderr)
            return 2
    rows = [figures(path) for path in modules()]
    if not any(row.mutants for row in rows):
        print(
            "mutation: no mutmut run recorded in mutants/ (run without --report)", file=sys.stderr
        )
        return 2
    print(table(rows))
    if args.survivors:
        for row in rows:
            for name in row.survivors:
                print(f"\n{name}\n{show(name)}")
    if args.json:
        Path(args.json).write_text(
            json.dumps([asdict(row) | {"kill_rate": row.kill_rate} for row in rows], indent=2)
            + "\n",
            encoding="utf-8",
        )
    missing = [row.module for row in rows if not row.mutants]
    if missing:  # a partial run (mutmut run on some modules only) proves nothing of the rest
        print(f"mutation: not run: {', '.join(missing)}", file=sys.stderr)
    under = [row.module for row in rows if row.mutants and row.kill_rate < THRESHOLD]
    if under:
        print(f"mutation: under {THRESHOLD:g}%: {', '.join(under)}", file=sys.stderr)
    return 1 if under or missing else 0


if __name__ == "__main__":
    sys.exit(main())
