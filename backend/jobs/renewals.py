"""The renewal job as a background worker of ``hostui-server``: ``run_renewals`` every
``Settings.renewal.interval``, started and stopped like the job runner and the mail sender.

Several servers on one database may all run it: each order is decided under its row lock,
so a period is renewed once whichever process gets there first (backend/domain/auto_renew.py).
"""

from __future__ import annotations

import logging
import threading

from backend.background import BackgroundWorker
from backend.domain.auto_renew import run_renewals
from backend.portal import Portal

log = logging.getLogger(__name__)


class RenewalScheduler(BackgroundWorker):
    def __init__(self, portal: Portal) -> None:
        super().__init__("renewal-scheduler")
        self.portal = portal
        # Set after every run, for whoever wants to know that one happened (the tests).
        self.ran = threading.Event()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                report = run_renewals(self.portal)
                if report.due:
                    log.info("renewals: %s", report)
            except Exception:  # noqa: BLE001 - a database hiccup must not end the scheduler
                log.exception("the renewal run failed; the next one retries")
            self.ran.set()
            self._stopping.wait(self.portal.settings.renewal.interval.total_seconds())
