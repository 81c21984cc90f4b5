"""Where stores live: the user's store, the bundled one, the cache folder.

The environment is passed in (``environ``): only the settings object reads
``os.environ``.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from summit_cli.errors import InvalidInput, NotFound

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Literal

    Syntax = Literal["yaml", "json"]

APP_NAME = "summits"


def bundled_store_path() -> Path:
    """The store shipped with the package (wheel) or the repository (editable install)."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_data" / "summits.yaml", here.parent / "data" / "summits.yaml"):
        if candidate.is_file():
            return candidate
    raise NotFound("the bundled store is missing from this installation (reinstall summits)")


def _xdg(environ: Mapping[str, str], variable: str, fallback: str) -> Path | None:
    """An XDG base folder on Linux, exactly as platformdirs computes it; None elsewhere.

    platformdirs costs a few milliseconds to import, a real share of the start-up
    budget, and on Linux its answer is this one line.
    """
    if not sys.platform.startswith("linux"):
        return None
    value = environ.get(variable, "").strip()
    if value:
        return Path(value)
    home = environ.get("HOME", "").strip()
    return Path(home) / fallback if home else Path("~").expanduser() / fallback


def user_store_path(environ: Mapping[str, str]) -> Path:
    """The user's own store in the platform data folder (may not exist yet)."""
    base = _xdg(environ, "XDG_DATA_HOME", ".local/share")
    if base is not None:
        return base / APP_NAME / "summits.yaml"
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "summits.yaml"


def cache_folder(environ: Mapping[str, str]) -> Path:
    """Where parsed stores are cached: ``SUMMITS_CACHE_DIR``, else the platform cache folder."""
    explicit = environ.get("SUMMITS_CACHE_DIR", "").strip()
    if explicit:
        return Path(explicit).expanduser()
    base = _xdg(environ, "XDG_CACHE_HOME", ".cache")
    if base is not None:
        return base / APP_NAME / "stores"
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False) / "stores"


@dataclass(frozen=True)
class Location:
    """Which store a command uses, and whether it is the read-only bundled copy."""

    path: Path
    bundled: bool = False
    copy_to: Path | None = None  # where the first write puts the user's copy
    cache_dir: Path | None = None  # where parsed stores are cached (None: no cache)


def locate(explicit: str | None, environ: Mapping[str, str], *, cache: bool = True) -> Location:
    """``--store``/``SUMMITS_STORE`` if given; else the user's store; else the bundled one."""
    from summit_cli.store import fs

    cache_dir = cache_folder(environ) if cache else None
    if explicit:
        return Location(Path(explicit).expanduser(), cache_dir=cache_dir)
    user = user_store_path(environ)
    if fs.exists(user):
        return Location(user, cache_dir=cache_dir)
    return Location(bundled_store_path(), bundled=True, copy_to=user, cache_dir=cache_dir)


def syntax_of(path: Path) -> Syntax:
    """yaml or json, from the file's suffix."""
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        return "yaml"
    if suffix == ".json":
        return "json"
    raise InvalidInput(
        f"{path}: unknown store type {suffix or '(no suffix)'!r}; use a .yaml, .yml or .json file"
    )
