"""One error channel: every failure reaches the user once, in one line, never as a traceback.

Workers and dialogs hand their exceptions to ``ErrorChannel.report``. It words the error
(``error_line``), offers a retry only when a retry can succeed (``can_retry``: the server was
unreachable or busy, not "already paid"), and collapses repeats: the same failure reported
again while its toast is still up (four quick filter switches with the server down, or a
reload whose list and balance both fail) shows one toast, not a stack of them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.app import App

from backend.contract import AuthenticationFailed, ServiceError, ServiceUnavailable, TooManyRequests

from hostui.i18n import _

__all__ = ["ErrorChannel", "error_line", "can_retry", "as_sentence"]

TOAST_SECONDS = 8.0


def error_line(error: BaseException) -> str:
    """One line for the user: a ServiceError's own message (capitalised), else the type."""
    if isinstance(error, ServiceError):
        text = str(error).strip()
        return text[:1].upper() + text[1:]
    lines = str(error).strip().splitlines()
    first = lines[0] if lines else ""
    name = type(error).__name__
    return _("Unexpected error: {name}: {first}").format(name=name, first=first) if first else _("Unexpected error: {name}").format(name=name)


def can_retry(error: BaseException) -> bool:
    """Whether doing the same again may succeed: the service was unreachable, slow or busy.

    A refusal ("already paid", "not found", invalid input, not logged in) stays a refusal
    however often it is retried, so the user is not invited to try.
    """
    if isinstance(error, ServiceError):
        return isinstance(error, (ServiceUnavailable, TooManyRequests))
    return isinstance(error, (TimeoutError, ConnectionError))


def as_sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else f"{text}."


class ErrorChannel:
    """Shows failures as toasts, each once while it is on screen."""

    def __init__(
        self,
        app: App,
        *,
        advice: Callable[[BaseException], str | None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``advice(error)``: an extra line for errors the profile knows how to fix (log in)."""
        self._app = app
        self._advice = advice
        self._clock = clock
        self._shown: dict[str, float] = {}  # text -> when its toast goes away

    def text_for(self, error: BaseException, *, retry: str | None = None) -> str:
        """What ``report`` would show: the error, the fix if known, the retry hint if useful."""
        parts = [as_sentence(error_line(error))]
        if isinstance(error, AuthenticationFailed) and self._advice is not None:
            advice = self._advice(error)
            if advice:
                parts.append(advice)
        if retry and can_retry(error):
            parts.append(retry)
        return "\n".join(parts)

    def report(self, error: BaseException, *, retry: str | None = None) -> bool:
        """Show ``error`` unless the same text is already on screen; True if shown.

        ``retry``: how to try again ("ctrl+r reloads"), shown only when a retry can succeed.
        """
        if not isinstance(error, ServiceError):
            self._app.log.error(repr(error))
        text = self.text_for(error, retry=retry)
        now = self._clock()
        if self._shown.get(text, 0.0) > now:
            return False
        self._shown = {shown: until for shown, until in self._shown.items() if until > now}
        self._shown[text] = now + TOAST_SECONDS
        self._app.notify(text, title=_("Error"), severity="error", timeout=TOAST_SECONDS, markup=False)
        return True
