"""The brief command: what to watch in the next days, for a newsletter or a morning mail."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from enum import StrEnum
from typing import Annotated

import typer

from summit_cli import query, records, store
from summit_cli.cli.declare import option
from summit_cli.cli.groups import Filters, context, to_filter
from summit_cli.cli.options import AHEAD, settings_of
from summit_cli.cli.output import Text
from summit_cli.errors import InvalidInput


class BriefOutput(StrEnum):
    """What ``brief`` prints."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"


SINCE_HELP = (
    "List the schedule changes recorded since WHEN, e.g. the date of your last brief (default: N "
    "days before now, which is the last brief when you send one every N days)."
)
OUTPUT_HELP = (
    "text (a mail body, 72 columns; the default), markdown (CommonMark, for a newsletter or a "
    "wiki) or html (a self-contained page in the style of export --output html)."
)


def brief(
    ctx: typer.Context,
    filters: Filters = AHEAD,
    days: Annotated[
        int, option("--days N", "How many days ahead, from now (1 to 366).", min=1, max=366)
    ] = 7,
    since: Annotated[str | None, option("--since WHEN", SINCE_HELP)] = None,
    output_format: Annotated[
        BriefOutput, option("--output -o FORMAT", OUTPUT_HELP, case_sensitive=False)
    ] = BriefOutput.TEXT,
) -> Text:
    """What to watch in the next days: each event with its stakes, and recent schedule changes.

    The events that start in the next N days (default 7), grouped by day in
    the display zone (--tz): the time at the venue and in the display zone,
    the countdown, the format and round, and what is at stake: the previous
    meeting of the same format, with its date, place and outcome (filters
    never hide it). At the end, the postponements, cancellations and date
    changes recorded in the events' history since --since. Nothing is stored
    between runs: the same store, --now and options give the same brief.

    Example: summits brief --days 7 --output markdown > brief.md
    """
    settings = settings_of(ctx)
    spec = to_filter(filters, settings)
    now = settings.now
    since_at = context(settings).moment(since, "--since") if since else None
    if since_at is not None and since_at > now:
        raise InvalidInput(f"--since {since!r} is after now ({now:%Y-%m-%d %H:%M %Z})")
    current = store.read_store(settings.location())
    display = settings.display
    # A day more on each side: an all-day event counts by its date at the venue, whose
    # midnight may be up to a day away from the display zone's (build_brief decides).
    window = replace(spec, start=now - timedelta(days=1), end=now + timedelta(days=days + 1))
    ahead = query.select(current, window, display, now=now)
    # The last round of each format in the brief, whatever the filters.
    keys = tuple(sorted({i.event.format for i in ahead if i.event.format}))
    past = query.select(current, query.Filter(formats=keys), display, now=now) if keys else []
    # History lives on the event (a series' on the series): one item per event is enough.
    changed = query.select(current, spec, display)

    def rows(items: list[query.Placed]) -> list[dict[str, object]]:
        return [records.record(i, now) for i in items]

    from summit_cli.publish import brief as digest

    made = digest.build_brief(
        rows(ahead),
        {key: fmt.to_plain() for key, fmt in current.formats.items()},
        now=now,
        zone=display,
        days=days,
        since=since_at,
        past=rows(past),
        changed=rows(changed),
    )
    if output_format is BriefOutput.MARKDOWN:
        return Text(digest.brief_markdown(made))
    if output_format is BriefOutput.HTML:
        from summit_cli.publish.page import read_asset

        return Text(digest.brief_html(made, read_asset("page.css")))
    return Text(digest.brief_text(made))
