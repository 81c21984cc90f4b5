"""Renderers of the view models: ``terminal`` (the only module that imports Rich) and
``text`` (plain text, for pipes)."""
