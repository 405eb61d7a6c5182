"""A server's traffic. A thin adapter: the roll-up and the billing figures live in
backend.domain.traffic."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from backend.api.deps import CustomerDep, PortalDep
from backend.api.params import RowId
from backend.api.routing import ThreadedEndpointRoute, own_threads
from backend.contract import TrafficPeriod, TrafficReport
from backend.domain import traffic

router = APIRouter(prefix="/api/v1", tags=["servers"], route_class=ThreadedEndpointRoute)

PeriodQuery = Annotated[
    TrafficPeriod,
    Query(description="day: 24 hourly buckets; week and month: 7 and 30 daily buckets; "
          "year: 12 monthly buckets. All in UTC, ending with the bucket that holds now."),
]


# A year's report adds up a year of samples (tens of ms on a busy server): in threads of its
# own, as the documents (routes_invoices.DOCUMENT_THREADS), not in the few shared ones.
@router.get("/servers/{server_id}/traffic", response_model=TrafficReport)
@own_threads(2)
def server_traffic(
    server_id: RowId, portal: PortalDep, customer_id: CustomerDep, period: PeriodQuery = TrafficPeriod.MONTH
) -> TrafficReport:
    """The server's traffic in and out over the period, with this calendar month's 95th
    percentile and the bytes used against the tariff's included traffic."""
    return traffic.traffic_report(portal, customer_id, server_id, period)
