"""Global settings: the clock, the display zone and the world, read once at the edge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from summit_cli import store, zones
from summit_cli.cli.environment import Environment
from summit_cli.dateorder import DateOrder
from summit_cli.errors import InvalidInput


@dataclass(frozen=True)
class Settings:
    """What every command needs to know about the world."""

    store_path: str | None  # --store / SUMMITS_STORE
    now: datetime  # aware
    display: tzinfo
    date_order: DateOrder
    lock_timeout: float
    env: Environment
    cache: bool = True  # SUMMITS_CACHE=0 turns the parse cache off

    def location(self) -> store.Location:
        return store.locate(self.store_path, self.env.environ, cache=self.cache)

    @property
    def color(self) -> bool:
        return self.env.color

    @property
    def terminal(self) -> bool:
        return self.env.terminal


def system_zone_name(env: Environment) -> str:
    """The machine's IANA zone: $TZ, else /etc/localtime's link, else /etc/timezone, else UTC."""
    name = (env.get("TZ") or "").lstrip(":")
    if name and zones.is_zone_name(name):
        return name
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


def parse_date_order(text: str | None) -> DateOrder:
    if not text:
        return DateOrder()
    lowered = text.strip().lower()
    if lowered == "dmy":
        return DateOrder(dayfirst=True)
    if lowered == "mdy":
        return DateOrder(dayfirst=False)
    raise InvalidInput(f"--date-order must be dmy or mdy, not {text!r}")


def build(
    *,
    store_path: str | None,
    now_text: str | None,
    tz_text: str | None,
    date_order: str | None,
    lock_timeout: float,
    env: Environment,
) -> Settings:
    """Read the clock, the zone and the terminal once, and resolve the global options."""
    from summit_cli.store.lock import check_timeout

    zones.use_packaged_tzdata()
    display = zones.resolve_zone(tz_text or system_zone_name(env))
    order = parse_date_order(date_order)
    clock = datetime.now(UTC).astimezone(display)
    now = clock
    if now_text:
        from summit_cli.typed import read_now

        now = read_now(now_text, clock, display, order)
    return Settings(
        store_path=store_path,
        now=now,
        display=display,
        date_order=order,
        lock_timeout=check_timeout(lock_timeout),
        env=env,
        cache=env.flag("SUMMITS_CACHE", default=True),
    )
