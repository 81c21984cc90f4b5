"""summits: a command-line timeline and summit tracker.

POSIX only (Linux, macOS, the BSDs): writes rely on ``flock`` locks, ``fsync`` of a
folder and atomic ``rename`` over an open file, which Windows does not give the
same way. Importing the package elsewhere fails at once, with a message that says so.
"""

import os as _os

__version__ = "0.2.0"

if _os.name != "posix":  # pragma: no cover - exercised by tests/test_entry_point.py
    raise ImportError(
        "summits runs on POSIX systems (Linux, macOS, BSD) only: its safe writes need "
        "flock and atomic renames; on Windows, use it from WSL"
    )
