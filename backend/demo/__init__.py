"""Deterministic demo data: a believable customer portal to look at, test against and benchmark.

Two customers are created:

* ``demo`` / ``demo``: a German small business with eight orders (dedicated servers and
  VPS), about three years of monthly invoices, tickets, mailboxes and login history;
* ``acme`` / ``acme``: a small US customer, there to prove customers never see each other.

``catalogue`` holds the fixed facts, ``generator`` writes them through the billing domain,
``bulk`` writes the large volumes, ``command`` is ``python -m backend.demo``:

    python -m backend.demo --database sqlite:///portal.sqlite3 [--invoices N] [--traffic-days D]
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
