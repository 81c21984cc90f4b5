"""Benchmark ``summits sync`` against a local Radicale that this script starts.

Usage:
    python scripts/bench_sync.py              # 1,000 events
    python scripts/bench_sync.py --events 200 # another size
    python scripts/bench_sync.py --json       # the figures as JSON too
    python scripts/bench_sync.py --mtime-cache   # Radicale's speed option on

Budgets (issue 14): the first sync of 1,000 events under 10 s, a no-op sync under 1 s.
Each sync runs as a real ``python -m summit_cli`` process: its wall time, its CPU time
(user + system of summits alone), the CPU time Radicale spent meanwhile (from /proc), and
the number of HTTP requests it made (its ``--output json`` report). The
Radicale is the tests' (tests/servers.py: htpasswd auth, multifilesystem storage), on
127.0.0.1 at a free port, stopped at the end. Exit status 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

FIRST_BUDGET = 10.0  # seconds, for 1,000 events
NOOP_BUDGET = 1.0
FORMATS = {
    "geneva": ("US–Russia Strategic Stability Dialogue", "Europe/Zurich"),
    "nrc": ("NATO–Russia Council", "Europe/Brussels"),
    "osce": ("OSCE Permanent Council", "Europe/Vienna"),
    "normandy": ("Normandy Format", "Europe/Paris"),
}


def make_store(path: Path, count: int) -> None:
    """*count* events over the formats, some with history and notes, through the store."""
    from summit_cli import store
    from summit_cli.model import Change, Event, Format, Status, Store, parse_wall_time

    formats = {k: Format(k, name, None, zone) for k, (name, zone) in FORMATS.items()}
    keys = list(FORMATS)
    events = []
    for n in range(count):
        key = keys[n % len(keys)]
        day = f"{2030 + n // 300}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        postponed = n % 17 == 0
        events.append(
            Event(
                f"{day}-{key}-{n:05d}",
                f"{formats[key].name}, round {n // len(keys) + 1}",
                parse_wall_time(f"{day}T{9 + n % 8:02d}:00"),
                kind="round",
                format=key,
                round=n // len(keys) + 1,
                end=parse_wall_time(f"{day}T{12 + n % 8:02d}:30"),
                timezone=formats[key].timezone,
                city=zone.split("/")[1] if (zone := formats[key].timezone) else None,
                participants=("United States", "Russia") if key == "geneva" else ("NATO",),
                status=Status.POSTPONED if postponed else Status.SCHEDULED,
                notes=f"Bench event {n}; agenda, items; \\ and % survive" if n % 3 == 0 else None,
                tags=("bench",),
                history=(Change("2029-12-01T10:00:00Z", "postponed", "scheduled", day),)
                if postponed
                else (),
            )
        )
    store.update(store.Location(path), lambda _: Store(formats, tuple(events)))


def summits(
    store_path: Path, env: dict[str, str], *args: str
) -> tuple[float, float, dict[str, object]]:
    """Run one summits command: (wall seconds, its CPU seconds (user + system: what summits
    itself spent, the server's work excluded), the JSON report of a sync, else {})."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "summit_cli", "--store", str(store_path), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # Radicale is not reaped yet
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"summits {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    report: dict[str, object] = {}
    if "--output" in args:
        report = json.loads(done.stdout)["remotes"][0]
    return elapsed, cpu, report


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far; NaN where /proc is missing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument(
        "--mtime-cache",
        action="store_true",
        help="Radicale with use_mtime_and_size_for_item_cache = True (its speed option)",
    )
    args = parser.parse_args(argv)
    import servers

    load = os.getloadavg()[0]
    scale = args.events / 1000
    results: list[tuple[str, float, float, float, int, float | None]] = []
    with tempfile.TemporaryDirectory(prefix="summits-bench-sync-") as folder:
        root = Path(folder)
        tuned = "use_mtime_and_size_for_item_cache = True\n" if args.mtime_cache else ""
        server = servers._launch_radicale(root / "radicale", storage=tuned)
        try:
            env = {
                **os.environ,
                "PW_ALICE": server.users["alice"],
                "PW_BOB": server.users["bob"],
                "SUMMITS_TZ": "UTC",
                "HOME": str(root / "home"),
                "XDG_DATA_HOME": str(root / "data"),
                "XDG_CACHE_HOME": str(root / "cache"),
            }
            alice, bob = root / "alice.yaml", root / "bob.yaml"
            make_store(alice, args.events)
            for path, user in ((alice, "alice"), (bob, "bob")):
                summits(path, env, "remote", "add", "team", server.calendar_url, "--user", user,
                        "--password-env", f"PW_{user.upper()}")  # fmt: skip
            steps = [
                (f"first sync, push {args.events} (alice)", alice, FIRST_BUDGET * scale),
                ("no-op sync (alice)", alice, NOOP_BUDGET),
                (f"first sync, pull {args.events} into an empty store (bob)", bob, None),
                ("no-op sync (bob)", bob, NOOP_BUDGET),
            ]
            for label, path, budget in steps:
                served = process_cpu(server.process.pid)
                elapsed, cpu, report = summits(path, env, "sync", "--output", "json")
                served = process_cpu(server.process.pid) - served
                requests = report.get("requests", 0)
                count = int(requests) if isinstance(requests, int) else 0
                results.append((label, elapsed, cpu, served, count, budget))
        finally:
            server.stop()
    radicale = "Radicale (item cache by mtime and size)" if args.mtime_cache else "Radicale"
    connections = os.environ.get("SUMMITS_SYNC_CONNECTIONS", "4")
    print(f"summits sync against {radicale} on 127.0.0.1, {args.events} events, "
          f"{connections} connections, load average {load:.1f} at the start")  # fmt: skip
    header = f"{'step':<52} {'wall s':>8} {'cpu s':>7} {'server cpu s':>13} {'requests':>9}"
    print(f"{header} {'budget s':>9}")
    over = False
    for label, elapsed, cpu, served, requests, budget in results:
        verdict = ""
        if budget is not None:
            verdict = "ok" if elapsed <= budget else "OVER"
            over = over or elapsed > budget
        shown = f"{budget:.1f}" if budget is not None else "-"
        print(
            f"{label:<52} {elapsed:>8.2f} {cpu:>7.2f} {served:>13.2f} {requests:>9} {shown:>9} "
            f"{verdict}"
        )
    if args.json:
        rows = [
            {
                "step": s,
                "seconds": round(e, 3),
                "cpu_seconds": round(c, 3),
                "server_cpu_seconds": round(v, 3),
                "requests": r,
            }
            for s, e, c, v, r, _ in results
        ]
        print(json.dumps(rows, indent=2))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
