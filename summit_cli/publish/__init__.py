"""Publishing: a self-contained HTML timeline page and a weekly brief, as pure functions.

Both take event records exactly as ``summits list --output json`` prints them (one
dict per event or per occurrence of a recurring event) plus the store's formats,
and return text: nothing here reads files (except the bundled ``page.css`` and
``page.js``), the clock or the environment; ``now`` is always passed in.

- :func:`summit_cli.publish.page.render_page` -> one HTML5 file, no network loads.
- :func:`summit_cli.publish.brief.build_brief` -> a :class:`~summit_cli.publish.brief.Brief`,
  rendered by ``brief_markdown``, ``brief_text`` and ``brief_html``.
"""
