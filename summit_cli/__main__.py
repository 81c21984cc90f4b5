"""Run the command line as ``python -m summit_cli``."""

from summit_cli.cli import main

main()
