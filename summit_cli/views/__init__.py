"""View models: what people see, as plain data (``base``: cells, tables, cards and the
texts of times; ``tables``, ``cards``, ``tracks``: the views of each command)."""
