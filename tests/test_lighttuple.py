"""The start-up path's small value records are named tuples made without importing typing."""

from __future__ import annotations

import subprocess
import sys

import pytest

from summit_cli import lighttuple

TYPE_CHECKING = False
if TYPE_CHECKING:  # as the production modules do: checkers see typing's NamedTuple
    from typing import NamedTuple
else:
    NamedTuple = lighttuple.NamedTuple


class Point(NamedTuple):
    """A point."""

    x: int
    y: int = 0
    label: str | None = None

    def moved(self, dx: int) -> Point:
        return self._replace(x=self.x + dx)


def test_fields_defaults_methods_and_docstring_are_kept() -> None:
    point = Point(1)
    assert point.y == 0 and point.label is None
    assert tuple(point) == (1, 0, None)
    assert Point(1, 2, "a")._asdict() == {"x": 1, "y": 2, "label": "a"}
    assert point.moved(2) == Point(3)
    assert Point.__doc__ == "A point." and Point.__qualname__ == "Point"
    assert repr(Point(1, 2)) == "Point(x=1, y=2, label=None)"
    assert Point._fields == ("x", "y", "label")
    with pytest.raises(AttributeError):
        point.x = 5  # type: ignore[misc]  # a named tuple's fields are read-only


def test_a_field_without_default_after_one_with_a_default_is_refused() -> None:
    with pytest.raises(TypeError, match="without a default follows"):

        class Bad(NamedTuple):
            a: int = 0
            b: int  # type: ignore[misc]  # the mistake under test


def test_commands_on_the_start_up_path_import_no_typing() -> None:
    code = (
        "import sys; sys.argv = ['summits', '--now', '2021-12-31', 'upcoming', '-o', 'json']\n"
        "import io, contextlib\n"
        "from summit_cli.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n        main()\n    except SystemExit:\n        pass\n"
        "assert 'typing' not in sys.modules, 'typing was imported'\n"
    )
    # The first run reads the store cold (its YAML parser is allowed typing) and fills the
    # parse cache; a prompt's every later run is the second one.
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", code], check=False, timeout=60)
    assert done.returncode == 0
