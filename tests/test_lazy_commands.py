"""The root group lists commands from a static table and loads them only when needed."""

from __future__ import annotations

import subprocess
import sys

from helpers import command_at

from summit_cli.cli.application import COMMANDS


def test_the_static_short_help_is_each_commands_docstring() -> None:
    for name, (_, short) in COMMANDS.items():
        command = command_at((name,))
        first = (command.help or "").split("\n\n")[0].replace("\n", " ").strip()
        assert first == short, name


def test_help_lists_every_command_without_loading_them() -> None:
    code = (
        "import sys; sys.argv = ['summits', '--help']\n"
        "from summit_cli.cli.application import main\n"
        "try:\n    main()\n"
        "except SystemExit:\n    pass\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('summit_cli.cli.') and "
        "m.split('.')[-1] in {'events', 'add', 'edit', 'formats', 'views_cmd', 'countdown', "
        "'interop', 'maintenance'})\n"
        "print(loaded, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stderr.strip().splitlines()[-1] == "[]"
    for name in COMMANDS:
        assert f"  {name} " in done.stdout
