"""hostui's loading indicator: Textual's, in the user's language when animations are off."""

from __future__ import annotations

from textual.widgets import LoadingIndicator

from hostui.i18n import _

__all__ = ["Loading"]

# Textual redraws its spinner at this rate.
SPIN_INTERVAL = 1 / 16


class Loading(LoadingIndicator):
    """Without animations (hostui's default, see HostUIApp) Textual's indicator says
    "Loading..." in English, and still redraws that 16 times a second: this one says it in
    the user's language, drawn once. With TEXTUAL_ANIMATIONS=full it spins as Textual's does."""

    def on_mount(self) -> None:
        self.spin(True)

    def spin(self, on: bool) -> None:
        """Redraw on a timer while ``on`` and animations are on; never otherwise (a hidden or
        finished indicator must not keep the process busy)."""
        self.auto_refresh = SPIN_INTERVAL if on and self.app.animation_level != "none" else None

    def render(self):  # noqa: ANN201 - a Textual renderable
        if self.app.animation_level == "none":
            return _("Loading…")
        return super().render()
