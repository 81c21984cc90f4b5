"""The file-system seam: every file operation summits makes goes through here.

Other modules never call ``os`` file functions themselves: they call the
functions below, which call ``OPS`` (normally the ``os`` module). Tests swap
``OPS`` for a stand-in that fails the k-th operation (:func:`inject`), so one
seam covers every writer: the store, the parse cache, backups and exports.

Writes follow the recipe in RELIABILITY.md: a hidden temp file in the same
folder with the target's mode, write, fsync, close, an optional last check,
``os.replace`` (the commit point), then fsync of the folder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from summit_cli.errors import InvalidData, NotFound, Problem, StoreIOError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any, NamedTuple
else:
    from summit_cli.lighttuple import NamedTuple

OPS: Any = os  # the operations in use; see inject()
TEMP_PREFIX = ".summits-tmp-"
CHUNK = 1 << 20


@contextlib.contextmanager
def inject(ops: Any) -> Iterator[Any]:
    """Use *ops* (an object with os's file functions) for every file operation, for tests."""
    global OPS  # noqa: PLW0603 - the seam is module state on purpose: one place to swap
    previous = OPS
    OPS = ops
    try:
        yield ops
    finally:
        OPS = previous


class Stamp(NamedTuple):
    """Identity of a file's bytes, to notice a change made behind our back."""

    exists: bool
    inode: int = 0
    mtime_ns: int = 0
    size: int = 0
    digest: str = ""
    ctime_ns: int = 0
    mode: int = 0
    owner: tuple[int, int] | None = None


def _stamp(st: os.stat_result) -> Stamp:
    return Stamp(
        True, st.st_ino, st.st_mtime_ns, st.st_size, "", st.st_ctime_ns, st.st_mode,
        (st.st_uid, st.st_gid),
    )  # fmt: skip


def stamp_of(path: Path) -> Stamp | None:
    """The identity of *path* from ``stat`` alone (no digest); None when it does not exist."""
    st = stat_of(path)
    return _stamp(st) if st is not None else None


def real_path(path: Path) -> Path:
    """*path* with every symlink resolved (writes replace the real file, keeping the link)."""
    return Path(os.path.realpath(path))


def digest(data: bytes) -> str:
    """A strong digest of *data* (BLAKE2b): cheap to import, unforgeable by an edit."""
    try:
        from _blake2 import blake2b  # built in, without hashlib's OpenSSL start-up cost
    except ImportError:  # pragma: no cover - other Python implementations
        from hashlib import blake2b
    return blake2b(data, digest_size=32).hexdigest()


def io_error(path: Path, exc: OSError, doing: str, *, unchanged: bool = True) -> StoreIOError:
    """An OSError as the one-line message users see."""
    reason = {
        errno.ENOSPC: "no space left on the device",
        errno.EDQUOT: "disk quota exceeded",
        errno.EROFS: "read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    tail = "; the store is unchanged" if unchanged else ""
    return StoreIOError(f"{path}: cannot {doing}: {reason}{tail}")


def too_big(source: str, size: int, limit: int) -> InvalidData:
    return InvalidData(source, [Problem("", f"the file is {size} bytes; the limit is {limit}")])


# ------------------------------------------------------------------ reading


def read_regular(path: Path, limit: int, *, what: str = "the store") -> tuple[bytes, Stamp]:
    """The bytes of the regular file *path* (at most *limit*) and their identity.

    A FIFO, device or folder is refused before it is read (a FIFO would block
    forever); the size limit is checked before reading and while reading.
    """
    source = str(path)
    try:
        before = OPS.stat(path)
    except FileNotFoundError:
        raise NotFound(f"{what.removeprefix('the ')} not found: {path}") from None
    except OSError as exc:
        raise StoreIOError(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    _check_regular(path, before.st_mode, what)
    if before.st_size > limit:
        raise too_big(source, before.st_size, limit)
    try:
        fd = OPS.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except FileNotFoundError:
        raise NotFound(f"{what.removeprefix('the ')} not found: {path}") from None
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise StoreIOError(f"{path}: permission denied (cannot read {what})") from None
        raise StoreIOError(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    try:
        st = OPS.fstat(fd)
        _check_regular(path, st.st_mode, what)  # replaced between stat and open
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = OPS.read(fd, CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # grew while we read
                raise too_big(source, total, limit)
    except OSError as exc:
        raise StoreIOError(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            OPS.close(fd)
    return b"".join(chunks), _stamp(st)


def _check_regular(path: Path, mode: int, what: str) -> None:
    if stat.S_ISDIR(mode):
        raise StoreIOError(f"{path}: is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise StoreIOError(f"{path}: is not a regular file (a pipe or device?); cannot read {what}")


def read_stream(stream: Any, limit: int, source: str) -> bytes:
    """At most *limit* bytes of a binary stream (stdin); more is an error."""
    data: bytes = stream.read(limit + 1)
    if len(data) > limit:
        raise InvalidData(source, [Problem("", f"input is larger than {limit} bytes")])
    return data


def stat_of(path: Path) -> os.stat_result | None:
    """``stat`` of *path*, None when it does not exist or cannot be looked at."""
    try:
        result: os.stat_result = OPS.stat(path)
    except OSError:
        return None
    return result


def exists(path: Path) -> bool:
    """True when *path* exists (a dangling symlink counts: it names a file to be)."""
    try:
        OPS.lstat(path)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return True


def list_folder(folder: Path) -> list[str]:
    try:
        names: list[str] = OPS.listdir(folder)
    except OSError:
        return []
    return names


def remove(path: Path) -> None:
    """Best effort: remove *path* if it is there."""
    with contextlib.suppress(OSError):
        OPS.unlink(path)


def make_folder(path: Path, *, parents: bool = False, report_as: Path | None = None) -> None:
    """Create the folder *path* (and its parents); StoreIOError naming *report_as* if that fails."""
    try:
        OPS.mkdir(path)
    except FileExistsError:
        return
    except FileNotFoundError as exc:
        if not parents or path.parent == path:
            raise io_error(report_as or path, exc, f"create the folder {path}") from None
        make_folder(path.parent, parents=True, report_as=report_as)
        make_folder(path, report_as=report_as)
    except OSError as exc:
        raise io_error(report_as or path, exc, f"create the folder {path}") from None


def link(source: Path, target: Path) -> bool:
    """Hard-link *source* as *target*; False where links are not supported here."""
    try:
        OPS.link(source, target)
    except OSError as exc:
        if exc.errno in (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EEXIST):
            return False
        raise
    return True


def open_lock_file(path: Path) -> int:
    """An fd on the lock file *path* (created when missing), for ``flock``."""
    try:
        fd: int = OPS.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NONBLOCK, 0o644)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EROFS) and not writable(path.parent):
            raise folder_not_writable(path.parent, path.name.removesuffix(".lock")) from None
        raise io_error(path, exc, "create the lock file") from None
    return fd


def writable(folder: Path) -> bool:
    return bool(OPS.access(folder, os.W_OK | os.X_OK))


def folder_not_writable(folder: Path, name: str) -> StoreIOError:
    return StoreIOError(
        f"{folder}: the folder is not writable, so {name} cannot be saved safely; "
        "nothing was changed"
    )


def close(fd: int) -> None:
    with contextlib.suppress(OSError):
        OPS.close(fd)


# ------------------------------------------------------------------ writing


def default_mode() -> int:
    """The mode a new file gets under the process umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_new(path: Path, data: bytes, mode: int, report_as: Path, *, durable: bool = True) -> None:
    """Create *path* (it must not exist) holding *data* with *mode*, fsynced when *durable*.

    On any failure the partial file is removed and StoreIOError names *report_as*.
    """
    try:
        fd = OPS.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise io_error(report_as, exc, "create a temporary file") from None
    try:
        try:
            OPS.fchmod(fd, stat.S_IMODE(mode))
            view = memoryview(data)
            while view:
                view = view[OPS.write(fd, view) :]
            if durable:
                OPS.fsync(fd)
        finally:
            OPS.close(fd)
    except OSError as exc:
        remove(path)
        raise io_error(report_as, exc, "write the file") from None
    except BaseException:
        remove(path)
        raise


def temp_name(target: Path, tag: str = "") -> Path:
    """A hidden, unique temp file next to *target*."""
    return target.parent / f"{TEMP_PREFIX}{tag}{os.urandom(8).hex()}"


def atomic_write(
    target: Path,
    data: bytes,
    *,
    mode: int | None = None,
    owner: tuple[int, int] | None = None,
    tag: str = "",
    prepare: Callable[[], Callable[[], None] | None] | None = None,
    durable: bool = True,
) -> bool:
    """Replace *target* with *data* in one rename; returns False when the folder sync failed.

    The one writer of every file summits writes. *mode* defaults to the
    target's current mode (or the umask's for a new file). *prepare* runs
    after the temp file is complete and just before the rename (the store
    checks nobody changed the file and keeps a backup there); it may return a
    function that undoes its work if the rename then fails. ``durable=False``
    skips the fsyncs (for the parse cache, which can always be rebuilt). Every failure
    before the rename leaves *target* byte-identical and no temp file behind.
    """
    folder = target.parent
    if not writable(folder):
        raise folder_not_writable(folder, target.name)
    if mode is None:
        current = stat_of(target)
        mode = current.st_mode if current is not None else default_mode()
    temp = temp_name(target, tag)
    write_new(temp, data, mode, target, durable=durable)
    undo: Callable[[], None] | None = None
    try:
        if owner is not None and (os.geteuid() == 0 or owner[0] == os.geteuid()):
            with contextlib.suppress(OSError):
                OPS.chown(temp, *owner)
        if prepare is not None:
            undo = prepare()
        try:
            OPS.replace(temp, target)  # the commit point
        except OSError as exc:
            raise io_error(target, exc, "replace the file") from None
    except BaseException:
        remove(temp)
        if undo is not None:
            undo()
        raise
    return sync_folder(folder) if durable else True


def sync_folder(folder: Path) -> bool:
    """fsync a folder so a rename in it is durable; False when that failed."""
    try:
        fd = OPS.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            OPS.fsync(fd)
        finally:
            OPS.close(fd)
    except OSError:
        return False
    return True
