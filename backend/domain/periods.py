"""Billing periods: calendar-month arithmetic shared by renewals, the rules and the demo."""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta

from backend.models import ServiceOrder


def add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def period_after(period_end: datetime, months: int) -> tuple[datetime, datetime]:
    """The billing period following one that ends at ``period_end``: [next day, +N months)."""
    start = (period_end + timedelta(seconds=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    end = add_months(start, months) - timedelta(seconds=1)
    return start, end


def next_period(order: ServiceOrder) -> tuple[datetime, datetime]:
    """The billing period after the order's current one (``period_end`` is how far it is paid)."""
    return period_after(order.period_end, order.billing_period_months)
