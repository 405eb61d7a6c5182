"""hostui: the hosting customer portal in the terminal."""

__version__ = "0.1.0"
