"""Sync with the outside world: two-way with CalDAV calendars, one-way from ICS feeds.

- ``remotes``: what a remote is (pure: names, URLs, where its password comes from);
- ``plan``: what to push, pull, delete, and how a conflict is settled (pure);
- ``codec``: one event to one calendar object and back, and content hashes (pure);
- ``credentials``: a remote's password from an environment variable or a command;
- ``caldav_link``, ``feed_link``: the talk with a CalDAV server and a feed host;
- ``report``: what a sync did, for people and for scripts (pure);
- ``run``: one sync of one remote, through the store's safe write path;
- ``readonly``: events that come from a feed refuse edits.

The state files live in the store package (``store.syncstate``).
"""
