"""Widgets shared by hostui's screens."""

from hostui.widgets.formatting import day, method_label, money
from hostui.widgets.key_bar import KeyBar
from hostui.widgets.section_header import SectionHeader
from hostui.widgets.status_line import StatusLine

__all__ = ["KeyBar", "SectionHeader", "StatusLine", "day", "method_label", "money"]
