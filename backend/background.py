"""The one way a portal process runs work in the background: a daemon thread that loops until
it is stopped. The job runner, the mail sender and the renewal scheduler are such workers;
``hostui-server`` starts them in its lifespan and the local profile in hostui's process."""

from __future__ import annotations

import threading
from typing import Self

__all__ = ["BackgroundWorker"]


class BackgroundWorker:
    """Subclasses implement ``_loop`` (returning once ``_stopping`` is set, waiting on it
    between rounds) and may extend ``_started``/``_stopped`` for what they own besides."""

    def __init__(self, thread_name: str) -> None:
        self._thread_name = thread_name
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> Self:
        if self.running:
            return self
        self._stopping.clear()
        self._started()
        self._thread = threading.Thread(target=self._loop, name=self._thread_name, daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the piece of work in hand (each is its own transaction)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._stopped()

    def _started(self) -> None:
        """Before the thread starts (the job runner makes its pool here)."""

    def _stopped(self) -> None:
        """After the thread ended (the job runner waits for its pool here)."""

    def _loop(self) -> None:
        raise NotImplementedError
