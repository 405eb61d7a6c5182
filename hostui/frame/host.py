"""Typed access to the application from screens and widgets (instead of ``getattr``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.dom import DOMNode

if TYPE_CHECKING:
    from hostui.app import HostUIApp

__all__ = ["host_app"]


def host_app(node: DOMNode) -> HostUIApp:
    """The running ``HostUIApp`` of ``node``: its service, clock, error channel, account."""
    return cast("HostUIApp", node.app)
