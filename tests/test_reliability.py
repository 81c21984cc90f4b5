"""Guarantees 1-6, 9 and 10 of the reliability issue: concurrency, crashes, faults,
changes behind our back, mode and symlinks, bounded lock waits, validate, backups and undo."""

from __future__ import annotations

import errno
import fcntl
import importlib.util
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import run_cli

from summit_cli import query, store
from summit_cli.store import backups, fs, transaction

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "summits.yaml"
SUMMITS = str(Path(sys.executable).with_name("summits"))


def _stress() -> Any:
    spec = importlib.util.spec_from_file_location("stress", ROOT / "scripts" / "stress.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["stress"] = module
    spec.loader.exec_module(module)
    return module


stress = _stress()

TINY = {
    "version": 1,
    "formats": {"geneva": {"name": "Geneva talks"}},
    "events": [{"id": "a", "title": "A", "start": "2022-01-10", "format": "geneva", "round": 1}],
}


def digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def tiny_store(folder: Path) -> Path:
    path = folder / "tiny.json"
    path.write_text(json.dumps(TINY, indent=2))
    return path


def temps(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(fs.TEMP_PREFIX)]


def add(invoke: Any, path: Path, title: str, *extra: str) -> Any:
    return invoke("--store", str(path), "add", title, "--start", "2023-05-01", *extra)


# ------------------------------------------------------------- 1. concurrency


@pytest.mark.slow
def test_50_concurrent_writer_processes_lose_nothing(tmp_path: Path) -> None:
    acked, present, lost = stress.concurrency_run(tmp_path, 50)
    assert lost == 0
    assert acked == present == 50


# ------------------------------------------------------------------- 2. kill


@pytest.mark.slow
def test_kill_9_during_writes_leaves_old_or_new_no_stale_lock(tmp_path: Path) -> None:
    path = tmp_path / "summits.yaml"
    shutil.copyfile(BUNDLED, path)
    rng = random.Random(7)
    for n in range(4):
        parseable, old_or_new, lock_free_and_swept, _ = stress.kill_once(path, n, rng)
        assert parseable and old_or_new and lock_free_and_swept


def test_orphaned_temp_files_are_swept_by_the_next_write(invoke: Any, store_path: Path) -> None:
    orphan = (
        store_path.parent
        / f"{fs.TEMP_PREFIX + transaction.temp_tag(store_path.resolve())}dead-writer"
    )
    orphan.write_bytes(b"half a store")
    assert add(invoke, store_path, "Sweep").exit_code == 0
    assert temps(store_path.parent) == []


# --------------------------------------------------------- 3. I/O faults


@pytest.mark.slow
@pytest.mark.parametrize("persistent", [False, True], ids=["single", "persistent"])
def test_failing_the_kth_file_operation_for_every_k(
    tmp_path: Path, invoke: Any, persistent: bool
) -> None:
    path = tiny_store(tmp_path)
    with stress.faulty_os(0, False) as counter:
        assert add(invoke, path, "Count", "--id", "count").exit_code == 0
        assert add(invoke, path, "Count", "--id", "count2").exit_code == 0
    total = len(counter.calls)
    assert total > 15
    saved = refused = 0
    for k in range(1, total + 2):
        path = tiny_store(tmp_path)
        before = path.read_bytes()
        with stress.faulty_os(k, persistent):
            result = add(invoke, path, "Fault", "--id", f"f{k}")
        assert "Traceback" not in result.stderr
        if result.exit_code == 0:  # the fault came after the commit point
            saved += 1
            assert f"f{k}" in [e.id for e in store.load(path).store.events]
        else:
            refused += 1
            assert result.exit_code == 5, result.stderr
            assert path.read_bytes() == before, f"k={k}"
            assert result.stderr.startswith("summits: error:") and str(path) in result.stderr
            if persistent and temps(tmp_path):  # even unlink failed: the next write sweeps it
                assert add(invoke, path, "Next", "--id", f"n{k}").exit_code == 0
            assert temps(tmp_path) == [], f"k={k}"
    assert saved and refused


def test_full_disk_says_so_and_leaves_the_store_identical(invoke: Any, store_path: Path) -> None:
    before = digest(store_path)
    with stress.faulty_os(0, False, errno.ENOSPC, fail_op="write"):
        result = add(invoke, store_path, "Full")
    assert result.exit_code == 5
    assert "no space left on the device" in result.stderr
    assert "the store is unchanged" in result.stderr
    assert digest(store_path) == before


def test_read_only_file_system_and_permission_errors(invoke: Any, store_path: Path) -> None:
    before = digest(store_path)
    for err, text in ((errno.EROFS, "read-only file system"), (errno.EACCES, "permission denied")):
        with stress.faulty_os(0, False, err, fail_op="open"):
            result = add(invoke, store_path, "RO")
        assert result.exit_code == 5 and text in result.stderr
    assert digest(store_path) == before


def test_read_only_folder(store_path: Path) -> None:
    before = digest(store_path)
    store_path.parent.chmod(0o555)
    try:
        result = run_cli("--store", str(store_path), "add", "RO", "--start", "2023-05-01")
    finally:
        store_path.parent.chmod(0o755)
    assert result.exit_code == 5 and "not writable" in result.stderr
    assert digest(store_path) == before


def test_a_failed_folder_sync_after_the_commit_point_warns(invoke: Any, store_path: Path) -> None:
    real_fsync = os.fsync

    class DirSyncFails:
        def __getattr__(self, name: str) -> Any:
            return getattr(os, name)

        @staticmethod
        def fsync(fd: int) -> None:
            if Path(f"/proc/self/fd/{fd}").is_dir():
                raise OSError(errno.EIO, "I/O error")
            real_fsync(fd)

    with fs.inject(DirSyncFails()):
        result = add(invoke, store_path, "Durable?")
    assert result.exit_code == 0
    assert "durability is unconfirmed" in result.stderr


# ------------------------------------------------------ 4. changed on disk


@pytest.mark.parametrize("how", ["rename", "in-place-same-size"])
def test_a_store_changed_between_read_and_write_is_never_overwritten(
    invoke: Any, store_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    original = query.add_event

    def meddle(current: Any, event: Any) -> Any:
        data = store_path.read_bytes()
        theirs = data.replace(b"Geneva", b"Genf!!")  # same size
        if how == "rename":
            other = store_path.with_name("editor.tmp")
            other.write_bytes(theirs)
            other.replace(store_path)
        else:
            with store_path.open("r+b") as handle:
                handle.write(theirs)
        return original(current, event)

    monkeypatch.setattr(query, "add_event", meddle)
    result = add(invoke, store_path, "Mine")
    assert result.exit_code == 4
    assert "changed on disk by another program" in result.stderr
    assert b"Genf!!" in store_path.read_bytes()  # their change is kept
    assert b"Mine" not in store_path.read_bytes()


# ---------------------------------------------------- 5. mode, owner, symlink


def test_mode_owner_and_symlink_are_kept(invoke: Any, tmp_path: Path) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    real = real_dir / "summits.yaml"
    shutil.copyfile(BUNDLED, real)
    real.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(real, 65534, 65534)
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    assert add(invoke, link, "Through the link").exit_code == 0
    assert link.is_symlink() and link.resolve() == real
    assert (real.stat().st_mode & 0o777) == 0o640
    if os.geteuid() == 0:
        assert (real.stat().st_uid, real.stat().st_gid) == (65534, 65534)
    assert (real_dir / "summits.yaml.lock").exists()  # the lock follows the real file
    assert not (tmp_path / "link.yaml.lock").exists()
    assert backups.folder_of(real).is_dir()
    assert "Through the link" in real.read_text()


# ------------------------------------------------------------- 6. lock wait


def test_lock_wait_is_bounded_and_ends_in_exit_4(store_path: Path) -> None:
    before = digest(store_path)
    fd = os.open(str(store_path) + ".lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        started = time.monotonic()
        result = subprocess.run(
            [
                SUMMITS,
                "--store",
                str(store_path),
                "--lock-timeout",
                "0.3",
                "add",
                "Busy",
                "--start",
                "2023-05-01",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
        elapsed = time.monotonic() - started
    finally:
        os.close(fd)
    assert result.returncode == 4
    assert "busy" in result.stderr and "retry" in result.stderr
    assert elapsed < 5
    assert digest(store_path) == before


# ---------------------------------------------------------- 10. backups, undo


def ids(path: Path) -> list[str]:
    return [e.id for e in store.load(path).store.events]


def test_undo_restores_the_state_before_the_last_write(invoke: Any, store_path: Path) -> None:
    original = store_path.read_bytes()
    assert add(invoke, store_path, "One", "--id", "one").exit_code == 0
    after_one = store_path.read_bytes()
    assert add(invoke, store_path, "Two", "--id", "two").exit_code == 0
    dry = invoke("--store", str(store_path), "undo", "--dry-run")
    assert dry.exit_code == 0 and "two" in dry.stdout and "nothing was written" in dry.stderr
    assert "two" in ids(store_path)
    first = invoke("--store", str(store_path), "undo")
    assert first.exit_code == 0, first.stderr
    assert "1 event removed: two" in first.stderr
    assert store_path.read_bytes() == after_one
    second = invoke("--store", str(store_path), "undo")  # one more version back
    assert second.exit_code == 0
    assert store_path.read_bytes() == original
    third = invoke("--store", str(store_path), "undo")
    assert third.exit_code == 1 and "nothing to undo" in third.stderr
    assert store_path.read_bytes() == original
    undone = [b for b in backups.list_backups(store_path) if b.undone]
    assert len(undone) == 2  # the undone states are kept too
    assert undone[-1].path.read_bytes() == after_one


def test_undo_skips_a_backup_left_by_a_crash_after_the_commit_point(
    invoke: Any, store_path: Path
) -> None:
    original = store_path.read_bytes()
    assert add(invoke, store_path, "One", "--id", "one").exit_code == 0
    folder = backups.folder_of(store_path)
    os.link(store_path, folder / "000099.yaml")  # as if we died right after the link
    result = invoke("--store", str(store_path), "undo")
    assert result.exit_code == 0
    assert store_path.read_bytes() == original


def test_backups_are_pruned_to_the_newest(invoke: Any, tmp_path: Path) -> None:
    path = tiny_store(tmp_path)
    for n in range(backups.KEEP + 3):
        assert add(invoke, path, f"E{n}", "--id", f"e{n}").exit_code == 0
    kept = backups.list_backups(path)
    assert len(kept) == backups.KEEP
    assert kept[-1].seq == backups.KEEP + 3


def test_undo_itself_is_a_safe_write(invoke: Any, store_path: Path) -> None:
    assert add(invoke, store_path, "One").exit_code == 0
    before = digest(store_path)
    with stress.faulty_os(0, False, errno.ENOSPC, fail_op="write"):
        result = invoke("--store", str(store_path), "undo")
    assert result.exit_code == 5 and digest(store_path) == before
    fd = os.open(str(store_path) + ".lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        busy = invoke("--store", str(store_path), "--lock-timeout", "0.1", "undo")
    finally:
        os.close(fd)
    assert busy.exit_code == 4 and digest(store_path) == before


# ------------------------------------------------------------- 9. validate

SUSPICIOUS = """\
version: 1
formats:
  geneva:
    name: Geneva talks
    colour: blue
events:
  - id: r1
    title: Round 1
    format: geneva
    round: 1
    start: "2022-01-10"
    status: held
  - id: r3
    title: Round 3
    format: geneva
    round: 3
    start: "2022-02-10"
    status: held
  - id: r3b
    title: Round 3 again
    format: geneva
    round: 3
    start: "2022-03-10"
    status: held
    venu: Palais
  - id: old
    title: Long ago
    start: "2021-01-10T09:00"
    end: "2021-01-10T08:30-05:00"
    timezone: Europe/Zurich
"""


def test_validate_clean_store(invoke: Any, store_path: Path) -> None:
    result = invoke("validate")
    assert result.exit_code == 0 and result.stdout == ""
    assert "valid" in result.stderr


def test_validate_reports_every_problem_with_its_line(invoke: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "version: 1\nformats:\n  x:\n    description: no name\nevents:\n"
        '  - title: A\n    start: "2022-13-01"\n  - id: b\n    title: B\n    start: "2022-01-01"\n'
        '    end: "2021-01-01"\n'
    )
    result = invoke("--store", str(path), "validate", "--output", "json")
    assert result.exit_code == 3
    found = json.loads(result.stdout)
    assert {f["level"] for f in found} == {"error"}
    # Each problem points at the line of the field it is about.
    assert [f["line"] for f in found] == [3, 7, 11]
    text = invoke("--store", str(path), "validate")
    assert text.exit_code == 3
    assert f"{path}:7: error: events[0]:" in text.stdout
    assert len(text.stdout.splitlines()) == 3


def test_validate_strict_warns_and_exits_3(invoke: Any, tmp_path: Path) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(SUSPICIOUS)
    lenient = invoke("--store", str(path), "--now", "2022-06-01", "validate")
    assert lenient.exit_code == 0 and "see --strict" in lenient.stderr
    strict = invoke(
        "--store", str(path), "--now", "2022-06-01", "validate", "--strict", "-o", "json"
    )
    assert strict.exit_code == 3
    found = json.loads(strict.stdout)
    messages = " | ".join(f["message"] for f in found)
    assert all(f["level"] == "warning" for f in found)
    assert "unknown key 'colour'" in messages
    assert "unknown key 'venu' (did you mean 'venue'?)" in messages
    assert "round 3 is used 2 times" in messages
    assert "round 2 missing between rounds 1 and 3" in messages
    assert "still 'scheduled'" in messages
    assert "different zones" in messages
    lines = {f["message"].split(" (")[0]: f["line"] for f in found}

    def line_of(text: str) -> int:
        return SUSPICIOUS[: SUSPICIOUS.index(text)].count("\n") + 1

    # A warning points at the line of the key it is about.
    assert lines["unknown key 'colour'"] == line_of("colour: blue")
    assert lines["unknown key 'venu'"] == line_of("venu: Palais")


def test_validate_a_file_that_does_not_parse(invoke: Any, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"version": 1,\n "events": [}')
    result = invoke("--store", str(path), "validate")
    assert result.exit_code == 3
    assert f"{path}:2: error:" in result.stdout
