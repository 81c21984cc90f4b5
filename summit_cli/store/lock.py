"""The writers' lock: ``flock`` on a sidecar ``<store>.lock``, waited for with a deadline.

The kernel drops the lock when its holder dies, so a crash leaves no stale
lock. ``fcntl`` is imported here, lazily: reading a store never needs it.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterator
from pathlib import Path

from summit_cli.errors import InvalidInput, StoreBusy
from summit_cli.store import fs

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

DEFAULT_TIMEOUT = 10.0
MAX_TIMEOUT = 86_400.0  # a day: anything longer is a typo, not a plan
TIMER_FLOOR = 0.001  # setitimer rounds smaller values to zero, which would disarm it


def check_timeout(value: float) -> float:
    """A lock timeout must be a finite number of seconds from 0 to a day."""
    if not math.isfinite(value) or value < 0 or value > MAX_TIMEOUT:
        raise InvalidInput(
            f"--lock-timeout must be a number of seconds from 0 to {MAX_TIMEOUT:g}, not {value!r}"
        )
    return value


@contextlib.contextmanager
def locked(real: Path, timeout: float) -> Iterator[None]:
    """Hold ``flock`` on ``<real>.lock``, waiting at most *timeout* seconds (StoreBusy after)."""
    timeout = check_timeout(timeout)
    lock_path = real.with_name(real.name + ".lock")
    fd = fs.open_lock_file(lock_path)
    try:
        try:
            got = _flock_with_timer(fd, timeout)
        except OSError as exc:
            raise fs.io_error(lock_path, exc, "lock the store") from None
        if not got:
            raise StoreBusy(
                f"{real}: the store is busy (another summits is writing it); "
                f"waited {timeout:g} s, retry"
            )
        yield
    finally:
        fs.close(fd)  # releases the lock


class _LockWaitOver(Exception):
    pass


def _flock_with_timer(fd: int, timeout: float) -> bool:
    """Wait in the kernel's queue for the lock (fair under contention), at most *timeout* s.

    Only the main thread can use SIGALRM; other threads poll (``_flock_polling``).
    """
    import fcntl
    import signal
    import threading

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        pass
    if timeout <= 0:
        return False
    if threading.current_thread() is not threading.main_thread():
        return _flock_polling(fd, timeout)

    def expire(signum: int, frame: Any) -> None:
        raise _LockWaitOver

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, max(timeout, TIMER_FLOOR))
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            return True
        except _LockWaitOver:
            return False
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)


def _flock_polling(fd: int, timeout: float) -> bool:
    import fcntl

    deadline = time.monotonic() + max(timeout, 0.0)
    delay = 0.002
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(min(delay, max(deadline - time.monotonic(), 0.0)))
            delay = min(delay * 2, 0.05)
