"""Reliability harness: concurrency, kill -9, fault injection, hostile input, output safety.

Prints one table of figures and exits 1 if any guarantee failed.

    python scripts/stress.py                 # full size: 50 writers x 10 runs, 200 kills
    python scripts/stress.py --small         # CI size (< 60 s)
    python scripts/stress.py --writers 20 --runs 3 --kills 50 --only concurrency,kills

Uses the ``summits`` next to this Python (the venv's) or ``python -m summit_cli``.
"""

from __future__ import annotations

import argparse
import errno
import hashlib
import json
import os
import pty
import random
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "summits.yaml"
sys.path.insert(0, str(ROOT))

FORBIDDEN: dict[str, bytes | tuple[bytes, ...]] = {
    "ESC 0x1b": b"\x1b",
    "CSI 0x9b": b"\xc2\x9b",
    "bidi": tuple(
        "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069".encode()[i : i + 3]
        for i in range(0, 27, 3)
    ),
}


def summits_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("summits")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "summit_cli"]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMITS_", "FORCE_COLOR"))}
    env.update({"SUMMITS_TZ": "UTC", "SUMMITS_CACHE": "0", "COLUMNS": "120", "NO_COLOR": "1"})
    env.update(extra)
    return env


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def event_ids(path: Path) -> list[str]:
    from summit_cli import store

    return [e.id for e in store.load(path).store.events]


@dataclass
class Row:
    """One line of the figures table."""

    check: str
    figure: str
    bound: str = ""
    ok: bool = True
    seconds: float = 0.0


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        mark = "ok" if row.ok else "FAIL"
        print(f"  [{mark}] {row.check}: {row.figure}", file=sys.stderr, flush=True)

    def table(self) -> str:
        head = ("check", "figure", "bound (95%)", "result", "time")
        body = [
            (r.check, r.figure, r.bound, "ok" if r.ok else "FAIL", f"{r.seconds:.1f} s")
            for r in self.rows
        ]
        widths = [max(len(str(x[i])) for x in [head, *body]) for i in range(5)]
        lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |"]
        lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for row in body:
            lines.append(
                "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
            )
        return "\n".join(lines)


def upper_bound(n: int) -> str:
    return f"< {300 / n:.2g}% (0 in {n})" if n else ""


# ---------------------------------------------------------------- concurrency


