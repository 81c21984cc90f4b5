"""`summits remind --exec`, and remind as real processes: overlapping runs, a run killed
between sending a reminder and recording it, commands that fail, hang or try to inject."""

from __future__ import annotations

import errno
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import BUSY, failed, ok, run_cli, unprivileged

from summit_cli.safetext import visible

NOW = ("--now", "2022-01-08T23:00")
NOW1 = ("--now", "2022-01-08T23:05")  # with --before 1d: one reminder due, the round's
SSD = "2022-01-10-geneva-ssd@2022-01-10T00:00"
# With a week of grace at NOW, four reminders are due (two more are superseded).
DUE = [
    "2022-01-12-brussels-nrc@2022-01-12T00:00/7d",
    "2022-01-13-vienna-osce@2022-01-13T00:00/7d",
    "2022-01-09-geneva-dinner@2022-01-09T00:00/2h",
    f"{SSD}/1d",
]
WEEK = ("--before", "7d,1d,2h", "--grace", "7d")


def logger(log: Path, *, then: str = "") -> str:
    """An --exec command that appends "alert retry" to *log* (a shell the user chose to run,
    reading the variables; nothing is interpolated into it by summits)."""
    script = f'echo "$SUMMITS_ALERT $SUMMITS_RETRY" >> {shlex.quote(str(log))}'
    return shlex.join(["sh", "-c", script + (f"; {then}" if then else "")])


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def record_of(store: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(store.with_name(store.name + ".alerts.json").read_text())[
        "alerts"
    ]
    return data


def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*unprivileged(), sys.executable, "-m", "summit_cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


# ------------------------------------------------------------------ the environment


def test_the_command_gets_the_reminder_in_its_environment_only(
    invoke: Any, store_path: Path, tmp_path: Path
) -> None:
    dump = tmp_path / "env.json"
    code = (
        "import json, os, sys; "
        f"json.dump([sys.argv[1:], dict(os.environ)], open({str(dump)!r}, 'w'))"
    )
    command = shlex.join([sys.executable, "-c", code, "fixed", "two words"])
    result = invoke(*NOW1, "remind", "--before", "1d", "--exec", command)
    assert ok(result).stdout == (
        "Strategic Stability Dialogue (geneva #3): tomorrow (2022-01-10 Mon, Geneva) [1d before]\n"
    )
    argv, env = json.loads(dump.read_text())
    assert argv == ["fixed", "two words"]
    assert env["SUMMITS_ID"] == "2022-01-10-geneva-ssd"
    assert env["SUMMITS_TITLE"] == "Strategic Stability Dialogue"
    assert env["SUMMITS_START_UTC"] == "2022-01-09T23:00:00Z"
    assert env["SUMMITS_COUNTDOWN"] == "tomorrow"
    assert env["SUMMITS_LEAD"] == "1d"
    assert env["SUMMITS_LATE"] == "false"
    assert env["SUMMITS_RETRY"] == "false"
    assert env["SUMMITS_OCCURRENCE"] == ""
    assert env["SUMMITS_ALERT"] == f"{SSD}/1d"
    assert env["SUMMITS_MESSAGE"] == result.stdout.strip()
    assert json.loads(env["SUMMITS_JSON"])["id"] == "2022-01-10-geneva-ssd"
    assert env["SUMMITS_STORE"] == str(store_path)  # the rest of the environment is kept


HOSTILE = [
    'x"; touch pwned1; echo "',
    "$(touch pwned2)",
    "`touch pwned3`",
    "'; touch pwned4; '",
    "a\nMIME-Version: 1.0\x1b[2J\x00 \u202eevil",
]


def test_no_title_can_inject_a_command(
    invoke: Any, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = store_path.read_text(encoding="utf-8")
    for number, title in enumerate(HOSTILE):
        text += (
            f"\n  - id: hostile-{number}\n    title: {json.dumps(title)}\n"
            f'    start: "2022-01-20T1{number}:00"\n    timezone: UTC\n'
        )
    store_path.write_text(text, encoding="utf-8")
    titles = tmp_path / "titles.txt"
    # The user's own shell reads the variable: expanded once, never parsed again.
    shell = shlex.join(["sh", "-c", f'printf "%s|" "$SUMMITS_TITLE" >> {titles}'])
    # No shell at all: the words are passed as they are, "$SUMMITS_TITLE" included.
    literal = "touch '$SUMMITS_TITLE' pwned-by-no-one-$SUMMITS_ID"
    for hour in range(10, 15):
        now = f"2022-01-20T{hour - 1}:00"
        ok(invoke("--now", now, "remind", "--before", "1h", "--exec", shell))
        ok(invoke("--now", now, "remind", "--before", "59min", "--exec", literal))
    assert sorted(p.name for p in tmp_path.glob("pwned*")) == ["pwned-by-no-one-$SUMMITS_ID"]
    assert (tmp_path / "$SUMMITS_TITLE").exists()
    shown = titles.read_text().split("|")[:-1]
    assert shown == [visible(t) for t in HOSTILE]
    assert "\n" not in shown[4] and "\x1b" not in shown[4] and "\\x00" in shown[4]


# ----------------------------------------------------------------- failing commands


def test_a_failing_command_leaves_the_reminder_to_the_next_run(
    invoke: Any, store_path: Path, tmp_path: Path
) -> None:
    result = invoke(*NOW1, "remind", "--before", "1d", "--exec", "false")
    assert result.exit_code == 6
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"summits: error: --exec 'false' for {SSD}/1d: exit status 1",
        "summits: error: 1 of 1 reminders not sent (--exec failed); the next run tries them again",
    ]
    assert record_of(store_path) == {}
    log = tmp_path / "log"
    again = invoke("--now", "2022-01-08T23:10", "remind", "--before", "1d", "--exec", logger(log))
    assert ok(again).stdout.startswith("Strategic Stability Dialogue")
    assert lines(log) == [f"{SSD}/1d false"]
    assert record_of(store_path)[f"{SSD}/1d"]["fate"] == "sent"


def test_one_failure_does_not_stop_the_others(
    invoke: Any, store_path: Path, tmp_path: Path
) -> None:
    log = tmp_path / "log"
    fails_on_osce = logger(log, then='case "$SUMMITS_ID" in *osce) exit 3;; esac')
    result = invoke(*NOW, "remind", *WEEK, "--exec", fails_on_osce)
    assert result.exit_code == 6
    assert len(result.stdout.splitlines()) == 3
    assert "2022-01-13-vienna-osce@2022-01-13T00:00/7d: exit status 3" in result.stderr
    fates = {key: entry["fate"] for key, entry in record_of(store_path).items()}
    assert DUE[1] not in fates
    assert sorted(k for k, f in fates.items() if f == "sent") == sorted(DUE[:1] + DUE[2:])


def test_a_hanging_command_is_stopped_with_all_it_started(
    invoke: Any, store_path: Path, tmp_path: Path
) -> None:
    pids = tmp_path / "pids"
    hang = shlex.join(["sh", "-c", f"sleep 60 & echo $$ $! > {pids}; wait"])
    began = time.monotonic()
    result = invoke(*NOW1, "remind", "--before", "1d", "--exec", hang, "--exec-timeout", "0.5")
    assert time.monotonic() - began < 10
    assert result.exit_code == 6
    assert "still running after 0.5 s (--exec-timeout); stopped it" in result.stderr
    for pid in pids.read_text().split():
        assert not running(int(pid)), pid
    assert record_of(store_path) == {}


def running(pid: int) -> bool:
    """True while *pid* exists and is not a zombie (waits a little for it to go)."""
    for _ in range(50):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return False
        if state == "Z":
            return False
        time.sleep(0.05)
    return True


def test_a_command_that_cannot_start(invoke: Any, tmp_path: Path) -> None:
    script = tmp_path / "broken"
    script.write_text("not a program\n")
    script.chmod(0o755)  # executable, but no #! line: exec fails with ENOEXEC
    result = invoke(*NOW1, "remind", "--before", "1d", "--exec", str(script))
    assert result.exit_code == 6
    assert "cannot start it" in result.stderr


# ------------------------------------------------------------- processes, for real


@pytest.mark.slow
def test_overlapping_runs_send_each_reminder_once(store_path: Path, tmp_path: Path) -> None:
    log = tmp_path / "log"
    slow = logger(log, then="sleep 0.3")
    runs = [start(*NOW, "remind", *WEEK, "--exec", slow, "--lock-timeout", "60") for _ in range(4)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], outputs
    assert sorted(lines(log)) == sorted(f"{key} false" for key in DUE)
    printed = [line for out, _ in outputs for line in out.splitlines()]
    assert len(printed) == len(DUE)


@pytest.mark.slow
def test_a_run_that_cannot_get_the_lock_in_time_sends_nothing(
    store_path: Path, tmp_path: Path
) -> None:
    log = tmp_path / "log"
    holder = start(*NOW, "remind", *WEEK, "--exec", logger(log, then="sleep 1"))
    deadline = time.monotonic() + 30
    while not lines(log) and time.monotonic() < deadline:
        time.sleep(0.02)
    waiting = run_cli(*NOW, "remind", *WEEK, "--lock-timeout", "0.2")
    failed(waiting, BUSY, "another summits remind is running", "nothing was sent")
    _, err = holder.communicate(timeout=60)
    assert holder.returncode == 0, err
    assert sorted(lines(log)) == sorted(f"{key} false" for key in DUE)


@pytest.mark.slow
def test_a_run_killed_between_sending_and_recording_sends_again_marked(
    store_path: Path, tmp_path: Path
) -> None:
    """At least once: the command ran (the reminder went out), then the run died before it
    recorded that; the next run sends it again, saying it may repeat, and then no more."""
    log = tmp_path / "log"
    killer = logger(log, then="kill -9 $PPID")
    first = run_cli(*NOW, "remind", *WEEK, "--exec", killer)
    assert first.exit_code == -9
    assert lines(log) == [f"{DUE[0]} false"]
    fates = {key: entry["fate"] for key, entry in record_of(store_path).items()}
    assert fates[DUE[0]] == "sending"
    assert "sent" not in fates.values()
    second = run_cli("--now", "2022-01-08T23:05", "remind", *WEEK, "--exec", logger(log))
    assert ok(second).stdout.splitlines()[0].endswith("[7d before, 4 days late, may repeat]")
    assert lines(log) == [f"{DUE[0]} false", f"{DUE[0]} true"] + [f"{k} false" for k in DUE[1:]]
    assert {entry["fate"] for entry in record_of(store_path).values()} == {"sent", "superseded"}
    third = run_cli("--now", "2022-01-08T23:10", "remind", *WEEK, "--exec", logger(log))
    assert ok(third).stdout == ""
    assert len(lines(log)) == len(DUE) + 1


def test_printing_is_sending_and_a_record_that_fails_after_it_prints_again(
    invoke: Any, store_path: Path
) -> None:
    """Without --exec, the line on stdout is the reminder: the record says "sending" before
    it is printed and "sent" after, so a run that dies in between prints it again."""
    from summit_cli.store import fs

    class SecondRenameFails:
        renames = 0

        def __getattr__(self, name: str) -> Any:
            return getattr(os, name)

        def replace(self, source: Any, target: Any) -> None:
            self.renames += str(target).endswith(".alerts.json")
            if self.renames == 2:
                raise OSError(errno.ENOSPC, "No space left on device")
            Path(source).replace(target)

    with fs.inject(SecondRenameFails()):
        first = invoke(*NOW1, "remind", "--before", "1d")
    assert first.exit_code == 5
    assert first.stdout.endswith("[1d before]\n")
    assert "no space left on the device" in first.stderr
    assert record_of(store_path)[f"{SSD}/1d"]["fate"] == "sending"
    again = invoke("--now", "2022-01-08T23:10", "remind", "--before", "1d")
    assert ok(again).stdout.endswith("[1d before, may repeat]\n")
    assert record_of(store_path)[f"{SSD}/1d"]["fate"] == "sent"
    assert [p.name for p in store_path.parent.iterdir() if p.name.startswith(".summits-tmp")] == []
