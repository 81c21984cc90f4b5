"""Event ids: generated from what the event is (its date, place and format or kind), made
unique against those taken, so a store that omits them still has stable ones. Pure."""

from __future__ import annotations

import re

from summit_cli.model import Event


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens (for generated ids)."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def generate_id(event: Event, taken: set[str] | frozenset[str]) -> str:
    """``<date>-<place>-<format or kind>``, made unique against *taken*."""
    parts = [event.start.isoformat().lower() if event.start.rough else event.start.date.isoformat()]
    place = slugify(event.city or event.venue or "")
    if place:
        parts.append(place)
    parts.append(slugify(event.format or event.kind) or "event")
    base = "-".join(parts)[:90].strip("-")
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate
