"""Deterministic demo data: a believable customer portal to look at, test against and benchmark.

Two customers are created:

* ``demo`` / ``demo``: a German small business with eight orders (dedicated servers and
  VPS), about three years of monthly invoices, tickets, mailboxes and login history;
* ``acme`` / ``acme``: a small US customer, there to prove customers never see each other.

``catalogue`` holds the fixed facts, ``generator`` writes them through the billing domain,
``history`` streams the older invoices a benchmark size (``--invoices N``) asks for in
batches, ``bulk`` writes large volumes straight through the driver, ``command`` is
``python -m backend.demo``:

    python -m backend.demo --database sqlite:///portal.sqlite3 [--invoices N] [--traffic-days D]
                           [--five-minute-days F]

Traffic: a year per server, the last 35 days in five-minute samples (enough for the month's
95th percentile and the day, week and month charts) and one sample per hour before that, so
the first start stays within a few seconds; ``--five-minute-days 365`` writes a full year of
five-minute samples (about a million rows, for benchmarks).
"""

from backend.demo.catalogue import DEMO_LOGIN, DEMO_NOW, DEMO_PASSWORD, OTHER_LOGIN, OTHER_PASSWORD
from backend.demo.command import main
from backend.demo.generator import DemoReport, DemoSize, ensure_demo, seed_demo

__all__ = [
    "DEMO_LOGIN",
    "DEMO_NOW",
    "DEMO_PASSWORD",
    "OTHER_LOGIN",
    "OTHER_PASSWORD",
    "DemoReport",
    "DemoSize",
    "ensure_demo",
    "main",
    "seed_demo",
]
