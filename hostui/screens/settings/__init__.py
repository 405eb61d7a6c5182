"""The Settings section: renewal, money and language, mailboxes, security (code word,
allowed IP ranges, login history) and profile changes by ticket."""

from hostui.screens.settings.screen import SettingsScreen

__all__ = ["SettingsScreen"]
