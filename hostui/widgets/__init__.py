"""Widgets shared by hostui's screens."""

from hostui.widgets.account_bar import AccountBar
from hostui.widgets.formatting import day, method_label, money
from hostui.widgets.key_bar import KeyBar
from hostui.widgets.status_line import StatusLine

__all__ = ["AccountBar", "KeyBar", "StatusLine", "day", "method_label", "money"]
