"""summits: a command-line timeline and summit tracker."""

__version__ = "0.1.0"
