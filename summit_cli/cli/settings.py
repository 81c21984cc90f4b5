"""Global settings: the only place that reads the clock and the environment."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from summit_cli import store, timeline, zones
from summit_cli.errors import InvalidInput

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any


@dataclass(frozen=True)
class Settings:
    """What every command needs to know about the world, read once at the edge."""

    store_path: str | None  # --store / SUMMITS_STORE
    now: datetime  # aware
    display: tzinfo
    date_order: timeline.DateOrder
    lock_timeout: float
    stdout_tty: bool
    color: bool

    cache: bool = True  # SUMMITS_CACHE=0 turns the parse cache off

    def location(self) -> store.Location:
        return store.locate(self.store_path, os.environ, cache=self.cache)


def system_zone_name() -> str:
    """The machine's IANA zone: $TZ, else /etc/localtime's link, else /etc/timezone, else UTC."""
    env = os.environ.get("TZ", "").lstrip(":")
    if env and zones.is_zone_name(env):
        return env
    try:
        target = str(Path("/etc/localtime").readlink())
        if "zoneinfo/" in target:
            name = target.split("zoneinfo/", 1)[1]
            if zones.is_zone_name(name):
                return name
    except OSError:
        pass
    try:
        name = Path("/etc/timezone").read_text(encoding="utf-8").strip()
        if zones.is_zone_name(name):
            return name
    except OSError:
        pass
    return "UTC"


def color_wanted(stream: Any) -> bool:
    """Colour only on a terminal; NO_COLOR wins; FORCE_COLOR forces it on."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)()) and os.environ.get("TERM") != "dumb"


def parse_date_order(text: str | None) -> timeline.DateOrder:
    if not text:
        return timeline.DateOrder()
    lowered = text.strip().lower()
    if lowered == "dmy":
        return timeline.DateOrder(dayfirst=True)
    if lowered == "mdy":
        return timeline.DateOrder(dayfirst=False)
    raise InvalidInput(f"--date-order must be dmy or mdy, not {text!r}")


def build(
    *,
    store_path: str | None,
    now_text: str | None,
    tz_text: str | None,
    date_order: str | None,
    lock_timeout: float,
) -> Settings:
    """Read the clock, the zone and the terminal once, and resolve the global options."""
    zones.use_packaged_tzdata()
    display = zones.resolve_zone(tz_text) if tz_text else zones.resolve_zone(system_zone_name())
    order = parse_date_order(date_order)
    clock = datetime.now(UTC).astimezone(display)
    if now_text:
        typed = timeline.parse_typed(now_text, clock, order)
        now = timeline.resolve_typed(typed, display)
    else:
        now = clock
    if lock_timeout < 0:
        raise InvalidInput("--lock-timeout must be zero or more seconds")
    tty = sys.stdout.isatty()
    return Settings(
        store_path=store_path,
        now=now,
        display=display,
        date_order=order,
        lock_timeout=lock_timeout,
        stdout_tty=tty or bool(os.environ.get("FORCE_COLOR")),
        color=color_wanted(sys.stdout),
        cache=os.environ.get("SUMMITS_CACHE", "1") not in {"0", "no", "off", "false"},
    )
