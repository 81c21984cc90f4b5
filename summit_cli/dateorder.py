"""How to read numeric dates like 01/02/2022 (``--date-order``): its own small module, so a
command that reads no typed date never loads ``typed``."""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from summit_cli.lighttuple import NamedTuple


class DateOrder(NamedTuple):
    """How to read numeric dates like 01/02/2022: day first, month first, or refuse."""

    dayfirst: bool | None = None  # None: ambiguous numeric dates are an error