def concurrency_run(folder: Path, writers: int, timeout: float = 120.0) -> tuple[int, int, int]:
    """N `summits add` processes at once on one store: (acknowledged, present, lost)."""
    store = folder / "summits.yaml"
    shutil.copyfile(BUNDLED, store)
    env = clean_env(SUMMITS_LOCK_TIMEOUT=str(timeout))
    procs = [
        subprocess.Popen(
            [
                *summits_cmd(),
                "--store",
                str(store),
                "add",
                f"Writer {i}",
                "--start",
                "2023-05-01",
                "--id",
                f"w-{i}",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(writers)
    ]
    acked = set()
    for proc in procs:
        out, err = proc.communicate(timeout=timeout + 60)
        if proc.returncode == 0:
            acked.add(out.decode().strip())
        else:
            print(f"  writer exit {proc.returncode}: {err.decode()[:200]}", file=sys.stderr)
    present = set(event_ids(store))
    return len(acked), len(acked & present), len(acked - present)


def check_concurrency(report: Report, writers: int, runs: int) -> None:
    started = time.monotonic()
    acked = present = lost = 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            a, p, lo = concurrency_run(Path(tmp), writers)
            acked, present, lost = acked + a, present + p, lost + lo
    report.add(
        Row(
            f"{writers} concurrent writers x {runs} runs",
            f"{acked}/{writers * runs} acknowledged, {present} present, {lost} lost",
            upper_bound(acked),
            lost == 0 and acked == writers * runs,
            time.monotonic() - started,
        )
    )


# ---------------------------------------------------------------------- kills

_LOOP_WRITER = """
import sys
from summit_cli import store, query
from summit_cli.model import Event, WallTime
from datetime import date
loc = store.Location(__import__('pathlib').Path(sys.argv[1]))
i = 0
while True:
    i += 1
    new_id = f"k-{sys.argv[2]}-{i}"
    def change(s, new_id=new_id):
        return query.add_event(s, Event(id=new_id, title="Kill " + new_id,
                                        start=WallTime(date(2023, 1, 1))))
    store.update(loc, change, lock_timeout=30)
    print(new_id, flush=True)
"""


def kill_once(store: Path, n: int, rng: random.Random) -> tuple[bool, bool, bool, int]:
    """Kill -9 a writer looping over `store.update`: (parseable, old-or-new, lock free, orphans)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _LOOP_WRITER, str(store), str(n)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=clean_env(),
        cwd=ROOT,
    )
    time.sleep(rng.uniform(0.15, 0.6))
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate()
    acked = out.decode().split()
    try:
        ids = event_ids(store)
        parseable = True
    except Exception:
        return False, False, False, -1
    mine = [i for i in ids if i.startswith(f"k-{n}-")]
    # old-or-new: every acknowledged write is there, plus at most the one in flight
    old_or_new = set(acked) <= set(mine) and len(mine) - len(acked) in (0, 1)
    orphans = sum(1 for p in store.parent.iterdir() if p.name.startswith(".summits-tmp-"))
    # no stale lock: the next write gets the lock at once
    done = subprocess.run(
        [
            *summits_cmd(),
            "--store",
            str(store),
            "--lock-timeout",
            "0.5",
            "add",
            "After",
            "--start",
            "2023-02-01",
            "--id",
            f"after-{n}",
        ],
        check=False,
        env=clean_env(),
        capture_output=True,
    )
    left = sum(1 for p in store.parent.iterdir() if p.name.startswith(".summits-tmp-"))
    return parseable, old_or_new, done.returncode == 0 and left == 0, orphans


def check_kills(report: Report, kills: int, seed: int = 5) -> None:
    started = time.monotonic()
    rng = random.Random(seed)
    parse = oldnew = lockfree = orphaned = 0
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "summits.yaml"
        shutil.copyfile(BUNDLED, store)
        for n in range(kills):
            p, o, f, orphans = kill_once(store, n, rng)
            parse, oldnew, lockfree = parse + p, oldnew + o, lockfree + f
            orphaned += orphans > 0
    ok = parse == oldnew == lockfree == kills
    report.add(
        Row(
            f"kill -9 during writes x {kills}",
            f"{parse} parseable, {oldnew} old-or-new, {lockfree} lock free + orphans swept "
            f"(temp files left by {orphaned} kills)",
            upper_bound(kills),
            ok,
            time.monotonic() - started,
        )
    )


# ------------------------------------------------------------ fault injection

OPS = (
    "open",
    "read",
    "write",
    "fsync",
    "fchmod",
    "close",
    "stat",
    "fstat",
    "link",
    "replace",
    "unlink",
    "mkdir",
    "chown",
)


class Faulty:
    """Stands in for the ``os`` module inside summit_cli.store; fails the k-th operation."""

    def __init__(
        self, real: Any, fail_at: int, persistent: bool, err: int, fail_op: str = ""
    ) -> None:
        self._real, self.fail_at, self.persistent, self.err = real, fail_at, persistent, err
        self.fail_op = fail_op  # when set: every call of this operation fails
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._real, name)
        if name not in OPS:
            return attr

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            k = len(self.calls)
            hit = k == self.fail_at or (self.persistent and 0 < self.fail_at <= k)
            if hit or name == self.fail_op:
                if name == "close":  # Linux frees the descriptor even when close fails
                    attr(*args, **kwargs)
                raise OSError(self.err, os.strerror(self.err))
            return attr(*args, **kwargs)

        return wrapped


@contextmanager
def faulty_os(
    fail_at: int, persistent: bool, err: int = errno.EIO, fail_op: str = ""
) -> Iterator[Faulty]:
    from summit_cli.store import fs

    with fs.inject(Faulty(os, fail_at, persistent, err, fail_op)) as fake:
        yield fake


def run_cli(args: list[str]) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    from summit_cli.cli import app

    result = CliRunner().invoke(app, args)
    return result.exit_code, result.stdout, result.stderr


def fault_case(
    folder: Path, fail_at: int, persistent: bool, err: int, name: str = "summits.yaml"
) -> tuple[bool, str]:
    """One write with the k-th file operation failing. (ok, what happened)."""
    store = folder / name
    if not store.exists():
        seed_store(store)
    before = store.read_bytes()
    os.environ["SUMMITS_CACHE"] = "0"
    with faulty_os(fail_at, persistent, err):
        code, _, stderr = run_cli(
            [
                "--store",
                str(store),
                "add",
                "Fault",
                "--start",
                "2023-03-01",
                "--id",
                f"fault-{fail_at}-{int(persistent)}",
            ]
        )
    after = store.read_bytes()
    temps = [p for p in folder.iterdir() if p.name.startswith(".summits-tmp-")]
    if "Traceback" in stderr or code == 70:
        return False, f"crash: {stderr[-300:]}"
    if code == 0:
        ok = f"fault-{fail_at}-{int(persistent)}" in event_ids(store) and not temps
        return ok, "saved"
    clear = stderr.startswith("summits: error:") and str(store) in stderr
    if temps and persistent:  # removing the temp file failed too: the next write sweeps it
        code2, _, _ = run_cli(["--store", str(store), "add", "Next", "--start", "2023-03-02"])
        temps = [p for p in folder.iterdir() if p.name.startswith(".summits-tmp-")]
        temps += [folder] if code2 else []
    ok = code == 5 and after == before and not temps and clear
    return ok, f"exit {code}, identical={after == before}, temps={len(temps)}: {stderr.strip()}"


def seed_store(path: Path) -> None:
    """A copy of the bundled store, as YAML or (for a .json path) converted to JSON."""
    if path.suffix == ".json":
        from summit_cli import store as store_mod

        tree = store_mod.load(BUNDLED).tree
        path.write_text(json.dumps(json.loads(json.dumps(tree, default=str)), indent=2))
    else:
        shutil.copyfile(BUNDLED, path)


def count_ops(name: str = "summits.yaml") -> int:
    with tempfile.TemporaryDirectory() as tmp, faulty_os(0, False) as fake:
        store = Path(tmp) / name
        seed_store(store)
        os.environ["SUMMITS_CACHE"] = "0"
        code, _, err = run_cli(["--store", str(store), "add", "Count", "--start", "2023-03-01"])
        assert code == 0, err
        # a second write also keeps a backup
        code, _, err = run_cli(["--store", str(store), "add", "Count2", "--start", "2023-03-02"])
        calls = len(fake.calls)
    return calls


def check_faults(report: Report, name: str = "summits.yaml") -> list[str]:
    started = time.monotonic()
    total = count_ops(name) + 2
    failures: list[str] = []
    cases = saved = refused = 0
    for persistent in (False, True):
        for k in range(1, total + 1):
            with tempfile.TemporaryDirectory() as tmp:
                ok, what = fault_case(Path(tmp), k, persistent, errno.EIO, name)
            cases += 1
            saved += what == "saved"
            refused += what != "saved"
            if not ok:
                failures.append(f"k={k} persistent={persistent}: {what}")
    report.add(
        Row(
            f"fault injection ({Path(name).suffix[1:]} store): k-th file op fails, every k, "
            "single + persistent",
            f"{cases} cases over {total} ops: {refused} refused (exit 5, store byte-identical, "
            f"no temp file), {saved} saved; {len(failures)} bad",
            "",
            not failures,
            time.monotonic() - started,
        )
    )
    # ENOSPC on the data write specifically: message and byte-identical store
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "summits.yaml"
        shutil.copyfile(BUNDLED, store)
        with faulty_os(0, False, errno.ENOSPC, fail_op="write"):
            code, _, stderr = run_cli(["--store", str(store), "add", "X", "--start", "2023-03-01"])
        good = code == 5 and "no space left" in stderr and sha(store) == sha(BUNDLED)
        report.add(
            Row("full disk (ENOSPC on write)", f"exit {code}: {stderr.strip()[:90]}", "", good, 0.0)
        )
    return failures


# --------------------------------------------------------------- hostile input


def hostile_corpus() -> dict[str, tuple[bytes, str]]:
    """name -> (file content, expectation: 'refuse' or 'read')."""
    bomb = "version: 1\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    ev = 'version: 1\nevents:\n  - title: T\n    start: "2022-01-10"\n'
    return {
        "unsafe-tag.yaml": (
            b"version: 1\nx: !!python/object/apply:os.system ['echo pwned']\n",
            "refuse",
        ),
        "local-tag.yaml": (b"version: 1\nx: !evil 1\n", "refuse"),
        "alias-bomb.yaml": (bomb.encode(), "refuse"),
        "deep-nesting.yaml": (b"version: 1\nx: " + b"[" * 50000 + b"]" * 50000 + b"\n", "refuse"),
        "deep-nesting.json": (
            b'{"version": 1, "x": ' + b"[" * 50000 + b"]" * 50000 + b"}",
            "refuse",
        ),
        "duplicate-key.yaml": ((ev + "    title: U\n").encode(), "refuse"),
        "duplicate-key.json": (
            b'{"version": 1, "events": [{"title": "T", "start": "2022-01-10",\n "title": "U"}]}',
            "refuse",
        ),
        "huge-int.json": (
            b'{"version": 1, "events": [{"title": "T", "start": "2022-01-10", '
            b'"round": ' + b"9" * 5000 + b"}]}",
            "refuse",
        ),
        "huge-int.yaml": ((ev + "    round: " + "9" * 5000 + "\n").encode(), "refuse"),
        "nan.json": (
            b'{"version": 1, "events": [{"title": "T", "start": "2022-01-10", "round": NaN}]}',
            "refuse",
        ),
        "nan.yaml": ((ev + "    round: .nan\n").encode(), "refuse"),
        "invalid-utf8.yaml": (ev.encode() + b"    notes: \xff\xfe bad\n", "refuse"),
        "lone-surrogate.json": (
            b'{"version": 1, "events": [{"title": "a\\ud800", "start": "2022-01-10"}]}',
            "refuse",
        ),
        "lone-surrogate.yaml": ((ev + '    notes: "\\ud800"\n').encode(), "refuse"),
        "nul-byte.yaml": (ev.encode() + b"    notes: a\x00b\n", "refuse"),
        "two-documents.yaml": (b"version: 1\n---\nversion: 1\n", "refuse"),
        "bom.yaml": (b"\xef\xbb\xbf" + ev.encode(), "read"),
        "bom.json": (
            b'\xef\xbb\xbf{"version": 1, "events": [{"title": "T", "start": "2022-01-10"}]}',
            "read",
        ),
        "yaml11-no.yaml": (
            (ev + "    country: NO\n    venue: 1:30\n    city: 010\n").encode(),
            "read",
        ),
        "yaml11-octal-round.yaml": ((ev + "    round: 010\n").encode(), "refuse"),
        "unquoted-date.yaml": (
            b"version: 1\nevents:\n  - title: T\n    start: 2022-01-10\n    end: 2022-01-11\n",
            "read",
        ),
        "not-a-mapping.json": (b"[1, 2, 3]", "refuse"),
        "oversized.yaml": (b"", "refuse"),  # made sparse below: one byte over the limit
        # Text a reader might change: line separators, a literal \N, a lone CR (issue 12).
        "separators.yaml": (
            (ev + '    notes: "a\\x85b\\u2028c\\u2029d\\rE \\\\N f"\n').encode(),
            "read",
        ),
        # Dates and offsets out of range; a rough date that cannot be (issues 12, 16).
        "far-date.yaml": (
            b'version: 1\nevents:\n  - title: T\n    start: "9999-12-31"\n',
            "refuse",
        ),
        "offset-too-big.yaml": (
            b'version: 1\nevents:\n  - title: T\n    start: "2022-01-10T10:00+19:00"\n',
            "refuse",
        ),
        "rough-impossible.yaml": (
            b'version: 1\nevents:\n  - title: T\n    start: "2021-W53"\n',
            "refuse",
        ),
        # Rules that never match, that never end, or whose occurrence spans millennia.
        "rule-never-matches.yaml": (
            (ev + "    rrule: FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31\n").encode(),
            "refuse",
        ),
        "rule-huge-count.yaml": (
            (ev + "    rrule: FREQ=DAILY;COUNT=999999999\n").encode(),
            "refuse",
        ),
        "occurrence-millennia.yaml": (
            b'version: 1\nevents:\n  - title: T\n    start: "2024-07-01"\n    end: "8024-07-01"\n'
            b"    rrule: FREQ=WEEKLY;UNTIL=20240801;INTERVAL=2;BYDAY=MO\n",
            "read",
        ),
        "override-of-nothing.yaml": (
            (
                ev + "    rrule: FREQ=WEEKLY\n    overrides: [{of: '2022-01-11', title: X}]\n"
            ).encode(),
            "refuse",
        ),
        "rdates-flood.yaml": (
            (ev + "    rdates: [" + ", ".join(["'2022-01-11'"] * 10_001) + "]\n").encode(),
            "refuse",
        ),
        # Links that go round in a circle, or name nothing (issue 16).
        "link-circle.yaml": (
            b'version: 1\nevents:\n  - {id: a, title: A, start: "2022-01-10", follows: b}\n'
            b'  - {id: b, title: B, start: "2022-01-11", follows: a}\n',
            "refuse",
        ),
        "link-to-nowhere.yaml": ((ev + "    part_of: nowhere\n").encode(), "refuse"),
    }


def _limit_memory(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def check_hostile(report: Report, mem_limit: int = 1 << 30, time_limit: float = 10.0) -> list[str]:
    from summit_cli import store as store_mod

    started = time.monotonic()
    failures: list[str] = []
    worst_time = 0.0
    worst_mem = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, (content, expect) in hostile_corpus().items():
            path = Path(tmp) / name
            path.write_bytes(content)
            if name.startswith("oversized"):
                with path.open("r+b") as handle:
                    handle.truncate(store_mod.MAX_STORE_BYTES + 1)
            before = sha(path)
            t0 = time.monotonic()
            proc = subprocess.Popen(
                [*summits_cmd(), "--store", str(path), "list", "--output", "json"],
                env=clean_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                preexec_fn=_limit_memory(mem_limit),  # noqa: PLW1509
            )
            try:
                out, err = proc.communicate(timeout=time_limit)
            except subprocess.TimeoutExpired:
                proc.kill()
                failures.append(f"{name}: over {time_limit} s")
                continue
            elapsed = time.monotonic() - t0
            worst_time = max(worst_time, elapsed)
            worst_mem = max(worst_mem, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
            stderr = err.decode("utf-8", "replace")
            good = "Traceback" not in stderr and sha(path) == before
            if expect == "refuse":
                good = good and proc.returncode == 3 and name in stderr
                located = "line " in stderr or "events[" in stderr or "bytes" in stderr
                good = good and (located or name.startswith(("not-a-mapping", "deep", "two")))
            else:
                good = good and proc.returncode == 0 and bool(json.loads(out))
                if name.startswith("yaml11"):
                    record = json.loads(out)[0]
                    good = good and (record["country"], record["venue"], record["city"]) == (
                        "NO",
                        "1:30",
                        "010",
                    )
            if not good:
                failures.append(f"{name}: exit {proc.returncode}: {stderr.strip()[:200]}")
    n = len(hostile_corpus())
    report.add(
        Row(
            f"hostile store corpus ({n} files)",
            f"{n - len(failures)}/{n} refused (exit 3, file + line named) or read correctly; "
            f"store hash unchanged; slowest {worst_time:.2f} s; peak RSS {worst_mem // 1024} MiB "
            f"(RLIMIT_AS {mem_limit >> 20} MiB)",
            f"< {time_limit:g} s each",
            not failures,
            time.monotonic() - started,
        )
    )
    return failures


# --------------------------------------------------------------- output safety

HOSTILE_TITLES = {
    "rich markup": "Talks [bold red]resumed[/bold red] [link=https://evil.example]x[/link] [/bold]",
    "emoji code": "Talks :thumbs_down: :smile:",
    "ESC/CSI": "Talks \x1b[2J\x1b[31mred\x1b[0m",
    "OSC 8 link": "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07",
    "C1 CSI": "Talks \x9b31m red",
    "bidi override": "Talks \u202eevil\u202c \u2066x\u2069",
    "formula": '=HYPERLINK("https://evil.example","x")',
    "newline injection": "Talks\r\nEND:VEVENT\r\nBEGIN:VEVENT",
    "separators and BEL": "Talks\x85next\u2028line\u2029para\x07bell\ufeff",
    "literal backslash N": "Talks \\N not a break \\n either",
    "separators": "Talks\u2028line\u2029para\x85nel\ufeffbom",
    "yaml flow": "https://x.example/?utm_source=rss&a=b#frag, [a: b] ? #c",
}
"""Titles that must reach no terminal raw and every machine format exactly (also the corpus
of tests/test_output_safety.py)."""


MACHINE = frozenset({"csv", "tsv", "json", "ics"})


def forbidden_count(data: bytes) -> int:
    count = data.count(b"\x1b") + data.count(b"\xc2\x9b") + data.count(b"\x9b") // 2
    bidi = FORBIDDEN["bidi"]
    for seq in bidi if isinstance(bidi, tuple) else (bidi,):
        count += data.count(seq)
    return count


def _on_tty(args: list[str], env: dict[str, str]) -> bytes:
    """Run with stdout on a pseudo-terminal; return what the terminal received."""
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execvpe(args[0], args, env)
    chunks = []
    while True:
        try:
            ready, _, _ = select.select([fd], [], [], 10)
            if not ready:
                break
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.waitpid(pid, 0)
    return b"".join(chunks)


def output_matrix(folder: Path, small: bool = False) -> list[tuple[str, str, int, str]]:
    """(title case, output path, forbidden bytes, note) for every hostile title and path."""
    rows = []
    for label, title in HOSTILE_TITLES.items():
        store = folder / f"out-{abs(hash(label))}.json"
        event = {
            "id": "x",
            "title": title,
            "start": "2023-01-01",
            "notes": title,
            "participants": [title],
        }
        store.write_text(json.dumps({"version": 1, "events": [event]}))
        base = [*summits_cmd(), "--store", str(store)]
        paths: dict[str, bytes] = {}
        for name, extra, env in (
            ("table (TTY, colour)", ["list"], clean_env(FORCE_COLOR="1", COLUMNS="300")),
            ("show (TTY)", ["show", "x"], clean_env(FORCE_COLOR="1", COLUMNS="300")),
        ):
            if small and name.startswith("show"):
                continue
            env.pop("NO_COLOR", None)
            data = _on_tty([*base, *extra], env)
            # Colour sequences from summits itself are allowed on a TTY: strip SGR it emits.
            paths[name] = _strip_own_sgr(data)
        for name, extra in (
            ("plain (pipe)", ["list", "--output", "plain"]),
            ("table (pipe)", ["list", "--output", "table"]),
            ("show (pipe)", ["show", "x"]),
            ("csv", ["list", "--output", "csv"]),
            ("tsv", ["list", "--output", "tsv"]),
        ):
            if small and name in ("table (pipe)", "show (pipe)", "tsv"):
                continue
            paths[name] = subprocess.run(
                [*base, *extra], check=False, env=clean_env(), capture_output=True
            ).stdout
        js = subprocess.run(
            [*base, "list", "--output", "json"], check=False, env=clean_env(), capture_output=True
        ).stdout
        exact = json.loads(js)[0]["title"] == title
        ics = subprocess.run(
            [*base, "export", "--output", "ics"], check=False, env=clean_env(), capture_output=True
        ).stdout
        rows.append((label, "ics", forbidden_count(ics), _ics_note(ics, title)))
        for name, data in paths.items():
            count = forbidden_count(data)
            note = ""
            if name == "csv" and title.startswith("="):
                note = "neutralised" if b"'=" in data else "FORMULA"
            rows.append((label, name, count, note))
        rows.append((label, "json", forbidden_count(js), "exact" if exact else "CHANGED"))
    return rows


def _ics_note(data: bytes, title: str) -> str:
    """ "exact" when the calendar holds one event whose title is the data; else what broke."""
    import icalendar

    try:
        events = list(icalendar.Calendar.from_ical(data).walk("VEVENT"))
    except Exception as exc:  # the file must parse whatever the data
        return f"UNPARSEABLE ({type(exc).__name__})"
    if len(events) != 1:
        return f"INJECTED ({len(events)} events)"
    injected = {str(k) for k in events[0]} & {"ATTENDEE", "X-INJECT", "RRULE", "ORGANIZER"}
    if injected:
        return "INJECTED (" + ", ".join(sorted(injected)) + ")"
    # SUMMARY shows the title with unsafe characters as visible escapes; the exact title
    # travels in X-SUMMITS-TITLE, and summits' own import brings it back byte for byte.
    from summit_cli.interop import ics
    from summit_cli.interop.batch import events_of
    from summit_cli.model import Store

    (back,) = events_of(ics.ics_batch(data.decode("utf-8"), "stress.ics"), Store())
    summary = str(events[0]["SUMMARY"])
    if any((ord(c) < 32 and c not in "\t\n") or 0x7F <= ord(c) <= 0x9F for c in summary):
        return "RAW CONTROL IN SUMMARY"
    return "exact" if back.title == title else "CHANGED"


def _strip_own_sgr(data: bytes) -> bytes:
    """Remove SGR colour sequences (ESC [ digits;... m) that summits emits for styling.

    Data-borne ESC are shown as the visible text "\\x1b", so any ESC left after
    this came from the data and counts as forbidden.
    """
    import re

    return re.sub(rb"\x1b\[[0-9;]*m", b"", data)


def check_output(report: Report, small: bool = False) -> list[str]:
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        rows = output_matrix(Path(tmp), small)
    human = [r for r in rows if r[1] not in MACHINE]
    machine = [r for r in rows if r[1] in MACHINE]
    bad = [f"{label} / {path}: {count} forbidden" for label, path, count, _ in human if count]
    bad += [
        f"{label} / {path}: {note}"
        for label, path, _, note in machine
        if note in ("FORMULA", "CHANGED") or note.startswith(("INJECTED", "UNPARSEABLE"))
    ]
    report.add(
        Row(
            f"output safety, human ({len(HOSTILE_TITLES)} titles x "
            f"{len({r[1] for r in human})} outputs, TTY + pipe)",
            f"{sum(r[2] for r in human)} forbidden bytes (ESC, CSI, bidi) in {len(human)} outputs",
            "target 0",
            not any(r[2] for r in human),
            time.monotonic() - started,
        )
    )
    formulas = [r for r in machine if r[3] in ("neutralised", "FORMULA")]
    raw = ", ".join(f"{p} {sum(r[2] for r in machine if r[1] == p)}" for p in sorted(MACHINE))
    report.add(
        Row(
            "output safety, machine (json, csv, tsv, ics)",
            f"json exact {sum(r[1] == 'json' and r[3] == 'exact' for r in machine)}/"
            f"{len(HOSTILE_TITLES)}; ics one event, exact title "
            f"{sum(r[1] == 'ics' and r[3] == 'exact' for r in machine)}/{len(HOSTILE_TITLES)}; "
            f"csv formulas neutralised {sum(r[3] == 'neutralised' for r in formulas)}/"
            f"{len(formulas)}; raw control/bidi bytes kept as data: {raw}",
            "exact data",
            not any(
                r[3] in ("FORMULA", "CHANGED") or r[3].startswith(("INJECTED", "UNPARSEABLE"))
                for r in machine
            ),
            0.0,
        )
    )
    return bad


# ------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=50, help="concurrent writers (N)")
    parser.add_argument("--runs", type=int, default=10, help="concurrency runs (R)")
    parser.add_argument("--kills", type=int, default=200, help="kill -9 count (K)")
    parser.add_argument(
        "--small", action="store_true", help="CI size: 20 writers x 2 runs, 20 kills (< 60 s)"
    )
    parser.add_argument(
        "--only", default="", help="comma list of: concurrency,kills,faults,hostile,output"
    )
    parser.add_argument(
        "--mem-limit-mib", type=int, default=1024, help="RLIMIT_AS for each hostile-input child"
    )
    args = parser.parse_args(argv)
    if args.small:
        args.writers, args.runs, args.kills = 10, 1, 8
    only = set(filter(None, args.only.split(",")))

    def want(name: str) -> bool:
        return not only or name in only

    report = Report()
    details: list[str] = []
    started = time.monotonic()
    print(f"stress: {' '.join(sys.argv)}", file=sys.stderr)
    if want("concurrency"):
        check_concurrency(report, args.writers, args.runs)
    if want("kills"):
        check_kills(report, args.kills)
    if want("faults"):
        details += check_faults(report, "summits.json" if args.small else "summits.yaml")
    if want("hostile"):
        details += check_hostile(report, args.mem_limit_mib << 20)
    if want("output"):
        details += check_output(report, args.small)
    print(report.table())
    print(
        f"\ntotal {time.monotonic() - started:.0f} s; python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs"
    )
    for line in details:
        print("  " + line)
    return 0 if all(r.ok for r in report.rows) else 1


if __name__ == "__main__":
    sys.exit(main())
